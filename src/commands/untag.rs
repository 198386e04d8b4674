//! `ghcr-cli untag`: remove one tag from a registry with OCI distribution 1.1's tag
//! deletion, keeping the manifest and every other tag on it. A registry without it refuses
//! and nothing is deleted; the error says so and why. A registry that deletes the manifest
//! instead of the tag would take the other tags along: they are checked afterwards and put
//! back from the manifest's bytes. ghcr.io has its own way (untag_ghcr.rs).

use anyhow::{Context as _, Result};

use crate::cli::UntagArgs;
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;

pub async fn run(ctx: &Context, args: UntagArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let tag = match (reference.tag(), reference.digest()) {
        (Some(t), None) => t.to_string(),
        _ => {
            return Err(
                UserError::new(Exit::Usage, format!("`{reference}` names no tag alone"))
                    .hint("untag takes IMAGE:TAG; to delete a manifest by digest, run `ghcr-cli delete IMAGE@DIGEST`")
                    .into(),
            );
        }
    };
    // ghcr.io (or a registry the config gives a GitHub API) deletes no tag alone.
    if ctx.github_api(reference.registry()).is_some() {
        return super::untag_ghcr::run(ctx, &reference, &tag).await;
    }
    let repo = reference.repository();
    let name = reference.name();
    let registry = ctx.registry(reference.registry())?;
    // The manifest stays; keep its bytes to put back any other tag a registry takes along.
    let manifest = registry.get_manifest(repo, &tag).await?;
    let digest = manifest.digest.clone();
    let siblings: Vec<String> = match registry.tags_pointing_at(repo, &digest).await {
        Ok(tags) => tags.into_iter().filter(|t| *t != tag).collect(),
        Err(e) => {
            ctx.printer.status(format!(
                "warning: cannot list the other tags on {digest}, so they cannot be checked afterwards: {e}"
            ));
            Vec::new()
        }
    };
    match registry.delete_tag(repo, &tag).await {
        Ok(()) => {}
        Err(RegistryError::Unsupported {
            registry: host,
            detail,
            ..
        }) => {
            return Err(UserError::new(
                Exit::Failure,
                format!(
                    "{host} cannot remove the tag `{tag}` alone: it does not implement OCI 1.1 tag deletion{detail}; nothing was deleted"
                ),
            )
            .hint(format!(
                "`ghcr-cli delete {reference}` deletes the manifest with every tag on it (`--dry-run` lists them)"
            ))
            .into());
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("failed to untag {reference}")));
        }
    }
    let mut restored = Vec::new();
    for t in &siblings {
        if registry.tag_digest(repo, t).await? != Some(digest.clone()) {
            registry
                .put_manifest(repo, t, &manifest.media_type, manifest.bytes.clone())
                .await
                .with_context(|| {
                    format!("{name} deleted the manifest along with `{tag}`, and putting back the tag `{t}` failed")
                })?;
            restored.push(t.as_str());
        }
    }
    if !restored.is_empty() {
        ctx.printer.status(format!(
            "warning: {} deleted the manifest, not just the tag; put back the tags {}",
            reference.registry(),
            restored.join(", ")
        ));
    }
    ctx.printer
        .status(format!("untagged {reference} ({digest} stays)"));
    ctx.printer.data(format!("{name}:{tag}@{digest}"));
    Ok(())
}
