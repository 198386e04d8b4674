//! The committed completion scripts, run in the real shells (bash, zsh under tmux, fish):
//! subcommands, flags and values after a subcommand, and local image names from the store
//! (issue #14). Each shell calls back into this build of `ghcr-cli`, found on PATH.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{BIN, TestEnv, image, poll};

fn committed(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

/// A test world whose store holds `ghcr.io/acme/app:1` and `ghcr.io/acme/tool:2`, with the
/// binary's directory first on PATH.
fn world() -> TestEnv {
    let mut env = TestEnv::new();
    let img = image::image(3000, &[100], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(
        &layout,
        &[("ghcr.io/acme/app:1", &img), ("ghcr.io/acme/tool:2", &img)],
    );
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    let bin_dir = Path::new(BIN)
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let path = format!("{bin_dir}:/usr/local/bin:/usr/bin:/bin");
    env.set("PATH", path);
    env
}

fn shell(env: &TestEnv, program: &str, script: &str) -> String {
    let mut c = Command::new(program);
    c.env_clear().stdin(Stdio::null());
    for (k, v) in &env.envs {
        c.env(k, v);
    }
    let out = c
        .args(["-c", script])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (scripts/test.sh installs it)"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What bash offers for `words` (the last one being completed), one per line.
fn bash(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let prev = if cword > 0 { words[cword - 1] } else { "" };
    let script = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _clap_complete_ghcr_cli ghcr-cli '{}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        committed("ghcr-cli.bash").display(),
        quoted.join(" "),
        words[cword],
    );
    shell(env, "bash", &script)
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// What fish offers for `line`: the candidates without their descriptions.
fn fish(env: &TestEnv, line: &str) -> Vec<String> {
    let script = format!(
        "source '{}'; complete --do-complete '{line}'",
        committed("ghcr-cli.fish").display()
    );
    shell(env, "fish", &script)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").to_string())
        .collect()
}

/// A zsh at a prompt, under tmux, with the committed completion loaded.
struct Zsh {
    socket: String,
}

impl Zsh {
    fn start(env: &TestEnv) -> Self {
        let socket = format!("ghcr-cli-it-{}", std::process::id());
        let mut cmd = Command::new("tmux");
        cmd.env_clear().stdin(Stdio::null());
        for (k, v) in &env.envs {
            cmd.env(k, v);
        }
        let status = cmd
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "40",
            ])
            .args(["zsh", "-f"])
            .status()
            .expect("tmux (scripts/test.sh installs it)");
        assert!(status.success());
        let z = Zsh { socket };
        z.keys(&[
            &format!(
                "fpath=({} $fpath); autoload -U compinit && compinit -u && clear",
                committed("").display()
            ),
            "Enter",
        ]);
        z.wait_for("prompt", |screen| {
            screen.trim().ends_with('#') || screen.trim().ends_with('%')
        });
        z
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        poll(what, Duration::from_secs(10), || {
            let s = self.screen();
            ok(&s).then_some(s)
        })
    }

    /// Types `line`, presses Tab (twice to list several candidates), and waits until
    /// `expect` shows on the screen.
    fn complete(&self, line: &str, expect: &[&str]) {
        self.keys(&["C-u", "clear", "Enter"]);
        self.wait_for("a clear screen", |s| {
            s.lines().filter(|l| !l.trim().is_empty()).count() <= 1
        });
        self.keys(&[line, "Tab"]);
        if expect.len() > 1 {
            self.keys(&["Tab"]);
        }
        self.wait_for(&format!("{expect:?} after `{line}`"), |s| {
            expect.iter().all(|e| s.contains(e))
        });
    }
}

impl Drop for Zsh {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn bash_completes_subcommands_flags_values_and_local_images() {
    let env = world();
    assert_eq!(bash(&env, &["ghcr-cli", "pu"]), ["pull", "push"]);
    assert_eq!(bash(&env, &["ghcr-cli", "pull", "--pla"]), ["--platform"]);
    assert_eq!(
        bash(&env, &["ghcr-cli", "save", "--format", ""]),
        ["docker-archive", "oci-archive", "oci-dir"]
    );
    assert_eq!(
        bash(&env, &["ghcr-cli", "push", "ghcr.io/acme/a"]),
        ["ghcr.io/acme/app:1"]
    );
    for cmd in ["tag", "rmi", "save", "inspect"] {
        assert_eq!(
            bash(&env, &["ghcr-cli", cmd, "ghcr.io/acme/"]),
            ["ghcr.io/acme/app:1", "ghcr.io/acme/tool:2"],
            "{cmd}"
        );
    }
    // `--store DIR` typed on the line: names come from that store, not the default one.
    let other = env.path().join("other-store");
    let layout = env.path().join("other-layout");
    let img = image::image(3001, &[100], "amd64");
    image::write_layout(&layout, &[("ghcr.io/acme/other:3", &img)]);
    let other_s = other.to_str().expect("utf8");
    env.run([
        "--store",
        other_s,
        "load",
        "-i",
        layout.to_str().expect("utf8"),
    ])
    .ok();
    assert_eq!(
        bash(
            &env,
            &["ghcr-cli", "push", "--store", other_s, "ghcr.io/acme/"]
        ),
        ["ghcr.io/acme/other:3"]
    );
    assert_eq!(
        bash(
            &env,
            &[
                "ghcr-cli",
                &format!("--store={other_s}"),
                "tag",
                "ghcr.io/acme/"
            ]
        ),
        ["ghcr.io/acme/other:3"]
    );
}

#[test]
fn fish_completes_subcommands_flags_values_and_local_images() {
    let env = world();
    assert_eq!(fish(&env, "ghcr-cli pu"), ["pull", "push"]);
    assert_eq!(fish(&env, "ghcr-cli pull --pla"), ["--platform"]);
    assert_eq!(
        fish(&env, "ghcr-cli save --format "),
        ["docker-archive", "oci-archive", "oci-dir"]
    );
    assert_eq!(
        fish(&env, "ghcr-cli rmi ghcr.io/acme/t"),
        ["ghcr.io/acme/tool:2"]
    );
}

#[test]
fn zsh_completes_subcommands_flags_values_and_local_images() {
    let env = world();
    let z = Zsh::start(&env);
    z.complete("ghcr-cli pu", &["pull", "push"]);
    z.complete("ghcr-cli pull --pla", &["ghcr-cli pull --platform"]);
    z.complete(
        "ghcr-cli save --format ",
        &["docker-archive", "oci-archive", "oci-dir"],
    );
    z.complete(
        "ghcr-cli push ghcr.io/acme/a",
        &["ghcr-cli push ghcr.io/acme/app:1"],
    );
}
