//! `ghcr-cli digest`: the manifest digest of a remote image, from a `HEAD` when the registry
//! sends `Docker-Content-Digest`, else from the manifest itself; with `--platform`, the digest
//! of that platform's image in a multi-platform index.

use anyhow::{Context as _, Result};

use crate::cli::{DigestArgs, Format};
use crate::settings::Context;
use crate::transfer;

pub async fn run(ctx: &Context, args: DigestArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let digest = match args.platform.as_deref() {
        None => super::remote_digest(&registry, &reference).await,
        Some(p) => {
            let choice = super::platform_choice(Some(p), false)?;
            transfer::resolve_digest(&registry, &reference, &choice)
                .await
                .map(|(top, chosen)| chosen.map(|c| c.digest).unwrap_or(top))
                .map_err(Into::into)
        }
    }
    .with_context(|| format!("failed to get the digest of {reference}"))?;
    match args.format {
        Format::Json => ctx.printer.json(&serde_json::json!({
            "reference": format!("{}@{digest}", reference.with_digest(None)),
            "digest": digest.to_string(),
        })),
        Format::Text => ctx.printer.data(digest.to_string()),
    }
    Ok(())
}
