//! Real `docker-registry` (CNCF distribution 2.8) processes on 127.0.0.1 with an ephemeral
//! port, in the three set-ups the tests need: anonymous, htpasswd + TLS, and token auth.
//! The registry is started with a clean environment, because it reads every `REGISTRY_*`
//! variable as a configuration override.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::token::TokenServer;
use super::{Proc, certs, poll};

pub struct Registry {
    _proc: Proc,
    pub dir: tempfile::TempDir,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// The CA to trust, for the TLS set-up.
    pub ca: Option<PathBuf>,
}

pub const USERS: &[(&str, &str)] = &[("alice", "alicepw"), ("bob", "bobpw")];

impl Registry {
    /// Plain HTTP, no auth.
    pub fn anonymous() -> Self {
        Self::start("", None)
    }

    /// Plain HTTP, no auth, and deleting turned off (the registry answers 405, as ghcr.io
    /// does).
    pub fn without_deletes() -> Self {
        Self::start_in(tempfile::tempdir().expect("tempdir"), "", None, false)
    }

    /// htpasswd (bcrypt) Basic auth over TLS, users alice/alicepw and bob/bobpw.
    pub fn htpasswd_tls() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let tls = certs::tls(dir.path());
        let htpasswd = write_htpasswd(dir.path());
        let extra = format!(
            "  tls:\n    certificate: {}\n    key: {}\nauth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
            tls.cert_pem.display(),
            tls.key_pem.display(),
            htpasswd.display()
        );
        let ca = tls.ca_pem.clone();
        Self::start_in(dir, &extra, Some(ca), true)
    }

    /// htpasswd (bcrypt) Basic auth over plain HTTP, users alice/alicepw and bob/bobpw (for
    /// tests that put the fault proxy in front; loopback only).
    pub fn htpasswd_plain() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let htpasswd = write_htpasswd(dir.path());
        let extra = format!(
            "auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n",
            htpasswd.display()
        );
        Self::start_in(dir, &extra, None, true)
    }

    /// ghcr.io's Bearer flow, with `token` as the token server.
    pub fn token(token: &TokenServer) -> Self {
        Self::token_with_realm(token, &token.realm())
    }

    /// The Bearer flow with `token` as the token server, named to clients as `realm` (a
    /// host name the forward proxy maps to it).
    pub fn token_with_realm(token: &TokenServer, realm: &str) -> Self {
        let extra = format!(
            "auth:\n  token:\n    realm: {}\n    service: {}\n    issuer: {}\n    rootcertbundle: {}\n",
            realm,
            super::token::SERVICE,
            super::token::ISSUER,
            token.cert_path.display()
        );
        Self::start(&extra, None)
    }

    fn start(extra: &str, ca: Option<PathBuf>) -> Self {
        Self::start_in(tempfile::tempdir().expect("tempdir"), extra, ca, true)
    }

    /// Plain HTTP, no auth, on the namespace's non-loopback address.
    pub fn anonymous_in(ns: &super::netns::Netns) -> Self {
        Self::launch(
            tempfile::tempdir().expect("tempdir"),
            "",
            None,
            true,
            Some(ns),
        )
    }

    fn start_in(dir: tempfile::TempDir, extra: &str, ca: Option<PathBuf>, deletes: bool) -> Self {
        Self::launch(dir, extra, ca, deletes, None)
    }

    fn launch(
        dir: tempfile::TempDir,
        extra: &str,
        ca: Option<PathBuf>,
        deletes: bool,
        ns: Option<&super::netns::Netns>,
    ) -> Self {
        let listen = match ns {
            Some(_) => format!("{}:0", super::netns::ADDR),
            None => "127.0.0.1:0".to_string(),
        };
        let data = dir.path().join("data");
        let config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: {deletes}\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: {listen}\n  secret: test-only-secret\n{extra}",
            data.display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).expect("write config");
        let log = dir.path().join("registry.log");
        let log_file = std::fs::File::create(&log).expect("log");
        let mut command = match ns {
            Some(ns) => ns.command("docker-registry"),
            None => Command::new("docker-registry"),
        };
        let proc = Proc::spawn(
            "docker-registry",
            command
                .arg("serve")
                .arg(&config_path)
                .env_clear()
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().expect("dup"))
                .stderr(log_file),
        );
        // With port 0 the registry logs the address it really listens on.
        let addr = poll("docker-registry to listen", Duration::from_secs(20), || {
            let text = std::fs::read_to_string(&log).ok()?;
            let at = text.find("listening on ")? + "listening on ".len();
            let rest = &text[at..];
            let end = rest.find(|c: char| c.is_whitespace() || c == '"' || c == ',')?;
            Some(rest[..end].to_string())
        });
        Registry {
            _proc: proc,
            dir,
            addr,
            ca,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default()
    }

    /// How many access-log lines match `method` and a path containing `path_part`.
    pub fn count_requests(&self, method: &str, path_part: &str) -> usize {
        self.log()
            .lines()
            .filter(|l| l.contains(&format!("\"{method} ")) && l.contains(path_part))
            .count()
    }

    /// Where the registry keeps a blob's bytes on disk (to tamper with it).
    pub fn blob_data_path(&self, hex: &str) -> PathBuf {
        self.dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

/// Writes USERS as a bcrypt htpasswd file in `dir`; returns its path.
fn write_htpasswd(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("htpasswd");
    let lines: String = USERS
        .iter()
        .map(|(u, p)| format!("{u}:{}\n", bcrypt::hash(p, 5).expect("bcrypt")))
        .collect();
    std::fs::write(&path, lines).expect("write htpasswd");
    path
}

/// PUTs a manifest straight into a registry (for setting up many tags quickly).
pub fn put_manifest(addr: &str, repo: &str, reference: &str, media_type: &str, body: &[u8]) {
    block_on(send_manifest(
        &reqwest::Client::new(),
        addr,
        repo,
        None,
        (reference, media_type, body),
    ));
}

/// Uploads a blob straight into a registry (`POST`, then one `PUT ?digest=`), without the
/// binary under test, for setting up images.
pub fn put_blob(addr: &str, repo: &str, data: &[u8]) {
    block_on(send_blob(&reqwest::Client::new(), addr, repo, None, data));
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// `POST`, then one `PUT ?digest=` of `data` (distribution 2.8 takes no monolithic `POST`),
/// with `auth` as the Authorization of both when given; shared with the token registry's
/// seeder (github/join.rs).
pub async fn send_blob(
    client: &reqwest::Client,
    addr: &str,
    repo: &str,
    auth: Option<&str>,
    data: &[u8],
) {
    let digest = super::image::sha256(data);
    let with_auth = |r: reqwest::RequestBuilder| match auth {
        Some(a) => r.header("Authorization", a),
        None => r,
    };
    let resp = with_auth(client.post(format!("http://{addr}/v2/{repo}/blobs/uploads/")))
        .send()
        .await
        .expect("start upload");
    assert_eq!(resp.status().as_u16(), 202, "POST upload");
    let location = resp
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("upload location")
        .to_string();
    let url = reqwest::Url::parse(&format!("http://{addr}/"))
        .and_then(|base| base.join(&location))
        .expect("location url");
    let sep = if url.query().is_some() { '&' } else { '?' };
    let resp = with_auth(client.put(format!("{url}{sep}digest={digest}")))
        .header("Content-Type", "application/octet-stream")
        .body(data.to_vec())
        .send()
        .await
        .expect("put blob");
    assert_eq!(resp.status().as_u16(), 201, "PUT blob");
}

/// `PUT` of a manifest (`reference`, media type, bytes), with `auth` when given.
pub async fn send_manifest(
    client: &reqwest::Client,
    addr: &str,
    repo: &str,
    auth: Option<&str>,
    (reference, media_type, body): (&str, &str, &[u8]),
) {
    let put = client.put(format!("http://{addr}/v2/{repo}/manifests/{reference}"));
    let put = match auth {
        Some(a) => put.header("Authorization", a),
        None => put,
    };
    let resp = put
        .header("Content-Type", media_type)
        .body(body.to_vec())
        .send()
        .await
        .expect("put manifest");
    assert!(
        resp.status().is_success(),
        "PUT manifest: {}",
        resp.status()
    );
}

/// Puts a single image into a registry: every blob, then its manifest under `reference` (a
/// tag or its digest).
pub fn seed_image(addr: &str, repo: &str, reference: &str, image: &super::image::TestImage) {
    for b in image.blobs() {
        put_blob(addr, repo, &b.data);
    }
    put_manifest(
        addr,
        repo,
        reference,
        &image.manifest.media_type,
        &image.manifest.data,
    );
}

/// Puts a multi-platform image into a registry: every child image by digest, then the index
/// under `tag`.
pub fn seed(addr: &str, repo: &str, tag: &str, image: &super::image::MultiImage) {
    for child in &image.children {
        seed_image(addr, repo, &child.image.manifest.digest, &child.image);
    }
    put_manifest(addr, repo, tag, &image.index.media_type, &image.index.data);
}

/// Whether the registry has `reference` in `repo` (a `HEAD` on the manifest).
pub fn has_manifest(addr: &str, repo: &str, reference: &str) -> bool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let accept = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
        reqwest::Client::new()
            .head(format!("http://{addr}/v2/{repo}/manifests/{reference}"))
            .header("Accept", accept)
            .send()
            .await
            .expect("HEAD manifest")
            .status()
            .is_success()
    })
}
