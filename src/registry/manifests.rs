//! Manifests by tag or digest: fetched with every media type we read and checked against
//! the digest asked for, pushed as their exact bytes, looked up with `HEAD`, deleted.

use bytes::Bytes;

use super::{Access, Registry, RegistryError, Result, header_str, join, read_capped, scope};
use crate::http::header::{ACCEPT, CONTENT_TYPE};
use crate::http::{Method, Response, StatusCode};
use crate::oci::digest::{Digest, Hasher};
use crate::oci::manifest::{self, ACCEPT as MANIFEST_TYPES};

/// A manifest as the registry served it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Bytes,
    pub media_type: String,
    pub digest: Digest,
}

impl Registry {
    /// `GET` or `HEAD` on a manifest, accepting every kind in [`MANIFEST_TYPES`]; also
    /// returns how to name it in errors.
    async fn manifest_request(
        &self,
        method: Method,
        repo: &str,
        reference: &str,
        access: Access,
    ) -> Result<(String, Response)> {
        let what = format!("manifest {}/{repo}{}", self.inner.name, at(reference));
        let url = join(
            self.base().await?,
            &format!("v2/{repo}/manifests/{reference}"),
        )?;
        let scope = scope(repo, access);
        let resp = self
            .send(Some(&scope), method, url, |r| {
                Ok(r.header(ACCEPT, MANIFEST_TYPES.join(", ")))
            })
            .await?;
        Ok((what, resp))
    }

    /// Fetches a manifest (any kind in [`MANIFEST_TYPES`]), keeping the exact bytes, and checks
    /// them against the digest asked for or the `Docker-Content-Digest` the registry sent.
    pub async fn get_manifest(&self, repo: &str, reference: &str) -> Result<FetchedManifest> {
        let (what, resp) = self
            .manifest_request(Method::GET, repo, reference, Access::Pull)
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let content_type = header_str(&resp, CONTENT_TYPE);
        let header_digest = header_str(&resp, "docker-content-digest");
        let bytes = read_capped(resp, manifest::MAX_MANIFEST_BYTES, &what).await?;
        let expected: Option<Digest> = match reference.parse::<Digest>() {
            Ok(d) => Some(d),
            Err(_) => header_digest.as_deref().and_then(|h| h.parse().ok()),
        };
        let digest = match expected {
            Some(want) => {
                let mut h = Hasher::new(want.algorithm());
                h.update(&bytes);
                let got = h.finish();
                if got != want {
                    return Err(RegistryError::DigestMismatch {
                        what,
                        expected: want,
                        actual: got,
                    });
                }
                got
            }
            None => Digest::sha256_of(&bytes),
        };
        let (media_type, _) = manifest::parse(&bytes, content_type.as_deref())
            .map_err(|source| RegistryError::Manifest { what, source })?;
        Ok(FetchedManifest {
            bytes,
            media_type,
            digest,
        })
    }

    /// `PUT` a manifest's exact bytes under a tag or digest; returns the registry's digest.
    pub async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<Digest> {
        self.put_manifest_with_subject(repo, reference, media_type, bytes)
            .await
            .map(|(digest, _)| digest)
    }

    /// `PUT` a manifest's exact bytes, and say whether the registry indexed its subject (it
    /// answered `OCI-Subject`, OCI distribution 1.1). Returns the digest, checked against the
    /// registry's `Docker-Content-Digest`, and that answer.
    pub async fn put_manifest_with_subject(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<(Digest, Option<Digest>)> {
        let what = format!("manifest {}/{repo}{}", self.inner.name, at(reference));
        let url = join(
            self.base().await?,
            &format!("v2/{repo}/manifests/{reference}"),
        )?;
        let scope = scope(repo, Access::Push);
        let local = Digest::sha256_of(&bytes);
        let resp = self
            .send(Some(&scope), Method::PUT, url, |r| {
                Ok(r.header(CONTENT_TYPE, media_type).body(bytes.clone()))
            })
            .await?;
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let subject = header_str(&resp, "oci-subject").and_then(|d| d.parse().ok());
        match header_str(&resp, "docker-content-digest").and_then(|d| d.parse::<Digest>().ok()) {
            Some(d) if d != local && d.algorithm() == local.algorithm() => {
                Err(RegistryError::DigestMismatch {
                    what,
                    expected: local,
                    actual: d,
                })
            }
            _ => Ok((local, subject)),
        }
    }

    /// `HEAD` on a manifest: its digest (when the registry sends `Docker-Content-Digest`),
    /// media type and size, or `None` when it is not there.
    pub async fn head_manifest(
        &self,
        repo: &str,
        reference: &str,
    ) -> Result<Option<(Option<Digest>, String, u64)>> {
        self.head_manifest_as(repo, reference, Access::Pull).await
    }

    /// [`Registry::head_manifest`] with the token a push needs: a push that asks first
    /// whether the tag already holds what it would send gets one token for all it does.
    pub async fn head_manifest_as(
        &self,
        repo: &str,
        reference: &str,
        access: Access,
    ) -> Result<Option<(Option<Digest>, String, u64)>> {
        let (what, resp) = self
            .manifest_request(Method::HEAD, repo, reference, access)
            .await?;
        if resp.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !resp.status().is_success() {
            return Err(self.error(resp, &what).await);
        }
        let digest = header_str(&resp, "docker-content-digest").and_then(|d| d.parse().ok());
        let media_type = header_str(&resp, CONTENT_TYPE).unwrap_or_default();
        let size = resp.content_length().unwrap_or(0);
        Ok(Some((digest, media_type, size)))
    }

    /// `DELETE` a manifest by digest.
    pub async fn delete_manifest(&self, repo: &str, digest: &Digest) -> Result<()> {
        let what = format!("manifest {}/{repo}@{digest}", self.inner.name);
        let url = join(self.base().await?, &format!("v2/{repo}/manifests/{digest}"))?;
        let scope = format!("repository:{repo}:delete");
        let resp = self.send(Some(&scope), Method::DELETE, url, Ok).await?;
        if resp.status().is_success() {
            return Ok(());
        }
        Err(self.error(resp, &what).await)
    }
}

fn at(reference: &str) -> String {
    if reference.contains(':') {
        format!("@{reference}")
    } else {
        format!(":{reference}")
    }
}
