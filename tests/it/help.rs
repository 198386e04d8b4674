//! Snapshots of every command's `--help`, so a change in what users read is a reviewed change.

use crate::harness::TestEnv;

#[test]
fn help_snapshots() {
    let env = TestEnv::new();
    let top = env.run(["--help"]).ok();
    insta::assert_snapshot!("help", top);
    for &cmd in crate::harness::COMMANDS {
        let out = env.run([cmd, "--help"]).ok();
        insta::assert_snapshot!(format!("help-{cmd}"), out);
    }
    // Subcommands with many flags of their own.
    for sub in ["prune", "check"] {
        let out = env.run(["packages", sub, "--help"]).ok();
        insta::assert_snapshot!(format!("help-packages-{sub}"), out);
    }
}
