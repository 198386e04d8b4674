//! What GitHub and ghcr.io's refusals mean, in GHCR's own terms: the hint text for the
//! packages API's errors and for ghcr.io's permission errors. `exit.rs` reaches the latter
//! through [`denied_hint`]; `packages` and `repos` use [`explain`].

use crate::github::GithubError;
use crate::output::UserError;

/// GitHub's refusals, with the next step for each.
pub(super) fn explain(e: GithubError) -> anyhow::Error {
    // A network failure keeps its kind, so the printer can say what to do about it.
    if let GithubError::Http(h) = e {
        return anyhow::Error::new(h).context("cannot reach the GitHub API");
    }
    let hint = match &e {
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
