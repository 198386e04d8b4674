//! Authentication against real registries: htpasswd Basic auth over TLS with a test CA, and
//! ghcr.io's Bearer token flow with the token-server fixture.

use crate::harness::TestEnv;
use crate::harness::image;
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;

fn load(env: &TestEnv, name: &str, seed: u64) -> image::TestImage {
    let img = image::image(seed, &[2048, 4096], "amd64");
    let layout = env.path().join(format!("layout-{seed}"));
    image::write_layout(&layout, &[(name, &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    img
}

#[test]
fn htpasswd_over_tls_with_ca_file() {
    let reg = Registry::htpasswd_tls();
    let ca = reg.ca.clone().expect("ca");
    let ca = ca.to_str().expect("utf8");
    let mut env = TestEnv::new();
    let target = format!("{}/alice/app:1", reg.addr);
    let img = load(&env, &target, 10);

    // Without the CA, TLS verification fails and nothing falls back to plain HTTP silently.
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let out = env.run(["push", &target]);
    out.fails(
        1,
        &format!("the TLS certificate of `{}` is not trusted", reg.addr),
    );

    // Anonymous: refused with exit 4 and a login hint.
    env.unset("GHCR_CLI_USERNAME").unset("GHCR_CLI_PASSWORD");
    env.run(["push", &target, "--ca-file", ca])
        .fails(
            4,
            &format!(
                "{} requires credentials, and none were found for it",
                reg.addr
            ),
        )
        .fails(
            4,
            &format!(
                "hint: log in with `ghcr-cli login {} -u USER --password-stdin`",
                reg.addr
            ),
        );

    // Wrong password: exit 4.
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "wrong");
    env.run(["push", &target, "--ca-file", ca])
        .fails(4, &format!("{} refused the credentials", reg.addr));

    // Right password: pushed, and pulls back with the CA from the environment.
    env.set("GHCR_CLI_PASSWORD", "alicepw");
    assert_eq!(
        env.run(["push", &target, "--ca-file", ca]).ok(),
        format!("{target}@{}", img.digest())
    );
    let mut env2 = TestEnv::new();
    env2.set("GHCR_CLI_USERNAME", "bob")
        .set("GHCR_CLI_PASSWORD", "bobpw")
        .set("GHCR_CLI_CA_FILE", ca);
    assert_eq!(
        env2.run(["pull", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    assert_eq!(
        env2.run(["tags", &format!("{}/alice/app", reg.addr)]).ok(),
        "1"
    );
    // SSL_CERT_FILE is trusted like the system's roots.
    let mut env3 = TestEnv::new();
    env3.set("GHCR_CLI_USERNAME", "bob")
        .set("GHCR_CLI_PASSWORD", "bobpw")
        .set("SSL_CERT_FILE", ca);
    assert_eq!(env3.run(["digest", &target]).ok(), img.digest());
    // --insecure skips verification (Docker's insecure registries); nothing falls back to
    // plain HTTP against a TLS registry.
    let mut env4 = TestEnv::new();
    env4.set("GHCR_CLI_USERNAME", "bob")
        .set("GHCR_CLI_PASSWORD", "bobpw");
    assert_eq!(
        env4.run(["--insecure", "digest", &target]).ok(),
        img.digest()
    );
}

#[test]
fn bearer_token_flow_like_ghcr() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let private = format!("{}/alice/app:1", reg.addr);
    let public = format!("{}/public/app:1", reg.addr);
    let img = load(&env, &private, 20);
    env.run(["tag", &private, &public]).ok();

    // Anonymous push: the token server grants nothing, the registry says 401: exit 4.
    env.run(["push", &private])
        .fails(4, "requires credentials, and none were found for it");

    // Wrong password: the token server refuses: exit 4.
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "nope");
    env.run(["push", &private])
        .fails(4, "refused the credentials");

    env.set("GHCR_CLI_PASSWORD", "alicepw");
    assert_eq!(
        env.run(["push", &private]).ok(),
        format!("{private}@{}", img.digest())
    );
    assert_eq!(
        env.run(["push", &public]).ok(),
        format!("{public}@{}", img.digest())
    );

    // The token server saw scoped requests with the right account; one token per scope.
    let reqs = tokens.requests();
    let push_scope = "repository:alice/app:pull,push".to_string();
    let alice_push: Vec<_> = reqs
        .iter()
        .filter(|r| {
            r.user.as_deref() == Some("alice") && r.authorized && r.scopes.contains(&push_scope)
        })
        .collect();
    // The account parameter names the user the Basic credentials are for.
    assert!(
        alice_push
            .iter()
            .all(|r| r.account.as_deref() == Some("alice")),
        "{alice_push:#?}"
    );
    assert_eq!(
        alice_push.len(),
        1,
        "one push token for the whole push: {reqs:#?}"
    );

    // bob may pull but not push.
    let mut bob = TestEnv::new();
    bob.set("GHCR_CLI_USERNAME", "bob")
        .set("GHCR_CLI_PASSWORD", "bobpw");
    assert_eq!(
        bob.run(["pull", &private]).ok(),
        format!("{private}@{}", img.digest())
    );
    bob.run(["push", &format!("{}/alice/app:2", reg.addr)])
        .fails(3, "no local image");
    bob.run(["tag", &private, &format!("{}/alice/app:2", reg.addr)])
        .ok();
    bob.run(["push", &format!("{}/alice/app:2", reg.addr)])
        .fails(4, "refused the credentials");

    // Anonymous pull works on public/ only, like public ghcr.io images.
    let anon = TestEnv::new();
    assert_eq!(
        anon.run(["pull", &public]).ok(),
        format!("{public}@{}", img.digest())
    );
    anon.run(["pull", &private])
        .fails(4, "requires credentials, and none were found for it");
}

#[test]
fn redirected_blob_downloads_never_carry_the_registry_authorization() {
    use crate::harness::proxy::{Faults, Proxy};
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let direct = format!("{}/alice/redir:1", reg.addr);
    let img = load(&env, &direct, 12);
    env.run(["push", &direct]).ok();

    // Like ghcr.io: blob GETs answer 307 to a storage host (here 127.0.0.2).
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            redirect_blobs: true,
            ..Faults::default()
        },
    );
    let via = format!("{}/alice/redir:1", proxy.addr);
    let env2 = {
        let mut e = TestEnv::new();
        e.set("GHCR_CLI_USERNAME", "alice")
            .set("GHCR_CLI_PASSWORD", "alicepw");
        e
    };
    // With -vv (request and response headers traced), the signed storage URL's credential
    // and signature appear nowhere: not in stderr, stdout, or any file the run wrote.
    let out = env2.run(["-vv", "pull", &via]);
    assert_eq!(out.ok(), format!("{via}@{}", img.digest()));
    assert!(
        out.stderr.contains("location: "),
        "headers traced: {out:#?}"
    );
    assert!(
        out.stderr.contains("/storage/v2/alice/redir/blobs/"),
        "{out:#?}"
    );
    for secret in [
        crate::harness::proxy::STORAGE_CREDENTIAL,
        crate::harness::proxy::STORAGE_SIGNATURE,
        "expires-soon",
    ] {
        assert!(
            !out.stderr.contains(secret) && !out.stdout.contains(secret),
            "{secret} leaked: {out:#?}"
        );
        assert_eq!(
            env2.files_containing(secret.as_bytes()),
            Vec::<std::path::PathBuf>::new()
        );
    }
    let seen = proxy.seen();
    let storage: Vec<_> = seen.iter().filter(|s| s.storage).collect();
    assert_eq!(
        storage.len(),
        3,
        "config and two layers came from storage: {seen:#?}"
    );
    assert!(
        storage.iter().all(|s| !s.authorization),
        "Authorization leaked to storage: {seen:#?}"
    );
    let registry_blob_gets: Vec<_> = seen
        .iter()
        .filter(|s| !s.storage && s.method == "GET" && s.path.contains("/blobs/"))
        .collect();
    assert_eq!(registry_blob_gets.len(), 3);
    assert!(
        registry_blob_gets.iter().all(|s| s.authorization),
        "{seen:#?}"
    );
}

/// whoami asks the registry (one authenticated request) whether it accepts the credentials,
/// and says where they come from; refused credentials are exit 4 (issue #14).
#[test]
fn whoami_asks_the_registry_whether_it_accepts_the_credentials() {
    let reg = Registry::htpasswd_tls();
    let ca = reg.ca.clone().expect("ca");
    let ca = ca.to_str().expect("utf8");
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let out = env.run(["--ca-file", ca, "whoami", &reg.addr, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    assert_eq!(json["username"], "alice");
    assert_eq!(json["source"], "environment");
    assert_eq!(json["accepted"], true);
    // The password changes: the same credentials are now refused.
    env.set("GHCR_CLI_PASSWORD", "changed");
    let out = env.run(["--ca-file", ca, "whoami", &reg.addr]);
    out.fails(
        4,
        &format!("{} refused the credentials of `alice`", reg.addr),
    );
    assert!(out.stdout.contains("(refused)"), "{out:#?}");
}

/// A token the registry stops accepting mid-run (a 401 with a Bearer challenge) is dropped,
/// a fresh one fetched, and the request sent again, once (found by mutation testing: no test
/// took this path).
#[test]
fn a_refused_token_is_refreshed_once_and_the_request_repeated() {
    use crate::harness::proxy::{FailFirst, Proxy};
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let direct = format!("{}/alice/refresh:1", reg.addr);
    let img = load(&env, &direct, 14);
    env.run(["push", &direct]).ok();
    // The registry's own challenge, as it sends it.
    let challenge = {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            reqwest::get(format!("http://{}/v2/", reg.addr))
                .await
                .expect("ping")
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .expect("challenge")
                .to_string()
        })
    };
    let mut refuse = FailFirst::new("/manifests/", 401, 1);
    refuse.header = Some(("WWW-Authenticate".into(), challenge));
    let proxy = Proxy::start(&reg.addr, refuse.faults());
    let via = format!("{}/alice/refresh:1", proxy.addr);
    let before = tokens.requests().len();
    assert_eq!(
        env.run(["pull", &via]).ok(),
        format!("{via}@{}", img.digest())
    );
    let manifest_gets = proxy
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.path.contains("/manifests/"))
        .count();
    assert_eq!(manifest_gets, 2, "refused once, then sent again");
    assert_eq!(
        tokens.requests().len() - before,
        2,
        "the first token, then a fresh one"
    );

    // Refused every time: one refresh, then exit 4, not a loop.
    let mut always = FailFirst::new("/manifests/", 401, 100);
    always.header = Some((
        "WWW-Authenticate".into(),
        format!(
            "Bearer realm=\"{}\",service=\"{}\"",
            tokens.realm(),
            crate::harness::token::SERVICE
        ),
    ));
    let proxy = Proxy::start(&reg.addr, always.faults());
    let out = env.run(["pull", &format!("{}/alice/refresh:1", proxy.addr)]);
    assert_eq!(out.code, 4, "{out:#?}");
    let gets = proxy
        .seen()
        .iter()
        .filter(|s| s.method == "GET" && s.path.contains("/manifests/"))
        .count();
    assert_eq!(gets, 2, "one refresh, no more");
}

/// Basic auth: a 401 is tried again only when its challenge differs from the one the
/// registry gave before (a new realm); the same challenge again means the credentials are
/// refused, exit 4 after one request (found by mutation testing).
#[test]
fn basic_auth_retries_a_401_only_for_a_new_challenge() {
    use crate::harness::proxy::{FailFirst, Proxy};
    let reg = Registry::htpasswd_plain();
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let direct = format!("{}/alice/basic:1", reg.addr);
    let img = load(&env, &direct, 15);
    env.run(["push", &direct]).ok();
    let manifest_gets = |p: &Proxy| {
        p.seen()
            .iter()
            .filter(|s| s.method == "GET" && s.path.contains("/manifests/"))
            .count()
    };
    let mut changed = FailFirst::new("/manifests/", 401, 1);
    changed.header = Some((
        "WWW-Authenticate".into(),
        "Basic realm=\"another-realm\"".into(),
    ));
    let proxy = Proxy::start(&reg.addr, changed.faults());
    let via = format!("{}/alice/basic:1", proxy.addr);
    assert_eq!(
        env.run(["pull", &via]).ok(),
        format!("{via}@{}", img.digest())
    );
    assert_eq!(manifest_gets(&proxy), 2, "a new challenge: sent again");

    let mut same = FailFirst::new("/manifests/", 401, 1);
    same.header = Some((
        "WWW-Authenticate".into(),
        "Basic realm=\"test-realm\"".into(),
    ));
    let proxy = Proxy::start(&reg.addr, same.faults());
    let fresh = {
        let mut e = TestEnv::new();
        e.set("GHCR_CLI_USERNAME", "alice")
            .set("GHCR_CLI_PASSWORD", "alicepw");
        e
    };
    let out = fresh.run(["pull", &format!("{}/alice/basic:1", proxy.addr)]);
    assert_eq!(out.code, 4, "{out:#?}");
    assert_eq!(
        manifest_gets(&proxy),
        1,
        "the same challenge: not sent again"
    );
}

/// A redirect on the registry's own origin keeps Authorization (and its token flow); only
/// other origins lose it (found by mutation testing: no test had a same-origin redirect).
#[test]
fn a_same_origin_redirect_keeps_authorization() {
    use crate::harness::proxy::{Faults, Proxy};
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let direct = format!("{}/alice/moved:1", reg.addr);
    let img = load(&env, &direct, 16);
    env.run(["push", &direct]).ok();
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            redirect_blobs_same_origin: true,
            ..Faults::default()
        },
    );
    let via = format!("{}/alice/moved:1", proxy.addr);
    let fresh = {
        let mut e = TestEnv::new();
        e.set("GHCR_CLI_USERNAME", "alice")
            .set("GHCR_CLI_PASSWORD", "alicepw");
        e
    };
    assert_eq!(
        fresh.run(["pull", &via]).ok(),
        format!("{via}@{}", img.digest())
    );
    let moved: Vec<_> = proxy
        .seen()
        .into_iter()
        .filter(|s| s.method == "GET" && s.path.contains("moved=1"))
        .collect();
    assert_eq!(
        moved.len(),
        3,
        "config and two layers, each redirected once"
    );
    assert!(moved.iter().all(|s| s.authorization), "{moved:#?}");
}
