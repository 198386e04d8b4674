//! Typed registry errors: the OCI error envelope (`{"errors":[{"code":…}]}`) and HTTP
//! statuses turned into variants the command layer can explain and map to exit codes.

use thiserror::Error;

use super::auth::ChallengeError;
use crate::oci::digest::Digest;
use crate::oci::manifest::ManifestError;

#[derive(Debug, Error)]
pub enum RegistryError {
    #[error("{registry} refused the credentials{detail}")]
    Unauthorized { registry: String, detail: String },
    /// A 401 to a request that carried no credentials.
    #[error("{registry} requires credentials, and none were found for it{detail}")]
    AuthRequired { registry: String, detail: String },
    #[error("access to {what} was denied{detail}")]
    Denied { what: String, detail: String },
    #[error("{what} was not found{detail}")]
    NotFound { what: String, detail: String },
    /// The registry no longer knows an upload session, or disagrees about its offset
    /// (`BLOB_UPLOAD_INVALID`, `BLOB_UPLOAD_UNKNOWN`, 416): a new session is the way on.
    #[error("the registry lost the {what}{detail}")]
    UploadLost { what: String, detail: String },
    #[error("{registry} answered 429 Too Many Requests{detail}")]
    TooManyRequests { registry: String, detail: String },
    #[error("{registry} does not support this operation on {what}{detail}")]
    Unsupported {
        registry: String,
        what: String,
        detail: String,
    },
    #[error("{registry} answered {status} for {what}{detail}")]
    Status {
        registry: String,
        status: u16,
        what: String,
        detail: String,
    },
    #[error(transparent)]
    Http(#[from] crate::http::HttpError),
    #[error(transparent)]
    Challenge(#[from] ChallengeError),
    #[error("refusing the token realm `{realm}`: {reason}")]
    Realm { realm: String, reason: String },
    #[error(
        "refusing to send the credentials for {registry} in cleartext to the token realm `{realm}`: it is plain HTTP on `{realm_host}`, which is not marked insecure (the insecure setting covers only the registry it names)"
    )]
    CleartextRealm {
        registry: String,
        realm: String,
        realm_host: String,
    },
    #[error("the token server at `{realm}` gave no token")]
    NoToken { realm: String },
    #[error(
        "{what} does not match its digest: expected {expected}, the content hashes to {actual}"
    )]
    DigestMismatch {
        what: String,
        expected: Digest,
        actual: Digest,
    },
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge { what: String, limit: u64 },
    #[error("{what} is invalid: {source}")]
    Manifest {
        what: String,
        #[source]
        source: ManifestError,
    },
    #[error("{what}: {reason}")]
    Protocol { what: String, reason: String },
    #[error("failed to read `{path}`")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// One entry of the OCI error envelope.
#[derive(Debug, serde::Deserialize)]
pub struct ErrorEntry {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    errors: Vec<ErrorEntry>,
}

/// Parses an error body; anything that is not the envelope gives no entries.
pub fn parse_envelope(body: &[u8]) -> Vec<ErrorEntry> {
    serde_json::from_slice::<Envelope>(body)
        .map(|e| e.errors)
        .unwrap_or_default()
}

/// `: CODE: message; CODE: message` for the end of an error line, or nothing.
pub fn detail(entries: &[ErrorEntry]) -> String {
    let parts: Vec<String> = entries
        .iter()
        .map(|e| {
            let msg: String = e.message.chars().take(300).collect();
            match (e.code.is_empty(), msg.is_empty()) {
                (false, false) => format!("{}: {msg}", e.code),
                (false, true) => e.code.clone(),
                (true, _) => msg,
            }
        })
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join("; "))
    }
}

impl RegistryError {
    /// Builds the error for a failed response: the envelope's code decides where the status
    /// alone would be ambiguous.
    pub fn from_status(registry: &str, what: &str, status: u16, body: &[u8]) -> Self {
        let entries = parse_envelope(body);
        let detail = detail(&entries);
        let code = entries.first().map(|e| e.code.as_str()).unwrap_or("");
        let registry = registry.to_string();
        let what = what.to_string();
        match (status, code) {
            (_, "UNAUTHORIZED") | (401, _) => RegistryError::Unauthorized { registry, detail },
            (_, "DENIED") | (403, _) => RegistryError::Denied { what, detail },
            // Checked before 404: distribution answers a stale upload URL with 404
            // BLOB_UPLOAD_INVALID, which is not "not found" to the user.
            (_, "BLOB_UPLOAD_INVALID" | "BLOB_UPLOAD_UNKNOWN") | (416, _) => {
                RegistryError::UploadLost { what, detail }
            }
            (_, "MANIFEST_UNKNOWN" | "NAME_UNKNOWN" | "BLOB_UNKNOWN") | (404, _) => {
                RegistryError::NotFound { what, detail }
            }
            (_, "TOOMANYREQUESTS") | (429, _) => {
                RegistryError::TooManyRequests { registry, detail }
            }
            (_, "UNSUPPORTED") | (405, _) => RegistryError::Unsupported {
                registry,
                what,
                detail,
            },
            _ => RegistryError::Status {
                registry,
                status,
                what,
                detail,
            },
        }
    }
}

impl crate::kind::Kind for RegistryError {
    fn kind(&self) -> crate::kind::ErrorKind {
        use crate::kind::ErrorKind;
        match self {
            RegistryError::Unauthorized { .. }
            | RegistryError::AuthRequired { .. }
            | RegistryError::Denied { .. } => ErrorKind::Auth,
            RegistryError::NotFound { .. } => ErrorKind::NotFound,
            _ => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_codes_map_to_variants() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#;
        let e = RegistryError::from_status("h.io", "manifest h.io/a:x", 404, body);
        assert_eq!(
            e.to_string(),
            "manifest h.io/a:x was not found (MANIFEST_UNKNOWN: manifest unknown)"
        );
        let stale = br#"{"errors":[{"code":"BLOB_UPLOAD_INVALID","message":"blob upload invalid","detail":"upload resumed at wrong offset"}]}"#;
        let e = RegistryError::from_status("h.io", "upload of blob x", 404, stale);
        assert!(matches!(e, RegistryError::UploadLost { .. }), "{e:?}");
        let e = RegistryError::from_status("h.io", "upload of blob x", 416, b"");
        assert!(matches!(e, RegistryError::UploadLost { .. }), "{e:?}");
        let e = RegistryError::from_status("ghcr.io", "manifest", 405, b"not json");
        assert!(matches!(e, RegistryError::Unsupported { .. }));
        let e = RegistryError::from_status(
            "ghcr.io",
            "blob",
            403,
            br#"{"errors":[{"code":"DENIED","message":"permission_denied: write_package"}]}"#,
        );
        assert_eq!(
            e.to_string(),
            "access to blob was denied (DENIED: permission_denied: write_package)"
        );
    }
}
