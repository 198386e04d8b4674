//! What of an image the store holds: a pull of one platform stores an index with the other
//! platforms only referenced, so a stored image may be partly here.

use super::Store;
use crate::manifest::{Descriptor, Parsed};

impl Store {
    /// The total size of an image: the manifest, and everything it references that the
    /// store holds.
    pub fn image_size(&self, desc: &Descriptor) -> u64 {
        let mut total = desc.size;
        match self.read_manifest(desc) {
            Ok((_, Parsed::Image(m))) => total += m.blobs().map(|d| d.size).sum::<u64>(),
            Ok((_, Parsed::Index(i))) => {
                for child in i.manifests {
                    if self.has_blob(&child.digest, Some(child.size)) {
                        total += self.image_size(&child);
                    }
                }
            }
            Err(_) => {}
        }
        total
    }
}
