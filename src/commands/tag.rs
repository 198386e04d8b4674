//! `ghcr-cli tag`: a new local name for a stored image, like `docker tag`; with `--remote`, a
//! new tag in the registry, like `crane tag`: the manifest's exact bytes are put under the
//! new tag in the same repository, and no blob moves.

use anyhow::{Context as _, Result};

use crate::cli::TagArgs;
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::settings::Context;

pub async fn run(ctx: &Context, args: TagArgs) -> Result<()> {
    if args.remote {
        return remote(ctx, &args).await;
    }
    let target = ctx.reference(&args.target)?;
    if target.digest().is_some() {
        return Err(no_digest(&target).into());
    }
    // Opened to read: a store that is not there has nothing to tag, and is not created.
    let store = ctx.store()?;
    let source = super::find_local(ctx, &store, &args.source)?;
    let name = target.to_string();
    store.set_tag(&name, &source.descriptor)?;
    ctx.printer.data(name);
    Ok(())
}

fn no_digest(target: &Reference) -> UserError {
    UserError::new(Exit::Usage, format!("cannot tag with a digest: `{target}`"))
        .hint("a digest names content; give the new name a tag instead")
}

async fn remote(ctx: &Context, args: &TagArgs) -> Result<()> {
    let source = ctx.reference(&args.source)?;
    let target = remote_target(ctx, &source, &args.target)?;
    let Some(tag) = target.tag() else {
        return Err(no_digest(&target).into());
    };
    let registry = ctx.registry(source.registry())?;
    let manifest = registry
        .get_manifest(source.repository(), &source.api_reference())
        .await?;
    let digest = registry
        .put_manifest(
            target.repository(),
            tag,
            &manifest.media_type,
            manifest.bytes,
        )
        .await
        .with_context(|| format!("failed to tag {source} as {target}"))?;
    ctx.printer
        .status(format!("tagged {source} as {target} in the registry"));
    ctx.printer.data(format!("{target}@{digest}"));
    Ok(())
}

/// The new tag: a bare tag (`latest`, `:latest`) in the source's repository, or a full name
/// that must be in that same repository (a tag cannot point across repositories).
pub(super) fn remote_target(ctx: &Context, source: &Reference, input: &str) -> Result<Reference> {
    let bare = input.strip_prefix(':').unwrap_or(input);
    let target = if !bare.contains(['/', ':', '@']) {
        ctx.reference(&format!("{}:{bare}", source.name()))?
    } else {
        ctx.reference(input)?
    };
    if target.digest().is_some() {
        return Err(no_digest(&target).into());
    }
    if target.name() != source.name() {
        return Err(UserError::new(
            Exit::Usage,
            format!(
                "`{target}` is in another repository than `{source}`: a remote tag stays in its repository"
            ),
        )
        .hint(format!("to copy the image there, run `ghcr-cli copy {source} {target}`"))
        .into());
    }
    Ok(target)
}
