//! `ghcr-cli untag` on ghcr.io, which cannot delete a tag alone: its registry answers 405 to
//! a manifest DELETE, and its packages API deletes a version with all its tags. So the tag
//! is moved onto a minimal placeholder manifest pushed for the purpose (an OCI 1.1 artifact
//! of one empty blob, unique to this run), and the placeholder's package version is then
//! deleted, taking the tag with it. The manifest and its other tags stay.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use bytes::Bytes;

use super::ghcr::explain;
use crate::oci::digest::Digest;
use crate::oci::manifest::OCI_MANIFEST;
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::settings::Context;

const EMPTY: &[u8] = b"{}";
const EMPTY_TYPE: &str = "application/vnd.oci.empty.v1+json";
const PLACEHOLDER_TYPE: &str = "application/vnd.ghcr-cli.untag-placeholder.v1";
/// How long the placeholder may take to show up as a package version.
const VERSION_WAIT: Duration = Duration::from_secs(30);

pub(super) async fn run(ctx: &Context, reference: &Reference, tag: &str) -> Result<()> {
    let host = reference.registry();
    let repo = reference.repository();
    let name = reference.name();
    let registry = ctx.registry(host)?;
    let digest = registry.tag_digest(repo, tag).await?.ok_or_else(|| {
        UserError::new(Exit::NotFound, format!("{reference} was not found"))
            .hint(format!("see the tags with `ghcr-cli tags {name}`"))
    })?;
    let others: Vec<String> = registry
        .tags_pointing_at(repo, &digest)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t != tag)
        .collect();
    // The API client first: without a usable token nothing should move.
    let (api, owner, package, _) = super::packages::package_of(ctx, &name, false)?;
    ctx.printer.status(format!(
        "{host} cannot delete a tag alone (a package version goes with all its tags): moving `{tag}` onto a placeholder manifest, then deleting the placeholder's package version"
    ));

    let empty = Digest::sha256_of(EMPTY);
    if registry.blob_exists(repo, &empty).await?.is_none() {
        let chunk = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(Bytes::from_static(EMPTY))
        });
        registry
            .upload_stream(repo, &empty, EMPTY.len() as u64, chunk)
            .await?;
    }
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let empty_descriptor = serde_json::json!({"mediaType": EMPTY_TYPE, "digest": empty.to_string(), "size": EMPTY.len()});
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": PLACEHOLDER_TYPE,
        "config": empty_descriptor,
        "layers": [empty_descriptor],
        "annotations": {
            "org.opencontainers.image.description": format!("placeholder that removes the tag {tag}; ghcr-cli deletes it"),
            "dev.ghcr-cli.untag.nonce": stamp.to_string(),
        },
    });
    let bytes = Bytes::from(serde_json::to_vec(&manifest)?);
    let placeholder = registry
        .put_manifest(repo, tag, OCI_MANIFEST, bytes)
        .await?;
    ctx.printer
        .status(format!("moved `{tag}` onto the placeholder {placeholder}"));

    let finish = format!(
        "`{tag}` now points at the placeholder {placeholder}; `ghcr-cli packages delete {name}@{placeholder} --yes` finishes the untag, `ghcr-cli tag --remote {name}@{digest} {tag}` undoes it"
    );
    let started = Instant::now();
    let id = loop {
        let versions = super::packages::versions(&api, &owner, &package)
            .await
            .map_err(|e| e.context(finish.clone()))?;
        if let Some(v) = versions.iter().find(|v| v.name == placeholder.to_string()) {
            break v.id;
        }
        if started.elapsed() > VERSION_WAIT {
            return Err(UserError::new(
                Exit::Failure,
                format!("the placeholder {placeholder} did not show up as a version of package `{package}` within {}s", VERSION_WAIT.as_secs()),
            )
            .hint(finish)
            .into());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    api.delete_version(&owner, &package, id)
        .await
        .map_err(|e| explain(e).context(finish.clone()))?;
    ctx.printer
        .status(format!("deleted the placeholder's package version {id}"));

    if let Some(now) = registry.tag_digest(repo, tag).await? {
        ctx.printer.status(format!(
            "warning: `{tag}` still resolves, to {now}; GitHub may take a moment to drop it"
        ));
    }
    for t in &others {
        if registry.tag_digest(repo, t).await?.as_ref() != Some(&digest) {
            return Err(UserError::new(
                Exit::Failure,
                format!("the tag `{t}` no longer points at {digest} after untagging `{tag}`"),
            )
            .hint(format!(
                "put it back with `ghcr-cli tag --remote {name}@{digest} {t}`"
            ))
            .into());
        }
    }
    let kept = if others.is_empty() {
        "now untagged".to_string()
    } else {
        format!("still tagged {}", others.join(", "))
    };
    ctx.printer
        .status(format!("untagged {reference} ({digest} stays, {kept})"));
    ctx.printer.data(format!("{name}:{tag}@{digest}"));
    Ok(())
}
