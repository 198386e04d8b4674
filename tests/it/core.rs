//! Core behaviour against an anonymous registry: load, tag, push, pull, images, rmi, prune,
//! references, the missing-image hint, and refusing a tampered blob.

use crate::harness::TestEnv;
use crate::harness::image::{self, sha256};
use crate::harness::registry::Registry;

#[test]
fn bad_references_exit_2_with_the_bad_part_named() {
    let env = TestEnv::new();
    env.run(["pull", "127.0.0.1:1/o/Img:1"])
        .fails(2, "invalid repository name `o/Img`");
    env.run(["pull", "127.0.0.1:1/o/img:1.1.0!"])
        .fails(2, "invalid tag `1.1.0!`");
    env.run(["tag", "x", "127.0.0.1:1/a@sha256:123"])
        .fails(2, "invalid digest `sha256:123`");
    let out = env.run(["push", "pgsb:1.1.0"]);
    out.fails(2, "`pgsb:1.1.0` names no owner");
    assert!(out.stderr.contains("ghcr.io/OWNER/pgsb:1.1.0"), "{out:#?}");
    assert_eq!(out.stdout, "");
}

#[test]
fn load_tag_push_pull_round_trip_is_byte_identical() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(1, &[3000, 70_000, 10], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("example.com/src/app:1.0", &img)]);

    let loaded = env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    assert_eq!(loaded, "example.com/src/app:1.0");

    let target = format!("{}/demo/app:1.0", reg.addr);
    assert_eq!(
        env.run(["tag", "example.com/src/app:1.0", &target]).ok(),
        target
    );

    let pushed = env.run(["push", &target]);
    assert_eq!(pushed.ok(), format!("{target}@{}", img.digest()));
    assert!(pushed.stderr.contains("uploaded"), "{pushed:#?}");

    // The registry serves exactly the bytes we had.
    let served = reqwest_get(&format!("http://{}/v2/demo/app/manifests/1.0", reg.addr));
    assert_eq!(sha256(&served), img.digest());

    // A second push finds every blob there and uploads nothing: HEADs and the manifest.
    let uploads_before = reg.count_requests("POST", "/blobs/uploads/");
    let again = env.run(["push", &target, "--format", "json"]).ok();
    let again: serde_json::Value = serde_json::from_str(&again).expect("json");
    assert_eq!(again["blobsUploaded"], 0);
    assert_eq!(again["blobsPresent"], 4);
    assert_eq!(again["digest"], img.digest());
    assert_eq!(
        reg.count_requests("POST", "/blobs/uploads/"),
        uploads_before
    );
    assert_eq!(uploads_before, 4, "the first push uploaded each blob once");

    // Pull into a fresh store: same manifest digest, same blob bytes.
    let env2 = TestEnv::new();
    let pulled = env2.run(["pull", &target]);
    assert_eq!(pulled.ok(), format!("{target}@{}", img.digest()));
    for b in img.blobs().chain(std::iter::once(&img.manifest)) {
        let p = env2.store().join("blobs/sha256").join(&b.digest[7..]);
        assert_eq!(
            std::fs::read(&p).expect("blob in store"),
            b.data,
            "{}",
            b.digest
        );
    }
    // Pulling again downloads nothing.
    let json = env2.run(["pull", &target, "--format", "json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["blobsDownloaded"], 0);
    assert_eq!(json["blobsPresent"], 4);

    // Pull by digest pins the content and is stored under the digest.
    let by_digest = format!("{}/demo/app@{}", reg.addr, img.digest());
    let env3 = TestEnv::new();
    assert_eq!(env3.run(["pull", &by_digest]).ok(), by_digest);
    let images = env3.run(["images", "--format", "json"]).ok();
    let images: serde_json::Value = serde_json::from_str(&images).expect("json");
    assert_eq!(images[0]["name"], by_digest.as_str());
    assert_eq!(images[0]["tag"], serde_json::Value::Null);
}

#[test]
fn images_rmi_and_prune_manage_the_store() {
    let env = TestEnv::new();
    let img = image::image(2, &[100, 200], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("example.com/a/b:1", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["tag", "example.com/a/b:1", "example.com/a/b:2"])
        .ok();
    // A bare digest is a valid tag source.
    env.run(["tag", img.digest(), "example.com/c/d:3"]).ok();

    let json = env.run(["images", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    let names: Vec<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "example.com/a/b:1",
            "example.com/a/b:2",
            "example.com/c/d:3"
        ]
    );
    let total: usize = img.blobs().map(|b| b.data.len()).sum::<usize>() + img.manifest.data.len();
    assert_eq!(rows[0]["size"], total);
    assert_eq!(rows[0]["digest"], img.digest());
    assert_eq!(rows[0]["repository"], "example.com/a/b");
    assert_eq!(rows[0]["tag"], "1");

    let table = env.run(["images"]).ok();
    assert!(table.starts_with("REPOSITORY"), "{table}");
    assert_eq!(env.run(["images", "-q"]).ok().lines().count(), 3);

    assert_eq!(
        env.run(["rmi", "example.com/a/b:1", "example.com/a/b:2"])
            .ok(),
        "untagged example.com/a/b:1\nuntagged example.com/a/b:2"
    );
    env.run(["rmi", "example.com/a/b:1"])
        .fails(3, "no local image `example.com/a/b:1`");
    // Still tagged once: prune keeps everything.
    let out = env.run(["prune"]);
    out.ok();
    assert!(out.stderr.contains("deleted 0 blobs"), "{out:#?}");
    env.run(["rmi", "example.com/c/d:3"]).ok();
    let out = env.run(["prune"]);
    out.ok();
    assert!(out.stderr.contains("deleted 4 blobs"), "{out:#?}");
    let left = std::fs::read_dir(env.store().join("blobs/sha256"))
        .expect("dir")
        .count();
    assert_eq!(left, 0);
}

#[test]
fn missing_local_image_names_the_fix() {
    let mut env = TestEnv::new();
    let img = image::image(3, &[10], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("docker.io/library/pgsb:1.1.0", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();

    let out = env.run(["push", "ghcr.io/aimpugn/pgsb:1.1.0"]);
    out.fails(3, "error: no local image `ghcr.io/aimpugn/pgsb:1.1.0`");
    assert!(
        out.stderr.contains(
            "hint: `docker.io/library/pgsb:1.1.0` is here; run `ghcr-cli tag docker.io/library/pgsb:1.1.0 ghcr.io/aimpugn/pgsb:1.1.0`"
        ),
        "{out:#?}"
    );
    // The hint's command works, and the short name resolves to the logged-in owner.
    env.set("GHCR_CLI_USERNAME", "aimpugn")
        .set("GHCR_CLI_PASSWORD", "x");
    assert_eq!(
        env.run(["tag", "docker.io/library/pgsb:1.1.0", "pgsb:1.1.0"])
            .ok(),
        "ghcr.io/aimpugn/pgsb:1.1.0"
    );
    // Nothing matching at all: the hint says how to get it.
    env.run(["push", "ghcr.io/someone/other:9"]).fails(
        3,
        "hint: pull it with `ghcr-cli pull ghcr.io/someone/other:9`",
    );
}

#[test]
fn tampered_blob_is_refused_and_nothing_is_stored() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(4, &[5000], "amd64");
    let layout = env.path().join("layout");
    let target = format!("{}/t/img:1", reg.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &target]).ok();

    // Flip a byte of the layer in the registry's own storage (same length).
    let layer = &img.layers[0];
    let path = reg.blob_data_path(&layer.digest[7..]);
    let mut data = std::fs::read(&path).expect("registry blob");
    data[100] ^= 0xff;
    std::fs::write(&path, &data).expect("tamper");

    let env2 = TestEnv::new();
    let out = env2.run(["pull", &target]);
    out.fails(
        1,
        &format!("blob {} from {}/t/img was refused", layer.digest, reg.addr),
    );
    assert!(out.stderr.contains("does not match its digest"), "{out:#?}");
    assert!(
        !env2
            .store()
            .join("blobs/sha256")
            .join(&layer.digest[7..])
            .exists()
    );
    assert_eq!(env2.run(["images", "-q"]).ok(), "");
    // The refused blob leaves nothing to resume from (other, cancelled downloads may).
    let left: Vec<String> = std::fs::read_dir(env2.store().join("ingest"))
        .expect("ingest")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !left.iter().any(|n| n.contains(&layer.digest[7..])),
        "{left:?}"
    );
}

#[test]
fn unknown_image_is_exit_3_and_unreachable_registry_is_exit_1() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    env.run(["pull", &format!("{}/no/such:1", reg.addr)])
        .fails(3, "was not found (MANIFEST_UNKNOWN");
    // A port nothing listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = dead.local_addr().expect("addr");
    drop(dead);
    env.run(["--retries", "1", "pull", &format!("{addr}/x/y:1")])
        .fails(1, &format!("https://{addr}/v2/ refused the connection"))
        .fails(1, "hint: nothing listens there");
}

/// A plain GET with the manifest Accept header, through the test's own HTTP code.
pub fn reqwest_get(url: &str) -> Vec<u8> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        reqwest::Client::new()
            .get(url)
            .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json")
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body")
            .to_vec()
    })
}

#[test]
fn push_mounts_blobs_the_registry_already_has_in_another_repository() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(5, &[20_000, 30_000], "amd64");
    let layout = env.path().join("layout");
    let first = format!("{}/team/base:1", reg.addr);
    image::write_layout(&layout, &[(first.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &first]).ok();
    // The store now knows team/base holds these blobs; a push to team/app mounts them.
    let second = format!("{}/team/app:1", reg.addr);
    env.run(["tag", &first, &second]).ok();
    let uploads = reg.count_requests("PUT", "/blobs/uploads/");
    let out = env.run(["push", &second, "--format", "json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["blobsMounted"], 3);
    assert_eq!(json["blobsUploaded"], 0);
    assert_eq!(
        reg.count_requests("PUT", "/blobs/uploads/"),
        uploads,
        "nothing uploaded"
    );
    assert_eq!(reg.count_requests("POST", "mount=sha256"), 3);

    // Pulled images remember where they came from too.
    let env2 = TestEnv::new();
    env2.run(["pull", &first]).ok();
    let third = format!("{}/team/other:1", reg.addr);
    env2.run(["tag", &first, &third]).ok();
    let json: serde_json::Value =
        serde_json::from_str(&env2.run(["push", &third, "--format", "json"]).ok()).expect("json");
    assert_eq!(json["blobsMounted"], 3);
}
