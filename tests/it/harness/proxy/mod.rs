//! A fault-injecting HTTP proxy between ghcr-cli and a real registry, on 127.0.0.1. It can
//! redirect blob GETs to a "storage host" on another loopback address (127.0.0.2, as ghcr.io
//! sends them to its CDN) and record whether Authorization arrived there; answer the first K
//! matching requests with a status and `Retry-After`; reset, truncate, stall or corrupt a
//! blob body after N bytes; delay every request (a slow link), answer 429 above a number of
//! requests in flight, refuse single-request uploads, ask for a smallest upload chunk. Every response closes its connection,
//! which keeps the relay simple; it records each request it saw (with its `Range`,
//! `Content-Range` and `Content-Length`), and how many were in flight.

mod relay;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::serve::Serving;
use relay::Ctx;

/// The credential and signature in the storage host's signed URLs: they must never show in a
/// trace, a message or a file.
pub const STORAGE_CREDENTIAL: &str = "AKIASTORAGECREDENTIAL0001";
pub const STORAGE_SIGNATURE: &str = "d3adb33fSIGNATURE0002";

/// What the proxy does to blob downloads (`GET /v2/…/blobs/sha256:…`).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer with 307 to the storage host instead of relaying.
    pub redirect_blobs: bool,
    /// The first `count` requests whose path contains `path_part` get `status`, with this
    /// `Retry-After` value when set.
    pub fail_first: Option<FailFirst>,
    /// Cut the connection after this many body bytes, for the first `times` blob GETs.
    pub reset_after: Option<(u64, u32)>,
    /// Stop sending (but keep the connection open) after this many bytes, for one blob GET.
    pub stall_after: Option<u64>,
    /// Flip one byte of every blob body at this offset.
    pub flip_at: Option<u64>,
    /// Ignore `Range` headers (answer 200 with the whole blob).
    pub ignore_range: bool,
    /// Reset (TCP RST) instead of closing cleanly when `reset_after` cuts a body.
    pub hard_reset: bool,
    /// The storage host answers 403 (an expired URL) to its first `n` requests.
    pub storage_fail_first: u32,
    /// Sleep this long after every 16 KiB of a blob body (a slow link).
    pub throttle: Option<Duration>,
    /// Hold the `nth` (1-based) request with this method whose path contains this text
    /// without forwarding it, until the client goes away.
    pub hold: Option<(String, String, u32)>,
    /// Serve tag lists in sorted pages of `n`, with `Link` headers, as ghcr.io does
    /// (distribution 2.8 ignores `n`).
    pub paginate_tags: bool,
    /// Reset the connection (both ways) in the middle of an upload's request body: for the
    /// first `times` requests with this method to `/blobs/uploads/`, after relaying this many
    /// body bytes to the registry.
    pub reset_upload: Option<(String, u64, u32)>,
    /// Accept, read the request, and reset the connection before any byte of answer: for
    /// the first `count` requests whose path contains this text.
    pub reset_before_answer: Option<(String, u32)>,
    /// Sleep this long after every 16 KiB of an upload's request body (a slow uplink).
    pub throttle_uploads: Option<Duration>,
    /// Answer blob GETs with 307 to the same path on this same origin (`?moved=1`), as a
    /// registry that moves content within itself does.
    pub redirect_blobs_same_origin: bool,
    /// With `paginate_tags`: the `Link` to the next page names the storage host (another
    /// origin) instead of the registry.
    pub link_to_storage: bool,
    /// Answer a manifest PUT with this `Docker-Content-Digest` instead of the registry's (a
    /// registry that stored other bytes than were sent).
    pub lie_manifest_digest: Option<String>,
    /// Hold every registry-side request this long before relaying it (a slow link), so that
    /// requests the client sends together are in flight together.
    pub delay: Option<Duration>,
    /// Answer 429 to a request that arrives while this many others are in flight (a
    /// registry that limits concurrent requests).
    pub max_in_flight: Option<u32>,
    /// Answer 405 to a single-request upload (`POST …/blobs/uploads/?digest=`), as a
    /// registry that refuses it outright does.
    pub refuse_monolithic: bool,
    /// Add `OCI-Chunk-Min-Length: N` to the answers that open upload sessions, as a registry
    /// that takes no smaller chunks does.
    pub chunk_min_length: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct FailFirst {
    /// Only requests with this method, when set.
    pub method: Option<String>,
    pub path_part: String,
    pub status: u16,
    pub count: u32,
    pub retry_after: Option<String>,
    /// A JSON body for the injected answer.
    pub body: Option<String>,
    /// One more header for the injected answer.
    pub header: Option<(String, String)>,
}

impl FailFirst {
    /// The first `count` requests whose path contains `path_part` get `status`.
    pub fn new(path_part: &str, status: u16, count: u32) -> Self {
        FailFirst {
            method: None,
            path_part: path_part.to_string(),
            status,
            count,
            retry_after: None,
            body: None,
            header: None,
        }
    }

    /// Only requests with this method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    pub fn retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_string());
        self
    }

    /// Faults that do only this.
    pub fn faults(self) -> Faults {
        Faults {
            fail_first: Some(self),
            ..Faults::default()
        }
    }
}

/// One request the proxy (or its storage host) saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: bool,
    pub range: Option<String>,
    /// The request's `Content-Range` (a chunk of an upload).
    pub content_range: Option<String>,
    /// The request's `Content-Length`.
    pub content_length: Option<u64>,
    /// Served by the storage host, not the registry side.
    pub storage: bool,
    /// Requests in flight when this one arrived, itself included.
    pub in_flight: u32,
    /// The status the proxy answered itself for `max_in_flight`, or `refuse_monolithic`.
    pub injected: Option<u16>,
}

#[derive(Default)]
struct State {
    faults: Faults,
    seen: Vec<Seen>,
    failed: u32,
    resets: u32,
    upload_resets: u32,
    early_resets: u32,
    storage_failed: u32,
    held: u32,
    /// Body bytes sent to clients (registry side and storage side).
    bytes_sent: u64,
    in_flight: u32,
    stalled: bool,
    /// Authorization of the request that was redirected, for the storage host's own fetch.
    upstream_auth: Option<String>,
}

pub struct Proxy {
    pub addr: String,
    pub storage_addr: String,
    state: Arc<Mutex<State>>,
    _front: Serving,
    _storage: Serving,
}

impl Proxy {
    /// A proxy in front of `upstream` (`127.0.0.1:PORT`, plain HTTP).
    pub fn start(upstream: &str, faults: Faults) -> Self {
        let state = Arc::new(Mutex::new(State {
            faults,
            ..State::default()
        }));
        // The storage host listens first: the front's redirects name its address.
        let storage_ctx = Arc::new(OnceLock::<Ctx>::new());
        let storage = {
            let ctx = storage_ctx.clone();
            Serving::start_on("127.0.0.2:0", "the proxy's storage host", move |conn| {
                if let Some(ctx) = ctx.get() {
                    let _ = ctx.handle(conn, true);
                }
            })
        };
        let ctx = Ctx {
            upstream: upstream.to_string(),
            storage_addr: storage.addr.clone(),
            state: state.clone(),
        };
        let _ = storage_ctx.set(ctx.clone());
        let front = Serving::start("proxy", move |conn| {
            let _ = ctx.handle(conn, false);
        });
        Proxy {
            addr: front.addr.clone(),
            storage_addr: storage.addr.clone(),
            state,
            _front: front,
            _storage: storage,
        }
    }

    pub fn set_faults(&self, faults: Faults) {
        if let Ok(mut s) = self.state.lock() {
            s.faults = faults;
            s.failed = 0;
            s.resets = 0;
            s.storage_failed = 0;
            s.held = 0;
            s.stalled = false;
        }
    }

    /// Body bytes sent to clients so far.
    pub fn bytes_sent(&self) -> u64 {
        self.state.lock().map(|s| s.bytes_sent).unwrap_or(0)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }

    pub fn clear_seen(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.seen.clear();
        }
    }
}
