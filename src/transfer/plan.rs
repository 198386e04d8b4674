//! The one walk from a reference to what a transfer moves: the top manifest or index, the
//! child manifests it takes (nested indexes followed), and the blobs they need, each with
//! where to read it (the local store or a registry). The platform choice is made here and
//! only here, through [`crate::oci::manifest::Index::select`].

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;

use super::{PlatformChoice, Result, TransferError};
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, Parsed, Selected};
use crate::oci::reference::Reference;
use crate::registry::{Registry, RegistryError};
use crate::store::Store;

/// Configs are small; a config larger than a manifest may be is refused.
const MAX_CONFIG: u64 = manifest::MAX_MANIFEST_BYTES;

/// A repository on a registry that manifests and blobs can be read from.
pub(crate) struct Remote {
    pub registry: Registry,
    pub repo: String,
}

impl Remote {
    pub fn new(registry: Registry, repo: &str) -> Arc<Self> {
        Arc::new(Remote {
            registry,
            repo: repo.to_string(),
        })
    }

    /// `registry/repo`, as source records and messages name it.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry.name(), self.repo)
    }
}

/// Where the bytes of a manifest or blob are read from.
#[derive(Clone)]
pub(crate) enum Origin {
    Store,
    Remote(Arc<Remote>),
}

/// A manifest or index with its exact bytes.
#[derive(Clone)]
pub(crate) struct Node {
    /// The descriptor the parent index gave it (platform and annotations kept).
    pub desc: Descriptor,
    pub bytes: Bytes,
    /// 0 for the top, 1 for its children, and so on: deeper nodes are sent first.
    pub depth: usize,
}

pub(crate) struct Plan {
    pub top: Node,
    /// Every manifest below the top that the transfer takes.
    pub children: Vec<Node>,
    /// Every blob the taken manifests need, once each, with where to read it.
    pub blobs: Vec<(Descriptor, Origin)>,
    /// The image a platform choice landed on, when the top is an index.
    pub chosen: Option<Descriptor>,
    /// Every manifest an index of the plan lists, taken or not (for source records).
    pub listed: Vec<Digest>,
    /// The platforms the indexes offer, for "no such platform" messages.
    pub offered: Vec<String>,
    blob_seen: HashSet<Digest>,
    node_seen: HashSet<Digest>,
}

type Walk<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

impl Plan {
    fn new(top: Node) -> Self {
        Plan {
            node_seen: HashSet::from([top.desc.digest.clone()]),
            top,
            children: Vec::new(),
            blobs: Vec::new(),
            chosen: None,
            listed: Vec::new(),
            offered: Vec::new(),
            blob_seen: HashSet::new(),
        }
    }

    /// Resolves `reference` on a registry: the top manifest, then what `choice` takes.
    pub async fn from_registry(
        src: &Arc<Remote>,
        reference: &Reference,
        choice: &PlatformChoice,
    ) -> Result<Plan> {
        let fetched = src
            .registry
            .get_manifest(&src.repo, &reference.api_reference())
            .await?;
        let desc = Descriptor::new(
            &fetched.media_type,
            fetched.digest.clone(),
            fetched.bytes.len() as u64,
        );
        let top = Node {
            desc,
            bytes: fetched.bytes,
            depth: 0,
        };
        let parsed = parse(&top, &reference.to_string())?;
        let mut plan = Plan::new(top.clone());
        plan.walk_remote(src, &top, parsed, choice, &reference.to_string())
            .await?;
        Ok(plan)
    }

    /// Reads an image from the store: every manifest and blob it holds. Children of an index
    /// that the store does not hold (a sparse index, after a one-platform pull) come back as
    /// the second value, for the caller to find elsewhere.
    pub fn from_store(
        store: &Store,
        desc: &Descriptor,
    ) -> Result<(Plan, Vec<(Descriptor, usize)>)> {
        let (bytes, _) = store.read_manifest(desc)?;
        let top = Node {
            desc: desc.clone(),
            bytes: Bytes::from(bytes),
            depth: 0,
        };
        let mut plan = Plan::new(top.clone());
        let mut absent = Vec::new();
        plan.walk_local(store, &top, &mut absent)?;
        Ok((plan, absent))
    }

    /// Adds a manifest that lives only on `src` (an absent child of a sparse index) with
    /// everything below it.
    pub async fn add_remote(
        &mut self,
        src: &Arc<Remote>,
        desc: &Descriptor,
        depth: usize,
    ) -> Result<()> {
        let node = fetch(src, desc, depth).await?;
        let label = format!("{}@{}", src.name(), desc.digest);
        let parsed = parse(&node, &label)?;
        self.walk_remote(src, &node, parsed, &PlatformChoice::All, &label)
            .await?;
        self.push_child(node);
        Ok(())
    }

    fn add_blob(&mut self, desc: &Descriptor, origin: &Origin) {
        if self.blob_seen.insert(desc.digest.clone()) {
            self.blobs.push((desc.clone(), origin.clone()));
        }
    }

    fn push_child(&mut self, node: Node) {
        if self.node_seen.insert(node.desc.digest.clone()) {
            self.children.push(node);
        } else {
            self.raise_depth(&node.desc.digest, node.depth);
        }
    }

    /// A manifest listed at two depths (directly and in a nested index) must go before the
    /// deeper index too: it keeps the deepest.
    fn raise_depth(&mut self, digest: &Digest, depth: usize) {
        if let Some(known) = self.children.iter_mut().find(|n| n.desc.digest == *digest) {
            known.depth = known.depth.max(depth);
        }
    }

    /// The walk below one remote node. Children are fetched in parallel where all of them are
    /// taken; a platform choice looks at direct entries first, then into nested indexes.
    fn walk_remote<'a>(
        &'a mut self,
        src: &'a Arc<Remote>,
        node: &'a Node,
        parsed: Parsed,
        choice: &'a PlatformChoice,
        label: &'a str,
    ) -> Walk<'a> {
        Box::pin(async move {
            let origin = Origin::Remote(src.clone());
            let index = match parsed {
                Parsed::Image(m) => {
                    if node.depth == 0
                        && let PlatformChoice::One(want) = choice
                    {
                        check_config_platform(src, &m.config, want, label).await?;
                    }
                    for b in m.blobs() {
                        self.add_blob(b, &origin);
                    }
                    return Ok(());
                }
                Parsed::Index(index) => index,
            };
            self.listed
                .extend(index.manifests.iter().map(|d| d.digest.clone()));
            self.offered.extend(index.platforms());
            let Some(want) = choice.wanted() else {
                // Every child, fetched a few at a time, in the index's order.
                let depth = node.depth + 1;
                // An entry already taken (listed twice, or by two nested indexes) is not
                // fetched again: a crafted index cannot multiply the requests.
                let mut once = HashSet::new();
                let fresh: Vec<Descriptor> = index
                    .manifests
                    .iter()
                    .filter(|d| !self.node_seen.contains(&d.digest))
                    .filter(|d| once.insert(d.digest.clone()))
                    .cloned()
                    .collect();
                for d in &index.manifests {
                    if self.node_seen.contains(&d.digest) {
                        self.raise_depth(&d.digest, depth);
                    }
                }
                let fetched: Vec<Node> = futures_util::stream::iter(fresh)
                    .map(|d| {
                        let src = src.clone();
                        async move { fetch(&src, &d, depth).await }
                    })
                    .buffered(8)
                    .collect::<Vec<_>>()
                    .await
                    .into_iter()
                    .collect::<Result<_>>()?;
                for child in fetched {
                    let parsed = parse(&child, label)?;
                    self.walk_remote(src, &child, parsed, choice, label).await?;
                    self.push_child(child);
                }
                return Ok(());
            };
            match index.select(&want) {
                Selected::Image(d) => {
                    let child = fetch(src, d, node.depth + 1).await?;
                    let parsed = parse(&child, label)?;
                    self.walk_remote(src, &child, parsed, choice, label).await?;
                    if self.chosen.is_none() {
                        self.chosen = Some(d.clone());
                    }
                    self.push_child(child);
                    Ok(())
                }
                Selected::Nested(nested) => {
                    for d in nested {
                        let child = fetch(src, d, node.depth + 1).await?;
                        let parsed = parse(&child, label)?;
                        match self.walk_remote(src, &child, parsed, choice, label).await {
                            Ok(()) => {
                                self.push_child(child);
                                return Ok(());
                            }
                            Err(TransferError::NoPlatform { .. }) => continue,
                            Err(e) => return Err(e),
                        }
                    }
                    Err(self.no_platform(label, &want.to_string()))
                }
            }
        })
    }

    fn walk_local(
        &mut self,
        store: &Store,
        node: &Node,
        absent: &mut Vec<(Descriptor, usize)>,
    ) -> Result<()> {
        match parse(node, &node.desc.digest.to_string())? {
            Parsed::Image(m) => {
                for b in m.blobs() {
                    self.add_blob(b, &Origin::Store);
                }
            }
            Parsed::Index(index) => {
                self.offered.extend(index.platforms());
                for d in &index.manifests {
                    if !store.has_blob(&d.digest, Some(d.size)) {
                        absent.push((d.clone(), node.depth + 1));
                        continue;
                    }
                    let (bytes, _) = store.read_manifest(d)?;
                    let child = Node {
                        desc: d.clone(),
                        bytes: Bytes::from(bytes),
                        depth: node.depth + 1,
                    };
                    self.walk_local(store, &child, absent)?;
                    self.push_child(child);
                }
            }
        }
        Ok(())
    }

    fn no_platform(&self, label: &str, wanted: &str) -> TransferError {
        let mut offered = self.offered.clone();
        offered.dedup();
        TransferError::NoPlatform {
            reference: label.to_string(),
            wanted: wanted.to_string(),
            available: if offered.is_empty() {
                "no platforms listed".into()
            } else {
                offered.join(", ")
            },
        }
    }

    /// The plan for just the image a platform choice landed on (`copy --platform` of an
    /// index): that image becomes the top, and the indexes above it are left behind.
    pub fn narrowed(mut self) -> Plan {
        let Some(chosen) = self.chosen.take() else {
            return self;
        };
        let Some(pos) = self
            .children
            .iter()
            .position(|n| n.desc.digest == chosen.digest)
        else {
            return self;
        };
        let mut top = self.children.swap_remove(pos);
        top.depth = 0;
        // The index's descriptor carried the platform; as a top it is a plain descriptor.
        top.desc = Descriptor::new(&top.desc.media_type, top.desc.digest.clone(), top.desc.size);
        self.children.clear();
        self.top = top;
        self.chosen = Some(chosen);
        self
    }

    /// The child manifests in the order a registry must receive them: deepest first, so no
    /// index arrives before the manifests it lists.
    pub fn children_in_send_order(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.children.iter().collect();
        v.sort_by_key(|n| std::cmp::Reverse(n.depth));
        v
    }

    /// Every manifest and blob digest the plan names, listed children included.
    pub fn all_digests(&self) -> Vec<Digest> {
        let mut out: Vec<Digest> = std::iter::once(&self.top)
            .chain(&self.children)
            .map(|n| n.desc.digest.clone())
            .chain(self.blobs.iter().map(|(d, _)| d.digest.clone()))
            .chain(self.listed.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// GETs a child manifest by digest; the registry layer checks the bytes against it.
async fn fetch(src: &Arc<Remote>, desc: &Descriptor, depth: usize) -> Result<Node> {
    let fetched = src
        .registry
        .get_manifest(&src.repo, &desc.digest.to_string())
        .await?;
    Ok(Node {
        desc: desc.clone(),
        bytes: fetched.bytes,
        depth,
    })
}

fn parse(node: &Node, label: &str) -> Result<Parsed> {
    manifest::parse(&node.bytes, Some(&node.desc.media_type))
        .map(|(_, p)| p)
        .map_err(|source| {
            TransferError::Registry(RegistryError::Manifest {
                what: format!("manifest {label}"),
                source,
            })
        })
}

/// `--platform P` of a single-platform image: its config must say P (docker refuses the
/// same way), so a wrong-platform image is never stored or copied as if it were P.
async fn check_config_platform(
    src: &Arc<Remote>,
    config: &Descriptor,
    want: &manifest::Platform,
    label: &str,
) -> Result<()> {
    if config.size > MAX_CONFIG {
        return Ok(());
    }
    let bytes = src
        .registry
        .get_small_blob(&src.repo, &config.digest, MAX_CONFIG)
        .await?;
    match manifest::config_platform(&bytes) {
        Some(have) if !want.matches(&have) => Err(TransferError::NoPlatform {
            reference: label.to_string(),
            wanted: want.to_string(),
            available: format!("{have} (a single-platform image)"),
        }),
        _ => Ok(()),
    }
}

/// The digest `reference` points at and, with a platform choice on an index, the digest of
/// that platform's image (`ghcr-cli digest --platform`).
pub async fn resolve_digest(
    registry: &Registry,
    reference: &Reference,
    choice: &PlatformChoice,
) -> Result<(Digest, Option<Descriptor>)> {
    let src = Remote::new(registry.clone(), reference.repository());
    let plan = Plan::from_registry(&src, reference, choice).await?;
    Ok((plan.top.desc.digest.clone(), plan.chosen))
}
