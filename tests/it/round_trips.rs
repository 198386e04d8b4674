//! Round trips, counted by the proxy fixture in front of a real registry (not timed): a push
//! of what the tag already holds is one manifest `HEAD` (and, at once, the tag list that
//! says whether the repository exists: in a new one small blobs go up without a `HEAD`
//! each); one token serves a whole push; HTTP/2 over TLS; small blobs try the single-request
//! upload once and fall back to `POST` and `PUT` when the registry does not take it,
//! remembering that for the run; a registry that answers 429 above 16 requests in flight
//! sees the client back off and finish.

use std::time::Duration;

use crate::harness::TestEnv;
use crate::harness::image::{self, TestImage};
use crate::harness::proxy::{Faults, Proxy, Seen};
use crate::harness::registry::Registry;
use crate::harness::relay::Relay;
use crate::harness::token::TokenServer;

/// An image of `layers` small layers, loaded into a fresh store as `REGISTRY/repo:1`.
fn loaded(env: &TestEnv, seed: u64, layers: usize, name: &str) -> TestImage {
    let sizes = vec![700; layers];
    let img = image::image(seed, &sizes, "amd64");
    let layout = env.path().join(format!("layout-{seed}"));
    image::write_layout(&layout, &[(name, &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    img
}

/// Requests to the registry's API (not the failed TLS attempt on the plain port).
fn api(seen: &[Seen]) -> Vec<&Seen> {
    seen.iter().filter(|s| s.path.starts_with("/v2/")).collect()
}

/// `METHOD PATH` of each request, sorted (requests sent together arrive in any order).
fn requests(seen: &[&Seen]) -> Vec<String> {
    let mut v: Vec<String> = seen
        .iter()
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    v.sort();
    v
}

#[test]
fn a_push_of_what_the_tag_holds_is_one_manifest_head() {
    let reg = Registry::anonymous();
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let env = TestEnv::new();
    let name = format!("{}/rt/same:1", proxy.addr);
    let img = loaded(&env, 1801, 3, &name);
    assert_eq!(
        env.run(["push", &name]).ok(),
        format!("{name}@{}", img.digest())
    );
    // A repository the registry did not know: its small blobs went up without a HEAD each.
    let first = proxy.seen();
    assert!(
        !first
            .iter()
            .any(|s| s.method == "HEAD" && s.path.contains("/blobs/")),
        "{first:#?}"
    );
    proxy.clear_seen();

    let again = env.run(["push", &name]);
    assert_eq!(again.ok(), format!("{name}@{}", img.digest()));
    let seen = proxy.seen();
    let api = api(&seen);
    let manifest_heads = api
        .iter()
        .filter(|s| s.method == "HEAD" && s.path == "/v2/rt/same/manifests/1")
        .count();
    assert_eq!(manifest_heads, 1, "{api:#?}");
    assert!(
        api.iter().all(|s| !s.path.contains("/blobs/")),
        "no blob request: {api:#?}"
    );
    // Discovery, then the manifest HEAD and (at the same time) whether the repository
    // exists: nothing else.
    assert_eq!(
        requests(&api),
        [
            "GET /v2/",
            "GET /v2/rt/same/tags/list?n=1",
            "HEAD /v2/rt/same/manifests/1"
        ]
    );
}

/// The upload requests of a push: (method, path) of each `POST` and `PUT` to `/blobs/uploads/`.
fn uploads(seen: &[Seen]) -> Vec<&Seen> {
    seen.iter()
        .filter(|s| s.path.contains("/blobs/uploads/"))
        .collect()
}

#[test]
fn small_blobs_try_one_request_once_then_post_and_put() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();

    // distribution 2.8 answers the single-request upload with a session (202) and ignores the
    // body: the blob then goes up with a PUT on that session, and the next blobs skip the try.
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let name = format!("{}/rt/session:1", proxy.addr);
    let img = loaded(&env, 1802, 3, &name);
    let out = env.run(["-j", "1", "push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    let seen = proxy.seen();
    let ups = uploads(&seen);
    let posts: Vec<&&Seen> = ups.iter().filter(|s| s.method == "POST").collect();
    let puts = ups.iter().filter(|s| s.method == "PUT").count();
    // Three layers and the config: one POST and one PUT each, and only the first POST tried
    // the single request.
    assert_eq!((posts.len(), puts), (4, 4), "{ups:#?}");
    assert!(posts[0].path.contains("?digest=sha256"), "{ups:#?}");
    assert!(
        posts[1..].iter().all(|s| !s.path.contains("digest=")),
        "remembered for the run: {ups:#?}"
    );

    // A registry that refuses it outright (405): a new session, and the push succeeds.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            refuse_monolithic: true,
            ..Faults::default()
        },
    );
    let name = format!("{}/rt/refused:1", proxy.addr);
    let img = loaded(&env, 1803, 3, &name);
    let out = env.run(["-j", "1", "push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    let seen = proxy.seen();
    let ups = uploads(&seen);
    let refused: Vec<&&Seen> = ups.iter().filter(|s| s.injected == Some(405)).collect();
    assert_eq!(refused.len(), 1, "tried once: {ups:#?}");
    let posts = ups
        .iter()
        .filter(|s| s.method == "POST" && s.injected.is_none())
        .count();
    let puts = ups.iter().filter(|s| s.method == "PUT").count();
    assert_eq!((posts, puts), (4, 4), "{ups:#?}");
    // What the registry holds is what was pushed.
    let check = TestEnv::new();
    assert_eq!(check.run(["digest", &name]).ok(), img.digest());
}

#[test]
fn a_registry_that_limits_requests_in_flight_sees_the_client_back_off() {
    let reg = Registry::anonymous();
    // Every request takes a while, so what the client sends together is in flight together;
    // the 17th at once gets 429.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            delay: Some(Duration::from_millis(30)),
            max_in_flight: Some(16),
            ..Faults::default()
        },
    );
    let env = TestEnv::new();
    let name = format!("{}/rt/busy:1", proxy.addr);
    let img = loaded(&env, 1804, 60, &name);
    let out = env.run(["push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    assert!(out.stderr.contains("429 Too Many Requests"), "{out:#?}");

    let seen = proxy.seen();
    let api = api(&seen);
    let refused: Vec<usize> = api
        .iter()
        .enumerate()
        .filter(|(_, s)| s.injected == Some(429))
        .map(|(i, _)| i)
        .collect();
    let first = *refused.first().expect("the limit was reached");
    // The client grew past 16 and was told so; it then halved what it sends at once, and
    // few were refused at all (64 in flight, never halved, get over a hundred).
    assert!(
        refused.len() <= 24,
        "{} refused: {refused:?}",
        refused.len()
    );
    let later: Vec<u32> = api[first..]
        .iter()
        .skip(16)
        .take(40)
        .map(|s| s.in_flight)
        .collect();
    let low = later.iter().copied().min().unwrap_or(0);
    assert!(
        low <= 8,
        "backed off after the first 429 (in flight: {later:?})"
    );
}

#[test]
fn over_tls_http2_carries_every_request_on_few_connections() {
    let reg = Registry::htpasswd_tls();
    let relay = Relay::start(&reg.addr);
    let ca = reg.ca.clone().expect("ca");
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw")
        .set("GHCR_CLI_CA_FILE", ca.display().to_string());
    let name = format!("{}/alice/h2:1", relay.addr);
    let img = loaded(&env, 1805, 40, &name);
    let out = env.run(["-v", "push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    // ALPN chose HTTP/2 (the trace says so), and the registry saw nothing else.
    assert!(out.stderr.contains(" ms (HTTP/2.0)"), "{}", out.stderr);
    let log = reg.log();
    let over = |proto: &str| log.lines().filter(|l| l.contains(proto)).count();
    assert!(over("HTTP/2.0\"") >= 80, "{log}");
    assert_eq!(over("HTTP/1.1\""), 0, "{log}");
    // 40 layers, the config and the manifest went up (HEAD, POST, PUT each) as streams on
    // one connection: besides it, only the plain-HTTP discovery attempt (loopback) connects.
    assert!(
        relay.connections() <= 3,
        "{} connections",
        relay.connections()
    );
}

#[test]
fn a_push_to_a_token_registry_asks_for_one_token_and_a_no_op_needs_three_round_trips() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let proxy = Proxy::start(&reg.addr, Faults::default());
    let mut env = TestEnv::new();
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let name = format!("{}/alice/tok:1", proxy.addr);
    let img = loaded(&env, 1806, 5, &name);

    // A new push: one token (pull and push) serves the manifest HEAD, the blob checks and
    // the uploads.
    assert_eq!(
        env.run(["push", &name]).ok(),
        format!("{name}@{}", img.digest())
    );
    assert_eq!(tokens.requests().len(), 1, "{:#?}", tokens.requests());

    // Again: discovery, the token and the manifest HEAD, nothing else.
    proxy.clear_seen();
    assert_eq!(
        env.run(["push", &name]).ok(),
        format!("{name}@{}", img.digest())
    );
    assert_eq!(tokens.requests().len(), 2, "{:#?}", tokens.requests());
    let seen = proxy.seen();
    assert_eq!(
        requests(&api(&seen)),
        [
            "GET /v2/",
            "GET /v2/alice/tok/tags/list?n=1",
            "HEAD /v2/alice/tok/manifests/1"
        ]
    );
}
