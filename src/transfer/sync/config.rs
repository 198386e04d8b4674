//! `sync`'s YAML file: per-registry settings and a list of entries (a source registry,
//! repository or image, a target, tag filters, platforms, referrers), read strictly (an
//! unknown key is an error naming its line) and resolved once into [`Entry`]s the engine
//! runs: references parsed, regexes and semver ranges compiled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;

use super::tags::{Newest, TagFilter};
use crate::oci::manifest::Platform;
use crate::oci::reference::{Defaults, Reference, canonical_registry};
use crate::transfer::PlatformChoice;

#[derive(Debug, Error)]
pub enum SyncConfigError {
    #[error("cannot read the sync config `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid sync config `{path}`: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl crate::kind::Kind for SyncConfigError {
    fn kind(&self) -> crate::kind::ErrorKind {
        match self {
            SyncConfigError::Read { .. } => crate::kind::ErrorKind::Other,
            SyncConfigError::Invalid { .. } => crate::kind::ErrorKind::Usage,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    registries: BTreeMap<String, RegistrySettings>,
    #[serde(default)]
    defaults: Shared,
    sync: Vec<RawEntry>,
}

/// What an entry leaves out.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Shared {
    platforms: Option<Platforms>,
    referrers: Option<bool>,
    tags: Option<RawTags>,
}

/// Settings for one registry, on either side.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySettings {
    /// `auto` (the usual lookup: keyring, environment, Docker's config) or `anonymous`.
    #[serde(default)]
    pub credentials: CredentialSource,
    /// Requests waiting for their answer at once.
    pub max_concurrent: Option<usize>,
    /// Requests started per second.
    pub requests_per_second: Option<f64>,
    /// Upload blobs to this registry in chunks of this many bytes (ghcr.io takes 4 MiB).
    pub chunk_size: Option<u64>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialSource {
    #[default]
    Auto,
    Anonymous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Registry,
    Repository,
    Image,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    source: String,
    target: String,
    /// Inferred when left out: a bare host is a registry, a tag or digest makes an image.
    #[serde(rename = "type")]
    kind: Option<Kind>,
    tags: Option<RawTags>,
    platforms: Option<Platforms>,
    referrers: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTags {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    semver: Option<String>,
    newest: Option<usize>,
    /// `semver` (the default) or `created` (the image config's creation time).
    newest_by: Option<Newest>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Platforms {
    One(String),
    Many(Vec<String>),
}

/// Where an entry reads from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Every repository of a registry (its catalog).
    Registry(String),
    /// Every tag of a repository that the filters keep.
    Repository(Reference),
    /// One image (a tag or a digest).
    Image(Reference),
}

/// One resolved entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub source: Source,
    /// The target registry and repository (for a registry source: the prefix the source's
    /// repositories go under, maybe empty); the tag for an image source, when it names one.
    pub target_registry: String,
    pub target_repo: String,
    pub target_tag: Option<String>,
    pub tags: TagFilter,
    pub platforms: PlatformChoice,
    pub referrers: bool,
}

/// The whole file, resolved.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    pub registries: BTreeMap<String, RegistrySettings>,
    pub entries: Vec<Entry>,
}

impl SyncConfig {
    pub fn registry(&self, name: &str) -> RegistrySettings {
        self.registries.get(name).cloned().unwrap_or_default()
    }
}

/// Reads and resolves `path`.
pub fn load(path: &Path, defaults: &Defaults) -> Result<SyncConfig, SyncConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| SyncConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, defaults).map_err(|message| SyncConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    })
}

/// Parses and resolves the text of a sync config; the error is the message.
pub fn parse(text: &str, defaults: &Defaults) -> Result<SyncConfig, String> {
    let file: File = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    let registries = file
        .registries
        .into_iter()
        .map(|(name, settings)| {
            if settings.max_concurrent == Some(0) {
                return Err(format!(
                    "registry `{name}`: max_concurrent must be at least 1"
                ));
            }
            if settings
                .requests_per_second
                .is_some_and(|r| !r.is_finite() || r <= 0.0)
            {
                return Err(format!(
                    "registry `{name}`: requests_per_second must be more than 0"
                ));
            }
            if settings.chunk_size == Some(0) {
                return Err(format!("registry `{name}`: chunk_size must be at least 1"));
            }
            Ok((host_of(&name), settings))
        })
        .collect::<Result<_, String>>()?;
    let mut entries = Vec::new();
    for (i, raw) in file.sync.into_iter().enumerate() {
        let at = format!("sync entry {} (`{}`)", i + 1, raw.source);
        let entry = resolve(raw, &file.defaults, defaults).map_err(|e| format!("{at}: {e}"))?;
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err("`sync` lists no entries".into());
    }
    Ok(SyncConfig {
        registries,
        entries,
    })
}

fn resolve(raw: RawEntry, shared: &Shared, defaults: &Defaults) -> Result<Entry, String> {
    let kind = raw.kind.unwrap_or_else(|| infer(&raw.source));
    let source = match kind {
        Kind::Registry => {
            if raw.source.contains('/') {
                return Err("a registry source is a host alone (`registry.example.com`)".into());
            }
            Source::Registry(host_of(&raw.source))
        }
        Kind::Repository => Source::Repository(
            Reference::parse_repository(&raw.source, defaults).map_err(|e| e.to_string())?,
        ),
        Kind::Image => {
            Source::Image(Reference::parse(&raw.source, defaults).map_err(|e| e.to_string())?)
        }
    };
    let (target_registry, target_repo, target_tag) = match &source {
        Source::Registry(_) => match raw.target.split_once('/') {
            Some((host, prefix)) => (
                host_of(host),
                prefix.trim_end_matches('/').to_string(),
                None,
            ),
            None => (host_of(&raw.target), String::new(), None),
        },
        Source::Repository(_) => {
            let r = Reference::parse_repository(&raw.target, defaults)
                .map_err(|e| format!("target: {e}"))?;
            (r.registry().to_string(), r.repository().to_string(), None)
        }
        Source::Image(_) => {
            let r = Reference::parse_partial(&raw.target, defaults)
                .map_err(|e| format!("target: {e}"))?;
            if r.digest().is_some() {
                return Err("the target names a digest: name a repository or a tag".into());
            }
            (
                r.registry().to_string(),
                r.repository().to_string(),
                r.tag().map(str::to_string),
            )
        }
    };
    let tags = raw.tags.or_else(|| shared.tags.clone()).unwrap_or_default();
    let platforms = platforms(raw.platforms.as_ref().or(shared.platforms.as_ref()))?;
    Ok(Entry {
        source,
        target_registry,
        target_repo,
        target_tag,
        tags: TagFilter::new(
            &tags.include,
            &tags.exclude,
            tags.semver.as_deref(),
            tags.newest
                .map(|n| (n, tags.newest_by.unwrap_or(Newest::Semver))),
        )?,
        platforms,
        referrers: raw.referrers.or(shared.referrers).unwrap_or(false),
    })
}

/// A host alone (no `/`) is a registry; a last component with `:` or an `@` is an image.
fn infer(source: &str) -> Kind {
    if !source.contains('/')
        && (source.contains('.') || source.contains(':') || source == "localhost")
    {
        return Kind::Registry;
    }
    let last = source.rsplit('/').next().unwrap_or(source);
    if source.contains('@') || last.contains(':') {
        Kind::Image
    } else {
        Kind::Repository
    }
}

fn host_of(name: &str) -> String {
    let name = name
        .strip_prefix("https://")
        .or_else(|| name.strip_prefix("http://"))
        .unwrap_or(name);
    canonical_registry(name.trim_end_matches('/'))
}

/// `all` (the default) or one platform. Several would make a new index, with a digest of
/// its own, that no source tag points at: a mirror keeps digests, so it is refused.
fn platforms(p: Option<&Platforms>) -> Result<PlatformChoice, String> {
    let one = |s: &str| -> Result<PlatformChoice, String> {
        if s == "all" {
            return Ok(PlatformChoice::All);
        }
        Platform::parse(s)
            .map(PlatformChoice::One)
            .map_err(|e| format!("platform `{s}`: {e}"))
    };
    match p {
        None => Ok(PlatformChoice::All),
        Some(Platforms::One(s)) => one(s),
        Some(Platforms::Many(list)) => match list.as_slice() {
            [] => Ok(PlatformChoice::All),
            [s] => one(s),
            _ => Err(
                "several platforms would make a new index whose digest no source tag has; list one platform, or `all`"
                    .into(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> SyncConfig {
        parse(text, &Defaults::default()).expect("valid config")
    }

    #[test]
    fn sources_are_inferred_and_targets_follow_them() {
        let c = parse_ok(
            r#"
registries:
  https://index.docker.io/: {max_concurrent: 4, requests_per_second: 2.5}
sync:
  - {source: "127.0.0.1:5000", target: "127.0.0.1:6000/mirror/"}
  - {source: docker.io/library/alpine, target: ghcr.io/acme/alpine, referrers: true}
  - {source: "docker.io/library/nginx:1.27", target: "ghcr.io/acme/nginx", platforms: [linux/arm64]}
"#,
        );
        assert_eq!(c.registry("docker.io").max_concurrent, Some(4));
        let e = &c.entries;
        assert_eq!(e[0].source, Source::Registry("127.0.0.1:5000".into()));
        assert_eq!(
            (e[0].target_registry.as_str(), e[0].target_repo.as_str()),
            ("127.0.0.1:6000", "mirror")
        );
        assert!(
            matches!(&e[1].source, Source::Repository(r) if r.repository() == "library/alpine")
        );
        assert!(e[1].referrers && !e[0].referrers);
        assert!(matches!(&e[2].source, Source::Image(r) if r.tag() == Some("1.27")));
        assert_eq!(e[2].target_tag, None);
        assert!(
            matches!(&e[2].platforms, PlatformChoice::One(p) if p.to_string() == "linux/arm64")
        );
        assert_eq!(e[0].platforms, PlatformChoice::All);
    }

    #[test]
    fn mistakes_are_named() {
        let bad = |text: &str, needle: &str| {
            let e = parse(text, &Defaults::default()).expect_err("invalid");
            assert!(e.contains(needle), "{e}");
        };
        bad("sync: [{source: a.io/x, target: b.io/x, tagz: {}}]", "tagz");
        bad(
            "sync: [{source: a.io/x, target: b.io/x, platforms: [linux/amd64, linux/arm64]}]",
            "several platforms",
        );
        bad(
            "sync: [{source: a.io/x, target: b.io/x, tags: {include: ['(']}}]",
            "include",
        );
        bad(
            "sync: [{source: a.io/x, target: b.io/x, tags: {semver: '>>1'}}]",
            "semver",
        );
        bad(
            "registries: {a.io: {max_concurrent: 0}}\nsync: [{source: a.io/x, target: b.io/x}]",
            "max_concurrent",
        );
        bad("sync: []", "no entries");
    }
}
