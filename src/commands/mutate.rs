//! `ghcr-cli mutate`: edits an image's config (labels, env, entrypoint, cmd, user, workdir,
//! created time, platform) and its manifests' annotations, like `crane mutate` and `regctl
//! image mod`, in the local store or (`--remote`) directly in its registry, where only the new
//! config and manifests are uploaded. The edit itself is `transfer::edit`; this file turns the
//! flags into it and names the result, which `append` shares.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use crate::cli::{EditTarget, Format, MutateArgs};
use crate::formats::layer::{self, Times};
use crate::oci::artifact::rfc3339;
use crate::oci::digest::Digest;
use crate::oci::edit::{AddedLayer, ConfigEdit};
use crate::oci::manifest::{Descriptor, OCI_LAYER_GZIP, Platform};
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::transfer::edit::{Edited, ImageEdit, Place, edit_image};

pub async fn run(ctx: &Context, args: MutateArgs) -> Result<()> {
    let mut labels: Vec<(String, Option<String>)> = pairs(&args.label, "--label")?
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
    labels.extend(args.remove_label.iter().map(|k| (k.clone(), None)));
    let mut annotations: Vec<(String, Option<String>)> = pairs(&args.annotation, "--annotation")?
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
    annotations.extend(args.remove_annotation.iter().map(|k| (k.clone(), None)));
    let index_annotations = pairs(&args.index_annotation, "--index-annotation")?
        .into_iter()
        .map(|(k, v)| (k, Some(v)))
        .collect();
    let config = ConfigEdit {
        labels,
        env: pairs(&args.env, "--env")?,
        entrypoint: args.entrypoint.as_deref().map(words).transpose()?,
        cmd: args.cmd.as_deref().map(words).transpose()?,
        user: args.user,
        workdir: args.workdir,
        created: args.created.as_deref().map(created).transpose()?,
        platform: args
            .set_platform
            .as_deref()
            .map(Platform::parse)
            .transpose()
            .map_err(|e| UserError::new(Exit::Usage, e))?,
    };
    let edit = ImageEdit {
        config,
        annotations,
        index_annotations,
        ..ImageEdit::default()
    };
    if edit.config.is_empty() && edit.annotations.is_empty() && edit.index_annotations.is_empty() {
        return Err(UserError::new(Exit::Usage, "nothing to change")
            .hint("name a change, such as `--label KEY=VALUE` (see `ghcr-cli mutate --help`)")
            .into());
    }
    apply(ctx, &args.target, edit, None).await
}

/// `KEY=VALUE` flags as pairs.
fn pairs(values: &[String], flag: &str) -> Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|v| match v.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(
                UserError::new(Exit::Usage, format!("{flag} takes KEY=VALUE, not `{v}`")).into(),
            ),
        })
        .collect()
}

/// `--entrypoint`/`--cmd`: a JSON array of strings, one word, or `""` (none).
fn words(value: &str) -> Result<Vec<String>> {
    if value.trim_start().starts_with('[') {
        return serde_json::from_str(value).map_err(|e| {
            UserError::new(
                Exit::Usage,
                format!("`{value}` is not a JSON array of strings: {e}"),
            )
            .into()
        });
    }
    Ok(if value.is_empty() {
        Vec::new()
    } else {
        vec![value.to_string()]
    })
}

/// `--created`: RFC 3339 as given, or seconds since 1970 written as RFC 3339.
fn created(value: &str) -> Result<String> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = value
            .parse()
            .map_err(|_| UserError::new(Exit::Usage, format!("`{value}` is too large")))?;
        return Ok(rfc3339(secs));
    }
    let b = value.as_bytes();
    let shaped = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't')
        && b[13] == b':'
        && b[16] == b':'
        && (value.ends_with(['Z', 'z']) || b[b.len() - 6] == b'+' || b[b.len() - 6] == b'-');
    if !shaped {
        return Err(UserError::new(
            Exit::Usage,
            format!("`{value}` is not a time: give RFC 3339 (2026-01-01T00:00:00Z) or seconds since 1970"),
        )
        .into());
    }
    Ok(value.to_string())
}

/// A layer to build and add (`append`).
pub(super) struct LayerSource {
    pub path: PathBuf,
    pub times: Times,
}

/// Applies `edit` to the image `target` names, in the store or the registry, names the
/// result and reports it.
pub(super) async fn apply(
    ctx: &Context,
    target: &EditTarget,
    mut edit: ImageEdit,
    layer: Option<LayerSource>,
) -> Result<()> {
    edit.platform = super::parse_platform(target.platform.as_deref())?;
    if target.remote {
        return remote(ctx, target, edit, layer).await;
    }
    let new_name = match &target.tag {
        Some(t) => {
            let r = ctx.reference(t)?;
            if r.digest().is_some() {
                return Err(no_digest(t).into());
            }
            Some(r.to_string())
        }
        None => None,
    };
    let store = ctx.store()?;
    let _guard = store.use_guard()?;
    let found = super::find_local(ctx, &store, &target.reference)?;
    let moved = new_name.is_none();
    let name = new_name.or_else(|| found.name.clone()).ok_or_else(|| {
        UserError::new(
            Exit::Usage,
            format!(
                "`{}` names the image by digest: the result needs a name",
                target.reference
            ),
        )
        .hint("name it with `-t NAME`")
    })?;
    let (bytes, _) = store.read_manifest(&found.descriptor)?;
    let place = Place::Store(&store);
    if let Some(source) = layer {
        let work = tempfile::Builder::new()
            .prefix("append-")
            .tempdir_in(store.ingest_dir())
            .context("cannot create a work directory in the local store")?;
        edit.layer = Some(add_layer(ctx, &place, &source, work.path()).await?);
    }
    let edited = edit_image(&place, &found.descriptor, &bytes, &edit, None).await?;
    store.set_tag(&name, &edited.descriptor)?;
    if moved && edited.descriptor.digest != found.descriptor.digest {
        ctx.printer.status(format!(
            "moved `{name}` from {} to {}; the old image stays in the store until `ghcr-cli prune`",
            found.descriptor.digest.short(),
            edited.descriptor.digest.short()
        ));
    }
    report(ctx, target.format, &name, &found.descriptor.digest, &edited);
    Ok(())
}

fn no_digest(input: &str) -> UserError {
    UserError::new(
        Exit::Usage,
        format!("cannot name the result with a digest: `{input}`"),
    )
    .hint("a digest names content; give -t a tag instead")
}

async fn remote(
    ctx: &Context,
    target: &EditTarget,
    mut edit: ImageEdit,
    layer: Option<LayerSource>,
) -> Result<()> {
    let source = ctx.reference(&target.reference)?;
    let dest = match &target.tag {
        Some(t) => super::tag::remote_target(ctx, &source, t)?,
        None => source.with_digest(None),
    };
    let Some(tag) = dest.tag() else {
        return Err(UserError::new(
            Exit::Usage,
            format!("`{source}` has no tag to move to the edited image"),
        )
        .hint("name the result with `-t TAG`")
        .into());
    };
    let registry = ctx.registry(source.registry())?;
    let repo = source.repository();
    let fetched = registry.get_manifest(repo, &source.api_reference()).await?;
    let top = Descriptor::new(
        &fetched.media_type,
        fetched.digest.clone(),
        fetched.bytes.len() as u64,
    );
    let place = Place::Registry {
        registry: &registry,
        repo,
    };
    if let Some(source) = layer {
        let work = tempfile::tempdir().context("cannot create a work directory")?;
        edit.layer = Some(add_layer(ctx, &place, &source, work.path()).await?);
    }
    let edited = edit_image(&place, &top, &fetched.bytes, &edit, Some(tag))
        .await
        .with_context(|| format!("failed to edit {source} in the registry"))?;
    report(
        ctx,
        target.format,
        &dest.to_string(),
        &fetched.digest,
        &edited,
    );
    Ok(())
}

/// Builds the layer in `work` and puts it where the image is.
async fn add_layer(
    ctx: &Context,
    place: &Place<'_>,
    source: &LayerSource,
    work: &std::path::Path,
) -> Result<AddedLayer> {
    let built = if source.path.is_dir() {
        layer::from_dir(&source.path, work, source.times)?
    } else {
        layer::from_tar(&source.path, work)?
    };
    ctx.printer.status(format!(
        "layer {} ({}), diff ID {}",
        built.digest.short(),
        crate::output::human_size(built.size),
        built.diff_id.short()
    ));
    place
        .put_file(&built.path, &built.digest, built.size)
        .await?;
    let mut history = serde_json::json!({"created_by": "ghcr-cli append"});
    if let Some(epoch) = ctx.source_date_epoch {
        history["created"] = rfc3339(epoch).into();
    }
    Ok(AddedLayer {
        descriptor: Descriptor::new(OCI_LAYER_GZIP, built.digest, built.size),
        diff_id: built.diff_id,
        history,
    })
}

fn report(ctx: &Context, format: Format, name: &str, before: &Digest, edited: &Edited) {
    for r in &edited.replaced {
        ctx.printer
            .status(format!("edited {} -> {}", r.old.short(), r.new.short()));
    }
    if !edited.absent.is_empty() {
        ctx.printer.status(format!(
            "note: not edited, as the local store lacks them: {} (pull them first with `ghcr-cli pull --all-platforms`)",
            edited.absent.join(", ")
        ));
    }
    let digest = &edited.descriptor.digest;
    match format {
        Format::Text => ctx.printer.data(format!("{name}@{digest}")),
        Format::Json => ctx.printer.json(&serde_json::json!({
            "name": name,
            "digest": digest.to_string(),
            "previous": before.to_string(),
            "edited": edited.replaced.iter().map(|r| serde_json::json!({
                "from": r.old.to_string(), "to": r.new.to_string()})).collect::<Vec<_>>(),
            "absent": edited.absent,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_takes_rfc3339_or_seconds() {
        assert_eq!(created("0").expect("secs"), "1970-01-01T00:00:00Z");
        assert!(created("2026-01-01T00:00:00Z").is_ok());
        assert!(created("2026-01-01T00:00:00+02:00").is_ok());
        assert!(created("yesterday").is_err());
    }
}
