//! `ghcr-cli copy`: registry to registry without the local store.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{CopyArgs, Format};
use crate::settings::Context;
use crate::transfer;

#[derive(Serialize)]
struct CopyJson {
    source: String,
    reference: String,
    digest: String,
    #[serde(rename = "mediaType")]
    media_type: String,
    #[serde(rename = "blobsCopied")]
    blobs_copied: usize,
    #[serde(rename = "blobsMounted")]
    blobs_mounted: usize,
    #[serde(rename = "blobsPresent")]
    blobs_present: usize,
    #[serde(rename = "bytesCopied")]
    bytes_copied: u64,
    /// The platform copied, when `--platform` narrowed an index to one image.
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<String>,
    /// With `--referrers`: the digests of the referrers copied.
    #[serde(skip_serializing_if = "Option::is_none")]
    referrers: Option<Vec<String>>,
}

pub async fn run(ctx: &Context, args: CopyArgs) -> Result<()> {
    let src = ctx.reference(&args.source)?;
    let dst = ctx.reference(&args.target)?;
    // A copy takes the whole image unless --platform narrows it.
    let choice = match super::platform_choice(args.platform.as_deref(), args.all_platforms)? {
        transfer::PlatformChoice::Host => transfer::PlatformChoice::All,
        other => other,
    };
    if let transfer::PlatformChoice::One(p) = &choice {
        ctx.printer.status(format!(
            "copying only the {p} image of {} (--platform)",
            args.source
        ));
    }
    let src_registry = ctx.registry(src.registry())?;
    // One client (one connection pool, one token cache) when both sides are one registry.
    let dst_registry = if src.registry() == dst.registry() {
        src_registry.clone()
    } else {
        ctx.registry(dst.registry())?
    };
    // A flag wins over config.toml's setting for the target registry, as for push.
    let chunk_size = args.chunk_size.or_else(|| ctx.chunk_size(dst.registry()));
    let uploads = transfer::Uploads {
        jobs: ctx.jobs,
        chunk_size,
    };
    let report = transfer::copy(
        &src_registry,
        &src,
        &dst_registry,
        &dst,
        &choice,
        uploads,
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to copy {src} to {dst}"))?;
    let referrers = match args.referrers {
        true => Some(
            super::referrers::copy_along(
                ctx,
                &src_registry,
                &src,
                &dst_registry,
                &dst,
                &report.digest,
                chunk_size,
            )
            .await?,
        ),
        false => None,
    };
    let pinned = format!("{}@{}", dst.with_digest(None), report.digest);
    match args.format {
        Format::Json => ctx.printer.json(&CopyJson {
            source: src.to_string(),
            reference: pinned,
            digest: report.digest.to_string(),
            media_type: report.media_type,
            blobs_copied: report.blobs_copied,
            blobs_mounted: report.blobs_mounted,
            blobs_present: report.blobs_present,
            bytes_copied: report.bytes_copied,
            platform: report.platform,
            referrers,
        }),
        Format::Text => {
            ctx.printer.status(format!(
                "copied {src} to {dst} ({} blobs copied, {} mounted, {} already there)",
                report.blobs_copied, report.blobs_mounted, report.blobs_present
            ));
            ctx.printer.data(pinned);
        }
    }
    Ok(())
}
