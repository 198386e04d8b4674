//! OCI 1.1 artifacts and referrers as documents: the artifact manifest (files as layers named
//! by `org.opencontainers.image.title`, the empty config, `artifactType`, an optional
//! `subject`), the descriptor a referrer gets in a referrers list, the `sha256-<hex>` tag of
//! the tag schema and its index, and the check that a title names a file inside a directory.
//! The shapes follow image-spec 1.1 (`manifest.md` "Guidelines for Artifact Usage") and what
//! oras writes (`oras-go` `PackManifest` with `PackManifestVersion1_1`, `content/file`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::manifest::{Descriptor, OCI_INDEX, OCI_MANIFEST};

/// The empty config (and empty layer) of image-spec 1.1: the two bytes `{}`.
pub const EMPTY_JSON: &str = "application/vnd.oci.empty.v1+json";
pub const EMPTY_JSON_BYTES: &[u8] = b"{}";
/// The annotation oras (and image-spec) use for a layer's file name.
pub const TITLE: &str = "org.opencontainers.image.title";
/// The annotation with the creation time, which oras sets on every manifest it packs.
pub const CREATED: &str = "org.opencontainers.image.created";
/// oras's artifact type when none is given.
pub const UNKNOWN_ARTIFACT: &str = "application/vnd.unknown.artifact.v1";
/// oras's media type for a file layer when none is given.
pub const DEFAULT_FILE_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";
/// oras marks a layer that is a gzipped tar of a directory with this annotation.
pub const UNPACK: &str = "io.deis.oras.content.unpack";

/// A descriptor as an artifact manifest writes it; `data` carries the empty config inline
/// (`e30=`), as oras does.
#[derive(Debug, Clone, Serialize)]
struct Written {
    #[serde(rename = "mediaType")]
    media_type: String,
    digest: Digest,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

impl From<&Descriptor> for Written {
    fn from(d: &Descriptor) -> Self {
        Written {
            media_type: d.media_type.clone(),
            digest: d.digest.clone(),
            size: d.size,
            data: None,
            annotations: d.annotations.clone(),
        }
    }
}

#[derive(Serialize)]
struct ManifestDoc {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    #[serde(rename = "artifactType")]
    artifact_type: String,
    config: Written,
    layers: Vec<Written>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<Written>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

/// The empty config's descriptor.
pub fn empty_descriptor() -> Descriptor {
    Descriptor::new(EMPTY_JSON, Digest::sha256_of(EMPTY_JSON_BYTES), 2)
}

/// The bytes of an artifact manifest. `layers` carry their title annotations already; with
/// no layer at all the empty blob stands in for one, as image-spec 1.1 asks (a manifest
/// needs at least one layer).
pub fn manifest(
    artifact_type: &str,
    layers: &[Descriptor],
    subject: Option<&Descriptor>,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let mut config = Written::from(&empty_descriptor());
    config.data = Some("e30=".into());
    let layers = if layers.is_empty() {
        vec![Written::from(&empty_descriptor())]
    } else {
        layers.iter().map(Written::from).collect()
    };
    let doc = ManifestDoc {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        artifact_type: artifact_type.to_string(),
        config,
        layers,
        subject: subject.map(|s| Written {
            annotations: BTreeMap::new(),
            ..Written::from(s)
        }),
        annotations: annotations.clone(),
    };
    // Serialising our own structs cannot fail.
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// What a referrers list needs from a manifest: its artifact type, annotations and subject.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReferrerFields {
    #[serde(rename = "mediaType", default)]
    pub media_type: Option<String>,
    #[serde(rename = "artifactType", default)]
    pub artifact_type: Option<String>,
    #[serde(default)]
    pub config: Option<Descriptor>,
    #[serde(default)]
    pub subject: Option<Descriptor>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

impl ReferrerFields {
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }

    /// The artifact type a referrers list shows: `artifactType`, else the config's media type
    /// (distribution-spec 1.1, "Listing Referrers").
    pub fn artifact_type(&self) -> Option<String> {
        self.artifact_type
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| self.config.as_ref().map(|c| c.media_type.clone()))
    }
}

/// The descriptor of a referrer as the referrers API and the tag schema list it: media
/// type, digest, size, artifact type and the manifest's annotations.
pub fn referrer_descriptor(bytes: &[u8], media_type: &str) -> Descriptor {
    let fields = ReferrerFields::parse(bytes).unwrap_or_default();
    let mut d = Descriptor::new(media_type, Digest::sha256_of(bytes), bytes.len() as u64);
    d.artifact_type = fields.artifact_type();
    d.annotations = fields.annotations;
    d
}

/// The tag-schema tag of a subject: `sha256-<hex>` (distribution-spec 1.1, "Referrers Tag
/// Schema").
pub fn fallback_tag(subject: &Digest) -> String {
    format!("{}-{}", subject.algorithm().as_str(), subject.hex())
}

#[derive(Serialize)]
struct IndexDoc<'a> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    manifests: &'a [Descriptor],
}

/// The bytes of a referrers index (what the tag schema stores under `sha256-<hex>`).
pub fn referrers_index(manifests: &[Descriptor]) -> Vec<u8> {
    serde_json::to_vec(&IndexDoc {
        schema_version: 2,
        media_type: OCI_INDEX,
        manifests,
    })
    .unwrap_or_default()
}

/// The path components of a file title, when it names a file inside the directory it is
/// written to: relative, no `..` or `.`, no empty component, no backslash or NUL. Symlinks on
/// the way are the writer's to check.
pub fn safe_title(title: &str) -> Option<Vec<&str>> {
    if title.is_empty() || title.starts_with('/') || title.contains(['\\', '\0']) {
        return None;
    }
    let parts: Vec<&str> = title.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return None;
    }
    Some(parts)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch (Howard Hinnant's civil-from-days),
/// for the `created` annotation without a date crate.
pub fn rfc3339(unix: u64) -> String {
    let (days, secs) = ((unix / 86_400) as i64, unix % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }

    use super::*;

    #[test]
    fn the_empty_config_is_the_spec_one() {
        assert_eq!(
            empty_descriptor().digest.to_string(),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }

    #[test]
    fn manifest_has_the_oci_1_1_shape() {
        let mut layer = Descriptor::new("text/plain", Digest::sha256_of(b"hi"), 2);
        layer.annotations.insert(TITLE.into(), "hi.txt".into());
        let subject = Descriptor::new(OCI_MANIFEST, Digest::sha256_of(b"s"), 1);
        let bytes = manifest(
            "application/x.t",
            &[layer],
            Some(&subject),
            &BTreeMap::new(),
        );
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(v["artifactType"], "application/x.t");
        assert_eq!(v["config"]["mediaType"], EMPTY_JSON);
        assert_eq!(v["config"]["data"], "e30=");
        assert_eq!(v["layers"][0]["annotations"][TITLE], "hi.txt");
        assert_eq!(v["subject"]["digest"], subject.digest.to_string());
        let d = referrer_descriptor(&bytes, OCI_MANIFEST);
        assert_eq!(d.artifact_type.as_deref(), Some("application/x.t"));
        assert_eq!(d.digest, Digest::sha256_of(&bytes));
        // No files: the empty blob is the one layer.
        let bare = manifest("a/b", &[], None, &BTreeMap::new());
        let v: serde_json::Value = serde_json::from_slice(&bare).expect("json");
        assert_eq!(v["layers"][0]["mediaType"], EMPTY_JSON);
        assert!(v.get("subject").is_none());
    }

    #[test]
    fn titles_that_leave_the_directory_are_refused() {
        assert_eq!(safe_title("a.txt"), Some(vec!["a.txt"]));
        assert_eq!(safe_title("dir/a.txt"), Some(vec!["dir", "a.txt"]));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\b",
            "a/",
        ] {
            assert_eq!(safe_title(bad), None, "{bad}");
        }
    }

    #[test]
    fn fallback_tag_is_alg_dash_hex() {
        let d = Digest::sha256_of(b"x");
        assert_eq!(fallback_tag(&d), format!("sha256-{}", d.hex()));
    }
}
