//! Writing blobs into the store: into a file in `ingest/`, hashed while written, checked
//! against the expected digest and size, synced, then renamed into `blobs/`. A reader never
//! sees a partial blob.
//!
//! Downloads write to a file named after the digest (`ingest/sha256-HEX.partial`) and leave
//! it behind when they break, so the next attempt, in this process or another, continues
//! with a `Range` request from the bytes already there. The partial file is locked while in
//! use; a second writer of the same blob gets a private temporary file instead.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::StoreError;
use crate::oci::digest::{Digest, Hasher};

/// Large enough that writes of a fast download are few, small enough to stay in cache; one
/// per blob in flight, so it counts in a parallel pull's peak memory (1 MiB cost 3 MiB of
/// RSS over 256 KiB in the 4 x 64 MiB pull, for no measured speed).
const WRITE_BUFFER: usize = 256 * 1024;
/// How much written data may wait before its write-back to disk is started, so the final
/// `fsync` of a large blob has little left to wait for.
const WRITE_BEHIND: u64 = 8 * 1024 * 1024;

/// A blob being written. Dropping it without [`BlobWriter::commit`] removes a temporary file
/// and keeps a resumable partial one.
pub struct BlobWriter {
    file: BufWriter<File>,
    path: PathBuf,
    remove_on_drop: bool,
    hasher: Hasher,
    written: u64,
    expected: Digest,
    expected_size: Option<u64>,
    target: PathBuf,
    /// Up to where write-back has been started.
    kicked: u64,
}

impl BlobWriter {
    /// A fresh, private temporary file.
    pub(super) fn new(
        ingest: &Path,
        target: PathBuf,
        expected: Digest,
        expected_size: Option<u64>,
    ) -> Result<Self, StoreError> {
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{}-", expected.hex()))
            .suffix(".tmp")
            .tempfile_in(ingest)
            .map_err(|e| StoreError::io("create a temporary blob in", ingest, e))?;
        let (file, path) = tmp
            .keep()
            .map_err(|e| StoreError::io("create a temporary blob in", ingest, e.error))?;
        let cap = expected_size.map_or(WRITE_BUFFER, |s| (s as usize).clamp(8192, WRITE_BUFFER));
        Ok(Self {
            file: BufWriter::with_capacity(cap, file),
            path,
            remove_on_drop: true,
            hasher: Hasher::new(expected.algorithm()),
            written: 0,
            expected,
            expected_size,
            target,
            kicked: 0,
        })
    }

    /// The blob's resumable partial file, continuing from what it already holds (re-hashed,
    /// since the hash state of another process is gone).
    pub(super) fn resume(
        ingest: &Path,
        target: PathBuf,
        expected: Digest,
        expected_size: Option<u64>,
    ) -> Result<Self, StoreError> {
        let path = partial_path(ingest, &expected);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| StoreError::io("open", &path, e))?;
        if file.try_lock().is_err() {
            // Another process is downloading this blob right now: do not share its file.
            return Self::new(ingest, target, expected, expected_size);
        }
        let mut hasher = Hasher::new(expected.algorithm());
        let mut written = 0u64;
        let len = file
            .metadata()
            .map_err(|e| StoreError::io("read", &path, e))?
            .len();
        if expected_size.is_some_and(|s| len > s) {
            file.set_len(0)
                .map_err(|e| StoreError::io("truncate", &path, e))?;
        } else if len > 0 {
            let mut buf = vec![0u8; WRITE_BUFFER];
            loop {
                let n = file
                    .read(&mut buf)
                    .map_err(|e| StoreError::io("read", &path, e))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                written += n as u64;
            }
        }
        file.seek(SeekFrom::Start(written))
            .map_err(|e| StoreError::io("seek", &path, e))?;
        Ok(Self {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            path,
            remove_on_drop: false,
            hasher,
            written,
            expected,
            expected_size,
            target,
            kicked: written,
        })
    }

    /// Appends `data`, refusing to go past the size the descriptor promised.
    pub fn write(&mut self, data: &[u8]) -> Result<(), StoreError> {
        let after = self.written + data.len() as u64;
        if let Some(limit) = self.expected_size
            && after > limit
        {
            self.remove_on_drop = true;
            return Err(StoreError::TooLarge {
                digest: self.expected.clone(),
                expected: limit,
            });
        }
        self.hasher.update(data);
        self.file
            .write_all(data)
            .map_err(|e| StoreError::io("write", &self.path, e))?;
        self.written = after;
        if self.written - self.kicked >= WRITE_BEHIND {
            self.start_write_back()?;
        }
        Ok(())
    }

    /// Starts (without waiting for) the write-back of what was written since the last call:
    /// the disk works while the network does, instead of all at the final `fsync`.
    fn start_write_back(&mut self) -> Result<(), StoreError> {
        self.file
            .flush()
            .map_err(|e| StoreError::io("write", &self.path, e))?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (from, len) = (self.kicked as i64, (self.written - self.kicked) as i64);
            // SAFETY: a valid file descriptor and a byte range; the call only schedules I/O.
            unsafe {
                libc::sync_file_range(
                    self.file.get_ref().as_raw_fd(),
                    from,
                    len,
                    libc::SYNC_FILE_RANGE_WRITE,
                );
            }
        }
        self.kicked = self.written;
        Ok(())
    }

    /// How many bytes are there: where a resumed download starts.
    pub fn offset(&self) -> u64 {
        self.written
    }

    /// Throws away what was written (the server ignored our `Range`).
    pub fn restart(&mut self) -> Result<(), StoreError> {
        self.file
            .flush()
            .and_then(|()| self.file.get_ref().set_len(0))
            .and_then(|()| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
            .map_err(|e| StoreError::io("truncate", &self.path, e))?;
        self.hasher = Hasher::new(self.expected.algorithm());
        self.written = 0;
        self.kicked = 0;
        Ok(())
    }

    /// Pushes buffered bytes to the file, so a later process can resume from them.
    pub fn flush(&mut self) -> Result<(), StoreError> {
        self.file
            .flush()
            .map_err(|e| StoreError::io("write", &self.path, e))
    }

    /// Verifies digest and size, syncs and moves the blob into place. A blob that fails the
    /// check is deleted, partial file and all: resuming it would only fail again.
    pub fn commit(mut self) -> Result<Digest, StoreError> {
        if let Some(size) = self.expected_size
            && size != self.written
        {
            self.remove_on_drop = true;
            return Err(StoreError::SizeMismatch {
                digest: self.expected.clone(),
                expected: size,
                actual: self.written,
            });
        }
        let actual =
            std::mem::replace(&mut self.hasher, Hasher::new(self.expected.algorithm())).finish();
        if actual != self.expected {
            self.remove_on_drop = true;
            return Err(StoreError::DigestMismatch {
                expected: self.expected.clone(),
                actual,
            });
        }
        self.file
            .flush()
            .and_then(|()| self.file.get_ref().sync_data())
            .map_err(|e| StoreError::io("sync", &self.path, e))?;
        std::fs::rename(&self.path, &self.target)
            .map_err(|e| StoreError::io("move a blob into", &self.target, e))?;
        self.remove_on_drop = false;
        Ok(actual)
    }
}

impl Drop for BlobWriter {
    fn drop(&mut self) {
        if self.remove_on_drop {
            let _ = std::fs::remove_file(&self.path);
        } else {
            let _ = self.file.flush();
        }
    }
}

/// Opens a committed blob for reading.
pub(super) fn open(path: &Path) -> Result<File, StoreError> {
    File::open(path).map_err(|e| StoreError::io("open", path, e))
}
/// The sequential writer's resumable partial file of a blob: `ingest/ALG-HEX.partial`.
fn partial_path(ingest: &Path, digest: &Digest) -> PathBuf {
    ingest.join(format!(
        "{}-{}.partial",
        digest.algorithm().as_str(),
        digest.hex()
    ))
}

/// How many bytes that partial file holds: a download that broke there is better resumed
/// than started over in ranges.
pub(super) fn partial_len(ingest: &Path, digest: &Digest) -> u64 {
    std::fs::metadata(partial_path(ingest, digest)).map_or(0, |m| m.len())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::{Store, StoreError};
    use crate::oci::digest::Digest;

    #[test]
    fn blob_writer_refuses_wrong_digest_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let want = Digest::sha256_of(b"hello");
        let mut w = store.blob_writer(&want, Some(5)).expect("writer");
        w.write(b"hellp").expect("write");
        assert!(matches!(w.commit(), Err(StoreError::DigestMismatch { .. })));
        assert!(!store.has_blob(&want, None));
        assert_eq!(
            fs::read_dir(store.ingest_dir()).map(|r| r.count()).ok(),
            Some(0)
        );
    }

    #[test]
    fn a_partial_download_resumes_where_it_stopped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let data = b"hello, resumable world";
        let want = Digest::sha256_of(data);
        {
            let mut w = store
                .resume_writer(&want, Some(data.len() as u64))
                .expect("writer");
            w.write(&data[..10]).expect("write");
        } // dropped: the partial file stays
        let mut w = store
            .resume_writer(&want, Some(data.len() as u64))
            .expect("writer");
        assert_eq!(w.offset(), 10);
        w.write(&data[10..]).expect("write");
        assert_eq!(w.commit().expect("commit"), want);
        assert!(store.has_blob(&want, Some(data.len() as u64)));
        assert_eq!(
            fs::read_dir(store.ingest_dir()).map(|r| r.count()).ok(),
            Some(0)
        );
    }

    /// A partial file as long as the blob (a crash just before the rename) is kept and
    /// hashed; one longer than the blob is thrown away, not trusted.
    #[test]
    fn a_partial_file_as_long_as_the_blob_is_kept_a_longer_one_restarts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let data = b"complete but not renamed";
        let want = Digest::sha256_of(data);
        let size = Some(data.len() as u64);
        {
            let mut w = store.resume_writer(&want, size).expect("writer");
            w.write(data).expect("write");
        }
        let w = store.resume_writer(&want, size).expect("writer");
        assert_eq!(w.offset(), data.len() as u64);
        assert_eq!(w.commit().expect("commit"), want);

        let other = Digest::sha256_of(b"short");
        {
            let mut w = store.resume_writer(&other, None).expect("writer");
            w.write(b"shorter than what is there").expect("write");
        }
        let mut w = store.resume_writer(&other, Some(5)).expect("writer");
        assert_eq!(
            w.offset(),
            0,
            "a partial file longer than the blob restarts"
        );
        w.write(b"short").expect("write");
        assert_eq!(w.commit().expect("commit"), other);
    }

    /// `flush` puts the buffered bytes in the file (a later process resumes from them), and
    /// `restart` empties it (a registry that ignored the `Range`).
    #[test]
    fn flush_reaches_the_file_and_restart_empties_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let data = b"0123456789";
        let want = Digest::sha256_of(data);
        let mut w = store.resume_writer(&want, Some(10)).expect("writer");
        w.write(b"01234").expect("write");
        w.flush().expect("flush");
        assert_eq!(fs::metadata(&w.path).map(|m| m.len()).ok(), Some(5));
        w.restart().expect("restart");
        assert_eq!(w.offset(), 0);
        assert_eq!(fs::metadata(&w.path).map(|m| m.len()).ok(), Some(0));
        w.write(data).expect("write");
        assert_eq!(w.commit().expect("commit"), want);
    }

    #[test]
    fn blob_writer_cuts_off_extra_bytes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let want = Digest::sha256_of(b"abc");
        let mut w = store.blob_writer(&want, Some(3)).expect("writer");
        assert!(matches!(w.write(b"abcd"), Err(StoreError::TooLarge { .. })));
    }
}
