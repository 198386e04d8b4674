//! `ghcr-cli completion` and `ghcr-cli man`: shell completions and man pages generated from
//! the clap definitions. The committed copies under `completions/` are checked for freshness
//! by the tests; `scripts/generate.sh` rewrites them.

use std::path::Path;

use anyhow::{Context as _, Result};

use crate::settings::Context;

/// The shell code that registers ghcr-cli's completions: it calls `COMPLETE=SHELL ghcr-cli`
/// while completing (see `src/complete.rs`), so flags, values and local image names come from
/// the binary itself and never go stale.
pub fn completion(ctx: &Context, shell: clap_complete::Shell) -> Result<()> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let shells: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::PowerShell => &Powershell,
        clap_complete::Shell::Zsh => &Zsh,
        other => anyhow::bail!("no completions for {other}"),
    };
    let mut out = Vec::new();
    shells.write_registration("COMPLETE", "ghcr-cli", "ghcr-cli", "ghcr-cli", &mut out)?;
    ctx.printer.raw(&out);
    Ok(())
}

pub fn man(ctx: &Context, dir: Option<&Path>) -> Result<()> {
    // The plain version: the committed pages must not change with every commit.
    let cmd = crate::cli::command().version(env!("CARGO_PKG_VERSION"));
    let Some(dir) = dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut out)?;
        ctx.printer.data(String::from_utf8_lossy(&out).trim_end());
        return Ok(());
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let version = env!("CARGO_PKG_VERSION");
    let mut pages = vec![("ghcr-cli.1".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        // Titled `ghcr-cli-pull(1)` as man pages of subcommands are, but the synopsis shows
        // the command a user types: `ghcr-cli pull …`.
        let page = sub
            .clone()
            .display_name(format!("ghcr-cli-{}", sub.get_name()))
            .bin_name(format!("ghcr-cli {}", sub.get_name()))
            .version(version)
            .disable_version_flag(true);
        pages.push((format!("ghcr-cli-{}.1", sub.get_name()), page));
    }
    for (file, page) in pages {
        let mut out = Vec::new();
        clap_mangen::Man::new(page)
            .source(format!("ghcr-cli {version}"))
            .manual("ghcr-cli manual")
            .render(&mut out)?;
        let path = dir.join(&file);
        crate::fsutil::write_file(&path, &out)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        ctx.printer.data(path.display().to_string());
    }
    Ok(())
}
