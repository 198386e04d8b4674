//! Blob bytes from a registry into the store: streamed, hashed and written off the async
//! reactor through a bounded queue, resumed with `Range` after a break (also by a later
//! process), small blobs in one go.

use std::sync::Arc;

use bytes::Bytes;

use super::{Outcome, Progress, Result, TransferError};
use crate::oci::manifest::Descriptor;
use crate::registry::{BlobBody, Registry, RegistryError};
use crate::store::{Store, StoreError};

/// How many chunks a download may run ahead of the disk writer. A chunk is what hyper read
/// at once, up to about 400 KiB on a fast link, so each queued chunk costs that much per
/// blob in flight: 8 put the 4 x 64 MiB pull at about 36 MiB peak RSS, 2 (with the store's
/// smaller write buffer) at about 24 MiB, at the same speed; the disk writer keeps up.
const WRITE_QUEUE: usize = 2;

/// Streams one blob into the store. The network side runs on the async reactor; hashing and
/// disk writes run on a blocking thread fed through a bounded queue, so memory stays constant
/// and a slow disk slows the download instead of filling memory. A broken transfer resumes
/// with a `Range` request from the bytes already on disk (also in a later process); a
/// registry that ignores `Range` gets the blob from the start.
pub(super) async fn download(
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
        let body = registry.get_blob(repo, &desc.digest, offset).await?;
        // The registry ignored the Range and sends the whole blob.
        if body.start < offset {
            writer.restart().map_err(&refused)?;
        }
        let (back, outcome) = receive(writer, body, desc, progress.clone()).await?;
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
                    "the download of {} broke after {} bytes ({})",
                    desc.digest.short(),
                    writer.offset(),
                    cause(&e)
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(e.into());
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
        let mut blob = registry.get_blob(repo, &desc.digest, 0).await?;
        let mut body = Vec::with_capacity(desc.size as usize);
        let broke = loop {
            match blob.chunk().await {
                Ok(Some(c)) if body.len() as u64 + c.len() as u64 > desc.size => {
                    return Err(refused(StoreError::TooLarge {
                        digest: desc.digest.clone(),
                        expected: desc.size,
                    }));
                }
                Ok(Some(c)) => body.extend_from_slice(&c),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        match broke {
            None => break body,
            Some(e) => {
                let reason = format!(
                    "the download of {} broke ({})",
                    desc.digest.short(),
                    cause(&e)
                );
                if !registry.pause(attempt, &reason).await {
                    return Err(e.into());
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
    Broken(RegistryError),
    /// The store refused the bytes (too many): do not resume.
    Refused(StoreError),
}

/// What broke a body, for a retry notice that names the blob already: the cause under the
/// error, which names it too.
pub(super) fn cause(e: &RegistryError) -> String {
    std::error::Error::source(e).map_or_else(|| e.to_string(), ToString::to_string)
}

/// Feeds one response body to the writer on a blocking thread; gives the writer back with
/// what stopped the body.
async fn receive(
    mut writer: crate::store::BlobWriter,
    mut body: BlobBody,
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
    let mut net_error = None;
    loop {
        match body.chunk().await {
            Ok(Some(chunk)) => {
                let n = chunk.len() as u64;
                if tx.send(chunk).await.is_err() {
                    break; // the writer stopped: its error explains why
                }
                progress.advance(&desc.digest, n);
            }
            Ok(None) => break,
            Err(e) => {
                net_error = Some(e);
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
