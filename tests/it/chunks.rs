//! Chunked uploads of blobs streamed from another registry: `sync` with a target registry's
//! `chunk_size`, `copy --chunk-size` (and config.toml's `chunk_size`). The target's proxy
//! records every request, so each blob's `PATCH`es are counted and their `Content-Range`s
//! checked against the blob's size; a source serving wrong bytes never gets its blob closed
//! on the target, chunked or not.

use std::collections::BTreeMap;

use crate::harness::TestEnv;
use crate::harness::image::{Blob, TestImage, image, random_bytes};
use crate::harness::proxy::{Faults, Proxy, Seen};
use crate::harness::registry::{Registry, seed_image};
use crate::sync::{Pair, digest_at, has_blob, report, write_config};

/// What one upload session sent: its `PATCH`es' `Content-Range` and `Content-Length`, in
/// order, and the `Content-Length` of each `PUT` that closed it.
#[derive(Debug, Default, PartialEq)]
struct Upload {
    chunks: Vec<(String, u64)>,
    closing: Vec<u64>,
}

/// The upload sessions the proxy saw, by the digest their closing `PUT ?digest=` named (a
/// session is its URL's path: distribution's `_state` query changes with every answer).
/// Sessions never closed are under `""`.
fn uploads(seen: &[Seen]) -> BTreeMap<String, Upload> {
    let session = |s: &Seen| s.path.split('?').next().unwrap_or("").to_string();
    let mut by_session: BTreeMap<String, Upload> = BTreeMap::new();
    let mut digests: BTreeMap<String, String> = BTreeMap::new();
    for s in seen.iter().filter(|s| s.path.contains("/blobs/uploads/")) {
        let upload = by_session.entry(session(s)).or_default();
        match s.method.as_str() {
            "PATCH" => upload.chunks.push((
                s.content_range.clone().unwrap_or_default(),
                s.content_length.unwrap_or(u64::MAX),
            )),
            "PUT" => {
                upload.closing.push(s.content_length.unwrap_or(u64::MAX));
                let digest = s.path.split("digest=").nth(1).unwrap_or("");
                let digest = digest.split('&').next().unwrap_or(digest);
                digests.insert(session(s), digest.replace("%3A", ":"));
            }
            _ => {}
        }
    }
    let mut out: BTreeMap<String, Upload> = BTreeMap::new();
    for (session, upload) in by_session {
        if upload.chunks.is_empty() && upload.closing.is_empty() {
            continue; // the POST that opened it, or a mount
        }
        let digest = digests.get(&session).cloned().unwrap_or_default();
        let entry = out.entry(digest).or_default();
        entry.chunks.extend(upload.chunks);
        entry.closing.extend(upload.closing);
    }
    out
}

/// What a chunked upload of `size` bytes in chunks of `chunk` sends: ceil(size/chunk)
/// contiguous `PATCH`es, then one closing `PUT` without a body.
fn chunked(size: usize, chunk: usize) -> Upload {
    let chunks = (0..size.div_ceil(chunk))
        .map(|i| {
            let start = i * chunk;
            let end = (start + chunk).min(size);
            (format!("{start}-{}", end - 1), (end - start) as u64)
        })
        .collect();
    Upload {
        chunks,
        closing: vec![0],
    }
}

/// What a streamed upload sends: no `PATCH`, one `PUT` with the whole blob.
fn streamed(size: usize) -> Upload {
    Upload {
        chunks: Vec::new(),
        closing: vec![size as u64],
    }
}

fn expected(images: &[&TestImage], each: impl Fn(usize) -> Upload) -> BTreeMap<String, Upload> {
    images
        .iter()
        .flat_map(|img| img.blobs())
        .map(|b| (b.digest.clone(), each(b.data.len())))
        .collect()
}

#[test]
fn sync_with_a_chunk_size_sends_each_blob_in_patches_of_that_size_and_without_it_none() {
    const CHUNK: usize = 64 * 1024;
    let env = TestEnv::new();
    let pair = Pair::new();
    let one = image(930, &[300_000, 200_000], "amd64");
    let two = image(931, &[150_000], "amd64");
    seed_image(&pair.src.addr, "app", "1", &one);
    seed_image(&pair.src.addr, "app", "2", &two);
    for b in one.blobs().chain(two.blobs()) {
        assert!(
            b.data.len() > CHUNK || b.data.len() < 10_000,
            "sizes as meant"
        );
    }
    let (s, d) = (&pair.src_proxy.addr, &pair.dst_proxy.addr);
    let config = write_config(
        &env,
        &format!(
            "registries:\n  \"{d}\": {{chunk_size: {CHUNK}}}\nsync:\n  - {{source: \"{s}/app\", target: \"{d}/chunked/app\"}}\n"
        ),
    );
    let lines = report(&env.run(["sync", &config, "--format", "json"]).ok());
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines.iter().all(|l| l["status"] == "copied"), "{lines:#?}");
    let dst = &pair.dst.addr;
    assert_eq!(
        digest_at(dst, "chunked/app", "1").as_deref(),
        Some(one.digest())
    );
    assert_eq!(
        digest_at(dst, "chunked/app", "2").as_deref(),
        Some(two.digest())
    );
    assert_eq!(
        uploads(&pair.dst_proxy.seen()),
        expected(&[&one, &two], |size| chunked(size, CHUNK))
    );

    // The same sync into another repository, with no chunk_size: one PUT per blob.
    pair.dst_proxy.clear_seen();
    let config = write_config(
        &env,
        &format!("sync:\n  - {{source: \"{s}/app\", target: \"{d}/plain/app\"}}\n"),
    );
    env.run(["sync", &config]).ok();
    assert_eq!(
        digest_at(dst, "plain/app", "1").as_deref(),
        Some(one.digest())
    );
    let seen = pair.dst_proxy.seen();
    assert!(seen.iter().all(|s| s.method != "PATCH"), "{seen:#?}");
    assert_eq!(uploads(&seen), expected(&[&one, &two], streamed));
}

/// A source registry with `img` at `repo:1`, and a target registry behind a recording proxy.
fn source_and_target(
    seed: u64,
    sizes: &[usize],
    repo: &str,
) -> (Registry, Registry, Proxy, TestImage) {
    let src = Registry::anonymous();
    let img = image(seed, sizes, "amd64");
    seed_image(&src.addr, repo, "1", &img);
    let dst = Registry::anonymous();
    let proxy = Proxy::start(&dst.addr, Faults::default());
    (src, dst, proxy, img)
}

/// `copy` of `repo:1` from `src` to the target behind `proxy` with `--chunk-size chunk`:
/// it succeeds and the target (`dst`, read directly) has `img`'s digest.
fn copy_chunked(
    src: &Registry,
    proxy: &Proxy,
    dst: &Registry,
    repo: &str,
    chunk: &str,
    img: &TestImage,
) {
    TestEnv::new()
        .run([
            "copy",
            &format!("{}/{repo}:1", src.addr),
            &format!("{}/{repo}:1", proxy.addr),
            "--chunk-size",
            chunk,
        ])
        .ok();
    assert_eq!(
        digest_at(&dst.addr, repo, "1").as_deref(),
        Some(img.digest())
    );
}

#[test]
fn copy_with_chunk_size_sends_patches_of_that_size_and_the_flag_wins_over_the_config() {
    let (src, dst, proxy, img) = source_and_target(932, &[400_000], "c/app");
    let env = TestEnv::new();
    let from = format!("{}/c/app:1", src.addr);
    let out: serde_json::Value = serde_json::from_str(
        &env.run([
            "copy",
            &from,
            &format!("{}/c/app:1", proxy.addr),
            "--chunk-size",
            "100KiB",
            "--format",
            "json",
        ])
        .ok(),
    )
    .expect("JSON");
    assert_eq!(out["digest"], img.digest());
    assert_eq!(out["blobsCopied"], 2);
    assert_eq!(
        digest_at(&dst.addr, "c/app", "1").as_deref(),
        Some(img.digest())
    );
    assert_eq!(
        uploads(&proxy.seen()),
        expected(&[&img], |size| chunked(size, 100 * 1024))
    );

    // config.toml's chunk_size for the target registry, as push takes it; a flag wins.
    let toml = env.path().join("config.toml");
    std::fs::write(
        &toml,
        format!("[registries.\"{}\"]\nchunk_size = 65536\n", proxy.addr),
    )
    .expect("write config");
    let toml = toml.to_str().expect("utf8");
    proxy.clear_seen();
    env.run([
        "--config",
        toml,
        "copy",
        &from,
        &format!("{}/c/configured:1", proxy.addr),
    ])
    .ok();
    assert_eq!(
        uploads(&proxy.seen()),
        expected(&[&img], |size| chunked(size, 65536))
    );
    proxy.clear_seen();
    env.run([
        "--config",
        toml,
        "copy",
        &from,
        &format!("{}/c/flag:1", proxy.addr),
        "--chunk-size",
        "150000",
    ])
    .ok();
    assert_eq!(
        uploads(&proxy.seen()),
        expected(&[&img], |size| chunked(size, 150_000))
    );
    assert_eq!(
        digest_at(&dst.addr, "c/flag", "1").as_deref(),
        Some(img.digest())
    );
}

#[test]
fn a_chunked_copy_cut_in_the_middle_of_a_chunk_starts_the_blob_over_in_a_new_session() {
    const CHUNK: usize = 64 * 1024;
    let (src, dst, proxy, img) = source_and_target(934, &[300_000], "cut/app");
    let layer = &img.layers[0];
    // The layer's first PATCH (the config's is smaller than the cut) loses its line.
    proxy.set_faults(Faults {
        reset_upload: Some(("PATCH".into(), 10_000, 1)),
        ..Faults::default()
    });
    let env = TestEnv::new();
    let out = env.run([
        "copy",
        &format!("{}/cut/app:1", src.addr),
        &format!("{}/cut/app:1", proxy.addr),
        "--chunk-size",
        "64KiB",
    ]);
    out.ok();
    assert!(
        out.stderr
            .contains(&format!("the copy of {} broke", &layer.digest[..19])),
        "{out:#?}"
    );
    assert_eq!(
        digest_at(&dst.addr, "cut/app", "1").as_deref(),
        Some(img.digest())
    );
    let mut sent = uploads(&proxy.seen());
    // The cut session was never closed; the new one sent every chunk from the first byte.
    let cut = sent.remove("").expect("the cut session");
    assert_eq!(cut.chunks, vec![(format!("0-{}", CHUNK - 1), CHUNK as u64)]);
    assert_eq!(sent, expected(&[&img], |size| chunked(size, CHUNK)));
}

#[test]
fn a_chunked_copy_sends_no_chunk_smaller_than_the_registry_asks() {
    let (src, dst, proxy, img) = source_and_target(935, &[300_000], "min/app");
    proxy.set_faults(Faults {
        chunk_min_length: Some(100_000),
        ..Faults::default()
    });
    copy_chunked(&src, &proxy, &dst, "min/app", "64KiB", &img);
    assert_eq!(
        uploads(&proxy.seen()),
        expected(&[&img], |size| chunked(size, 100_000))
    );
}

/// An empty layer in a chunked copy: no `PATCH`, a bare closing `PUT` (its digest, the
/// digest of nothing, checked before anything is sent).
#[test]
fn an_empty_blob_in_a_chunked_copy_is_a_bare_closing_put() {
    // An artifact whose first layer is a file of no bytes (its blob is empty, not a gzip).
    let config = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    let layers = vec![
        Blob::new("application/octet-stream", Vec::new()),
        Blob::new("application/octet-stream", random_bytes(937, 150_000)),
    ];
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/octet-stream",
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&manifest).expect("json"),
    );
    let img = TestImage {
        config,
        layers,
        manifest,
    };
    let src = Registry::anonymous();
    seed_image(&src.addr, "empty/app", "1", &img);
    let dst = Registry::anonymous();
    let proxy = Proxy::start(&dst.addr, Faults::default());
    copy_chunked(&src, &proxy, &dst, "empty/app", "64KiB", &img);
    assert_eq!(
        uploads(&proxy.seen()),
        expected(&[&img], |size| chunked(size, 64 * 1024))
    );
}

/// A registry asking for chunks over 64 MiB would make a copy hold that much per blob:
/// the blob goes in one streamed `PUT` instead.
#[test]
fn a_minimum_chunk_over_64_mib_sends_the_blob_in_one_put() {
    let (src, dst, proxy, img) = source_and_target(936, &[300_000], "huge/app");
    proxy.set_faults(Faults {
        chunk_min_length: Some(64 * 1024 * 1024 + 1),
        ..Faults::default()
    });
    copy_chunked(&src, &proxy, &dst, "huge/app", "64KiB", &img);
    assert_eq!(uploads(&proxy.seen()), expected(&[&img], streamed));
}

#[test]
fn copy_from_a_source_serving_wrong_bytes_tags_nothing_chunked_or_not() {
    const CHUNK: usize = 64 * 1024;
    let src = Registry::anonymous();
    let img = image(933, &[200_000], "amd64");
    seed_image(&src.addr, "lie/app", "1", &img);
    let layer = &img.layers[0];
    // One byte of every blob body flipped past the first chunk: the config (smaller) is
    // served as it is, the layer is not what its digest says.
    let lying = Proxy::start(
        &src.addr,
        Faults {
            flip_at: Some(70_000),
            ..Faults::default()
        },
    );
    let dst = Registry::anonymous();
    let proxy = Proxy::start(&dst.addr, Faults::default());
    let env = TestEnv::new();
    let from = format!("{}/lie/app:1", lying.addr);
    let refused = format!(
        "blob {} from {}/lie/app was refused",
        layer.digest, lying.addr
    );
    for (repo, chunk) in [("plain", None), ("chunked", Some(CHUNK.to_string()))] {
        proxy.clear_seen();
        let mut args = vec![
            "copy".to_string(),
            from.clone(),
            format!("{}/{repo}/app:1", proxy.addr),
        ];
        if let Some(c) = &chunk {
            args.extend(["--chunk-size".to_string(), c.clone()]);
        }
        let out = env.run(&args);
        out.fails(1, &refused).fails(1, "does not match its digest");
        let path = format!("{repo}/app");
        assert_eq!(digest_at(&dst.addr, &path, "1"), None, "{out:#?}");
        assert!(!has_blob(&dst.addr, &path, &layer.digest), "{repo}");
        if chunk.is_some() {
            // Chunks went up before the lie showed (at the last byte); the last one and the
            // closing `PUT ?digest=` never did. (Unchunked, the `PUT` is the stream itself,
            // cut off when the lie shows.)
            let sent = uploads(&proxy.seen());
            assert!(!sent.contains_key(&layer.digest), "{repo}: {sent:#?}");
            let open = sent.get("").map_or(0, |u| u.chunks.len());
            assert!(open < layer.data.len().div_ceil(CHUNK), "{repo}: {sent:#?}");
        }
    }
}
