//! Manifests and indexes, OCI and Docker alike: media types, descriptors, and just enough
//! parsing to walk from a manifest to its blobs and from an index to its platforms.
//!
//! Manifests are always kept as the exact bytes received; these types are read-only views and
//! are never serialised back, because a digest is over the bytes as served.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::digest::Digest;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_LAYOUT_VERSION: &str = "1.0.0";
/// The annotation an OCI layout uses to name a manifest (the tag, here fully qualified).
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Every manifest kind ghcr-cli handles, for `Accept` headers.
pub const ACCEPT: &[&str] = &[OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST];

/// Manifests and indexes larger than this are refused before parsing (containerd's limit).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Error)]
pub enum ManifestError {
    #[error("the manifest is not valid JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("unsupported manifest media type `{0}`")]
    UnknownMediaType(String),
    #[error("the manifest declares no media type")]
    NoMediaType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Descriptor {
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(
        rename = "artifactType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub artifact_type: Option<String>,
}

impl Descriptor {
    pub fn new(media_type: &str, digest: Digest, size: u64) -> Self {
        Self {
            media_type: media_type.to_string(),
            digest,
            size,
            platform: None,
            annotations: BTreeMap::new(),
            artifact_type: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl Platform {
    /// Parses `os/arch[/variant]`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [os, arch] | [os, arch, _] if !os.is_empty() && !arch.is_empty() => {
                let mut p = Platform {
                    os: os.to_lowercase(),
                    architecture: arch.to_lowercase(),
                    variant: parts.get(2).map(|v| v.to_lowercase()),
                    os_version: None,
                };
                p.normalize();
                Ok(p)
            }
            _ => Err(format!(
                "invalid platform `{s}`: expected OS/ARCH[/VARIANT], such as linux/amd64 or linux/arm64/v8"
            )),
        }
    }

    /// The platform this binary runs on, in Go's names.
    pub fn host() -> Self {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "arm" => "arm",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            other => other,
        };
        let mut p = Platform {
            os: "linux".into(),
            architecture: arch.into(),
            variant: None,
            os_version: None,
        };
        p.normalize();
        p
    }

    /// containerd's normalisation: `aarch64` is `arm64`, whose default variant is `v8`;
    /// `arm` defaults to `v7`; `x86_64` is `amd64`.
    fn normalize(&mut self) {
        match self.architecture.as_str() {
            "aarch64" | "arm64" => {
                self.architecture = "arm64".into();
                if self.variant.as_deref() == Some("8") {
                    self.variant = Some("v8".into());
                }
            }
            "x86_64" | "x86-64" => self.architecture = "amd64".into(),
            "armhf" => {
                self.architecture = "arm".into();
                self.variant = Some("v7".into());
            }
            "armel" => {
                self.architecture = "arm".into();
                self.variant = Some("v6".into());
            }
            "arm" if self.variant.is_none() => self.variant = Some("v7".into()),
            _ => {}
        }
    }

    /// Whether an index entry's platform satisfies this requested one. A missing variant on
    /// arm64 means `v8`, so `linux/arm64` matches `linux/arm64/v8` (containerd's rule).
    pub fn matches(&self, candidate: &Platform) -> bool {
        let mut c = candidate.clone();
        c.os = c.os.to_lowercase();
        c.normalize();
        let variant = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        c.os == self.os
            && c.architecture == self.architecture
            && (self.variant.is_none() && c.architecture != "arm" || variant(&c) == variant(self))
    }
}

/// What a manifest's bytes turned out to be.
#[derive(Debug, Clone)]
pub enum Parsed {
    Image(Box<ImageManifest>),
    Index(Index),
}

#[derive(Debug, Clone, Deserialize)]
pub struct ImageManifest {
    pub config: Descriptor,
    #[serde(default)]
    pub layers: Vec<Descriptor>,
    #[serde(default)]
    pub subject: Option<Descriptor>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Index {
    pub manifests: Vec<Descriptor>,
}

impl ImageManifest {
    /// The config and the layers: every blob the image needs.
    pub fn blobs(&self) -> impl Iterator<Item = &Descriptor> {
        std::iter::once(&self.config).chain(self.layers.iter())
    }
}

pub fn is_manifest_type(media_type: &str) -> bool {
    ACCEPT.contains(&media_type)
}

/// Parses manifest bytes. `content_type` is what the registry (or a descriptor) said; the
/// document's own `mediaType` wins when present, and an OCI document without one is told apart
/// by its `manifests` or `config` field, as the image spec allows.
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<(String, Parsed), ManifestError> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType", default)]
        media_type: Option<String>,
        #[serde(default)]
        manifests: Option<serde_json::Value>,
        #[serde(default)]
        config: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(ManifestError::Json)?;
    let content_type = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim())
        .filter(|c| is_manifest_type(c));
    let media_type = match (probe.media_type, content_type) {
        (Some(m), _) => m,
        (None, Some(c)) => c.to_string(),
        (None, None) if probe.manifests.is_some() => OCI_INDEX.to_string(),
        (None, None) if probe.config.is_some() => OCI_MANIFEST.to_string(),
        (None, None) => return Err(ManifestError::NoMediaType),
    };
    let parsed = match media_type.as_str() {
        OCI_MANIFEST | DOCKER_MANIFEST => {
            Parsed::Image(serde_json::from_slice(bytes).map_err(ManifestError::Json)?)
        }
        OCI_INDEX | DOCKER_LIST => {
            Parsed::Index(serde_json::from_slice(bytes).map_err(ManifestError::Json)?)
        }
        other => return Err(ManifestError::UnknownMediaType(other.to_string())),
    };
    Ok((media_type, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plat(s: &str) -> Platform {
        Platform::parse(s).expect("valid platform")
    }

    #[test]
    fn arm64_matches_v8_both_ways() {
        assert!(plat("linux/arm64").matches(&plat("linux/arm64/v8")));
        assert!(plat("linux/arm64/v8").matches(&plat("linux/arm64")));
        assert!(!plat("linux/arm64/v9").matches(&plat("linux/arm64")));
        assert!(plat("linux/amd64").matches(&plat("linux/amd64")));
        assert!(!plat("linux/amd64").matches(&plat("linux/arm64")));
        assert!(plat("linux/arm").matches(&plat("linux/arm/v7")));
        assert!(!plat("linux/arm").matches(&plat("linux/arm/v6")));
        assert!(plat("linux/amd64").matches(&plat("linux/amd64/v2")));
    }

    #[test]
    fn parse_platform_rejects_garbage() {
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux/amd64/v1/x").is_err());
        assert!(Platform::parse("/amd64").is_err());
    }

    #[test]
    fn parse_tells_kinds_apart() {
        let idx = br#"{"schemaVersion":2,"manifests":[]}"#;
        assert!(matches!(parse(idx, None), Ok((m, Parsed::Index(_))) if m == OCI_INDEX));
        let bad = br#"{"schemaVersion":2,"mediaType":"application/x-nope"}"#;
        assert!(matches!(
            parse(bad, None),
            Err(ManifestError::UnknownMediaType(_))
        ));
        assert!(matches!(parse(b"{", None), Err(ManifestError::Json(_))));
    }
}
