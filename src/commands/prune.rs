//! `ghcr-cli prune`: delete blobs no local name reaches.

use anyhow::Result;

use crate::output::human_size;
use crate::settings::Context;

pub fn run(ctx: &Context) -> Result<()> {
    let store = ctx.store()?;
    let stats = store.gc()?;
    ctx.printer.status(format!(
        "deleted {} blobs ({})",
        stats.removed,
        human_size(stats.bytes)
    ));
    Ok(())
}
