//! The arguments of `sync` and the `I/N` syntax of `--shard`.

use std::path::PathBuf;

use clap::Args;

use super::Format;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The sync config: a YAML list of sources, targets and tag filters (see the README)
    #[arg(value_name = "CONFIG")]
    pub file: PathBuf,
    /// Compare only: list what differs and copy nothing; exit 0 when everything is in sync,
    /// 1 when something is not
    #[arg(long)]
    pub check: bool,
    /// Stop at the first image that fails [default: report it, go on, and exit 1 at the end]
    #[arg(long)]
    pub fail_fast: bool,
    /// Take only shard I of N of the repositories (0 <= I < N), chosen by a stable hash of
    /// each source repository's name: N processes with 0/N … N-1/N cover every repository
    /// once, with no coordinator (a CI matrix, a Kubernetes indexed Job)
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Skip asking the target about images the state file (under $XDG_STATE_HOME) says were
    /// synced to the digest the source has now; a target changed behind sync's back is then
    /// not noticed
    #[arg(long)]
    pub trust_state: bool,
    /// Output format: json prints one object per image (copied, in-sync, differs, failed)
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `I/N` with `0 <= I < N`.
pub fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not I/N (such as 0/4)"))?;
    let i: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!(
            "shard {i}/{n}: I must be from 0 to N-1, and N at least 1"
        ));
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards() {
        assert_eq!(parse_shard("1/3"), Ok((1, 3)));
        assert!(parse_shard("3/3").is_err());
        assert!(parse_shard("0/0").is_err());
        assert!(parse_shard("1").is_err());
    }
}
