//! Real keyrings for tests: a private D-Bus session bus with gnome-keyring-daemon unlocked on
//! it (the Secret Service), per test, with its files under the test's own XDG directories.
//! keyutils needs no daemon: commands run with no D-Bus address fall back to it.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Proc, TestEnv, poll};

pub struct SecretService {
    _keyring: Proc,
    _bus: Proc,
}

impl SecretService {
    /// Starts the bus and the keyring daemon and points `env` at them.
    pub fn start(env: &mut TestEnv) -> Self {
        let dir = env.path().to_path_buf();
        let bus_log = dir.join("dbus.out");
        let mut bus = Proc::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .arg(format!("--address=unix:path={}", dir.join("bus").display()))
                .stdin(Stdio::null())
                .stdout(std::fs::File::create(&bus_log).expect("log"))
                .stderr(Stdio::null()),
        );
        let address = poll(
            "dbus-daemon to print its address",
            Duration::from_secs(10),
            || {
                if let Ok(Some(status)) = bus.child.try_wait() {
                    panic!("dbus-daemon exited: {status}");
                }
                let text = std::fs::read_to_string(&bus_log).ok()?;
                text.lines()
                    .next()
                    .filter(|l| l.starts_with("unix:"))
                    .map(str::to_string)
            },
        );
        let run = dir.join("run");
        let data = dir.join("data");
        let mut keyring = Proc::spawn(
            "gnome-keyring-daemon",
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("HOME", dir.join("home"))
                .env("XDG_RUNTIME_DIR", &run)
                .env("XDG_DATA_HOME", &data)
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        // --unlock reads the password of the (new) login keyring from stdin.
        if let Some(mut stdin) = keyring.child.stdin.take() {
            stdin.write_all(b"test-keyring-password").expect("unlock");
        }
        poll(
            "the Secret Service to own its bus name",
            Duration::from_secs(10),
            || {
                let out = Command::new("dbus-send")
                    .args([
                        "--session",
                        "--print-reply",
                        "--dest=org.freedesktop.DBus",
                        "/org/freedesktop/DBus",
                        "org.freedesktop.DBus.NameHasOwner",
                        "string:org.freedesktop.secrets",
                    ])
                    .env("DBUS_SESSION_BUS_ADDRESS", &address)
                    .output()
                    .ok()?;
                String::from_utf8_lossy(&out.stdout)
                    .contains("boolean true")
                    .then_some(())
            },
        );
        env.set("DBUS_SESSION_BUS_ADDRESS", address);
        SecretService {
            _keyring: keyring,
            _bus: bus,
        }
    }
}
