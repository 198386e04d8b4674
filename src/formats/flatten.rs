//! An image's merged filesystem as one tar, for `export` (as `docker export` and `crane
//! export` write it). Layers are read top first, each streamed through its decompressor and
//! never held in memory: an entry is written when no upper layer has written the same path,
//! deleted it (a `.wh.NAME` whiteout), made a directory above it opaque (`.wh..wh..opq`) or
//! put a non-directory where one of its parent directories was. A whiteout hides what lower
//! layers hold, never what its own layer holds (OCI image-spec, layer.md "Whiteouts").
//!
//! A hard link whose target is not written yet (it lives in a lower layer) is written at the
//! end, after everything it can link to, so the tar extracts.
//!
//! Entry names that would leave the root (absolute, or with a `..` component), and hard links
//! whose target would, are refused: the export fails naming the entry rather than writing a
//! tar that extracts outside its directory, or silently lacks files the image holds.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};

use thiserror::Error;

use crate::oci::digest::Digest;

const WHITEOUT: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";

#[derive(Debug, Error)]
pub enum FlattenError {
    #[error("layer {layer} holds `{name}`, which would escape the filesystem's root")]
    Escape { layer: Digest, name: String },
    #[error("layer {0} is zstd-compressed, which export does not read yet")]
    Zstd(Digest),
    #[error("failed to read layer {layer}")]
    Read {
        layer: Digest,
        #[source]
        source: io::Error,
    },
    #[error("failed to write the tar")]
    Write(#[source] io::Error),
}

impl crate::kind::Kind for FlattenError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            FlattenError::Escape { .. } | FlattenError::Zstd(_) => crate::kind::ErrorKind::Usage,
            _ => crate::kind::ErrorKind::Other,
        }
    }
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Flattened {
    pub entries: u64,
    /// Lower-layer entries left out because an upper layer deleted or replaced them.
    pub hidden: u64,
}

/// What the layers above the current one did to the tree.
#[derive(Default)]
struct Upper {
    written: HashSet<String>,
    /// Written as something other than a directory: nothing below them survives.
    non_dirs: HashSet<String>,
    deleted: HashSet<String>,
    opaque: HashSet<String>,
}

impl Upper {
    fn hides(&self, path: &str) -> bool {
        if self.written.contains(path) || self.deleted.contains(path) {
            return true;
        }
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            let parent = &path[..at + i];
            if self.deleted.contains(parent)
                || self.opaque.contains(parent)
                || self.non_dirs.contains(parent)
            {
                return true;
            }
            at += i + 1;
        }
        false
    }
}

/// The path inside the root, `/`-separated without a leading `./`, or `None` when it would
/// leave the root. The root itself is the empty string.
fn inside(name: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in name.components() {
        match c {
            Component::CurDir => {}
            Component::Normal(p) => parts.push(p.to_str()?.to_string()),
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// Opens a layer blob (as stored or served, compressed or not) by its digest.
pub type Opener<'a> = dyn FnMut(&Digest) -> io::Result<Box<dyn Read>> + 'a;

/// A layer blob from a file (the local store, whose blobs were verified when written).
pub fn open_file(path: PathBuf) -> io::Result<Box<dyn Read>> {
    Ok(Box::new(File::open(path)?))
}

/// Writes the merged tree of `layers` (bottom layer first), each read through `open`, to
/// `out`. Each layer is read to its end, so a reader that checks a digest there does.
pub fn flatten<W: Write>(
    layers: &[Digest],
    open: &mut Opener<'_>,
    out: W,
) -> Result<Flattened, FlattenError> {
    let mut builder = tar::Builder::new(out);
    let mut upper = Upper::default();
    let mut report = Flattened::default();
    let mut deferred: Vec<(tar::Header, String, String)> = Vec::new();
    for digest in layers.iter().rev() {
        let read = |source| FlattenError::Read {
            layer: digest.clone(),
            source,
        };
        let reader = open_layer(digest, open(digest).map_err(read)?)?;
        let mut archive = tar::Archive::new(reader);
        let mut deleted = Vec::new();
        let mut opaque = Vec::new();
        for entry in archive.entries().map_err(read)? {
            let mut entry = entry.map_err(read)?;
            // A pax global header (`docker save` layers often open with one) describes the
            // archive, not a file: it is no part of the tree.
            if entry.header().entry_type() == tar::EntryType::XGlobalHeader {
                continue;
            }
            let raw = entry.path().map_err(read)?.into_owned();
            let escape = || FlattenError::Escape {
                layer: digest.clone(),
                name: raw.display().to_string(),
            };
            let name = inside(&raw).ok_or_else(escape)?;
            if name.is_empty() {
                continue;
            }
            let (parent, base) = match name.rsplit_once('/') {
                Some((p, b)) => (p, b),
                None => ("", name.as_str()),
            };
            if base == OPAQUE {
                opaque.push(parent.to_string());
                continue;
            }
            if let Some(gone) = base.strip_prefix(WHITEOUT) {
                deleted.push(if parent.is_empty() {
                    gone.to_string()
                } else {
                    format!("{parent}/{gone}")
                });
                continue;
            }
            if upper.hides(&name) {
                report.hidden += 1;
                continue;
            }
            let mut header = entry.header().clone();
            let kind = header.entry_type();
            match kind {
                tar::EntryType::Link | tar::EntryType::Symlink => {
                    let target = entry
                        .link_name()
                        .map_err(read)?
                        .map(|t| t.into_owned())
                        .unwrap_or_default();
                    // A hard link names a path in the archive; a symlink's target is only
                    // text in the entry (resolved inside the container), so it may be
                    // absolute.
                    if kind == tar::EntryType::Link {
                        let target = inside(&target).ok_or_else(escape)?;
                        if !upper.written.contains(&target) {
                            // Its target comes later in this tar (from a lower layer, or
                            // further on in this one): a hard link must follow what it
                            // links to, or extracting it fails.
                            deferred.push((header, name.clone(), target));
                            report.entries += 1;
                            upper.non_dirs.insert(name.clone());
                            upper.written.insert(name);
                            continue;
                        }
                        builder
                            .append_link(&mut header, &name, &target)
                            .map_err(FlattenError::Write)?;
                    } else {
                        builder
                            .append_link(&mut header, &name, &target)
                            .map_err(FlattenError::Write)?;
                    }
                }
                _ => {
                    builder
                        .append_data(&mut header, &name, &mut entry)
                        .map_err(|e| match e.kind() {
                            // The reader (the layer) failing comes back through the writer.
                            io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => read(e),
                            _ => FlattenError::Write(e),
                        })?;
                }
            }
            report.entries += 1;
            if !kind.is_dir() {
                upper.non_dirs.insert(name.clone());
            }
            upper.written.insert(name);
        }
        // The rest of the layer (tar padding, the gzip trailer): a digest is checked at the
        // end of the blob.
        io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(read)?;
        upper.deleted.extend(deleted);
        upper.opaque.extend(opaque);
    }
    for (mut header, name, target) in deferred {
        builder
            .append_link(&mut header, &name, &target)
            .map_err(FlattenError::Write)?;
    }
    builder
        .into_inner()
        .and_then(|mut w| w.flush())
        .map_err(FlattenError::Write)?;
    Ok(report)
}

/// A layer blob as a plain tar stream: gunzipped when it is gzip, refused when zstd.
fn open_layer(digest: &Digest, blob: Box<dyn Read>) -> Result<Box<dyn Read>, FlattenError> {
    let read = |source| FlattenError::Read {
        layer: digest.clone(),
        source,
    };
    let mut file = BufReader::with_capacity(1 << 20, blob);
    let magic = io::BufRead::fill_buf(&mut file).map_err(read)?;
    if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return Err(FlattenError::Zstd(digest.clone()));
    }
    if magic.starts_with(&[0x1f, 0x8b]) {
        return Ok(Box::new(flate2::read::MultiGzDecoder::new(file)));
    }
    Ok(Box::new(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_root_are_refused() {
        assert_eq!(inside(Path::new("./a/b/")).as_deref(), Some("a/b"));
        assert_eq!(inside(Path::new("./")).as_deref(), Some(""));
        assert_eq!(inside(Path::new("../x")), None);
        assert_eq!(inside(Path::new("a/../../x")), None);
        assert_eq!(inside(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn upper_layers_hide_deleted_opaque_and_replaced_paths() {
        let mut u = Upper::default();
        u.deleted.insert("gone".into());
        u.opaque.insert("dir".into());
        u.non_dirs.insert("file".into());
        u.written.insert("dir".into());
        assert!(u.hides("gone"));
        assert!(u.hides("gone/below"));
        assert!(u.hides("dir/old"));
        assert!(u.hides("dir"));
        assert!(u.hides("file/x"));
        assert!(!u.hides("gonex"));
        assert!(!u.hides("other/dir/x"));
    }
}
