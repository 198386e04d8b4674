//! How results and errors reach the user: data on stdout (text or JSON), everything else on
//! stderr, errors as one `error:` line with causes and `hint:` lines, and the exit codes.

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use thiserror::Error;

use crate::config::ConfigError;
use crate::http::HttpError;
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
    if let Some(e) = output_error(err) {
        // A reader that went away (`| head`) is not a failure; a full disk is.
        return if e.kind == io::ErrorKind::BrokenPipe {
            Exit::Success
        } else {
            Exit::Failure
        };
    }
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
                RegistryError::Unauthorized { .. }
                | RegistryError::AuthRequired { .. }
                | RegistryError::Denied { .. } => Exit::Auth,
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

/// Prints `error: …`, its causes, and hints, to stderr. A failed write of the output is one
/// line, whatever wrapped it; a closed pipe prints nothing.
pub fn print_error(err: &anyhow::Error) {
    if let Some(e) = output_error(err) {
        if e.kind != io::ErrorKind::BrokenPipe {
            let _ = writeln!(io::stderr().lock(), "error: {e}");
        }
        return;
    }
    let mut lines = vec![format!("error: {err}")];
    let mut hints: Vec<String> = Vec::new();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        // thiserror `transparent` wrappers repeat their source; print each text once.
        if !lines.iter().any(|l| l.ends_with(&text)) {
            lines.push(format!("  caused by: {text}"));
        }
        // Below a classified network error lie the HTTP library's own layers; the kind
        // already says what they would, except the system's word for a broken connection.
        if let Some(http) = http_error(cause) {
            if let HttpError::Broken { .. } | HttpError::Refused { .. } = http
                && let Some(root) = std::iter::successors(cause.source(), |c| c.source()).last()
            {
                lines.push(format!("  caused by: {root}"));
            }
            break;
        }
    }
    for cause in err.chain() {
        if let Some(http) = http_error(cause) {
            hints.extend(network_hint(http));
        }
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
        if let Some(RegistryError::CleartextRealm { realm_host, .. }) = registry_error(cause) {
            hints.push(format!(
                "if `{realm_host}` may see the password unencrypted, mark it insecure in the config file: `[registries.\"{realm_host}\"]` with `insecure = true`; or have the registry name an HTTPS realm"
            ));
        }
        match registry_error(cause) {
            Some(RegistryError::AuthRequired { registry, .. }) => hints.push(format!(
                "log in with `ghcr-cli login {registry} -u USER --password-stdin`, or set GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD"
            )),
            // A command that explained the refusal itself (login) keeps its own hint.
            Some(RegistryError::Unauthorized { registry, .. })
                if !err.chain().any(|c| c.downcast_ref::<UserError>().is_some()) =>
            {
                hints.push(format!(
                    "check the username and the password or token for {registry} (`ghcr-cli whoami {registry}` says where they come from); store new ones with `ghcr-cli login {registry}`"
                ))
            }
            _ => {}
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

/// Why the output could not be written: the target (`stdout`, or a file the user named) and
/// the system's reason without its `(os error N)`. It travels inside an `io::Error` (see
/// [`OutputWriter`]) so that whatever wraps it, the command layer finds it and prints this one
/// line. It deliberately has no `source`, so the error chain stays one line.
#[derive(Debug, Clone, Error)]
#[error("cannot write to {target}: {reason}")]
pub struct OutputError {
    pub target: String,
    pub kind: io::ErrorKind,
    pub reason: String,
}

impl OutputError {
    pub fn new(target: impl Into<String>, e: &io::Error) -> Self {
        let text = e.to_string();
        // "No space left on device (os error 28)" -> "No space left on device"
        let reason = match text.rfind(" (os error ") {
            Some(at) if text.ends_with(')') => text[..at].to_string(),
            _ => text,
        };
        Self {
            target: target.into(),
            kind: e.kind(),
            reason,
        }
    }

    /// The same error as an `io::Error` of the same kind, for `Write` implementations.
    pub fn into_io(self) -> io::Error {
        io::Error::new(self.kind, self)
    }
}

/// The output error anywhere in `err`'s chain: directly, or carried inside an `io::Error`.
pub fn output_error(err: &anyhow::Error) -> Option<&OutputError> {
    err.chain().find_map(|cause| {
        cause.downcast_ref::<OutputError>().or_else(|| {
            cause
                .downcast_ref::<io::Error>()
                .and_then(|e| e.get_ref())
                .and_then(|inner| inner.downcast_ref::<OutputError>())
        })
    })
}

/// A writer whose errors say which output failed ([`OutputError`]), for archives written to
/// stdout or to a path.
pub struct OutputWriter<W> {
    inner: W,
    target: String,
}

impl<W: Write> OutputWriter<W> {
    pub fn new(inner: W, target: impl Into<String>) -> Self {
        Self {
            inner,
            target: target.into(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    fn mark(&self, e: io::Error) -> io::Error {
        // Already marked by an inner OutputWriter: keep the first.
        if e.get_ref().is_some_and(|i| i.is::<OutputError>()) {
            return e;
        }
        OutputError::new(self.target.clone(), &e).into_io()
    }
}

impl<W: Write> Write for OutputWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.mark(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.mark(e))
    }
}

/// stdout, for data too large to go through the [`Printer`] line by line (archives).
pub fn stdout_writer() -> OutputWriter<io::StdoutLock<'static>> {
    OutputWriter::new(io::stdout().lock(), "stdout")
}

/// The first failed write of the [`Printer`]; later data is dropped, and [`finish`] reports it.
static STDOUT_FAILED: Mutex<Option<OutputError>> = Mutex::new(None);

fn stdout_failed() -> bool {
    STDOUT_FAILED.lock().map(|f| f.is_some()).unwrap_or(true)
}

fn record_stdout_failure(e: &io::Error) {
    if let Ok(mut slot) = STDOUT_FAILED.lock()
        && slot.is_none()
    {
        *slot = Some(OutputError::new("stdout", e));
    }
}

/// Flushes stdout at the end of a command and returns the first write that failed, so that
/// `ghcr-cli images > /dev/full` is exit 1 with one line, and `| head -1` is exit 0.
pub fn finish() -> Result<(), OutputError> {
    if let Err(e) = io::stdout().lock().flush() {
        record_stdout_failure(&e);
    }
    match STDOUT_FAILED.lock() {
        Ok(mut slot) => slot.take().map_or(Ok(()), Err),
        Err(_) => Ok(()),
    }
}

/// Writes data to stdout. A write that fails is remembered (see [`finish`]) and the rest of
/// the data is dropped: a closed pipe (`ghcr-cli images | head -1`) is not an error, a full
/// disk is.
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
        let line = line.as_ref();
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        self.raw(&bytes);
    }

    /// Bytes on stdout exactly as given (a completion script), then a flush.
    pub fn raw(&self, bytes: &[u8]) {
        if stdout_failed() {
            return;
        }
        let mut out = io::stdout().lock();
        if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
            record_stdout_failure(&e);
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

/// The network failure behind `cause`, also through the transparent wrappers (which hide it
/// from the error chain by forwarding straight to its source).
fn http_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a HttpError> {
    match registry_error(cause) {
        Some(RegistryError::Http(h)) => Some(h),
        _ => cause.downcast_ref::<HttpError>(),
    }
}

/// What to do about a network failure.
fn network_hint(e: &HttpError) -> Option<String> {
    Some(match e {
        HttpError::UnknownHost { host, .. } => match nearest_registry(host) {
            Some(known) => format!("did you mean `{known}`? check the registry's host name"),
            None => format!("check the host name `{host}`, and that this machine can resolve it"),
        },
        HttpError::Refused { .. } => {
            "nothing listens there: check the host and port, and that the registry is running"
                .into()
        }
        HttpError::Certificate { host, .. } => format!(
            "trust the CA that signed `{host}`'s certificate with `--ca-file FILE` (or `SSL_CERT_FILE=FILE`), or `ca_file` under `[registries.\"{host}\"]` in the config file"
        ),
        HttpError::PlainHttp { host, .. } => format!(
            "this registry speaks plain HTTP: allow it with `--insecure`, or `insecure = true` under `[registries.\"{host}\"]` in the config file (only on a network you trust)"
        ),
        HttpError::Timeout { what, .. } => format!(
            "the registry stopped answering; to wait longer, raise `{what}` (seconds) in the config file, and `deadline` (the time all tries of one request may take)"
        ),
        HttpError::Proxy { .. } => {
            "check HTTPS_PROXY / HTTP_PROXY, or exempt the registry with NO_PROXY".into()
        }
        _ => return None,
    })
}

/// The well-known registry one edit (a letter added, dropped, changed, or two swapped) from
/// `host`, for a typo such as `ghrc.io`.
fn nearest_registry(host: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "ghcr.io",
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "quay.io",
        "gcr.io",
        "public.ecr.aws",
        "mcr.microsoft.com",
        "registry.gitlab.com",
        "nvcr.io",
        "lscr.io",
    ];
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if KNOWN.contains(&host.as_str()) {
        return None;
    }
    KNOWN.iter().copied().find(|k| edit_distance(k, &host) == 1)
}

/// Optimal string alignment distance (Levenshtein plus adjacent swaps).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod network_hint_tests {
    use super::*;

    #[test]
    fn typos_of_well_known_registries_are_suggested() {
        assert_eq!(nearest_registry("ghrc.io"), Some("ghcr.io"));
        assert_eq!(nearest_registry("gchr.io"), Some("ghcr.io"));
        assert_eq!(nearest_registry("gchr.oi"), None);
        assert_eq!(nearest_registry("dockr.io"), Some("docker.io"));
        assert_eq!(nearest_registry("ghcr.io"), None);
        assert_eq!(nearest_registry("registry.example.com"), None);
    }
}
