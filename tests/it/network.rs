//! Network failures a user can act on (issue #12): each is one line that names what failed
//! and a hint, with no retries where another try cannot help, and within the deadline where
//! the registry stopped answering.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::harness::TestEnv;
use crate::harness::netns::Netns;
use crate::harness::proxy::{FailFirst, Proxy};
use crate::harness::registry::Registry;

#[test]
fn an_unknown_host_fails_at_once_and_suggests_the_registry_one_letter_away() {
    // Inside a namespace of our own, a name lookup cannot leave the machine.
    let ns = match Netns::new() {
        Ok(ns) => ns,
        Err(why) => {
            eprintln!("skipped: cannot make a network namespace here ({why})");
            return;
        }
    };
    let env = TestEnv::new();
    let started = Instant::now();
    let out = env.run_in(&ns, &["pull", "ghrc.io/acme/app:1"]);
    let took = started.elapsed();
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        out.stderr.contains("cannot resolve the host `ghrc.io`"),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains("hint: did you mean `ghcr.io`?"),
        "{out:#?}"
    );
    assert!(!out.stderr.contains("retrying"), "{out:#?}");
    assert!(out.stderr.lines().count() <= 4, "short: {out:#?}");
}

#[test]
fn an_untrusted_certificate_fails_at_once_with_the_ca_file_hint() {
    let reg = Registry::htpasswd_tls();
    let env = TestEnv::new();
    let started = Instant::now();
    let out = env.run(["pull", &format!("{}/alice/app:1", reg.addr)]);
    let took = started.elapsed();
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(
        out.stderr.contains(&format!(
            "the TLS certificate of `{}` is not trusted (issued by an authority this machine does not trust)",
            reg.addr
        )),
        "{out:#?}"
    );
    assert!(out.stderr.contains("`--ca-file FILE`"), "{out:#?}");
    assert!(!out.stderr.contains("retrying"), "{out:#?}");
}

#[test]
fn a_registry_that_never_answers_fails_within_the_deadline() {
    // Accepts connections and never answers; they stay open until the test ends.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in listener.incoming().take(16).flatten() {
            conns.push(c);
        }
        conns
    });
    let env = TestEnv::new();
    let config = env.path().join("config/ghcr-cli/config.toml");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &config,
        "connect_timeout = 1\nread_timeout = 1\ndeadline = 3\n",
    )
    .expect("config");
    let started = Instant::now();
    let out = env.run(["pull", &format!("{addr}/silent/app:1")]);
    let took = started.elapsed();
    assert_eq!(out.code, 1, "{out:#?}");
    // The HTTPS attempt (1 s), then plain HTTP within its 3 s deadline.
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(out.stderr.contains("did not answer within 1s"), "{out:#?}");
    assert!(out.stderr.contains("to wait longer, raise `"), "{out:#?}");
    drop(held);
}

#[test]
fn a_loopback_500_over_plain_http_is_reported_with_its_body() {
    let reg = Registry::anonymous();
    let mut fail = FailFirst::new("/v2/", 500, 100);
    fail.body =
        Some(r#"{"errors":[{"code":"UNKNOWN","message":"the database is on fire"}]}"#.into());
    let proxy = Proxy::start(&reg.addr, fail.faults());
    let env = TestEnv::new();
    let out = env.run(["--retries", "0", "pull", &format!("{}/x/app:1", proxy.addr)]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("answered 500"), "{out:#?}");
    assert!(out.stderr.contains("the database is on fire"), "{out:#?}");
    assert!(
        !out.stderr.contains("TLS"),
        "not the HTTPS attempt's error: {out:#?}"
    );
}

#[test]
fn digest_makes_one_get_after_a_refused_head() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = crate::harness::image::image(4100, &[100], "amd64");
    let name = format!("{}/head/app:1", reg.addr);
    let layout = env.path().join("layout");
    crate::harness::image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &name]).ok();
    let proxy = Proxy::start(
        &reg.addr,
        FailFirst::new("/manifests/", 405, 100)
            .method("HEAD")
            .faults(),
    );
    let out = env.run(["digest", &format!("{}/head/app:1", proxy.addr)]);
    assert_eq!(out.ok(), img.digest());
    let seen = proxy.seen();
    let count = |m: &str| {
        seen.iter()
            .filter(|s| s.method == m && s.path.contains("/manifests/"))
            .count()
    };
    assert_eq!((count("HEAD"), count("GET")), (1, 1), "{seen:#?}");
    assert!(!out.stderr.contains("retrying"), "{out:#?}");
}

/// An answer whose headers are too large is malformed, not a network hiccup: one line, no
/// retries (found by mutation testing: it was only classified by its text).
#[test]
fn an_oversized_answer_is_not_retried() {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = std::thread::spawn(move || {
        let mut served = 0;
        for conn in listener.incoming().take(4).flatten() {
            let mut conn = conn;
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let big = "a".repeat(1 << 20);
            let _ = write!(conn, "HTTP/1.1 200 OK\r\nX-Big: {big}\r\n\r\n");
            served += 1;
        }
        served
    });
    let env = TestEnv::new();
    let out = env.run(["--retries", "3", "pull", &format!("{addr}/big/app:1")]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("is malformed or too large"), "{out:#?}");
    assert!(!out.stderr.contains("retrying"), "{out:#?}");
    drop(server);
}
