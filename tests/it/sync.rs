//! `sync CONFIG` between two real docker-registry processes, each behind the harness proxy
//! that records (and can fault) every request: exact tags and digests from a YAML config, a
//! warm run that only sends `HEAD`s, and `--check` before and after a tag moves. The runs
//! that break or split are in `sync_faults.rs`, with the helpers here.

use std::collections::BTreeSet;

use crate::harness::TestEnv;
use crate::harness::image::{image, multi_oci};
use crate::harness::proxy::{Faults, Proxy, Seen};
use crate::harness::registry::{Registry, has_manifest, seed, seed_image};

/// A source and a target registry, each with a recording proxy in front.
pub(crate) struct Pair {
    pub src: Registry,
    pub dst: Registry,
    pub src_proxy: Proxy,
    pub dst_proxy: Proxy,
}

impl Pair {
    pub fn new() -> Self {
        let (src, dst) = (Registry::anonymous(), Registry::anonymous());
        let src_proxy = Proxy::start(&src.addr, Faults::default());
        let dst_proxy = Proxy::start(&dst.addr, Faults::default());
        Pair {
            src,
            dst,
            src_proxy,
            dst_proxy,
        }
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The digest `reference` has in `repo`, asked of the registry directly.
pub(crate) fn digest_at(addr: &str, repo: &str, reference: &str) -> Option<String> {
    rt().block_on(async {
        let accept =
            "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json";
        let resp = reqwest::Client::new()
            .head(format!("http://{addr}/v2/{repo}/manifests/{reference}"))
            .header("Accept", accept)
            .send()
            .await
            .expect("HEAD manifest");
        resp.status().is_success().then(|| {
            resp.headers()
                .get("docker-content-digest")
                .and_then(|v| v.to_str().ok())
                .expect("digest header")
                .to_string()
        })
    })
}

/// Whether `repo` has the blob, asked of the registry directly.
pub(crate) fn has_blob(addr: &str, repo: &str, digest: &str) -> bool {
    rt().block_on(async {
        reqwest::Client::new()
            .head(format!("http://{addr}/v2/{repo}/blobs/{digest}"))
            .send()
            .await
            .expect("HEAD blob")
            .status()
            .is_success()
    })
}

/// The tags of `repo`, asked of the registry directly, sorted.
pub(crate) fn tags_at(addr: &str, repo: &str) -> Vec<String> {
    rt().block_on(async {
        let resp = reqwest::get(format!("http://{addr}/v2/{repo}/tags/list"))
            .await
            .expect("tags");
        if !resp.status().is_success() {
            return Vec::new();
        }
        let body = resp.bytes().await.expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let mut tags: Vec<String> = v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    })
}

pub(crate) fn write_config(env: &TestEnv, text: &str) -> String {
    let p = env.path().join("mirror.yaml");
    std::fs::write(&p, text).expect("write config");
    p.display().to_string()
}

/// The JSON report: one object per line.
pub(crate) fn report(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

pub(crate) fn by_status(lines: &[serde_json::Value], status: &str) -> BTreeSet<String> {
    lines
        .iter()
        .filter(|l| l["status"] == status)
        .map(|l| l["target"].as_str().expect("target").to_string())
        .collect()
}

/// What the three-repository mirror holds on the source.
struct Seeded {
    multi: String,
    /// `(tag, digest)` of the 30 tags of `many`.
    many: Vec<(String, String)>,
    signed: String,
    sbom: String,
}

/// `multi:1.0` (an index with two platforms and an attestation), `many` with 30 version
/// tags, `signed:v1` with an SBOM attached (the tag schema, on distribution 2.8).
fn seed_three(env: &TestEnv, pair: &Pair) -> Seeded {
    let addr = &pair.src.addr;
    let multi = multi_oci(500);
    seed(addr, "multi", "1.0", &multi);
    let mut many = Vec::new();
    for major in 1..=3 {
        for minor in 0..10 {
            let tag = format!("{major}.{minor}.0");
            let img = image(600 + major * 10 + minor, &[700], "amd64");
            seed_image(addr, "many", &tag, &img);
            many.push((tag, img.digest().to_string()));
        }
    }
    let signed = image(700, &[2000], "amd64");
    seed_image(addr, "signed", "v1", &signed);
    let sbom_file = env.path().join("sbom.json");
    std::fs::write(&sbom_file, r#"{"spdxVersion":"SPDX-2.3"}"#).expect("write");
    let sbom = env
        .run([
            "attach",
            &format!("{addr}/signed:v1"),
            &format!("{}:application/spdx+json", sbom_file.display()),
            "--artifact-type",
            "application/spdx+json",
        ])
        .ok();
    Seeded {
        multi: multi.index.digest.clone(),
        many,
        signed: signed.digest().to_string(),
        sbom,
    }
}

fn three_config(env: &TestEnv, pair: &Pair) -> String {
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    write_config(
        env,
        &format!(
            r#"# three repositories: a multi-platform image, 30 tags cut by semver, referrers
registries:
  "{s}": {{max_concurrent: 8, requests_per_second: 500}}
sync:
  - source: {s}/multi
    target: {d}/mirror/multi
  - source: {s}/many
    target: {d}/mirror/many
    tags:
      semver: ">=2.5.0, <3"
  - source: {s}/signed
    target: {d}/mirror/signed
    referrers: true
"#
        ),
    )
}

/// The 5 tags (and digests) of `many` that `>=2.5.0, <3` keeps.
fn kept(seeded: &Seeded) -> Vec<(String, String)> {
    seeded
        .many
        .iter()
        .filter(|(t, _)| t.starts_with("2.") && t.as_str() >= "2.5.0")
        .cloned()
        .collect()
}

fn not_head(seen: &[Seen]) -> Vec<String> {
    seen.iter()
        .filter(|s| s.method != "HEAD")
        .map(|s| format!("{} {}", s.method, s.path))
        .collect()
}

#[test]
fn sync_copies_the_selected_tags_exactly_and_a_warm_run_only_sends_heads() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let seeded = seed_three(&env, &pair);
    let config = three_config(&env, &pair);
    let out = env.run(["sync", &config, "--format", "json"]);
    let lines = report(&out.ok());
    let dst = &pair.dst.addr;
    let d = &pair.dst_proxy.addr;
    let kept = kept(&seeded);
    assert_eq!(kept.len(), 5);
    let mut expected: BTreeSet<String> = kept
        .iter()
        .map(|(t, _)| format!("{d}/mirror/many:{t}"))
        .collect();
    expected.insert(format!("{d}/mirror/multi:1.0"));
    expected.insert(format!("{d}/mirror/signed:v1"));
    assert_eq!(by_status(&lines, "copied"), expected, "{}", out.stdout);
    assert_eq!(lines.len(), 7);

    assert_eq!(
        digest_at(dst, "mirror/multi", "1.0"),
        Some(seeded.multi.clone())
    );
    assert_eq!(
        digest_at(dst, "mirror/signed", "v1"),
        Some(seeded.signed.clone())
    );
    let want_tags: Vec<String> = kept.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(tags_at(dst, "mirror/many"), want_tags);
    for (tag, digest) in &kept {
        assert_eq!(
            digest_at(dst, "mirror/many", tag).as_deref(),
            Some(digest.as_str())
        );
    }
    // The multi-platform index came whole: every child manifest is there by digest.
    let multi = multi_oci(500);
    for child in &multi.children {
        assert!(has_manifest(
            dst,
            "mirror/multi",
            &child.image.manifest.digest
        ));
    }
    // The SBOM came along, listed in the target's tag-schema index of the image.
    assert!(has_manifest(dst, "mirror/signed", &seeded.sbom));
    let schema_tag = seeded.signed.replace(':', "-");
    assert_eq!(
        digest_at(dst, "mirror/signed", &schema_tag),
        digest_at(&pair.src.addr, "signed", &schema_tag)
    );
    let listed = env
        .run(["referrers", &format!("{d}/mirror/signed:v1")])
        .ok();
    assert!(listed.contains(&seeded.sbom), "{listed}");

    // Warm: nothing changed, so each image costs a HEAD on each side (the referrer index's
    // tag too); the source's tag lists are read once per repository, and its referrers API
    // is asked about once in the run.
    pair.src_proxy.clear_seen();
    pair.dst_proxy.clear_seen();
    let out = env.run(["sync", &config, "--format", "json"]);
    let lines = report(&out.ok());
    assert_eq!(by_status(&lines, "in-sync"), expected, "{}", out.stdout);
    let (src_seen, dst_seen) = (pair.src_proxy.seen(), pair.dst_proxy.seen());
    let mut others = not_head(&src_seen);
    others.retain(|r| r != "GET /v2/");
    others.sort();
    assert_eq!(others.len(), 4, "{others:#?}");
    for repo in ["many", "multi", "signed"] {
        assert!(
            others.contains(&format!("GET /v2/{repo}/tags/list")),
            "{others:#?}"
        );
    }
    assert!(
        others
            .iter()
            .any(|r| r.starts_with("GET /v2/signed/referrers/")),
        "{others:#?}"
    );
    let dst_others: Vec<String> = not_head(&dst_seen)
        .into_iter()
        .filter(|r| r != "GET /v2/")
        .collect();
    assert!(dst_others.is_empty(), "{dst_others:#?}");
    let heads = |seen: &[Seen]| {
        seen.iter()
            .filter(|s| s.method == "HEAD" && s.path.contains("/manifests/"))
            .count()
    };
    assert_eq!(heads(&src_seen), 8);
    assert_eq!(heads(&dst_seen), 8);

    // With --trust-state the target is not asked at all.
    pair.dst_proxy.clear_seen();
    let out = env.run(["sync", &config, "--trust-state"]);
    out.ok();
    let asked: Vec<String> = pair
        .dst_proxy
        .seen()
        .iter()
        .filter(|s| s.path.contains("/manifests/"))
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    // Only the referrer index of the signed image, which the state does not cover.
    assert_eq!(asked.len(), 1, "{asked:#?}");
}

#[test]
fn check_reports_a_moved_tag_with_exit_1_and_exit_0_once_in_sync() {
    let env = TestEnv::new();
    let pair = Pair::new();
    let seeded = seed_three(&env, &pair);
    let config = three_config(&env, &pair);
    env.run(["sync", &config]).ok();
    let out = env.run(["sync", &config, "--check"]);
    let text = out.ok();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("in-sync")).count(),
        7,
        "{text}"
    );

    // 2.7.0 moves to a new image on the source.
    let old = kept(&seeded)[2].1.clone();
    let moved = image(9999, &[500], "amd64");
    seed_image(&pair.src.addr, "many", "2.7.0", &moved);
    pair.dst_proxy.clear_seen();
    let out = env.run(["sync", &config, "--check", "--format", "json"]);
    out.fails(1, "1 image is out of sync");
    let lines = report(&out.stdout);
    let d = &pair.dst_proxy.addr;
    let target = format!("{d}/mirror/many:2.7.0");
    assert_eq!(
        by_status(&lines, "differs"),
        BTreeSet::from([target.clone()])
    );
    let line = lines.iter().find(|l| l["target"] == target).expect("line");
    assert_eq!(line["digest"], moved.digest());
    assert_eq!(line["previous"], old.as_str());
    assert_eq!(by_status(&lines, "in-sync").len(), 6);
    // --check changed nothing on the target.
    assert!(
        pair.dst_proxy
            .seen()
            .iter()
            .all(|s| s.method == "HEAD" || s.method == "GET")
    );
    assert_eq!(digest_at(&pair.dst.addr, "mirror/many", "2.7.0"), Some(old));

    env.run(["sync", &config]).ok();
    assert_eq!(
        digest_at(&pair.dst.addr, "mirror/many", "2.7.0").as_deref(),
        Some(moved.digest())
    );
    env.run(["sync", &config, "--check"]).ok();
}
