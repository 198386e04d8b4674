//! `ghcr-cli load`: images from an OCI image layout directory or an oci-archive tar
//! (plain or gzip) into the store, each printed with its fully qualified name.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::archive;
use crate::cli::LoadArgs;
use crate::layout::{self, LayoutImage};
use crate::output::{Exit, UserError};
use crate::reference::Reference;
use crate::settings::Context;

pub fn run(ctx: &Context, args: LoadArgs) -> Result<()> {
    let store = ctx.store()?;
    let _guard = store.use_guard()?;
    let input = &args.input;
    let meta = std::fs::metadata(input).map_err(|e| {
        UserError::new(
            Exit::Usage,
            format!("cannot read `{}`: {e}", input.display()),
        )
    })?;
    let images = if meta.is_dir() {
        layout::import(&store, input, false)
    } else {
        let tmp = tempfile::Builder::new()
            .prefix("load-")
            .tempdir_in(store.root().join("ingest"))
            .context("cannot create a temporary directory in the store")?;
        let file = std::fs::File::open(input)
            .with_context(|| format!("cannot open `{}`", input.display()))?;
        let reader = archive::maybe_gunzip(file)
            .with_context(|| format!("cannot read `{}`", input.display()))?;
        archive::extract(reader, tmp.path()).map_err(|e| bad_input(input, e.into()))?;
        layout::import(&store, tmp.path(), true)
    }
    .map_err(|e| bad_input(input, e.into()))?;
    if images.is_empty() {
        return Err(UserError::new(
            Exit::Usage,
            format!("`{}` holds no images", input.display()),
        )
        .into());
    }
    for image in images {
        let name = name_for(ctx, &image, args.name.as_deref(), input)?;
        store.set_tag(&name, &image.descriptor)?;
        ctx.printer.data(&name);
    }
    Ok(())
}

/// Everything wrong with the input itself is a usage error (exit 2).
fn bad_input(path: &Path, err: anyhow::Error) -> anyhow::Error {
    let msg = format!("cannot load `{}`: {err}", path.display());
    let mut e = UserError::new(Exit::Usage, msg);
    for cause in err.chain().skip(1) {
        e.message.push_str(&format!(": {cause}"));
    }
    e.into()
}

/// The fully qualified name for a loaded image: its `ref.name` when that is a full name,
/// `--name` plus its `ref.name` when that is only a tag.
fn name_for(
    ctx: &Context,
    image: &LayoutImage,
    repo: Option<&str>,
    input: &Path,
) -> Result<String> {
    let digest = &image.descriptor.digest;
    match (image.ref_name.as_deref(), repo) {
        (Some(r), None) if r.contains('/') => Ok(ctx.reference(r)?.to_string()),
        (Some(tag), Some(repo)) if !tag.contains('/') && !tag.contains(':') => {
            Ok(ctx.reference(&format!("{repo}:{tag}"))?.to_string())
        }
        (Some(r), Some(_)) => Ok(ctx.reference(r)?.to_string()),
        (None, Some(repo)) => {
            let r = Reference::parse_repository(repo, &ctx.defaults)?;
            Ok(r.with_digest(Some(digest.clone())).to_string())
        }
        (tag, None) => Err(UserError::new(
            Exit::Usage,
            format!(
                "`{}` names image {digest} only {}, not with a repository",
                input.display(),
                tag.map(|t| format!("by the tag `{t}`"))
                    .unwrap_or_else(|| "by digest".into())
            ),
        )
        .hint(format!(
            "say which repository it is: `ghcr-cli load -i {} --name ghcr.io/OWNER/IMAGE`",
            input.display()
        ))
        .into()),
    }
}
