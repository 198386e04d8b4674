//! Where a sync's images come from: each entry expanded into repositories (a registry's
//! catalog, names only, or its one repository), and each repository into the images its
//! tag filters keep, from one tag list per repository and run.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::{StreamExt, stream};

use super::config::{Entry, Source};
use super::{Image, ImageResult, Repo, Run, failed, reason, repository, with_tag};
use crate::oci::manifest::{self, Parsed};
use crate::oci::reference::Reference;
use crate::registry::{Registry, RegistryError};
use crate::transfer::Result;

impl Run<'_> {
    /// The repositories an entry names: a registry's catalog, or its one repository.
    pub(super) async fn repos_of(
        &self,
        i: usize,
        entry: &Entry,
    ) -> std::result::Result<Vec<Repo>, Box<ImageResult>> {
        let target = |repo: &str| -> std::result::Result<Reference, String> {
            let path = match &entry.source {
                Source::Registry(_) if entry.target_repo.is_empty() => repo.to_string(),
                Source::Registry(_) => format!("{}/{repo}", entry.target_repo),
                _ => entry.target_repo.clone(),
            };
            repository(&entry.target_registry, &path)
        };
        let bad = |source: &str, e: String| {
            Box::new(failed(source.into(), entry.target_registry.clone(), e))
        };
        match &entry.source {
            Source::Registry(name) => {
                let listed = async {
                    self.client(name)?
                        .list_repositories(&crate::registry::lists::Paging::default())
                        .await
                };
                let names = listed.await.map_err(|e| {
                    Box::new(failed(
                        name.clone(),
                        entry.target_registry.clone(),
                        reason(&e),
                    ))
                })?;
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
    pub(super) async fn images_of(
        &self,
        repo: Repo,
    ) -> Vec<std::result::Result<Image, Box<ImageResult>>> {
        let entry = &self.config.entries[repo.entry];
        let listed = match &entry.source {
            // One image: its repository's tags are listed only to find its referrers.
            Source::Image(_) if !entry.referrers => Ok(Vec::new()),
            _ => self.tags(&repo.src).await,
        };
        let tags = match listed {
            Ok(t) => t,
            Err(e) => {
                return vec![Err(Box::new(failed(
                    repo.src.name(),
                    repo.dst.name(),
                    reason(&e),
                )))];
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
                Err(e) => {
                    return vec![Err(Box::new(failed(
                        repo.src.name(),
                        repo.dst.name(),
                        reason(&e),
                    )))];
                }
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
