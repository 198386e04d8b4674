//! Referrers on a registry, whichever way it keeps them: the OCI 1.1 referrers API when it
//! serves one, else the tag schema (an image index tagged `sha256-<hex>` listing them), as
//! distribution-spec 1.1 "Listing Referrers" and "Pushing Manifests with Subject" describe.
//!
//! Writing the tag schema is a read-modify-write of one tag with no lock: two writers can
//! race. Registries ignore `If-Match` (distribution 2.8 does), so a writer reads the index
//! with its digest, checks the tag still points there just before its `PUT`, and after the
//! `PUT` reads the tag again: when its entry is missing (another writer replaced the index
//! with one made from an older read), it starts over. A writer that read before our `PUT`
//! and passed its check just before it can still land its `PUT` after our check, so the
//! entry is checked once more after a pause of a few round trips, long enough for any such
//! `PUT` in flight to land. Without a compare-and-swap in the protocol this narrows the
//! race to a writer stalled longer than that pause; it cannot close it.

use std::collections::BTreeSet;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::download::download;
use super::plan::{Plan, Remote};
use super::send::{Target, send};
use super::{PlatformChoice, Progress, Result, TransferError, Uploads};
use crate::oci::artifact::{self, ReferrerFields};
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, OCI_INDEX, Parsed};
use crate::oci::reference::Reference;
use crate::registry::{Registry, RegistryError};
use crate::store::Store;

/// How many times a writer of the tag schema starts over after losing a race.
const MAX_TAG_ATTEMPTS: u32 = 10;
/// The bounds of the wait before a tag-schema writer checks its entry a second time.
const SETTLE_MIN: std::time::Duration = std::time::Duration::from_millis(300);
const SETTLE_MAX: std::time::Duration = std::time::Duration::from_secs(3);
/// How deep `--format tree` and the copies follow referrers of referrers.
const MAX_DEPTH: usize = 8;

/// Which way a registry keeps referrers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// `GET /v2/<name>/referrers/<digest>`.
    Api,
    /// The `sha256-<hex>` tag holding an index.
    Tags,
}

impl Schema {
    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Api => "api",
            Schema::Tags => "tag-schema",
        }
    }
}

/// The referrers of one subject.
#[derive(Debug, Clone)]
pub struct Listed {
    pub manifests: Vec<Descriptor>,
    pub schema: Schema,
}

/// A referrer with what refers to it in turn.
#[derive(Debug, Clone)]
pub struct TreeNode {
    pub descriptor: Descriptor,
    pub referrers: Vec<TreeNode>,
}

/// The referrers of `subject` in `repo`, filtered by artifact type when asked (here, when
/// the registry did not filter).
pub async fn list(
    registry: &Registry,
    repo: &str,
    subject: &Digest,
    artifact_type: Option<&str>,
) -> Result<Listed> {
    let (manifests, schema, filtered) =
        match registry.referrers_api(repo, subject, artifact_type).await? {
            Some(api) => (api.manifests, Schema::Api, api.filtered),
            None => (
                read_tag_index(registry, repo, subject).await?.1,
                Schema::Tags,
                false,
            ),
        };
    let manifests = match artifact_type {
        Some(t) if !filtered => manifests
            .into_iter()
            .filter(|d| d.artifact_type.as_deref() == Some(t))
            .collect(),
        _ => manifests,
    };
    Ok(Listed { manifests, schema })
}

/// The referrers of `subject` and theirs, `artifact_type` filtering the first level only (a
/// signature of an SBOM shows under the SBOM).
pub async fn tree(
    registry: &Registry,
    repo: &str,
    subject: &Digest,
    artifact_type: Option<&str>,
) -> Result<(Vec<TreeNode>, Schema)> {
    let top = list(registry, repo, subject, artifact_type).await?;
    let mut seen = BTreeSet::from([subject.clone()]);
    let mut out = Vec::new();
    for d in top.manifests {
        out.push(subtree(registry, repo, d, 1, &mut seen).await?);
    }
    Ok((out, top.schema))
}

fn subtree<'a>(
    registry: &'a Registry,
    repo: &'a str,
    descriptor: Descriptor,
    depth: usize,
    seen: &'a mut BTreeSet<Digest>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<TreeNode>> + Send + 'a>> {
    Box::pin(async move {
        let mut node = TreeNode {
            descriptor,
            referrers: Vec::new(),
        };
        // A cycle (a crafted referrer naming itself through another) ends here.
        if depth >= MAX_DEPTH || !seen.insert(node.descriptor.digest.clone()) {
            return Ok(node);
        }
        let below = list(registry, repo, &node.descriptor.digest, None).await?;
        for d in below.manifests {
            let child = subtree(registry, repo, d, depth + 1, seen).await?;
            node.referrers.push(child);
        }
        Ok(node)
    })
}

/// The tag-schema index of `subject`: the digest the tag points at (`None` when there is no
/// such tag) and its entries.
async fn read_tag_index(
    registry: &Registry,
    repo: &str,
    subject: &Digest,
) -> Result<(Option<Digest>, Vec<Descriptor>)> {
    let tag = artifact::fallback_tag(subject);
    let fetched = match registry.get_manifest(repo, &tag).await {
        Ok(f) => f,
        Err(RegistryError::NotFound { .. }) => return Ok((None, Vec::new())),
        Err(e) => return Err(e.into()),
    };
    let what = format!("{}/{repo}:{tag}", registry.name());
    match manifest::parse(&fetched.bytes, Some(&fetched.media_type)) {
        Ok((_, Parsed::Index(index))) => Ok((Some(fetched.digest), index.manifests)),
        Ok((_, Parsed::Image(_))) => Err(RegistryError::Protocol {
            what,
            reason: "the referrers tag holds an image, not an index".into(),
        }
        .into()),
        Err(source) => Err(RegistryError::Manifest { what, source }.into()),
    }
}

/// Adds `referrer` to the tag-schema index of `subject`, racing writers included (see the
/// module comment). Returns how many times it started over.
pub async fn add_to_tag_index(
    registry: &Registry,
    repo: &str,
    subject: &Digest,
    referrer: &Descriptor,
) -> Result<u32> {
    let tag = artifact::fallback_tag(subject);
    for attempt in 0..MAX_TAG_ATTEMPTS {
        let (read, mut entries) = read_tag_index(registry, repo, subject).await?;
        if entries.iter().any(|d| d.digest == referrer.digest) {
            return Ok(attempt);
        }
        entries.push(referrer.clone());
        // The tag moved since the read: start over from what is there now.
        if registry.tag_digest(repo, &tag).await? != read {
            continue;
        }
        let started = std::time::Instant::now();
        let bytes = Bytes::from(artifact::referrers_index(&entries));
        registry.put_manifest(repo, &tag, OCI_INDEX, bytes).await?;
        if !listed(registry, repo, subject, referrer).await? {
            continue;
        }
        // A writer that read before our PUT and checked the tag just before it may still
        // be sending its PUT, which would drop our entry: wait a few of our own round trips
        // for such a PUT to land, and look again.
        let settle = (started.elapsed() * 4).clamp(SETTLE_MIN, SETTLE_MAX);
        tokio::time::sleep(settle).await;
        if listed(registry, repo, subject, referrer).await? {
            return Ok(attempt);
        }
    }
    Err(RegistryError::Protocol {
        what: format!("{}/{repo}:{tag}", registry.name()),
        reason: format!(
            "other writers replaced the referrers index {MAX_TAG_ATTEMPTS} times while {} was added",
            referrer.digest
        ),
    }
    .into())
}

/// Whether the tag-schema index of `subject` lists `referrer` now.
async fn listed(
    registry: &Registry,
    repo: &str,
    subject: &Digest,
    referrer: &Descriptor,
) -> Result<bool> {
    let (_, now) = read_tag_index(registry, repo, subject).await?;
    Ok(now.iter().any(|d| d.digest == referrer.digest))
}

/// Puts a manifest that has a subject (its blobs already there) by its digest, and makes it
/// findable: a registry that indexed it answers `OCI-Subject`; otherwise the tag-schema
/// index of the subject gets it. Returns its digest and the way it is listed.
pub async fn put_referrer(
    registry: &Registry,
    repo: &str,
    media_type: &str,
    bytes: Bytes,
) -> Result<(Digest, Schema)> {
    let digest = Digest::sha256_of(&bytes);
    let fields = ReferrerFields::parse(&bytes).unwrap_or_default();
    let (digest, indexed) = registry
        .put_manifest_with_subject(repo, &digest.to_string(), media_type, bytes.clone())
        .await?;
    let Some(subject) = fields.subject else {
        return Ok((digest, Schema::Api));
    };
    if indexed.is_some() {
        return Ok((digest, Schema::Api));
    }
    let desc = artifact::referrer_descriptor(&bytes, media_type);
    add_to_tag_index(registry, repo, &subject.digest, &desc).await?;
    Ok((digest, Schema::Tags))
}

/// The manifests of `digest` that can have referrers: itself and, for an index, each child.
pub async fn subjects_of(registry: &Registry, repo: &str, digest: &Digest) -> Result<Vec<Digest>> {
    let top = registry.get_manifest(repo, &digest.to_string()).await?;
    let mut out = vec![digest.clone()];
    if let Ok((_, Parsed::Index(index))) = manifest::parse(&top.bytes, Some(&top.media_type)) {
        out.extend(index.manifests.into_iter().map(|d| d.digest));
    }
    Ok(out)
}

/// Every referrer of `subjects` on `registry`, and theirs, breadth first.
async fn walk(registry: &Registry, repo: &str, subjects: &[Digest]) -> Result<Vec<Descriptor>> {
    let mut seen: BTreeSet<Digest> = subjects.iter().cloned().collect();
    let mut level: Vec<Digest> = subjects.to_vec();
    let mut out = Vec::new();
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for s in &level {
            for d in list(registry, repo, s, None).await?.manifests {
                if seen.insert(d.digest.clone()) {
                    next.push(d.digest.clone());
                    out.push(d);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    Ok(out)
}

/// What a copy of referrers did.
#[derive(Debug, Clone)]
pub struct CopiedReferrer {
    pub descriptor: Descriptor,
    pub schema: Schema,
}

/// Copies the referrers of `subjects` (and theirs) from `src` to `dst`, each manifest with
/// its blobs, listed the way the target keeps referrers.
pub async fn copy_referrers(
    src_registry: &Registry,
    src: &Reference,
    dst_registry: &Registry,
    dst: &Reference,
    subjects: &[Digest],
    uploads: Uploads,
    progress: Arc<dyn Progress>,
) -> Result<Vec<CopiedReferrer>> {
    let from = Remote::new(src_registry.clone(), src.repository());
    let mut out = Vec::new();
    // Subjects before their referrers: a signature of an SBOM is put after the SBOM.
    for desc in walk(src_registry, src.repository(), subjects).await? {
        let reference = src.with_digest(Some(desc.digest.clone()));
        let plan = Plan::from_registry(&from, &reference, &PlatformChoice::All).await?;
        send(
            &Target {
                registry: dst_registry,
                repo: dst.repository(),
                reference: desc.digest.to_string(),
                jobs: uploads.jobs,
                chunk_size: uploads.chunk_size,
                store: None,
            },
            &plan,
            &progress,
        )
        .await?;
        // Put again to learn whether the target indexed the subject (`OCI-Subject`); the
        // bytes are the same, so this only costs one small request.
        let (_, schema) = put_referrer(
            dst_registry,
            dst.repository(),
            &plan.top.desc.media_type,
            plan.top.bytes.clone(),
        )
        .await?;
        out.push(CopiedReferrer {
            descriptor: desc,
            schema,
        });
    }
    Ok(out)
}

/// Pulls the referrers of `subjects` (and theirs) into the store, each as an unnamed entry
/// kept with its subject.
pub async fn pull_referrers(
    registry: &Registry,
    store: &Store,
    reference: &Reference,
    subjects: &[Digest],
    jobs: usize,
    progress: Arc<dyn Progress>,
) -> Result<Vec<Descriptor>> {
    let _guard = store.use_guard()?;
    let repo = reference.repository();
    let src = Remote::new(registry.clone(), repo);
    let found = walk(registry, repo, subjects).await?;
    for desc in &found {
        let pinned = reference.with_digest(Some(desc.digest.clone()));
        let plan = Plan::from_registry(&src, &pinned, &PlatformChoice::All).await?;
        let missing: Vec<Descriptor> = plan
            .blobs
            .iter()
            .map(|(d, _)| d.clone())
            .filter(|d| !store.has_blob(&d.digest, Some(d.size)))
            .collect();
        stream::iter(missing)
            .map(|d| {
                let progress = progress.clone();
                async move { download(registry, store, repo, &d, progress).await }
            })
            .buffer_unordered(jobs.max(1))
            .try_collect::<Vec<u64>>()
            .await?;
        for node in plan.children_in_send_order() {
            store.put_blob(&node.desc.digest, &node.bytes)?;
        }
        store.put_blob(&plan.top.desc.digest, &plan.top.bytes)?;
        store
            .add_referrer(&artifact::referrer_descriptor(
                &plan.top.bytes,
                &plan.top.desc.media_type,
            ))
            .map_err(TransferError::from)?;
    }
    Ok(found)
}
