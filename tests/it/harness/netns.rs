//! A private network namespace for tests that need an address that is not loopback: its own
//! `lo`, up, with a TEST-NET-1 address (192.0.2.10, RFC 5737) that nothing outside the
//! namespace can reach. Processes run in it through `ip netns exec`. Needs root (CI is) and
//! iproute2; where it cannot be made, `Netns::new` says why and the test skips.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// The namespace's non-loopback address.
pub const ADDR: &str = "192.0.2.10";

pub struct Netns {
    pub name: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `ip`: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Netns {
    pub fn new() -> Result<Self, String> {
        let name = format!(
            "ghcr-cli-it-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        ip(&["netns", "add", &name])?;
        let ns = Netns { name };
        ip(&["-n", &ns.name, "link", "set", "lo", "up"])?;
        ip(&[
            "-n",
            &ns.name,
            "addr",
            "add",
            &format!("{ADDR}/32"),
            "dev",
            "lo",
        ])?;
        Ok(ns)
    }

    /// `program args…` inside the namespace (`ip netns exec` execs it: same pid).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = ip(&["netns", "del", &self.name]);
    }
}
