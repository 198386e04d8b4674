//! The names: `index.json`, one descriptor per tag with the fully qualified name in its
//! `ref.name` annotation. Every change is a read-modify-write under `index.lock`, written
//! through a temporary file and a rename.

use std::collections::BTreeMap;
use std::fs;

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::oci::manifest::{Descriptor, OCI_INDEX, REF_NAME};

/// `index.json` as this store writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LayoutIndex {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl Default for LayoutIndex {
    fn default() -> Self {
        Self {
            schema_version: 2,
            media_type: Some(OCI_INDEX.to_string()),
            manifests: Vec::new(),
            annotations: BTreeMap::new(),
        }
    }
}

/// One tagged image in the store.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The fully qualified name from the `ref.name` annotation.
    pub name: String,
    pub descriptor: Descriptor,
}

impl Store {
    /// Every tagged entry, in `index.json` order.
    pub fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        Ok(self
            .read_index()?
            .manifests
            .into_iter()
            .filter_map(|d| {
                d.annotations.get(REF_NAME).cloned().map(|name| Entry {
                    name,
                    descriptor: d,
                })
            })
            .collect())
    }

    /// The entry named exactly `name` (a fully qualified reference string).
    pub fn get(&self, name: &str) -> Result<Option<Entry>, StoreError> {
        Ok(self.entries()?.into_iter().find(|e| e.name == name))
    }

    /// Points `name` at `desc`, replacing what it pointed at before.
    pub fn set_tag(&self, name: &str, desc: &Descriptor) -> Result<(), StoreError> {
        let _lock = self.lock_index()?;
        let mut index = self.read_index()?;
        let mut desc = desc.clone();
        desc.annotations
            .insert(REF_NAME.to_string(), name.to_string());
        index
            .manifests
            .retain(|d| d.annotations.get(REF_NAME).map(String::as_str) != Some(name));
        index.manifests.push(desc);
        self.write_index(&index)
    }

    /// Removes `name`; returns what it pointed at, if it existed.
    pub fn remove_tag(&self, name: &str) -> Result<Option<Descriptor>, StoreError> {
        let _lock = self.lock_index()?;
        let mut index = self.read_index()?;
        let pos = index
            .manifests
            .iter()
            .position(|d| d.annotations.get(REF_NAME).map(String::as_str) == Some(name));
        let removed = pos.map(|i| index.manifests.remove(i));
        if removed.is_some() {
            self.write_index(&index)?;
        }
        Ok(removed)
    }

    pub fn read_index(&self) -> Result<LayoutIndex, StoreError> {
        let path = self.root.join("index.json");
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            // A store not created yet (see `open_existing`) holds nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !self.exists() => {
                return Ok(LayoutIndex::default());
            }
            Err(e) => return Err(StoreError::io("read", &path, e)),
        };
        serde_json::from_slice(&bytes).map_err(|source| StoreError::BadIndex { path, source })
    }

    pub(super) fn write_index(&self, index: &LayoutIndex) -> Result<(), StoreError> {
        let path = self.root.join("index.json");
        let mut body = serde_json::to_vec_pretty(index).map_err(|source| StoreError::BadIndex {
            path: path.clone(),
            source,
        })?;
        body.push(b'\n');
        self.write_atomic(&path, &body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::digest::Digest;
    use crate::oci::manifest;

    #[test]
    fn tags_replace_and_remove() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("open");
        let d1 = Descriptor::new(manifest::OCI_MANIFEST, Digest::sha256_of(b"1"), 1);
        let d2 = Descriptor::new(manifest::OCI_MANIFEST, Digest::sha256_of(b"2"), 1);
        store.set_tag("h.io/a:1", &d1).expect("tag");
        store.set_tag("h.io/a:1", &d2).expect("retag");
        store.set_tag("h.io/a:2", &d1).expect("tag 2");
        let names: Vec<_> = store
            .entries()
            .expect("entries")
            .into_iter()
            .map(|e| (e.name, e.descriptor.digest))
            .collect();
        assert_eq!(
            names,
            vec![
                ("h.io/a:1".to_string(), d2.digest.clone()),
                ("h.io/a:2".to_string(), d1.digest.clone())
            ]
        );
        assert_eq!(
            store
                .get("h.io/a:2")
                .expect("get")
                .map(|e| e.descriptor.digest),
            Some(d1.digest.clone())
        );
        assert!(store.get("h.io/a:3").expect("get").is_none());
        assert_eq!(
            store.remove_tag("h.io/a:1").expect("rm").map(|d| d.digest),
            Some(d2.digest.clone())
        );
        assert!(store.remove_tag("h.io/a:1").expect("rm again").is_none());
        // Only the name removed went: a:2 is still there.
        let left: Vec<_> = store
            .entries()
            .expect("entries")
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(left, ["h.io/a:2"]);
    }

    /// A store not created yet reads as empty; a store whose index.json went missing is an
    /// error, never silently empty (a later write would drop every name).
    #[test]
    fn a_missing_index_is_empty_only_in_a_missing_store() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = Store::open_existing(&dir.path().join("none")).expect("open");
        assert!(missing.read_index().expect("empty").manifests.is_empty());
        let store = Store::open(&dir.path().join("real")).expect("open");
        let d = Descriptor::new(manifest::OCI_MANIFEST, Digest::sha256_of(b"1"), 1);
        store.set_tag("h.io/a:1", &d).expect("tag");
        fs::remove_file(dir.path().join("real/index.json")).expect("rm");
        assert!(matches!(store.read_index(), Err(StoreError::Io { .. })));
        fs::write(dir.path().join("real/index.json"), b"{not json").expect("write");
        assert!(matches!(
            store.read_index(),
            Err(StoreError::BadIndex { .. })
        ));
    }
}
