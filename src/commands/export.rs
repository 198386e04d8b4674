//! `ghcr-cli export`: an image's merged filesystem as one tar, like `docker export` and
//! `crane export`: whiteouts applied, escaping entries refused (`formats::flatten`), streamed
//! layer by layer, from the local store or (`--remote`) straight from the registry. To stdout (never a terminal) or to a path, which is written beside itself
//! and renamed into place only when the whole tar is written (see `fsutil`), so a failed
//! export leaves nothing there.

use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::ExportArgs;
use crate::formats::flatten::{Opener, flatten, open_file};
use crate::fsutil::OutputFile;
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, Parsed, Platform, Selected};
use crate::output::{Exit, OutputWriter, UserError};
use crate::settings::Context;
use crate::store::Store;
use crate::transfer::blob_reader::BlobReader;

pub async fn run(ctx: &Context, args: ExportArgs) -> Result<()> {
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    if to_stdout && crate::output::stdout_is_terminal() {
        return Err(
            UserError::new(Exit::Usage, "refusing to write a tar to a terminal")
                .hint("redirect it (`ghcr-cli export IMAGE > rootfs.tar`), pipe it (`| tar t`) or use -o FILE")
                .into(),
        );
    }
    let want = super::parse_platform(args.platform.as_deref())?;
    if args.remote {
        return remote(ctx, &args, want.as_ref()).await;
    }
    let store = ctx.store()?;
    let _guard = if store.exists() {
        Some(store.use_guard()?)
    } else {
        None
    };
    let found = super::find_local(ctx, &store, &args.reference)?;
    let image = image_of(&store, &args.reference, &found.descriptor, want.as_ref())?;
    let (_, parsed) = store.read_manifest(&image)?;
    let Parsed::Image(m) = parsed else {
        return Err(anyhow::anyhow!("manifest {} is not an image", image.digest));
    };
    let mut layers = Vec::new();
    for l in &m.layers {
        if !store.has_blob(&l.digest, Some(l.size)) {
            return Err(UserError::new(
                Exit::NotFound,
                format!(
                    "layer {} of `{}` is not in the local store",
                    l.digest, args.reference
                ),
            )
            .hint(format!(
                "pull the image again: `ghcr-cli pull {}`, or export it with --remote",
                args.reference
            ))
            .into());
        }
        layers.push(l.digest.clone());
    }
    let mut open = |d: &Digest| open_file(store.blob_path(d));
    write(ctx, &args, &layers, &mut open)
}

/// `export --remote`: the manifest (the platform's, in an index) and the layers come from the
/// registry; each layer streams through the tar reader and is checked against its digest.
async fn remote(ctx: &Context, args: &ExportArgs, want: Option<&Platform>) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let repo = reference.repository();
    let host = Platform::host();
    let wanted = want.unwrap_or(&host);
    let mut fetched = registry
        .get_manifest(repo, &reference.api_reference())
        .await?;
    // An index in an index is allowed (OCI), but not without end.
    let mut depth = 0;
    let image = loop {
        let (_, parsed) = manifest::parse(&fetched.bytes, Some(&fetched.media_type))?;
        match parsed {
            Parsed::Image(m) => break m,
            Parsed::Index(index) if depth < 4 => {
                depth += 1;
                let next = match index.select(wanted) {
                    Selected::Image(d) => d.digest.clone(),
                    Selected::Nested(n) if !n.is_empty() => n[0].digest.clone(),
                    Selected::Nested(_) => {
                        return Err(UserError::new(
                            Exit::NotFound,
                            format!(
                                "`{reference}` has no {wanted} image (it has: {})",
                                index.platforms().join(", ")
                            ),
                        )
                        .hint("choose one with --platform")
                        .into());
                    }
                };
                fetched = registry.get_manifest(repo, &next.to_string()).await?;
            }
            Parsed::Index(_) => {
                return Err(anyhow::anyhow!("`{reference}` nests indexes too deeply"));
            }
        }
    };
    let layers: Vec<Digest> = image.layers.iter().map(|l| l.digest.clone()).collect();
    // A missing or forbidden layer fails here, with its own exit code, before any output.
    for d in &layers {
        if registry.blob_exists(repo, d).await?.is_none() {
            return Err(UserError::new(
                Exit::NotFound,
                format!("layer {d} of `{reference}` is not in the registry"),
            )
            .into());
        }
    }
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        let mut open = |d: &Digest| -> std::io::Result<Box<dyn std::io::Read>> {
            BlobReader::open(handle.clone(), &registry, repo, d)
                .map(|r| Box::new(r) as Box<dyn std::io::Read>)
                .map_err(std::io::Error::other)
        };
        write(ctx, args, &layers, &mut open)
    })
}

/// Writes the merged tar of `layers` to `-o` or stdout.
fn write(ctx: &Context, args: &ExportArgs, layers: &[Digest], open: &mut Opener<'_>) -> Result<()> {
    let to_stdout = args.output.as_deref().is_none_or(|p| p == Path::new("-"));
    let report = match args.output.as_deref().filter(|_| !to_stdout) {
        None => flatten(
            layers,
            open,
            BufWriter::with_capacity(1 << 20, crate::output::stdout_writer()),
        )?,
        Some(path) => {
            let shown = format!("`{}`", path.display());
            let out = OutputFile::create(path)
                .map_err(|e| crate::output::OutputError::new(shown.clone(), &e))?;
            let mut out = OutputWriter::new(out, shown);
            let report = flatten(layers, open, BufWriter::with_capacity(1 << 20, &mut out))?;
            out.into_inner()
                .commit()
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            report
        }
    };
    ctx.printer.status(format!(
        "exported {} entries from {} layers{}",
        report.entries,
        layers.len(),
        if report.hidden > 0 {
            format!(" ({} deleted or replaced by upper layers)", report.hidden)
        } else {
            String::new()
        }
    ));
    Ok(())
}

/// The image manifest to export: `top` itself, or the child of an index for `want` (this
/// machine's platform by default), looking into nested indexes.
fn image_of(
    store: &Store,
    input: &str,
    top: &Descriptor,
    want: Option<&Platform>,
) -> Result<Descriptor> {
    let (_, parsed) = store.read_manifest(top)?;
    let index = match parsed {
        Parsed::Image(m) => {
            if let Some(want) = want {
                let config = store.read_blob(&m.config.digest, 32 * 1024 * 1024)?;
                let have = manifest::config_platform(&config);
                if !have.as_ref().is_some_and(|p| want.matches(p)) {
                    return Err(UserError::new(
                        Exit::NotFound,
                        format!(
                            "`{input}` is a {} image, not {want}",
                            have.map_or_else(|| "unknown platform".into(), |p| p.to_string())
                        ),
                    )
                    .into());
                }
            }
            return Ok(top.clone());
        }
        Parsed::Index(index) => index,
    };
    let host = Platform::host();
    let wanted = want.unwrap_or(&host);
    let missing = || {
        UserError::new(
            Exit::NotFound,
            format!(
                "`{input}` has no {wanted} image (it has: {})",
                index.platforms().join(", ")
            ),
        )
        .hint("choose one with --platform")
    };
    match index.select(wanted) {
        Selected::Image(d) if store.has_blob(&d.digest, Some(d.size)) => Ok(d.clone()),
        Selected::Image(d) => Err(UserError::new(
            Exit::NotFound,
            format!(
                "the {} image of `{input}` is not in the local store",
                d.label()
            ),
        )
        .hint(format!(
            "pull it: `ghcr-cli pull --platform {} {input}`",
            d.label()
        ))
        .into()),
        Selected::Nested(nested) => {
            for n in nested {
                if store.has_blob(&n.digest, Some(n.size))
                    && let Ok(d) = image_of(store, input, n, Some(wanted))
                {
                    return Ok(d);
                }
            }
            Err(missing().into())
        }
    }
}
