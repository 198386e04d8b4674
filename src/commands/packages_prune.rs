//! `ghcr-cli packages prune`: retention for a ghcr.io package that understands images. It
//! reads every version's manifest from the registry, plans (github/retention.rs), shows the
//! plan, and deletes only with `--yes` (or a "y" on a terminal): parents before children, a
//! child only once every deleted index that lists it is gone, one request at a time with a
//! pause, waiting out GitHub's rate limits. What a run planned and did not finish is kept in
//! the state directory, so the next run finishes it.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use regex::Regex;
use serde::Serialize;

use super::ghcr::explain;
use super::packages_prune_state as state;
use super::packages_survey::{Survey, refusal_hint, survey};
use crate::cli::{Format, PackagesPruneArgs};
use crate::github::deletes::DeleteAnswer;
use crate::github::retention::{Deletion, Graph, Plan, Policy, plan};
use crate::output::{Exit, UserError};
use crate::settings::Context;

/// A rate limit asking for longer than this is waited out in pieces no longer, so that
/// Ctrl-C stays the user's; more than this many limits on one version ends the run.
const MAX_LIMITS_PER_VERSION: u32 = 20;
const MAX_WAIT: Duration = Duration::from_secs(3600);

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    deletion: &'a Deletion,
    /// `planned`, `deleted`, `gone` (an earlier run deleted it), `refused`, `skipped` (an
    /// index listing it was not deleted), or `not reached` (the run stopped first).
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    image: String,
    #[serde(rename = "dryRun")]
    dry_run: bool,
    delete: Vec<Row<'a>>,
    kept: usize,
    #[serde(rename = "keptBecauseReached")]
    kept_reached: usize,
}

pub(super) async fn run(ctx: &Context, args: PackagesPruneArgs) -> Result<()> {
    let policy = policy(&args)?;
    let s = survey(ctx, &args.image).await?;
    // Keyed by the package as parsed, not as typed: `acme/app` and `ghcr.io/acme/app` are
    // one package.
    let identity = format!("{}/{}", s.reference.registry(), s.reference.repository());
    let state = state::path(&ctx.state_dir, &identity);
    let pending = state::read(&state, &identity);
    if let crate::github::Owner::User(user) = &s.owner {
        return Err(UserError::new(
            Exit::Auth,
            format!("`{}` belongs to the user {user}, and GitHub lets only its owner delete its versions", s.reference.name()),
        )
        .hint(format!("log in as {user} (`ghcr-cli login {} -u {user} --password-stdin`)", s.reference.registry()))
        .into());
    }
    let plan = plan(&s.nodes, &Policy { pending, ..policy });
    if let Some((digest, why)) = plan.unread.first() {
        let more = match plan.unread.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(UserError::new(
            Exit::Failure,
            format!("cannot read the kept version {digest} of {} from the registry{more}: {why}", s.reference.name()),
        )
        .hint(format!("nothing was deleted: the versions it lists cannot be known, and would look unused; run the command again once the registry answers, or, if that version is broken for good, delete it alone first (`ghcr-cli packages delete {}@{digest}`)", s.reference.name()))
        .into());
    }
    let image = s.reference.name();
    let n = plan.delete.len();
    ctx.printer.status(format!(
        "plan: delete {n} of {} versions of {image}; keep {} ({} of them because a kept version reaches them)",
        s.nodes.len(),
        plan.kept,
        plan.kept_reached
    ));
    let mut statuses: Vec<(&'static str, Option<String>)> = vec![("planned", None); n];
    if n == 0 {
        let _ = std::fs::remove_file(&state);
        show(ctx, &args, &s, &plan, &statuses, true);
        return Ok(());
    }
    let g = Graph::new(&s.nodes);
    let releases_left = (0..s.nodes.len())
        .filter(|&i| g.is_release(i))
        .count()
        .saturating_sub(plan.delete.iter().filter(|d| d.kind == "tagged").count());
    if releases_left == 0 {
        ctx.printer.status(
            "note: this deletes every tagged version, and GitHub refuses to delete a package's last one",
        );
    }
    if args.dry_run {
        show(ctx, &args, &s, &plan, &statuses, true);
        return Ok(());
    }
    if !args.yes {
        // The plan first, so that it can be read before answering. With JSON, stdout gets
        // one document: the result when the answer is yes, else the plan.
        match args.format {
            Format::Text => table(ctx, &plan, false),
            Format::Json => table(ctx, &plan, true),
        }
        let answer = super::confirm(
            ctx,
            &format!("delete these {n} versions of {image}? [y/N] "),
            &format!("delete {n} package versions"),
        );
        if let Err(e) = answer {
            if args.format == Format::Json {
                show(ctx, &args, &s, &plan, &statuses, true);
            }
            return Err(match e.downcast::<UserError>() {
                Ok(u) if u.exit == Exit::Usage => {
                    u.hint("or `--dry-run` to show the plan and exit 0").into()
                }
                Ok(u) => u.into(),
                Err(e) => e,
            });
        }
    } else if args.format == Format::Text {
        table(ctx, &plan, false);
    }
    state::write(
        &state,
        &identity,
        plan.delete.iter().map(|d| d.digest.as_str()),
    );
    let result = execute(ctx, &args, &s, &plan, &mut statuses).await;
    let left: Vec<&str> = plan
        .delete
        .iter()
        .zip(&statuses)
        .filter(|(_, (st, _))| *st == "not reached" || *st == "planned")
        .map(|(d, _)| d.digest.as_str())
        .collect();
    if left.is_empty() {
        let _ = std::fs::remove_file(&state);
    } else {
        state::write(&state, &identity, left.into_iter());
    }
    if args.format == Format::Json {
        show(ctx, &args, &s, &plan, &statuses, false);
    }
    result?;
    let count = |what: &str| statuses.iter().filter(|(st, _)| *st == what).count();
    let (deleted, gone, refused, skipped) = (
        count("deleted"),
        count("gone"),
        count("refused"),
        count("skipped"),
    );
    ctx.printer.status(format!(
        "deleted {} of {n} versions of {image}{}",
        deleted + gone,
        if gone > 0 {
            format!(" ({gone} were already gone)")
        } else {
            String::new()
        }
    ));
    if refused + skipped > 0 {
        return Err(UserError::new(
            Exit::Failure,
            format!("{refused} versions of {image} were refused and {skipped} kept with them (see above)"),
        )
        .into());
    }
    Ok(())
}

fn policy(args: &PackagesPruneArgs) -> Result<Policy> {
    if args.keep_tagged.is_none() && args.include_tags.is_none() && !args.untagged && !args.orphans
    {
        return Err(UserError::new(Exit::Usage, "say what to prune")
            .hint("`--keep-tagged N` (tagged versions), `--untagged` (untagged images), `--orphans`, or `--include-tags REGEX`; add `--dry-run` to see the plan")
            .into());
    }
    let regex = |flag: &str, r: &Option<String>| -> Result<Option<Regex>> {
        r.as_deref()
            .map(|r| {
                Regex::new(r).map_err(|e| {
                    UserError::new(Exit::Usage, format!("invalid {flag} `{r}`: {e}")).into()
                })
            })
            .transpose()
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Ok(Policy {
        keep_tagged: args.keep_tagged,
        include: regex("--include-tags", &args.include_tags)?,
        exclude: regex("--exclude-tags", &args.exclude_tags)?,
        untagged: args.untagged,
        keep_untagged: args.keep_untagged,
        orphans: args.orphans,
        cutoff: args.older_than.map(|d| now - d.as_secs() as i64),
        pending: BTreeSet::new(),
    })
}

/// Deletes in plan order; stops at the first failure that is not about one version.
async fn execute(
    ctx: &Context,
    args: &PackagesPruneArgs,
    s: &Survey,
    plan: &Plan,
    statuses: &mut [(&'static str, Option<String>)],
) -> Result<()> {
    let image = s.reference.name();
    let n = plan.delete.len();
    let mut deleted: BTreeSet<&str> = BTreeSet::new();
    for st in statuses.iter_mut() {
        *st = ("not reached", None);
    }
    for (k, d) in plan.delete.iter().enumerate() {
        if let Some(p) = d.parents.iter().find(|p| !deleted.contains(p.as_str())) {
            statuses[k] = (
                "skipped",
                Some(format!("{p}, which lists it, was not deleted")),
            );
            ctx.printer.status(format!(
                "keeping version {} ({}): the index {p} that lists it stays",
                d.id, d.digest
            ));
            continue;
        }
        if k > 0 && !args.pause.is_zero() {
            tokio::time::sleep(args.pause).await;
        }
        ctx.printer.status(format!(
            "deleting {}/{n}: version {} {} ({})",
            k + 1,
            d.id,
            d.digest,
            if d.tags.is_empty() {
                d.reason.clone()
            } else {
                d.tags.join(", ")
            }
        ));
        let mut limits = 0;
        loop {
            match s.api.delete_version_paced(&s.owner, &s.package, d.id).await {
                DeleteAnswer::Deleted { exhausted_for } => {
                    statuses[k] = ("deleted", None);
                    deleted.insert(d.digest.as_str());
                    if let Some(w) = exhausted_for.filter(|_| k + 1 < n) {
                        let w = w.min(MAX_WAIT);
                        ctx.printer.status(format!(
                            "GitHub's rate limit is used up (x-ratelimit-remaining: 0); waiting {}s for it to reset",
                            w.as_secs()
                        ));
                        tokio::time::sleep(w).await;
                    }
                    break;
                }
                DeleteAnswer::Gone => {
                    statuses[k] = ("gone", None);
                    deleted.insert(d.digest.as_str());
                    break;
                }
                DeleteAnswer::Limited { wait, message } => {
                    limits += 1;
                    if limits > MAX_LIMITS_PER_VERSION {
                        return Err(UserError::new(
                            Exit::Failure,
                            format!("GitHub kept rate-limiting the delete of version {} ({limits} times); stopped", d.id),
                        )
                        .hint(format!("run the same command again later to finish: it resumes with what is left of {image}"))
                        .into());
                    }
                    let wait = wait.min(MAX_WAIT);
                    let why = if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    };
                    ctx.printer.status(format!(
                        "GitHub's rate limit{why}; waiting {}s (Retry-After), then deleting version {} again",
                        wait.as_secs(),
                        d.id
                    ));
                    tokio::time::sleep(wait).await;
                }
                DeleteAnswer::Refused { status, message } => {
                    let hint = refusal_hint(&message, s);
                    ctx.printer.status(format!(
                        "error: GitHub refused to delete version {} ({}) of {image} ({status}): {message}",
                        d.id,
                        if d.tags.is_empty() { d.digest.clone() } else { d.tags.join(", ") }
                    ));
                    ctx.printer.status(format!("hint: {hint}"));
                    statuses[k] = ("refused", Some(message));
                    break;
                }
                DeleteAnswer::Failed(e) => {
                    let done = statuses
                        .iter()
                        .filter(|(st, _)| matches!(*st, "deleted" | "gone"))
                        .count();
                    return Err(explain(e).context(format!(
                        "stopped after deleting {done} of {n} versions of {image}; run the same command again to finish"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// The plan (and what became of it) on stdout: a table, or one JSON document.
fn show(
    ctx: &Context,
    args: &PackagesPruneArgs,
    s: &Survey,
    plan: &Plan,
    statuses: &[(&'static str, Option<String>)],
    dry: bool,
) {
    match args.format {
        Format::Text => table(ctx, plan, false),
        Format::Json => ctx.printer.json(&Report {
            image: s.reference.name().to_string(),
            dry_run: dry,
            delete: plan
                .delete
                .iter()
                .zip(statuses)
                .map(|(deletion, (status, message))| Row {
                    deletion,
                    status,
                    message: message.clone(),
                })
                .collect(),
            kept: plan.kept,
            kept_reached: plan.kept_reached,
        }),
    }
}

/// One line per version to delete; on stderr when stdout carries JSON.
fn table(ctx: &Context, plan: &Plan, to_stderr: bool) {
    let rows: Vec<[String; 5]> = plan
        .delete
        .iter()
        .map(|d| {
            [
                d.id.to_string(),
                d.digest.clone(),
                if d.tags.is_empty() {
                    "-".into()
                } else {
                    d.tags.join(",")
                },
                d.created_at.clone().unwrap_or_else(|| "-".into()),
                format!("{}: {}", d.kind, d.reason),
            ]
        })
        .collect();
    let header = ["ID", "DIGEST", "TAGS", "CREATED", "WHY"].map(str::to_string);
    let mut widths = [0usize; 4];
    for r in std::iter::once(&header).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(c.len());
        }
    }
    for r in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        if to_stderr {
            ctx.printer.status(line.trim_end());
        } else {
            ctx.printer.data(line.trim_end());
        }
    }
}
