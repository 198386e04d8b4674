//! `ghcr-cli login`: check credentials against the registry, then keep the secret in the OS
//! keyring (never a file); `--import-docker` migrates Docker's plaintext `auths`; `--docker`
//! makes Docker ask ghcr-cli for the login (see `login_docker.rs`).

use std::io::{IsTerminal, Read};

use anyhow::{Context as _, Result};

use crate::cli::LoginArgs;
use crate::credentials::docker::DockerConfig;
use crate::credentials::logins::Login;
use crate::credentials::{self, Backend, Credentials, Secret, Source};
use crate::output::{Exit, UserError};
use crate::registry::Registry;
use crate::settings::{Context, normalize_registry};

pub async fn run(ctx: &Context, args: LoginArgs) -> Result<()> {
    if args.import_docker {
        return import_docker(ctx, args.remove_plaintext).await;
    }
    let registry = normalize_registry(args.registry.as_deref().unwrap_or(&ctx.defaults.registry));
    if args.with_gh {
        super::login_gh::run(ctx, &registry, args.no_store, args.hostname.as_deref()).await?;
        if args.docker {
            super::login_docker::run(ctx, &registry, false)?;
        }
        return Ok(());
    }
    let interactive = std::io::stdin().is_terminal();
    let credentials_given =
        args.username.is_some() || args.password.is_some() || args.password_stdin;
    if args.docker && (args.undo || !credentials_given) {
        if args.undo || has_login(ctx, &registry)? {
            return super::login_docker::run(ctx, &registry, args.undo);
        }
        if !interactive {
            return Err(UserError::new(
                Exit::Auth,
                format!("there is no login for {registry} in the keyring for docker to use"),
            )
            .hint(format!(
                "log in and set docker up in one step: `ghcr-cli login {registry} -u USER --password-stdin --docker`"
            ))
            .into());
        }
    }
    let username = match args.username {
        Some(u) if !u.is_empty() => u,
        _ if interactive && !args.password_stdin => prompt_line(ctx, "Username: ")?,
        _ => {
            return Err(UserError::new(Exit::Usage, "no username given")
                .hint(format!(
                    "pass it with -u: `ghcr-cli login {registry} -u USER --password-stdin`"
                ))
                .into());
        }
    };
    let secret = read_secret(
        ctx,
        &registry,
        &username,
        &args.password,
        args.password_stdin,
    )?;
    let creds = Credentials {
        username: username.clone(),
        secret,
        source: Source::Given,
    };
    // Said before the registry is asked: its refusal alone would not say why.
    if ctx.github_api(&registry).is_some() && credentials::gh::is_fine_grained(&creds.secret) {
        ctx.printer.status(format!(
            "warning: this is a fine-grained token; {}",
            super::ghcr::fine_grained_hint()
        ));
    }
    verify(ctx, &registry, &creds).await?;
    let backend = store(ctx, &registry, &creds)?;
    ctx.printer.data("Login Succeeded");
    ctx.printer.status(format!(
        "{username} on {registry}: the secret is stored in {backend}"
    ));
    check_scopes(ctx, &registry, &creds).await;
    if args.docker {
        super::login_docker::run(ctx, &registry, false)?;
    }
    Ok(())
}

/// Whether the keyring holds a secret for `registry` under a login ghcr-cli stored.
/// Whether the keyring holds a login for `registry`. A keyring that cannot be read is an
/// error (with the keyring's hint), not "no login".
fn has_login(ctx: &Context, registry: &str) -> Result<bool> {
    let Some(login) = ctx.logins.get(registry) else {
        return Ok(false);
    };
    let keyring = ctx.credential_env.keyring_named(login.keyring.id())?;
    Ok(keyring.get(registry)?.is_some())
}

/// On ghcr.io, a classic token's scopes (GitHub's `X-OAuth-Scopes`): warn about `repo`,
/// which reaches every repository the user can, and about a missing `write:packages`.
async fn check_scopes(ctx: &Context, registry: &str, creds: &Credentials) {
    let Some(api) = ctx.github_api(registry) else {
        return;
    };
    if credentials::gh::is_fine_grained(&creds.secret) {
        return;
    }
    let scopes = match crate::github::Github::new(&api, creds.secret.clone(), &ctx.http_options()) {
        Ok(gh) => gh.whoami().await.map(|(_, s)| s),
        Err(e) => Err(e),
    };
    match scopes {
        Ok(Some(scopes)) => {
            if scopes.iter().any(|s| s == "repo") {
                ctx.printer.status(
                    "warning: this token has the `repo` scope, which grants access to every repository you can reach; a token with only read:packages, write:packages (and delete:packages) is enough for ghcr.io",
                );
            }
            if !scopes.iter().any(|s| s == "write:packages") {
                ctx.printer.status(
                    "warning: this token lacks the `write:packages` scope: pulls work, pushes will be denied",
                );
            }
        }
        Ok(None) => {}
        Err(e) => ctx
            .printer
            .status(format!("note: could not read the token's scopes: {e}")),
    }
}

/// Checks the credentials the way `docker login` does: ping, then the Basic or Bearer
/// exchange with them. Nothing is stored when this fails.
pub(super) async fn verify(ctx: &Context, registry: &str, creds: &Credentials) -> Result<()> {
    let checked = Registry::new(registry, Some(creds.clone()), &ctx.options_for(registry))?
        .check_login()
        .await;
    match checked {
        Ok(()) => Ok(()),
        // Refused: say so with what to check, not "log in" (that is what failed).
        Err(e @ crate::registry::RegistryError::Unauthorized { .. }) => Err(UserError::new(
            Exit::Auth,
            format!(
                "login to {registry} as {} failed: {e}; nothing was stored",
                creds.username
            ),
        )
        .hint(
            "check the username and the password or token; on ghcr.io, a classic personal access token with read:packages (and write:packages to push)",
        )
        .into()),
        Err(e) => Err(anyhow::Error::new(e).context(format!(
            "login to {registry} as {} failed; nothing was stored",
            creds.username
        ))),
    }
}

/// Puts the secret in the keyring and the username in the login metadata.
pub(super) fn store(ctx: &Context, registry: &str, creds: &Credentials) -> Result<Backend> {
    let keyring = ctx.credential_env.keyring()?;
    keyring
        .set(registry, &creds.secret)
        .with_context(|| format!("cannot store the login for {registry}"))?;
    let mut logins = credentials::Logins::load(&ctx.config_dir)?;
    logins.set(
        registry,
        Login {
            username: creds.username.clone(),
            keyring: keyring.backend,
        },
    );
    // A login stored now replaces one that asked gh each time.
    logins.remove_gh(registry);
    logins.save()?;
    if keyring.backend == Backend::Keyutils {
        ctx.note_once(
            "keyutils",
            "note: the kernel keyutils keyring keeps secrets in memory only: they are lost at reboot, or when the persistent keyring expires after days unused (/proc/sys/kernel/keys/persistent_keyring_expiry); start a Secret Service to keep them on disk, encrypted",
        );
    }
    Ok(keyring.backend)
}

fn read_secret(
    ctx: &Context,
    registry: &str,
    username: &str,
    password: &Option<String>,
    from_stdin: bool,
) -> Result<Secret> {
    let secret = if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the password from stdin")?;
        s.trim_end_matches(['\n', '\r']).to_string()
    } else if let Some(p) = password {
        ctx.printer.status(
            "warning: a password given with -p is visible in the process list and the shell history; use --password-stdin",
        );
        p.clone()
    } else if std::io::stdin().is_terminal() {
        super::prompt::read_secret(&format!("Password for {username}@{registry}: "))
            .context("cannot read the password from the terminal")?
    } else {
        return Err(UserError::new(
            Exit::Usage,
            "no password given, and stdin is not a terminal to ask on",
        )
        .hint(format!(
            "pipe it in: `echo \"$CR_PAT\" | ghcr-cli login {registry} -u {username} --password-stdin`"
        ))
        .into());
    };
    if secret.is_empty() {
        return Err(UserError::new(Exit::Usage, "the password is empty").into());
    }
    Ok(Secret::new(secret))
}

fn prompt_line(ctx: &Context, prompt: &str) -> Result<String> {
    ctx.printer.prompt(prompt);
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read from the terminal")?;
    Ok(line.trim().to_string())
}

/// Copies each plaintext `auths` entry into the keyring once the registry accepts it; with
/// `remove_plaintext`, then deletes exactly those entries from config.json.
async fn import_docker(ctx: &Context, remove_plaintext: bool) -> Result<()> {
    let Some(mut config) = DockerConfig::load(ctx.credential_env.docker_config_dir.as_deref())?
    else {
        return Err(UserError::new(
            Exit::NotFound,
            "there is no docker config.json to import from",
        )
        .hint("it is read from $DOCKER_CONFIG/config.json, else ~/.docker/config.json")
        .into());
    };
    let entries = config.auths();
    if entries.is_empty() {
        ctx.printer.status(format!(
            "`{}` holds no plaintext logins; nothing to import",
            config.path.display()
        ));
        return Ok(());
    }
    let mut imported = Vec::new();
    let mut failed = Vec::new();
    for entry in entries {
        let creds = Credentials {
            username: entry.username.clone(),
            secret: entry.secret.clone(),
            source: Source::DockerConfig(config.path.display().to_string()),
        };
        match verify(ctx, &entry.registry, &creds).await {
            Ok(()) => {
                let backend = store(ctx, &entry.registry, &creds)?;
                ctx.printer.status(format!(
                    "imported {} on {} into {backend}",
                    entry.username, entry.registry
                ));
                ctx.printer.data(&entry.registry);
                imported.push(entry);
            }
            Err(e) => {
                ctx.printer
                    .status(format!("skipped {}: {e:#}", entry.registry));
                failed.push(entry.registry);
            }
        }
    }
    if remove_plaintext && !imported.is_empty() {
        let keys: Vec<String> = imported.iter().map(|e| e.key.clone()).collect();
        config.remove_auths(&keys)?;
        ctx.printer.status(format!(
            "removed {} plaintext login(s) from `{}`; it was rewritten in one step and no backup was kept, since a backup would hold the same secrets",
            imported.len(),
            config.path.display(),
        ));
        if let Some(old) = config.scrub_old_backup(&imported)? {
            ctx.printer.status(format!(
                "also removed them from `{}`, a backup an earlier ghcr-cli left",
                old.display()
            ));
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(UserError::new(
        Exit::Auth,
        format!("the registry refused the docker login for {}", failed.join(", ")),
    )
    .hint("those entries were left as they were; log in to them with `ghcr-cli login HOST -u USER --password-stdin`")
    .into())
}
