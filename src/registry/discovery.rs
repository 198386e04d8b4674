//! Finding the registry: HTTPS preferred, plain HTTP only where it is allowed (loopback or
//! insecure), once per [`Registry`] (one per registry for the run, so the answer is kept for
//! it); and remembering the authentication challenge its `/v2/` answers with, which decides
//! how every later request is authorized.

use url::Url;

use super::auth::{self, Challenge};
use super::{Registry, RegistryError, Result, join};
use crate::http::header::WWW_AUTHENTICATE;
use crate::http::{self as wire, Method, Response, StatusCode};
use crate::oci::reference::is_loopback_host;

impl Registry {
    pub(super) fn challenge(&self) -> Option<Challenge> {
        self.inner
            .challenge
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }

    pub(super) fn no_challenge(&self) -> RegistryError {
        RegistryError::Protocol {
            what: self.inner.name.clone(),
            reason: "the registry sent no authentication challenge".into(),
        }
    }

    pub(super) async fn base(&self) -> Result<&Url> {
        self.inner.base.get_or_try_init(|| self.discover()).await
    }

    async fn discover(&self) -> Result<Url> {
        let host = &self.inner.host;
        let plain_ok = self.inner.insecure || is_loopback_host(host);
        let https = parse_url(&format!("https://{host}/"))?;
        if !plain_ok {
            self.ping_at(&https, true).await?;
            return Ok(https);
        }
        // Where plain HTTP is allowed, both are asked at once: HTTPS is still preferred when
        // it answers, but a plain-HTTP registry no longer costs a failed TLS handshake and
        // then a second round trip. A failed HTTPS attempt is not retried: it is most likely
        // a plain-HTTP registry, which the retries then go to. The plain ping carries no
        // credentials.
        let http = parse_url(&format!("http://{host}/"))?;
        let secure = self.ping_at(&https, false);
        let plain = self.ping_at(&http, true);
        tokio::pin!(secure, plain);
        let mut plain_answer = None;
        let secure_answer = loop {
            tokio::select! {
                r = &mut secure => break r,
                r = &mut plain, if plain_answer.is_none() => plain_answer = Some(r),
            }
        };
        match secure_answer {
            Ok(()) => Ok(https.clone()),
            Err(RegistryError::Http(e)) => {
                // A server that presented a certificate speaks TLS: its answer to plain HTTP
                // (a 400) says nothing, so the certificate problem is the error. Otherwise a
                // registry's own answer over plain HTTP (a 500 and its body, a challenge it
                // sent) is what to report; no answer at all leaves the HTTPS error.
                let speaks_tls = matches!(e, wire::HttpError::Certificate { .. });
                // A server that answered the TLS hello in plain HTTP does speak HTTP: what
                // the plain attempt found (even a malformed answer) is the story.
                let speaks_http = matches!(e, wire::HttpError::PlainHttp { .. });
                let plain_answer = match plain_answer {
                    Some(r) => r,
                    None => plain.await,
                };
                match plain_answer {
                    Ok(()) => Ok(http.clone()),
                    Err(plain) if speaks_http => Err(plain),
                    Err(RegistryError::Http(_)) => Err(e.into()),
                    Err(_) if speaks_tls => Err(e.into()),
                    Err(plain) => Err(plain),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn ping_at(&self, base: &Url, retry: bool) -> Result<()> {
        let url = join(base, "v2/")?;
        let resp = if retry {
            self.execute_retrying(&url, || {
                Ok(self.inner.http.request(Method::GET, url.clone()))
            })
            .await?
        } else {
            self.execute(&url, self.inner.http.request(Method::GET, url.clone()))
                .await?
        };
        match resp.status() {
            s if s.is_success() => Ok(()),
            StatusCode::UNAUTHORIZED => {
                self.learn_challenge(&resp)?;
                Ok(())
            }
            _ => Err(self.error(resp, "the registry's /v2/ endpoint").await),
        }
    }

    pub(super) fn learn_challenge(&self, resp: &Response) -> Result<()> {
        let Some(value) = resp.headers().get(WWW_AUTHENTICATE) else {
            return Ok(());
        };
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let challenges = auth::parse_challenges(&value)?;
        // Prefer Bearer (scoped, short-lived tokens) over Basic when both are offered.
        let chosen = challenges
            .iter()
            .find(|c| c.scheme == "bearer")
            .or_else(|| challenges.iter().find(|c| c.scheme == "basic"))
            .cloned();
        if let Ok(mut slot) = self.inner.challenge.lock() {
            *slot = chosen;
        }
        Ok(())
    }
}

fn parse_url(s: &str) -> Result<Url> {
    Url::parse(s).map_err(|e| RegistryError::Protocol {
        what: s.to_string(),
        reason: e.to_string(),
    })
}
