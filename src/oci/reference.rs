//! Image references: parse the distribution reference grammar once, at the edge, into a
//! fully qualified [`Reference`] that every other module and every message uses. Long (about
//! 630 lines) because the grammar's table-driven tests sit beside it, as in oci-spec-rs.
//!
//! Grammar (distribution/reference, `reference.go`):
//! `[host[:port]/]path[:tag][@digest]`, where the first component is a host only when it
//! contains `.` or `:` or is `localhost` (Docker's rule).

use std::fmt;

use thiserror::Error;

use crate::oci::digest::Digest;

/// The registry Docker Hub names are canonicalised to, and the host its API lives on.
pub const DOCKER_HUB: &str = "docker.io";
pub const DOCKER_HUB_API: &str = "registry-1.docker.io";
/// The registry a name without a host goes to unless the user says otherwise.
pub const DEFAULT_REGISTRY: &str = "ghcr.io";

/// Longest repository name, host included (distribution's `NameTotalLengthMax`).
pub const NAME_MAX: usize = 255;
/// Longest tag (`[\w][\w.-]{0,127}`).
pub const TAG_MAX: usize = 128;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReferenceError {
    #[error("invalid reference `{0}`: it is empty")]
    Empty(String),
    #[error("invalid reference `{input}`: {reason}")]
    Malformed { input: String, reason: String },
    #[error("invalid registry host `{host}` in `{input}`: {reason}")]
    Host {
        input: String,
        host: String,
        reason: String,
    },
    #[error(
        "invalid repository name `{name}` in `{input}`: {reason}\n  (path components are lowercase letters and digits, separated by `.`, `_`, `__` or dashes)"
    )]
    Name {
        input: String,
        name: String,
        reason: String,
    },
    #[error(
        "invalid tag `{tag}` in `{input}`: a tag is 1 to 128 letters, digits, `_`, `.` or `-`, and does not start with `.` or `-`"
    )]
    Tag { input: String, tag: String },
    #[error("invalid digest `{digest}` in `{input}`: {reason}")]
    Digest {
        input: String,
        digest: String,
        reason: String,
    },
    #[error("`{input}` names no owner: on {registry} every image lives under an owner")]
    NoOwner { input: String, registry: String },
}

/// A fully qualified image reference: registry host, repository path, and a tag and/or digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

/// How to fill in what a short name leaves out.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// Registry for names without a host.
    pub registry: String,
    /// On ghcr.io, the owner a one-component name goes under (the logged-in user).
    pub owner: Option<String>,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            registry: DEFAULT_REGISTRY.to_string(),
            owner: None,
        }
    }
}

impl Reference {
    /// Parses `input`, filling in the registry (and on ghcr.io the owner) from `defaults`.
    /// A reference with neither tag nor digest gets the tag `latest`, as with docker.
    pub fn parse(input: &str, defaults: &Defaults) -> Result<Self, ReferenceError> {
        let mut r = Self::parse_partial(input, defaults)?;
        if r.tag.is_none() && r.digest.is_none() {
            r.tag = Some("latest".to_string());
        }
        Ok(r)
    }

    /// Parses a repository name with no tag and no digest (for `tags REPO`).
    pub fn parse_repository(input: &str, defaults: &Defaults) -> Result<Self, ReferenceError> {
        let r = Self::parse_partial(input, defaults)?;
        if r.tag.is_some() || r.digest.is_some() {
            return Err(ReferenceError::Malformed {
                input: input.to_string(),
                reason: "expected a repository without a tag or digest".into(),
            });
        }
        Ok(r)
    }

    /// Parses without adding `latest`.
    pub fn parse_partial(input: &str, defaults: &Defaults) -> Result<Self, ReferenceError> {
        if input.is_empty() {
            return Err(ReferenceError::Empty(input.to_string()));
        }
        let malformed = |reason: &str| ReferenceError::Malformed {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(malformed("it contains white space or control characters"));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((rest, d)) => {
                let digest = d.parse::<Digest>().map_err(|e| ReferenceError::Digest {
                    input: input.to_string(),
                    digest: d.to_string(),
                    reason: e.to_string(),
                })?;
                (rest, Some(digest))
            }
            None => (input, None),
        };
        // A tag is what follows the last `:` after the last `/` (a `:` before a `/` is a port).
        let last_slash = rest.rfind('/');
        let (name, tag) = match rest.rfind(':') {
            Some(i) if last_slash.is_none_or(|s| i > s) => (&rest[..i], Some(&rest[i + 1..])),
            _ => (rest, None),
        };
        if let Some(t) = tag {
            validate_tag(t).map_err(|()| ReferenceError::Tag {
                input: input.to_string(),
                tag: t.to_string(),
            })?;
        }
        if name.is_empty() {
            return Err(malformed("the repository name is empty"));
        }
        let (host, path) = match name.split_once('/') {
            Some((first, path)) if is_host(first) => (Some(first), path),
            _ => (None, name),
        };
        if let Some(h) = host {
            validate_host(h).map_err(|reason| ReferenceError::Host {
                input: input.to_string(),
                host: h.to_string(),
                reason,
            })?;
        }
        validate_path(path).map_err(|reason| ReferenceError::Name {
            input: input.to_string(),
            name: path.to_string(),
            reason,
        })?;
        let registry = canonical_registry(host.unwrap_or(&defaults.registry));
        let mut repository = path.to_string();
        if registry == DOCKER_HUB && !repository.contains('/') {
            repository = format!("library/{repository}");
        } else if host.is_none() && registry == DEFAULT_REGISTRY && !repository.contains('/') {
            match &defaults.owner {
                Some(owner) => repository = format!("{}/{repository}", owner.to_lowercase()),
                None => {
                    return Err(ReferenceError::NoOwner {
                        input: input.to_string(),
                        registry,
                    });
                }
            }
        }
        let full_len = registry.len() + 1 + repository.len();
        if full_len > NAME_MAX {
            return Err(ReferenceError::Name {
                input: input.to_string(),
                name: path.to_string(),
                reason: format!(
                    "the full name is {full_len} characters, more than the limit of {NAME_MAX}"
                ),
            });
        }
        Ok(Self {
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The registry as users write it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    pub fn repository(&self) -> &str {
        &self.repository
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// `host/path`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// What to ask the registry for: the digest when there is one (it pins the content),
    /// otherwise the tag.
    pub fn api_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => "latest".to_string(),
        }
    }

    pub fn with_digest(&self, digest: Option<Digest>) -> Self {
        Self {
            digest,
            ..self.clone()
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// `index.docker.io` and friends are all Docker Hub.
pub fn canonical_registry(host: &str) -> String {
    let host = host.to_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB.to_string()
        }
        _ => host,
    }
}

pub fn api_host(registry: &str) -> &str {
    if registry == DOCKER_HUB {
        DOCKER_HUB_API
    } else {
        registry
    }
}

/// Whether `host` (without brackets or port it may carry) is a loopback address, where
/// plain HTTP is allowed without `--insecure`, as in Docker.
pub fn is_loopback_host(registry: &str) -> bool {
    let host = host_without_port(registry);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.trim_start_matches('[').trim_end_matches(']').parse() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(std::net::IpAddr::V6(v6)) => v6.is_loopback(),
        Err(_) => false,
    }
}

fn host_without_port(registry: &str) -> &str {
    if let Some(end) = registry.strip_prefix('[').and_then(|r| r.find(']')) {
        return &registry[..end + 2];
    }
    registry.split(':').next().unwrap_or(registry)
}

/// Docker's rule for telling a host from a first path component.
fn is_host(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

fn validate_tag(tag: &str) -> Result<(), ()> {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if first_ok && rest_ok && tag.len() <= TAG_MAX {
        Ok(())
    } else {
        Err(())
    }
}

fn validate_host(host: &str) -> Result<(), String> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let end = rest
            .find(']')
            .ok_or_else(|| "an IPv6 address needs a closing `]`".to_string())?;
        let addr = &rest[..end];
        addr.parse::<std::net::Ipv6Addr>()
            .map_err(|_| format!("`{addr}` is not an IPv6 address"))?;
        let after = &rest[end + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err("unexpected text after the IPv6 address".into()),
        };
        (None, port)
    } else {
        match host.split_once(':') {
            Some((n, p)) => (Some(n), Some(p)),
            None => (Some(host), None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err())
    {
        return Err(format!("port `{p}` is not a number from 0 to 65535"));
    }
    if let Some(name) = name {
        if name.is_empty() {
            return Err("the host name is empty".into());
        }
        for label in name.split('.') {
            let ok = !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return Err(format!(
                    "`{label}` is not a valid host name label (letters, digits and inner dashes)"
                ));
            }
        }
    }
    Ok(())
}

fn validate_path(path: &str) -> Result<(), String> {
    for component in path.split('/') {
        validate_component(component)?;
    }
    Ok(())
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn validate_component(c: &str) -> Result<(), String> {
    if c.is_empty() {
        return Err("it has an empty path component (`//` or a trailing `/`)".into());
    }
    if let Some(bad) = c.chars().find(|ch| ch.is_ascii_uppercase()) {
        return Err(format!(
            "`{c}` has the uppercase letter `{bad}`; repository names are lowercase"
        ));
    }
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return Err(format!(
            "`{c}` must start and end with a lowercase letter or digit"
        ));
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return Err(format!("`{c}` has the separator `{sep}`"));
        }
    }
    Ok(())
}

impl crate::kind::Kind for ReferenceError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D256: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn defaults() -> Defaults {
        Defaults {
            registry: "ghcr.io".into(),
            owner: Some("aimpugn".into()),
        }
    }

    /// `tags REPO` takes a repository only: a tag or a digest (either one) is refused.
    #[test]
    fn a_repository_has_no_tag_and_no_digest() {
        let d = defaults();
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse_repository("ghcr.io/o/app", &d).expect("repository");
        assert_eq!((r.repository(), r.tag(), r.digest()), ("o/app", None, None));
        assert!(Reference::parse_repository("ghcr.io/o/app:1", &d).is_err());
        assert!(Reference::parse_repository(&format!("ghcr.io/o/app@{digest}"), &d).is_err());
        assert!(Reference::parse_repository(&format!("ghcr.io/o/app:1@{digest}"), &d).is_err());
    }

    /// A reference pinned to a digest keeps its name and tag, and can be unpinned.
    #[test]
    fn with_digest_pins_and_unpins() {
        let d = defaults();
        let digest: Digest = format!("sha256:{}", "b".repeat(64))
            .parse()
            .expect("digest");
        let r = Reference::parse("ghcr.io/o/app:1", &d).expect("reference");
        let pinned = r.with_digest(Some(digest.clone()));
        assert_eq!(pinned.digest(), Some(&digest));
        assert_eq!((pinned.repository(), pinned.tag()), ("o/app", Some("1")));
        assert_eq!(pinned.with_digest(None).digest(), None);
        assert_eq!(pinned.with_digest(None).to_string(), r.to_string());
    }

    #[test]
    fn valid_references_are_fully_qualified() {
        let d512 = format!("sha512:{}", "a".repeat(128));
        let cases: Vec<(&str, String)> = vec![
            ("pgsb:1.1.0", "ghcr.io/aimpugn/pgsb:1.1.0".into()),
            ("pgsb", "ghcr.io/aimpugn/pgsb:latest".into()),
            ("owner/img:1.1.0", "ghcr.io/owner/img:1.1.0".into()),
            ("ghcr.io/owner/img:1.1.0", "ghcr.io/owner/img:1.1.0".into()),
            ("docker.io/alpine", "docker.io/library/alpine:latest".into()),
            (
                "index.docker.io/alpine:3",
                "docker.io/library/alpine:3".into(),
            ),
            (
                "docker.io/bitnami/redis",
                "docker.io/bitnami/redis:latest".into(),
            ),
            ("localhost/img", "localhost/img:latest".into()),
            ("localhost:5000/a/b/c:t", "localhost:5000/a/b/c:t".into()),
            ("127.0.0.1:5000/x:y", "127.0.0.1:5000/x:y".into()),
            ("[::1]:5000/x", "[::1]:5000/x:latest".into()),
            ("[::1]/x:1", "[::1]/x:1".into()),
            ("Example.COM/x", "example.com/x:latest".into()),
            (
                "a/b__c/d.e/f-g/h---i:T_1.x-y",
                "ghcr.io/a/b__c/d.e/f-g/h---i:T_1.x-y".into(),
            ),
            (
                &*Box::leak(format!("o/img@{D256}").into_boxed_str()),
                format!("ghcr.io/o/img@{D256}"),
            ),
            (
                &*Box::leak(format!("o/img:1@{D256}").into_boxed_str()),
                format!("ghcr.io/o/img:1@{D256}"),
            ),
            (
                &*Box::leak(format!("h.io/img@{d512}").into_boxed_str()),
                format!("h.io/img@{d512}"),
            ),
            (
                &*Box::leak(format!("o/i:{}", "t".repeat(128)).into_boxed_str()),
                format!("ghcr.io/o/i:{}", "t".repeat(128)),
            ),
        ];
        for (input, want) in cases {
            let got = Reference::parse(input, &defaults())
                .unwrap_or_else(|e| panic!("{input}: {e}"))
                .to_string();
            assert_eq!(got, want, "input {input}");
        }
    }

    /// Host names take inner dashes, and an IPv6 host its port.
    #[test]
    fn hosts_with_dashes_and_ipv6_ports() {
        let r = Reference::parse("my-registry.example-1.com:5000/o/img", &defaults())
            .expect("dashed host");
        assert_eq!(r.registry(), "my-registry.example-1.com:5000");
        let r = Reference::parse("[::1]:5000/o/img", &defaults()).expect("ipv6 host");
        assert_eq!(r.registry(), "[::1]:5000");
    }

    #[test]
    fn invalid_references_name_the_bad_part() {
        let long_name = format!("h.io/{}", "a".repeat(251));
        let long_tag = format!("o/i:{}", "t".repeat(129));
        let cases: Vec<(&str, &str)> = vec![
            ("", "is empty"),
            ("o/img:1.1.0!", "invalid tag `1.1.0!`"),
            ("o/img:.x", "invalid tag `.x`"),
            ("o/img:", "invalid tag ``"),
            ("o/Img", "uppercase letter `I`"),
            ("o//img", "empty path component"),
            ("o/img/", "empty path component"),
            ("o/-img", "must start and end"),
            ("o/img_", "must start and end"),
            ("o/a..b", "separator `..`"),
            ("o/a___b", "separator `___`"),
            ("o/a_-b", "separator `_-`"),
            ("o/img@sha256:abc", "invalid digest `sha256:abc`"),
            (
                "o/img@md5:d41d8cd98f00b204e9800998ecf8427e",
                "unsupported digest algorithm",
            ),
            (
                "o/img@sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                "lowercase",
            ),
            ("host:99999/img", "port `99999`"),
            ("host:/img", "port ``"),
            // `+1` parses as a u16, but a port is digits only.
            ("host:+1/img", "port `+1`"),
            ("[::1]x/img", "unexpected text after the IPv6 address"),
            ("my_host.io/img", "`my_host` is not a valid host name label"),
            ("-bad.io/img", "not a valid host name label"),
            ("[::1/img", "closing `]`"),
            ("[zz]:5000/img", "not an IPv6 address"),
            ("o/im g", "white space"),
            ("pgsb:1.1.0\n", "white space"),
            (&long_name, "more than the limit of 255"),
            (&long_tag, "invalid tag"),
        ];
        for (input, want) in cases {
            let err = Reference::parse(input, &defaults()).expect_err(input);
            assert!(
                err.to_string().contains(want),
                "{input:?}: error {err:?} does not contain {want:?}"
            );
        }
    }

    #[test]
    fn name_length_limit_is_inclusive() {
        // 255 characters in all, host included, is allowed.
        let ok = format!("h.io/{}", "a".repeat(250));
        assert_eq!(
            Reference::parse(&ok, &defaults()).map(|r| r.name().len()),
            Ok(255)
        );
    }

    #[test]
    fn short_name_on_ghcr_without_owner_is_an_error() {
        let d = Defaults {
            registry: "ghcr.io".into(),
            owner: None,
        };
        let err = Reference::parse("pgsb:1.1.0", &d).expect_err("no owner");
        // The hint (`ghcr.io/OWNER/…`, log in) is the command layer's: tests/it/core.rs.
        assert!(
            matches!(&err, ReferenceError::NoOwner { input, registry }
                if input == "pgsb:1.1.0" && registry == "ghcr.io"),
            "{err}"
        );
    }

    #[test]
    fn short_name_on_another_default_registry_has_no_owner() {
        let d = Defaults {
            registry: "127.0.0.1:5000".into(),
            owner: None,
        };
        let r = Reference::parse("pgsb:1.1.0", &d).expect("valid");
        assert_eq!(r.to_string(), "127.0.0.1:5000/pgsb:1.1.0");
        assert_eq!(r.api_reference(), "1.1.0");
    }

    /// Found by the `reference` fuzz target: Docker Hub's other names fold whatever their
    /// case, so a printed reference parses back to itself.
    #[test]
    fn docker_hub_aliases_fold_in_any_case() {
        let r = Reference::parse("index.dockeR.io/aha", &defaults()).expect("valid");
        assert_eq!(r.to_string(), "docker.io/library/aha:latest");
        let again = Reference::parse(&r.to_string(), &defaults()).expect("valid");
        assert_eq!(again, r);
    }

    #[test]
    fn docker_hub_talks_to_registry_1() {
        let r = Reference::parse("docker.io/alpine", &defaults()).expect("valid");
        assert_eq!(api_host(r.registry()), "registry-1.docker.io");
        assert_eq!(r.repository(), "library/alpine");
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:1",
            "127.3.2.1",
            "[::1]:5000",
            "[::1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "ghcr.io",
            "10.0.0.1:5000",
            "[::2]:5000",
            "localhost.example.com",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
    }
}
