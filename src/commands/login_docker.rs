//! `ghcr-cli login REGISTRY --docker [--undo]`: let `docker push`/`pull` take the login from
//! ghcr-cli's keyring, through a `docker-credential-ghcr-cli` link to this binary and a
//! `credHelpers` entry in Docker's config.json; no secret is written anywhere. What it
//! changed is recorded (credentials/setup_record.rs), and `--undo` takes back exactly that:
//! the entry (naming again the helper it replaced), and the link once nothing else uses it
//! (pointed back where it pointed, or left when it was there before).

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::credentials::cred_helpers::{HelperRemoved, HelperSet};
use crate::credentials::docker::{DockerConfig, server_url};
use crate::credentials::helper_link::{self, HELPER, LINK_NAME, Linked};
use crate::credentials::setup_record::{LinkRecord, RegistryRecord, SetupRecord};
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
    let records = record_dir(ctx, &dir);
    let mut record = SetupRecord::load(&records)
        .with_context(|| "cannot read what `login --docker` set up before".to_string())?;
    if undo {
        take_back(ctx, registry, &dir, &exe, record.as_mut())?;
        if let Some(record) = record {
            save_record(&records, &record)?;
        }
        return Ok(());
    }
    let mut record = record.unwrap_or_default();
    let target = helper_link::stable_target(&exe, &ctx.search_path);
    let linked = helper_link::install(&target, ctx.home.as_deref())?;
    match &linked {
        Linked::Created(p) => {
            ctx.printer.status(format!(
                "linked `{}` to `{}`",
                p.display(),
                target.display()
            ));
            record.link.get_or_insert(LinkRecord {
                path: p.clone(),
                previous: None,
            });
        }
        Linked::Unchanged(p) => ctx.printer.status(format!(
            "`{}` already links to `{}`",
            p.display(),
            target.display()
        )),
        Linked::Replaced { path, previous } => {
            ctx.printer.status(format!(
                "linked `{}` to `{}` (it pointed at `{}`)",
                path.display(),
                target.display(),
                previous.display()
            ));
            // A second set-up keeps what the first one found.
            record.link.get_or_insert(LinkRecord {
                path: path.clone(),
                previous: Some(previous.clone()),
            });
        }
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
    let outcome = config.set_helper(registry, HELPER)?;
    let previous_helper = match &outcome {
        HelperSet::Replaced { previous } => Some(previous.clone()),
        HelperSet::Added | HelperSet::Unchanged => None,
    };
    if outcome != HelperSet::Unchanged {
        record
            .registries
            .entry(registry.to_string())
            .or_insert(RegistryRecord { previous_helper });
    }
    // Recorded before the change: an undo after a failed write finds nothing to take back.
    save_record(&records, &record)?;
    match outcome {
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

/// `--undo`: takes back ghcr-cli's `credHelpers` entry for `registry` (naming again the helper
/// it replaced; another helper's entry stays), then the link, when no other entry names
/// ghcr-cli: as `record` says it was before, or (no record: a set-up by hand or by an older
/// ghcr-cli) every link in the usual places that points at this binary.
fn take_back(
    ctx: &Context,
    registry: &str,
    dir: &Path,
    exe: &Path,
    mut record: Option<&mut SetupRecord>,
) -> Result<()> {
    let recorded = record
        .as_deref_mut()
        .and_then(|r| r.registries.remove(registry));
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
            let previous = recorded.and_then(|r| r.previous_helper);
            match (config.helper_for(registry).as_deref(), previous) {
                (Some(HELPER), Some(previous)) => {
                    config.set_helper(registry, &previous)?;
                    config.save()?;
                    ctx.printer.status(format!(
                        "gave {registry} back to `docker-credential-{previous}` in `{path}`, as before `login --docker`"
                    ));
                }
                _ => match config.remove_helper(registry, HELPER) {
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
                },
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
    let Some(record) = record else {
        for removed in helper_link::remove(exe, ctx.home.as_deref())? {
            ctx.printer
                .status(format!("removed the link `{}`", removed.display()));
        }
        return Ok(());
    };
    match record.link.take() {
        Some(LinkRecord {
            path,
            previous: Some(previous),
        }) => {
            if helper_link::repoint(&path, &previous, exe)? {
                ctx.printer.status(format!(
                    "pointed the link `{}` back at `{}`",
                    path.display(),
                    previous.display()
                ));
            }
        }
        Some(LinkRecord {
            path,
            previous: None,
        }) => {
            if helper_link::remove_one(&path, exe)? {
                ctx.printer
                    .status(format!("removed the link `{}`", path.display()));
            }
        }
        None => ctx.printer.status(format!(
            "kept `{LINK_NAME}`: it was there before `login --docker`"
        )),
    }
    Ok(())
}

/// Where the record for Docker's config directory `docker_dir` lives: one per directory, so
/// an undo under another `DOCKER_CONFIG` never restores this one's helpers.
fn record_dir(ctx: &Context, docker_dir: &Path) -> std::path::PathBuf {
    use sha2::{Digest as _, Sha256};
    let key = Sha256::digest(docker_dir.as_os_str().as_encoded_bytes());
    let key = format!("{key:x}");
    ctx.state_dir.join("docker-setup").join(&key[..16])
}

fn save_record(records: &Path, record: &SetupRecord) -> Result<()> {
    record.save(records).with_context(|| {
        format!(
            "cannot record what `login --docker` set up in `{}`",
            SetupRecord::path(records).display()
        )
    })
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
