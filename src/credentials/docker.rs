//! Docker's client configuration (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`):
//! reading `credHelpers`/`credsStore` and running helpers with the documented stdin/stdout
//! protocol, reading plaintext `auths` (read-only), removing migrated `auths` entries
//! atomically, with no backup (a backup would keep the very secrets being moved). Setting
//! and removing a `credHelpers` entry is in `cred_helpers.rs`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use thiserror::Error;

use super::Secret;
use crate::oci::reference::DOCKER_HUB;

/// Docker Hub's key in `auths`, from the days of the v1 API.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

#[derive(Debug, Error)]
pub enum DockerError {
    #[error("cannot read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: {what} is not a JSON object; left as it is")]
    Shape { path: PathBuf, what: String },
    #[error("the credential helper `docker-credential-{helper}` failed: {reason}")]
    Helper { helper: String, reason: String },
}

/// One set of credentials found in `auths`.
pub struct AuthEntry {
    /// The key as written in config.json.
    pub key: String,
    /// The registry host it stands for.
    pub registry: String,
    pub username: String,
    pub secret: Secret,
}

pub struct DockerConfig {
    pub path: PathBuf,
    /// The whole file; `cred_helpers.rs` edits its `credHelpers`.
    pub(super) json: serde_json::Value,
}

/// The registry host an `auths` or `credHelpers` key stands for: scheme and path dropped,
/// Docker Hub's many names folded into `docker.io`.
pub fn key_host(key: &str) -> String {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = k.split('/').next().unwrap_or(k).to_lowercase();
    crate::oci::reference::canonical_registry(&host)
}

/// The server URL Docker uses for a registry in helper calls.
pub fn server_url(registry: &str) -> String {
    if registry == DOCKER_HUB {
        DOCKER_HUB_KEY.to_string()
    } else {
        registry.to_string()
    }
}

impl DockerConfig {
    /// Loads config.json from Docker's config directory (`$DOCKER_CONFIG`, else
    /// `~/.docker`, resolved by settings); `Ok(None)` when there is none.
    pub fn load(dir: Option<&Path>) -> Result<Option<Self>, DockerError> {
        let Some(dir) = dir else {
            return Ok(None);
        };
        Self::load_from(&dir.join("config.json"))
    }

    pub fn load_from(path: &Path) -> Result<Option<Self>, DockerError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(DockerError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let json = serde_json::from_slice(&bytes).map_err(|source| DockerError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Some(DockerConfig {
            path: path.to_path_buf(),
            json,
        }))
    }

    /// Loads config.json from `dir`, or an empty configuration to be written there
    /// (`Ok((config, false))`) when there is none yet.
    pub fn load_or_empty(dir: &Path) -> Result<(Self, bool), DockerError> {
        let path = dir.join("config.json");
        Ok(match Self::load_from(&path)? {
            Some(c) => (c, true),
            None => (
                DockerConfig {
                    path,
                    json: serde_json::json!({}),
                },
                false,
            ),
        })
    }

    /// The helper configured for `registry`: its `credHelpers` entry, else `credsStore`.
    pub fn helper_for(&self, registry: &str) -> Option<String> {
        let from_helpers = self
            .json
            .get("credHelpers")
            .and_then(|h| h.as_object())
            .and_then(|h| {
                h.iter()
                    .find(|(k, _)| key_host(k) == registry)
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            });
        from_helpers
            .or_else(|| {
                self.json
                    .get("credsStore")
                    .and_then(|s| s.as_str())
                    .map(str::to_string)
            })
            .filter(|h| !h.is_empty())
    }

    /// Every plaintext credential in `auths`.
    pub fn auths(&self) -> Vec<AuthEntry> {
        let Some(auths) = self.json.get("auths").and_then(|a| a.as_object()) else {
            return Vec::new();
        };
        auths
            .iter()
            .filter_map(|(key, v)| {
                let (username, secret) = decode_auth(v)?;
                Some(AuthEntry {
                    key: key.clone(),
                    registry: key_host(key),
                    username,
                    secret,
                })
            })
            .collect()
    }

    pub fn auth_for(&self, registry: &str) -> Option<AuthEntry> {
        self.auths().into_iter().find(|a| a.registry == registry)
    }

    /// Removes the `auths` entries with these keys and rewrites the file in one atomic step
    /// (through a symlink to its target, keeping its mode: see `fsutil`). No backup is kept:
    /// it would hold the secrets being moved out. Every other key is kept as it was.
    pub fn remove_auths(&mut self, keys: &[String]) -> Result<(), DockerError> {
        if let Some(auths) = self.json.get_mut("auths").and_then(|a| a.as_object_mut()) {
            for k in keys {
                auths.remove(k);
            }
        }
        self.save()
    }

    /// The `config.json.bak` earlier versions of ghcr-cli left beside config.json, holding
    /// every plaintext secret. Removes from it the entries whose credentials are `moved` (now
    /// in the keyring); returns its path when it changed.
    pub fn scrub_old_backup(&self, moved: &[AuthEntry]) -> Result<Option<PathBuf>, DockerError> {
        let path = self.path.with_extension("json.bak");
        let Some(mut backup) = Self::load_from(&path)? else {
            return Ok(None);
        };
        let stale: Vec<String> = backup
            .auths()
            .into_iter()
            .filter(|old| {
                moved
                    .iter()
                    .any(|m| m.username == old.username && m.secret.expose() == old.secret.expose())
            })
            .map(|old| old.key)
            .collect();
        if stale.is_empty() {
            return Ok(None);
        }
        backup.remove_auths(&stale)?;
        Ok(Some(path))
    }

    /// Writes the configuration back in one atomic step (through a symlink to its target):
    /// an existing file keeps its mode, a new one is created `0600`, as Docker creates it.
    pub fn save(&self) -> Result<(), DockerError> {
        let mut body = serde_json::to_vec_pretty(&self.json).map_err(|e| DockerError::Json {
            path: self.path.clone(),
            source: e,
        })?;
        body.push(b'\n');
        if let Some(dir) = self.path.parent() {
            // A new config directory is private, as Docker makes it.
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir).map_err(|source| DockerError::Write {
                path: self.path.clone(),
                source,
            })?;
        }
        crate::fsutil::write_file_new_mode(&self.path, &body, 0o600).map_err(|source| {
            DockerError::Write {
                path: self.path.clone(),
                source,
            }
        })
    }
}

/// `auth` is base64(`user:password`); `identitytoken` is an OAuth refresh token, which Docker
/// pairs with the user `<token>`.
fn decode_auth(v: &serde_json::Value) -> Option<(String, Secret)> {
    if let Some(token) = v
        .get("identitytoken")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
    {
        return Some(("<token>".to_string(), Secret::new(token)));
    }
    if let Some(auth) = v
        .get("auth")
        .and_then(|a| a.as_str())
        .filter(|a| !a.is_empty())
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (user, pass) = decoded.split_once(':')?;
        return Some((user.to_string(), Secret::new(pass)));
    }
    let user = v.get("username").and_then(|u| u.as_str())?;
    let pass = v.get("password").and_then(|p| p.as_str())?;
    Some((user.to_string(), Secret::new(pass)))
}

/// `docker-credential-HELPER get`, with the server URL on stdin (never in the arguments).
/// `Ok(None)` when the helper has no entry.
pub fn helper_get(helper: &str, registry: &str) -> Result<Option<(String, Secret)>, DockerError> {
    #[derive(serde::Deserialize)]
    struct Reply {
        #[serde(rename = "Username", default)]
        username: String,
        #[serde(rename = "Secret", default)]
        secret: String,
    }
    let fail = |reason: String| DockerError::Helper {
        helper: helper.to_string(),
        reason,
    };
    let mut child = Command::new(format!("docker-credential-{helper}"))
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server_url(registry).as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| fail(e.to_string()))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if text.contains("credentials not found") {
            return Ok(None);
        }
        return Err(fail(text.trim().chars().take(300).collect()));
    }
    let reply: Reply =
        serde_json::from_slice(&out.stdout).map_err(|e| fail(format!("invalid reply: {e}")))?;
    if reply.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some((reply.username, Secret::new(reply.secret))))
}

impl crate::kind::Kind for DockerError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_to_hosts() {
        assert_eq!(key_host("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(key_host("ghcr.io"), "ghcr.io");
        assert_eq!(key_host("https://GHCR.io/v2/"), "ghcr.io");
        assert_eq!(key_host("http://127.0.0.1:5000"), "127.0.0.1:5000");
    }

    #[test]
    fn decodes_auth_and_identity_tokens() {
        let v = serde_json::json!({"auth": "YWxpY2U6cDpw"}); // alice:p:p
        let (u, s) = decode_auth(&v).expect("auth");
        assert_eq!((u.as_str(), s.expose()), ("alice", "p:p"));
        let v = serde_json::json!({"auth": "", "identitytoken": "tok"});
        let (u, s) = decode_auth(&v).expect("token");
        assert_eq!((u.as_str(), s.expose()), ("<token>", "tok"));
        assert!(decode_auth(&serde_json::json!({"auth": "!!"})).is_none());
    }

    fn config(json: serde_json::Value) -> DockerConfig {
        DockerConfig {
            path: PathBuf::from("/nonexistent/config.json"),
            json,
        }
    }

    /// Which helper answers for a registry decides which program gets asked for a secret:
    /// a `credHelpers` entry for that host, else `credsStore`, and never an empty name.
    #[test]
    fn helper_for_a_registry() {
        let c = config(serde_json::json!({
            "credHelpers": {"https://GHCR.io": "gh", "quay.io": "quay"},
            "credsStore": "desktop",
        }));
        assert_eq!(c.helper_for("ghcr.io").as_deref(), Some("gh"));
        assert_eq!(c.helper_for("quay.io").as_deref(), Some("quay"));
        assert_eq!(c.helper_for("docker.io").as_deref(), Some("desktop"));
        let c = config(serde_json::json!({"credHelpers": {"ghcr.io": ""}, "credsStore": ""}));
        assert_eq!(c.helper_for("ghcr.io"), None);
        assert_eq!(c.helper_for("docker.io"), None);
        assert_eq!(config(serde_json::json!({})).helper_for("ghcr.io"), None);
    }

    /// A plaintext entry is used only for the registry its key names (Docker Hub's many
    /// spellings fold into `docker.io`).
    #[test]
    fn auth_for_a_registry() {
        let c = config(serde_json::json!({"auths": {
            "https://index.docker.io/v1/": {"auth": "YWxpY2U6cHc="},
            "127.0.0.1:5000": {"auth": "Ym9iOnB3Mg=="},
        }}));
        let hub = c.auth_for("docker.io").expect("docker.io");
        assert_eq!(
            (hub.username.as_str(), hub.secret.expose()),
            ("alice", "pw")
        );
        assert_eq!(hub.key, "https://index.docker.io/v1/");
        let local = c.auth_for("127.0.0.1:5000").expect("local");
        assert_eq!(local.username, "bob");
        assert!(c.auth_for("ghcr.io").is_none());
        assert_eq!(c.auths().len(), 2);
    }
}
