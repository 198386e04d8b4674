//! `packages prune` against the GitHub REST fixture joined to a real token-mode registry: a
//! package of two buildx-style releases (platform and attestation manifests, a shared
//! platform image, tag-schema signatures) and stale untagged versions. The deleted set is
//! read from the fixture's request log and derived from the input; the kept release still
//! copies whole with skopeo; rate limits are waited out, refusals explained, and a stopped
//! run finishes on the next.

use std::collections::BTreeSet;

use crate::harness::github::join::Seeder;
use crate::harness::github::{GithubApi, LAST_TAGGED, POPULAR, SECONDARY};
use crate::harness::image::{self, Blob, MultiImage, TestImage};
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;
use crate::harness::{TestEnv, tool};

/// The package: `stale` (an old `latest`, now untagged, with its three children), `single`
/// (an untagged single-platform image), `r1` (`1.0`, signed) and `r2` (`2.0`, `latest`,
/// signed), where r2 reuses r1's arm64 image as buildx does when a platform did not change.
pub struct Repo {
    pub _tokens: TokenServer,
    pub reg: Registry,
    pub api: GithubApi,
    pub env: TestEnv,
    pub image: String,
    pub stale: MultiImage,
    pub single: TestImage,
    pub r1: MultiImage,
    pub r1_sig: TestImage,
    pub r2_index: Blob,
    pub r2_amd: String,
    pub r2_att: String,
    pub r2_sig: TestImage,
}

impl Repo {
    /// The digests of `m`'s children by label.
    pub fn child(m: &MultiImage, label: &str) -> String {
        m.child(label).digest().to_string()
    }
}

pub fn repository() -> Repo {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let api = GithubApi::joined(&reg, &tokens);
    let seed = Seeder::new(&reg, &tokens, "alice/app");
    let put_multi = |m: &MultiImage, tag: &str| {
        for c in &m.children {
            seed.image(c.image.digest(), &c.image);
        }
        seed.manifest(tag, &m.index);
    };
    let stale = image::multi_oci(7000);
    put_multi(&stale, "latest");
    let single = image::image(7300, &[900], "amd64");
    seed.image(single.digest(), &single);
    let r1 = image::multi_oci(7100);
    put_multi(&r1, "1.0");
    // r2: its own amd64 and attestation, r1's arm64.
    let r2 = image::multi_oci(7200);
    let mut index: serde_json::Value = serde_json::from_slice(&r2.index.data).expect("index");
    let arm = r1.child("linux/arm64");
    index["manifests"][1]["digest"] = arm.digest().into();
    index["manifests"][1]["size"] = arm.manifest.data.len().into();
    let r2_index = Blob::new(
        &r2.index.media_type,
        serde_json::to_vec(&index).expect("json"),
    );
    for label in ["linux/amd64", "attestation"] {
        seed.image(r2.child(label).digest(), r2.child(label));
    }
    seed.manifest("2.0", &r2_index);
    seed.manifest("latest", &r2_index);
    // Signatures in the tag schema (`sha256-<hex of the subject>.sig`).
    let r1_sig = image::artifact_of(&r1.index);
    seed.image(&format!("sha256-{}.sig", &r1.index.digest[7..]), &r1_sig);
    let r2_sig = image::artifact_of(&r2_index);
    seed.image(&format!("sha256-{}.sig", &r2_index.digest[7..]), &r2_sig);

    // Ids and creation times as GitHub would have them: in push order.
    let order: Vec<String> = stale
        .children
        .iter()
        .map(|c| c.image.digest().to_string())
        .chain([stale.index.digest.clone(), single.digest().to_string()])
        .chain(r1.children.iter().map(|c| c.image.digest().to_string()))
        .chain([r1.index.digest.clone(), r1_sig.digest().to_string()])
        .chain(["linux/amd64", "attestation"].map(|l| r2.child(l).digest().to_string()))
        .chain([r2_index.digest.clone(), r2_sig.digest().to_string()])
        .collect();
    for (i, d) in order.iter().enumerate() {
        api.set_version(
            d,
            100 + i as u64,
            &format!("2026-11-{:02}T00:00:00Z", 1 + i),
        );
    }
    let env = env_for(&reg.addr, &api);
    let image = format!("{}/alice/app", reg.addr);
    Repo {
        r2_amd: r2.child("linux/amd64").digest().to_string(),
        r2_att: r2.child("attestation").digest().to_string(),
        _tokens: tokens,
        reg,
        api,
        env,
        image,
        stale,
        single,
        r1,
        r1_sig,
        r2_index,
        r2_sig,
    }
}

/// A test environment logged in to `registry` as alice, whose config names the fixture as
/// its GitHub API (as ghcr.io's is api.github.com).
pub fn env_for(registry: &str, api: &GithubApi) -> TestEnv {
    let mut env = TestEnv::new();
    let config = env.path().join("ghcr.toml");
    std::fs::write(
        &config,
        format!(
            "[registries.\"{registry}\"]\ngithub_api = \"{}\"\n",
            api.url()
        ),
    )
    .expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string())
        .set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    env
}

/// What `--keep-tagged 1 --untagged` must delete: r1 with its own children and signature
/// (not the arm64 image r2 shares), the stale index with its children, the single image.
fn expected(r: &Repo) -> BTreeSet<u64> {
    let mut digests = vec![
        r.r1.index.digest.clone(),
        Repo::child(&r.r1, "linux/amd64"),
        Repo::child(&r.r1, "attestation"),
        r.r1_sig.digest().to_string(),
        r.stale.index.digest.clone(),
        r.single.digest().to_string(),
    ];
    digests.extend(
        r.stale
            .children
            .iter()
            .map(|c| c.image.digest().to_string()),
    );
    digests.iter().map(|d| r.api.id_of(d)).collect()
}

/// The version ids the fixture was asked to DELETE (each attempt).
pub fn delete_requests(api: &GithubApi) -> Vec<u64> {
    api.requests()
        .iter()
        .filter(|q| q.method == "DELETE")
        .filter_map(|q| q.path.rsplit('/').next()?.parse().ok())
        .collect()
}

fn kept_release_copies_whole(r: &Repo) {
    let dir = r.env.path().join("copied");
    tool(
        "skopeo",
        &[
            "copy",
            "--all",
            "--src-tls-verify=false",
            "--src-creds",
            "alice:alicepw",
            &format!("docker://{}:2.0", r.image),
            &format!("oci:{}:x", dir.display()),
        ],
    );
    let arm = Repo::child(&r.r1, "linux/arm64");
    for d in [&r.r2_index.digest, &r.r2_amd, &r.r2_att, &arm] {
        assert!(
            dir.join("blobs/sha256").join(&d[7..]).exists(),
            "{d} missing from the copy of 2.0"
        );
    }
}

#[test]
fn prune_keeps_the_newest_release_whole_and_waits_out_a_secondary_rate_limit() {
    let r = repository();
    let want = expected(&r);
    let prune = |extra: &[&str]| {
        let mut args = vec![
            "packages",
            "prune",
            r.image.as_str(),
            "--keep-tagged",
            "1",
            "--untagged",
            "--pause",
            "0",
        ];
        args.extend_from_slice(extra);
        r.env.run(args)
    };

    // No terminal, no --yes: the plan on stdout, a refusal, and nothing deleted.
    let out = prune(&[]);
    out.fails(
        2,
        &format!(
            "refusing to delete {} package versions without a confirmation",
            want.len()
        ),
    )
    .fails(2, "hint: pass --yes");
    for id in &want {
        assert!(
            out.stdout.lines().any(|l| l.starts_with(&format!("{id} "))),
            "{out:#?}"
        );
    }
    assert_eq!(delete_requests(&r.api), Vec::<u64>::new());
    // With JSON too: the plan is the one document on stdout.
    let out = prune(&["--format", "json"]);
    out.fails(2, "refusing to delete");
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["dryRun"], true);
    assert_eq!(doc["delete"].as_array().map(Vec::len), Some(want.len()));
    // On a terminal it asks; "n" deletes nothing.
    let (ok, shown) = r.env.run_on_terminal(
        &format!(
            "packages prune {} --keep-tagged 1 --untagged --pause 0",
            r.image
        ),
        "[y/N]",
        "n\n",
    );
    assert!(!ok, "{shown}");
    assert!(
        shown.contains(&format!(
            "delete these {} versions of {}? [y/N]",
            want.len(),
            r.image
        )),
        "{shown}"
    );
    assert_eq!(delete_requests(&r.api), Vec::<u64>::new());

    // The plan as JSON.
    let plan: serde_json::Value =
        serde_json::from_str(&prune(&["--dry-run", "--format", "json"]).ok()).expect("json");
    let planned: BTreeSet<u64> = plan["delete"]
        .as_array()
        .expect("delete")
        .iter()
        .filter_map(|d| d["id"].as_u64())
        .collect();
    assert_eq!(planned, want);
    assert_eq!(plan["kept"], 5);
    let first = &plan["delete"][0];
    assert_eq!(first["status"], "planned");

    // The second DELETE meets a secondary limit with Retry-After: 1.
    r.api.limit_delete(2, 1);
    let out = prune(&["--yes"]);
    out.ok();
    assert!(
        out.stderr.contains(&format!(
            "GitHub's rate limit: {SECONDARY}; waiting 1s (Retry-After), then deleting version"
        )),
        "{out:#?}"
    );
    let asked = delete_requests(&r.api);
    assert_eq!(asked.len(), want.len() + 1, "one retry: {asked:?}");
    assert_eq!(asked[1], asked[2], "the limited delete is sent again");
    assert_eq!(asked.iter().copied().collect::<BTreeSet<_>>(), want);
    // Parents before children: r1's index before its attestation.
    let at = |d: &str| asked.iter().position(|i| *i == r.api.id_of(d));
    assert!(at(&r.r1.index.digest) < at(&Repo::child(&r.r1, "attestation")));

    let left: BTreeSet<String> = r.api.joined_versions().into_iter().map(|v| v.1).collect();
    let arm = Repo::child(&r.r1, "linux/arm64");
    let kept: BTreeSet<String> = [
        &r.r2_index.digest,
        &r.r2_amd,
        &r.r2_att,
        &arm,
        &r.r2_sig.digest().to_string(),
    ]
    .into_iter()
    .cloned()
    .collect();
    assert_eq!(left, kept);
    kept_release_copies_whole(&r);

    // Run again: nothing left to delete.
    let out = prune(&["--yes"]);
    out.ok();
    assert!(
        out.stderr.contains("plan: delete 0 of 5 versions"),
        "{out:#?}"
    );
}

#[test]
fn a_stopped_prune_finishes_on_the_next_run() {
    let r = repository();
    let want = expected(&r);
    // The three roots (the single image, the stale index, r1's index) go, then GitHub fails:
    // their children are left, no index lists them any more.
    r.api.fail_deletes_after(Some(3));
    let args = [
        "packages",
        "prune",
        r.image.as_str(),
        "--keep-tagged",
        "1",
        "--untagged",
        "--pause",
        "0",
        "--yes",
    ];
    let out = r.env.run(args);
    out.fails(
        1,
        &format!(
            "stopped after deleting 3 of {} versions of {}; run the same command again to finish",
            want.len(),
            r.image
        ),
    );
    r.api.fail_deletes_after(None);
    let out = r.env.run(args);
    out.ok();
    assert!(
        out.stderr
            .contains("resumed: planned by an earlier run that stopped")
            || out
                .stdout
                .contains("resumed: planned by an earlier run that stopped"),
        "{out:#?}"
    );
    let left: BTreeSet<u64> = r.api.joined_versions().into_iter().map(|v| v.0).collect();
    let all: BTreeSet<u64> = (100..114).collect();
    assert_eq!(left, all.difference(&want).copied().collect());
    kept_release_copies_whole(&r);
}

#[test]
fn the_5000_download_refusal_is_explained_and_the_release_keeps_its_children() {
    let r = repository();
    r.api.make_popular(&r.r1.index.digest);
    let out = r.env.run([
        "packages",
        "prune",
        r.image.as_str(),
        "--keep-tagged",
        "1",
        "--pause",
        "0",
        "--yes",
    ]);
    let id = r.api.id_of(&r.r1.index.digest);
    out.fails(
        1,
        &format!("error: GitHub refused to delete version {id} (1.0) of {} (400): {POPULAR}", r.image),
    )
    .fails(1, "hint: GitHub does not delete a public version downloaded more than 5,000 times: ask GitHub Support")
    .fails(1, "1 versions of");
    // Only the index was tried; its children and signature stay, so 1.0 still pulls.
    assert_eq!(delete_requests(&r.api), vec![id]);
    r.env
        .run(["pull", "--all-platforms", &format!("{}:1.0", r.image)])
        .ok();
}

/// Every tagged version selected: GitHub refuses the last one, and prune says why and what
/// to do; a used-up primary limit (`x-ratelimit-remaining: 0`) is waited out until its reset.
#[test]
fn the_last_tagged_version_refusal_is_explained_and_a_used_up_limit_waited_for() {
    let r = repository();
    r.api.exhaust_on_delete(1);
    let out = r.env.run([
        "packages",
        "prune",
        r.image.as_str(),
        "--include-tags",
        ".",
        "--pause",
        "0",
        "--yes",
    ]);
    let sig = r.r2_sig.digest().to_string();
    let tag = format!("sha256-{}.sig", &r.r2_index.digest[7..]);
    out.fails(
        1,
        "note: this deletes every tagged version, and GitHub refuses to delete a package's last one",
    )
    .fails(
        1,
        &format!(
            "error: GitHub refused to delete version {} ({tag}) of {} (400): {LAST_TAGGED}",
            r.api.id_of(&sig),
            r.image
        ),
    )
    .fails(1, "hint: GitHub keeps a package's last tagged version: keep one (`--keep-tagged 1`), or delete the whole package at https://github.com/users/alice/packages/container/app/settings")
    .fails(1, "GitHub's rate limit is used up (x-ratelimit-remaining: 0); waiting ");
    // The reset is a second away: one or two seconds, as the clock's second turns.
    assert!(
        ["waiting 1s for it to reset", "waiting 2s for it to reset"]
            .iter()
            .any(|w| out.stderr.contains(w)),
        "{out:#?}"
    );
    // Everything else the plan held is gone; the refused signature stays.
    let left: Vec<String> = r
        .api
        .joined_versions()
        .into_iter()
        .filter(|v| !v.2.is_empty())
        .map(|v| v.1)
        .collect();
    assert_eq!(left, vec![sig]);
}
