//! The OCI distribution API client: ping, manifests, blobs, uploads, tags, with the Basic
//! and Bearer auth flows and an in-memory token cache per scope. One cloneable [`Registry`]
//! per registry host shares a connection pool. This layer never prints: it returns typed
//! errors and reports bytes through callbacks.

pub mod auth;
pub mod error;
pub mod lists;
mod realm;
mod tags;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::http::header::{
    ACCEPT, AUTHORIZATION, AsHeaderName, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, LOCATION,
    RANGE, WWW_AUTHENTICATE,
};
use crate::http::{Body, Method, RequestBuilder, Response, StatusCode};
use base64::Engine as _;
use bytes::Bytes;
use futures_util::TryStreamExt;
use tokio::sync::{Mutex, OnceCell};
use url::Url;

pub use error::RegistryError;

use crate::credentials::Credentials;
use crate::digest::{Digest, Hasher};
use crate::manifest::{self, ACCEPT as MANIFEST_TYPES};
use crate::reference::{api_host, is_loopback_host};
use auth::{Challenge, Token, TokenResponse};

/// Token responses and error bodies larger than this are refused before parsing.
const MAX_SMALL_BODY: u64 = 1024 * 1024;
/// Tag list pages larger than this are refused.
const MAX_TAG_PAGE: u64 = 16 * 1024 * 1024;
/// How many redirects a blob download may take (ghcr.io takes one, to its storage host).
const MAX_REDIRECTS: usize = 10;
/// Read size for streamed uploads.
const UPLOAD_CHUNK: usize = 256 * 1024;

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

use crate::http::{self as wire, redact};
pub use crate::http::{RetryPolicy, Trace, retryable};

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

/// How [`Registry::send_as`] sends.
#[derive(Clone, Copy)]
enum Sending {
    /// With the retry policy, and the read timeout.
    Retried,
    /// A request with a body of any length (a blob upload): one try, no read timeout. A
    /// broken upload is not re-sent to the same session URL (the session may hold part of
    /// it); the upload code opens a new session instead.
    Once,
}

/// What a request needs to be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Pull,
    Push,
}

/// An open chunked upload.
#[derive(Debug, Clone)]
pub struct UploadSession {
    pub location: Url,
    /// `OCI-Chunk-Min-Length`: the smallest chunk the registry takes.
    pub min_chunk: Option<u64>,
}

/// A manifest as the registry served it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Bytes,
    pub media_type: String,
    pub digest: Digest,
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
            }),
        })
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// Pings, then proves the credentials work: a Basic registry must accept them on `/v2/`,
    /// a Bearer one must hand out a token for them.
    pub async fn check_login(&self) -> Result<()> {
        let base = self.base().await?.clone();
        let challenge = self.challenge();
        match challenge.as_ref().map(|c| c.scheme.as_str()) {
            Some("bearer") => {
                let c = challenge.as_ref().ok_or_else(|| self.no_challenge())?;
                self.fetch_token(c, &[]).await.map(|_| ())
            }
            Some(_) => {
                let url = join(&base, "v2/")?;
                let resp = self.send(None, Method::GET, url, Ok).await?;
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(self.error(resp, "the registry's /v2/ endpoint").await)
                }
            }
            None => Ok(()),
        }
    }

    /// `GET` or `HEAD` on a manifest, accepting every kind in [`MANIFEST_TYPES`]; also
    /// returns how to name it in errors.
    async fn manifest_request(
        &self,
        method: Method,
        repo: &str,
        reference: &str,
    ) -> Result<(String, Response)> {
        let what = format!("manifest {}/{repo}{}", self.inner.name, at(reference));
        let url = join(
            self.base().await?,
            &format!("v2/{repo}/manifests/{reference}"),
        )?;
        let scope = scope(repo, Access::Pull);
        let resp = self
            .send(Some(&scope), method, url, |r| {
                Ok(r.header(ACCEPT, MANIFEST_TYPES.join(", ")))
            })
            .await?;
        Ok((what, resp))
    }

    /// Fetches a manifest (any kind in [`MANIFEST_TYPES`]), keeping the exact bytes, and checks
    /// them against the digest asked for or the `Docker-Content-Digest` the registry sent.
    pub async fn get_manifest(&self, repo: &str, reference: &str) -> Result<FetchedManifest> {
        let (what, resp) = self.manifest_request(Method::GET, repo, reference).await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let content_type = header_str(&resp, CONTENT_TYPE);
        let header_digest = header_str(&resp, "docker-content-digest");
        let bytes = read_capped(resp, manifest::MAX_MANIFEST_BYTES, &what).await?;
        let expected: Option<Digest> = match reference.parse::<Digest>() {
            Ok(d) => Some(d),
            Err(_) => header_digest.as_deref().and_then(|h| h.parse().ok()),
        };
        let digest = match expected {
            Some(want) => {
                let mut h = Hasher::new(want.algorithm());
                h.update(&bytes);
                let got = h.finish();
                if got != want {
                    return Err(RegistryError::DigestMismatch {
                        what,
                        expected: want,
                        actual: got,
                    });
                }
                got
            }
            None => Digest::sha256_of(&bytes),
        };
        let (media_type, _) = manifest::parse(&bytes, content_type.as_deref())
            .map_err(|source| RegistryError::Manifest { what, source })?;
        Ok(FetchedManifest {
            bytes,
            media_type,
            digest,
        })
    }

    /// `PUT` a manifest's exact bytes under a tag or digest; returns the registry's digest.
    pub async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<Digest> {
        let what = format!("manifest {}/{repo}{}", self.inner.name, at(reference));
        let url = join(
            self.base().await?,
            &format!("v2/{repo}/manifests/{reference}"),
        )?;
        let scope = scope(repo, Access::Push);
        let local = Digest::sha256_of(&bytes);
        let resp = self
            .send(Some(&scope), Method::PUT, url, |r| {
                Ok(r.header(CONTENT_TYPE, media_type).body(bytes.clone()))
            })
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        match header_str(&resp, "docker-content-digest").and_then(|d| d.parse::<Digest>().ok()) {
            Some(d) if d != local && d.algorithm() == local.algorithm() => {
                Err(RegistryError::DigestMismatch {
                    what,
                    expected: local,
                    actual: d,
                })
            }
            _ => Ok(local),
        }
    }

    /// `HEAD` on a blob: its size when the repository has it.
    pub async fn blob_exists(&self, repo: &str, digest: &Digest) -> Result<Option<u64>> {
        let what = format!("blob {digest} in {}/{repo}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/blobs/{digest}"))?;
        let scope = scope(repo, Access::Pull);
        let mut resp = self.send(Some(&scope), Method::HEAD, url, Ok).await?;
        // Some registries answer a blob HEAD with a redirect to storage, which means present.
        if resp.status().is_redirection() {
            resp = self.follow(resp, Method::HEAD, &scope, &|r| r).await?;
        }
        match resp.status() {
            s if s.is_success() => Ok(Some(resp.content_length().unwrap_or(0))),
            StatusCode::NOT_FOUND => Ok(None),
            _ => Err(self.error(resp, &what).await),
        }
    }

    /// `GET` a blob from byte `offset` on (a `Range` request when not 0), following
    /// redirects to storage hosts without our Authorization. A storage URL that has expired
    /// (403 from the storage host) is asked for again once. The caller streams and verifies
    /// the body, and checks for 206 to know whether the range was honoured.
    pub async fn get_blob(&self, repo: &str, digest: &Digest, offset: u64) -> Result<Response> {
        let what = format!("blob {digest} in {}/{repo}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/blobs/{digest}"))?;
        let scope = scope(repo, Access::Pull);
        let range = (offset > 0).then(|| format!("bytes={offset}-"));
        let with_range = |r: RequestBuilder| match &range {
            Some(v) => r.header(RANGE, v.as_str()),
            None => r,
        };
        for fresh_url in [false, true] {
            let mut resp = self
                .send(Some(&scope), Method::GET, url.clone(), |r| {
                    Ok(with_range(r))
                })
                .await?;
            if resp.status().is_redirection() {
                resp = self.follow(resp, Method::GET, &scope, &with_range).await?;
                let from_storage = resp.url().origin() != url.origin();
                let expired = matches!(resp.status().as_u16(), 401 | 403);
                if from_storage && expired && !fresh_url {
                    self.notify(&format!(
                        "the storage URL for {digest} was refused ({}); asking {} for a fresh one",
                        resp.status(),
                        self.inner.name
                    ));
                    continue;
                }
            }
            if !resp.status().is_success() {
                return Err(self.error(resp, &what).await);
            }
            return Ok(resp);
        }
        Err(RegistryError::Protocol {
            what,
            reason: "the storage host refused the blob URL twice".into(),
        })
    }

    /// A small blob (a config) in memory, at most `cap` bytes, checked against its digest.
    pub async fn get_small_blob(&self, repo: &str, digest: &Digest, cap: u64) -> Result<Bytes> {
        let what = format!("blob {digest} in {}/{repo}", self.inner.name);
        let resp = self.get_blob(repo, digest, 0).await?;
        let bytes = read_capped(resp, cap, &what).await?;
        if !digest.matches(&bytes) {
            let mut h = Hasher::new(digest.algorithm());
            h.update(&bytes);
            return Err(RegistryError::DigestMismatch {
                what,
                expected: digest.clone(),
                actual: h.finish(),
            });
        }
        Ok(bytes)
    }

    /// Waits before retry `attempt` (counting from 0) of something that broke, telling the
    /// user; `false` when the retries are used up.
    pub async fn pause(&self, attempt: u32, reason: &str) -> bool {
        self.inner.http.pause(attempt, reason).await
    }

    fn notify(&self, line: &str) {
        self.inner.http.notify(line);
    }

    /// `HEAD` on a manifest: its digest (when the registry sends `Docker-Content-Digest`),
    /// media type and size, or `None` when it is not there.
    pub async fn head_manifest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<(Option<Digest>, String, u64)>> {
        let (what, resp) = self.manifest_request(Method::HEAD, repo, reference).await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let digest = header_str(&resp, "docker-content-digest").and_then(|d| d.parse().ok());
        let media_type = header_str(&resp, CONTENT_TYPE).unwrap_or_default();
        let size = resp.content_length().unwrap_or(0);
        Ok(Some((digest, media_type, size)))
    }

    /// `DELETE` a manifest by digest.
    pub async fn delete_manifest(&self, repo: &str, digest: &Digest) -> Result<()> {
        let what = format!("manifest {}/{repo}@{digest}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/manifests/{digest}"))?;
        let scope = format!("repository:{repo}:delete");
        let resp = self.send(Some(&scope), Method::DELETE, url, Ok).await?;
        if resp.status().is_success() {
            return Ok(());
        }
        Err(self.error(resp, &what).await)
    }

    /// Opens an upload session; returns its URL. With `mount_from`, first asks the registry to
    /// mount the blob from that repository: `None` then means it is mounted and there is
    /// nothing to upload.
    async fn start_upload(
        &self,
        repo: &str,
        digest: &Digest,
        mount_from: Option<&str>,
    ) -> Result<Option<Url>> {
        let what = format!("upload of blob {digest} to {}/{repo}", self.inner.name);
        let base = self.base().await?.clone();
        let mut url = join(&base, &format!("v2/{repo}/blobs/uploads/"))?;
        let mut scopes = scope(repo, Access::Push);
        if let Some(from) = mount_from {
            url.query_pairs_mut()
                .append_pair("mount", &digest.to_string())
                .append_pair("from", from);
            scopes = format!("{scopes} {}", scope(from, Access::Pull));
        }
        let resp = self
            .send(Some(&scopes), Method::POST, url, |r| {
                Ok(r.header(CONTENT_LENGTH, 0))
            })
            .await?;
        match resp.status() {
            StatusCode::CREATED if mount_from.is_some() => Ok(None),
            StatusCode::ACCEPTED | StatusCode::CREATED | StatusCode::OK => {
                Ok(Some(self.location(&resp, &base, &what)?))
            }
            _ => Err(self.error(resp, &what).await),
        }
    }

    /// Finishes an upload with one `PUT` of the whole body and the digest.
    async fn finish_upload(
        &self,
        repo: &str,
        digest: &Digest,
        location: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<()> {
        let what = format!("upload of blob {digest} to {}/{repo}", self.inner.name);
        let scope = scope(repo, Access::Push);
        let mut put_url = location;
        put_url
            .query_pairs_mut()
            .append_pair("digest", &digest.to_string());
        let resp = self
            .send_as(Sending::Once, Some(&scope), Method::PUT, put_url, decorate)
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        Ok(())
    }

    /// Uploads a blob from a file: `POST` to open an upload, then one streamed `PUT` with the
    /// digest. The file is read in chunks, never held in memory; `on_bytes` sees each chunk.
    pub async fn upload_blob(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        path: &std::path::Path,
        on_bytes: Arc<dyn Fn(u64) + Send + Sync>,
    ) -> Result<()> {
        let Some(location) = self.start_upload(repo, digest, None).await? else {
            return Ok(());
        };
        let path = path.to_path_buf();
        self.finish_upload(repo, digest, location, |r| {
            let file = std::fs::File::open(&path).map_err(|source| RegistryError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let on_bytes = on_bytes.clone();
            let stream = tokio_util::io::ReaderStream::with_capacity(
                tokio::fs::File::from_std(file),
                UPLOAD_CHUNK,
            )
            .inspect_ok(move |chunk| on_bytes(chunk.len() as u64));
            Ok(r.header(CONTENT_LENGTH, size)
                .header(CONTENT_TYPE, "application/octet-stream")
                .body(Body::wrap_stream(stream)))
        })
        .await
    }

    /// Opens an upload session for a chunked upload.
    pub async fn open_upload(&self, repo: &str, digest: &Digest) -> Result<UploadSession> {
        let what = format!("upload of blob {digest} to {}/{repo}", self.inner.name);
        let base = self.base().await?.clone();
        let url = join(&base, &format!("v2/{repo}/blobs/uploads/"))?;
        let scope = scope(repo, Access::Push);
        let resp = self
            .send(Some(&scope), Method::POST, url, |r| {
                Ok(r.header(CONTENT_LENGTH, 0))
            })
            .await?;
        if !matches!(resp.status().as_u16(), 200..=202) {
            return Err(self.error(resp, &what).await);
        }
        let min_chunk = header_str(&resp, "oci-chunk-min-length").and_then(|v| v.parse().ok());
        Ok(UploadSession {
            location: self.location(&resp, &base, &what)?,
            min_chunk,
        })
    }

    /// Where an upload stands: the next byte the registry expects (from `Range: 0-N`), or
    /// `None` when the session is gone or no longer valid.
    pub async fn upload_status(&self, repo: &str, location: &Url) -> Result<Option<u64>> {
        let scope = scope(repo, Access::Push);
        let resp = self
            .send(Some(&scope), Method::GET, location.clone(), Ok)
            .await?;
        if !resp.status().is_success() {
            return Ok(None);
        }
        // `Range: 0-N` means N+1 bytes received, except that distribution also answers
        // `0-0` for an empty session. Reading `0-0` as nothing received is safe: if one byte
        // was there, the registry refuses the offset and the caller opens a new session.
        Ok(Some(match range_end(&resp) {
            Some(0) | None => 0,
            Some(end) => end + 1,
        }))
    }

    /// Sends `len` bytes of `path` from `offset` as one `PATCH` with `Content-Range`; returns
    /// the session's next location and the next byte the registry expects.
    #[allow(clippy::too_many_arguments)]
    pub async fn upload_chunk(
        &self,
        repo: &str,
        digest: &Digest,
        location: &Url,
        path: &std::path::Path,
        offset: u64,
        len: u64,
        on_bytes: Arc<dyn Fn(u64) + Send + Sync>,
    ) -> Result<(Url, u64)> {
        let what = format!("upload of blob {digest} to {}/{repo}", self.inner.name);
        let scope = scope(repo, Access::Push);
        let path = path.to_path_buf();
        let resp = self
            .send_as(
                Sending::Once,
                Some(&scope),
                Method::PATCH,
                location.clone(),
                |r| {
                    use std::io::Seek;
                    use tokio::io::AsyncReadExt;
                    let io_err = |source| RegistryError::Io {
                        path: path.display().to_string(),
                        source,
                    };
                    let mut file = std::fs::File::open(&path).map_err(io_err)?;
                    file.seek(std::io::SeekFrom::Start(offset))
                        .map_err(io_err)?;
                    let on_bytes = on_bytes.clone();
                    let stream = tokio_util::io::ReaderStream::with_capacity(
                        tokio::fs::File::from_std(file).take(len),
                        UPLOAD_CHUNK,
                    )
                    .inspect_ok(move |chunk| on_bytes(chunk.len() as u64));
                    Ok(r.header(CONTENT_LENGTH, len)
                        .header(CONTENT_TYPE, "application/octet-stream")
                        .header("Content-Range", format!("{offset}-{}", offset + len - 1))
                        .body(Body::wrap_stream(stream)))
                },
            )
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let next = range_end(&resp).map(|end| end + 1).unwrap_or(offset + len);
        let location = self.location(&resp, location, &what)?;
        Ok((location, next))
    }

    /// Closes a chunked upload: `PUT` with the digest and no body.
    pub async fn close_upload(&self, repo: &str, digest: &Digest, location: Url) -> Result<()> {
        self.finish_upload(repo, digest, location, |r| Ok(r.header(CONTENT_LENGTH, 0)))
            .await
    }

    /// Tries a cross-repository mount of `digest` from `from`; `true` when the registry
    /// mounted it, `false` when it wants an upload instead.
    pub async fn mount_blob(&self, repo: &str, digest: &Digest, from: &str) -> Result<bool> {
        Ok(self.start_upload(repo, digest, Some(from)).await?.is_none())
    }

    /// Uploads a blob from a stream of known size (a copy from another registry). The stream
    /// is consumed once, so a retry needs a new stream from the caller.
    pub async fn upload_stream(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        body: Body,
    ) -> Result<()> {
        let Some(location) = self.start_upload(repo, digest, None).await? else {
            return Ok(());
        };
        let body = std::sync::Mutex::new(Some(body));
        self.finish_upload(repo, digest, location, |r| {
            // A stream is sent once: asked again (a token refreshed on a 401), the copy starts
            // over with a new session and a new stream.
            let body = body.lock().ok().and_then(|mut b| b.take()).ok_or_else(|| {
                RegistryError::UploadLost {
                    what: format!("upload of blob {digest}"),
                    detail: " (the stream had to be sent again)".into(),
                }
            })?;
            Ok(r.header(CONTENT_LENGTH, size)
                .header(CONTENT_TYPE, "application/octet-stream")
                .body(body))
        })
        .await
    }

    // ---- plumbing ----

    fn challenge(&self) -> Option<Challenge> {
        self.inner
            .challenge
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    fn no_challenge(&self) -> RegistryError {
        RegistryError::Protocol {
            what: self.inner.name.clone(),
            reason: "the registry sent no authentication challenge".into(),
        }
    }

    async fn base(&self) -> Result<&Url> {
        self.inner.base.get_or_try_init(|| self.discover()).await
    }

    async fn discover(&self) -> Result<Url> {
        let host = &self.inner.host;
        let plain_ok = self.inner.insecure || is_loopback_host(host);
        let https = parse_url(&format!("https://{host}/"))?;
        // Where plain HTTP is allowed, a failed HTTPS attempt is not retried: it is most
        // likely a plain-HTTP registry, which the retries then go to.
        match self.ping_at(&https, !plain_ok).await {
            Ok(()) => Ok(https),
            Err(RegistryError::Http(e)) if plain_ok => {
                let http = parse_url(&format!("http://{host}/"))?;
                // A server that presented a certificate speaks TLS: its answer to plain HTTP
                // (a 400) says nothing, so the certificate problem is the error. Otherwise a
                // registry's own answer over plain HTTP (a 500 and its body, a challenge it
                // sent) is what to report; no answer at all leaves the HTTPS error.
                let speaks_tls = matches!(e, wire::HttpError::Certificate { .. });
                // A server that answered the TLS hello in plain HTTP does speak HTTP: what
                // the plain attempt found (even a malformed answer) is the story.
                let speaks_http = matches!(e, wire::HttpError::PlainHttp { .. });
                match self.ping_at(&http, true).await {
                    Ok(()) => Ok(http),
                    Err(plain) if speaks_http => Err(plain),
                    Err(RegistryError::Http(_)) => Err(e.into()),
                    Err(_) if speaks_tls => Err(e.into()),
                    Err(plain) => Err(plain),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn ping_at(&self, base: &Url, retry: bool) -> Result<()> {
        let url = join(base, "v2/")?;
        let resp = if retry {
            self.execute_retrying(&url, || {
                Ok(self.inner.http.request(Method::GET, url.clone()))
            })
            .await?
        } else {
            self.execute(&url, self.inner.http.request(Method::GET, url.clone()))
                .await?
        };
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => {
                self.learn_challenge(&resp)?;
                Ok(())
            }
            _ => Err(self.error(resp, "the registry's /v2/ endpoint").await),
        }
    }

    fn learn_challenge(&self, resp: &Response) -> Result<()> {
        let Some(value) = resp.headers().get(WWW_AUTHENTICATE) else {
            return Ok(());
        };
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let challenges = auth::parse_challenges(&value)?;
        // Prefer Bearer (scoped, short-lived tokens) over Basic when both are offered.
        let chosen = challenges
            .iter()
            .find(|c| c.scheme == "bearer")
            .or_else(|| challenges.iter().find(|c| c.scheme == "basic"))
            .cloned();
        if let Ok(mut slot) = self.inner.challenge.lock() {
            *slot = chosen;
        }
        Ok(())
    }

    /// Sends one request with the right Authorization, fetching a token first if the registry
    /// wants Bearer; on a 401 it refreshes the token once and tries again. Authorization is
    /// only attached when `url` is on the registry's own scheme, host and port.
    async fn send(
        &self,
        scope: Option<&str>,
        method: Method,
        url: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        self.send_as(Sending::Retried, scope, method, url, decorate)
            .await
    }

    async fn send_as(
        &self,
        how: Sending,
        scope: Option<&str>,
        method: Method,
        url: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        let base = self.base().await?.clone();
        let same_origin = url.origin() == base.origin();
        let mut refreshed = false;
        loop {
            let auth = if same_origin {
                self.authorization(scope).await?
            } else {
                None
            };
            let build = || {
                let fresh = match how {
                    Sending::Retried => self.inner.http.request(method.clone(), url.clone()),
                    Sending::Once => self.inner.http.upload_request(method.clone(), url.clone()),
                };
                let req = decorate(fresh)?;
                Ok(match &auth {
                    Some(h) => req.header(AUTHORIZATION, h.clone()),
                    None => req,
                })
            };
            let resp = match how {
                Sending::Retried => self.execute_retrying(&url, build).await?,
                Sending::Once => self.execute(&url, build()?).await?,
            };
            if resp.status() == StatusCode::UNAUTHORIZED && same_origin && !refreshed {
                refreshed = true;
                let before = self.challenge();
                self.learn_challenge(&resp)?;
                let now = self.challenge();
                if let Some(s) = scope {
                    let mut tokens = self.inner.tokens.lock().await;
                    tokens.remove(s);
                    if let Some(r) = s.strip_suffix(":pull") {
                        tokens.remove(&format!("{r}:pull,push"));
                    }
                }
                // Try again only when something changed that could make it work: a new
                // token to fetch, or a challenge we had not seen.
                let bearer = now.as_ref().is_some_and(|c| c.scheme == "bearer");
                let basic_with_creds = now.as_ref().is_some_and(|c| c.scheme == "basic")
                    && self.inner.credentials.is_some()
                    && before != now;
                if bearer || basic_with_creds {
                    continue;
                }
            }
            return Ok(resp);
        }
    }

    async fn authorization(&self, scope: Option<&str>) -> Result<Option<HeaderValue>> {
        let Some(challenge) = self.challenge() else {
            return Ok(None);
        };
        match challenge.scheme.as_str() {
            "basic" => Ok(self.inner.credentials.as_ref().map(basic_header)),
            "bearer" => {
                // Several scopes travel space-separated (a mount needs pull on the source too).
                let scopes: Vec<&str> = scope.map(|s| s.split(' ').collect()).unwrap_or_default();
                let key = scopes.join(" ");
                let mut tokens = self.inner.tokens.lock().await;
                // A pull,push token serves a pull on the same repository too.
                let wider = key
                    .strip_suffix(":pull")
                    .filter(|_| scopes.len() == 1)
                    .map(|r| format!("{r}:pull,push"));
                let now = Instant::now();
                for k in std::iter::once(&key).chain(wider.as_ref()) {
                    if let Some(t) = tokens.get(k)
                        && t.expires > now
                    {
                        return Ok(Some(bearer_header(&t.value)));
                    }
                }
                let token = self.fetch_token(&challenge, &scopes).await?;
                let header = bearer_header(&token.value);
                tokens.insert(key, token);
                Ok(Some(header))
            }
            _ => Ok(None),
        }
    }

    /// The Bearer token exchange: `GET realm?service=…&scope=…`, with Basic credentials when
    /// there are some, anonymously otherwise.
    async fn fetch_token(&self, challenge: &Challenge, scopes: &[&str]) -> Result<Token> {
        let realm = challenge
            .param("realm")
            .ok_or_else(|| RegistryError::Realm {
                realm: String::new(),
                reason: "the Bearer challenge names no realm".into(),
            })?;
        let mut url = Url::parse(realm).map_err(|e| RegistryError::Realm {
            realm: realm.to_string(),
            reason: e.to_string(),
        })?;
        match url.scheme() {
            "https" => {}
            // An anonymous request holds no secret; one with credentials needs the realm's
            // host covered by an explicit opt-in (see realm.rs).
            "http"
                if self.inner.credentials.is_none()
                    || realm::cleartext_allowed(
                        self.base().await?,
                        self.inner.insecure,
                        &url,
                        &self.inner.insecure_hosts,
                    ) => {}
            "http" => {
                return Err(RegistryError::CleartextRealm {
                    registry: self.inner.name.clone(),
                    realm: realm.to_string(),
                    realm_host: realm::authority(&url),
                });
            }
            other => {
                return Err(RegistryError::Realm {
                    realm: realm.to_string(),
                    reason: format!("`{other}` is not HTTP or HTTPS"),
                });
            }
        }
        {
            let mut q = url.query_pairs_mut();
            if let Some(service) = challenge.param("service") {
                q.append_pair("service", service);
            }
            for s in scopes {
                q.append_pair("scope", s);
            }
            if let Some(c) = self
                .inner
                .credentials
                .as_ref()
                .filter(|c| !c.is_identity_token())
            {
                q.append_pair("account", &c.username);
            }
        }
        let req = match &self.inner.credentials {
            // Docker's identity tokens are OAuth2 refresh tokens: trade one at the realm with
            // a POST (distribution's token spec, "OAuth2 Token Authentication").
            Some(c) if c.is_identity_token() => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", "ghcr-cli")
                    .append_pair("refresh_token", c.secret.expose())
                    .append_pair("scope", &scopes.join(" "));
                if let Some(service) = challenge.param("service") {
                    form.append_pair("service", service);
                }
                let mut post_url = url.clone();
                post_url.set_query(None);
                self.inner
                    .http
                    .request(Method::POST, post_url)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.finish())
            }
            Some(c) => self
                .inner
                .http
                .request(Method::GET, url.clone())
                .basic_auth(&c.username, Some(c.secret.expose())),
            None => self.inner.http.request(Method::GET, url.clone()),
        };
        // Never echo the query (it names the account) beyond the realm itself.
        let realm_shown = realm.to_string();
        let resp = self
            .execute_retrying(&url, || {
                req.try_clone().ok_or_else(|| RegistryError::Protocol {
                    what: realm_shown.clone(),
                    reason: "the token request cannot be repeated".into(),
                })
            })
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let body = read_capped(resp, MAX_SMALL_BODY, "token error")
                .await
                .unwrap_or_default();
            return Err(match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    self.anonymous_or(RegistryError::Unauthorized {
                        registry: self.inner.name.clone(),
                        detail: error::detail(&error::parse_envelope(&body)),
                    })
                }
                _ => RegistryError::from_status(
                    &self.inner.name,
                    &format!("the token request to {realm_shown}"),
                    status.as_u16(),
                    &body,
                ),
            });
        }
        let body = read_capped(resp, MAX_SMALL_BODY, "token response").await?;
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| RegistryError::Protocol {
                what: format!("the token response from {realm_shown}"),
                reason: format!("invalid JSON: {e}"),
            })?;
        parsed
            .into_token(Instant::now())
            .ok_or(RegistryError::NoToken { realm: realm_shown })
    }

    /// Follows redirects by hand. The registry's Authorization goes only to its own origin;
    /// storage hosts (ghcr.io sends blob GETs to another host) get a bare request.
    async fn follow(
        &self,
        mut resp: Response,
        method: Method,
        scope: &str,
        decorate: &(dyn Fn(RequestBuilder) -> RequestBuilder + Sync),
    ) -> Result<Response> {
        let base = self.base().await?.clone();
        let mut current = resp.url().clone();
        for _ in 0..MAX_REDIRECTS {
            if !resp.status().is_redirection() {
                return Ok(resp);
            }
            let next = self.location(&resp, &current, "a redirect")?;
            resp = if next.origin() == base.origin() {
                self.send(Some(scope), method.clone(), next.clone(), |r| {
                    Ok(decorate(r))
                })
                .await?
            } else {
                self.execute_retrying(&next, || {
                    Ok(decorate(
                        self.inner.http.request(method.clone(), next.clone()),
                    ))
                })
                .await?
            };
            current = next;
        }
        Err(RegistryError::Protocol {
            what: redact::url(&current, Some(&base)),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// The origin this registry's URLs live on (before discovery, the request's own).
    fn own_origin(&self, fallback: &Url) -> Url {
        self.inner.base.get().cloned().unwrap_or_else(|| {
            let mut u = fallback.clone();
            u.set_path("/");
            u.set_query(None);
            u
        })
    }

    /// Sends the request `build` makes with the HTTP layer's retry policy.
    async fn execute_retrying(
        &self,
        url: &Url,
        build: impl Fn() -> Result<RequestBuilder>,
    ) -> Result<Response> {
        let own = self.own_origin(url);
        self.inner
            .http
            .execute_retrying(build, Some(&own), &self.inner.name)
            .await
    }

    /// Sends one request, traced.
    async fn execute(&self, url: &Url, req: RequestBuilder) -> Result<Response> {
        let own = self.own_origin(url);
        Ok(self.inner.http.execute(req, Some(&own)).await?)
    }

    fn location(&self, resp: &Response, base: &Url, what: &str) -> Result<Url> {
        let loc = header_str(resp, LOCATION).ok_or_else(|| RegistryError::Protocol {
            what: what.to_string(),
            reason: format!("the registry answered {} without a Location", resp.status()),
        })?;
        base.join(&loc).map_err(|e| RegistryError::Protocol {
            what: what.to_string(),
            reason: format!(
                "bad Location `{}`: {e}",
                redact::text(&loc, None, self.inner.base.get())
            ),
        })
    }

    async fn error(&self, resp: Response, what: &str) -> RegistryError {
        let status = resp.status().as_u16();
        let body = read_capped(resp, MAX_SMALL_BODY, what)
            .await
            .unwrap_or_default();
        self.anonymous_or(RegistryError::from_status(
            &self.inner.name,
            what,
            status,
            &body,
        ))
    }

    /// A refusal when no credentials were sent is not "refused the credentials": the
    /// registry wants some.
    fn anonymous_or(&self, e: RegistryError) -> RegistryError {
        match e {
            RegistryError::Unauthorized { registry, detail }
                if self.inner.credentials.is_none() =>
            {
                RegistryError::AuthRequired { registry, detail }
            }
            other => other,
        }
    }
}

/// `repository:NAME:pull` or `repository:NAME:pull,push`.
pub fn scope(repo: &str, access: Access) -> String {
    match access {
        Access::Pull => format!("repository:{repo}:pull"),
        Access::Push => format!("repository:{repo}:pull,push"),
    }
}

fn at(reference: &str) -> String {
    if reference.contains(':') {
        format!("@{reference}")
    } else {
        format!(":{reference}")
    }
}

fn basic_header(c: &Credentials) -> HeaderValue {
    let raw = format!("{}:{}", c.username, c.secret.expose());
    let mut h = HeaderValue::from_str(&format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""));
    h.set_sensitive(true);
    h
}

fn bearer_header(token: &str) -> HeaderValue {
    let mut h = HeaderValue::from_str(&format!("Bearer {token}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    h.set_sensitive(true);
    h
}

/// The end of a `Range: 0-END` header (upload status).
fn range_end(resp: &Response) -> Option<u64> {
    let v = resp.headers().get(RANGE)?.to_str().ok()?;
    let v = v.trim().trim_start_matches("bytes=");
    v.split('-').nth(1)?.trim().parse().ok()
}

fn header_str(resp: &Response, name: impl AsHeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn parse_url(s: &str) -> Result<Url> {
    Url::parse(s).map_err(|e| RegistryError::Protocol {
        what: s.to_string(),
        reason: e.to_string(),
    })
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
