//! Executes a plan onto a registry repository, shared by push and copy: one `HEAD` per blob
//! (all before any upload), then each missing blob mounted (same registry), uploaded from the
//! store, or streamed from the registry it lives on; then the manifests, deepest first, and
//! the top one last under its tag, byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt, stream};

use super::plan::{Origin, Plan};
use super::upload::{copy_blob, upload};
use super::{Outcome, Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::Registry;
use crate::store::Store;

/// Where a plan goes and how.
pub(super) struct Target<'a> {
    pub registry: &'a Registry,
    pub repo: &'a str,
    /// The tag (or digest) the top manifest is put under.
    pub reference: String,
    pub jobs: usize,
    pub chunk_size: Option<u64>,
    /// The store, when some blobs are read from it (push).
    pub store: Option<&'a Store>,
}

/// What [`send`] did.
#[derive(Debug, Clone)]
pub(super) struct Sent {
    /// The digest the registry has for the top manifest.
    pub digest: Digest,
    pub uploaded: usize,
    pub mounted: usize,
    pub present: usize,
    pub bytes: u64,
}

pub(super) async fn send(
    target: &Target<'_>,
    plan: &Plan,
    progress: &Arc<dyn Progress>,
) -> Result<Sent> {
    let (registry, repo) = (target.registry, target.repo);
    let blobs: Vec<(Descriptor, Origin)> = plan.blobs.clone();
    let checks: Vec<((Descriptor, Origin), bool)> = stream::iter(blobs)
        .map(|b| async move {
            let there = registry.blob_exists(repo, &b.0.digest).await?;
            Ok::<_, TransferError>((b, there.is_some()))
        })
        .buffer_unordered(target.jobs.max(1) * 2)
        .try_collect()
        .await?;
    let mut present = 0;
    let mut missing = Vec::new();
    for ((d, origin), there) in checks {
        if there {
            progress.end(&d.digest, d.size, Outcome::AlreadyThere);
            present += 1;
        } else {
            missing.push((d, origin));
        }
    }
    let sources: HashMap<Digest, Vec<String>> =
        target.store.map(Store::source_map).unwrap_or_default();
    let sources = &sources;
    let results: Vec<(bool, u64)> = stream::iter(missing)
        .map(|(desc, origin)| {
            let progress = progress.clone();
            async move { send_blob(target, &desc, &origin, sources, progress).await }
        })
        .buffer_unordered(target.jobs.max(1))
        .try_collect()
        .await?;
    let mounted = results.iter().filter(|(m, _)| *m).count();

    for child in plan.children_in_send_order() {
        registry
            .put_manifest(
                repo,
                &child.desc.digest.to_string(),
                &child.desc.media_type,
                child.bytes.clone(),
            )
            .await?;
    }
    let digest = registry
        .put_manifest(
            repo,
            &target.reference,
            &plan.top.desc.media_type,
            plan.top.bytes.clone(),
        )
        .await?;
    Ok(Sent {
        digest,
        uploaded: results.len() - mounted,
        mounted,
        present,
        bytes: results.iter().map(|(_, n)| n).sum(),
    })
}

/// One missing blob: mounted when another repository of the target registry has it,
/// otherwise uploaded from the store or streamed from its registry. `(mounted, bytes sent)`.
async fn send_blob(
    target: &Target<'_>,
    desc: &Descriptor,
    origin: &Origin,
    sources: &HashMap<Digest, Vec<String>>,
    progress: Arc<dyn Progress>,
) -> Result<(bool, u64)> {
    let (registry, repo) = (target.registry, target.repo);
    // Repositories of the target registry known to hold the blob, in a stable order.
    let prefix = format!("{}/", registry.name());
    let mut from: BTreeSet<String> = sources
        .get(&desc.digest)
        .into_iter()
        .flatten()
        .filter_map(|s| s.strip_prefix(&prefix).map(str::to_string))
        .collect();
    if let Origin::Remote(src) = origin
        && src.registry.name() == registry.name()
    {
        from.insert(src.repo.clone());
    }
    for other in from.iter().filter(|r| r.as_str() != repo) {
        // A mount is only a shortcut: a source these credentials cannot read (an old
        // record, another owner) or a registry that refuses mounts means an upload instead.
        if let Ok(true) = registry.mount_blob(repo, &desc.digest, other).await {
            progress.end(&desc.digest, desc.size, Outcome::Mounted);
            return Ok((true, 0));
        }
    }
    progress.begin(&desc.digest, desc.size);
    match origin {
        Origin::Store => {
            let store = target.store.ok_or_else(|| {
                TransferError::Task(format!("blob {} is not in a store", desc.digest))
            })?;
            upload(
                registry,
                store,
                repo,
                desc,
                target.chunk_size,
                progress.clone(),
            )
            .await?;
        }
        Origin::Remote(src) => {
            copy_blob(src, registry, repo, desc, progress.clone()).await?;
        }
    }
    progress.end(&desc.digest, desc.size, Outcome::Uploaded);
    Ok((false, desc.size))
}
