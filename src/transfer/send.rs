//! Executes a plan onto a registry repository, shared by push and copy: first one `HEAD` on
//! the target's manifest (when it already is what would be sent, that is all); otherwise one
//! `HEAD` per blob (not for small ones in a repository the registry does not know), and
//! right after it each missing blob mounted (same registry), uploaded from the
//! store, or streamed from the registry it lives on; then the manifests, deepest first, and
//! the top one last under its tag, byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt, stream};

use super::limit::{Limit, SMALL};
use super::plan::{Origin, Plan};
use super::relay::copy_blob;
use super::upload::{record_key, upload};
use super::{Outcome, Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::{Access, Registry};
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
    // One round trip answers a push of what is already there (regclient asks first too). The
    // push token is asked for here, so a real push needs no second one. Only a shortcut: a
    // registry that cannot answer gets the blob checks as before.
    // Asked at the same time: whether the repository exists at all. In one the registry has
    // never seen, a small blob is sent without asking first (a HEAD costs as much as the
    // upload; one a broken streamed push left there is sent again, at most 1 MiB); large
    // ones are still asked about, as a push that broke may have left them.
    let (head, known) = tokio::join!(
        registry.head_manifest_as(repo, &target.reference, Access::Push),
        registry.repository_known(repo, Access::Push)
    );
    // A chunked upload a broken push left here says the repository may hold its other blobs
    // already, tag or no tag: those are asked about as before.
    let interrupted = target.store.is_some_and(|store| {
        plan.blobs.iter().any(|(d, _)| {
            store
                .upload_record(&record_key(registry, repo, &d.digest))
                .is_some()
        })
    });
    let fresh = !interrupted && matches!(known, Ok(Some(false)));
    if let Ok(Some((Some(digest), _, _))) = head
        && digest == plan.top.desc.digest
    {
        for (d, _) in &plan.blobs {
            progress.end(&d.digest, d.size, Outcome::AlreadyThere);
        }
        return Ok(Sent {
            digest,
            uploaded: 0,
            mounted: 0,
            present: plan.blobs.len(),
            bytes: 0,
        });
    }
    let sources: HashMap<Digest, Vec<String>> =
        target.store.map(Store::source_map).unwrap_or_default();
    let sources = &sources;
    // Each blob on its own: its `HEAD`, then its mount or upload when missing, so uploads
    // start one round trip in rather than after every check. Every request takes its place
    // under the adaptive limit.
    let limit = Limit::new(registry, target.jobs);
    let limit = &limit;
    let blobs: Vec<(Descriptor, Origin)> = plan.blobs.clone();
    let outcomes: Vec<Option<(bool, u64)>> = stream::iter(blobs)
        .map(|(desc, origin)| {
            let progress = progress.clone();
            async move {
                if !(fresh && desc.size <= SMALL) {
                    let slot = limit.acquire().await;
                    let there = registry.blob_exists(repo, &desc.digest).await;
                    slot.done(0, there.is_ok());
                    if there?.is_some() {
                        progress.end(&desc.digest, desc.size, Outcome::AlreadyThere);
                        return Ok::<_, TransferError>(None);
                    }
                }
                let slot = limit.acquire().await;
                let sent = send_blob(target, &desc, &origin, sources, progress).await;
                slot.done(desc.size, sent.is_ok());
                sent.map(Some)
            }
        })
        .buffer_unordered(limit.ceiling())
        .try_collect()
        .await?;
    let present = outcomes.iter().filter(|o| o.is_none()).count();
    let results: Vec<(bool, u64)> = outcomes.into_iter().flatten().collect();
    let mounted = results.iter().filter(|(m, _)| *m).count();

    // The manifests of one depth all at once (one round trip for every platform), deeper
    // depths first: no index arrives before the manifests it lists.
    let children = plan.children_in_send_order();
    for depth in children.chunk_by(|a, b| a.depth == b.depth) {
        futures_util::future::try_join_all(depth.iter().map(|child| async move {
            registry
                .put_manifest(
                    repo,
                    &child.desc.digest.to_string(),
                    &child.desc.media_type,
                    child.bytes.clone(),
                )
                .await
        }))
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
            copy_blob(
                src,
                registry,
                repo,
                desc,
                target.chunk_size,
                progress.clone(),
            )
            .await?;
        }
    }
    progress.end(&desc.digest, desc.size, Outcome::Uploaded);
    Ok((false, desc.size))
}
