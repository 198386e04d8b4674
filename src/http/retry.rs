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
