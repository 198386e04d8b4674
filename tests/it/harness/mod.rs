//! The integration-test harness: a private HOME/XDG/store per test, the real `ghcr-cli`
//! binary, and real servers (docker-registry, a token server, certificates, a Docker-API
//! engine) started here.

pub mod certs;
pub mod engine;
pub mod forward;
pub mod github;
pub mod image;
pub mod keyring;
pub mod netns;
pub mod proxy;
pub mod referrers_api;
pub mod registry;
pub mod relay;
pub mod seccomp;
pub mod serve;
pub mod token;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_ghcr-cli");

/// Every subcommand, for the tests that go over all of them.
pub const COMMANDS: &[&str] = &[
    "pull",
    "push",
    "tag",
    "images",
    "inspect",
    "digest",
    "tags",
    "repos",
    "copy",
    "sync",
    "delete",
    "untag",
    "rmi",
    "prune",
    "load",
    "save",
    "login",
    "logout",
    "whoami",
    "packages",
    "artifact",
    "attach",
    "referrers",
    "mutate",
    "append",
    "export",
    "blob",
    "credential-helper",
    "completion",
    "man",
];

/// Runs `f` until it returns `Some`, or panics with `what` after `timeout`.
pub fn poll<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A child process killed when this is dropped, and by the kernel if the test thread dies.
pub struct Proc {
    pub child: Child,
}

impl Proc {
    pub fn spawn(name: &'static str, cmd: &mut Command) -> Self {
        #[cfg(target_os = "linux")]
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start {name}: {e} (run scripts/test.sh, which installs it)")
        });
        Proc { child }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one run of the binary printed.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Asserts success and returns stdout, trimmed.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(self.code, 0, "expected success, got {self:#?}");
        self.stdout.trim().to_string()
    }

    #[track_caller]
    pub fn fails(&self, code: i32, stderr_has: &str) -> &Self {
        assert_eq!(self.code, code, "wrong exit code: {self:#?}");
        assert!(
            self.stderr.contains(stderr_has),
            "stderr lacks {stderr_has:?}: {self:#?}"
        );
        self
    }
}

/// A private world for one test: HOME, XDG directories and the store under a temp dir.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub envs: Vec<(String, String)>,
}

impl TestEnv {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path();
        for d in ["home", "config", "data", "cache", "state", "run"] {
            std::fs::create_dir_all(p.join(d)).expect("mkdir");
        }
        let s = |d: &str| p.join(d).display().to_string();
        let envs = vec![
            ("HOME".to_string(), s("home")),
            ("XDG_CONFIG_HOME".to_string(), s("config")),
            ("XDG_DATA_HOME".to_string(), s("data")),
            ("XDG_CACHE_HOME".to_string(), s("cache")),
            ("XDG_STATE_HOME".to_string(), s("state")),
            ("XDG_RUNTIME_DIR".to_string(), s("run")),
            (
                "PATH".to_string(),
                std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
            ),
        ];
        TestEnv { dir, envs }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The default store of this environment.
    pub fn store(&self) -> PathBuf {
        self.path().join("data").join("ghcr-cli").join("store")
    }

    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.to_string(), value.into()));
        self
    }

    pub fn unset(&mut self, key: &str) -> &mut Self {
        self.envs.retain(|(k, _)| k != key);
        self
    }

    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut c = Command::new(BIN);
        c.env_clear().args(args).stdin(Stdio::null());
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        c
    }

    /// Runs the binary inside a network namespace, with this environment.
    pub fn run_in(&self, ns: &netns::Netns, args: &[&str]) -> Out {
        let mut c = ns.command(BIN);
        c.env_clear().args(args).stdin(Stdio::null());
        for (k, v) in &self.envs {
            c.env(k, v);
        }
        output(c.output().expect("run ghcr-cli in a namespace"))
    }

    pub fn run<I, S>(&self, args: I) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        output(self.command(args).output().expect("run ghcr-cli"))
    }

    /// Runs with `input` on stdin.
    pub fn run_stdin<I, S>(&self, args: I, input: &str) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_stdin_bytes(args, input.as_bytes())
    }

    pub fn run_stdin_bytes<I, S>(&self, args: I, input: &[u8]) -> Out
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_command_stdin(self.command(args), input)
    }

    /// Runs a command built by [`TestEnv::command`] (and adjusted by the test) with `input`
    /// on stdin.
    pub fn run_command_stdin(&self, mut command: Command, input: &[u8]) -> Out {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run ghcr-cli");
        let writer = child.stdin.take().map(|mut stdin| {
            let input = input.to_vec();
            std::thread::spawn(move || {
                use std::io::Write;
                // The program may stop reading early (on a bad archive): not an error here.
                let _ = stdin.write_all(&input);
            })
        });
        if let Some(w) = writer {
            let _ = w.join();
        }
        output(child.wait_with_output().expect("wait"))
    }

    /// Every file under this environment (HOME, XDG directories, store) that contains
    /// `needle`.
    pub fn files_containing(&self, needle: &[u8]) -> Vec<PathBuf> {
        fn walk(dir: &Path, needle: &[u8], hits: &mut Vec<PathBuf>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                let Ok(ft) = e.file_type() else { continue };
                if ft.is_dir() {
                    walk(&p, needle, hits);
                } else if ft.is_file()
                    && std::fs::read(&p).is_ok_and(|d| d.windows(needle.len()).any(|w| w == needle))
                {
                    hits.push(p);
                }
            }
        }
        let mut hits = Vec::new();
        walk(self.path(), needle, &mut hits);
        hits
    }
}

impl TestEnv {
    /// Runs ghcr-cli with `args` on a terminal (script(1) gives it a pty), types `answer`
    /// once `prompt` shows, as a person would, and returns whether it succeeded and
    /// everything the terminal showed.
    pub fn run_on_terminal(&self, args: &str, prompt: &str, answer: &str) -> (bool, String) {
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
            .env_clear();
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let reader = {
            let seen = seen.clone();
            let mut stdout = child.stdout.take().expect("stdout");
            std::thread::spawn(move || {
                let mut buf = [0u8; 256];
                while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut s) = seen.lock() {
                        s.extend_from_slice(&buf[..n]);
                    }
                }
            })
        };
        poll(
            &format!("the prompt {prompt:?}"),
            Duration::from_secs(10),
            || {
                let s = seen.lock().ok()?;
                String::from_utf8_lossy(&s).contains(prompt).then_some(())
            },
        );
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin.write_all(answer.as_bytes()).expect("type");
        }
        let status = child.wait().expect("wait");
        reader.join().expect("reader");
        let text = String::from_utf8_lossy(&seen.lock().expect("lock")).into_owned();
        (status.success(), text)
    }
}

fn output(out: std::process::Output) -> Out {
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs an outside tool (skopeo, umoci) and returns its output; panics with it on failure.
#[track_caller]
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (scripts/test.sh installs it)"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
