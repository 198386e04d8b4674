//! `ghcr-cli logout`: remove a registry's secret from the keyring and its metadata.

use anyhow::Result;

use crate::cli::LogoutArgs;
use crate::credentials;
use crate::settings::{Context, normalize_registry};

pub fn run(ctx: &Context, args: LogoutArgs) -> Result<()> {
    let mut logins = credentials::Logins::load(&ctx.config_dir)?;
    let registries: Vec<String> = if args.all {
        logins.iter().map(|(r, _)| r.clone()).collect()
    } else {
        vec![normalize_registry(
            args.registry.as_deref().unwrap_or(&ctx.defaults.registry),
        )]
    };
    for registry in registries {
        let Some(login) = logins.get(&registry).cloned() else {
            ctx.printer.status(format!("not logged in to {registry}"));
            continue;
        };
        let keyring = ctx.credential_env.keyring_named(login.keyring.id())?;
        keyring.delete(&registry)?;
        logins.remove(&registry);
        logins.save()?;
        ctx.printer.status(format!(
            "removed the login of {} on {registry} from {}",
            login.username, keyring.backend
        ));
        ctx.printer.data(&registry);
    }
    Ok(())
}
