//! Writing one blob from parallel ranged downloads: bytes land at their offsets in a file of
//! this process's own, `ingest/ALG-HEX.XXXXXX.ranged` (not the sequential writer's `.partial`,
//! whose length is what a resume trusts: a file with holes must never pass for one). The
//! hash follows the contiguous prefix as the caller reports it, reading back from the file,
//! and covers every byte before the blob is committed; a blob that does not match its digest
//! is deleted.
//!
//! Ranged state is not resumed by a later process, so each download has a new file: no other
//! process ever opens it (two pulls of one blob each write their own and each checks its own
//! digest), and one a kill left behind is swept from `ingest/` by `prune`.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::StoreError;
use crate::oci::digest::{Digest, Hasher};

/// How much is read back at once to hash the prefix.
const READ_BUFFER: usize = 256 * 1024;

/// A blob written at offsets. Dropping it without [`RangedWriter::commit`] removes its file.
pub struct RangedWriter {
    file: File,
    path: PathBuf,
    target: PathBuf,
    expected: Digest,
    size: u64,
    hasher: Hasher,
    /// The bytes before this offset are in the hash.
    hashed: u64,
    buf: Vec<u8>,
    keep: bool,
}

impl RangedWriter {
    /// A new ranged file for the blob.
    pub(super) fn open(
        ingest: &Path,
        target: PathBuf,
        expected: Digest,
        size: u64,
    ) -> Result<Self, StoreError> {
        let named = tempfile::Builder::new()
            .prefix(&format!(
                "{}-{}.",
                expected.algorithm().as_str(),
                expected.hex()
            ))
            .suffix(".ranged")
            .tempfile_in(ingest)
            .map_err(|e| StoreError::io("create a file in", ingest, e))?;
        let (file, temp_path) = named.into_parts();
        // Removed by this writer's own Drop unless committed.
        let path = temp_path
            .keep()
            .map_err(|e| StoreError::io("create a file in", ingest, e.error))?;
        Ok(Self {
            file,
            path,
            target,
            hasher: Hasher::new(expected.algorithm()),
            expected,
            size,
            hashed: 0,
            buf: Vec::new(),
            keep: false,
        })
    }

    /// Writes `data` at `offset`, refusing bytes past the size the descriptor promised.
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<(), StoreError> {
        if offset + data.len() as u64 > self.size {
            return Err(StoreError::TooLarge {
                digest: self.expected.clone(),
                expected: self.size,
            });
        }
        write_all_at(&self.file, data, offset).map_err(|e| StoreError::io("write", &self.path, e))
    }

    /// Hashes the bytes from where the hash stopped up to `upto`: the caller's word that
    /// every byte before it is written for good.
    pub fn hash_through(&mut self, upto: u64) -> Result<(), StoreError> {
        let upto = upto.min(self.size);
        if upto <= self.hashed {
            return Ok(());
        }
        if self.buf.is_empty() {
            self.buf = vec![0u8; READ_BUFFER];
        }
        while self.hashed < upto {
            // The smaller in u64 first: `as usize` of a large gap would cut it on 32 bits.
            let want = usize::try_from((upto - self.hashed).min(self.buf.len() as u64))
                .unwrap_or(self.buf.len());
            let n = read_at(&self.file, &mut self.buf[..want], self.hashed)
                .map_err(|e| StoreError::io("read", &self.path, e))?;
            if n == 0 {
                // Shorter than promised: the size check at commit says so.
                break;
            }
            self.hasher.update(&self.buf[..n]);
            self.hashed += n as u64;
        }
        Ok(())
    }

    /// Hashes what is left, checks size and digest, syncs and moves the blob into place.
    pub fn commit(mut self) -> Result<Digest, StoreError> {
        let len = self
            .file
            .metadata()
            .map_err(|e| StoreError::io("read", &self.path, e))?
            .len();
        if len != self.size {
            return Err(StoreError::SizeMismatch {
                digest: self.expected.clone(),
                expected: self.size,
                actual: len,
            });
        }
        self.hash_through(self.size)?;
        let actual =
            std::mem::replace(&mut self.hasher, Hasher::new(self.expected.algorithm())).finish();
        if self.hashed != self.size || actual != self.expected {
            return Err(StoreError::DigestMismatch {
                expected: self.expected.clone(),
                actual,
            });
        }
        self.file
            .sync_data()
            .map_err(|e| StoreError::io("sync", &self.path, e))?;
        std::fs::rename(&self.path, &self.target)
            .map_err(|e| StoreError::io("move a blob into", &self.target, e))?;
        self.keep = true;
        Ok(actual)
    }
}

impl Drop for RangedWriter {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Positioned writes and reads, which leave the file's cursor alone on Unix; on Windows they
/// move it, which nothing here uses.
#[cfg(unix)]
fn write_all_at(file: &File, data: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, data, offset)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn write_all_at(file: &File, mut data: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !data.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, data, offset)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        data = &data[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests {
    use super::super::{Store, StoreError};
    use crate::oci::digest::Digest;

    #[test]
    fn ranges_out_of_order_commit_and_a_wrong_byte_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let want = Digest::sha256_of(&data);
        let mut w = store.ranged_writer(&want, 1000).expect("writer");
        w.write_at(500, &data[500..]).expect("write");
        w.hash_through(0).expect("nothing contiguous yet");
        w.write_at(0, &data[..500]).expect("write");
        w.hash_through(700).expect("hash");
        assert!(matches!(
            w.write_at(990, &[0u8; 11]),
            Err(StoreError::TooLarge { .. })
        ));
        assert_eq!(w.commit().expect("commit"), want);
        assert!(store.has_blob(&want, Some(1000)));

        let other: Vec<u8> = data.iter().map(|b| b ^ 1).collect();
        let want = Digest::sha256_of(&other);
        let mut w = store.ranged_writer(&want, 1000).expect("writer");
        w.write_at(0, &other[..500]).expect("write");
        w.write_at(500, &data[500..]).expect("write");
        assert!(matches!(w.commit(), Err(StoreError::DigestMismatch { .. })));
        assert!(!store.has_blob(&want, None));
        assert_eq!(
            std::fs::read_dir(store.ingest_dir())
                .map(|r| r.count())
                .ok(),
            Some(0)
        );
    }
}
