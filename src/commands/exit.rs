//! What an error means to the user, in one place: its exit code (the documented 0-4) and the
//! hints that name the next command. Libraries return typed errors; the words are here.

use crate::config::ConfigError;
use crate::http::HttpError;
use crate::kind::{ErrorKind, Kind};
use crate::oci::reference::ReferenceError;
use crate::output::{Exit, UserError};
use crate::registry::RegistryError;
use crate::store::StoreError;
use crate::transfer::TransferError;

/// The registry error behind `cause`, also when a transfer error wraps it transparently.
fn registry_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a RegistryError> {
    match cause.downcast_ref::<TransferError>() {
        Some(TransferError::Registry(e)) => Some(e),
        _ => cause.downcast_ref::<RegistryError>(),
    }
}

/// The exit code a kind of failure has (the documented 0-4).
pub fn exit_of(kind: ErrorKind) -> Exit {
    match kind {
        ErrorKind::NotFound => Exit::NotFound,
        ErrorKind::Auth => Exit::Auth,
        ErrorKind::Usage => Exit::Usage,
        ErrorKind::Other => Exit::Failure,
    }
}

/// The kind of a library error in the chain, for every error type that has one.
fn kind_of(cause: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    use crate::credentials::keyring::KeyringError;
    use crate::github::GithubError;
    fn of<E: Kind + std::error::Error + 'static>(
        c: &(dyn std::error::Error + 'static),
    ) -> Option<ErrorKind> {
        c.downcast_ref::<E>().map(Kind::kind)
    }
    use crate::credentials::{docker::DockerError, logins::LoginsError};
    use crate::engine::EngineError;
    use crate::formats::{
        archive::ArchiveError, docker_archive::DockerArchiveError, layout::LayoutError,
        shared::FileError,
    };
    use crate::http::BodyError;
    use crate::oci::manifest::ManifestError;
    let kinds = [
        of::<EngineError>,
        of::<ReferenceError>,
        of::<ConfigError>,
        of::<crate::transfer::sync::config::SyncConfigError>,
        of::<TransferError>,
        of::<crate::transfer::artifact::ArtifactError>,
        of::<RegistryError>,
        of::<StoreError>,
        of::<GithubError>,
        of::<KeyringError>,
        of::<DockerError>,
        of::<LoginsError>,
        of::<crate::credentials::gh::GhError>,
        of::<HttpError>,
        of::<BodyError>,
        of::<ManifestError>,
        of::<DockerArchiveError>,
        of::<LayoutError>,
        of::<ArchiveError>,
        of::<FileError>,
        of::<crate::transfer::edit::ImageEditError>,
        of::<crate::oci::edit::EditError>,
        of::<crate::formats::layer::LayerError>,
        of::<crate::formats::flatten::FlattenError>,
    ];
    kinds.iter().find_map(|kind| kind(cause))
}

/// The exit code for an error: the first cause in the chain that has a kind decides it.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    if let Some(e) = crate::output::output_error(err) {
        // A reader that went away (`| head`) is not a failure; a full disk is.
        return if e.kind == std::io::ErrorKind::BrokenPipe {
            Exit::Success
        } else {
            Exit::Failure
        };
    }
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<UserError>() {
            return e.exit;
        }
        if let Some(kind) = kind_of(cause) {
            return exit_of(kind);
        }
    }
    Exit::Failure
}

/// What to print for an error: the `error:` line and its causes (cut below a network
/// failure, whose kind says it all), and the hints for every cause that has one.
pub fn report(err: &anyhow::Error) -> (Vec<String>, Vec<String>) {
    let mut lines = vec![format!("error: {err}")];
    let mut hints: Vec<String> = Vec::new();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        // thiserror `transparent` wrappers repeat their source; print each text once.
        if !lines.iter().any(|l| l.ends_with(&text)) {
            lines.push(format!("  caused by: {text}"));
        }
        // Below a classified network error lie the HTTP library's own layers; the kind
        // already says what they would, except the system's word for a broken connection.
        if let Some(http) = http_error(cause) {
            if let HttpError::Broken { .. } | HttpError::Refused { .. } = http
                && let Some(root) = std::iter::successors(cause.source(), |c| c.source()).last()
            {
                lines.push(format!("  caused by: {root}"));
            }
            break;
        }
    }
    // A connection to the Docker engine is not one to a registry: the registry's network
    // hints (timeouts, --ca-file, --insecure) would point the wrong way.
    let from_engine = err
        .chain()
        .any(|c| c.downcast_ref::<crate::engine::EngineError>().is_some());
    for cause in err.chain() {
        if let Some(http) = http_error(cause)
            && !from_engine
        {
            hints.extend(network_hint(http));
        }
        hints.extend(library_hint(cause));
        if let Some(u) = cause.downcast_ref::<UserError>() {
            hints.extend(u.hints.iter().cloned());
        }
        if let Some(RegistryError::Denied { detail, .. }) = registry_error(cause) {
            hints.extend(super::ghcr::denied_hint(detail));
        }
        if let Some(TransferError::PlatformNotPulled {
            reference, wanted, ..
        }) = cause.downcast_ref::<TransferError>()
        {
            hints.push(format!(
                "pull it first: `ghcr-cli pull --platform {wanted} {reference}`"
            ));
        }
        if let Some(TransferError::NoPlatform { available, .. }) =
            cause.downcast_ref::<TransferError>()
            && let Some(first) = available
                .split([',', ' '])
                .next()
                .filter(|p| p.contains('/'))
        {
            hints.push(format!("choose one with `--platform {first}`"));
        }
        if let Some(RegistryError::CleartextRealm { realm_host, .. }) = registry_error(cause) {
            hints.push(format!(
                "if `{realm_host}` may see the password unencrypted, mark it insecure in the config file: `[registries.\"{realm_host}\"]` with `insecure = true`; or have the registry name an HTTPS realm"
            ));
        }
        match registry_error(cause) {
            Some(RegistryError::AuthRequired { registry, .. }) => hints.push(format!(
                "log in with `ghcr-cli login {registry} -u USER --password-stdin`, or set GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD"
            )),
            // A command that explained the refusal itself (login) keeps its own hint.
            Some(RegistryError::Unauthorized { registry, .. })
                if !err.chain().any(|c| c.downcast_ref::<UserError>().is_some()) =>
            {
                hints.push(format!(
                    "check the username and the password or token for {registry} (`ghcr-cli whoami {registry}` says where they come from); store new ones with `ghcr-cli login {registry}`"
                ))
            }
            _ => {}
        }
    }
    hints.dedup();
    (lines, hints)
}

/// The network failure behind `cause`, also through the transparent wrappers (which hide it
/// from the error chain by forwarding straight to its source).
fn http_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a HttpError> {
    match registry_error(cause) {
        Some(RegistryError::Http(h)) => Some(h),
        _ => cause.downcast_ref::<HttpError>(),
    }
}

/// The next step for the library errors that have one.
fn library_hint(cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    use crate::credentials::keyring::KeyringError;
    use crate::credentials::logins::LoginsError;
    use crate::engine::EngineError;
    if let Some(KeyringError::Unavailable { .. }) = cause.downcast_ref::<KeyringError>() {
        return Some("start a Secret Service in this session (gnome-keyring-daemon, KeePassXC), or skip `login` and pass credentials to each command in GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD; ghcr-cli never writes secrets to a plain file".into());
    }
    match cause.downcast_ref::<EngineError>() {
        Some(EngineError::Unreachable { denied: true, .. }) => {
            return Some("this user may not open the engine's socket: join the `docker` group (then log in again), or run as a user who may".into());
        }
        Some(EngineError::Unreachable { tls: true, .. }) => {
            return Some("the engine refused TLS with these certificates: DOCKER_CERT_PATH (or the context's TLS files) must hold the engine's CA as `ca.pem` and a client certificate it accepts as `cert.pem` with `key.pem`".into());
        }
        Some(EngineError::Unreachable { .. }) => {
            return Some("is Docker running? DOCKER_HOST (`unix:///PATH` or `tcp://HOST:PORT`) or `docker context use NAME` names the engine when it is not on the default socket".into());
        }
        Some(EngineError::Unsupported(_)) => {
            return Some("point DOCKER_HOST at the engine's socket (`unix:///var/run/docker.sock`) or at `tcp://HOST:PORT`, or pipe the image in: `docker save IMAGE | ghcr-cli load`".into());
        }
        Some(EngineError::Context { .. }) => {
            return Some("see the contexts with `docker context ls`; `DOCKER_CONTEXT=default` uses the default socket".into());
        }
        Some(EngineError::Tls(_)) => {
            return Some("DOCKER_CERT_PATH names the directory with the engine's `ca.pem` and this client's `cert.pem` and `key.pem` (as `docker --tlsverify` reads them)".into());
        }
        Some(EngineError::Stalled { .. }) => {
            return Some("try again; `docker save IMAGE | ghcr-cli load` reads the same archive through the docker CLI".into());
        }
        Some(EngineError::NotFound(_)) => {
            return Some("see the engine's images with `docker images`".into());
        }
        _ => {}
    }
    if let Some(LoginsError::Parse { .. }) = cause.downcast_ref::<LoginsError>() {
        return Some("it holds no secrets; delete it and run `ghcr-cli login` again".into());
    }
    if let Some(ReferenceError::NoOwner { input, registry }) =
        cause.downcast_ref::<ReferenceError>()
    {
        return Some(format!(
            "name it in full, as `{registry}/OWNER/{input}`, or log in (`ghcr-cli login {registry}`) so `{input}` means `{registry}/YOUR-USER/{input}`"
        ));
    }
    None
}

/// What to do about a network failure.
fn network_hint(e: &HttpError) -> Option<String> {
    Some(match e {
        HttpError::UnknownHost { host, .. } => match nearest_registry(host) {
            Some(known) => format!("did you mean `{known}`? check the registry's host name"),
            None => format!("check the host name `{host}`, and that this machine can resolve it"),
        },
        HttpError::Refused { .. } => {
            "nothing listens there: check the host and port, and that the registry is running"
                .into()
        }
        HttpError::Certificate { host, .. } => format!(
            "trust the CA that signed `{host}`'s certificate with `--ca-file FILE` (or `SSL_CERT_FILE=FILE`), or `ca_file` under `[registries.\"{host}\"]` in the config file"
        ),
        HttpError::PlainHttp { host, .. } => format!(
            "this registry speaks plain HTTP: allow it with `--insecure`, or `insecure = true` under `[registries.\"{host}\"]` in the config file (only on a network you trust)"
        ),
        HttpError::Timeout { what, .. } => format!(
            "the registry stopped answering; to wait longer, raise `{what}` (seconds) in the config file, and `deadline` (the time all tries of one request may take)"
        ),
        HttpError::Proxy { .. } => {
            "check HTTPS_PROXY / HTTP_PROXY, or exempt the registry with NO_PROXY".into()
        }
        _ => return None,
    })
}

/// The well-known registry one edit (a letter added, dropped, changed, or two swapped) from
/// `host`, for a typo such as `ghrc.io`.
fn nearest_registry(host: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "ghcr.io",
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "quay.io",
        "gcr.io",
        "public.ecr.aws",
        "mcr.microsoft.com",
        "registry.gitlab.com",
        "nvcr.io",
        "lscr.io",
    ];
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if KNOWN.contains(&host.as_str()) {
        return None;
    }
    KNOWN.iter().copied().find(|k| edit_distance(k, &host) == 1)
}

/// Optimal string alignment distance (Levenshtein plus adjacent swaps).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod network_hint_tests {
    use super::*;

    #[test]
    fn typos_of_well_known_registries_are_suggested() {
        assert_eq!(nearest_registry("ghrc.io"), Some("ghcr.io"));
        assert_eq!(nearest_registry("gchr.io"), Some("ghcr.io"));
        assert_eq!(nearest_registry("gchr.oi"), None);
        assert_eq!(nearest_registry("dockr.io"), Some("docker.io"));
        assert_eq!(nearest_registry("ghcr.io"), None);
        assert_eq!(nearest_registry("registry.example.com"), None);
    }
}
