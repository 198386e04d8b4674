//! Retention for ghcr.io packages, as a pure function: from a package's versions and what
//! each version's manifest is (an index and its children, an image, its subject), which
//! versions a policy deletes. On ghcr.io every manifest is a version of its own, so a
//! multi-platform release is one tagged index plus untagged platform and attestation
//! versions; "delete untagged" breaks releases unless the graph is walked first. The rule
//! here: nothing a kept version reaches (index children, `sha256-<hex>` tag-schema
//! referrers, manifests whose `subject` it is) is ever deleted, and what a deleted version
//! alone reaches goes with it. Also what `packages check` reports: ghosts and orphans.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde::Serialize;

/// What a version's manifest turned out to be, read from the registry.
#[derive(Debug, Clone)]
pub enum Facts {
    /// An index: its entries' digests, each with how the index labels it
    /// (`linux/amd64`, `attestation`); `subject` when it is a referrer (an index-type SBOM
    /// or signature, OCI 1.1).
    Index {
        children: Vec<(String, String)>,
        subject: Option<String>,
    },
    /// An image manifest; `subject` when it is a referrer, `attestation` when its layers
    /// are in-toto statements (buildx's attestation manifests).
    Image {
        subject: Option<String>,
        attestation: bool,
    },
    /// The registry does not have it (404).
    Missing,
    /// It could not be read; nothing is decided about it.
    Unread(String),
}

impl Facts {
    /// The digest of the manifest this one refers to (OCI 1.1 `subject`), image or index.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Facts::Index { subject, .. } | Facts::Image { subject, .. } => subject.as_deref(),
            Facts::Missing | Facts::Unread(_) => None,
        }
    }
}

/// One package version with its manifest's facts.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: u64,
    pub digest: String,
    pub tags: Vec<String>,
    pub created_at: Option<String>,
    pub facts: Facts,
}

#[derive(Debug, Default)]
pub struct Policy {
    /// Keep the newest N tagged versions (among those the tag filters select); tagged
    /// versions are pruned only with this or `include`.
    pub keep_tagged: Option<usize>,
    pub include: Option<Regex>,
    pub exclude: Option<Regex>,
    /// Prune untagged images (not reached from a kept version), keeping the newest N.
    pub untagged: bool,
    pub keep_untagged: usize,
    /// Prune orphans: attestations and referrers whose image is gone.
    pub orphans: bool,
    /// Only versions created before this instant (seconds since the epoch) are deleted.
    pub cutoff: Option<i64>,
    /// Digests an earlier, interrupted run planned to delete: still deleted when nothing
    /// kept reaches them.
    pub pending: BTreeSet<String>,
}

/// Why a version is deleted.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Deletion {
    pub id: u64,
    pub digest: String,
    pub tags: Vec<String>,
    #[serde(rename = "createdAt")]
    pub created_at: Option<String>,
    /// `tagged`, `untagged`, `orphan`, `child` or `resumed`.
    pub kind: &'static str,
    pub reason: String,
    /// Digests of planned deletions that list this one: it goes only after they went.
    #[serde(skip)]
    pub parents: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// In deletion order: every version before those it reaches.
    pub delete: Vec<Deletion>,
    /// How many versions stay, and how many of them only because a kept version reaches
    /// them.
    pub kept: usize,
    pub kept_reached: usize,
    /// Kept versions whose children cannot be known (a manifest that could not be read, or a
    /// tagged one the registry answers 404 for), each with why: what they list would look
    /// unused, so nothing may be deleted while there are any.
    pub unread: Vec<(String, String)>,
}

/// `sha256-<hex>` (OCI tag schema) or cosign's `sha256-<hex>.sig` / `.att` / `.sbom`: the
/// subject's digest.
pub fn referrer_subject(tag: &str) -> Option<String> {
    let rest = tag.strip_prefix("sha256-")?;
    let hex = rest.split('.').next()?;
    (hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    .then(|| format!("sha256:{hex}"))
}

/// The graph of a package: for each version, the versions it reaches.
pub struct Graph<'a> {
    pub nodes: &'a [Node],
    index: BTreeMap<&'a str, usize>,
    edges: Vec<Vec<(usize, String)>>,
    /// Versions some index of the package lists.
    listed: BTreeSet<usize>,
}

impl<'a> Graph<'a> {
    pub fn new(nodes: &'a [Node]) -> Self {
        let index: BTreeMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.digest.as_str(), i))
            .collect();
        let mut edges = vec![Vec::new(); nodes.len()];
        let mut listed = BTreeSet::new();
        for (i, n) in nodes.iter().enumerate() {
            if let Facts::Index { children, .. } = &n.facts {
                for (d, label) in children {
                    if let Some(&c) = index.get(d.as_str()) {
                        edges[i].push((c, label.clone()));
                        listed.insert(c);
                    }
                }
            }
            // A referrer, image or index, goes with its subject.
            if let Some(&p) = n.facts.subject().and_then(|s| index.get(s)) {
                edges[p].push((i, "referrer".into()));
            }
            for t in &n.tags {
                if let Some(&p) = referrer_subject(t).as_deref().and_then(|s| index.get(s)) {
                    edges[p].push((i, format!("referrers ({t})")));
                }
            }
        }
        Graph {
            nodes,
            index,
            edges,
            listed,
        }
    }

    /// Everything `roots` reach, the roots included.
    pub fn closure(&self, roots: impl IntoIterator<Item = usize>) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = roots.into_iter().collect();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend(self.edges[i].iter().map(|(c, _)| *c));
            }
        }
        seen
    }

    /// A version with a tag that is not a referrer tag: a release.
    pub fn is_release(&self, i: usize) -> bool {
        self.nodes[i]
            .tags
            .iter()
            .any(|t| referrer_subject(t).is_none())
    }

    /// An attestation or referrer, tagged or not, whose image the package no longer has and
    /// that no index lists.
    pub fn orphan_of(&self, i: usize) -> Option<String> {
        let n = &self.nodes[i];
        if self.listed.contains(&i) || self.is_release(i) {
            return None;
        }
        let gone = |s: &str| !self.index.contains_key(s);
        if let Some(s) = n.tags.iter().find_map(|t| referrer_subject(t)) {
            return gone(&s).then(|| format!("referrers of {s}, which is gone"));
        }
        if let Some(s) = n.facts.subject() {
            return gone(s).then(|| format!("referrer of {s}, which is gone"));
        }
        match &n.facts {
            Facts::Image {
                subject: None,
                attestation: true,
            } => Some("attestation whose image index is gone".into()),
            _ => None,
        }
    }

    /// Tagged indexes whose children the package no longer has: each with the missing
    /// entries (label, digest).
    pub fn ghosts(&self) -> Vec<(usize, Vec<(String, String)>)> {
        let mut out = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if let (true, Facts::Index { children, .. }) = (!n.tags.is_empty(), &n.facts) {
                let missing: Vec<(String, String)> = children
                    .iter()
                    .filter(|(d, _)| !self.index.contains_key(d.as_str()))
                    .map(|(d, l)| (l.clone(), d.clone()))
                    .collect();
                if !missing.is_empty() {
                    out.push((i, missing));
                }
            }
        }
        out
    }
}

/// Newest first: by creation time, then by id (GitHub's ids grow).
fn newest_first(nodes: &[Node], v: &mut [usize]) {
    v.sort_by(|&a, &b| {
        (nodes[b].created_at.as_deref(), nodes[b].id)
            .cmp(&(nodes[a].created_at.as_deref(), nodes[a].id))
    });
}

/// Seconds since the epoch of an RFC 3339 time such as `2026-11-02T00:00:00Z` (or with an
/// offset); `None` when it is not one.
pub fn epoch_seconds(s: &str) -> Option<i64> {
    let (date, time) = s.split_once(['T', 't', ' '])?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(at) => (&time[..at], &time[at..]),
        None => (time, "Z"),
    };
    let mut c = clock.split(':');
    let h: i64 = c.next()?.parse().ok()?;
    let min: i64 = c.next()?.parse().ok()?;
    let sec: i64 = c.next().unwrap_or("0").split('.').next()?.parse().ok()?;
    let off = match offset.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let (oh, om) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
            let v = oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60;
            if offset.starts_with('-') { -v } else { v }
        }
        _ => 0,
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + min * 60 + sec - off)
}

/// Decides what `policy` deletes from the package `nodes`.
pub fn plan(nodes: &[Node], policy: &Policy) -> Plan {
    let g = Graph::new(nodes);
    let old = |i: usize| match (
        policy.cutoff,
        nodes[i].created_at.as_deref().and_then(epoch_seconds),
    ) {
        (None, _) => true,
        (Some(c), Some(t)) => t < c,
        // No creation time: not provably old, so kept.
        (Some(_), None) => false,
    };
    let mut keep: Vec<usize> = Vec::new();
    let mut delete: BTreeMap<usize, (&'static str, String)> = BTreeMap::new();
    let mut unread = Vec::new();

    // Releases: the tag filters select candidates; the newest N of them stay.
    let tagged_on = policy.keep_tagged.is_some() || policy.include.is_some();
    let mut candidates = Vec::new();
    for i in (0..nodes.len()).filter(|&i| g.is_release(i)) {
        let tags = &nodes[i].tags;
        let included = policy
            .include
            .as_ref()
            .is_none_or(|r| tags.iter().any(|t| r.is_match(t)));
        let excluded = policy
            .exclude
            .as_ref()
            .is_some_and(|r| tags.iter().any(|t| r.is_match(t)));
        if tagged_on && included && !excluded {
            candidates.push(i);
        } else {
            keep.push(i);
        }
    }
    newest_first(nodes, &mut candidates);
    let n = policy.keep_tagged.unwrap_or(0);
    for (rank, &i) in candidates.iter().enumerate() {
        if rank < n || !old(i) {
            keep.push(i);
        } else {
            let reason = if n == 0 {
                "tagged, selected by the tag filters".to_string()
            } else {
                format!("tagged, older than the newest {n}")
            };
            delete.insert(i, ("tagged", reason));
        }
    }

    // Untagged versions no index lists are images of their own (a tag moved away from
    // them), unless they are attestations or referrers whose image is gone: orphans.
    let mut untagged_roots = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if g.is_release(i) || g.listed.contains(&i) {
            continue;
        }
        if let Some(why) = g.orphan_of(i) {
            if policy.orphans && old(i) {
                delete.insert(i, ("orphan", why));
            } else {
                keep.push(i);
            }
            continue;
        }
        let referrer_tagged = !node.tags.is_empty();
        if referrer_tagged || node.facts.subject().is_some() {
            // Reached from its subject, which decides its fate.
            continue;
        }
        if matches!(node.facts, Facts::Unread(_)) {
            keep.push(i);
            continue;
        }
        untagged_roots.push(i);
    }
    newest_first(nodes, &mut untagged_roots);
    for (rank, &i) in untagged_roots.iter().enumerate() {
        if policy.untagged && rank >= policy.keep_untagged && old(i) {
            let what = if matches!(nodes[i].facts, Facts::Index { .. }) {
                "untagged index (a tag moved away from it)"
            } else {
                "untagged image"
            };
            delete.insert(i, ("untagged", what.to_string()));
        } else {
            keep.push(i);
        }
    }
    // What an earlier run planned and did not reach (children of indexes it deleted, which
    // no index lists any more) goes now, unless a kept version reaches it; a release only
    // by today's policy.
    keep.retain(|&i| g.is_release(i) || !policy.pending.contains(&nodes[i].digest));
    for (i, node) in nodes.iter().enumerate() {
        if policy.pending.contains(&node.digest) && !delete.contains_key(&i) && !g.is_release(i) {
            delete.insert(
                i,
                ("resumed", "planned by an earlier run that stopped".into()),
            );
        }
    }
    let kept = g.closure(keep.iter().copied());
    let roots: Vec<usize> = delete
        .keys()
        .copied()
        .filter(|i| !kept.contains(i))
        .collect();
    let doomed: BTreeSet<usize> = g.closure(roots).difference(&kept).copied().collect();
    // A kept version that could not be read lists nothing here, tagged or not: its children
    // would look like untagged images or orphans. A tag whose manifest the registry does
    // not have is the same (ghcr.io can answer 404 for a version it lists).
    for (_, node) in nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| !doomed.contains(i))
    {
        match &node.facts {
            Facts::Unread(e) => unread.push((node.digest.clone(), e.clone())),
            Facts::Missing if !node.tags.is_empty() => unread.push((
                node.digest.clone(),
                format!(
                    "the registry has no manifest for it (404), though the tag {} is on it",
                    node.tags.join(", ")
                ),
            )),
            _ => {}
        }
    }
    // Parents first: a breadth-first walk from the versions no doomed version lists, each
    // one after all its doomed parents.
    let mut parents: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    for &p in &doomed {
        for (c, label) in &g.edges[p] {
            if doomed.contains(c) && *c != p {
                parents.entry(*c).or_default().push((p, label.clone()));
            }
        }
    }
    let mut order: Vec<usize> = doomed
        .iter()
        .copied()
        .filter(|i| !parents.contains_key(i))
        .collect();
    order.sort_by_key(|&i| (nodes[i].created_at.clone(), nodes[i].id));
    let mut placed: BTreeSet<usize> = order.iter().copied().collect();
    let mut at = 0;
    while placed.len() < doomed.len() {
        if at == order.len() {
            // A cycle (a referrer that is also its subject's child): the rest in any order.
            let rest: Vec<usize> = doomed.difference(&placed).copied().collect();
            placed.extend(rest.iter().copied());
            order.extend(rest);
            break;
        }
        let p = order[at];
        at += 1;
        for (c, _) in &g.edges[p] {
            let ready = parents
                .get(c)
                .is_some_and(|ps| ps.iter().all(|(q, _)| placed.contains(q)));
            if doomed.contains(c) && !placed.contains(c) && ready {
                placed.insert(*c);
                order.push(*c);
            }
        }
    }
    let short = |d: &str| d.get(..19).unwrap_or(d).to_string();
    let delete = order
        .into_iter()
        .map(|i| {
            let node = &nodes[i];
            let ps: Vec<String> = parents
                .get(&i)
                .map(|ps| ps.iter().map(|(q, _)| nodes[*q].digest.clone()).collect())
                .unwrap_or_default();
            let (kind, reason) = match (delete.get(&i), parents.get(&i)) {
                (Some((k, r)), _) => (*k, r.clone()),
                (None, Some(ps)) => {
                    let (p, label) = &ps[0];
                    let parent = &nodes[*p];
                    let name = parent
                        .tags
                        .first()
                        .cloned()
                        .unwrap_or_else(|| short(&parent.digest));
                    ("child", format!("{label} of {name}"))
                }
                (None, None) => ("child", String::new()),
            };
            Deletion {
                id: node.id,
                digest: node.digest.clone(),
                tags: node.tags.clone(),
                created_at: node.created_at.clone(),
                kind,
                reason,
                parents: ps,
            }
        })
        .collect::<Vec<_>>();
    let kept_roots: BTreeSet<usize> = keep.iter().copied().collect();
    Plan {
        kept: nodes.len() - delete.len(),
        kept_reached: kept.difference(&kept_roots).count(),
        delete,
        unread,
    }
}

#[cfg(test)]
#[path = "retention_tests.rs"]
mod tests;
