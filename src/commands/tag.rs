//! `ghcr-cli tag`: a new local name for a stored image, like `docker tag`.

use anyhow::Result;

use crate::cli::TagArgs;
use crate::output::{Exit, UserError};
use crate::settings::Context;

pub fn run(ctx: &Context, args: TagArgs) -> Result<()> {
    let target = ctx.reference(&args.target)?;
    if target.digest().is_some() {
        return Err(
            UserError::new(Exit::Usage, format!("cannot tag with a digest: `{target}`"))
                .hint("a digest names content; give the new name a tag instead")
                .into(),
        );
    }
    let store = ctx.store()?;
    let source = super::find_local(ctx, &store, &args.source)?;
    let name = target.to_string();
    store.set_tag(&name, &source.descriptor)?;
    ctx.printer.data(name);
    Ok(())
}
