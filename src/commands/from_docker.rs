//! Images read from the Docker engine (`load --from-docker`, `push --from-docker`): the
//! engine's `docker save` archive streamed into the store through `load`'s extraction and
//! checks, and, with `--platform`, the one platform's image of each (the engine is asked for
//! it when its API can say so; otherwise it is chosen from what the engine sent).

use anyhow::{Context as _, Result};

use super::load::{Loaded, bad_input, load_stream};
use crate::oci::manifest::{self, Descriptor, Parsed, Platform};
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::store::Store;

/// A config is small; a larger blob is not one.
const MAX_CONFIG: u64 = 4 * 1024 * 1024;

/// `names` as the Docker engine saves them, streamed through the same extraction and checks
/// as any other archive: the body goes from the socket to the tar reader through a bounded
/// channel, never whole in memory. The caller holds the store's use guard until the images
/// are tagged. With `platform`, each image is that platform's, or the load fails naming what
/// the engine has.
pub(super) async fn load(
    ctx: &Context,
    store: &Store,
    names: &[String],
    compress: bool,
    platform: Option<&Platform>,
) -> Result<Vec<Loaded>> {
    let engine = ctx.engine()?;
    let version = engine.ping().await?;
    if names.len() > 1 {
        // One request saves them all, and engines differ in how they refuse a missing name
        // among several (Podman answers 500): ask for each first, to name the one missing.
        for name in names {
            engine.inspect(name).await?;
        }
    }
    let stream = engine.save(names, platform, version).await?;
    let (reader, pump) = stream.into_reader();
    let progress = std::sync::Arc::new(ctx.stream_progress(&format!(
        "the archive of {} from the Docker engine",
        names.join(", ")
    )));
    let reader = Counted {
        inner: reader,
        progress: progress.clone(),
    };
    let owned = store.clone();
    let loaded = tokio::task::spawn_blocking(move || load_stream(&owned, reader, compress))
        .await
        .context("the thread reading the archive failed")?;
    progress.finish();
    let images = match (loaded, pump.finish()) {
        (Ok(images), _) => images,
        // A broken connection shows to the tar reader as a truncated archive: say what broke.
        (Err(_), Some(broken)) => return Err(broken.into()),
        (Err(e), None) => {
            return Err(bad_input(
                &format!("{} from the Docker engine", names.join(" ")),
                e,
            ));
        }
    };
    let Some(want) = platform else {
        return Ok(images);
    };
    images
        .into_iter()
        .map(|mut image| {
            let shown = image
                .names
                .first()
                .cloned()
                .unwrap_or_else(|| names.join(" "));
            image.descriptor = platform_image(store, &image.descriptor, want, &shown)?;
            Ok(image)
        })
        .collect()
}

/// `want`'s image of `top`: a child of a multi-platform index that the store holds, or `top`
/// itself when it is a single image of that platform (its config says which).
fn platform_image(
    store: &Store,
    top: &Descriptor,
    want: &Platform,
    shown: &str,
) -> Result<Descriptor> {
    let (_, parsed) = store.read_manifest(top)?;
    let (found, have) = match parsed {
        Parsed::Index(index) => {
            let here: Vec<Descriptor> = store
                .children(&index)
                .into_iter()
                .filter(|c| c.present && !c.descriptor.is_attestation() && !c.descriptor.is_index())
                .map(|c| c.descriptor)
                .collect();
            let found = here
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
                .cloned();
            (found, here.iter().map(Descriptor::label).collect())
        }
        Parsed::Image(image) => {
            let config = store.read_blob(&image.config.digest, MAX_CONFIG)?;
            let platform = manifest::config_platform(&config);
            let found = platform
                .as_ref()
                .is_some_and(|p| want.matches(p))
                .then(|| top.clone());
            let have = platform.map(|p| p.to_string()).into_iter().collect();
            (found, have)
        }
    };
    found.ok_or_else(|| {
        let have: Vec<String> = have;
        let listed = if have.is_empty() {
            "no platform it names".to_string()
        } else {
            have.join(", ")
        };
        UserError::new(
            Exit::NotFound,
            format!("the Docker engine has no {want} image of {shown} (it has: {listed})"),
        )
        .hint(format!(
            "build or pull that platform into the engine (`docker pull --platform {want} IMAGE`), or leave --platform out to take what it has"
        ))
        .into()
    })
}

/// A reader that tells `progress` how much went through it.
struct Counted<R> {
    inner: R,
    progress: std::sync::Arc<crate::output::progress::StreamProgress>,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.add(n as u64);
        Ok(n)
    }
}
