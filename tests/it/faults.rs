//! Faults injected between ghcr-cli and a real registry by the proxy fixture: retries with
//! backoff and `Retry-After`, statuses that must not be retried, broken and truncated bodies
//! resumed with `Range`, a registry that ignores `Range`, a stalled server, a corrupted byte,
//! an expired storage URL, and `kill -9` in the middle of a pull. Uploads that break are in
//! `faults_upload.rs`.

use std::time::{Duration, Instant};

use crate::harness::image::{self, TestImage};
use crate::harness::proxy::{FailFirst, Faults, Proxy};
use crate::harness::registry::Registry;
use crate::harness::{TestEnv, poll};

/// A registry holding `img` as `repo:1`, and the name to reach it through a proxy.
fn served(seed: u64, sizes: &[usize], repo: &str) -> (Registry, TestImage, String) {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(seed, sizes, "amd64");
    let layout = env.path().join("layout");
    let name = format!("{}/{repo}:1", reg.addr);
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &name]).ok();
    (reg, img, format!("{repo}:1"))
}

fn blob_files(env: &TestEnv) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(env.store().join("blobs/sha256"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Every blob in the store matches its name, and index.json parses.
fn store_is_valid(env: &TestEnv) {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.store().join("index.json")).expect("index"))
            .expect("index.json parses");
    assert!(index["manifests"].is_array());
    for name in blob_files(env) {
        let data = std::fs::read(env.store().join("blobs/sha256").join(&name)).expect("read");
        assert_eq!(
            image::sha256(&data)[7..],
            name,
            "blob {name} is complete and matches"
        );
    }
}

#[test]
fn retries_503_and_429_honouring_retry_after_seconds_and_dates() {
    let (reg, img, name) = served(200, &[1000], "r/retry");
    let proxy = Proxy::start(
        &reg.addr,
        FailFirst::new("/manifests/", 503, 2)
            .retry_after("1")
            .faults(),
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let started = Instant::now();
    let out = env.run(["pull", &target]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited as told"
    );
    assert!(
        out.stderr.contains("answered 503 Service Unavailable"),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains("retrying in 1.0s (1/5)") && out.stderr.contains("(2/5)"),
        "{out:#?}"
    );
    let gets = proxy
        .seen()
        .iter()
        .filter(|s| s.path.contains("/manifests/"))
        .count();
    assert_eq!(gets, 3);

    // 429 with an HTTP date a minute ahead, and retry_max_wait = 2: the date is read (an
    // unread one would mean a sub-second backoff) and the wait is the cap, to the tenth of a
    // second, whatever the clocks did meanwhile.
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(60));
    proxy.set_faults(
        FailFirst::new("/manifests/", 429, 1)
            .retry_after(&date)
            .faults(),
    );
    let env2 = TestEnv::new();
    let config = env2.path().join("config/ghcr-cli/config.toml");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(&config, "retry_max_wait = 2\n").expect("config");
    let out = env2.run(["pull", &target]);
    out.ok();
    assert!(
        out.stderr.contains("answered 429 Too Many Requests"),
        "{out:#?}"
    );
    assert!(out.stderr.contains("retrying in 2.0s (1/5)"), "{out:#?}");
}

#[test]
fn retry_after_is_capped_and_retries_run_out() {
    let (reg, _img, name) = served(201, &[1000], "r/cap");
    let proxy = Proxy::start(
        &reg.addr,
        FailFirst::new("/manifests/", 503, 100)
            .retry_after("3600")
            .faults(),
    );
    let mut env = TestEnv::new();
    let config = env.path().join("c.toml");
    std::fs::write(&config, "retry_max_wait = 1\n").expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    let started = Instant::now();
    let out = env.run(["--retries", "2", "pull", &format!("{}/{name}", proxy.addr)]);
    out.fails(1, "answered 503");
    assert!(
        out.stderr.contains("retrying in 1.0s (1/2)")
            && out.stderr.contains("retrying in 1.0s (2/2)"),
        "{out:#?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the hour-long Retry-After was capped"
    );
    assert_eq!(
        proxy
            .seen()
            .iter()
            .filter(|s| s.path.contains("/manifests/"))
            .count(),
        3
    );
}

#[test]
fn client_errors_are_not_retried() {
    let (reg, _img, name) = served(202, &[1000], "r/noretry");
    let env = TestEnv::new();
    for (status, code, message) in [
        (404u16, 3, "was not found"),
        (403, 4, "was denied"),
        (400, 1, "answered 400"),
    ] {
        let proxy = Proxy::start(&reg.addr, FailFirst::new("/blobs/", status, 1).faults());
        let out = env.run(["pull", &format!("{}/{name}", proxy.addr)]);
        out.fails(code, message);
        assert!(!out.stderr.contains("retrying"), "{out:#?}");
        let blob_gets = proxy
            .seen()
            .iter()
            .filter(|s| s.path.contains("/blobs/"))
            .count();
        assert!(blob_gets <= 2, "one try per blob, no retries: {blob_gets}");
    }
}

#[test]
fn a_reset_mid_blob_resumes_with_range() {
    let (reg, img, name) = served(203, &[400_000], "r/reset");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            reset_after: Some((100_000, 1)),
            hard_reset: true,
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let out = env.run(["pull", &target]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(out.stderr.contains("broke after"), "{out:#?}");
    let layer_gets: Vec<_> = proxy
        .seen()
        .into_iter()
        .filter(|s| s.path.ends_with(&img.layers[0].digest))
        .collect();
    assert_eq!(layer_gets.len(), 2, "{layer_gets:#?}");
    let range = layer_gets[1]
        .range
        .clone()
        .expect("the second GET asks for a range");
    let start: u64 = range
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .expect("start");
    assert!(start > 0 && start <= 100_000, "{range}");
    store_is_valid(&env);
    assert!(
        proxy.bytes_sent() < img.layers[0].data.len() as u64 + 110_000,
        "the first 100 KB were not sent twice"
    );
}

#[test]
fn a_truncated_body_resumes_and_a_registry_ignoring_range_starts_over() {
    let (reg, img, name) = served(204, &[300_000], "r/trunc");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            reset_after: Some((50_000, 1)),
            ignore_range: true,
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    assert_eq!(
        env.run(["pull", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    let layer_gets: Vec<_> = proxy
        .seen()
        .into_iter()
        .filter(|s| s.path.ends_with(&img.layers[0].digest))
        .collect();
    assert_eq!(layer_gets.len(), 2);
    assert!(
        layer_gets[1].range.is_some(),
        "asked for a range; got the whole blob and started over"
    );
    store_is_valid(&env);
}

#[test]
fn a_stalled_server_is_detected_and_retried() {
    let (reg, img, name) = served(205, &[200_000], "r/stall");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            stall_after: Some(20_000),
            ..Faults::default()
        },
    );
    let mut env = TestEnv::new();
    let config = env.path().join("c.toml");
    std::fs::write(&config, "read_timeout = 1\n").expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    let target = format!("{}/{name}", proxy.addr);
    let started = Instant::now();
    let out = env.run(["pull", &target]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(started.elapsed() < Duration::from_secs(20), "not hung");
    let broke = format!("the download of {} broke", &img.layers[0].digest[..19]);
    assert!(out.stderr.contains(&broke), "{out:#?}");
}

#[test]
fn a_flipped_byte_is_refused() {
    let (reg, img, name) = served(206, &[50_000], "r/flip");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            flip_at: Some(1234),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let out = env.run(["pull", &format!("{}/{name}", proxy.addr)]);
    out.fails(1, "does not match its digest");
    assert!(!blob_files(&env).contains(&img.layers[0].digest[7..].to_string()));
    store_is_valid(&env);
}

#[test]
fn an_expired_storage_url_is_asked_for_again() {
    let (reg, img, name) = served(207, &[5000], "r/expired");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            redirect_blobs: true,
            storage_fail_first: 1,
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let out = env.run(["pull", &target]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(
        out.stderr.contains("was refused (403 Forbidden); asking"),
        "{out:#?}"
    );
}

#[test]
fn kill_9_during_pulls_leaves_a_valid_store_and_reruns_resume() {
    let (reg, img, name) = served(209, &[6_000_000, 6_000_000], "r/kill");
    let total: u64 = img.blobs().map(|b| b.data.len() as u64).sum();
    // A slow link: 16 KiB per 2 ms, about 8 MB/s, so a kill lands mid-transfer.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            throttle: Some(Duration::from_millis(2)),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let mut sent_before = 0;
    for fraction in [0.2, 0.45, 0.7] {
        let mut child = env
            .command(["pull", &target])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("pull");
        let goal = (total as f64 * fraction) as u64;
        poll("the pull to get going", Duration::from_secs(30), || {
            (proxy.bytes_sent() >= goal.max(sent_before + 100_000)).then_some(())
        });
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        store_is_valid(&env);
        assert_eq!(env.run(["images", "-q"]).ok(), "", "no half-written tag");
        sent_before = proxy.bytes_sent();
    }
    // What the killed runs left on disk (whole blobs and resumable partial files) is what the
    // last run must not ask for again. Bytes the proxy sent that never reached the disk (in
    // socket buffers when the kill came; more of them on a loaded machine) may come again.
    let on_disk = stored_bytes(&env);
    assert!(on_disk > 0, "the killed runs left nothing to resume from");
    let before_last = proxy.bytes_sent();
    assert_eq!(
        env.run(["pull", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    store_is_valid(&env);
    let last_run = proxy.bytes_sent() - before_last;
    // The manifest and config come again (small); a layer's range starts where its partial
    // file ends.
    let slack = 64 * 1024;
    assert!(
        last_run <= total - on_disk.min(total) + slack,
        "the last run sent {last_run} of {total} bytes with {on_disk} already on disk: it did not resume"
    );
}

/// Bytes of blobs and partial downloads in the store (`blobs/` and `ingest/`).
fn stored_bytes(env: &TestEnv) -> u64 {
    let mut total = 0;
    for dir in ["blobs/sha256", "ingest"] {
        let Ok(entries) = std::fs::read_dir(env.store().join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) {
                total += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    total
}

/// Answers a registry should never give: each is one clear error line and an exit code,
/// never a panic.
#[test]
fn bad_answers_are_one_clear_line_never_a_panic() {
    let (reg, _img, name) = served(210, &[100], "r/bad");
    let env = TestEnv::new();
    let inject = |path: &str, status: u16, body: Option<String>, header: Option<(&str, &str)>| {
        FailFirst {
            body,
            header: header.map(|(k, v)| (k.to_string(), v.to_string())),
            ..FailFirst::new(path, status, 1).method("GET")
        }
        .faults()
    };
    let cases: Vec<(Faults, i32, String)> = vec![
        (
            inject("/manifests/", 200, Some("{".into()), None),
            1,
            "the manifest is not valid JSON".into(),
        ),
        (
            inject(
                "/manifests/",
                200,
                Some(r#"{"schemaVersion":2,"mediaType":"application/x-unknown"}"#.into()),
                None,
            ),
            1,
            "unsupported manifest media type `application/x-unknown`".into(),
        ),
        (
            inject(
                "/manifests/",
                200,
                Some(format!("{{\"pad\":\"{}\"}}", "x".repeat(5 * 1024 * 1024))),
                None,
            ),
            1,
            "is larger than the 4194304-byte limit".into(),
        ),
        (
            inject(
                "/v2/",
                401,
                None,
                Some(("WWW-Authenticate", "Bearer realm=\"unterminated")),
            ),
            1,
            "cannot parse the registry's `WWW-Authenticate` header".into(),
        ),
        (
            // A plain-HTTP realm elsewhere is tested in safety.rs (insecure_covers_only_…).
            inject(
                "/v2/",
                401,
                None,
                Some((
                    "WWW-Authenticate",
                    "Bearer realm=\"ftp://example.invalid/token\",service=\"x\"",
                )),
            ),
            1,
            "refusing the token realm `ftp://example.invalid/token`: `ftp` is not HTTP or HTTPS"
                .into(),
        ),
    ];
    for (faults, code, message) in cases {
        let proxy = Proxy::start(&reg.addr, faults);
        let out = env.run(["--retries", "0", "pull", &format!("{}/{name}", proxy.addr)]);
        out.fails(code, &message);
        assert!(!out.stderr.contains("panicked"), "{out:#?}");
        assert!(out.stderr.starts_with("error: "), "{out:#?}");
        store_is_valid(&env);
    }
    // A digest with an algorithm nobody registered is a usage error.
    env.run([
        "pull",
        &format!("{}/r/bad@md5:d41d8cd98f00b204e9800998ecf8427e", reg.addr),
    ])
    .fails(2, "unsupported digest algorithm `md5`");
}
