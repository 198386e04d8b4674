//! Reading tar archives safely: plain or gzip-compressed (told apart by their first bytes),
//! extracted only as regular files and directories under a destination, refusing absolute
//! paths, `..`, links, device files and duplicate entries with an error that names the entry.

use std::collections::HashSet;
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ArchiveError {
    #[error("archive entry `{entry}` is refused: {reason}")]
    Entry { entry: String, reason: &'static str },
    #[error("archive entry `{0}` appears twice")]
    Duplicate(String),
    #[error("the archive is truncated or corrupt")]
    Corrupt(#[source] io::Error),
    #[error("failed to write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Wraps `reader` in a gzip decoder when it starts with the gzip magic bytes.
pub fn maybe_gunzip<'a>(reader: impl Read + 'a) -> io::Result<Box<dyn Read + 'a>> {
    let mut buffered = BufReader::with_capacity(1024 * 1024, reader);
    let head = buffered.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(buffered)))
    } else {
        Ok(Box::new(buffered))
    }
}

/// A safe relative path for an entry, or why it is refused.
pub fn entry_path(raw: &Path) -> Result<PathBuf, &'static str> {
    let mut out = PathBuf::new();
    for c in raw.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => return Err("its path contains `..`"),
            Component::RootDir | Component::Prefix(_) => return Err("its path is absolute"),
        }
    }
    Ok(out)
}

/// Extracts regular files and directories of `reader` (a tar stream) under `dest`.
pub fn extract(reader: impl Read, dest: &Path) -> Result<(), ArchiveError> {
    let mut archive = tar::Archive::new(reader);
    let mut seen = HashSet::new();
    let entries = archive.entries().map_err(ArchiveError::Corrupt)?;
    for entry in entries {
        let mut entry = entry.map_err(ArchiveError::Corrupt)?;
        let raw = entry.path().map_err(ArchiveError::Corrupt)?.into_owned();
        let shown = raw.display().to_string();
        let refuse = |reason| ArchiveError::Entry {
            entry: shown.clone(),
            reason,
        };
        let rel = entry_path(&raw).map_err(refuse)?;
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(refuse("links are not allowed in an image archive"));
        }
        if kind.is_character_special() || kind.is_block_special() || kind.is_fifo() {
            return Err(refuse("device files and pipes are not allowed"));
        }
        if rel.as_os_str().is_empty() {
            continue;
        }
        let target = dest.join(&rel);
        if kind.is_dir() {
            fs::create_dir_all(&target).map_err(|source| ArchiveError::Write {
                path: target.clone(),
                source,
            })?;
            continue;
        }
        if !(kind.is_file() || kind.is_contiguous()) {
            // pax and GNU metadata entries are consumed by the tar crate; anything else
            // carries nothing an image needs.
            continue;
        }
        if !seen.insert(rel.clone()) {
            return Err(ArchiveError::Duplicate(shown));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|source| ArchiveError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let mut out = fs::File::create_new(&target).map_err(|source| ArchiveError::Write {
            path: target.clone(),
            source,
        })?;
        io::copy(&mut entry, &mut out).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::InvalidData
            | io::ErrorKind::InvalidInput => ArchiveError::Corrupt(e),
            _ => ArchiveError::Write {
                path: target.clone(),
                source: e,
            },
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths() {
        assert_eq!(
            entry_path(Path::new("./blobs/sha256/x")),
            Ok(PathBuf::from("blobs/sha256/x"))
        );
        assert!(entry_path(Path::new("/etc/passwd")).is_err());
        assert!(entry_path(Path::new("blobs/../../x")).is_err());
    }
}
