//! Resolves the global flags, the environment and their defaults into one [`Context`]
//! before any command runs, so commands never look at flags or variables themselves.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::cli::GlobalArgs;
use crate::config::Config;
use crate::credentials::{self, Credentials, Logins, Note};
use crate::engine::{Engine, EngineEnv};
use crate::env;
use crate::oci::reference::{self, Defaults, Reference};
use crate::output::progress;
use crate::output::{Exit, Printer, UserError};
use crate::registry::{ClientOptions, Registry, RetryPolicy, Trace};
use crate::store::{Store, StoreError};
use crate::transfer::Progress;

/// The most blob transfers in flight unless `--jobs` says otherwise: the ceiling of the
/// adaptive limit, which starts lower and grows only while small transfers succeed.
pub const DEFAULT_JOBS: usize = 64;

/// What a command does with the local store: a reader never creates one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAccess {
    Read,
    Write,
}

pub struct Context {
    pub store_dir: PathBuf,
    /// How [`Context::store`] opens the store for the command being run.
    pub store_access: StoreAccess,
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
    pub defaults: Defaults,
    /// Options from the flags; [`Context::options_for`] adds each registry's config.
    pub options: ClientOptions,
    pub config: Config,
    pub jobs: usize,
    pub quiet: bool,
    pub printer: Printer,
    pub logins: Logins,
    /// What the environment says about credentials (read once, here).
    pub credential_env: credentials::Environment,
    /// `GHCR_CLI_GITHUB_API`
    github_api: Option<String>,
    /// `TERM` is set and not `dumb`: progress bars may draw.
    fancy_terminal: bool,
    /// What says where the Docker engine is (`DOCKER_HOST`, `DOCKER_CONTEXT`, …).
    pub engine_env: EngineEnv,
    /// `HOME`, for `~/.local/bin`.
    pub home: Option<PathBuf>,
    /// `PATH`'s directories, in order.
    pub search_path: Vec<PathBuf>,
    /// `SOURCE_DATE_EPOCH`, when set to a number of seconds.
    pub source_date_epoch: Option<u64>,
}

impl Context {
    pub fn from_args(global: &GlobalArgs, store_access: StoreAccess) -> Result<Self> {
        let config_dir = xdg_dir(env::XDG_CONFIG_HOME, ".config")?.join("ghcr-cli");
        let config = match &global.config {
            Some(path) => Config::load(path, true)?,
            None => Config::load(&config_dir.join("config.toml"), false)?,
        };
        let registry = match global.registry.as_ref().or(config.registry.as_ref()) {
            Some(r) => normalize_registry(r),
            None => reference::DEFAULT_REGISTRY.to_string(),
        };
        let state_dir = xdg_dir(env::XDG_STATE_HOME, ".local/state")?.join("ghcr-cli");
        let logins = Logins::load(&config_dir)?;
        let search_path: Vec<PathBuf> = read::path(env::PATH)
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let credential_env = credential_environment(&config, &search_path);
        // On ghcr.io a one-component name lives under the logged-in user.
        let owner = credentials::username(&registry, &logins, &credential_env);
        let store_dir = match &global.store {
            Some(dir) => dir.clone(),
            None => default_store_dir()?,
        };
        let printer = Printer::new(global.quiet);
        let retry = RetryPolicy {
            retries: global.retries.or(config.retries).unwrap_or(5),
            max_wait: Duration::from_secs(config.retry_max_wait.unwrap_or(60)),
            deadline: Duration::from_secs(config.deadline.unwrap_or(60)),
            ..RetryPolicy::default()
        };
        let notify: Option<Trace> = Some(Arc::new(move |line: &str| printer.status(line)));
        let trace: Option<Trace> = if global.verbose > 0 {
            Some(Arc::new(move |line: &str| printer.trace(line)))
        } else {
            None
        };
        let engine_env = EngineEnv {
            host: read::text(env::DOCKER_HOST),
            context: read::text(env::DOCKER_CONTEXT),
            tls_verify: read::text(env::DOCKER_TLS_VERIFY).is_some(),
            tls: read::text(env::DOCKER_TLS).is_some(),
            cert_path: read::path(env::DOCKER_CERT_PATH),
            config_dir: credential_env.docker_config_dir.clone(),
        };
        Ok(Self {
            store_dir,
            store_access,
            config_dir,
            state_dir,
            defaults: Defaults { registry, owner },
            options: ClientOptions {
                http: crate::http::Options {
                    ca_files: global.ca_file.iter().cloned().collect(),
                    accept_invalid_certs: false,
                    connect_timeout: config.connect_timeout.map(Duration::from_secs),
                    read_timeout: config.read_timeout.map(Duration::from_secs),
                    retry,
                    notify,
                    trace,
                    trace_headers: global.verbose > 1,
                    pace: None,
                },
                insecure: global.insecure,
                insecure_hosts: config
                    .registries
                    .iter()
                    .filter(|(_, rc)| rc.insecure)
                    .map(|(host, _)| normalize_registry(host))
                    .collect(),
            },
            jobs: global
                .jobs
                .or(config.jobs)
                .map(usize::from)
                .unwrap_or(DEFAULT_JOBS),
            config,
            quiet: global.quiet,
            printer,
            logins,
            credential_env,
            github_api: read::text(env::GITHUB_API),
            fancy_terminal: read::text(env::TERM).is_some_and(|t| t != "dumb"),
            engine_env,
            home: read::path(env::HOME),
            search_path,
            source_date_epoch: read::text(env::SOURCE_DATE_EPOCH)
                .and_then(|s| s.trim().parse().ok()),
        })
    }

    /// The local store, opened as the command needs it (see [`StoreAccess`]).
    pub fn store(&self) -> Result<Store> {
        match self.store_access {
            StoreAccess::Read => self.store_for_reading(),
            StoreAccess::Write => self.store_for_writing(),
        }
    }

    /// The store to read: a missing one reads as empty, with a note, and nothing is created.
    pub fn store_for_reading(&self) -> Result<Store> {
        let store = Store::open_existing(&self.store_dir).map_err(|e| self.store_error(e))?;
        if !store.exists() {
            self.printer.status(format!(
                "note: there is no local store at `{}` yet; it reads as empty",
                self.store_dir.display()
            ));
        }
        Ok(store)
    }

    /// The store to write, created in a missing or empty directory.
    pub fn store_for_writing(&self) -> Result<Store> {
        Store::open_or_create(&self.store_dir).map_err(|e| self.store_error(e))
    }

    fn store_error(&self, e: StoreError) -> anyhow::Error {
        match e {
            StoreError::NotALayout(_) => UserError::new(Exit::Usage, e.to_string())
                .hint("point --store (or GHCR_CLI_STORE) at an OCI image layout, or at an empty or new directory")
                .into(),
            e => anyhow::Error::new(e).context(format!(
                "cannot open the local store at `{}`",
                self.store_dir.display()
            )),
        }
    }

    /// Parses a user-supplied reference, fully qualifying it.
    pub fn reference(&self, input: &str) -> Result<Reference> {
        Ok(Reference::parse(input, &self.defaults)?)
    }

    /// The credentials for `registry`, telling the user (once) about anything worth knowing.
    pub fn credentials(&self, registry: &str) -> Option<Credentials> {
        let (found, notes) = credentials::lookup(registry, &self.logins, &self.credential_env);
        for note in notes {
            match note {
                Note::DockerPlaintext { registry, path } => self.note_once(
                    &format!("docker-plaintext-{}", registry.replace([':', '/', '[', ']'], "_")),
                    &format!(
                        "note: using the plaintext password for {registry} in `{path}`; move it into the keyring with `ghcr-cli login --import-docker --remove-plaintext`"
                    ),
                ),
                Note::KeyringFailed { registry, reason } => self.printer.status(format!(
                    "warning: cannot read the stored login for {registry}: {reason}"
                )),
                Note::HelperFailed { reason } => {
                    self.printer.status(format!("warning: {reason}"))
                }
            }
        }
        found
    }

    /// The GitHub REST API that manages `registry`'s packages: ghcr.io's (api.github.com,
    /// or `GHCR_CLI_GITHUB_API`, or `github_api` in the config), or the one the config names
    /// for another registry.
    pub fn github_api(&self, registry: &str) -> Option<String> {
        if let Some(api) = self
            .config
            .registry(registry)
            .and_then(|r| r.github_api.clone())
        {
            return Some(api);
        }
        (registry == reference::DEFAULT_REGISTRY).then(|| {
            self.github_api
                .clone()
                .or_else(|| self.config.github_api.clone())
                .unwrap_or_else(|| crate::github::DEFAULT_API.to_string())
        })
    }

    /// The flags' options plus what the config file says about `registry`.
    pub fn options_for(&self, registry: &str) -> ClientOptions {
        let mut options = self.options.clone();
        if let Some(rc) = self.config.registry(registry) {
            options.insecure |= rc.insecure;
            options.http.ca_files.extend(rc.ca_file.iter().cloned());
        }
        options
    }

    /// A client for `registry` with the credentials found for it.
    pub fn registry(&self, registry: &str) -> Result<Registry> {
        Ok(Registry::new(
            registry,
            self.credentials(registry),
            &self.options_for(registry),
        )?)
    }

    /// The configured upload chunk size for `registry`, if any (a flag wins over it).
    pub fn chunk_size(&self, registry: &str) -> Option<u64> {
        self.config.registry(registry).and_then(|r| r.chunk_size)
    }

    /// The configured ranged downloads for `registry`: connections per blob and threshold
    /// (flags win over them).
    pub fn ranges(&self, registry: &str) -> (Option<u16>, Option<u64>) {
        self.config
            .registry(registry)
            .map_or((None, None), |r| (r.ranges, r.ranges_threshold))
    }

    /// The pull-through mirror configured for `registry`, if any.
    pub fn mirror(&self, registry: &str) -> Option<String> {
        self.config
            .registry(registry)
            .and_then(|r| r.mirror.as_deref())
            .map(normalize_registry)
    }

    /// Connection settings for a service that is not a registry (the GitHub REST API):
    /// `--ca-file`, timeouts, retries and traces, never `--insecure`.
    pub fn http_options(&self) -> crate::http::Options {
        crate::http::Options {
            accept_invalid_certs: false,
            ..self.options.http.clone()
        }
    }

    /// The Docker engine that `DOCKER_HOST` or the Docker context names (Docker's default
    /// socket when neither does), not yet contacted.
    pub fn engine(&self) -> Result<Engine> {
        let (endpoint, source) = crate::engine::endpoint::locate(&self.engine_env)?;
        Ok(Engine::new(&endpoint, &source, &self.http_options())?)
    }

    /// Progress of one stream of unknown length, named `label`.
    pub fn stream_progress(&self, label: &str) -> progress::StreamProgress {
        progress::stream(label, self.quiet, self.fancy_terminal)
    }

    pub fn progress(&self) -> Arc<dyn Progress> {
        progress::reporter(self.quiet, self.fancy_terminal)
    }

    /// Prints `message` the first time `key` is seen on this machine (a marker file in the
    /// state directory remembers it).
    pub fn note_once(&self, key: &str, message: &str) {
        let marker = self.state_dir.join("notes").join(key);
        if marker.exists() {
            return;
        }
        self.printer.status(message);
        if let Some(dir) = marker.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(&marker, b"");
    }
}

/// `https://ghcr.io/` and `GHCR.io` are both `ghcr.io`.
pub fn normalize_registry(r: &str) -> String {
    let r = r
        .strip_prefix("https://")
        .or_else(|| r.strip_prefix("http://"))
        .unwrap_or(r);
    let r = r.split('/').next().unwrap_or(r);
    reference::canonical_registry(r)
}

/// The store when `--store` is not given: `$GHCR_CLI_STORE`, else under `$XDG_DATA_HOME`.
pub fn default_store_dir() -> Result<PathBuf> {
    if let Some(d) = read::path(env::STORE) {
        return Ok(d);
    }
    Ok(xdg_dir(env::XDG_DATA_HOME, ".local/share")?
        .join("ghcr-cli")
        .join("store"))
}

/// `$VAR`, else `$HOME/fallback`.
fn xdg_dir(var: &str, fallback: &str) -> Result<PathBuf> {
    if let Some(d) = read::path(var) {
        return Ok(d);
    }
    let home = read::path(env::HOME).with_context(|| format!("neither {var} nor HOME is set"))?;
    Ok(home.join(fallback))
}

/// The credentials' view of the environment: the login variables (both must be set), the
/// keyring choice, Docker's config directory and whether a D-Bus session is announced.
fn credential_environment(config: &Config, search_path: &[PathBuf]) -> credentials::Environment {
    let login = match (read::text(env::USERNAME), read::text(env::PASSWORD)) {
        (Some(user), Some(password)) => Some((user, credentials::Secret::new(password))),
        _ => None,
    };
    // GH_TOKEN wins over GITHUB_TOKEN, as in gh; the same for the enterprise pair.
    let tokens = |vars: [&'static str; 2]| -> Vec<(&'static str, credentials::Secret)> {
        vars.into_iter()
            .filter_map(|var| read::text(var).map(|t| (var, credentials::Secret::new(t))))
            .collect()
    };
    // The registries backed by GitHub: ghcr.io, and those the config gives a GitHub API. A
    // github.com token goes only to github.com's (or a loopback stand-in's); one for GitHub
    // Enterprise Server only to the others. Nothing else ever sees a GitHub token.
    let (mut github_hosts, mut enterprise_hosts) =
        (vec![reference::DEFAULT_REGISTRY.to_string()], Vec::new());
    for (host, rc) in &config.registries {
        let Some(api) = &rc.github_api else { continue };
        let api_host = url::Url::parse(api)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        if api_host == "api.github.com" || reference::is_loopback_host(&api_host) {
            github_hosts.push(normalize_registry(host));
        } else {
            enterprise_hosts.push(normalize_registry(host));
        }
    }
    credentials::Environment {
        login,
        keyring: read::text(env::KEYRING),
        docker_config_dir: read::path(env::DOCKER_CONFIG)
            .or_else(|| read::path(env::HOME).map(|h| h.join(".docker"))),
        dbus_session: read::is_set(env::DBUS_SESSION_BUS_ADDRESS),
        github_tokens: tokens([env::GH_TOKEN, env::GITHUB_TOKEN]),
        github_actor: read::text(env::GITHUB_ACTOR),
        github_hosts,
        enterprise_tokens: tokens([env::GH_ENTERPRISE_TOKEN, env::GITHUB_ENTERPRISE_TOKEN]),
        enterprise_hosts,
        gh: find_program(search_path, "gh"),
    }
}

/// The first executable file called `name` in `search_path`, as a shell finds it.
fn find_program(search_path: &[PathBuf], name: &str) -> Option<PathBuf> {
    search_path.iter().map(|dir| dir.join(name)).find(|p| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            p.is_file() || p.with_extension("exe").is_file()
        }
    })
}

/// The only reads of environment variables in ghcr-cli (clippy.toml forbids them anywhere
/// else): settings resolves them once, and everything below gets plain values.
#[allow(clippy::disallowed_methods)]
mod read {
    use std::path::PathBuf;

    /// The variable's value when it is set, valid UTF-8 and not empty (an empty variable reads
    /// as unset, as in most tools: `GHCR_CLI_PASSWORD= ghcr-cli …` must not log in with "").
    pub(super) fn text(name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    /// The variable as a path when it is set and not empty (any bytes, not only UTF-8).
    pub(super) fn path(name: &str) -> Option<PathBuf> {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    /// Whether the variable is set to anything but the empty string.
    pub(super) fn is_set(name: &str) -> bool {
        std::env::var_os(name).is_some_and(|v| !v.is_empty())
    }
}
