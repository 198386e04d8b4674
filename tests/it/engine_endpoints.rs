//! Finding and reading the Docker engine as the docker CLI does (issue #19): the Docker
//! context (config.json's `currentContext`, `DOCKER_CONTEXT`) when `DOCKER_HOST` is unset,
//! `tcp://` engines, plain and with Docker's TLS files (`DOCKER_TLS_VERIFY`,
//! `DOCKER_CERT_PATH`, a client certificate the engine requires), and an engine that stalls
//! in the middle of an archive. socat stands in front of a real Podman engine for TCP and
//! TLS, as a TLS-terminating front would.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest as _, Sha256};

use crate::engine::{digest_through_curl, engine_with_image, half_archive_engine};
use crate::harness::engine::Engine;
use crate::harness::{Proc, TestEnv, certs, image, poll};

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// socat listening on `listen` (a socat address with `{port}` in it) and forwarding to the
/// engine's socket; ready when the port accepts.
fn front(engine: &Engine, listen: &str) -> (Proc, u16) {
    let port = free_port();
    let proc = Proc::spawn(
        "socat",
        Command::new("socat")
            .arg(listen.replace("{port}", &port.to_string()))
            .arg(format!("UNIX-CONNECT:{}", engine.socket.display()))
            .stdin(Stdio::null()),
    );
    poll("socat to listen", Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    (proc, port)
}

/// Docker's file names for the TLS material, in `dir`.
fn docker_cert_dir(dir: &Path, ca: &Path, cert: Option<(&Path, &Path)>) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::copy(ca, dir.join("ca.pem")).expect("copy ca");
    if let Some((cert, key)) = cert {
        std::fs::copy(cert, dir.join("cert.pem")).expect("copy cert");
        std::fs::copy(key, dir.join("key.pem")).expect("copy key");
    }
}

fn loaded_digest(env: &TestEnv) -> String {
    let out = env.run(["load", "--from-docker", "app:1.0", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    assert_eq!(rows[0]["name"], "docker.io/library/app:1.0", "{out:#?}");
    rows[0]["digest"].as_str().expect("digest").to_string()
}

#[test]
fn load_from_docker_reads_a_tcp_engine_plain_and_with_dockers_tls_files() {
    let engine = Engine::start();
    engine_with_image(&engine, 541, "app:1.0");
    let expected = digest_through_curl(&engine, "app:1.0");
    let dir = tempfile::tempdir().expect("tempdir");
    let (tls, client_cert, client_key) = certs::tls_and_client(dir.path());
    // An engine behind TLS that requires a client certificate by its CA, as
    // `dockerd --tlsverify` does. TLS 1.2: socat's TLS 1.3 sometimes ends a long answer with
    // an internal-error alert, and 1.2 makes the refusal of a missing client certificate part
    // of the handshake (in 1.3 it comes after, racing the close).
    let (_tls_front, tls_port) = front(
        &engine,
        &format!(
            "OPENSSL-LISTEN:{{port}},bind=127.0.0.1,reuseaddr,fork,cert={},key={},cafile={},verify=1,max-version=TLS1.2",
            tls.cert_pem.display(),
            tls.key_pem.display(),
            tls.ca_pem.display()
        ),
    );
    let (_plain_front, plain_port) =
        front(&engine, "TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork");

    // Plain tcp://, as `DOCKER_HOST=tcp://HOST:2375` is.
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", format!("tcp://127.0.0.1:{plain_port}"));
    assert_eq!(loaded_digest(&env), expected);

    // TLS with Docker's three files in DOCKER_CERT_PATH.
    let certs_dir = dir.path().join("docker-certs");
    docker_cert_dir(&certs_dir, &tls.ca_pem, Some((&client_cert, &client_key)));
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", format!("tcp://127.0.0.1:{tls_port}"));
    env.set("DOCKER_TLS_VERIFY", "1");
    env.set("DOCKER_CERT_PATH", certs_dir.display().to_string());
    assert_eq!(loaded_digest(&env), expected);

    // Without the client certificate the engine refuses the connection: unreachable, exit 1,
    // naming the address. (A store of its own, to show that nothing is loaded.)
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", format!("tcp://127.0.0.1:{tls_port}"));
    env.set("DOCKER_TLS_VERIFY", "1");
    let no_cert = dir.path().join("no-client-cert");
    docker_cert_dir(&no_cert, &tls.ca_pem, None);
    env.set("DOCKER_CERT_PATH", no_cert.display().to_string());
    let tls_hint = "hint: the engine refused TLS with these certificates: DOCKER_CERT_PATH (or the context's TLS files) must hold the engine's CA as `ca.pem` and a client certificate it accepts as `cert.pem` with `key.pem`";
    env.run(["load", "--from-docker", "app:1.0"])
        .fails(
            1,
            &format!("error: the Docker engine is not reachable at `tcp://127.0.0.1:{tls_port}`: received fatal alert: HandshakeFailure"),
        )
        .fails(1, tls_hint);

    // Checking the engine needs the CA: a usage error naming the file looked for.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    env.set("DOCKER_CERT_PATH", empty.display().to_string());
    env.run(["load", "--from-docker", "app:1.0"]).fails(
        2,
        &format!(
            "error: TLS to the Docker engine: the engine's certificate cannot be checked without a CA: no `{}` (DOCKER_CERT_PATH)",
            empty.join("ca.pem").display()
        ),
    );

    // Another CA's certificate for the engine: refused, nothing loaded.
    let other = tempfile::tempdir().expect("tempdir");
    let other_ca = certs::tls(other.path()).ca_pem;
    let wrong = dir.path().join("wrong-ca");
    docker_cert_dir(&wrong, &other_ca, Some((&client_cert, &client_key)));
    env.set("DOCKER_CERT_PATH", wrong.display().to_string());
    env.run(["load", "--from-docker", "app:1.0"])
        .fails(
            1,
            &format!(
                "error: the Docker engine is not reachable at `tcp://127.0.0.1:{tls_port}`: invalid peer certificate: BadSignature"
            ),
        )
        .fails(1, tls_hint);
    assert_eq!(env.run(["images", "-q"]).ok(), "");

    // DOCKER_TLS without DOCKER_TLS_VERIFY: TLS, the engine's certificate unchecked (Docker's
    // `--tls`), the client certificate still sent.
    env.unset("DOCKER_TLS_VERIFY");
    env.set("DOCKER_TLS", "1");
    assert_eq!(loaded_digest(&env), expected);
}

#[test]
fn load_from_docker_follows_the_docker_context_when_docker_host_is_unset() {
    let engine = Engine::start();
    engine_with_image(&engine, 542, "app:1.0");
    let expected = digest_through_curl(&engine, "app:1.0");
    let mut env = TestEnv::new();
    let docker_config = env.path().join("docker-config");
    // Docker keeps a context under the hex SHA-256 of its name.
    let context = |name: &str, host: &str| {
        let id = format!("{:x}", Sha256::digest(name.as_bytes()));
        let meta = docker_config.join("contexts/meta").join(id);
        std::fs::create_dir_all(&meta).expect("mkdir");
        let json = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "test"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}},
        });
        std::fs::write(meta.join("meta.json"), json.to_string()).expect("write");
    };
    context("podman", &engine.docker_host());
    let gone = env.path().join("gone.sock");
    context("broken", &format!("unix://{}", gone.display()));
    std::fs::write(
        docker_config.join("config.json"),
        r#"{"auths":{},"currentContext":"podman"}"#,
    )
    .expect("write");
    env.set("DOCKER_CONFIG", docker_config.display().to_string());
    env.unset("DOCKER_HOST");

    // config.json's current context.
    assert_eq!(loaded_digest(&env), expected);

    // DOCKER_CONTEXT wins over it; the message says which context named the address.
    env.set("DOCKER_CONTEXT", "broken");
    env.run(["load", "--from-docker", "app:1.0"]).fails(
        1,
        &format!(
            "error: the Docker engine is not reachable at `{}` (the Docker context `broken`): No such file or directory",
            gone.display()
        ),
    );

    // A context that does not exist is named, with where it was looked for.
    env.set("DOCKER_CONTEXT", "nope");
    let out = env.run(["load", "--from-docker", "app:1.0"]);
    let id = format!("{:x}", Sha256::digest(b"nope"));
    out.fails(
        2,
        &format!(
            "error: the Docker context `nope` cannot be used: it does not exist (no `{}`)",
            docker_config
                .join("contexts/meta")
                .join(id)
                .join("meta.json")
                .display()
        ),
    )
    .fails(2, "hint: see the contexts with `docker context ls`");

    // DOCKER_HOST wins over both, as in the docker CLI.
    env.set("DOCKER_HOST", engine.docker_host());
    assert_eq!(loaded_digest(&env), expected);
}

/// An engine that sends half an archive and then nothing: after `read_timeout` of silence
/// the load fails naming the stall, and nothing is loaded (the client has no read timeout
/// before the archive begins, so only the pause inside it counts).
#[test]
fn an_engine_that_stalls_inside_the_archive_is_given_up_on() {
    let img = image::image(543, &[40_000, 3_000], "amd64");
    let archive = image::docker_archive(&img, "docker.io/library/app:1.0");
    let mut env = TestEnv::new();
    let socket = env.path().join("engine.sock");
    let served = half_archive_engine(&socket, archive, true);
    let config = env.path().join("c.toml");
    std::fs::write(&config, "read_timeout = 1\n").expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    env.set("DOCKER_HOST", format!("unix://{}", socket.display()));
    let started = Instant::now();
    let out = env.run(["load", "--from-docker", "app:1.0"]);
    out.fails(
        1,
        "error: the Docker engine sent nothing for 1s while sending the archive of app:1.0",
    );
    assert!(started.elapsed() < Duration::from_secs(20), "not hung");
    assert!(
        served.join().expect("fixture"),
        "the archive was never asked for, or the connection was kept open"
    );
    assert_eq!(env.run(["images", "-q"]).ok(), "");
}
