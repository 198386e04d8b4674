//! `ghcr-cli prune`: delete blobs no local name reaches.

use anyhow::Result;

use crate::output::human_size;
use crate::settings::Context;

pub fn run(ctx: &Context) -> Result<()> {
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
    Ok(())
}
