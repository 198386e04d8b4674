//! The GitHub CLI as a source of a token: `gh auth token --hostname HOST`, run as a child
//! process whose stdout carries the token. The token is never on any command line (gh's or
//! ours) and never stored by ghcr-cli when the login says so (`login --with-gh --no-store`).
//! Which `gh` runs is decided by settings (the first one on PATH); this layer only runs it.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thiserror::Error;

use super::Secret;

/// The user name GHCR is given with a token whose user is unknown (`GH_TOKEN` or
/// `GITHUB_TOKEN` outside Actions, without `GITHUB_ACTOR`): ghcr.io checks only the token,
/// and any non-empty name is accepted. This one is GitHub's own convention for tokens used
/// as passwords (git over HTTPS with a `GITHUB_TOKEN`).
pub const PLACEHOLDER_USER: &str = "x-access-token";

#[derive(Debug, Error)]
pub enum GhError {
    #[error("the GitHub CLI (`gh`) is not on PATH")]
    Missing,
    #[error("cannot run `{program}`: {reason}")]
    Run { program: String, reason: String },
    #[error("`gh auth token --hostname {hostname}` failed: {reason}")]
    Failed { hostname: String, reason: String },
    #[error("`gh auth token --hostname {hostname}` printed no token")]
    Empty { hostname: String },
    #[error("`gh auth token --hostname {hostname}` did not finish within {}s", GH_DEADLINE.as_secs())]
    TimedOut { hostname: String },
}

/// How long `gh auth token` may take: it reads a file or the keyring, so a gh that takes
/// longer is waiting for something (a locked keyring's prompt) that will not come.
const GH_DEADLINE: Duration = Duration::from_secs(30);

/// Asks `gh` (at `program`, or [`GhError::Missing`]) for its token for `hostname`.
pub fn token(program: Option<&Path>, hostname: &str) -> Result<Secret, GhError> {
    let program = program.ok_or(GhError::Missing)?;
    let run_failed = |e: std::io::Error| GhError::Run {
        program: program.display().to_string(),
        reason: e.to_string(),
    };
    let mut child = Command::new(program)
        .args(["auth", "token", "--hostname", hostname])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(run_failed)?;
    // gh writes a line or two; it cannot fill a pipe while we wait for it to exit.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(run_failed)? {
            break status;
        }
        if started.elapsed() > GH_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(GhError::TimedOut {
                hostname: hostname.to_string(),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    if let Some(mut out) = child.stdout.take() {
        out.read_to_end(&mut stdout).map_err(run_failed)?;
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_end(&mut stderr).map_err(run_failed)?;
    }
    let out = std::process::Output {
        status,
        stdout,
        stderr,
    };
    if !out.status.success() {
        // gh's own words ("no oauth token found for github.com"), never its stdout, which
        // could hold a token.
        let reason: String = String::from_utf8_lossy(&out.stderr)
            .trim()
            .chars()
            .take(300)
            .collect();
        return Err(GhError::Failed {
            hostname: hostname.to_string(),
            reason: if reason.is_empty() {
                out.status.to_string()
            } else {
                reason
            },
        });
    }
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if token.is_empty() {
        return Err(GhError::Empty {
            hostname: hostname.to_string(),
        });
    }
    Ok(Secret::new(token))
}

/// A fine-grained personal access token, which GitHub Packages does not accept.
pub fn is_fine_grained(token: &Secret) -> bool {
    token.expose().starts_with("github_pat_")
}

impl crate::kind::Kind for GhError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            GhError::Missing => crate::kind::ErrorKind::NotFound,
            GhError::Failed { .. } | GhError::Empty { .. } => crate::kind::ErrorKind::Auth,
            GhError::TimedOut { .. } => crate::kind::ErrorKind::Other,
            GhError::Run { .. } => crate::kind::ErrorKind::Other,
        }
    }
}
