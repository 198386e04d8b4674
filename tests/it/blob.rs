//! `blob get` (issue #16): one blob streamed from the registry (or the store) with exactly its
//! bytes, to a file or stdout; a registry that serves other bytes fails the command with the
//! digest mismatch, and the file named with `-o` is not left behind.

use crate::harness::TestEnv;
use crate::harness::image;
use crate::harness::proxy::{Faults, Proxy};
use crate::harness::registry::{self, Registry};

#[test]
fn blob_get_writes_the_exact_bytes_to_a_file_and_stdout() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(60, &[70_000], "amd64");
    registry::seed_image(&reg.addr, "o/blobs", "1", &img);
    let layer = &img.layers[0];
    let repo = format!("{}/o/blobs", reg.addr);

    let path = env.path().join("layer.tar.gz");
    env.run([
        "blob",
        "get",
        &repo,
        &layer.digest,
        "-o",
        path.to_str().expect("utf8"),
    ])
    .ok();
    let got = std::fs::read(&path).expect("written");
    assert_eq!(image::sha256(&got), layer.digest);
    assert_eq!(got, layer.data);

    let out = env
        .command(["blob", "get", &format!("{repo}@{}", img.config.digest)])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, img.config.data);

    // From the local store, once pulled.
    env.run(["pull", &format!("{repo}:1")]).ok();
    let local = env.path().join("local.bin");
    env.run([
        "blob",
        "get",
        "--local",
        &repo,
        &layer.digest,
        "-o",
        local.to_str().expect("utf8"),
    ])
    .ok();
    assert_eq!(std::fs::read(&local).expect("written"), layer.data);

    env.run(["blob", "get", &repo]).fails(2, "names no blob");
    let missing = image::sha256(b"not there");
    env.run(["blob", "get", &repo, &missing, "-o", "-"])
        .fails(3, "");
}

#[test]
fn blob_get_from_a_registry_serving_wrong_bytes_fails_and_leaves_no_file() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(61, &[50_000], "amd64");
    registry::seed_image(&reg.addr, "o/lies", "1", &img);
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            flip_at: Some(1234),
            ..Faults::default()
        },
    );
    let layer = &img.layers[0];
    let path = env.path().join("layer.tar.gz");
    let out = env.run([
        "blob",
        "get",
        &format!("{}/o/lies", proxy.addr),
        &layer.digest,
        "-o",
        path.to_str().expect("utf8"),
    ]);
    out.fails(
        1,
        &format!("does not match its digest: expected {}", layer.digest),
    );
    assert!(!path.exists(), "no file left: {out:#?}");
    // A file that was there stays as it was.
    std::fs::write(&path, b"before").expect("write");
    env.run([
        "blob",
        "get",
        &format!("{}/o/lies", proxy.addr),
        &layer.digest,
        "-o",
        path.to_str().expect("utf8"),
    ])
    .fails(1, "does not match its digest");
    assert_eq!(std::fs::read(&path).expect("kept"), b"before");
    let leftovers: Vec<_> = std::fs::read_dir(env.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ghcr-cli-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
