//! Docker's credential-helper protocol, answered from the keyring (or, for a `login --with-gh
//! --no-store`, from `gh auth token`): `get`, `store`, `erase`
//! and `list`, JSON on stdin and stdout. Runs as `ghcr-cli credential-helper VERB` or as
//! `docker-credential-ghcr-cli VERB` (a link with that name).

use std::collections::BTreeMap;
use std::io::Read;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use crate::cli::HelperVerb;
use crate::credentials::docker::key_host;
use crate::credentials::logins::Login;
use crate::credentials::{self, Secret};
use crate::output::{Exit, UserError};
use crate::settings::Context;

/// The exact text Docker's own helpers print for a missing entry; docker looks for it.
const NOT_FOUND: &str = "credentials not found in native keychain";

#[derive(Serialize, Deserialize)]
struct HelperCredentials {
    #[serde(rename = "ServerURL", default)]
    server_url: String,
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Secret")]
    secret: String,
}

pub fn run(ctx: &Context, verb: HelperVerb) -> Result<()> {
    let mut input = String::new();
    if verb != HelperVerb::List {
        std::io::stdin()
            .read_to_string(&mut input)
            .context("cannot read the request from stdin")?;
    }
    let mut logins = credentials::Logins::load(&ctx.config_dir)?;
    match verb {
        HelperVerb::Get => {
            let server = input.trim();
            let registry = key_host(server);
            // A `login --with-gh --no-store`: gh's token of the moment, as for ghcr-cli itself.
            if let Some(gh) = logins.gh(&registry) {
                let secret =
                    credentials::gh::token(ctx.credential_env.gh.as_deref(), &gh.hostname)?;
                let reply = HelperCredentials {
                    server_url: server.to_string(),
                    username: gh.username.clone(),
                    secret: secret.expose().to_string(),
                };
                ctx.printer.data(serde_json::to_string(&reply)?);
                return Ok(());
            }
            let Some(login) = logins.get(&registry) else {
                return Err(not_found(ctx));
            };
            let keyring = ctx.credential_env.keyring_named(login.keyring.id())?;
            let Some(secret) = keyring.get(&registry)? else {
                return Err(not_found(ctx));
            };
            let reply = HelperCredentials {
                server_url: server.to_string(),
                username: login.username.clone(),
                secret: secret.expose().to_string(),
            };
            ctx.printer.data(serde_json::to_string(&reply)?);
        }
        HelperVerb::Store => {
            let req: HelperCredentials = serde_json::from_str(&input)
                .map_err(|e| UserError::new(Exit::Usage, format!("invalid store request: {e}")))?;
            let registry = key_host(&req.server_url);
            let keyring = ctx.credential_env.keyring()?;
            keyring.set(&registry, &Secret::new(req.secret))?;
            logins.set(
                &registry,
                Login {
                    username: req.username,
                    keyring: keyring.backend,
                },
            );
            // A stored login replaces one that asked gh each time, as `login` does.
            logins.remove_gh(&registry);
            logins.save()?;
        }
        HelperVerb::Erase => {
            let registry = key_host(input.trim());
            let Some(login) = logins.remove(&registry) else {
                return Err(not_found(ctx));
            };
            ctx.credential_env
                .keyring_named(login.keyring.id())?
                .delete(&registry)?;
            logins.save()?;
        }
        HelperVerb::List => {
            let list: BTreeMap<&String, &String> =
                logins.iter().map(|(r, l)| (r, &l.username)).collect();
            ctx.printer.data(serde_json::to_string(&list)?);
        }
    }
    Ok(())
}

fn not_found(ctx: &Context) -> anyhow::Error {
    // Docker matches this message on stdout.
    ctx.printer.data(NOT_FOUND);
    UserError::new(Exit::Failure, NOT_FOUND).into()
}
