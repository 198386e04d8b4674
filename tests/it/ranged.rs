//! `pull --ranges N`: a large blob fetched in N bounded ranges at once, through the fault
//! proxy in front of a real registry: the exact Range headers, the fallback to one stream
//! when Range is ignored, a flipped byte refused with nothing stored, a reset range resumed,
//! a `kill -9` mid-ranges that a rerun finishes, and the config file's `ranges`.

use std::time::Duration;

use crate::harness::image::{self, TestImage};
use crate::harness::proxy::{Faults, Proxy, Seen};
use crate::harness::registry::Registry;
use crate::harness::relay::Relay;
use crate::harness::{Proc, TestEnv, poll};

/// The threshold the tests pass: the large layer is above it, the small one below.
const THRESHOLD: u64 = 200_000;
const N: u64 = 4;

/// A registry holding an image with a large layer (above the threshold) and a small one,
/// as `repo:1`.
fn served(seed: u64, repo: &str) -> (Registry, TestImage, String) {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(seed, &[600_000, 20_000], "amd64");
    assert!(img.layers[0].data.len() as u64 >= THRESHOLD);
    assert!((img.layers[1].data.len() as u64) < THRESHOLD);
    let layout = env.path().join("layout");
    let name = format!("{}/{repo}:1", reg.addr);
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &name]).ok();
    (reg, img, format!("{repo}:1"))
}

/// The `Range` values a blob of `size` is asked for in `n` ranges: `ceil(size / n)` bytes
/// each, the last one shorter.
fn expected_ranges(size: u64, n: u64) -> Vec<String> {
    let part = size.div_ceil(n);
    (0..n)
        .map(|i| i * part)
        .filter(|first| *first < size)
        .map(|first| format!("bytes={first}-{}", (first + part).min(size) - 1))
        .collect()
}

/// The bounded ranges `seen` asked for are exactly those of a blob of `size` in `n` (in
/// whatever order they went out).
fn assert_ranges(seen: Vec<Seen>, size: u64, n: u64) {
    let mut asked: Vec<String> = seen.into_iter().filter_map(|s| s.range).collect();
    asked.sort();
    let mut want = expected_ranges(size, n);
    want.sort();
    assert_eq!(asked, want);
}

fn pull_args(target: &str) -> Vec<String> {
    [
        "pull",
        target,
        "--ranges",
        &N.to_string(),
        "--ranges-threshold",
        &THRESHOLD.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

/// The blob GETs for `digest` the proxy or its storage host saw.
fn gets_of(proxy: &Proxy, digest: &str) -> Vec<Seen> {
    proxy
        .seen()
        .into_iter()
        .filter(|s| s.method == "GET" && s.path.contains(digest))
        .collect()
}

fn stored(env: &TestEnv, digest: &str) -> Option<Vec<u8>> {
    std::fs::read(env.store().join("blobs/sha256").join(&digest[7..])).ok()
}

fn ingest_files(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.store().join("ingest"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_ranged_pull_asks_for_bounded_ranges_at_the_storage_host_and_lands_the_digest() {
    let (reg, img, name) = served(300, "r/ranged");
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            redirect_blobs: true,
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let out = env.run(pull_args(&target));
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    let large = &img.layers[0];
    assert_ranges(
        gets_of(&proxy, &large.digest)
            .into_iter()
            .filter(|s| s.storage)
            .collect(),
        large.data.len() as u64,
        N,
    );
    // Below the threshold: one plain GET.
    let small: Vec<_> = gets_of(&proxy, &img.layers[1].digest)
        .into_iter()
        .filter(|s| s.storage)
        .collect();
    assert_eq!(small.len(), 1, "{small:#?}");
    assert_eq!(small[0].range, None);
    assert_eq!(stored(&env, &large.digest).as_ref(), Some(&large.data));
    assert_eq!(ingest_files(&env), Vec::<String>::new());
}

#[test]
fn a_registry_or_storage_host_ignoring_range_gets_the_single_stream() {
    let (reg, img, name) = served(301, "r/ignored");
    // The registry itself, then the storage host it redirects blob GETs to.
    for redirect_blobs in [false, true] {
        let proxy = Proxy::start(
            &reg.addr,
            Faults {
                ignore_range: true,
                redirect_blobs,
                ..Faults::default()
            },
        );
        let env = TestEnv::new();
        let target = format!("{}/{name}", proxy.addr);
        let out = env.run(pull_args(&target));
        assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
        assert!(
            out.stderr
                .contains("(the whole blob); downloading it in one stream"),
            "{out:#?}"
        );
        let large = &img.layers[0];
        let gets: Vec<Seen> = gets_of(&proxy, &large.digest)
            .into_iter()
            .filter(|s| s.storage == redirect_blobs)
            .collect();
        let want = expected_ranges(large.data.len() as u64, N);
        assert!(
            gets[0].range.as_ref().is_some_and(|r| want.contains(r)),
            "{gets:#?}"
        );
        assert_eq!(
            gets.last().map(|s| s.range.clone()),
            Some(None),
            "then one GET of the whole blob: {gets:#?}"
        );
        assert_eq!(stored(&env, &large.digest).as_ref(), Some(&large.data));
        assert_eq!(ingest_files(&env), Vec::<String>::new());
    }
}

#[test]
fn a_flipped_byte_in_a_range_is_refused_and_nothing_is_stored() {
    let (reg, img, name) = served(302, "r/flipped");
    assert!((img.layers[1].data.len() as u64) < 100_000);
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            // Past the small layer's end, within every range of the large one.
            flip_at: Some(100_000),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let out = env.run(pull_args(&target));
    out.fails(1, "does not match its digest");
    assert!(
        out.stderr.contains(&format!(
            "blob {} from {}/r/flipped was refused",
            img.layers[0].digest, proxy.addr
        )),
        "{out:#?}"
    );
    assert_eq!(stored(&env, &img.layers[0].digest), None);
    assert_eq!(ingest_files(&env), Vec::<String>::new());
    assert_eq!(env.run(["images", "-q"]).ok(), "", "no tag");
    // It was the ranged path that refused it (the single stream would flip the same byte).
    let large = &img.layers[0];
    assert_ranges(gets_of(&proxy, &large.digest), large.data.len() as u64, N);
}

#[test]
fn a_range_cut_mid_body_resumes_from_its_last_byte() {
    let (reg, img, name) = served(303, "r/cut");
    let cut = 30_000;
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            reset_after: Some((cut, 1)),
            hard_reset: true,
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    let out = env.run(pull_args(&target));
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(out.stderr.contains("broke after"), "{out:#?}");
    let large = &img.layers[0];
    let want = expected_ranges(large.data.len() as u64, N);
    let gets: Vec<String> = gets_of(&proxy, &large.digest)
        .into_iter()
        .filter_map(|s| s.range)
        .collect();
    assert_eq!(gets.len(), want.len() + 1, "{gets:#?}");
    // The extra GET continues one range: from past its first byte, up to its last.
    let extra: Vec<&String> = gets.iter().filter(|r| !want.contains(r)).collect();
    assert_eq!(extra.len(), 1, "{gets:#?}");
    let span = |r: &str| -> (u64, u64) {
        let (a, b) = r
            .trim_start_matches("bytes=")
            .split_once('-')
            .expect("a bounded range");
        (a.parse().expect("first"), b.parse().expect("last"))
    };
    let (first, last) = span(extra[0]);
    let resumed = want
        .iter()
        .map(|r| span(r))
        .find(|(_, l)| *l == last)
        .expect("the extra GET ends where a range ends");
    assert!(
        first > resumed.0 && first <= resumed.0 + cut,
        "{extra:?} resumes {resumed:?}"
    );
    assert_eq!(stored(&env, &large.digest).as_ref(), Some(&large.data));
}

#[test]
fn a_ranged_pull_killed_mid_blob_finishes_on_a_rerun() {
    let (reg, img, name) = served(304, "r/killed");
    // A slow link: 16 KiB per 5 ms per connection, so the kill lands mid-ranges.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            throttle: Some(Duration::from_millis(5)),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let target = format!("{}/{name}", proxy.addr);
    // Killed when dropped (also when the poll below fails).
    let mut pull = Proc::spawn(
        "ghcr-cli pull",
        env.command(pull_args(&target))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null()),
    );
    // The download's own file: `sha256-HEX.XXXXXX.ranged`.
    let prefix = format!("sha256-{}.", &img.layers[0].digest[7..]);
    let ingest = env.store().join("ingest");
    poll("ranges to be written", Duration::from_secs(30), || {
        std::fs::read_dir(&ingest)
            .ok()?
            .flatten()
            .find(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&prefix) && name.ends_with(".ranged")
            })
            .filter(|e| e.metadata().is_ok_and(|m| m.len() > 100_000))
            .map(|_| ())
    });
    pull.child.kill().expect("kill -9");
    pull.child.wait().expect("reap");
    assert_eq!(stored(&env, &img.layers[0].digest), None);
    proxy.set_faults(Faults::default());
    let out = env.run(pull_args(&target));
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert_eq!(
        stored(&env, &img.layers[0].digest).as_ref(),
        Some(&img.layers[0].data)
    );
    // The rerun wrote a file of its own and left nothing; the killed run's file (and a small
    // blob's temporary file the kill cut short, as on the usual path) stays for `prune`.
    let left = ingest_files(&env);
    assert!(
        left.iter().filter(|f| f.ends_with(".ranged")).count() <= 1,
        "{left:?}"
    );
    env.run(["prune"]).ok();
    assert_eq!(ingest_files(&env), Vec::<String>::new());
}

#[test]
fn the_config_file_turns_ranges_on_for_a_registry() {
    let (reg, img, name) = served(305, "r/configured");
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let mut env = TestEnv::new();
    let config = env.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "[registries.\"{}\"]\nranges = 3\nranges_threshold = {THRESHOLD}\n",
            proxy.addr
        ),
    )
    .expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    let target = format!("{}/{name}", proxy.addr);
    assert_eq!(
        env.run(["pull", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    let large = &img.layers[0];
    assert_ranges(gets_of(&proxy, &large.digest), large.data.len() as u64, 3);
    assert_eq!(stored(&env, &large.digest).as_ref(), Some(&large.data));
}

/// The config's `ranges` is checked as the flag is (one range is no split); the flag's
/// threshold alone overrides the config's for one pull.
#[test]
fn the_config_files_ranges_are_checked_and_the_threshold_flag_overrides_them() {
    let (reg, img, name) = served(306, "r/override");
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let mut env = TestEnv::new();
    let config = env.path().join("c.toml");
    let host = format!("[registries.\"{}\"]\n", proxy.addr);
    std::fs::write(&config, format!("{host}ranges_threshold = 1\nranges = 1\n")).expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    let target = format!("{}/{name}", proxy.addr);
    env.run(["pull", &target]).fails(
        2,
        &format!(
            "line 3: key `ranges` of registry `{}`: must be from 2 to 16",
            proxy.addr
        ),
    );
    // `ranges = 3` with a threshold above the large layer: --ranges-threshold brings it
    // back under, without --ranges.
    let large = &img.layers[0];
    let above = large.data.len() + 1;
    std::fs::write(
        &config,
        format!("{host}ranges = 3\nranges_threshold = {above}\n"),
    )
    .expect("write");
    let out = env.run([
        "pull",
        &target,
        "--ranges-threshold",
        &THRESHOLD.to_string(),
    ]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert_ranges(gets_of(&proxy, &large.digest), large.data.len() as u64, 3);
}

/// Over TLS the registry speaks HTTP/2, where every request would be a stream of one
/// connection (and a storage host's per-connection cap would hold the ranges together): each
/// range goes on a connection of its own, over HTTP/1.1; the rest stays on HTTP/2.
#[test]
fn over_tls_each_range_has_a_connection_of_its_own() {
    let reg = Registry::htpasswd_tls();
    let relay = Relay::start(&reg.addr);
    let ca = reg.ca.clone().expect("ca");
    let login = |env: &mut TestEnv| {
        env.set("GHCR_CLI_USERNAME", "alice")
            .set("GHCR_CLI_PASSWORD", "alicepw")
            .set("GHCR_CLI_CA_FILE", ca.display().to_string());
    };
    let mut seeding = TestEnv::new();
    login(&mut seeding);
    let img = image::image(307, &[600_000, 20_000], "amd64");
    let name = format!("{}/alice/ranged:1", relay.addr);
    let layout = seeding.path().join("layout");
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    seeding
        .run(["load", "-i", layout.to_str().expect("utf8")])
        .ok();
    seeding.run(["push", &name]).ok();

    let mut env = TestEnv::new();
    login(&mut env);
    let before = relay.connections();
    let out = env.run(pull_args(&name));
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    let large = &img.layers[0];
    assert_eq!(stored(&env, &large.digest).as_ref(), Some(&large.data));
    // The registry's access log: the large layer's GETs, one per range, all HTTP/1.1; the
    // small layer's on HTTP/2.
    let log = reg.log();
    let gets = |digest: &str, proto: &str| {
        log.lines()
            .filter(|l| l.contains(&format!("blobs/{digest} {proto}\"")))
            .count()
    };
    assert_eq!(gets(&large.digest, "HTTP/1.1"), N as usize, "{log}");
    assert_eq!(gets(&large.digest, "HTTP/2.0"), 0, "{log}");
    assert_eq!(gets(&img.layers[1].digest, "HTTP/2.0"), 1, "{log}");
    // N connections for the ranges, besides the pull's own (HTTP/2, and the plain-HTTP
    // discovery attempt on loopback).
    assert!(
        relay.connections() - before > N as usize,
        "{} connections",
        relay.connections() - before
    );
}
