//! Logins in real keyrings (the Secret Service on a private D-Bus, and kernel keyutils),
//! checked against the token-auth registry; Docker config import; the credential-helper
//! protocol; and a leak test for the secret.

use std::os::unix::fs::PermissionsExt;

use base64::Engine as _;

use crate::harness::TestEnv;
use crate::harness::image;
use crate::harness::keyring::SecretService;
use crate::harness::registry::Registry;
use crate::harness::token::TokenServer;

fn load(env: &TestEnv, name: &str, seed: u64) -> image::TestImage {
    let img = image::image(seed, &[1500], "amd64");
    let layout = env.path().join(format!("layout-{seed}"));
    image::write_layout(&layout, &[(name, &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    img
}

#[test]
fn secret_service_login_push_wrong_password_keeps_old_logout_refuses() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let target = format!("{}/alice/app:1", reg.addr);
    let img = load(&env, &target, 40);

    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw\n",
    );
    assert_eq!(out.ok(), "Login Succeeded");
    assert!(out.stderr.contains("alice on 127.0.0.1"), "{out:#?}");
    assert!(
        out.stderr.contains("stored in the Secret Service keyring"),
        "{out:#?}"
    );
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!(
            "alice on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );

    // A later process pushes with the stored secret.
    assert_eq!(
        env.run(["push", &target]).ok(),
        format!("{target}@{}", img.digest())
    );

    // A wrong password: exit 4, nothing stored, the old login still works.
    env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "wrong\n",
    )
    .fails(
        4,
        &format!(
            "error: login to {addr} as alice failed: {addr} refused the credentials (UNAUTHORIZED: invalid username or password); nothing was stored",
            addr = reg.addr
        ),
    )
    // The hint says what to check, not to log in (that is what failed).
    .fails(4, "hint: check the username and the password or token");
    let json = env.run(["whoami", &reg.addr, "--format", "json"]).ok();
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(json["username"], "alice");
    assert_eq!(json["source"], "keyring");
    env.run(["push", &target]).ok();

    // Without a terminal and without --password-stdin: a usage error with the fix.
    env.run(["login", &reg.addr, "-u", "alice"])
        .fails(2, "--password-stdin");

    // Logout, then a push is refused with the login hint.
    assert_eq!(env.run(["logout", &reg.addr]).ok(), reg.addr);
    env.run(["push", &target])
        .fails(4, &format!("log in with `ghcr-cli login {}", reg.addr));
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!("anonymous on {}", reg.addr)
    );
}

#[test]
fn keyutils_when_no_secret_service_and_a_clear_error_when_no_keyring() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let target = format!("{}/alice/ku:1", reg.addr);
    load(&env, &target, 41);

    // Forced to the Secret Service with no D-Bus: refused, and nothing is written.
    env.set("GHCR_CLI_KEYRING", "secret-service");
    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw",
    );
    out.fails(
        1,
        "no keyring is available to keep the secret: tried the Secret Service keyring",
    );
    assert!(
        out.stderr
            .contains("GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD"),
        "{out:#?}"
    );
    assert!(env.files_containing(b"alicepw").is_empty());

    // Automatic choice without D-Bus: the kernel keyutils keyring, with its caveat once.
    env.unset("GHCR_CLI_KEYRING");
    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw",
    );
    assert_eq!(out.ok(), "Login Succeeded");
    assert!(
        out.stderr.contains("stored in the kernel keyutils keyring"),
        "{out:#?}"
    );
    assert!(out.stderr.contains("in memory only"), "{out:#?}");
    // Run the push inside `keyctl session -` too: both ways reach the same entry.
    let mut cmd = std::process::Command::new("keyctl");
    cmd.args(["session", "-", crate::harness::BIN, "push", &target])
        .env_clear();
    for (k, v) in &env.envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("keyctl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw",
    );
    assert!(
        !again.stderr.contains("in memory only"),
        "said once: {again:#?}"
    );
    assert_eq!(env.run(["logout", "--all"]).ok(), reg.addr);
    // No credentials left: the registry wants some, and nothing was refused.
    env.run(["push", &target]).fails(
        4,
        &format!(
            "{} requires credentials, and none were found for it",
            reg.addr
        ),
    );
    assert!(env.files_containing(b"alicepw").is_empty());
}

/// Automatic selection on a machine with no keyring at all (a container under Docker's
/// default seccomp profile, which blocks the kernel keyring calls, and no D-Bus session):
/// both keyrings are tried and named, the login fails with the way forward, and the secret
/// is written nowhere.
#[test]
fn automatic_keyring_selection_with_no_keyring_at_all() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let env = TestEnv::new();
    // TestEnv starts without DBUS_SESSION_BUS_ADDRESS or GHCR_CLI_KEYRING: automatic choice.
    assert!(
        !env.envs
            .iter()
            .any(|(k, _)| k == "DBUS_SESSION_BUS_ADDRESS" || k == "GHCR_CLI_KEYRING")
    );
    let mut cmd = env.command(["login", &reg.addr, "-u", "alice", "--password-stdin"]);
    crate::harness::seccomp::deny_kernel_keyrings(&mut cmd);
    let out = env.run_command_stdin(cmd, b"alicepw");
    out.fails(
        1,
        "no keyring is available to keep the secret: tried the Secret Service keyring",
    );
    assert!(
        out.stderr.contains(
            "the kernel keyutils keyring (the kernel refuses its keyring calls here (ENOSYS)"
        ),
        "{out:#?}"
    );
    assert!(
        out.stderr
            .contains("GHCR_CLI_USERNAME and GHCR_CLI_PASSWORD"),
        "{out:#?}"
    );
    assert!(env.files_containing(b"alicepw").is_empty());
    // The same login without the filter picks keyutils: the filter is what took it away.
    let out = env.run_stdin(
        ["login", &reg.addr, "-u", "alice", "--password-stdin"],
        "alicepw",
    );
    assert_eq!(out.ok(), "Login Succeeded");
    assert!(
        out.stderr.contains("stored in the kernel keyutils keyring"),
        "{out:#?}"
    );
    assert_eq!(env.run(["logout", "--all"]).ok(), reg.addr);
}

#[test]
fn import_docker_config_migrates_and_removes_plaintext() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let target = format!("{}/alice/imp:1", reg.addr);
    load(&env, &target, 42);

    let docker = env.path().join("docker");
    std::fs::create_dir_all(&docker).expect("mkdir");
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let config = serde_json::json!({
        "auths": {
            reg.addr.clone(): {"auth": b64("alice:alicepw")},
            format!("http://{}", reg.addr).replace("127.0.0.1", "localhost"): {"auth": b64("bob:wrong")},
        },
        "HttpHeaders": {"User-Agent": "kept"},
        "psFormat": "table {{.ID}}",
    });
    let path = docker.join("config.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&config).expect("json")).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    env.set("DOCKER_CONFIG", docker.display().to_string());

    // Before import: the plaintext entry is used, with a note pointing at the import.
    let out = env.run(["whoami", &reg.addr]);
    assert!(out.ok().contains("from the docker config file"), "{out:#?}");
    assert!(
        out.stderr
            .contains("ghcr-cli login --import-docker --remove-plaintext"),
        "{out:#?}"
    );

    let out = env.run(["login", "--import-docker", "--remove-plaintext"]);
    out.fails(4, "the registry refused the docker login for localhost:");
    assert_eq!(out.stdout.trim(), reg.addr);
    assert!(
        out.stderr.contains(&format!(
            "removed 1 plaintext login(s) from `{}`; it was rewritten in one step and no backup was kept",
            path.display()
        )),
        "{out:#?}"
    );
    let after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    assert!(after["auths"].get(&reg.addr).is_none(), "{after}");
    assert_eq!(
        after["auths"].as_object().map(|a| a.len()),
        Some(1),
        "the refused one stays"
    );
    assert_eq!(after["HttpHeaders"]["User-Agent"], "kept");
    assert_eq!(after["psFormat"], "table {{.ID}}");
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(
        !docker.join("config.json.bak").exists(),
        "a backup would keep the secret"
    );

    // Now it comes from the keyring, and pushing works.
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!(
            "alice on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );
    env.run(["push", &target]).ok();
}

#[test]
fn credential_helper_protocol_and_docker_cred_helpers() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let target = format!("{}/alice/helper:1", reg.addr);
    load(&env, &target, 43);

    // The same binary under docker's helper name.
    let bin_dir = env.path().join("bin");
    std::fs::create_dir_all(&bin_dir).expect("mkdir");
    std::os::unix::fs::symlink(
        crate::harness::BIN,
        bin_dir.join("docker-credential-ghcr-cli"),
    )
    .expect("symlink");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    env.set("PATH", path);

    let store = format!(
        r#"{{"ServerURL":"{}","Username":"alice","Secret":"alicepw"}}"#,
        reg.addr
    );
    env.run_stdin(["credential-helper", "store"], &store).ok();
    assert_eq!(
        env.run(["credential-helper", "list"]).ok(),
        format!(r#"{{"{}":"alice"}}"#, reg.addr)
    );
    let mut helper = std::process::Command::new(bin_dir.join("docker-credential-ghcr-cli"));
    helper.arg("get").env_clear();
    for (k, v) in &env.envs {
        helper.env(k, v);
    }
    let mut child = helper
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("helper");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("https://{}", reg.addr).as_bytes())
            .expect("write");
    }
    let out = child.wait_with_output().expect("helper out");
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(got["Username"], "alice");
    assert_eq!(got["Secret"], "alicepw");
    assert_eq!(got["ServerURL"], format!("https://{}", reg.addr));

    // Client side: a world with no login of its own whose docker config names a helper gets
    // its credentials from `docker-credential-NAME get`, the server URL on stdin.
    let mut other = TestEnv::new();
    let fake = bin_dir.join("docker-credential-fake");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$@\" >> {log}\nread url\n[ \"$1\" = get ] || exit 2\n[ \"$url\" = \"{reg}\" ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\nprintf '{{\"ServerURL\":\"%s\",\"Username\":\"alice\",\"Secret\":\"alicepw\"}}' \"$url\"\n",
            log = other.path().join("helper.log").display(),
            reg = reg.addr
        ),
    )
    .expect("write helper");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    other.set("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()));
    let docker = other.path().join("docker");
    std::fs::create_dir_all(&docker).expect("mkdir");
    std::fs::write(
        docker.join("config.json"),
        format!(
            r#"{{"credsStore":"nonexistent","credHelpers":{{"{}":"fake"}}}}"#,
            reg.addr
        ),
    )
    .expect("write");
    other.set("DOCKER_CONFIG", docker.display().to_string());
    assert_eq!(
        other.run(["whoami", &reg.addr]).ok(),
        format!(
            "alice on {}, from the docker credential helper `docker-credential-fake` (accepted)",
            reg.addr
        )
    );
    let img2 = load(&other, &format!("{}/alice/helper:2", reg.addr), 46);
    assert_eq!(
        other
            .run(["push", &format!("{}/alice/helper:2", reg.addr)])
            .ok(),
        format!("{}/alice/helper:2@{}", reg.addr, img2.digest())
    );
    let log = std::fs::read_to_string(other.path().join("helper.log")).expect("helper log");
    assert!(
        log.lines().all(|l| l == "get"),
        "only the verb in argv: {log}"
    );
    // Another host falls to `credsStore`, whose helper does not exist: a warning, anonymous.
    let out = other.run(["whoami", "other.example:5000"]);
    assert_eq!(out.ok(), "anonymous on other.example:5000");
    assert!(
        out.stderr.contains("docker-credential-nonexistent"),
        "{out:#?}"
    );

    env.run_stdin(["credential-helper", "erase"], &reg.addr)
        .ok();
    let out = env.run_stdin(["credential-helper", "get"], &reg.addr);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout.trim(),
        "credentials not found in native keychain"
    );
}

#[test]
fn owner_of_short_names_is_the_logged_in_user() {
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    load(&env, "docker.io/library/pgsb:1.1.0", 44);
    env.run(["tag", "docker.io/library/pgsb:1.1.0", "pgsb:1.1.0"])
        .fails(2, "`pgsb:1.1.0` names no owner");
    env.run_stdin(
        ["credential-helper", "store"],
        r#"{"ServerURL":"ghcr.io","Username":"aimpugn","Secret":"x"}"#,
    )
    .ok();
    assert_eq!(
        env.run(["tag", "docker.io/library/pgsb:1.1.0", "pgsb:1.1.0"])
            .ok(),
        "ghcr.io/aimpugn/pgsb:1.1.0"
    );
    assert_eq!(
        env.run(["images", "-q"]).ok(),
        "docker.io/library/pgsb:1.1.0\nghcr.io/aimpugn/pgsb:1.1.0"
    );
}

#[test]
fn secret_never_leaks_into_output_traces_or_files() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let target = format!("{}/alice/leak:1", reg.addr);
    load(&env, &target, 45);

    let outputs = vec![
        env.run_stdin(
            ["-vv", "login", &reg.addr, "-u", "alice", "--password-stdin"],
            "alicepw",
        ),
        env.run(["-vv", "push", &target]),
        env.run(["-vv", "pull", &target]),
        env.run(["-vv", "whoami", &reg.addr]),
        env.run(["-vv", "logout", &reg.addr]),
    ];
    for o in &outputs {
        assert_eq!(o.code, 0, "{o:#?}");
    }
    let all: String = outputs
        .iter()
        .map(|o| format!("{}{}", o.stdout, o.stderr))
        .collect();
    assert!(all.contains("trace: GET"), "traces were printed");
    assert!(all.contains("authorization: Bearer (redacted)"), "{all}");
    let basic = base64::engine::general_purpose::STANDARD.encode("alice:alicepw");
    for needle in ["alicepw", basic.as_str()] {
        assert!(!all.contains(needle), "`{needle}` leaked into output");
        assert!(
            env.files_containing(needle.as_bytes()).is_empty(),
            "`{needle}` leaked into a file"
        );
    }
    // No bearer token either.
    assert!(!all.contains("eyJ"), "a JWT leaked into output");
}

#[test]
fn docker_identity_tokens_use_the_oauth2_refresh_flow() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let target = format!("{}/alice/oauth:1", reg.addr);
    let img = load(&env, &target, 47);
    let docker = env.path().join("docker");
    std::fs::create_dir_all(&docker).expect("mkdir");
    let config = serde_json::json!({"auths": {format!("https://{}/", reg.addr): {
        "auth": "", "identitytoken": crate::harness::token::REFRESH_TOKEN}}});
    std::fs::write(docker.join("config.json"), config.to_string()).expect("write");
    env.set("DOCKER_CONFIG", docker.display().to_string());

    assert_eq!(env.run(["login", "--import-docker"]).ok(), reg.addr);
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!(
            "<token> on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );
    assert_eq!(
        env.run(["push", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    // The token server saw alice through the refresh token, never a password.
    let reqs = tokens.requests();
    assert!(
        reqs.iter().any(|r| r.user.as_deref() == Some("alice")
            && r.scopes
                .contains(&"repository:alice/oauth:pull,push".to_string())),
        "{reqs:#?}"
    );
}

#[test]
fn login_prompts_on_a_terminal_and_warns_about_dash_p() {
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);

    // -p works, with a warning.
    let out = env.run(["login", &reg.addr, "-u", "alice", "-p", "alicepw"]);
    assert_eq!(out.ok(), "Login Succeeded");
    assert!(
        out.stderr.contains("visible in the process list"),
        "{out:#?}"
    );

    // On a terminal (script(1) gives it one), the password is asked for without echo.
    let (ok, text) = env.run_on_terminal(
        &format!("login {} -u alice", reg.addr),
        "Password for",
        "alicepw\n",
    );
    assert!(ok, "{text}");
    assert!(
        text.contains(&format!("Password for alice@{}:", reg.addr)),
        "{text}"
    );
    assert!(text.contains("Login Succeeded"), "{text}");
    assert!(!text.contains("alicepw"), "the password was echoed: {text}");
}
