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
/// new upload session) when the network breaks either side, within the retry budget. With a
/// `chunk_size`, the bytes go up in `PATCH` chunks of that size ([`stream_chunked`]).
pub(super) async fn copy_blob(
    src: &Remote,
    dst_registry: &Registry,
    dst_repo: &str,
    desc: &Descriptor,
    chunk_size: Option<u64>,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let ends = Ends {
        src_registry: &src.registry,
        src_repo: &src.repo,
        dst_registry,
        dst_repo,
    };
    let mut attempt = 0;
    loop {
        let copied = match chunk_size {
            Some(chunk) => stream_chunked(&ends, desc, chunk, progress.clone()).await,
            None => stream_blob(&ends, desc, progress.clone()).await,
        };
        match copied {
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

/// Where a streamed blob comes from and goes.
struct Ends<'a> {
    src_registry: &'a Registry,
    src_repo: &'a str,
    dst_registry: &'a Registry,
    dst_repo: &'a str,
}

impl Ends<'_> {
    /// Names the source in a refusal.
    fn source_name(&self) -> String {
        format!("{}/{}", self.src_registry.name(), self.src_repo)
    }
}

/// Checks a blob's bytes as they stream from its source: never more than its descriptor
/// says, and its digest as soon as the last byte is in (before that byte is sent on).
struct Verify {
    hasher: crate::oci::digest::Hasher,
    received: u64,
    digest: Digest,
    size: u64,
    source_name: String,
}

impl Verify {
    fn new(digest: &Digest, size: u64, source_name: String) -> Self {
        Verify {
            hasher: crate::oci::digest::Hasher::new(digest.algorithm()),
            received: 0,
            digest: digest.clone(),
            size,
            source_name,
        }
    }

    /// Takes the next piece of the body: refused when the blob is longer than its size, or
    /// complete and not matching its digest.
    fn take(&mut self, piece: &[u8]) -> Result<()> {
        self.received += piece.len() as u64;
        if self.received > self.size {
            return Err(self.refused(StoreError::TooLarge {
                digest: self.digest.clone(),
                expected: self.size,
            }));
        }
        self.hasher.update(piece);
        match (self.received == self.size).then(|| self.hasher.clone().finish()) {
            Some(actual) if actual != self.digest => {
                Err(self.refused(StoreError::DigestMismatch {
                    expected: self.digest.clone(),
                    actual,
                }))
            }
            _ => Ok(()),
        }
    }

    /// At the end of the body: refused when it was shorter than the descriptor says.
    fn finish(&self) -> Result<()> {
        match self.received < self.size {
            true => Err(self.refused(StoreError::SizeMismatch {
                digest: self.digest.clone(),
                expected: self.size,
                actual: self.received,
            })),
            false => Ok(()),
        }
    }

    fn refused(&self, source: StoreError) -> TransferError {
        TransferError::Blob {
            digest: self.digest.clone(),
            source_name: self.source_name.clone(),
            source,
        }
    }
}

/// One blob from `src` to `dst` as a stream, hashed on the way: a blob that does not match
/// its digest, or is longer than its descriptor says, never completes the upload.
async fn stream_blob(
    ends: &Ends<'_>,
    desc: &Descriptor,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    // The source's answer and the target's session at once: one round trip, not two.
    let (blob, session) = tokio::join!(
        ends.src_registry.get_blob(ends.src_repo, &desc.digest, 0),
        ends.dst_registry.open_upload(ends.dst_repo, &desc.digest)
    );
    let (blob, location) = (blob?, session?.location);
    let bad: Arc<std::sync::Mutex<Option<TransferError>>> = Arc::default();
    let mut verify = Verify::new(&desc.digest, desc.size, ends.source_name());
    let flag = bad.clone();
    let chunks = blob.into_stream().map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        if let Err(refused) = verify.take(&chunk) {
            if let Ok(mut b) = flag.lock() {
                *b = Some(refused);
            }
            return Err(std::io::Error::other("blob refused"));
        }
        progress.advance(&verify.digest, chunk.len() as u64);
        Ok(chunk)
    });
    let result = ends
        .dst_registry
        .upload_stream(ends.dst_repo, &desc.digest, desc.size, location, chunks)
        .await;
    if let Some(e) = bad.lock().ok().and_then(|mut b| b.take()) {
        return Err(e);
    }
    result.map_err(Into::into)
}

/// [`stream_blob`] in `PATCH` chunks of `chunk` bytes (at least the session's
/// `OCI-Chunk-Min-Length`), each following the `Location` the one before answered, then the
/// closing `PUT ?digest=`. A `PATCH` needs its length, so a chunk is held in memory until it
/// is full: at most `chunk` bytes per blob, the source read on only once the chunk before
/// is taken. Every byte is checked before it is sent, so a blob that does not match its
/// digest, or is longer or shorter than its descriptor says, never gets its closing `PUT`.
/// A break starts the blob over ([`copy_blob`]: a new `GET`, a new session). Resuming in
/// the middle, as a push from the store does, would need the source read again from the
/// session's offset; a copy does not do that.
async fn stream_chunked(
    ends: &Ends<'_>,
    desc: &Descriptor,
    chunk: u64,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let (blob, session) = tokio::join!(
        ends.src_registry.get_blob(ends.src_repo, &desc.digest, 0),
        ends.dst_registry.open_upload(ends.dst_repo, &desc.digest)
    );
    let (mut blob, session) = (blob?, session?);
    let chunk = chunk.max(session.min_chunk.unwrap_or(1)).max(1);
    // Never more room than the blob needs (nor less than one byte).
    let cap = usize::try_from(chunk.min(desc.size).max(1)).unwrap_or(usize::MAX);
    let mut verify = Verify::new(&desc.digest, desc.size, ends.source_name());
    let mut location = session.location;
    let mut offset = 0u64;
    let mut held = bytes::BytesMut::with_capacity(cap);
    while let Some(mut piece) = blob.chunk().await? {
        verify.take(&piece)?;
        while !piece.is_empty() {
            let part = piece.split_to((cap - held.len()).min(piece.len()));
            held.extend_from_slice(&part);
            if held.len() == cap {
                // The next chunk's room is taken once this one is sent, not while it is.
                let body = std::mem::take(&mut held).freeze();
                (location, offset) = send_chunk(ends, desc, &location, offset, body).await?;
                progress.advance(&desc.digest, cap as u64);
                held.reserve(cap);
            }
        }
    }
    verify.finish()?;
    if !held.is_empty() {
        let n = held.len() as u64;
        (location, _) = send_chunk(ends, desc, &location, offset, held.freeze()).await?;
        progress.advance(&desc.digest, n);
    }
    ends.dst_registry
        .close_upload(ends.dst_repo, &desc.digest, location)
        .await
        .map_err(Into::into)
}

/// One `PATCH` of a streamed copy: the session's next location and offset. A registry that
/// says it took other than the whole chunk has lost the session's thread (the bytes before
/// are gone from memory), so the blob starts over.
async fn send_chunk(
    ends: &Ends<'_>,
    desc: &Descriptor,
    location: &url::Url,
    offset: u64,
    body: bytes::Bytes,
) -> Result<(url::Url, u64)> {
    let end = offset + body.len() as u64;
    let (next_location, next) = ends
        .dst_registry
        .upload_chunk_bytes(ends.dst_repo, &desc.digest, location, offset, body)
        .await?;
    if next != end {
        return Err(RegistryError::UploadLost {
            what: format!("upload of blob {}", desc.digest),
            detail: format!(
                " (after a chunk ending at byte {end}, the registry says it holds {next} bytes)"
            ),
        }
        .into());
    }
    Ok((next_location, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way a source can lie is refused, each at the piece that shows it.
    #[test]
    fn verify_refuses_wrong_long_and_short_blobs() {
        let blob = b"0123456789";
        let digest = Digest::sha256_of(blob);
        let verify = || Verify::new(&digest, 10, "r/src".into());
        let refusal = |r: Result<()>| match r {
            Err(TransferError::Blob { source, .. }) => source.to_string(),
            other => panic!("not refused: {other:?}"),
        };
        let mut v = verify();
        assert!(v.take(&blob[..4]).is_ok() && v.take(&blob[4..]).is_ok() && v.finish().is_ok());
        let mut v = verify();
        assert!(v.take(b"01234").is_ok());
        assert!(refusal(v.take(b"x6789")).contains("does not match its digest"));
        let mut v = verify();
        assert!(refusal(v.take(b"0123456789+")).contains("larger than the 10 bytes"));
        let mut v = verify();
        assert!(v.take(b"0123").is_ok());
        assert!(refusal(v.finish()).contains("is 4 bytes, but its descriptor says 10"));
    }
}
