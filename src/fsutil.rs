//! Writing a file the user named, the way a shell's `>` would, but never half: a regular
//! file (new or existing) is written beside itself and renamed over, with the mode `>` gives
//! it (a new file `0666 & ~umask`, an existing one its own); anything else (a FIFO, a
//! terminal, `/dev/null`, `/dev/stdout`, `/dev/fd/N` from `>(cmd)`) is opened and written in
//! place, never replaced. Symlinks are followed to their target. This module never prints.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An open output, to [`OutputFile::commit`] once everything is written. Dropping it without
/// a commit leaves a regular target as it was.
pub enum OutputFile {
    /// A regular file: written to a temporary file in the same directory, renamed over.
    Replace {
        tmp: tempfile::NamedTempFile,
        target: PathBuf,
        /// Nothing was there: the file is new.
        new: bool,
    },
    /// Anything that is not a regular file: written directly.
    Direct { file: File },
}

/// Where a path leads once its symlinks are followed.
enum Resolved {
    /// An existing regular file; the path a rename must replace and its metadata.
    Regular(PathBuf, fs::Metadata),
    /// Nothing there yet: a new regular file at this path.
    Missing(PathBuf),
    /// A FIFO, device, `/dev/fd/N` and the like.
    Other,
}

impl OutputFile {
    pub fn create(path: &Path) -> io::Result<Self> {
        let (target, existing) = match resolve(path)? {
            Resolved::Other => {
                // As `>` does: O_TRUNC means nothing to a FIFO or a device, and empties a
                // regular file reached through `/dev/fd` (a shell's redirection).
                let file = fs::OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(path)?;
                return Ok(OutputFile::Direct { file });
            }
            Resolved::Regular(p, meta) => (p, Some(meta)),
            Resolved::Missing(p) => (p, None),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".ghcr-cli-");
        // The kernel applies the umask to 0666, exactly as for a file `>` creates.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(&dir)?;
        let new = existing.is_none();
        if let Some(meta) = existing {
            keep_owner_and_mode(tmp.as_file(), &meta)?;
        }
        Ok(OutputFile::Replace { tmp, target, new })
    }

    /// Makes the written content the target's: syncs and renames a regular file into place;
    /// flushes anything else.
    pub fn commit(self) -> io::Result<()> {
        match self {
            OutputFile::Replace { tmp, target, .. } => {
                tmp.as_file().sync_all()?;
                tmp.persist(&target).map_err(|e| e.error)?;
                Ok(())
            }
            OutputFile::Direct { mut file } => file.flush(),
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            OutputFile::Replace { tmp, .. } => tmp.write(buf),
            OutputFile::Direct { file } => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            OutputFile::Replace { tmp, .. } => tmp.flush(),
            OutputFile::Direct { file } => file.flush(),
        }
    }
}

/// Writes `bytes` to `path` with [`OutputFile`]'s rules.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut out = OutputFile::create(path)?;
    out.write_all(bytes)?;
    out.commit()
}

/// [`write_file`], except that a file that does not exist yet gets `mode` (on unix) instead
/// of `0666 & ~umask`, before it has a name: for files that are private even when they hold
/// no secret yet (Docker's config.json). An existing file keeps its own mode.
pub fn write_file_new_mode(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut out = OutputFile::create(path)?;
    #[cfg(unix)]
    if let OutputFile::Replace { tmp, new: true, .. } = &out {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    out.write_all(bytes)?;
    out.commit()
}

fn resolve(path: &Path) -> io::Result<Resolved> {
    // `/dev/stdout`, `/dev/fd/N` and `/proc/self/fd/N` name whatever a descriptor is open on
    // (a pipe, a terminal, a file the shell redirected to): write through them, as `>` does.
    if path.starts_with("/dev") || path.starts_with("/proc") {
        return Ok(Resolved::Other);
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            let real = if fs::symlink_metadata(path)?.file_type().is_symlink() {
                fs::canonicalize(path)?
            } else {
                path.to_path_buf()
            };
            // The rename must land on this very file; if the resolved path names another
            // (a deleted file behind a magic link), write in place instead.
            if same_file(&meta, &fs::symlink_metadata(&real)?) {
                Ok(Resolved::Regular(real, meta))
            } else {
                Ok(Resolved::Other)
            }
        }
        Ok(_) => Ok(Resolved::Other),
        Err(e) if e.kind() == io::ErrorKind::NotFound => missing_target(path),
        Err(e) => Err(e),
    }
}

/// The path a new file gets: `path` itself, or the end of the dangling symlinks it starts.
fn missing_target(path: &Path) -> io::Result<Resolved> {
    let mut p = path.to_path_buf();
    // Linux's own limit on symlinks followed in one lookup.
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            // It appeared meanwhile: write it in place, as `>` would.
            Ok(_) => return Ok(Resolved::Other),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Resolved::Missing(p)),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "too many levels of symbolic links at `{}`",
        path.display()
    )))
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, b: &fs::Metadata) -> bool {
    b.is_file()
}

/// An existing file keeps its mode, and its owner where we may set it (as root), as it would
/// under `>`.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, old: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let now = file.metadata()?;
    if now.uid() != old.uid() || now.gid() != old.gid() {
        // Only root may give a file away; anyone else keeps it as their own, like a copy.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    file.set_permissions(old.permissions())
}

#[cfg(not(unix))]
fn keep_owner_and_mode(file: &File, old: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0)
    }

    #[test]
    fn an_existing_file_keeps_its_mode_and_a_symlink_stays_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real");
        fs::write(&real, b"old").expect("write");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("real", &link).expect("symlink");
        write_file(&link, b"new").expect("write through the link");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).expect("read"), b"new");
        assert_eq!(mode(&real), 0o640);
    }

    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().expect("tempdir");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("sub/../made", &link).expect("symlink");
        fs::create_dir(dir.path().join("sub")).expect("mkdir");
        write_file(&link, b"x").expect("write");
        assert_eq!(fs::read(dir.path().join("made")).expect("read"), b"x");
    }

    #[test]
    fn an_uncommitted_output_leaves_the_target_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        fs::write(&p, b"kept").expect("write");
        let mut out = OutputFile::create(&p).expect("create");
        out.write_all(b"half").expect("write");
        drop(out);
        assert_eq!(fs::read(&p).expect("read"), b"kept");
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }
}
