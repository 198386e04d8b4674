//! The one place that knows indicatif: a bar per blob when stderr is a terminal, one plain
//! line per finished blob when it is not, nothing with `--quiet`; and the same for one stream
//! of unknown length (the Docker engine's archive).
#![allow(clippy::disallowed_methods)] // draws progress on stderr, beside output.rs

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::oci::digest::Digest;
use crate::output::human_size;
use crate::transfer::{Outcome, Progress, Silent};

/// `fancy_terminal`: settings found `TERM` set and not `dumb`.
pub fn reporter(quiet: bool, fancy_terminal: bool) -> Arc<dyn Progress> {
    if quiet {
        Arc::new(Silent)
    } else if std::io::stderr().is_terminal() && fancy_terminal {
        Arc::new(Bars::new())
    } else {
        Arc::new(Lines)
    }
}

fn verb(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Downloaded => "downloaded",
        Outcome::Uploaded => "uploaded",
        Outcome::Mounted => "mounted",
        Outcome::AlreadyThere => "already there",
    }
}

/// For logs and CI: one line per blob, when it is done.
struct Lines;

impl Progress for Lines {
    fn begin(&self, _: &Digest, _: u64) {}
    fn advance(&self, _: &Digest, _: u64) {}
    fn end(&self, digest: &Digest, size: u64, outcome: Outcome) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}: {} ({})",
            digest.short(),
            verb(outcome),
            human_size(size)
        );
    }
}

struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<Digest, ProgressBar>>,
    style: ProgressStyle,
}

impl Bars {
    fn new() -> Self {
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        Self {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            bars: Mutex::new(HashMap::new()),
            style,
        }
    }
}

impl Progress for Bars {
    fn begin(&self, digest: &Digest, size: u64) {
        let bar = self.multi.add(ProgressBar::new(size));
        bar.set_style(self.style.clone());
        bar.set_prefix(digest.short());
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(digest.clone(), bar);
        }
    }

    fn advance(&self, digest: &Digest, bytes: u64) {
        if let Some(bar) = self.bars.lock().ok().and_then(|b| b.get(digest).cloned()) {
            bar.inc(bytes);
        }
    }

    fn end(&self, digest: &Digest, size: u64, outcome: Outcome) {
        let bar = self.bars.lock().ok().and_then(|mut b| b.remove(digest));
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        let _ = self.multi.println(format!(
            "{}: {} ({})",
            digest.short(),
            verb(outcome),
            human_size(size)
        ));
    }
}

/// Progress of one stream whose length is not known ahead (`docker save` sends no length):
/// a spinner with the bytes so far on a terminal, one line when it is done otherwise.
pub struct StreamProgress {
    bar: Option<ProgressBar>,
    label: String,
    bytes: std::sync::atomic::AtomicU64,
    quiet: bool,
}

/// A [`StreamProgress`] for `label`, drawn as [`reporter`] decides.
pub fn stream(label: &str, quiet: bool, fancy_terminal: bool) -> StreamProgress {
    let bar = (!quiet && std::io::stderr().is_terminal() && fancy_terminal).then(|| {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {prefix} {bytes:>10} {bytes_per_sec:>12}")
        {
            bar.set_style(style);
        }
        bar.set_prefix(label.to_string());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    StreamProgress {
        bar,
        label: label.to_string(),
        bytes: std::sync::atomic::AtomicU64::new(0),
        quiet,
    }
}

impl StreamProgress {
    pub fn add(&self, n: u64) {
        self.bytes
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Clears the spinner and says how much came.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.quiet {
            let total = self.bytes.load(std::sync::atomic::Ordering::Relaxed);
            let _ = writeln!(
                std::io::stderr().lock(),
                "{}: {} received",
                self.label,
                human_size(total)
            );
        }
    }
}
