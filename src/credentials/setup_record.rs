//! What `login --docker` changed, kept in ghcr-cli's state directory so that `--undo` takes
//! back exactly that: the helper link it made (or the link it re-pointed, and where that
//! pointed before) and, per registry, the credential helper its `credHelpers` entry replaced.
//! Nothing in it is secret: paths and helper names.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FILE: &str = "docker-setup.json";

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRecord {
    /// The `docker-credential-ghcr-cli` link `login --docker` made or re-pointed; absent
    /// when the link was already there, so `--undo` leaves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkRecord>,
    /// Per registry, what its `credHelpers` entry was before.
    #[serde(default)]
    pub registries: BTreeMap<String, RegistryRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRecord {
    pub path: PathBuf,
    /// Where the link pointed before it was re-pointed at ghcr-cli; none when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PathBuf>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryRecord {
    /// The helper the entry named before (`desktop`, `pass`…), to be named again on undo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_helper: Option<String>,
}

impl SetupRecord {
    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join(FILE)
    }

    /// The record in `state_dir`; `None` when there is none (a set-up made by hand, or by a
    /// ghcr-cli from before records).
    pub fn load(state_dir: &Path) -> io::Result<Option<Self>> {
        let path = Self::path(state_dir);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("`{}` is not a set-up record: {e}", path.display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the record, or removes the file once it records nothing.
    pub fn save(&self, state_dir: &Path) -> io::Result<()> {
        let path = Self::path(state_dir);
        if self.link.is_none() && self.registries.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        std::fs::create_dir_all(state_dir)?;
        let json = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        crate::fsutil::write_file(&path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_an_empty_one_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(SetupRecord::load(dir.path()).ok(), Some(None));
        let mut record = SetupRecord {
            link: Some(LinkRecord {
                path: "/home/u/.local/bin/docker-credential-ghcr-cli".into(),
                previous: Some("/opt/old/ghcr-cli".into()),
            }),
            ..SetupRecord::default()
        };
        record.registries.insert(
            "ghcr.io".into(),
            RegistryRecord {
                previous_helper: Some("desktop".into()),
            },
        );
        record.save(dir.path()).expect("save");
        assert_eq!(
            SetupRecord::load(dir.path()).ok().flatten(),
            Some(record.clone())
        );
        SetupRecord::default().save(dir.path()).expect("save");
        assert!(!SetupRecord::path(dir.path()).exists());
        std::fs::write(SetupRecord::path(dir.path()), "{").expect("write");
        assert!(SetupRecord::load(dir.path()).is_err());
    }
}
