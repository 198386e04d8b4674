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

/// Where a link entry points, as a path relative to the archive root, or why it is refused.
/// Symlink targets are relative to the link's directory; hard-link targets to the root.
fn link_target(link: &Path, target: &Path, hard: bool) -> Result<PathBuf, &'static str> {
    if target.is_absolute() {
        return Err("it links to an absolute path, outside the archive");
    }
    let mut out = if hard {
        PathBuf::new()
    } else {
        link.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    for c in target.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return Err("it links outside the archive");
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err("it links to an absolute path, outside the archive");
            }
        }
    }
    Ok(out)
}

/// Extracts regular files and directories of `reader` (a tar stream) under `dest`. Links are
/// allowed only to files inside the archive (skopeo's docker-archives use them); they become
/// hard links (or copies) of their targets once everything is extracted.
pub fn extract(reader: impl Read, dest: &Path) -> Result<(), ArchiveError> {
    let mut archive = tar::Archive::new(reader);
    let mut seen = HashSet::new();
    let mut links: Vec<(PathBuf, PathBuf, String)> = Vec::new();
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
            let target = entry
                .link_name()
                .map_err(ArchiveError::Corrupt)?
                .ok_or_else(|| refuse("it is a link without a target"))?
                .into_owned();
            let to = link_target(&rel, &target, kind.is_hard_link()).map_err(refuse)?;
            if !seen.insert(rel.clone()) {
                return Err(ArchiveError::Duplicate(shown));
            }
            links.push((rel, to, shown.clone()));
            continue;
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
    // Links last, so their targets exist; a link to a link resolves in a later round.
    let mut pending = links;
    while !pending.is_empty() {
        let before = pending.len();
        let mut later = Vec::new();
        for (link, to, shown) in pending {
            let source = dest.join(&to);
            if !source.is_file() {
                later.push((link, to, shown));
                continue;
            }
            let path = dest.join(&link);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|source| ArchiveError::Write {
                    path: parent.to_path_buf(),
                    source,
                })?;
            }
            if fs::hard_link(&source, &path).is_err() {
                fs::copy(&source, &path).map_err(|source| ArchiveError::Write {
                    path: path.clone(),
                    source,
                })?;
            }
        }
        if later.len() == before {
            let (_, _, shown) = &later[0];
            return Err(ArchiveError::Entry {
                entry: shown.clone(),
                reason: "it links to a file that is not in the archive",
            });
        }
        pending = later;
    }
    Ok(())
}

impl crate::kind::Kind for ArchiveError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            ArchiveError::Write { .. } => crate::kind::ErrorKind::Other,
            _ => crate::kind::ErrorKind::Usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_stay_inside() {
        let l = Path::new("abc/layer.tar");
        assert_eq!(
            link_target(l, Path::new("../def.tar"), false),
            Ok(PathBuf::from("def.tar"))
        );
        assert!(link_target(l, Path::new("../../x"), false).is_err());
        assert!(link_target(l, Path::new("/etc/passwd"), false).is_err());
        assert_eq!(
            link_target(l, Path::new("def.tar"), true),
            Ok(PathBuf::from("def.tar"))
        );
        assert!(link_target(l, Path::new("../x"), true).is_err());
    }

    /// A tar in memory: (path, kind, data or link target).
    fn tar_of(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (path, kind, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(*kind);
            h.set_mode(0o644);
            if kind.is_symlink() || kind.is_hard_link() {
                h.set_size(0);
                b.append_link(&mut h, path, std::str::from_utf8(data).expect("utf8"))
                    .expect("link");
            } else {
                h.set_size(data.len() as u64);
                b.append_data(&mut h, path, *data).expect("entry");
            }
        }
        b.into_inner().expect("tar")
    }

    fn extract_tar(tar: &[u8]) -> (tempfile::TempDir, Result<(), ArchiveError>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let r = extract(tar, dir.path());
        (dir, r)
    }

    use tar::EntryType as T;

    /// Files, directories and links that stay inside come out, links as their targets.
    #[test]
    fn extracts_files_dirs_and_links() {
        let tar = tar_of(&[
            ("d/", T::Directory, b""),
            ("d/a.tar", T::Regular, b"layer a"),
            ("e/b.tar", T::Symlink, b"../d/a.tar"),
            ("c.tar", T::Link, b"d/a.tar"),
            ("f.tar", T::Symlink, b"e/b.tar"),
        ]);
        let (dir, r) = extract_tar(&tar);
        r.expect("extract");
        for p in ["d/a.tar", "e/b.tar", "c.tar", "f.tar"] {
            assert_eq!(
                std::fs::read(dir.path().join(p)).ok().as_deref(),
                Some(&b"layer a"[..]),
                "{p}"
            );
        }
    }

    #[test]
    fn refuses_devices_pipes_duplicates_and_dangling_links() {
        let refused = |entries: &[(&str, tar::EntryType, &[u8])], why: &str| {
            let (_dir, r) = extract_tar(&tar_of(entries));
            let e = r.expect_err(why);
            assert!(
                e.to_string().contains(why) || format!("{e:?}").contains(why),
                "{why}: {e:?}"
            );
        };
        refused(&[("p", T::Fifo, b"")], "device files and pipes");
        refused(&[("c", T::Char, b"")], "device files and pipes");
        refused(&[("b", T::Block, b"")], "device files and pipes");
        refused(
            &[("a", T::Regular, b"1"), ("a", T::Regular, b"2")],
            "Duplicate",
        );
        refused(
            &[
                ("a", T::Symlink, b"x"),
                ("a", T::Symlink, b"y"),
                ("x", T::Regular, b""),
            ],
            "Duplicate",
        );
        refused(&[("a", T::Symlink, b"missing")], "not in the archive");
        refused(
            &[("a", T::Symlink, b"../../etc/passwd")],
            "outside the archive",
        );
    }

    /// A body cut short is a corrupt archive (bad input), not a failed write.
    #[test]
    fn a_truncated_entry_is_corrupt() {
        let tar = tar_of(&[("a", T::Regular, &[7u8; 2000])]);
        let (_dir, r) = extract_tar(&tar[..1024]);
        assert!(matches!(r, Err(ArchiveError::Corrupt(_))), "{r:?}");
    }

    /// A reader that fails mid-entry with InvalidData (what a corrupt gzip stream gives) is
    /// a corrupt archive, not a failed write.
    #[test]
    fn a_read_error_inside_an_entry_is_corrupt() {
        struct FailsAfter(std::io::Cursor<Vec<u8>>, u64);
        impl Read for FailsAfter {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.position() >= self.1 {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "corrupt deflate stream",
                    ));
                }
                let room = (self.1 - self.0.position()) as usize;
                let n = buf.len().min(room);
                self.0.read(&mut buf[..n])
            }
        }
        let tar = tar_of(&[("a", T::Regular, &[7u8; 4000])]);
        let dir = tempfile::tempdir().expect("tempdir");
        let r = extract(FailsAfter(std::io::Cursor::new(tar), 1000), dir.path());
        assert!(matches!(r, Err(ArchiveError::Corrupt(_))), "{r:?}");
    }

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
