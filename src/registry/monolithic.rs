//! Small blobs in one request: the spec's single-request monolithic upload, `POST
//! /v2/NAME/blobs/uploads/?digest=D` with the body, answered 201 where the registry takes it
//! (one round trip instead of a `POST` and a `PUT`). Registries that do not (distribution 2.8
//! answers 202 with a session and ignores the body; others refuse with 4xx) get the body
//! again with a `PUT` on that session, or through a new one; what the registry did is kept
//! for the run, so the next blobs go the way that works straight away.
//! <https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#single-post>

use std::sync::atomic::{AtomicU8, Ordering};

use bytes::Bytes;

use super::{Access, Registry, Result, join, scope};
use crate::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use crate::http::{Method, StatusCode};
use crate::oci::digest::Digest;

// 0: not known yet.
const TAKEN: u8 = 1;
const REFUSED: u8 = 2;

/// What a registry did with a single-request upload, for the run.
#[derive(Default)]
pub(super) struct Support(AtomicU8);

impl Support {
    fn refused(&self) -> bool {
        self.0.load(Ordering::Relaxed) == REFUSED
    }

    fn learn(&self, taken: bool) {
        self.0
            .store(if taken { TAKEN } else { REFUSED }, Ordering::Relaxed);
    }
}

impl Registry {
    /// Uploads a small blob held in memory: in one `POST ?digest=` where the registry takes
    /// that, else a `POST` and a `PUT` (on the session the first `POST` opened, when it
    /// opened one). The body is in memory, so a request that fails in a way that may pass
    /// is simply sent again.
    pub async fn upload_small(&self, repo: &str, digest: &Digest, body: Bytes) -> Result<()> {
        if !self.inner.monolithic.refused() {
            let what = self.upload_what(repo, digest);
            let mut url = join(self.base().await?, &format!("v2/{repo}/blobs/uploads/"))?;
            url.query_pairs_mut()
                .append_pair("digest", &digest.to_string());
            let scope = scope(repo, Access::Push);
            let resp = self
                .send(Some(&scope), Method::POST, url, |r| {
                    Ok(r.header(CONTENT_LENGTH, body.len())
                        .header(CONTENT_TYPE, "application/octet-stream")
                        .body(body.clone()))
                })
                .await?;
            match resp.status() {
                StatusCode::CREATED => {
                    self.inner.monolithic.learn(true);
                    return Ok(());
                }
                // A session instead: the registry ignored the body (distribution 2.8 does).
                StatusCode::ACCEPTED => {
                    self.inner.monolithic.learn(false);
                    let location = self.location(&resp, self.base().await?, &what)?;
                    return self.put_small(repo, digest, location, body).await;
                }
                // Refused outright (400, 404, 405, 415, …): the usual way may still work. Auth
                // and rate-limit answers are not about this way of uploading.
                s if s.is_client_error()
                    && !matches!(
                        s,
                        StatusCode::UNAUTHORIZED
                            | StatusCode::FORBIDDEN
                            | StatusCode::TOO_MANY_REQUESTS
                    ) =>
                {
                    self.inner.monolithic.learn(false);
                }
                _ => return Err(self.error(resp, &what).await),
            }
        }
        let location = self.open_upload(repo, digest).await?.location;
        self.put_small(repo, digest, location, body).await
    }

    /// Closes a session with the whole small body in one `PUT ?digest=`. Unlike a streamed
    /// upload it goes on the reading client's connections (no second pool to open, a round
    /// trip each on a real link), retried like any small request: the body is in memory.
    async fn put_small(
        &self,
        repo: &str,
        digest: &Digest,
        location: url::Url,
        body: Bytes,
    ) -> Result<()> {
        let what = self.upload_what(repo, digest);
        let scope = scope(repo, Access::Push);
        let mut url = location;
        url.query_pairs_mut()
            .append_pair("digest", &digest.to_string());
        let resp = self
            .send(Some(&scope), Method::PUT, url, |r| {
                Ok(r.header(CONTENT_LENGTH, body.len())
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .body(body.clone()))
            })
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        Ok(())
    }
}
