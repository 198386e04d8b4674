//! Deleting and restoring package versions: one at a time (`packages delete` and `restore`,
//! untag's placeholder), and in bulk under GitHub's rate limits: one `DELETE` whose answer
//! says what to do next (done, wait this long, refused and why) instead of an error, so
//! `packages prune` can pace itself, wait out a secondary limit and go on past a refusal.
//! It never sleeps or prints; the command decides.
//! <https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Github, GithubError, Owner, Result, encode};
use crate::http::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use crate::http::{self, Method, StatusCode};

impl Github {
    pub async fn delete_version(&self, owner: &Owner, package: &str, id: u64) -> Result<()> {
        let url = self.url(&format!(
            "{}/packages/container/{}/versions/{id}",
            owner.prefix(),
            encode(package)
        ))?;
        self.request(
            Method::DELETE,
            url,
            &format!("deleting version {id} of package `{package}`"),
        )
        .await
        .map(|_| ())
    }

    /// Restores a deleted version (within GitHub's 30 days). Like [`Github::versions_resolving`],
    /// an owner that is not an organization (404) is tried as a user: a package of another
    /// user (a collaborator's, restored by its owner's `GITHUB_ACTOR` in CI) lives there.
    pub async fn restore_version(&self, owner: &Owner, package: &str, id: u64) -> Result<()> {
        match (self.restore_at(owner, package, id).await, owner) {
            (Err(GithubError::NotFound { .. }), Owner::Org(name)) => {
                self.restore_at(&Owner::User(name.clone()), package, id)
                    .await
            }
            (answer, _) => answer,
        }
    }

    async fn restore_at(&self, owner: &Owner, package: &str, id: u64) -> Result<()> {
        let url = self.url(&format!(
            "{}/packages/container/{}/versions/{id}/restore",
            owner.prefix(),
            encode(package)
        ))?;
        self.request(
            Method::POST,
            url,
            &format!("restoring version {id} of package `{package}`"),
        )
        .await
        .map(|_| ())
    }
}

/// GitHub's advice for a secondary limit that names no time: "wait at least one minute".
const SECONDARY_DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// What one `DELETE` of a version came to.
#[derive(Debug)]
pub enum DeleteAnswer {
    /// Deleted. `exhausted_for` is how long until the primary limit resets, when this
    /// request used up the last of it (`x-ratelimit-remaining: 0`).
    Deleted { exhausted_for: Option<Duration> },
    /// Already gone (404): an earlier, interrupted run deleted it.
    Gone,
    /// A rate limit (403 or 429 with `Retry-After`, a secondary-limit message, or
    /// `x-ratelimit-remaining: 0`): try the same request again after `wait`.
    Limited { wait: Duration, message: String },
    /// GitHub refuses this version (400, 422): the message says why; other versions may go.
    Refused { status: u16, message: String },
    /// Anything else: a failure that later requests would meet too.
    Failed(GithubError),
}

impl Github {
    /// Deletes version `id` once and reads the rate-limit headers of the answer.
    pub async fn delete_version_paced(
        &self,
        owner: &Owner,
        package: &str,
        id: u64,
    ) -> DeleteAnswer {
        let what = format!("deleting version {id} of package `{package}`");
        let url = match self.url(&format!(
            "{}/packages/container/{}/versions/{id}",
            owner.prefix(),
            encode(package)
        )) {
            Ok(u) => u,
            Err(e) => return DeleteAnswer::Failed(e),
        };
        let Ok(mut auth) = HeaderValue::from_str(&format!("Bearer {}", self.token.expose())) else {
            return DeleteAnswer::Failed(GithubError::Protocol {
                what,
                reason: "the token is not a valid header value".into(),
            });
        };
        auth.set_sensitive(true);
        let req = self
            .http
            .request(Method::DELETE, url)
            .header(AUTHORIZATION, auth)
            .header(http::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", super::API_VERSION);
        // Sent once: a retry after a delete that took effect would read as "not found".
        let resp = match self.http.execute(req, Some(&self.base)).await {
            Ok(r) => r,
            Err(e) => return DeleteAnswer::Failed(GithubError::Http(e)),
        };
        let status = resp.status();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let remaining = header("x-ratelimit-remaining").and_then(|v| v.trim().parse::<u64>().ok());
        let reset = header("x-ratelimit-reset").and_then(|v| v.trim().parse::<u64>().ok());
        let retry_after = header(RETRY_AFTER.as_str()).and_then(|v| v.trim().parse::<u64>().ok());
        let until_reset = reset.map(|r| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            // One second more: the window ends at the start of the reset second.
            Duration::from_secs(r.saturating_sub(now) + 1)
        });
        if status.is_success() {
            return DeleteAnswer::Deleted {
                exhausted_for: (remaining == Some(0))
                    .then(|| until_reset.unwrap_or(SECONDARY_DEFAULT_WAIT)),
            };
        }
        let message = super::error_message(resp, &what).await;
        let limited = status == StatusCode::TOO_MANY_REQUESTS
            || (status == StatusCode::FORBIDDEN
                && (retry_after.is_some()
                    || remaining == Some(0)
                    || message.to_lowercase().contains("rate limit")));
        if limited {
            let wait = match (retry_after, remaining) {
                (Some(s), _) => Duration::from_secs(s),
                (None, Some(0)) => until_reset.unwrap_or(SECONDARY_DEFAULT_WAIT),
                _ => SECONDARY_DEFAULT_WAIT,
            };
            return DeleteAnswer::Limited { wait, message };
        }
        let detail = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        match status {
            StatusCode::NOT_FOUND => DeleteAnswer::Gone,
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => DeleteAnswer::Refused {
                status: status.as_u16(),
                message,
            },
            StatusCode::UNAUTHORIZED => DeleteAnswer::Failed(GithubError::Unauthorized { detail }),
            StatusCode::FORBIDDEN => DeleteAnswer::Failed(GithubError::Forbidden { what, detail }),
            s => DeleteAnswer::Failed(GithubError::Refused {
                what,
                status: s.as_u16(),
                detail,
            }),
        }
    }
}
