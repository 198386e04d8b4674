//! Push: an image from the store onto a registry, never smaller than what the name holds.
//! An index whose children are not all here (a one-platform pull) is pushed whole: children
//! the target repository has are skipped, the others are fetched from the registry they were
//! pulled from (mounted there when it is the same registry) and sent, verified. When one
//! cannot be had, nothing is pushed under the tag.

use std::collections::BTreeMap;
use std::sync::Arc;

use futures_util::{StreamExt, stream};

use super::plan::{Plan, Remote};
use super::send::{Target, send};
use super::{Connect, Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, Parsed, Platform, Selected};
use crate::oci::reference::Reference;
use crate::registry::Registry;
use crate::store::Store;

#[derive(Debug, Clone)]
pub struct PushReport {
    pub digest: Digest,
    pub blobs_uploaded: usize,
    pub blobs_mounted: usize,
    pub bytes_uploaded: u64,
    pub blobs_present: usize,
    /// Absent children of a sparse index the target already had.
    pub children_present: usize,
    /// Absent children fetched from where they were pulled and sent along.
    pub children_fetched: usize,
}

/// What to push of a stored image.
pub struct PushRequest<'a> {
    pub target: &'a Reference,
    pub local: &'a Descriptor,
    /// `--platform P`: only that image of an index, as a single-platform image.
    pub platform: Option<&'a Platform>,
    pub jobs: usize,
    pub chunk_size: Option<u64>,
}

pub async fn push(
    registry: &Registry,
    store: &Store,
    request: &PushRequest<'_>,
    connect: Connect<'_>,
    progress: Arc<dyn Progress>,
) -> Result<PushReport> {
    let target = request.target;
    let repo = target.repository();
    let top = match request.platform {
        Some(want) => narrow(store, target, request.local, want)?,
        None => request.local.clone(),
    };
    if !store.has_blob(&top.digest, Some(top.size)) {
        // Only `--platform` names a top that may be absent: one platform of a sparse index.
        return Err(TransferError::PlatformNotPulled {
            reference: target.to_string(),
            wanted: request
                .platform
                .map(ToString::to_string)
                .unwrap_or_default(),
            present: present_platforms(store, request.local).join(", "),
        });
    }
    let (mut plan, absent) = Plan::from_store(store, &top)?;

    // Absent children: on the target already, or fetched from where they came from.
    let there: Vec<bool> = stream::iter(&absent)
        .map(|(d, _)| async move {
            registry
                .head_manifest(repo, &d.digest.to_string())
                .await
                .map(|h| h.is_some())
        })
        .buffered(request.jobs.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    let sources = store.source_map();
    let mut unavailable = Vec::new();
    let (mut children_present, mut children_fetched) = (0, 0);
    for ((child, depth), there) in absent.iter().zip(there) {
        if there {
            children_present += 1;
            continue;
        }
        match fetch_elsewhere(&mut plan, registry, child, *depth, &sources, connect).await {
            Ok(()) => children_fetched += 1,
            Err(why) => unavailable.push(format!("{} ({}): {why}", child.label(), child.digest)),
        }
    }
    if !unavailable.is_empty() {
        return Err(TransferError::ChildrenUnavailable {
            reference: target.to_string(),
            missing: unavailable.join("; "),
            present: present_platforms(store, &top),
        });
    }

    let reference = target
        .tag()
        .map(str::to_string)
        .unwrap_or_else(|| top.digest.to_string());
    let sent = send(
        &Target {
            registry,
            repo,
            reference,
            jobs: request.jobs,
            chunk_size: request.chunk_size,
            store: Some(store),
        },
        &plan,
        &progress,
    )
    .await?;
    store.record_sources(&target.name(), &plan.all_digests());
    Ok(PushReport {
        digest: sent.digest,
        blobs_uploaded: sent.uploaded,
        blobs_mounted: sent.mounted,
        bytes_uploaded: sent.bytes,
        blobs_present: sent.present,
        children_present,
        children_fetched,
    })
}

/// Finds an absent child where the store recorded it (the target's registry first, so it
/// can be mounted), and adds it with everything below it to the plan.
async fn fetch_elsewhere(
    plan: &mut Plan,
    target: &Registry,
    child: &Descriptor,
    depth: usize,
    sources: &std::collections::HashMap<Digest, Vec<String>>,
    connect: Connect<'_>,
) -> Result<(), String> {
    let mut candidates: Vec<&String> = sources.get(&child.digest).into_iter().flatten().collect();
    let same = format!("{}/", target.name());
    candidates.sort_by_key(|s| !s.starts_with(&same));
    if candidates.is_empty() {
        return Err("the store does not know where it came from".into());
    }
    let mut reasons = BTreeMap::new();
    for source in candidates {
        let Some((host, repo)) = source.split_once('/') else {
            continue;
        };
        let registry = if host == target.name() {
            target.clone()
        } else {
            match connect(host) {
                Ok(r) => r,
                Err(e) => {
                    reasons.insert(source.clone(), e.to_string());
                    continue;
                }
            }
        };
        let src = Remote::new(registry, repo);
        match plan.add_remote(&src, child, depth).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                reasons.insert(source.clone(), crate::http::chain(&e));
            }
        }
    }
    Err(reasons
        .into_iter()
        .map(|(s, why)| format!("from {s}: {why}"))
        .collect::<Vec<_>>()
        .join("; "))
}

/// `push --platform P`: the image of `local` for P. An index gives its child for P (which
/// must be here or fetchable); a single-platform image must be P.
fn narrow(
    store: &Store,
    target: &Reference,
    local: &Descriptor,
    want: &Platform,
) -> Result<Descriptor> {
    let no_platform = |available: String| TransferError::NoPlatform {
        reference: target.to_string(),
        wanted: want.to_string(),
        available,
    };
    match store.read_manifest(local)?.1 {
        Parsed::Index(index) => match index.select(want) {
            Selected::Image(d) => Ok(Descriptor::new(&d.media_type, d.digest.clone(), d.size)),
            Selected::Nested(_) => Err(no_platform(index.platforms().join(", "))),
        },
        Parsed::Image(m) => {
            let config = store.read_blob(&m.config.digest, manifest::MAX_MANIFEST_BYTES)?;
            match manifest::config_platform(&config) {
                Some(have) if !want.matches(&have) => {
                    Err(no_platform(format!("{have} (a single-platform image)")))
                }
                _ => Ok(local.clone()),
            }
        }
    }
}

/// The platforms of an index the store holds, for the `--platform` way forward.
fn present_platforms(store: &Store, top: &Descriptor) -> Vec<String> {
    match store.read_manifest(top) {
        Ok((_, Parsed::Index(index))) => store
            .children(&index)
            .iter()
            .filter(|c| c.present && !c.descriptor.is_attestation())
            .map(|c| c.descriptor.label())
            .collect(),
        // A single image, or a top manifest the store cannot read: no platforms to offer.
        Ok((_, Parsed::Image(_))) | Err(_) => Vec::new(),
    }
}
