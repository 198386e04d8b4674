//! Manifests and indexes, OCI and Docker alike: media types, descriptors, and just enough
//! parsing to walk from a manifest to its blobs and from an index to its platforms.
//!
//! Manifests are always kept as the exact bytes received; these types are read-only views and
//! are never serialised back, because a digest is over the bytes as served.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::oci::digest::Digest;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const DOCKER_LAYER_TAR: &str = "application/vnd.docker.image.rootfs.diff.tar";
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
pub const OCI_LAYOUT_VERSION: &str = "1.0.0";
/// The annotation an OCI layout uses to name a manifest (the tag, here fully qualified).
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// The annotation buildx puts on the manifests of an index that are not images but
/// attestations (provenance, SBOMs) about one of its images.
pub const REFERENCE_TYPE: &str = "vnd.docker.reference.type";
/// [`REFERENCE_TYPE`]'s value on an attestation manifest.
pub const ATTESTATION_MANIFEST: &str = "attestation-manifest";

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
    /// An attestation manifest carried in an index (buildx): never a platform to choose.
    pub fn is_attestation(&self) -> bool {
        self.annotations.get(REFERENCE_TYPE).map(String::as_str) == Some(ATTESTATION_MANIFEST)
    }

    /// Whether this descriptor points at an index (which may nest in another index).
    pub fn is_index(&self) -> bool {
        is_index_type(&self.media_type)
    }

    /// How an index entry is shown: its platform, `attestation`, or `unknown`.
    pub fn label(&self) -> String {
        if self.is_attestation() {
            return "attestation".into();
        }
        match &self.platform {
            Some(p) => p.to_string(),
            None if self.is_index() => "index".into(),
            None => "unknown".into(),
        }
    }

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
    /// OCI 1.1: the manifest this index refers to (an index-type SBOM or signature); boxed,
    /// as it is rare and an index travels by value in [`Parsed`].
    #[serde(default)]
    pub subject: Option<Box<Descriptor>>,
}

/// What [`Index::select`] found for a wanted platform.
#[derive(Debug, Clone)]
pub enum Selected<'a> {
    /// An image entry whose platform matches.
    Image(&'a Descriptor),
    /// No direct match; these nested indexes may hold one (OCI allows an index in an index).
    Nested(Vec<&'a Descriptor>),
}

impl Index {
    /// The one place a platform is chosen from an index: the first image entry whose platform
    /// satisfies `want` (containerd's matching), never an attestation manifest. When no
    /// entry matches, the nested indexes to look into next.
    pub fn select(&self, want: &Platform) -> Selected<'_> {
        match self.manifests.iter().find(|d| {
            !d.is_attestation()
                && !d.is_index()
                && d.platform.as_ref().is_some_and(|p| want.matches(p))
        }) {
            Some(d) => Selected::Image(d),
            None => Selected::Nested(self.manifests.iter().filter(|d| d.is_index()).collect()),
        }
    }

    /// The platforms this index offers, in its order, attestations left out.
    pub fn platforms(&self) -> Vec<String> {
        self.manifests
            .iter()
            .filter(|d| !d.is_attestation() && !d.is_index())
            .map(Descriptor::label)
            .collect()
    }

    /// The attestation manifests this index carries.
    pub fn attestations(&self) -> impl Iterator<Item = &Descriptor> {
        self.manifests.iter().filter(|d| d.is_attestation())
    }
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

pub fn is_index_type(media_type: &str) -> bool {
    media_type == OCI_INDEX || media_type == DOCKER_LIST
}

/// The platform an image config declares (`os`, `architecture`, `variant`), if it says.
pub fn config_platform(config: &[u8]) -> Option<Platform> {
    #[derive(Deserialize)]
    struct Probe {
        os: Option<String>,
        architecture: Option<String>,
        variant: Option<String>,
    }
    let p: Probe = serde_json::from_slice(config).ok()?;
    let mut platform = Platform {
        os: p.os.filter(|s| !s.is_empty())?,
        architecture: p.architecture.filter(|s| !s.is_empty())?,
        variant: p.variant.filter(|s| !s.is_empty()),
        os_version: None,
    };
    platform.normalize();
    Some(platform)
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

/// Manifests come from registries and the store: a bad one is their failure, not a usage error
/// (`load` reports a bad archive as bad input itself).
impl crate::kind::Kind for ManifestError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
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
    fn select_skips_attestations_and_looks_into_nested_indexes() {
        let d = |digest: &[u8], media: &str, plat: Option<&str>, att: bool| {
            let mut d = Descriptor::new(media, Digest::sha256_of(digest), 1);
            d.platform = plat.map(|p| Platform::parse(p).expect("platform"));
            if att {
                d.annotations
                    .insert(REFERENCE_TYPE.into(), ATTESTATION_MANIFEST.into());
            }
            d
        };
        // buildx lists the attestation with an unknown/unknown platform.
        let att = d(b"att", OCI_MANIFEST, Some("unknown/unknown"), true);
        let amd = d(b"amd", OCI_MANIFEST, Some("linux/amd64"), false);
        let nested = d(b"nested", OCI_INDEX, None, false);
        let index = Index {
            manifests: vec![att.clone(), amd.clone(), nested.clone()],
            subject: None,
        };
        assert!(matches!(index.select(&plat("linux/amd64")), Selected::Image(x) if *x == amd));
        assert!(
            matches!(index.select(&plat("unknown/unknown")), Selected::Nested(n) if n == vec![&nested])
        );
        assert_eq!(index.platforms(), vec!["linux/amd64".to_string()]);
        assert_eq!(att.label(), "attestation");
        assert_eq!(index.attestations().count(), 1);
    }

    #[test]
    fn config_platform_reads_and_normalizes() {
        let c = br#"{"architecture":"aarch64","os":"linux","rootfs":{}}"#;
        assert_eq!(
            config_platform(c).map(|p| p.to_string()),
            Some("linux/arm64".into())
        );
        assert_eq!(config_platform(br#"{"os":"linux"}"#), None);
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
