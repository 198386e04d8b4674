//! A layer for `append`, from a directory or a tar file: the uncompressed tar's sha256 is the
//! diff ID, and the tar is gzipped on every core (`compress`). A directory's tar is
//! deterministic: entries in sorted order (each directory before what it holds), owner 0:0
//! with no user or group names, and every time set to `SOURCE_DATE_EPOCH` (0 when unset)
//! unless the caller keeps the files' own times (then clamped to `SOURCE_DATE_EPOCH`, as
//! reproducible-builds.org asks). So the same input gives the same digest on any machine.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::formats::compress::gzip_parallel;
use crate::oci::digest::{Algorithm, Digest, Hasher, hash_file};

#[derive(Debug, Error)]
pub enum LayerError {
    #[error("failed to {action} `{path}`")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{path}` is a {kind}, which a layer built from a directory does not hold")]
    Unsupported { path: PathBuf, kind: &'static str },
    #[error("`{0}` is zstd-compressed; give a plain or gzipped tar")]
    Zstd(PathBuf),
}

impl crate::kind::Kind for LayerError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            LayerError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                crate::kind::ErrorKind::NotFound
            }
            LayerError::Io { .. } => crate::kind::ErrorKind::Other,
            LayerError::Unsupported { .. } | LayerError::Zstd(_) => crate::kind::ErrorKind::Usage,
        }
    }
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> LayerError + 'a {
    move |source| LayerError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// How a directory's entries get their times.
#[derive(Debug, Clone, Copy, Default)]
pub struct Times {
    /// Keep each file's modification time (clamped to `epoch` when set).
    pub keep: bool,
    /// `SOURCE_DATE_EPOCH`, in seconds.
    pub epoch: Option<u64>,
}

impl Times {
    fn of(&self, meta: &fs::Metadata) -> u64 {
        let own = || {
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs())
        };
        match (self.keep, self.epoch) {
            (true, Some(e)) => own().min(e),
            (true, None) => own(),
            (false, e) => e.unwrap_or(0),
        }
    }
}

/// A gzipped layer written into a work directory.
#[derive(Debug)]
pub struct BuiltLayer {
    /// The gzipped tar.
    pub path: PathBuf,
    pub digest: Digest,
    pub size: u64,
    /// The sha256 of the uncompressed tar.
    pub diff_id: Digest,
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Builds a layer from the files under `dir` (paths in the layer are relative to it), in
/// `work`.
pub fn from_dir(dir: &Path, work: &Path, times: Times) -> Result<BuiltLayer, LayerError> {
    let meta = fs::metadata(dir).map_err(io_err("read", dir))?;
    if !meta.is_dir() {
        return Err(LayerError::Io {
            action: "read the directory",
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    let tar_path = work.join("layer.tar");
    let file = File::create(&tar_path).map_err(io_err("create", &tar_path))?;
    let mut builder = tar::Builder::new(Hashing {
        inner: BufWriter::with_capacity(1 << 20, file),
        hasher: Hasher::new(Algorithm::Sha256),
    });
    builder.follow_symlinks(false);
    add_dir(&mut builder, dir, Path::new(""), times)?;
    let hashing = builder.into_inner().map_err(io_err("write", &tar_path))?;
    let diff_id = hashing.hasher.finish();
    hashing
        .inner
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| f.sync_data())
        .map_err(io_err("write", &tar_path))?;
    let gz = work.join("layer.tar.gz");
    let (digest, size) = gzip_parallel(&tar_path, &gz).map_err(io_err("compress", &tar_path))?;
    let _ = fs::remove_file(&tar_path);
    Ok(BuiltLayer {
        path: gz,
        digest,
        size,
        diff_id,
    })
}

/// Adds what `dir` holds, sorted by name, each directory before its contents.
fn add_dir<W: Write>(
    builder: &mut tar::Builder<W>,
    dir: &Path,
    rel: &Path,
    times: Times,
) -> Result<(), LayerError> {
    let here = dir.join(rel);
    let mut names: Vec<_> = fs::read_dir(&here)
        .map_err(io_err("read", &here))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .map_err(io_err("read", &here))?;
    names.sort();
    for name in names {
        let rel = rel.join(&name);
        let path = dir.join(&rel);
        let meta = fs::symlink_metadata(&path).map_err(io_err("read", &path))?;
        let ft = meta.file_type();
        let mut h = tar::Header::new_gnu();
        h.set_mtime(times.of(&meta));
        h.set_mode(mode(&meta));
        h.set_uid(0);
        h.set_gid(0);
        if ft.is_dir() {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            // `dir/`, as tar and docker write directories.
            builder
                .append_data(&mut h, rel.join(""), io::empty())
                .map_err(io_err("write an entry for", &path))?;
            add_dir(builder, dir, &rel, times)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&path).map_err(io_err("read the link", &path))?;
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            builder
                .append_link(&mut h, &rel, &target)
                .map_err(io_err("write an entry for", &path))?;
        } else if ft.is_file() {
            let f = File::open(&path).map_err(io_err("read", &path))?;
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(meta.len());
            // `take` keeps the entry exactly as long as its header says, should the file
            // grow while it is read.
            builder
                .append_data(&mut h, &rel, f.take(meta.len()))
                .map_err(io_err("write an entry for", &path))?;
        } else {
            return Err(LayerError::Unsupported {
                path,
                kind: "special file (a device, FIFO or socket)",
            });
        }
    }
    Ok(())
}

#[cfg(unix)]
fn mode(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(meta: &fs::Metadata) -> u32 {
    if meta.is_dir() { 0o755 } else { 0o644 }
}

/// Builds a layer from a tar file: a gzipped one is used as it is (its diff ID read through
/// a decompressor), a plain one is gzipped.
pub fn from_tar(input: &Path, work: &Path) -> Result<BuiltLayer, LayerError> {
    let mut magic = [0u8; 4];
    let mut f = File::open(input).map_err(io_err("read", input))?;
    let n = read_up_to(&mut f, &mut magic).map_err(io_err("read", input))?;
    let magic = &magic[..n];
    if magic == [0x28, 0xb5, 0x2f, 0xfd] {
        return Err(LayerError::Zstd(input.to_path_buf()));
    }
    if magic.starts_with(&[0x1f, 0x8b]) {
        let gz = work.join("layer.tar.gz");
        fs::copy(input, &gz).map_err(io_err("copy", input))?;
        let (digest, size) = hash_file(&gz, Algorithm::Sha256).map_err(io_err("read", &gz))?;
        let mut hashing = Hashing {
            inner: io::sink(),
            hasher: Hasher::new(Algorithm::Sha256),
        };
        let file = File::open(&gz).map_err(io_err("read", &gz))?;
        io::copy(
            &mut flate2::read::MultiGzDecoder::new(io::BufReader::new(file)),
            &mut hashing,
        )
        .map_err(io_err("decompress", input))?;
        return Ok(BuiltLayer {
            path: gz,
            digest,
            size,
            diff_id: hashing.hasher.finish(),
        });
    }
    let (diff_id, _) = hash_file(input, Algorithm::Sha256).map_err(io_err("read", input))?;
    let gz = work.join("layer.tar.gz");
    let (digest, size) = gzip_parallel(input, &gz).map_err(io_err("compress", input))?;
    Ok(BuiltLayer {
        path: gz,
        digest,
        size,
        diff_id,
    })
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_gives_the_same_layer_twice_whatever_its_times() {
        let src = tempfile::tempdir().expect("tempdir");
        fs::create_dir_all(src.path().join("b/c")).expect("mkdir");
        fs::write(src.path().join("b/c/f"), b"hello").expect("write");
        fs::write(src.path().join("a"), b"x").expect("write");
        let one = tempfile::tempdir().expect("tempdir");
        let first = from_dir(src.path(), one.path(), Times::default()).expect("layer");
        // Newer times change nothing unless asked to keep them.
        let later = std::time::SystemTime::now();
        File::options()
            .write(true)
            .open(src.path().join("a"))
            .and_then(|f| f.set_modified(later))
            .expect("touch");
        let two = tempfile::tempdir().expect("tempdir");
        let second = from_dir(src.path(), two.path(), Times::default()).expect("layer");
        assert_eq!(first.digest, second.digest);
        assert_eq!(first.diff_id, second.diff_id);
        let gz = fs::read(&first.path).expect("read");
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .expect("gunzip");
        assert_eq!(Digest::sha256_of(&plain), first.diff_id);
        let names: Vec<String> = tar::Archive::new(&plain[..])
            .entries()
            .expect("entries")
            .map(|e| {
                e.expect("entry")
                    .path()
                    .expect("path")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a", "b/", "b/c/", "b/c/f"]);
    }

    #[test]
    fn a_gzipped_tar_is_used_as_it_is() {
        let dir = tempfile::tempdir().expect("tempdir");
        let plain = b"not really a tar, but the bytes are what counts".repeat(100);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&plain).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let input = dir.path().join("in.tar.gz");
        fs::write(&input, &gz).expect("write");
        let work = tempfile::tempdir().expect("tempdir");
        let built = from_tar(&input, work.path()).expect("layer");
        assert_eq!(fs::read(&built.path).expect("read"), gz);
        assert_eq!(built.digest, Digest::sha256_of(&gz));
        assert_eq!(built.diff_id, Digest::sha256_of(&plain));
        fs::write(&input, [0x28, 0xb5, 0x2f, 0xfd, 0]).expect("write");
        assert!(matches!(
            from_tar(&input, work.path()),
            Err(LayerError::Zstd(_))
        ));
    }
}
