//! What of an image the store holds. A pull of one platform stores an index with the other
//! platforms only referenced (a sparse index), so `images`, `push` and `save` all ask which
//! children of a stored index are here; [`Store::children`] is the one answer they share.

use super::Store;
use crate::oci::manifest::{Descriptor, Index, Parsed};

/// A child of a stored index, and whether the store holds it.
#[derive(Debug, Clone)]
pub struct Child {
    pub descriptor: Descriptor,
    /// The store holds the child's manifest with the size the index gives. Blobs land only
    /// after their digest is checked, so that manifest is the one the index names.
    pub present: bool,
    /// For a present child that is itself an index: its children, the same way. Empty for an
    /// image, an absent child, or a nested index the store cannot read.
    pub children: Vec<Child>,
}

impl Store {
    /// The children of a stored `index`, in its order, each marked present or absent; nested
    /// indexes the store holds are looked into the same way. Attestations are children like
    /// any other: whether to show them is the caller's choice.
    pub fn children(&self, index: &Index) -> Vec<Child> {
        index
            .manifests
            .iter()
            .map(|d| {
                let present = self.has_blob(&d.digest, Some(d.size));
                let children = if present && d.is_index() {
                    match self.read_manifest(d) {
                        Ok((_, Parsed::Index(nested))) => self.children(&nested),
                        // Shown without children; `save`, which needs the bytes, reports the
                        // error when it reads them.
                        _ => Vec::new(),
                    }
                } else {
                    Vec::new()
                };
                Child {
                    descriptor: d.clone(),
                    present,
                    children,
                }
            })
            .collect()
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::digest::Digest;
    use crate::oci::manifest::{OCI_INDEX, OCI_MANIFEST};

    fn put(store: &Store, media_type: &str, body: &[u8]) -> Descriptor {
        let d = Descriptor::new(media_type, Digest::sha256_of(body), body.len() as u64);
        store.put_blob(&d.digest, body).expect("put");
        d
    }

    #[test]
    fn children_are_marked_present_and_nested_indexes_looked_into() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let here = put(&store, OCI_MANIFEST, br#"{"here":1}"#);
        let gone = Descriptor::new(OCI_MANIFEST, Digest::sha256_of(b"gone"), 4);
        let inner = serde_json::json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [&here, &gone]});
        let inner = put(
            &store,
            OCI_INDEX,
            &serde_json::to_vec(&inner).expect("json"),
        );
        let absent_inner = Descriptor::new(OCI_INDEX, Digest::sha256_of(b"absent"), 6);
        // The right digest with another size is not the blob the index names.
        let mut resized = here.clone();
        resized.size += 1;
        let outer = Index {
            manifests: vec![here.clone(), inner, absent_inner, resized],
            subject: None,
        };
        let children = store.children(&outer);
        let present: Vec<bool> = children.iter().map(|c| c.present).collect();
        assert_eq!(present, [true, true, false, false]);
        let nested: Vec<(Digest, bool)> = children[1]
            .children
            .iter()
            .map(|c| (c.descriptor.digest.clone(), c.present))
            .collect();
        assert_eq!(nested, [(here.digest, true), (gone.digest, false)]);
        assert!(children[0].children.is_empty() && children[2].children.is_empty());
    }
}
