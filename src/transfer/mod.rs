//! Moving images between registries and the local store. A reference is resolved once into
//! a [`plan::Plan`] (index -> manifests -> blobs, with the platform choice made in one place),
//! and pull, push and copy execute that plan: pull into the store, push and copy onto a
//! registry through one sender ([`send`]). Blob bytes move in [`download`] (or [`ranged`], in
//! parallel ranges) and [`upload`].
//! Nothing here prints; progress goes through [`Progress`].

pub mod artifact;
pub mod blob_reader;
mod copy;
mod download;
pub mod edit;
mod limit;
pub(crate) mod plan;
mod pull;
mod push;
mod ranged;
pub mod referrers;
mod relay;
mod send;
pub mod sync;
mod upload;

use thiserror::Error;

use crate::oci::digest::Digest;
use crate::oci::manifest::Platform;
use crate::registry::{Registry, RegistryError};
use crate::store::StoreError;

pub use copy::copy;
pub use plan::resolve_digest;
pub use pull::{PullReport, pull};
pub use push::{PushRequest, push};
pub use ranged::Ranges;

/// How blobs go up to a target registry: how many at once, and in `PATCH` chunks of what
/// size (none: one request per blob).
#[derive(Debug, Clone, Copy)]
pub struct Uploads {
    pub jobs: usize,
    pub chunk_size: Option<u64>,
}

#[derive(Debug, Error)]
pub enum TransferError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("blob {digest} from {source_name} was refused")]
    Blob {
        digest: Digest,
        source_name: String,
        #[source]
        source: StoreError,
    },
    /// `--platform` (or this machine's platform) matches nothing the image offers.
    #[error("{reference} has no image for platform {wanted}; it has: {available}")]
    NoPlatform {
        reference: String,
        wanted: String,
        available: String,
    },
    /// `push --platform P` of a multi-platform image whose P image was never pulled.
    #[error("{reference} has no {wanted} image in the local store; it has: {present}")]
    PlatformNotPulled {
        reference: String,
        wanted: String,
        present: String,
    },
    /// A push of an index whose absent children cannot be fetched from where they came from.
    #[error("{reference} holds platforms that are neither here nor fetchable: {missing}")]
    ChildrenUnavailable {
        reference: String,
        /// `linux/arm64 (sha256:…): why`, one per child.
        missing: String,
        /// The platforms the store does hold, for the `--platform` way forward.
        present: Vec<String>,
    },
    #[error("a background task failed: {0}")]
    Task(String),
}

pub type Result<T, E = TransferError> = std::result::Result<T, E>;

/// What happened to one blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Downloaded,
    Uploaded,
    Mounted,
    AlreadyThere,
}

/// Progress events from a transfer; `progress.rs` draws them.
pub trait Progress: Send + Sync {
    fn begin(&self, digest: &Digest, size: u64);
    fn advance(&self, digest: &Digest, bytes: u64);
    fn end(&self, digest: &Digest, size: u64, outcome: Outcome);
}

/// A progress sink that ignores everything.
pub struct Silent;

impl Progress for Silent {
    fn begin(&self, _: &Digest, _: u64) {}
    fn advance(&self, _: &Digest, _: u64) {}
    fn end(&self, _: &Digest, _: u64, _: Outcome) {}
}

/// Which platforms a transfer takes from an index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformChoice {
    /// Nothing asked: this machine's platform for a pull; any single-platform image is fine.
    Host,
    /// `--platform P`: an index must offer it, and a single-platform image must be it.
    One(Platform),
    /// `--all-platforms` (or `--platform all`): every child, attestations included.
    All,
}

impl PlatformChoice {
    /// The platform to look for in an index, if one.
    pub fn wanted(&self) -> Option<Platform> {
        match self {
            PlatformChoice::Host => Some(Platform::host()),
            PlatformChoice::One(p) => Some(p.clone()),
            PlatformChoice::All => None,
        }
    }
}

/// Opens a client for another registry (with its own credentials): a push copies the
/// absent children of an index through from where they were pulled.
pub type Connect<'a> = &'a (dyn Fn(&str) -> Result<Registry, RegistryError> + Sync);

impl crate::kind::Kind for TransferError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            TransferError::Registry(e) => e.kind(),
            TransferError::Store(e) => e.kind(),
            TransferError::NoPlatform { .. } | TransferError::PlatformNotPulled { .. } => {
                ErrorKind::NotFound
            }
            TransferError::Blob { .. }
            | TransferError::ChildrenUnavailable { .. }
            | TransferError::Task(_) => ErrorKind::Other,
        }
    }
}
