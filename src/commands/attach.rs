//! `ghcr-cli attach`: files pushed as an artifact whose subject is an image (an SBOM, a
//! signature), listed through the referrers API or, where the registry has none (ghcr.io,
//! distribution 2.x), in the subject's `sha256-<digest>` tag-schema index.

use anyhow::{Context as _, Result};

use crate::cli::AttachArgs;
use crate::settings::Context;
use crate::transfer::artifact::{self, ArtifactRequest};

pub async fn run(ctx: &Context, args: AttachArgs) -> Result<()> {
    let subject_ref = ctx.reference(&args.subject)?;
    let subject = super::artifact::subject_descriptor(ctx, &subject_ref, &args.subject).await?;
    let registry = ctx.registry(subject_ref.registry())?;
    let request = ArtifactRequest {
        files: super::artifact::files(&args.files)?,
        artifact_type: args.artifact_type.clone(),
        annotations: super::artifact::annotations(&args.annotations)?,
        subject: Some(subject.clone()),
    };
    let pushed = artifact::push_artifact(
        &registry,
        subject_ref.repository(),
        None,
        &request,
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to attach to {subject_ref}"))?;
    super::artifact::report(
        ctx,
        &subject_ref,
        &args.artifact_type,
        Some(&subject),
        &pushed,
        args.format,
    );
    Ok(())
}
