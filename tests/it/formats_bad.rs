//! Bad archives given to `load`: one test per kind (paths that escape, links out, devices,
//! duplicates, missing or mismatched layers and blobs, truncation, corrupt gzip, JSON over
//! the cap), each refused with its reason and leaving the store exactly as it was.

use std::io::Write;

use crate::harness::TestEnv;
use crate::harness::image::{self, sha256};

/// A store with one image in it, and a snapshot of it to compare against.
struct Before {
    env: TestEnv,
    index: Vec<u8>,
    blobs: Vec<String>,
}

fn store_with_one_image() -> Before {
    let env = TestEnv::new();
    let img = image::image(99, &[500], "amd64");
    let layout = env.path().join("base");
    image::write_layout(&layout, &[("ghcr.io/o/base:1", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    let index = std::fs::read(env.store().join("index.json")).expect("index");
    let blobs = list_blobs(&env);
    Before { env, index, blobs }
}

fn list_blobs(env: &TestEnv) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(env.store().join("blobs/sha256"))
        .expect("blobs")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Loads `archive` and checks: exit 2, the message, and an unchanged store.
fn refused(archive: &[u8], message: &str) {
    let before = store_with_one_image();
    let path = before.env.path().join("bad.tar");
    std::fs::write(&path, archive).expect("write");
    before
        .env
        .run(["load", "-i", path.to_str().expect("utf8")])
        .fails(2, message);
    assert_eq!(
        std::fs::read(before.env.store().join("index.json")).expect("index"),
        before.index
    );
    assert_eq!(list_blobs(&before.env), before.blobs, "no new blobs");
    assert_eq!(
        std::fs::read_dir(before.env.store().join("ingest"))
            .expect("ingest")
            .count(),
        0
    );
}

/// A tar entry written by hand, so names and types the tar crate would refuse get through.
fn raw_entry(name: &str, kind: u8, link: &str, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    let size = format!("{:011o}", data.len());
    h[124..135].copy_from_slice(size.as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

fn tar_of(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = entries.concat();
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn valid_docker_archive() -> (image::TestImage, Vec<u8>) {
    let img = image::image(98, &[2000, 300], "amd64");
    let archive = image::docker_archive(&img, "bad:1");
    (img, archive)
}

#[test]
fn bad_archive_absolute_path() {
    refused(
        &tar_of(&[raw_entry("/etc/evil", b'0', "", b"x")]),
        "archive entry `/etc/evil` is refused: its path is absolute",
    );
}

#[test]
fn bad_archive_dot_dot_path() {
    refused(
        &tar_of(&[raw_entry("blobs/../../evil", b'0', "", b"x")]),
        "its path contains `..`",
    );
}

#[test]
fn bad_archive_symlink_outside() {
    refused(
        &tar_of(&[raw_entry("manifest.json", b'2', "/etc/passwd", b"")]),
        "archive entry `manifest.json` is refused: it links to an absolute path, outside the archive",
    );
    refused(
        &tar_of(&[raw_entry("a/manifest.json", b'2', "../../etc/passwd", b"")]),
        "it links outside the archive",
    );
}

#[test]
fn bad_archive_hard_link_outside() {
    refused(
        &tar_of(&[raw_entry("layer.tar", b'1', "../../etc/shadow", b"")]),
        "archive entry `layer.tar` is refused: it links outside the archive",
    );
    refused(
        &tar_of(&[raw_entry("layer.tar", b'1', "nothere", b"")]),
        "it links to a file that is not in the archive",
    );
}

#[test]
fn bad_archive_device_file() {
    refused(
        &tar_of(&[raw_entry("dev/null", b'3', "", b"")]),
        "device files and pipes are not allowed",
    );
}

#[test]
fn bad_archive_duplicate_file() {
    let (_, good) = valid_docker_archive();
    let mut entries = vec![good[..good.len() - 1024].to_vec()];
    entries.push(raw_entry("manifest.json", b'0', "", b"[]"));
    refused(
        &tar_of(&entries),
        "archive entry `manifest.json` appears twice",
    );
}

#[test]
fn bad_archive_manifest_names_missing_layer() {
    let manifest = br#"[{"Config":"c.json","RepoTags":["x:1"],"Layers":["nothere/layer.tar"]}]"#;
    let config = br#"{"rootfs":{"type":"layers","diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]}}"#;
    refused(
        &tar_of(&[
            raw_entry("manifest.json", b'0', "", manifest),
            raw_entry("c.json", b'0', "", config),
        ]),
        "`manifest.json` names `nothere/layer.tar`, which is not in the archive",
    );
}

#[test]
fn bad_archive_oci_index_names_missing_blob() {
    let index = br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0}]}"#;
    refused(
        &tar_of(&[
            raw_entry("oci-layout", b'0', "", br#"{"imageLayoutVersion":"1.0.0"}"#),
            raw_entry("index.json", b'0', "", index),
        ]),
        "the layout names blob sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, but",
    );
}

#[test]
fn bad_archive_layer_does_not_match_diff_id() {
    let (img, _) = valid_docker_archive();
    // Build the archive by hand with one byte of the first layer changed.
    let mut plain = image::gunzip(&img.layers[0].data);
    let diff = sha256(&plain);
    plain[600] ^= 1;
    let config_name = format!("{}.json", &img.config.digest[7..]);
    let layer_name = format!("{}/layer.tar", &diff[7..]);
    let manifest = serde_json::json!([{"Config": config_name, "RepoTags": ["bad:1"], "Layers": [layer_name, "second/layer.tar"]}]);
    let second = image::gunzip(&img.layers[1].data);
    refused(
        &tar_of(&[
            raw_entry(&layer_name, b'0', "", &plain),
            raw_entry("second/layer.tar", b'0', "", &second),
            raw_entry(&config_name, b'0', "", &img.config.data),
            raw_entry(
                "manifest.json",
                b'0',
                "",
                &serde_json::to_vec(&manifest).expect("json"),
            ),
        ]),
        &format!("layer `{layer_name}` does not match its diff ID: the config says {diff}"),
    );
}

#[test]
fn bad_archive_oci_blob_does_not_match_digest() {
    let img = image::image(97, &[1000], "amd64");
    let mut entries = vec![raw_entry(
        "oci-layout",
        b'0',
        "",
        br#"{"imageLayoutVersion":"1.0.0"}"#,
    )];
    for b in img.blobs().chain(std::iter::once(&img.manifest)) {
        let mut data = b.data.clone();
        if b.digest == img.layers[0].digest {
            data[20] ^= 1;
        }
        entries.push(raw_entry(
            &format!("blobs/sha256/{}", &b.digest[7..]),
            b'0',
            "",
            &data,
        ));
    }
    let mut d = img.manifest.descriptor();
    d["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": "ghcr.io/o/bad:1"});
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [d]});
    entries.push(raw_entry(
        "index.json",
        b'0',
        "",
        &serde_json::to_vec(&index).expect("json"),
    ));
    refused(
        &tar_of(&entries),
        &format!(
            "blob {} in the layout does not match its digest",
            img.layers[0].digest
        ),
    );
}

#[test]
fn bad_archive_truncated() {
    let (_, good) = valid_docker_archive();
    refused(
        &good[..good.len() / 2 + 100],
        "the archive is truncated or corrupt",
    );
}

#[test]
fn bad_archive_gzip_corrupt() {
    let (_, good) = valid_docker_archive();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&good).expect("gz");
    let mut gz = e.finish().expect("gz");
    let mid = gz.len() / 2;
    for b in &mut gz[mid..mid + 64] {
        *b ^= 0x5a;
    }
    refused(&gz, "the archive is truncated or corrupt");
}

#[test]
fn bad_archive_json_over_the_cap() {
    let big = format!("[{}]", " ".repeat(5 * 1024 * 1024));
    refused(
        &tar_of(&[raw_entry("manifest.json", b'0', "", big.as_bytes())]),
        "larger than the 4194304-byte limit for JSON files",
    );
}
