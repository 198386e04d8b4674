//! Registry authentication: parsing `WWW-Authenticate` challenges (RFC 7235: several
//! challenges in one header, quoted strings with commas and escapes) and the tokens the
//! Bearer flow hands out, which live in memory only.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, Instant};

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Lowercased scheme: `basic`, `bearer`, ...
    pub scheme: String,
    /// Lowercased parameter names to their (unescaped) values.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("cannot parse the registry's `WWW-Authenticate` header `{header}`: {reason}")]
pub struct ChallengeError {
    pub header: String,
    pub reason: String,
}

/// Parses every challenge in a `WWW-Authenticate` value.
pub fn parse_challenges(header: &str) -> Result<Vec<Challenge>, ChallengeError> {
    let fail = |reason: &str| ChallengeError {
        header: header.chars().take(200).collect(),
        reason: reason.to_string(),
    };
    let mut p = Parser {
        s: header.as_bytes(),
        i: 0,
    };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        p.skip_ws_and_commas();
        if p.done() {
            break;
        }
        let name = p.token().ok_or_else(|| fail("expected an auth scheme"))?;
        p.skip_ws();
        if p.peek() == Some(b'=') && !out.is_empty() {
            // `name=value`: a parameter of the challenge being read.
            p.i += 1;
            p.skip_ws();
            let value = p.value().map_err(&fail)?;
            if let Some(c) = out.last_mut() {
                c.params.insert(name.to_ascii_lowercase(), value);
            }
        } else {
            out.push(Challenge {
                scheme: name.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
            // token68 form (`Negotiate abc==`): nothing we use, skip it.
            let save = p.i;
            if let Some(_t) = p.token68()
                && (p.done() || p.peek() == Some(b','))
            {
                continue;
            }
            p.i = save;
        }
        p.skip_ws();
        match p.peek() {
            None | Some(b',') => {}
            Some(_) => {
                // The next token starts a new challenge (`Bearer realm="a" Basic ...` is not
                // valid, but be lenient only about white space).
            }
        }
    }
    if out.is_empty() {
        return Err(fail("no challenge in it"));
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }
    fn skip_ws_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }
    /// RFC 7230 `token`.
    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn token68(&mut self) -> Option<String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || b"-._~+/".contains(&c) {
                self.i += 1;
            } else {
                break;
            }
        }
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }
    fn value(&mut self) -> Result<String, &'static str> {
        if self.peek() != Some(b'"') {
            return self.token().ok_or("expected a parameter value");
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unterminated quoted string"),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    self.i += 1;
                    let c = self.peek().ok_or("unterminated escape")?;
                    out.push(c);
                    self.i += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| "quoted string is not UTF-8")
    }
}

/// A Bearer token and when to stop using it.
#[derive(Clone)]
pub struct Token {
    pub value: String,
    pub expires: Instant,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("value", &"(redacted)")
            .field("expires", &self.expires)
            .finish()
    }
}

/// The token endpoint's answer. Either field may be missing; `expires_in` defaults to 60 s.
#[derive(serde::Deserialize)]
pub struct TokenResponse {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

impl TokenResponse {
    pub fn into_token(self, now: Instant) -> Option<Token> {
        let value = self
            .token
            .filter(|t| !t.is_empty())
            .or(self.access_token.filter(|t| !t.is_empty()))?;
        // Renew a little early so a token never expires in flight.
        let life = self.expires_in.unwrap_or(60).max(10);
        Some(Token {
            value,
            expires: now + Duration::from_secs(life.saturating_sub(5)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghcr_style_bearer() {
        let c = parse_challenges(
            r#"Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/i:pull""#,
        )
        .expect("parses");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].param("realm"), Some("https://ghcr.io/token"));
        assert_eq!(c[0].param("service"), Some("ghcr.io"));
        assert_eq!(c[0].param("scope"), Some("repository:o/i:pull"));
    }

    #[test]
    fn commas_and_escapes_inside_quotes_and_several_challenges() {
        let c = parse_challenges(
            r#"Bearer realm="https://a/t",scope="repository:x:pull,push",error="say \"hi\"", Basic realm="r, s""#,
        )
        .expect("parses");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].param("scope"), Some("repository:x:pull,push"));
        assert_eq!(c[0].param("error"), Some("say \"hi\""));
        assert_eq!(c[1].scheme, "basic");
        assert_eq!(c[1].param("realm"), Some("r, s"));
    }

    #[test]
    fn bare_schemes_and_token68() {
        let c = parse_challenges("Negotiate abc==, Basic").expect("parses");
        assert_eq!(
            c.iter().map(|c| c.scheme.as_str()).collect::<Vec<_>>(),
            vec!["negotiate", "basic"]
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse_challenges("").is_err());
        assert!(parse_challenges(r#"Bearer realm="unterminated"#).is_err());
        assert!(parse_challenges("=x").is_err());
    }

    #[test]
    fn token_response_fields() {
        let now = Instant::now();
        let t: TokenResponse =
            serde_json::from_str(r#"{"access_token":"abc","expires_in":300}"#).expect("json");
        let t = t.into_token(now).expect("token");
        assert_eq!(t.value, "abc");
        assert_eq!(t.expires, now + Duration::from_secs(295));
        let empty: TokenResponse = serde_json::from_str(r#"{"token":""}"#).expect("json");
        assert!(empty.into_token(now).is_none());
        assert!(!format!("{t:?}").contains("abc"));
    }
}
