//! Which tags of a repository a sync entry takes: include and exclude regexes (each matched
//! against the whole tag), a semver range (Cargo's syntax: `>=1.2, <2`), and the newest N by
//! semver or by the image's creation time. Tags that are not versions fall out of a semver
//! range and of a newest-by-semver cut; a leading `v` and missing minor or patch numbers are
//! read leniently (`v3.19` is 3.19.0).

use regex::Regex;
use semver::{Version, VersionReq};
use serde::Deserialize;

/// How "newest" is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Newest {
    Semver,
    Created,
}

#[derive(Debug, Clone, Default)]
pub struct TagFilter {
    include: Vec<Regex>,
    exclude: Vec<Regex>,
    semver: Option<VersionReq>,
    newest: Option<(usize, Newest)>,
}

impl TagFilter {
    pub fn new(
        include: &[String],
        exclude: &[String],
        semver: Option<&str>,
        newest: Option<(usize, Newest)>,
    ) -> Result<Self, String> {
        let compile = |what: &str, list: &[String]| -> Result<Vec<Regex>, String> {
            list.iter()
                .map(|r| {
                    Regex::new(&format!("^(?:{r})$")).map_err(|e| format!("tags.{what} `{r}`: {e}"))
                })
                .collect()
        };
        let semver = semver
            .map(|s| VersionReq::parse(s).map_err(|e| format!("tags.semver `{s}`: {e}")))
            .transpose()?;
        if newest.is_some_and(|(n, _)| n == 0) {
            return Err("tags.newest must be at least 1".into());
        }
        Ok(TagFilter {
            include: compile("include", include)?,
            exclude: compile("exclude", exclude)?,
            semver,
            newest,
        })
    }

    /// The cut by creation time, when asked: the engine reads the dates.
    pub fn newest_by_created(&self) -> Option<usize> {
        match self.newest {
            Some((n, Newest::Created)) => Some(n),
            _ => None,
        }
    }

    /// The tags the regexes and the semver range keep, newest N by semver applied; in the
    /// order given (a newest cut: newest first).
    pub fn select(&self, tags: Vec<String>) -> Vec<String> {
        let kept: Vec<String> = tags
            .into_iter()
            .filter(|t| self.include.is_empty() || self.include.iter().any(|r| r.is_match(t)))
            .filter(|t| !self.exclude.iter().any(|r| r.is_match(t)))
            .filter(|t| {
                self.semver
                    .as_ref()
                    .is_none_or(|req| version(t).is_some_and(|v| req.matches(&v)))
            })
            .collect();
        match self.newest {
            Some((n, Newest::Semver)) => {
                let mut versioned: Vec<(Version, String)> = kept
                    .into_iter()
                    .filter_map(|t| version(&t).map(|v| (v, t)))
                    .collect();
                // Newest first; `1.2` and `1.2.0` are one version: the longer tag first, so
                // the cut is stable.
                versioned.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
                versioned.into_iter().take(n).map(|(_, t)| t).collect()
            }
            _ => kept,
        }
    }
}

/// A tag read as a version: `v` dropped, `3` and `3.19` padded to three numbers.
pub fn version(tag: &str) -> Option<Version> {
    let t = tag.strip_prefix('v').unwrap_or(tag);
    if let Ok(v) = Version::parse(t) {
        return Some(v);
    }
    let (core, rest) = match t.find(['-', '+']) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let numbers = core.split('.').count();
    if !(1..=2).contains(&numbers)
        || core
            .split('.')
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let padded = format!("{core}{}{rest}", ".0".repeat(3 - numbers));
    Version::parse(&padded).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn regexes_match_whole_tags() {
        let f =
            TagFilter::new(&["3\\.\\d+".into()], &[".*-rc".into()], None, None).expect("filter");
        assert_eq!(
            f.select(tags(&["3.19", "3.19-rc", "13.1", "latest", "3.2"])),
            tags(&["3.19", "3.2"])
        );
    }

    #[test]
    fn semver_range_then_newest() {
        let f =
            TagFilter::new(&[], &[], Some(">=1.2, <2"), Some((2, Newest::Semver))).expect("filter");
        assert_eq!(
            f.select(tags(&[
                "1.1.0",
                "v1.2",
                "1.3.1",
                "1.10.0",
                "2.0.0",
                "1.4.0-rc.1",
                "edge"
            ])),
            tags(&["1.10.0", "1.3.1"])
        );
        let all = TagFilter::new(&[], &[], None, Some((3, Newest::Semver))).expect("filter");
        assert_eq!(
            all.select(tags(&["1", "latest", "2.1", "0.9.9"])),
            tags(&["2.1", "1", "0.9.9"])
        );
    }

    #[test]
    fn lenient_versions() {
        assert_eq!(
            version("v3.19").map(|v| v.to_string()).as_deref(),
            Some("3.19.0")
        );
        assert_eq!(
            version("3-alpine").map(|v| v.to_string()).as_deref(),
            Some("3.0.0-alpine")
        );
        assert_eq!(version("latest"), None);
        assert_eq!(version("1.2.3.4"), None);
        assert!(TagFilter::new(&[], &[], None, Some((0, Newest::Created))).is_err());
    }
}
