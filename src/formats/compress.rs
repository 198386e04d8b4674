//! Gzip on every core. A layer is cut into fixed-size chunks, each chunk is compressed on its
//! own thread into a complete gzip member, and the members are written in order. A file of
//! several gzip members is a valid gzip stream (RFC 1952 §2.2) that Go's, Python's and zlib's
//! readers decompress whole, and fixed chunks keep the output deterministic.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::oci::digest::{Algorithm, Digest, Hasher};

/// Input per gzip member: large enough that the per-member header and the lost dictionary
/// cost nothing measurable, small enough to keep every core busy on a single layer.
pub const CHUNK: usize = 4 * 1024 * 1024;

/// Compresses `input` into `output`; returns the sha256 digest and size of the output.
pub fn gzip_parallel(input: &Path, output: &Path) -> io::Result<(Digest, u64)> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .max(1);
    let mut reader = File::open(input)?;
    let out = File::create(output)?;
    std::thread::scope(|scope| {
        let (work_tx, work_rx) = sync_channel::<(usize, Vec<u8>)>(threads * 2);
        let (done_tx, done_rx) = sync_channel::<(usize, io::Result<Vec<u8>>)>(threads * 2);
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                loop {
                    let job = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((i, data)) = job else { break };
                    let mut enc =
                        GzEncoder::new(Vec::with_capacity(data.len() / 2), Compression::default());
                    let res = enc.write_all(&data).and_then(|()| enc.finish());
                    if done_tx.send((i, res)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(move || -> io::Result<(Digest, u64)> {
            let mut w = BufWriter::with_capacity(1024 * 1024, out);
            let mut hasher = Hasher::new(Algorithm::Sha256);
            let mut pending = BTreeMap::new();
            let mut next = 0usize;
            let mut size = 0u64;
            for (i, res) in done_rx {
                pending.insert(i, res?);
                while let Some(member) = pending.remove(&next) {
                    hasher.update(&member);
                    w.write_all(&member)?;
                    size += member.len() as u64;
                    next += 1;
                }
            }
            w.flush()?;
            w.get_ref().sync_data()?;
            Ok((hasher.finish(), size))
        });
        let mut i = 0usize;
        let read_result = loop {
            let mut buf = vec![0u8; CHUNK];
            let filled = match read_full(&mut reader, &mut buf) {
                Ok(n) => n,
                Err(e) => break Err(e),
            };
            if filled == 0 {
                // An empty layer still needs one (empty) member to be valid gzip.
                if i == 0 && work_tx.send((0, Vec::new())).is_err() {
                    break Err(io::Error::other("compressor stopped"));
                }
                break Ok(());
            }
            buf.truncate(filled);
            if work_tx.send((i, buf)).is_err() {
                break Err(io::Error::other("compressor stopped"));
            }
            i += 1;
            if filled < CHUNK {
                break Ok(());
            }
        };
        drop(work_tx);
        let written = writer
            .join()
            .map_err(|_| io::Error::other("gzip writer panicked"))?;
        read_result.and(written)
    })
}

/// Fills `buf` unless the input ends first; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_member_output_decompresses_to_the_input() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("in");
        let data: Vec<u8> = (0..(CHUNK * 2 + 12345)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&input, &data).expect("write");
        let out = dir.path().join("out.gz");
        let (digest, size) = gzip_parallel(&input, &out).expect("gzip");
        let gz = std::fs::read(&out).expect("read");
        assert_eq!(gz.len() as u64, size);
        assert_eq!(Digest::sha256_of(&gz), digest);
        let mut back = Vec::new();
        flate2::read::MultiGzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .expect("gunzip");
        assert_eq!(back, data);
        // Deterministic: the same input gives the same digest.
        let (again, _) = gzip_parallel(&input, &dir.path().join("again.gz")).expect("gzip");
        assert_eq!(again, digest);
    }

    #[test]
    fn empty_input_is_valid_gzip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("empty");
        std::fs::write(&input, b"").expect("write");
        let out = dir.path().join("empty.gz");
        gzip_parallel(&input, &out).expect("gzip");
        let mut back = Vec::new();
        flate2::read::MultiGzDecoder::new(File::open(&out).expect("open"))
            .read_to_end(&mut back)
            .expect("gunzip");
        assert!(back.is_empty());
    }
}
