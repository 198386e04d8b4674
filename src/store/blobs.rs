//! Writing blobs into the store: into a temporary file in `ingest/`, hashed while written,
//! checked against the expected digest and size, synced, then renamed into `blobs/`.
//! A reader never sees a partial blob, and a killed writer leaves only a temporary file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use tempfile::NamedTempFile;

use super::StoreError;
use crate::digest::{Digest, Hasher};

/// Large enough that writes of a fast download are few, small enough to stay in cache.
const WRITE_BUFFER: usize = 1024 * 1024;

/// A blob being written. Dropping it without [`BlobWriter::commit`] removes the temporary file.
pub struct BlobWriter {
    file: BufWriter<NamedTempFile>,
    hasher: Hasher,
    written: u64,
    expected: Digest,
    expected_size: Option<u64>,
    target: PathBuf,
}

impl BlobWriter {
    pub(super) fn new(
        ingest: &std::path::Path,
        target: PathBuf,
        expected: Digest,
        expected_size: Option<u64>,
    ) -> Result<Self, StoreError> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{}-", expected.hex()))
            .suffix(".partial")
            .tempfile_in(ingest)
            .map_err(|e| StoreError::io("create a temporary blob in", ingest, e))?;
        Ok(Self {
            file: BufWriter::with_capacity(WRITE_BUFFER, tmp),
            hasher: Hasher::new(expected.algorithm()),
            written: 0,
            expected,
            expected_size,
            target,
        })
    }

    /// Appends `data`, refusing to go past the size the descriptor promised.
    pub fn write(&mut self, data: &[u8]) -> Result<(), StoreError> {
        let after = self.written + data.len() as u64;
        if let Some(limit) = self.expected_size
            && after > limit
        {
            return Err(StoreError::TooLarge {
                digest: self.expected.clone(),
                expected: limit,
            });
        }
        self.hasher.update(data);
        self.file
            .write_all(data)
            .map_err(|e| StoreError::io("write", self.file.get_ref().path(), e))?;
        self.written = after;
        Ok(())
    }

    /// Verifies digest and size, syncs and moves the blob into place.
    pub fn commit(self) -> Result<Digest, StoreError> {
        let BlobWriter {
            file,
            hasher,
            written,
            expected,
            expected_size,
            target,
        } = self;
        if let Some(size) = expected_size
            && size != written
        {
            return Err(StoreError::SizeMismatch {
                digest: expected,
                expected: size,
                actual: written,
            });
        }
        let actual = hasher.finish();
        if actual != expected {
            return Err(StoreError::DigestMismatch { expected, actual });
        }
        let tmp = file
            .into_inner()
            .map_err(|e| StoreError::io("flush", &target, e.into_error()))?;
        tmp.as_file()
            .sync_data()
            .map_err(|e| StoreError::io("sync", tmp.path(), e))?;
        tmp.persist(&target)
            .map_err(|e| StoreError::io("move a blob into", &target, e.error))?;
        Ok(actual)
    }
}

/// Opens a committed blob for reading.
pub(super) fn open(path: &std::path::Path) -> Result<File, StoreError> {
    File::open(path).map_err(|e| StoreError::io("open", path, e))
}
