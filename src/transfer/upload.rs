//! Blob bytes onto a registry: from the store (one streamed `PUT`, or chunked `PATCH`es) or
//! streamed from another registry, verified on the way. An upload the network breaks is
//! recovered in the same run: the session's state is asked for, and a session the registry
//! lost (stale URL, wrong offset) is replaced by a new one.

use std::sync::Arc;

use futures_util::StreamExt;

use super::plan::Remote;
use super::{Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::{Registry, RegistryError};
use crate::store::{Store, StoreError};

/// ghcr.io refuses `PATCH` chunks over 4 MiB; also the chunk size when a registry refuses a
/// monolithic upload.
pub const DEFAULT_CHUNK: u64 = 4 * 1024 * 1024;
/// Blobs up to this size are read into memory and sent in one request where the registry
/// takes that (see `registry/monolithic.rs`).
const SMALL_UPLOAD: u64 = 512 * 1024;

/// The store's key for an interrupted chunked upload of `digest` to `repo`.
pub(super) fn record_key(registry: &Registry, repo: &str, digest: &Digest) -> String {
    format!("{}/{repo}@{digest}", registry.name())
}

/// Whether a failed upload is worth a new session: the network broke (and the request
/// layer's own retries, which reuse the session URL, could not save it), or the registry lost
/// the session or its offset. Anything else (denied, unsupported, refused bytes) is final.
fn recoverable(e: &RegistryError) -> bool {
    match e {
        RegistryError::Http(e) => e.is_transient(),
        RegistryError::UploadLost { .. } | RegistryError::TooManyRequests { .. } => true,
        // Uploads are sent once (the session may hold part of a body), so a busy or failing
        // registry is retried here, with a new session.
        RegistryError::Status { status, .. } => crate::http::retryable_status(*status),
        _ => false,
    }
}

/// Uploads one blob from the store: one streamed `PUT` by default, chunked `PATCH`es when
/// asked (or when the registry refuses the whole blob at once with 413). A broken upload
/// starts a new session, within the retry budget.
pub(super) async fn upload(
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
    // A small blob goes from memory, in one request where the registry takes that.
    let small = if desc.size <= SMALL_UPLOAD {
        Some(bytes::Bytes::from(
            store.read_blob(&desc.digest, SMALL_UPLOAD)?,
        ))
    } else {
        None
    };
    let mut attempt = 0;
    loop {
        let sent = match &small {
            Some(body) => registry
                .upload_small(repo, &desc.digest, body.clone())
                .await
                .inspect(|()| on_bytes(desc.size)),
            None => {
                registry
                    .upload_blob(repo, &desc.digest, desc.size, &path, on_bytes.clone())
                    .await
            }
        };
        match sent {
            Ok(()) => return Ok(()),
            Err(RegistryError::Status { status: 413, .. }) => {
                return upload_chunked(registry, store, repo, desc, DEFAULT_CHUNK, on_bytes).await;
            }
            Err(e) if recoverable(&e) => {
                let reason = format!(
                    "the upload of {} broke ({e}); starting a new upload session",
                    desc.digest.short()
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(e.into());
                }
                attempt += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A chunked upload that survives interruptions: after a failure it asks the registry where
/// the session stands (`GET` on the upload URL: `Range: 0-N`) and continues from there; the
/// session URL is remembered in the store, so a later process continues it too. A session
/// the registry no longer knows, or whose offset it disputes, starts over with a new one.
async fn upload_chunked(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    chunk: u64,
    on_bytes: Arc<dyn Fn(u64) + Send + Sync>,
) -> Result<()> {
    let key = record_key(registry, repo, &desc.digest);
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
                // The registry must have taken something, and no more than the blob: a Range
                // that does not move would send the same chunk forever.
                Ok((next_location, next)) if next > offset && next <= desc.size => {
                    location = next_location;
                    offset = next;
                    store.save_upload_record(&key, location.as_str());
                }
                Ok((_, next)) => {
                    failed = Some(RegistryError::UploadLost {
                        what: format!("upload of blob {}", desc.digest),
                        detail: format!(
                            " (after a chunk ending at byte {}, the registry says it holds {next} bytes)",
                            offset + len
                        ),
                    });
                    break;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if failed.is_none() {
            match registry
                .close_upload(repo, &desc.digest, location.clone())
                .await
            {
                Ok(()) => {
                    store.forget_upload_record(&key);
                    return Ok(());
                }
                Err(e) => failed = Some(e),
            }
        }
        let Some(e) = failed else { continue };
        if !recoverable(&e) {
            return Err(e.into());
        }
        let reason = format!(
            "the upload of {} broke at byte {offset} ({e})",
            desc.digest.short()
        );
        if !registry.pause(attempt, &reason).await {
            return Err(e.into());
        }
        attempt += 1;
        // Continue where the registry says the session stands, if it still knows it; a
        // session it lost (or a status it cannot give) means a new one.
        session = match registry.upload_status(repo, &location).await {
            Ok(Some(next))
                if next <= desc.size && !matches!(e, RegistryError::UploadLost { .. }) =>
            {
                Some((location, next))
            }
            _ => None,
        };
    }
}

/// Streams one blob from another repository or registry, starting over (a new `GET` and a
/// new upload session) when the network breaks either side, within the retry budget.
pub(super) async fn copy_blob(
    src: &Remote,
    dst_registry: &Registry,
    dst_repo: &str,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let mut attempt = 0;
    loop {
        match stream_blob(
            &src.registry,
            &src.repo,
            dst_registry,
            dst_repo,
            desc,
            progress.clone(),
        )
        .await
        {
            Err(TransferError::Registry(e)) if recoverable(&e) => {
                let reason = format!("the copy of {} broke ({e})", desc.digest.short());
                if !dst_registry.pause(attempt, &reason).await {
                    return Err(e.into());
                }
                attempt += 1;
            }
            other => return other,
        }
    }
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
    // The source's answer and the target's session at once: one round trip, not two.
    let (blob, session) = tokio::join!(
        src_registry.get_blob(src_repo, &desc.digest, 0),
        dst_registry.open_upload(dst_repo, &desc.digest)
    );
    let (blob, location) = (blob?, session?.location);
    let bad: Arc<std::sync::Mutex<Option<TransferError>>> = Arc::default();
    let mut hasher = crate::oci::digest::Hasher::new(desc.digest.algorithm());
    let mut received = 0u64;
    let expected = desc.digest.clone();
    let size = desc.size;
    let source_name = format!("{}/{src_repo}", src_registry.name());
    let flag = bad.clone();
    let chunks = blob.into_stream().map(move |chunk| {
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
        .upload_stream(dst_repo, &desc.digest, desc.size, location, chunks)
        .await;
    if let Some(e) = bad.lock().ok().and_then(|mut b| b.take()) {
        return Err(e);
    }
    result.map_err(Into::into)
}
