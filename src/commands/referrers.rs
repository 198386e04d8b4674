//! `ghcr-cli referrers`: what refers to an image (SBOMs, signatures, attestations), from the
//! registry's referrers API or its tag schema; `--format tree` follows referrers of
//! referrers (a signature of an SBOM).

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{ReferrersArgs, ReferrersFormat};
use crate::oci::manifest::Descriptor;
use crate::settings::Context;
use crate::transfer::referrers::{self, TreeNode};

#[derive(Serialize)]
struct ListJson<'a> {
    subject: String,
    /// `api` or `tag-schema`: where the list came from.
    source: &'static str,
    referrers: &'a [Descriptor],
}

pub async fn run(ctx: &Context, args: ReferrersArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let subject = super::remote_digest(&registry, &reference)
        .await
        .with_context(|| format!("failed to resolve {reference}"))?;
    let repo = reference.repository();
    let filter = args.artifact_type.as_deref();
    let pinned = format!("{}@{subject}", reference.name());
    if args.format == ReferrersFormat::Tree {
        let (nodes, _) = referrers::tree(&registry, repo, &subject, filter)
            .await
            .with_context(|| format!("failed to list the referrers of {reference}"))?;
        ctx.printer.data(&pinned);
        draw(ctx, &nodes, "");
        return Ok(());
    }
    let listed = referrers::list(&registry, repo, &subject, filter)
        .await
        .with_context(|| format!("failed to list the referrers of {reference}"))?;
    match args.format {
        ReferrersFormat::Json => ctx.printer.json(&ListJson {
            subject: pinned,
            source: listed.schema.as_str(),
            referrers: &listed.manifests,
        }),
        _ => {
            if listed.manifests.is_empty() {
                ctx.printer.status(format!("nothing refers to {pinned}"));
            }
            for d in &listed.manifests {
                ctx.printer.data(line(d));
            }
        }
    }
    Ok(())
}

fn line(d: &Descriptor) -> String {
    format!(
        "{} {}",
        d.digest,
        d.artifact_type.as_deref().unwrap_or("(no artifact type)")
    )
}

/// Draws the tree with box-drawing branches, as `tree(1)` and `oras discover` do.
fn draw(ctx: &Context, nodes: &[TreeNode], prefix: &str) {
    for (i, n) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let (branch, more) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        ctx.printer
            .data(format!("{prefix}{branch}{}", line(&n.descriptor)));
        draw(ctx, &n.referrers, &format!("{prefix}{more}"));
    }
}

/// `copy --referrers`: the referrers of what was copied (the image and, for an index, each
/// child), and theirs, copied after it; returns their digests.
pub(super) async fn copy_along(
    ctx: &Context,
    src_registry: &crate::registry::Registry,
    src: &crate::oci::reference::Reference,
    dst_registry: &crate::registry::Registry,
    dst: &crate::oci::reference::Reference,
    digest: &crate::oci::digest::Digest,
    chunk_size: Option<u64>,
) -> Result<Vec<String>> {
    let subjects = referrers::subjects_of(src_registry, src.repository(), digest).await?;
    let copied = referrers::copy_referrers(
        src_registry,
        src,
        dst_registry,
        dst,
        &subjects,
        crate::transfer::Uploads {
            jobs: ctx.jobs,
            chunk_size,
        },
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to copy the referrers of {src} to {dst}"))?;
    for c in &copied {
        ctx.printer.status(format!(
            "copied referrer {} ({}), listed through the {}",
            c.descriptor.digest,
            c.descriptor
                .artifact_type
                .as_deref()
                .unwrap_or("no artifact type"),
            match c.schema {
                referrers::Schema::Api => "referrers API",
                referrers::Schema::Tags => "tag schema",
            }
        ));
    }
    Ok(copied
        .iter()
        .map(|c| c.descriptor.digest.to_string())
        .collect())
}

/// `pull --referrers`: the referrers of what was pulled, and theirs, into the store, kept
/// with their subject; returns their digests.
pub(super) async fn pull_along(
    ctx: &Context,
    registry: &crate::registry::Registry,
    store: &crate::store::Store,
    reference: &crate::oci::reference::Reference,
    digest: &crate::oci::digest::Digest,
) -> Result<Vec<String>> {
    let subjects = referrers::subjects_of(registry, reference.repository(), digest).await?;
    let pulled = referrers::pull_referrers(
        registry,
        store,
        reference,
        &subjects,
        ctx.jobs,
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to pull the referrers of {reference}"))?;
    for d in &pulled {
        ctx.printer.status(format!(
            "pulled referrer {} ({})",
            d.digest,
            d.artifact_type.as_deref().unwrap_or("no artifact type")
        ));
    }
    Ok(pulled.iter().map(|d| d.digest.to_string()).collect())
}
