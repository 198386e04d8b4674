//! The Docker Engine API (Docker's own, or Podman's compatible service), on a unix socket or
//! over `tcp://` with Docker's TLS files, for what ghcr-cli reads from an engine without the
//! `docker` binary: whether one answers, the names of its images, and `docker save`'s archive
//! as a stream. It uses the one HTTP layer and never prints; what an engine said becomes an
//! [`EngineError`] the command layer words. Where the engine is: [`endpoint`].

mod archive;
pub mod endpoint;

use std::io;
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;
use url::Url;

use crate::http::{self, HttpError, Method, Response, StatusCode};
use crate::oci::manifest::Platform;

pub use archive::SaveStream;
pub use endpoint::{Endpoint, EngineEnv, Source};

/// On a unix socket the URL's host is never resolved (every request goes to the socket);
/// Docker's own client names it the same way.
const SOCKET_BASE: &str = "http://localhost";
/// How long the archive may pause between two pieces before the engine counts as stalled,
/// unless `read_timeout` is configured: an engine writes steadily once it has begun.
const SAVE_IDLE: Duration = Duration::from_secs(60);
/// An image list or an error message is small; a larger answer is not one.
const MAX_BODY: u64 = 16 * 1024 * 1024;
/// Chunks of the archive in flight between the socket and the reader: the archive is never
/// held in memory, only this many pieces of it.
const CHANNEL_CHUNKS: usize = 16;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("the Docker engine is not reachable at `{at}`{via}: {reason}")]
    Unreachable {
        at: String,
        /// Where the address came from when it was not `DOCKER_HOST` or the default.
        via: String,
        reason: String,
        /// The socket is there but this user may not open it (not in the `docker` group).
        denied: bool,
        /// The TLS handshake failed: a certificate (the engine's or ours) was refused.
        tls: bool,
    },
    #[error("no image `{0}` in the Docker engine")]
    NotFound(String),
    #[error("the Docker engine refused {what} ({status}){detail}")]
    Refused {
        what: String,
        status: u16,
        detail: String,
    },
    #[error("the Docker engine's answer to {what} is unexpected: {reason}")]
    Protocol { what: String, reason: String },
    #[error("the connection to the Docker engine broke while reading {what}")]
    Broken {
        what: String,
        #[source]
        source: HttpError,
    },
    #[error("`{0}` is not an image name or ID")]
    BadName(String),
    #[error(
        "the Docker engine's address `{0}` is not one ghcr-cli reads (it reads `unix://PATH` and `tcp://HOST:PORT`)"
    )]
    Unsupported(String),
    #[error("the Docker context `{name}` cannot be used: {reason}")]
    Context { name: String, reason: String },
    #[error("cannot read Docker's configuration {0}")]
    Config(String),
    #[error("TLS to the Docker engine: {0}")]
    Tls(String),
    #[error("the Docker engine sent nothing for {}s while sending {what}", idle.as_secs_f64())]
    Stalled { what: String, idle: Duration },
}

impl crate::kind::Kind for EngineError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            EngineError::NotFound(_) => ErrorKind::NotFound,
            EngineError::BadName(_) | EngineError::Unsupported(_) => ErrorKind::Usage,
            EngineError::Context { .. } | EngineError::Tls(_) => ErrorKind::Usage,
            EngineError::Refused { status: 400, .. } => ErrorKind::Usage,
            _ => ErrorKind::Other,
        }
    }
}

type Result<T, E = EngineError> = std::result::Result<T, E>;

/// A Docker engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    http: http::Client,
    /// Where it is, and where that came from, for messages.
    at: String,
    via: String,
    /// What request paths are appended to (no trailing slash).
    base: String,
    /// How long [`Engine::ping`] waits: a socket whose owner hung still accepts connections
    /// (the kernel queues them), and the client has no read timeout (see
    /// [`http::Client::unix_socket`]).
    ping_timeout: Duration,
    /// How long the archive may pause (see [`SAVE_IDLE`]).
    save_idle: Duration,
}

impl Engine {
    /// A client for the engine at `endpoint`. Nothing is sent yet: [`Engine::ping`] finds
    /// out whether one answers.
    pub fn new(endpoint: &Endpoint, source: &Source, options: &http::Options) -> Result<Self> {
        let at = endpoint.to_string();
        let via = match source {
            Source::Context(_) => format!(" ({source})"),
            Source::DockerHost | Source::Default => String::new(),
        };
        let (http, base) = match endpoint {
            Endpoint::Unix(socket) => (
                http::Client::unix_socket(socket, options),
                SOCKET_BASE.to_string(),
            ),
            Endpoint::Tcp { base, tls } => {
                let tls = tls.as_ref().map(|t| http::ServiceTls {
                    ca_file: t.ca.clone(),
                    identity: t.identity.clone(),
                    verify: t.verify,
                });
                let base = base.as_str().trim_end_matches('/').to_string();
                (http::Client::service(tls.as_ref(), options), base)
            }
        };
        let http = http.map_err(|e| match e {
            HttpError::Setup(reason) => EngineError::Tls(reason),
            e => unreachable(&at, &via, &e),
        })?;
        Ok(Engine {
            http,
            at,
            via,
            base,
            ping_timeout: options.read_timeout.unwrap_or(http::DEFAULT_READ_TIMEOUT),
            save_idle: options.read_timeout.unwrap_or(SAVE_IDLE),
        })
    }

    /// `GET /_ping`: any failure to get an answer means there is no engine to talk to. The
    /// answer's `Api-Version` says what the engine understands.
    pub async fn ping(&self) -> Result<Option<ApiVersion>> {
        let answer = self
            .bounded(
                self.get("/_ping", "the ping"),
                "it accepts connections but did not answer",
            )
            .await;
        let resp = answer.map_err(|e| match e {
            EngineError::Broken { source, .. } => unreachable(&self.at, &self.via, &source),
            e => e,
        })?;
        let resp = check(resp, "the ping", None).await?;
        Ok(resp
            .headers()
            .get("api-version")
            .and_then(|v| v.to_str().ok())
            .and_then(ApiVersion::parse))
    }

    /// The engine's image names (`GET /images/json`, every `RepoTags` entry), as the engine
    /// writes them: `app:1.0` from Docker, `docker.io/library/app:1.0` from Podman. Untagged
    /// images (`<none>:<none>`) are left out.
    pub async fn images(&self) -> Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Summary {
            #[serde(rename = "RepoTags", default)]
            repo_tags: Option<Vec<String>>,
        }
        let what = "the image list";
        let resp = check(
            self.quick(self.get("/images/json", what)).await?,
            what,
            None,
        )
        .await?;
        let body = http::read_capped(resp, MAX_BODY, what)
            .await
            .map_err(|e| protocol(what, e))?;
        let list: Vec<Summary> = serde_json::from_slice(&body).map_err(|e| protocol(what, e))?;
        Ok(list
            .into_iter()
            .flat_map(|s| s.repo_tags.unwrap_or_default())
            .filter(|t| !t.starts_with("<none>"))
            .collect())
    }

    /// Whether the engine has `name` (`GET /images/{name}/json`): `NotFound` naming it when
    /// it has not.
    pub async fn inspect(&self, name: &str) -> Result<()> {
        check_name(name)?;
        let what = format!("the image `{name}`");
        let resp = self
            .quick(self.get(&format!("/images/{name}/json"), &what))
            .await?;
        check(resp, &what, Some(name)).await.map(drop)
    }

    /// `docker save NAMES…` as a stream: `GET /images/{name}/get` for one image,
    /// `GET /images/get?names=…` for several. With `platform`, an engine of API 1.48 or later
    /// (Docker 28) is asked for that platform only (`docker save --platform`); an older one
    /// sends what it has, for the caller to choose from.
    pub async fn save(
        &self,
        names: &[String],
        platform: Option<&Platform>,
        version: Option<ApiVersion>,
    ) -> Result<SaveStream> {
        for n in names {
            check_name(n)?;
        }
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let (path, missing) = match names {
            [one] => (format!("/images/{one}/get"), Some(one.as_str())),
            _ => {
                for n in names {
                    query.append_pair("names", n);
                }
                ("/images/get".to_string(), None)
            }
        };
        if let Some(p) = platform.filter(|_| version >= Some(SAVE_PLATFORM)) {
            let json = serde_json::to_string(p).map_err(|e| protocol("the platform", e))?;
            query.append_pair("platform", &json);
        }
        let query = query.finish();
        let path = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        let what = format!("the archive of {}", names.join(", "));
        let resp = check(self.get(&path, &what).await?, &what, missing).await?;
        Ok(SaveStream::new(resp, what, self.save_idle))
    }

    /// A request that should be answered at once (a ping, a list, an inspect): bounded by the
    /// read timeout, since the client has none of its own (a remote engine whose network
    /// went away would otherwise be waited for forever).
    async fn quick(&self, request: impl Future<Output = Result<Response>>) -> Result<Response> {
        self.bounded(request, "it did not answer").await
    }

    /// `request`, given up on after the ping's timeout: the engine is then unreachable,
    /// `silent` saying how (`it did not answer`), with the time waited.
    async fn bounded(
        &self,
        request: impl Future<Output = Result<Response>>,
        silent: &str,
    ) -> Result<Response> {
        tokio::time::timeout(self.ping_timeout, request)
            .await
            .map_err(|_| EngineError::Unreachable {
                at: self.at.clone(),
                via: self.via.clone(),
                reason: format!("{silent} within {}s", self.ping_timeout.as_secs_f64()),
                denied: false,
                tls: false,
            })?
    }

    async fn get(&self, path: &str, what: &str) -> Result<Response> {
        let url = Url::parse(&format!("{}{path}", self.base)).map_err(|e| protocol(what, e))?;
        self.http
            .execute(self.http.request(Method::GET, url), None)
            .await
            .map_err(|source| EngineError::Broken {
                what: what.to_string(),
                source,
            })
    }
}

/// An engine's API version, `1.48` (`/_ping`'s `Api-Version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion(pub u32, pub u32);

/// The first API whose `docker save` takes a platform (Docker 28).
pub const SAVE_PLATFORM: ApiVersion = ApiVersion(1, 48);

impl ApiVersion {
    fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.trim().split_once('.')?;
        Some(ApiVersion(major.parse().ok()?, minor.parse().ok()?))
    }
}

/// An answer that is not a success becomes an error: 404 names the image `missing` (when the
/// request was about one), anything else carries the engine's own `message`.
async fn check(resp: Response, what: &str, missing: Option<&str>) -> Result<Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    if status == StatusCode::NOT_FOUND
        && let Some(name) = missing
    {
        return Err(EngineError::NotFound(name.to_string()));
    }
    let body = http::read_capped(resp, MAX_BODY, what)
        .await
        .unwrap_or_default();
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    let detail = serde_json::from_slice::<Message>(&body)
        .map(|m| format!(": {}", m.message))
        .unwrap_or_default();
    Err(EngineError::Refused {
        what: what.to_string(),
        status: status.as_u16(),
        detail,
    })
}

/// A name goes into the request's path as it is, slashes and all (the engine's router takes
/// the rest of the path as the name), so it must hold nothing a URL gives meaning to.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && !name.starts_with(['/', '.'])
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/:@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(EngineError::BadName(name.to_string()))
    }
}

/// A failure to reach the engine, in the system's words (the innermost cause).
fn unreachable(at: &str, via: &str, e: &HttpError) -> EngineError {
    let mut root: &(dyn std::error::Error + 'static) = e;
    let mut denied = false;
    while let Some(next) = root.source() {
        if let Some(io) = next.downcast_ref::<io::Error>() {
            denied |= io.kind() == io::ErrorKind::PermissionDenied;
        }
        root = next;
    }
    let reason = match e {
        HttpError::Setup(reason) => reason.clone(),
        _ => root.to_string(),
    };
    // rustls words a refused certificate as an alert or a certificate error, on either side.
    let tls = matches!(e, HttpError::Certificate { .. })
        || ["alert", "certificate"]
            .iter()
            .any(|w| reason.to_ascii_lowercase().contains(w));
    EngineError::Unreachable {
        at: at.to_string(),
        via: via.to_string(),
        reason,
        denied,
        tls,
    }
}

fn protocol(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::Protocol {
        what: what.to_string(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_parse_and_order() {
        assert_eq!(ApiVersion::parse("1.48"), Some(ApiVersion(1, 48)));
        assert_eq!(ApiVersion::parse(" 1.41 "), Some(ApiVersion(1, 41)));
        assert!(ApiVersion::parse("1.41") < Some(SAVE_PLATFORM));
        assert!(ApiVersion(1, 50) > SAVE_PLATFORM);
        assert!(ApiVersion(2, 0) > SAVE_PLATFORM);
        for bad in ["", "1", "one.two", "1.x"] {
            assert_eq!(ApiVersion::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_that_would_change_the_request_are_refused() {
        for ok in [
            "app",
            "app:1.0",
            "o/app:1.0",
            "ghcr.io/o/app:1.0",
            "127.0.0.1:5000/app:1",
            "app@sha256:0123abcd",
            "3feb915799ab",
        ] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "app?x=1",
            "app#x",
            "../containers/json",
            "/app",
            "a/../b",
            "app 1",
            "app%2F",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
