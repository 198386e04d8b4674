//! What `packages prune` and `packages check` both start from: a ghcr.io package's versions
//! (GitHub's API) joined with what each version's manifest is (the registry, same token):
//! an index and its entries, an image and its subject, or missing.

use anyhow::Result;
use futures_util::StreamExt;

use crate::github::retention::{Facts, Node};
use crate::github::{Github, Owner};
use crate::oci::manifest::{self, Parsed};
use crate::oci::reference::Reference;
use crate::registry::{Registry, RegistryError};
use crate::settings::Context;

/// Manifests read at once: quick on a package of thousands, gentle on the registry.
const READS: usize = 8;
/// buildx's attestation layers are in-toto statements.
const IN_TOTO: &str = "application/vnd.in-toto+json";

/// A package and everything about it.
pub(super) struct Survey {
    pub api: Github,
    pub owner: Owner,
    pub package: String,
    pub reference: Reference,
    pub nodes: Vec<Node>,
}

pub(super) async fn survey(ctx: &Context, image: &str) -> Result<Survey> {
    let (api, owner, package, reference) = super::packages::package_of(ctx, image, false).await?;
    // An owner that is not an organization is another user (read only): remember which
    // answered, so that nothing is ever sent to the wrong path.
    let (owner, versions) = super::packages::versions(&api, &owner, &package).await?;
    let registry = ctx.registry(reference.registry())?;
    let repo = reference.repository().to_string();
    ctx.printer.status(format!(
        "reading {} manifests of {} from the registry",
        versions.len(),
        reference.name()
    ));
    let reads = futures_util::stream::iter(versions.into_iter().map(|v| {
        let (registry, repo) = (&registry, repo.as_str());
        async move {
            let facts = facts(registry, repo, &v.name).await;
            Node {
                id: v.id,
                tags: v.tags().to_vec(),
                digest: v.name,
                created_at: v.created_at,
                facts,
            }
        }
    }))
    .buffered(READS);
    let nodes: Vec<Node> = reads.collect().await;
    Ok(Survey {
        api,
        owner,
        package,
        reference,
        nodes,
    })
}

async fn facts(registry: &Registry, repo: &str, digest: &str) -> Facts {
    let fetched = match registry.get_manifest(repo, digest).await {
        Ok(m) => m,
        Err(RegistryError::NotFound { .. }) => return Facts::Missing,
        Err(e) => return Facts::Unread(crate::http::chain(&e)),
    };
    match manifest::parse(&fetched.bytes, Some(&fetched.media_type)) {
        Ok((_, Parsed::Index(index))) => Facts::Index {
            children: index
                .manifests
                .iter()
                .map(|d| (d.digest.to_string(), d.label()))
                .collect(),
            subject: index.subject.as_ref().map(|s| s.digest.to_string()),
        },
        Ok((_, Parsed::Image(image))) => Facts::Image {
            subject: image.subject.as_ref().map(|s| s.digest.to_string()),
            attestation: image.layers.iter().any(|l| l.media_type == IN_TOTO),
        },
        Err(e) => Facts::Unread(e.to_string()),
    }
}

/// The package's settings page, where visibility is changed and a package deleted whole.
pub(super) fn settings_url(s: &Survey) -> String {
    let owner_name = s
        .reference
        .repository()
        .split('/')
        .next()
        .unwrap_or_default();
    super::ghcr::settings_url(owner_name, &s.package, matches!(s.owner, Owner::Org(_)))
}

/// GitHub's refusal to delete a version, with its known way out.
pub(super) fn refusal_hint(message: &str, s: &Survey) -> String {
    let m = message.to_lowercase();
    if m.contains("5000") || m.contains("5,000") {
        format!(
            "GitHub does not delete a public version downloaded more than 5,000 times: ask GitHub Support (https://support.github.com) to delete it, or make the package private first ({}, Danger Zone; others report that a private package's versions then delete); it stays until then, and so do its platform images",
            settings_url(s)
        )
    } else if m.contains("last") && m.contains("version") {
        format!(
            "GitHub keeps a package's last tagged version: keep one (`--keep-tagged 1`), or delete the whole package at {} (Danger Zone)",
            settings_url(s)
        )
    } else {
        "see `ghcr-cli packages versions` for the version, or delete it by hand with `ghcr-cli packages delete`".into()
    }
}
