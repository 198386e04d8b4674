//! Editing an image where it is, for `mutate` and `append`: in the local store, or directly in
//! a registry (only the new config blob, the new manifests and the layer being added move;
//! every other blob stays where it is). An index is edited child by child: the children an
//! edit is for get a new config and manifest, every other entry of the index is kept as it
//! was (same descriptor, same bytes), and the index gets a new digest. The documents
//! themselves are rewritten by `oci::edit`.

use bytes::Bytes;
use thiserror::Error;

use crate::oci::digest::Digest;
use crate::oci::edit::{self, AddedLayer, ConfigEdit, EditError, Replaced};
use crate::oci::manifest::{
    self, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, Descriptor, ManifestError, Parsed, Platform,
};
use crate::registry::{Registry, RegistryError};
use crate::store::{Store, StoreError};

/// Configs larger than this are refused (they are JSON documents of a few KiB).
const MAX_CONFIG_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum ImageEditError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("manifest {digest} is unreadable: {source}")]
    Manifest {
        digest: Digest,
        #[source]
        source: ManifestError,
    },
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error("the image has no {wanted} image; it has: {available}")]
    NoPlatform { wanted: String, available: String },
    #[error("the {platform} image of this index is not in the local store")]
    NotPulled { platform: String },
    #[error(
        "setting the platform of {count} images of an index at once would give them all the same platform"
    )]
    SetPlatformOfMany { count: usize },
    #[error("the image is a single-platform image: it has no index to annotate")]
    NoIndex,
    #[error(
        "manifest {digest} is not an image (its config is `{config_type}`): there is no image config to edit or layer to add to"
    )]
    NotAnImage { digest: Digest, config_type: String },
}

impl crate::kind::Kind for ImageEditError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            ImageEditError::Registry(e) => e.kind(),
            ImageEditError::Store(e) => e.kind(),
            ImageEditError::Manifest { source, .. } => source.kind(),
            ImageEditError::Edit(e) => e.kind(),
            ImageEditError::NoPlatform { .. } | ImageEditError::NotPulled { .. } => {
                ErrorKind::NotFound
            }
            ImageEditError::SetPlatformOfMany { .. }
            | ImageEditError::NotAnImage { .. }
            | ImageEditError::NoIndex => ErrorKind::Usage,
        }
    }
}

pub type Result<T, E = ImageEditError> = std::result::Result<T, E>;

/// Where the image is edited.
pub enum Place<'a> {
    Store(&'a Store),
    Registry {
        registry: &'a Registry,
        repo: &'a str,
    },
}

/// What to change.
#[derive(Debug, Default)]
pub struct ImageEdit {
    pub config: ConfigEdit,
    /// A layer to put on top, already in the store or the registry (see [`Place::put_file`]).
    pub layer: Option<AddedLayer>,
    /// Annotations of each edited manifest.
    pub annotations: Vec<(String, Option<String>)>,
    /// Annotations of the index (ignored for a single-platform image).
    pub index_annotations: Vec<(String, Option<String>)>,
    /// Edit only this platform's image of an index [default: every image of it].
    pub platform: Option<Platform>,
}

/// What an edit made.
#[derive(Debug)]
pub struct Edited {
    /// The new top-level manifest or index.
    pub descriptor: Descriptor,
    /// The children of an index that were replaced.
    pub replaced: Vec<Replaced>,
    /// Children of an index that could not be edited because the store lacks them (labels).
    pub absent: Vec<String>,
}

impl Place<'_> {
    async fn read(&self, desc: &Descriptor, cap: u64) -> Result<Vec<u8>> {
        Ok(match self {
            Place::Store(store) => store.read_blob(&desc.digest, cap)?,
            Place::Registry { registry, repo } => {
                if manifest::is_manifest_type(&desc.media_type) {
                    let m = registry
                        .get_manifest(repo, &desc.digest.to_string())
                        .await?;
                    m.bytes.to_vec()
                } else {
                    registry
                        .get_small_blob(repo, &desc.digest, cap)
                        .await?
                        .to_vec()
                }
            }
        })
    }

    fn has(&self, desc: &Descriptor) -> bool {
        match self {
            Place::Store(store) => store.has_blob(&desc.digest, Some(desc.size)),
            Place::Registry { .. } => true,
        }
    }

    /// Puts a small blob (a config), unless it is already there.
    async fn put_blob(&self, digest: &Digest, bytes: Vec<u8>) -> Result<()> {
        match self {
            Place::Store(store) => store.put_blob(digest, &bytes)?,
            Place::Registry { registry, repo } => {
                if registry.blob_exists(repo, digest).await? == Some(bytes.len() as u64) {
                    return Ok(());
                }
                let size = bytes.len() as u64;
                let body = futures_util::stream::once(async move {
                    Ok::<Bytes, std::io::Error>(Bytes::from(bytes))
                });
                registry
                    .upload_stream_in_new_session(repo, digest, size, body)
                    .await?;
            }
        }
        Ok(())
    }

    /// Puts a blob from a file (a layer just built): moved into the store, or uploaded.
    pub async fn put_file(&self, path: &std::path::Path, digest: &Digest, size: u64) -> Result<()> {
        match self {
            Place::Store(store) => {
                if !store.has_blob(digest, Some(size)) {
                    store.adopt(path, digest)?;
                }
            }
            Place::Registry { registry, repo } => {
                if registry.blob_exists(repo, digest).await? != Some(size) {
                    let ignore: std::sync::Arc<dyn Fn(u64) + Send + Sync> =
                        std::sync::Arc::new(|_| {});
                    registry
                        .upload_blob(repo, digest, size, path, ignore)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Puts a manifest: into the store as a blob, or into the registry under `tag` (by its
    /// digest when there is none).
    async fn put_manifest(
        &self,
        media_type: &str,
        bytes: Vec<u8>,
        tag: Option<&str>,
    ) -> Result<Descriptor> {
        let digest = Digest::sha256_of(&bytes);
        let size = bytes.len() as u64;
        match self {
            Place::Store(store) => store.put_blob(&digest, &bytes)?,
            Place::Registry { registry, repo } => {
                let reference = tag.map_or_else(|| digest.to_string(), str::to_string);
                registry
                    .put_manifest(repo, &reference, media_type, Bytes::from(bytes))
                    .await?;
            }
        }
        Ok(Descriptor::new(media_type, digest, size))
    }
}

/// Applies `edit` to the image `top` (whose bytes are `top_bytes`) at `place`; in a registry
/// the new top-level manifest is put under `tag`.
pub async fn edit_image(
    place: &Place<'_>,
    top: &Descriptor,
    top_bytes: &[u8],
    edit: &ImageEdit,
    tag: Option<&str>,
) -> Result<Edited> {
    let (media_type, parsed) =
        manifest::parse(top_bytes, Some(&top.media_type)).map_err(|source| {
            ImageEditError::Manifest {
                digest: top.digest.clone(),
                source,
            }
        })?;
    let index = match parsed {
        Parsed::Image(_) => {
            if !edit.index_annotations.is_empty() {
                return Err(ImageEditError::NoIndex);
            }
            if let Some(want) = &edit.platform {
                check_own_platform(place, top_bytes, want).await?;
            }
            let descriptor = edit_one(place, &media_type, top_bytes, edit, tag).await?;
            return Ok(Edited {
                descriptor,
                replaced: Vec::new(),
                absent: Vec::new(),
            });
        }
        Parsed::Index(index) => index,
    };
    let images: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| !d.is_attestation() && !d.is_index())
        .collect();
    let chosen: Vec<&Descriptor> = match &edit.platform {
        Some(want) => {
            let found: Vec<&Descriptor> = images
                .iter()
                .copied()
                .filter(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
                .take(1)
                .collect();
            if found.is_empty() {
                return Err(ImageEditError::NoPlatform {
                    wanted: want.to_string(),
                    available: index.platforms().join(", "),
                });
            }
            found
        }
        None => images.clone(),
    };
    if edit.config.platform.is_some() && chosen.len() > 1 {
        return Err(ImageEditError::SetPlatformOfMany {
            count: chosen.len(),
        });
    }
    let mut replaced = Vec::new();
    let mut absent = Vec::new();
    for child in chosen {
        if !place.has(child) {
            if edit.platform.is_some() {
                return Err(ImageEditError::NotPulled {
                    platform: child.label(),
                });
            }
            absent.push(child.label());
            continue;
        }
        let bytes = place.read(child, manifest::MAX_MANIFEST_BYTES).await?;
        if !child.digest.matches(&bytes) {
            return Err(StoreError::DigestMismatch {
                expected: child.digest.clone(),
                actual: Digest::sha256_of(&bytes),
            }
            .into());
        }
        let new = edit_one(place, &child.media_type, &bytes, edit, None).await?;
        replaced.push(Replaced {
            old: child.digest.clone(),
            new: new.digest,
            size: new.size,
            platform: edit.config.platform.clone(),
        });
    }
    let bytes = edit::edit_index(top_bytes, &replaced, &edit.index_annotations)?;
    let descriptor = place.put_manifest(&media_type, bytes, tag).await?;
    Ok(Edited {
        descriptor,
        replaced,
        absent,
    })
}

/// A single-platform image asked for with `--platform` must be that platform.
async fn check_own_platform(place: &Place<'_>, top_bytes: &[u8], want: &Platform) -> Result<()> {
    let (_, parsed) =
        manifest::parse(top_bytes, None).map_err(|source| ImageEditError::Manifest {
            digest: Digest::sha256_of(top_bytes),
            source,
        })?;
    if let Parsed::Image(m) = parsed {
        let config = place.read(&m.config, MAX_CONFIG_BYTES).await?;
        let have = manifest::config_platform(&config);
        if !have.as_ref().is_some_and(|p| want.matches(p)) {
            return Err(ImageEditError::NoPlatform {
                wanted: want.to_string(),
                available: have.map_or_else(|| "an unknown platform".into(), |p| p.to_string()),
            });
        }
    }
    Ok(())
}

/// Edits one image manifest: a new config, the layer added, the annotations; returns the new
/// manifest's descriptor.
async fn edit_one(
    place: &Place<'_>,
    media_type: &str,
    bytes: &[u8],
    edit: &ImageEdit,
    tag: Option<&str>,
) -> Result<Descriptor> {
    let (_, parsed) =
        manifest::parse(bytes, Some(media_type)).map_err(|source| ImageEditError::Manifest {
            digest: Digest::sha256_of(bytes),
            source,
        })?;
    let Parsed::Image(image) = parsed else {
        return Err(ImageEditError::Manifest {
            digest: Digest::sha256_of(bytes),
            source: ManifestError::UnknownMediaType(media_type.to_string()),
        });
    };
    let image_config = [
        manifest::OCI_CONFIG,
        "application/vnd.docker.container.image.v1+json",
    ];
    if (!edit.config.is_empty() || edit.layer.is_some())
        && !image_config.contains(&image.config.media_type.as_str())
    {
        // An artifact's config (often the empty `{}`) is no image config.
        return Err(ImageEditError::NotAnImage {
            digest: Digest::sha256_of(bytes),
            config_type: image.config.media_type.clone(),
        });
    }
    let config = place.read(&image.config, MAX_CONFIG_BYTES).await?;
    if !image.config.digest.matches(&config) {
        return Err(StoreError::DigestMismatch {
            expected: image.config.digest.clone(),
            actual: Digest::sha256_of(&config),
        }
        .into());
    }
    // A Docker manifest takes Docker's layer media type, as `docker push` writes it.
    let layer = edit.layer.clone().map(|mut l| {
        if media_type == DOCKER_MANIFEST {
            l.descriptor.media_type = DOCKER_LAYER_GZIP.to_string();
        }
        l
    });
    let new_config = edit::edit_config(&config, &edit.config, layer.as_ref())?;
    let config_digest = Digest::sha256_of(&new_config);
    let config_size = new_config.len() as u64;
    place.put_blob(&config_digest, new_config).await?;
    let manifest = edit::edit_manifest(
        bytes,
        (&config_digest, config_size),
        layer.as_ref(),
        &edit.annotations,
    )?;
    place.put_manifest(media_type, manifest, tag).await
}
