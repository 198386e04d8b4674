//! `ghcr-cli login ghcr.io --with-gh`: the GitHub CLI's token instead of a typed one. gh runs
//! as a child (`gh auth token --hostname HOST`), so the token is never on a command line; its
//! scopes are read from the GitHub API and a missing `write:packages` is named with the gh
//! command that adds it. `--no-store` keeps only a marker: later commands ask gh again.

use anyhow::Result;

use super::ghcr::{explain, fine_grained_hint};
use crate::credentials::gh::{self, GhError};
use crate::credentials::logins::GhLogin;
use crate::credentials::{Credentials, Logins, Source};
use crate::github::{DEFAULT_API, Github};
use crate::output::{Exit, UserError};
use crate::settings::Context;

pub async fn run(
    ctx: &Context,
    registry: &str,
    no_store: bool,
    hostname: Option<&str>,
) -> Result<()> {
    let Some(api) = ctx.github_api(registry) else {
        return Err(UserError::new(
            Exit::Usage,
            format!("--with-gh logs in to ghcr.io, and {registry} is not backed by GitHub"),
        )
        .hint(format!(
            "for GitHub Enterprise Server, name its API with `github_api` under [registries.\"{registry}\"] in the config file"
        ))
        .into());
    };
    let hostname = hostname.map_or_else(|| gh_host(&api), str::to_string);
    let token = gh::token(ctx.credential_env.gh.as_deref(), &hostname).map_err(|e| {
        let hint = match &e {
            GhError::Missing => "install the GitHub CLI (https://cli.github.com), then `gh auth login -s write:packages`".to_string(),
            _ => format!("log gh in first: `gh auth login --hostname {hostname} -s write:packages`"),
        };
        let exit = super::exit::exit_of(crate::kind::Kind::kind(&e));
        UserError::new(exit, e.to_string()).hint(hint)
    })?;
    if gh::is_fine_grained(&token) {
        return Err(UserError::new(
            Exit::Auth,
            format!("gh's token for {hostname} is a fine-grained token, which GitHub Packages does not accept; nothing was stored"),
        )
        .hint(fine_grained_hint())
        .into());
    }
    let github = Github::new(&api, token.clone(), &ctx.http_options())?;
    let (login, scopes) = github.whoami().await.map_err(explain)?;
    let refresh = match hostname.as_str() {
        "github.com" => "gh auth refresh -s write:packages".to_string(),
        h => format!("gh auth refresh -h {h} -s write:packages"),
    };
    match &scopes {
        Some(scopes) if !scopes.iter().any(|s| s == "write:packages") => {
            ctx.printer.status(format!(
                "warning: gh's token lacks the `write:packages` scope (it has: {}): pulls work, pushes will be denied",
                if scopes.is_empty() { "none".to_string() } else { scopes.join(", ") }
            ));
            ctx.printer
                .status(format!("hint: add it with `{refresh}`"));
        }
        Some(_) => {}
        None => ctx.printer.status(format!(
            "note: GitHub sent no scopes for gh's token (no X-OAuth-Scopes), as for a fine-grained or app token; {}",
            fine_grained_hint()
        )),
    }
    let creds = Credentials {
        username: login.clone(),
        secret: token,
        source: Source::Gh,
    };
    super::login::verify(ctx, registry, &creds).await?;
    if no_store {
        let mut logins = Logins::load(&ctx.config_dir)?;
        // A secret stored earlier for this registry would outlive the choice to store none.
        if let Some(old) = logins.remove(registry) {
            ctx.credential_env
                .keyring_named(old.keyring.id())?
                .delete(registry)?;
            ctx.printer.status(format!(
                "removed the secret stored earlier for {registry} from {}",
                old.keyring
            ));
        }
        logins.set_gh(
            registry,
            GhLogin {
                username: login.clone(),
                hostname: hostname.clone(),
            },
        );
        logins.save()?;
        ctx.printer.data("Login Succeeded");
        ctx.printer.status(format!(
            "{login} on {registry}: nothing stored; each command asks `gh auth token --hostname {hostname}` for the token"
        ));
    } else {
        let backend = super::login::store(ctx, registry, &creds)?;
        ctx.printer.data("Login Succeeded");
        ctx.printer.status(format!(
            "{login} on {registry}: gh's token is stored in {backend}"
        ));
    }
    Ok(())
}

/// The host gh knows the API by: github.com for api.github.com, else the API's own host (a
/// GitHub Enterprise Server's `https://HOST/api/v3`).
fn gh_host(api: &str) -> String {
    if api.trim_end_matches('/') == DEFAULT_API {
        return "github.com".to_string();
    }
    url::Url::parse(api)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| "github.com".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gh_is_asked_for_the_host_of_the_api() {
        assert_eq!(gh_host("https://api.github.com"), "github.com");
        assert_eq!(gh_host("https://api.github.com/"), "github.com");
        assert_eq!(gh_host("https://ghe.example.com/api/v3"), "ghe.example.com");
        assert_eq!(gh_host("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }
}
