//! `ghcr-cli packages visibility IMAGE`: whether anonymous pulls work (an anonymous token and
//! a manifest `HEAD`, or a tag list when no tag is named), and the package's settings page,
//! since GitHub has no API that changes a package's visibility.

use anyhow::Result;
use serde::Serialize;

use super::ghcr::settings_url;
use crate::cli::Format;
use crate::github::Github;
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::registry::{Registry, RegistryError};
use crate::settings::Context;

#[derive(Serialize)]
struct VisibilityJson {
    reference: String,
    /// Whether an anonymous client could read it.
    public: bool,
    /// The package's settings page on GitHub (absent for a registry not backed by GitHub).
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<String>,
}

pub async fn run(ctx: &Context, image: &str, format: Format) -> Result<()> {
    let reference = Reference::parse_partial(image, &ctx.defaults)?;
    let host = reference.registry();
    let anonymous = Registry::new(host, None, &ctx.options_for(host))?;
    let repo = reference.repository();
    let answer = if reference.tag().is_some() || reference.digest().is_some() {
        anonymous
            .head_manifest(repo, &reference.api_reference())
            .await
            .map(|found| found.is_some())
    } else {
        anonymous
            .list_tags(repo, None, None, Some(1))
            .await
            .map(|_| true)
    };
    let public = match answer {
        Ok(true) => true,
        Ok(false) => {
            return Err(UserError::new(
                Exit::NotFound,
                format!("{reference} was not found (anonymous pulls of {} work)", reference.name()),
            )
            .hint(format!("see its tags with `ghcr-cli tags {}`", reference.name()))
            .into());
        }
        Err(
            RegistryError::AuthRequired { .. }
            | RegistryError::Unauthorized { .. }
            | RegistryError::Denied { .. }
            // ghcr.io hides a private package from an anonymous caller.
            | RegistryError::NotFound { .. },
        ) => false,
        Err(e) => return Err(e.into()),
    };
    let settings = match (ctx.github_api(host), repo.split_once('/')) {
        (Some(api), Some((owner, package))) => Some(settings_url(
            owner,
            package,
            is_organization(ctx, host, &api, owner).await,
        )),
        _ => None,
    };
    let json = VisibilityJson {
        reference: reference.to_string(),
        public,
        settings,
    };
    match format {
        Format::Json => ctx.printer.json(&json),
        Format::Text => {
            ctx.printer.data(format!(
                "{}: {}",
                json.reference,
                if public {
                    "public (anonymous pulls work)"
                } else {
                    "private (anonymous pulls are refused)"
                }
            ));
            if let Some(url) = &json.settings {
                ctx.printer.data(format!("settings: {url}"));
                ctx.printer.status(
                    "note: GitHub has no API that changes a package's visibility or its Actions access: change them on that page",
                );
            }
        }
    }
    Ok(())
}

/// Whether `owner` is an organization: not when it is the logged-in user; else GitHub says
/// (with the credentials for `host`); a user when it cannot be asked.
async fn is_organization(ctx: &Context, host: &str, api: &str, owner: &str) -> bool {
    let Some(creds) = ctx.credentials(host) else {
        return false;
    };
    if creds.username.eq_ignore_ascii_case(owner) {
        return false;
    }
    match Github::new(api, creds.secret, &ctx.http_options()) {
        Ok(gh) => match gh.is_organization(owner).await {
            Ok(org) => org,
            Err(e) => {
                ctx.printer.status(format!(
                    "note: cannot tell whether `{owner}` is an organization ({e}); the link is for a user"
                ));
                false
            }
        },
        Err(_) => false,
    }
}
