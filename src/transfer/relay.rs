//! Blob bytes from one registry (or repository) to another, streamed and verified on the
//! way: the source's `GET` and the target's upload session at once, then one streamed `PUT`
//! or `PATCH` chunks of a set size; a blob that breaks starts over within the retry budget.

use std::sync::Arc;

use futures_util::StreamExt;

use super::plan::Remote;
use super::upload::{lost_thread, recoverable};
use super::{Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::Registry;
use crate::store::StoreError;

/// Streams one blob from another repository or registry, starting over (a new `GET` and a
/// new upload session) when the network breaks either side, within the retry budget. With a
/// `chunk_size`, the bytes go up in `PATCH` chunks of that size ([`put_chunked`]).
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
        let copied = stream(&ends, desc, chunk_size, progress.clone()).await;
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

    /// At the end of the body: refused when it was shorter than the descriptor says, or
    /// (an empty blob, which no piece ever checked) not the digest of nothing.
    fn finish(&self) -> Result<()> {
        if self.received < self.size {
            return Err(self.refused(StoreError::SizeMismatch {
                digest: self.digest.clone(),
                expected: self.size,
                actual: self.received,
            }));
        }
        let actual = self.hasher.clone().finish();
        match self.size == 0 && actual != self.digest {
            true => Err(self.refused(StoreError::DigestMismatch {
                expected: self.digest.clone(),
                actual,
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

/// The most a chunked copy holds in memory for one blob: a chunk size (asked for, or the
/// registry's `OCI-Chunk-Min-Length`) above it sends the blob in one streamed `PUT` instead,
/// which needs no buffer and has no minimum; a header cannot make a copy hold a whole layer.
const MAX_HELD_CHUNK: u64 = 64 * 1024 * 1024;

/// One blob from `src` to `dst`: the source's answer and the target's session asked for at
/// once (one round trip, not two), then the bytes in `PATCH` chunks when a chunk size is set
/// ([`put_chunked`]), else in one streamed `PUT` ([`put_stream`]).
async fn stream(
    ends: &Ends<'_>,
    desc: &Descriptor,
    chunk_size: Option<u64>,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    // An empty blob brings no byte to check on the way: its digest is checked here.
    if desc.size == 0 {
        Verify::new(&desc.digest, 0, ends.source_name()).finish()?;
    }
    let (blob, session) = tokio::join!(
        ends.src_registry.get_blob(ends.src_repo, &desc.digest, 0),
        ends.dst_registry.open_upload(ends.dst_repo, &desc.digest)
    );
    let (blob, session) = (blob?, session?);
    let chunk = chunk_size.map(|c| c.max(session.min_chunk.unwrap_or(1)).max(1));
    match chunk {
        Some(chunk) if chunk <= MAX_HELD_CHUNK => {
            put_chunked(ends, desc, blob, session.location, chunk, progress).await
        }
        _ => put_stream(ends, desc, blob, session.location, progress).await,
    }
}

/// One blob from `src` to `dst` in one streamed `PUT`, hashed on the way: a blob that does
/// not match its digest, or is longer than its descriptor says, never completes the upload.
async fn put_stream(
    ends: &Ends<'_>,
    desc: &Descriptor,
    blob: crate::registry::BlobBody,
    location: url::Url,
    progress: Arc<dyn Progress>,
) -> Result<()> {
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

/// [`put_stream`] in `PATCH` chunks of `chunk` bytes (already at least the session's
/// `OCI-Chunk-Min-Length`), each following the `Location` the one before answered, then the
/// closing `PUT ?digest=`. A `PATCH` needs its length, so a chunk is held in memory until it
/// is full: at most `chunk` bytes per blob (and never more than the blob has left), the
/// source read on only once the chunk before is taken. The digest is known only at the last
/// byte, so earlier chunks of a lying blob do reach the session; but a blob that does not
/// match its digest, or is longer or shorter than its descriptor says, never gets its closing
/// `PUT` (and the registry drops the unfinished session). A break starts the blob over
/// ([`copy_blob`]: a new `GET`, a new session). Resuming in the middle, as a push from the
/// store does, would need the source read again from the session's offset; a copy does not
/// do that.
async fn put_chunked(
    ends: &Ends<'_>,
    desc: &Descriptor,
    mut blob: crate::registry::BlobBody,
    mut location: url::Url,
    chunk: u64,
    progress: Arc<dyn Progress>,
) -> Result<()> {
    let mut verify = Verify::new(&desc.digest, desc.size, ends.source_name());
    let mut offset = 0u64;
    let mut held = bytes::BytesMut::new();
    // The chunk being filled ends here (a whole chunk, or the blob's last bytes).
    let room = |offset: u64| usize::try_from(chunk.min(desc.size - offset).max(1)).unwrap_or(1);
    while let Some(mut piece) = blob.chunk().await? {
        verify.take(&piece)?;
        while !piece.is_empty() {
            let cap = room(offset);
            if held.is_empty() {
                // Room for this chunk only once the one before is sent.
                held.reserve(cap);
            }
            let part = piece.split_to((cap - held.len()).min(piece.len()));
            held.extend_from_slice(&part);
            if held.len() == cap {
                let body = std::mem::take(&mut held).freeze();
                (location, offset) = send_chunk(ends, desc, &location, offset, body).await?;
                progress.advance(&desc.digest, cap as u64);
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
        return Err(lost_thread(&desc.digest, end, next).into());
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
        // An empty blob: its digest is the digest of nothing, checked at the end.
        assert!(
            Verify::new(&Digest::sha256_of(b""), 0, "r/src".into())
                .finish()
                .is_ok()
        );
        let empty_lie = Verify::new(&digest, 0, "r/src".into()).finish();
        assert!(refusal(empty_lie).contains("does not match its digest"));
    }
}
