//! OCI image layouts in and out of the store. Importing one: every manifest, config and layer
//! reachable from its `index.json` is checked against its digest and size before any of it
//! counts, and on any error the blobs this import added are removed again. Writing one: a
//! directory, or a tar stream of it (an oci-archive).

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::shared::{FileError, SaveImage, append_bytes, append_file, read_json_file};
use crate::oci::digest::{Digest, Hasher};
use crate::oci::manifest::{self, Descriptor, Parsed, REF_NAME};
use crate::store::{LayoutIndex, Store, StoreError};

#[derive(Debug, Error)]
pub enum LayoutError {
    #[error("`{path}` is not an OCI image layout: {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("the layout names blob {digest}, but `{path}` is not there")]
    MissingBlob { digest: Digest, path: PathBuf },
    #[error("blob {digest} in the layout is {actual} bytes, but its descriptor says {expected}")]
    Size {
        digest: Digest,
        expected: u64,
        actual: u64,
    },
    #[error(
        "blob {expected} in the layout does not match its digest: the content hashes to {actual}"
    )]
    Digest { expected: Digest, actual: Digest },
    #[error("failed to read `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One image named by the layout's `index.json`.
#[derive(Debug, Clone)]
pub struct LayoutImage {
    /// The raw `org.opencontainers.image.ref.name`, when there is one.
    pub ref_name: Option<String>,
    pub descriptor: Descriptor,
}

/// Reads the layout's index and returns its images, without touching the store.
pub fn read_index(dir: &Path) -> Result<Vec<LayoutImage>, LayoutError> {
    let invalid = |reason: String| LayoutError::Invalid {
        path: dir.to_path_buf(),
        reason,
    };
    let layout_file = dir.join("oci-layout");
    if !layout_file.exists() {
        return Err(invalid("it has no `oci-layout` file".into()));
    }
    let layout: serde_json::Value = serde_json::from_slice(&read_json_file(&layout_file)?)
        .map_err(|e| invalid(format!("`oci-layout` is not JSON: {e}")))?;
    match layout.get("imageLayoutVersion").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("1.") => {}
        other => return Err(invalid(format!("unsupported imageLayoutVersion {other:?}"))),
    }
    let index: LayoutIndex = serde_json::from_slice(&read_json_file(&dir.join("index.json"))?)
        .map_err(|e| invalid(format!("`index.json` is not a valid index: {e}")))?;
    Ok(index
        .manifests
        .into_iter()
        .map(|mut d| {
            let ref_name = d.annotations.remove(REF_NAME);
            LayoutImage {
                ref_name,
                descriptor: d,
            }
        })
        .collect())
}

fn blob_path(dir: &Path, d: &Digest) -> PathBuf {
    dir.join("blobs").join(d.algorithm().as_str()).join(d.hex())
}

/// Every blob reachable from `top`, manifests included, checked for presence and size. With
/// `sparse`, an index's child that the layout lacks is left out rather than an error (Docker's
/// exporter skips the platforms its store does not hold); every blob of a child that is
/// there must be there.
fn reachable(
    dir: &Path,
    top: &[LayoutImage],
    sparse: bool,
) -> Result<Vec<Descriptor>, LayoutError> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    // Each with whether an index listed it.
    let mut todo: Vec<(Descriptor, bool)> =
        top.iter().map(|i| (i.descriptor.clone(), false)).collect();
    while let Some((d, listed_by_index)) = todo.pop() {
        if !seen.insert(d.digest.clone()) {
            continue;
        }
        let path = blob_path(dir, &d.digest);
        let meta = match fs::metadata(&path) {
            Ok(meta) => meta,
            Err(_) if sparse && listed_by_index => continue,
            Err(_) => {
                return Err(LayoutError::MissingBlob {
                    digest: d.digest.clone(),
                    path: path.clone(),
                });
            }
        };
        if meta.len() != d.size {
            return Err(LayoutError::Size {
                digest: d.digest.clone(),
                expected: d.size,
                actual: meta.len(),
            });
        }
        if manifest::is_manifest_type(&d.media_type) {
            let bytes = read_json_file(&path)?;
            if !d.digest.matches(&bytes) {
                let mut h = Hasher::new(d.digest.algorithm());
                h.update(&bytes);
                return Err(LayoutError::Digest {
                    expected: d.digest.clone(),
                    actual: h.finish(),
                });
            }
            let (_, parsed) =
                manifest::parse(&bytes, Some(&d.media_type)).map_err(|e| LayoutError::Invalid {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            match parsed {
                Parsed::Image(m) => todo.extend(m.blobs().cloned().map(|b| (b, false))),
                Parsed::Index(i) => todo.extend(i.manifests.into_iter().map(|c| (c, true))),
            }
        }
        out.push(d);
    }
    Ok(out)
}

/// Copies (or, with `move_blobs`, renames) every reachable blob into the store, verifying
/// each. Returns the layout's images; tagging them is the caller's choice.
pub fn import(
    store: &Store,
    dir: &Path,
    move_blobs: bool,
) -> Result<Vec<LayoutImage>, LayoutError> {
    import_images(store, dir, read_index(dir)?, move_blobs, false)
}

/// [`import`] of `images` (read with [`read_index`]); with `sparse`, the children of an index
/// that the layout lacks are left out (see [`reachable`]): the store keeps the index whole,
/// with those children absent, as after a pull of one platform.
pub fn import_images(
    store: &Store,
    dir: &Path,
    images: Vec<LayoutImage>,
    move_blobs: bool,
    sparse: bool,
) -> Result<Vec<LayoutImage>, LayoutError> {
    let blobs = reachable(dir, &images, sparse)?;
    let mut added: Vec<Digest> = Vec::new();
    let result = (|| {
        for d in &blobs {
            if store.has_blob(&d.digest, Some(d.size)) {
                continue;
            }
            copy_verified(store, &blob_path(dir, &d.digest), d, move_blobs)?;
            added.push(d.digest.clone());
        }
        Ok(())
    })();
    if let Err(e) = result {
        for d in &added {
            let _ = fs::remove_file(store.blob_path(d));
        }
        return Err(e);
    }
    Ok(images)
}

fn copy_verified(
    store: &Store,
    src: &Path,
    d: &Descriptor,
    move_blobs: bool,
) -> Result<(), LayoutError> {
    let verify = |e: StoreError| match e {
        StoreError::DigestMismatch { expected, actual } => LayoutError::Digest { expected, actual },
        other => LayoutError::Store(other),
    };
    if move_blobs {
        // Extracted into the store's own ingest area: hash, then rename into place.
        store.adopt(src, &d.digest).map_err(verify)?;
        return Ok(());
    }
    let io = |source| LayoutError::Io {
        path: src.to_path_buf(),
        source,
    };
    let mut f = fs::File::open(src).map_err(io)?;
    let mut w = store.blob_writer(&d.digest, Some(d.size))?;
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        w.write(&buf[..n])?;
    }
    w.commit().map_err(verify)?;
    Ok(())
}

/// Where `write` puts an OCI layout: a directory, or a tar stream (an oci-archive).
pub enum Sink<W: std::io::Write> {
    Dir(PathBuf),
    Tar(tar::Builder<W>),
}

/// Writes an OCI image layout holding `images` (each named by its `ref.name`), with every
/// blob they reach, from the store. An index's children must all be in the store.
pub fn write<W: std::io::Write>(
    store: &Store,
    images: &[SaveImage],
    mut sink: Sink<W>,
) -> Result<(), LayoutError> {
    let mut blobs: Vec<Descriptor> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Descriptor> = images.iter().map(|i| i.manifest.clone()).collect();
    while let Some(d) = todo.pop() {
        if !seen.insert(d.digest.clone()) {
            continue;
        }
        if !store.has_blob(&d.digest, Some(d.size)) {
            return Err(StoreError::MissingBlob(d.digest.clone()).into());
        }
        if manifest::is_manifest_type(&d.media_type) {
            match store.read_manifest(&d)?.1 {
                Parsed::Image(m) => todo.extend(m.blobs().cloned()),
                Parsed::Index(i) => todo.extend(i.manifests),
            }
        }
        blobs.push(d);
    }
    let mut index = LayoutIndex::default();
    for image in images {
        let mut d = image.manifest.clone();
        // An unnamed image is a referrer saved with its subject (`save --referrers`).
        if !image.name.is_empty() {
            d.annotations
                .insert(REF_NAME.to_string(), image.name.clone());
        }
        index.manifests.push(d);
    }
    let index_bytes = serde_json::to_vec(&index).map_err(|source| StoreError::BadIndex {
        path: PathBuf::from("index.json"),
        source,
    })?;
    let layout = br#"{"imageLayoutVersion":"1.0.0"}"#;
    let io_err = |path: &Path, source| LayoutError::Io {
        path: path.to_path_buf(),
        source,
    };
    match &mut sink {
        Sink::Dir(dir) => {
            for alg in ["sha256", "sha512"] {
                fs::create_dir_all(dir.join("blobs").join(alg)).map_err(|e| io_err(dir, e))?;
            }
            for d in &blobs {
                let to = blob_path(dir, &d.digest);
                // A hard link costs nothing when the store is on the same file system.
                if fs::hard_link(store.blob_path(&d.digest), &to).is_err() {
                    fs::copy(store.blob_path(&d.digest), &to).map_err(|e| io_err(&to, e))?;
                }
            }
            fs::write(dir.join("oci-layout"), layout).map_err(|e| io_err(dir, e))?;
            fs::write(dir.join("index.json"), &index_bytes).map_err(|e| io_err(dir, e))?;
        }
        Sink::Tar(tar) => {
            append_bytes(tar, "oci-layout", layout)?;
            for d in &blobs {
                let name = format!("blobs/{}/{}", d.digest.algorithm().as_str(), d.digest.hex());
                append_file(tar, &name, &store.blob_path(&d.digest))?;
            }
            append_bytes(tar, "index.json", &index_bytes)?;
        }
    }
    if let Sink::Tar(tar) = sink {
        tar.into_inner()
            .and_then(|mut w| w.flush())
            .map_err(|e| io_err(Path::new("(output)"), e))?;
    }
    Ok(())
}

/// A broken layout is bad input (exit 2); the disk and the store keep their own kinds.
impl crate::kind::Kind for LayoutError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            LayoutError::Io { .. } => crate::kind::ErrorKind::Other,
            LayoutError::File(e) => e.kind(),
            LayoutError::Store(e) => e.kind(),
            _ => crate::kind::ErrorKind::Usage,
        }
    }
}
