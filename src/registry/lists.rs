//! Lists the distribution API pages through: a repository's tags (`/v2/NAME/tags/list`) and
//! the registry's repositories (`/v2/_catalog`). One paginator follows `Link: <…>;
//! rel="next"` on the registry's own origin only, caps pages and their size, and stops once
//! it has as many names as asked for.

use serde::Deserialize;
use url::Url;

use super::{
    Access, MAX_TAG_PAGE, Registry, RegistryError, Result, header_str, join, next_link,
    read_capped, redact, scope,
};
use crate::http::Method;
use crate::http::header::LINK;

/// A registry whose `Link` headers loop is stopped here.
const MAX_PAGES: usize = 10_000;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    repositories: Option<Vec<String>>,
}

/// Where a listing starts: `n` (page size) and `last` (start after).
#[derive(Debug, Default, Clone)]
pub struct Paging<'a> {
    pub page_size: Option<usize>,
    pub last: Option<&'a str>,
    /// Stop once this many are in.
    pub limit: Option<usize>,
}

impl Registry {
    /// A repository's tags, every page.
    pub async fn list_tags(
        &self,
        repo: &str,
        page_size: Option<usize>,
        last: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<String>> {
        let what = format!("tags of {}/{repo}", self.inner.name);
        let paging = Paging {
            page_size,
            last,
            limit,
        };
        self.list_pages(
            &format!("v2/{repo}/tags/list"),
            &scope(repo, Access::Pull),
            &what,
            &paging,
        )
        .await
    }

    /// The registry's repositories (`/v2/_catalog`), every page. Many hosted registries do
    /// not serve it (ghcr.io, Docker Hub); they answer 401, 403 or 404.
    pub async fn list_repositories(&self, paging: &Paging<'_>) -> Result<Vec<String>> {
        let what = format!("the repositories of {}", self.inner.name);
        self.list_pages("v2/_catalog", "registry:catalog:*", &what, paging)
            .await
    }

    async fn list_pages(
        &self,
        path: &str,
        scope: &str,
        what: &str,
        paging: &Paging<'_>,
    ) -> Result<Vec<String>> {
        let base = self.base().await?.clone();
        let mut url = join(&base, path)?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(n) = paging.page_size {
                q.append_pair("n", &n.to_string());
            }
            if let Some(l) = paging.last {
                q.append_pair("last", l);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut names = Vec::new();
        let mut next: Option<Url> = Some(url);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(RegistryError::Protocol {
                    what: what.to_string(),
                    reason: format!(
                        "more than {MAX_PAGES} pages; the registry's Link headers loop"
                    ),
                });
            }
            let resp = self.send(Some(scope), Method::GET, url.clone(), Ok).await?;
            if !resp.status().is_success() {
                return Err(self.error(resp, what).await);
            }
            next = header_str(&resp, LINK)
                .and_then(|l| next_link(&l))
                .and_then(|l| url.join(&l).ok());
            // The next page must come from the registry itself: a Link elsewhere would send
            // our Authorization to, and merge names from, a host nobody named.
            if let Some(n) = next.as_ref().filter(|n| n.origin() != base.origin()) {
                return Err(RegistryError::Protocol {
                    what: what.to_string(),
                    reason: format!(
                        "the next page is on another origin (`{}`); not following it",
                        redact::url(n, Some(&base))
                    ),
                });
            }
            let body = read_capped(resp, MAX_TAG_PAGE, what).await?;
            let page: Page =
                serde_json::from_slice(&body).map_err(|e| RegistryError::Protocol {
                    what: what.to_string(),
                    reason: format!("invalid JSON: {e}"),
                })?;
            names.extend(page.tags.or(page.repositories).unwrap_or_default());
            if let Some(limit) = paging.limit
                && names.len() >= limit
            {
                names.truncate(limit);
                break;
            }
        }
        Ok(names)
    }
}
