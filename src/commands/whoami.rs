//! `ghcr-cli whoami`: the username a registry will see, where it comes from, and whether the
//! registry accepts it (one authenticated request); never the secret.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, WhoamiArgs};
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::settings::{Context, normalize_registry};

#[derive(Serialize)]
struct WhoamiJson {
    registry: String,
    username: Option<String>,
    /// `environment`, `keyring`, `docker-credential-helper`, `docker-config` or `anonymous`.
    source: String,
    #[serde(rename = "sourceDetail")]
    source_detail: String,
    /// Whether the registry accepted the credentials (absent when it could not be asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<bool>,
    /// On ghcr.io, a classic token's scopes (absent for fine-grained tokens).
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
}

pub async fn run(ctx: &Context, args: WhoamiArgs) -> Result<()> {
    let registry = normalize_registry(args.registry.as_deref().unwrap_or(&ctx.defaults.registry));
    let found = ctx.credentials(&registry);
    let mut json = match &found {
        Some(c) => WhoamiJson {
            registry: registry.clone(),
            username: Some(c.username.clone()),
            source: c.source.id().to_string(),
            source_detail: c.source.to_string(),
            accepted: None,
            scopes: None,
        },
        None => WhoamiJson {
            registry: registry.clone(),
            username: None,
            source: "anonymous".into(),
            source_detail: "no credentials: requests are anonymous".into(),
            accepted: None,
            scopes: None,
        },
    };
    if found.is_some() {
        // With the credentials found above: a second lookup could run `gh` again.
        let client =
            crate::registry::Registry::new(&registry, found.clone(), &ctx.options_for(&registry))?;
        match client.check_login().await {
            Ok(()) => json.accepted = Some(true),
            Err(RegistryError::Unauthorized { .. }) => json.accepted = Some(false),
            Err(e) => ctx.printer.status(format!(
                "note: could not ask {registry} whether it accepts them: {e}"
            )),
        }
    }
    if let (Some(c), Some(_)) = (&found, ctx.github_api(&registry))
        && crate::credentials::gh::is_fine_grained(&c.secret)
    {
        ctx.printer.status(format!(
            "warning: this is a fine-grained token; {}",
            super::ghcr::fine_grained_hint()
        ));
    }
    if let (Some(c), Some(api)) = (&found, ctx.github_api(&registry)) {
        match crate::github::Github::new(&api, c.secret.clone(), &ctx.http_options()) {
            Ok(gh) => match gh.whoami().await {
                Ok((_, scopes)) => json.scopes = scopes,
                Err(e) => ctx
                    .printer
                    .status(format!("note: could not read the token's scopes: {e}")),
            },
            Err(e) => ctx.printer.status(format!("note: {e}")),
        }
    }
    match args.format {
        Format::Json => ctx.printer.json(&json),
        Format::Text => match &json.username {
            Some(u) => {
                let verdict = match json.accepted {
                    Some(true) => " (accepted)",
                    Some(false) => " (refused)",
                    None => "",
                };
                ctx.printer.data(format!(
                    "{u} on {registry}, from {}{verdict}",
                    json.source_detail
                ));
                if let Some(scopes) = &json.scopes {
                    ctx.printer
                        .data(format!("token scopes: {}", scopes.join(", ")));
                }
            }
            None => ctx.printer.data(format!("anonymous on {registry}")),
        },
    }
    if json.accepted == Some(false) {
        return Err(UserError::new(
            Exit::Auth,
            format!(
                "{registry} refused the credentials of `{}` ({})",
                json.username.as_deref().unwrap_or_default(),
                json.source_detail
            ),
        )
        .hint(format!(
            "store working ones with `ghcr-cli login {registry} -u USER --password-stdin`"
        ))
        .into());
    }
    Ok(())
}
