//! The Docker Engine API on a unix socket (Docker's own, or Podman's compatible service), for
//! what ghcr-cli reads from an engine without the `docker` binary: whether one answers, the
//! names of its images, and `docker save`'s archive as a stream. It uses the one HTTP layer
//! and never prints; what an engine said becomes an [`EngineError`] the command layer words.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use thiserror::Error;
use url::Url;

use crate::http::{self, HttpError, Method, Response, StatusCode};

/// Where Docker listens when `DOCKER_HOST` says nothing.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// The URL's host is never resolved (every request goes to the socket); Docker's own client
/// names it the same way.
const BASE: &str = "http://localhost";
/// An image list or an error message is small; a larger answer is not one.
const MAX_BODY: u64 = 16 * 1024 * 1024;
/// Chunks of the archive in flight between the socket and the reader: the archive is never
/// held in memory, only this many pieces of it.
const CHANNEL_CHUNKS: usize = 16;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("the Docker engine is not reachable at `{}`: {reason}", socket.display())]
    Unreachable {
        socket: PathBuf,
        reason: String,
        /// The socket is there but this user may not open it (not in the `docker` group).
        denied: bool,
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
}

impl crate::kind::Kind for EngineError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            EngineError::NotFound(_) => ErrorKind::NotFound,
            EngineError::BadName(_) => ErrorKind::Usage,
            EngineError::Refused { status: 400, .. } => ErrorKind::Usage,
            _ => ErrorKind::Other,
        }
    }
}

type Result<T, E = EngineError> = std::result::Result<T, E>;

/// A Docker engine on a unix socket; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    http: http::Client,
    socket: PathBuf,
    /// How long [`Engine::ping`] waits: a socket whose owner hung still accepts connections
    /// (the kernel queues them), and the client has no read timeout (see
    /// [`http::Client::unix_socket`]).
    ping_timeout: Duration,
}

impl Engine {
    /// A client for the engine at `socket`. Nothing is sent yet: [`Engine::ping`] finds out
    /// whether one answers.
    pub fn new(socket: &Path, options: &http::Options) -> Result<Self> {
        let http =
            http::Client::unix_socket(socket, options).map_err(|e| unreachable(socket, &e))?;
        Ok(Engine {
            http,
            socket: socket.to_path_buf(),
            ping_timeout: options.read_timeout.unwrap_or(http::DEFAULT_READ_TIMEOUT),
        })
    }

    /// `GET /_ping`: any failure to get an answer means there is no engine to talk to.
    pub async fn ping(&self) -> Result<()> {
        let answer = tokio::time::timeout(self.ping_timeout, self.get("/_ping", "the ping"))
            .await
            .map_err(|_| EngineError::Unreachable {
                socket: self.socket.clone(),
                reason: format!(
                    "it accepts connections but did not answer within {}s",
                    self.ping_timeout.as_secs_f64()
                ),
                denied: false,
            })?;
        let resp = answer.map_err(|e| match e {
            EngineError::Broken { source, .. } => unreachable(&self.socket, &source),
            e => e,
        })?;
        check(resp, "the ping", None).await.map(drop)
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
        let resp = check(self.get("/images/json", what).await?, what, None).await?;
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
        let resp = self.get(&format!("/images/{name}/json"), &what).await?;
        check(resp, &what, Some(name)).await.map(drop)
    }

    /// `docker save NAMES…` as a stream: `GET /images/{name}/get` for one image,
    /// `GET /images/get?names=…` for several.
    pub async fn save(&self, names: &[String]) -> Result<SaveStream> {
        for n in names {
            check_name(n)?;
        }
        let (path, missing) = match names {
            [one] => (format!("/images/{one}/get"), Some(one.as_str())),
            _ => {
                let mut query = url::form_urlencoded::Serializer::new(String::new());
                for n in names {
                    query.append_pair("names", n);
                }
                (format!("/images/get?{}", query.finish()), None)
            }
        };
        let what = format!("the archive of {}", names.join(", "));
        let resp = check(self.get(&path, &what).await?, &what, missing).await?;
        Ok(SaveStream { resp, what })
    }

    async fn get(&self, path: &str, what: &str) -> Result<Response> {
        let url = Url::parse(&format!("{BASE}{path}")).map_err(|e| protocol(what, e))?;
        self.http
            .execute(self.http.request(Method::GET, url), None)
            .await
            .map_err(|source| EngineError::Broken {
                what: what.to_string(),
                source,
            })
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

/// A failure to reach the socket, in the system's words (the innermost cause).
fn unreachable(socket: &Path, e: &HttpError) -> EngineError {
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
    EngineError::Unreachable {
        socket: socket.to_path_buf(),
        reason,
        denied,
    }
}

fn protocol(what: &str, e: impl std::fmt::Display) -> EngineError {
    EngineError::Protocol {
        what: what.to_string(),
        reason: e.to_string(),
    }
}

/// The body of a `docker save`, not read yet.
pub struct SaveStream {
    resp: Response,
    what: String,
}

impl SaveStream {
    /// The archive as a blocking [`Read`], for code that reads synchronously on a blocking
    /// thread (`tokio::task::spawn_blocking`): a task copies the body into a bounded channel
    /// as the reader takes it, so the archive is never held whole. A connection that breaks
    /// fails the read, and the reason is kept in the returned [`Pump`]: a tar reader would
    /// only call it a truncated archive.
    pub fn into_reader(self) -> (ArchiveReader, Pump) {
        let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(CHANNEL_CHUNKS);
        let failed: Arc<Mutex<Option<EngineError>>> = Arc::default();
        let slot = failed.clone();
        let SaveStream { mut resp, what } = self;
        let task = tokio::spawn(async move {
            loop {
                let item = match http::next_chunk(&mut resp, &what).await {
                    Ok(Some(chunk)) => Ok(chunk),
                    Ok(None) => return,
                    Err(source) => {
                        let message = format!("{source}");
                        // Kept before the reader hears of it, so whoever sees the read fail
                        // finds the reason.
                        if let Ok(mut s) = slot.lock() {
                            *s = Some(EngineError::Broken {
                                what: what.clone(),
                                source,
                            });
                        }
                        Err(io::Error::other(message))
                    }
                };
                let stop = item.is_err();
                // The reader is gone (the archive was refused, or read to its end): stop.
                if tx.send(item).await.is_err() || stop {
                    return;
                }
            }
        });
        (
            ArchiveReader {
                rx,
                current: Bytes::new(),
            },
            Pump { task, failed },
        )
    }
}

/// The task behind an [`ArchiveReader`].
pub struct Pump {
    task: tokio::task::JoinHandle<()>,
    failed: Arc<Mutex<Option<EngineError>>>,
}

impl Pump {
    /// Stops reading from the engine and says why the stream broke, if it did.
    pub fn finish(self) -> Option<EngineError> {
        self.task.abort();
        self.failed.lock().ok().and_then(|mut f| f.take())
    }
}

/// `docker save`'s archive as it arrives (see [`SaveStream::into_reader`]).
pub struct ArchiveReader {
    rx: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for ArchiveReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
