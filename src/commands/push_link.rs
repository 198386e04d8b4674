//! What `push` does about linking a GHCR package to its repository: `--annotation KEY=VALUE`
//! and `--source URL` write a new top manifest (or index) with those annotations, and a first
//! push to a GitHub-backed registry that carries no `org.opencontainers.image.source` says
//! that the package will not be linked (GitHub links it only at the first push).
//!
//! The annotated manifest is a new blob in the store, not a change to the local image: the
//! local name keeps pointing at the original, so pushing it elsewhere, or again without the
//! flags, gives the original digest. `prune` removes the annotated blob once nothing needs it.

use anyhow::Result;

use super::Local;
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, Parsed};
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::registry::{Registry, RegistryError};
use crate::settings::Context;
use crate::store::Store;
use crate::transfer::TransferError;

/// The annotation (and config label) GitHub links a package to its repository by.
pub const SOURCE: &str = "org.opencontainers.image.source";

/// `--annotation KEY=VALUE…` and `--source URL` as one ordered list of pairs; `--source` is
/// checked (an https URL) and loses a trailing `/` or `.git`, which GitHub does not match.
pub fn requested(annotations: &[String], source: Option<&str>) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for a in annotations {
        let (key, value) = a
            .split_once('=')
            .filter(|(k, _)| !k.trim().is_empty())
            .ok_or_else(|| {
                UserError::new(Exit::Usage, format!("--annotation `{a}` is not KEY=VALUE"))
            })?;
        out.push((key.trim().to_string(), value.to_string()));
    }
    if let Some(url) = source {
        if !url.starts_with("https://") {
            return Err(UserError::new(
                Exit::Usage,
                format!("--source `{url}` is not an https URL"),
            )
            .hint("give the repository's page: `--source https://github.com/OWNER/REPO`")
            .into());
        }
        let url = url.trim_end_matches('/');
        let url = url.strip_suffix(".git").unwrap_or(url);
        if out.iter().any(|(k, v)| k == SOURCE && v != url) {
            return Err(UserError::new(
                Exit::Usage,
                format!("--source and --annotation {SOURCE}=… disagree"),
            )
            .into());
        }
        out.retain(|(k, _)| k != SOURCE);
        out.push((SOURCE.to_string(), url.to_string()));
    }
    Ok(out)
}

/// Writes `local`'s manifest with `pairs` added to its annotations as a new blob, and returns
/// it as the image to push (same media type, a new digest).
pub fn annotate(store: &Store, local: &Local, pairs: &[(String, String)]) -> Result<Local> {
    let bytes = store.read_blob(&local.descriptor.digest, manifest::MAX_MANIFEST_BYTES)?;
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes)?;
    let object = doc.as_object_mut().ok_or_else(|| {
        UserError::new(
            Exit::Failure,
            format!(
                "the manifest {} is not a JSON object",
                local.descriptor.digest
            ),
        )
    })?;
    let annotations = object
        .entry("annotations")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    let map = annotations.as_object_mut().ok_or_else(|| {
        UserError::new(
            Exit::Failure,
            format!(
                "the manifest {} has annotations that are not an object",
                local.descriptor.digest
            ),
        )
    })?;
    for (k, v) in pairs {
        map.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    let new = serde_json::to_vec(&doc)?;
    let digest = Digest::sha256_of(&new);
    store.put_blob(&digest, &new)?;
    let mut descriptor = local.descriptor.clone();
    descriptor.digest = digest;
    descriptor.size = new.len() as u64;
    Ok(Local {
        name: None,
        descriptor,
    })
}

/// On a GitHub-backed registry, the first push of a package (its repository has no tag yet)
/// that carries no source annotation or label: say that it will not be linked, and how to
/// fix it. Anything that cannot be read here keeps quiet: this is advice, not a check.
pub async fn warn_unlinked(
    ctx: &Context,
    registry: &Registry,
    store: &Store,
    repo: &str,
    top: &Descriptor,
) {
    if ctx.github_api(registry.name()).is_none() || carries_source(store, top) {
        return;
    }
    let first = match registry.list_tags(repo, None, None, Some(1)).await {
        Ok(tags) => tags.is_empty(),
        Err(RegistryError::NotFound { .. }) => true,
        Err(_) => false,
    };
    if first {
        ctx.printer.status(format!(
            "warning: this is the first push of {}/{repo}, and it carries no `{SOURCE}`: the package will not be linked to a repository",
            registry.name()
        ));
        ctx.printer.status(
            "hint: push with `--source https://github.com/OWNER/REPO` (or label the image `org.opencontainers.image.source`); later pushes do not link it, connect it in the package's settings then",
        );
    }
}

/// Whether the image names its source: an annotation on the top manifest or index, or a
/// label in the config (of the image, or of any platform image of an index in the store).
fn carries_source(store: &Store, top: &Descriptor) -> bool {
    let Ok((bytes, parsed)) = store.read_manifest(top) else {
        return false;
    };
    let annotated = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("annotations")?.get(SOURCE).cloned())
        .is_some();
    if annotated {
        return true;
    }
    match parsed {
        Parsed::Image(m) => labelled(store, &m.config),
        Parsed::Index(index) => index.manifests.iter().any(|child| {
            matches!(store.read_manifest(child), Ok((_, Parsed::Image(m))) if labelled(store, &m.config))
        }),
    }
}

fn labelled(store: &Store, config: &Descriptor) -> bool {
    store
        .read_blob(&config.digest, 16 * 1024 * 1024)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("config")?.get("Labels")?.get(SOURCE).cloned())
        .is_some()
}

/// GHCR's refusals of a push, as one line and the fix: `denied: permission_denied:
/// write_package` gets the package's "Manage Actions access" page (the owner is taken for a
/// user when it is the user the credentials name, else for an organization, the usual case
/// in Actions); any refusal of a fine-grained token says that a classic one is needed.
pub fn refusal(ctx: &Context, reference: &Reference, err: &anyhow::Error) -> Option<UserError> {
    let host = reference.registry();
    ctx.github_api(host)?;
    let refused = err.chain().find_map(|c| {
        let e = match c.downcast_ref::<TransferError>() {
            Some(TransferError::Registry(e)) => Some(e),
            _ => c.downcast_ref::<RegistryError>(),
        };
        e.filter(|e| {
            matches!(
                e,
                RegistryError::Denied { .. } | RegistryError::Unauthorized { .. }
            )
        })
    })?;
    // Looked up again only on this failure path: the push itself had them.
    if let Some(creds) = ctx.credentials(host)
        && crate::credentials::gh::is_fine_grained(&creds.secret)
    {
        return Some(
            UserError::new(
                Exit::Auth,
                format!(
                    "{host} refused a fine-grained token (from {}): {refused}",
                    creds.source
                ),
            )
            .hint(super::ghcr::fine_grained_hint()),
        );
    }
    let RegistryError::Denied { detail, .. } = refused else {
        return None;
    };
    if !detail.contains("write_package") {
        return None;
    }
    let (owner, package) = reference.repository().split_once('/')?;
    let user = crate::credentials::username(host, &ctx.logins, &ctx.credential_env);
    let organization = !user.is_some_and(|u| u.eq_ignore_ascii_case(owner));
    Some(
        UserError::new(
            Exit::Auth,
            format!(
                "{host} denied writing to the package `{package}` of `{owner}` (permission_denied: write_package)"
            ),
        )
        .hint(super::ghcr::write_package_hint(owner, package, organization)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_loses_git_and_slash_and_annotations_keep_their_order() {
        let pairs = requested(
            &["a=1".to_string(), "b=x=y".to_string()],
            Some("https://github.com/o/r.git/"),
        )
        .expect("valid");
        assert_eq!(
            pairs,
            [
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x=y".to_string()),
                (SOURCE.to_string(), "https://github.com/o/r".to_string()),
            ]
        );
        // The same source both ways is fine; two different ones are not.
        let same = format!("{SOURCE}=https://github.com/o/r");
        assert!(requested(std::slice::from_ref(&same), Some("https://github.com/o/r")).is_ok());
        assert!(requested(&[same], Some("https://github.com/o/other")).is_err());
        assert!(requested(&["=v".to_string()], None).is_err());
        assert!(requested(&[], Some("http://github.com/o/r")).is_err());
    }
}
