//! How results and errors reach the user: data on stdout (text or JSON), everything else on
//! stderr, errors as one `error:` line with causes and `hint:` lines, and the exit codes.

use std::io::{self, Write};
use std::process::ExitCode;

use thiserror::Error;

use crate::config::ConfigError;
use crate::reference::ReferenceError;
use crate::registry::RegistryError;
use crate::store::StoreError;
use crate::transfer::TransferError;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Usage = 2,
    NotFound = 3,
    Auth = 4,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// An error a command explains itself, with the next commands to run.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct UserError {
    pub message: String,
    pub hints: Vec<String>,
    pub exit: Exit,
}

impl UserError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hints: Vec::new(),
            exit,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
}

/// The registry error behind `cause`, also when a transfer error wraps it transparently.
fn registry_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a RegistryError> {
    match cause.downcast_ref::<TransferError>() {
        Some(TransferError::Registry(e)) => Some(e),
        _ => cause.downcast_ref::<RegistryError>(),
    }
}

/// The exit code for an error: the first cause in the chain that decides it.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<UserError>() {
            return e.exit;
        }
        if cause.downcast_ref::<ReferenceError>().is_some()
            || cause.downcast_ref::<ConfigError>().is_some()
        {
            return Exit::Usage;
        }
        if let Some(e) = registry_error(cause) {
            return match e {
                RegistryError::Unauthorized { .. } | RegistryError::Denied { .. } => Exit::Auth,
                RegistryError::NotFound { .. } => Exit::NotFound,
                _ => Exit::Failure,
            };
        }
        let store = match cause.downcast_ref::<TransferError>() {
            Some(TransferError::NoPlatform { .. }) => {
                return Exit::NotFound;
            }
            Some(TransferError::Store(e)) => Some(e),
            Some(_) => return Exit::Failure,
            None => cause.downcast_ref::<StoreError>(),
        };
        if let Some(StoreError::MissingBlob(_)) = store {
            return Exit::NotFound;
        }
    }
    Exit::Failure
}

/// Prints `error: …`, its causes, and hints, to stderr.
pub fn print_error(err: &anyhow::Error) {
    let mut lines = vec![format!("error: {err}")];
    let mut hints: Vec<String> = Vec::new();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        // thiserror `transparent` wrappers repeat their source; print each text once.
        if !lines.iter().any(|l| l.ends_with(&text)) {
            lines.push(format!("  caused by: {text}"));
        }
    }
    for cause in err.chain() {
        if let Some(u) = cause.downcast_ref::<UserError>() {
            hints.extend(u.hints.iter().cloned());
        }
        if let Some(RegistryError::Denied { detail, .. }) = registry_error(cause)
            && detail.contains("write_package")
        {
            hints.push("in GitHub Actions, give the workflow `permissions: packages: write`; for a package first pushed by hand, also grant the repository access in the package's settings (Manage Actions access)".into());
        }
        if let Some(TransferError::NoPlatform { available, .. }) =
            cause.downcast_ref::<TransferError>()
            && let Some(first) = available
                .split([',', ' '])
                .next()
                .filter(|p| p.contains('/'))
        {
            hints.push(format!("choose one with `--platform {first}`"));
        }
        if let Some(RegistryError::Unauthorized { registry, .. }) = registry_error(cause) {
            hints.push(format!(
                "check the credentials for {registry}: run `ghcr-cli login {registry}`, or set GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD"
            ));
        }
    }
    let mut stderr = io::stderr().lock();
    for l in lines {
        let _ = writeln!(stderr, "{l}");
    }
    hints.dedup();
    for h in hints {
        let _ = writeln!(stderr, "hint: {h}");
    }
}

/// Writes data to stdout. A closed pipe (`ghcr-cli images | head -1`) is not an error.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub quiet: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    /// One line of data on stdout.
    pub fn data(&self, line: impl AsRef<str>) {
        let mut out = io::stdout().lock();
        if let Err(e) = writeln!(out, "{}", line.as_ref()).and_then(|()| out.flush())
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            std::process::exit(0);
        }
    }

    /// A JSON document on stdout.
    pub fn json(&self, value: &impl serde::Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(s) => self.data(s),
            Err(e) => self.status(format!("error: cannot encode JSON: {e}")),
        }
    }

    /// A `-v` trace line on stderr (shown even with `--quiet`: the user asked for it).
    pub fn trace(&self, line: &str) {
        let _ = writeln!(io::stderr().lock(), "trace: {line}");
    }

    /// A question on stderr, with no line break, for an answer typed on the same line.
    pub fn prompt(&self, question: &str) {
        let mut err = io::stderr().lock();
        let _ = write!(err, "{question}").and_then(|()| err.flush());
    }

    /// A status line on stderr, unless `--quiet`.
    pub fn status(&self, line: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{}", line.as_ref());
        }
    }
}

/// `12.3 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}
