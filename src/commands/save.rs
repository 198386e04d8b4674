//! `ghcr-cli save`: local images out as a docker-archive (for `docker load`), an oci-archive
//! or an OCI layout directory, to stdout or a path: a regular file is written whole and
//! renamed into place, anything else (a FIFO, `/dev/stdout`, `>(docker load)`) is written
//! directly (see `fsutil`).

use std::io::{IsTerminal, Write};

use anyhow::{Context as _, Result};

use crate::fsutil::OutputFile;
use crate::output::OutputWriter;

use crate::cli::{ArchiveFormat, SaveArgs};
use crate::docker_archive::{self, SaveImage};
use crate::layout::{self, Sink};
use crate::manifest::{Parsed, Platform};
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::store::Store;

pub fn run(ctx: &Context, args: SaveArgs) -> Result<()> {
    let store = ctx.store()?;
    // Keeps `prune` away while the blobs are read; a store that is not there has nothing.
    let _guard = if store.exists() {
        Some(store.use_guard()?)
    } else {
        None
    };
    let platform = match &args.platform {
        Some(p) => Platform::parse(p).map_err(|e| UserError::new(Exit::Usage, e))?,
        None => Platform::host(),
    };
    let mut images = Vec::new();
    for input in &args.references {
        let local = super::find_local(ctx, &store, input)?;
        let name = match local.name {
            Some(n) => n,
            None => ctx.reference(input)?.to_string(),
        };
        let mut manifest = local.descriptor;
        // A docker-archive holds single-platform images: take one child of an index.
        if args.format == ArchiveFormat::DockerArchive
            && let (_, Parsed::Index(index)) = store.read_manifest(&manifest)?
        {
            manifest = pick_platform(&store, &name, &index.manifests, &platform)?;
        }
        images.push(SaveImage { name, manifest });
    }
    match (args.format, &args.output) {
        (ArchiveFormat::OciDir, None) => Err(UserError::new(
            Exit::Usage,
            "--format oci-dir writes a directory: name it with -o DIR",
        )
        .into()),
        (ArchiveFormat::OciDir, Some(dir)) => {
            if dir.exists()
                && std::fs::read_dir(dir)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true)
            {
                return Err(UserError::new(
                    Exit::Usage,
                    format!("`{}` exists and is not empty", dir.display()),
                )
                .into());
            }
            layout::write::<std::io::Sink>(&store, &images, Sink::Dir(dir.clone()))?;
            ctx.printer.status(format!(
                "wrote {} image(s) to `{}`",
                images.len(),
                dir.display()
            ));
            Ok(())
        }
        (format, Some(path)) => {
            let shown = format!("`{}`", path.display());
            let out = OutputFile::create(path)
                .map_err(|e| crate::output::OutputError::new(shown.clone(), &e))?;
            let mut out = OutputWriter::new(out, shown);
            write_archive(
                &store,
                &images,
                format,
                std::io::BufWriter::with_capacity(1 << 20, &mut out),
            )?;
            out.into_inner()
                .commit()
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            ctx.printer.status(format!(
                "wrote {} image(s) to `{}`",
                images.len(),
                path.display()
            ));
            Ok(())
        }
        (format, None) => {
            if std::io::stdout().is_terminal() {
                return Err(UserError::new(
                    Exit::Usage,
                    "refusing to write an archive to a terminal",
                )
                .hint("redirect it (`ghcr-cli save IMAGE > img.tar`), pipe it (`| docker load`) or use -o PATH")
                .into());
            }
            write_archive(
                &store,
                &images,
                format,
                std::io::BufWriter::with_capacity(1 << 20, crate::output::stdout_writer()),
            )
        }
    }
}

fn write_archive(
    store: &Store,
    images: &[SaveImage],
    format: ArchiveFormat,
    mut out: impl Write,
) -> Result<()> {
    match format {
        ArchiveFormat::DockerArchive => docker_archive::write(store, images, &mut out)?,
        _ => layout::write(store, images, Sink::Tar(tar::Builder::new(&mut out)))?,
    }
    out.flush()?;
    Ok(())
}

fn pick_platform(
    store: &Store,
    name: &str,
    children: &[crate::manifest::Descriptor],
    want: &Platform,
) -> Result<crate::manifest::Descriptor> {
    let found = children.iter().find(|d| {
        d.platform.as_ref().is_some_and(|p| want.matches(p))
            && store.has_blob(&d.digest, Some(d.size))
    });
    found.cloned().ok_or_else(|| {
        let have: Vec<String> = children
            .iter()
            .filter(|d| store.has_blob(&d.digest, Some(d.size)))
            .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
            .collect();
        UserError::new(
            Exit::NotFound,
            format!(
                "{name} has no {want} image in the local store (it has: {})",
                have.join(", ")
            ),
        )
        .hint("a docker-archive holds one platform per image: choose one with --platform")
        .into()
    })
}
