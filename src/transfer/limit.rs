//! How many blob requests are in flight: an adaptive limit rather than a fixed number, with
//! `--jobs` as the ceiling. Over a slow link a small blob costs a round trip, not bandwidth,
//! so the limit grows while small transfers succeed (by one per success, doubling each round
//! trip as TCP's slow start does); when the registry pushes back (429, 503, a reset) it
//! halves, once per window of requests that were in flight when it happened, and then grows
//! by one per window only (additive increase, multiplicative decrease). Large transfers
//! neither grow it (more of them in flight only share the same bandwidth) nor are spared
//! its decrease.

use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::registry::Registry;

/// Where the limit starts: what ghcr-cli ran at before it adapted.
pub const START: usize = 16;
/// A transfer of at most this many bytes may grow the limit.
pub const SMALL: u64 = 1024 * 1024;

pub(crate) struct Limit {
    ceiling: usize,
    permits: Semaphore,
    state: Mutex<State>,
    /// How often the registry pushed back so far.
    pushbacks: Box<dyn Fn() -> u64 + Send + Sync>,
}

struct State {
    /// The limit, fractional while it grows by less than one per success.
    limit: f64,
    /// Permits that exist: available in the semaphore or held by a slot.
    granted: usize,
    /// Permits to swallow as they come back, after a decrease.
    debt: usize,
    /// Above this the limit grows by one per window instead of one per success.
    threshold: f64,
    /// Permits issued so far; a slot issued before the last decrease does not decrease it
    /// again (it was part of the same burst).
    issued: u64,
    window_end: u64,
}

/// One request's (or one blob's) place in flight; give it back with [`Slot::done`].
pub(crate) struct Slot<'a> {
    limit: &'a Limit,
    permit: Option<SemaphorePermit<'a>>,
    seq: u64,
    /// The registry's pushback count when the slot was taken: a slot that saw it move was
    /// in flight while the registry pushed back.
    pushbacks: u64,
}

impl Limit {
    /// A limit for transfers to or from `registry`, watching its pushbacks.
    pub(crate) fn new(registry: &Registry, ceiling: usize) -> Self {
        let registry = registry.clone();
        Self::watching(Box::new(move || registry.pushbacks()), ceiling)
    }

    fn watching(pushbacks: Box<dyn Fn() -> u64 + Send + Sync>, ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        let start = START.min(ceiling);
        Limit {
            ceiling,
            permits: Semaphore::new(start),
            state: Mutex::new(State {
                limit: start as f64,
                granted: start,
                debt: 0,
                threshold: ceiling as f64,
                issued: 0,
                window_end: 0,
            }),
            pushbacks,
        }
    }

    /// The most that can ever be in flight: what callers size their buffers by.
    pub(crate) fn ceiling(&self) -> usize {
        self.ceiling
    }

    /// Waits for a place in flight.
    pub(crate) async fn acquire(&self) -> Slot<'_> {
        // The semaphore is never closed; without a permit the slot still works (unlimited).
        let permit = self.permits.acquire().await.ok();
        let seq = self.state.lock().map_or(0, |mut s| {
            s.issued += 1;
            s.issued
        });
        Slot {
            limit: self,
            permit,
            seq,
            pushbacks: (self.pushbacks)(),
        }
    }

    /// The limit now (for tests and traces).
    #[cfg(test)]
    fn current(&self) -> usize {
        self.state.lock().map_or(0, |s| s.limit as usize)
    }

    fn release(&self, permit: Option<SemaphorePermit<'_>>, slot: (u64, u64), bytes: u64, ok: bool) {
        let (seq, pushbacks_then) = slot;
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        if (self.pushbacks)() > pushbacks_then {
            if seq > s.window_end {
                // Halve, once for everything that was in flight together.
                s.limit = (s.limit / 2.0).max(1.0);
                s.threshold = s.limit;
                s.window_end = s.issued;
            }
        } else if ok && bytes <= SMALL && s.limit < self.ceiling as f64 {
            s.limit += if s.limit < s.threshold {
                1.0
            } else {
                1.0 / s.limit
            };
            s.limit = s.limit.min(self.ceiling as f64);
        }
        // Permits that exist (available or held), less those to swallow, follow the limit.
        let want = (s.limit as usize).max(1);
        let effective = s.granted - s.debt;
        if want > effective {
            let need = want - effective;
            let cancel = need.min(s.debt);
            s.debt -= cancel;
            self.permits.add_permits(need - cancel);
            s.granted += need - cancel;
        } else if want < effective {
            s.debt += effective - want;
        }
        while s.debt > 0 {
            match self.permits.try_acquire() {
                Ok(p) => p.forget(),
                Err(_) => break,
            }
            s.debt -= 1;
            s.granted -= 1;
        }
        match permit {
            Some(p) if s.debt > 0 => {
                p.forget();
                s.debt -= 1;
                s.granted -= 1;
            }
            other => drop(other),
        }
    }
}

impl Slot<'_> {
    /// Gives the place back: `bytes` moved (0 for a request without a body), `ok` when it
    /// worked.
    pub(crate) fn done(mut self, bytes: u64, ok: bool) {
        let permit = self.permit.take();
        self.limit
            .release(permit, (self.seq, self.pushbacks), bytes, ok);
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        // Dropped without `done` (an error returned early, or cancelled): no growth.
        if let Some(permit) = self.permit.take() {
            self.limit
                .release(Some(permit), (self.seq, self.pushbacks), u64::MAX, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    fn limit(ceiling: usize) -> (Limit, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        let seen = count.clone();
        let limit = Limit::watching(Box::new(move || seen.load(Ordering::SeqCst)), ceiling);
        (limit, count)
    }

    #[tokio::test]
    async fn grows_for_small_transfers_up_to_the_ceiling() {
        let (limit, _) = limit(40);
        assert_eq!(limit.current(), START);
        for _ in 0..100 {
            limit.acquire().await.done(1024, true);
        }
        assert_eq!(limit.current(), 40);
        assert_eq!(limit.permits.available_permits(), 40);
    }

    #[tokio::test]
    async fn large_transfers_do_not_grow_it() {
        let (limit, _) = limit(64);
        for _ in 0..10 {
            limit.acquire().await.done(SMALL + 1, true);
        }
        assert_eq!(limit.current(), START);
    }

    #[tokio::test]
    async fn a_ceiling_below_the_start_is_the_limit() {
        let (limit, _) = limit(3);
        assert_eq!(limit.current(), 3);
        assert_eq!(limit.permits.available_permits(), 3);
    }

    #[tokio::test]
    async fn pushback_halves_it_once_per_burst_and_it_grows_back_slowly() {
        let (limit, pushbacks) = limit(64);
        // 16 in flight together, and the registry refuses several of them.
        let mut slots = Vec::new();
        for _ in 0..16 {
            slots.push(limit.acquire().await);
        }
        pushbacks.fetch_add(5, Ordering::SeqCst);
        for slot in slots.drain(..4) {
            slot.done(0, true);
        }
        assert_eq!(limit.current(), 8, "halved once for the whole burst");
        pushbacks.fetch_add(1, Ordering::SeqCst);
        for slot in slots.drain(..) {
            slot.done(0, true);
        }
        // Not halved again (4) for the same burst, nor grown by slots that saw the pushback.
        let n = limit.current();
        assert_eq!(n, 8);
        // Permits in the semaphore follow: n can be taken, not one more.
        let held: Vec<_> = (0..n).map(|_| limit.permits.try_acquire().ok()).collect();
        assert!(held.iter().all(Option::is_some));
        assert!(limit.permits.try_acquire().is_err());
        drop(held);
        // Above the new threshold it grows by about one per window of successes.
        for _ in 0..2 * n {
            limit.acquire().await.done(0, true);
        }
        assert!((n + 1..=n + 2).contains(&limit.current()));
    }
}
