//! Tags as things of their own: which tags point at a manifest (the tag list and one `HEAD`
//! per tag, a few at a time), and deleting one tag with OCI distribution 1.1's
//! `DELETE /v2/<name>/manifests/<tag>`, which older registries refuse.

use crate::http::Method;
use futures_util::StreamExt;

use super::{Registry, RegistryError, Result, error, join};
use crate::oci::digest::Digest;

/// How many tags are checked at once: enough to be quick, few enough to stay polite.
const TAG_CHECKS: usize = 8;

impl Registry {
    /// Every tag of `repo` that points at `digest`, sorted. A repository the registry does
    /// not know has none.
    pub async fn tags_pointing_at(&self, repo: &str, digest: &Digest) -> Result<Vec<String>> {
        let tags = match self.list_tags(repo, None, None, None).await {
            Ok(t) => t,
            Err(RegistryError::NotFound { .. }) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let checks = futures_util::stream::iter(tags)
            .map(|tag| async move {
                let points = self.tag_digest(repo, &tag).await?;
                Ok::<_, RegistryError>((points.as_ref() == Some(digest)).then_some(tag))
            })
            .buffer_unordered(TAG_CHECKS);
        let results: Vec<Result<Option<String>>> = checks.collect().await;
        let mut found = Vec::new();
        for r in results {
            if let Some(tag) = r? {
                found.push(tag);
            }
        }
        found.sort();
        Ok(found)
    }

    /// The digest `tag` points at: `HEAD`'s `Docker-Content-Digest`, else a `GET` and a hash
    /// of the bytes; `None` when the tag is gone.
    pub async fn tag_digest(&self, repo: &str, tag: &str) -> Result<Option<Digest>> {
        match self.head_manifest(repo, tag).await? {
            None => return Ok(None),
            Some((Some(d), _, _)) => return Ok(Some(d)),
            Some((None, _, _)) => {}
        }
        match self.get_manifest(repo, tag).await {
            Ok(m) => Ok(Some(m.digest)),
            Err(RegistryError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Deletes the tag alone (OCI distribution 1.1). A registry without tag deletion is
    /// [`RegistryError::Unsupported`], whose detail says what it answered: 405 or
    /// `UNSUPPORTED` from most, and 400 `DIGEST_INVALID` from CNCF distribution 2.x, which
    /// reads the tag as a malformed digest and deletes nothing.
    pub async fn delete_tag(&self, repo: &str, tag: &str) -> Result<()> {
        let what = format!("tag {}/{repo}:{tag}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/manifests/{tag}"))?;
        let scope = format!("repository:{repo}:delete");
        let resp = self.send(Some(&scope), Method::DELETE, url, Ok).await?;
        if resp.status().is_success() {
            return Ok(());
        }
        let status = resp.status().as_u16();
        let body = super::read_capped(resp, super::MAX_SMALL_BODY, &what)
            .await
            .unwrap_or_default();
        let entries = error::parse_envelope(&body);
        let codes: Vec<&str> = entries
            .iter()
            .map(|e| e.code.as_str())
            .filter(|c| !c.is_empty())
            .collect();
        let unsupported = status == 405
            || codes.contains(&"UNSUPPORTED")
            || (status == 400 && codes.contains(&"DIGEST_INVALID"));
        if unsupported {
            let codes = if codes.is_empty() {
                String::new()
            } else {
                format!(" {}", codes.join(", "))
            };
            return Err(RegistryError::Unsupported {
                registry: self.inner.name.clone(),
                what,
                detail: format!(" (it answered {status}{codes})"),
            });
        }
        Err(RegistryError::from_status(
            &self.inner.name,
            &what,
            status,
            &body,
        ))
    }
}
