//! Sends one image of a sync onto its target, with what the whole run knows: a blob that
//! several images share goes to each target registry once. The ledger keeps, per target
//! registry and digest, the repositories that hold it; the first image to need a blob holds
//! its entry while it checks and transfers it, the others wait on that entry and then mount
//! it (or know it present, without asking again). Blob transfers across all images of a run share one bound per
//! target registry. The bytes move through `copy`'s machinery ([`copy_blob`]: streamed,
//! verified against the digest, retried with new sessions), in `PATCH` chunks of the
//! target registry's `chunk_size` when the config sets one.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, TryStreamExt, stream};
use tokio::sync::Semaphore;

use super::super::plan::{Origin, Plan};
use super::super::relay::copy_blob;
use super::super::{Outcome, Progress, Result, TransferError};
use super::config::SyncConfig;
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::Registry;

/// The repositories of one target registry known to hold one blob.
type Slot = Arc<tokio::sync::Mutex<BTreeSet<String>>>;

/// What the run knows of the blobs on its target registries.
pub(super) struct Ledger {
    slots: Mutex<HashMap<(String, Digest), Slot>>,
    bounds: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// The config's `chunk_size` of each target registry that has one.
    chunks: HashMap<String, u64>,
}

/// What sending one image did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Moved {
    pub uploaded: usize,
    pub mounted: usize,
    pub present: usize,
    pub bytes: u64,
}

impl Moved {
    pub fn add(&mut self, other: Moved) {
        self.uploaded += other.uploaded;
        self.mounted += other.mounted;
        self.present += other.present;
        self.bytes += other.bytes;
    }
}

impl Ledger {
    pub fn new(config: &SyncConfig) -> Self {
        Ledger {
            slots: Mutex::new(HashMap::new()),
            bounds: Mutex::new(HashMap::new()),
            chunks: config
                .registries
                .iter()
                .filter_map(|(name, settings)| Some((name.clone(), settings.chunk_size?)))
                .collect(),
        }
    }

    fn slot(&self, registry: &str, digest: &Digest) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots
            .entry((registry.to_string(), digest.clone()))
            .or_default()
            .clone()
    }

    /// The config's `chunk_size` for uploads to `registry`.
    pub fn chunk_size(&self, registry: &str) -> Option<u64> {
        self.chunks.get(registry).copied()
    }

    /// The bound on blob transfers to `registry` across the run.
    fn bound(&self, registry: &str, jobs: usize) -> Arc<Semaphore> {
        let mut bounds = self.bounds.lock().unwrap_or_else(|p| p.into_inner());
        bounds
            .entry(registry.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(jobs.max(1))))
            .clone()
    }

    /// Sends `plan` to `repo` on `dst`: its blobs (each once per target registry in the
    /// run), its child manifests deepest first, and the top under `reference`.
    pub async fn send(
        &self,
        plan: &Plan,
        dst: &Registry,
        repo: &str,
        reference: &str,
        jobs: usize,
        progress: &Arc<dyn Progress>,
    ) -> Result<Moved> {
        let bound = self.bound(dst.name(), jobs);
        let moved: Vec<Moved> = stream::iter(plan.blobs.clone())
            .map(|(desc, origin)| {
                let bound = bound.clone();
                let progress = progress.clone();
                async move { self.blob(dst, repo, &desc, &origin, &bound, progress).await }
            })
            .buffer_unordered(jobs.max(1))
            .try_collect()
            .await?;
        for child in plan.children_in_send_order() {
            dst.put_manifest(
                repo,
                &child.desc.digest.to_string(),
                &child.desc.media_type,
                child.bytes.clone(),
            )
            .await?;
        }
        dst.put_manifest(
            repo,
            reference,
            &plan.top.desc.media_type,
            plan.top.bytes.clone(),
        )
        .await?;
        let mut total = Moved::default();
        for m in moved {
            total.add(m);
        }
        Ok(total)
    }

    async fn blob(
        &self,
        dst: &Registry,
        repo: &str,
        desc: &Descriptor,
        origin: &Origin,
        bound: &Semaphore,
        progress: Arc<dyn Progress>,
    ) -> Result<Moved> {
        let slot = self.slot(dst.name(), &desc.digest);
        // Held through the transfer: another image needing this blob waits here, then
        // mounts what this one sent.
        let mut known = slot.lock().await;
        let present = Moved {
            present: 1,
            ..Moved::default()
        };
        let mounted = Moved {
            mounted: 1,
            ..Moved::default()
        };
        // Known there: never mounted again. (distribution rewrites a blob's link file on
        // every mount, and a manifest put in that repository meanwhile can read it empty
        // and answer MANIFEST_BLOB_UNKNOWN.)
        if known.contains(repo) {
            progress.end(&desc.digest, desc.size, Outcome::AlreadyThere);
            return Ok(present);
        }
        // A mount is a shortcut: refused, the blob is checked and sent as usual.
        if let Some(from) = known.iter().next().cloned()
            && let Ok(true) = dst.mount_blob(repo, &desc.digest, &from).await
        {
            known.insert(repo.to_string());
            progress.end(&desc.digest, desc.size, Outcome::Mounted);
            return Ok(mounted);
        }
        // The bound is taken only here, by the image that checks and sends: images waiting
        // on the slot above hold no turn.
        let _turn = bound
            .acquire()
            .await
            .map_err(|e| TransferError::Task(e.to_string()))?;
        if dst.blob_exists(repo, &desc.digest).await?.is_some() {
            known.insert(repo.to_string());
            progress.end(&desc.digest, desc.size, Outcome::AlreadyThere);
            return Ok(present);
        }
        let Origin::Remote(src) = origin else {
            return Err(TransferError::Task(format!(
                "blob {} has no registry to come from",
                desc.digest
            )));
        };
        if src.registry.name() == dst.name()
            && src.repo != repo
            && let Ok(true) = dst.mount_blob(repo, &desc.digest, &src.repo).await
        {
            known.insert(repo.to_string());
            progress.end(&desc.digest, desc.size, Outcome::Mounted);
            return Ok(mounted);
        }
        progress.begin(&desc.digest, desc.size);
        let chunk_size = self.chunk_size(dst.name());
        copy_blob(src, dst, repo, desc, chunk_size, progress.clone()).await?;
        progress.end(&desc.digest, desc.size, Outcome::Uploaded);
        known.insert(repo.to_string());
        Ok(Moved {
            uploaded: 1,
            bytes: desc.size,
            ..Moved::default()
        })
    }
}
