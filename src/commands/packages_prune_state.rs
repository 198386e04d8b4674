//! What an interrupted `packages prune` had yet to delete, kept in the state directory so
//! the next run finishes it: one file per package, named by a hash of the canonical
//! `registry/repository` (names that differ only in punctuation, or in whether the default
//! registry was spelled out, can neither share a file nor miss their own), holding that
//! identity too, so a file written for another package is never taken for this one's.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::oci::digest::Digest;

#[derive(Serialize, Deserialize)]
struct State {
    /// The canonical `registry/repository` the digests belong to.
    image: String,
    pending: Vec<String>,
}

/// The state file of the package `image` (canonical: `ghcr.io/acme/team/app`) under `dir`.
pub(super) fn path(dir: &Path, image: &str) -> PathBuf {
    let hash = Digest::sha256_of(image.as_bytes());
    dir.join("prune").join(format!(
        "{}.json",
        hash.hex().get(..32).unwrap_or(hash.hex())
    ))
}

/// The digests an earlier run of `image` left; nothing when the file is missing, unreadable
/// or written for another package.
pub(super) fn read(path: &Path, image: &str) -> BTreeSet<String> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<State>(&b).ok())
        .filter(|s| s.image == image)
        .map(|s| s.pending.into_iter().collect())
        .unwrap_or_default()
}

/// Best effort: without it a later run still recomputes the plan from what remains.
pub(super) fn write<'a>(path: &Path, image: &str, digests: impl Iterator<Item = &'a str>) {
    let state = State {
        image: image.to_string(),
        pending: digests.map(str::to_string).collect(),
    };
    if let (Some(dir), Ok(json)) = (path.parent(), serde_json::to_vec(&state)) {
        let _ = std::fs::create_dir_all(dir);
        let _ = crate::fsutil::write_file(path, &json);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_whose_names_differ_only_in_punctuation_have_their_own_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = path(dir.path(), "ghcr.io/acme/team/app");
        let b = path(dir.path(), "ghcr.io/acme/team_app");
        assert_ne!(a, b);
        write(&a, "ghcr.io/acme/team/app", ["sha256:aa"].into_iter());
        write(&b, "ghcr.io/acme/team_app", ["sha256:bb"].into_iter());
        assert_eq!(
            read(&a, "ghcr.io/acme/team/app"),
            BTreeSet::from(["sha256:aa".to_string()])
        );
        assert_eq!(
            read(&b, "ghcr.io/acme/team_app"),
            BTreeSet::from(["sha256:bb".to_string()])
        );
    }

    #[test]
    fn a_file_written_for_another_package_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mine = path(dir.path(), "ghcr.io/acme/app");
        // Whatever put it there (a collision, a copied state directory), it is not ours.
        write(&mine, "ghcr.io/acme/other", ["sha256:cc"].into_iter());
        assert!(read(&mine, "ghcr.io/acme/app").is_empty());
        // The old format (a bare list) is not trusted either.
        std::fs::write(&mine, br#"["sha256:dd"]"#).expect("write");
        assert!(read(&mine, "ghcr.io/acme/app").is_empty());
    }
}
