//! `ghcr-cli sync CONFIG`: mirrors what a YAML config lists (see `transfer::sync`), one
//! line (or JSON object) per image on stdout as each finishes; exit 1 when any image failed,
//! or with `--check` when any differs.

use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, SyncArgs};
use crate::http::Pace;
use crate::output::{Exit, Printer, UserError};
use crate::settings::Context;
use crate::transfer::sync::{self, CredentialSource, ImageResult, Shard, State, Status};

/// Images, and blobs per target registry, in flight at once.
const SYNC_AT_ONCE: usize = 16;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImageJson<'a> {
    source: &'a str,
    target: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    /// What the target had, when it differed.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    blobs_copied: usize,
    blobs_mounted: usize,
    blobs_present: usize,
    bytes_copied: u64,
    referrers: usize,
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Copied => "copied",
        Status::InSync => "in-sync",
        Status::Differs => "differs",
        Status::Failed => "failed",
    }
}

struct Lines {
    printer: Printer,
    format: Format,
}

impl sync::Reporter for Lines {
    fn image(&self, r: &ImageResult) {
        let word = status_word(r.status);
        match self.format {
            Format::Json => {
                let json = ImageJson {
                    source: &r.source,
                    target: &r.target,
                    status: word,
                    digest: r.digest.as_ref().map(ToString::to_string),
                    previous: r.previous.as_ref().map(ToString::to_string),
                    reason: r.reason.as_deref(),
                    blobs_copied: r.moved.uploaded,
                    blobs_mounted: r.moved.mounted,
                    blobs_present: r.moved.present,
                    bytes_copied: r.moved.bytes,
                    referrers: r.referrers,
                };
                // One compact object per line: the report streams as images finish.
                match serde_json::to_string(&json) {
                    Ok(line) => self.printer.data(line),
                    Err(e) => self
                        .printer
                        .status(format!("error: cannot encode JSON: {e}")),
                }
            }
            Format::Text => {
                let line = match (r.status, &r.digest) {
                    (Status::Failed, _) => format!(
                        "{word:<8} {} <- {}: {}",
                        r.target,
                        r.source,
                        r.reason.as_deref().unwrap_or("")
                    ),
                    (Status::Differs, Some(d)) => format!(
                        "{word:<8} {} <- {} ({} -> {d})",
                        r.target,
                        r.source,
                        r.previous
                            .as_ref()
                            .map_or("absent".to_string(), ToString::to_string)
                    ),
                    (_, Some(d)) => format!("{word:<8} {}@{d}", r.target),
                    (_, None) => format!("{word:<8} {}", r.target),
                };
                self.printer.data(line);
            }
        }
    }
}

pub async fn run(ctx: &Context, args: SyncArgs) -> Result<()> {
    let config = sync::config::load(&args.file, &ctx.defaults)?;
    let shard = args.shard.map(|(index, count)| Shard { index, count });
    let connect = |name: &str| {
        let settings = config.registry(name);
        let mut options = ctx.options_for(name);
        if settings.max_concurrent.is_some() || settings.requests_per_second.is_some() {
            options.http.pace = Some(Arc::new(Pace::new(
                settings.max_concurrent,
                settings.requests_per_second,
            )));
        } else {
            // No limits asked: the pacer still reads the quotas a registry reports.
            options.http.pace = Some(Arc::new(Pace::new(None, None)));
        }
        let credentials = match settings.credentials {
            CredentialSource::Auto => ctx.credentials(name),
            CredentialSource::Anonymous => None,
        };
        crate::registry::Registry::new(name, credentials, &options)
    };
    // Written by every run that copies, so a later run can trust it.
    let state = (args.trust_state || !args.check).then(|| State::open(&state_path(ctx, &args)));
    let options = sync::Options {
        check: args.check,
        fail_fast: args.fail_fast,
        shard,
        trust_state: args.trust_state,
        // 16 at most, as a copy starts: --jobs' default grew to 64 for the adaptive limit of
        // single transfers, and a mirror's many images at 64 each would hold 64 streams' buffers.
        images: ctx.jobs.clamp(1, SYNC_AT_ONCE),
        jobs: ctx.jobs.clamp(1, SYNC_AT_ONCE),
    };
    let reporter = Lines {
        printer: ctx.printer,
        format: args.format,
    };
    let summary = sync::run(
        &config,
        &options,
        &connect,
        state.as_ref(),
        ctx.progress(),
        &reporter,
    )
    .await;
    ctx.printer.status(format!(
        "{} {}, {} in sync{}{}",
        summary.copied,
        if args.check { "to copy" } else { "copied" },
        summary.in_sync,
        if args.check {
            format!(", {} differ", summary.differs)
        } else {
            String::new()
        },
        if summary.failed.is_empty() {
            String::new()
        } else {
            format!(", {} failed", summary.failed.len())
        }
    ));
    if !summary.failed.is_empty() {
        let mut e = UserError::new(
            Exit::Failure,
            format!(
                "{} image{} failed{}: {}",
                summary.failed.len(),
                if summary.failed.len() == 1 { "" } else { "s" },
                if summary.stopped {
                    " (--fail-fast stopped the sync)"
                } else {
                    ""
                },
                summary.failed.join(", ")
            ),
        );
        e = e.hint(format!(
            "the reasons are listed above; run `ghcr-cli sync {}` again to retry: what is on the target is not sent again",
            args.file.display()
        ));
        return Err(e.into());
    }
    if args.check && summary.differs > 0 {
        return Err(UserError::new(
            Exit::Failure,
            format!(
                "{} image{} out of sync",
                summary.differs,
                if summary.differs == 1 { " is" } else { "s are" }
            ),
        )
        .hint(format!(
            "run `ghcr-cli sync {}` to copy them",
            args.file.display()
        ))
        .into());
    }
    Ok(())
}

/// The state file for this config (and shard): under `$XDG_STATE_HOME/ghcr-cli/sync/`,
/// named by a hash of the config's absolute path.
fn state_path(ctx: &Context, args: &SyncArgs) -> std::path::PathBuf {
    let path = std::path::absolute(&args.file).unwrap_or_else(|_| args.file.clone());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.to_string_lossy().as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let shard = args
        .shard
        .map(|(i, n)| format!("-{i}of{n}"))
        .unwrap_or_default();
    ctx.state_dir
        .join("sync")
        .join(format!("{h:016x}{shard}.state"))
}
