//! Blobs by digest: whether a repository has one, its bytes from an offset (through the
//! redirects to storage hosts, with what the `Range` got read here so callers only see where
//! the body starts), one bounded range of one (for parallel ranged downloads, which must
//! know when a registry or storage host ignored the `Range`), and small ones whole and
//! verified.

use bytes::Bytes;
use futures_util::Stream;

use super::transport::Sending;
use super::{Access, Registry, RegistryError, Result, header_str, join, read_capped, scope};
use crate::http::header::{CONTENT_RANGE, RANGE};
use crate::http::{self as wire, Method, RequestBuilder, Response, StatusCode};
use crate::oci::digest::{Digest, Hasher};

/// A blob's bytes as the registry sends them. The caller verifies them: only it knows when
/// the bytes before `start` (from an earlier body) belong in the hash.
pub struct BlobBody {
    /// The byte the body starts at: the offset asked for when the registry honoured the
    /// `Range`, 0 when it sent the whole blob instead.
    pub start: u64,
    /// Names the blob in errors.
    what: String,
    resp: Response,
}

impl BlobBody {
    /// The next piece of the body, `None` at its end (which may come early: the caller
    /// checks the length). A connection that breaks mid-body is a transient
    /// [`RegistryError::Http`], so the caller can resume from what it has.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>> {
        Ok(wire::next_chunk(&mut self.resp, &self.what).await?)
    }

    /// The body as a stream, which ends after its first error.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes>> + Send + 'static {
        futures_util::stream::try_unfold(self, |mut body| async move {
            Ok(body.chunk().await?.map(|c| (c, body)))
        })
    }
}

/// The answer to a bounded range request ([`Registry::get_blob_range`]).
pub enum RangeAnswer {
    /// A 206 for exactly the bytes asked for.
    Part(BlobBody),
    /// Anything else (a 200 with the whole blob, a 206 for other bytes): why, for the user.
    /// Its body was not read.
    Ignored(String),
}

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

    /// `GET` a blob from byte `offset` on (a `Range` request when not 0); the body says
    /// where it really starts. A registry may ignore the `Range` (a 200 with the whole blob:
    /// `start` is 0); a 206 for other bytes than asked for is never written at `offset`: the
    /// whole blob is fetched instead (`start` 0).
    pub async fn get_blob(&self, repo: &str, digest: &Digest, offset: u64) -> Result<BlobBody> {
        let range = (offset > 0).then(|| format!("bytes={offset}-"));
        let resp = self.blob_response(repo, digest, range).await?;
        let what = format!("blob {digest} from {}/{repo}", self.inner.name);
        let start = if offset == 0 || resp.status() != StatusCode::PARTIAL_CONTENT {
            0
        } else {
            let range = header_str(&resp, CONTENT_RANGE);
            if range.as_deref().and_then(content_range_start) != Some(offset) {
                // Other bytes than asked for (or no word of which): writing them at `offset`
                // would corrupt the blob, so start again from its first byte.
                self.notify(&format!(
                    "{what}: asked for the bytes from {offset} on, the registry sent {}; fetching the whole blob",
                    range.map_or_else(|| "a part without saying which".to_string(), |r| format!("`Content-Range: {r}`"))
                ));
                let resp = self.blob_response(repo, digest, None).await?;
                return Ok(BlobBody {
                    start: 0,
                    what,
                    resp,
                });
            }
            offset
        };
        Ok(BlobBody { start, what, resp })
    }

    /// `GET` bytes `first` to `last` (inclusive) of a blob of `total` bytes: a
    /// [`RangeAnswer::Part`] only for a 206 whose `Content-Range` names exactly those bytes.
    /// Anything else is [`RangeAnswer::Ignored`], its body unread, so no byte of a whole-blob
    /// answer is ever taken for a range.
    pub async fn get_blob_range(
        &self,
        repo: &str,
        digest: &Digest,
        (first, last, total): (u64, u64, u64),
    ) -> Result<RangeAnswer> {
        let asked = format!("bytes={first}-{last}");
        // Each range on a connection of its own, HTTP/2 or not: that is the point of them.
        let resp = self
            .blob_response_as(Sending::Separate, repo, digest, Some(asked))
            .await?;
        let what = format!("blob {digest} from {}/{repo}", self.inner.name);
        let range = header_str(&resp, CONTENT_RANGE);
        let exact = resp.status() == StatusCode::PARTIAL_CONTENT
            && range
                .as_deref()
                .and_then(content_range)
                .is_some_and(|(a, b, t)| a == first && b == last && t.is_none_or(|t| t == total));
        if exact {
            return Ok(RangeAnswer::Part(BlobBody {
                start: first,
                what,
                resp,
            }));
        }
        let sent = match (resp.status(), range) {
            (StatusCode::PARTIAL_CONTENT, Some(r)) => format!("`Content-Range: {r}`"),
            (StatusCode::PARTIAL_CONTENT, None) => "a part without saying which".to_string(),
            (status, _) => format!("{status} (the whole blob)"),
        };
        Ok(RangeAnswer::Ignored(format!(
            "{what}: asked for bytes {first}-{last}, the registry sent {sent}"
        )))
    }

    /// The successful answer to a blob `GET` (of `range` when set), following redirects to
    /// storage hosts without our Authorization. A storage URL that has expired (403 from the
    /// storage host) is asked for again once.
    async fn blob_response(
        &self,
        repo: &str,
        digest: &Digest,
        range: Option<String>,
    ) -> Result<Response> {
        self.blob_response_as(Sending::Retried, repo, digest, range)
            .await
    }

    /// [`Registry::blob_response`], every hop sent `how`.
    async fn blob_response_as(
        &self,
        how: Sending,
        repo: &str,
        digest: &Digest,
        range: Option<String>,
    ) -> Result<Response> {
        let what = format!("blob {digest} in {}/{repo}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/blobs/{digest}"))?;
        let scope = scope(repo, Access::Pull);
        let with_range = |r: RequestBuilder| match &range {
            Some(v) => r.header(RANGE, v.as_str()),
            None => r,
        };
        for fresh_url in [false, true] {
            let mut resp = self
                .send_as(how, Some(&scope), Method::GET, url.clone(), |r| {
                    Ok(with_range(r))
                })
                .await?;
            if resp.status().is_redirection() {
                resp = self
                    .follow_as(how, resp, Method::GET, &scope, &with_range)
                    .await?;
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
        let resp = self.blob_response(repo, digest, None).await?;
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

/// The start of a `Content-Range: bytes START-END/TOTAL` value.
fn content_range_start(value: &str) -> Option<u64> {
    value
        .trim()
        .strip_prefix("bytes ")?
        .split('-')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// The first and last byte and the total of a `Content-Range: bytes FIRST-LAST/TOTAL`
/// value (`None` for a total of `*`).
fn content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let (span, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = span.split_once('-')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((first.trim().parse().ok()?, last.trim().parse().ok()?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_starts() {
        assert_eq!(content_range_start("bytes 100-199/1000"), Some(100));
        assert_eq!(content_range_start("bytes 0-0/1"), Some(0));
        assert_eq!(content_range_start("bytes */1000"), None);
        assert_eq!(content_range_start("items 1-2/3"), None);
    }

    #[test]
    fn content_ranges() {
        assert_eq!(
            content_range("bytes 100-199/1000"),
            Some((100, 199, Some(1000)))
        );
        assert_eq!(content_range("bytes 0-0/*"), Some((0, 0, None)));
        assert_eq!(content_range("bytes */1000"), None);
        assert_eq!(content_range("bytes 1-2"), None);
    }
}
