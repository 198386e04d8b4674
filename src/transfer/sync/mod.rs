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
mod expand;
mod referrers;
mod state;
pub mod tags;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, stream};
use tokio::sync::OnceCell;

use super::plan::{Plan, Remote};
use super::{PlatformChoice, Progress, Result};
use crate::oci::digest::Digest;
use crate::oci::reference::{Defaults, Reference};
use crate::registry::{Registry, RegistryError};
use blobs::Ledger;
pub use blobs::Moved;
pub use config::{CredentialSource, SyncConfig};
pub use state::State;

/// How many repositories' tags are listed ahead of the images being compared.
const LISTS_AHEAD: usize = 8;

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
        ledger: Ledger::new(config),
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
    // Tag lists a few repositories ahead (in order), so the images of one repository flow
    // while the next ones are listed; only those few lists are held at once.
    let images = stream::iter(repos)
        .map(|repo| async move { run.images_of(repo).await })
        .buffered(LISTS_AHEAD)
        .flat_map(stream::iter)
        .map(|image| async move {
            match image {
                Ok(image) => run.image(image).await,
                Err(failed) => *failed,
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
        let reference = image.dst.api_reference();
        let key = image.dst.to_string();
        let remembered = match self.options.trust_state {
            true => self.state.and_then(|s| s.get(&key)).cloned(),
            false => None,
        };
        let source_head = async {
            match image.src.digest() {
                Some(d) => Ok(d.clone()),
                None => src
                    .tag_digest(src_repo, &image.src.api_reference())
                    .await?
                    .ok_or_else(gone),
            }
        };
        // Both sides at once, one round trip for the pair on a real link; only when the state
        // file may vouch for the target does its HEAD wait for the source's answer (and then
        // usually not go at all).
        let (source_digest, target_head) = match remembered {
            None => {
                // The source's error ends the pair at once (the target's answer, whatever
                // it is, matters only with the source's digest).
                let target_head = async { Ok(dst.tag_digest(dst_repo, &reference).await) };
                let (s, t) = tokio::try_join!(source_head, target_head)?;
                (s, Some(t))
            }
            Some(_) => (source_head.await?, None),
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
        let previous = match (remembered.as_ref() == Some(&want), target_head) {
            (true, _) => Some(want.clone()),
            (false, Some(answer)) => answer?,
            (false, None) => dst.tag_digest(dst_repo, &reference).await?,
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
}

pub(super) fn repository(registry: &str, path: &str) -> std::result::Result<Reference, String> {
    Reference::parse_repository(&format!("{registry}/{path}"), &Defaults::default())
        .map_err(|e| e.to_string())
}

pub(super) fn with_tag(repo: &Reference, tag: &str) -> Reference {
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
