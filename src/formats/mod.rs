//! Image formats outside the store: OCI layouts and oci-archives (`layout`), docker-archives
//! (`docker_archive`), what those two share (`shared`, so neither imports the other), and
//! what reading and writing them needs (`archive` for safe tar extraction, `compress` for
//! parallel gzip).

pub mod archive;
pub mod compress;
pub mod docker_archive;
pub mod flatten;
pub mod layer;
pub mod layout;
pub mod shared;
