//! `ghcr-cli save`: local images out as a docker-archive (for `docker load`), an oci-archive
//! or an OCI layout directory, to stdout or a path: a regular file is written whole and
//! renamed into place, anything else (a FIFO, `/dev/stdout`, `>(docker load)`) is written
//! directly (see `fsutil`).

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context as _, Result};

use crate::fsutil::OutputFile;
use crate::output::OutputWriter;

use crate::cli::{ArchiveFormat, SaveArgs};
use crate::formats::docker_archive;
use crate::formats::layout::{self, Sink};
use crate::formats::shared::SaveImage;
use crate::oci::digest::Digest;
use crate::oci::manifest::{Descriptor, Parsed, Platform};
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::store::{Child, Store};

pub fn run(ctx: &Context, args: SaveArgs) -> Result<()> {
    let store = ctx.store()?;
    // Keeps `prune` away while the blobs are read; a store that is not there has nothing.
    let _guard = if store.exists() {
        Some(store.use_guard()?)
    } else {
        None
    };
    let platform = super::parse_platform(args.platform.as_deref())?;
    let mut images = Vec::new();
    let mut originals = Vec::new();
    for input in &args.references {
        let local = super::find_local(ctx, &store, input)?;
        let name = match local.name {
            Some(n) => n,
            None => ctx.reference(input)?.to_string(),
        };
        // Referrers name the image as it was pulled, before a sparse index is narrowed.
        originals.push(local.descriptor.clone());
        let mut manifest = local.descriptor;
        if let (_, Parsed::Index(index)) = store.read_manifest(&manifest)? {
            let children = store.children(&index);
            if args.format == ArchiveFormat::DockerArchive {
                // A docker-archive holds single-platform images: take one child of an index.
                manifest = pick_platform(&name, &children, platform.as_ref())?;
            } else if let Some(sparse) = present_only(&store, &manifest, &children)? {
                ctx.printer.status(format!(
                    "note: {name} is saved with the platforms in the local store only; left out: {} (run `ghcr-cli pull --all-platforms {name}` first to keep them)",
                    sparse.left_out.join(", ")
                ));
                manifest = sparse.descriptor;
            }
        }
        images.push(SaveImage { name, manifest });
    }
    if args.referrers {
        add_referrers(&store, &mut images, &originals, args.format)?;
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
            if crate::output::stdout_is_terminal() {
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

/// `--referrers`: the stored artifacts that refer to the images (or their platforms), and
/// theirs, as unnamed entries of the layout.
fn add_referrers(
    store: &Store,
    images: &mut Vec<SaveImage>,
    originals: &[Descriptor],
    format: ArchiveFormat,
) -> Result<()> {
    if format == ArchiveFormat::DockerArchive {
        return Err(
            UserError::new(Exit::Usage, "a docker-archive cannot hold referrers")
                .hint("use --format oci-archive or --format oci-dir with --referrers")
                .into(),
        );
    }
    let mut subjects = Vec::new();
    for manifest in images.iter().map(|i| &i.manifest).chain(originals) {
        subjects.push(manifest.digest.clone());
        if let (_, Parsed::Index(index)) = store.read_manifest(manifest)? {
            subjects.extend(index.manifests.into_iter().map(|d| d.digest));
        }
    }
    for manifest in store.referrers_closure(&subjects)? {
        // No name: an unnamed entry of index.json, kept with its subject.
        images.push(SaveImage {
            name: String::new(),
            manifest,
        });
    }
    Ok(())
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

/// The child a docker-archive gets: `--platform`'s, else the only one the store holds, else
/// this machine's.
fn pick_platform(name: &str, children: &[Child], want: Option<&Platform>) -> Result<Descriptor> {
    let here: Vec<&Descriptor> = children
        .iter()
        .filter(|c| c.present)
        .map(|c| &c.descriptor)
        .filter(|d| !d.is_attestation() && !d.is_index())
        .collect();
    let found = match want {
        Some(want) => here
            .iter()
            .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p))),
        None if here.len() == 1 => here.first(),
        None => {
            let host = Platform::host();
            here.iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| host.matches(p)))
        }
    };
    found.map(|d| (*d).clone()).ok_or_else(|| {
        let have: Vec<String> = here.iter().map(|d| d.label()).collect();
        let want = want.cloned().unwrap_or_else(Platform::host);
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

/// An index narrowed to the children the store holds.
struct Sparse {
    descriptor: Descriptor,
    left_out: Vec<String>,
}

/// For an index with absent children, at any depth, a new index listing only the present
/// ones, so the written layout names no blob it lacks (its digest differs from the
/// original's, which is why the caller says so). It is added to the store like any blob;
/// `prune` removes it.
fn present_only(store: &Store, top: &Descriptor, children: &[Child]) -> Result<Option<Sparse>> {
    let mut left_out = Vec::new();
    let descriptor = narrow(store, top, children, &mut left_out)?;
    Ok((!left_out.is_empty()).then_some(Sparse {
        descriptor,
        left_out,
    }))
}

/// `index` (whose children are `children`) without its absent children, which are named in
/// `left_out`, and with every nested index narrowed the same way, since a nested index with
/// an absent child names a blob the layout lacks just as well. `index` itself when nothing
/// below it is absent; otherwise a new index blob: the original's JSON with entries dropped,
/// and a narrowed nested index's digest and size put in its entry.
fn narrow(
    store: &Store,
    index: &Descriptor,
    children: &[Child],
    left_out: &mut Vec<String>,
) -> Result<Descriptor> {
    let before = left_out.len();
    // What each present entry becomes, by digest and size (what presence depends on).
    let mut kept: HashMap<(Digest, u64), Descriptor> = HashMap::new();
    for c in children {
        let d = &c.descriptor;
        if !c.present {
            left_out.push(d.label());
            continue;
        }
        let now = if d.is_index() {
            narrow(store, d, &c.children, left_out)?
        } else {
            d.clone()
        };
        kept.insert((d.digest.clone(), d.size), now);
    }
    if left_out.len() == before {
        return Ok(index.clone());
    }
    let bytes = store.read_blob(&index.digest, crate::oci::manifest::MAX_MANIFEST_BYTES)?;
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes)?;
    if let Some(list) = doc.get_mut("manifests").and_then(|m| m.as_array_mut()) {
        list.retain_mut(|entry| {
            let Ok(d) = serde_json::from_value::<Descriptor>(entry.clone()) else {
                return false;
            };
            let Some(now) = kept.get(&(d.digest.clone(), d.size)) else {
                return false;
            };
            if let Some(fields) = entry.as_object_mut()
                && now.digest != d.digest
            {
                fields.insert("digest".into(), now.digest.to_string().into());
                fields.insert("size".into(), now.size.into());
            }
            true
        });
    }
    let narrowed = serde_json::to_vec(&doc)?;
    let digest = Digest::sha256_of(&narrowed);
    store.put_blob(&digest, &narrowed)?;
    Ok(Descriptor::new(
        &index.media_type,
        digest,
        narrowed.len() as u64,
    ))
}
