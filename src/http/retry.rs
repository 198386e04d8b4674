//! The one retry policy: how often, how long to wait (exponential backoff with jitter, or
//! what `Retry-After` asks, capped), and which answers are worth another try.

use std::time::Duration;

use reqwest::{Response, StatusCode};

/// How often and how long to retry what may succeed on a second try: connection errors,
/// timeouts, broken bodies, 408, 429, 500, 502, 503 and 504.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub retries: u32,
    /// The longest wait, also for a `Retry-After` that asks for more.
    pub max_wait: Duration,
    /// The first backoff; it doubles each time, with jitter.
    pub base: Duration,
    /// No retry starts that could not finish (one `read_timeout` more) within this long
    /// from the first try: a registry that stopped answering fails in well under a minute.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: 5,
            max_wait: Duration::from_secs(60),
            base: Duration::from_millis(250),
            deadline: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with "equal jitter": half fixed, half random, so many clients
    /// that failed together do not come back together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .base
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_wait);
        let half = full / 2;
        let random = {
            use std::hash::{BuildHasher, Hasher as _};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(attempt);
            h.finish()
        };
        let jitter_ms = half.as_millis() as u64;
        half + Duration::from_millis(if jitter_ms == 0 {
            0
        } else {
            random % (jitter_ms + 1)
        })
    }
}

/// Statuses worth another try.
pub fn retryable(status: StatusCode) -> bool {
    retryable_status(status.as_u16())
}

/// [`retryable`] for a status kept as a number (in an error).
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or an HTTP date.
pub(crate) fn retry_after(resp: &Response) -> Option<Duration> {
    let v = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(base_ms: u64) -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_millis(base_ms),
            max_wait: Duration::from_secs(60),
            ..RetryPolicy::default()
        }
    }

    /// Each wait is between half and all of base × 2^attempt (capped at max_wait), and the
    /// random half really varies.
    #[test]
    fn backoff_doubles_with_equal_jitter() {
        let p = policy(250);
        for (attempt, full_ms) in [(0u32, 250u64), (1, 500), (3, 2000), (20, 60_000)] {
            let full = Duration::from_millis(full_ms);
            let waits: Vec<Duration> = (0..64).map(|_| p.backoff(attempt)).collect();
            for w in &waits {
                assert!(*w >= full / 2 && *w <= full, "attempt {attempt}: {w:?}");
            }
            assert!(
                waits.iter().any(|w| *w != waits[0]),
                "attempt {attempt}: no jitter in {waits:?}"
            );
        }
        // A 1 ms jitter range still takes both of its values.
        let p = policy(2);
        let waits: Vec<Duration> = (0..64).map(|_| p.backoff(0)).collect();
        assert!(waits.contains(&Duration::from_millis(1)), "{waits:?}");
        assert!(waits.contains(&Duration::from_millis(2)), "{waits:?}");
        assert_eq!(policy(0).backoff(3), Duration::ZERO);
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
            assert!(retryable(StatusCode::from_u16(s).expect("status")), "{s}");
        }
        for s in [200, 201, 301, 400, 401, 403, 404, 405, 416, 501, 505] {
            assert!(!retryable_status(s), "{s}");
            assert!(!retryable(StatusCode::from_u16(s).expect("status")), "{s}");
        }
    }

    fn with_retry_after(value: Option<&str>) -> Response {
        let mut b = ::http::Response::builder().status(503);
        if let Some(v) = value {
            b = b.header(reqwest::header::RETRY_AFTER, v);
        }
        Response::from(b.body(reqwest::Body::from(Vec::new())).expect("response"))
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(
            retry_after(&with_retry_after(Some("7"))),
            Some(Duration::from_secs(7))
        );
        let soon = std::time::SystemTime::now() + Duration::from_secs(120);
        let wait =
            retry_after(&with_retry_after(Some(&httpdate::fmt_http_date(soon)))).expect("a date");
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
        assert_eq!(
            retry_after(&with_retry_after(Some(&past))),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&with_retry_after(Some("soon"))), None);
        assert_eq!(retry_after(&with_retry_after(None)), None);
    }
}
