//! Where the Docker engine is, found the way the docker CLI finds it: `DOCKER_HOST` (with
//! `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and `DOCKER_CERT_PATH` for `tcp://`), else the context
//! that `DOCKER_CONTEXT` or config.json's `currentContext` names (Docker Desktop, rootless
//! Docker and remote engines are set up that way), else `/var/run/docker.sock`. It reads
//! files but never the environment: settings.rs hands the variables in.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use url::Url;

use super::EngineError;

/// Where Docker listens when nothing says otherwise.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// Docker's ports for `tcp://HOST` without one.
const PLAIN_PORT: u16 = 2375;
const TLS_PORT: u16 = 2376;

/// The variables the docker CLI reads to find its engine, as settings.rs read them.
#[derive(Debug, Clone, Default)]
pub struct EngineEnv {
    /// `DOCKER_HOST`
    pub host: Option<String>,
    /// `DOCKER_CONTEXT`
    pub context: Option<String>,
    /// `DOCKER_TLS_VERIFY` is set and not empty: TLS, checking the engine's certificate.
    pub tls_verify: bool,
    /// `DOCKER_TLS` is set and not empty: TLS without checking it (Docker's `--tls`).
    pub tls: bool,
    /// `DOCKER_CERT_PATH` [default: Docker's config directory]
    pub cert_path: Option<PathBuf>,
    /// `DOCKER_CONFIG`, else `~/.docker`: config.json and contexts/ are there.
    pub config_dir: Option<PathBuf>,
}

/// An engine's address and how to speak to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    /// `tcp://HOST:PORT`, as an `http://` or `https://` base URL.
    Tcp {
        base: Url,
        tls: Option<Tls>,
    },
}

/// TLS to an engine: Docker's `ca.pem`, `cert.pem` and `key.pem` (each used when present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub ca: Option<PathBuf>,
    /// The client certificate and its key, which a TLS engine usually requires.
    pub identity: Option<(PathBuf, PathBuf)>,
    pub verify: bool,
}

/// Where an [`Endpoint`] came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    DockerHost,
    Context(String),
    Default,
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(p) => write!(f, "{}", p.display()),
            Endpoint::Tcp { base, .. } => {
                let host = base.host_str().unwrap_or_default();
                match base.port() {
                    Some(port) => write!(f, "tcp://{host}:{port}"),
                    None => write!(f, "tcp://{host}"),
                }
            }
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::DockerHost => f.write_str("DOCKER_HOST"),
            Source::Context(name) => write!(f, "the Docker context `{name}`"),
            Source::Default => f.write_str("Docker's default socket"),
        }
    }
}

/// The engine `env` points at, in the docker CLI's order: `DOCKER_HOST` wins over
/// `DOCKER_CONTEXT`, which wins over config.json's `currentContext`; the context `default` is
/// `DOCKER_HOST` or the default socket.
pub fn locate(env: &EngineEnv) -> Result<(Endpoint, Source), EngineError> {
    if let Some(host) = env.host.as_deref().filter(|h| !h.is_empty()) {
        // TLS settings mean something for tcp:// only (a unix socket ignores them, as Docker).
        let tls = if (env.tls_verify || env.tls) && host.starts_with("tcp://") {
            let dir = env.cert_path.clone().or_else(|| env.config_dir.clone());
            Some(tls_files(
                dir.as_deref(),
                env.tls_verify,
                "DOCKER_CERT_PATH",
            )?)
        } else {
            None
        };
        return Ok((parse_host(host, tls)?, Source::DockerHost));
    }
    let name = match env.context.clone().filter(|c| !c.is_empty()) {
        Some(name) => Some(name),
        None => current_context(env.config_dir.as_deref())?,
    };
    match name {
        Some(name) if name != "default" => {
            let endpoint = context(env.config_dir.as_deref(), &name)?;
            Ok((endpoint, Source::Context(name)))
        }
        _ => Ok((
            Endpoint::Unix(PathBuf::from(DEFAULT_SOCKET)),
            Source::Default,
        )),
    }
}

/// `unix://PATH` or `tcp://HOST[:PORT]`; anything else (`ssh://`, `npipe://`, `fd://`) is
/// refused by name.
fn parse_host(host: &str, tls: Option<Tls>) -> Result<Endpoint, EngineError> {
    if let Some(path) = host.strip_prefix("unix://") {
        if path.is_empty() {
            return Err(EngineError::Unsupported(host.to_string()));
        }
        return Ok(Endpoint::Unix(PathBuf::from(path)));
    }
    let Some(rest) = host.strip_prefix("tcp://") else {
        return Err(EngineError::Unsupported(host.to_string()));
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Only the authority counts: Docker ignores a path after it.
    let authority = rest.split('/').next().unwrap_or_default();
    let mut base = Url::parse(&format!("{scheme}://{authority}/"))
        .ok()
        .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
        .ok_or_else(|| EngineError::Unsupported(host.to_string()))?;
    if base.port().is_none() {
        let port = if tls.is_some() { TLS_PORT } else { PLAIN_PORT };
        base.set_port(Some(port))
            .map_err(|()| EngineError::Unsupported(host.to_string()))?;
    }
    Ok(Endpoint::Tcp { base, tls })
}

/// Docker's three files in `dir`, each used when it is there; checking the engine needs the CA.
fn tls_files(dir: Option<&Path>, verify: bool, named_by: &str) -> Result<Tls, EngineError> {
    let present = |file: &str| dir.map(|d| d.join(file)).filter(|p| p.is_file());
    let ca = present("ca.pem");
    if verify && ca.is_none() {
        let looked = dir.map(|d| d.join("ca.pem").display().to_string());
        return Err(EngineError::Tls(format!(
            "the engine's certificate cannot be checked without a CA: no `{}` ({named_by})",
            looked.unwrap_or_else(|| "ca.pem".into())
        )));
    }
    let identity = present("cert.pem").zip(present("key.pem"));
    Ok(Tls {
        ca,
        identity,
        verify,
    })
}

/// config.json's `currentContext`, if it names one.
fn current_context(config_dir: Option<&Path>) -> Result<Option<String>, EngineError> {
    let Some(path) = config_dir.map(|d| d.join("config.json")) else {
        return Ok(None);
    };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(EngineError::Config(format!("`{}`: {e}", path.display()))),
    };
    let json: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| EngineError::Config(format!("`{}` is not JSON: {e}", path.display())))?;
    Ok(json
        .get("currentContext")
        .and_then(|c| c.as_str())
        .filter(|c| !c.is_empty())
        .map(str::to_string))
}

/// The engine of the context `name`: its `docker` endpoint in
/// `contexts/meta/<sha256 of the name>/meta.json`, with TLS files (when it has any) in
/// `contexts/tls/<same>/docker/`.
fn context(config_dir: Option<&Path>, name: &str) -> Result<Endpoint, EngineError> {
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(rename = "Endpoints", default)]
        endpoints: std::collections::HashMap<String, DockerEndpoint>,
    }
    #[derive(serde::Deserialize)]
    struct DockerEndpoint {
        #[serde(rename = "Host", default)]
        host: Option<String>,
        #[serde(rename = "SkipTLSVerify", default)]
        skip_tls_verify: bool,
    }
    let failed = |reason: String| EngineError::Context {
        name: name.to_string(),
        reason,
    };
    let dir = config_dir.ok_or_else(|| failed("Docker's config directory is unknown".into()))?;
    let id = format!("{:x}", Sha256::digest(name.as_bytes()));
    let path = dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let text = std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            failed(format!("it does not exist (no `{}`)", path.display()))
        }
        _ => failed(format!("`{}`: {e}", path.display())),
    })?;
    let meta: Meta = serde_json::from_slice(&text)
        .map_err(|e| failed(format!("`{}` is not a context: {e}", path.display())))?;
    let docker = meta
        .endpoints
        .get("docker")
        .ok_or_else(|| failed("it has no docker endpoint".into()))?;
    let host = docker.host.as_deref().unwrap_or_default();
    let tls_dir = dir.join("contexts").join("tls").join(&id).join("docker");
    let has_files = ["ca.pem", "cert.pem", "key.pem"]
        .iter()
        .any(|f| tls_dir.join(f).is_file());
    // Files, or SkipTLSVerify alone (`docker context create --docker
    // host=tcp://…,skip-tls-verify=true`): TLS, as the docker CLI speaks it to that engine.
    let tls = if has_files || docker.skip_tls_verify {
        let verify = !docker.skip_tls_verify;
        Some(tls_files(
            Some(&tls_dir),
            verify,
            "the context's TLS files",
        )?)
    } else {
        None
    };
    if host.is_empty() {
        return Err(failed("its docker endpoint names no host".into()));
    }
    parse_host(host, tls)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> EngineEnv {
        EngineEnv::default()
    }

    #[test]
    fn docker_host_forms_become_endpoints() {
        let unix = |h: &str| {
            parse_host(h, None).map(|e| match e {
                Endpoint::Unix(p) => p.display().to_string(),
                Endpoint::Tcp { base, .. } => base.to_string(),
            })
        };
        assert_eq!(
            unix("unix:///run/x.sock").ok().as_deref(),
            Some("/run/x.sock")
        );
        assert_eq!(
            unix("tcp://10.0.0.1").ok().as_deref(),
            Some("http://10.0.0.1:2375/")
        );
        assert_eq!(
            unix("tcp://127.0.0.1:9/ignored").ok().as_deref(),
            Some("http://127.0.0.1:9/")
        );
        let tls = Tls {
            ca: None,
            identity: None,
            verify: false,
        };
        let Ok(Endpoint::Tcp { base, .. }) = parse_host("tcp://[::1]", Some(tls)) else {
            panic!("tcp with tls")
        };
        assert_eq!(base.as_str(), "https://[::1]:2376/");
        for bad in [
            "unix://",
            "ssh://me@host",
            "npipe:////./pipe/docker",
            "tcp://",
            "/run/x",
        ] {
            assert!(
                matches!(parse_host(bad, None), Err(EngineError::Unsupported(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn docker_host_wins_over_contexts_and_default_is_the_socket() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"currentContext":"remote"}"#,
        )
        .expect("write");
        let mut e = env();
        e.config_dir = Some(dir.path().to_path_buf());
        e.host = Some("unix:///a.sock".into());
        e.context = Some("other".into());
        assert_eq!(
            locate(&e).ok(),
            Some((Endpoint::Unix("/a.sock".into()), Source::DockerHost))
        );
        e.host = None;
        e.context = Some("default".into());
        assert_eq!(
            locate(&e).ok(),
            Some((Endpoint::Unix(DEFAULT_SOCKET.into()), Source::Default))
        );
        // Neither variable: config.json's context, which does not exist here.
        e.context = None;
        match locate(&e) {
            Err(EngineError::Context { name, reason }) => {
                assert_eq!(name, "remote");
                assert!(reason.starts_with("it does not exist"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            locate(&env()).ok(),
            Some((Endpoint::Unix(DEFAULT_SOCKET.into()), Source::Default))
        );
    }

    #[test]
    fn a_context_is_found_by_the_hash_of_its_name_with_its_tls_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let name = "desk top";
        // The directory name is the hex SHA-256 of the name, as Docker writes it
        // (`printf 'desk top' | sha256sum`).
        let id = "b73493237f1bed24da45df59f484b72ddf4948aa789e3a7e1f4d26aae115bd14";
        let meta = dir.path().join("contexts/meta").join(id);
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"desk top","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://127.0.0.1:7","SkipTLSVerify":false}}}"#,
        )
        .expect("write");
        let mut e = env();
        e.config_dir = Some(dir.path().to_path_buf());
        e.context = Some(name.into());
        let (endpoint, source) = locate(&e).expect("context");
        assert_eq!(source, Source::Context(name.into()));
        assert_eq!(endpoint.to_string(), "tcp://127.0.0.1:7");
        assert!(matches!(endpoint, Endpoint::Tcp { tls: None, .. }));
        // With TLS files it is https, with the client certificate; checking needs the CA.
        let tls = dir.path().join("contexts/tls").join(id).join("docker");
        std::fs::create_dir_all(&tls).expect("mkdir");
        for f in ["cert.pem", "key.pem"] {
            std::fs::write(tls.join(f), "x").expect("write");
        }
        assert!(matches!(locate(&e), Err(EngineError::Tls(_))));
        std::fs::write(tls.join("ca.pem"), "x").expect("write");
        let Ok((Endpoint::Tcp { base, tls: Some(t) }, _)) = locate(&e) else {
            panic!("tls context")
        };
        assert_eq!(base.as_str(), "https://127.0.0.1:7/");
        assert_eq!(t.ca, Some(tls.join("ca.pem")));
        assert_eq!(
            t.identity,
            Some((tls.join("cert.pem"), tls.join("key.pem")))
        );
        assert!(t.verify);
    }

    #[test]
    fn tls_settings_are_for_tcp_only_and_skip_tls_verify_alone_means_tls() {
        let mut e = env();
        e.host = Some("unix:///run/docker.sock".into());
        e.tls_verify = true;
        e.cert_path = Some("/nonexistent".into());
        assert_eq!(
            locate(&e).ok(),
            Some((
                Endpoint::Unix("/run/docker.sock".into()),
                Source::DockerHost
            ))
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let id = "b73493237f1bed24da45df59f484b72ddf4948aa789e3a7e1f4d26aae115bd14";
        let meta = dir.path().join("contexts/meta").join(id);
        std::fs::create_dir_all(&meta).expect("mkdir");
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"desk top","Endpoints":{"docker":{"Host":"tcp://10.0.0.9:2376","SkipTLSVerify":true}}}"#,
        )
        .expect("write");
        let mut e = env();
        e.config_dir = Some(dir.path().to_path_buf());
        e.context = Some("desk top".into());
        let Ok((Endpoint::Tcp { base, tls: Some(t) }, _)) = locate(&e) else {
            panic!("skip-tls-verify context")
        };
        assert_eq!(base.as_str(), "https://10.0.0.9:2376/");
        assert!(!t.verify);
        assert_eq!((t.ca, t.identity), (None, None));
    }

    #[test]
    fn tls_verify_reads_docker_cert_path_and_needs_its_ca() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut e = env();
        e.host = Some("tcp://127.0.0.1:9".into());
        e.tls_verify = true;
        e.cert_path = Some(dir.path().to_path_buf());
        assert!(matches!(locate(&e), Err(EngineError::Tls(_))));
        std::fs::write(dir.path().join("ca.pem"), "x").expect("write");
        let Ok((Endpoint::Tcp { tls: Some(t), .. }, Source::DockerHost)) = locate(&e) else {
            panic!("tls")
        };
        // No client certificate in the directory: none is sent.
        assert_eq!(t.identity, None);
        // DOCKER_TLS alone: TLS, the certificate unchecked, no CA needed.
        std::fs::remove_file(dir.path().join("ca.pem")).expect("rm");
        e.tls_verify = false;
        e.tls = true;
        let Ok((Endpoint::Tcp { tls: Some(t), .. }, _)) = locate(&e) else {
            panic!("tls")
        };
        assert!(!t.verify);
        assert_eq!(t.ca, None);
    }
}
