//! `sync` when things break or are split: a kill -9 and a rerun that sends no finished blob
//! again, a 429 waited out, shards that cover every repository once, a failed image that
//! does not stop the others, a blob shared by several images sent once, and the two sides'
//! HEADs of an image sent together.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::harness::image::{TestImage, image};
use crate::harness::proxy::{FailFirst, Faults, Seen};
use crate::harness::registry::{has_manifest, seed_image};
use crate::harness::{Proc, TestEnv, poll};
use crate::sync::{Pair, by_status, digest_at, has_blob, report, write_config};

/// Images of `n` repositories `app0`…, each with two layers of `size` bytes of its own.
fn seed_apps(pair: &Pair, n: u64, size: usize) -> Vec<TestImage> {
    (0..n)
        .map(|i| {
            let img = image(800 + i, &[size, size], "amd64");
            seed_image(&pair.src.addr, &format!("app{i}"), "1", &img);
            img
        })
        .collect()
}

/// Digests in the query of blob upload `PUT`s (`…?digest=sha256:…`).
fn uploaded(seen: &[Seen]) -> Vec<String> {
    seen.iter()
        .filter(|s| s.method == "PUT" && s.path.contains("/blobs/uploads/"))
        .filter_map(|s| s.path.split("digest=").nth(1))
        .map(|d| d.split('&').next().unwrap_or(d).replace("%3A", ":"))
        .collect()
}

#[test]
fn a_sync_killed_with_kill_9_finishes_on_a_rerun_without_sending_finished_blobs_again() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let apps = seed_apps(&pair, 8, 160 * 1024);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: \"{s}\", target: \"{d}/m\"}}\n"),
    );
    // A slow uplink, so the kill lands in the middle.
    pair.dst_proxy.set_faults(Faults {
        throttle_uploads: Some(Duration::from_millis(15)),
        ..Faults::default()
    });
    let mut child = env
        .command(["sync", &config, "--jobs", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn sync");
    let done = |i: usize| has_manifest(&pair.dst.addr, &format!("m/app{i}"), "1");
    poll("some images on the target", Duration::from_secs(60), || {
        (0..apps.len()).any(done).then_some(())
    });
    child.kill().expect("kill -9");
    let _ = child.wait();
    let finished: usize = (0..apps.len()).filter(|i| done(*i)).count();
    assert!(finished < apps.len(), "the sync ended before the kill");
    // What the target holds now, blob by blob, was sent once and must not be sent again.
    let mut present = BTreeSet::new();
    for (i, img) in apps.iter().enumerate() {
        for b in img.blobs() {
            if has_blob(&pair.dst.addr, &format!("m/app{i}"), &b.digest) {
                present.insert(b.digest.clone());
            }
        }
    }
    let first = uploaded(&pair.dst_proxy.seen());
    pair.dst_proxy.set_faults(Faults::default());
    pair.dst_proxy.clear_seen();
    let out = env.run(["sync", &config, "--format", "json"]);
    let lines = report(&out.ok());
    assert_eq!(by_status(&lines, "copied").len(), apps.len() - finished);
    assert_eq!(by_status(&lines, "in-sync").len(), finished);
    let second = uploaded(&pair.dst_proxy.seen());
    let again: Vec<&String> = second.iter().filter(|d| present.contains(*d)).collect();
    assert!(again.is_empty(), "sent again: {again:?}");
    let all: BTreeSet<String> = apps
        .iter()
        .flat_map(|a| a.blobs().map(|b| b.digest.clone()))
        .collect();
    // Every blob went once, bar those in flight at the kill (at most --jobs of them).
    assert!(
        first.len() + second.len() <= all.len() + 2,
        "{first:?} {second:?}"
    );
    for (i, img) in apps.iter().enumerate() {
        assert_eq!(
            digest_at(&pair.dst.addr, &format!("m/app{i}"), "1").as_deref(),
            Some(img.digest())
        );
    }
}

#[test]
fn a_429_with_retry_after_from_the_source_is_waited_out() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let apps = seed_apps(&pair, 1, 1000);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: {s}/app0, target: {d}/app0}}\n"),
    );
    pair.src_proxy.set_faults(
        FailFirst::new("/manifests/", 429, 1)
            .method("HEAD")
            .retry_after("1")
            .faults(),
    );
    let started = Instant::now();
    let out = env.run(["sync", &config]);
    out.ok();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert!(out.stderr.contains("429"), "{}", out.stderr);
    assert!(out.stderr.contains("retrying in 1.0s"), "{}", out.stderr);
    assert_eq!(
        digest_at(&pair.dst.addr, "app0", "1").as_deref(),
        Some(apps[0].digest())
    );
}

#[test]
fn shards_0_of_2_and_1_of_2_cover_every_repository_exactly_once() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let apps = seed_apps(&pair, 6, 500);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: \"{s}\", target: \"{d}\"}}\n"),
    );
    let mut seen = Vec::new();
    for shard in ["0/2", "1/2"] {
        let out = env.run(["sync", &config, "--shard", shard, "--format", "json"]);
        let lines = report(&out.ok());
        let copied = by_status(&lines, "copied");
        assert!(!copied.is_empty(), "shard {shard} took nothing");
        assert_eq!(copied.len(), lines.len());
        seen.extend(copied);
    }
    let all: BTreeSet<String> = (0..apps.len()).map(|i| format!("{d}/app{i}:1")).collect();
    assert_eq!(
        seen.len(),
        all.len(),
        "a repository went to both shards: {seen:?}"
    );
    assert_eq!(seen.into_iter().collect::<BTreeSet<_>>(), all);
    env.run(["sync", &config, "--shard", "2/2"])
        .fails(2, "I must be from 0 to N-1");
}

#[test]
fn a_failed_image_is_reported_and_the_others_still_sync_unless_fail_fast() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let apps = seed_apps(&pair, 2, 500);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!(
            "sync:\n  - {{source: \"{s}/app0:gone\", target: {d}/app0}}\n  - {{source: {s}/app1, target: {d}/app1}}\n"
        ),
    );
    let out = env.run(["sync", &config, "--format", "json"]);
    out.fails(1, &format!("1 image failed: {d}/app0:gone"));
    let lines = report(&out.stdout);
    assert_eq!(
        by_status(&lines, "failed"),
        BTreeSet::from([format!("{d}/app0:gone")])
    );
    assert_eq!(
        by_status(&lines, "copied"),
        BTreeSet::from([format!("{d}/app1:1")])
    );
    assert_eq!(
        digest_at(&pair.dst.addr, "app1", "1").as_deref(),
        Some(apps[1].digest())
    );
    env.run(["sync", &config, "--fail-fast"])
        .fails(1, "(--fail-fast stopped the sync)");
}

/// An image with `base`'s first layer under a layer of its own (as images built `FROM` one
/// base share it).
fn on_base(base: &TestImage, seed: u64) -> TestImage {
    use crate::harness::image::Blob;
    let own = image(seed, &[1500], "amd64");
    let layers = vec![
        Blob::new(&base.layers[0].media_type, base.layers[0].data.clone()),
        Blob::new(&own.layers[0].media_type, own.layers[0].data.clone()),
    ];
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": own.config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    TestImage {
        manifest: Blob::new(
            "application/vnd.oci.image.manifest.v1+json",
            serde_json::to_vec(&manifest).expect("json"),
        ),
        config: own.config,
        layers,
    }
}

#[test]
fn a_blob_shared_by_several_images_goes_to_the_target_registry_once() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let base = image(950, &[64 * 1024], "amd64");
    // Four repositories of two tags each, all on one base layer.
    let mut apps = Vec::new();
    for i in 0..4u64 {
        for tag in 1..=2u64 {
            let app = on_base(&base, 960 + i * 10 + tag);
            seed_image(&pair.src.addr, &format!("app{i}"), &tag.to_string(), &app);
            apps.push((format!("app{i}"), tag.to_string(), app));
        }
    }
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: \"{s}\", target: \"{d}\"}}\n"),
    );
    env.run(["sync", &config]).ok();
    let shared = &base.layers[0].digest;
    let seen = pair.dst_proxy.seen();
    let sent = uploaded(&seen).into_iter().filter(|d| d == shared).count();
    assert_eq!(sent, 1, "the shared layer was uploaded {sent} times");
    // Mounted once into each other repository, never twice into one: distribution rewrites
    // the link on every mount, and a manifest put meanwhile can find the blob unknown.
    let mounts: Vec<String> = seen
        .iter()
        .filter(|s| {
            s.method == "POST"
                && s.path
                    .replace("%3A", ":")
                    .contains(&format!("mount={shared}"))
        })
        .map(|s| {
            s.path
                .split("/blobs/")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let into: BTreeSet<&String> = mounts.iter().collect();
    assert_eq!((mounts.len(), into.len()), (3, 3), "{mounts:#?}");
    // Its bytes left the source once too.
    let fetched = pair
        .src_proxy
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.path.ends_with(&format!("/blobs/{shared}")))
        .count();
    assert_eq!(fetched, 1);
    for (repo, tag, app) in &apps {
        assert_eq!(
            digest_at(&pair.dst.addr, repo, tag).as_deref(),
            Some(app.digest())
        );
    }
}

#[test]
fn requests_per_second_paces_the_requests_to_a_registry() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let apps = seed_apps(&pair, 1, 500);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!(
            "registries:\n  \"{s}\": {{requests_per_second: 5, max_concurrent: 1}}\nsync:\n  - {{source: {s}/app0, target: {d}/app0}}\n"
        ),
    );
    let started = Instant::now();
    env.run(["sync", &config]).ok();
    let elapsed = started.elapsed();
    // Every request to the source started at least 200 ms after the one before.
    let sent = pair.src_proxy.seen().len();
    assert!(sent >= 5, "{sent}");
    let floor = Duration::from_millis(200) * (sent as u32 - 1);
    assert!(elapsed >= floor, "{sent} requests in {elapsed:?}");
    assert_eq!(
        digest_at(&pair.dst.addr, "app0", "1").as_deref(),
        Some(apps[0].digest())
    );
}

#[test]
fn the_source_and_target_heads_of_an_image_go_out_together() {
    let mut env = TestEnv::new();
    // Longer than the polls below: a held HEAD must not time out and be retried (after
    // which a one-at-a-time sync would send the target's HEAD too, and pass).
    let settings = env.path().join("c.toml");
    std::fs::write(&settings, "read_timeout = 600\n").expect("write");
    env.set("GHCR_CLI_CONFIG", settings.display().to_string());
    let pair = Pair::new();
    seed_apps(&pair, 1, 1000);
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: {s}/app0, target: {d}/app0}}\n"),
    );
    env.run(["sync", &config]).ok();

    // The source never answers the tag's HEAD: the target's HEAD for the same tag still goes
    // out, so the two are one round trip on a real link, not two.
    pair.src_proxy.set_faults(Faults {
        hold: Some(("HEAD".into(), "/v2/app0/manifests/1".into(), 1)),
        ..Faults::default()
    });
    pair.dst_proxy.clear_seen();
    // Killed when dropped, also when a poll below fails.
    let _sync = Proc::spawn(
        "ghcr-cli sync",
        env.command(["sync", &config])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    let asked = |seen: &[Seen]| {
        seen.iter()
            .any(|r| r.method == "HEAD" && r.path == "/v2/app0/manifests/1")
    };
    poll(
        "the source's HEAD to be held",
        Duration::from_secs(20),
        || asked(&pair.src_proxy.seen()).then_some(()),
    );
    poll(
        "the target's HEAD while the source's is held",
        Duration::from_secs(20),
        || asked(&pair.dst_proxy.seen()).then_some(()),
    );
}
