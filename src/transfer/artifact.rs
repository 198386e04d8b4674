//! Files as an OCI 1.1 artifact, the way oras packs and unpacks them: each file a layer named
//! by its `org.opencontainers.image.title`, the empty config, an `artifactType`; an optional
//! subject makes it a referrer (listed through the referrers API or the tag schema, see
//! `referrers.rs`). Pulling writes each titled layer back under a directory, verified, and
//! refuses every title that would land outside it: absolute, `..`, or through a symlink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use thiserror::Error;

use super::referrers::{Schema, put_referrer};
use super::{Outcome, Progress, TransferError};
use crate::oci::artifact::{self, TITLE, UNPACK};
use crate::oci::digest::{self, Algorithm, Digest, Hasher};
use crate::oci::manifest::{self, Descriptor, OCI_MANIFEST, Parsed};
use crate::oci::reference::Reference;
use crate::registry::{Registry, RegistryError};

#[derive(Debug, Error)]
pub enum ArtifactError {
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error("failed to {action} `{path}`")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A title that would write outside the output directory, or twice in it.
    #[error("refusing the file title `{title}` of {reference}: {reason}")]
    UnsafeTitle {
        reference: String,
        title: String,
        reason: &'static str,
    },
    #[error("{reference} is {what}, not an artifact with files")]
    NotAnArtifact { reference: String, what: String },
    #[error("{reference} has a directory layer (`{title}`), which ghcr-cli does not unpack")]
    DirectoryLayer { reference: String, title: String },
    /// A file of that name is already there, and replacing it was not asked for.
    #[error("`{}` already exists; {reference} would replace it with its file `{title}`", path.display())]
    Exists {
        reference: String,
        title: String,
        path: PathBuf,
    },
}

impl crate::kind::Kind for ArtifactError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            ArtifactError::Transfer(e) => e.kind(),
            ArtifactError::Registry(e) => e.kind(),
            ArtifactError::Io { .. } => ErrorKind::Other,
            ArtifactError::UnsafeTitle { .. }
            | ArtifactError::NotAnArtifact { .. }
            | ArtifactError::DirectoryLayer { .. }
            | ArtifactError::Exists { .. } => ErrorKind::Usage,
        }
    }
}

type Result<T, E = ArtifactError> = std::result::Result<T, E>;

/// One file to pack: where it is, the title it gets, its media type.
#[derive(Debug, Clone)]
pub struct ArtifactFile {
    pub path: PathBuf,
    pub title: String,
    pub media_type: String,
}

/// What `artifact push` and `attach` pack.
#[derive(Debug, Clone)]
pub struct ArtifactRequest {
    pub files: Vec<ArtifactFile>,
    pub artifact_type: String,
    pub annotations: BTreeMap<String, String>,
    pub subject: Option<Descriptor>,
}

/// What was pushed.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub digest: Digest,
    /// How the subject lists it, when there is one.
    pub schema: Option<Schema>,
}

/// Packs `request` and pushes it to `repo`: blobs, then the manifest by digest (a referrer)
/// and under `tag` when given.
pub async fn push_artifact(
    registry: &Registry,
    repo: &str,
    tag: Option<&str>,
    request: &ArtifactRequest,
    progress: Arc<dyn Progress>,
) -> Result<Pushed> {
    let mut layers = Vec::new();
    for f in &request.files {
        let path = f.path.clone();
        let (digest, size) =
            tokio::task::spawn_blocking(move || digest::hash_file(&path, Algorithm::Sha256))
                .await
                .map_err(|e| TransferError::Task(e.to_string()))?
                .map_err(|source| ArtifactError::Io {
                    action: "read",
                    path: f.path.clone(),
                    source,
                })?;
        let mut d = Descriptor::new(&f.media_type, digest, size);
        d.annotations.insert(TITLE.into(), f.title.clone());
        if registry.blob_exists(repo, &d.digest).await?.is_some() {
            progress.end(&d.digest, size, Outcome::AlreadyThere);
        } else {
            progress.begin(&d.digest, size);
            let (p, dg) = (progress.clone(), d.digest.clone());
            registry
                .upload_blob(
                    repo,
                    &d.digest,
                    size,
                    &f.path,
                    Arc::new(move |n| p.advance(&dg, n)),
                )
                .await?;
            progress.end(&d.digest, size, Outcome::Uploaded);
        }
        layers.push(d);
    }
    let empty = artifact::empty_descriptor();
    if registry.blob_exists(repo, &empty.digest).await?.is_none() {
        let body = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(Bytes::from_static(artifact::EMPTY_JSON_BYTES))
        });
        registry
            .upload_stream_in_new_session(repo, &empty.digest, empty.size, body)
            .await?;
    }
    let bytes = Bytes::from(artifact::manifest(
        &request.artifact_type,
        &layers,
        request.subject.as_ref(),
        &request.annotations,
    ));
    let (digest, schema) = if request.subject.is_some() {
        let (d, s) = put_referrer(registry, repo, OCI_MANIFEST, bytes.clone()).await?;
        (d, Some(s))
    } else {
        let at = tag.map_or_else(|| Digest::sha256_of(&bytes).to_string(), str::to_string);
        let d = registry
            .put_manifest(repo, &at, OCI_MANIFEST, bytes.clone())
            .await?;
        (d, None)
    };
    if let (Some(tag), Some(_)) = (tag, &request.subject) {
        registry
            .put_manifest(repo, tag, OCI_MANIFEST, bytes.clone())
            .await?;
    }
    Ok(Pushed { digest, schema })
}

/// One file written by [`pull_artifact`].
#[derive(Debug, Clone)]
pub struct PulledFile {
    pub title: String,
    pub path: PathBuf,
    pub descriptor: Descriptor,
}

/// Writes the titled layers of the artifact at `reference` under `dir` (created when
/// missing). Every title is checked before the first byte is written; layers without a
/// title are skipped, as oras does. A file already there is replaced only with `overwrite`:
/// the names come from the registry, not from the user. Returns the manifest digest and the
/// files.
pub async fn pull_artifact(
    registry: &Registry,
    reference: &Reference,
    dir: &Path,
    overwrite: bool,
    progress: Arc<dyn Progress>,
) -> Result<(Digest, Vec<PulledFile>)> {
    let repo = reference.repository();
    let fetched = registry
        .get_manifest(repo, &reference.api_reference())
        .await?;
    let label = reference.to_string();
    let layers = match manifest::parse(&fetched.bytes, Some(&fetched.media_type)) {
        Ok((_, Parsed::Image(m))) => m.layers,
        Ok((_, Parsed::Index(_))) => {
            return Err(ArtifactError::NotAnArtifact {
                reference: label,
                what: "an index".into(),
            });
        }
        Err(source) => {
            return Err(RegistryError::Manifest {
                what: label,
                source,
            }
            .into());
        }
    };
    let refuse = |title: &str, reason| ArtifactError::UnsafeTitle {
        reference: label.clone(),
        title: title.to_string(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|source| ArtifactError::Io {
        action: "create",
        path: dir.to_path_buf(),
        source,
    })?;
    let mut seen = BTreeSet::new();
    let mut plan = Vec::new();
    for layer in layers {
        let Some(title) = layer.annotations.get(TITLE).cloned() else {
            continue;
        };
        if layer.annotations.get(UNPACK).map(String::as_str) == Some("true") {
            return Err(ArtifactError::DirectoryLayer {
                reference: label,
                title,
            });
        }
        let Some(parts) = artifact::safe_title(&title) else {
            return Err(refuse(&title, "it is absolute or names a parent directory"));
        };
        if !seen.insert(title.clone()) {
            return Err(refuse(&title, "two layers have this title"));
        }
        let path = inside(dir, &parts).map_err(|reason| refuse(&title, reason))?;
        if !overwrite && std::fs::symlink_metadata(&path).is_ok() {
            return Err(ArtifactError::Exists {
                reference: label,
                title,
                path,
            });
        }
        plan.push((title, path, layer));
    }
    let mut out = Vec::new();
    for (title, path, layer) in plan {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| ArtifactError::Io {
                action: "create",
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // Checked again now that directories exist: nothing may have become a symlink.
        let parts = artifact::safe_title(&title).unwrap_or_default();
        inside(dir, &parts).map_err(|reason| refuse(&title, reason))?;
        fetch_to(registry, repo, &layer, &path, overwrite, &progress).await?;
        out.push(PulledFile {
            title,
            path,
            descriptor: layer,
        });
    }
    Ok((fetched.digest, out))
}

/// `dir` joined with `parts`, when no existing component on the way is a symlink (or, for
/// the directories, anything but a directory).
fn inside(dir: &Path, parts: &[&str]) -> std::result::Result<PathBuf, &'static str> {
    let mut path = dir.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err("a symlink is on its path"),
            Ok(m) if i + 1 < parts.len() && !m.is_dir() => {
                return Err("a file is in the way of its directory");
            }
            Ok(m) if i + 1 == parts.len() && m.is_dir() => return Err("a directory has its name"),
            _ => {}
        }
    }
    Ok(path)
}

/// Streams one blob into a temporary file beside `path`, checks size and digest, and renames
/// it into place (a rename replaces a name, it never writes through one).
async fn fetch_to(
    registry: &Registry,
    repo: &str,
    layer: &Descriptor,
    path: &Path,
    overwrite: bool,
    progress: &Arc<dyn Progress>,
) -> Result<()> {
    use std::io::Write;
    let parent = path.parent().unwrap_or(Path::new("."));
    let io = |action, source| ArtifactError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".ghcr-cli-")
        .tempfile_in(parent)
        .map_err(|e| io("create a temporary file for", e))?;
    progress.begin(&layer.digest, layer.size);
    let mut body = registry.get_blob(repo, &layer.digest, 0).await?;
    let mut hasher = Hasher::new(layer.digest.algorithm());
    let mut size = 0u64;
    while let Some(chunk) = body.chunk().await? {
        size += chunk.len() as u64;
        if size > layer.size {
            break;
        }
        hasher.update(&chunk);
        tmp.write_all(&chunk).map_err(|e| io("write", e))?;
        progress.advance(&layer.digest, chunk.len() as u64);
    }
    let actual = hasher.finish();
    if size != layer.size || actual != layer.digest {
        return Err(RegistryError::DigestMismatch {
            what: format!("blob {} from {}/{repo}", layer.digest, registry.name()),
            expected: layer.digest.clone(),
            actual,
        }
        .into());
    }
    // Without `overwrite`, a file that appeared since the plan is not replaced either.
    if overwrite {
        tmp.persist(path).map_err(|e| io("write", e.error))?;
    } else {
        tmp.persist_noclobber(path)
            .map_err(|e| io("write", e.error))?;
    }
    progress.end(&layer.digest, layer.size, Outcome::Downloaded);
    Ok(())
}
