//! `ghcr-cli untag` on ghcr.io, which cannot delete a tag alone: its registry answers 405 to
//! a manifest DELETE, and its packages API deletes a version with all its tags. So the tag
//! is moved onto a minimal placeholder manifest pushed for the purpose (an OCI 1.1 artifact
//! of one empty blob, unique to this run), and the placeholder's package version is then
//! deleted, taking the tag with it. The manifest and its other tags stay. What GitHub would
//! refuse (the package's last tagged version) is refused before anything moves, and when
//! the placeholder's version cannot be deleted the tag is put back where it was.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use bytes::Bytes;

use super::ghcr::explain;
use crate::github::Owner;
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
    // The API client and the package's versions before anything moves: without a usable
    // token nothing should, the delete must go to the owner path that answered (an
    // organization's or a user's), and GitHub's refusal to delete a package's last tagged
    // version is known now rather than after the tag sits on the placeholder.
    let (api, owner, package, _) = super::packages::package_of(ctx, &name, false).await?;
    let (owner, versions) = super::packages::versions(&api, &owner, &package).await?;
    if !versions.iter().any(|v| v.tags().iter().any(|t| t != tag)) {
        let owner_name = repo.split('/').next().unwrap_or_default();
        let page = super::ghcr::settings_url(owner_name, &package, matches!(owner, Owner::Org(_)));
        return Err(UserError::new(
            Exit::Failure,
            format!("`{tag}` is the last tag of package `{package}`, and GitHub does not delete a package's last tagged version"),
        )
        .hint(format!("nothing changed; tag another version first (`ghcr-cli tag --remote {name}@DIGEST TAG`), or delete the whole package at {page} (Danger Zone)"))
        .into());
    }
    let others: Option<Vec<String>> = match registry.tags_pointing_at(repo, &digest).await {
        Ok(tags) => Some(tags.into_iter().filter(|t| t != tag).collect()),
        Err(e) => {
            ctx.printer.status(format!(
                "warning: cannot list the tags of {name} ({}); the other tags of {digest} will not be checked afterwards",
                crate::http::chain(&e)
            ));
            None
        }
    };
    // The manifest as served, to put back under the tag if the untag cannot finish.
    let original = registry.get_manifest(repo, &digest.to_string()).await?;
    ctx.printer.status(format!(
        "{host} cannot delete a tag alone (a package version goes with all its tags): moving `{tag}` onto a placeholder manifest, then deleting the placeholder's package version"
    ));

    let empty = Digest::sha256_of(EMPTY);
    if registry.blob_exists(repo, &empty).await?.is_none() {
        let chunk = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(Bytes::from_static(EMPTY))
        });
        registry
            .upload_stream_in_new_session(repo, &empty, EMPTY.len() as u64, chunk)
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

    let deleted = delete_placeholder(ctx, &api, &owner, &package, &placeholder).await;
    if let Err(e) = deleted {
        // The tag must not stay on the placeholder: back onto the manifest it named.
        let back = registry
            .put_manifest(repo, tag, &original.media_type, original.bytes.clone())
            .await;
        return Err(match back {
            Ok(_) => e.context(format!(
                "the placeholder's package version was not deleted, so `{tag}` is back on {digest} and nothing was untagged; the placeholder {placeholder} stays, untagged (`ghcr-cli packages delete {name}@{placeholder} --yes` removes it)"
            )),
            Err(put) => e.context(format!(
                "the placeholder's package version was not deleted, and putting `{tag}` back on {digest} failed too ({}): `{tag}` points at the placeholder {placeholder}; `ghcr-cli tag --remote {name}@{digest} {tag}` puts it back",
                crate::http::chain(&put)
            )),
        });
    }

    if let Some(now) = registry.tag_digest(repo, tag).await? {
        ctx.printer.status(format!(
            "warning: `{tag}` still resolves, to {now}; GitHub may take a moment to drop it"
        ));
    }
    for t in others.iter().flatten() {
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
    let kept = match &others {
        None => "its other tags not checked".to_string(),
        Some(o) if o.is_empty() => "now untagged".to_string(),
        Some(o) => format!("still tagged {}", o.join(", ")),
    };
    ctx.printer
        .status(format!("untagged {reference} ({digest} stays, {kept})"));
    ctx.printer.data(format!("{name}:{tag}@{digest}"));
    Ok(())
}

/// Waits for the placeholder to show up as a package version, then deletes that version.
async fn delete_placeholder(
    ctx: &Context,
    api: &crate::github::Github,
    owner: &Owner,
    package: &str,
    placeholder: &Digest,
) -> Result<()> {
    let started = Instant::now();
    let id = loop {
        let (_, versions) = super::packages::versions(api, owner, package).await?;
        if let Some(v) = versions.iter().find(|v| v.name == placeholder.to_string()) {
            break v.id;
        }
        if started.elapsed() > VERSION_WAIT {
            return Err(UserError::new(
                Exit::Failure,
                format!("the placeholder {placeholder} did not show up as a version of package `{package}` within {}s", VERSION_WAIT.as_secs()),
            )
            .into());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    api.delete_version(owner, package, id)
        .await
        .map_err(explain)?;
    ctx.printer
        .status(format!("deleted the placeholder's package version {id}"));
    Ok(())
}
