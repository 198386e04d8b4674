//! A real container engine serving the Docker Engine API on a unix socket of the test:
//! Podman's `system service` from Debian's packages, with its own storage (the vfs driver:
//! no mounts), its own empty configuration and temporary directories, killed when dropped.
//! Images go in with `podman load` of docker-archives the test builds (or through the API's
//! `POST /images/load`); `curl --unix-socket` reads the API beside ghcr-cli, as a second
//! client, and the docker CLI can drive it too (`docker --host unix://SOCKET`).

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Proc, poll};

pub struct Engine {
    _proc: Proc,
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
}

impl Engine {
    pub fn start() -> Self {
        Self::start_trusting(&[])
    }

    /// An engine that pushes to and pulls from these TLS registries (`127.0.0.1:PORT`)
    /// without verifying their certificates. As root, containers/image reads a registry's CA
    /// only from `/etc/containers/certs.d` or `/etc/docker/certs.d` (the per-user
    /// `~/.config/containers/certs.d` is for rootless podman), which a test may not write;
    /// the test's own registries.conf can say `insecure = true` for its registry instead.
    pub fn start_trusting(hosts: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for sub in ["root", "run", "tmp", "home"] {
            std::fs::create_dir_all(d.join(sub)).expect("mkdir");
        }
        // Nothing from the machine's own /etc/containers: no search registries (a short name
        // never goes to the network), default engine settings.
        std::fs::write(d.join("containers.conf"), "").expect("write");
        let mut registries = "unqualified-search-registries = []\n".to_string();
        for host in hosts {
            registries.push_str(&format!(
                "\n[[registry]]\nlocation = \"{host}\"\ninsecure = true\n"
            ));
        }
        std::fs::write(d.join("registries.conf"), registries).expect("write");
        let socket = d.join("podman.sock");
        let log = std::fs::File::create(d.join("podman.log")).expect("log");
        let mut cmd = podman_command(d);
        cmd.args(["system", "service", "--time=0"])
            .arg(format!("unix://{}", socket.display()))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("dup"))
            .stderr(log);
        let proc = Proc::spawn("podman", &mut cmd);
        let engine = Engine {
            _proc: proc,
            dir,
            socket,
        };
        poll(
            "podman to serve the Docker API",
            Duration::from_secs(30),
            || UnixStream::connect(&engine.socket).ok().map(drop),
        );
        engine
    }

    /// `DOCKER_HOST` for this engine.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("podman.log")).unwrap_or_default()
    }

    /// Runs the podman CLI on this engine's storage; panics with its output on failure.
    #[track_caller]
    pub fn podman(&self, args: &[&str]) -> String {
        let out = podman_command(self.dir.path())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run podman (scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "podman {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Puts a docker-archive into the engine (`podman load -i`), as `docker load` would.
    pub fn load(&self, archive: &[u8]) {
        let path = self.dir.path().join("tmp").join("load.tar");
        std::fs::write(&path, archive).expect("write archive");
        self.podman(&["load", "-i", path.to_str().expect("utf8")]);
        let _ = std::fs::remove_file(&path);
    }

    /// What the engine answers to `GET path`, read by curl (not ghcr-cli); panics on an
    /// error status.
    #[track_caller]
    pub fn curl(&self, path: &str) -> Vec<u8> {
        self.curl_with(&[], path)
    }

    /// `POST path` with `file` as the body, read by curl; panics on an error status.
    #[track_caller]
    pub fn post_file(&self, path: &str, file: &Path) -> Vec<u8> {
        let body = format!("@{}", file.display());
        let args = [
            "-X",
            "POST",
            "-H",
            "Content-Type: application/x-tar",
            "--data-binary",
            &body,
        ];
        self.curl_with(&args, path)
    }

    #[track_caller]
    fn curl_with(&self, args: &[&str], path: &str) -> Vec<u8> {
        let out = Command::new("curl")
            .args(["-fsS", "--unix-socket"])
            .arg(&self.socket)
            .args(args)
            .arg(format!("http://localhost{path}"))
            .stdin(Stdio::null())
            .output()
            .expect("run curl (scripts/test.sh installs it)");
        assert!(
            out.status.success(),
            "curl {args:?} {path} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
        out.stdout
    }
}

/// podman with this engine's storage, run root and configuration, and nothing of the
/// machine's: its own HOME and TMPDIR, no journald events, no systemd cgroups.
fn podman_command(dir: &Path) -> Command {
    let mut cmd = Command::new("podman");
    cmd.env_clear()
        .env(
            "PATH",
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        )
        .env("HOME", dir.join("home"))
        .env("TMPDIR", dir.join("tmp"))
        .env("CONTAINERS_CONF", dir.join("containers.conf"))
        .env("CONTAINERS_REGISTRIES_CONF", dir.join("registries.conf"))
        .arg("--root")
        .arg(dir.join("root"))
        .arg("--runroot")
        .arg(dir.join("run"))
        .arg("--tmpdir")
        .arg(dir.join("tmp"))
        .args([
            "--storage-driver",
            "vfs",
            "--events-backend",
            "none",
            "--cgroup-manager",
            "cgroupfs",
        ]);
    cmd
}

/// The head of one HTTP request read from `conn` (up to the blank line), for the stand-in
/// engines of the tests that fake what a real engine cannot be made to do.
pub fn read_head(conn: &mut impl std::io::Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}
