//! `docker save`'s archive as it streams from the engine: a task copies the body into a
//! bounded channel that a blocking reader drains, so the archive is never held whole, a pause
//! longer than the idle limit fails it as a stall, and a broken connection keeps its reason
//! for the caller (a tar reader would only call it a truncated archive).

use std::io::{self, Read};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;

use super::{CHANNEL_CHUNKS, EngineError};
use crate::http::{self, Response};

/// The body of a `docker save`, not read yet.
pub struct SaveStream {
    resp: Response,
    what: String,
    /// The longest pause between two pieces before the engine counts as stalled.
    idle: Duration,
}

impl SaveStream {
    pub(super) fn new(resp: Response, what: String, idle: Duration) -> Self {
        SaveStream { resp, what, idle }
    }

    /// The archive as a blocking [`Read`], for code that reads synchronously on a blocking
    /// thread (`tokio::task::spawn_blocking`): a task copies the body into a bounded channel
    /// as the reader takes it, so the archive is never held whole. A connection that breaks
    /// fails the read, and the reason is kept in the returned [`Pump`]: a tar reader would
    /// only call it a truncated archive.
    pub fn into_reader(self) -> (ArchiveReader, Pump) {
        let (tx, rx) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(CHANNEL_CHUNKS);
        let failed: Arc<Mutex<Option<EngineError>>> = Arc::default();
        let slot = failed.clone();
        let SaveStream {
            mut resp,
            what,
            idle,
        } = self;
        let task = tokio::spawn(async move {
            loop {
                // The client has no read timeout (the first byte may take long): a pause
                // this long once the archive has begun is a stalled engine.
                let next = tokio::time::timeout(idle, http::next_chunk(&mut resp, &what)).await;
                let item = match next {
                    Ok(Ok(Some(chunk))) => Ok(chunk),
                    Ok(Ok(None)) => return,
                    Ok(Err(source)) => Err(EngineError::Broken {
                        what: what.clone(),
                        source,
                    }),
                    Err(_) => Err(EngineError::Stalled {
                        what: what.clone(),
                        idle,
                    }),
                };
                let item = item.map_err(|e| {
                    let message = e.to_string();
                    // Kept before the reader hears of it, so whoever sees the read fail finds
                    // the reason.
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(e);
                    }
                    io::Error::other(message)
                });
                let stop = item.is_err();
                // The reader is gone (the archive was refused, or read to its end): stop.
                if tx.send(item).await.is_err() || stop {
                    return;
                }
            }
        });
        (
            ArchiveReader {
                rx,
                current: Bytes::new(),
            },
            Pump { task, failed },
        )
    }
}

/// The task behind an [`ArchiveReader`].
pub struct Pump {
    task: tokio::task::JoinHandle<()>,
    failed: Arc<Mutex<Option<EngineError>>>,
}

impl Pump {
    /// Stops reading from the engine and says why the stream broke, if it did.
    pub fn finish(self) -> Option<EngineError> {
        self.task.abort();
        self.failed.lock().ok().and_then(|mut f| f.take())
    }
}

/// `docker save`'s archive as it arrives (see [`SaveStream::into_reader`]).
pub struct ArchiveReader {
    rx: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for ArchiveReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(chunk) => self.current = chunk?,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}
