//! The config file, `$XDG_CONFIG_HOME/ghcr-cli/config.toml` (or `--config`, `GHCR_CLI_CONFIG`):
//! defaults for the global flags and per-registry settings. Unknown keys and bad values are
//! errors that name the file, the line and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read the config file `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid config file `{path}`: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Registry for names without a host.
    pub registry: Option<String>,
    /// Parallel blob transfers.
    pub jobs: Option<u16>,
    /// Retries of a failed request or broken transfer.
    pub retries: Option<u32>,
    /// The longest wait between retries, in seconds (also caps `Retry-After`).
    pub retry_max_wait: Option<u64>,
    /// Seconds to wait for a connection.
    pub connect_timeout: Option<u64>,
    /// Seconds a connection may send nothing before it counts as stalled.
    pub read_timeout: Option<u64>,
    /// Seconds one request may take across its retries: no retry starts that could not end
    /// by then.
    pub deadline: Option<u64>,
    /// The GitHub REST API behind ghcr.io (GitHub Enterprise Server: `https://HOST/api/v3`).
    pub github_api: Option<String>,
    /// Settings per registry host (`"ghcr.io"`, `"127.0.0.1:5000"`).
    #[serde(default)]
    pub registries: BTreeMap<String, RegistryConfig>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryConfig {
    /// Allow plain HTTP and unverified TLS to this registry.
    #[serde(default)]
    pub insecure: bool,
    /// A CA certificate (PEM) to trust for this registry.
    pub ca_file: Option<PathBuf>,
    /// A registry to try first when pulling from this one (a pull-through cache holding the
    /// same repository paths); the registry itself is the fallback.
    pub mirror: Option<String>,
    /// Upload to this registry in chunks of this many bytes.
    pub chunk_size: Option<u64>,
    /// Pull blobs of at least `ranges_threshold` bytes from this registry in this many
    /// parallel ranged requests (`pull --ranges`).
    pub ranges: Option<u16>,
    /// The smallest blob `ranges` applies to, in bytes.
    pub ranges_threshold: Option<u64>,
    /// The GitHub REST API that manages this registry's packages, as for ghcr.io.
    pub github_api: Option<String>,
}

impl Config {
    /// Loads `path`. A missing file is fine when it is the default location (`required` false).
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(Config::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let config: Config = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: describe(&text, &e),
        })?;
        if config.jobs.is_some_and(|j| !(1..=64).contains(&j)) {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "line {}: key `jobs`: must be from 1 to 64",
                    line_of_key(&text, "jobs").unwrap_or(0)
                ),
            });
        }
        // As `pull --ranges` takes it: one range is no split, and more than 16 connections
        // to one storage host is more than any CDN's per-connection cap warrants.
        if let Some((host, _)) = config
            .registries
            .iter()
            .find(|(_, r)| r.ranges.is_some_and(|n| !(2..=16).contains(&n)))
        {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "line {}: key `ranges` of registry `{host}`: must be from 2 to 16",
                    line_of_key(&text, "ranges").unwrap_or(0)
                ),
            });
        }
        Ok(config)
    }

    pub fn registry(&self, host: &str) -> Option<&RegistryConfig> {
        self.registries.get(host)
    }
}

/// `line N: MESSAGE`, from toml's span.
fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            // A bad value's message names the type, not the key: take the key from its line.
            let key = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"'))
                .filter(|k| !k.is_empty() && !message.contains(&format!("`{k}`")));
            match key {
                Some(k) => format!("line {line}: key `{k}`: {message}"),
                None => format!("line {line}: {message}"),
            }
        }
        None => message,
    }
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    // The key itself, not a longer one it begins (`ranges` in `ranges_threshold = …`).
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

impl crate::kind::Kind for ConfigError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        Config::load(&path, true).map_err(|e| e.to_string())
    }

    #[test]
    fn type_errors_name_the_key() {
        let e = parse("registry = \"ghcr.io\"\njobs = \"x\"\n").expect_err("invalid");
        assert!(
            e.contains("line 2: key `jobs`: invalid type: string \"x\", expected u16"),
            "{e}"
        );
        let e = parse("[registries.\"h:1\"]\nchunk_size = true\n").expect_err("invalid");
        assert!(
            e.contains("line 2: key `chunk_size`: invalid type: boolean"),
            "{e}"
        );
    }

    #[test]
    fn good_config() {
        let c = parse(
            "registry = \"127.0.0.1:5000\"\njobs = 4\n[registries.\"10.0.0.1:5000\"]\ninsecure = true\n",
        )
        .expect("valid");
        assert_eq!(c.registry.as_deref(), Some("127.0.0.1:5000"));
        assert!(c.registry("10.0.0.1:5000").is_some_and(|r| r.insecure));
    }

    #[test]
    fn errors_name_line_and_key() {
        let e = parse("registry = \"x\"\n\ncolour = true\n").expect_err("unknown key");
        assert!(
            e.contains("line 3") && e.contains("unknown field `colour`"),
            "{e}"
        );
        let e = parse("jobs = \"many\"\n").expect_err("bad value");
        assert!(e.contains("line 1"), "{e}");
        let e = parse("jobs = 0\n").expect_err("range");
        assert!(e.contains("line 1: key `jobs`"), "{e}");
        let e = parse("[registries.\"h\"]\nca-file = \"x\"\n").expect_err("unknown nested");
        assert!(
            e.contains("line 2") && e.contains("unknown field `ca-file`"),
            "{e}"
        );
    }
}
