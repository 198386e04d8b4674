//! Referrers kept with their subject: an artifact pulled with `pull --referrers` (an SBOM, a
//! signature) is an `index.json` entry without a name, as the OCI image layout allows and as
//! oras's OCI store keeps them. `images` lists only named entries; `prune` keeps a referrer
//! exactly while its subject is reachable from a name (see [`Store::keep_referrers`]).

use std::collections::BTreeSet;

use super::{Store, StoreError};
use crate::oci::artifact::ReferrerFields;
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, REF_NAME};

/// An unnamed `index.json` entry that is a manifest with a subject.
#[derive(Debug, Clone)]
pub struct StoredReferrer {
    pub descriptor: Descriptor,
    pub subject: Digest,
}

impl Store {
    /// Adds `desc` (a manifest already in the store) as an unnamed entry, once.
    pub fn add_referrer(&self, desc: &Descriptor) -> Result<(), StoreError> {
        let _lock = self.lock_index()?;
        let mut index = self.read_index()?;
        let known = index
            .manifests
            .iter()
            .any(|d| d.digest == desc.digest && !d.annotations.contains_key(REF_NAME));
        if known {
            return Ok(());
        }
        let mut desc = desc.clone();
        desc.annotations.remove(REF_NAME);
        index.manifests.push(desc);
        self.write_index(&index)
    }

    /// Every unnamed entry whose manifest names a subject.
    pub fn stored_referrers(&self) -> Result<Vec<StoredReferrer>, StoreError> {
        let mut out = Vec::new();
        for d in self.read_index()?.manifests {
            if d.annotations.contains_key(REF_NAME) || !manifest::is_manifest_type(&d.media_type) {
                continue;
            }
            let bytes = match self.read_blob(&d.digest, manifest::MAX_MANIFEST_BYTES) {
                Ok(b) => b,
                Err(StoreError::MissingBlob(_)) => continue,
                Err(e) => return Err(e),
            };
            if let Some(subject) = ReferrerFields::parse(&bytes).and_then(|f| f.subject) {
                out.push(StoredReferrer {
                    descriptor: d,
                    subject: subject.digest,
                });
            }
        }
        Ok(out)
    }

    /// The stored referrers of `subjects`, and theirs, recursively (for `save --referrers`).
    pub fn referrers_closure(&self, subjects: &[Digest]) -> Result<Vec<Descriptor>, StoreError> {
        let seeds: BTreeSet<Digest> = subjects.iter().cloned().collect();
        Ok(closure(&self.stored_referrers()?, &seeds))
    }

    /// The referrer entries `prune` keeps, given what the names reach (a signature of an
    /// SBOM of a kept image stays), and the unnamed referrer entries to drop from
    /// `index.json`.
    pub(super) fn keep_referrers(
        &self,
        reached: &BTreeSet<Digest>,
    ) -> Result<(Vec<Descriptor>, Vec<Digest>), StoreError> {
        let all = self.stored_referrers()?;
        let kept = closure(&all, reached);
        let dropped = all
            .iter()
            .filter(|r| !kept.iter().any(|d| d.digest == r.descriptor.digest))
            .map(|r| r.descriptor.digest.clone())
            .collect();
        Ok((kept, dropped))
    }
}

/// The referrers whose subject is in `seeds` or is another referrer taken, to a fixed point.
fn closure(all: &[StoredReferrer], seeds: &BTreeSet<Digest>) -> Vec<Descriptor> {
    let mut reached = seeds.clone();
    let mut taken = BTreeSet::new();
    let mut out: Vec<Descriptor> = Vec::new();
    loop {
        let before = out.len();
        for r in all {
            // `seeds` may hold the referrer already (prune's second round): taken is apart.
            if reached.contains(&r.subject) && taken.insert(r.descriptor.digest.clone()) {
                reached.insert(r.descriptor.digest.clone());
                out.push(r.descriptor.clone());
            }
        }
        if out.len() == before {
            return out;
        }
    }
}
