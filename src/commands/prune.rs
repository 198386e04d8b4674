//! `ghcr-cli prune`: delete blobs no local name reaches.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, PruneArgs};
use crate::output::human_size;
use crate::settings::Context;

#[derive(Serialize)]
struct PruneJson {
    #[serde(rename = "blobsRemoved")]
    blobs_removed: usize,
    #[serde(rename = "bytesRemoved")]
    bytes_removed: u64,
}

pub fn run(ctx: &Context, args: PruneArgs) -> Result<()> {
    let store = ctx.store()?;
    // Nothing to prune in a store that is not there, and nothing to create for it.
    let stats = if store.exists() {
        store.gc()?
    } else {
        Default::default()
    };
    ctx.printer.status(format!(
        "deleted {} blobs ({})",
        stats.removed,
        human_size(stats.bytes)
    ));
    if args.format == Format::Json {
        ctx.printer.json(&PruneJson {
            blobs_removed: stats.removed,
            bytes_removed: stats.bytes,
        });
    }
    Ok(())
}
