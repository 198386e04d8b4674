//! Issue #13, "nothing lost, nothing leaked": outputs written where the user points without
//! replacing what is there, stores never created by reading, failed writes of stdout
//! reported, deletes that name every tag they take, credentials kept off plain HTTP, no
//! plaintext secret left behind, and tag lists that stay on the registry's own origin.

use std::io::Read;
use std::process::Stdio;

use crate::harness::TestEnv;
use crate::harness::image::{self, TestImage};

/// A store with one image named `example.com/safe/app:1`, and the image.
fn store_with_image(env: &TestEnv, seed: u64, sizes: &[usize]) -> (TestImage, String) {
    let img = image::image(seed, sizes, "amd64");
    let name = "example.com/safe/app:1".to_string();
    let layout = env.path().join(format!("layout-{seed}"));
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    (img, name)
}

#[test]
fn save_into_a_closed_pipe_exits_0_quietly() {
    let env = TestEnv::new();
    // Far more than a pipe holds: the writes after the reader leaves meet EPIPE.
    let (_, name) = store_with_image(&env, 1304, &[2_000_000]);
    let mut child = env
        .command(["save", &name])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).expect("read 10 bytes");
    drop(stdout); // `| head -c 10`
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// What the system says for ENOSPC, as the one line prints it.
fn enospc() -> String {
    let text = std::io::Error::from_raw_os_error(libc::ENOSPC).to_string();
    text.split(" (os error").next().unwrap_or(&text).to_string()
}

#[test]
fn a_full_stdout_is_exit_1_with_one_line_and_never_a_panic() {
    let env = TestEnv::new();
    store_with_image(&env, 1305, &[100]);
    let want = format!("error: cannot write to stdout: {}\n", enospc());
    for args in [
        &["images"][..],
        &["images", "--format", "json"],
        &["images", "-q"],
        &["completion", "bash"],
        &["man"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = env
            .command(args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), want, "{args:?}");
    }
}

