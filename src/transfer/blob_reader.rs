//! A registry blob as a blocking [`Read`], for code that consumes a stream synchronously (the
//! tar reader of `export --remote`). It runs on a thread the async runtime lets block
//! (`tokio::task::block_in_place`), fetching each chunk of the body through the runtime, and
//! hashes what passes: at the end of the body a blob that does not match its digest is an
//! error, so a reader never takes a lying registry's bytes as the blob.

use std::io::{self, Read};

use bytes::{Buf, Bytes};

use crate::oci::digest::{Digest, Hasher};
use crate::registry::{BlobBody, Registry, RegistryError};

pub struct BlobReader {
    handle: tokio::runtime::Handle,
    body: BlobBody,
    what: String,
    pending: Bytes,
    hasher: Option<Hasher>,
    digest: Digest,
}

impl BlobReader {
    /// Starts the `GET` of `digest` in `repo`. Call from a thread that may block.
    pub fn open(
        handle: tokio::runtime::Handle,
        registry: &Registry,
        repo: &str,
        digest: &Digest,
    ) -> Result<Self, RegistryError> {
        let body = handle.block_on(registry.get_blob(repo, digest, 0))?;
        Ok(Self {
            handle,
            body,
            what: format!("blob {digest} from {}/{repo}", registry.name()),
            pending: Bytes::new(),
            hasher: Some(Hasher::new(digest.algorithm())),
            digest: digest.clone(),
        })
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() {
            // The body has ended and was checked.
            let Some(hasher) = self.hasher.as_mut() else {
                return Ok(0);
            };
            match self.handle.block_on(self.body.chunk()) {
                Ok(Some(chunk)) => {
                    hasher.update(&chunk);
                    self.pending = chunk;
                }
                Ok(None) => {
                    let actual = self.hasher.take().map(Hasher::finish);
                    if let Some(actual) = actual.filter(|a| *a != self.digest) {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            RegistryError::DigestMismatch {
                                what: self.what.clone(),
                                expected: self.digest.clone(),
                                actual,
                            },
                        ));
                    }
                    return Ok(0);
                }
                Err(e) => return Err(io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.advance(n);
        Ok(n)
    }
}
