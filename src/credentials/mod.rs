//! Where registry credentials come from, in order: the environment (`GHCR_CLI_USERNAME` and
//! `GHCR_CLI_PASSWORD`, never stored); for ghcr.io only, `GH_TOKEN` then `GITHUB_TOKEN`; the
//! login `login` recorded (the OS keyring, see `keyring.rs`, or the GitHub CLI asked each
//! time, see `gh.rs`); Docker's credential helpers and then its plaintext `auths`
//! (read-only); and finally anonymous. Secrets are
//! wrapped in [`Secret`], which never prints. This layer knows nothing of the command line
//! and never prints: notes for the user come back as values.

pub mod cred_helpers;
pub mod docker;
pub mod gh;
pub mod helper_link;
pub mod keyring;
pub mod logins;
pub mod setup_record;

pub use keyring::{Backend, Keyring};
pub use logins::Logins;
use std::fmt;
use std::path::PathBuf;

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
    /// `GH_TOKEN` or `GITHUB_TOKEN` (the variable's name), for ghcr.io only.
    TokenVariable(&'static str),
    /// `gh auth token`, asked by this command (a `login --with-gh --no-store`).
    Gh,
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
            Source::TokenVariable(var) => write!(f, "the environment variable {var}"),
            Source::Gh => f.write_str("the GitHub CLI (`gh auth token`, nothing stored)"),
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
            Source::TokenVariable(var) => var,
            Source::Gh => "gh",
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

/// What the environment says about credentials. Settings reads it once; this layer never
/// reads a variable itself, so tests and commands see one consistent answer.
#[derive(Clone, Default)]
pub struct Environment {
    /// `GHCR_CLI_USERNAME` and `GHCR_CLI_PASSWORD`, when both are set: used, never stored.
    pub login: Option<(String, Secret)>,
    /// `GHCR_CLI_KEYRING`: which keyring to use (`auto` when unset).
    pub keyring: Option<String>,
    /// Docker's config directory: `$DOCKER_CONFIG`, else `~/.docker`.
    pub docker_config_dir: Option<PathBuf>,
    /// Whether a D-Bus session bus is announced (`DBUS_SESSION_BUS_ADDRESS`): without one the
    /// Secret Service is not tried, which saves a connection timeout on headless machines.
    pub dbus_session: bool,
    /// `GH_TOKEN`, then `GITHUB_TOKEN`, when set: (variable, token). Used for the hosts in
    /// `github_hosts` only, never sent to another registry.
    pub github_tokens: Vec<(&'static str, Secret)>,
    /// `GITHUB_ACTOR` (set inside GitHub Actions): the user that goes with those tokens.
    pub github_actor: Option<String>,
    /// The registries backed by github.com: ghcr.io, and any the config gives github.com's
    /// API (or a loopback stand-in for it).
    pub github_hosts: Vec<String>,
    /// `GH_ENTERPRISE_TOKEN`, then `GITHUB_ENTERPRISE_TOKEN`: for `enterprise_hosts` only.
    pub enterprise_tokens: Vec<(&'static str, Secret)>,
    /// The registries the config gives another GitHub API (GitHub Enterprise Server).
    pub enterprise_hosts: Vec<String>,
    /// The GitHub CLI, as found on PATH.
    pub gh: Option<PathBuf>,
}

impl Environment {
    /// The keyring the user chose, or the platform's best one that works.
    pub fn keyring(&self) -> Result<Keyring, keyring::KeyringError> {
        Keyring::open(self.keyring.as_deref(), self.dbus_session)
    }

    /// The keyring a login was stored in (its id from the login metadata).
    pub fn keyring_named(&self, id: &str) -> Result<Keyring, keyring::KeyringError> {
        Keyring::open(Some(id), self.dbus_session)
    }

    fn credentials(&self) -> Option<Credentials> {
        let (username, secret) = self.login.clone()?;
        Some(Credentials {
            username,
            secret,
            source: Source::Environment,
        })
    }

    /// `GH_TOKEN` or `GITHUB_TOKEN` for a registry backed by github.com, the enterprise
    /// tokens for one backed by GitHub Enterprise Server, nothing for any other.
    fn github_token(&self, registry: &str) -> Option<Credentials> {
        let tokens = if self.github_hosts.iter().any(|h| h == registry) {
            &self.github_tokens
        } else if self.enterprise_hosts.iter().any(|h| h == registry) {
            &self.enterprise_tokens
        } else {
            return None;
        };
        let (var, secret) = tokens.first()?;
        Some(Credentials {
            username: self
                .github_actor
                .clone()
                .unwrap_or_else(|| gh::PLACEHOLDER_USER.to_string()),
            secret: secret.clone(),
            source: Source::TokenVariable(var),
        })
    }
}

/// Finds the credentials for `registry`, in the documented order, or `None` for anonymous.
pub fn lookup(
    registry: &str,
    logins: &Logins,
    env: &Environment,
) -> (Option<Credentials>, Vec<Note>) {
    let mut notes = Vec::new();
    if let Some(c) = env.credentials() {
        return (Some(c), notes);
    }
    // After GHCR_CLI_* (the tool's own, most specific variables) and before anything stored:
    // the environment of one step beats a login made earlier, as gh itself does with these
    // variables, so a workflow step with `env: GITHUB_TOKEN` needs no login step.
    if let Some(c) = env.github_token(registry) {
        return (Some(c), notes);
    }
    if let Some(login) = logins.gh(registry) {
        match gh::token(env.gh.as_deref(), &login.hostname) {
            Ok(secret) => {
                return (
                    Some(Credentials {
                        username: login.username.clone(),
                        secret,
                        source: Source::Gh,
                    }),
                    notes,
                );
            }
            Err(e) => notes.push(Note::HelperFailed {
                reason: format!("the login for {registry} comes from the GitHub CLI: {e}"),
            }),
        }
    }
    if let Some(login) = logins.get(registry) {
        match env.keyring().and_then(|k| {
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
    match docker::DockerConfig::load(env.docker_config_dir.as_deref()) {
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
pub fn username(registry: &str, logins: &Logins, env: &Environment) -> Option<String> {
    if let Some((username, _)) = &env.login {
        return Some(username.clone());
    }
    // A token from the environment has a known user only inside Actions.
    if let Some(c) = env.github_token(registry) {
        return env.github_actor.is_some().then_some(c.username);
    }
    if let Some(login) = logins.gh(registry) {
        return Some(login.username.clone());
    }
    logins.get(registry).map(|l| l.username.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A github.com token reaches only github.com's registries, an enterprise token only the
    /// enterprise ones, and neither any other registry.
    #[test]
    fn github_tokens_go_only_to_the_registries_of_their_github() {
        let env = Environment {
            github_tokens: vec![("GH_TOKEN", Secret::new("dotcom"))],
            enterprise_tokens: vec![("GH_ENTERPRISE_TOKEN", Secret::new("ghes"))],
            github_hosts: vec!["ghcr.io".into()],
            enterprise_hosts: vec!["containers.ghes.corp".into()],
            ..Environment::default()
        };
        let token = |registry: &str| {
            env.github_token(registry)
                .map(|c| (c.secret.expose().to_string(), c.source))
        };
        assert_eq!(
            token("ghcr.io"),
            Some(("dotcom".into(), Source::TokenVariable("GH_TOKEN")))
        );
        assert_eq!(
            token("containers.ghes.corp"),
            Some(("ghes".into(), Source::TokenVariable("GH_ENTERPRISE_TOKEN")))
        );
        assert_eq!(token("docker.io"), None);
        // No enterprise token set: the enterprise registry gets none, not github.com's.
        let only_dotcom = Environment {
            enterprise_tokens: Vec::new(),
            ..env.clone()
        };
        assert!(only_dotcom.github_token("containers.ghes.corp").is_none());
    }

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
