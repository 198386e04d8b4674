//! Moving images between a registry and the local store: pull (manifest, platform choice,
//! parallel verified blob downloads, then the tag) and push (existence checks for every blob
//! at once, parallel streamed uploads of the missing ones, then manifests, children first).
//! It never prints; it reports through [`Progress`].

use std::collections::BTreeSet;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use thiserror::Error;

use crate::digest::Digest;
use crate::manifest::{self, Descriptor, Parsed, Platform};
use crate::reference::Reference;
use crate::registry::{Registry, RegistryError};
use crate::store::{Store, StoreError};

/// How many chunks a download may run ahead of the disk writer (each up to ~64 KiB).
const WRITE_QUEUE: usize = 8;

#[derive(Debug, Error)]
pub enum TransferError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("blob {digest} from {source_name} was refused")]
    Blob {
        digest: Digest,
        source_name: String,
        #[source]
        source: StoreError,
    },
    #[error(
        "{reference} has no image for platform {wanted}; it has: {available}\nhint: pick one with --platform, such as `--platform {first}`"
    )]
    NoPlatform {
        reference: String,
        wanted: String,
        available: String,
        first: String,
    },
    #[error(
        "{reference} is a multi-platform index, and its {platform} image ({digest}) is not in the local store\nhint: run `ghcr-cli pull --all-platforms {reference}` to fetch every platform"
    )]
    MissingChild {
        reference: String,
        platform: String,
        digest: Digest,
    },
    #[error("a background task failed: {0}")]
    Task(String),
}

pub type Result<T, E = TransferError> = std::result::Result<T, E>;

/// What happened to one blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Downloaded,
    Uploaded,
    Mounted,
    AlreadyThere,
}

/// Progress events from a transfer; `progress.rs` draws them.
pub trait Progress: Send + Sync {
    fn begin(&self, digest: &Digest, size: u64);
    fn advance(&self, digest: &Digest, bytes: u64);
    fn end(&self, digest: &Digest, size: u64, outcome: Outcome);
}

/// A progress sink that ignores everything.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &Digest, _: u64) {}
    fn advance(&self, _: &Digest, _: u64) {}
    fn end(&self, _: &Digest, _: u64, _: Outcome) {}
}

/// Which platform a pull should take from an index.
#[derive(Debug, Clone)]
pub enum PlatformChoice {
    One(Platform),
    All,
}

#[derive(Debug, Clone)]
pub struct PullReport {
    /// The name the image is stored under (fully qualified).
    pub name: String,
    /// The stored manifest (or index, for `--all-platforms`).
    pub descriptor: Descriptor,
    pub platform: Option<Platform>,
    pub blobs_downloaded: usize,
    pub bytes_downloaded: u64,
    pub blobs_present: usize,
}

#[derive(Debug, Clone)]
pub struct PushReport {
    pub blobs_mounted: usize,
    pub digest: Digest,
    pub blobs_uploaded: usize,
    pub bytes_uploaded: u64,
    pub blobs_present: usize,
}

/// Drops repeated blobs (layers shared by an index's images), keeping the first.
fn dedupe(blobs: &mut Vec<Descriptor>) {
    let mut seen = BTreeSet::new();
    blobs.retain(|d| seen.insert(d.digest.clone()));
}

/// `HEAD`s every blob at once (before any upload) and splits them into those `repo` has and
/// those it lacks.
async fn split_by_presence(
    registry: &Registry,
    repo: &str,
    blobs: Vec<Descriptor>,
    jobs: usize,
    progress: &Arc<dyn Progress>,
) -> Result<(Vec<Descriptor>, Vec<Descriptor>)> {
    let checks: Vec<(Descriptor, bool)> = stream::iter(blobs)
        .map(|d| async move {
            let there = registry.blob_exists(repo, &d.digest).await?;
            Ok::<_, TransferError>((d, there.is_some()))
        })
        .buffer_unordered(jobs.max(1) * 2)
        .try_collect()
        .await?;
    let (present, missing): (Vec<_>, Vec<_>) = checks.into_iter().partition(|(_, there)| *there);
    for (d, _) in &present {
        progress.end(&d.digest, d.size, Outcome::AlreadyThere);
    }
    Ok((
        present.into_iter().map(|(d, _)| d).collect(),
        missing.into_iter().map(|(d, _)| d).collect(),
    ))
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
    platform: &PlatformChoice,
    jobs: usize,
    progress: Arc<dyn Progress>,
) -> Result<PullReport> {
    let _guard = store.use_guard()?;
    let repo = reference.repository();
    let top = registry
        .get_manifest(repo, &reference.api_reference())
        .await?;
    let (_, parsed) = parse(&top.bytes, &top.media_type, reference)?;
    let top_desc = Descriptor::new(&top.media_type, top.digest.clone(), top.bytes.len() as u64);

    // The manifests to store and the blobs they need.
    let mut manifests: Vec<(Descriptor, Bytes)> = Vec::new();
    let mut blobs: Vec<Descriptor> = Vec::new();
    let mut chosen_platform = None;
    let stored = match (parsed, platform) {
        (Parsed::Image(m), _) => {
            blobs.extend(m.blobs().cloned());
            manifests.push((top_desc.clone(), top.bytes.clone()));
            top_desc
        }
        (Parsed::Index(index), PlatformChoice::One(want)) => {
            let child = index
                .manifests
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
                .ok_or_else(|| no_platform(reference, want, &index.manifests))?
                .clone();
            chosen_platform = child.platform.clone();
            let (child_desc, child_bytes, child_m) =
                fetch_child(registry, reference, &child).await?;
            blobs.extend(child_m.blobs().cloned());
            manifests.push((child_desc.clone(), child_bytes));
            child_desc
        }
        (Parsed::Index(index), PlatformChoice::All) => {
            let children = stream::iter(index.manifests.iter().cloned())
                .map(|child| async move { fetch_child(registry, reference, &child).await })
                .buffered(jobs.max(1))
                .try_collect::<Vec<_>>()
                .await?;
            for (desc, bytes, m) in children {
                blobs.extend(m.blobs().cloned());
                manifests.push((desc, bytes));
            }
            manifests.push((top_desc.clone(), top.bytes.clone()));
            top_desc
        }
    };

    dedupe(&mut blobs);
    let (present, missing): (Vec<_>, Vec<_>) = blobs
        .into_iter()
        .partition(|d| store.has_blob(&d.digest, Some(d.size)));
    for d in &present {
        progress.end(&d.digest, d.size, Outcome::AlreadyThere);
    }
    let downloaded = missing.len();
    let fetched = missing.clone();
    let bytes: u64 = stream::iter(missing)
        .map(|desc| {
            let progress = progress.clone();
            async move { download(registry, store, repo, &desc, progress).await }
        })
        .buffer_unordered(jobs.max(1))
        .try_fold(0u64, |acc, n| async move { Ok(acc + n) })
        .await?;

    for (desc, bytes) in &manifests {
        store.put_blob(&desc.digest, bytes)?;
    }
    let name = store_name(reference, &stored.digest);
    store.set_tag(&name, &stored)?;
    let all: Vec<Digest> = present
        .iter()
        .chain(&fetched)
        .map(|d| d.digest.clone())
        .collect();
    store.record_sources(&reference.name(), &all);
    Ok(PullReport {
        name,
        descriptor: stored,
        platform: chosen_platform,
        blobs_downloaded: downloaded,
        bytes_downloaded: bytes,
        blobs_present: present.len(),
    })
}

fn parse(bytes: &[u8], media_type: &str, reference: &Reference) -> Result<(String, Parsed)> {
    manifest::parse(bytes, Some(media_type)).map_err(|source| {
        TransferError::Registry(RegistryError::Manifest {
            what: format!("manifest {reference}"),
            source,
        })
    })
}

async fn fetch_child(
    registry: &Registry,
    reference: &Reference,
    child: &Descriptor,
) -> Result<(Descriptor, Bytes, Box<manifest::ImageManifest>)> {
    let fetched = registry
        .get_manifest(reference.repository(), &child.digest.to_string())
        .await?;
    let child_ref = reference.with_digest(Some(child.digest.clone()));
    match parse(&fetched.bytes, &fetched.media_type, &child_ref)? {
        (_, Parsed::Image(m)) => {
            // Keep the index's descriptor (platform, annotations): it is what the index says.
            Ok((child.clone(), fetched.bytes, m))
        }
        (_, Parsed::Index(_)) => Err(TransferError::Registry(RegistryError::Protocol {
            what: format!("manifest {child_ref}"),
            reason: "an index inside an index is not supported".into(),
        })),
    }
}

fn no_platform(reference: &Reference, want: &Platform, children: &[Descriptor]) -> TransferError {
    let platforms: Vec<String> = children
        .iter()
        .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
        .collect();
    TransferError::NoPlatform {
        reference: reference.to_string(),
        wanted: want.to_string(),
        first: platforms.first().cloned().unwrap_or_default(),
        available: if platforms.is_empty() {
            "no platforms listed".into()
        } else {
            platforms.join(", ")
        },
    }
}

/// Streams one blob into the store. The network side runs on the async reactor; hashing and
/// disk writes run on a blocking thread fed through a bounded queue, so memory stays constant
/// and a slow disk slows the download instead of filling memory. A broken transfer resumes
/// with a `Range` request from the bytes already on disk (also in a later process); a
/// registry that ignores `Range` gets the blob from the start.
async fn download(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
) -> Result<u64> {
    let source_name = format!("{}/{repo}", registry.name());
    let refused = |source: StoreError| TransferError::Blob {
        digest: desc.digest.clone(),
        source_name: source_name.clone(),
        source,
    };
    if desc.size <= SMALL_BLOB {
        return download_small(registry, store, repo, desc, progress, &refused).await;
    }
    // Opening re-hashes what a broken earlier download left: off the reactor.
    let mut writer = {
        let (store, digest, size) = (store.clone(), desc.digest.clone(), desc.size);
        tokio::task::spawn_blocking(move || store.resume_writer(&digest, Some(size)))
            .await
            .map_err(|e| TransferError::Task(e.to_string()))??
    };
    progress.begin(&desc.digest, desc.size);
    progress.advance(&desc.digest, writer.offset());
    let mut attempt = 0;
    while writer.offset() < desc.size {
        let offset = writer.offset();
        let resp = registry.get_blob(repo, &desc.digest, offset).await?;
        let honoured = resp.status() == reqwest::StatusCode::PARTIAL_CONTENT
            && content_range_start(&resp) == Some(offset);
        if offset > 0 && !honoured {
            writer.restart().map_err(&refused)?;
        }
        let (back, outcome) = receive(writer, resp, desc, progress.clone()).await?;
        writer = back;
        match outcome {
            Ok(()) if writer.offset() >= desc.size => break,
            Ok(()) => {
                // The body ended early without an error: a truncated response.
                let reason = format!(
                    "the download of {} ended after {} of {} bytes",
                    desc.digest.short(),
                    writer.offset(),
                    desc.size
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(RegistryError::Protocol {
                        what: format!("blob {} from {source_name}", desc.digest),
                        reason,
                    }
                    .into());
                }
            }
            Err(Received::Refused(e)) => return Err(refused(e)),
            Err(Received::Broken(e)) => {
                let reason = format!(
                    "the download of {} broke after {} bytes ({e})",
                    desc.digest.short(),
                    writer.offset()
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(RegistryError::Transport {
                        url: format!("blob {} from {source_name}", desc.digest),
                        source: e,
                    }
                    .into());
                }
            }
        }
        attempt += 1;
    }
    tokio::task::spawn_blocking(move || writer.commit())
        .await
        .map_err(|e| TransferError::Task(e.to_string()))?
        .map_err(refused)?;
    progress.end(&desc.digest, desc.size, Outcome::Downloaded);
    Ok(desc.size)
}

/// Blobs up to this size (configs, small layers) are received into memory and written in
/// one go: no resumable partial file and no writer thread, which for many small blobs costs
/// more than the bytes themselves.
const SMALL_BLOB: u64 = 256 * 1024;

async fn download_small(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
    refused: &dyn Fn(StoreError) -> TransferError,
) -> Result<u64> {
    progress.begin(&desc.digest, desc.size);
    let mut attempt = 0;
    let body = loop {
        let resp = registry.get_blob(repo, &desc.digest, 0).await?;
        let mut body = Vec::with_capacity(desc.size as usize);
        let mut stream = resp.bytes_stream();
        let mut broke = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) if body.len() as u64 + c.len() as u64 > desc.size => {
                    return Err(refused(StoreError::TooLarge {
                        digest: desc.digest.clone(),
                        expected: desc.size,
                    }));
                }
                Ok(c) => body.extend_from_slice(&c),
                Err(e) => {
                    broke = Some(e.without_url());
                    break;
                }
            }
        }
        match broke {
            None => break body,
            Some(e) => {
                let reason = format!("the download of {} broke ({e})", desc.digest.short());
                if !registry.pause(attempt, &reason).await {
                    return Err(RegistryError::Transport {
                        url: format!("blob {} from {}/{repo}", desc.digest, registry.name()),
                        source: e,
                    }
                    .into());
                }
                attempt += 1;
            }
        }
    };
    let (store, digest) = (store.clone(), desc.digest.clone());
    let size = desc.size;
    tokio::task::spawn_blocking(move || {
        let mut w = store.blob_writer(&digest, Some(size))?;
        w.write(&body)?;
        w.commit()
    })
    .await
    .map_err(|e| TransferError::Task(e.to_string()))?
    .map_err(refused)?;
    progress.advance(&desc.digest, desc.size);
    progress.end(&desc.digest, desc.size, Outcome::Downloaded);
    Ok(desc.size)
}

/// Why a body stopped.
enum Received {
    /// The network broke: resume.
    Broken(reqwest::Error),
    /// The store refused the bytes (too many): do not resume.
    Refused(StoreError),
}

/// The start of a `Content-Range: bytes START-END/TOTAL` header.
fn content_range_start(resp: &reqwest::Response) -> Option<u64> {
    let v = resp
        .headers()
        .get(reqwest::header::CONTENT_RANGE)?
        .to_str()
        .ok()?;
    v.strip_prefix("bytes ")?
        .split('-')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Feeds one response body to the writer on a blocking thread; gives the writer back with
/// what stopped the body.
async fn receive(
    mut writer: crate::store::BlobWriter,
    resp: reqwest::Response,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
) -> Result<(crate::store::BlobWriter, Result<(), Received>)> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(WRITE_QUEUE);
    let writer_task = tokio::task::spawn_blocking(move || {
        let mut result = Ok(());
        while let Some(chunk) = rx.blocking_recv() {
            if let Err(e) = writer.write(&chunk) {
                result = Err(e);
                break;
            }
        }
        let flushed = writer.flush();
        (writer, result.and(flushed))
    });
    let mut body = resp.bytes_stream();
    let mut net_error = None;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => {
                let n = chunk.len() as u64;
                if tx.send(chunk).await.is_err() {
                    break; // the writer stopped: its error explains why
                }
                progress.advance(&desc.digest, n);
            }
            Err(e) => {
                net_error = Some(e.without_url());
                break;
            }
        }
    }
    drop(tx);
    let (writer, written) = writer_task
        .await
        .map_err(|e| TransferError::Task(e.to_string()))?;
    let outcome = match (written, net_error) {
        (Err(e), _) => Err(Received::Refused(e)),
        (Ok(()), Some(e)) => Err(Received::Broken(e)),
        (Ok(()), None) => Ok(()),
    };
    Ok((writer, outcome))
}

/// Pushes a stored image (manifest or index) to `target`.
#[allow(clippy::too_many_arguments)]
pub async fn push(
    registry: &Registry,
    store: &Store,
    target: &Reference,
    local: &Descriptor,
    jobs: usize,
    chunk_size: Option<u64>,
    progress: Arc<dyn Progress>,
) -> Result<PushReport> {
    let repo = target.repository();
    // Children first (by digest), the top manifest last (by tag): a registry never sees a
    // manifest before the blobs and manifests it references.
    let mut manifests: Vec<(Descriptor, Vec<u8>)> = Vec::new();
    let mut blobs: Vec<Descriptor> = Vec::new();
    let (top_bytes, top) = store.read_manifest(local)?;
    match top {
        Parsed::Image(m) => blobs.extend(m.blobs().cloned()),
        Parsed::Index(index) => {
            for child in &index.manifests {
                if !store.has_blob(&child.digest, Some(child.size)) {
                    return Err(TransferError::MissingChild {
                        reference: target.to_string(),
                        platform: child
                            .platform
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_else(|| "unknown".into()),
                        digest: child.digest.clone(),
                    });
                }
                let (bytes, parsed) = store.read_manifest(child)?;
                if let Parsed::Image(m) = parsed {
                    blobs.extend(m.blobs().cloned());
                }
                manifests.push((child.clone(), bytes));
            }
        }
    }
    dedupe(&mut blobs);
    for b in &blobs {
        if !store.has_blob(&b.digest, Some(b.size)) {
            return Err(StoreError::MissingBlob(b.digest.clone()).into());
        }
    }

    let (present, missing) = split_by_presence(registry, repo, blobs, jobs, &progress).await?;
    let uploaded_digests: Vec<Digest> = missing.iter().map(|d| d.digest.clone()).collect();
    let sources = store.source_map();
    let sources = &sources;
    let results = stream::iter(missing)
        .map(|desc| {
            let progress = progress.clone();
            let sources = sources.get(&desc.digest).cloned().unwrap_or_default();
            async move {
                // Another repository of this registry has it: mount instead of uploading.
                let prefix = format!("{}/", registry.name());
                for source in sources {
                    let Some(from) = source.strip_prefix(&prefix) else {
                        continue;
                    };
                    if from != repo && registry.mount_blob(repo, &desc.digest, from).await? {
                        progress.end(&desc.digest, desc.size, Outcome::Mounted);
                        return Ok::<_, TransferError>((true, 0));
                    }
                }
                progress.begin(&desc.digest, desc.size);
                upload(registry, store, repo, &desc, chunk_size, progress.clone()).await?;
                progress.end(&desc.digest, desc.size, Outcome::Uploaded);
                Ok((false, desc.size))
            }
        })
        .buffer_unordered(jobs.max(1))
        .try_collect::<Vec<(bool, u64)>>()
        .await?;
    let mounted = results.iter().filter(|(m, _)| *m).count();
    let results_len = results.len();
    let bytes: u64 = results.iter().map(|(_, n)| n).sum();
    let mut pushed: Vec<Digest> = present.iter().map(|d| d.digest.clone()).collect();
    pushed.extend(uploaded_digests);

    for (child, bytes) in manifests {
        registry
            .put_manifest(
                repo,
                &child.digest.to_string(),
                &child.media_type,
                Bytes::from(bytes),
            )
            .await?;
    }
    let tag_or_digest = target
        .tag()
        .map(str::to_string)
        .unwrap_or_else(|| local.digest.to_string());
    let digest = registry
        .put_manifest(
            repo,
            &tag_or_digest,
            &local.media_type,
            Bytes::from(top_bytes),
        )
        .await?;
    store.record_sources(&target.name(), &pushed);
    Ok(PushReport {
        digest,
        blobs_mounted: mounted,
        blobs_uploaded: results_len - mounted,
        bytes_uploaded: bytes,
        blobs_present: present.len(),
    })
}

/// ghcr.io refuses `PATCH` chunks over 4 MiB; also the chunk size when a registry refuses a
/// monolithic upload.
pub const DEFAULT_CHUNK: u64 = 4 * 1024 * 1024;

/// Uploads one blob from the store: one streamed `PUT` by default, chunked `PATCH`es when
/// asked (or when the registry refuses the whole blob at once with 413).
async fn upload(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    chunk_size: Option<u64>,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let path = store.blob_path(&desc.digest);
    let digest = desc.digest.clone();
    let p = progress.clone();
    let on_bytes: Arc<dyn Fn(u64) + Send + Sync> = Arc::new(move |n| p.advance(&digest, n));
    if let Some(chunk) = chunk_size {
        return upload_chunked(registry, store, repo, desc, chunk, on_bytes).await;
    }
    match registry
        .upload_blob(repo, &desc.digest, desc.size, &path, on_bytes.clone())
        .await
    {
        Err(RegistryError::Status { status: 413, .. }) => {
            upload_chunked(registry, store, repo, desc, DEFAULT_CHUNK, on_bytes).await
        }
        other => Ok(other?),
    }
}

/// A chunked upload that survives interruptions: after a failure it asks the registry where
/// the session stands (`GET` on the upload URL: `Range: 0-N`) and continues from there; the
/// session URL is remembered in the store, so a later process continues it too. A session
/// the registry no longer knows starts over.
async fn upload_chunked(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    chunk: u64,
    on_bytes: Arc<dyn Fn(u64) + Send + Sync>,
) -> Result<()> {
    let key = format!("{}/{repo}@{}", registry.name(), desc.digest);
    let path = store.blob_path(&desc.digest);
    let mut session: Option<(url::Url, u64)> = None;
    if let Some(remembered) = store
        .upload_record(&key)
        .and_then(|u| url::Url::parse(&u).ok())
        && let Ok(Some(next)) = registry.upload_status(repo, &remembered).await
        && next <= desc.size
    {
        session = Some((remembered, next));
    }
    let mut chunk = chunk.max(1);
    let mut attempt = 0;
    loop {
        let (mut location, mut offset) = match session.take() {
            Some(s) => s,
            None => {
                let opened = registry.open_upload(repo, &desc.digest).await?;
                chunk = chunk.max(opened.min_chunk.unwrap_or(1));
                (opened.location, 0)
            }
        };
        store.save_upload_record(&key, location.as_str());
        let mut failed = None;
        while offset < desc.size {
            let len = chunk.min(desc.size - offset);
            match registry
                .upload_chunk(
                    repo,
                    &desc.digest,
                    &location,
                    &path,
                    offset,
                    len,
                    on_bytes.clone(),
                )
                .await
            {
                Ok((next_location, next)) => {
                    location = next_location;
                    offset = next;
                    store.save_upload_record(&key, location.as_str());
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        match failed {
            None => {
                registry.close_upload(repo, &desc.digest, location).await?;
                store.forget_upload_record(&key);
                return Ok(());
            }
            Some(e @ (RegistryError::Transport { .. } | RegistryError::Status { .. })) => {
                let reason = format!(
                    "the upload of {} broke at byte {offset} ({e})",
                    desc.digest.short()
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(e.into());
                }
                attempt += 1;
                // Continue where the registry says the session stands, if it still does.
                session = match registry.upload_status(repo, &location).await {
                    Ok(Some(next)) if next <= desc.size => Some((location, next)),
                    _ => None,
                };
            }
            Some(e) => return Err(e.into()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CopyReport {
    pub digest: Digest,
    pub media_type: String,
    pub blobs_copied: usize,
    pub blobs_mounted: usize,
    pub blobs_present: usize,
    pub bytes_copied: u64,
}

/// Copies an image between registries (or repositories) without the local store: blobs
/// stream from the source straight into the destination, checked against their digests on
/// the way; on one registry they are mounted instead; blobs already there are skipped. Then
/// the manifests, children first, byte for byte.
pub async fn copy(
    src_registry: &Registry,
    src: &Reference,
    dst_registry: &Registry,
    dst: &Reference,
    platform: &PlatformChoice,
    jobs: usize,
    progress: Arc<dyn Progress>,
) -> Result<CopyReport> {
    let src_repo = src.repository();
    let dst_repo = dst.repository();
    let top = src_registry
        .get_manifest(src_repo, &src.api_reference())
        .await?;
    let (_, parsed) = parse(&top.bytes, &top.media_type, src)?;
    let top_desc = Descriptor::new(&top.media_type, top.digest.clone(), top.bytes.len() as u64);
    let mut children: Vec<(Descriptor, Bytes)> = Vec::new();
    let mut blobs: Vec<Descriptor> = Vec::new();
    let (final_desc, final_bytes) = match (parsed, platform) {
        (Parsed::Image(m), _) => {
            blobs.extend(m.blobs().cloned());
            (top_desc, top.bytes.clone())
        }
        (Parsed::Index(index), PlatformChoice::One(want)) => {
            let child = index
                .manifests
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
                .ok_or_else(|| no_platform(src, want, &index.manifests))?
                .clone();
            let (desc, bytes, m) = fetch_child(src_registry, src, &child).await?;
            blobs.extend(m.blobs().cloned());
            (desc, bytes)
        }
        (Parsed::Index(index), PlatformChoice::All) => {
            for child in &index.manifests {
                let (desc, bytes, m) = fetch_child(src_registry, src, child).await?;
                blobs.extend(m.blobs().cloned());
                children.push((desc, bytes));
            }
            (top_desc, top.bytes.clone())
        }
    };
    dedupe(&mut blobs);

    let (present, missing) =
        split_by_presence(dst_registry, dst_repo, blobs, jobs, &progress).await?;
    let same_registry = src_registry.name() == dst_registry.name();
    let results: Vec<(bool, u64)> = stream::iter(missing)
        .map(|desc| {
            let progress = progress.clone();
            async move {
                if same_registry
                    && src_repo != dst_repo
                    && dst_registry
                        .mount_blob(dst_repo, &desc.digest, src_repo)
                        .await?
                {
                    progress.end(&desc.digest, desc.size, Outcome::Mounted);
                    return Ok::<_, TransferError>((true, 0));
                }
                progress.begin(&desc.digest, desc.size);
                stream_blob(
                    src_registry,
                    src_repo,
                    dst_registry,
                    dst_repo,
                    &desc,
                    progress.clone(),
                )
                .await?;
                progress.end(&desc.digest, desc.size, Outcome::Uploaded);
                Ok((false, desc.size))
            }
        })
        .buffer_unordered(jobs.max(1))
        .try_collect()
        .await?;

    for (child, bytes) in children {
        dst_registry
            .put_manifest(
                dst_repo,
                &child.digest.to_string(),
                &child.media_type,
                bytes,
            )
            .await?;
    }
    let tag_or_digest = dst
        .tag()
        .map(str::to_string)
        .unwrap_or_else(|| final_desc.digest.to_string());
    let digest = dst_registry
        .put_manifest(
            dst_repo,
            &tag_or_digest,
            &final_desc.media_type,
            final_bytes,
        )
        .await?;
    Ok(CopyReport {
        digest,
        media_type: final_desc.media_type,
        blobs_copied: results.iter().filter(|(m, _)| !m).count(),
        blobs_mounted: results.iter().filter(|(m, _)| *m).count(),
        blobs_present: present.len(),
        bytes_copied: results.iter().map(|(_, n)| n).sum(),
    })
}

/// One blob from `src` to `dst` as a stream, hashed on the way: a blob that does not match
/// its digest, or is longer than its descriptor says, never completes the upload.
async fn stream_blob(
    src_registry: &Registry,
    src_repo: &str,
    dst_registry: &Registry,
    dst_repo: &str,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let resp = src_registry.get_blob(src_repo, &desc.digest, 0).await?;
    let bad: Arc<std::sync::Mutex<Option<TransferError>>> = Arc::default();
    let mut hasher = crate::digest::Hasher::new(desc.digest.algorithm());
    let mut received = 0u64;
    let expected = desc.digest.clone();
    let size = desc.size;
    let source_name = format!("{}/{src_repo}", src_registry.name());
    let flag = bad.clone();
    let body = resp.bytes_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        received += chunk.len() as u64;
        let problem = if received > size {
            Some(StoreError::TooLarge {
                digest: expected.clone(),
                expected: size,
            })
        } else {
            hasher.update(&chunk);
            (received == size)
                .then(|| hasher.clone().finish())
                .filter(|actual| *actual != expected)
                .map(|actual| StoreError::DigestMismatch {
                    expected: expected.clone(),
                    actual,
                })
        };
        if let Some(source) = problem {
            if let Ok(mut b) = flag.lock() {
                *b = Some(TransferError::Blob {
                    digest: expected.clone(),
                    source_name: source_name.clone(),
                    source,
                });
            }
            return Err(std::io::Error::other("blob refused"));
        }
        progress.advance(&expected, chunk.len() as u64);
        Ok(chunk)
    });
    let result = dst_registry
        .upload_stream(
            dst_repo,
            &desc.digest,
            desc.size,
            reqwest::Body::wrap_stream(body),
        )
        .await;
    if let Some(e) = bad.lock().ok().and_then(|mut b| b.take()) {
        return Err(e);
    }
    result.map_err(Into::into)
}
