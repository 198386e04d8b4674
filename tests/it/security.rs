//! The guards a network attacker or a flaky network meets, each with a test that fails when
//! the guard is removed: no plain HTTP off loopback without `--insecure` (a downgrade would
//! expose the password), and connections reset before any answer are retried (issue #20).

use crate::harness::TestEnv;
use crate::harness::image::{self, TestImage};
use crate::harness::netns::Netns;
use crate::harness::proxy::{Faults, Proxy};
use crate::harness::registry::Registry;

/// Loads `img` into `env`'s store under `name` (no network involved).
fn load(env: &TestEnv, name: &str, img: &TestImage) {
    let layout = env.path().join(format!("layout-{}", &img.digest()[7..15]));
    image::write_layout(&layout, &[(name, img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
}

/// Requests the registry's access log records (any method, any path under /v2/).
fn requests(reg: &Registry) -> usize {
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .map(|m| reg.count_requests(m, "/v2/"))
        .sum()
}

#[test]
fn plain_http_off_loopback_is_refused_without_insecure() {
    let ns = match Netns::new() {
        Ok(ns) => ns,
        Err(why) => {
            eprintln!("skipped: cannot make a network namespace here ({why})");
            return;
        }
    };
    let reg = Registry::anonymous_in(&ns);
    assert!(reg.addr.starts_with("192.0.2.10:"), "{}", reg.addr);
    let env = TestEnv::new();
    let img = image::image(2000, &[900], "amd64");
    let name = format!("{}/sec/app:1", reg.addr);
    load(&env, &name, &img);

    // HTTPS only: the plain-HTTP registry never sees one request it can read.
    let out = env.run_in(&ns, &["push", &name, "--retries", "0"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stderr
            .contains(&format!("`{}` answered in plain HTTP, not HTTPS", reg.addr)),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains(&format!(
            "allow it with `--insecure`, or `insecure = true` under `[registries.\"{}\"]`",
            reg.addr
        )),
        "{out:#?}"
    );
    assert_eq!(
        requests(&reg),
        0,
        "plain HTTP reached the registry: {}",
        reg.log()
    );

    // --insecure is the explicit opt-in.
    let out = env.run_in(&ns, &["--insecure", "push", &name]);
    assert_eq!(out.ok(), format!("{name}@{}", img.digest()));
    assert_eq!(reg.count_requests("PUT", "/v2/sec/app/manifests/1"), 1);
}

#[test]
fn connections_reset_before_any_answer_are_retried() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(2100, &[5000, 7000], "amd64");
    let direct = format!("{}/sec/reset:1", reg.addr);
    load(&env, &direct, &img);
    env.run(["push", &direct]).ok();

    // Pull: the first three blob and manifest requests are reset before an answer.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            reset_before_answer: Some(("/v2/sec/".into(), 3)),
            ..Faults::default()
        },
    );
    let via = format!("{}/sec/reset:1", proxy.addr);
    let fresh = TestEnv::new();
    let out = fresh.run(["pull", &via]);
    assert_eq!(out.ok(), format!("{via}@{}", img.digest()));
    assert_eq!(out.stderr.matches("retrying in").count(), 3, "{out:#?}");
    for b in img.blobs() {
        let stored = fresh.store().join("blobs/sha256").join(&b.digest[7..]);
        assert_eq!(
            std::fs::read(stored).ok().as_deref(),
            Some(b.data.as_slice())
        );
    }

    // Push: the first two upload requests are reset before an answer.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            reset_before_answer: Some(("/blobs/uploads/".into(), 2)),
            ..Faults::default()
        },
    );
    let target = format!("{}/sec/pushed:1", proxy.addr);
    fresh.run(["tag", &via, &target]).ok();
    let out = fresh.run(["push", &target]);
    assert_eq!(out.ok(), format!("{target}@{}", img.digest()));
    assert!(out.stderr.contains("retrying in"), "{out:#?}");
    assert!(crate::harness::registry::has_manifest(
        &reg.addr,
        "sec/pushed",
        img.digest()
    ));
}

/// A registry that answers a manifest PUT with another digest than the bytes sent (it stored
/// something else) fails the push, naming both digests, instead of reporting success.
#[test]
fn a_manifest_put_answered_with_another_digest_fails_the_push() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(2150, &[3000], "amd64");
    let other = format!("sha256:{}", "e".repeat(64));
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            lie_manifest_digest: Some(other.clone()),
            ..Faults::default()
        },
    );
    let target = format!("{}/sec/lied:1", proxy.addr);
    load(&env, &target, &img);
    let out = env.run(["push", &target]);
    out.fails(1, &other);
    assert!(out.stderr.contains(img.digest()), "{out:#?}");
}
