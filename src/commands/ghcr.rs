//! What GitHub and ghcr.io's refusals mean, in GHCR's own terms: the hint text for the
//! packages API's errors and for ghcr.io's permission errors. `exit.rs` reaches the latter
//! through [`denied_hint`]; `packages` and `repos` use [`explain`]. Also the pages GitHub
//! has no API for (a package's settings: visibility, Manage Actions access).

use crate::github::GithubError;
use crate::output::UserError;

/// GitHub's refusals, with the next step for each.
pub(super) fn explain(e: GithubError) -> anyhow::Error {
    // A network failure keeps its kind, so the printer can say what to do about it.
    if let GithubError::Http(h) = e {
        return anyhow::Error::new(h).context("cannot reach the GitHub API");
    }
    let sso;
    let hint = match &e {
        GithubError::SsoRequired { url, .. } => {
            sso = match url {
                Some(url) => format!("authorize the token for the organization's single sign-on at {url}, then run the command again"),
                None => "authorize the token for the organization's single sign-on (GitHub → Settings → Developer settings → Personal access tokens → Configure SSO), then run the command again".to_string(),
            };
            Some(sso.as_str())
        }
        GithubError::NotFound { .. } => Some(
            "check the name; a token sees a package only with read:packages and access to it (for an organization's package, the token's user must be a member)",
        ),
        GithubError::Forbidden { .. } => Some(
            "the token needs the delete:packages scope (and admin access to the package): create one at GitHub → Settings → Developer settings, then `ghcr-cli login ghcr.io`",
        ),
        GithubError::Refused {
            status: 400,
            detail,
            ..
        } if detail.contains("5000") || detail.contains("5,000") => Some(
            "GitHub does not delete a public package version downloaded more than 5,000 times; contact GitHub Support",
        ),
        GithubError::Unauthorized { .. } => Some(
            "the stored token is invalid or expired: `ghcr-cli login ghcr.io -u USER --password-stdin`",
        ),
        _ => None,
    };
    let exit = super::exit::exit_of(crate::kind::Kind::kind(&e));
    let mut u = UserError::new(exit, e.to_string());
    if let Some(h) = hint {
        u = u.hint(h);
    }
    u.into()
}

/// ghcr.io's DENIED for a push names the missing permission (`write_package`): in GitHub
/// Actions that is the workflow's `permissions`, or the package's Actions access.
pub(super) fn denied_hint(detail: &str) -> Option<String> {
    detail.contains("write_package").then(|| {
        "in GitHub Actions, give the workflow `permissions: packages: write`; for a package first pushed by hand, also grant the repository access in the package's settings (Manage Actions access)".to_string()
    })
}

/// What to use instead of a fine-grained token: GitHub Packages takes classic tokens only.
pub(super) fn fine_grained_hint() -> &'static str {
    "GitHub Packages accepts only classic tokens: create a classic personal access token with read:packages and write:packages (and delete:packages to delete) at https://github.com/settings/tokens/new?scopes=write:packages, or use gh's own login (`gh auth login -s write:packages`, then `ghcr-cli login ghcr.io --with-gh`)"
}

/// A package's settings page (visibility, Manage Actions access): no API changes either.
pub(super) fn settings_url(owner: &str, package: &str, organization: bool) -> String {
    let kind = if organization { "orgs" } else { "users" };
    let package: String = url::form_urlencoded::byte_serialize(package.as_bytes()).collect();
    format!("https://github.com/{kind}/{owner}/packages/container/{package}/settings")
}

/// `denied: permission_denied: write_package` on a GitHub-backed registry: the repository
/// running the workflow was never given write access to the package.
pub(super) fn write_package_hint(owner: &str, package: &str, organization: bool) -> String {
    format!(
        "give the repository write access under \"Manage Actions access\" at {}, and the workflow `permissions: packages: write`",
        settings_url(owner, package, organization)
    )
}

/// A refused package list. `GITHUB_TOKEN` (an app installation token, `ghs_…`) is scoped to
/// its workflow's repository: it cannot list an organization's packages, which GitHub
/// answers with a 403 or a 404 that would otherwise read as a wrong name or scope.
pub(super) fn explain_listing(
    ctx: &crate::settings::Context,
    registry: &str,
    owner: &crate::github::Owner,
    e: GithubError,
) -> anyhow::Error {
    let installation_token = || {
        ctx.credentials(registry)
            .is_some_and(|c| c.secret.expose().starts_with("ghs_"))
    };
    if let (
        crate::github::Owner::Org(org),
        GithubError::Forbidden { .. } | GithubError::NotFound { .. },
    ) = (owner, &e)
        && installation_token()
    {
        return UserError::new(crate::output::Exit::Auth, e.to_string())
            .hint(format!(
                "GITHUB_TOKEN reaches only the packages of its workflow's repository, not the list of {org}'s packages: use a classic token with read:packages for that (in GHCR_CLI_USERNAME/GHCR_CLI_PASSWORD)"
            ))
            .into();
    }
    explain(e)
}
