//! `packages check` on the joined fixture: a sound package exits 0; after a platform
//! version of a tagged release is deleted by hand (a ghost), a release index is deleted
//! alone (its attestation and signature become orphans) and a tag's manifest disappears
//! from the registry (a broken tag), it names each and exits 1.

use crate::packages_prune::{Repo, repository};

#[test]
fn check_finds_a_ghost_orphans_and_a_broken_tag() {
    let r = repository();
    let out = r.env.run(["packages", "check", r.image.as_str()]);
    assert_eq!(out.ok(), "");
    assert!(
        out.stderr
            .contains(&format!("{}: 14 versions, nothing broken", r.image)),
        "{out:#?}"
    );

    // A ghost: r2 loses its amd64 image, as "delete untagged" tools do to releases.
    r.env
        .run([
            "packages",
            "delete",
            &format!("{}@{}", r.image, r.r2_amd),
            "--yes",
        ])
        .ok();
    // Orphans: r1's index deleted alone leaves its attestation and its signature behind.
    r.env
        .run(["packages", "delete", &format!("{}:1.0", r.image), "--yes"])
        .ok();
    // A broken tag: `single` tagged, then its manifest gone from the registry's storage.
    let single = r.single.digest().to_string();
    r.env
        .run([
            "tag",
            "--remote",
            &format!("{}@{single}", r.image),
            &format!("{}:broken", r.image),
        ])
        .ok();
    let revision = r
        .reg
        .dir
        .path()
        .join("data/docker/registry/v2/repositories/alice/app/_manifests/revisions/sha256")
        .join(&single[7..]);
    std::fs::remove_dir_all(revision).expect("remove the revision");

    let out = r
        .env
        .run(["packages", "check", r.image.as_str(), "--format", "json"]);
    out.fails(
        1,
        &format!("{} has 1 ghost images, 2 orphans, 1 broken tags", r.image),
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(report["clean"], false);
    let ghosts = report["ghosts"].as_array().expect("ghosts");
    assert_eq!(ghosts.len(), 1);
    assert_eq!(ghosts[0]["digest"], r.r2_index.digest.as_str());
    assert_eq!(ghosts[0]["tags"], serde_json::json!(["2.0", "latest"]));
    assert_eq!(
        ghosts[0]["missing"],
        serde_json::json!([{"platform": "linux/amd64", "digest": r.r2_amd}])
    );
    let mut orphans: Vec<String> = report["orphans"]
        .as_array()
        .expect("orphans")
        .iter()
        .filter_map(|o| o["digest"].as_str().map(str::to_string))
        .collect();
    orphans.sort();
    let mut want = vec![
        Repo::child(&r.r1, "attestation"),
        r.r1_sig.digest().to_string(),
    ];
    want.sort();
    assert_eq!(orphans, want);
    assert_eq!(
        report["brokenTags"],
        serde_json::json!([{"tag": "broken", "digest": single}])
    );

    let text = r.env.run(["packages", "check", r.image.as_str()]);
    text.fails(1, "hint: `ghcr-cli packages prune");
    assert!(
        text.stdout.contains(&format!(
            "ghost   2.0,latest  {}  version {}: missing linux/amd64 {}",
            r.r2_index.digest,
            r.api.id_of(&r.r2_index.digest),
            r.r2_amd
        )),
        "{text:#?}"
    );
    assert!(
        text.stdout.contains(&format!(
            "orphan  -  {}  version {}: attestation whose image index is gone",
            Repo::child(&r.r1, "attestation"),
            r.api.id_of(&Repo::child(&r.r1, "attestation"))
        )),
        "{text:#?}"
    );
}
