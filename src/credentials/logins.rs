//! The non-secret half of a login: which registries have one, under which username, in
//! which keyring, or that the GitHub CLI is asked each time (`login --with-gh --no-store`:
//! a marker with the user and gh's host name, no secret). Kept in `$XDG_CONFIG_HOME/ghcr-cli/logins.json`; the secret itself is only
//! ever in the keyring.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Backend;

#[derive(Debug, Error)]
pub enum LoginsError {
    #[error("cannot read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not valid: {source}")]
    Parse {
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Login {
    pub username: String,
    pub keyring: Backend,
}

/// A login whose token `gh auth token --hostname HOSTNAME` gives, each time it is needed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GhLogin {
    pub username: String,
    pub hostname: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Logins {
    #[serde(default)]
    logins: BTreeMap<String, Login>,
    /// Registries whose token comes from the GitHub CLI (kept apart from `logins`, so an
    /// older ghcr-cli reading this file sees no keyring login it cannot find).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    gh: BTreeMap<String, GhLogin>,
    #[serde(skip)]
    path: PathBuf,
}

impl Logins {
    pub fn load(config_dir: &Path) -> Result<Self, LoginsError> {
        let path = config_dir.join("logins.json");
        let mut logins: Logins = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| LoginsError::Parse {
                path: path.clone(),
                source,
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Logins::default(),
            Err(source) => return Err(LoginsError::Read { path, source }),
        };
        logins.path = path;
        Ok(logins)
    }

    pub fn get(&self, registry: &str) -> Option<&Login> {
        self.logins.get(registry)
    }

    pub fn set(&mut self, registry: &str, login: Login) {
        self.logins.insert(registry.to_string(), login);
    }

    pub fn remove(&mut self, registry: &str) -> Option<Login> {
        self.logins.remove(registry)
    }

    pub fn gh(&self, registry: &str) -> Option<&GhLogin> {
        self.gh.get(registry)
    }

    pub fn set_gh(&mut self, registry: &str, login: GhLogin) {
        self.gh.insert(registry.to_string(), login);
    }

    pub fn remove_gh(&mut self, registry: &str) -> Option<GhLogin> {
        self.gh.remove(registry)
    }

    pub fn gh_registries(&self) -> impl Iterator<Item = &String> {
        self.gh.keys()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Login)> {
        self.logins.iter()
    }

    /// Writes the file through a temporary file and a rename.
    pub fn save(&self) -> Result<(), LoginsError> {
        let err = |source| LoginsError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".logins.")
            .tempfile_in(dir)
            .map_err(err)?;
        let mut body = serde_json::to_vec_pretty(self).map_err(|e| err(e.into()))?;
        body.push(b'\n');
        tmp.write_all(&body).map_err(err)?;
        tmp.persist(&self.path).map_err(|e| err(e.error))?;
        Ok(())
    }
}

impl crate::kind::Kind for LoginsError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}
