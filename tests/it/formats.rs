//! Image formats: docker-archive and oci-archive in and out, checked against skopeo and
//! umoci; Docker schema 2 manifests and OCI 1.1 artifacts carried byte for byte. The bad
//! archives are in `formats_bad.rs`.

use crate::harness::image::{self, sha256};
use crate::harness::registry::Registry;
use crate::harness::{TestEnv, tool};

#[test]
fn skopeo_docker_archive_loads_from_stdin_pushes_and_inspects() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(90, &[30_000, 1_000], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("v1", &img)]);
    let archive = env.path().join("docker.tar");
    tool(
        "skopeo",
        &[
            "copy",
            &format!("oci:{}:v1", layout.display()),
            &format!("docker-archive:{}:pgsb:1.1.0", archive.display()),
        ],
    );
    let data = std::fs::read(&archive).expect("archive");
    let out = env.run_stdin_bytes(["load"], &data);
    assert_eq!(out.ok(), "docker.io/library/pgsb:1.1.0");
    assert!(
        out.stderr.contains("hint: to push it to ghcr.io, name it there: `ghcr-cli tag docker.io/library/pgsb:1.1.0 ghcr.io/OWNER/pgsb:1.1.0`"),
        "{out:#?}"
    );
    // Stored as plain tars: each layer's digest is its diff ID.
    let inspect = env.run(["images", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    let manifest_digest = rows[0]["digest"].as_str().expect("digest").to_string();
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(env.store().join("blobs/sha256").join(&manifest_digest[7..]))
            .expect("manifest"),
    )
    .expect("json");
    let config: serde_json::Value = serde_json::from_slice(&img.config.data).expect("config");
    for (layer, diff) in manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .zip(config["rootfs"]["diff_ids"].as_array().expect("diffs"))
    {
        assert_eq!(layer["digest"], *diff);
        assert_eq!(layer["mediaType"], "application/vnd.oci.image.layer.v1.tar");
    }

    let target = format!("{}/fromdocker/pgsb:1.1.0", reg.addr);
    env.run(["tag", "docker.io/library/pgsb:1.1.0", &target])
        .ok();
    assert_eq!(
        env.run(["push", &target]).ok(),
        format!("{target}@{manifest_digest}")
    );
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            "--tls-verify=false",
            &format!("docker://{target}"),
        ],
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(inspect["Digest"], manifest_digest.as_str());
    assert_eq!(inspect["Layers"], config["rootfs"]["diff_ids"]);

    // Pulled back into a fresh store, it unpacks with umoci.
    let fresh = TestEnv::new();
    fresh.run(["pull", &target]).ok();
    let bundle = fresh.path().join("bundle");
    tool(
        "umoci",
        &[
            "unpack",
            "--image",
            &format!("{}:{target}", fresh.store().display()),
            bundle.to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        std::fs::read(bundle.join("rootfs/file-90-1.bin")).expect("file"),
        image::random_bytes(90_001, 1_000)
    );
}

#[test]
fn docker_25_archives_with_an_oci_layout_inside_load_by_their_docker_names() {
    let env = TestEnv::new();
    let img = image::image(95, &[7000], "amd64");
    // Docker 25+: blobs/sha256/ holds config and (plain tar) layers, manifest.json points there,
    // and index.json/oci-layout describe the same image.
    let mut b = tar::Builder::new(Vec::new());
    let mut put = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).expect("tar");
    };
    let plain = image::gunzip(&img.layers[0].data);
    let diff = sha256(&plain);
    put(&format!("blobs/sha256/{}", &diff[7..]), &plain);
    put(
        &format!("blobs/sha256/{}", &img.config.digest[7..]),
        &img.config.data,
    );
    let oci_manifest = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": img.config.descriptor(),
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": diff, "size": plain.len()}]});
    let oci_bytes = serde_json::to_vec(&oci_manifest).expect("json");
    put(
        &format!("blobs/sha256/{}", &sha256(&oci_bytes)[7..]),
        &oci_bytes,
    );
    put("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": sha256(&oci_bytes), "size": oci_bytes.len(),
        "annotations": {"io.containerd.image.name": "docker.io/library/new:25", "org.opencontainers.image.ref.name": "25"}}]});
    put("index.json", &serde_json::to_vec(&index).expect("json"));
    let manifest = serde_json::json!([{"Config": format!("blobs/sha256/{}", &img.config.digest[7..]),
        "RepoTags": ["new:25"], "Layers": [format!("blobs/sha256/{}", &diff[7..])]}]);
    put(
        "manifest.json",
        &serde_json::to_vec(&manifest).expect("json"),
    );
    let data = b.into_inner().expect("tar");
    assert_eq!(
        env.run_stdin_bytes(["load"], &data).ok(),
        "docker.io/library/new:25"
    );
    let rows: serde_json::Value =
        serde_json::from_str(&env.run(["images", "--format", "json"]).ok()).expect("json");
    // ghcr-cli builds its manifest from manifest.json; with sorted keys it matches this one.
    assert_eq!(rows[0]["digest"], sha256(&oci_bytes));
}

#[test]
fn compress_gzips_docker_layers_and_keeps_diff_ids() {
    let env = TestEnv::new();
    let img = image::image(91, &[9 * 1024 * 1024 + 7, 100], "amd64");
    let archive = env.path().join("docker.tar");
    std::fs::write(&archive, image::docker_archive(&img, "ghcr.io/o/big:1")).expect("write");
    assert_eq!(
        env.run(["load", "-i", archive.to_str().expect("utf8"), "--compress"])
            .ok(),
        "ghcr.io/o/big:1"
    );
    // umoci unpacks it: gzip members decompress to the original files.
    let bundle = env.path().join("bundle");
    tool(
        "umoci",
        &[
            "unpack",
            "--image",
            &format!("{}:ghcr.io/o/big:1", env.store().display()),
            bundle.to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        std::fs::read(bundle.join("rootfs/file-91-0.bin")).expect("file"),
        image::random_bytes(91_000, 9 * 1024 * 1024 + 7)
    );
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            &format!("oci:{}:ghcr.io/o/big:1", env.store().display()),
        ],
    );
    let manifest: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(
        manifest["layers"][0]["mediaType"],
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    assert!(
        manifest["layers"][0]["size"].as_u64().expect("size") > 9 * 1024 * 1024,
        "random data stays about as large"
    );
}

#[test]
fn skopeo_oci_archive_loads_and_ghcr_saves_read_by_skopeo_and_umoci() {
    let env = TestEnv::new();
    let img = image::image(92, &[20_000], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("v1", &img)]);
    let oci_archive = env.path().join("oci.tar");
    tool(
        "skopeo",
        &[
            "copy",
            &format!("oci:{}:v1", layout.display()),
            &format!("oci-archive:{}:ghcr.io/o/sk:1", oci_archive.display()),
        ],
    );
    assert_eq!(
        env.run(["load", "-i", oci_archive.to_str().expect("utf8")])
            .ok(),
        "ghcr.io/o/sk:1"
    );
    // ... and pushes, and skopeo inspects the pushed image.
    let reg = Registry::anonymous();
    let target = format!("{}/fromoci/sk:1", reg.addr);
    env.run(["tag", "ghcr.io/o/sk:1", &target]).ok();
    env.run(["push", &target]).ok();
    let pushed = tool(
        "skopeo",
        &[
            "inspect",
            "--tls-verify=false",
            &format!("docker://{target}"),
        ],
    );
    let pushed: serde_json::Value = serde_json::from_str(&pushed).expect("json");
    assert_eq!(pushed["Digest"], img.digest());

    // docker-archive out: skopeo reads it, and the image inside is the same content.
    let saved = env.path().join("saved-docker.tar");
    env.run([
        "save",
        "ghcr.io/o/sk:1",
        "-o",
        saved.to_str().expect("utf8"),
    ])
    .ok();
    let inspect = tool(
        "skopeo",
        &["inspect", &format!("docker-archive:{}", saved.display())],
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    let config: serde_json::Value = serde_json::from_slice(&img.config.data).expect("config");
    assert_eq!(inspect["Layers"], config["rootfs"]["diff_ids"]);
    let mut names = Vec::new();
    let mut tar = tar::Archive::new(std::fs::File::open(&saved).expect("open"));
    for e in tar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let path = e.path().expect("path").display().to_string();
        if path == "manifest.json" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).expect("read");
            let m: serde_json::Value = serde_json::from_str(&s).expect("json");
            assert_eq!(m[0]["RepoTags"], serde_json::json!(["ghcr.io/o/sk:1"]));
        }
        names.push(path);
    }
    assert!(names.contains(&"repositories".to_string()), "{names:?}");
    // Loading our own docker-archive back gives the same diff IDs.
    let env2 = TestEnv::new();
    assert_eq!(
        env2.run(["load", "-i", saved.to_str().expect("utf8")]).ok(),
        "ghcr.io/o/sk:1"
    );

    // oci-archive out (to stdout): skopeo inspects it by name.
    let out = env
        .command(["save", "ghcr.io/o/sk:1", "--format", "oci-archive"])
        .output()
        .expect("save");
    assert!(out.status.success());
    let oci_out = env.path().join("saved-oci.tar");
    std::fs::write(&oci_out, &out.stdout).expect("write");
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            &format!("oci-archive:{}:ghcr.io/o/sk:1", oci_out.display()),
        ],
    );
    let inspect: serde_json::Value = serde_json::from_str(&inspect).expect("json");
    assert_eq!(inspect["Digest"], img.digest());

    // oci-dir out: umoci unpacks it.
    let dir = env.path().join("saved-dir");
    env.run([
        "save",
        "ghcr.io/o/sk:1",
        "--format",
        "oci-dir",
        "-o",
        dir.to_str().expect("utf8"),
    ])
    .ok();
    let bundle = env.path().join("bundle");
    tool(
        "umoci",
        &[
            "unpack",
            "--image",
            &format!("{}:ghcr.io/o/sk:1", dir.display()),
            bundle.to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        std::fs::read(bundle.join("rootfs/file-92-0.bin")).expect("file"),
        image::random_bytes(92_000, 20_000)
    );

    // A terminal never gets binary output; oci-dir needs a directory.
    env.run(["save", "ghcr.io/o/sk:1", "--format", "oci-dir"])
        .fails(2, "-o DIR");
}

#[test]
fn docker_schema2_and_oci_artifacts_travel_byte_for_byte() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let docker = image::docker_image(93, &[4000]);
    let subject = image::image(94, &[100], "amd64");
    let artifact = image::artifact(&subject);
    let layout = env.path().join("layout");
    let d_ref = format!("{}/kinds/docker:1", reg.addr);
    let s_ref = format!("{}/kinds/app:1", reg.addr);
    let a_ref = format!("{}/kinds/app:sbom", reg.addr);
    image::write_layout(
        &layout,
        &[
            (d_ref.as_str(), &docker),
            (s_ref.as_str(), &subject),
            (a_ref.as_str(), &artifact),
        ],
    );
    // write_layout gives every entry the OCI manifest media type; fix the Docker one.
    let index_path = layout.join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&index_path).expect("index")).expect("json");
    index["manifests"][0]["mediaType"] =
        "application/vnd.docker.distribution.manifest.v2+json".into();
    std::fs::write(&index_path, serde_json::to_vec(&index).expect("json")).expect("write");
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    for r in [&d_ref, &s_ref, &a_ref] {
        env.run(["push", r]).ok();
    }
    let fresh = TestEnv::new();
    for (r, img) in [(&d_ref, &docker), (&a_ref, &artifact)] {
        assert_eq!(fresh.run(["pull", r]).ok(), format!("{r}@{}", img.digest()));
        let raw = tool(
            "skopeo",
            &[
                "inspect",
                "--raw",
                "--tls-verify=false",
                &format!("docker://{r}"),
            ],
        );
        assert_eq!(raw.as_bytes(), img.manifest.data.as_slice(), "{r}");
        for b in img.blobs() {
            let stored = std::fs::read(fresh.store().join("blobs/sha256").join(&b.digest[7..]))
                .expect("blob");
            assert_eq!(stored, b.data);
        }
    }
    let rows: serde_json::Value =
        serde_json::from_str(&fresh.run(["images", "--format", "json"]).ok()).expect("json");
    let kinds: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["mediaType"].as_str().expect("mt"))
        .collect();
    assert_eq!(
        kinds,
        [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json"
        ]
    );
}

#[test]
fn docker_manifest_lists_pull_by_platform_and_push_back_unchanged() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let amd = image::docker_image(96, &[1500]);
    let arm = image::docker_image(196, &[2500]);
    let list = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {"mediaType": amd.manifest.media_type, "digest": amd.manifest.digest, "size": amd.manifest.data.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": arm.manifest.media_type, "digest": arm.manifest.digest, "size": arm.manifest.data.len(),
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        ],
    });
    let list_bytes = serde_json::to_vec_pretty(&list).expect("json");
    let list_digest = sha256(&list_bytes);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("a", &amd), ("b", &arm)]);
    std::fs::write(
        layout.join("blobs/sha256").join(&list_digest[7..]),
        &list_bytes,
    )
    .expect("write");
    let target = format!("{}/dlist/app:1", reg.addr);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "digest": list_digest, "size": list_bytes.len(),
        "annotations": {"org.opencontainers.image.ref.name": target}}]});
    std::fs::write(
        layout.join("index.json"),
        serde_json::to_vec(&index).expect("json"),
    )
    .expect("write");
    // The children's entries in index.json are gone; load follows the list to them.
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    assert_eq!(
        env.run(["push", &target]).ok(),
        format!("{target}@{list_digest}")
    );
    let raw = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{target}"),
        ],
    );
    assert_eq!(raw.as_bytes(), list_bytes.as_slice());

    let one = TestEnv::new();
    let json: serde_json::Value = serde_json::from_str(
        &one.run([
            "pull",
            &target,
            "--platform",
            "linux/arm64",
            "--format",
            "json",
        ])
        .ok(),
    )
    .expect("json");
    assert_eq!(json["digest"], list_digest);
    assert_eq!(json["platformDigest"], arm.digest());
    assert_eq!(
        json["mediaType"],
        "application/vnd.docker.distribution.manifest.list.v2+json"
    );
    let all = TestEnv::new();
    assert_eq!(
        all.run(["pull", &target, "--all-platforms"]).ok(),
        format!("{target}@{list_digest}")
    );
    let copy = format!("{}/dlist/copy:1", reg.addr);
    all.run(["tag", &target, &copy]).ok();
    assert_eq!(
        all.run(["push", &copy]).ok(),
        format!("{copy}@{list_digest}")
    );
}
