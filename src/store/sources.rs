//! Where blobs came from: one append-only file of `DIGEST registry/repo` lines, so a push
//! can mount a blob from another repository of the same registry, and the absent children of
//! a sparse index can be fetched from where they were pulled.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io::Write;

use super::{Store, StoreError};
use crate::oci::digest::Digest;

/// Which repositories hold which blobs, for cross-repository mounts.
pub(super) const SOURCES: &str = "sources.log";

impl Store {
    /// Remembers that `registry/repo` holds these blobs, so a later push to another
    /// repository of the same registry can mount them instead of uploading. The record is one
    /// append-only file of `DIGEST NAME` lines: a pull adds what is new in one write.
    pub fn record_sources(&self, name: &str, digests: &[Digest]) {
        let known = self.source_map();
        let new: String = digests
            .iter()
            .filter(|d| {
                !known
                    .get(*d)
                    .is_some_and(|names| names.iter().any(|n| n == name))
            })
            .map(|d| format!("{d} {name}\n"))
            .collect();
        if new.is_empty() {
            return;
        }
        let path = self.root.join(SOURCES);
        // One write with O_APPEND: concurrent writers do not interleave within it.
        if let Ok(mut f) = fs::OpenOptions::new().create(true).append(true).open(&path) {
            let _ = f.write_all(new.as_bytes());
        }
    }

    /// Every recorded `registry/repo` per blob.
    pub fn source_map(&self) -> HashMap<Digest, Vec<String>> {
        let mut map: HashMap<Digest, Vec<String>> = HashMap::new();
        let Ok(text) = fs::read_to_string(self.root.join(SOURCES)) else {
            return map;
        };
        for line in text.lines() {
            let Some((d, name)) = line.split_once(' ') else {
                continue;
            };
            let Ok(d) = d.parse::<Digest>() else { continue };
            let names = map.entry(d).or_default();
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        map
    }

    /// Keeps the records of what a name still reaches, present or not: the platforms a
    /// sparse index only references are not in the store, and a push of that index finds
    /// them through these records.
    pub(super) fn compact_sources(&self, keep: &BTreeSet<Digest>) -> Result<(), StoreError> {
        let map = self.source_map();
        let mut out = String::new();
        for (d, names) in map {
            if keep.contains(&d) || self.has_blob(&d, None) {
                for n in names {
                    out.push_str(&format!("{d} {n}\n"));
                }
            }
        }
        self.write_atomic(&self.root.join(SOURCES), out.as_bytes())
    }
}
