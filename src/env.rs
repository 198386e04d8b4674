//! The environment variables ghcr-cli reads, in one place.

pub const REGISTRY: &str = "GHCR_CLI_REGISTRY";
pub const STORE: &str = "GHCR_CLI_STORE";
pub const USERNAME: &str = "GHCR_CLI_USERNAME";
pub const PASSWORD: &str = "GHCR_CLI_PASSWORD";
pub const JOBS: &str = "GHCR_CLI_JOBS";
pub const CA_FILE: &str = "GHCR_CLI_CA_FILE";
pub const KEYRING: &str = "GHCR_CLI_KEYRING";
pub const CONFIG: &str = "GHCR_CLI_CONFIG";
pub const GITHUB_API: &str = "GHCR_CLI_GITHUB_API";
