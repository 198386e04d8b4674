//! The local image store: an OCI image layout (`oci-layout`, `index.json`, `blobs/ALG/HEX`)
//! that skopeo (`oci:STORE:NAME`) and umoci (`STORE:NAME`) read directly. A tag is an
//! `index.json` entry whose `org.opencontainers.image.ref.name` is the fully qualified name.
//!
//! Concurrency: `index.json` is only ever replaced by rename while holding `index.lock`, and
//! anything that writes blobs holds `gc.lock` shared so `prune` (exclusive) cannot delete a
//! blob that a pull has written but not yet tagged. This module never prints.

mod blobs;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use blobs::BlobWriter;

/// Which repositories hold which blobs, for cross-repository mounts.
const SOURCES: &str = "sources.log";

use crate::digest::{Algorithm, Digest};
use crate::manifest::{self, Descriptor, OCI_INDEX, OCI_LAYOUT_VERSION, Parsed, REF_NAME};

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

/// `index.json` as this store writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayoutIndex {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Default for LayoutIndex {
    fn default() -> Self {
        Self {
            schema_version: 2,
            media_type: Some(OCI_INDEX.to_string()),
            manifests: Vec::new(),
            annotations: BTreeMap::new(),
        }
    }
}

/// One tagged image in the store.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The fully qualified name from the `ref.name` annotation.
    pub name: String,
    pub descriptor: Descriptor,
}

/// What `prune` removed.
#[derive(Debug, Default)]
pub struct GcStats {
    pub removed: usize,
    pub bytes: u64,
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
            root.join("ingest"),
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
            &self.root.join("ingest"),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    /// Moves a file that is already inside the store (under `ingest/`) into place as a blob,
    /// after checking it hashes to `digest`. Used for archives extracted into the store, so a
    /// layer is never copied twice.
    pub fn adopt(&self, path: &Path, digest: &Digest) -> Result<u64, StoreError> {
        let (actual, size) = crate::digest::hash_file(path, digest.algorithm())
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

    /// Starts or continues a download of `digest` in its resumable partial file.
    pub fn resume_writer(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<BlobWriter, StoreError> {
        BlobWriter::resume(
            &self.root.join("ingest"),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    /// Remembers that `registry/repo` holds these blobs, so a later push to another
    /// repository of the same registry can mount them instead of uploading. The record is one
    /// append-only file of `DIGEST NAME` lines: a pull adds what is new in one write.
    pub fn record_sources(&self, name: &str, digests: &[Digest]) {
        let known = self.source_map();
        let new: String = digests
            .iter()
            .filter(|d| {
                !known
                    .get(*d)
                    .is_some_and(|names| names.iter().any(|n| n == name))
            })
            .map(|d| format!("{d} {name}\n"))
            .collect();
        if new.is_empty() {
            return;
        }
        let path = self.root.join(SOURCES);
        // One write with O_APPEND: concurrent writers do not interleave within it.
        if let Ok(mut f) = fs::OpenOptions::new().create(true).append(true).open(&path) {
            let _ = f.write_all(new.as_bytes());
        }
    }

    /// Every recorded `registry/repo` per blob.
    pub fn source_map(&self) -> HashMap<Digest, Vec<String>> {
        let mut map: HashMap<Digest, Vec<String>> = HashMap::new();
        let Ok(text) = fs::read_to_string(self.root.join(SOURCES)) else {
            return map;
        };
        for line in text.lines() {
            let Some((d, name)) = line.split_once(' ') else {
                continue;
            };
            let Ok(d) = d.parse::<Digest>() else { continue };
            let names = map.entry(d).or_default();
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        map
    }

    /// Keeps the records of what a name still reaches, present or not: the platforms a
    /// sparse index only references are not in the store, and a push of that index finds
    /// them through these records.
    fn compact_sources(&self, keep: &BTreeSet<Digest>) -> Result<(), StoreError> {
        let map = self.source_map();
        let mut out = String::new();
        for (d, names) in map {
            if keep.contains(&d) || self.has_blob(&d, None) {
                for n in names {
                    out.push_str(&format!("{d} {n}\n"));
                }
            }
        }
        self.write_atomic(&self.root.join(SOURCES), out.as_bytes())
    }

    /// Where an interrupted chunked upload can continue: the session URL remembered for `key`
    /// (registry, repository and digest), so a later process picks it up.
    pub fn upload_record(&self, key: &str) -> Option<String> {
        fs::read_to_string(self.upload_record_path(key))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub fn save_upload_record(&self, key: &str, location: &str) {
        let path = self.upload_record_path(key);
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let _ = self.write_atomic(&path, location.as_bytes());
    }

    pub fn forget_upload_record(&self, key: &str) {
        let _ = fs::remove_file(self.upload_record_path(key));
    }

    fn upload_record_path(&self, key: &str) -> PathBuf {
        self.root
            .join("ingest")
            .join("uploads")
            .join(Digest::sha256_of(key.as_bytes()).hex())
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

    /// Every tagged entry, in `index.json` order.
    pub fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        Ok(self
            .read_index()?
            .manifests
            .into_iter()
            .filter_map(|d| {
                d.annotations.get(REF_NAME).cloned().map(|name| Entry {
                    name,
                    descriptor: d,
                })
            })
            .collect())
    }

    /// The entry named exactly `name` (a fully qualified reference string).
    pub fn get(&self, name: &str) -> Result<Option<Entry>, StoreError> {
        Ok(self.entries()?.into_iter().find(|e| e.name == name))
    }

    /// Points `name` at `desc`, replacing what it pointed at before.
    pub fn set_tag(&self, name: &str, desc: &Descriptor) -> Result<(), StoreError> {
        let _lock = self.lock_index()?;
        let mut index = self.read_index()?;
        let mut desc = desc.clone();
        desc.annotations
            .insert(REF_NAME.to_string(), name.to_string());
        index
            .manifests
            .retain(|d| d.annotations.get(REF_NAME).map(String::as_str) != Some(name));
        index.manifests.push(desc);
        self.write_index(&index)
    }

    /// Removes `name`; returns what it pointed at, if it existed.
    pub fn remove_tag(&self, name: &str) -> Result<Option<Descriptor>, StoreError> {
        let _lock = self.lock_index()?;
        let mut index = self.read_index()?;
        let pos = index
            .manifests
            .iter()
            .position(|d| d.annotations.get(REF_NAME).map(String::as_str) == Some(name));
        let removed = pos.map(|i| index.manifests.remove(i));
        if removed.is_some() {
            self.write_index(&index)?;
        }
        Ok(removed)
    }

    /// Takes the shared lock that keeps `prune` away while untagged blobs are being written.
    pub fn use_guard(&self) -> Result<UseGuard, StoreError> {
        let path = self.root.join("gc.lock");
        let file = open_lock_file(&path)?;
        file.lock_shared()
            .map_err(|e| StoreError::io("lock", &path, e))?;
        Ok(UseGuard { _file: file })
    }

    /// Deletes every blob no tag reaches, and stale temporary files in `ingest/`.
    pub fn gc(&self) -> Result<GcStats, StoreError> {
        let path = self.root.join("gc.lock");
        let gc_lock = open_lock_file(&path)?;
        gc_lock
            .lock()
            .map_err(|e| StoreError::io("lock", &path, e))?;
        let _index_lock = self.lock_index()?;
        let keep = self.reachable()?;
        let mut stats = GcStats::default();
        for alg in [Algorithm::Sha256, Algorithm::Sha512] {
            let dir = self.root.join("blobs").join(alg.as_str());
            let rd = match fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(StoreError::io("read", &dir, e)),
            };
            for entry in rd {
                let entry = entry.map_err(|e| StoreError::io("read", &dir, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let digest: Option<Digest> = format!("{}:{name}", alg.as_str()).parse().ok();
                if digest.is_some_and(|d| keep.contains(&d)) {
                    continue;
                }
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                fs::remove_file(entry.path())
                    .map_err(|e| StoreError::io("remove", &entry.path(), e))?;
                stats.removed += 1;
                stats.bytes += size;
            }
        }
        self.compact_sources(&keep)?;
        // Nobody holds the use lock now, so every temporary file is abandoned.
        let ingest = self.root.join("ingest");
        if let Ok(rd) = fs::read_dir(&ingest) {
            for entry in rd.flatten() {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(stats)
    }

    /// Every blob reachable from a tag: manifests, their configs and layers, index children.
    pub fn reachable(&self) -> Result<BTreeSet<Digest>, StoreError> {
        let mut keep = BTreeSet::new();
        let mut todo: Vec<Descriptor> = self.read_index()?.manifests;
        while let Some(desc) = todo.pop() {
            if !keep.insert(desc.digest.clone()) || !manifest::is_manifest_type(&desc.media_type) {
                continue;
            }
            match self.read_manifest(&desc) {
                Ok((_, Parsed::Image(m))) => {
                    keep.extend(m.blobs().map(|d| d.digest.clone()));
                    // A subject is the image an artifact refers to; keep what this store has.
                    if let Some(s) = m.subject {
                        keep.insert(s.digest);
                    }
                }
                Ok((_, Parsed::Index(i))) => todo.extend(i.manifests),
                // A missing child of a single-platform pull is expected; keep going.
                Err(StoreError::MissingBlob(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(keep)
    }

    /// The total size of an image: the manifest, and everything it references that the
    /// store holds.
    pub fn image_size(&self, desc: &Descriptor) -> u64 {
        let mut total = desc.size;
        match self.read_manifest(desc) {
            Ok((_, Parsed::Image(m))) => total += m.blobs().map(|d| d.size).sum::<u64>(),
            Ok((_, Parsed::Index(i))) => {
                for child in i.manifests {
                    if self.has_blob(&child.digest, Some(child.size)) {
                        total += self.image_size(&child);
                    }
                }
            }
            Err(_) => {}
        }
        total
    }

    pub fn read_index(&self) -> Result<LayoutIndex, StoreError> {
        let path = self.root.join("index.json");
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            // A store not created yet (see `open_existing`) holds nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.exists() => {
                return Ok(LayoutIndex::default());
            }
            Err(e) => return Err(StoreError::io("read", &path, e)),
        };
        serde_json::from_slice(&bytes).map_err(|source| StoreError::BadIndex { path, source })
    }

    fn write_index(&self, index: &LayoutIndex) -> Result<(), StoreError> {
        let path = self.root.join("index.json");
        let mut body = serde_json::to_vec_pretty(index).map_err(|source| StoreError::BadIndex {
            path: path.clone(),
            source,
        })?;
        body.push(b'\n');
        self.write_atomic(&path, &body)
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
        "ingest",
        "index.json",
        "index.lock",
        "gc.lock",
        SOURCES,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_writer_refuses_wrong_digest_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let want = Digest::sha256_of(b"hello");
        let mut w = store.blob_writer(&want, Some(5)).expect("writer");
        w.write(b"hellp").expect("write");
        assert!(matches!(w.commit(), Err(StoreError::DigestMismatch { .. })));
        assert!(!store.has_blob(&want, None));
        assert_eq!(
            fs::read_dir(dir.path().join("ingest"))
                .map(|r| r.count())
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn a_partial_download_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let data = b"hello, resumable world";
        let want = Digest::sha256_of(data);
        {
            let mut w = store
                .resume_writer(&want, Some(data.len() as u64))
                .expect("writer");
            w.write(&data[..10]).expect("write");
        } // dropped: the partial file stays
        let mut w = store
            .resume_writer(&want, Some(data.len() as u64))
            .expect("writer");
        assert_eq!(w.offset(), 10);
        w.write(&data[10..]).expect("write");
        assert_eq!(w.commit().expect("commit"), want);
        assert!(store.has_blob(&want, Some(data.len() as u64)));
        assert_eq!(
            fs::read_dir(dir.path().join("ingest"))
                .map(|r| r.count())
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn blob_writer_cuts_off_extra_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let want = Digest::sha256_of(b"abc");
        let mut w = store.blob_writer(&want, Some(3)).expect("writer");
        assert!(matches!(w.write(b"abcd"), Err(StoreError::TooLarge { .. })));
    }

    #[test]
    fn tags_replace_and_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let d1 = Descriptor::new(manifest::OCI_MANIFEST, Digest::sha256_of(b"1"), 1);
        let d2 = Descriptor::new(manifest::OCI_MANIFEST, Digest::sha256_of(b"2"), 1);
        store.set_tag("h.io/a:1", &d1).expect("tag");
        store.set_tag("h.io/a:1", &d2).expect("retag");
        store.set_tag("h.io/a:2", &d1).expect("tag 2");
        let names: Vec<_> = store
            .entries()
            .expect("entries")
            .into_iter()
            .map(|e| (e.name, e.descriptor.digest))
            .collect();
        assert_eq!(
            names,
            vec![
                ("h.io/a:1".to_string(), d2.digest.clone()),
                ("h.io/a:2".to_string(), d1.digest.clone())
            ]
        );
        assert!(store.remove_tag("h.io/a:1").expect("rm").is_some());
        assert!(store.remove_tag("h.io/a:1").expect("rm again").is_none());
    }
}
