//! The OS keyring, through the keyring v4 family: the Secret Service on Linux and the BSDs
//! (falling back to the kernel's keyutils when no Secret Service answers), the macOS
//! Keychain, the Windows Credential Manager. One entry per registry host, service `ghcr-cli`.
//! There is deliberately no file fallback: when no keyring works, this says so.

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KError};
use thiserror::Error;

use super::Secret;

/// The keyring service name every entry is filed under.
pub const SERVICE: &str = "ghcr-cli";

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    SecretService,
    Keyutils,
    Keychain,
    WindowsCredentialManager,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::SecretService => "the Secret Service keyring",
            Backend::Keyutils => "the kernel keyutils keyring",
            Backend::Keychain => "the macOS Keychain",
            Backend::WindowsCredentialManager => "the Windows Credential Manager",
        })
    }
}

impl Backend {
    /// The name `GHCR_CLI_KEYRING` takes.
    pub fn id(self) -> &'static str {
        match self {
            Backend::SecretService => "secret-service",
            Backend::Keyutils => "keyutils",
            Backend::Keychain => "keychain",
            Backend::WindowsCredentialManager => "windows",
        }
    }
}

#[derive(Debug, Error)]
pub enum KeyringError {
    #[error("no keyring is available to keep the secret: tried {tried}")]
    Unavailable { tried: String },
    #[error(
        "unknown keyring `{0}` in GHCR_CLI_KEYRING (use auto, secret-service, keyutils, keychain or windows)"
    )]
    UnknownBackend(String),
    #[error("{backend} refused access to the entry for {registry}: {reason}")]
    Access {
        backend: Backend,
        registry: String,
        reason: String,
    },
}

pub struct Keyring {
    store: Arc<CredentialStore>,
    pub backend: Backend,
}

impl Keyring {
    /// Opens the keyring named by `preference` (`GHCR_CLI_KEYRING`), or the platform's best.
    /// `dbus_session` says whether a session bus is announced: without one the Secret Service
    /// cannot answer, and trying it would only wait for a timeout.
    pub fn open(preference: Option<&str>, dbus_session: bool) -> Result<Self, KeyringError> {
        let order: Vec<Backend> = match preference.unwrap_or("auto") {
            "auto" | "" => default_order(),
            "secret-service" => vec![Backend::SecretService],
            "keyutils" => vec![Backend::Keyutils],
            "keychain" => vec![Backend::Keychain],
            "windows" => vec![Backend::WindowsCredentialManager],
            other => return Err(KeyringError::UnknownBackend(other.to_string())),
        };
        let mut tried = Vec::new();
        for backend in order {
            match open_backend(backend, dbus_session) {
                Ok(store) => return Ok(Keyring { store, backend }),
                Err(reason) => tried.push(format!("{backend} ({reason})")),
            }
        }
        Err(KeyringError::Unavailable {
            tried: tried.join("; "),
        })
    }

    fn entry(&self, registry: &str) -> Result<Entry, KeyringError> {
        Entry::new_in_store(&self.store, SERVICE, registry).map_err(|e| self.access(registry, &e))
    }

    fn access(&self, registry: &str, e: &KError) -> KeyringError {
        KeyringError::Access {
            backend: self.backend,
            registry: registry.to_string(),
            reason: describe(e),
        }
    }

    pub fn get(&self, registry: &str) -> Result<Option<Secret>, KeyringError> {
        match self.entry(registry)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(KError::NoEntry) => Ok(None),
            Err(e) => Err(self.access(registry, &e)),
        }
    }

    pub fn set(&self, registry: &str, secret: &Secret) -> Result<(), KeyringError> {
        self.entry(registry)?
            .set_password(secret.expose())
            .map_err(|e| self.access(registry, &e))
    }

    /// Removes the entry; `false` when there was none.
    pub fn delete(&self, registry: &str) -> Result<bool, KeyringError> {
        match self.entry(registry)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KError::NoEntry) => Ok(false),
            Err(e) => Err(self.access(registry, &e)),
        }
    }
}

/// keyring-core's own messages start with a capital and name no next step; say what it means.
fn describe(e: &KError) -> String {
    match e {
        KError::NoStorageAccess(inner) => {
            format!("the keyring is locked or access was denied ({inner})")
        }
        KError::PlatformFailure(inner) => format!("the keyring service failed ({inner})"),
        other => other.to_string(),
    }
}

fn default_order() -> Vec<Backend> {
    if cfg!(target_os = "macos") {
        vec![Backend::Keychain]
    } else if cfg!(target_os = "windows") {
        vec![Backend::WindowsCredentialManager]
    } else if cfg!(target_os = "linux") {
        vec![Backend::SecretService, Backend::Keyutils]
    } else {
        vec![Backend::SecretService]
    }
}

/// A probe that must answer "no such entry" from a working store.
const PROBE_USER: &str = "ghcr-cli-probe.invalid";

fn probe(store: &Arc<CredentialStore>) -> Result<(), String> {
    let entry = Entry::new_in_store(store, SERVICE, PROBE_USER).map_err(|e| describe(&e))?;
    match entry.get_password() {
        Ok(_) | Err(KError::NoEntry) => Ok(()),
        Err(e) => Err(describe(&e)),
    }
}

#[allow(unreachable_code, unused_variables)]
fn open_backend(backend: Backend, dbus_session: bool) -> Result<Arc<CredentialStore>, String> {
    match backend {
        Backend::SecretService => {
            #[cfg(all(
                unix,
                not(any(target_os = "macos", target_os = "ios", target_os = "android"))
            ))]
            {
                if !dbus_session {
                    return Err("no D-Bus session: DBUS_SESSION_BUS_ADDRESS is not set".into());
                }
                let store: Arc<CredentialStore> =
                    zbus_secret_service_keyring_store::Store::new().map_err(|e| describe(&e))?;
                // Connecting proves a bus, not a Secret Service on it: ask it something.
                probe(&store)?;
                return Ok(store);
            }
            Err("not available on this platform".into())
        }
        Backend::Keyutils => {
            #[cfg(target_os = "linux")]
            {
                ensure_session_keyring()?;
                let store: Arc<CredentialStore> =
                    linux_keyutils_keyring_store::Store::new().map_err(|e| describe(&e))?;
                probe(&store)?;
                return Ok(store);
            }
            Err("not available on this platform".into())
        }
        Backend::Keychain => {
            #[cfg(target_os = "macos")]
            {
                let store: Arc<CredentialStore> =
                    apple_native_keyring_store::keychain::Store::new().map_err(|e| describe(&e))?;
                return Ok(store);
            }
            Err("not available on this platform".into())
        }
        Backend::WindowsCredentialManager => {
            #[cfg(target_os = "windows")]
            {
                let store: Arc<CredentialStore> =
                    windows_native_keyring_store::Store::new().map_err(|e| describe(&e))?;
                return Ok(store);
            }
            Err("not available on this platform".into())
        }
    }
}

/// A process started without pam_keyinit (CI, `docker exec`, cron) has no session keyring of
/// its own, only the shared user-session one, and keyutils refuses it. Asking for the session
/// keyring with `create` joins a new anonymous one, as `keyctl session -` does; the secrets
/// still outlive the process through the per-user persistent keyring the store links in.
#[cfg(target_os = "linux")]
fn ensure_session_keyring() -> Result<(), String> {
    use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false);
    // ENOSYS: the kernel calls are filtered out (Docker's default seccomp profile blocks
    // add_key and keyctl), which the store would report as "access denied".
    if let Err(KeyError::Unknown(errno)) = session
        && errno == libc::ENOSYS
    {
        return Err(
            "the kernel refuses its keyring calls here (ENOSYS), as containers under Docker's default seccomp profile do"
                .into(),
        );
    }
    let user_session = KeyRing::from_special_id(KeyRingIdentifier::UserSession, false);
    let shared = match (session, user_session) {
        (Ok(s), Ok(u)) => s == u,
        (Err(_), _) => true,
        _ => false,
    };
    if shared {
        let _ = KeyRing::from_special_id(KeyRingIdentifier::Session, true);
    }
    Ok(())
}

impl crate::kind::Kind for KeyringError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            KeyringError::UnknownBackend(_) => crate::kind::ErrorKind::Usage,
            _ => crate::kind::ErrorKind::Other,
        }
    }
}
