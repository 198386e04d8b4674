//! `ghcr-cli digest`: the manifest digest of a remote image, from a `HEAD` when the registry
//! sends `Docker-Content-Digest`, else from the manifest itself.

use anyhow::{Context as _, Result};

use crate::cli::DigestArgs;
use crate::settings::Context;

pub async fn run(ctx: &Context, args: DigestArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let digest = super::remote_digest(&registry, &reference)
        .await
        .with_context(|| format!("failed to get the digest of {reference}"))?;
    ctx.printer.data(digest.to_string());
    Ok(())
}
