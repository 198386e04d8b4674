//! Whether a repository exists at all. A registry that answers the tag list of a name with
//! 404 `NAME_UNKNOWN` holds nothing tagged under it, so a push there need not ask about each
//! small blob first (distribution answers so for a repository it has never seen).

use super::{Access, MAX_SMALL_BODY, Registry, Result, error, join, read_capped, scope};
use crate::http::{Method, StatusCode};

impl Registry {
    /// `Some(false)` when the registry says it does not know `repo` (404 `NAME_UNKNOWN` on
    /// its tag list), `Some(true)` when it lists it, `None` when the answer says neither.
    pub async fn repository_known(&self, repo: &str, access: Access) -> Result<Option<bool>> {
        let mut url = join(self.base().await?, &format!("v2/{repo}/tags/list"))?;
        url.query_pairs_mut().append_pair("n", "1");
        let scope = scope(repo, access);
        let resp = self.send(Some(&scope), Method::GET, url, Ok).await?;
        match resp.status() {
            s if s.is_success() => Ok(Some(true)),
            StatusCode::NOT_FOUND => {
                let body = read_capped(resp, MAX_SMALL_BODY, "a tag list")
                    .await
                    .unwrap_or_default();
                let unknown = error::parse_envelope(&body)
                    .iter()
                    .any(|e| e.code == "NAME_UNKNOWN");
                Ok(unknown.then_some(false))
            }
            _ => Ok(None),
        }
    }
}
