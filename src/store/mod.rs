//! The local image store: an OCI image layout (`oci-layout`, `index.json`, `blobs/ALG/HEX`)
//! that skopeo (`oci:STORE:NAME`) and umoci (`STORE:NAME`) read directly. A tag is an
//! `index.json` entry whose `org.opencontainers.image.ref.name` is the fully qualified name.
//!
//! Concurrency: `index.json` is only ever replaced by rename while holding `index.lock`, and
//! anything that writes blobs holds `gc.lock` shared so `prune` (exclusive) cannot delete a
//! blob that a pull has written but not yet tagged. This module never prints.
//!
//! This file opens the store and holds its paths, locks and blob access; the rest is one job
//! a file: writing a blob (`blobs`), the names in `index.json` (`index`), where blobs came
//! from (`sources`), resumable uploads (`uploads`), `prune` (`gc`), and what of an image the
//! store holds (`presence`).

mod blobs;
mod gc;
mod index;
mod presence;
mod ranged;
mod referrers;
mod sources;
mod uploads;

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

pub use blobs::BlobWriter;
pub use gc::GcStats;
pub use index::{Entry, LayoutIndex};
pub use presence::Child;
pub use ranged::RangedWriter;
pub use referrers::StoredReferrer;

use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, OCI_LAYOUT_VERSION, Parsed};

/// Where blobs are written before they are verified and renamed into `blobs/`, and where
/// archives are extracted: inside the store, so a rename (never a copy) puts a blob in place.
const INGEST: &str = "ingest";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("failed to {action} `{path}`")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a valid OCI image layout index: {source}")]
    BadIndex {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("blob {expected} does not match its digest: the content hashes to {actual}")]
    DigestMismatch { expected: Digest, actual: Digest },
    #[error("blob {digest} is {actual} bytes, but its descriptor says {expected}")]
    SizeMismatch {
        digest: Digest,
        expected: u64,
        actual: u64,
    },
    #[error("blob {digest} is larger than the {expected} bytes its descriptor says")]
    TooLarge { digest: Digest, expected: u64 },
    #[error("blob {0} is not in the local store")]
    MissingBlob(Digest),
    #[error(
        "`{0}` is not an OCI image layout, and it is not empty: refusing to use it as the local store"
    )]
    NotALayout(PathBuf),
    #[error("manifest {digest} in the local store is unreadable: {source}")]
    BadManifest {
        digest: Digest,
        #[source]
        source: manifest::ManifestError,
    },
}

impl crate::kind::Kind for StoreError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            StoreError::MissingBlob(_) => crate::kind::ErrorKind::NotFound,
            StoreError::NotALayout(_) => crate::kind::ErrorKind::Usage,
            _ => crate::kind::ErrorKind::Other,
        }
    }
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Held while writing blobs that are not tagged yet; see the module comment.
pub struct UseGuard {
    _file: File,
}

#[derive(Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens the store at `root`, creating an empty layout on first use.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        Self::open_or_create(root)
    }

    /// Opens the store at `root` to read it, creating nothing: a missing or empty directory
    /// reads as an empty store (see [`Store::exists`]). A directory holding anything else is
    /// refused, so `--store /etc` never reads or writes there.
    pub fn open_existing(root: &Path) -> Result<Self, StoreError> {
        check_layout(root)?;
        Ok(Store {
            root: root.to_path_buf(),
        })
    }

    /// Opens the store at `root` to write it, creating an empty layout in a missing or empty
    /// directory; a directory holding anything else is refused.
    pub fn open_or_create(root: &Path) -> Result<Self, StoreError> {
        check_layout(root)?;
        let store = Store {
            root: root.to_path_buf(),
        };
        for dir in [
            root.to_path_buf(),
            root.join("blobs").join("sha256"),
            root.join("blobs").join("sha512"),
            store.ingest_dir(),
        ] {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
        }
        let layout = root.join("oci-layout");
        if !layout.exists() {
            let body = format!("{{\"imageLayoutVersion\":\"{OCI_LAYOUT_VERSION}\"}}");
            store.write_atomic(&layout, body.as_bytes())?;
        }
        if !root.join("index.json").exists() {
            let _lock = store.lock_index()?;
            if !root.join("index.json").exists() {
                store.write_index(&LayoutIndex::default())?;
            }
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether a layout is there: false for a store opened with [`Store::open_existing`] in a
    /// missing or empty directory.
    pub fn exists(&self) -> bool {
        self.root.join("oci-layout").is_file()
    }

    /// The store's scratch area (see [`INGEST`]): temporary and partial blobs, extracted
    /// archives, upload records. `prune` empties it.
    pub fn ingest_dir(&self) -> PathBuf {
        self.root.join(INGEST)
    }

    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root
            .join("blobs")
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// Whether the blob is present with the expected size. Blobs only land after
    /// verification, so presence means verified.
    pub fn has_blob(&self, digest: &Digest, size: Option<u64>) -> bool {
        match fs::metadata(self.blob_path(digest)) {
            Ok(m) => m.is_file() && size.is_none_or(|s| s == m.len()),
            Err(_) => false,
        }
    }

    /// Starts writing a blob that must hash to `digest` (and be `size` bytes, when known).
    pub fn blob_writer(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<BlobWriter, StoreError> {
        BlobWriter::new(
            &self.ingest_dir(),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    /// Starts or continues a download of `digest` in its resumable partial file.
    pub fn resume_writer(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<BlobWriter, StoreError> {
        BlobWriter::resume(
            &self.ingest_dir(),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    /// Starts a download of `digest` written at offsets (parallel ranges), in a file of its
    /// own.
    pub fn ranged_writer(&self, digest: &Digest, size: u64) -> Result<RangedWriter, StoreError> {
        RangedWriter::open(
            &self.ingest_dir(),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    /// How many bytes an earlier, broken sequential download of `digest` left to resume.
    pub fn partial_len(&self, digest: &Digest) -> u64 {
        blobs::partial_len(&self.ingest_dir(), digest)
    }

    /// Moves a file that is already inside the store (under `ingest/`) into place as a blob,
    /// after checking it hashes to `digest`. Used for archives extracted into the store, so a
    /// layer is never copied twice.
    pub fn adopt(&self, path: &Path, digest: &Digest) -> Result<u64, StoreError> {
        let (actual, size) = crate::oci::digest::hash_file(path, digest.algorithm())
            .map_err(|e| StoreError::io("read", path, e))?;
        if actual != *digest {
            return Err(StoreError::DigestMismatch {
                expected: digest.clone(),
                actual,
            });
        }
        let target = self.blob_path(digest);
        if !self.has_blob(digest, Some(size)) {
            File::open(path)
                .and_then(|f| f.sync_data())
                .map_err(|e| StoreError::io("sync", path, e))?;
            fs::rename(path, &target)
                .map_err(|e| StoreError::io("move a blob into", &target, e))?;
        }
        Ok(size)
    }

    /// Like [`Store::adopt`] for a file the caller has just hashed itself.
    pub fn adopt_verified(&self, path: &Path, digest: &Digest) -> Result<(), StoreError> {
        let target = self.blob_path(digest);
        File::open(path)
            .and_then(|f| f.sync_data())
            .map_err(|e| StoreError::io("sync", path, e))?;
        fs::rename(path, &target).map_err(|e| StoreError::io("move a blob into", &target, e))
    }

    /// Stores a small blob (a manifest or config) already in memory.
    pub fn put_blob(&self, digest: &Digest, data: &[u8]) -> Result<(), StoreError> {
        if self.has_blob(digest, Some(data.len() as u64)) {
            return Ok(());
        }
        let mut w = self.blob_writer(digest, Some(data.len() as u64))?;
        w.write(data)?;
        w.commit().map(|_| ())
    }

    pub fn open_blob(&self, digest: &Digest) -> Result<File, StoreError> {
        let path = self.blob_path(digest);
        if !path.exists() {
            return Err(StoreError::MissingBlob(digest.clone()));
        }
        blobs::open(&path)
    }

    /// Reads a blob into memory, refusing anything larger than `cap` bytes.
    pub fn read_blob(&self, digest: &Digest, cap: u64) -> Result<Vec<u8>, StoreError> {
        let path = self.blob_path(digest);
        let f = self.open_blob(digest)?;
        let mut buf = Vec::new();
        f.take(cap + 1)
            .read_to_end(&mut buf)
            .map_err(|e| StoreError::io("read", &path, e))?;
        if buf.len() as u64 > cap {
            return Err(StoreError::TooLarge {
                digest: digest.clone(),
                expected: cap,
            });
        }
        Ok(buf)
    }

    /// Reads and parses a manifest or index blob.
    pub fn read_manifest(&self, desc: &Descriptor) -> Result<(Vec<u8>, Parsed), StoreError> {
        let bytes = self.read_blob(&desc.digest, manifest::MAX_MANIFEST_BYTES)?;
        let (_, parsed) = manifest::parse(&bytes, Some(&desc.media_type)).map_err(|source| {
            StoreError::BadManifest {
                digest: desc.digest.clone(),
                source,
            }
        })?;
        Ok((bytes, parsed))
    }

    /// Takes the shared lock that keeps `prune` away while untagged blobs are being written.
    pub fn use_guard(&self) -> Result<UseGuard, StoreError> {
        let path = self.root.join("gc.lock");
        let file = open_lock_file(&path)?;
        file.lock_shared()
            .map_err(|e| StoreError::io("lock", &path, e))?;
        Ok(UseGuard { _file: file })
    }

    /// Writes `path` through a synced temporary file and a rename, so a reader (or a crash)
    /// sees the old content or the new, never half of it.
    fn write_atomic(&self, path: &Path, body: &[u8]) -> Result<(), StoreError> {
        let dir = path.parent().unwrap_or(&self.root);
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(dir)
            .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
        tmp.write_all(body)
            .and_then(|()| tmp.as_file().sync_data())
            .map_err(|e| StoreError::io("write", tmp.path(), e))?;
        tmp.persist(path)
            .map_err(|e| StoreError::io("replace", path, e.error))?;
        Ok(())
    }

    fn lock_index(&self) -> Result<File, StoreError> {
        let path = self.root.join("index.lock");
        let file = open_lock_file(&path)?;
        file.lock().map_err(|e| StoreError::io("lock", &path, e))?;
        Ok(file)
    }
}

/// A store directory must be missing, empty, or an OCI layout (it has `oci-layout`). One that
/// holds only what creating a store makes first counts as empty: a creation cut short (a
/// kill -9) must not lock the user out of their own store.
fn check_layout(root: &Path) -> Result<(), StoreError> {
    const OURS: &[&str] = &[
        "blobs",
        INGEST,
        "index.json",
        "index.lock",
        "gc.lock",
        sources::SOURCES,
    ];
    if root.join("oci-layout").is_file() {
        return Ok(());
    }
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io("read", root, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io("read", root, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(OURS.contains(&name.as_ref()) || name.starts_with(".tmp-")) {
            return Err(StoreError::NotALayout(root.to_path_buf()));
        }
    }
    Ok(())
}

fn open_lock_file(path: &Path) -> Result<File, StoreError> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| StoreError::io("open", path, e))
}
