//! Remote operations: tags with pagination, inspect (text, JSON, raw, config, local), digest,
//! copy (re-tag, mount, across registries, all platforms) and delete, against real registries.

use crate::harness::image;
use crate::harness::proxy::{Faults, Proxy};
use crate::harness::registry::{Registry, put_manifest};
use crate::harness::{TestEnv, tool};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// An anonymous registry with one image pushed as `repo:1`.
fn registry_with(seed: u64, repo: &str) -> (Registry, TestEnv, image::TestImage, String) {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(seed, &[3000, 5000], "amd64");
    let layout = env.path().join("layout");
    let target = format!("{}/{repo}:1", reg.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &target]).ok();
    (reg, env, img, target)
}

#[test]
fn tags_follow_pagination_across_pages() {
    let (reg, env, img, _) = registry_with(100, "many/tags");
    let mut want = vec!["1".to_string()];
    for i in 0..105 {
        let tag = format!("t{i:03}");
        put_manifest(
            &reg.addr,
            "many/tags",
            &tag,
            "application/vnd.oci.image.manifest.v1+json",
            &img.manifest.data,
        );
        want.push(tag);
    }
    want.sort();
    // distribution 2.8 ignores `n`; the proxy pages the list the way ghcr.io does.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            paginate_tags: true,
            ..Faults::default()
        },
    );
    let repo = format!("{}/many/tags", proxy.addr);
    let out = json(
        &env.run(["tags", &repo, "--page-size", "40", "--format", "json"])
            .ok(),
    );
    assert_eq!(out["repository"], repo.as_str());
    let got: Vec<String> = out["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t.as_str().expect("str").to_string())
        .collect();
    assert_eq!(got, want);
    let pages: Vec<String> = proxy
        .seen()
        .iter()
        .filter(|s| s.path.contains("/tags/list"))
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(
        pages,
        [
            "/v2/many/tags/tags/list?n=40",
            "/v2/many/tags/tags/list?n=40&last=t038",
            "/v2/many/tags/tags/list?n=40&last=t078"
        ],
        "106 tags in pages of 40, following Link"
    );
    // --limit (-n) prints that many, and asks for no more pages than it needs.
    proxy.clear_seen();
    assert_eq!(
        env.run(["tags", &repo, "-n", "5"]).ok(),
        want[..5].join("\n")
    );
    let limited = proxy
        .seen()
        .iter()
        .filter(|s| s.path.contains("/tags/list"))
        .count();
    assert_eq!(limited, 1, "one page of 5");
    // --last starts after a tag; text output is one tag per line.
    let after = env.run(["tags", &repo, "--last", "t100"]).ok();
    assert_eq!(after, "t101\nt102\nt103\nt104");
}

#[test]
fn inspect_text_json_raw_config_and_local() {
    let (reg, env, img, target) = registry_with(101, "insp/app");
    let raw = env
        .command(["inspect", "--raw", &target])
        .output()
        .expect("raw");
    assert_eq!(raw.stdout, img.manifest.data, "exact bytes, nothing added");
    let config = env
        .command(["inspect", "--config", &target])
        .output()
        .expect("config");
    assert_eq!(config.stdout, img.config.data);

    let j = json(&env.run(["inspect", &target, "--format", "json"]).ok());
    assert_eq!(j["name"], target.as_str());
    assert_eq!(j["digest"], img.digest());
    assert_eq!(j["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(j["kind"], "image");
    let total = img.manifest.data.len() + img.blobs().map(|b| b.data.len()).sum::<usize>();
    assert_eq!(j["size"], total);
    assert_eq!(j["layers"].as_array().map(|l| l.len()), Some(2));
    assert_eq!(j["layers"][1]["digest"], img.layers[1].digest.as_str());
    assert_eq!(j["layers"][1]["size"], img.layers[1].data.len());
    assert_eq!(j["config"]["digest"], img.config.digest.as_str());
    assert_eq!(j["config"]["platform"], "linux/amd64");
    assert_eq!(j["config"]["created"], "2026-01-01T00:00:00Z");
    assert_eq!(j["config"]["entrypoint"], serde_json::json!(["/bin/app"]));
    assert_eq!(
        j["config"]["env"],
        serde_json::json!(["PATH=/usr/bin", "SEED=101"])
    );
    assert_eq!(
        j["config"]["labels"]["org.opencontainers.image.source"],
        "https://example.invalid/test"
    );

    let text = env.run(["inspect", &target]).ok();
    for want in [
        format!("Digest:     {}", img.digest()),
        "Kind:       image".to_string(),
        "Entrypoint: [\"/bin/app\"]".to_string(),
        "  SEED=101".to_string(),
        "Layers (2, ".to_string(),
    ] {
        assert!(text.contains(&want), "missing {want:?} in:\n{text}");
    }
    // --local reads the store: same answer without the registry.
    let local = json(
        &env.run(["inspect", "--local", &target, "--format", "json"])
            .ok(),
    );
    assert_eq!(local["digest"], img.digest());
    assert_eq!(local["layers"], j["layers"]);
    assert_eq!(env.run(["digest", &target]).ok(), img.digest(),);
    drop(reg);
}

#[test]
fn inspect_local_index_lists_platforms_and_what_the_store_holds() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let amd = image::image(102, &[100], "amd64");
    let arm = image::image(103, &[200], "arm64");
    let index = image::index(&[(&amd, "amd64"), (&arm, "arm64")]);
    let repo = "insp/multi";
    for img in [&amd, &arm] {
        let layout = env.path().join(format!("l{}", &img.digest()[7..15]));
        let name = format!("{}/{repo}:{}", reg.addr, &img.digest()[7..15]);
        image::write_layout(&layout, &[(name.as_str(), img)]);
        env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
        env.run(["push", &name]).ok();
    }
    put_manifest(
        &reg.addr,
        repo,
        "1",
        "application/vnd.oci.image.index.v1+json",
        &index.data,
    );
    let target = format!("{}/{repo}:1", reg.addr);
    let remote = json(&env.run(["inspect", &target, "--format", "json"]).ok());
    assert_eq!(remote["kind"], "index");
    assert_eq!(remote["platforms"][1]["platform"], "linux/arm64");
    assert_eq!(remote["platforms"][1]["digest"], arm.digest());

    let fresh = TestEnv::new();
    fresh.run(["pull", &target, "--all-platforms"]).ok();
    let local = json(
        &fresh
            .run(["inspect", "--local", &target, "--format", "json"])
            .ok(),
    );
    assert_eq!(local["platforms"][0]["local"], true);
    let text = fresh.run(["inspect", "--local", &target]).ok();
    assert!(
        text.contains("linux/arm64") && text.contains("(in the store)"),
        "{text}"
    );
    let child = json(
        &fresh
            .run([
                "inspect",
                "--local",
                &target,
                "--platform",
                "linux/arm64",
                "--format",
                "json",
            ])
            .ok(),
    );
    assert_eq!(child["digest"], arm.digest());
    assert_eq!(child["config"]["platform"], "linux/arm64");
}

#[test]
fn copy_within_a_repository_moves_no_blob_and_across_repositories_mounts() {
    let (reg, env, img, target) = registry_with(104, "cp/src");
    let uploads = |reg: &Registry| reg.count_requests("PUT", "/blobs/uploads/");
    let before = uploads(&reg);
    let heads = reg.count_requests("HEAD", "/blobs/");
    let retag = format!("{}/cp/src:2", reg.addr);
    let out = json(&env.run(["copy", &target, &retag, "--format", "json"]).ok());
    assert_eq!(out["digest"], img.digest());
    assert_eq!(out["blobsCopied"], 0);
    // A re-tag within one repository only moves the manifest: not even a blob HEAD.
    assert_eq!(out["blobsPresent"], 0);
    assert_eq!(reg.count_requests("HEAD", "/blobs/"), heads);
    assert_eq!(uploads(&reg), before, "a re-tag uploads nothing");

    let other = format!("{}/cp/dst:1", reg.addr);
    let mounts_before = reg.count_requests("POST", "mount=");
    let out = json(&env.run(["copy", &target, &other, "--format", "json"]).ok());
    assert_eq!(out["blobsMounted"], 3);
    assert_eq!(out["blobsCopied"], 0);
    assert_eq!(reg.count_requests("POST", "mount=") - mounts_before, 3);
    assert_eq!(uploads(&reg), before, "mounted, not uploaded");
    assert_eq!(env.run(["digest", &other]).ok(), img.digest());
}

#[test]
fn copy_across_registries_single_and_all_platforms() {
    let (src_reg, env, img, target) = registry_with(105, "x/app");
    let dst_reg = Registry::anonymous();
    let dst = format!("{}/y/app:1", dst_reg.addr);
    let out = json(&env.run(["copy", &target, &dst, "--format", "json"]).ok());
    assert_eq!(out["blobsCopied"], 3);
    assert_eq!(
        out["bytesCopied"],
        img.blobs().map(|b| b.data.len()).sum::<usize>()
    );
    let raw = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{dst}"),
        ],
    );
    assert_eq!(raw.as_bytes(), img.manifest.data.as_slice());

    // A two-platform index, all of it.
    let arm = image::image(106, &[300], "arm64");
    let layout = env.path().join("arm");
    let arm_name = format!("{}/x/app:arm", src_reg.addr);
    image::write_layout(&layout, &[(arm_name.as_str(), &arm)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &arm_name]).ok();
    let index = image::index(&[(&img, "amd64"), (&arm, "arm64")]);
    put_manifest(
        &src_reg.addr,
        "x/app",
        "multi",
        "application/vnd.oci.image.index.v1+json",
        &index.data,
    );
    let dst_multi = format!("{}/y/app:multi", dst_reg.addr);
    let out = json(
        &env.run([
            "copy",
            &format!("{}/x/app:multi", src_reg.addr),
            &dst_multi,
            "--all-platforms",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(out["digest"], index.digest.as_str());
    assert_eq!(out["blobsPresent"], 3, "the amd64 blobs were already there");
    let raw = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{dst_multi}"),
        ],
    );
    assert_eq!(raw.as_bytes(), index.data.as_slice());
    // One platform of it: that platform's manifest under the tag.
    let one = format!("{}/y/app:arm-only", dst_reg.addr);
    let out = json(
        &env.run([
            "copy",
            &format!("{}/x/app:multi", src_reg.addr),
            &one,
            "--platform",
            "linux/arm64",
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(out["digest"], arm.digest());
}

#[test]
fn delete_removes_the_manifest_or_explains_the_refusal() {
    let (reg, env, img, target) = registry_with(107, "del/app");
    assert_eq!(
        env.run(["delete", &target]).ok(),
        format!("{}/del/app:1@{}", reg.addr, img.digest())
    );
    env.run(["pull", &target]).fails(3, "was not found");

    let no = Registry::without_deletes();
    let t2 = format!("{}/del/app:1", no.addr);
    env.run(["tag", &target, &t2]).ok();
    env.run(["push", &t2]).ok();
    env.run(["delete", &t2]).fails(
        1,
        "does not allow deleting manifests through the registry API (405 UNSUPPORTED)",
    );
    env.run(["delete", &format!("{}/del/none:1", no.addr)])
        .fails(3, "was not found");
}

/// `repos` lists the catalog across pages, as `crane catalog` does; `-n` stops early
/// (issue #14).
#[test]
fn repos_lists_the_catalog_across_pages() {
    use crate::harness::registry::{put_blob, put_manifest};
    let reg = Registry::anonymous();
    let img = image::image(5300, &[100], "amd64");
    let mut want = Vec::new();
    for name in ["one", "two", "three", "four", "five"] {
        let repo = format!("cat/{name}");
        for b in img.blobs() {
            put_blob(&reg.addr, &repo, &b.data);
        }
        put_manifest(
            &reg.addr,
            &repo,
            "1",
            &img.manifest.media_type,
            &img.manifest.data,
        );
        want.push(format!("{}/{repo}", reg.addr));
    }
    want.sort();
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let env = TestEnv::new();
    let catalog = |seen: &[crate::harness::proxy::Seen]| {
        seen.iter().filter(|s| s.path.contains("/_catalog")).count()
    };
    let out = env.run(["repos", &reg.addr, "--page-size", "2", "--format", "json"]);
    let json = json(&out.ok());
    assert_eq!(json["registry"], reg.addr.as_str());
    assert_eq!(json["repositories"], serde_json::json!(want));
    // Through the proxy: three pages of two, following Link.
    let via = env.run(["repos", &proxy.addr, "--page-size", "2"]).ok();
    let via_want: Vec<String> = want
        .iter()
        .map(|w| w.replacen(&reg.addr, &proxy.addr, 1))
        .collect();
    assert_eq!(via, via_want.join("\n"));
    assert_eq!(catalog(&proxy.seen()), 3);
    proxy.clear_seen();
    assert_eq!(
        env.run(["repos", &proxy.addr, "-n", "3"]).ok(),
        via_want[..3].join("\n")
    );
    assert_eq!(catalog(&proxy.seen()), 1, "one page of three");
}
