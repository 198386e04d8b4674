//! `ghcr-cli tags`: list a repository's tags, following pagination.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Format, TagsArgs};
use crate::oci::reference::Reference;
use crate::settings::Context;

#[derive(Serialize)]
struct TagsJson {
    repository: String,
    tags: Vec<String>,
}

pub async fn run(ctx: &Context, args: TagsArgs) -> Result<()> {
    let repo = Reference::parse_repository(&args.repository, &ctx.defaults)?;
    let registry = ctx.registry(repo.registry())?;
    let tags = registry
        .list_tags(
            repo.repository(),
            args.page_size.or(args.limit),
            args.last.as_deref(),
            args.limit,
        )
        .await
        .with_context(|| format!("failed to list the tags of {}", repo.name()))?;
    match args.format {
        Format::Json => ctx.printer.json(&TagsJson {
            repository: repo.name(),
            tags,
        }),
        Format::Text => {
            for t in tags {
                ctx.printer.data(t);
            }
        }
    }
    Ok(())
}
