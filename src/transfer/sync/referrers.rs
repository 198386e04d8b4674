//! Referrers in a sync: from a tag-schema source, each subject's `sha256-<hex>` index tag
//! is compared by `HEAD` and copied byte for byte with what it lists (referrers of those
//! follow, to a bounded depth); from a source with the referrers API (asked once per
//! registry and run), each subject's referrers are listed and what the target lacks goes
//! through `copy --referrers`'s machinery.

use std::collections::BTreeSet;

use super::{Image, Run};
use crate::oci::artifact;
use crate::oci::digest::Digest;
use crate::registry::Registry;
use crate::transfer::plan::{Plan, Remote};
use crate::transfer::{PlatformChoice, Result};

/// How deep referrers of referrers are followed.
const MAX_REFERRER_DEPTH: usize = 8;

impl Run<'_> {
    /// Carries the referrers of `subjects`: `(indexes copied, whether any differ)`. On a
    /// source with the tag schema, each subject's `sha256-<hex>` tag is an index like any
    /// other, compared by `HEAD` and copied byte for byte with what it lists (referrers of
    /// those follow); a source with the referrers API is asked per subject, and what the
    /// target lacks goes through `copy --referrers`'s machinery.
    pub(super) async fn referrers(
        &self,
        image: &Image,
        src: &Registry,
        dst: &Registry,
        subjects: Vec<Digest>,
    ) -> Result<(usize, bool)> {
        if self
            .has_referrers_api(src, image.src.repository(), &subjects[0])
            .await
        {
            return self.referrers_by_api(image, src, dst, subjects).await;
        }
        let from = Remote::new(src.clone(), image.src.repository());
        let dst_repo = image.dst.repository();
        let mut level = subjects;
        let mut seen = BTreeSet::new();
        let (mut copied, mut differs) = (0, false);
        for _ in 0..MAX_REFERRER_DEPTH {
            let mut next = Vec::new();
            for subject in level {
                let tag = artifact::fallback_tag(&subject);
                if !image.referrer_tags.contains(&tag) || !seen.insert(tag.clone()) {
                    continue;
                }
                let Some(index) = src.tag_digest(image.src.repository(), &tag).await? else {
                    continue;
                };
                if dst.tag_digest(dst_repo, &tag).await? == Some(index.clone()) {
                    continue;
                }
                differs = true;
                if self.options.check {
                    continue;
                }
                let plan = Plan::from_registry(
                    &from,
                    &image.src.with_digest(Some(index)),
                    &PlatformChoice::All,
                )
                .await?;
                next.extend(plan.children.iter().map(|n| n.desc.digest.clone()));
                let jobs = self.jobs_for(dst.name());
                self.ledger
                    .send(&plan, dst, dst_repo, &tag, jobs, &self.progress)
                    .await?;
                copied += 1;
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        Ok((copied, differs))
    }

    /// Whether `src` serves the referrers API (asked once per registry and run).
    async fn has_referrers_api(&self, src: &Registry, repo: &str, subject: &Digest) -> bool {
        let cell = {
            let mut known = self.referrers_api.lock().unwrap_or_else(|p| p.into_inner());
            known.entry(src.name().to_string()).or_default().clone()
        };
        *cell
            .get_or_init(|| async {
                matches!(src.referrers_api(repo, subject, None).await, Ok(Some(_)))
            })
            .await
    }

    async fn referrers_by_api(
        &self,
        image: &Image,
        src: &Registry,
        dst: &Registry,
        subjects: Vec<Digest>,
    ) -> Result<(usize, bool)> {
        let mut missing = false;
        for subject in &subjects {
            let listed =
                crate::transfer::referrers::list(src, image.src.repository(), subject, None)
                    .await?;
            for d in listed.manifests {
                if dst
                    .head_manifest(image.dst.repository(), &d.digest.to_string())
                    .await?
                    .is_none()
                {
                    missing = true;
                }
            }
        }
        if !missing || self.options.check {
            return Ok((0, missing));
        }
        let copied = crate::transfer::referrers::copy_referrers(
            src,
            &image.src,
            dst,
            &image.dst,
            &subjects,
            crate::transfer::Uploads {
                jobs: self.jobs_for(dst.name()),
                chunk_size: self.ledger.chunk_size(dst.name()),
            },
            self.progress.clone(),
        )
        .await?;
        Ok((copied.len(), true))
    }
}
