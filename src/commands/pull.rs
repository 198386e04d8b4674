//! `ghcr-cli pull`: registry to local store.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Format, PullArgs};
use crate::settings::Context;
use crate::transfer;

#[derive(Serialize)]
struct PullJson {
    /// `NAME@DIGEST`, pinned to what the tag points to.
    reference: String,
    /// What the tag points to: the index for a multi-platform image.
    digest: String,
    #[serde(rename = "mediaType")]
    media_type: String,
    /// The platform image taken from an index (none for a single-platform image).
    platform: Option<String>,
    #[serde(rename = "platformDigest")]
    platform_digest: Option<String>,
    #[serde(rename = "blobsDownloaded")]
    blobs_downloaded: usize,
    #[serde(rename = "bytesDownloaded")]
    bytes_downloaded: u64,
    #[serde(rename = "blobsPresent")]
    blobs_present: usize,
    /// With `--referrers`: the digests of the referrers pulled.
    #[serde(skip_serializing_if = "Option::is_none")]
    referrers: Option<Vec<String>>,
}

pub async fn run(ctx: &Context, args: PullArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let choice = super::platform_choice(args.platform.as_deref(), args.all_platforms)?;
    let store = ctx.store()?;
    let mirror = ctx.mirror(reference.registry());
    // The flags win over the config file's `ranges` and `ranges_threshold` for the registry.
    let (conf_ranges, conf_threshold) = ctx.ranges(reference.registry());
    let ranges = args
        .ranges
        .or(conf_ranges)
        .map(|connections| transfer::Ranges {
            connections,
            threshold: args
                .ranges_threshold
                .or(conf_threshold)
                .unwrap_or(transfer::Ranges::DEFAULT_THRESHOLD),
        });
    let pull_from = async |host: &str| -> Result<transfer::PullReport> {
        let registry = ctx.registry(host)?;
        Ok(transfer::pull(
            &registry,
            &store,
            &reference,
            &choice,
            ctx.jobs,
            ranges,
            ctx.progress(),
        )
        .await?)
    };
    let mut from_mirror = None;
    if let Some(mirror) = &mirror {
        match pull_from(mirror).await {
            Ok(report) => from_mirror = Some(report),
            Err(e) => ctx.printer.status(format!(
                "warning: the mirror {mirror} could not serve {reference} ({e}); pulling from {}",
                reference.registry()
            )),
        }
    }
    let report = match from_mirror {
        Some(report) => report,
        None => pull_from(reference.registry())
            .await
            .with_context(|| format!("failed to pull {reference}"))?,
    };
    let referrers = match args.referrers {
        // From the registry the image came from (a mirror may not have them).
        true => {
            let registry = ctx.registry(reference.registry())?;
            Some(
                super::referrers::pull_along(
                    ctx,
                    &registry,
                    &store,
                    &reference,
                    &report.descriptor.digest,
                )
                .await?,
            )
        }
        false => None,
    };
    let pinned = format!(
        "{}@{}",
        reference.with_digest(None),
        report.descriptor.digest
    );
    match args.format {
        Format::Json => ctx.printer.json(&PullJson {
            reference: pinned,
            digest: report.descriptor.digest.to_string(),
            media_type: report.descriptor.media_type.clone(),
            platform: report.platform_name(),
            platform_digest: report.platform.as_ref().map(|d| d.digest.to_string()),
            blobs_downloaded: report.blobs_downloaded,
            bytes_downloaded: report.bytes_downloaded,
            blobs_present: report.blobs_present,
            referrers,
        }),
        Format::Text => {
            let which = match report.platform_name() {
                Some(p) => format!(" ({p} of a multi-platform image)"),
                None => String::new(),
            };
            ctx.printer.status(format!(
                "pulled {}{which} ({} blobs downloaded, {} already here)",
                report.name, report.blobs_downloaded, report.blobs_present
            ));
            ctx.printer.data(pinned);
        }
    }
    Ok(())
}
