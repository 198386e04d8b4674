//! Blob uploads: a session opened with one `POST` (which can also ask for a cross-repository
//! mount), then the bytes in one streamed `PUT` or in `PATCH` chunks, and where a session
//! stands after a break. Bodies are sent once; recovering is the caller's (a new session).

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use url::Url;

use super::transport::Sending;
use super::{Access, Registry, RegistryError, Result, header_str, join, scope};
use crate::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RANGE};
use crate::http::{self as wire, Method, RequestBuilder, Response, StatusCode};
use crate::oci::digest::Digest;

/// Read size for streamed uploads.
const UPLOAD_CHUNK: usize = 256 * 1024;

/// An open chunked upload.
#[derive(Debug, Clone)]
pub struct UploadSession {
    pub location: Url,
    /// `OCI-Chunk-Min-Length`: the smallest chunk the registry takes.
    pub min_chunk: Option<u64>,
}

impl Registry {
    /// The one `POST` that opens an upload session. With `mount_from`, it first asks the
    /// registry to mount the blob from that repository (which needs pull there too): a 201
    /// then means mounted, and any other success carries a session as without a mount.
    async fn post_upload(
        &self,
        repo: &str,
        digest: &Digest,
        mount_from: Option<&str>,
    ) -> Result<Response> {
        let mut url = join(self.base().await?, &format!("v2/{repo}/blobs/uploads/"))?;
        let mut scopes = scope(repo, Access::Push);
        if let Some(from) = mount_from {
            url.query_pairs_mut()
                .append_pair("mount", &digest.to_string())
                .append_pair("from", from);
            scopes = format!("{scopes} {}", scope(from, Access::Pull));
        }
        self.send(Some(&scopes), Method::POST, url, |r| {
            Ok(r.header(CONTENT_LENGTH, 0))
        })
        .await
    }

    /// The session a `POST` opened: its `Location`, and the smallest chunk it takes.
    async fn opened_session(&self, resp: Response, what: &str) -> Result<UploadSession> {
        if !matches!(
            resp.status(),
            StatusCode::OK | StatusCode::CREATED | StatusCode::ACCEPTED
        ) {
            return Err(self.error(resp, what).await);
        }
        let min_chunk = header_str(&resp, "oci-chunk-min-length").and_then(|v| v.parse().ok());
        Ok(UploadSession {
            location: self.location(&resp, self.base().await?, what)?,
            min_chunk,
        })
    }

    /// Opens an upload session.
    pub async fn open_upload(&self, repo: &str, digest: &Digest) -> Result<UploadSession> {
        let resp = self.post_upload(repo, digest, None).await?;
        self.opened_session(resp, &self.upload_what(repo, digest))
            .await
    }

    /// Tries a cross-repository mount of `digest` from `from`; `true` when the registry
    /// mounted it, `false` when it wants an upload instead (the session it opened then is
    /// left unused: the upload opens its own).
    pub async fn mount_blob(&self, repo: &str, digest: &Digest, from: &str) -> Result<bool> {
        let resp = self.post_upload(repo, digest, Some(from)).await?;
        if resp.status() == StatusCode::CREATED {
            return Ok(true);
        }
        self.opened_session(resp, &self.upload_what(repo, digest))
            .await
            .map(|_| false)
    }

    pub(super) fn upload_what(&self, repo: &str, digest: &Digest) -> String {
        format!("upload of blob {digest} to {}/{repo}", self.inner.name)
    }

    /// Finishes an upload with one `PUT` of the whole body and the digest.
    async fn finish_upload(
        &self,
        repo: &str,
        digest: &Digest,
        location: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<()> {
        let what = self.upload_what(repo, digest);
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
        let location = self.open_upload(repo, digest).await?.location;
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
                .body(wire::stream_body(stream)))
        })
        .await
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
        let path = path.to_path_buf();
        self.patch_chunk(repo, digest, location, offset, len, |r| {
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
            Ok(r.body(wire::stream_body(stream)))
        })
        .await
    }

    /// Sends `body`, the blob's bytes from `offset` on, as one `PATCH` with `Content-Range`:
    /// a chunk held in memory, as a copy streamed from another registry has it (the source
    /// cannot be read twice). Returns what [`Registry::upload_chunk`] does.
    pub async fn upload_chunk_bytes(
        &self,
        repo: &str,
        digest: &Digest,
        location: &Url,
        offset: u64,
        body: Bytes,
    ) -> Result<(Url, u64)> {
        let len = body.len() as u64;
        self.patch_chunk(repo, digest, location, offset, len, |r| {
            Ok(r.body(body.clone()))
        })
        .await
    }

    /// One `PATCH` of `len` bytes at `offset` (the body from `body`), sent once: the
    /// session's next location, and the next byte the registry expects (from `Range: 0-N`).
    async fn patch_chunk(
        &self,
        repo: &str,
        digest: &Digest,
        location: &Url,
        offset: u64,
        len: u64,
        body: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<(Url, u64)> {
        // An empty chunk has no Content-Range to give (`N-(N-1)`); callers never send one.
        debug_assert!(len > 0, "an empty PATCH");
        let what = self.upload_what(repo, digest);
        let scope = scope(repo, Access::Push);
        let resp = self
            .send_as(
                Sending::Once,
                Some(&scope),
                Method::PATCH,
                location.clone(),
                |r| {
                    body(
                        r.header(CONTENT_LENGTH, len)
                            .header(CONTENT_TYPE, "application/octet-stream")
                            .header(
                                "Content-Range",
                                format!("{offset}-{}", (offset + len).saturating_sub(1)),
                            ),
                    )
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

    /// Uploads a blob from a stream of known size (a copy from another registry) into the
    /// session at `location` ([`Registry::open_upload`], which the caller opens while it
    /// asks the source for the blob: the two round trips overlap). The stream is consumed
    /// once, so a retry needs a new stream and a new session from the caller.
    pub async fn upload_stream<S, E>(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        location: Url,
        chunks: S,
    ) -> Result<()>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let body = std::sync::Mutex::new(Some(wire::stream_body(chunks)));
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
}

impl Registry {
    /// [`Registry::upload_stream`] into a session of its own, opened first: for callers with
    /// nothing to overlap with the opening round trip (a small config, a placeholder).
    pub async fn upload_stream_in_new_session<S, E>(
        &self,
        repo: &str,
        digest: &Digest,
        size: u64,
        chunks: S,
    ) -> Result<()>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let session = self.open_upload(repo, digest).await?;
        self.upload_stream(repo, digest, size, session.location, chunks)
            .await
    }
}

/// The end of a `Range: 0-END` header (upload status).
fn range_end(resp: &Response) -> Option<u64> {
    let v = resp.headers().get(RANGE)?.to_str().ok()?;
    let v = v.trim().trim_start_matches("bytes=");
    v.split('-').nth(1)?.trim().parse().ok()
}
