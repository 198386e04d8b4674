//! Where the shared flags appear. Derive can make a flag global (shown on every command) or
//! local to one struct, but users expect `ghcr-cli pull --insecure …` as well as
//! `ghcr-cli --insecure pull …`, and `tag --help` should not list `--jobs`. So the top level
//! declares these flags (hidden, so they still work before the command), and here each one is
//! copied onto the commands that use it, shown there; after parsing, a value given after the
//! command is lifted into [`GlobalArgs`]. `--config` is accepted after every command but
//! `inspect`, whose own `--config` prints the image's config (as skopeo's does).

use std::ffi::OsString;

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::{Cli, GlobalArgs};

/// Commands that talk to a registry or to the GitHub API.
const NETWORK: &[&str] = &[
    "pull",
    "push",
    "tag",
    "inspect",
    "digest",
    "tags",
    "repos",
    "copy",
    "sync",
    "delete",
    "untag",
    "login",
    "whoami",
    "packages",
    "artifact",
    "attach",
    "referrers",
    "mutate",
    "append",
    "blob",
    "export",
];
/// Commands that move blobs, where `--jobs` sets how many at once.
const TRANSFER: &[&str] = &["pull", "push", "copy", "sync", "artifact", "attach"];
/// The GitHub API is never reached over plain HTTP or unverified TLS.
const NEVER_INSECURE: &[&str] = &["packages"];

/// What `-q` does on a command, when it is more than the usual quiet.
fn quiet_help(command: &str) -> &'static str {
    match command {
        "images" => "Print only the names, one per line",
        "pull" | "push" | "copy" => {
            "No progress, notes or warnings on stderr; stdout still prints the result"
        }
        "completion" | "man" => "No notes on stderr",
        _ => "No notes or warnings on stderr (errors still print); stdout is unchanged",
    }
}

/// The whole command line: the derived commands with the shared flags placed.
pub fn command() -> clap::Command {
    let top = Cli::command();
    let shared = |id: &str| -> clap::Arg {
        top.get_arguments()
            .find(|a| a.get_id() == id)
            .cloned()
            .unwrap_or_else(|| panic!("the top level declares --{id}"))
    };
    let config = shared("config").hide(true);
    let network: Vec<clap::Arg> = ["ca_file", "insecure", "retries"]
        .iter()
        .map(|id| shared(id).hide(false))
        .collect();
    let jobs = shared("jobs").hide(false);
    let quiet = shared("quiet");
    let place = move |name: &str, mut cmd: clap::Command| -> clap::Command {
        if name != "inspect" {
            cmd = cmd.arg(config.clone());
        }
        if NETWORK.contains(&name) {
            for arg in &network {
                if arg.get_id() == "insecure" && NEVER_INSECURE.contains(&name) {
                    continue;
                }
                cmd = cmd.arg(arg.clone());
            }
        }
        if TRANSFER.contains(&name) {
            cmd = cmd.arg(jobs.clone());
        }
        cmd.arg(quiet.clone().help(quiet_help(name)))
    };
    top.clone().mut_subcommands(move |sub| {
        let name = sub.get_name().to_string();
        let sub = place(&name, sub);
        // `packages list …`: the nested commands take the same flags as their parent.
        let nested = place.clone();
        sub.mut_subcommands(move |inner| nested(&name, inner))
    })
}

/// Parses `args`, with the shared flags lifted from wherever they were given.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    let mut level = matches.subcommand();
    while let Some((_, m)) = level {
        lift(&mut cli.global, m);
        level = m.subcommand();
    }
    Ok(cli)
}

/// [`try_parse_from`], exiting with clap's message and code on a usage error.
pub fn parse<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    try_parse_from(args).unwrap_or_else(|e| e.exit())
}

/// A value typed after the command wins over one before it; values from the environment are
/// already in `global` (read once, at the top level).
fn lift(global: &mut GlobalArgs, m: &ArgMatches) {
    global.config = typed(m, "config").or(global.config.take());
    global.ca_file = typed(m, "ca_file").or(global.ca_file.take());
    global.jobs = typed(m, "jobs").or(global.jobs);
    global.retries = typed(m, "retries").or(global.retries);
    global.insecure |= typed::<bool>(m, "insecure").is_some();
    global.quiet |= typed::<bool>(m, "quiet").is_some();
}

/// The value of `id` when it was typed on this command's part of the line (not a default,
/// not the environment). `inspect --config` is a flag, not a path: its type does not match
/// and it is not lifted.
fn typed<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    // `value_source` panics (in debug builds) on an id the command does not define.
    let given =
        m.ids().any(|i| i.as_str() == id) && m.value_source(id) == Some(ValueSource::CommandLine);
    if !given {
        return None;
    }
    m.try_get_one::<T>(id).ok().flatten().cloned()
}
