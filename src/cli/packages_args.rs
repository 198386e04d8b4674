//! The arguments of `packages` and its subcommands (ghcr.io's packages through the GitHub
//! API: list, versions, delete, visibility, restore, and the retention of `prune` and
//! `check`), and the duration syntax `--older-than` and `--pause` take.

use std::time::Duration;

use clap::{Args, Subcommand};

use super::Format;

#[derive(Debug, Args)]
pub struct PackagesArgs {
    #[command(subcommand)]
    pub command: PackagesCommand,
}

#[derive(Debug, Subcommand)]
pub enum PackagesCommand {
    /// List container packages with their visibility and last update
    #[command(after_help = "Example:\n  ghcr-cli packages list --org my-org")]
    List {
        /// An organization's packages [default: your own]
        #[arg(long, conflicts_with = "user")]
        org: Option<String>,
        /// Another user's packages
        #[arg(long)]
        user: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },

    /// List a package's versions: id, digest, tags, creation time
    #[command(after_help = "Example:\n  ghcr-cli packages versions ghcr.io/owner/app")]
    Versions {
        /// The image, such as ghcr.io/owner/app
        image: String,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },

    /// Delete the package version an image tag or digest names
    #[command(after_help = "Example:\n  ghcr-cli packages delete ghcr.io/owner/app@sha256:… --yes")]
    Delete {
        /// IMAGE:TAG or IMAGE@DIGEST
        image: String,
        /// Do not ask for confirmation (needed without a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },

    /// Whether anonymous pulls of a package work, and its settings page (GitHub has no API
    /// that changes visibility or Actions access)
    #[command(after_help = "Example:\n  ghcr-cli packages visibility ghcr.io/owner/app")]
    Visibility {
        /// The image, such as ghcr.io/owner/app (with a tag, that tag is tried)
        image: String,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },

    /// Restore a deleted package version (within GitHub's 30 days)
    #[command(after_help = "Example:\n  ghcr-cli packages restore ghcr.io/owner/app --id 123456")]
    Restore {
        /// The image, such as ghcr.io/owner/app
        image: String,
        /// The version id `packages delete` printed
        #[arg(long, value_name = "ID")]
        id: u64,
    },

    /// Delete old package versions by policy, never a manifest a kept version needs
    #[command(
        after_help = "Reads every kept tagged manifest from the registry first: platform images, attestations and\nreferrers a kept version reaches stay; the children of a deleted index go with it. Shows\nthe plan, asks on a terminal, and needs --yes without one. Run it again to finish a run\nthat stopped.\n\nExamples:\n  ghcr-cli packages prune ghcr.io/owner/app --keep-tagged 10 --untagged --dry-run\n  ghcr-cli packages prune ghcr.io/owner/app --include-tags '^pr-' --older-than 30d --yes"
    )]
    Prune(PackagesPruneArgs),

    /// Report broken images: tagged indexes missing children, orphans, tags on missing manifests
    #[command(
        after_help = "Exit 0 when the package is sound, 1 when it found a problem.\n\nExample:\n  ghcr-cli packages check ghcr.io/owner/app"
    )]
    Check(PackagesCheckArgs),
}

#[derive(Debug, Args)]
pub struct PackagesPruneArgs {
    /// The image whose package versions to prune, such as ghcr.io/owner/app
    pub image: String,
    /// Delete tagged versions beyond the newest N (among those the tag filters select)
    #[arg(long, value_name = "N")]
    pub keep_tagged: Option<usize>,
    /// Delete untagged images: old pushes a tag moved away from, with their own children
    /// (never a manifest a kept version reaches)
    #[arg(long)]
    pub untagged: bool,
    /// With --untagged, keep the newest N untagged images
    #[arg(long, value_name = "N", default_value_t = 0, requires = "untagged")]
    pub keep_untagged: usize,
    /// Also delete orphans: attestations and referrers whose image is gone
    #[arg(long)]
    pub orphans: bool,
    /// Only delete versions created longer ago than this (`30d`, `12h`, `2w`)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub older_than: Option<Duration>,
    /// Only tagged versions with a tag matching REGEX are candidates (alone: delete them
    /// all, as --keep-tagged 0)
    #[arg(long, value_name = "REGEX")]
    pub include_tags: Option<String>,
    /// Tagged versions with a tag matching REGEX are always kept
    #[arg(long, value_name = "REGEX")]
    pub exclude_tags: Option<String>,
    /// Delete without asking (needed without a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show the plan and change nothing (exit 0)
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Wait this long between deletes (GitHub asks for a second between writes)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub pause: Duration,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PackagesCheckArgs {
    /// The image whose package to check, such as ghcr.io/owner/app
    pub image: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `500ms`, `30s`, `15m`, `12h`, `30d`, `2w`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let at = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(at);
    let n: u64 = n.parse().map_err(|_| {
        format!("invalid duration `{s}`: expected a number and a unit, such as 30d or 12h")
    })?;
    let secs = match unit {
        "ms" => return Ok(Duration::from_millis(n)),
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => {
            return Err(format!(
                "invalid duration unit in `{s}`: use ms, s, m, h, d or w"
            ));
        }
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert!(parse_duration("3 days").is_err());
        assert!(parse_duration("d").is_err());
    }
}
