//! `ghcr-cli load`: images from a docker-archive (`docker save`), an oci-archive (plain or
//! gzip), or an OCI layout directory, from a file or stdin, into the store. Each image is
//! printed with its fully qualified name. A bad input leaves the store as it was. With
//! `--from-docker`, the docker-archive comes straight from the Docker engine's API
//! (from_docker.rs).

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::cli::{Format, LoadArgs};
use crate::formats::archive;
use crate::formats::docker_archive;
use crate::formats::layout::{self, LayoutImage};
use crate::oci::manifest::Descriptor;
use crate::oci::reference::{self, Defaults, Reference};
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::store::Store;

/// An image the input holds, and the names it comes with.
pub(super) struct Loaded {
    pub names: Vec<String>,
    pub descriptor: Descriptor,
    /// Docker's names need a registry-qualified hint.
    from_docker: bool,
}

pub async fn run(ctx: &Context, args: LoadArgs) -> Result<()> {
    let store = ctx.store()?;
    let _guard = store.use_guard()?;
    // How messages name the input, and the flags that read it again (for a hint).
    let (images, shown, again) = if args.from_docker.is_empty() {
        let (images, shown) = from_input(&store, &args)?;
        let again = format!("-i {shown}");
        (images, shown, again)
    } else {
        let platform = super::parse_platform(args.platform.as_deref())?;
        let images = super::from_docker::load(
            ctx,
            &store,
            &args.from_docker,
            args.compress,
            platform.as_ref(),
        )
        .await?;
        let shown = args.from_docker.join(" ");
        let again = format!("--from-docker {shown}");
        (images, shown, again)
    };
    if images.is_empty() {
        return Err(UserError::new(Exit::Usage, format!("`{shown}` holds no images")).into());
    }
    let mut loaded = Vec::new();
    for image in images {
        // An unnamed referrer (`save --referrers` writes them) stays with its subject.
        if image.names.is_empty() && !image.from_docker && is_referrer(&store, &image.descriptor) {
            store.add_referrer(&image.descriptor)?;
            ctx.printer.status(format!(
                "kept referrer {} with its subject",
                image.descriptor.digest
            ));
            continue;
        }
        for name in qualify(ctx, &image, args.name.as_deref(), &shown, &again)? {
            store.set_tag(&name, &image.descriptor)?;
            if args.format == Format::Text {
                ctx.printer.data(&name);
            }
            if image.from_docker {
                hint_ghcr_name(ctx, &name);
            }
            loaded.push(serde_json::json!({
                "name": name,
                "digest": image.descriptor.digest.to_string(),
                "mediaType": image.descriptor.media_type,
            }));
        }
    }
    if args.format == Format::Json {
        ctx.printer.json(&loaded);
    }
    Ok(())
}

/// Whether a loaded manifest is an artifact with a subject.
fn is_referrer(store: &Store, desc: &Descriptor) -> bool {
    crate::oci::manifest::is_manifest_type(&desc.media_type)
        && store
            .read_blob(&desc.digest, crate::oci::manifest::MAX_MANIFEST_BYTES)
            .ok()
            .and_then(|b| crate::oci::artifact::ReferrerFields::parse(&b))
            .is_some_and(|f| f.subject.is_some())
}

/// The images of `-i PATH` or stdin, and how to name that input in messages.
fn from_input(store: &Store, args: &LoadArgs) -> Result<(Vec<Loaded>, String)> {
    let shown = args
        .input
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "stdin".into());
    let images = match &args.input {
        Some(path) if path.is_dir() => load_dir(store, path, false, args.compress),
        Some(path) => {
            let file = std::fs::File::open(path).map_err(|e| {
                UserError::new(Exit::Usage, format!("cannot read `{}`: {e}", path.display()))
            })?;
            load_stream(store, file, args.compress)
        }
        None => {
            if std::io::stdin().is_terminal() {
                return Err(UserError::new(Exit::Usage, "no input: stdin is a terminal")
                    .hint("pipe an archive in (`docker save IMAGE | ghcr-cli load`) or name one with -i PATH")
                    .into());
            }
            load_stream(store, std::io::stdin().lock(), args.compress)
        }
    }
    .map_err(|e| bad_input(&shown, e))?;
    Ok((images, shown))
}

/// Extracts a (maybe gzipped) tar into the store's ingest area, then loads what it holds.
pub(super) fn load_stream(
    store: &Store,
    input: impl std::io::Read,
    compress: bool,
) -> Result<Vec<Loaded>> {
    let tmp = tempfile::Builder::new()
        .prefix("load-")
        .tempdir_in(store.ingest_dir())
        .context("cannot create a temporary directory in the store")?;
    let reader = archive::maybe_gunzip(input).context("cannot read the input")?;
    archive::extract(reader, tmp.path())?;
    load_dir(store, tmp.path(), true, compress)
}

/// A docker-archive when there is a `manifest.json`, else an OCI layout. Docker 25+ archives
/// carry both; when their layout holds a multi-platform index, the layout is loaded (see
/// [`engine_layout`]).
fn load_dir(store: &Store, dir: &Path, extracted: bool, compress: bool) -> Result<Vec<Loaded>> {
    if dir.join("manifest.json").is_file() {
        if !extracted {
            // Layers are moved into the store: never out of the user's own directory.
            let tmp = tempfile::Builder::new()
                .prefix("load-")
                .tempdir_in(store.ingest_dir())?;
            copy_tree(dir, tmp.path())?;
            return load_dir(store, tmp.path(), true, compress);
        }
        if let Some(images) = engine_layout(store, dir)? {
            return Ok(images);
        }
        let images = docker_archive::import(store, dir, compress)?;
        return Ok(images
            .into_iter()
            .map(|i| Loaded {
                names: i.repo_tags,
                descriptor: i.descriptor,
                from_docker: true,
            })
            .collect());
    }
    let images = layout::import(store, dir, extracted)?;
    Ok(images
        .into_iter()
        .map(
            |LayoutImage {
                 ref_name,
                 descriptor,
             }| Loaded {
                names: ref_name.into_iter().collect(),
                descriptor,
                from_docker: false,
            },
        )
        .collect())
}

/// Where Docker's containerd image store names an image in its archive's `index.json`.
const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// The images of a Docker 25+ archive (containerd image store) when its `index.json` lists a
/// multi-platform index: that archive's `manifest.json` names only one platform of each image
/// (the daemon's), so loading it would drop the others. The index is loaded whole instead,
/// named as `index.json` names it (`io.containerd.image.name`, Docker's full name); platforms
/// the engine did not hold, and so left out of the archive, are absent children, as after a
/// pull of one platform. `None` for every other archive.
fn engine_layout(store: &Store, dir: &Path) -> Result<Option<Vec<Loaded>>> {
    if !dir.join("oci-layout").is_file() || !dir.join("index.json").is_file() {
        return Ok(None);
    }
    let images = layout::read_index(dir)?;
    if !images.iter().any(|i| i.descriptor.is_index()) {
        return Ok(None);
    }
    let images = layout::import_images(store, dir, images, true, true)?;
    Ok(Some(
        images
            .into_iter()
            .map(|LayoutImage { mut descriptor, .. }| Loaded {
                names: descriptor
                    .annotations
                    .remove(CONTAINERD_NAME)
                    .into_iter()
                    .collect(),
                descriptor,
                from_docker: true,
            })
            .collect(),
    ))
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let ft = entry.file_type()?;
        if ft.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else if ft.is_file() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What went wrong while reading the input, with every cause: a usage error (exit 2), since
/// the input is what was wrong, unless the machine was: a full disk, a read-only or
/// forbidden store (exit 1, with the system's reason).
pub(super) fn bad_input(shown: &str, err: anyhow::Error) -> anyhow::Error {
    let mut message = format!("cannot load `{shown}`: {err}");
    for cause in err.chain().skip(1) {
        message.push_str(&format!(": {cause}"));
    }
    let environment = err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|e| {
            use std::io::ErrorKind as K;
            matches!(
                e.kind(),
                K::StorageFull
                    | K::QuotaExceeded
                    | K::PermissionDenied
                    | K::ReadOnlyFilesystem
                    | K::FileTooLarge
            )
        })
    });
    let exit = if environment {
        Exit::Failure
    } else {
        Exit::Usage
    };
    UserError::new(exit, message)
        .hint("nothing was added to the local store")
        .into()
}

/// The fully qualified names for a loaded image. A docker-archive's names are Docker's
/// (`pgsb:1.1.0` is `docker.io/library/pgsb:1.1.0`); an OCI layout's `ref.name` is a full
/// name, or only a tag that `--name` completes.
fn qualify(
    ctx: &Context,
    image: &Loaded,
    repo: Option<&str>,
    shown: &str,
    again: &str,
) -> Result<Vec<String>> {
    let digest = &image.descriptor.digest;
    let docker = Defaults {
        registry: reference::DOCKER_HUB.to_string(),
        owner: None,
    };
    let mut out = Vec::new();
    for n in &image.names {
        let name = if image.from_docker {
            Reference::parse(n, &docker)?.to_string()
        } else if n.contains('/') || repo.is_none() && n.contains(':') {
            ctx.reference(n)?.to_string()
        } else if let Some(repo) = repo {
            ctx.reference(&format!("{repo}:{n}"))?.to_string()
        } else {
            return Err(no_repository(shown, again, digest, Some(n)));
        };
        out.push(name);
    }
    if out.is_empty() {
        match repo {
            Some(repo) => {
                let r = Reference::parse_repository(repo, &ctx.defaults)?;
                out.push(r.with_digest(Some(digest.clone())).to_string());
            }
            None => return Err(no_repository(shown, again, digest, None)),
        }
    }
    Ok(out)
}

fn no_repository(
    shown: &str,
    again: &str,
    digest: &crate::oci::digest::Digest,
    tag: Option<&str>,
) -> anyhow::Error {
    let how = tag
        .map(|t| format!("only by the tag `{t}`"))
        .unwrap_or_else(|| "by no name at all".into());
    UserError::new(Exit::Usage, format!("`{shown}` names image {digest} {how}"))
        .hint(format!(
            "say which repository it is: `ghcr-cli load {again} --name ghcr.io/OWNER/IMAGE`"
        ))
        .into()
}

/// For a Docker name: the exact command that gives it a name on the default registry.
fn hint_ghcr_name(ctx: &Context, name: &str) {
    let Ok(r) = Reference::parse(name, &Defaults::default()) else {
        return;
    };
    if r.registry() != reference::DOCKER_HUB || ctx.defaults.registry == reference::DOCKER_HUB {
        return;
    }
    let short = r
        .repository()
        .strip_prefix("library/")
        .unwrap_or(r.repository())
        .to_string();
    let tag = r.tag().unwrap_or("latest");
    let owner = ctx.defaults.owner.clone().unwrap_or_else(|| "OWNER".into());
    let target = if ctx.defaults.registry == reference::DEFAULT_REGISTRY {
        format!("{}/{owner}/{short}:{tag}", ctx.defaults.registry)
    } else {
        format!("{}/{short}:{tag}", ctx.defaults.registry)
    };
    ctx.printer.status(format!(
        "hint: to push it to {}, name it there: `ghcr-cli tag {name} {target}`",
        ctx.defaults.registry
    ));
}
