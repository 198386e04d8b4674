//! Logging in to ghcr.io without typing a token (issue #15): `login --with-gh` with a
//! stand-in `gh` on PATH and the GitHub REST fixture reporting scopes; `--no-store`; and
//! `GH_TOKEN` / `GITHUB_TOKEN` from the environment, used for the GitHub-backed registry only.
//! The registries are real docker-registry processes in token mode, the fixture's API named
//! for them in the config file, as ghcr.io is backed by api.github.com.

use std::path::{Path, PathBuf};

use crate::harness::TestEnv;
use crate::harness::github::GithubApi;
use crate::harness::image;
use crate::harness::keyring::SecretService;
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;

/// A token-mode registry that stands for ghcr.io: the config names the API fixture for it.
pub fn ghcr_like(api: &GithubApi, tokens: &TokenServer) -> (Registry, TestEnv) {
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

/// A stand-in `gh` first on PATH: `gh auth token …` prints the token in `token_file` (read
/// at each call, so a test can change it) and logs its arguments, one call per line; it fails
/// when the token shows up among them, and says gh's words for "not logged in" when the file
/// is empty.
struct FakeGh {
    log: PathBuf,
    token_file: PathBuf,
}

impl FakeGh {
    fn install(env: &mut TestEnv, token: &str) -> Self {
        let bin = env.path().join("gh-bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        let log = env.path().join("gh.log");
        let token_file = env.path().join("gh.token");
        std::fs::write(&token_file, token).expect("write");
        let script = format!(
            "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n[ -s '{tf}' ] || {{ echo \"no oauth token found for $4\" >&2; exit 1; }}\ncase \"$*\" in *\"$(cat '{tf}')\"*) echo 'the token was on the command line' >&2; exit 9;; esac\n[ \"$1 $2\" = 'auth token' ] || exit 2\ncat '{tf}'\necho\n",
            log = log.display(),
            tf = token_file.display()
        );
        let path = bin.join("gh");
        std::fs::write(&path, script).expect("write gh");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let old = env
            .envs
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        env.set("PATH", format!("{}:{old}", bin.display()));
        FakeGh { log, token_file }
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn set_token(&self, token: &str) {
        std::fs::write(&self.token_file, token).expect("write");
    }
}

/// What the Secret Service holds under ghcr-cli's service name (`secret-tool`, on the test's
/// own bus).
fn keyring_entries(env: &TestEnv) -> String {
    let mut cmd = std::process::Command::new("secret-tool");
    cmd.args(["search", "--all", "service", "ghcr-cli"])
        .env_clear();
    for (k, v) in &env.envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("secret-tool");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn login_with_gh_takes_gh_token_checks_scopes_and_stores_it() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    let _ss = SecretService::start(&mut env);
    let gh = FakeGh::install(&mut env, "alicepw");
    let out = env.run(["login", &reg.addr, "--with-gh"]);
    assert_eq!(out.ok(), "Login Succeeded", "{out:#?}");
    // gh is asked for the API's host (a GitHub Enterprise Server's would be its own host);
    // the token never is an argument.
    assert_eq!(gh.calls(), [format!("auth token --hostname {}", api.addr)]);
    assert!(!out.stderr.contains("write:packages` scope"), "{out:#?}");
    // The user comes from the API, and the registry saw the token as alice's password.
    let who = env.run(["whoami", &reg.addr]).ok();
    assert_eq!(
        who,
        format!(
            "alice on {}, from the Secret Service keyring (accepted)\ntoken scopes: delete:packages, read:packages, repo, write:packages",
            reg.addr
        )
    );
    assert!(keyring_entries(&env).contains(&reg.addr), "stored");
    assert_eq!(gh.calls().len(), 1, "a stored login does not ask gh again");

    // A token without write:packages: the login works (pulls do) and the fix is named.
    gh.set_token("bobpw");
    let out = env.run(["login", &reg.addr, "--with-gh", "--hostname", "github.com"]);
    assert_eq!(out.ok(), "Login Succeeded", "{out:#?}");
    assert_eq!(gh.calls()[1], "auth token --hostname github.com");
    assert!(
        out.stderr.contains(
            "warning: gh's token lacks the `write:packages` scope (it has: read:packages): pulls work, pushes will be denied\nhint: add it with `gh auth refresh -s write:packages`\n"
        ),
        "{out:#?}"
    );

    // A fine-grained token is explained, and nothing is stored.
    gh.set_token("github_pat_11AAAA");
    env.run(["login", &reg.addr, "--with-gh"]).fails(
        4,
        &format!("error: gh's token for {} is a fine-grained token, which GitHub Packages does not accept; nothing was stored\nhint: GitHub Packages accepts only classic tokens: create a classic personal access token with read:packages and write:packages", api.addr),
    );

    // Not a GitHub-backed registry: refused before gh is run.
    let other = Registry::anonymous();
    let before = gh.calls().len();
    env.run(["login", &other.addr, "--with-gh"]).fails(
        2,
        &format!(
            "--with-gh logs in to ghcr.io, and {} is not backed by GitHub",
            other.addr
        ),
    );
    assert_eq!(gh.calls().len(), before);
}

#[test]
fn login_with_gh_no_store_keeps_no_secret_and_asks_gh_each_time() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    let _ss = SecretService::start(&mut env);
    let gh = FakeGh::install(&mut env, "alicepw");
    let out = env.run(["login", &reg.addr, "--with-gh", "--no-store"]);
    assert_eq!(out.ok(), "Login Succeeded", "{out:#?}");
    assert!(
        out.stderr.contains(&format!(
            "alice on {}: nothing stored; each command asks `gh auth token --hostname {}` for the token",
            reg.addr, api.addr
        )),
        "{out:#?}"
    );
    assert!(
        !keyring_entries(&env).contains(&reg.addr),
        "the keyring holds nothing for it"
    );
    // Nowhere in HOME, the XDG directories or the store (the stand-in gh's own file aside).
    assert_eq!(
        env.files_containing(b"alicepw"),
        vec![gh.token_file.clone()]
    );
    // A later command asks gh again, and pushes with its token.
    let img = image::image(151, &[300], "amd64");
    let target = format!("{}/alice/app:1", reg.addr);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    env.run(["load", "-i", path(&layout)]).ok();
    let calls = gh.calls().len();
    let pushed = env.run(["push", &target]).ok();
    assert_eq!(pushed, format!("{target}@{}", img.digest()));
    assert_eq!(gh.calls().len(), calls + 1);
    assert_eq!(
        env.run(["whoami", &reg.addr, "--format", "json"])
            .ok()
            .parse::<serde_json::Value>()
            .expect("json")["source"],
        "gh"
    );
    // Docker, asking through the credential helper, gets gh's token too.
    let helper: serde_json::Value = env
        .run_stdin(["credential-helper", "get"], &reg.addr)
        .ok()
        .parse()
        .expect("json");
    assert_eq!(
        (&helper["Username"], &helper["Secret"]),
        (&"alice".into(), &"alicepw".into())
    );
    assert_eq!(gh.calls().len(), calls + 3);
    // gh logged out: the next command hears it from gh, and goes on anonymously.
    gh.set_token("");
    let out = env.run(["whoami", &reg.addr]);
    assert_eq!(out.ok(), format!("anonymous on {}", reg.addr));
    assert!(
        out.stderr.contains(&format!(
            "warning: the login for {} comes from the GitHub CLI: `gh auth token --hostname {}` failed: no oauth token found for {}",
            reg.addr, api.addr, api.addr
        )),
        "{out:#?}"
    );
    assert_eq!(gh.calls().len(), calls + 4);
    // logout forgets the marker.
    env.run(["logout", &reg.addr]).ok();
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!("anonymous on {}", reg.addr)
    );
}

#[test]
fn github_token_is_used_for_the_github_registry_and_never_sent_to_another() {
    let api = GithubApi::start(vec![]);
    let ghcr_tokens = TokenServer::start();
    let (ghcr, mut env) = ghcr_like(&api, &ghcr_tokens);
    let other_tokens = TokenServer::start();
    let other = Registry::token(&other_tokens);
    env.set("GITHUB_TOKEN", "alicepw")
        .set("GITHUB_ACTOR", "alice");
    let img = image::image(152, &[200], "amd64");
    let to_ghcr = format!("{}/alice/app:1", ghcr.addr);
    let to_other = format!("{}/alice/app:1", other.addr);
    let layout = env.path().join("layout");
    image::write_layout(
        &layout,
        &[(to_ghcr.as_str(), &img), (to_other.as_str(), &img)],
    );
    env.run(["load", "-i", path(&layout)]).ok();

    // No login step: the workflow's token pushes to the GitHub-backed registry.
    assert_eq!(
        env.run(["push", &to_ghcr]).ok(),
        format!("{to_ghcr}@{}", img.digest())
    );
    assert!(
        ghcr_tokens
            .requests()
            .iter()
            .any(|r| r.user.as_deref() == Some("alice") && r.authorized),
        "{:?}",
        ghcr_tokens.requests()
    );
    assert_eq!(
        env.run(["whoami", &ghcr.addr]).ok(),
        format!(
            "alice on {}, from the environment variable GITHUB_TOKEN (accepted)\ntoken scopes: delete:packages, read:packages, repo, write:packages",
            ghcr.addr
        )
    );

    // The other registry never gets it: anonymous there, so the push needs a login.
    env.run(["push", &to_other])
        .fails(4, &format!("{} requires credentials", other.addr));
    let asked = other_tokens.requests();
    assert!(!asked.is_empty());
    assert!(
        asked.iter().all(|r| r.user.is_none()),
        "GITHUB_TOKEN reached another registry's token server: {asked:?}"
    );
    assert_eq!(
        env.run(["whoami", &other.addr]).ok(),
        format!("anonymous on {}", other.addr)
    );

    // GH_TOKEN wins over GITHUB_TOKEN (as in gh); GHCR_CLI_* win over both.
    env.set("GH_TOKEN", "bobpw").set("GITHUB_ACTOR", "bob");
    let json: serde_json::Value = env
        .run(["whoami", &ghcr.addr, "--format", "json"])
        .ok()
        .parse()
        .expect("json");
    assert_eq!(
        (&json["source"], &json["username"], &json["accepted"]),
        (&"GH_TOKEN".into(), &"bob".into(), &true.into())
    );
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let json: serde_json::Value = env
        .run(["whoami", &ghcr.addr, "--format", "json"])
        .ok()
        .parse()
        .expect("json");
    assert_eq!(json["source"], "environment");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf8")
}
