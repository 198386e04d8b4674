//! The OCI vocabulary everything else speaks: digests, references (names as users type them,
//! fully qualified), and manifests, indexes and their media types. The bottom layer: it
//! imports nothing of ghcr-cli but the error kinds.

pub mod artifact;
pub mod digest;
pub mod edit;
pub mod manifest;
pub mod reference;
