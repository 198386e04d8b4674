//! Pacing the requests to one service, as `sync`'s per-registry settings ask: at most N
//! requests waiting for their answer at once, at most R started per second, and, when the
//! service counts what is left of a quota (Docker Hub's `ratelimit-remaining: 76;w=21600`),
//! the rest of the quota spread over the rest of its window once it runs low, so a mirror
//! slows down before the service starts answering 429 rather than after.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Below this many requests left in a quota, requests are spaced over the window.
const LOW_QUOTA: u64 = 10;
/// The longest gap a quota imposes between two requests: past it, the service's own 429
/// and `Retry-After` take over.
const MAX_QUOTA_GAP: Duration = Duration::from_secs(60);

/// The limits on one service's requests; shared by every request to it.
#[derive(Debug)]
pub struct Pace {
    slots: Option<Semaphore>,
    /// The gap between two request starts that `per_second` asks for.
    interval: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The earliest time the next request may start.
    next: Instant,
    /// The gap the service's quota headers ask for.
    quota_gap: Duration,
}

impl Pace {
    /// `max_in_flight` requests at once (none: no bound), `per_second` starts a second.
    pub fn new(max_in_flight: Option<usize>, per_second: Option<f64>) -> Self {
        let interval = per_second
            .filter(|r| r.is_finite() && *r > 0.0)
            .map(|r| Duration::from_secs_f64(1.0 / r))
            .unwrap_or(Duration::ZERO);
        Pace {
            slots: max_in_flight.map(|n| Semaphore::new(n.max(1))),
            interval,
            state: Mutex::new(State {
                next: Instant::now(),
                quota_gap: Duration::ZERO,
            }),
        }
    }

    /// Waits for a slot and for the request's turn; the slot is held until the answer's
    /// headers are in.
    pub(crate) async fn start(&self) -> Option<SemaphorePermit<'_>> {
        let permit = match &self.slots {
            Some(s) => s.acquire().await.ok(),
            None => None,
        };
        let wait = match self.state.lock() {
            Ok(mut s) => {
                let gap = self.interval.max(s.quota_gap);
                let now = Instant::now();
                if gap.is_zero() {
                    Duration::ZERO
                } else {
                    let at = s.next.max(now);
                    s.next = at + gap;
                    at - now
                }
            }
            Err(_) => Duration::ZERO,
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        permit
    }

    /// Reads a quota the answer reports (`ratelimit-remaining`, with its window `w=`).
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let Some(remaining) = headers
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok())
        else {
            return;
        };
        let gap = quota_gap(remaining);
        if let Ok(mut s) = self.state.lock() {
            s.quota_gap = gap;
        }
    }
}

/// The gap between requests that spreads what is left of a quota over its window, once
/// fewer than [`LOW_QUOTA`] remain: `76;w=21600` asks for none, `4;w=21600` for the cap.
fn quota_gap(value: &str) -> Duration {
    let mut parts = value.split(';');
    let Some(left) = parts.next().and_then(|n| n.trim().parse::<u64>().ok()) else {
        return Duration::ZERO;
    };
    let window = parts
        .filter_map(|p| p.trim().strip_prefix("w="))
        .find_map(|w| w.parse::<u64>().ok())
        .unwrap_or(60);
    if left >= LOW_QUOTA {
        return Duration::ZERO;
    }
    (Duration::from_secs(window) / (left as u32 + 1)).min(MAX_QUOTA_GAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_spaces_requests_only_when_low() {
        assert_eq!(quota_gap("76;w=21600"), Duration::ZERO);
        assert_eq!(quota_gap("9;w=20"), Duration::from_secs(2));
        assert_eq!(quota_gap("0;w=21600"), MAX_QUOTA_GAP);
        assert_eq!(quota_gap("3"), Duration::from_secs(15));
        assert_eq!(quota_gap("many"), Duration::ZERO);
    }

    #[tokio::test]
    async fn per_second_spaces_starts_and_slots_bound_in_flight() {
        let pace = Pace::new(Some(2), Some(10.0));
        let started = Instant::now();
        let a = pace.start().await;
        let b = pace.start().await;
        assert!(a.is_some() && b.is_some());
        // A third must wait for a slot: none is free until one is dropped.
        let third = tokio::time::timeout(Duration::from_millis(300), pace.start()).await;
        assert!(third.is_err(), "a third request started with two in flight");
        drop(a);
        let c = pace.start().await;
        assert!(c.is_some());
        // Three starts at 10 a second (the abandoned one took a turn too): the last no
        // earlier than 300 ms after the first.
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
}
