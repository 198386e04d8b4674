//! `packages prune` refuses while a version it keeps cannot be read (the joined fixture over
//! a real token-mode registry, with manifests broken in the registry's storage behind its
//! back): what such a version lists would look unused, and nothing may be deleted.

use std::collections::BTreeSet;

use crate::packages_prune::{delete_requests, repository};

/// A kept version whose manifest cannot be read lists nothing, so what it lists would look
/// unused: an unreadable untagged index kept by `--keep-untagged`, then a release whose
/// manifest the registry answers 404 for. Each time prune refuses, names the version, and
/// deletes nothing (not the index's children, not the release's platforms).
#[test]
fn prune_refuses_while_a_kept_version_cannot_be_read() {
    let r = repository();
    let storage = r.reg.dir.path().join("data/docker/registry/v2");
    // The stale index's bytes replaced behind the registry's back: it cannot be read.
    let hex = &r.stale.index.digest[7..];
    let blob = storage
        .join("blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    std::fs::write(&blob, b"{\"not\": \"a manifest\"").expect("corrupt the index");
    let out = r.env.run([
        "packages",
        "prune",
        r.image.as_str(),
        "--untagged",
        "--keep-untagged",
        "1",
        "--orphans",
        "--pause",
        "0",
        "--yes",
    ]);
    out.fails(
        1,
        &format!(
            "error: cannot read the kept version {} of {} from the registry: ",
            r.stale.index.digest, r.image
        ),
    )
    .fails(
        1,
        "hint: nothing was deleted: the versions it lists cannot be known",
    );
    assert_eq!(delete_requests(&r.api), Vec::<u64>::new());

    // Readable again; now 2.0/latest's manifest is gone from the registry (its tags stay).
    std::fs::write(&blob, &r.stale.index.data).expect("restore the index");
    let revision = storage
        .join("repositories/alice/app/_manifests/revisions/sha256")
        .join(&r.r2_index.digest[7..]);
    std::fs::remove_dir_all(revision).expect("remove the revision");
    let out = r.env.run([
        "packages",
        "prune",
        r.image.as_str(),
        "--keep-tagged",
        "1",
        "--untagged",
        "--orphans",
        "--pause",
        "0",
        "--yes",
    ]);
    out.fails(
        1,
        &format!(
            "error: cannot read the kept version {} of {} from the registry: the registry has no manifest for it (404), though the tag 2.0, latest is on it",
            r.r2_index.digest, r.image
        ),
    )
    .fails(
        1,
        &format!(
            "delete it alone first (`ghcr-cli packages delete {}@{}`)",
            r.image, r.r2_index.digest
        ),
    );
    assert_eq!(delete_requests(&r.api), Vec::<u64>::new());
    let left: BTreeSet<String> = r.api.joined_versions().into_iter().map(|v| v.1).collect();
    assert!(
        left.contains(&r.r2_amd) && left.contains(&r.r2_att),
        "{left:?}"
    );
}
