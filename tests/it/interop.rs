//! Interoperability with skopeo and umoci: images pushed by skopeo pull with ghcr-cli, images
//! pushed by ghcr-cli inspect and copy with skopeo, and the store itself is an OCI layout both
//! tools read.

use crate::harness::image;
use crate::harness::registry::Registry;
use crate::harness::{TestEnv, tool};

#[test]
fn skopeo_push_ghcr_pull_ghcr_push_skopeo_inspect() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(30, &[10_000, 20_000], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("v1", &img)]);

    let sk_ref = format!("{}/skopeo/img:1", reg.addr);
    tool(
        "skopeo",
        &[
            "copy",
            "--dest-tls-verify=false",
            &format!("oci:{}:v1", layout.display()),
            &format!("docker://{sk_ref}"),
        ],
    );
    // skopeo keeps our manifest bytes (no compression change): same digest.
    assert_eq!(
        env.run(["pull", &sk_ref]).ok(),
        format!("{sk_ref}@{}", img.digest())
    );

    let gh_ref = format!("{}/ghcr/img:2", reg.addr);
    env.run(["tag", &sk_ref, &gh_ref]).ok();
    env.run(["push", &gh_ref]).ok();
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            "--tls-verify=false",
            &format!("docker://{gh_ref}"),
        ],
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(inspect["Digest"], img.digest());
    assert_eq!(inspect["Layers"][1], img.layers[1].digest.as_str());

    // skopeo copies what ghcr-cli pushed, back into an OCI layout.
    let out = env.path().join("copied");
    tool(
        "skopeo",
        &[
            "copy",
            "--src-tls-verify=false",
            &format!("docker://{gh_ref}"),
            &format!("oci:{}:x", out.display()),
        ],
    );
    let manifest = out.join("blobs/sha256").join(&img.digest()[7..]);
    assert_eq!(
        std::fs::read(manifest).expect("copied manifest"),
        img.manifest.data
    );
}

#[test]
fn store_is_an_oci_layout_that_skopeo_and_umoci_read() {
    let env = TestEnv::new();
    let img = image::image(31, &[3000], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("ghcr.io/owner/img:1.1.0", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();

    let store = env.store();
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            &format!("oci:{}:ghcr.io/owner/img:1.1.0", store.display()),
        ],
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(inspect["Digest"], img.digest());

    let bundle = env.path().join("bundle");
    tool(
        "umoci",
        &[
            "unpack",
            "--image",
            &format!("{}:ghcr.io/owner/img:1.1.0", store.display()),
            bundle.to_str().expect("utf8"),
        ],
    );
    let file = bundle.join("rootfs/file-31-0.bin");
    assert_eq!(
        std::fs::read(file).expect("unpacked file"),
        image::random_bytes(31_000, 3000)
    );
}

#[test]
fn multi_platform_index_pushed_by_skopeo_pulls_per_platform_and_all() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let amd = image::image(50, &[4000], "amd64");
    let arm = image::image(51, &[5000], "arm64");
    let index = image::index(&[(&amd, "amd64"), (&arm, "arm64")]);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("ignored", &amd), ("ignored2", &arm)]);
    // Name the index itself in the layout.
    std::fs::write(
        layout.join("blobs/sha256").join(&index.digest[7..]),
        &index.data,
    )
    .expect("write index");
    let mut d = index.descriptor();
    d["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "multi"});
    std::fs::write(
        layout.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [d]}))
            .expect("json"),
    )
    .expect("write");
    let target = format!("{}/multi/app:1", reg.addr);
    tool(
        "skopeo",
        &[
            "copy",
            "--all",
            "--dest-tls-verify=false",
            &format!("oci:{}:multi", layout.display()),
            &format!("docker://{target}"),
        ],
    );

    // One platform: the index is stored under the tag, with that platform's image present.
    let arm_env = TestEnv::new();
    let out = arm_env.run([
        "pull",
        &target,
        "--platform",
        "linux/arm64/v8",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    assert_eq!(json["digest"], index.digest);
    assert_eq!(json["platformDigest"], arm.digest());
    assert_eq!(json["platform"], "linux/arm64");
    arm_env
        .run(["pull", &target, "--platform", "linux/s390x"])
        .fails(
            3,
            "has no image for platform linux/s390x; it has: linux/amd64, linux/arm64",
        );

    // All platforms: the index under the tag, every child and blob, and a re-push that gives
    // the registry byte-identical manifests.
    let all = TestEnv::new();
    assert_eq!(
        all.run(["pull", &target, "--all-platforms"]).ok(),
        format!("{target}@{}", index.digest)
    );
    let images: serde_json::Value =
        serde_json::from_str(&all.run(["images", "--format", "json"]).ok()).expect("json");
    assert_eq!(
        images[0]["platforms"],
        serde_json::json!(["linux/amd64", "linux/arm64"])
    );
    let copy = format!("{}/multi/copy:2", reg.addr);
    all.run(["tag", &target, &copy]).ok();
    assert_eq!(
        all.run(["push", &copy]).ok(),
        format!("{copy}@{}", index.digest)
    );
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{copy}"),
        ],
    );
    assert_eq!(inspect.as_bytes(), index.data.as_slice());
    let child = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{}/multi/copy@{}", reg.addr, arm.digest()),
        ],
    );
    assert_eq!(child.as_bytes(), arm.manifest.data.as_slice());
}
