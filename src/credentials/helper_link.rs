//! The `docker-credential-ghcr-cli` link through which Docker runs ghcr-cli as its credential
//! helper: what it points at (the `ghcr-cli` on PATH when that is this binary, so a package
//! manager's upgrade does not leave it dangling), where it goes (beside that when the
//! directory is writable, else `~/.local/bin`), making it, pointing it back, and removing it
//! only when it points at this binary. Never prints; what it did comes back as a value.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The name Docker runs for `"credHelpers": {"…": "ghcr-cli"}`.
pub const LINK_NAME: &str = "docker-credential-ghcr-cli";

/// The helper name in Docker's config.json.
pub const HELPER: &str = "ghcr-cli";

#[derive(Debug, Error)]
pub enum LinkError {
    #[error("cannot make the link `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{path}` exists and is not a symbolic link; it was left as it is")]
    NotALink { path: PathBuf },
    #[error("`{dir}` is not writable and HOME is not set, so there is no `~/.local/bin` either")]
    NoDirectory { dir: PathBuf },
}

impl crate::kind::Kind for LinkError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    Created(PathBuf),
    /// The link was already there and points at this binary.
    Unchanged(PathBuf),
    /// A link to something else (`previous`) was replaced.
    Replaced {
        path: PathBuf,
        previous: PathBuf,
    },
}

impl Linked {
    pub fn path(&self) -> &Path {
        match self {
            Linked::Created(p) | Linked::Unchanged(p) => p,
            Linked::Replaced { path, .. } => path,
        }
    }
}

/// What the link should point at: the first `ghcr-cli` on PATH that is the same file as
/// `exe`, as PATH names it (Homebrew's and nix's `bin/ghcr-cli` are links into a versioned
/// directory that an upgrade removes; the PATH entry stays), else `exe` itself.
pub fn stable_target(exe: &Path, search_path: &[PathBuf]) -> PathBuf {
    let name = exe.file_name().unwrap_or_else(|| HELPER.as_ref());
    search_path
        .iter()
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(name))
        .find(|candidate| points_at(candidate, exe))
        .unwrap_or_else(|| exe.to_path_buf())
}

/// Points the link at `path` back at `previous` (what it pointed at before `install`),
/// when it still points at `exe`; returns whether it did.
pub fn repoint(path: &Path, previous: &Path, exe: &Path) -> Result<bool, LinkError> {
    let is_ours = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && points_at(path, exe);
    if !is_ours {
        return Ok(false);
    }
    replace_link(path, previous)?;
    Ok(true)
}

/// Removes the link `path` when it points at `exe`; returns whether it did.
pub fn remove_one(path: &Path, exe: &Path) -> Result<bool, LinkError> {
    let is_ours = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && points_at(path, exe);
    if !is_ours {
        return Ok(false);
    }
    fs::remove_file(path).map_err(|source| LinkError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(true)
}

/// Where the link may be: beside `exe`, and in `HOME/.local/bin`.
pub fn places(exe: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = exe.parent().map(Path::to_path_buf).into_iter().collect();
    if let Some(home) = home {
        let local = home.join(".local").join("bin");
        if !dirs.contains(&local) {
            dirs.push(local);
        }
    }
    dirs.into_iter().map(|d| d.join(LINK_NAME)).collect()
}

/// Links `LINK_NAME` to `exe`: beside it when that directory is writable, else in
/// `HOME/.local/bin` (created).
pub fn install(exe: &Path, home: Option<&Path>) -> Result<Linked, LinkError> {
    let beside = exe.parent().filter(|d| writable(d));
    let dir = match (beside, home) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(home)) => {
            let dir = home.join(".local").join("bin");
            fs::create_dir_all(&dir).map_err(|source| LinkError::Io {
                path: dir.clone(),
                source,
            })?;
            dir
        }
        (None, None) => {
            return Err(LinkError::NoDirectory {
                dir: exe.parent().map(Path::to_path_buf).unwrap_or_default(),
            });
        }
    };
    place(&dir.join(LINK_NAME), exe)
}

/// Removes every link in [`places`] that points at `exe`; returns those removed. A link to
/// another program, or a file, is left alone.
pub fn remove(exe: &Path, home: Option<&Path>) -> Result<Vec<PathBuf>, LinkError> {
    let mut removed = Vec::new();
    for path in places(exe, home) {
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && points_at(&path, exe) {
            fs::remove_file(&path).map_err(|source| LinkError::Io {
                path: path.clone(),
                source,
            })?;
            removed.push(path);
        }
    }
    Ok(removed)
}

fn place(path: &Path, exe: &Path) -> Result<Linked, LinkError> {
    let io_err = |source| LinkError::Io {
        path: path.to_path_buf(),
        source,
    };
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            if points_at(path, exe) {
                return Ok(Linked::Unchanged(path.to_path_buf()));
            }
            let previous = fs::read_link(path).map_err(io_err)?;
            replace_link(path, exe)?;
            Ok(Linked::Replaced {
                path: path.to_path_buf(),
                previous,
            })
        }
        Ok(_) => Err(LinkError::NotALink {
            path: path.to_path_buf(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            symlink(exe, path).map_err(io_err)?;
            Ok(Linked::Created(path.to_path_buf()))
        }
        Err(e) => Err(io_err(e)),
    }
}

/// Makes the link `path` point at `target`: a new link beside it, renamed over, so the name
/// never goes missing.
fn replace_link(path: &Path, target: &Path) -> Result<(), LinkError> {
    let io_err = |source| LinkError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_file_name(format!(".{LINK_NAME}.{}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    symlink(target, &tmp).map_err(io_err)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    Ok(())
}

/// Whether `link` leads to the same file as `exe`.
fn points_at(link: &Path, exe: &Path) -> bool {
    match (fs::canonicalize(link), fs::canonicalize(exe)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Whether a file can be made in `dir` (tried, not guessed from the mode: root, ACLs and
/// read-only mounts all decide).
fn writable(dir: &Path) -> bool {
    tempfile::Builder::new()
        .prefix(".ghcr-cli-probe-")
        .tempfile_in(dir)
        .is_ok()
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "symbolic links to the helper are made on unix only",
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// The link goes beside the binary, is left alone when it already points there, and
    /// replaces a link to another program; removing it leaves a link to another program.
    #[test]
    fn install_replace_and_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let exe = dir.path().join("ghcr-cli");
        fs::write(&exe, b"bin").expect("write");
        let other = dir.path().join("other");
        fs::write(&other, b"other").expect("write");
        let link = dir.path().join(LINK_NAME);

        assert_eq!(
            install(&exe, None).expect("install"),
            Linked::Created(link.clone())
        );
        assert_eq!(
            install(&exe, None).expect("again"),
            Linked::Unchanged(link.clone())
        );
        fs::remove_file(&link).expect("rm");
        symlink(&other, &link).expect("symlink");
        assert_eq!(
            install(&exe, None).expect("replace"),
            Linked::Replaced {
                path: link.clone(),
                previous: other.clone()
            }
        );
        assert!(points_at(&link, &exe));
        assert_eq!(remove(&exe, None).expect("remove"), vec![link.clone()]);
        assert!(fs::symlink_metadata(&link).is_err());

        symlink(&other, &link).expect("symlink");
        assert!(remove(&exe, None).expect("remove").is_empty());
        assert!(fs::symlink_metadata(&link).is_ok());
        fs::remove_file(&link).expect("rm");
        fs::write(&link, b"file").expect("write");
        assert!(matches!(
            install(&exe, None),
            Err(LinkError::NotALink { .. })
        ));
    }

    /// A package manager's layout: `bin/ghcr-cli` on PATH links into a versioned directory;
    /// the helper link points at the PATH entry, which outlives an upgrade.
    #[test]
    fn the_link_targets_the_path_entry_that_is_this_binary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cellar = dir.path().join("Cellar/ghcr-cli/1.2/bin");
        let bin = dir.path().join("bin");
        let elsewhere = dir.path().join("elsewhere");
        for d in [&cellar, &bin, &elsewhere] {
            fs::create_dir_all(d).expect("mkdir");
        }
        let exe = cellar.join("ghcr-cli");
        fs::write(&exe, b"bin").expect("write");
        // Another program of the same name earlier on PATH is not this binary.
        fs::write(elsewhere.join("ghcr-cli"), b"other").expect("write");
        symlink(&exe, &bin.join("ghcr-cli")).expect("symlink");
        let path = vec![PathBuf::from("relative"), elsewhere.clone(), bin.clone()];
        assert_eq!(stable_target(&exe, &path), bin.join("ghcr-cli"));
        assert_eq!(stable_target(&exe, std::slice::from_ref(&elsewhere)), exe);

        // Pointed back at what it was, only while it is ours; removed only while it is ours.
        let link = bin.join(LINK_NAME);
        let old = elsewhere.join("old-helper");
        symlink(&exe, &link).expect("symlink");
        assert!(repoint(&link, &old, &exe).expect("repoint"));
        assert_eq!(fs::read_link(&link).expect("readlink"), old);
        assert!(!repoint(&link, &exe, &exe).expect("not ours"));
        assert!(!remove_one(&link, &exe).expect("not ours"));
        assert!(fs::symlink_metadata(&link).is_ok());
        fs::remove_file(&link).expect("rm");
        symlink(&exe, &link).expect("symlink");
        assert!(remove_one(&link, &exe).expect("remove"));
        assert!(fs::symlink_metadata(&link).is_err());
    }
}
