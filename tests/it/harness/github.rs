//! A stand-in for the GitHub REST API's package endpoints (there is no GitHub here), served on
//! 127.0.0.1 with the documented shapes: `X-OAuth-Scopes` on `GET /user`, packages and
//! versions (`metadata.container.tags`) with `Link` pagination, version delete and restore,
//! and GitHub's refusals (SAML SSO, an Actions token listing an organization's packages),
//! `GET /users/NAME` (user or organization). It records every request: method, path and token.
//! Joined to a real registry (join.rs), a package's versions are the registry's manifests.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use super::serve::Serving;

pub mod join;

pub use join::{LAST_TAGGED, POPULAR, SECONDARY};

/// Versions per page: small, so pagination is exercised.
const PAGE: usize = 2;

/// The organization whose requests need a token authorized for its SAML single sign-on.
pub const SSO_ORG: &str = "sso-corp";
/// Where GitHub says to authorize a token for it (`X-GitHub-SSO: required; url=…`).
pub const SSO_URL: &str = "https://github.com/orgs/sso-corp/sso?authorization_request=A1B2C3";

#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
}

#[derive(Debug, Clone)]
pub struct FakeVersion {
    pub id: u64,
    pub digest: String,
    pub tags: Vec<String>,
    /// GitHub refuses to delete public versions with over 5,000 downloads.
    pub popular: bool,
}

struct State {
    /// (token, login, scopes)
    tokens: Vec<(String, String, String)>,
    /// (owner path: `user/alice` or `orgs/acme`, package, visibility)
    packages: Vec<(String, String, String)>,
    versions: Vec<(String, String, FakeVersion)>,
    deleted: BTreeSet<u64>,
    requests: Vec<ApiRequest>,
    join: Option<join::Join>,
}

pub struct GithubApi {
    pub addr: String,
    state: Arc<Mutex<State>>,
    _serving: Serving,
}

impl GithubApi {
    /// Tokens: `alicepw` (alice; repo, read/write/delete:packages), `bobpw` (bob;
    /// read:packages), `finegrained` (alice; no X-OAuth-Scopes). Packages: alice's `app`
    /// with `versions`, and the organization acme's `team/tool`.
    pub fn start(versions: Vec<FakeVersion>) -> Self {
        let state = Arc::new(Mutex::new(State {
            tokens: vec![
                (
                    "alicepw".into(),
                    "alice".into(),
                    "delete:packages, read:packages, repo, write:packages".into(),
                ),
                ("bobpw".into(), "bob".into(), "read:packages".into()),
                ("finegrained".into(), "alice".into(), String::new()),
                // An Actions GITHUB_TOKEN: an app installation token, no scopes header.
                (
                    "ghs_actions".into(),
                    "github-actions[bot]".into(),
                    String::new(),
                ),
            ],
            packages: vec![
                ("user/alice".into(), "app".into(), "private".into()),
                ("orgs/acme".into(), "team/tool".into(), "public".into()),
            ],
            versions: versions
                .into_iter()
                .map(|v| ("user/alice".to_string(), "app".to_string(), v))
                .chain(std::iter::once((
                    "orgs/acme".to_string(),
                    "team/tool".to_string(),
                    FakeVersion {
                        id: 900,
                        digest: format!("sha256:{}", "9".repeat(64)),
                        tags: vec!["v9".into()],
                        popular: false,
                    },
                )))
                .collect(),
            deleted: BTreeSet::new(),
            requests: Vec::new(),
            join: None,
        }));
        let st = state.clone();
        let serving = Serving::start_with_addr("GitHub API fixture", move |addr| {
            let base = format!("http://{addr}");
            move |conn| {
                let _ = serve(conn, &st, &base);
            }
        });
        GithubApi {
            addr: serving.addr.clone(),
            state,
            _serving: serving,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fixture joined to `registry` (token mode, `tokens` its token server): alice's
    /// package `app` is the registry's repository `alice/app`.
    pub fn joined(
        registry: &crate::harness::registry::Registry,
        tokens: &crate::harness::token::TokenServer,
    ) -> Self {
        let api = Self::start(Vec::new());
        if let Ok(mut s) = api.state.lock() {
            s.join = Some(join::Join {
                data: registry.dir.path().join("data"),
                repo: "alice/app".into(),
                owner: "user/alice".into(),
                package: "app".into(),
                registry: registry.addr.clone(),
                realm: tokens.realm(),
                ids: Default::default(),
                created: Default::default(),
                next_id: 1000,
                popular: Default::default(),
                limited: Default::default(),
                fail_after: None,
                exhausted: Default::default(),
                attempts: 0,
                deleted: 0,
            });
        }
        api
    }

    fn with_join<T>(&self, f: impl FnOnce(&mut join::Join) -> T) -> T {
        let mut s = self.state.lock().expect("lock");
        f(s.join.as_mut().expect("a joined fixture"))
    }

    /// Gives the version of `digest` its id and creation time (GitHub's `created_at`).
    pub fn set_version(&self, digest: &str, id: u64, created_at: &str) {
        self.with_join(|j| {
            j.ids.insert(digest.to_string(), id);
            j.created.insert(digest.to_string(), created_at.to_string());
        });
    }

    /// The id the joined fixture gives `digest`.
    pub fn id_of(&self, digest: &str) -> u64 {
        self.with_join(|j| j.id(digest))
    }

    /// The versions the joined fixture lists now: (id, digest, tags).
    pub fn joined_versions(&self) -> Vec<(u64, String, Vec<String>)> {
        self.with_join(|j| {
            j.versions()
                .into_iter()
                .map(|(i, d, t, _)| (i, d, t))
                .collect()
        })
    }

    /// GitHub refuses to delete `digest`: a public version downloaded over 5,000 times.
    pub fn make_popular(&self, digest: &str) {
        self.with_join(|j| j.popular.insert(digest.to_string()));
    }

    /// The `nth` DELETE attempt from now on (1-based) gets a secondary rate limit with
    /// `Retry-After: secs`.
    pub fn limit_delete(&self, nth: usize, secs: u64) {
        self.with_join(|j| j.limited.insert(j.attempts + nth, secs));
    }

    /// The `nth` successful delete from now on (1-based) uses up the primary rate limit
    /// (`x-ratelimit-remaining: 0`, `x-ratelimit-reset` a second later).
    pub fn exhaust_on_delete(&self, nth: usize) {
        self.with_join(|j| j.exhausted.insert(j.deleted + nth));
    }

    /// After `k` more successful deletes every DELETE fails with 502 (`None`: never).
    pub fn fail_deletes_after(&self, k: Option<usize>) {
        self.with_join(|j| j.fail_after = k.map(|k| k + j.deleted));
    }

    pub fn requests(&self) -> Vec<ApiRequest> {
        self.state
            .lock()
            .map(|s| s.requests.clone())
            .unwrap_or_default()
    }
}

fn respond(
    conn: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &str,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    conn.write_all(out.as_bytes())
}

fn message(m: &str) -> String {
    serde_json::json!({"message": m, "documentation_url": "https://docs.github.com/rest/packages/packages"}).to_string()
}

fn serve(conn: TcpStream, state: &Mutex<State>, base: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut token = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            token = v.trim().strip_prefix("Bearer ").map(str::to_string);
        }
    }
    let mut conn = conn;
    let mut guard = state.lock().map_err(|_| std::io::Error::other("lock"))?;
    let s = &mut *guard;
    s.requests.push(ApiRequest {
        method: method.clone(),
        path: target.clone(),
        token: token.clone(),
    });
    let Some((_, login, scopes)) = s
        .tokens
        .iter()
        .find(|(t, _, _)| Some(t) == token.as_ref())
        .cloned()
    else {
        return respond(&mut conn, 401, &[], &message("Bad credentials"));
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let page: usize = query
        .split('&')
        .find_map(|p| p.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let segs: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|x| x.replace("%2F", "/"))
        .collect();
    let owner_of = |segs: &[String]| -> Option<(String, usize)> {
        match segs.first().map(String::as_str) {
            Some("user") => Some((format!("user/{login}"), 1)),
            Some("orgs") | Some("users") => {
                let kind = if segs[0] == "orgs" { "orgs" } else { "user" };
                segs.get(1).map(|n| (format!("{kind}/{n}"), 2))
            }
            _ => None,
        }
    };
    if method == "GET" && path == "/user" {
        let mut h = Vec::new();
        if !scopes.is_empty() {
            h.push(("X-OAuth-Scopes".to_string(), scopes.clone()));
        }
        return respond(
            &mut conn,
            200,
            &h,
            &serde_json::json!({"login": login, "id": 1}).to_string(),
        );
    }
    // `GET /users/NAME`: whether an account is a user or an organization (acme is one).
    if let (Some("users"), Some(name), 2) =
        (segs.first().map(String::as_str), segs.get(1), segs.len())
        && method == "GET"
    {
        let kind = if name == "acme" || name == SSO_ORG {
            "Organization"
        } else {
            "User"
        };
        return respond(
            &mut conn,
            200,
            &[],
            &serde_json::json!({"login": name, "type": kind}).to_string(),
        );
    }
    // An organization with SAML single sign-on the tokens are not authorized for.
    if segs.first().map(String::as_str) == Some("orgs")
        && segs.get(1).map(String::as_str) == Some(SSO_ORG)
    {
        return respond(
            &mut conn,
            403,
            &[(
                "X-GitHub-SSO".to_string(),
                format!("required; url={SSO_URL}"),
            )],
            &message(
                "Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.",
            ),
        );
    }
    // GITHUB_TOKEN reaches its own repository's packages only.
    if token.as_deref().is_some_and(|t| t.starts_with("ghs_"))
        && segs.first().map(String::as_str) == Some("orgs")
    {
        return respond(
            &mut conn,
            403,
            &[],
            &message("Resource not accessible by integration"),
        );
    }
    let Some((owner, at)) = owner_of(&segs) else {
        return respond(&mut conn, 404, &[], &message("Not Found"));
    };
    let rest: Vec<&str> = segs[at..].iter().map(String::as_str).collect();
    match (method.as_str(), rest.as_slice()) {
        ("GET", ["packages"]) => {
            let list: Vec<_> = s.packages.iter().filter(|(o, _, _)| *o == owner).enumerate()
                .map(|(i, (o, name, vis))| serde_json::json!({"id": i + 1, "name": name, "package_type": "container",
                    "owner": {"login": o.rsplit('/').next().unwrap_or(o)},
                    "visibility": vis, "updated_at": "2026-11-01T00:00:00Z", "html_url": format!("https://github.com/{owner}/packages/{name}")}))
                .collect();
            respond(
                &mut conn,
                200,
                &[],
                &serde_json::Value::Array(list).to_string(),
            )
        }
        ("GET", ["packages", "container", name, "versions"]) => {
            let joined = s
                .join
                .as_ref()
                .is_some_and(|j| j.owner == owner && j.package == *name);
            let all: Vec<(u64, String, Vec<String>, String)> = match s.join.as_mut() {
                Some(j) if joined => j.versions(),
                _ => s
                    .versions
                    .iter()
                    .filter(|(o, p, v)| *o == owner && p == name && !s.deleted.contains(&v.id))
                    .map(|(_, _, v)| {
                        (
                            v.id,
                            v.digest.clone(),
                            v.tags.clone(),
                            "2026-11-02T00:00:00Z".to_string(),
                        )
                    })
                    .collect(),
            };
            if !s.packages.iter().any(|(o, p, _)| *o == owner && p == name) {
                return respond(&mut conn, 404, &[], &message("Package not found."));
            }
            let chunk: Vec<_> = all.iter().skip((page - 1) * PAGE).take(PAGE)
                .map(|(id, digest, tags, created)| serde_json::json!({"id": id, "name": digest, "created_at": created,
                    "updated_at": created, "metadata": {"package_type": "container", "container": {"tags": tags}}}))
                .collect();
            let mut h = Vec::new();
            if page * PAGE < all.len() {
                h.push((
                    "Link".to_string(),
                    format!(
                        "<{base}{path}?per_page=100&page={}>; rel=\"next\"",
                        page + 1
                    ),
                ));
            }
            respond(
                &mut conn,
                200,
                &h,
                &serde_json::Value::Array(chunk).to_string(),
            )
        }
        ("DELETE", ["packages", "container", name, "versions", id]) => {
            let id: u64 = id.parse().unwrap_or(0);
            if let Some(j) = s
                .join
                .as_mut()
                .filter(|j| j.owner == owner && j.package == *name)
            {
                if !scopes.contains("delete:packages") {
                    return respond(
                        &mut conn,
                        403,
                        &[],
                        &message("You need at least delete:packages scope to perform this action."),
                    );
                }
                let (status, headers, body) = j.delete(id);
                return respond(&mut conn, status, &headers, &body);
            }
            let Some(v) = s
                .versions
                .iter()
                .find(|(o, p, v)| *o == owner && p == name && v.id == id)
                .map(|(_, _, v)| v.clone())
            else {
                return respond(&mut conn, 404, &[], &message("Package version not found."));
            };
            if !scopes.contains("delete:packages") {
                return respond(
                    &mut conn,
                    403,
                    &[],
                    &message("You need at least delete:packages scope to perform this action."),
                );
            }
            if v.popular {
                return respond(
                    &mut conn,
                    400,
                    &[],
                    &message(
                        "Publicly visible package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.",
                    ),
                );
            }
            s.deleted.insert(id);
            respond(&mut conn, 204, &[], "")
        }
        ("POST", ["packages", "container", name, "versions", id, "restore"]) => {
            let id: u64 = id.parse().unwrap_or(0);
            if !s.packages.iter().any(|(o, p, _)| *o == owner && p == name) {
                return respond(&mut conn, 404, &[], &message("Package not found."));
            }
            if s.deleted.remove(&id) {
                respond(&mut conn, 204, &[], "")
            } else {
                respond(&mut conn, 404, &[], &message("Package version not found."))
            }
        }
        _ => respond(&mut conn, 404, &[], &message("Not Found")),
    }
}
