//! Issue #13, "nothing lost, nothing leaked": outputs written where the user points without
//! replacing what is there, stores never created by reading, failed writes of stdout
//! reported, deletes that name every tag they take, credentials kept off plain HTTP, no
//! plaintext secret left behind, and tag lists that stay on the registry's own origin.

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::harness::TestEnv;
use crate::harness::forward::ForwardProxy;
use crate::harness::image::{self, TestImage};
use crate::harness::keyring::SecretService;
use crate::harness::proxy::{Faults, Proxy};
use crate::harness::registry::{Registry, put_manifest};
use crate::harness::token::TokenServer;

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

fn mode(p: &Path) -> u32 {
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

/// A registry holding one image under two tags of one repository, `a` and `b`; the
/// environment that pushed it; and the repository's full name.
fn two_tags(reg: &Registry, seed: u64) -> (TestEnv, TestImage, String) {
    let env = TestEnv::new();
    let img = image::image(seed, &[2000], "amd64");
    let name = format!("{}/two/app", reg.addr);
    let a = format!("{name}:a");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(a.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &a]).ok();
    put_manifest(
        &reg.addr,
        "two/app",
        "b",
        &img.manifest.media_type,
        &img.manifest.data,
    );
    (env, img, name)
}

/// Both tags still point at the image.
#[track_caller]
fn both_remain(env: &TestEnv, name: &str, img: &TestImage) {
    for t in ["a", "b"] {
        assert_eq!(
            env.run(["digest", &format!("{name}:{t}")]).ok(),
            img.digest()
        );
    }
}

#[test]
fn delete_names_every_tag_it_takes_and_refuses_without_yes_or_a_terminal() {
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1310);
    let d = img.digest();
    let a = format!("{name}:a");
    let both = format!("{name}:a@{d}\n{name}:b@{d}");

    let out = env.run(["delete", &a, "--dry-run"]);
    assert_eq!(out.ok(), both);
    assert!(
        out.stderr.contains(&format!(
            "would delete {name}@{d} with its tags a, b; nothing was changed (dry run)"
        )),
        "{out:#?}"
    );
    both_remain(&env, &name, &img);

    let out = env.run(["delete", &a]);
    out.fails(
        2,
        &format!(
            "error: refusing to delete {a}: the same manifest is also tagged b, and deleting it removes every tag on it"
        ),
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: to remove only this tag, run `ghcr-cli untag {a}`"
        )),
        "{out:#?}"
    );
    assert_eq!(out.stdout, "");
    env.run(["delete", &format!("{name}@{d}")]).fails(
        2,
        &format!("refusing to delete {name}@{d}: the manifest is tagged a, b"),
    );
    assert_eq!(reg.count_requests("DELETE", "/manifests/"), 0);
    both_remain(&env, &name, &img);

    let out = env.run(["delete", &a, "--yes"]);
    assert_eq!(out.ok(), both);
    assert!(
        out.stderr
            .contains(&format!("deleted {name}@{d} with its tags a, b")),
        "{out:#?}"
    );
    for t in ["a", "b"] {
        env.run(["digest", &format!("{name}:{t}")])
            .fails(3, "was not found");
    }
}

#[test]
fn delete_asks_on_a_terminal_naming_the_other_tags() {
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1311);
    let question = format!(
        "delete {name}@{}? It also removes the tags b. [y/N]",
        img.digest()
    );
    let (ok, shown) = env.run_on_terminal(&format!("delete {name}:a"), "[y/N]", "n\n");
    assert!(
        !ok && shown.contains(&question) && shown.contains("not deleted"),
        "{shown}"
    );
    both_remain(&env, &name, &img);
    let (ok, shown) = env.run_on_terminal(&format!("delete {name}:a"), "[y/N]", "y\n");
    assert!(ok, "{shown}");
    env.run(["digest", &format!("{name}:b")])
        .fails(3, "was not found");
}

#[test]
fn untag_on_distribution_2_8_refuses_with_the_reason_and_deletes_nothing() {
    // With deletes enabled, distribution 2.8 reads the tag as a digest: 400 DIGEST_INVALID.
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1312);
    let a = format!("{name}:a");
    let out = env.run(["untag", &a]);
    out.fails(
        1,
        &format!(
            "error: {} cannot remove the tag `a` alone: it does not implement OCI 1.1 tag deletion (it answered 400 DIGEST_INVALID); nothing was deleted",
            reg.addr
        ),
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: `ghcr-cli delete {a}` deletes the manifest with every tag on it"
        )),
        "{out:#?}"
    );
    both_remain(&env, &name, &img);

    // With deletes disabled it answers 405 UNSUPPORTED.
    let no = Registry::without_deletes();
    let t = format!("{}/two/app:a", no.addr);
    env.run(["tag", &a, &t]).ok();
    env.run(["push", &t]).ok();
    env.run(["untag", &t]).fails(
        1,
        &format!(
            "error: {} cannot remove the tag `a` alone: it does not implement OCI 1.1 tag deletion (it answered 405 UNSUPPORTED); nothing was deleted",
            no.addr
        ),
    );
    assert_eq!(env.run(["digest", &t]).ok(), img.digest());
    env.run(["untag", &format!("{name}@{}", img.digest())])
        .fails(2, "names no tag alone");
}

#[test]
fn tag_remote_puts_the_manifest_under_a_new_tag_and_moves_no_blob() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(1313, &[3000, 100], "amd64");
    let src = format!("{}/rt/app:1", reg.addr);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(src.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &src]).ok();
    let blob_writes = |reg: &Registry| {
        ["POST", "PUT", "PATCH"]
            .iter()
            .map(|m| reg.count_requests(m, "/blobs/"))
            .sum::<usize>()
    };
    let before = blob_writes(&reg);
    assert_eq!(
        before,
        img.blobs().count() * 2,
        "the push: POST + PUT per blob"
    );

    let latest = format!("{}/rt/app:latest", reg.addr);
    assert_eq!(
        env.run(["tag", "--remote", &src, "latest"]).ok(),
        format!("{latest}@{}", img.digest())
    );
    let v2 = format!("{}/rt/app:v2", reg.addr);
    assert_eq!(
        env.run(["tag", "--remote", &src, &v2]).ok(),
        format!("{v2}@{}", img.digest())
    );
    assert_eq!(blob_writes(&reg), before, "no blob was uploaded");
    for t in ["latest", "v2"] {
        let served =
            crate::core::reqwest_get(&format!("http://{}/v2/rt/app/manifests/{t}", reg.addr));
        assert!(served == img.manifest.data, "{t}: not the same bytes");
    }
    // The local store is not involved.
    assert_eq!(env.run(["images", "-q"]).ok(), src);

    let other = format!("{}/other/app:1", reg.addr);
    let out = env.run(["tag", "--remote", &src, &other]);
    out.fails(2, "is in another repository");
    assert!(
        out.stderr.contains(&format!(
            "hint: to copy the image there, run `ghcr-cli copy {src} {other}`"
        )),
        "{out:#?}"
    );
}

#[test]
fn a_tag_list_link_to_another_host_is_not_followed() {
    let reg = Registry::anonymous();
    let (env, img, _) = two_tags(&reg, 1314);
    for t in ["c", "d"] {
        put_manifest(
            &reg.addr,
            "two/app",
            t,
            &img.manifest.media_type,
            &img.manifest.data,
        );
    }
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            paginate_tags: true,
            link_to_storage: true,
            ..Faults::default()
        },
    );
    let repo = format!("{}/two/app", proxy.addr);
    let out = env.run(["tags", &repo, "--page-size", "2"]);
    out.fails(
        1,
        &format!(
            // The path is shown; the query (another origin's) is not.
            "the next page is on another origin (`http://{}/v2/two/app/tags/list?(redacted)`); not following it",
            proxy.storage_addr
        ),
    );
    assert_eq!(out.stdout, "", "no tags from a half-followed list");
    let elsewhere: Vec<_> = proxy.seen().into_iter().filter(|s| s.storage).collect();
    assert!(
        elsewhere.is_empty(),
        "the other host was asked: {elsewhere:#?}"
    );

    // The same pages on the registry's own origin are followed and merged.
    proxy.set_faults(Faults {
        paginate_tags: true,
        ..Faults::default()
    });
    assert_eq!(
        env.run(["tags", &repo, "--page-size", "2"]).ok(),
        "a\nb\nc\nd"
    );
}

/// The port of `127.0.0.1:PORT`.
fn port(addr: &str) -> &str {
    addr.rsplit(':').next().expect("a port")
}

#[test]
fn insecure_covers_only_its_registry_never_a_plain_http_realm_on_another_host() {
    // `registry.test` and `realm.test` are not loopback names: a forward proxy (HTTP_PROXY)
    // maps them to the registry and the token server, so this is the remote case, where
    // `--insecure` is needed at all, and the realm is on another host.
    let tokens = TokenServer::start();
    let realm_host = format!("realm.test:{}", port(&tokens.addr));
    let reg = Registry::token_with_realm(&tokens, &format!("http://{realm_host}/token"));
    let reg_host = format!("registry.test:{}", port(&reg.addr));
    let fwd = ForwardProxy::start(&[
        (reg_host.clone(), reg.addr.clone()),
        (realm_host.clone(), tokens.addr.clone()),
    ]);
    let mut env = TestEnv::new();
    let proxy = format!("http://{}", fwd.addr);
    env.set("HTTP_PROXY", proxy.clone())
        .set("HTTPS_PROXY", proxy)
        .set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let repo = format!("{reg_host}/alice/app");
    let refusal = format!(
        "caused by: refusing to send the credentials for {reg_host} in cleartext to the token realm `http://{realm_host}/token`: it is plain HTTP on `{realm_host}`, which is not marked insecure (the insecure setting covers only the registry it names)"
    );
    let realm_seen = |fwd: &ForwardProxy| -> Vec<bool> {
        fwd.seen()
            .iter()
            .filter(|s| s.host == realm_host)
            .map(|s| s.authorization)
            .collect()
    };

    let out = env.run(["--insecure", "tags", &repo]);
    out.fails(1, &refusal);
    assert!(
        out.stderr.contains(&format!(
            "hint: if `{realm_host}` may see the password unencrypted, mark it insecure in the config file: `[registries.\"{realm_host}\"]` with `insecure = true`"
        )),
        "{out:#?}"
    );
    assert!(
        fwd.seen()
            .iter()
            .any(|s| s.host == reg_host && s.request == "GET /v2/"),
        "the registry was pinged through the proxy: {:#?}",
        fwd.seen()
    );
    assert_eq!(
        realm_seen(&fwd),
        Vec::<bool>::new(),
        "the realm was contacted"
    );
    assert!(tokens.requests().is_empty());

    // `insecure = true` for the registry in the config: the same.
    let config = env.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[registries.\"{reg_host}\"]\ninsecure = true\n"),
    )
    .expect("write config");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    env.run(["tags", &repo]).fails(1, &refusal);
    assert!(tokens.requests().is_empty());

    // Holding no credentials, an anonymous token request goes there: nothing to leak.
    env.unset("GHCR_CLI_USERNAME").unset("GHCR_CLI_PASSWORD");
    env.run(["tags", &format!("{reg_host}/public/app")])
        .fails(3, "was not found");
    let seen = realm_seen(&fwd);
    assert!(!seen.is_empty() && seen.iter().all(|a| !a), "{seen:?}");
    assert!(tokens.requests().iter().all(|r| r.user.is_none()));

    // The realm's own host marked insecure: now the credentials may go.
    std::fs::write(
        &config,
        format!(
            "[registries.\"{reg_host}\"]\ninsecure = true\n[registries.\"{realm_host}\"]\ninsecure = true\n"
        ),
    )
    .expect("write config");
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    env.run(["tags", &repo]).fails(3, "was not found");
    assert!(
        tokens
            .requests()
            .iter()
            .any(|r| r.user.as_deref() == Some("alice") && r.authorized),
        "{:#?}",
        tokens.requests()
    );
}

#[test]
fn remove_plaintext_leaves_no_file_holding_the_secret() {
    use base64::Engine as _;
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let (user, password) = crate::harness::registry::USERS[0];
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let config = serde_json::json!({
        "auths": {reg.addr.clone(): {"auth": basic}},
        "psFormat": "table {{.ID}}",
    });
    let body = serde_json::to_vec_pretty(&config).expect("json");
    // config.json is a symlink into a dotfiles directory, as dotfile managers make it; and
    // an earlier ghcr-cli left a backup with the secret beside it.
    let home = env.path().join("home");
    let dotfiles = home.join("dotfiles");
    std::fs::create_dir_all(&dotfiles).expect("mkdir");
    std::fs::create_dir_all(home.join(".docker")).expect("mkdir");
    let real = dotfiles.join("docker-config.json");
    std::fs::write(&real, &body).expect("write");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let link = home.join(".docker/config.json");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let old_backup = home.join(".docker/config.json.bak");
    std::fs::write(&old_backup, &body).expect("write");
    let mut holding = env.files_containing(basic.as_bytes());
    holding.sort();
    let mut want = vec![old_backup.clone(), real.clone()];
    want.sort();
    assert_eq!(holding, want, "before: the config and the old backup");

    let out = env.run(["login", "--import-docker", "--remove-plaintext"]);
    assert_eq!(out.ok(), reg.addr);
    for want in [
        format!(
            "removed 1 plaintext login(s) from `{}`; it was rewritten in one step and no backup was kept, since a backup would hold the same secrets",
            link.display()
        ),
        format!(
            "also removed them from `{}`, a backup an earlier ghcr-cli left",
            old_backup.display()
        ),
    ] {
        assert!(out.stderr.contains(&want), "{want:?} missing: {out:#?}");
    }
    for needle in [password, basic.as_str()] {
        let hits = env.files_containing(needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is still in {hits:?}");
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink(),
        "config.json is still the symlink"
    );
    assert_eq!(mode(&real), 0o600);
    let after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&real).expect("read")).expect("json");
    assert_eq!(after["psFormat"], "table {{.ID}}");
    assert_eq!(after["auths"], serde_json::json!({}));
    // The login now comes from the keyring.
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!(
            "{user} on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );
}
