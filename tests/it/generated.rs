//! The committed completions and man pages match what the binary generates now.

use std::path::Path;

use crate::harness::TestEnv;

const REGENERATE: &str = "run `scripts/generate.sh` and commit the result";

#[test]
fn completions_are_fresh() {
    let env = TestEnv::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "ghcr-cli.bash"),
        ("zsh", "_ghcr-cli"),
        ("fish", "ghcr-cli.fish"),
        ("powershell", "_ghcr-cli.ps1"),
        ("elvish", "ghcr-cli.elv"),
    ] {
        let out = env.run(["completion", shell]);
        assert_eq!(out.code, 0, "{out:#?}");
        let committed = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: {REGENERATE}"
        );
    }
}

#[test]
fn man_pages_are_fresh() {
    let env = TestEnv::new();
    let dir = env.path().join("man");
    env.run(["man", "--dir", dir.to_str().expect("utf8")]).ok();
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/man");
    let names = |d: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    assert_eq!(
        names(&dir),
        names(&committed),
        "man pages differ: {REGENERATE}"
    );
    for name in names(&dir) {
        let now = std::fs::read(dir.join(&name)).expect("generated");
        let old = std::fs::read(committed.join(&name)).unwrap_or_default();
        assert!(now == old, "completions/man/{name} is stale: {REGENERATE}");
    }
    assert!(names(&dir).contains(&"ghcr-cli-push.1".to_string()));
    // A subcommand's page shows the command a user types, and the version it documents.
    let pull = std::fs::read_to_string(dir.join("ghcr-cli-pull.1")).expect("pull page");
    let synopsis = pull
        .lines()
        .skip_while(|l| *l != ".SH SYNOPSIS")
        .nth(1)
        .unwrap_or_default();
    assert!(
        synopsis.starts_with("\\fBghcr\\-cli pull\\fR"),
        "{synopsis}"
    );
    assert!(
        pull.contains(&format!(
            ".TH ghcr-cli-pull 1  \"ghcr-cli {}\"",
            env!("CARGO_PKG_VERSION")
        )),
        "{pull}"
    );
}
