//! What a URL or header may show in a `-v` trace, a retry line or an error: signed storage
//! URLs (S3's `X-Amz-Signature`, Azure SAS `sig`, GCS, CloudFront) are credentials, short-lived
//! but enough to read a blob, and CI logs are often public. Off the registry's own origin a
//! query is dropped whole (the path stays, so the trace still says where it went); on it, the
//! values of known credential parameters are.

use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

/// Query parameters that carry a credential wherever they appear (compared without case).
const SECRET_PARAMS: &[&str] = &[
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "x-goog-signature",
    "x-goog-credential",
    "sig",
    "signature",
    "token",
    "access_token",
    "se",
    "sp",
    "skoid",
    "sktid",
    "policy",
    "key-pair-id",
];

const REDACTED: &str = "(redacted)";

/// A URL as it may be shown. `own` is the registry's base URL, when known.
pub(crate) fn url(u: &Url, own: Option<&Url>) -> String {
    let mut shown = u.clone();
    shown.set_username("").ok();
    shown.set_password(None).ok();
    if u.query().is_none() {
        return shown.to_string();
    }
    if own.is_none_or(|o| o.origin() != u.origin()) {
        shown.set_query(Some(REDACTED));
        return shown.to_string();
    }
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let secret = SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str());
            (
                k.into_owned(),
                if secret {
                    REDACTED.into()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}

/// Any URL-looking text (a `Location` value, a `Link` target, an error): parsed against
/// `base` and shown as [`url`] would; text that is not a URL loses everything after `?`.
pub(crate) fn text(s: &str, base: Option<&Url>, own: Option<&Url>) -> String {
    let parsed = match base {
        Some(b) => b.join(s.trim()),
        None => Url::parse(s.trim()),
    };
    match parsed {
        Ok(u) => url(&u, own),
        Err(_) => match s.split_once('?') {
            Some((before, _)) => format!("{before}?{REDACTED}"),
            None => s.to_string(),
        },
    }
}

/// A header's value for a trace: credentials and cookies never appear, and URLs in
/// `Location`, `Content-Location` and `Link` are shown as [`url`] would. `at` is the URL the
/// request went to (relative locations resolve against it).
pub(crate) fn header(
    name: &HeaderName,
    value: &HeaderValue,
    at: &Url,
    own: Option<&Url>,
) -> String {
    let secret = value.is_sensitive()
        || matches!(
            name.as_str(),
            "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
        );
    let raw = String::from_utf8_lossy(value.as_bytes()).into_owned();
    if secret {
        let scheme = raw
            .split_whitespace()
            .next()
            .filter(|s| matches!(s.to_ascii_lowercase().as_str(), "basic" | "bearer"))
            .unwrap_or("");
        return format!("{scheme} {REDACTED}").trim_start().to_string();
    }
    match name.as_str() {
        "location" | "content-location" => text(&raw, Some(at), own),
        "link" => raw
            .split(',')
            .map(|part| match (part.find('<'), part.find('>')) {
                (Some(a), Some(b)) if a < b => format!(
                    "{}<{}>{}",
                    &part[..a],
                    text(&part[a + 1..b], Some(at), own),
                    &part[b + 1..]
                ),
                _ => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        _ => raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn off_origin_queries_are_dropped_and_the_path_kept() {
        let own = u("https://ghcr.io/");
        let signed = u(
            "https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:ab?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&X-Amz-Security-Token=tok",
        );
        let shown = url(&signed, Some(&own));
        assert_eq!(
            shown,
            "https://pkg-containers.githubusercontent.com/ghcr1/blobs/sha256:ab?(redacted)"
        );
        // Without a known origin, nothing is assumed to be the registry's.
        assert!(!url(&signed, None).contains("deadbeef"));
    }

    #[test]
    fn own_origin_keeps_plain_parameters_and_hides_credentials() {
        let own = u("https://r.example/");
        for (param, value) in [
            ("X-Amz-Signature", "s3sig"),
            ("X-Amz-Credential", "s3cred"),
            ("X-Amz-Security-Token", "s3tok"),
            ("sig", "azsig"),
            ("SIG", "azsig2"),
            ("signature", "gen"),
            ("token", "tkn"),
            ("se", "2030-01-01"),
            ("sp", "racwdl"),
            ("X-Goog-Signature", "gcs"),
        ] {
            let shown = url(
                &u(&format!(
                    "https://r.example/v2/a/blobs/x?n=5&{param}={value}"
                )),
                Some(&own),
            );
            assert!(!shown.contains(value), "{param}: {shown}");
            assert!(shown.contains("n=5"), "{shown}");
        }
    }

    #[test]
    fn headers_with_urls_are_redacted() {
        let own = u("https://r.example/");
        let at = u("https://r.example/v2/a/blobs/sha256:1");
        let h = |n: &'static str, v: &str| {
            header(
                &HeaderName::from_static(n),
                &HeaderValue::from_str(v).expect("value"),
                &at,
                Some(&own),
            )
        };
        assert_eq!(
            h(
                "location",
                "https://s3.example/b/o?X-Amz-Signature=zzz&X-Amz-Date=1"
            ),
            "https://s3.example/b/o?(redacted)"
        );
        assert_eq!(
            h("location", "/v2/a/blobs/uploads/u?_state=abc&sig=zzz"),
            "https://r.example/v2/a/blobs/uploads/u?_state=abc&sig=%28redacted%29"
        );
        let link = h(
            "link",
            "<https://other.example/v2/a/tags/list?last=b&token=zzz>; rel=\"next\"",
        );
        assert_eq!(
            link,
            "<https://other.example/v2/a/tags/list?(redacted)>; rel=\"next\""
        );
        // A malformed Link (`>` before `<`) is shown as it is, never sliced backwards.
        assert_eq!(h("link", "x>; rel=\"next\"<y"), "x>; rel=\"next\"<y");
        assert_eq!(h("authorization", "Bearer abc.def"), "Bearer (redacted)");
        assert_eq!(h("content-type", "application/json"), "application/json");
    }
}
