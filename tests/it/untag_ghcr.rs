//! `untag` on ghcr.io (the joined fixture stands in for it): one of a version's two tags is
//! moved onto a placeholder manifest whose package version is then deleted; the other tag
//! still resolves to the same digest and the placeholder is gone.

use std::collections::BTreeSet;

use crate::packages_prune::{delete_requests, repository};

#[test]
fn untag_on_ghcr_moves_the_tag_to_a_placeholder_and_deletes_that_version() {
    let r = repository();
    let before: BTreeSet<u64> = r.api.joined_versions().into_iter().map(|v| v.0).collect();
    let latest = format!("{}:latest", r.image);
    let out = r.env.run(["untag", &latest]);
    assert_eq!(out.ok(), format!("{latest}@{}", r.r2_index.digest));
    assert!(
        out.stderr.contains("cannot delete a tag alone (a package version goes with all its tags): moving `latest` onto a placeholder manifest, then deleting the placeholder's package version"),
        "{out:#?}"
    );
    assert!(out.stderr.contains("still tagged 2.0"), "{out:#?}");
    assert_eq!(
        r.env.run(["digest", &format!("{}:2.0", r.image)]).ok(),
        r.r2_index.digest
    );
    r.env.run(["digest", &latest]).fails(3, "");
    // The placeholder's version was the one deleted, and it is gone.
    let after: BTreeSet<u64> = r.api.joined_versions().into_iter().map(|v| v.0).collect();
    assert_eq!(after, before);
    let deleted = delete_requests(&r.api);
    assert_eq!(deleted.len(), 1);
    assert!(!before.contains(&deleted[0]), "{deleted:?}");
    let tags: Vec<Vec<String>> = r
        .api
        .joined_versions()
        .into_iter()
        .filter(|v| v.1 == r.r2_index.digest)
        .map(|v| v.2)
        .collect();
    assert_eq!(tags, vec![vec!["2.0".to_string()]]);
}
