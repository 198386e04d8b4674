//! The names of the environment variables ghcr-cli reads, in one place. clap reads the
//! `GHCR_CLI_*` flags' variables (`env =` in cli/); settings.rs reads the rest, once, before
//! a command runs (clippy.toml's disallowed-methods keep every other module from reading one).

pub const REGISTRY: &str = "GHCR_CLI_REGISTRY";
pub const STORE: &str = "GHCR_CLI_STORE";
pub const USERNAME: &str = "GHCR_CLI_USERNAME";
pub const PASSWORD: &str = "GHCR_CLI_PASSWORD";
pub const JOBS: &str = "GHCR_CLI_JOBS";
pub const CA_FILE: &str = "GHCR_CLI_CA_FILE";
pub const KEYRING: &str = "GHCR_CLI_KEYRING";
pub const CONFIG: &str = "GHCR_CLI_CONFIG";
pub const GITHUB_API: &str = "GHCR_CLI_GITHUB_API";

// Variables other programs define, read for their usual meaning.
pub const HOME: &str = "HOME";
/// Where programs are found (docker finds its credential helpers there).
pub const PATH: &str = "PATH";
pub const XDG_CONFIG_HOME: &str = "XDG_CONFIG_HOME";
pub const XDG_DATA_HOME: &str = "XDG_DATA_HOME";
pub const XDG_STATE_HOME: &str = "XDG_STATE_HOME";
pub const DOCKER_CONFIG: &str = "DOCKER_CONFIG";
/// Where the Docker engine listens (`unix:///var/run/docker.sock`).
pub const DOCKER_HOST: &str = "DOCKER_HOST";
/// The Docker context to use when `DOCKER_HOST` is unset (config.json's `currentContext`
/// otherwise).
pub const DOCKER_CONTEXT: &str = "DOCKER_CONTEXT";
/// Set: TLS to a `tcp://` engine, checking its certificate with `DOCKER_CERT_PATH/ca.pem`.
pub const DOCKER_TLS_VERIFY: &str = "DOCKER_TLS_VERIFY";
/// Set: TLS to a `tcp://` engine without checking its certificate.
pub const DOCKER_TLS: &str = "DOCKER_TLS";
/// Where `ca.pem`, `cert.pem` and `key.pem` are [default: Docker's config directory].
pub const DOCKER_CERT_PATH: &str = "DOCKER_CERT_PATH";
pub const DBUS_SESSION_BUS_ADDRESS: &str = "DBUS_SESSION_BUS_ADDRESS";
pub const TERM: &str = "TERM";
/// github.com tokens, read for ghcr.io only (after GHCR_CLI_USERNAME/GHCR_CLI_PASSWORD), in
/// the order gh reads them.
pub const GH_TOKEN: &str = "GH_TOKEN";
pub const GITHUB_TOKEN: &str = "GITHUB_TOKEN";
/// GitHub Enterprise Server tokens (gh's names), read for registries whose `github_api` is
/// not github.com's: a github.com token never goes there, nor these to ghcr.io.
pub const GH_ENTERPRISE_TOKEN: &str = "GH_ENTERPRISE_TOKEN";
pub const GITHUB_ENTERPRISE_TOKEN: &str = "GITHUB_ENTERPRISE_TOKEN";
/// The user who started a GitHub Actions run: the user name for those tokens.
pub const GITHUB_ACTOR: &str = "GITHUB_ACTOR";
/// Seconds since 1970: the time `append` gives a layer's files and history entry
/// (reproducible-builds.org).
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";
