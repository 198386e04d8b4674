//! Linking a GHCR package to its repository and GHCR's permission errors (issue #15):
//! `push --source` / `--annotation` read back raw from a real docker-registry standing in for
//! ghcr.io, the unlinked-first-push warning, `packages visibility`, and the one-line
//! explanations of `write_package` denied, SAML SSO and GITHUB_TOKEN on an organization.

use crate::ghcr_login::ghcr_like;
use crate::harness::github::{GithubApi, SSO_ORG, SSO_URL};
use crate::harness::image::{self, Blob, TestImage, sha256};
use crate::harness::proxy::{FailFirst, Proxy};
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;
use crate::harness::{Out, TestEnv};

const SOURCE: &str = "org.opencontainers.image.source";

/// `image::image` without the source label its config carries.
fn unlabelled(seed: u64) -> TestImage {
    let mut img = image::image(seed, &[150], "amd64");
    let mut config: serde_json::Value = serde_json::from_slice(&img.config.data).expect("json");
    config["config"]
        .as_object_mut()
        .expect("config")
        .remove("Labels");
    let data = serde_json::to_vec(&config).expect("json");
    img.config = Blob {
        media_type: img.config.media_type.clone(),
        digest: sha256(&data),
        data,
    };
    let mut manifest: serde_json::Value = serde_json::from_slice(&img.manifest.data).expect("json");
    manifest["config"] = img.config.descriptor();
    let data = serde_json::to_vec(&manifest).expect("json");
    img.manifest = Blob {
        media_type: img.manifest.media_type.clone(),
        digest: sha256(&data),
        data,
    };
    img
}

/// The manifest the registry serves for `reference`, byte for byte.
fn raw(env: &TestEnv, reference: &str) -> Vec<u8> {
    let out = env
        .command(["inspect", "--raw", reference])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    out.stdout
}

fn load(env: &TestEnv, images: &[(&str, &TestImage)]) {
    let layout = env.path().join(format!("layout-{}", images.len()));
    let _ = std::fs::remove_dir_all(&layout);
    image::write_layout(&layout, images);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
}

const UNLINKED: &str = "warning: this is the first push of {NAME}, and it carries no `org.opencontainers.image.source`: the package will not be linked to a repository\nhint: push with `--source https://github.com/OWNER/REPO` (or label the image `org.opencontainers.image.source`); later pushes do not link it, connect it in the package's settings then\n";

fn unlinked(name: &str) -> String {
    UNLINKED.replace("{NAME}", name)
}

#[test]
fn push_source_annotates_the_pushed_manifest_and_unlinked_first_pushes_are_told() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    env.set("GITHUB_TOKEN", "alicepw")
        .set("GITHUB_ACTOR", "alice");
    let img = unlabelled(161);
    let app = format!("{}/alice/app:1", reg.addr);
    let other = format!("{}/alice/other:1", reg.addr);
    load(&env, &[(app.as_str(), &img), (other.as_str(), &img)]);

    // `.git` and a trailing slash are dropped: GitHub matches the repository's own URL.
    let out = env.run([
        "push",
        &app,
        "--source",
        "https://github.com/alice/app.git/",
        "--annotation",
        "org.opencontainers.image.description=The app",
    ]);
    let printed = out.ok();
    let served = raw(&env, &app);
    let digest = sha256(&served);
    assert_eq!(printed, format!("{app}@{digest}"));
    let mut expected: serde_json::Value = serde_json::from_slice(&img.manifest.data).expect("json");
    expected["annotations"] = serde_json::json!({
        SOURCE: "https://github.com/alice/app",
        "org.opencontainers.image.description": "The app",
    });
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&served).expect("json"),
        expected
    );
    assert_ne!(digest, img.digest());
    assert!(
        out.stderr.contains(&format!(
            "annotated the manifest: pushing {digest} (the local image stays {})",
            img.digest()
        )),
        "{out:#?}"
    );
    assert!(!out.stderr.contains("will not be linked"), "{out:#?}");
    // The local image is what it was.
    let local: serde_json::Value = env
        .run(["images", "--format", "json"])
        .ok()
        .parse()
        .expect("json");
    assert!(local.to_string().contains(img.digest()), "{local}");
    assert!(!local.to_string().contains(&digest), "{local}");

    // A first push without a source: told, once; a later push of the package is not.
    let out = env.run(["push", &other]);
    assert_eq!(out.ok(), format!("{other}@{}", img.digest()));
    assert!(
        out.stderr
            .contains(&unlinked(&format!("{}/alice/other", reg.addr))),
        "{out:#?}"
    );
    let again = env.run(["push", &other]);
    again.ok();
    assert!(!again.stderr.contains("will not be linked"), "{again:#?}");

    // A label in the config counts as well (image::image carries one).
    let labelled = image::image(162, &[100], "amd64");
    let third = format!("{}/alice/third:1", reg.addr);
    load(&env, &[(third.as_str(), &labelled)]);
    let out = env.run(["push", &third]);
    out.ok();
    assert!(!out.stderr.contains("will not be linked"), "{out:#?}");

    // Not a URL: refused before anything is sent.
    env.run(["push", &app, "--source", "github.com/alice/app"])
        .fails(2, "--source `github.com/alice/app` is not an https URL");
    env.run(["push", &app, "--annotation", "novalue"])
        .fails(2, "--annotation `novalue` is not KEY=VALUE");
}

#[test]
fn push_annotation_on_a_multi_platform_image_annotates_the_index() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    env.set("GITHUB_TOKEN", "alicepw")
        .set("GITHUB_ACTOR", "alice");
    let multi = image::multi_oci(163);
    // Into the store whole: from another registry, then named for the GHCR stand-in.
    let source = Registry::anonymous();
    crate::harness::registry::seed(&source.addr, "x/multi", "1", &multi);
    let pulled = format!("{}/x/multi:1", source.addr);
    env.run(["pull", "--all-platforms", &pulled]).ok();
    let target = format!("{}/alice/multi:1", reg.addr);
    env.run(["tag", &pulled, &target]).ok();
    let printed = env
        .run([
            "push",
            &target,
            "--annotation",
            "org.opencontainers.image.description=Multi",
        ])
        .ok();
    let served = raw(&env, &target);
    assert_eq!(printed, format!("{target}@{}", sha256(&served)));
    let mut expected: serde_json::Value = serde_json::from_slice(&multi.index.data).expect("json");
    expected["annotations"] = serde_json::json!({"org.opencontainers.image.description": "Multi"});
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&served).expect("json"),
        expected
    );
}

#[test]
fn packages_visibility_tells_whether_anonymous_pulls_work_and_links_the_settings() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    env.set("GITHUB_TOKEN", "alicepw")
        .set("GITHUB_ACTOR", "alice");
    let img = image::image(164, &[100], "amd64");
    // The token server lets anonymous callers pull `public/*` only.
    let public = format!("{}/public/app:1", reg.addr);
    let private = format!("{}/alice/app:1", reg.addr);
    load(&env, &[(public.as_str(), &img), (private.as_str(), &img)]);
    env.run(["push", &public]).ok();
    env.run(["push", &private]).ok();
    let out = env.run(["packages", "visibility", &public]);
    assert_eq!(
        out.ok(),
        format!(
            "{public}: public (anonymous pulls work)\nsettings: https://github.com/users/public/packages/container/app/settings"
        )
    );
    assert!(
        out.stderr
            .contains("GitHub has no API that changes a package's visibility")
    );
    assert_eq!(
        env.run(["packages", "visibility", &format!("{}/alice/app", reg.addr)])
            .ok(),
        format!(
            "{}/alice/app: private (anonymous pulls are refused)\nsettings: https://github.com/users/alice/packages/container/app/settings",
            reg.addr
        )
    );
    // An organization's package, by the API's word; a nested name is one path segment.
    let json: serde_json::Value = env
        .run([
            "packages",
            "visibility",
            &format!("{}/acme/team/tool", reg.addr),
            "--format",
            "json",
        ])
        .ok()
        .parse()
        .expect("json");
    assert_eq!(
        json,
        serde_json::json!({
            "reference": format!("{}/acme/team/tool", reg.addr),
            "public": false,
            "settings": "https://github.com/orgs/acme/packages/container/team%2Ftool/settings",
        })
    );
    // The anonymous checks carried no credentials: every anonymous token request is
    // unauthenticated (the pushes above were alice's).
    assert!(tokens.requests().iter().any(|r| r.user.is_none()));
}

fn denied_push(env: &TestEnv, target: &str) -> Out {
    let out = env.run(["push", target]);
    assert_eq!(out.code, 4, "{out:#?}");
    out
}

#[test]
fn write_package_denied_names_the_manage_actions_access_page() {
    let api = GithubApi::start(vec![]);
    let reg = Registry::anonymous();
    let denied = r#"{"errors":[{"code":"DENIED","message":"permission_denied: write_package"}]}"#;
    let proxy = Proxy::start(
        &reg.addr,
        FailFirst {
            body: Some(denied.to_string()),
            ..FailFirst::new("/manifests/", 403, 2).method("PUT")
        }
        .faults(),
    );
    let mut env = TestEnv::new();
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
    env.set("GHCR_CLI_CONFIG", config.display().to_string())
        .set("GITHUB_TOKEN", "ghs_actions")
        .set("GITHUB_ACTOR", "alice");
    let img = image::image(165, &[100], "amd64");
    let (org, mine) = (
        format!("{}/acme/app:1", proxy.addr),
        format!("{}/alice/tool:1", proxy.addr),
    );
    load(&env, &[(org.as_str(), &img), (mine.as_str(), &img)]);
    let out = denied_push(&env, &org);
    assert!(
        out.stderr.contains(&format!(
            "\nerror: {} denied writing to the package `app` of `acme` (permission_denied: write_package)\nhint: give",
            proxy.addr
        )),
        "{out:#?}"
    );
    assert!(
        out.stderr.ends_with("hint: give the repository write access under \"Manage Actions access\" at https://github.com/orgs/acme/packages/container/app/settings, and the workflow `permissions: packages: write`\n"),
        "{out:#?}"
    );
    // The actor's own package is a user's.
    let out = denied_push(&env, &mine);
    assert!(
        out.stderr
            .contains("at https://github.com/users/alice/packages/container/tool/settings,"),
        "{out:#?}"
    );
}

#[test]
fn sso_and_github_token_refusals_are_one_line_with_the_fix() {
    let api = GithubApi::start(vec![]);
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_GITHUB_API", api.url())
        .set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let out = env.run(["packages", "list", "--org", SSO_ORG]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert_eq!(
        out.stderr,
        format!(
            "error: the GitHub API denied the package list: the organization uses SAML single sign-on, and the token is not authorized for it (403)\nhint: authorize the token for the organization's single sign-on at {SSO_URL}, then run the command again\n"
        )
    );

    // GITHUB_TOKEN (an installation token) asking for an organization's packages.
    let mut actions = TestEnv::new();
    actions
        .set("GHCR_CLI_GITHUB_API", api.url())
        .set("GITHUB_TOKEN", "ghs_actions")
        .set("GITHUB_ACTOR", "alice");
    let out = actions.run(["packages", "list", "--org", "acme"]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert_eq!(
        out.stderr,
        "error: the GitHub API denied the package list (403): Resource not accessible by integration\nhint: GITHUB_TOKEN reaches only the packages of its workflow's repository, not the list of acme's packages: use a classic token with read:packages for that (in GHCR_CLI_USERNAME/GHCR_CLI_PASSWORD)\n"
    );
}

#[test]
fn a_fine_grained_token_refused_by_the_registry_is_explained() {
    let api = GithubApi::start(vec![]);
    let tokens = TokenServer::start();
    let (reg, mut env) = ghcr_like(&api, &tokens);
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "github_pat_11ABCDEF");
    let img = image::image(166, &[100], "amd64");
    let target = format!("{}/alice/app:1", reg.addr);
    load(&env, &[(target.as_str(), &img)]);
    let out = env.run(["push", &target]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert!(
        out.stderr.contains(&format!(
            "error: {0} refused a fine-grained token (from the environment (GHCR_CLI_USERNAME/GHCR_CLI_PASSWORD)): {0} refused the credentials",
            reg.addr
        )),
        "{out:#?}"
    );
    assert!(
        out.stderr.ends_with("hint: GitHub Packages accepts only classic tokens: create a classic personal access token with read:packages and write:packages (and delete:packages to delete) at https://github.com/settings/tokens/new?scopes=write:packages, or use gh's own login (`gh auth login -s write:packages`, then `ghcr-cli login ghcr.io --with-gh`)\n"),
        "{out:#?}"
    );
}
