//! `ghcr-cli push`: local store to registry; with `--from-docker`, the image is loaded from
//! the Docker engine first. A missing local image that the engine has gets the command that
//! pushes it from there.

use anyhow::Result;
use serde::Serialize;

use std::time::Duration;

use super::push_link;
use crate::cli::{Format, PushArgs};
use crate::oci::reference::{self, Defaults, Reference};
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;
use crate::store::Store;
use crate::transfer::{self, TransferError};

#[derive(Serialize)]
struct PushJson {
    reference: String,
    digest: String,
    #[serde(rename = "blobsUploaded")]
    blobs_uploaded: usize,
    #[serde(rename = "blobsMounted")]
    blobs_mounted: usize,
    #[serde(rename = "bytesUploaded")]
    bytes_uploaded: u64,
    #[serde(rename = "blobsPresent")]
    blobs_present: usize,
}

pub async fn run(ctx: &Context, args: PushArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let platform = super::parse_platform(args.platform.as_deref())?;
    let annotations = push_link::requested(&args.annotation, args.source.as_deref())?;
    let store = ctx.store()?;
    // Held from the load (or the annotated manifest's write) to the push: `prune` must not
    // take those untagged blobs in between.
    let _guard = match (&args.from_docker, annotations.is_empty()) {
        (None, true) => None,
        _ => Some(store.use_guard()?),
    };
    let local = match &args.from_docker {
        Some(name) => {
            let wanted = platform.as_ref();
            from_docker(ctx, &store, &reference, name, args.compress, wanted).await?
        }
        None => match super::find_reference(&store, &reference) {
            Ok(local) => local,
            Err(e) => return Err(engine_hint(ctx, &reference, e).await),
        },
    };
    let local = if annotations.is_empty() {
        local
    } else {
        let annotated = push_link::annotate(&store, &local, &annotations)?;
        ctx.printer.status(format!(
            "annotated the manifest: pushing {} (the local image stays {})",
            annotated.descriptor.digest, local.descriptor.digest
        ));
        annotated
    };
    // From the engine, the image is already that platform's alone.
    let platform = platform.filter(|_| args.from_docker.is_none());
    let registry = ctx.registry(reference.registry())?;
    if platform.is_none() {
        push_link::warn_unlinked(
            ctx,
            &registry,
            &store,
            reference.repository(),
            &local.descriptor,
        )
        .await;
    }
    if let Some(p) = &platform {
        ctx.printer.status(format!(
            "pushing only the {p} image of {reference}, as a single-platform image (--platform)"
        ));
    }
    let connect = |host: &str| {
        ctx.registry(host).map_err(|e| RegistryError::Protocol {
            what: host.to_string(),
            reason: format!("{e:#}"),
        })
    };
    let request = transfer::PushRequest {
        target: &reference,
        local: &local.descriptor,
        platform: platform.as_ref(),
        jobs: ctx.jobs,
        chunk_size: args
            .chunk_size
            .or_else(|| ctx.chunk_size(reference.registry())),
    };
    let report = match transfer::push(&registry, &store, &request, &connect, ctx.progress()).await {
        Ok(report) => report,
        Err(e) => {
            let e = explain(e, &reference);
            return Err(match push_link::refusal(ctx, &reference, &e) {
                // In place of the registry's words, which it repeats.
                Some(explained) => explained.into(),
                None => e.context(format!("failed to push {reference}")),
            });
        }
    };
    let pinned = format!("{}@{}", reference.with_digest(None), report.digest);
    match args.format {
        Format::Json => ctx.printer.json(&PushJson {
            reference: pinned,
            digest: report.digest.to_string(),
            blobs_uploaded: report.blobs_uploaded,
            blobs_mounted: report.blobs_mounted,
            bytes_uploaded: report.bytes_uploaded,
            blobs_present: report.blobs_present,
        }),
        Format::Text => {
            let children = match (report.children_fetched, report.children_present) {
                (0, 0) => String::new(),
                (f, p) => format!(
                    "; of the platforms not in the store, {f} copied from their source, {p} already there"
                ),
            };
            ctx.printer.status(format!(
                "pushed {} ({} blobs uploaded, {} mounted, {} already there{children})",
                reference, report.blobs_uploaded, report.blobs_mounted, report.blobs_present
            ));
            ctx.printer.data(pinned);
        }
    }
    Ok(())
}

/// A push that would shrink the image becomes one line with the two ways forward.
fn explain(e: TransferError, reference: &crate::oci::reference::Reference) -> anyhow::Error {
    match e {
        TransferError::ChildrenUnavailable {
            reference: name,
            missing,
            present,
        } => {
            let mut err = UserError::new(
                Exit::Failure,
                format!(
                    "{name} is a multi-platform image, and these platforms are neither in the local store nor fetchable: {missing}"
                ),
            );
            if let Some(p) = present.first() {
                err = err.hint(format!(
                    "push only what is here, as a single-platform image: `ghcr-cli push --platform {p} {reference}`"
                ));
            }
            err.hint("or fetch every platform first: `ghcr-cli pull --all-platforms SOURCE`, then push again")
                .into()
        }
        other => other.into(),
    }
}

/// How long a missing image waits for the Docker engine's list of images: a push that fails
/// anyway must not hang on an engine that does not answer.
const ENGINE_PROBE: Duration = Duration::from_secs(2);

/// `push REF --from-docker IMAGE`: IMAGE from the engine into the store, named REF.
async fn from_docker(
    ctx: &Context,
    store: &Store,
    reference: &Reference,
    name: &str,
    compress: bool,
    platform: Option<&crate::oci::manifest::Platform>,
) -> Result<super::Local> {
    if reference.digest().is_some() {
        return Err(UserError::new(
            Exit::Usage,
            format!("`{reference}` names a digest, and --from-docker needs a tag to push to"),
        )
        .into());
    }
    let images =
        super::from_docker::load(ctx, store, &[name.to_string()], compress, platform).await?;
    let [image] = images.as_slice() else {
        return Err(UserError::new(
            Exit::Failure,
            format!(
                "the Docker engine sent {} images for `{name}`, not one",
                images.len()
            ),
        )
        .into());
    };
    let target = reference.to_string();
    store.set_tag(&target, &image.descriptor)?;
    ctx.printer
        .status(format!("loaded {name} from the Docker engine as {target}"));
    Ok(super::Local {
        name: Some(target),
        descriptor: image.descriptor.clone(),
    })
}

/// A local image that is missing may be in the Docker engine (`docker build` put it there):
/// if one answers quickly and holds a name like `wanted`'s, the hint is the one command that
/// pushes it. No engine, or a slow one, adds nothing.
async fn engine_hint(ctx: &Context, wanted: &Reference, err: anyhow::Error) -> anyhow::Error {
    let mut missing = match err.downcast::<UserError>() {
        Ok(m) if m.exit == Exit::NotFound => m,
        Ok(other) => return other.into(),
        Err(other) => return other,
    };
    let Ok(engine) = ctx.engine() else {
        return missing.into();
    };
    let names = tokio::time::timeout(ENGINE_PROBE, async {
        engine.ping().await?;
        engine.images().await
    })
    .await;
    let Ok(Ok(names)) = names else {
        return missing.into();
    };
    if let Some(name) = best_engine_match(wanted, &names) {
        // Before the generic `pull` hint, after one naming a local image (a tag is cheaper).
        let at = missing
            .hints
            .iter()
            .position(|h| h.starts_with("pull it with"))
            .unwrap_or(missing.hints.len());
        missing.hints.insert(
            at,
            format!(
                "`{name}` is in the Docker engine; run `ghcr-cli push {wanted} --from-docker {name}`"
            ),
        );
    }
    missing.into()
}

/// The engine's name for `wanted`: `wanted` itself, else a name with its tag whose repository
/// `wanted`'s repository ends with, whole path components (`app:1.0` and `o/app:1.0` for
/// `ghcr.io/o/app:1.0`; Docker Hub's `library/` does not count), the longest such first.
/// Shown as Docker shows it (`app:1.0`, not `docker.io/library/app:1.0`).
fn best_engine_match(wanted: &Reference, names: &[String]) -> Option<String> {
    let tag = wanted.tag()?;
    let docker = Defaults {
        registry: reference::DOCKER_HUB.to_string(),
        owner: None,
    };
    let mut best: Option<(usize, &String)> = None;
    for name in names {
        let Ok(r) = Reference::parse(name, &docker) else {
            continue;
        };
        if r.tag() != Some(tag) || r.digest().is_some() {
            continue;
        }
        let repo = match r.registry() {
            reference::DOCKER_HUB => r
                .repository()
                .strip_prefix("library/")
                .unwrap_or(r.repository()),
            _ => r.repository(),
        };
        let score = if r.registry() == wanted.registry() && r.repository() == wanted.repository() {
            usize::MAX
        } else if wanted.repository() == repo || wanted.repository().ends_with(&format!("/{repo}"))
        {
            repo.split('/').count()
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| crate::formats::docker_archive::familiar(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(wanted: &str, names: &[&str]) -> Option<String> {
        let wanted = Reference::parse(wanted, &Defaults::default()).expect("reference");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        best_engine_match(&wanted, &names)
    }

    #[test]
    fn the_engine_name_that_matches_the_push_reference_best() {
        let want = "ghcr.io/o/app:1.0";
        assert_eq!(best(want, &["app:1.0"]).as_deref(), Some("app:1.0"));
        assert_eq!(
            best(want, &["docker.io/library/app:1.0"]).as_deref(),
            Some("app:1.0")
        );
        assert_eq!(
            best(want, &["app:1.0", "o/app:1.0"]).as_deref(),
            Some("o/app:1.0")
        );
        assert_eq!(
            best(want, &["o/app:1.0", "ghcr.io/o/app:1.0", "app:1.0"]).as_deref(),
            Some("ghcr.io/o/app:1.0")
        );
        assert_eq!(
            best(want, &["localhost/o/app:1.0"]).as_deref(),
            Some("localhost/o/app:1.0")
        );
        // Another tag, another repository, or a name that only ends the same way: none.
        assert_eq!(best(want, &["app:2.0", "x/app:1.0", "myapp:1.0"]), None);
        assert_eq!(
            best(
                "ghcr.io/o/app@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                &["app:1.0"]
            ),
            None
        );
    }
}
