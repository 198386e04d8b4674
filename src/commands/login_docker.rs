//! `ghcr-cli login REGISTRY --docker [--undo]`: let `docker push`/`pull` take the login from
//! ghcr-cli's keyring, through a `docker-credential-ghcr-cli` link to this binary and a
//! `credHelpers` entry in Docker's config.json; no secret is written anywhere. `--undo` takes
//! back exactly that entry, and the link once nothing else uses it.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::credentials::cred_helpers::{HelperRemoved, HelperSet};
use crate::credentials::docker::{DockerConfig, server_url};
use crate::credentials::helper_link::{self, HELPER, LINK_NAME, Linked};
use crate::output::{Exit, UserError};
use crate::settings::Context;

pub fn run(ctx: &Context, registry: &str, undo: bool) -> Result<()> {
    let Some(dir) = ctx.credential_env.docker_config_dir.clone() else {
        return Err(UserError::new(
            Exit::Usage,
            "neither DOCKER_CONFIG nor HOME is set, so there is no docker config.json to set up",
        )
        .into());
    };
    let exe = std::env::current_exe()
        .context("cannot find this program's own path, to link docker's helper to it")?;
    if undo {
        return take_back(ctx, registry, &dir, &exe);
    }
    let linked = helper_link::install(&exe, ctx.home.as_deref())?;
    match &linked {
        Linked::Created(p) => {
            ctx.printer
                .status(format!("linked `{}` to `{}`", p.display(), exe.display()))
        }
        Linked::Unchanged(p) => ctx.printer.status(format!(
            "`{}` already links to `{}`",
            p.display(),
            exe.display()
        )),
        Linked::Replaced { path, previous } => ctx.printer.status(format!(
            "linked `{}` to `{}` (it pointed at `{}`)",
            path.display(),
            exe.display(),
            previous.display()
        )),
    }
    if let Some(link_dir) = linked.path().parent()
        && !on_path(ctx, link_dir)
    {
        ctx.printer.status(format!(
            "warning: `{dir}` is not on PATH, and docker looks for `{LINK_NAME}` only there; add it: `export PATH=\"{dir}:$PATH\"`",
            dir = link_dir.display()
        ));
    }

    let (mut config, existed) = DockerConfig::load_or_empty(&dir)?;
    let path = config.path.display().to_string();
    let entry = format!(
        "\"credHelpers\": {{\"{}\": \"{HELPER}\"}}",
        server_url(registry)
    );
    match config.set_helper(registry, HELPER)? {
        HelperSet::Unchanged => ctx
            .printer
            .status(format!("`{path}` already has {entry}; left as it is")),
        HelperSet::Added => {
            config.save()?;
            if existed {
                ctx.printer.status(format!("added {entry} to `{path}`"));
            } else {
                ctx.printer
                    .status(format!("created `{path}` (mode 0600) with {entry}"));
            }
        }
        HelperSet::Replaced { previous } => {
            config.save()?;
            ctx.printer.status(format!(
                "set {entry} in `{path}`; it named `docker-credential-{previous}` before"
            ));
        }
    }
    plaintext_note(ctx, &config, registry);
    ctx.printer.status(format!(
        "docker now gets the login for {registry} from ghcr-cli's keyring; undo with `ghcr-cli login {registry} --docker --undo`"
    ));
    // The helper protocol lets docker write too: say so before a `docker logout` surprises.
    ctx.printer.status(format!(
        "note: `docker login {registry}` now stores into, and `docker logout {registry}` removes, that same keyring login"
    ));
    Ok(())
}

/// `--undo`: removes ghcr-cli's `credHelpers` entry for `registry` (another helper's entry
/// stays), then the link, when no other entry names ghcr-cli.
fn take_back(ctx: &Context, registry: &str, dir: &Path, exe: &Path) -> Result<()> {
    let config = DockerConfig::load(Some(dir))?;
    let users = match config {
        None => {
            ctx.printer.status(format!(
                "there is no `{}`; no credHelpers entry to remove",
                dir.join("config.json").display()
            ));
            Vec::new()
        }
        Some(mut config) => {
            let path = config.path.display().to_string();
            match config.remove_helper(registry, HELPER) {
                HelperRemoved::Removed => {
                    config.save()?;
                    ctx.printer.status(format!(
                        "removed the credHelpers entry for {registry} from `{path}`"
                    ));
                }
                HelperRemoved::NotThere => ctx.printer.status(format!(
                    "`{path}` has no credHelpers entry for {registry}; left as it is"
                )),
                HelperRemoved::Other(other) => ctx.printer.status(format!(
                    "`{path}` gives {registry} to `docker-credential-{other}`, not ghcr-cli; left as it is"
                )),
            }
            plaintext_note(ctx, &config, registry);
            config.helper_users(HELPER)
        }
    };
    if !users.is_empty() {
        ctx.printer.status(format!(
            "kept `{LINK_NAME}`: ghcr-cli is still docker's helper for {}",
            users.join(", ")
        ));
        return Ok(());
    }
    for removed in helper_link::remove(exe, ctx.home.as_deref())? {
        ctx.printer
            .status(format!("removed the link `{}`", removed.display()));
    }
    Ok(())
}

/// A plaintext password for `registry` in `auths` stays where it is (docker no longer reads
/// it for this registry, but it is still on disk): say so, and how to move it.
fn plaintext_note(ctx: &Context, config: &DockerConfig, registry: &str) {
    if let Some(entry) = config.auth_for(registry) {
        ctx.printer.status(format!(
            "note: `{}` still holds a plaintext password for {registry} (`auths` → `{}`); move it into the keyring and off the disk with `ghcr-cli login --import-docker --remove-plaintext`",
            config.path.display(),
            entry.key
        ));
    }
}

/// Whether `dir` is one of PATH's directories (compared once symlinks are resolved).
fn on_path(ctx: &Context, dir: &Path) -> bool {
    let real = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let dir = real(dir);
    ctx.search_path.iter().any(|p| real(p) == dir)
}
