//! The GitHub REST fixture joined to a real docker-registry (token mode), as GitHub's
//! packages API is joined to ghcr.io: a package's versions are the manifests the registry
//! holds (one per digest, read from its storage, since the distribution API lists no untagged
//! manifests), each with the tags pointing at it, ids and creation times the test controls;
//! deleting a version DELETEs the manifest from the registry, which drops its tags too.
//! Faults on demand: a secondary rate limit (403 with `Retry-After`), GitHub's 5,000-download
//! refusal for chosen digests, and a failure after K deletes (an interrupted run).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use base64::Engine as _;

use crate::harness::registry::{send_blob, send_manifest};

/// GitHub's answer for a popular public version (as seen in the wild).
pub const POPULAR: &str = "Publicly visible package versions with more than 5000 downloads cannot be deleted. Contact GitHub support for further assistance.";
pub const LAST_TAGGED: &str =
    "You cannot delete the last tagged version of a package. You must delete the package instead.";
pub const SECONDARY: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

pub struct Join {
    /// The registry's storage root (its `data` directory).
    pub data: PathBuf,
    pub repo: String,
    /// `user/alice`, as the fixture names owners.
    pub owner: String,
    pub package: String,
    pub registry: String,
    pub realm: String,
    pub ids: BTreeMap<String, u64>,
    pub created: BTreeMap<String, String>,
    pub next_id: u64,
    pub popular: BTreeSet<String>,
    /// DELETE attempts (1-based, counting every attempt) answered with a secondary limit,
    /// and the `Retry-After` seconds.
    pub limited: BTreeMap<usize, u64>,
    /// After this many successful deletes, every DELETE fails with 502.
    pub fail_after: Option<usize>,
    /// Successful deletes (1-based) whose answer says the primary limit is used up
    /// (`x-ratelimit-remaining: 0`, reset in a second).
    pub exhausted: BTreeSet<usize>,
    pub attempts: usize,
    pub deleted: usize,
}

/// What one request gets: status, extra headers, body.
pub type Answer = (u16, Vec<(String, String)>, String);

impl Join {
    fn manifests_dir(&self) -> PathBuf {
        self.data
            .join("docker/registry/v2/repositories")
            .join(&self.repo)
            .join("_manifests")
    }

    pub fn id(&mut self, digest: &str) -> u64 {
        if let Some(id) = self.ids.get(digest) {
            return *id;
        }
        self.next_id += 1;
        self.ids.insert(digest.to_string(), self.next_id);
        self.next_id
    }

    /// Every version, newest first (as GitHub lists them): a digest the registry has a
    /// revision of, or one a tag points at.
    pub fn versions(&mut self) -> Vec<(u64, String, Vec<String>, String)> {
        let dir = self.manifests_dir();
        let mut digests: BTreeMap<String, Vec<String>> = BTreeMap::new();
        if let Ok(rd) = std::fs::read_dir(dir.join("revisions/sha256")) {
            for e in rd.flatten() {
                if e.path().join("link").exists() {
                    let hex = e.file_name().to_string_lossy().into_owned();
                    digests.entry(format!("sha256:{hex}")).or_default();
                }
            }
        }
        if let Ok(rd) = std::fs::read_dir(dir.join("tags")) {
            for e in rd.flatten() {
                if let Ok(d) = std::fs::read_to_string(e.path().join("current/link")) {
                    let tag = e.file_name().to_string_lossy().into_owned();
                    digests.entry(d.trim().to_string()).or_default().push(tag);
                }
            }
        }
        let mut out: Vec<(u64, String, Vec<String>, String)> = digests
            .into_iter()
            .map(|(d, mut tags)| {
                tags.sort();
                let id = self.id(&d);
                let created = self.created.get(&d).cloned().unwrap_or_else(|| {
                    format!("2026-10-01T00:{:02}:{:02}Z", (id / 60) % 60, id % 60)
                });
                (id, d, tags, created)
            })
            .collect();
        out.sort_by(|a, b| (&b.3, b.0).cmp(&(&a.3, a.0)));
        out
    }

    /// `DELETE …/versions/ID`.
    pub fn delete(&mut self, id: u64) -> Answer {
        let versions = self.versions();
        let Some((_, digest, tags, _)) = versions.iter().find(|v| v.0 == id).cloned() else {
            return (404, vec![], super::message("Package version not found."));
        };
        let tagged = versions.iter().filter(|v| !v.2.is_empty()).count();
        self.attempts += 1;
        if let Some(secs) = self.limited.get(&self.attempts) {
            return (
                403,
                vec![("Retry-After".into(), secs.to_string())],
                super::message(SECONDARY),
            );
        }
        if !tags.is_empty() && tagged == 1 {
            return (400, vec![], super::message(LAST_TAGGED));
        }
        if self.popular.contains(&digest) {
            return (400, vec![], super::message(POPULAR));
        }
        if self.fail_after.is_some_and(|k| self.deleted >= k) {
            return (502, vec![], super::message("Server Error"));
        }
        match registry_delete(&self.registry, &self.realm, &self.repo, &digest) {
            Ok(()) => {
                self.deleted += 1;
                if self.exhausted.contains(&self.deleted) {
                    let reset = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs())
                        + 1;
                    let headers = vec![
                        ("x-ratelimit-remaining".into(), "0".into()),
                        ("x-ratelimit-reset".into(), reset.to_string()),
                    ];
                    return (204, headers, String::new());
                }
                let left = 5000 - self.deleted;
                (
                    204,
                    vec![("x-ratelimit-remaining".into(), left.to_string())],
                    String::new(),
                )
            }
            Err(e) => (500, vec![], super::message(&e)),
        }
    }
}

/// Deletes a manifest from the registry as GitHub's side would: a token with `delete`, then
/// `DELETE /v2/REPO/manifests/DIGEST`.
fn registry_delete(registry: &str, realm: &str, repo: &str, digest: &str) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = reqwest::Client::new();
        let (user, password) = crate::harness::token::API_USER;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let token: serde_json::Value = client
            .get(format!(
                "{realm}?service={}&scope=repository:{repo}:pull,push,delete",
                crate::harness::token::SERVICE
            ))
            .header("Authorization", format!("Basic {basic}"))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .bytes()
            .await
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))?;
        let token = token["token"].as_str().unwrap_or_default().to_string();
        let resp = client
            .delete(format!("http://{registry}/v2/{repo}/manifests/{digest}"))
            .header("Authorization", format!("Bearer {token}"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if resp.status().as_u16() == 202 {
            Ok(())
        } else {
            Err(format!(
                "the registry answered {} to the manifest DELETE",
                resp.status()
            ))
        }
    })
}

/// Puts images into the token-mode registry behind the joined fixture, straight through the
/// distribution API (as the API user), without the binary under test.
pub struct Seeder {
    addr: String,
    repo: String,
    token: String,
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Seeder {
    pub fn new(
        registry: &crate::harness::registry::Registry,
        tokens: &crate::harness::token::TokenServer,
        repo: &str,
    ) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = reqwest::Client::new();
        let (user, password) = crate::harness::token::API_USER;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let token: serde_json::Value = rt.block_on(async {
            client
                .get(format!(
                    "{}?service={}&scope=repository:{repo}:pull,push,delete",
                    tokens.realm(),
                    crate::harness::token::SERVICE
                ))
                .header("Authorization", format!("Basic {basic}"))
                .send()
                .await
                .expect("token")
                .bytes()
                .await
                .map(|b| serde_json::from_slice(&b).expect("token json"))
                .expect("token body")
        });
        Seeder {
            addr: registry.addr.clone(),
            repo: repo.to_string(),
            token: token["token"].as_str().expect("a token").to_string(),
            rt,
            client,
        }
    }

    /// `POST`, then one `PUT ?digest=` (distribution 2.8 takes no monolithic `POST`).
    pub fn blob(&self, data: &[u8]) {
        let auth = format!("Bearer {}", self.token);
        self.rt.block_on(send_blob(
            &self.client,
            &self.addr,
            &self.repo,
            Some(&auth),
            data,
        ));
    }

    pub fn manifest(&self, reference: &str, blob: &crate::harness::image::Blob) {
        let auth = format!("Bearer {}", self.token);
        self.rt.block_on(send_manifest(
            &self.client,
            &self.addr,
            &self.repo,
            Some(&auth),
            (reference, &blob.media_type, &blob.data),
        ));
    }

    /// An image's blobs, then its manifest under `reference` (a tag, or its digest).
    pub fn image(&self, reference: &str, image: &crate::harness::image::TestImage) {
        for b in image.blobs() {
            self.blob(&b.data);
        }
        self.manifest(reference, &image.manifest);
    }
}
