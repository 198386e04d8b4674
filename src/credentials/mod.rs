//! Where registry credentials come from, in order: the environment (`GHCR_CLI_USERNAME` and
//! `GHCR_CLI_PASSWORD`, never stored), the OS keyring (see `keyring.rs`), Docker's credential
//! helpers and then its plaintext `auths` (read-only), and finally anonymous. Secrets are
//! wrapped in [`Secret`], which never prints. This layer knows nothing of the command line
//! and never prints: notes for the user come back as values.

pub mod docker;
pub mod keyring;
pub mod logins;

use std::fmt;

use crate::env;
pub use keyring::{Backend, Keyring};
pub use logins::Logins;

/// A password or token. `Debug` and `Display` print `(redacted)`; the value is only reachable
/// through [`Secret::expose`], so it cannot end up in a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

/// Where a set of credentials was found, for `whoami` and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Typed or piped to `login`.
    Given,
    Environment,
    Keyring(Backend),
    DockerHelper(String),
    DockerConfig(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Given => f.write_str("the command line"),
            Source::Environment => {
                f.write_str("the environment (GHCR_CLI_USERNAME/GHCR_CLI_PASSWORD)")
            }
            Source::Keyring(b) => write!(f, "{b}"),
            Source::DockerHelper(h) => {
                write!(f, "the docker credential helper `docker-credential-{h}`")
            }
            Source::DockerConfig(p) => write!(f, "the docker config file `{p}` (plaintext)"),
        }
    }
}

impl Source {
    /// A stable name for JSON output.
    pub fn id(&self) -> &'static str {
        match self {
            Source::Given => "command-line",
            Source::Environment => "environment",
            Source::Keyring(_) => "keyring",
            Source::DockerHelper(_) => "docker-credential-helper",
            Source::DockerConfig(_) => "docker-config",
        }
    }
}

/// A username and its secret. `Debug` is written by hand so the secret can only ever show
/// as `(redacted)`.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub secret: Secret,
    pub source: Source,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("secret", &self.secret)
            .field("source", &self.source)
            .finish()
    }
}

impl Credentials {
    /// Docker's convention: the user `<token>` means the secret is an OAuth refresh token.
    pub fn is_identity_token(&self) -> bool {
        self.username == "<token>"
    }
}

/// Something the user should hear about, once, while credentials were looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Plaintext credentials in Docker's config.json were used.
    DockerPlaintext { registry: String, path: String },
    /// The keyring entry the metadata promises could not be read.
    KeyringFailed { registry: String, reason: String },
    /// A docker credential helper failed.
    HelperFailed { reason: String },
}

/// Finds the credentials for `registry`, in the documented order, or `None` for anonymous.
pub fn lookup(registry: &str, logins: &Logins) -> (Option<Credentials>, Vec<Note>) {
    let mut notes = Vec::new();
    if let Some(c) = from_environment() {
        return (Some(c), notes);
    }
    if let Some(login) = logins.get(registry) {
        match Keyring::open(keyring_preference().as_deref()).and_then(|k| {
            let secret = k.get(registry)?;
            Ok(secret.map(|s| (s, k.backend)))
        }) {
            Ok(Some((secret, backend))) => {
                return (
                    Some(Credentials {
                        username: login.username.clone(),
                        secret,
                        source: Source::Keyring(backend),
                    }),
                    notes,
                );
            }
            Ok(None) => notes.push(Note::KeyringFailed {
                registry: registry.to_string(),
                reason: "the keyring has no entry for it any more".into(),
            }),
            Err(e) => notes.push(Note::KeyringFailed {
                registry: registry.to_string(),
                reason: e.to_string(),
            }),
        }
    }
    match docker::DockerConfig::load() {
        Ok(Some(cfg)) => {
            if let Some(helper) = cfg.helper_for(registry) {
                match docker::helper_get(&helper, registry) {
                    Ok(Some((username, secret))) => {
                        return (
                            Some(Credentials {
                                username,
                                secret,
                                source: Source::DockerHelper(helper),
                            }),
                            notes,
                        );
                    }
                    Ok(None) => {}
                    Err(e) => notes.push(Note::HelperFailed {
                        reason: e.to_string(),
                    }),
                }
            }
            if let Some(a) = cfg.auth_for(registry) {
                let path = cfg.path.display().to_string();
                notes.push(Note::DockerPlaintext {
                    registry: registry.to_string(),
                    path: path.clone(),
                });
                return (
                    Some(Credentials {
                        username: a.username,
                        secret: a.secret,
                        source: Source::DockerConfig(path),
                    }),
                    notes,
                );
            }
        }
        Ok(None) => {}
        Err(e) => notes.push(Note::HelperFailed {
            reason: e.to_string(),
        }),
    }
    (None, notes)
}

/// The username for `registry` without touching any secret: the environment, then the
/// login metadata. Used to put one-component names under their owner on ghcr.io.
pub fn username(registry: &str, logins: &Logins) -> Option<String> {
    if let Some(c) = from_environment() {
        return Some(c.username);
    }
    logins.get(registry).map(|l| l.username.clone())
}

/// `GHCR_CLI_KEYRING`: which keyring to use (`auto` when unset).
pub fn keyring_preference() -> Option<String> {
    std::env::var(env::KEYRING).ok().filter(|s| !s.is_empty())
}

fn from_environment() -> Option<Credentials> {
    let username = std::env::var(env::USERNAME)
        .ok()
        .filter(|u| !u.is_empty())?;
    let secret = std::env::var(env::PASSWORD)
        .ok()
        .filter(|p| !p.is_empty())?;
    Some(Credentials {
        username,
        secret: Secret::new(secret),
        source: Source::Environment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let c = Credentials {
            username: "alice".into(),
            secret: Secret::new("ghp_topsecret"),
            source: Source::Environment,
        };
        let shown = format!("{c:?} {} {:?}", c.secret, c.secret);
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(shown.contains("alice"));
    }
}
