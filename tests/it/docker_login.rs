//! `ghcr-cli login REGISTRY --docker [--undo]` (issue #19): Docker's config.json gets exactly
//! one `credHelpers` entry and loses exactly it again, no secret reaches a file, and the real
//! docker CLI, driving a real engine (Podman's Docker API), pushes to the htpasswd + TLS
//! registry with the login it got from `docker-credential-ghcr-cli get`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

use crate::harness::engine::Engine;
use crate::harness::image;
use crate::harness::keyring::SecretService;
use crate::harness::registry::Registry;
use crate::harness::{BIN, Out, TestEnv};

/// A copy of the binary in the test's own `bin/` (a hard link where it can be): `login
/// --docker` puts its helper link beside the running binary, which must not be the shared
/// `target/debug`.
fn own_binary(env: &TestEnv) -> PathBuf {
    let dir = env.path().join("bin");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let exe = dir.join("ghcr-cli");
    if std::fs::hard_link(BIN, &exe).is_err() {
        std::fs::copy(BIN, &exe).expect("copy the binary");
    }
    exe
}

/// Runs `exe` (the test's copy) with the test's environment and `input` on stdin.
fn run(env: &TestEnv, exe: &Path, args: &[&str], input: &str) -> Out {
    let mut c = Command::new(exe);
    c.env_clear().args(args);
    for (k, v) in &env.envs {
        c.env(k, v);
    }
    env.run_command_stdin(c, input.as_bytes())
}

/// `login ADDR -u alice --password-stdin --docker` with the test registry's password: it
/// succeeds.
fn login_docker(env: &TestEnv, exe: &Path, addr: &str) -> Out {
    let args = ["login", addr, "-u", "alice", "--password-stdin", "--docker"];
    let out = run(env, exe, &args, "alicepw\n");
    assert_eq!(out.ok(), "Login Succeeded");
    out
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

/// A secret the registry accepts never reaches a file: not as typed, not base64 as `auths`
/// keeps it.
#[track_caller]
fn assert_no_secret_in_files(env: &TestEnv, user: &str, password: &str) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    for needle in [password.to_string(), b64] {
        let hits = env.files_containing(needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is in {hits:?}");
    }
}

#[test]
fn login_docker_adds_one_cred_helper_entry_and_undo_takes_exactly_it_back() {
    let reg = Registry::htpasswd_tls();
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let ca = reg.ca.as_ref().expect("ca").display().to_string();
    env.set("GHCR_CLI_CA_FILE", ca);
    let exe = own_binary(&env);
    let link = exe.with_file_name("docker-credential-ghcr-cli");

    // Docker's own config, with a plaintext login for this very registry (another
    // password: it is the user's to move, and it stays) and settings of every kind.
    let docker = env.path().join("docker");
    std::fs::create_dir_all(&docker).expect("mkdir");
    let config = docker.join("config.json");
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let before = serde_json::json!({
        "auths": {reg.addr.clone(): {"auth": b64("alice:oldpw")}},
        "credHelpers": {"quay.io": "quay"},
        "credsStore": "desktop",
        "HttpHeaders": {"User-Agent": "kept"},
        "psFormat": "table {{.ID}}",
        "proxies": {"default": {"noProxy": "127.0.0.1"}},
    });
    std::fs::write(&config, serde_json::to_vec_pretty(&before).expect("json")).expect("write");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    env.set("DOCKER_CONFIG", docker.display().to_string());

    let out = login_docker(&env, &exe, &reg.addr);
    let mut expected = before.clone();
    expected["credHelpers"][&reg.addr] = "ghcr-cli".into();
    assert_eq!(read_json(&config), expected);
    assert_eq!(mode(&config), 0o640, "the file keeps its mode");
    assert_eq!(std::fs::read_link(&link).expect("the helper link"), exe);
    for said in [
        format!("linked `{}` to `{}`", link.display(), exe.display()),
        format!(
            "added \"credHelpers\": {{\"{}\": \"ghcr-cli\"}} to `{}`",
            reg.addr,
            config.display()
        ),
        format!(
            "warning: `{}` is not on PATH",
            link.parent().expect("dir").display()
        ),
        // The plaintext entry is named, with the command that moves it; it is not removed.
        "ghcr-cli login --import-docker --remove-plaintext".to_string(),
    ] {
        assert!(
            out.stderr.contains(&said),
            "stderr lacks {said:?}: {out:#?}"
        );
    }
    assert_no_secret_in_files(&env, "alice", "alicepw");

    // Docker asks the link, which answers from the keyring.
    let got = run(&env, &link, &["get"], &format!("{}\n", reg.addr));
    let got: serde_json::Value = serde_json::from_str(&got.ok()).expect("json");
    assert_eq!(
        (&got["Username"], &got["Secret"]),
        (&"alice".into(), &"alicepw".into())
    );

    // Again, alone (the keyring has the login): nothing changes.
    let out = run(&env, &exe, &["login", &reg.addr, "--docker"], "");
    out.ok();
    assert!(out.stderr.contains("already has"), "{out:#?}");
    assert_eq!(read_json(&config), expected);

    // Undo: the previous JSON, the mode, and no link (no other entry names ghcr-cli).
    let out = run(&env, &exe, &["login", &reg.addr, "--docker", "--undo"], "");
    out.ok();
    assert_eq!(read_json(&config), before);
    assert_eq!(mode(&config), 0o640);
    assert!(std::fs::symlink_metadata(&link).is_err(), "{out:#?}");
    assert!(
        out.stderr
            .contains(&format!("removed the link `{}`", link.display())),
        "{out:#?}"
    );
    // The keyring login itself stays.
    assert_eq!(
        run(&env, &exe, &["whoami", &reg.addr], "").ok(),
        format!(
            "alice on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );

    // No config.json yet: one is made, private, holding only the entry.
    let fresh = env.path().join("fresh-docker");
    env.set("DOCKER_CONFIG", fresh.display().to_string());
    let out = run(&env, &exe, &["login", &reg.addr, "--docker"], "");
    out.ok();
    let made = fresh.join("config.json");
    assert_eq!(
        read_json(&made),
        serde_json::json!({"credHelpers": {reg.addr.clone(): "ghcr-cli"}})
    );
    assert_eq!(mode(&made), 0o600);
    assert!(out.stderr.contains("(mode 0600)"), "{out:#?}");
    assert_no_secret_in_files(&env, "alice", "alicepw");

    // Another registry with no login: refused, with the one-step command.
    run(&env, &exe, &["login", "127.0.0.1:1", "--docker"], "").fails(
        4,
        "hint: log in and set docker up in one step: `ghcr-cli login 127.0.0.1:1 -u USER --password-stdin --docker`",
    );
}

/// What `login --docker` replaced comes back on `--undo`: the helper the registry's
/// `credHelpers` entry named (`desktop`), and where the helper link pointed; a link that was
/// already there is kept. The link targets the `ghcr-cli` on PATH (a package manager's stable
/// entry, here a symlink to the test's binary), not the binary's own path.
#[test]
fn undo_gives_back_the_helper_and_the_link_that_login_docker_replaced() {
    let reg = Registry::htpasswd_tls();
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let ca = reg.ca.as_ref().expect("ca").display().to_string();
    env.set("GHCR_CLI_CA_FILE", ca);
    let exe = own_binary(&env);
    // PATH's `ghcr-cli` is a link to the binary, as Homebrew's `bin/` links into its Cellar.
    let path_bin = env.path().join("path-bin");
    std::fs::create_dir_all(&path_bin).expect("mkdir");
    let on_path = path_bin.join("ghcr-cli");
    std::os::unix::fs::symlink(&exe, &on_path).expect("symlink");
    let system_path = env
        .envs
        .iter()
        .find(|(k, _)| k == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    env.set("PATH", format!("{}:{system_path}", path_bin.display()));
    // An older helper link there, to another program.
    let link = path_bin.join("docker-credential-ghcr-cli");
    let old = env.path().join("old-ghcr-cli");
    std::fs::write(&old, "#!/bin/sh\n").expect("write");
    std::os::unix::fs::symlink(&old, &link).expect("symlink");
    let docker = env.path().join("docker");
    std::fs::create_dir_all(&docker).expect("mkdir");
    let config = docker.join("config.json");
    let before = serde_json::json!({
        "credHelpers": {reg.addr.clone(): "desktop", "quay.io": "quay"},
        "psFormat": "table {{.ID}}",
    });
    std::fs::write(&config, serde_json::to_vec_pretty(&before).expect("json")).expect("write");
    env.set("DOCKER_CONFIG", docker.display().to_string());

    let out = login_docker(&env, &exe, &reg.addr);
    assert_eq!(std::fs::read_link(&link).expect("link"), on_path);
    let mut during = before.clone();
    during["credHelpers"][&reg.addr] = "ghcr-cli".into();
    assert_eq!(read_json(&config), during);
    for said in [
        format!(
            "linked `{}` to `{}` (it pointed at `{}`)",
            link.display(),
            on_path.display(),
            old.display()
        ),
        "it named `docker-credential-desktop` before".to_string(),
    ] {
        assert!(
            out.stderr.contains(&said),
            "stderr lacks {said:?}: {out:#?}"
        );
    }
    // Docker runs the link, which answers from the keyring.
    let got = run(&env, &link, &["get"], &format!("{}\n", reg.addr));
    assert!(got.ok().contains("\"Secret\":\"alicepw\""), "{got:#?}");

    let out = run(&env, &exe, &["login", &reg.addr, "--docker", "--undo"], "");
    out.ok();
    assert_eq!(read_json(&config), before, "{out:#?}");
    assert_eq!(std::fs::read_link(&link).expect("link"), old, "{out:#?}");
    for said in [
        format!(
            "gave {} back to `docker-credential-desktop` in `{}`, as before `login --docker`",
            reg.addr,
            config.display()
        ),
        format!(
            "pointed the link `{}` back at `{}`",
            link.display(),
            old.display()
        ),
    ] {
        assert!(
            out.stderr.contains(&said),
            "stderr lacks {said:?}: {out:#?}"
        );
    }

    // A link the user made to ghcr-cli before `login --docker` stays after `--undo`.
    std::fs::remove_file(&link).expect("rm");
    std::os::unix::fs::symlink(&on_path, &link).expect("symlink");
    run(&env, &exe, &["login", &reg.addr, "--docker"], "").ok();
    let out = run(&env, &exe, &["login", &reg.addr, "--docker", "--undo"], "");
    out.ok();
    assert_eq!(read_json(&config), before, "{out:#?}");
    assert_eq!(std::fs::read_link(&link).expect("kept"), on_path);
    assert!(
        out.stderr
            .contains("kept `docker-credential-ghcr-cli`: it was there before `login --docker`"),
        "{out:#?}"
    );
}

/// The real docker CLI, pointed at a real engine, pushes to the htpasswd + TLS registry with
/// the login it gets from `docker-credential-ghcr-cli get` (the keyring entry `login
/// --docker` set up): the registry's log shows the manifest PUT, accepted for alice.
#[test]
fn docker_push_through_the_engine_uses_the_keyring_login_via_the_helper() {
    let reg = Registry::htpasswd_tls();
    let engine = Engine::start_trusting(&[&reg.addr]);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let ca = reg.ca.as_ref().expect("ca").display().to_string();
    env.set("GHCR_CLI_CA_FILE", ca);
    let docker_dir = env.path().join("docker");
    env.set("DOCKER_CONFIG", docker_dir.display().to_string());
    let exe = own_binary(&env);
    run(
        &env,
        &exe,
        &[
            "login",
            &reg.addr,
            "-u",
            "alice",
            "--password-stdin",
            "--docker",
        ],
        "alicepw\n",
    )
    .ok();

    let target = format!("{}/alice/pushed:1", reg.addr);
    let img = image::image(621, &[20_000], "amd64");
    engine.load(&image::docker_archive(&img, &target));

    // docker finds the helper on PATH, as a user's shell would.
    let bin = exe.parent().expect("bin").display().to_string();
    let mut docker = Command::new("docker");
    docker.env_clear();
    for (k, v) in &env.envs {
        docker.env(k, v);
    }
    docker
        .env(
            "PATH",
            format!("{bin}:{}", std::env::var("PATH").unwrap_or_default()),
        )
        .args(["--host", &engine.docker_host(), "push", &target]);
    let out = docker
        .output()
        .expect("run docker (scripts/test.sh installs docker.io)");
    assert!(
        out.status.success(),
        "docker push failed: {}\n{}\nregistry:\n{}\nengine:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        reg.log(),
        engine.log()
    );

    let log = reg.log();
    assert!(
        log.contains("\"PUT /v2/alice/pushed/manifests/1 HTTP/1.1\" 201"),
        "no accepted manifest PUT:\n{log}"
    );
    // distribution names the authenticated user on its context's log lines.
    assert!(
        log.lines()
            .any(|l| l.contains("auth.user.name=alice") && l.contains("vars.name=alice/pushed")),
        "alice is not named:\n{log}"
    );
    assert_no_secret_in_files(&env, "alice", "alicepw");
}
