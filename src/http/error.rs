//! What went wrong on the wire, classified once: a failure that another try may cure
//! (transient: a reset, a stall, a refused connection while a registry restarts) or one that
//! it cannot (permanent: an unknown host, an untrusted certificate, a plain-HTTP answer to a
//! TLS hello, an answer too large). The command layer turns each kind into a hint.

use std::error::Error as _;
use std::time::Duration;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("cannot resolve the host `{host}`")]
    UnknownHost {
        host: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} refused the connection")]
    Refused {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the TLS certificate of `{host}` is not trusted ({reason})")]
    Certificate {
        host: String,
        reason: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("`{host}` answered in plain HTTP, not HTTPS")]
    PlainHttp {
        host: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} did not answer within {}s ({what})", after.as_secs_f64())]
    Timeout {
        url: String,
        /// `connect_timeout`, `read_timeout` or `deadline`: the setting that ran out.
        what: &'static str,
        after: Duration,
    },
    #[error("the proxy for {url} failed")]
    Proxy {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the answer from {url} is malformed or too large")]
    Malformed {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the connection to {url} broke")]
    Broken {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("cannot set up HTTPS: {0}")]
    Setup(String),
}

/// The timeouts in force, to name the one that ran out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub read: Duration,
}

impl HttpError {
    /// Sorts a failed request into a kind, by what the error and its causes say. `url` is
    /// already redacted; `host` is the host it went to.
    pub(crate) fn classify(url: &str, host: &str, e: reqwest::Error, t: Timeouts) -> Self {
        let chain = chain_text(&e);
        let io_kind = io_kind(&e);
        let (url, host) = (url.to_string(), host.to_string());
        if mentions(&chain, &["dns error", "failed to lookup address"]) {
            return HttpError::UnknownHost { host, source: e };
        }
        if let Some(reason) = certificate_reason(&chain) {
            return HttpError::Certificate {
                host,
                reason,
                source: e,
            };
        }
        // rustls reading an HTTP answer where a TLS record should be.
        if mentions(&chain, &["InvalidContentType", "corrupt message"]) {
            return HttpError::PlainHttp { host, source: e };
        }
        if e.is_timeout() || io_kind == Some(std::io::ErrorKind::TimedOut) {
            return if e.is_connect() {
                HttpError::Timeout {
                    url,
                    what: "connect_timeout",
                    after: t.connect,
                }
            } else {
                HttpError::Timeout {
                    url,
                    what: "read_timeout",
                    after: t.read,
                }
            };
        }
        if chain.contains("proxy") && e.is_connect() {
            return HttpError::Proxy { url, source: e };
        }
        if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
            return HttpError::Refused { url, source: e };
        }
        if mentions(&chain, &["message head is too large", "invalid HTTP"]) {
            return HttpError::Malformed { url, source: e };
        }
        HttpError::Broken { url, source: e }
    }

    /// A broken body (the connection dropped while the answer streamed).
    pub fn body(url: &str, source: reqwest::Error) -> Self {
        HttpError::Broken {
            url: url.to_string(),
            source,
        }
    }

    /// Whether another try may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            HttpError::Refused { .. } | HttpError::Timeout { .. } | HttpError::Broken { .. }
        )
    }
}

/// Whether any of `phrases` appears in an error's text (the libraries below say the same
/// thing in more than one way across versions).
fn mentions(chain: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| chain.contains(p))
}

fn chain_text(e: &reqwest::Error) -> String {
    super::chain(e)
}

fn io_kind(e: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut cause = e.source();
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = c.source();
    }
    None
}

/// rustls's `invalid peer certificate: REASON`, in words.
fn certificate_reason(chain: &str) -> Option<String> {
    let at = chain.find("invalid peer certificate")?;
    let rest = &chain[at..];
    let reason = if rest.contains("UnknownIssuer") {
        "issued by an authority this machine does not trust".to_string()
    } else if rest.contains("NotValidForName") {
        "not issued for this host name".to_string()
    } else if rest.contains("Expired") {
        "expired".to_string()
    } else if rest.contains("NotValidYet") {
        "not valid yet".to_string()
    } else if rest.contains("CaUsedAsEndEntity") {
        "a CA certificate used as the server's own".to_string()
    } else {
        rest.trim_start_matches("invalid peer certificate: ")
            .split(':')
            .next()
            .unwrap_or("invalid")
            .to_string()
    };
    Some(reason)
}

/// Whatever the network did, it is not the input's fault: the hints tell the cases apart.
impl crate::kind::Kind for HttpError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_reasons_read_as_words() {
        assert_eq!(
            certificate_reason("error sending request: invalid peer certificate: UnknownIssuer")
                .as_deref(),
            Some("issued by an authority this machine does not trust")
        );
        assert_eq!(certificate_reason("connection reset"), None);
    }
}
