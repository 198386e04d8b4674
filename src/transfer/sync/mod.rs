//! `sync`: many images from sources to targets, cheap when nothing changed and parallel when
//! much did. The run is a stream: entries expand into repositories (a registry's catalog,
//! names only), a shard keeps its share of them, each repository's tags are listed once and
//! filtered, and its images flow on while the next repository is listed. Each image is
//! compared by `HEAD` on both sides (the target skipped when the state file vouches for
//! it), and only an image that differs is planned and sent, through the blob ledger that
//! sends a shared blob once per target registry. One failed image is reported and the
//! others go on. Nothing here prints: results go to a [`Reporter`].

mod blobs;
pub mod config;
mod state;
pub mod tags;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, stream};
use tokio::sync::OnceCell;

use super::plan::{Plan, Remote};
use super::{PlatformChoice, Progress, Result};
use crate::oci::artifact;
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Parsed};
use crate::oci::reference::{Defaults, Reference};
use crate::registry::{Registry, RegistryError};
use blobs::Ledger;
pub use blobs::Moved;
pub use config::{CredentialSource, SyncConfig};
use config::{Entry, Source};
pub use state::State;

/// How deep referrers of referrers are followed.
const MAX_REFERRER_DEPTH: usize = 8;

/// `--shard I/N`: this process takes the repositories whose name hashes to `I` modulo `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether `name` (`registry/repository` of the source) falls to this shard. FNV-1a:
    /// stable across runs, machines and versions, unlike the standard library's hasher.
    pub fn takes(&self, name: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h % u64::from(self.count.max(1)) == u64::from(self.index)
    }
}

pub struct Options {
    /// Plan only: compare, copy nothing.
    pub check: bool,
    pub fail_fast: bool,
    pub shard: Option<Shard>,
    /// Believe the state file about the target.
    pub trust_state: bool,
    /// Images handled at once.
    pub images: usize,
    /// Blob transfers at once per target registry (a registry's `max_concurrent` lowers it).
    pub jobs: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Copied,
    InSync,
    /// `--check`: the target differs (or lacks the image).
    Differs,
    Failed,
}

/// What happened to one image (or to a repository or registry that could not be listed).
#[derive(Debug, Clone)]
pub struct ImageResult {
    pub source: String,
    pub target: String,
    pub status: Status,
    /// The digest the target gets (or has).
    pub digest: Option<Digest>,
    /// What the target had before, when it differed.
    pub previous: Option<Digest>,
    pub reason: Option<String>,
    pub moved: Moved,
    /// Referrer indexes copied (or, with `--check`, that differ).
    pub referrers: usize,
}

pub trait Reporter: Send + Sync {
    fn image(&self, result: &ImageResult);
}

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub copied: usize,
    pub in_sync: usize,
    pub differs: usize,
    pub failed: Vec<String>,
    /// `--fail-fast` stopped the run.
    pub stopped: bool,
}

/// Opens a client for a registry, with its settings.
pub type Connect<'a> = &'a (dyn Fn(&str) -> std::result::Result<Registry, RegistryError> + Sync);

/// One repository to sync.
struct Repo {
    entry: usize,
    src: Reference,
    dst: Reference,
}

/// One image to compare (and send).
struct Image {
    entry: usize,
    src: Reference,
    dst: Reference,
    /// The repository's `sha256-<hex>` tags (the tag schema's referrer indexes).
    referrer_tags: Arc<BTreeSet<String>>,
}

struct Run<'a> {
    config: &'a SyncConfig,
    options: &'a Options,
    connect: Connect<'a>,
    clients: Mutex<HashMap<String, Registry>>,
    ledger: Ledger,
    state: Option<&'a State>,
    progress: Arc<dyn Progress>,
    /// Whether each source registry serves the referrers API, asked once per run.
    referrers_api: Mutex<HashMap<String, Arc<OnceCell<bool>>>>,
}

/// Runs every entry of `config`, reporting each image as it finishes.
pub async fn run(
    config: &SyncConfig,
    options: &Options,
    connect: Connect<'_>,
    state: Option<&State>,
    progress: Arc<dyn Progress>,
    reporter: &dyn Reporter,
) -> Summary {
    let run = Run {
        config,
        options,
        connect,
        clients: Mutex::new(HashMap::new()),
        ledger: Ledger::new(),
        state,
        progress,
        referrers_api: Mutex::new(HashMap::new()),
    };
    let mut summary = Summary::default();
    let tally = |r: &ImageResult, summary: &mut Summary| {
        reporter.image(r);
        match r.status {
            Status::Copied => summary.copied += 1,
            Status::InSync => summary.in_sync += 1,
            Status::Differs => summary.differs += 1,
            Status::Failed => summary.failed.push(r.target.clone()),
        }
        r.status == Status::Failed && options.fail_fast
    };
    // Repositories: names only, whatever the mirror's size.
    let mut repos = Vec::new();
    for (i, entry) in config.entries.iter().enumerate() {
        match run.repos_of(i, entry).await {
            Ok(found) => repos.extend(found),
            Err(failed) => {
                if tally(&failed, &mut summary) {
                    summary.stopped = true;
                    return summary;
                }
            }
        }
    }
    if let Some(shard) = options.shard {
        repos.retain(|r| shard.takes(&r.src.name()));
    }
    let run = &run;
    let images = stream::iter(repos)
        .then(|repo| async move { run.images_of(repo).await })
        .flat_map(stream::iter)
        .map(|image| async move {
            match image {
                Ok(image) => run.image(image).await,
                Err(failed) => failed,
            }
        })
        .buffer_unordered(options.images.max(1));
    let mut images = std::pin::pin!(images);
    while let Some(result) = images.next().await {
        if tally(&result, &mut summary) {
            summary.stopped = true;
            break;
        }
    }
    summary
}

/// An error with its causes, on one line.
fn reason(e: &dyn std::error::Error) -> String {
    let mut reason = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        reason.push_str(": ");
        reason.push_str(&c.to_string());
        cause = c.source();
    }
    reason
}

fn failed(source: String, target: String, reason: String) -> ImageResult {
    ImageResult {
        source,
        target,
        status: Status::Failed,
        digest: None,
        previous: None,
        reason: Some(reason),
        moved: Moved::default(),
        referrers: 0,
    }
}

impl Run<'_> {
    fn client(&self, name: &str) -> std::result::Result<Registry, RegistryError> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = clients.get(name) {
            return Ok(c.clone());
        }
        let c = (self.connect)(name)?;
        clients.insert(name.to_string(), c.clone());
        Ok(c)
    }

    fn jobs_for(&self, registry: &str) -> usize {
        let limit = self.config.registry(registry).max_concurrent;
        limit
            .map_or(self.options.jobs, |m| m.min(self.options.jobs))
            .max(1)
    }

    /// The repositories an entry names: a registry's catalog, or its one repository.
    async fn repos_of(
        &self,
        i: usize,
        entry: &Entry,
    ) -> std::result::Result<Vec<Repo>, ImageResult> {
        let target = |repo: &str| -> std::result::Result<Reference, String> {
            let path = match &entry.source {
                Source::Registry(_) if entry.target_repo.is_empty() => repo.to_string(),
                Source::Registry(_) => format!("{}/{repo}", entry.target_repo),
                _ => entry.target_repo.clone(),
            };
            repository(&entry.target_registry, &path)
        };
        let bad = |source: &str, e: String| failed(source.into(), entry.target_registry.clone(), e);
        match &entry.source {
            Source::Registry(name) => {
                let listed = async {
                    self.client(name)?
                        .list_repositories(&crate::registry::lists::Paging::default())
                        .await
                };
                let names = listed
                    .await
                    .map_err(|e| failed(name.clone(), entry.target_registry.clone(), reason(&e)))?;
                names
                    .into_iter()
                    .map(|n| {
                        Ok(Repo {
                            entry: i,
                            src: repository(name, &n).map_err(|e| bad(name, e))?,
                            dst: target(&n).map_err(|e| bad(name, e))?,
                        })
                    })
                    .collect()
            }
            Source::Repository(r) | Source::Image(r) => Ok(vec![Repo {
                entry: i,
                src: r.clone(),
                dst: target(r.repository()).map_err(|e| bad(&r.to_string(), e))?,
            }]),
        }
    }

    /// The images of one repository: its tag list (once), filtered; or the entry's image.
    async fn images_of(&self, repo: Repo) -> Vec<std::result::Result<Image, ImageResult>> {
        let entry = &self.config.entries[repo.entry];
        let listed = match &entry.source {
            // One image: its repository's tags are listed only to find its referrers.
            Source::Image(_) if !entry.referrers => Ok(Vec::new()),
            _ => self.tags(&repo.src).await,
        };
        let tags = match listed {
            Ok(t) => t,
            Err(e) => {
                return vec![Err(failed(repo.src.name(), repo.dst.name(), reason(&e)))];
            }
        };
        let referrer_tags: Arc<BTreeSet<String>> = Arc::new(
            tags.iter()
                .filter(|t| t.starts_with("sha256-"))
                .cloned()
                .collect(),
        );
        if let Source::Image(r) = &entry.source {
            let tag = entry
                .target_tag
                .clone()
                .or_else(|| r.tag().map(str::to_string));
            let dst = match tag {
                Some(t) => with_tag(&repo.dst, &t),
                None => repo.dst.with_digest(r.digest().cloned()),
            };
            return vec![Ok(Image {
                entry: repo.entry,
                src: r.clone(),
                dst,
                referrer_tags,
            })];
        }
        let candidates: Vec<String> = tags
            .into_iter()
            .filter(|t| !(entry.referrers && referrer_tags.contains(t)))
            .collect();
        let mut selected = entry.tags.select(candidates);
        if let Some(n) = entry.tags.newest_by_created() {
            selected = match self.newest_created(&repo.src, selected, n).await {
                Ok(s) => s,
                Err(e) => return vec![Err(failed(repo.src.name(), repo.dst.name(), reason(&e)))],
            };
        }
        selected
            .into_iter()
            .map(|t| {
                Ok(Image {
                    entry: repo.entry,
                    src: with_tag(&repo.src, &t),
                    dst: with_tag(&repo.dst, &t),
                    referrer_tags: referrer_tags.clone(),
                })
            })
            .collect()
    }

    async fn tags(&self, repo: &Reference) -> Result<Vec<String>> {
        let client = self.client(repo.registry())?;
        Ok(client
            .list_tags(repo.repository(), None, None, None)
            .await?)
    }

    /// The `n` tags whose images were created last (an index: its first image's date).
    async fn newest_created(
        &self,
        repo: &Reference,
        tags: Vec<String>,
        n: usize,
    ) -> Result<Vec<String>> {
        let client = self.client(repo.registry())?;
        let dated: Vec<Result<(String, String)>> = stream::iter(tags)
            .map(|t| {
                let client = client.clone();
                async move {
                    let created = created(&client, repo.repository(), &t).await?;
                    Ok((created, t))
                }
            })
            .buffered(8)
            .collect()
            .await;
        let mut dated = dated.into_iter().collect::<Result<Vec<_>>>()?;
        // RFC 3339 times in UTC compare as text; a missing date sorts last.
        dated.sort_by(|a, b| b.cmp(a));
        Ok(dated.into_iter().take(n).map(|(_, t)| t).collect())
    }

    async fn image(&self, image: Image) -> ImageResult {
        let (source, target) = (image.src.to_string(), image.dst.to_string());
        match self.compare_and_send(&image).await {
            Ok(r) => r,
            Err(e) => failed(source, target, reason(&e)),
        }
    }

    async fn compare_and_send(&self, image: &Image) -> Result<ImageResult> {
        let entry = &self.config.entries[image.entry];
        let src = self.client(image.src.registry())?;
        let dst = self.client(image.dst.registry())?;
        let (src_repo, dst_repo) = (image.src.repository(), image.dst.repository());
        let gone = || RegistryError::NotFound {
            what: format!("tag {}", image.src),
            detail: String::new(),
        };
        let source_digest = match image.src.digest() {
            Some(d) => d.clone(),
            None => src
                .tag_digest(src_repo, &image.src.api_reference())
                .await?
                .ok_or_else(gone)?,
        };
        // One platform of an index: the target gets that image, whose digest the plan says.
        let from = Remote::new(src.clone(), src_repo);
        let pinned = image.src.with_digest(Some(source_digest.clone()));
        let mut plan = None;
        let want = match &entry.platforms {
            PlatformChoice::All => source_digest.clone(),
            choice => {
                let p = Plan::from_registry(&from, &pinned, choice)
                    .await?
                    .narrowed();
                let d = p.top.desc.digest.clone();
                plan = Some(p);
                d
            }
        };
        let reference = image.dst.api_reference();
        let key = image.dst.to_string();
        let trusted =
            self.options.trust_state && self.state.and_then(|s| s.get(&key)) == Some(&want);
        let previous = match trusted {
            true => Some(want.clone()),
            false => dst.tag_digest(dst_repo, &reference).await?,
        };
        let mut result = ImageResult {
            source: image.src.to_string(),
            target: key.clone(),
            status: Status::InSync,
            digest: Some(want.clone()),
            previous: previous.clone().filter(|p| *p != want),
            reason: None,
            moved: Moved::default(),
            referrers: 0,
        };
        let mut children = Vec::new();
        if previous.as_ref() != Some(&want) {
            if self.options.check {
                result.status = Status::Differs;
            } else {
                let plan = match plan {
                    Some(p) => p,
                    None => Plan::from_registry(&from, &pinned, &PlatformChoice::All).await?,
                };
                children = plan
                    .children
                    .iter()
                    .map(|n| n.desc.digest.clone())
                    .collect();
                let jobs = self.jobs_for(dst.name());
                result.moved = self
                    .ledger
                    .send(&plan, &dst, dst_repo, &reference, jobs, &self.progress)
                    .await?;
                result.status = Status::Copied;
            }
        }
        if entry.referrers {
            let mut subjects = vec![want.clone()];
            subjects.extend(children);
            let (count, differs) = self.referrers(image, &src, &dst, subjects).await?;
            result.referrers = count;
            if differs && result.status == Status::InSync {
                result.status = Status::Differs;
            }
            if count > 0 && result.status == Status::InSync {
                result.status = Status::Copied;
            }
        }
        if let Some(s) = self.state
            && !self.options.check
        {
            s.record(&key, &want);
        }
        Ok(result)
    }

    /// Carries the referrers of `subjects`: `(indexes copied, whether any differ)`. On a
    /// source with the tag schema, each subject's `sha256-<hex>` tag is an index like any
    /// other, compared by `HEAD` and copied byte for byte with what it lists (referrers of
    /// those follow); a source with the referrers API is asked per subject, and what the
    /// target lacks goes through `copy --referrers`'s machinery.
    async fn referrers(
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
            let listed = super::referrers::list(src, image.src.repository(), subject, None).await?;
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
        let copied = super::referrers::copy_referrers(
            src,
            &image.src,
            dst,
            &image.dst,
            &subjects,
            self.jobs_for(dst.name()),
            self.progress.clone(),
        )
        .await?;
        Ok((copied.len(), true))
    }
}

/// The config's `created` of the image `tag` names (an index: its first image's).
async fn created(client: &Registry, repo: &str, tag: &str) -> Result<String> {
    let mut reference = tag.to_string();
    for _ in 0..4 {
        let m = client.get_manifest(repo, &reference).await?;
        match manifest::parse(&m.bytes, Some(&m.media_type)) {
            Ok((_, Parsed::Image(image))) => {
                let bytes = client
                    .get_small_blob(repo, &image.config.digest, manifest::MAX_MANIFEST_BYTES)
                    .await?;
                #[derive(serde::Deserialize)]
                struct Created {
                    created: Option<String>,
                }
                let c: Option<Created> = serde_json::from_slice(&bytes).ok();
                return Ok(c.and_then(|c| c.created).unwrap_or_default());
            }
            Ok((_, Parsed::Index(index))) => {
                match index.manifests.iter().find(|d| !d.is_attestation()) {
                    Some(d) => reference = d.digest.to_string(),
                    None => return Ok(String::new()),
                }
            }
            Err(source) => {
                return Err(RegistryError::Manifest {
                    what: format!("{}/{repo}:{tag}", client.name()),
                    source,
                }
                .into());
            }
        }
    }
    Ok(String::new())
}

fn repository(registry: &str, path: &str) -> std::result::Result<Reference, String> {
    Reference::parse_repository(&format!("{registry}/{path}"), &Defaults::default())
        .map_err(|e| e.to_string())
}

fn with_tag(repo: &Reference, tag: &str) -> Reference {
    // A tag from a tag list is valid by construction; the name was parsed already.
    Reference::parse(&format!("{}:{tag}", repo.name()), &Defaults::default())
        .unwrap_or_else(|_| repo.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_name_once() {
        let names: Vec<String> = (0..200).map(|i| format!("r.io/team/app-{i}")).collect();
        let shards: Vec<Shard> = (0..3).map(|index| Shard { index, count: 3 }).collect();
        for n in &names {
            assert_eq!(shards.iter().filter(|s| s.takes(n)).count(), 1, "{n}");
        }
        // Stable: the same name always lands in the same shard, and the split is not lopsided.
        let first = names.iter().filter(|n| shards[0].takes(n)).count();
        assert!((40..=95).contains(&first), "{first}");
        assert!(Shard { index: 0, count: 1 }.takes("anything"));
    }
}
