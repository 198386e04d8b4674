//! `untag` on ghcr.io (the joined fixture stands in for it): one of a version's two tags is
//! moved onto a placeholder manifest whose package version is then deleted; the other tag
//! still resolves to the same digest and the placeholder is gone. The delete goes to the
//! owner path the versions were listed from (a user's, for a login under another name or
//! the placeholder `x-access-token`); the last tag of a package is refused before anything
//! moves; a placeholder that cannot be deleted gives the tag back; a tag list that cannot
//! be read is said to have skipped the check.

use std::collections::BTreeSet;

use crate::harness::github::GithubApi;
use crate::harness::github::join::Seeder;
use crate::harness::image;
use crate::harness::proxy::{FailFirst, Faults, Proxy};
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;
use crate::packages_prune::{delete_requests, env_for, repository};

/// The paths of the DELETE requests the fixture saw.
fn delete_paths(api: &GithubApi) -> Vec<String> {
    api.requests()
        .into_iter()
        .filter(|q| q.method == "DELETE")
        .map(|q| q.path)
        .collect()
}

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

/// Logged in as `carol` (GITHUB_ACTOR in a collaborator's workflow), alice's package is
/// not the login's own: the versions answer at /users/alice (not /orgs/alice), and the
/// placeholder's delete must go there too, or the tag stays on the placeholder.
#[test]
fn untag_deletes_the_placeholder_where_the_versions_were_listed() {
    let mut r = repository();
    r.env.set("GHCR_CLI_USERNAME", "carol");
    let latest = format!("{}:latest", r.image);
    let out = r.env.run(["untag", &latest]);
    assert_eq!(out.ok(), format!("{latest}@{}", r.r2_index.digest));
    let paths = delete_paths(&r.api);
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(
        paths[0].starts_with("/users/alice/packages/container/app/versions/"),
        "{paths:?}"
    );
    r.env.run(["digest", &latest]).fails(3, "");
    // `packages delete` too deletes where it listed.
    let single = r.single.digest().to_string();
    r.env
        .run([
            "packages",
            "delete",
            &format!("{}@{single}", r.image),
            "--yes",
        ])
        .ok();
    let paths = delete_paths(&r.api);
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert_eq!(
        paths[1],
        format!(
            "/users/alice/packages/container/app/versions/{}",
            r.api.id_of(&single)
        )
    );
}

/// With the placeholder user name of a `GH_TOKEN` outside Actions, the token's own user
/// comes from `GET /user`: alice's package is hers, so prune does not refuse it as another
/// user's, and untag deletes through /user.
#[test]
fn the_placeholder_user_name_resolves_to_the_tokens_own_user() {
    let mut r = repository();
    r.env.set("GHCR_CLI_USERNAME", "x-access-token");
    let out = r.env.run([
        "packages",
        "prune",
        r.image.as_str(),
        "--untagged",
        "--dry-run",
    ]);
    out.ok();
    assert!(out.stderr.contains("plan: delete "), "{out:#?}");
    let latest = format!("{}:latest", r.image);
    let out = r.env.run(["untag", &latest]);
    assert_eq!(out.ok(), format!("{latest}@{}", r.r2_index.digest));
    let paths = delete_paths(&r.api);
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(
        paths[0].starts_with("/user/packages/container/app/versions/"),
        "{paths:?}"
    );
}

/// A package whose only tag is `latest`: GitHub would refuse to delete the placeholder
/// (then the last tagged version), leaving `latest` on it. Refused before anything moves.
#[test]
fn untag_of_a_packages_last_tag_is_refused_before_anything_moves() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let api = GithubApi::joined(&reg, &tokens);
    let seed = Seeder::new(&reg, &tokens, "alice/app");
    let only = image::image(7400, &[500], "amd64");
    seed.image("latest", &only);
    let env = env_for(&reg.addr, &api);
    let latest = format!("{}/alice/app:latest", reg.addr);
    let before = api.joined_versions();
    env.run(["untag", &latest])
        .fails(
            1,
            "error: `latest` is the last tag of package `app`, and GitHub does not delete a package's last tagged version",
        )
        .fails(
            1,
            "delete the whole package at https://github.com/users/alice/packages/container/app/settings",
        );
    assert_eq!(env.run(["digest", &latest]).ok(), only.digest());
    assert_eq!(api.joined_versions(), before);
    assert!(delete_paths(&api).is_empty());
}

/// GitHub fails the placeholder's delete: the tag goes back onto the manifest it named,
/// and the error says so.
#[test]
fn a_placeholder_that_cannot_be_deleted_gives_the_tag_back() {
    let r = repository();
    r.api.fail_deletes_after(Some(0));
    let before = r.api.joined_versions().len();
    let latest = format!("{}:latest", r.image);
    r.env.run(["untag", &latest]).fails(
        1,
        &format!(
            "error: the placeholder's package version was not deleted, so `latest` is back on {} and nothing was untagged; the placeholder sha256:",
            r.r2_index.digest
        ),
    );
    assert_eq!(r.env.run(["digest", &latest]).ok(), r.r2_index.digest);
    // The placeholder stays, untagged; 2.0 and latest are on the release again.
    let versions = r.api.joined_versions();
    assert_eq!(versions.len(), before + 1);
    let tags: Vec<Vec<String>> = versions
        .into_iter()
        .filter(|v| v.1 == r.r2_index.digest)
        .map(|v| v.2)
        .collect();
    assert_eq!(tags, vec![vec!["2.0".to_string(), "latest".to_string()]]);
}

/// The registry's tag list fails: the untag still happens, with a warning that the other
/// tags were not checked, instead of claiming the manifest is now untagged.
#[test]
fn a_tag_list_that_cannot_be_read_skips_the_check_and_says_so() {
    let r = repository();
    let proxy = Proxy::start(
        &r.reg.addr,
        Faults {
            fail_first: Some(FailFirst::new("/tags/list", 400, 100)),
            ..Faults::default()
        },
    );
    let env = env_for(&proxy.addr, &r.api);
    let latest = format!("{}/alice/app:latest", proxy.addr);
    let out = env.run(["untag", &latest]);
    assert_eq!(out.ok(), format!("{latest}@{}", r.r2_index.digest));
    assert!(
        out.stderr.contains(&format!(
            "warning: cannot list the tags of {}/alice/app (",
            proxy.addr
        )),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains(&format!(
            "({} stays, its other tags not checked)",
            r.r2_index.digest
        )),
        "{out:#?}"
    );
    assert_eq!(
        r.env.run(["digest", &format!("{}:2.0", r.image)]).ok(),
        r.r2_index.digest
    );
}
