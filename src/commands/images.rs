//! `ghcr-cli images`: the local store's names, digests and sizes.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, ImagesArgs};
use crate::oci::manifest::{self, Descriptor, Parsed};
use crate::oci::reference::Reference;
use crate::output::human_size;
use crate::settings::Context;
use crate::store::{Child, Store};

#[derive(Serialize)]
struct ImageJson {
    name: String,
    repository: String,
    tag: Option<String>,
    digest: String,
    #[serde(rename = "mediaType")]
    media_type: String,
    size: u64,
    /// The platforms whose images the store holds (from the config for a single-platform
    /// image).
    platforms: Vec<String>,
    /// The platforms a multi-platform index lists that the store does not hold (a pull takes
    /// one platform; `pull --all-platforms` or `pull --platform P` fill them in).
    #[serde(rename = "absentPlatforms")]
    absent_platforms: Vec<String>,
}

/// The platforms of a stored image: present and only referenced.
fn platforms(store: &Store, desc: &Descriptor) -> (Vec<String>, Vec<String>) {
    let (mut present, mut absent) = (Vec::new(), Vec::new());
    match store.read_manifest(desc) {
        Ok((_, Parsed::Index(i))) => {
            index_platforms(&store.children(&i), &mut present, &mut absent);
        }
        Ok((_, Parsed::Image(m))) => {
            if let Some(p) = store
                .read_blob(&m.config.digest, manifest::MAX_MANIFEST_BYTES)
                .ok()
                .and_then(|c| manifest::config_platform(&c))
            {
                present.push(p.to_string());
            }
        }
        Err(_) => {}
    }
    (present, absent)
}

/// An index's platforms, those of nested indexes included; attestations are no platform.
fn index_platforms(children: &[Child], present: &mut Vec<String>, absent: &mut Vec<String>) {
    for c in children.iter().filter(|c| !c.descriptor.is_attestation()) {
        if c.descriptor.is_index() {
            index_platforms(&c.children, present, absent);
        } else if c.present {
            present.push(c.descriptor.label());
        } else {
            absent.push(c.descriptor.label());
        }
    }
}

pub fn run(ctx: &Context, args: ImagesArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut rows = Vec::new();
    for e in store.entries()? {
        let parsed = Reference::parse_partial(&e.name, &Default::default()).ok();
        let (platforms, absent_platforms) = platforms(&store, &e.descriptor);
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
            absent_platforms,
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
                        platform_column(&r.platforms, &r.absent_platforms)
                    )
                    .trim_end(),
                );
            }
        }
    }
    Ok(())
}

/// `linux/amd64 (+1 not pulled: linux/arm64)`.
fn platform_column(present: &[String], absent: &[String]) -> String {
    let mut out = present.join(",");
    if !absent.is_empty() {
        out.push_str(&format!(
            " (+{} not pulled: {})",
            absent.len(),
            absent.join(",")
        ));
    }
    out
}
