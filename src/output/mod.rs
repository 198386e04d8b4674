//! How results and errors reach the user: data on stdout (text or JSON), everything else on
//! stderr, errors as one `error:` line with causes and `hint:` lines, and the exit codes. What
//! an error means (its exit code and hints) is decided in `commands/exit.rs`.
#![allow(clippy::disallowed_methods)] // the one writer of stdout and stderr

pub(crate) mod progress;

use std::io::{self, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use thiserror::Error;

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

/// Prints an error to stderr: its `error:` and `caused by:` lines and hints, which the
/// command layer worked out (`commands/exit.rs`). A failed write of the output is one line,
/// whatever wrapped it; a closed pipe prints nothing.
pub fn print_error(err: &anyhow::Error, lines: &[String], hints: &[String]) {
    if let Some(e) = output_error(err) {
        if e.kind != io::ErrorKind::BrokenPipe {
            let _ = writeln!(io::stderr().lock(), "error: {e}");
        }
        return;
    }
    let mut stderr = io::stderr().lock();
    for l in lines {
        let _ = writeln!(stderr, "{l}");
    }
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
/// Whether stdout is a terminal (an archive must not be written to one).
pub fn stdout_is_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdout().is_terminal()
}

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
