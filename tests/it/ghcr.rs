//! ghcr.io's own side, against a fixture of the GitHub REST API (there is no GitHub here):
//! packages and versions with pagination, delete and restore with GitHub's refusals, token
//! scopes on login and whoami, and the hints for Actions and for deletes.

use crate::harness::TestEnv;
use crate::harness::github::{FakeVersion, GithubApi};
use crate::harness::image;
use crate::harness::proxy::{FailFirst, Proxy};
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;

fn digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn fixture() -> GithubApi {
    GithubApi::start(vec![
        FakeVersion {
            id: 1,
            digest: digest('a'),
            tags: vec!["1.0".into(), "latest".into()],
            popular: false,
        },
        FakeVersion {
            id: 2,
            digest: digest('b'),
            tags: vec!["0.9".into()],
            popular: false,
        },
        FakeVersion {
            id: 3,
            digest: digest('c'),
            tags: vec![],
            popular: false,
        },
        FakeVersion {
            id: 4,
            digest: digest('d'),
            tags: vec!["old".into()],
            popular: true,
        },
    ])
}

fn env_for(api: &GithubApi, password: &str) -> TestEnv {
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_GITHUB_API", api.url())
        .set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", password);
    env
}

#[test]
fn package_versions_paginate_and_delete_and_restore_send_exact_requests() {
    let api = fixture();
    let env = env_for(&api, "alicepw");
    let out = env
        .run([
            "packages",
            "versions",
            "ghcr.io/alice/app",
            "--format",
            "json",
        ])
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v.as_array().map(|a| a.len()), Some(4));
    assert_eq!(v[0]["id"], 1);
    assert_eq!(v[0]["digest"], digest('a').as_str());
    assert_eq!(v[0]["tags"], serde_json::json!(["1.0", "latest"]));
    assert_eq!(v[0]["created_at"], "2026-11-02T00:00:00Z");
    let reqs = api.requests();
    let got: Vec<(String, String, Option<String>)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.path.clone(), r.token.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "GET".to_string(),
                "/user/packages/container/app/versions?per_page=100".to_string(),
                Some("alicepw".to_string())
            ),
            (
                "GET".to_string(),
                "/user/packages/container/app/versions?per_page=100&page=2".to_string(),
                Some("alicepw".to_string())
            ),
        ]
    );
    let text = env.run(["packages", "versions", "ghcr.io/alice/app"]).ok();
    assert!(
        text.contains(&format!("3  {}  <untagged>", digest('c'))),
        "{text}"
    );

    // No terminal and no --yes: refused before anything is deleted.
    env.run(["packages", "delete", "ghcr.io/alice/app:0.9"])
        .fails(2, "refusing to delete without a confirmation");
    let out = env.run(["packages", "delete", "ghcr.io/alice/app:0.9", "--yes"]);
    assert_eq!(out.ok(), "2");
    assert!(
        out.stderr
            .contains("`ghcr-cli packages restore ghcr.io/alice/app --id 2`"),
        "{out:#?}"
    );
    let last = api.requests().last().cloned().expect("request");
    assert_eq!(
        (
            last.method.as_str(),
            last.path.as_str(),
            last.token.as_deref()
        ),
        (
            "DELETE",
            "/user/packages/container/app/versions/2",
            Some("alicepw")
        )
    );
    // By digest too; then the version is gone from the list.
    assert_eq!(
        env.run([
            "packages",
            "delete",
            &format!("ghcr.io/alice/app@{}", digest('c')),
            "-y"
        ])
        .ok(),
        "3"
    );
    let left: serde_json::Value = serde_json::from_str(
        &env.run([
            "packages",
            "versions",
            "ghcr.io/alice/app",
            "--format",
            "json",
        ])
        .ok(),
    )
    .expect("json");
    assert_eq!(left.as_array().map(|a| a.len()), Some(2));

    assert_eq!(
        env.run(["packages", "restore", "ghcr.io/alice/app", "--id", "2"])
            .ok(),
        "2"
    );
    let last = api.requests().last().cloned().expect("request");
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("POST", "/user/packages/container/app/versions/2/restore")
    );
}

/// Logged in as `carol` (a collaborator's GITHUB_ACTOR), alice's package is not the login's
/// own and `alice` is tried as an organization first: the delete and the restore both find
/// it at /users/alice (the restore used to stop at the organization's 404).
#[test]
fn delete_and_restore_of_another_users_package_go_to_the_users_path() {
    let api = fixture();
    let mut env = env_for(&api, "alicepw");
    env.set("GHCR_CLI_USERNAME", "carol");
    let pinned = format!("ghcr.io/alice/app@{}", digest('c'));
    assert_eq!(env.run(["packages", "delete", &pinned, "-y"]).ok(), "3");
    assert_eq!(
        env.run(["packages", "restore", "ghcr.io/alice/app", "--id", "3"])
            .ok(),
        "3"
    );
    let tried: Vec<(String, String)> = api
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/restore"))
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let post = |owner: &str| {
        (
            "POST".to_string(),
            format!("/{owner}/packages/container/app/versions/3/restore"),
        )
    };
    assert_eq!(tried, vec![post("orgs/alice"), post("users/alice")]);
    // Restored: the version is listed again.
    let listed = env.run(["packages", "versions", "ghcr.io/alice/app"]).ok();
    assert!(listed.lines().any(|l| l.starts_with("3 ")), "{listed}");
}

#[test]
fn github_refusals_become_one_line_with_a_hint() {
    let api = fixture();
    let env = env_for(&api, "alicepw");
    env.run(["packages", "delete", "ghcr.io/alice/app:old", "--yes"])
        .fails(
            1,
            "GitHub does not delete a public package version downloaded more than 5,000 times",
        );
    env.run(["packages", "versions", "ghcr.io/alice/nope"])
        .fails(
            3,
            "hint: check the name; a token sees a package only with read:packages",
        );
    env.run(["packages", "delete", "ghcr.io/alice/app:9.9", "--yes"])
        .fails(3, "no version of package `app` is ghcr.io/alice/app:9.9");
    // A token without delete:packages.
    let fine = env_for(&api, "finegrained");
    fine.run(["packages", "delete", "ghcr.io/alice/app:1.0", "--yes"])
        .fails(4, "the token needs the delete:packages scope");
    // A bad token.
    let bad = env_for(&api, "wrong");
    bad.run(["packages", "list"])
        .fails(4, "the GitHub API refused the token (401): Bad credentials");
}

#[test]
fn packages_of_users_and_organizations() {
    let api = fixture();
    let env = env_for(&api, "alicepw");
    let mine = env.run(["packages", "list", "--format", "json"]).ok();
    let mine: serde_json::Value = serde_json::from_str(&mine).expect("json");
    assert_eq!(mine[0]["name"], "app");
    assert_eq!(mine[0]["visibility"], "private");
    let org = env.run(["packages", "list", "--org", "acme"]).ok();
    // The organization's package by its full name: owner, then the package's own path.
    let (owner, package) = ("acme", "team/tool");
    assert!(
        org.starts_with(&format!(
            "ghcr.io/{owner}/{package}  public  2026-11-01T00:00:00Z"
        )),
        "{org}"
    );
    let tool = env
        .run(["packages", "versions", "ghcr.io/acme/team/tool"])
        .ok();
    assert!(tool.starts_with("900  "), "{tool}");
    let paths: Vec<String> = api
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        paths.contains(&"GET /user/packages?package_type=container&per_page=100".to_string()),
        "{paths:#?}"
    );
    assert!(
        paths.contains(&"GET /orgs/acme/packages?package_type=container&per_page=100".to_string()),
        "{paths:#?}"
    );
    assert!(
        paths.contains(
            &"GET /orgs/acme/packages/container/team%2Ftool/versions?per_page=100".to_string()
        ),
        "{paths:#?}"
    );
}

/// A token-auth registry that stands for ghcr.io: the config names the API fixture for it.
fn ghcr_like(api: &GithubApi, tokens: &TokenServer) -> (Registry, TestEnv) {
    let reg = Registry::token(tokens);
    let mut env = TestEnv::new();
    let config = env.path().join("ghcr.toml");
    std::fs::write(
        &config,
        format!(
            "[registries.\"{}\"]\ngithub_api = \"{}\"\n",
            reg.addr,
            api.url()
        ),
    )
    .expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    (reg, env)
}

#[test]
fn login_reads_classic_token_scopes_and_warns() {
    let api = fixture();
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    let _ss = crate::harness::keyring::SecretService::start(&mut env);
    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw",
    );
    assert_eq!(out.ok(), "Login Succeeded");
    assert!(
        out.stderr
            .contains("warning: this token has the `repo` scope"),
        "{out:#?}"
    );
    assert!(
        !out.stderr.contains("lacks the `write:packages`"),
        "{out:#?}"
    );
    let who = env.run(["whoami", &reg.addr]).ok();
    assert_eq!(
        who,
        format!(
            "alice on {}, from the Secret Service keyring (accepted)\ntoken scopes: delete:packages, read:packages, repo, write:packages",
            reg.addr
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(["whoami", &reg.addr, "--format", "json"]).ok())
            .expect("json");
    assert_eq!(
        json["scopes"],
        serde_json::json!(["delete:packages", "read:packages", "repo", "write:packages"])
    );

    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "bob", "--password-stdin"],
        "bobpw",
    );
    out.ok();
    assert!(out.stderr.contains("warning: this token lacks the `write:packages` scope: pulls work, pushes will be denied"), "{out:#?}");
    let user_calls = api.requests().iter().filter(|r| r.path == "/user").count();
    assert!(user_calls >= 3);
}

#[test]
fn write_package_denied_gets_the_actions_hint_and_registry_deletes_point_to_packages() {
    let api = fixture();
    let reg = Registry::without_deletes();
    let mut env = TestEnv::new();
    let img = image::image(300, &[100], "amd64");
    let layout = env.path().join("layout");
    let denied = r#"{"errors":[{"code":"DENIED","message":"permission_denied: write_package"}]}"#;
    let proxy = Proxy::start(
        &reg.addr,
        FailFirst {
            body: Some(denied.to_string()),
            ..FailFirst::new("/manifests/", 403, 1).method("PUT")
        }
        .faults(),
    );
    let target = format!("{}/alice/app:1", proxy.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    let out = env.run(["push", &target]);
    out.fails(4, "(DENIED: permission_denied: write_package)");
    assert!(
        out.stderr
            .contains("hint: in GitHub Actions, give the workflow `permissions: packages: write`"),
        "{out:#?}"
    );
    env.run(["push", &target]).ok();

    // The registry refuses DELETE (405, as ghcr.io does); for a GitHub-backed registry the
    // hint names the packages command.
    let config = env.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "[registries.\"{}\"]\ngithub_api = \"{}\"\n",
            proxy.addr,
            api.url()
        ),
    )
    .expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    env.run(["delete", &target]).fails(
        1,
        &format!("through GitHub instead: `ghcr-cli packages delete {target}`"),
    );
}

#[test]
fn delete_asks_on_a_terminal() {
    let api = fixture();
    let env = env_for(&api, "alicepw");
    for (answer, deleted) in [("n", false), ("y", true)] {
        let (_, out) = env.run_on_terminal(
            "packages delete ghcr.io/alice/app:1.0",
            "[y/N]",
            &format!("{answer}\n"),
        );
        assert!(
            out.contains(&format!(
                "delete version 1 of ghcr.io/alice/app ({}, tags 1.0, latest)? [y/N]",
                digest('a')
            )),
            "{out}"
        );
        let deletes = api
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count();
        assert_eq!(deletes, usize::from(deleted), "{out}");
        if !deleted {
            assert!(out.contains("not deleted"), "{out}");
        }
    }
}

/// The GitHub client rides the same HTTP layer as the registry: a 502 is retried, and a
/// `Link` to the next page on another origin is not followed (issue #12).
#[test]
fn github_api_retries_a_502_and_follows_pages_only_on_its_own_origin() {
    let api = fixture();
    // In front of the fixture: its Link headers name the fixture itself, another origin.
    let proxy = Proxy::start(
        api.addr.as_str(),
        FailFirst::new("/user/packages?", 502, 1).faults(),
    );
    let mut env = env_for(&api, "alicepw");
    env.set("GHCR_CLI_GITHUB_API", format!("http://{}", proxy.addr));
    let out = env.run(["packages", "list", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    assert_eq!(list[0]["name"], "app");
    assert!(
        out.stderr.contains("the GitHub API answered 502"),
        "{out:#?}"
    );
    let listed = proxy
        .seen()
        .iter()
        .filter(|s| s.path.starts_with("/user/packages?"))
        .count();
    assert_eq!(listed, 2, "one 502, one retry");

    // Four versions, two per page: page two is on the fixture's own origin, not the API's.
    let before = api.requests().len();
    let out = env.run(["packages", "versions", "app"]);
    out.fails(
        1,
        &format!(
            "the next page is on another origin (`http://{}/user/packages/container/app/versions?(redacted)`); not following it",
            api.addr
        ),
    );
    assert_eq!(
        api.requests().len() - before,
        1,
        "only the first page, via the proxy"
    );
}

/// GitHub Enterprise Server behind a private CA: `--ca-file` is honoured by the GitHub client
/// as by the registry client (socat terminates TLS in front of the fixture).
#[test]
fn github_api_honours_ca_file() {
    use crate::harness::{Proc, certs, poll};
    use std::time::Duration;
    let api = fixture();
    let dir = tempfile::tempdir().expect("tempdir");
    let tls = certs::tls(dir.path());
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let _front = Proc::spawn(
        "socat",
        std::process::Command::new("socat")
            .arg(format!(
                "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,verify=0,cert={},key={}",
                tls.cert_pem.display(),
                tls.key_pem.display()
            ))
            .arg(format!("TCP:{}", api.addr))
            .stdin(std::process::Stdio::null()),
    );
    poll("socat to listen", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    let mut env = env_for(&api, "alicepw");
    env.set("GHCR_CLI_GITHUB_API", format!("https://127.0.0.1:{port}"));
    let out = env.run(["packages", "list"]);
    out.fails(
        1,
        &format!("the TLS certificate of `127.0.0.1:{port}` is not trusted"),
    )
    .fails(1, "`--ca-file FILE`");
    let out = env.run([
        "--ca-file",
        tls.ca_pem.to_str().expect("utf8"),
        "packages",
        "list",
    ]);
    assert!(
        out.ok().starts_with("ghcr.io/alice/app  private"),
        "{out:#?}"
    );
}

/// On ghcr.io, which serves no catalog, `repos` lists container packages through the GitHub
/// API, by full name (issue #14).
#[test]
fn repos_on_ghcr_lists_packages_by_full_name() {
    let api = fixture();
    let env = env_for(&api, "alicepw");
    let (me, org, package) = ("alice", "acme", "team/tool");
    assert_eq!(
        env.run(["repos", "ghcr.io"]).ok(),
        format!("ghcr.io/{me}/app")
    );
    assert_eq!(
        env.run(["repos", "ghcr.io", "--org", org]).ok(),
        format!("ghcr.io/{org}/{package}")
    );
}
