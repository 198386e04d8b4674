//! Blob bytes onto a registry from the store (from another registry: `relay.rs`): one
//! streamed `PUT`, or chunked `PATCH`es. An upload the network breaks is recovered in the
//! same run: the session's state is asked for, and a session the registry lost (stale URL,
//! wrong offset) is replaced by a new one.

use std::sync::Arc;

use super::{Progress, Result};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::{Registry, RegistryError};
use crate::store::Store;

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
pub(super) fn recoverable(e: &RegistryError) -> bool {
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
                    failed = Some(lost_thread(&desc.digest, offset + len, next));
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

/// A chunked upload whose registry holds other than what was sent up to `end`: the session
/// has lost its thread.
pub(super) fn lost_thread(digest: &Digest, end: u64, holds: u64) -> RegistryError {
    RegistryError::UploadLost {
        what: format!("upload of blob {digest}"),
        detail: format!(
            " (after a chunk ending at byte {end}, the registry says it holds {holds} bytes)"
        ),
    }
}
