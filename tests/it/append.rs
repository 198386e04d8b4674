//! `append` (issue #16): a layer from a directory is a gzipped tar whose diff ID is the
//! sha256 of the tar inside, added on top of the old layers; the same directory gives the
//! same digest again; `SOURCE_DATE_EPOCH` sets the times; umoci unpacks the result with the
//! new files and the old ones; a plain tar is used as is.

use std::io::Read;

use crate::harness::image;
use crate::harness::{TestEnv, tool};
use crate::mutate::{digest_of, load, store_blob};

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("json")
}

/// A directory with a file, an executable and a symlink.
fn content(env: &TestEnv, dir: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let root = env.path().join(dir);
    std::fs::create_dir_all(root.join("etc/app")).expect("mkdir");
    std::fs::create_dir_all(root.join("usr/bin")).expect("mkdir");
    std::fs::write(root.join("etc/app/config.toml"), b"mode = \"prod\"\n").expect("write");
    std::fs::write(root.join("usr/bin/tool"), b"#!/bin/sh\necho tool\n").expect("write");
    std::fs::set_permissions(
        root.join("usr/bin/tool"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    std::os::unix::fs::symlink("tool", root.join("usr/bin/t")).expect("symlink");
    root
}

/// The entries of a gzipped layer: name, mtime, uid, gid.
fn entries(gz: &[u8]) -> Vec<(String, u64, u64, u64)> {
    let plain = image::gunzip(gz);
    tar::Archive::new(&plain[..])
        .entries()
        .expect("entries")
        .map(|e| {
            let e = e.expect("entry");
            let h = e.header();
            (
                e.path().expect("path").display().to_string(),
                h.mtime().expect("mtime"),
                h.uid().expect("uid"),
                h.gid().expect("gid"),
            )
        })
        .collect()
}

#[test]
fn append_dir_adds_a_deterministic_layer_with_its_diff_id_that_umoci_unpacks() {
    let env = TestEnv::new();
    let img = image::image(90, &[1500], "amd64");
    load(&env, "ghcr.io/o/app:1", &img);
    let dir = content(&env, "content");

    let out = env.run([
        "append",
        "ghcr.io/o/app:1",
        "--layer",
        dir.to_str().expect("utf8"),
        "-t",
        "ghcr.io/o/app:2",
    ]);
    let digest = digest_of(&out.ok(), "ghcr.io/o/app:2");
    let manifest = json(&store_blob(&env, &digest));
    let layers = manifest["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0], json(&img.manifest.data)["layers"][0]);
    assert_eq!(
        layers[1]["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    let layer = store_blob(&env, layers[1]["digest"].as_str().expect("digest"));
    assert_eq!(layers[1]["size"], layer.len());
    let config = json(&store_blob(
        &env,
        manifest["config"]["digest"].as_str().expect("c"),
    ));
    let diff_ids = config["rootfs"]["diff_ids"].as_array().expect("diff_ids");
    assert_eq!(diff_ids.len(), 2);
    assert_eq!(diff_ids[0], json(&img.config.data)["rootfs"]["diff_ids"][0]);
    assert_eq!(diff_ids[1], image::sha256(&image::gunzip(&layer)).as_str());
    assert_eq!(
        config["history"]
            .as_array()
            .and_then(|h| h.last())
            .map(|h| &h["created_by"]),
        Some(&serde_json::json!("ghcr-cli append"))
    );
    let names: Vec<String> = entries(&layer).into_iter().map(|e| e.0).collect();
    assert_eq!(
        names,
        [
            "etc/",
            "etc/app/",
            "etc/app/config.toml",
            "usr/",
            "usr/bin/",
            "usr/bin/t",
            "usr/bin/tool"
        ]
    );
    assert!(
        entries(&layer)
            .iter()
            .all(|e| e.1 == 0 && e.2 == 0 && e.3 == 0),
        "zeroed"
    );

    // The same input (touched, copied elsewhere) gives the same digest.
    let again = content(&env, "copy");
    let out = env.run([
        "append",
        "ghcr.io/o/app:1",
        "--layer",
        again.to_str().expect("utf8"),
        "-t",
        "ghcr.io/o/app:3",
    ]);
    assert_eq!(digest_of(&out.ok(), "ghcr.io/o/app:3"), digest);

    // umoci unpacks what `save` writes: the new files and the old one.
    let layout = env.path().join("saved");
    env.run([
        "save",
        "ghcr.io/o/app:2",
        "--format",
        "oci-dir",
        "-o",
        layout.to_str().expect("utf8"),
    ])
    .ok();
    let bundle = env.path().join("bundle");
    tool(
        "umoci",
        &[
            "unpack",
            "--image",
            &format!("{}:ghcr.io/o/app:2", layout.display()),
            bundle.to_str().expect("utf8"),
        ],
    );
    let rootfs = bundle.join("rootfs");
    assert_eq!(
        std::fs::read(rootfs.join("etc/app/config.toml")).expect("new file"),
        b"mode = \"prod\"\n"
    );
    assert_eq!(
        std::fs::read_link(rootfs.join("usr/bin/t")).expect("link"),
        std::path::Path::new("tool")
    );
    assert_eq!(
        std::fs::read(rootfs.join("file-90-0.bin")).expect("old file"),
        image::random_bytes(90_000, 1500)
    );
}

#[test]
fn append_honours_source_date_epoch_and_takes_a_tar_as_is() {
    let mut env = TestEnv::new();
    let img = image::image(91, &[800], "amd64");
    load(&env, "ghcr.io/o/app:1", &img);
    let dir = content(&env, "content");
    env.set("SOURCE_DATE_EPOCH", "1700000000");
    let out = env.run([
        "append",
        "ghcr.io/o/app:1",
        "--layer",
        dir.to_str().expect("utf8"),
        "-t",
        "ghcr.io/o/app:e",
    ]);
    let manifest = json(&store_blob(&env, &digest_of(&out.ok(), "ghcr.io/o/app:e")));
    let layer = store_blob(
        &env,
        manifest["layers"][1]["digest"].as_str().expect("digest"),
    );
    assert!(
        entries(&layer).iter().all(|e| e.1 == 1_700_000_000),
        "{:?}",
        entries(&layer)
    );
    let config = json(&store_blob(
        &env,
        manifest["config"]["digest"].as_str().expect("c"),
    ));
    assert_eq!(
        config["history"]
            .as_array()
            .and_then(|h| h.last())
            .map(|h| &h["created"]),
        Some(&serde_json::json!("2023-11-14T22:13:20Z"))
    );
    env.unset("SOURCE_DATE_EPOCH");

    // A plain tar: its own sha256 is the diff ID, and it is gzipped.
    let tar = image::layer_tar("opt/data.bin", &image::random_bytes(5, 4000));
    let tar_path = env.path().join("layer.tar");
    std::fs::write(&tar_path, &tar).expect("write");
    let out = env.run([
        "append",
        "ghcr.io/o/app:1",
        "--layer",
        tar_path.to_str().expect("utf8"),
        "-t",
        "ghcr.io/o/app:t",
    ]);
    let manifest = json(&store_blob(&env, &digest_of(&out.ok(), "ghcr.io/o/app:t")));
    let layer = store_blob(
        &env,
        manifest["layers"][1]["digest"].as_str().expect("digest"),
    );
    let mut plain = Vec::new();
    flate2::read::MultiGzDecoder::new(&layer[..])
        .read_to_end(&mut plain)
        .expect("gunzip");
    assert_eq!(plain, tar);
    let config = json(&store_blob(
        &env,
        manifest["config"]["digest"].as_str().expect("c"),
    ));
    assert_eq!(
        config["rootfs"]["diff_ids"][1],
        image::sha256(&tar).as_str()
    );

    env.run(["append", "ghcr.io/o/app:1", "--layer", "/nonexistent/dir"])
        .fails(3, "does not exist");
}

#[test]
fn append_remote_uploads_the_layer_and_config_and_one_manifest() {
    let reg = crate::harness::registry::Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(92, &[2500], "amd64");
    crate::harness::registry::seed_image(&reg.addr, "o/app", "1", &img);
    let dir = content(&env, "content");
    let uploads = reg.count_requests("POST", "/blobs/uploads/");
    let puts = reg.count_requests("PUT", "/manifests/");

    let name = format!("{}/o/app:1", reg.addr);
    let out = env.run([
        "append",
        "--remote",
        &name,
        "--layer",
        dir.to_str().expect("utf8"),
        "-t",
        "2",
    ]);
    let target = format!("{}/o/app:2", reg.addr);
    let digest = digest_of(&out.ok(), &target);
    assert_eq!(
        reg.count_requests("POST", "/blobs/uploads/") - uploads,
        2,
        "layer and config"
    );
    assert_eq!(reg.count_requests("PUT", "/manifests/") - puts, 1);
    assert_eq!(
        reg.count_requests("GET", &img.layers[0].digest),
        0,
        "old layer not read"
    );

    let raw = env.run(["inspect", "--raw", &target]).ok();
    assert_eq!(image::sha256(raw.as_bytes()), digest);
    let manifest = json(raw.as_bytes());
    assert_eq!(manifest["layers"][0], json(&img.manifest.data)["layers"][0]);
    let layer_path = env.path().join("layer.gz");
    env.run([
        "blob",
        "get",
        &target,
        manifest["layers"][1]["digest"].as_str().expect("digest"),
        "-o",
        layer_path.to_str().expect("utf8"),
    ])
    .ok();
    let layer = std::fs::read(&layer_path).expect("layer");
    let config = json(env.run(["inspect", "--config", &target]).ok().as_bytes());
    assert_eq!(
        config["rootfs"]["diff_ids"][1],
        image::sha256(&image::gunzip(&layer)).as_str()
    );

    // The local append of the same directory makes the same layer.
    env.run(["pull", &name]).ok();
    let out = env.run([
        "append",
        &name,
        "--layer",
        dir.to_str().expect("utf8"),
        "-t",
        "ghcr.io/o/local:1",
    ]);
    let local = json(&store_blob(
        &env,
        &digest_of(&out.ok(), "ghcr.io/o/local:1"),
    ));
    assert_eq!(local["layers"][1], manifest["layers"][1]);
}

/// A Docker manifest list, edited in the registry for every platform: each image gets the
/// layer under Docker's media type, and the list keeps its own media type.
#[test]
fn append_remote_to_a_docker_manifest_list_edits_every_platform() {
    let reg = crate::harness::registry::Registry::anonymous();
    let env = TestEnv::new();
    let multi = image::multi_docker(93);
    crate::harness::registry::seed(&reg.addr, "o/list", "1", &multi);
    let dir = content(&env, "content");
    let name = format!("{}/o/list:1", reg.addr);
    let out = env.run([
        "append",
        "--remote",
        &name,
        "--layer",
        dir.to_str().expect("utf8"),
    ]);
    let digest = digest_of(&out.ok(), &name);
    let list = env.run(["inspect", "--raw", &name]).ok();
    assert_eq!(image::sha256(list.as_bytes()), digest);
    let list = json(list.as_bytes());
    let before = json(&multi.index.data);
    assert_eq!(list["mediaType"], before["mediaType"]);
    let mut added = Vec::new();
    for (i, child) in multi.children.iter().enumerate() {
        let entry = &list["manifests"][i];
        assert_eq!(entry["platform"], before["manifests"][i]["platform"]);
        assert_ne!(entry["digest"], child.image.digest());
        let m = env
            .run([
                "inspect",
                "--raw",
                &format!(
                    "{}/o/list@{}",
                    reg.addr,
                    entry["digest"].as_str().expect("d")
                ),
            ])
            .ok();
        let m = json(m.as_bytes());
        assert_eq!(
            m["mediaType"],
            "application/vnd.docker.distribution.manifest.v2+json"
        );
        assert_eq!(
            m["layers"][0],
            json(&child.image.manifest.data)["layers"][0]
        );
        assert_eq!(
            m["layers"][1]["mediaType"],
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
        );
        assert_eq!(
            m["config"]["mediaType"],
            "application/vnd.docker.container.image.v1+json"
        );
        added.push(m["layers"][1]["digest"].clone());
    }
    // One layer for both platforms: the same blob.
    assert_eq!(added[0], added[1]);
}
