//! The GitHub REST API, for what ghcr.io's registry API cannot do: listing container packages
//! and their versions, deleting and restoring versions, and reading a classic token's scopes.
//! It authenticates with the same token as the registry, over the same HTTP layer (retries,
//! `-v` traces, `--ca-file`, body caps). It never prints.

pub mod deletes;
pub mod retention;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::credentials::Secret;
use crate::http::header::{ACCEPT, AUTHORIZATION, HeaderValue, LINK};
use crate::http::{self, HttpError, Method, StatusCode};
use crate::oci::reference::is_loopback_host;

/// api.github.com; GitHub Enterprise Server is `https://HOST/api/v3`.
pub const DEFAULT_API: &str = "https://api.github.com";
const API_VERSION: &str = "2022-11-28";
/// Pages are capped: a bad `Link` chain cannot loop forever.
const MAX_PAGES: usize = 1000;
const MAX_BODY: u64 = 16 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum GithubError {
    #[error("the GitHub API refused the token (401){detail}")]
    Unauthorized { detail: String },
    #[error("the GitHub API denied {what} (403){detail}")]
    Forbidden { what: String, detail: String },
    /// A 403 with `X-GitHub-SSO: required; url=…`: the token is not authorized for the
    /// organization's SAML single sign-on; `url` is where to authorize it.
    #[error(
        "the GitHub API denied {what}: the organization uses SAML single sign-on, and the token is not authorized for it (403)"
    )]
    SsoRequired { what: String, url: Option<String> },
    #[error("{what} was not found, or the token cannot see it (404){detail}")]
    NotFound { what: String, detail: String },
    #[error("the GitHub API refused {what} ({status}){detail}")]
    Refused {
        what: String,
        status: u16,
        detail: String,
    },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the GitHub API answered {what} with something unexpected: {reason}")]
    Protocol { what: String, reason: String },
    #[error("refusing plain HTTP to the GitHub API at `{0}` (only loopback addresses may use it)")]
    Insecure(String),
}

type Result<T, E = GithubError> = std::result::Result<T, E>;

/// Whose packages: the token's user, an organization, or another user (read only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Me,
    Org(String),
    User(String),
}

impl Owner {
    fn prefix(&self) -> String {
        match self {
            Owner::Me => "user".to_string(),
            Owner::Org(o) => format!("orgs/{o}"),
            Owner::User(u) => format!("users/{u}"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Package {
    pub id: u64,
    pub name: String,
    /// The user or organization the package belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<PackageOwner>,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PackageOwner {
    pub login: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Version {
    pub id: u64,
    /// For container packages, the manifest digest.
    pub name: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub metadata: Option<VersionMetadata>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct VersionMetadata {
    #[serde(default)]
    pub container: Option<ContainerMetadata>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ContainerMetadata {
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Version {
    pub fn tags(&self) -> &[String] {
        self.metadata
            .as_ref()
            .and_then(|m| m.container.as_ref())
            .map(|c| c.tags.as_slice())
            .unwrap_or(&[])
    }
}

#[derive(Debug, Deserialize)]
struct Me {
    login: String,
}

pub struct Github {
    http: http::Client,
    base: Url,
    token: Secret,
}

impl Github {
    pub fn new(base: &str, token: Secret, options: &http::Options) -> Result<Self> {
        let mut base = Url::parse(base).map_err(|e| GithubError::Protocol {
            what: "the API base URL".into(),
            reason: e.to_string(),
        })?;
        if base.scheme() == "http" && !base.host_str().is_some_and(is_loopback_host) {
            return Err(GithubError::Insecure(base.to_string()));
        }
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        // The API is never reached with unverified TLS, whatever --insecure says of registries.
        let options = http::Options {
            accept_invalid_certs: false,
            ..options.clone()
        };
        let http = http::Client::new(&options)?;
        Ok(Self { http, base, token })
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|e| GithubError::Protocol {
            what: path.to_string(),
            reason: e.to_string(),
        })
    }

    async fn request(&self, method: Method, url: Url, what: &str) -> Result<http::Response> {
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", self.token.expose())).map_err(|_| {
                GithubError::Protocol {
                    what: what.into(),
                    reason: "the token is not a valid header value".into(),
                }
            })?;
        auth.set_sensitive(true);
        let build = || {
            Ok::<_, GithubError>(
                self.http
                    .request(method.clone(), url.clone())
                    .header(AUTHORIZATION, auth.clone())
                    .header(ACCEPT, "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", API_VERSION),
            )
        };
        // Reads are retried; a delete or restore is sent once, since a retry after one that
        // took effect would report "not found" for a success.
        let resp = if method == Method::GET {
            self.http
                .execute_retrying(build, Some(&self.base), "the GitHub API")
                .await?
        } else {
            self.http.execute(build()?, Some(&self.base)).await?
        };
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let sso = resp
            .headers()
            .get("x-github-sso")
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.trim_start().starts_with("required"))
            .map(sso_url);
        let message = error_message(resp, what).await;
        let detail = if message.is_empty() {
            String::new()
        } else {
            format!(": {message}")
        };
        let what = what.to_string();
        if let (StatusCode::FORBIDDEN, Some(url)) = (status, sso) {
            return Err(GithubError::SsoRequired { what, url });
        }
        Err(match status {
            StatusCode::UNAUTHORIZED => GithubError::Unauthorized { detail },
            StatusCode::FORBIDDEN => GithubError::Forbidden { what, detail },
            StatusCode::NOT_FOUND => GithubError::NotFound { what, detail },
            s => GithubError::Refused {
                what,
                status: s.as_u16(),
                detail,
            },
        })
    }

    /// A whole answer, at most 16 MiB.
    async fn body(&self, resp: http::Response, what: &str) -> Result<bytes::Bytes> {
        http::read_capped(resp, MAX_BODY, what)
            .await
            .map_err(|e| match e {
                http::BodyError::Http(e) => GithubError::Http(e),
                http::BodyError::TooLarge { .. } => GithubError::Protocol {
                    what: what.into(),
                    reason: "the answer is larger than 16 MiB".into(),
                },
            })
    }

    /// GETs every page of a list, following `Link: <…>; rel="next"` on the API's origin.
    async fn list<T: for<'de> Deserialize<'de>>(&self, path: &str, what: &str) -> Result<Vec<T>> {
        let mut url = self.url(path)?;
        url.query_pairs_mut().append_pair("per_page", "100");
        let mut out = Vec::new();
        let mut next = Some(url);
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(GithubError::Protocol {
                    what: what.into(),
                    reason: format!("more than {MAX_PAGES} pages"),
                });
            }
            let resp = self.request(Method::GET, url.clone(), what).await?;
            next = resp
                .headers()
                .get(LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link)
                .and_then(|l| url.join(&l).ok());
            // The next page must come from the API itself: a Link elsewhere would take the
            // token to a host nobody named.
            if let Some(n) = next.as_ref().filter(|n| n.origin() != self.base.origin()) {
                return Err(GithubError::Protocol {
                    what: what.into(),
                    reason: format!(
                        "the next page is on another origin (`{}`); not following it",
                        http::redact::url(n, Some(&self.base))
                    ),
                });
            }
            let body = self.body(resp, what).await?;
            let page: Vec<T> =
                serde_json::from_slice(&body).map_err(|e| GithubError::Protocol {
                    what: what.into(),
                    reason: e.to_string(),
                })?;
            out.extend(page);
        }
        Ok(out)
    }

    /// The token's user and, for a classic token, its scopes (`X-OAuth-Scopes`; `None` for a
    /// fine-grained token or `GITHUB_TOKEN`, which do not send it).
    pub async fn whoami(&self) -> Result<(String, Option<Vec<String>>)> {
        let resp = self
            .request(Method::GET, self.url("user")?, "the token's user")
            .await?;
        let scopes = resp
            .headers()
            .get("x-oauth-scopes")
            .and_then(|v| v.to_str().ok())
            .map(|s| {
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            });
        let body = self.body(resp, "the token's user").await?;
        let me: Me = serde_json::from_slice(&body).map_err(|e| GithubError::Protocol {
            what: "the token's user".into(),
            reason: e.to_string(),
        })?;
        Ok((me.login, scopes))
    }

    /// Whether `name` is an organization (`GET /users/NAME`'s `type`), for the URLs of its
    /// packages' pages, which differ for users and organizations.
    pub async fn is_organization(&self, name: &str) -> Result<bool> {
        #[derive(Deserialize)]
        struct Account {
            #[serde(rename = "type", default)]
            kind: String,
        }
        let what = format!("the account `{name}`");
        let resp = self
            .request(
                Method::GET,
                self.url(&format!("users/{}", encode(name)))?,
                &what,
            )
            .await?;
        let body = self.body(resp, &what).await?;
        let account: Account =
            serde_json::from_slice(&body).map_err(|e| GithubError::Protocol {
                what,
                reason: e.to_string(),
            })?;
        Ok(account.kind == "Organization")
    }

    pub async fn packages(&self, owner: &Owner) -> Result<Vec<Package>> {
        self.list(
            &format!("{}/packages?package_type=container", owner.prefix()),
            "the package list",
        )
        .await
    }

    pub async fn versions(&self, owner: &Owner, package: &str) -> Result<Vec<Version>> {
        self.list(
            &format!(
                "{}/packages/container/{}/versions",
                owner.prefix(),
                encode(package)
            ),
            &format!("the versions of package `{package}`"),
        )
        .await
    }

    /// The versions of a package, with the owner that answered: GitHub has one path for
    /// organizations and one for users, and a name that is not an organization's (404) is
    /// tried as a user's. Whatever is sent about the package next goes to the same path.
    pub async fn versions_resolving(
        &self,
        owner: &Owner,
        package: &str,
    ) -> Result<(Owner, Vec<Version>)> {
        match (self.versions(owner, package).await, owner) {
            (Err(GithubError::NotFound { .. }), Owner::Org(name)) => {
                let user = Owner::User(name.clone());
                let versions = self.versions(&user, package).await?;
                Ok((user, versions))
            }
            (answer, _) => answer.map(|v| (owner.clone(), v)),
        }
    }
}

/// The `url=` of `X-GitHub-SSO: required; url=https://github.com/orgs/ORG/sso?…`.
fn sso_url(header: &str) -> Option<String> {
    header
        .split(';')
        .find_map(|p| p.trim().strip_prefix("url="))
        .map(|u| u.trim().trim_matches('"').to_string())
        .filter(|u| u.starts_with("https://"))
}

/// A package name in a URL path: `team/app` is `team%2Fapp`.
fn encode(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes()).collect()
}

fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

impl crate::kind::Kind for GithubError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            GithubError::NotFound { .. } => ErrorKind::NotFound,
            GithubError::Unauthorized { .. }
            | GithubError::Forbidden { .. }
            | GithubError::SsoRequired { .. } => ErrorKind::Auth,
            GithubError::Insecure(_) => ErrorKind::Usage,
            GithubError::Refused { .. } | GithubError::Http(_) | GithubError::Protocol { .. } => {
                ErrorKind::Other
            }
        }
    }
}

/// The `message` of a GitHub error answer (its JSON body), at most 300 characters; empty when
/// there is none.
async fn error_message(resp: http::Response, what: &str) -> String {
    let body = http::read_capped(resp, 1024 * 1024, what)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_with_slashes_are_encoded() {
        assert_eq!(encode("team/app"), "team%2Fapp");
        assert_eq!(encode("app"), "app");
    }

    #[test]
    fn sso_header_gives_the_authorization_url() {
        assert_eq!(
            sso_url("required; url=https://github.com/orgs/acme/sso?authorization_request=A1")
                .as_deref(),
            Some("https://github.com/orgs/acme/sso?authorization_request=A1")
        );
        assert_eq!(sso_url("required"), None);
        assert_eq!(sso_url("required; url=http://evil.example/"), None);
    }

    #[test]
    fn plain_http_only_on_loopback() {
        let o = http::Options::default();
        assert!(Github::new("http://127.0.0.1:1", Secret::new("x"), &o).is_ok());
        assert!(matches!(
            Github::new("http://api.example.com", Secret::new("x"), &o),
            Err(GithubError::Insecure(_))
        ));
    }
}
