//! The one HTTP layer, under the registry and GitHub clients: it builds the client (the
//! platform's roots plus `--ca-file`, proxies, timeouts, HTTP/2), sends requests with the one
//! retry policy and its deadline, traces them with credentials and signed URLs redacted,
//! reads bodies with caps whether or not `Content-Length` is sent, and says what a failure
//! means ([`HttpError`]: permanent or transient). It never prints: traces and retry notices
//! go to callbacks the command layer gives it.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // the one module that names reqwest

mod error;
mod local;
mod pace;
pub(crate) mod redact;
pub use local::ServiceTls;
mod retry;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use url::Url;

pub use error::HttpError;
pub(crate) use error::Timeouts;
pub use pace::Pace;
pub use reqwest::header;
pub use reqwest::{Body, Method, RequestBuilder, Response, StatusCode};
pub use retry::{RetryPolicy, retryable, retryable_status};

/// Receives one line per request when tracing (`-v`), or a retry notice; never a secret.
pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Connection settings, resolved from flags, environment and config.
#[derive(Clone, Default)]
pub struct Options {
    /// Extra CA certificates (PEM) to trust besides the platform's roots.
    pub ca_files: Vec<PathBuf>,
    /// Accept any TLS certificate (`--insecure`).
    pub accept_invalid_certs: bool,
    pub connect_timeout: Option<Duration>,
    /// Give up on a connection that sends nothing for this long (a stalled server).
    pub read_timeout: Option<Duration>,
    pub retry: RetryPolicy,
    /// Told about every wait before a retry (the command prints it on stderr).
    pub notify: Option<Trace>,
    pub trace: Option<Trace>,
    /// Also trace request and response headers (credentials redacted).
    pub trace_headers: bool,
    /// Limits on the requests to this service (`sync`'s per-registry settings).
    pub pace: Option<Arc<Pace>>,
}

/// One connection pool with its settings; cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// For requests that carry a body: reqwest's read timeout runs from the moment a request
    /// is sent until its answer's headers arrive, so a blob upload longer than it would
    /// always fail (reqwest#2784). This client has none; TCP keepalive finds a dead peer.
    /// Built on the first upload: loading the system's roots costs start-up time.
    upload: std::sync::OnceLock<reqwest::Client>,
    /// HTTP/1.1 only, for requests that must each have a connection of their own: the
    /// parallel ranges of one blob, which HTTP/2 would carry as streams of one connection
    /// (and a storage host's per-connection cap would hold together). Built when first used.
    separate: std::sync::OnceLock<reqwest::Client>,
    roots: Vec<reqwest::Certificate>,
    accept_invalid_certs: bool,
    timeouts: Timeouts,
    retry: RetryPolicy,
    notify: Option<Trace>,
    trace: Option<Trace>,
    trace_headers: bool,
    pace: Option<Arc<Pace>>,
    /// Answers that say "slow down" (429, 503) and connections reset or refused, counted
    /// for the transfer layer's adaptive limit (`transfer/limit.rs`).
    pushbacks: std::sync::atomic::AtomicU64,
}

impl Client {
    pub fn new(options: &Options) -> Result<Self, HttpError> {
        let timeouts = Timeouts {
            connect: options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            read: options.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
        };
        let mut roots = Vec::new();
        for path in &options.ca_files {
            roots.extend(read_pem_certificates(path)?);
        }
        let http = build_client(&roots, options.accept_invalid_certs, timeouts, true, false)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                upload: std::sync::OnceLock::new(),
                separate: std::sync::OnceLock::new(),
                roots,
                accept_invalid_certs: options.accept_invalid_certs,
                timeouts,
                retry: options.retry.clone(),
                notify: options.notify.clone(),
                trace: options.trace.clone(),
                trace_headers: options.trace_headers,
                pace: options.pace.clone(),
                pushbacks: Default::default(),
            }),
        })
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.inner.http.request(method, url)
    }

    /// A request that sends a body of any length (a blob upload): no read timeout.
    pub fn upload_request(&self, method: Method, url: Url) -> RequestBuilder {
        let i = &self.inner;
        let client = i.upload.get_or_init(|| {
            // The same settings built once already; should it fail now, the reading client
            // (with its timeout) still sends the upload.
            build_client(&i.roots, i.accept_invalid_certs, i.timeouts, false, false)
                .unwrap_or_else(|_| i.http.clone())
        });
        client.request(method, url)
    }

    /// A request on a connection of its own (HTTP/1.1, with the read timeout): one of
    /// several parallel ranges of a blob, each meant to be its own TCP stream.
    pub fn separate_request(&self, method: Method, url: Url) -> RequestBuilder {
        let i = &self.inner;
        let client = i.separate.get_or_init(|| {
            build_client(&i.roots, i.accept_invalid_certs, i.timeouts, true, true)
                .unwrap_or_else(|_| i.http.clone())
        });
        client.request(method, url)
    }

    /// Sends one request, tracing it when asked. `own` is the origin the request's service
    /// lives on: elsewhere (token realms, storage hosts) queries are not shown at all.
    pub async fn execute(
        &self,
        req: RequestBuilder,
        own: Option<&Url>,
    ) -> Result<Response, HttpError> {
        // Sent by the client that made the builder: the reading one, or the upload one.
        let (client, req) = req.build_split();
        let req = req.map_err(|e| HttpError::Setup(e.without_url().to_string()))?;
        let shown = redact::url(req.url(), own);
        // As a registry is named (and configured): with its port when the URL has one.
        let host = match (req.url().host_str(), req.url().port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => String::new(),
        };
        if let Some(t) = &self.inner.trace {
            t(&format!("{} {shown}", req.method()));
            if self.inner.trace_headers {
                for (k, v) in req.headers() {
                    t(&format!(
                        "  > {k}: {}",
                        redact::header(k, v, req.url(), own)
                    ));
                }
            }
        }
        // Held until the answer's headers are in (a body streams on without it).
        let _slot = match &self.inner.pace {
            Some(p) => p.start().await,
            None => None,
        };
        let started = Instant::now();
        let resp = client.execute(req).await.map_err(|e| {
            let e = HttpError::classify(&shown, &host, e.without_url(), self.inner.timeouts);
            if matches!(e, HttpError::Refused { .. } | HttpError::Broken { .. }) {
                self.pushed_back();
            }
            e
        })?;
        if let Some(p) = &self.inner.pace {
            p.observe(resp.headers());
        }
        if matches!(
            resp.status(),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            self.pushed_back();
        }
        if let Some(t) = &self.inner.trace {
            // The protocol only when it is not HTTP/1.1: HTTP/2 shows where ALPN chose it.
            let version = match resp.version() {
                reqwest::Version::HTTP_11 => String::new(),
                v => format!(" ({v:?})"),
            };
            t(&format!(
                "  {} in {} ms{version}",
                resp.status(),
                started.elapsed().as_millis()
            ));
            if self.inner.trace_headers {
                for (k, v) in resp.headers() {
                    t(&format!(
                        "  < {k}: {}",
                        redact::header(k, v, resp.url(), own)
                    ));
                }
            }
        }
        Ok(resp)
    }

    fn pushed_back(&self) {
        self.inner
            .pushbacks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How often the servers pushed back so far (429, 503, a reset or refused connection):
    /// the adaptive limit of transfers in flight shrinks when this moves.
    pub fn pushbacks(&self) -> u64 {
        self.inner
            .pushbacks
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sends the request `build` makes, again after a wait when it fails in a way that may
    /// pass: a transient [`HttpError`], or a retryable status (honouring `Retry-After`,
    /// capped). Permanent failures and the last failure are returned as they are; no retry
    /// starts that could not end within the policy's deadline. `who` names the service in
    /// retry notices.
    pub async fn execute_retrying<E: From<HttpError>>(
        &self,
        build: impl Fn() -> Result<RequestBuilder, E>,
        own: Option<&Url>,
        who: &str,
    ) -> Result<Response, E> {
        let policy = &self.inner.retry;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            let result = self.execute(build()?, own).await;
            let why = match &result {
                Ok(r) if retryable(r.status()) => Some((
                    retry::retry_after(r).map(|d| d.min(policy.max_wait)),
                    format!(
                        "{who} answered {} for {}",
                        r.status(),
                        redact::url(r.url(), own)
                    ),
                )),
                Err(e) if e.is_transient() => Some((None, chain(e))),
                _ => None,
            };
            let Some((after, reason)) = why else {
                return result.map_err(E::from);
            };
            let wait = after.unwrap_or_else(|| policy.backoff(attempt));
            // A registry that stopped answering will likely take a whole read timeout again:
            // count it, so such retries end within the deadline. Other failures are quick.
            let next_try = match &result {
                Err(HttpError::Timeout { .. }) => self.inner.timeouts.read,
                _ => Duration::ZERO,
            };
            let in_time = started.elapsed() + wait + next_try <= policy.deadline;
            if attempt >= policy.retries || !in_time {
                return result.map_err(E::from);
            }
            self.notify(&format!(
                "{reason}; retrying in {:.1}s ({}/{})",
                wait.as_secs_f64(),
                attempt + 1,
                policy.retries
            ));
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Waits before retry `attempt` (counting from 0) of something that broke after the
    /// request layer was done with it (a body cut short), telling the user; `false` when the
    /// retries are used up.
    pub async fn pause(&self, attempt: u32, reason: &str) -> bool {
        if attempt >= self.inner.retry.retries {
            return false;
        }
        let wait = self.inner.retry.backoff(attempt);
        self.notify(&format!(
            "{reason}; retrying in {:.1}s ({}/{})",
            wait.as_secs_f64(),
            attempt + 1,
            self.inner.retry.retries
        ));
        tokio::time::sleep(wait).await;
        true
    }

    pub fn notify(&self, line: &str) {
        if let Some(n) = &self.inner.notify {
            n(line);
        }
    }
}

/// One reqwest client with ghcr-cli's settings; `read_timeout` only for the reading client.
/// The certificates of a PEM file (a bundle may hold several).
fn read_pem_certificates(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, HttpError> {
    let pem = read_file(path, "CA file")?;
    reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| HttpError::Setup(format!("the CA file `{}` is not PEM: {e}", path.display())))
}

fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, HttpError> {
    std::fs::read(path)
        .map_err(|e| HttpError::Setup(format!("cannot read the {what} `{}`: {e}", path.display())))
}

fn build_client(
    roots: &[reqwest::Certificate],
    accept_invalid_certs: bool,
    timeouts: Timeouts,
    read_timeout: bool,
    http1_only: bool,
) -> Result<reqwest::Client, HttpError> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("ghcr-cli/", env!("CARGO_PKG_VERSION")))
        // Redirects are followed by the callers, so Authorization never leaves its origin.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        // As many as the most transfers in flight (`--jobs` goes up to 64), so a connection
        // is not closed only to be opened again (a round trip, and TLS, on a real link).
        .pool_max_idle_per_host(64)
        .tcp_keepalive(Duration::from_secs(30))
        .tcp_nodelay(true);
    if read_timeout {
        builder = builder.read_timeout(timeouts.read);
    }
    if http1_only {
        builder = builder.http1_only();
    }
    for cert in roots {
        builder = builder.add_root_certificate(cert.clone());
    }
    if accept_invalid_certs {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder.build().map_err(|e| HttpError::Setup(e.to_string()))
}

/// Reads a whole body, refusing more than `cap` bytes (checked as it streams, not only
/// against Content-Length). `what` names it in the error.
pub async fn read_capped(resp: Response, cap: u64, what: &str) -> Result<Bytes, BodyError> {
    if resp.content_length().is_some_and(|l| l > cap) {
        return Err(BodyError::TooLarge {
            what: what.to_string(),
            limit: cap,
        });
    }
    let url = redact::url(resp.url(), None);
    let mut stream = resp.bytes_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Http(HttpError::body(&url, e.without_url())))?;
        if buf.len() as u64 + chunk.len() as u64 > cap {
            return Err(BodyError::TooLarge {
                what: what.to_string(),
                limit: cap,
            });
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(buf))
}

/// The next piece of a body, `None` at its end. `what` names the body when the connection
/// breaks (a transient [`HttpError::Broken`]).
pub async fn next_chunk(resp: &mut Response, what: &str) -> Result<Option<Bytes>, HttpError> {
    resp.chunk()
        .await
        .map_err(|e| HttpError::body(what, e.without_url()))
}

/// A request body streamed from `chunks` as they come (a blob copied from another
/// registry). It is sent once: there is nothing to send again from.
pub fn stream_body<S, E>(chunks: S) -> Body
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    Body::wrap_stream(chunks)
}

/// Why a body could not be read whole.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge { what: String, limit: u64 },
    #[error(transparent)]
    Http(#[from] HttpError),
}

/// An error and its causes on one line, for a retry notice.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl crate::kind::Kind for BodyError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer whose body comes in `chunks`; with `declared`, as one body of known length
    /// (reqwest takes Content-Length from the body's size, as hyper sets it from the header).
    fn answer(chunks: &[&'static [u8]], declared: bool) -> Response {
        let body = if declared {
            reqwest::Body::from(chunks.concat())
        } else {
            reqwest::Body::wrap_stream(futures_util::stream::iter(
                chunks
                    .iter()
                    .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c)))
                    .collect::<Vec<_>>(),
            ))
        };
        Response::from(::http::Response::new(body))
    }

    fn read(chunks: &[&'static [u8]], declared: bool, cap: u64) -> Result<Bytes, BodyError> {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(read_capped(answer(chunks, declared), cap, "a test body"))
    }

    /// The cap holds whether or not Content-Length is sent, counts every chunk, and lets a
    /// body of exactly `cap` bytes through.
    #[test]
    fn bodies_are_capped_as_they_stream() {
        let ok = |r: Result<Bytes, BodyError>| r.map(|b| b.to_vec()).ok();
        let too_large =
            |r: Result<Bytes, BodyError>| matches!(r, Err(BodyError::TooLarge { limit: 10, .. }));
        let both =
            |chunks: &[&'static [u8]], cap| [read(chunks, false, cap), read(chunks, true, cap)];
        for r in both(&[b"0123", b"456789"], 10) {
            assert_eq!(ok(r), Some(b"0123456789".to_vec()));
        }
        for r in both(&[b"01", b"234"], 10) {
            assert_eq!(ok(r), Some(b"01234".to_vec()));
        }
        for r in both(&[b"0", b"123456789A"], 10) {
            assert!(too_large(r));
        }
        for r in both(&[b"012345", b"678901"], 10) {
            assert!(too_large(r));
        }
        assert_eq!(ok(read(&[], false, 10)), Some(Vec::new()));
    }
}
