//! The environment: the names of the variables ghcr-cli reads, and the only functions that
//! read them. Settings calls these once, before a command runs; everything below settings
//! gets plain values (clippy.toml forbids `std::env::var*` elsewhere).
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;

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
pub const DBUS_SESSION_BUS_ADDRESS: &str = "DBUS_SESSION_BUS_ADDRESS";
pub const TERM: &str = "TERM";

/// The variable's value when it is set, valid UTF-8 and not empty (an empty variable reads
/// as unset, as in most tools: `GHCR_CLI_PASSWORD= ghcr-cli …` must not log in with "").
pub fn text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The variable as a path when it is set and not empty (any bytes, not only UTF-8).
pub fn path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Whether the variable is set to anything but the empty string.
pub fn is_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}
