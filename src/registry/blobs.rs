//! Blobs by digest: whether a repository has one, its bytes from an offset (through the
//! redirects to storage hosts), and small ones whole and verified.

use bytes::Bytes;

use super::{Access, Registry, RegistryError, Result, join, read_capped, scope};
use crate::digest::{Digest, Hasher};
use crate::http::header::RANGE;
use crate::http::{Method, RequestBuilder, Response, StatusCode};

impl Registry {
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
}
