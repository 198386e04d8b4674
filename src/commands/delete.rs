//! `ghcr-cli delete`: delete a manifest from its registry, by digest (a tag is resolved
//! first, so the tag's content is what goes). Registries that refuse (ghcr.io answers 405)
//! get a pointer to their own way of deleting.

use anyhow::Result;

use crate::cli::DeleteArgs;
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;

pub async fn run(ctx: &Context, args: DeleteArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let digest = super::remote_digest(&registry, &reference).await?;
    match registry
        .delete_manifest(reference.repository(), &digest)
        .await
    {
        Ok(()) => {
            let pinned = reference.with_digest(Some(digest));
            ctx.printer.status(format!("deleted {pinned}"));
            ctx.printer.data(pinned.to_string());
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
