//! Pull: a registry's image into the store. The tag keeps what it points to on the registry
//! (an index stays an index, byte for byte), with the chosen platforms' manifests and blobs
//! present and the other children only referenced: a sparse index, as containerd keeps it.
//! A later pull of another platform fills in that child under the same index.

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt, stream};

use super::limit::Limit;
use super::plan::{Plan, Remote};
use super::ranged::{Ranges, download};
use super::{Outcome, PlatformChoice, Progress, Result};
use crate::oci::digest::Digest;
use crate::oci::manifest::{Descriptor, Platform};
use crate::oci::reference::Reference;
use crate::registry::Registry;
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct PullReport {
    /// The name the image is stored under (fully qualified).
    pub name: String,
    /// What the tag points to on the registry (an index for a multi-platform image).
    pub descriptor: Descriptor,
    /// The platform image taken from an index, when one was chosen.
    pub platform: Option<Descriptor>,
    pub blobs_downloaded: usize,
    pub bytes_downloaded: u64,
    pub blobs_present: usize,
}

impl PullReport {
    pub fn platform_name(&self) -> Option<String> {
        self.platform
            .as_ref()
            .and_then(|d| d.platform.as_ref())
            .map(Platform::to_string)
    }
}

/// The name a pulled image is stored under: its tag when it has one, else its digest.
pub fn store_name(reference: &Reference, digest: &Digest) -> String {
    match reference.tag() {
        Some(_) => reference.with_digest(None).to_string(),
        None => reference.with_digest(Some(digest.clone())).to_string(),
    }
}

pub async fn pull(
    registry: &Registry,
    store: &Store,
    reference: &Reference,
    choice: &PlatformChoice,
    jobs: usize,
    ranges: Option<Ranges>,
    progress: Arc<dyn Progress>,
) -> Result<PullReport> {
    let _guard = store.use_guard()?;
    let repo = reference.repository();
    let src = Remote::new(registry.clone(), repo);
    let plan = Plan::from_registry(&src, reference, choice).await?;

    let (present, missing): (Vec<_>, Vec<_>) = plan
        .blobs
        .iter()
        .map(|(d, _)| d.clone())
        .partition(|d| store.has_blob(&d.digest, Some(d.size)));
    for d in &present {
        progress.end(&d.digest, d.size, Outcome::AlreadyThere);
    }
    let downloaded = missing.len();
    let limit = Limit::new(registry, jobs);
    let limit = &limit;
    let bytes: u64 = stream::iter(missing)
        .map(|desc| {
            let progress = progress.clone();
            async move {
                let slot = limit.acquire().await;
                let got = download(registry, store, repo, &desc, ranges, progress).await;
                slot.done(desc.size, got.is_ok());
                got
            }
        })
        .buffer_unordered(limit.ceiling())
        .try_fold(0u64, |acc, n| async move { Ok(acc + n) })
        .await?;

    // Manifests after their blobs, the top last: the store never names what it lacks.
    for node in plan.children_in_send_order() {
        store.put_blob(&node.desc.digest, &node.bytes)?;
    }
    store.put_blob(&plan.top.desc.digest, &plan.top.bytes)?;
    let name = store_name(reference, &plan.top.desc.digest);
    store.set_tag(&name, &plan.top.desc)?;
    // Every digest the indexes list, fetched or not: a push of this sparse index later finds
    // the absent children here.
    store.record_sources(&reference.name(), &plan.all_digests());
    Ok(PullReport {
        name,
        descriptor: plan.top.desc.clone(),
        platform: plan.chosen.clone(),
        blobs_downloaded: downloaded,
        bytes_downloaded: bytes,
        blobs_present: present.len(),
    })
}
