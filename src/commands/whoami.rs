//! `ghcr-cli whoami`: the username a registry will see and where it comes from; never the
//! secret.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, WhoamiArgs};
use crate::settings::{Context, normalize_registry};

#[derive(Serialize)]
struct WhoamiJson {
    registry: String,
    username: Option<String>,
    /// `environment`, `keyring`, `docker-credential-helper`, `docker-config` or `anonymous`.
    source: String,
    #[serde(rename = "sourceDetail")]
    source_detail: String,
}

pub fn run(ctx: &Context, args: WhoamiArgs) -> Result<()> {
    let registry = normalize_registry(args.registry.as_deref().unwrap_or(&ctx.defaults.registry));
    let found = ctx.credentials(&registry);
    let json = match &found {
        Some(c) => WhoamiJson {
            registry: registry.clone(),
            username: Some(c.username.clone()),
            source: c.source.id().to_string(),
            source_detail: c.source.to_string(),
        },
        None => WhoamiJson {
            registry: registry.clone(),
            username: None,
            source: "anonymous".into(),
            source_detail: "no credentials: requests are anonymous".into(),
        },
    };
    match args.format {
        Format::Json => ctx.printer.json(&json),
        Format::Text => match &json.username {
            Some(u) => ctx
                .printer
                .data(format!("{u} on {registry}, from {}", json.source_detail)),
            None => ctx.printer.data(format!("anonymous on {registry}")),
        },
    }
    Ok(())
}
