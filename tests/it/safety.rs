//! Issue #13, "nothing lost, nothing leaked", on this machine: outputs written where the
//! user points without replacing what is there (files, FIFOs, pipes), failed writes of
//! stdout reported, and stores never created by reading. What concerns registries and
//! credentials is in `safety_remote.rs`.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::harness::TestEnv;
use crate::harness::image::{self, TestImage};
use crate::harness::registry::Registry;

/// A store with one image named `example.com/safe/app:1`, and the image.
fn store_with_image(env: &TestEnv, seed: u64, sizes: &[usize]) -> (TestImage, String) {
    let img = image::image(seed, sizes, "amd64");
    let name = "example.com/safe/app:1".to_string();
    let layout = env.path().join(format!("layout-{seed}"));
    image::write_layout(&layout, &[(name.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    (img, name)
}

/// The entries of an oci-archive: path -> bytes.
fn tar_entries(archive: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut ar = tar::Archive::new(archive);
    for entry in ar.entries().expect("tar") {
        let mut entry = entry.expect("entry");
        let path = entry.path().expect("path").display().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("read entry");
        out.push((path, data));
    }
    out
}

/// An oci-archive holds the image's manifest, config and layers byte for byte.
#[track_caller]
fn assert_archive_holds(archive: &[u8], img: &TestImage) {
    let entries = tar_entries(archive);
    for blob in img.blobs().chain(std::iter::once(&img.manifest)) {
        let path = format!("blobs/sha256/{}", &blob.digest[7..]);
        let found = entries.iter().find(|(p, _)| *p == path);
        assert!(
            found.is_some_and(|(_, d)| *d == blob.data),
            "{path} missing or different in the archive"
        );
    }
}

pub(crate) fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// `save` to a regular file: the reference the other outputs are compared with.
fn saved_to_file(env: &TestEnv, name: &str, file: &Path) -> Vec<u8> {
    env.run([
        "save",
        name,
        "--format",
        "oci-archive",
        "-o",
        file.to_str().expect("utf8"),
    ])
    .ok();
    std::fs::read(file).expect("read saved archive")
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("cstring");
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo: {}", std::io::Error::last_os_error());
}

#[test]
fn save_into_a_fifo_streams_the_whole_archive_and_leaves_the_fifo() {
    let env = TestEnv::new();
    // Larger than a pipe's buffer, so the writer really waits on the reader.
    let (img, name) = store_with_image(&env, 1301, &[300_000, 5000]);
    let reference = saved_to_file(&env, &name, &env.path().join("ref.tar"));
    assert_archive_holds(&reference, &img);

    let fifo = env.path().join("fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).expect("read the fifo"))
    };
    let out = env.run([
        "save",
        &name,
        "--format",
        "oci-archive",
        "-o",
        fifo.to_str().expect("utf8"),
    ]);
    assert_eq!(out.code, 0, "{out:#?}");
    let got = reader.join().expect("reader");
    assert!(got == reference, "the reader got {} bytes", got.len());
    let ft = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(ft.is_fifo(), "the FIFO was replaced: {ft:?}");
    let stray: Vec<_> = std::fs::read_dir(env.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".ghcr-cli"))
        .collect();
    assert!(stray.is_empty(), "temporary files left: {stray:?}");
}

#[test]
fn save_into_dev_stdout_as_a_pipe_writes_through_it() {
    let env = TestEnv::new();
    let (img, name) = store_with_image(&env, 1302, &[200_000]);
    let reference = saved_to_file(&env, &name, &env.path().join("ref.tar"));
    let out = env
        .command([
            "save",
            &name,
            "--format",
            "oci-archive",
            "-o",
            "/dev/stdout",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout == reference, "{} bytes", out.stdout.len());
    assert_archive_holds(&out.stdout, &img);
}

#[test]
fn save_over_an_existing_file_keeps_its_mode_and_a_new_file_honours_the_umask() {
    let env = TestEnv::new();
    let (img, name) = store_with_image(&env, 1303, &[1000]);
    let reference = saved_to_file(&env, &name, &env.path().join("ref.tar"));

    let existing = env.path().join("existing.tar");
    std::fs::write(&existing, b"old content").expect("write");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    // Through a symlink: the link stays, its target gets the archive.
    let link = env.path().join("link.tar");
    std::os::unix::fs::symlink(&existing, &link).expect("symlink");
    saved_to_file(&env, &name, &link);
    assert_eq!(std::fs::read(&existing).expect("read"), reference);
    assert_eq!(mode(&existing), 0o640, "the existing file keeps its mode");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );

    for umask in [0o027u32, 0o002] {
        let new = env.path().join(format!("new-{umask:o}.tar"));
        let mut cmd = env.command([
            "save",
            &name,
            "--format",
            "oci-archive",
            "-o",
            new.to_str().expect("utf8"),
        ]);
        // SAFETY: umask(2) is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                libc::umask(umask as libc::mode_t);
                Ok(())
            });
        }
        let status = cmd.stderr(Stdio::null()).status().expect("run");
        assert_eq!(status.code(), Some(0));
        assert_eq!(mode(&new), 0o666 & !umask, "a new file gets 0666 & ~umask");
        assert_archive_holds(&std::fs::read(&new).expect("read"), &img);
    }
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
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let (_, name) = store_with_image(&env, 1305, &[100]);
    let remote = format!("{}/full/app:1", reg.addr);
    env.run(["tag", &name, &remote]).ok();
    env.run(["push", &remote]).ok();
    let repo = format!("{}/full/app", reg.addr);
    let want = format!("error: cannot write to stdout: {}\n", enospc());
    for args in [
        &["images"][..],
        &["images", "--format", "json"],
        &["images", "-q"],
        &["tags", &repo],
        &["tags", &repo, "--format", "json"],
        &["digest", &remote],
        &["inspect", "--raw", &remote],
        &["inspect", "--local", "--config", &name],
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

/// Every path under `dir`, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
            out.push(e.path());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&e.path(), out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

#[test]
fn reading_commands_never_create_a_store() {
    let env = TestEnv::new();
    let missing = env.path().join("no-store-here");
    let store = missing.to_str().expect("utf8");
    let note = format!("note: there is no local store at `{store}` yet; it reads as empty");
    let name = "example.com/safe/app:1";
    let archive = env.path().join("x.tar");
    let archive = archive.to_str().expect("utf8");
    let runs: [(&[&str], i32); 6] = [
        (&["images"], 0),
        (&["inspect", "--local", name], 3),
        (&["save", name, "-o", archive], 3),
        (&["rmi", name], 3),
        (&["prune"], 0),
        (&["tag", name, "example.com/safe/app:2"], 3),
    ];
    for (args, code) in runs {
        let mut all = vec!["--store", store];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_eq!(out.code, code, "{args:?}: {out:#?}");
        assert!(out.stderr.starts_with(&note), "{args:?}: {out:#?}");
        assert!(!missing.exists(), "{args:?} created the store");
    }
    assert_eq!(env.run(["--store", store, "images", "-q"]).ok(), "");
    // The same through the environment variable, and in an empty directory.
    let empty = env.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let mut env = env;
    env.set("GHCR_CLI_STORE", empty.display().to_string());
    env.run(["images"]).ok();
    assert_eq!(tree(&empty), Vec::<PathBuf>::new());
}

#[test]
fn a_writing_command_creates_a_store_only_where_there_is_nothing_else() {
    let env = TestEnv::new();
    let img = image::image(1306, &[100], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("example.com/safe/app:1", &img)]);
    let layout = layout.to_str().expect("utf8");

    let busy = env.path().join("etc-like");
    std::fs::create_dir(&busy).expect("mkdir");
    std::fs::write(busy.join("passwd"), b"root:x:0:0\n").expect("write");
    let before = tree(&busy);
    let shown = busy.display().to_string();
    for args in [&["load", "-i", layout][..], &["images"], &["prune"]] {
        let mut all = vec!["--store", shown.as_str()];
        all.extend_from_slice(args);
        let out = env.run(&all);
        out.fails(
            2,
            &format!("error: `{shown}` is not an OCI image layout, and it is not empty"),
        );
        assert_eq!(tree(&busy), before, "{args:?} changed the directory");
    }

    // A missing directory becomes a store on the first load, and reads back.
    let fresh = env.path().join("fresh");
    let fresh_s = fresh.to_str().expect("utf8");
    env.run(["--store", fresh_s, "load", "-i", layout]).ok();
    assert!(fresh.join("oci-layout").is_file());
    assert_eq!(
        env.run(["--store", fresh_s, "images", "-q"]).ok(),
        "example.com/safe/app:1"
    );
}
