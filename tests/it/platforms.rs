//! Multi-platform images keep every platform: a default pull stores the index with this
//! machine's image present (a sparse index), and push and copy send the whole index back,
//! fetching the absent platforms from where they came from (issue #11).

use crate::harness::image::{self, MultiImage};
use crate::harness::registry::{self, Registry};
use crate::harness::{TestEnv, tool};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `skopeo copy --all` reads every platform of `reference` back into a fresh layout, and the
/// registry serves the index byte for byte.
fn assert_whole_on_registry(env: &TestEnv, reference: &str, multi: &MultiImage) {
    let raw = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{reference}"),
        ],
    );
    assert_eq!(raw.as_bytes(), multi.index.data.as_slice(), "{reference}");
    let dir = tempfile::tempdir_in(env.path()).expect("tempdir");
    tool(
        "skopeo",
        &[
            "copy",
            "--all",
            "--src-tls-verify=false",
            &format!("docker://{reference}"),
            // dir: keeps every manifest and blob as served (oci: would convert Docker types).
            &format!("dir:{}", dir.path().display()),
        ],
    );
    for child in &multi.children {
        let manifest = dir.path().join(format!(
            "{}.manifest.json",
            &child.image.manifest.digest[7..]
        ));
        assert_eq!(
            std::fs::read(&manifest).ok().as_deref(),
            Some(child.image.manifest.data.as_slice()),
            "the {} manifest read back from {reference}",
            child.label
        );
        for b in child.image.blobs() {
            let path = dir.path().join(&b.digest[7..]);
            assert_eq!(
                std::fs::read(&path).ok().as_deref(),
                Some(b.data.as_slice()),
                "{} of {} read back from {reference}",
                b.digest,
                child.label
            );
        }
    }
}

/// The everyday flow, for one kind of multi-platform image: pull (this machine's platform),
/// tag, push to the same repository, another repository, and a second registry; every push
/// ends with the index digest that was pulled, and the absent platform is streamed from the
/// source registry for the second registry.
fn pull_tag_push_keeps_the_index(multi: &MultiImage, other: &str) {
    let a = Registry::anonymous();
    let b = Registry::anonymous();
    registry::seed(&a.addr, "o/app", "1", multi);
    let index = &multi.index.digest;
    let host = image::host_platform();
    let here = multi.child(host);
    let absent = multi.child(other);

    let env = TestEnv::new();
    let src = format!("{}/o/app:1", a.addr);
    let pulled = json(&env.run(["pull", &src, "--format", "json"]).ok());
    assert_eq!(pulled["reference"], format!("{src}@{index}"));
    assert_eq!(pulled["digest"], *index);
    assert_eq!(pulled["platform"], host);
    assert_eq!(pulled["platformDigest"], here.manifest.digest);
    // The index itself is stored under the name; the other platform only referenced.
    let images = json(&env.run(["images", "--format", "json"]).ok());
    assert_eq!(images[0]["digest"], *index);
    assert_eq!(images[0]["platforms"], serde_json::json!([host]));
    assert_eq!(images[0]["absentPlatforms"], serde_json::json!([other]));
    let store_blob = |d: &str| env.store().join("blobs/sha256").join(&d[7..]);
    assert!(store_blob(&here.manifest.digest).exists());
    assert!(!store_blob(&absent.manifest.digest).exists());
    assert!(!store_blob(&absent.layers[0].digest).exists());

    // Same repository, new tag: nothing to fetch, the index lands whole.
    let latest = format!("{}/o/app:latest", a.addr);
    env.run(["tag", &src, &latest]).ok();
    assert_eq!(env.run(["push", &latest]).ok(), format!("{latest}@{index}"));
    assert_whole_on_registry(&env, &latest, multi);

    // Another repository of the same registry: the absent child's blobs are mounted.
    let mirror = format!("{}/o/mirror:1", a.addr);
    env.run(["tag", &src, &mirror]).ok();
    assert_eq!(env.run(["push", &mirror]).ok(), format!("{mirror}@{index}"));
    assert_whole_on_registry(&env, &mirror, multi);

    // A second registry: the absent platform's layer is streamed from the source registry,
    // exactly once.
    // (skopeo's read-backs above fetched it too, so count from here.)
    let layer_get = format!("/v2/o/app/blobs/{}", absent.layers[0].digest);
    let before = a.count_requests("GET", &layer_get);
    let far = format!("{}/o/app:1", b.addr);
    env.run(["tag", &src, &far]).ok();
    assert_eq!(env.run(["push", &far]).ok(), format!("{far}@{index}"));
    assert_eq!(
        a.count_requests("GET", &layer_get) - before,
        1,
        "streamed from the source"
    );
    assert_whole_on_registry(&env, &far, multi);

    // copy without flags keeps the index.
    let copied = format!("{}/o/copy:1", b.addr);
    assert_eq!(
        env.run(["copy", &src, &copied]).ok(),
        format!("{copied}@{index}")
    );
    assert_whole_on_registry(&env, &copied, multi);
    // copy --platform narrows to that platform's manifest and says which, in JSON too.
    let narrowed = format!("{}/o/copy-one:1", b.addr);
    let one = json(
        &env.run([
            "copy",
            &src,
            &narrowed,
            "--platform",
            other,
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(one["digest"], absent.manifest.digest);
    assert_eq!(one["platform"], other);
    assert!(
        json(&env.run(["copy", &src, &copied, "--format", "json"]).ok())
            .get("platform")
            .is_none()
    );

    // push --platform of the platform never pulled: not found, and how to get it.
    let out = env.run(["push", &src, "--platform", other]);
    out.fails(
        3,
        &format!(
            "{src} has no {other} image in the local store; it has: {}",
            image::host_platform()
        ),
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: pull it first: `ghcr-cli pull --platform {other} {src}`"
        )),
        "{out:#?}"
    );

    // A later pull of the other platform fills in that child under the same index.
    let filled = json(
        &env.run(["pull", &src, "--platform", other, "--format", "json"])
            .ok(),
    );
    assert_eq!(filled["digest"], *index);
    assert_eq!(filled["platformDigest"], absent.manifest.digest);
    let images = json(&env.run(["images", "--format", "json"]).ok());
    let row = images
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == src))
        .expect("row");
    assert_eq!(row["absentPlatforms"], serde_json::json!([]));
}

#[test]
fn oci_index_with_attestation_keeps_every_platform_through_pull_tag_push() {
    let multi = image::multi_oci(1100);
    let other = if image::host_platform() == "linux/amd64" {
        "linux/arm64"
    } else {
        "linux/amd64"
    };
    pull_tag_push_keeps_the_index(&multi, other);
}

#[test]
fn docker_manifest_list_keeps_every_platform_through_pull_tag_push() {
    let multi = image::multi_docker(1200);
    // The manifest list names its arm64 image with the v8 variant.
    let other = if image::host_platform() == "linux/amd64" {
        "linux/arm64/v8"
    } else {
        "linux/amd64"
    };
    pull_tag_push_keeps_the_index(&multi, other);
}

#[test]
fn push_refuses_to_shrink_an_index_whose_source_is_gone() {
    let target = Registry::anonymous();
    let multi = image::multi_oci(1300);
    let env = TestEnv::new();
    let src;
    {
        let source = Registry::anonymous();
        registry::seed(&source.addr, "o/app", "1", &multi);
        src = format!("{}/o/app:1", source.addr);
        env.run(["pull", &src, "--platform", "linux/amd64"]).ok();
    } // the source registry stops here
    let dst = format!("{}/o/gone:1", target.addr);
    env.run(["tag", &src, &dst]).ok();
    let out = env.run(["push", &dst, "--retries", "0"]);
    out.fails(1, "linux/arm64")
        .fails(1, &multi.child("linux/arm64").manifest.digest);
    assert!(
        out.stderr
            .contains(&format!("`ghcr-cli push --platform linux/amd64 {dst}`")),
        "{out:#?}"
    );
    assert!(out.stderr.contains("pull --all-platforms"), "{out:#?}");
    // The attestation is an absent child too, but never offered as a platform to push.
    assert!(!out.stderr.contains("--platform unknown"), "{out:#?}");
    // Nothing under the tag, and not one manifest PUT.
    assert!(!registry::has_manifest(&target.addr, "o/gone", "1"));
    assert_eq!(target.count_requests("PUT", "/v2/o/gone/manifests/"), 0);

    // The explicit way forward: one platform, as a single-platform image, said so.
    let amd = multi.child("linux/amd64");
    let out = env.run(["push", &dst, "--platform", "linux/amd64"]);
    assert_eq!(out.ok(), format!("{dst}@{}", amd.manifest.digest));
    assert!(
        out.stderr.contains("as a single-platform image"),
        "{out:#?}"
    );
}

#[test]
fn platform_choice_errors_name_what_exists() {
    let reg = Registry::anonymous();
    let multi = image::multi_oci(1400);
    registry::seed(&reg.addr, "o/multi", "1", &multi);
    let single = image::image(1450, &[800], "amd64");
    registry::seed_image(&reg.addr, "o/single", "1", &single);
    let env = TestEnv::new();
    let multi_ref = format!("{}/o/multi:1", reg.addr);
    // The attestation (unknown/unknown) is not offered as a platform.
    env.run(["pull", &multi_ref, "--platform", "linux/s390x"]).fails(
        3,
        &format!("{multi_ref} has no image for platform linux/s390x; it has: linux/amd64, linux/arm64\n"),
    );
    env.run(["pull", &multi_ref, "--platform", "unknown/unknown"])
        .fails(3, "it has: linux/amd64, linux/arm64");
    let single_ref = format!("{}/o/single:1", reg.addr);
    env.run(["pull", &single_ref, "--platform", "linux/arm64"])
        .fails(
            3,
            &format!("{single_ref} has no image for platform linux/arm64; it has: linux/amd64 (a single-platform image)"),
        );
    assert!(!env.store().join("index.json").exists() || env.run(["images", "-q"]).ok().is_empty());
    // digest --platform: the platform image's digest; without, the index's.
    assert_eq!(
        env.run(["digest", &multi_ref, "--platform", "linux/arm64"])
            .ok(),
        multi.child("linux/arm64").manifest.digest
    );
    assert_eq!(env.run(["digest", &multi_ref]).ok(), multi.index.digest);
    // --platform all is --all-platforms; inspect shows the attestation as one.
    env.run(["pull", &multi_ref, "--platform", "all"]).ok();
    let inspect = json(
        &env.run(["inspect", "--local", &multi_ref, "--format", "json"])
            .ok(),
    );
    let labels: Vec<&str> = inspect["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .filter_map(|p| p["platform"].as_str())
        .collect();
    assert_eq!(labels, ["linux/amd64", "linux/arm64", "attestation"]);
    // A single-platform image shows its platform from the config.
    env.run(["pull", &single_ref]).ok();
    let images = json(&env.run(["images", "--format", "json"]).ok());
    let row = images
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == single_ref))
        .expect("row");
    assert_eq!(row["platforms"], serde_json::json!(["linux/amd64"]));
}

#[test]
fn nested_index_is_followed() {
    let reg = Registry::anonymous();
    let multi = image::multi_oci(1500);
    registry::seed(&reg.addr, "o/nest", "inner", &multi);
    let outer = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [multi.index.descriptor()],
    });
    let outer = serde_json::to_vec(&outer).expect("json");
    registry::put_manifest(
        &reg.addr,
        "o/nest",
        "1",
        "application/vnd.oci.image.index.v1+json",
        &outer,
    );
    let env = TestEnv::new();
    let r = format!("{}/o/nest:1", reg.addr);
    let pulled = json(
        &env.run(["pull", &r, "--platform", "linux/arm64", "--format", "json"])
            .ok(),
    );
    assert_eq!(pulled["digest"], image::sha256(&outer));
    assert_eq!(
        pulled["platformDigest"],
        multi.child("linux/arm64").manifest.digest
    );
    // Pushed back elsewhere whole: the outer index, the inner one, every child.
    let copy = format!("{}/o/nest2:1", reg.addr);
    env.run(["tag", &r, &copy]).ok();
    assert_eq!(
        env.run(["push", &copy]).ok(),
        format!("{copy}@{}", image::sha256(&outer))
    );
    assert!(registry::has_manifest(
        &reg.addr,
        "o/nest2",
        &multi.index.digest
    ));
    assert!(registry::has_manifest(
        &reg.addr,
        "o/nest2",
        &multi.child("linux/amd64").manifest.digest
    ));
}

#[test]
fn a_sparse_index_saves_prunes_and_exports_what_is_here() {
    let reg = Registry::anonymous();
    let multi = image::multi_oci(1600);
    registry::seed(&reg.addr, "o/app", "1", &multi);
    let env = TestEnv::new();
    let r = format!("{}/o/app:1", reg.addr);
    env.run(["pull", &r, "--platform", "linux/arm64"]).ok();
    // prune keeps everything the sparse index reaches, and where its absent platforms are.
    env.run(["prune"]).ok();
    let other = Registry::anonymous();
    let far = format!("{}/o/app:1", other.addr);
    env.run(["tag", &r, &far]).ok();
    assert_eq!(
        env.run(["push", &far]).ok(),
        format!("{far}@{}", multi.index.digest),
        "pushed whole after a prune"
    );
    let arm = multi.child("linux/arm64");
    for b in arm.blobs().chain([&arm.manifest, &multi.index]) {
        assert!(
            env.store()
                .join("blobs/sha256")
                .join(&b.digest[7..])
                .exists(),
            "{} pruned",
            b.digest
        );
    }
    // oci-archive: an index of the present platform only, and a note naming what is left out.
    let tar = env.path().join("app.tar");
    let out = env.run([
        "save",
        &r,
        "--format",
        "oci-archive",
        "-o",
        tar.to_str().expect("utf8"),
    ]);
    out.ok();
    assert!(
        out.stderr.contains("left out: linux/amd64, attestation"),
        "{out:#?}"
    );
    let unpacked = env.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).expect("mkdir");
    tar::Archive::new(std::fs::File::open(&tar).expect("tar"))
        .unpack(&unpacked)
        .expect("unpack");
    let layout_index = json(&std::fs::read_to_string(unpacked.join("index.json")).expect("index"));
    let written = layout_index["manifests"][0]["digest"]
        .as_str()
        .expect("digest")
        .to_string();
    let narrowed = json(
        &std::fs::read_to_string(unpacked.join("blobs/sha256").join(&written[7..]))
            .expect("index blob"),
    );
    let mut expected = json(std::str::from_utf8(&multi.index.data).expect("utf8"));
    expected["manifests"]
        .as_array_mut()
        .expect("manifests")
        .retain(|d| d["digest"] == arm.manifest.digest);
    assert_eq!(narrowed, expected);
    // skopeo reads the written layout (every blob it names is there).
    tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            &format!("oci-archive:{}:{r}", tar.display()),
        ],
    );
    // docker-archive: the one platform here, without --platform.
    let dtar = env.path().join("docker.tar");
    env.run(["save", &r, "-o", dtar.to_str().expect("utf8")])
        .ok();
    let inspect = tool(
        "skopeo",
        &[
            "inspect",
            "--config",
            &format!("docker-archive:{}", dtar.display()),
        ],
    );
    assert!(inspect.contains("\"architecture\": \"arm64\""), "{inspect}");
}

/// An index in an index, both sparse: the outer one lists the inner index and an s390x
/// image, and a pull of linux/arm64 stores only the arm64 image of the inner one. `save`
/// narrows both levels, so the layout it writes names no blob it lacks; the expected
/// indexes are the originals' JSON with the absent entries dropped and the inner entry
/// pointing at the narrowed inner index.
#[test]
fn a_nested_sparse_index_saves_narrowed_at_every_level() {
    let reg = Registry::anonymous();
    let multi = image::multi_oci(1700);
    registry::seed(&reg.addr, "o/nest", "inner", &multi);
    let s390x = image::image(1750, &[900], "s390x");
    registry::seed_image(&reg.addr, "o/nest", s390x.digest(), &s390x);
    let mut s390x_entry = s390x.manifest.descriptor();
    s390x_entry["platform"] = serde_json::json!({"os": "linux", "architecture": "s390x"});
    let outer = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [multi.index.descriptor(), s390x_entry],
    }))
    .expect("json");
    registry::put_manifest(
        &reg.addr,
        "o/nest",
        "1",
        "application/vnd.oci.image.index.v1+json",
        &outer,
    );
    let env = TestEnv::new();
    let r = format!("{}/o/nest:1", reg.addr);
    env.run(["pull", &r, "--platform", "linux/arm64"]).ok();

    let tar = env.path().join("nest.tar");
    let out = env.run([
        "save",
        &r,
        "--format",
        "oci-archive",
        "-o",
        tar.to_str().expect("utf8"),
    ]);
    out.ok();
    assert!(
        out.stderr
            .contains("left out: linux/amd64, attestation, linux/s390x"),
        "{out:#?}"
    );

    // The expected indexes, from the originals: the inner one keeps its arm64 entry, the
    // outer one its inner entry, with the narrowed inner index's digest and size.
    let arm = multi.child("linux/arm64");
    let mut inner = json(std::str::from_utf8(&multi.index.data).expect("utf8"));
    inner["manifests"]
        .as_array_mut()
        .expect("manifests")
        .retain(|d| d["digest"] == arm.manifest.digest);
    let inner = serde_json::to_vec(&inner).expect("json");
    let mut expected = json(std::str::from_utf8(&outer).expect("utf8"));
    let entries = expected["manifests"].as_array_mut().expect("manifests");
    entries.retain(|d| d["digest"] == multi.index.digest);
    entries[0]["digest"] = image::sha256(&inner).into();
    entries[0]["size"] = inner.len().into();
    let expected = serde_json::to_vec(&expected).expect("json");

    let unpacked = env.path().join("unpacked");
    std::fs::create_dir_all(&unpacked).expect("mkdir");
    tar::Archive::new(std::fs::File::open(&tar).expect("tar"))
        .unpack(&unpacked)
        .expect("unpack");
    let layout_index = json(&std::fs::read_to_string(unpacked.join("index.json")).expect("index"));
    assert_eq!(
        layout_index["manifests"][0]["digest"],
        image::sha256(&expected)
    );
    let blob = |digest: &str| std::fs::read(unpacked.join("blobs/sha256").join(&digest[7..])).ok();
    assert_eq!(blob(&image::sha256(&expected)), Some(expected.clone()));
    assert_eq!(blob(&image::sha256(&inner)), Some(inner.clone()));
    for b in arm.blobs() {
        assert_eq!(blob(&b.digest).as_ref(), Some(&b.data), "{}", b.digest);
    }
    // Neither original index is written: each names a blob the layout lacks.
    assert_eq!(blob(&multi.index.digest), None);
    assert_eq!(blob(&image::sha256(&outer)), None);

    // The layout is whole: a load, which checks every blob the index reaches, takes it.
    let other = TestEnv::new();
    let loaded = other.run(["load", "-i", tar.to_str().expect("utf8")]).ok();
    assert_eq!(loaded, r);
    let images = json(&other.run(["images", "--format", "json"]).ok());
    assert_eq!(images[0]["digest"], image::sha256(&expected));
    assert_eq!(images[0]["platforms"], serde_json::json!(["linux/arm64"]));
    assert_eq!(images[0]["absentPlatforms"], serde_json::json!([]));
}
