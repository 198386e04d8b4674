//! `prune`: deleting every blob no tag reaches, under the exclusive `gc.lock` (writers of
//! untagged blobs hold it shared) and `index.lock`, so nothing in flight is lost.

use std::collections::BTreeSet;
use std::fs;

use super::{Store, StoreError, open_lock_file};
use crate::oci::digest::{Algorithm, Digest};
use crate::oci::manifest::{self, Descriptor, Parsed, REF_NAME};

/// What `prune` removed.
#[derive(Debug, Default)]
pub struct GcStats {
    pub removed: usize,
    pub bytes: u64,
}

impl Store {
    /// Deletes every blob no tag reaches, and stale temporary files in `ingest/`.
    pub fn gc(&self) -> Result<GcStats, StoreError> {
        let path = self.root.join("gc.lock");
        let gc_lock = open_lock_file(&path)?;
        gc_lock
            .lock()
            .map_err(|e| StoreError::io("lock", &path, e))?;
        let _index_lock = self.lock_index()?;
        let (keep, dangling) = self.reachable_and_dangling()?;
        if !dangling.is_empty() {
            // Referrers of images no name reaches any more go with them.
            let mut index = self.read_index()?;
            index
                .manifests
                .retain(|d| d.annotations.contains_key(REF_NAME) || !dangling.contains(&d.digest));
            self.write_index(&index)?;
        }
        let mut stats = GcStats::default();
        for alg in [Algorithm::Sha256, Algorithm::Sha512] {
            let dir = self.root.join("blobs").join(alg.as_str());
            let rd = match fs::read_dir(&dir) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(StoreError::io("read", &dir, e)),
            };
            for entry in rd {
                let entry = entry.map_err(|e| StoreError::io("read", &dir, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let digest: Option<Digest> = format!("{}:{name}", alg.as_str()).parse().ok();
                if digest.is_some_and(|d| keep.contains(&d)) {
                    continue;
                }
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                fs::remove_file(entry.path())
                    .map_err(|e| StoreError::io("remove", &entry.path(), e))?;
                stats.removed += 1;
                stats.bytes += size;
            }
        }
        self.compact_sources(&keep)?;
        // Nobody holds the use lock now, so every temporary file is abandoned.
        let ingest = self.ingest_dir();
        if let Ok(rd) = fs::read_dir(&ingest) {
            for entry in rd.flatten() {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(stats)
    }

    /// Every blob reachable from a tag: manifests, their configs and layers, index children,
    /// and the referrers (unnamed entries with a subject) of what is reached, with theirs.
    pub fn reachable(&self) -> Result<BTreeSet<Digest>, StoreError> {
        Ok(self.reachable_and_dangling()?.0)
    }

    /// [`Store::reachable`], and the unnamed referrer entries whose subject is not reached.
    fn reachable_and_dangling(&self) -> Result<(BTreeSet<Digest>, Vec<Digest>), StoreError> {
        let referrers: BTreeSet<Digest> = self
            .stored_referrers()?
            .into_iter()
            .map(|r| r.descriptor.digest)
            .collect();
        let mut keep = BTreeSet::new();
        let mut todo: Vec<Descriptor> = self
            .read_index()?
            .manifests
            .into_iter()
            .filter(|d| !referrers.contains(&d.digest) || d.annotations.contains_key(REF_NAME))
            .collect();
        loop {
            self.walk(&mut keep, todo)?;
            let (kept, dropped) = self.keep_referrers(&keep)?;
            todo = kept
                .into_iter()
                .filter(|d| !keep.contains(&d.digest))
                .collect();
            if todo.is_empty() {
                return Ok((keep, dropped));
            }
        }
    }

    fn walk(
        &self,
        keep: &mut BTreeSet<Digest>,
        mut todo: Vec<Descriptor>,
    ) -> Result<(), StoreError> {
        while let Some(desc) = todo.pop() {
            if !keep.insert(desc.digest.clone()) || !manifest::is_manifest_type(&desc.media_type) {
                continue;
            }
            match self.read_manifest(&desc) {
                Ok((_, Parsed::Image(m))) => {
                    keep.extend(m.blobs().map(|d| d.digest.clone()));
                    // A subject is the image an artifact refers to; keep what this store has
                    // of it, walked like any image (marking it seen without walking it lost
                    // its layers when the artifact was walked first).
                    if let Some(s) = m.subject {
                        todo.push(s);
                    }
                }
                Ok((_, Parsed::Index(i))) => todo.extend(i.manifests),
                // A missing child of a single-platform pull is expected; keep going.
                Err(StoreError::MissingBlob(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
