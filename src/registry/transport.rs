//! Sending a request to the registry: Authorization only to its own origin, one token
//! refresh on a 401, the HTTP layer's retries, redirects followed by hand (storage hosts get
//! no Authorization), and a failed answer turned into a [`RegistryError`].

use url::Url;

use super::{MAX_SMALL_BODY, Registry, RegistryError, Result, header_str, read_capped};
use crate::http::header::{AUTHORIZATION, LOCATION};
use crate::http::{Method, RequestBuilder, Response, StatusCode, redact};

/// How many redirects a blob download may take (ghcr.io takes one, to its storage host).
const MAX_REDIRECTS: usize = 10;

/// How [`Registry::send_as`] sends.
#[derive(Clone, Copy)]
pub(super) enum Sending {
    /// With the retry policy, and the read timeout.
    Retried,
    /// A request with a body of any length (a blob upload): one try, no read timeout. A
    /// broken upload is not re-sent to the same session URL (the session may hold part of
    /// it); the upload code opens a new session instead.
    Once,
    /// As `Retried`, on a connection of its own (HTTP/1.1): one of a blob's parallel
    /// ranges.
    Separate,
}

impl Registry {
    /// Sends one request with the right Authorization, fetching a token first if the registry
    /// wants Bearer; on a 401 it refreshes the token once and tries again. Authorization is
    /// only attached when `url` is on the registry's own scheme, host and port.
    pub(super) async fn send(
        &self,
        scope: Option<&str>,
        method: Method,
        url: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        self.send_as(Sending::Retried, scope, method, url, decorate)
            .await
    }

    pub(super) async fn send_as(
        &self,
        how: Sending,
        scope: Option<&str>,
        method: Method,
        url: Url,
        decorate: impl Fn(RequestBuilder) -> Result<RequestBuilder>,
    ) -> Result<Response> {
        let base = self.base().await?.clone();
        let same_origin = url.origin() == base.origin();
        let mut refreshed = false;
        loop {
            let auth = if same_origin {
                self.authorization(scope).await?
            } else {
                None
            };
            let build = || {
                let fresh = match how {
                    Sending::Retried => self.inner.http.request(method.clone(), url.clone()),
                    Sending::Once => self.inner.http.upload_request(method.clone(), url.clone()),
                    Sending::Separate => self
                        .inner
                        .http
                        .separate_request(method.clone(), url.clone()),
                };
                let req = decorate(fresh)?;
                Ok(match &auth {
                    Some(h) => req.header(AUTHORIZATION, h.clone()),
                    None => req,
                })
            };
            let resp = match how {
                Sending::Retried | Sending::Separate => self.execute_retrying(&url, build).await?,
                Sending::Once => self.execute(&url, build()?).await?,
            };
            if resp.status() == StatusCode::UNAUTHORIZED && same_origin && !refreshed {
                refreshed = true;
                let before = self.challenge();
                self.learn_challenge(&resp)?;
                let now = self.challenge();
                if let Some(s) = scope {
                    let mut tokens = self.inner.tokens.lock().await;
                    tokens.remove(s);
                    if let Some(r) = s.strip_suffix(":pull") {
                        tokens.remove(&format!("{r}:pull,push"));
                    }
                }
                // Try again only when something changed that could make it work: a new
                // token to fetch, or a challenge we had not seen.
                let bearer = now.as_ref().is_some_and(|c| c.scheme == "bearer");
                let basic_with_creds = now.as_ref().is_some_and(|c| c.scheme == "basic")
                    && self.inner.credentials.is_some()
                    && before != now;
                if bearer || basic_with_creds {
                    continue;
                }
            }
            return Ok(resp);
        }
    }
    /// Follows redirects by hand. The registry's Authorization goes only to its own origin;
    /// storage hosts (ghcr.io sends blob GETs to another host) get a bare request.
    pub(super) async fn follow(
        &self,
        resp: Response,
        method: Method,
        scope: &str,
        decorate: &(dyn Fn(RequestBuilder) -> RequestBuilder + Sync),
    ) -> Result<Response> {
        self.follow_as(Sending::Retried, resp, method, scope, decorate)
            .await
    }

    /// [`Registry::follow`], each hop sent `how` (`Separate`: a range keeps a connection of
    /// its own at the storage host too).
    pub(super) async fn follow_as(
        &self,
        how: Sending,
        mut resp: Response,
        method: Method,
        scope: &str,
        decorate: &(dyn Fn(RequestBuilder) -> RequestBuilder + Sync),
    ) -> Result<Response> {
        let base = self.base().await?.clone();
        let mut current = resp.url().clone();
        for _ in 0..MAX_REDIRECTS {
            if !resp.status().is_redirection() {
                return Ok(resp);
            }
            let next = self.location(&resp, &current, "a redirect")?;
            resp = if next.origin() == base.origin() {
                self.send_as(how, Some(scope), method.clone(), next.clone(), |r| {
                    Ok(decorate(r))
                })
                .await?
            } else {
                self.execute_retrying(&next, || {
                    let bare = match how {
                        Sending::Separate => self
                            .inner
                            .http
                            .separate_request(method.clone(), next.clone()),
                        _ => self.inner.http.request(method.clone(), next.clone()),
                    };
                    Ok(decorate(bare))
                })
                .await?
            };
            current = next;
        }
        Err(RegistryError::Protocol {
            what: redact::url(&current, Some(&base)),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// The origin this registry's URLs live on (before discovery, the request's own).
    fn own_origin(&self, fallback: &Url) -> Url {
        self.inner.base.get().cloned().unwrap_or_else(|| {
            let mut u = fallback.clone();
            u.set_path("/");
            u.set_query(None);
            u
        })
    }

    /// Sends the request `build` makes with the HTTP layer's retry policy.
    pub(super) async fn execute_retrying(
        &self,
        url: &Url,
        build: impl Fn() -> Result<RequestBuilder>,
    ) -> Result<Response> {
        let own = self.own_origin(url);
        self.inner
            .http
            .execute_retrying(build, Some(&own), &self.inner.name)
            .await
    }

    /// Sends one request, traced.
    pub(super) async fn execute(&self, url: &Url, req: RequestBuilder) -> Result<Response> {
        let own = self.own_origin(url);
        Ok(self.inner.http.execute(req, Some(&own)).await?)
    }

    pub(super) fn location(&self, resp: &Response, base: &Url, what: &str) -> Result<Url> {
        let loc = header_str(resp, LOCATION).ok_or_else(|| RegistryError::Protocol {
            what: what.to_string(),
            reason: format!("the registry answered {} without a Location", resp.status()),
        })?;
        base.join(&loc).map_err(|e| RegistryError::Protocol {
            what: what.to_string(),
            reason: format!(
                "bad Location `{}`: {e}",
                redact::text(&loc, None, self.inner.base.get())
            ),
        })
    }

    pub(super) async fn error(&self, resp: Response, what: &str) -> RegistryError {
        let status = resp.status().as_u16();
        let body = read_capped(resp, MAX_SMALL_BODY, what)
            .await
            .unwrap_or_default();
        self.anonymous_or(RegistryError::from_status(
            &self.inner.name,
            what,
            status,
            &body,
        ))
    }

    /// A refusal when no credentials were sent is not "refused the credentials": the
    /// registry wants some.
    pub(super) fn anonymous_or(&self, e: RegistryError) -> RegistryError {
        match e {
            RegistryError::Unauthorized { registry, detail }
                if self.inner.credentials.is_none() =>
            {
                RegistryError::AuthRequired { registry, detail }
            }
            other => other,
        }
    }
}
