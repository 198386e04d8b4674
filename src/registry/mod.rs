//! The OCI distribution API client. One cloneable [`Registry`] per registry host shares a
//! connection pool, the discovered base URL, the challenge and the token cache; the verbs
//! live in the child modules (`manifests`, `blobs`, `uploads`, `lists`, `tags`), the
//! plumbing under them in `discovery`, `token` and `transport`. This layer never prints: it
//! returns typed errors and reports bytes through callbacks.

pub mod auth;
mod blobs;
mod discovery;
pub mod error;
pub mod lists;
mod manifests;
mod monolithic;
mod realm;
mod referrers;
mod repository;
mod tags;
mod token;
mod transport;
mod uploads;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{Mutex, OnceCell};
use url::Url;

pub use crate::http::{RetryPolicy, Trace, retryable};
pub use blobs::{BlobBody, RangeAnswer};
pub use error::RegistryError;
pub use manifests::FetchedManifest;
pub use referrers::ApiReferrers;
pub use uploads::UploadSession;

use crate::credentials::Credentials;
use crate::http::header::AsHeaderName;
use crate::http::{self as wire, Response, redact};
use crate::oci::reference::api_host;
use auth::{Challenge, Token};

/// Token responses and error bodies larger than this are refused before parsing.
const MAX_SMALL_BODY: u64 = 1024 * 1024;
/// Tag list pages larger than this are refused.
const MAX_TAG_PAGE: u64 = 16 * 1024 * 1024;

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

/// Connection settings for one registry, resolved from flags, environment and config: the
/// HTTP layer's, and what only a registry has.
#[derive(Clone, Default)]
pub struct ClientOptions {
    pub http: wire::Options,
    /// Allow plain HTTP and unverified TLS to a host that is not loopback.
    pub insecure: bool,
    /// Every host the config marks insecure: a plain-HTTP token realm on one of them may get
    /// credentials (see `realm.rs`).
    pub insecure_hosts: Vec<String>,
}

/// What a request needs to be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Pull,
    Push,
}

#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    /// The registry's name as users write it (`docker.io`, `127.0.0.1:5000`).
    name: String,
    host: String,
    insecure: bool,
    insecure_hosts: Vec<String>,
    http: wire::Client,
    credentials: Option<Credentials>,
    base: OnceCell<Url>,
    challenge: std::sync::Mutex<Option<Challenge>>,
    tokens: Mutex<HashMap<String, Token>>,
    /// Whether this registry takes a blob in one `POST ?digest=` (learnt on the first
    /// small upload, kept for the run; see `monolithic.rs`).
    monolithic: monolithic::Support,
}

impl Registry {
    pub fn new(
        name: &str,
        credentials: Option<Credentials>,
        options: &ClientOptions,
    ) -> Result<Self> {
        let http = wire::Client::new(&wire::Options {
            accept_invalid_certs: options.insecure,
            ..options.http.clone()
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                name: name.to_string(),
                host: api_host(name).to_string(),
                insecure: options.insecure,
                insecure_hosts: options.insecure_hosts.clone(),
                http,
                credentials,
                base: OnceCell::new(),
                challenge: std::sync::Mutex::new(None),
                tokens: Mutex::new(HashMap::new()),
                monolithic: monolithic::Support::default(),
            }),
        })
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Waits before retry `attempt` (counting from 0) of something that broke, telling the
    /// user; `false` when the retries are used up.
    pub async fn pause(&self, attempt: u32, reason: &str) -> bool {
        self.inner.http.pause(attempt, reason).await
    }

    /// How often this registry pushed back so far (429, 503, resets): what the transfer
    /// layer's adaptive limit watches.
    pub fn pushbacks(&self) -> u64 {
        self.inner.http.pushbacks()
    }

    /// A notice for the user (on stderr, through the HTTP layer's notifier): for what a
    /// transfer decides about this registry's answers.
    pub fn notify(&self, line: &str) {
        self.inner.http.notify(line);
    }
}

/// `repository:NAME:pull` or `repository:NAME:pull,push`.
pub fn scope(repo: &str, access: Access) -> String {
    match access {
        Access::Pull => format!("repository:{repo}:pull"),
        Access::Push => format!("repository:{repo}:pull,push"),
    }
}

fn header_str(resp: &Response, name: impl AsHeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn join(base: &Url, path: &str) -> Result<Url> {
    base.join(path).map_err(|e| RegistryError::Protocol {
        what: path.to_string(),
        reason: e.to_string(),
    })
}

/// The target of `rel="next"` in a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim();
        is_next.then(|| {
            target
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// Reads a whole body, refusing more than `cap` bytes (checked as it streams, not only
/// against Content-Length).
async fn read_capped(resp: Response, cap: u64, what: &str) -> Result<Bytes> {
    wire::read_capped(resp, cap, what)
        .await
        .map_err(|e| match e {
            wire::BodyError::TooLarge { what, limit } => RegistryError::TooLarge { what, limit },
            wire::BodyError::Http(e) => RegistryError::Http(e),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_header_next() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?last=x&n=40>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?last=x&n=40")
        );
        assert_eq!(next_link(r#"</a>; rel="prev""#), None);
    }

    #[test]
    fn scopes() {
        assert_eq!(scope("o/i", Access::Pull), "repository:o/i:pull");
        assert_eq!(scope("o/i", Access::Push), "repository:o/i:pull,push");
    }
}
