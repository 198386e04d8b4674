//! What the OCI layout and the docker-archive code both use, kept here so that neither
//! imports the other: the image list the writers take, capped reads of the JSON files an
//! archive carries, and tar entries written with fixed metadata (so the same images always
//! make the same archive).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::oci::manifest::Descriptor;

/// JSON files read into memory are capped, as containerd caps manifests.
pub const MAX_JSON: u64 = 4 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("failed to read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("`{path}` is larger than the {MAX_JSON}-byte limit for JSON files")]
    TooLarge { path: PathBuf },
    /// A tar entry could not be written: its file unreadable, or the output refused it.
    #[error("cannot read `{path}`")]
    Tar {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// One image to write: the name to give it and its manifest in the store.
pub struct SaveImage {
    pub name: String,
    pub manifest: Descriptor,
}

/// Reads a file of at most [`MAX_JSON`] bytes.
pub fn read_json_file(path: &Path) -> Result<Vec<u8>, FileError> {
    let io = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    f.take(MAX_JSON + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > MAX_JSON {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(buf)
}

fn header(size: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_entry_type(tar::EntryType::Regular);
    h
}

/// Appends a regular file `name` holding `data`.
pub fn append_bytes<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    data: &[u8],
) -> Result<(), FileError> {
    let mut h = header(data.len() as u64);
    tar.append_data(&mut h, name, data)
        .map_err(|source| FileError::Tar {
            path: PathBuf::from(name),
            source,
        })
}

/// Appends a regular file `name` with the content of the file at `path`.
pub fn append_file<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    path: &Path,
) -> Result<(), FileError> {
    let io_err = |source| FileError::Tar {
        path: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io_err)?;
    let size = f.metadata().map_err(io_err)?.len();
    let mut h = header(size);
    tar.append_data(&mut h, name, io::BufReader::with_capacity(1 << 20, f))
        .map_err(io_err)
}

impl crate::kind::Kind for FileError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            // Only an oversized JSON file is the input's fault; a file that cannot be read,
            // or a tar entry that cannot be written (save), is the disk's or the store's.
            FileError::TooLarge { .. } => crate::kind::ErrorKind::Usage,
            FileError::Read { .. } | FileError::Tar { .. } => crate::kind::ErrorKind::Other,
        }
    }
}
