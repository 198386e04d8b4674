//! `ghcr-cli images`: the local store's names, digests and sizes.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, ImagesArgs};
use crate::manifest::Parsed;
use crate::output::human_size;
use crate::reference::Reference;
use crate::settings::Context;

#[derive(Serialize)]
struct ImageJson {
    name: String,
    repository: String,
    tag: Option<String>,
    digest: String,
    #[serde(rename = "mediaType")]
    media_type: String,
    size: u64,
    platforms: Vec<String>,
}

pub fn run(ctx: &Context, args: ImagesArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut rows = Vec::new();
    for e in store.entries()? {
        let parsed = Reference::parse_partial(&e.name, &Default::default()).ok();
        let platforms = match store.read_manifest(&e.descriptor) {
            Ok((_, Parsed::Index(i))) => i
                .manifests
                .iter()
                .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
                .collect(),
            _ => Vec::new(),
        };
        rows.push(ImageJson {
            repository: parsed
                .as_ref()
                .map(Reference::name)
                .unwrap_or_else(|| e.name.clone()),
            tag: parsed.as_ref().and_then(|r| r.tag().map(str::to_string)),
            size: store.image_size(&e.descriptor),
            digest: e.descriptor.digest.to_string(),
            media_type: e.descriptor.media_type.clone(),
            name: e.name,
            platforms,
        });
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    match args.format {
        Format::Json => ctx.printer.json(&rows),
        Format::Text if ctx.quiet => {
            for r in rows {
                ctx.printer.data(r.name);
            }
        }
        Format::Text => {
            let w = rows
                .iter()
                .map(|r| r.repository.len())
                .max()
                .unwrap_or(0)
                .max(10);
            let tw = rows
                .iter()
                .map(|r| r.tag.as_deref().unwrap_or("<none>").len())
                .max()
                .unwrap_or(0)
                .max(3);
            ctx.printer.data(format!(
                "{:w$}  {:tw$}  {:19}  {:>10}  PLATFORMS",
                "REPOSITORY", "TAG", "DIGEST", "SIZE"
            ));
            for r in rows {
                let short = r.digest.chars().take(19).collect::<String>();
                ctx.printer.data(
                    format!(
                        "{:w$}  {:tw$}  {:19}  {:>10}  {}",
                        r.repository,
                        r.tag.as_deref().unwrap_or("<none>"),
                        short,
                        human_size(r.size),
                        r.platforms.join(",")
                    )
                    .trim_end(),
                );
            }
        }
    }
    Ok(())
}
