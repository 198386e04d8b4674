//! `ghcr-cli delete`: delete a manifest from its registry, by digest (a tag is resolved
//! first, so the tag's content is what goes). A manifest delete takes every tag on it, so the
//! tags that point at it are found first and named: on a terminal the user is asked, and
//! without one the delete is refused (exit 2) when tags besides the one named would go,
//! unless `--yes`. `--dry-run` only says what would go. Registries that refuse deletes
//! (ghcr.io answers 405) get a pointer to their own way.

use std::io::IsTerminal;

use anyhow::Result;

use crate::cli::{DeleteArgs, Format};
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;

pub async fn run(ctx: &Context, args: DeleteArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let digest = super::remote_digest(&registry, &reference).await?;
    let name = reference.name();
    let pinned = format!("{name}@{digest}");
    let tags = match registry
        .tags_pointing_at(reference.repository(), &digest)
        .await
    {
        Ok(tags) => Some(tags),
        Err(e) if args.yes => {
            ctx.printer.status(format!(
                "warning: cannot list the tags of {name} to name what goes with it: {e}"
            ));
            None
        }
        Err(e) => {
            return Err(UserError::new(
                Exit::Failure,
                format!("cannot tell which tags of {name} point at {digest}, so nothing was deleted: {e}"),
            )
            .hint(format!(
                "deleting it removes every tag on it; to do that anyway, run `ghcr-cli delete {reference} --yes`"
            ))
            .into());
        }
    };
    let tags = tags.unwrap_or_default();
    // What the user did not name: for `IMAGE@DIGEST`, every tag.
    let named = reference.tag().filter(|_| reference.digest().is_none());
    let others: Vec<&str> = tags
        .iter()
        .map(String::as_str)
        .filter(|t| Some(*t) != named)
        .collect();
    let what = if tags.is_empty() {
        pinned.clone()
    } else {
        format!("{pinned} with its tags {}", tags.join(", "))
    };
    // One line per tag that goes (`NAME:TAG@DIGEST`), or the digest alone when untagged.
    let gone: Vec<String> = if tags.is_empty() {
        vec![pinned.clone()]
    } else {
        tags.iter()
            .map(|t| format!("{name}:{t}@{digest}"))
            .collect()
    };

    if args.dry_run {
        ctx.printer.status(format!(
            "would delete {what}; nothing was changed (dry run)"
        ));
        print_gone(ctx, args.format, &digest, &gone, true);
        return Ok(());
    }
    if !others.is_empty() && !args.yes {
        let also = others.join(", ");
        if std::io::stdin().is_terminal() {
            super::confirm(
                ctx,
                &format!("delete {pinned}? It also removes the tags {also}. [y/N] "),
                "delete",
            )?;
        } else {
            return Err(refusal(&reference, &also).into());
        }
    }

    match registry
        .delete_manifest(reference.repository(), &digest)
        .await
    {
        Ok(()) => {
            ctx.printer.status(format!("deleted {what}"));
            print_gone(ctx, args.format, &digest, &gone, false);
            Ok(())
        }
        Err(RegistryError::Unsupported { registry: host, .. }) => {
            let mut e = UserError::new(
                Exit::Failure,
                format!(
                    "{host} does not allow deleting manifests through the registry API (405 UNSUPPORTED)"
                ),
            );
            e = if ctx.github_api(&host).is_some() {
                e.hint(format!(
                    "on {host}, delete the package version through GitHub instead: `ghcr-cli packages delete {reference}`"
                ))
            } else {
                e.hint("the registry's own UI or API deletes images; for CNCF distribution, enable `storage.delete.enabled`")
            };
            Err(e.into())
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("failed to delete {reference}"))),
    }
}

/// Without a terminal to ask on, a delete that would take tags the user did not name.
fn refusal(reference: &Reference, also: &str) -> UserError {
    let subject = if reference.digest().is_some() {
        format!("the manifest is tagged {also}")
    } else {
        format!("the same manifest is also tagged {also}")
    };
    let mut e = UserError::new(
        Exit::Usage,
        format!(
            "refusing to delete {reference}: {subject}, and deleting it removes every tag on it"
        ),
    );
    if reference.digest().is_none() {
        e = e.hint(format!(
            "to remove only this tag, run `ghcr-cli untag {reference}` (registries with OCI 1.1 tag deletion)"
        ));
    }
    e.hint(format!(
        "to delete it with all its tags, run `ghcr-cli delete {reference} --yes`; `--dry-run` lists what would go"
    ))
}

/// What a delete takes (or, in a dry run, would take): one `NAME:TAG@DIGEST` line per tag, or
/// JSON.
fn print_gone(
    ctx: &Context,
    format: Format,
    digest: &crate::oci::digest::Digest,
    gone: &[String],
    dry_run: bool,
) {
    match format {
        Format::Json => ctx.printer.json(&serde_json::json!({
            "digest": digest.to_string(),
            "references": gone,
            "dryRun": dry_run,
        })),
        Format::Text => {
            for line in gone {
                ctx.printer.data(line);
            }
        }
    }
}
