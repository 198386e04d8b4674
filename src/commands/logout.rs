//! `ghcr-cli logout`: remove a registry's secret from the keyring and its metadata.

use anyhow::Result;

use crate::cli::LogoutArgs;
use crate::credentials;
use crate::settings::{Context, normalize_registry};

pub fn run(ctx: &Context, args: LogoutArgs) -> Result<()> {
    let mut logins = credentials::Logins::load(&ctx.config_dir)?;
    let registries: Vec<String> = if args.all {
        let mut all: Vec<String> = logins.iter().map(|(r, _)| r.clone()).collect();
        all.extend(logins.gh_registries().cloned());
        all.sort();
        all.dedup();
        all
    } else {
        vec![normalize_registry(
            args.registry.as_deref().unwrap_or(&ctx.defaults.registry),
        )]
    };
    for registry in registries {
        // A `login --with-gh --no-store`: only the marker to forget (gh keeps its own login).
        if let Some(gh) = logins.remove_gh(&registry) {
            logins.save()?;
            ctx.printer.status(format!(
                "{registry} no longer asks the GitHub CLI for {}'s token (gh stays logged in: `gh auth logout` ends that)",
                gh.username
            ));
            if logins.get(&registry).is_none() {
                ctx.printer.data(&registry);
                continue;
            }
        }
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
