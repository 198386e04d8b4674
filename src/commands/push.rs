//! `ghcr-cli push`: local store to registry.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Format, PushArgs};
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;
use crate::transfer::{self, TransferError};

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
    let platform = super::parse_platform(args.platform.as_deref())?;
    let store = ctx.store()?;
    let local = super::find_reference(&store, &reference)?;
    let registry = ctx.registry(reference.registry())?;
    if let Some(p) = &platform {
        ctx.printer.status(format!(
            "pushing only the {p} image of {reference}, as a single-platform image (--platform)"
        ));
    }
    let connect = |host: &str| {
        ctx.registry(host).map_err(|e| RegistryError::Protocol {
            what: host.to_string(),
            reason: format!("{e:#}"),
        })
    };
    let request = transfer::PushRequest {
        target: &reference,
        local: &local.descriptor,
        platform: platform.as_ref(),
        jobs: ctx.jobs,
        chunk_size: args
            .chunk_size
            .or_else(|| ctx.chunk_size(reference.registry())),
    };
    let report = transfer::push(&registry, &store, &request, &connect, ctx.progress())
        .await
        .map_err(|e| explain(e, &reference))
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
            let children = match (report.children_fetched, report.children_present) {
                (0, 0) => String::new(),
                (f, p) => format!(
                    "; of the platforms not in the store, {f} copied from their source, {p} already there"
                ),
            };
            ctx.printer.status(format!(
                "pushed {} ({} blobs uploaded, {} mounted, {} already there{children})",
                reference, report.blobs_uploaded, report.blobs_mounted, report.blobs_present
            ));
            ctx.printer.data(pinned);
        }
    }
    Ok(())
}

/// A push that would shrink the image becomes one line with the two ways forward.
fn explain(e: TransferError, reference: &crate::oci::reference::Reference) -> anyhow::Error {
    match e {
        TransferError::ChildrenUnavailable {
            reference: name,
            missing,
            present,
        } => {
            let mut err = UserError::new(
                Exit::Failure,
                format!(
                    "{name} is a multi-platform image, and these platforms are neither in the local store nor fetchable: {missing}"
                ),
            );
            if let Some(p) = present.first() {
                err = err.hint(format!(
                    "push only what is here, as a single-platform image: `ghcr-cli push --platform {p} {reference}`"
                ));
            }
            err.hint("or fetch every platform first: `ghcr-cli pull --all-platforms SOURCE`, then push again")
                .into()
        }
        other => other.into(),
    }
}
