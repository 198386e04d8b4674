//! `mutate` (issue #16): an edit changes only the config and the manifests it names. Locally,
//! the layers stay the same blobs and the config is the old one with the edit; in a
//! multi-platform index the children not edited keep their exact descriptors; with
//! `--remote`, the registry gets one config blob and one manifest and no layer moves.

use crate::harness::TestEnv;
use crate::harness::image::{self, TestImage};
use crate::harness::registry::{self, Registry};

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

/// A blob of the local store, checked against its digest.
pub fn store_blob(env: &TestEnv, digest: &str) -> Vec<u8> {
    let data = std::fs::read(env.store().join("blobs/sha256").join(&digest[7..]))
        .unwrap_or_else(|e| panic!("blob {digest}: {e}"));
    assert_eq!(image::sha256(&data), digest, "the store's blob {digest}");
    data
}

/// Loads `img` into the store of `env` as `name`.
pub fn load(env: &TestEnv, name: &str, img: &TestImage) {
    let layout = env.path().join(format!("layout-{}", &img.digest()[7..19]));
    image::write_layout(&layout, &[(name, img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
}

/// The digest after `NAME@` in a command's output.
pub fn digest_of(out: &str, name: &str) -> String {
    out.strip_prefix(&format!("{name}@"))
        .unwrap_or_else(|| panic!("`{out}` is not {name}@DIGEST"))
        .to_string()
}

/// The digest the store's index.json gives `name`.
fn stored(env: &TestEnv, name: &str) -> Option<String> {
    let index = json(&std::fs::read(env.store().join("index.json")).expect("index.json"));
    index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .find(|d| d["annotations"]["org.opencontainers.image.ref.name"] == name)
        .map(|d| d["digest"].as_str().expect("digest").to_string())
}

#[test]
fn mutate_label_changes_only_the_config_and_manifest_and_moves_the_name() {
    let env = TestEnv::new();
    let img = image::image(70, &[2000, 1000], "amd64");
    let name = "ghcr.io/o/app:1";
    load(&env, name, &img);

    let out = env.run([
        "mutate",
        name,
        "--label",
        "team=edits",
        "--env",
        "MODE=prod",
    ]);
    let digest = digest_of(&out.ok(), name);
    assert!(out.stderr.contains("moved `ghcr.io/o/app:1`"), "{out:#?}");
    assert_eq!(stored(&env, name).as_deref(), Some(digest.as_str()));

    let before = json(&img.manifest.data);
    let after = json(&store_blob(&env, &digest));
    assert_eq!(after["layers"], before["layers"], "the same layer blobs");
    assert_eq!(after["mediaType"], before["mediaType"]);
    assert_eq!(after["schemaVersion"], before["schemaVersion"]);
    let new_config = after["config"]["digest"].as_str().expect("config digest");
    assert_ne!(new_config, img.config.digest);
    let config = store_blob(&env, new_config);
    assert_eq!(after["config"]["size"], config.len());
    let mut want = json(&img.config.data);
    want["config"]["Labels"]["team"] = "edits".into();
    want["config"]["Env"] = serde_json::json!(["PATH=/usr/bin", "SEED=70", "MODE=prod"]);
    assert_eq!(
        json(&config),
        want,
        "the old config with the edit, nothing else"
    );

    // -t names the result and leaves the original where it was.
    let out = env.run(["mutate", name, "-t", "ghcr.io/o/app:2", "--user", "1000"]);
    let second = digest_of(&out.ok(), "ghcr.io/o/app:2");
    assert_eq!(stored(&env, name).as_deref(), Some(digest.as_str()));
    assert_eq!(
        stored(&env, "ghcr.io/o/app:2").as_deref(),
        Some(second.as_str())
    );

    let out = env.run([
        "mutate",
        name,
        "-t",
        "ghcr.io/o/app:3",
        "--remove-label",
        "team",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    assert_eq!(report["name"], "ghcr.io/o/app:3");
    assert_eq!(report["previous"], digest.as_str());
    assert_eq!(
        stored(&env, "ghcr.io/o/app:3").as_deref(),
        report["digest"].as_str()
    );
    let config = json(&store_blob(
        &env,
        json(&store_blob(&env, report["digest"].as_str().expect("d")))["config"]["digest"]
            .as_str()
            .expect("c"),
    ));
    assert_eq!(
        config["config"]["Labels"],
        json(&img.config.data)["config"]["Labels"]
    );

    env.run(["mutate", name]).fails(2, "nothing to change");
    env.run(["mutate", name, "--index-annotation", "a=b"])
        .fails(2, "no index to annotate");
    // An artifact has no image config to edit.
    load(&env, "ghcr.io/o/sbom:1", &image::artifact(&img));
    env.run(["mutate", "ghcr.io/o/sbom:1", "--label", "a=b"])
        .fails(
            2,
            "is not an image (its config is `application/vnd.oci.empty.v1+json`)",
        );
    env.run(["mutate", name, "--label", "novalue"])
        .fails(2, "--label takes KEY=VALUE");
}

#[test]
fn mutate_one_platform_of_an_index_keeps_the_other_entries_byte_for_byte() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let multi = image::multi_oci(80);
    registry::seed(&reg.addr, "o/multi", "1", &multi);
    let name = format!("{}/o/multi:1", reg.addr);
    env.run(["pull", &name, "--all-platforms"]).ok();

    let out = env.run([
        "mutate",
        &name,
        "--platform",
        "linux/amd64",
        "--label",
        "k=v",
        "--index-annotation",
        "org.opencontainers.image.description=edited",
    ]);
    let digest = digest_of(&out.ok(), &name);
    let before = json(&multi.index.data);
    let after = json(&store_blob(&env, &digest));
    assert_eq!(after["mediaType"], before["mediaType"]);
    assert_eq!(
        after["annotations"],
        serde_json::json!({"org.opencontainers.image.description": "edited"})
    );
    let (b, a) = (&before["manifests"], &after["manifests"]);
    assert_eq!(a.as_array().map(Vec::len), Some(3));
    assert_eq!(a[1], b[1], "arm64 untouched");
    assert_eq!(a[2], b[2], "the attestation untouched");
    assert_eq!(a[0]["platform"], b[0]["platform"]);
    assert_eq!(a[0]["mediaType"], b[0]["mediaType"]);
    let amd = multi.child("linux/amd64");
    assert_ne!(a[0]["digest"], amd.digest());
    let child = store_blob(&env, a[0]["digest"].as_str().expect("digest"));
    assert_eq!(a[0]["size"], child.len());
    let child = json(&child);
    assert_eq!(child["layers"], json(&amd.manifest.data)["layers"]);
    let config = json(&store_blob(
        &env,
        child["config"]["digest"].as_str().expect("c"),
    ));
    let mut want = json(&amd.config.data);
    want["config"]["Labels"]["k"] = "v".into();
    assert_eq!(config, want);

    // Without --platform every image is edited, and the attestation is still left alone.
    let out = env.run([
        "mutate",
        &name,
        "--env",
        "ALL=1",
        "-t",
        "127.0.0.1:1/o/all:1",
    ]);
    let all = json(&store_blob(
        &env,
        &digest_of(&out.ok(), "127.0.0.1:1/o/all:1"),
    ));
    let m = &all["manifests"];
    assert_ne!(m[0]["digest"], a[0]["digest"]);
    assert_ne!(m[1]["digest"], b[1]["digest"]);
    assert_eq!(m[2], b[2]);

    // A sparse index (only this machine's platform pulled): the others stay as they were.
    let sparse = TestEnv::new();
    sparse
        .run(["pull", &name, "--platform", "linux/amd64"])
        .ok();
    let out = sparse.run(["mutate", &name, "--label", "k=v"]);
    let edited = json(&store_blob(&sparse, &digest_of(&out.ok(), &name)));
    assert!(
        out.stderr
            .contains("not edited, as the local store lacks them: linux/arm64"),
        "{out:#?}"
    );
    assert_eq!(
        edited["manifests"][0], a[0],
        "the same edit, the same child"
    );
    assert_eq!(edited["manifests"][1], b[1]);
    sparse
        .run([
            "mutate",
            &name,
            "--platform",
            "linux/arm64",
            "--label",
            "k=v",
        ])
        .fails(3, "is not in the local store");

    env.run([
        "mutate",
        &name,
        "--platform",
        "linux/s390x",
        "--label",
        "a=b",
    ])
    .fails(3, "has no linux/s390x image");
    env.run([
        "mutate",
        &name,
        "--set-platform",
        "linux/arm64",
        "--label",
        "a=b",
    ])
    .fails(2, "the same platform");
}

#[test]
fn mutate_remote_uploads_one_config_and_one_manifest_and_moves_no_layer() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(75, &[3000, 2000], "amd64");
    registry::seed_image(&reg.addr, "o/app", "1", &img);
    let name = format!("{}/o/app:1", reg.addr);
    let uploads = reg.count_requests("POST", "/blobs/uploads/");
    let manifest_puts = reg.count_requests("PUT", "/manifests/");

    let out = env.run([
        "mutate",
        "--remote",
        &name,
        "-t",
        "2",
        "--annotation",
        "org.opencontainers.image.revision=abc",
        "--entrypoint",
        r#"["/bin/app","--serve"]"#,
    ]);
    let target = format!("{}/o/app:2", reg.addr);
    let digest = digest_of(&out.ok(), &target);
    assert_eq!(reg.count_requests("POST", "/blobs/uploads/") - uploads, 1);
    assert_eq!(reg.count_requests("PUT", "/manifests/") - manifest_puts, 1);
    assert_eq!(reg.count_requests("PUT", "/manifests/2"), 1);
    for layer in &img.layers {
        assert_eq!(
            reg.count_requests("GET", &layer.digest),
            0,
            "layer not read"
        );
    }

    let raw = env.run(["inspect", "--raw", &target]);
    let manifest = raw.ok();
    assert_eq!(image::sha256(manifest.as_bytes()), digest);
    let manifest = json(manifest.as_bytes());
    assert_eq!(manifest["layers"], json(&img.manifest.data)["layers"]);
    assert_eq!(
        manifest["annotations"],
        serde_json::json!({"org.opencontainers.image.revision": "abc"})
    );
    let config = env.run(["inspect", "--config", &target]).ok();
    let mut want = json(&img.config.data);
    want["config"]["Entrypoint"] = serde_json::json!(["/bin/app", "--serve"]);
    assert_eq!(json(config.as_bytes()), want);
    // The source tag still names the original.
    let original = env.run(["inspect", "--raw", &name]).ok();
    assert_eq!(original.as_bytes(), img.manifest.data.as_slice());

    env.run([
        "mutate",
        "--remote",
        &name,
        "-t",
        "127.0.0.1:1/x/y:1",
        "--user",
        "1",
    ])
    .fails(2, "in another repository");
}
