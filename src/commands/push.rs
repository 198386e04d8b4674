//! `ghcr-cli push`: local store to registry.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Format, PushArgs};
use crate::settings::Context;
use crate::transfer;

#[derive(Serialize)]
struct PushJson {
    reference: String,
    digest: String,
    #[serde(rename = "blobsUploaded")]
    blobs_uploaded: usize,
    #[serde(rename = "blobsMounted")]
    blobs_mounted: usize,
    #[serde(rename = "bytesUploaded")]
    bytes_uploaded: u64,
    #[serde(rename = "blobsPresent")]
    blobs_present: usize,
}

pub async fn run(ctx: &Context, args: PushArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let store = ctx.store()?;
    let local = super::find_reference(&store, &reference)?;
    let registry = ctx.registry(reference.registry())?;
    let report = transfer::push(
        &registry,
        &store,
        &reference,
        &local.descriptor,
        ctx.jobs,
        args.chunk_size.or_else(|| {
            ctx.config
                .registry(reference.registry())
                .and_then(|r| r.chunk_size)
        }),
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to push {reference}"))?;
    let pinned = format!("{}@{}", reference.with_digest(None), report.digest);
    match args.format {
        Format::Json => ctx.printer.json(&PushJson {
            reference: pinned,
            digest: report.digest.to_string(),
            blobs_uploaded: report.blobs_uploaded,
            blobs_mounted: report.blobs_mounted,
            bytes_uploaded: report.bytes_uploaded,
            blobs_present: report.blobs_present,
        }),
        Format::Text => {
            ctx.printer.status(format!(
                "pushed {} ({} blobs uploaded, {} mounted, {} already there)",
                reference, report.blobs_uploaded, report.blobs_mounted, report.blobs_present
            ));
            ctx.printer.data(pinned);
        }
    }
    Ok(())
}
