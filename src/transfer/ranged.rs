//! Parallel ranged downloads of one large blob (`pull --ranges N`, as aria2's `--split`):
//! where each connection is throttled (a CDN's per-connection rate), N connections each
//! fetching a bounded `Range: bytes=A-B` of the blob finish sooner than one stream.
//!
//! Each answer must be a 206 for exactly the bytes asked for; anything else (a registry or
//! storage host that ignores `Range` and sends the whole blob) stops every range, throws away
//! what they wrote, and the blob goes the usual way ([`super::download`]): one stream. Bytes
//! land at their offsets through one writer thread fed by a bounded queue (a few chunks per
//! range in memory, never the blob); the hash follows the contiguous prefix, and the blob is
//! committed only when all of it matches its digest. A broken range resumes from its last
//! byte within the usual retry budget. Ranged state is not resumed by a later process (a
//! `kill -9` and a rerun start the blob's ranges over); a sequential partial file left by an
//! earlier download is resumed the usual way instead.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures_util::future::try_join_all;

use super::download::{cause, download as download_stream};
use super::{Outcome, Progress, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::Descriptor;
use crate::registry::{RangeAnswer, Registry, RegistryError};
use crate::store::{RangedWriter, Store, StoreError};

/// `--ranges N` and its threshold: how a large blob is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranges {
    /// Ranges of one blob in flight at once (the blob is cut into this many).
    pub connections: u16,
    /// Blobs smaller than this go in one stream.
    pub threshold: u64,
}

impl Ranges {
    /// The default threshold: below it, a few more round trips cost more than they gain.
    pub const DEFAULT_THRESHOLD: u64 = 32 * 1024 * 1024;
}

/// Chunks per range that may wait for the writer thread.
const QUEUE_PER_RANGE: usize = 2;
/// The hash catches up with the contiguous prefix in steps of at least this much.
const HASH_STEP: u64 = 4 * 1024 * 1024;

/// The bounded ranges (first and last byte, inclusive) a blob of `size` is cut into: `n`
/// ranges of `ceil(size / n)` bytes, the last one shorter.
pub fn split(size: u64, n: u16) -> Vec<(u64, u64)> {
    let part = size.div_ceil(u64::from(n.max(1))).max(1);
    // In u64 throughout: a blob over 4 GiB on a 32-bit target splits the same.
    (0..u64::from(n.max(1)))
        .map(|i| i * part)
        .take_while(|first| *first < size)
        .map(|first| (first, first.saturating_add(part).min(size) - 1))
        .collect()
}

/// Downloads one blob into the store: in parallel ranges when `ranges` is set and the blob
/// is large enough, else (and on any sign that `Range` is not honoured) in one stream.
pub(super) async fn download(
    registry: &Registry,
    store: &Store,
    repo: &str,
    desc: &Descriptor,
    ranges: Option<Ranges>,
    progress: Arc<dyn Progress>,
) -> Result<u64> {
    let Some(ranges) = ranges.filter(|r| r.connections >= 2 && desc.size >= r.threshold.max(2))
    else {
        return download_stream(registry, store, repo, desc, progress).await;
    };
    if store.partial_len(&desc.digest) > 0 {
        return download_stream(registry, store, repo, desc, progress).await;
    }
    let writer = {
        let (store, digest, size) = (store.clone(), desc.digest.clone(), desc.size);
        tokio::task::spawn_blocking(move || store.ranged_writer(&digest, size))
            .await
            .map_err(|e| TransferError::Task(e.to_string()))??
    };
    let source_name = format!("{}/{repo}", registry.name());
    let refused = |source: StoreError| TransferError::Blob {
        digest: desc.digest.clone(),
        source_name: source_name.clone(),
        source,
    };
    let parts = split(desc.size, ranges.connections);
    progress.begin(&desc.digest, desc.size);
    // What the ranges showed on the bar, so a fallback does not show it twice.
    let counted = AtomicU64::new(0);
    let (tx, rx) = tokio::sync::mpsc::channel::<Piece>(QUEUE_PER_RANGE * parts.len());
    let writer_task = {
        let parts = parts.clone();
        tokio::task::spawn_blocking(move || write_pieces(writer, rx, &parts))
    };
    let fetched = try_join_all(parts.iter().enumerate().map(|(index, &(first, last))| {
        fetch_range(
            registry,
            repo,
            desc,
            (index, first, last),
            tx.clone(),
            progress.clone(),
            &counted,
        )
    }))
    .await;
    drop(tx);
    let (writer, written) = writer_task
        .await
        .map_err(|e| TransferError::Task(e.to_string()))?;
    match (fetched, written) {
        // A writer error explains why ranges stopped sending (their sends failed).
        (_, Err(e)) => return Err(refused(e)),
        (Err(Stop::Ignored(why)), Ok(())) => {
            drop(writer); // its file with it: none of it is kept
            registry.notify(&format!("{why}; downloading it in one stream"));
            let begun = Arc::new(Begun {
                inner: progress,
                counted: AtomicU64::new(counted.load(Ordering::Relaxed)),
            });
            return download_stream(registry, store, repo, desc, begun).await;
        }
        (Err(Stop::Failed(e)), Ok(())) => return Err(e),
        (Ok(_), Ok(())) => {}
    }
    tokio::task::spawn_blocking(move || writer.commit())
        .await
        .map_err(|e| TransferError::Task(e.to_string()))?
        .map_err(refused)?;
    progress.end(&desc.digest, desc.size, Outcome::Downloaded);
    Ok(desc.size)
}

/// Progress for a blob already begun (the single stream after ranges): one bar, not two,
/// and the stream's first bytes not counted again where the ranges counted them already.
struct Begun {
    inner: Arc<dyn Progress>,
    /// Bytes the ranges counted, still to be passed over.
    counted: AtomicU64,
}

impl Progress for Begun {
    fn begin(&self, _: &Digest, _: u64) {}
    fn advance(&self, digest: &Digest, bytes: u64) {
        let before = self
            .counted
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                Some(c.saturating_sub(bytes))
            })
            .unwrap_or(0);
        let new = bytes.saturating_sub(before);
        if new > 0 {
            self.inner.advance(digest, new);
        }
    }
    fn end(&self, digest: &Digest, size: u64, outcome: Outcome) {
        self.inner.end(digest, size, outcome);
    }
}

/// Bytes of range `index`, to be written at `offset`.
struct Piece {
    index: usize,
    offset: u64,
    bytes: Bytes,
}

/// Why a range stopped before its last byte.
enum Stop {
    /// The registry or storage host did not answer with the range (what it sent instead):
    /// fall back.
    Ignored(String),
    Failed(TransferError),
}

impl From<RegistryError> for Stop {
    fn from(e: RegistryError) -> Self {
        Stop::Failed(e.into())
    }
}

/// The writer thread: writes each piece at its offset and hashes the contiguous prefix as it
/// grows; gives the writer back with the first error.
fn write_pieces(
    mut writer: RangedWriter,
    mut rx: tokio::sync::mpsc::Receiver<Piece>,
    parts: &[(u64, u64)],
) -> (RangedWriter, Result<(), StoreError>) {
    // Where each range has got to.
    let mut reached: Vec<u64> = parts.iter().map(|&(first, _)| first).collect();
    let end = parts.last().map_or(0, |&(_, last)| last + 1);
    let mut hashed: u64 = 0;
    while let Some(piece) = rx.blocking_recv() {
        if let Err(e) = writer.write_at(piece.offset, &piece.bytes) {
            return (writer, Err(e));
        }
        reached[piece.index] = piece.offset + piece.bytes.len() as u64;
        // The prefix runs through the finished ranges to where the first unfinished one is.
        // Every range finished: the prefix is the whole blob.
        let prefix = parts
            .iter()
            .zip(&reached)
            .find(|((_, last), at)| **at <= *last)
            .map_or(end, |(_, at)| *at);
        if prefix >= hashed.saturating_add(HASH_STEP) || (prefix == end && hashed < end) {
            if let Err(e) = writer.hash_through(prefix) {
                return (writer, Err(e));
            }
            hashed = prefix;
        }
    }
    (writer, Ok(()))
}

/// Fetches bytes `first..=last` into the writer's queue, resuming a broken answer from its
/// last byte within the registry's retry budget.
async fn fetch_range(
    registry: &Registry,
    repo: &str,
    desc: &Descriptor,
    (index, first, last): (usize, u64, u64),
    tx: tokio::sync::mpsc::Sender<Piece>,
    progress: Arc<dyn Progress>,
    counted: &AtomicU64,
) -> Result<(), Stop> {
    let mut at = first;
    let mut attempt = 0;
    while at <= last {
        let mut body = match registry
            .get_blob_range(repo, &desc.digest, (at, last, desc.size))
            .await?
        {
            RangeAnswer::Part(body) => body,
            RangeAnswer::Ignored(why) => return Err(Stop::Ignored(why)),
        };
        let broke = loop {
            match body.chunk().await {
                // An empty frame (HTTP/2 may end a stream with one) carries nothing to write.
                Ok(Some(chunk)) if chunk.is_empty() => {}
                Ok(Some(chunk)) => {
                    let n = chunk.len() as u64;
                    if n - 1 > last - at {
                        // More than the range: these bytes belong to another range, or lie
                        // past the blob.
                        return Err(Stop::Failed(
                            RegistryError::Protocol {
                                what: format!(
                                    "blob {} from {}/{repo}",
                                    desc.digest,
                                    registry.name()
                                ),
                                reason: format!(
                                    "the answer for bytes {first}-{last} ran past byte {last}"
                                ),
                            }
                            .into(),
                        ));
                    }
                    let piece = Piece {
                        index,
                        offset: at,
                        bytes: chunk,
                    };
                    if tx.send(piece).await.is_err() {
                        return Ok(()); // the writer stopped: its error explains why
                    }
                    at += n;
                    progress.advance(&desc.digest, n);
                    counted.fetch_add(n, Ordering::Relaxed);
                }
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        if at > last {
            break;
        }
        let reason = match &broke {
            Some(e) => format!(
                "the download of {} (bytes {first}-{last}) broke after {} bytes ({})",
                desc.digest.short(),
                at - first,
                cause(e)
            ),
            None => format!(
                "the download of {} (bytes {first}-{last}) ended after {} bytes",
                desc.digest.short(),
                at - first
            ),
        };
        if !registry.pause(attempt, &reason).await {
            return Err(match broke {
                Some(e) => e.into(),
                None => RegistryError::Protocol {
                    what: format!("blob {} from {}/{repo}", desc.digest, registry.name()),
                    reason,
                }
                .into(),
            });
        }
        attempt += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn a_blob_is_split_into_bounded_ranges_covering_it_once() {
        assert_eq!(split(10, 3), vec![(0, 3), (4, 7), (8, 9)]);
        assert_eq!(split(9, 3), vec![(0, 2), (3, 5), (6, 8)]);
        assert_eq!(split(3, 4), vec![(0, 0), (1, 1), (2, 2)]);
        assert_eq!(split(100, 1), vec![(0, 99)]);
    }
}
