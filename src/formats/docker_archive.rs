//! Docker archives (`docker save`): reading one that was extracted into the store's ingest
//! area, and writing one from the store. The format: `manifest.json` lists, per image, the
//! config file, the `RepoTags` and the layer files; layers are tars whose sha256 is the diff
//! ID the config lists. Docker 25 and later put the same files under `blobs/sha256/` with an
//! OCI `index.json` beside them, and `manifest.json` points there, so reading `manifest.json`
//! covers both layouts.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use super::archive::entry_path;
use super::compress;
use super::shared::{FileError, MAX_JSON, SaveImage, append_bytes, append_file, read_json_file};
use crate::oci::digest::{Algorithm, Digest, Hasher, hash_file};
use crate::oci::manifest::{
    self, DOCKER_LAYER_GZIP, DOCKER_LAYER_TAR, Descriptor, OCI_CONFIG, OCI_LAYER_GZIP,
    OCI_LAYER_TAR, Parsed,
};
use crate::store::{Store, StoreError};

#[derive(Debug, Error)]
pub enum DockerArchiveError {
    #[error("`manifest.json` is not a valid docker-archive manifest: {0}")]
    BadManifest(String),
    #[error("`manifest.json` names `{0}`, which is not in the archive")]
    Missing(String),
    #[error("`manifest.json` names `{0}`, which is not a safe relative path")]
    UnsafePath(String),
    #[error("the image config `{file}` is invalid: {reason}")]
    BadConfig { file: String, reason: String },
    #[error(
        "the image config `{file}` lists {diff_ids} diff IDs, but `manifest.json` names {layers} layers"
    )]
    LayerCount {
        file: String,
        diff_ids: usize,
        layers: usize,
    },
    #[error(
        "layer `{file}` does not match its diff ID: the config says {expected}, the layer hashes to {actual}"
    )]
    DiffId {
        file: String,
        expected: Digest,
        actual: Digest,
    },
    #[error("layer `{file}` is not a valid gzip stream")]
    Gzip {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "image {digest} has a `{media_type}` layer, which a docker-archive cannot hold (docker-archive layers are plain tars)"
    )]
    Unconvertible { digest: Digest, media_type: String },
    #[error("{0} is a multi-platform index; pick one platform with --platform")]
    Index(String),
    #[error("cannot read `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T, E = DockerArchiveError> = std::result::Result<T, E>;

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Config")]
    config: String,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
}

#[derive(Deserialize)]
struct ConfigProbe {
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    #[serde(default)]
    diff_ids: Vec<Digest>,
}

/// One image read from a docker-archive.
#[derive(Debug, Clone)]
pub struct LoadedImage {
    /// Docker's names for it (`pgsb:1.1.0`), still to be qualified.
    pub repo_tags: Vec<String>,
    /// The OCI manifest made for it, stored in the store.
    pub descriptor: Descriptor,
}

fn safe(dir: &Path, name: &str) -> Result<PathBuf> {
    let rel =
        entry_path(Path::new(name)).map_err(|_| DockerArchiveError::UnsafePath(name.into()))?;
    let path = dir.join(rel);
    if !path.is_file() {
        return Err(DockerArchiveError::Missing(name.to_string()));
    }
    Ok(path)
}

/// Whether the file starts with the gzip magic bytes.
fn is_gzip(path: &Path) -> io::Result<bool> {
    let mut head = [0u8; 2];
    let mut f = File::open(path)?;
    let n = f.read(&mut head)?;
    Ok(n == 2 && head == [0x1f, 0x8b])
}

/// The sha256 of a gzip file's content.
fn gunzip_digest(path: &Path, file: &str) -> Result<Digest> {
    gunzip(path, file, &mut io::sink())
}

/// Decompresses the gzip file at `path` into `out`, returning the sha256 of the content.
/// `file` names it in errors.
fn gunzip(path: &Path, file: &str, out: &mut dyn Write) -> Result<Digest> {
    let io_err = |source| DockerArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io_err)?;
    let mut dec = flate2::read::MultiGzDecoder::new(io::BufReader::with_capacity(1 << 20, f));
    let mut h = Hasher::new(Algorithm::Sha256);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = dec
            .read(&mut buf)
            .map_err(|source| DockerArchiveError::Gzip {
                file: file.to_string(),
                source,
            })?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n]).map_err(io_err)?;
    }
    out.flush().map_err(io_err)?;
    Ok(h.finish())
}

/// Imports every image of the docker-archive extracted at `dir` into the store. Layers are
/// verified against their diff IDs and moved (not copied) into the store, gzipped on every
/// core first when `compress` is set. On any error the blobs this import added are removed.
pub fn import(store: &Store, dir: &Path, compress: bool) -> Result<Vec<LoadedImage>> {
    let mut added: Vec<Digest> = Vec::new();
    let result = import_inner(store, dir, compress, &mut added);
    if result.is_err() {
        for d in &added {
            let _ = std::fs::remove_file(store.blob_path(d));
        }
    }
    result
}

fn import_inner(
    store: &Store,
    dir: &Path,
    compress: bool,
    added: &mut Vec<Digest>,
) -> Result<Vec<LoadedImage>> {
    let manifest_path = dir.join("manifest.json");
    let entries: Vec<ManifestEntry> = serde_json::from_slice(&read_json_file(&manifest_path)?)
        .map_err(|e| DockerArchiveError::BadManifest(e.to_string()))?;
    if entries.is_empty() {
        return Err(DockerArchiveError::BadManifest("it lists no images".into()));
    }
    // Layers shared between images are processed once.
    let mut done: HashMap<String, Descriptor> = HashMap::new();
    let mut out = Vec::new();
    for entry in entries {
        let config_path = safe(dir, &entry.config)?;
        let config = read_json_file(&config_path)?;
        let probe: ConfigProbe =
            serde_json::from_slice(&config).map_err(|e| DockerArchiveError::BadConfig {
                file: entry.config.clone(),
                reason: e.to_string(),
            })?;
        let diff_ids = probe.rootfs.diff_ids;
        if diff_ids.len() != entry.layers.len() {
            return Err(DockerArchiveError::LayerCount {
                file: entry.config.clone(),
                diff_ids: diff_ids.len(),
                layers: entry.layers.len(),
            });
        }
        let mut layers = Vec::new();
        for (name, diff_id) in entry.layers.iter().zip(&diff_ids) {
            if let Some(d) = done.get(name) {
                layers.push(d.clone());
                continue;
            }
            let path = safe(dir, name)?;
            let desc = import_layer(store, &path, name, diff_id, compress, added)?;
            done.insert(name.clone(), desc.clone());
            layers.push(desc);
        }
        let config_digest = Digest::sha256_of(&config);
        if !store.has_blob(&config_digest, Some(config.len() as u64)) {
            store.put_blob(&config_digest, &config)?;
            added.push(config_digest.clone());
        }
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": manifest::OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len()},
            "layers": layers,
        });
        let bytes = serde_json::to_vec(&manifest)
            .map_err(|e| DockerArchiveError::BadManifest(e.to_string()))?;
        let digest = Digest::sha256_of(&bytes);
        if !store.has_blob(&digest, Some(bytes.len() as u64)) {
            store.put_blob(&digest, &bytes)?;
            added.push(digest.clone());
        }
        out.push(LoadedImage {
            repo_tags: entry.repo_tags.unwrap_or_default(),
            descriptor: Descriptor::new(manifest::OCI_MANIFEST, digest, bytes.len() as u64),
        });
    }
    Ok(out)
}

fn import_layer(
    store: &Store,
    path: &Path,
    name: &str,
    diff_id: &Digest,
    compress: bool,
    added: &mut Vec<Digest>,
) -> Result<Descriptor> {
    let io_err = |source| DockerArchiveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let diff_mismatch = |actual: Digest| DockerArchiveError::DiffId {
        file: name.to_string(),
        expected: diff_id.clone(),
        actual,
    };
    let (digest, size, media_type, file) = if is_gzip(path).map_err(io_err)? {
        let actual = gunzip_digest(path, name)?;
        if actual != *diff_id {
            return Err(diff_mismatch(actual));
        }
        let (digest, size) = hash_file(path, Algorithm::Sha256).map_err(io_err)?;
        (digest, size, OCI_LAYER_GZIP, path.to_path_buf())
    } else {
        let (actual, size) = hash_file(path, diff_id.algorithm()).map_err(io_err)?;
        if actual != *diff_id {
            return Err(diff_mismatch(actual));
        }
        if compress {
            let gz = path.with_extension("gz-ghcr-cli");
            let (digest, size) = compress::gzip_parallel(path, &gz).map_err(io_err)?;
            (digest, size, OCI_LAYER_GZIP, gz)
        } else {
            (actual, size, OCI_LAYER_TAR, path.to_path_buf())
        }
    };
    if !store.has_blob(&digest, Some(size)) {
        store.adopt_verified(&file, &digest)?;
        added.push(digest.clone());
    }
    Ok(Descriptor::new(media_type, digest, size))
}

/// Docker's short form of a name: `docker.io/library/x:1` is `x:1`, `docker.io/o/x:1` is
/// `o/x:1`; other registries keep their host.
pub fn familiar(name: &str) -> String {
    match name.strip_prefix("docker.io/") {
        Some(rest) => rest.strip_prefix("library/").unwrap_or(rest).to_string(),
        None => name.to_string(),
    }
}

/// Writes a docker-archive (the classic layout `docker load` and skopeo read) of `images` as
/// a tar stream. Compressed layers are decompressed into the store's ingest area first (a
/// tar entry needs its size up front) and checked against their diff IDs.
pub fn write(store: &Store, images: &[SaveImage], out: impl Write) -> Result<()> {
    let mut tar = tar::Builder::new(out);
    let mut written: BTreeMap<String, ()> = BTreeMap::new();
    let mut manifest = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let ingest = store.ingest_dir();
    let scratch = tempfile::Builder::new()
        .prefix("save-")
        .tempdir_in(&ingest)
        .map_err(|source| DockerArchiveError::Io {
            path: ingest,
            source,
        })?;
    for image in images {
        let (_, parsed) = store.read_manifest(&image.manifest)?;
        let m = match parsed {
            Parsed::Image(m) => m,
            Parsed::Index(_) => return Err(DockerArchiveError::Index(image.name.clone())),
        };
        let config = store.read_blob(&m.config.digest, MAX_JSON)?;
        let probe: ConfigProbe =
            serde_json::from_slice(&config).map_err(|e| DockerArchiveError::BadConfig {
                file: m.config.digest.to_string(),
                reason: e.to_string(),
            })?;
        if probe.rootfs.diff_ids.len() != m.layers.len() {
            return Err(DockerArchiveError::LayerCount {
                file: m.config.digest.to_string(),
                diff_ids: probe.rootfs.diff_ids.len(),
                layers: m.layers.len(),
            });
        }
        let config_name = format!("{}.json", m.config.digest.hex());
        if written.insert(config_name.clone(), ()).is_none() {
            append_bytes(&mut tar, &config_name, &config)?;
        }
        let mut layer_names = Vec::new();
        for (layer, diff_id) in m.layers.iter().zip(&probe.rootfs.diff_ids) {
            let name = format!("{}/layer.tar", diff_id.hex());
            layer_names.push(name.clone());
            if written.insert(name.clone(), ()).is_some() {
                continue;
            }
            let tar_file = plain_layer(store, layer, diff_id, scratch.path())?;
            append_file(&mut tar, &name, &tar_file)?;
        }
        let tag = familiar(&image.name);
        if let Some((repo, t)) = split_tag(&tag)
            && let Some(last) = probe.rootfs.diff_ids.last()
        {
            repositories
                .entry(repo.to_string())
                .or_default()
                .insert(t.to_string(), last.hex().to_string());
        }
        manifest.push(serde_json::json!({
            "Config": config_name,
            "RepoTags": if image.name.contains('@') { vec![] } else { vec![tag] },
            "Layers": layer_names,
        }));
    }
    let manifest = serde_json::to_vec(&manifest)
        .map_err(|e| DockerArchiveError::BadManifest(e.to_string()))?;
    append_bytes(&mut tar, "manifest.json", &manifest)?;
    let repositories = serde_json::to_vec(&repositories)
        .map_err(|e| DockerArchiveError::BadManifest(e.to_string()))?;
    append_bytes(&mut tar, "repositories", &repositories)?;
    tar.into_inner()
        .and_then(|mut w| w.flush())
        .map_err(|source| DockerArchiveError::Io {
            path: PathBuf::from("(output)"),
            source,
        })?;
    Ok(())
}

/// `name:tag` split at the tag's colon (not a port's).
fn split_tag(name: &str) -> Option<(&str, &str)> {
    let slash = name.rfind('/').unwrap_or(0);
    let colon = name.rfind(':')?;
    (colon > slash).then(|| (&name[..colon], &name[colon + 1..]))
}

/// The layer as a plain tar file whose sha256 is `diff_id`.
fn plain_layer(
    store: &Store,
    layer: &Descriptor,
    diff_id: &Digest,
    scratch: &Path,
) -> Result<PathBuf> {
    let blob = store.blob_path(&layer.digest);
    match layer.media_type.as_str() {
        OCI_LAYER_TAR | DOCKER_LAYER_TAR => {
            if layer.digest != *diff_id {
                return Err(DockerArchiveError::DiffId {
                    file: layer.digest.to_string(),
                    expected: diff_id.clone(),
                    actual: layer.digest.clone(),
                });
            }
            Ok(blob)
        }
        OCI_LAYER_GZIP | DOCKER_LAYER_GZIP => {
            let out = scratch.join(diff_id.hex());
            let io_err = |source| DockerArchiveError::Io {
                path: blob.clone(),
                source,
            };
            let mut w = io::BufWriter::with_capacity(1 << 20, File::create(&out).map_err(io_err)?);
            let actual = gunzip(&blob, &layer.digest.to_string(), &mut w)?;
            if actual != *diff_id {
                return Err(DockerArchiveError::DiffId {
                    file: layer.digest.to_string(),
                    expected: diff_id.clone(),
                    actual,
                });
            }
            Ok(out)
        }
        other => Err(DockerArchiveError::Unconvertible {
            digest: layer.digest.clone(),
            media_type: other.to_string(),
        }),
    }
}

/// A broken archive is bad input (exit 2); the disk and the store keep their own kinds.
impl crate::kind::Kind for DockerArchiveError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            DockerArchiveError::Io { .. } => crate::kind::ErrorKind::Other,
            DockerArchiveError::File(e) => e.kind(),
            DockerArchiveError::Store(e) => e.kind(),
            _ => crate::kind::ErrorKind::Usage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_names() {
        assert_eq!(familiar("docker.io/library/pgsb:1.1.0"), "pgsb:1.1.0");
        assert_eq!(familiar("docker.io/bitnami/redis:7"), "bitnami/redis:7");
        assert_eq!(familiar("ghcr.io/o/i:1"), "ghcr.io/o/i:1");
        assert_eq!(
            split_tag("127.0.0.1:5000/a:1"),
            Some(("127.0.0.1:5000/a", "1"))
        );
        assert_eq!(split_tag("127.0.0.1:5000/a"), None);
    }
}
