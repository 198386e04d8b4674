//! Authorization for a request: Basic from the credentials, or a Bearer token per scope
//! from the challenge's realm (cached in memory until it nearly expires), and proving that a
//! login works.

use std::time::Instant;

use base64::Engine as _;
use url::Url;

use super::auth::{Challenge, Token, TokenResponse};
use super::{MAX_SMALL_BODY, Registry, RegistryError, Result, error, join, read_capped, realm};
use crate::credentials::Credentials;
use crate::http::header::{CONTENT_TYPE, HeaderValue};
use crate::http::{Method, StatusCode};

impl Registry {
    /// Pings, then proves the credentials work: a Basic registry must accept them on `/v2/`,
    /// a Bearer one must hand out a token for them.
    pub async fn check_login(&self) -> Result<()> {
        let base = self.base().await?.clone();
        let challenge = self.challenge();
        match challenge.as_ref().map(|c| c.scheme.as_str()) {
            Some("bearer") => {
                let c = challenge.as_ref().ok_or_else(|| self.no_challenge())?;
                self.fetch_token(c, &[]).await.map(|_| ())
            }
            Some(_) => {
                let url = join(&base, "v2/")?;
                let resp = self.send(None, Method::GET, url, Ok).await?;
                if resp.status().is_success() {
                    Ok(())
                } else {
                    Err(self.error(resp, "the registry's /v2/ endpoint").await)
                }
            }
            None => Ok(()),
        }
    }
    pub(super) async fn authorization(&self, scope: Option<&str>) -> Result<Option<HeaderValue>> {
        let Some(challenge) = self.challenge() else {
            return Ok(None);
        };
        match challenge.scheme.as_str() {
            "basic" => Ok(self.inner.credentials.as_ref().map(basic_header)),
            "bearer" => {
                // Several scopes travel space-separated (a mount needs pull on the source too).
                let scopes: Vec<&str> = scope.map(|s| s.split(' ').collect()).unwrap_or_default();
                let key = scopes.join(" ");
                let mut tokens = self.inner.tokens.lock().await;
                // A pull,push token serves a pull on the same repository too.
                let wider = key
                    .strip_suffix(":pull")
                    .filter(|_| scopes.len() == 1)
                    .map(|r| format!("{r}:pull,push"));
                let now = Instant::now();
                for k in std::iter::once(&key).chain(wider.as_ref()) {
                    if let Some(t) = tokens.get(k)
                        && t.expires > now
                    {
                        return Ok(Some(bearer_header(&t.value)));
                    }
                }
                let token = self.fetch_token(&challenge, &scopes).await?;
                let header = bearer_header(&token.value);
                tokens.insert(key, token);
                Ok(Some(header))
            }
            _ => Ok(None),
        }
    }

    /// The Bearer token exchange: `GET realm?service=…&scope=…`, with Basic credentials when
    /// there are some, anonymously otherwise.
    async fn fetch_token(&self, challenge: &Challenge, scopes: &[&str]) -> Result<Token> {
        let realm = challenge
            .param("realm")
            .ok_or_else(|| RegistryError::Realm {
                realm: String::new(),
                reason: "the Bearer challenge names no realm".into(),
            })?;
        let mut url = Url::parse(realm).map_err(|e| RegistryError::Realm {
            realm: realm.to_string(),
            reason: e.to_string(),
        })?;
        match url.scheme() {
            "https" => {}
            // An anonymous request holds no secret; one with credentials needs the realm's
            // host covered by an explicit opt-in (see realm.rs).
            "http"
                if self.inner.credentials.is_none()
                    || realm::cleartext_allowed(
                        self.base().await?,
                        self.inner.insecure,
                        &url,
                        &self.inner.insecure_hosts,
                    ) => {}
            "http" => {
                return Err(RegistryError::CleartextRealm {
                    registry: self.inner.name.clone(),
                    realm: realm.to_string(),
                    realm_host: realm::authority(&url),
                });
            }
            other => {
                return Err(RegistryError::Realm {
                    realm: realm.to_string(),
                    reason: format!("`{other}` is not HTTP or HTTPS"),
                });
            }
        }
        {
            let mut q = url.query_pairs_mut();
            if let Some(service) = challenge.param("service") {
                q.append_pair("service", service);
            }
            for s in scopes {
                q.append_pair("scope", s);
            }
            if let Some(c) = self
                .inner
                .credentials
                .as_ref()
                .filter(|c| !c.is_identity_token())
            {
                q.append_pair("account", &c.username);
            }
        }
        let req = match &self.inner.credentials {
            // Docker's identity tokens are OAuth2 refresh tokens: trade one at the realm with
            // a POST (distribution's token spec, "OAuth2 Token Authentication").
            Some(c) if c.is_identity_token() => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                form.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", "ghcr-cli")
                    .append_pair("refresh_token", c.secret.expose())
                    .append_pair("scope", &scopes.join(" "));
                if let Some(service) = challenge.param("service") {
                    form.append_pair("service", service);
                }
                let mut post_url = url.clone();
                post_url.set_query(None);
                self.inner
                    .http
                    .request(Method::POST, post_url)
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.finish())
            }
            Some(c) => self
                .inner
                .http
                .request(Method::GET, url.clone())
                .basic_auth(&c.username, Some(c.secret.expose())),
            None => self.inner.http.request(Method::GET, url.clone()),
        };
        // Never echo the query (it names the account) beyond the realm itself.
        let realm_shown = realm.to_string();
        let resp = self
            .execute_retrying(&url, || {
                req.try_clone().ok_or_else(|| RegistryError::Protocol {
                    what: realm_shown.clone(),
                    reason: "the token request cannot be repeated".into(),
                })
            })
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let body = read_capped(resp, MAX_SMALL_BODY, "token error")
                .await
                .unwrap_or_default();
            return Err(match status {
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    self.anonymous_or(RegistryError::Unauthorized {
                        registry: self.inner.name.clone(),
                        detail: error::detail(&error::parse_envelope(&body)),
                    })
                }
                _ => RegistryError::from_status(
                    &self.inner.name,
                    &format!("the token request to {realm_shown}"),
                    status.as_u16(),
                    &body,
                ),
            });
        }
        let body = read_capped(resp, MAX_SMALL_BODY, "token response").await?;
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| RegistryError::Protocol {
                what: format!("the token response from {realm_shown}"),
                reason: format!("invalid JSON: {e}"),
            })?;
        parsed
            .into_token(Instant::now())
            .ok_or(RegistryError::NoToken { realm: realm_shown })
    }
}

fn basic_header(c: &Credentials) -> HeaderValue {
    let raw = format!("{}:{}", c.username, c.secret.expose());
    let mut h = HeaderValue::from_str(&format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""));
    h.set_sensitive(true);
    h
}

fn bearer_header(token: &str) -> HeaderValue {
    let mut h = HeaderValue::from_str(&format!("Bearer {token}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""));
    h.set_sensitive(true);
    h
}
