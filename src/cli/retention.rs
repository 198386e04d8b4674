//! The arguments of `packages prune` and `packages check` (ghcr.io retention), and the
//! duration syntax their `--older-than` and `--pause` take.

use std::time::Duration;

use clap::Args;

use super::Format;

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
