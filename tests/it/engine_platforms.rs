//! Multi-platform images from a Docker engine (issue #19): Docker 25+ with the containerd
//! image store saves an OCI layout whose `index.json` has the whole index while its
//! `manifest.json` names one platform, and `load` keeps every platform; `--platform` asks an
//! engine of API 1.48+ for one platform (`docker save --platform`) and takes that platform's
//! image from what any engine sends. There is no Docker 25+ engine here, so a stand-in on a
//! unix socket serves such an archive; Podman (API 1.41, one platform) is the real engine.

use std::io::Write;
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::engine::engine_with_image;
use crate::harness::TestEnv;
use crate::harness::engine::{Engine, read_head};
use crate::harness::image::{self, MultiImage};

const NAME: &str = "docker.io/library/app:1.0";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json")
}

/// An engine of API `version` on `socket` that answers the ping and serves `archive` for any
/// `GET /images/…/get`, recording each request's target; stopped when dropped.
struct StandIn {
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    socket: std::path::PathBuf,
}

impl StandIn {
    fn start(socket: &Path, version: &'static str, archive: Vec<u8>) -> Self {
        let listener = UnixListener::bind(socket).expect("bind");
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let stop: Arc<AtomicBool> = Arc::default();
        let (seen, stopped) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut conn) = conn else { return };
                let head = read_head(&mut conn);
                let target = head.split(' ').nth(1).unwrap_or_default().to_string();
                seen.lock().expect("lock").push(target.clone());
                let (status, body): (&str, &[u8]) = if target == "/_ping" {
                    ("200 OK", b"OK")
                } else if target.starts_with("/images/") && target.contains("/get") {
                    ("200 OK", &archive)
                } else {
                    ("404 Not Found", br#"{"message":"no such route"}"#)
                };
                let _ = conn.write_all(
                    format!(
                        "HTTP/1.1 {status}\r\nApi-Version: {version}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                );
                let _ = conn.write_all(body);
            }
        });
        StandIn {
            requests,
            stop,
            socket: socket.to_path_buf(),
        }
    }

    /// The `platform` query parameter of the archive request, as JSON.
    fn asked_platform(&self) -> Option<serde_json::Value> {
        let requests = self.requests.lock().expect("lock");
        let get = requests.iter().find(|r| r.contains("/get"))?;
        let query = get.split_once('?')?.1;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "platform")
            .map(|(_, v)| json(&v))
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept, which then sees the flag.
        let _ = std::os::unix::net::UnixStream::connect(&self.socket);
    }
}

fn archive(multi: &MultiImage, left_out: &[&str]) -> Vec<u8> {
    image::containerd_archive(multi, NAME, "linux/amd64", left_out)
}

fn has_blob(env: &TestEnv, digest: &str) -> bool {
    env.store()
        .join("blobs/sha256")
        .join(&digest[7..])
        .is_file()
}

#[test]
fn load_of_a_docker_25_archive_keeps_every_platform_of_its_index() {
    let multi = image::multi_oci(551);
    let env = TestEnv::new();
    let out = env.run_stdin_bytes(["load", "--format", "json"], &archive(&multi, &[]));
    let rows = json(&out.ok());
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{out:#?}");
    assert_eq!(rows[0]["name"], NAME);
    // The index, not the one platform manifest.json names.
    assert_eq!(rows[0]["digest"], multi.index.digest.as_str());
    assert_eq!(
        rows[0]["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    for child in &multi.children {
        assert!(
            has_blob(&env, &child.image.manifest.digest),
            "{}",
            child.label
        );
        for blob in child.image.blobs() {
            assert!(
                has_blob(&env, &blob.digest),
                "{} {}",
                child.label,
                blob.digest
            );
        }
    }

    // An engine that holds only amd64 leaves arm64 out of the archive: the index is kept
    // whole, arm64 absent, as after a pull of one platform.
    let env = TestEnv::new();
    let out = env.run_stdin_bytes(
        ["load", "--format", "json"],
        &archive(&multi, &["linux/arm64"]),
    );
    assert_eq!(json(&out.ok())[0]["digest"], multi.index.digest.as_str());
    assert!(has_blob(&env, &multi.child("linux/amd64").manifest.digest));
    assert!(!has_blob(&env, &multi.child("linux/arm64").manifest.digest));

    // A missing layer of a platform that is there is still an error, and loads nothing.
    let mut broken = archive(&multi, &[]);
    let gone = &multi.child("linux/arm64").layers[0].digest[7..];
    let at = broken
        .windows(gone.len())
        .position(|w| w == gone.as_bytes())
        .expect("the layer's name in the archive");
    broken[at] = if broken[at] == b'0' { b'1' } else { b'0' };
    let env = TestEnv::new();
    let out = env.run_stdin_bytes(["load"], &broken);
    assert_eq!(out.code, 2, "{out:#?}");
    assert_eq!(env.run(["images", "-q"]).ok(), "");
}

#[test]
fn load_from_docker_platform_asks_a_new_engine_and_takes_that_platforms_image() {
    let multi = image::multi_oci(552);
    let mut env = TestEnv::new();
    let socket = env.path().join("docker.sock");
    let engine = StandIn::start(&socket, "1.48", archive(&multi, &[]));
    env.set("DOCKER_HOST", format!("unix://{}", socket.display()));

    let out = env.run([
        "load",
        "--from-docker",
        "app:1.0",
        "--platform",
        "linux/arm64",
        "--format",
        "json",
    ]);
    let rows = json(&out.ok());
    assert_eq!(rows[0]["name"], NAME, "{out:#?}");
    assert_eq!(
        rows[0]["digest"],
        multi.child("linux/arm64").manifest.digest.as_str()
    );
    assert_eq!(
        engine.asked_platform(),
        Some(serde_json::json!({"os": "linux", "architecture": "arm64"}))
    );

    // A platform the engine does not have: not found, naming what it has; nothing tagged.
    let fresh = {
        let mut e = TestEnv::new();
        e.set("DOCKER_HOST", format!("unix://{}", socket.display()));
        e
    };
    fresh
        .run(["load", "--from-docker", "app:1.0", "--platform", "linux/s390x"])
        .fails(
            3,
            &format!(
                "error: the Docker engine has no linux/s390x image of {NAME} (it has: linux/amd64, linux/arm64)"
            ),
        );
    assert_eq!(fresh.run(["images", "-q"]).ok(), "");

    // Another stand-in on the same socket.
    let restart = |engine: StandIn, version| {
        drop(engine);
        std::fs::remove_file(&socket).expect("rm socket");
        StandIn::start(&socket, version, archive(&multi, &[]))
    };

    // No --platform: every platform, and the engine is not asked to narrow.
    let engine = restart(engine, "1.48");
    let out = env.run(["load", "--from-docker", "app:1.0", "--format", "json"]);
    assert_eq!(json(&out.ok())[0]["digest"], multi.index.digest.as_str());
    assert_eq!(engine.asked_platform(), None);

    // An older engine is not sent the parameter it does not know; the platform is still
    // taken from what it sends.
    let engine = restart(engine, "1.41");
    let out = env.run([
        "load",
        "--from-docker",
        "app:1.0",
        "--platform",
        "linux/amd64",
        "--format",
        "json",
    ]);
    assert_eq!(
        json(&out.ok())[0]["digest"],
        multi.child("linux/amd64").manifest.digest.as_str()
    );
    assert_eq!(engine.asked_platform(), None);
}

/// Podman (a real engine, one platform per image): `--platform` of that platform gives the
/// same image as no `--platform`; another platform is not found, naming the one it has.
#[test]
fn load_from_docker_platform_on_a_single_platform_engine() {
    let engine = Engine::start();
    engine_with_image(&engine, 553, "app:1.0");
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", engine.docker_host());
    let whole = json(
        &env.run(["load", "--from-docker", "app:1.0", "--format", "json"])
            .ok(),
    );
    let amd = json(
        &env.run([
            "load",
            "--from-docker",
            "app:1.0",
            "--platform",
            "linux/amd64",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(amd[0]["digest"], whole[0]["digest"]);
    env.run([
        "load",
        "--from-docker",
        "app:1.0",
        "--platform",
        "linux/arm64",
    ])
    .fails(
        3,
        &format!(
            "error: the Docker engine has no linux/arm64 image of {NAME} (it has: linux/amd64)"
        ),
    );
}
