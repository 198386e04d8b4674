//! `ghcr-cli append`: adds a layer made from a directory or a tar file to an image, like
//! `crane append`: gzipped on every core, its diff ID added to the config's `rootfs` with a
//! history entry, and deterministic (the same input gives the same digest). Local by
//! default; `--remote` uploads the new layer and edits the image in its registry. The work is
//! `mutate`'s, with a layer.

use anyhow::Result;

use crate::cli::AppendArgs;
use crate::formats::layer::Times;
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::transfer::edit::ImageEdit;

use super::mutate::{LayerSource, apply};

pub async fn run(ctx: &Context, args: AppendArgs) -> Result<()> {
    if !args.layer.exists() {
        return Err(UserError::new(
            Exit::NotFound,
            format!("`{}` does not exist", args.layer.display()),
        )
        .hint("give --layer a directory or a tar file")
        .into());
    }
    let source = LayerSource {
        path: args.layer,
        times: Times {
            keep: args.keep_times,
            epoch: ctx.source_date_epoch,
        },
    };
    apply(ctx, &args.target, ImageEdit::default(), Some(source)).await
}
