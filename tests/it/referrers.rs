//! `attach`, `referrers`, and referrers carried by `copy`, `pull`, `prune` and `save`: on real
//! docker-registry 2.8 processes (the tag schema only: `sha256-<hex>` tags holding an index),
//! and on a registry that serves the OCI 1.1 referrers API (the harness's fixture in front of
//! a real registry), where the API is used and no tag-schema index is written.

use std::path::Path;

use crate::artifact::raw_manifest;
use crate::harness::image::{multi_oci, sha256};
use crate::harness::referrers_api::ReferrersApi;
use crate::harness::registry::{Registry, has_manifest, seed};
use crate::harness::{Proc, TestEnv};

const SBOM: &str = "application/spdx+json";
const SIG: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const SIG_OF_SBOM: &str = "application/vnd.example.sbom-signature";

fn file(env: &TestEnv, name: &str, body: &str) -> String {
    let p = env.path().join(name);
    std::fs::write(&p, body).expect("write");
    p.display().to_string()
}

/// The tag-schema tag of a digest.
fn schema_tag(digest: &str) -> String {
    digest.replace(':', "-")
}

/// What the three attaches made: an SBOM and a signature of the image, and a signature of
/// the SBOM.
struct Attached {
    index: String,
    sbom: String,
    sig: String,
    sbom_sig: String,
}

/// A multi-platform image at `addr/app:1.0`, with an SBOM and a signature attached, and a
/// signature attached to the SBOM.
fn attach_three(env: &TestEnv, addr: &str, seed_addr: &str) -> Attached {
    let image = multi_oci(40);
    seed(seed_addr, "app", "1.0", &image);
    let subject = format!("{addr}/app:1.0");
    let sbom_file = file(env, "sbom.spdx.json", r#"{"spdxVersion":"SPDX-2.3"}"#);
    let sbom = env
        .run([
            "attach",
            &subject,
            &format!("{sbom_file}:{SBOM}"),
            "--artifact-type",
            SBOM,
        ])
        .ok();
    let sig_file = file(env, "image.sig", "signature of the image");
    let sig = env
        .run(["attach", &subject, &sig_file, "--artifact-type", SIG])
        .ok();
    let sbom_sig_file = file(env, "sbom.sig", "signature of the sbom");
    let sbom_sig = env
        .run([
            "attach",
            &format!("{addr}/app@{sbom}"),
            &sbom_sig_file,
            "--artifact-type",
            SIG_OF_SBOM,
        ])
        .ok();
    Attached {
        index: image.index.digest.clone(),
        sbom,
        sig,
        sbom_sig,
    }
}

fn expected_tree(addr: &str, a: &Attached) -> String {
    format!(
        "{addr}/app@{}\n├── {} {SBOM}\n│   └── {} {SIG_OF_SBOM}\n└── {} {SIG}",
        a.index, a.sbom, a.sbom_sig, a.sig
    )
}

/// On docker-registry 2.8 (no referrers API): `attach` writes the subject's `sha256-<hex>`
/// index, `referrers` lists both artifacts (filtered by type on request), `--format tree`
/// shows the signature of the SBOM under the SBOM, and each artifact's subject is the index.
#[test]
fn attach_to_a_multi_platform_image_uses_the_tag_schema_on_distribution() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let a = attach_three(&env, &reg.addr, &reg.addr);
    // The printed digests are the artifacts' bytes, which name the index as subject.
    let sbom_bytes = raw_manifest(&reg.addr, "app", &a.sbom);
    assert_eq!(sha256(&sbom_bytes), a.sbom);
    let m: serde_json::Value = serde_json::from_slice(&sbom_bytes).expect("json");
    assert_eq!(m["subject"]["digest"], a.index.as_str());
    assert_eq!(
        m["subject"]["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    assert_eq!(m["artifactType"], SBOM);

    let index: serde_json::Value =
        serde_json::from_slice(&raw_manifest(&reg.addr, "app", &schema_tag(&a.index)))
            .expect("tag-schema index");
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let listed: Vec<(&str, &str)> = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .map(|d| {
            (
                d["digest"].as_str().unwrap_or(""),
                d["artifactType"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(listed, [(a.sbom.as_str(), SBOM), (a.sig.as_str(), SIG)]);

    let subject = format!("{}/app:1.0", reg.addr);
    let lines = env.run(["referrers", &subject]).ok();
    assert_eq!(lines, format!("{} {SBOM}\n{} {SIG}", a.sbom, a.sig));
    let tree = env.run(["referrers", &subject, "--format", "tree"]).ok();
    assert_eq!(tree, expected_tree(&reg.addr, &a));
    let json: serde_json::Value = serde_json::from_str(
        &env.run([
            "referrers",
            &subject,
            "--artifact-type",
            SIG,
            "--format",
            "json",
        ])
        .ok(),
    )
    .expect("json");
    assert_eq!(json["source"], "tag-schema");
    assert_eq!(json["referrers"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["referrers"][0]["digest"], a.sig.as_str());
}

/// Four `attach` processes on one subject at once: each reads the tag-schema index, adds its
/// artifact and puts it; a writer whose entry another one overwrote sees it missing and adds
/// it again, so all four end up in the index.
#[test]
fn racing_attach_processes_all_end_up_in_the_tag_schema_index() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let image = multi_oci(41);
    seed(&reg.addr, "race", "1.0", &image);
    let subject = format!("{}/race:1.0", reg.addr);
    let procs: Vec<Proc> = (0..4)
        .map(|i| {
            let f = file(&env, &format!("sig{i}"), &format!("signature {i}"));
            let mut cmd = env.command(["attach", &subject, &f, "--artifact-type", SIG]);
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            Proc::spawn("ghcr-cli attach", &mut cmd)
        })
        .collect();
    let mut digests = Vec::new();
    for mut p in procs {
        let out = p
            .child
            .stdout
            .take()
            .map(std::io::read_to_string)
            .expect("stdout")
            .expect("read");
        let status = p.child.wait().expect("wait");
        assert!(status.success(), "attach failed");
        digests.push(out.trim().to_string());
    }
    let index: serde_json::Value = serde_json::from_slice(&raw_manifest(
        &reg.addr,
        "race",
        &schema_tag(&image.index.digest),
    ))
    .expect("index");
    let mut listed: Vec<String> = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .map(|d| d["digest"].as_str().unwrap_or("").to_string())
        .collect();
    listed.sort();
    digests.sort();
    assert_eq!(
        listed, digests,
        "every racing writer's artifact is listed once"
    );
}

/// `copy --referrers` from one docker-registry to another carries the image and every
/// referrer (the signature of the SBOM too), listed on the target's tag schema.
#[test]
fn copy_with_referrers_carries_them_to_another_registry() {
    let (one, two) = (Registry::anonymous(), Registry::anonymous());
    let env = TestEnv::new();
    let a = attach_three(&env, &one.addr, &one.addr);
    let out = env.run([
        "copy",
        "--referrers",
        &format!("{}/app:1.0", one.addr),
        &format!("{}/app:1.0", two.addr),
    ]);
    assert_eq!(out.ok(), format!("{}/app:1.0@{}", two.addr, a.index));
    let tree = env
        .run([
            "referrers",
            &format!("{}/app:1.0", two.addr),
            "--format",
            "tree",
        ])
        .ok();
    assert_eq!(tree, expected_tree(&two.addr, &a));
    for d in [&a.sbom, &a.sig, &a.sbom_sig] {
        assert_eq!(sha256(&raw_manifest(&two.addr, "app", d)), *d);
    }
    assert!(has_manifest(&two.addr, "app", &schema_tag(&a.index)));
}

/// A registry that serves the referrers API (the fixture in front of a real registry):
/// `attach` sees `OCI-Subject` and writes no `sha256-<hex>` tag, `referrers` reads the API,
/// and `copy --referrers` from the tag-schema registry converts to the API there.
#[test]
fn the_referrers_api_is_used_when_the_registry_offers_it() {
    let backing = Registry::anonymous();
    let api = ReferrersApi::start(&backing.addr);
    let env = TestEnv::new();
    let a = attach_three(&env, &api.addr, &backing.addr);
    let subject = format!("{}/app:1.0", api.addr);
    let json: serde_json::Value =
        serde_json::from_str(&env.run(["referrers", &subject, "--format", "json"]).ok())
            .expect("json");
    assert_eq!(json["source"], "api");
    let listed: Vec<&str> = json["referrers"]
        .as_array()
        .expect("referrers")
        .iter()
        .map(|d| d["digest"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(listed, [a.sbom.as_str(), a.sig.as_str()]);
    let tree = env.run(["referrers", &subject, "--format", "tree"]).ok();
    assert_eq!(tree, expected_tree(&api.addr, &a));
    let seen = api.seen();
    assert!(
        seen.iter()
            .any(|r| r == &format!("GET /v2/app/referrers/{}", a.index)),
        "{seen:#?}"
    );
    assert!(
        !seen.iter().any(|r| r.contains("/manifests/sha256-")),
        "no tag-schema request on an API registry: {seen:#?}"
    );
    assert!(!has_manifest(&backing.addr, "app", &schema_tag(&a.index)));

    // From the tag schema to the API: the target lists them, and gets no tag either.
    let source = Registry::anonymous();
    let b = attach_three(&env, &source.addr, &source.addr);
    env.run([
        "copy",
        "--referrers",
        &format!("{}/app:1.0", source.addr),
        &format!("{}/copied:1.0", api.addr),
    ])
    .ok();
    let lines = env
        .run(["referrers", &format!("{}/copied:1.0", api.addr)])
        .ok();
    assert_eq!(lines, format!("{} {SBOM}\n{} {SIG}", b.sbom, b.sig));
    assert!(!has_manifest(
        &backing.addr,
        "copied",
        &schema_tag(&b.index)
    ));
}

fn blob(store: &Path, digest: &str) -> std::path::PathBuf {
    store
        .join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"))
}

/// `pull --referrers` keeps the artifacts with their image in the store: `prune` keeps them
/// while a name reaches the image, `save --referrers` writes them (unnamed) into the layout,
/// `load` of that layout elsewhere keeps them again, and once the image's name is gone,
/// `prune` collects them and their index entries.
#[test]
fn pulled_referrers_stay_with_their_subject_through_prune_and_save() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let a = attach_three(&env, &reg.addr, &reg.addr);
    let name = format!("{}/app:1.0", reg.addr);
    let pulled: serde_json::Value = serde_json::from_str(
        &env.run([
            "pull",
            &name,
            "--all-platforms",
            "--referrers",
            "--format",
            "json",
        ])
        .ok(),
    )
    .expect("json");
    let mut got: Vec<&str> = pulled["referrers"]
        .as_array()
        .expect("referrers")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    got.sort();
    let mut want = vec![a.sbom.as_str(), a.sig.as_str(), a.sbom_sig.as_str()];
    want.sort();
    assert_eq!(got, want);
    let store = env.store();
    let before = std::fs::read_dir(store.join("blobs/sha256"))
        .expect("blobs")
        .count();
    env.run(["prune"]).ok();
    let after = std::fs::read_dir(store.join("blobs/sha256"))
        .expect("blobs")
        .count();
    assert_eq!(
        before, after,
        "prune deleted nothing: every blob is the image's or its referrers'"
    );
    for d in &want {
        assert!(blob(&store, d).exists(), "prune kept {d}");
    }
    let layout = env.path().join("saved");
    env.run([
        "save",
        &name,
        "--referrers",
        "--format",
        "oci-dir",
        "-o",
        layout.to_str().expect("dir"),
    ])
    .ok();
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(layout.join("index.json")).expect("index"))
            .expect("json");
    let mut unnamed: Vec<&str> = index["manifests"]
        .as_array()
        .expect("manifests")
        .iter()
        .filter(|d| {
            d.get("annotations")
                .and_then(|a| a.get("org.opencontainers.image.ref.name"))
                .is_none()
        })
        .filter_map(|d| d["digest"].as_str())
        .collect();
    unnamed.sort();
    assert_eq!(unnamed, want, "{index:#}");
    for d in &want {
        assert!(blob(&layout, d).exists(), "saved {d}");
    }
    // The layout loads back elsewhere with its referrers kept (not named, not refused).
    let other = TestEnv::new();
    other
        .run(["load", "-i", layout.to_str().expect("dir")])
        .ok();
    other.run(["prune"]).ok();
    for d in &want {
        assert!(blob(&other.store(), d).exists(), "loaded and kept {d}");
    }

    env.run(["rmi", &name]).ok();
    env.run(["prune"]).ok();
    for d in &want {
        assert!(!blob(&store, d).exists(), "prune collected {d}");
    }
    let left = std::fs::read_to_string(store.join("index.json")).expect("index");
    assert!(!left.contains(&a.sbom), "{left}");
}

/// A named artifact whose subject is also named: `prune` keeps every blob of the subject,
/// whichever of the two it walks first (it once marked the subject seen from the artifact
/// without walking it, and deleted its config and layers).
#[test]
fn prune_keeps_the_blobs_of_an_image_a_named_artifact_refers_to() {
    use crate::harness::image;
    let env = TestEnv::new();
    let subject = image::image(95, &[300, 200], "amd64");
    let artifact = image::artifact(&subject);
    let layout = env.path().join("layout");
    // The artifact last: prune's walk takes the last entry first.
    image::write_layout(
        &layout,
        &[
            ("ghcr.io/o/app:1", &subject),
            ("ghcr.io/o/app:sbom", &artifact),
        ],
    );
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["prune"]).ok();
    for b in subject.blobs().chain(artifact.blobs()) {
        assert!(blob(&env.store(), &b.digest).exists(), "kept {}", b.digest);
    }
}
