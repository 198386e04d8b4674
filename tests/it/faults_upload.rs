//! Uploads that break between ghcr-cli and a real registry, injected by the proxy fixture:
//! chunked uploads that resume (in the same run and in a later process), a reset in the
//! middle of a body that needs a new session, and an upload longer than the read timeout.

use std::time::{Duration, Instant};

use crate::harness::image;
use crate::harness::proxy::{FailFirst, Faults, Proxy};
use crate::harness::registry::Registry;
use crate::harness::{TestEnv, poll};

#[test]
fn chunked_uploads_retry_and_resume_in_a_later_process() {
    let reg = Registry::anonymous();
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            hold: Some(("PATCH".into(), "/blobs/uploads/".into(), 4)),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let img = image::image(208, &[1_000_000], "amd64");
    let layout = env.path().join("layout");
    let target = format!("{}/up/resume:1", proxy.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();

    // One blob at a time, chunks of 300 000 bytes: the config takes one PATCH, the layer
    // four; the layer's third chunk (the fourth PATCH) hangs, and the push is killed there.
    let mut child = env
        .command(["push", &target, "--chunk-size", "300000", "-j", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("push");
    poll(
        "the fourth PATCH to be held",
        Duration::from_secs(20),
        || (proxy.seen().iter().filter(|s| s.method == "PATCH").count() >= 4).then_some(()),
    );
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    proxy.set_faults(Faults::default());
    proxy.clear_seen();

    // The next process asks the registry where the session stands and sends only the rest.
    let out = env.run(["push", &target, "--chunk-size", "300000"]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    let seen = proxy.seen();
    let status = seen
        .iter()
        .filter(|s| s.method == "GET" && s.path.contains("/blobs/uploads/"))
        .count();
    assert!(status >= 1, "the upload status was asked for: {seen:#?}");
    let patches: Vec<_> = seen.iter().filter(|s| s.method == "PATCH").collect();
    assert_eq!(
        patches.len(),
        2,
        "only chunks 3 and 4 of the layer were sent again: {seen:#?}"
    );
    assert_eq!(
        crate::harness::tool(
            "skopeo",
            &[
                "inspect",
                "--tls-verify=false",
                "--raw",
                &format!("docker://{}/up/resume:1", reg.addr)
            ]
        )
        .as_bytes(),
        img.manifest.data.as_slice()
    );

    // 503 on a PATCH is retried with the same chunk.
    let env2 = TestEnv::new();
    env2.run(["load", "-i", layout.to_str().expect("utf8")])
        .ok();
    let t2 = format!("{}/up/retry:1", proxy.addr);
    env2.run(["tag", &target, &t2]).ok();
    proxy.set_faults(
        FailFirst::new("/blobs/uploads/", 503, 1)
            .method("PATCH")
            .faults(),
    );
    let reg_before = reg.count_requests("PATCH", "/blobs/uploads/");
    let out = env2.run(["push", &t2, "--chunk-size", "300000"]);
    out.ok();
    assert!(out.stderr.contains("answered 503"), "{out:#?}");
    // A new repository: four chunks of the layer and one of the config reached the registry.
    assert_eq!(
        reg.count_requests("PATCH", "/blobs/uploads/") - reg_before,
        5
    );
}

/// A reset in the middle of an upload's body (a monolithic `PUT`, then a chunked `PATCH`)
/// leaves distribution's session URL stale ("upload resumed at wrong offset"); the push
/// opens a new session and finishes in the same run, with the exact digest (issue #13).
#[test]
fn an_upload_reset_mid_body_starts_a_new_session_in_the_same_run() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(77, &[300_000], "amd64");
    let layer = &img.layers[0];
    assert!(layer.data.len() > 200_000, "the layer outlasts the cut");
    for (method, chunk, repo) in [
        ("PUT", None, "up/mono"),
        ("PATCH", Some("64KiB"), "up/chunked"),
    ] {
        let proxy = Proxy::start(
            &reg.addr,
            Faults {
                reset_upload: Some((method.to_string(), 30_000, 1)),
                ..Faults::default()
            },
        );
        let name = format!("{}/{repo}:1", proxy.addr);
        let layout = env.path().join(repo.replace('/', "-"));
        image::write_layout(&layout, &[(name.as_str(), &img)]);
        env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
        let mut args = vec!["push", name.as_str()];
        if let Some(c) = chunk {
            args.extend(["--chunk-size", c]);
        }
        let out = env.run(args);
        assert_eq!(out.ok(), format!("{name}@{}", img.digest()), "{method}");
        assert!(out.stderr.contains("broke"), "{method}: {out:#?}");
        // The cut really happened, and a new session was opened for the layer.
        let posts = proxy
            .seen()
            .iter()
            .filter(|s| {
                s.method == "POST" && s.path.contains(&format!("/v2/{repo}/blobs/uploads/"))
            })
            .count();
        assert!(
            posts >= 3,
            "{method}: config, layer, and a new layer session: {posts}"
        );
        // The registry serves the layer's exact bytes.
        let fresh = TestEnv::new();
        let direct = format!("{}/{repo}:1", reg.addr);
        assert_eq!(
            fresh.run(["pull", &direct]).ok(),
            format!("{direct}@{}", img.digest())
        );
        let stored = fresh.store().join("blobs/sha256").join(&layer.digest[7..]);
        assert_eq!(
            std::fs::read(stored).ok().as_deref(),
            Some(layer.data.as_slice())
        );
    }
}

/// An upload that takes longer than `read_timeout` to send is not a stalled connection: the
/// timeout is for a server that stops answering, not for a long body (issue #12 review).
#[test]
fn an_upload_longer_than_the_read_timeout_succeeds() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let config = env.path().join("config/ghcr-cli/config.toml");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(&config, "read_timeout = 1\n").expect("config");
    let img = image::image(88, &[600_000], "amd64");
    // 16 KiB every 60 ms: the layer takes over two seconds to send.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            throttle_uploads: Some(Duration::from_millis(60)),
            ..Faults::default()
        },
    );
    let name = format!("{}/slow/up:1", proxy.addr);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    let started = Instant::now();
    let out = env.run(["push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "the upload was slow"
    );
    assert!(!out.stderr.contains("retrying"), "{out:#?}");
}
