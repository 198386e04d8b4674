//! The OCI 1.1 referrers API: `GET /v2/<name>/referrers/<digest>` (an index of the manifests
//! whose `subject` is that digest, paginated with `Link`, optionally filtered by
//! `?artifactType=`), and the `PUT` of a manifest with a subject, whose `OCI-Subject` answer
//! says the registry indexed it. A 404 on the API means the registry does not serve it
//! (distribution 2.8, ghcr.io): the caller falls back to the tag schema.

use super::{
    Access, Registry, RegistryError, Result, header_str, join, next_link, read_capped, scope,
};
use crate::http::header::{ACCEPT, CONTENT_TYPE};
use crate::http::{Method, StatusCode};
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, OCI_INDEX};

/// More pages than this is a registry in a loop.
const MAX_PAGES: usize = 100;

/// What the referrers API answered.
#[derive(Debug, Clone)]
pub struct ApiReferrers {
    pub manifests: Vec<Descriptor>,
    /// The registry applied the `artifactType` filter (`OCI-Filters-Applied`); otherwise the
    /// caller filters.
    pub filtered: bool,
}

impl Registry {
    /// The referrers of `subject` from the API, or `None` when the registry does not serve
    /// it (a 404, or an answer that is not an image index, as the spec says to detect it).
    pub async fn referrers_api(
        &self,
        repo: &str,
        subject: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Option<ApiReferrers>> {
        let what = format!("referrers of {}/{repo}@{subject}", self.inner.name);
        let base = self.base().await?.clone();
        let mut url = join(&base, &format!("v2/{repo}/referrers/{subject}"))?;
        if let Some(t) = artifact_type {
            url.query_pairs_mut().append_pair("artifactType", t);
        }
        let scope = scope(repo, Access::Pull);
        let mut out = ApiReferrers {
            manifests: Vec::new(),
            filtered: true,
        };
        for page in 0..MAX_PAGES {
            let resp = self
                .send(Some(&scope), Method::GET, url.clone(), |r| {
                    Ok(r.header(ACCEPT, OCI_INDEX))
                })
                .await?;
            if resp.status() == StatusCode::NOT_FOUND && page == 0 {
                return Ok(None);
            }
            if !resp.status().is_success() {
                return Err(self.error(resp, &what).await);
            }
            let is_index = header_str(&resp, CONTENT_TYPE)
                .is_some_and(|c| c.split(';').next().unwrap_or("").trim() == OCI_INDEX);
            let applied = header_str(&resp, "oci-filters-applied")
                .is_some_and(|v| v.split(',').any(|f| f.trim() == "artifactType"));
            let next = header_str(&resp, "link").and_then(|l| next_link(&l));
            let body = read_capped(resp, manifest::MAX_MANIFEST_BYTES, &what).await?;
            let index: Option<manifest::Index> = serde_json::from_slice(&body).ok();
            let Some(index) = index.filter(|_| is_index || page > 0) else {
                if page == 0 {
                    return Ok(None);
                }
                return Err(RegistryError::Protocol {
                    what,
                    reason: "a page of the referrers list is not an image index".into(),
                });
            };
            out.filtered &= applied;
            out.manifests.extend(index.manifests);
            match next {
                Some(n) => url = join(&base, &n)?,
                None => return Ok(Some(out)),
            }
        }
        Err(RegistryError::Protocol {
            what,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }
}
