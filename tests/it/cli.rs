//! The everyday CLI around the core: the config file, help and version, concurrency on one
//! store, oci-archive input.

use std::io::Write;

use crate::harness::TestEnv;
use crate::harness::image;
use crate::harness::registry::Registry;

#[test]
fn config_file_sets_default_registry_and_per_registry_ca() {
    let reg = Registry::htpasswd_tls();
    let mut env = TestEnv::new();
    let config = env.path().join("config/ghcr-cli/config.toml");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("mkdir");
    std::fs::write(
        &config,
        format!(
            "registry = \"{addr}\"\njobs = 3\n\n[registries.\"{addr}\"]\nca_file = \"{ca}\"\n",
            addr = reg.addr,
            ca = reg.ca.as_ref().expect("ca").display()
        ),
    )
    .expect("write config");
    let img = image::image(60, &[100], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("example.com/x/y:1", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    // A short name goes to the configured registry; its CA comes from the config.
    assert_eq!(
        env.run(["tag", "example.com/x/y:1", "alice/short:1"]).ok(),
        format!("{}/alice/short:1", reg.addr)
    );
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    assert_eq!(
        env.run(["push", "alice/short:1"]).ok(),
        format!("{}/alice/short:1@{}", reg.addr, img.digest())
    );
    // --registry wins over the file.
    assert_eq!(
        env.run([
            "--registry",
            "example.org",
            "tag",
            "example.com/x/y:1",
            "a/b:2"
        ])
        .ok(),
        "example.org/a/b:2"
    );

    // Errors name the file, the line and the key; exit 2.
    std::fs::write(&config, "registry = \"x.io\"\n\ncolour = true\n").expect("write");
    let out = env.run(["images"]);
    out.fails(
        2,
        &format!(
            "invalid config file `{}`: line 3: unknown field `colour`",
            config.display()
        ),
    );
    std::fs::write(&config, "[registries.\"x.io\"]\ninsecure = \"yes\"\n").expect("write");
    env.run(["images"]).fails(2, "line 2:");
    // An explicit --config that does not exist is an error; the default one may be absent.
    std::fs::remove_file(&config).expect("rm");
    env.run(["images"]).ok();
    env.run(["--config", "/nonexistent/ghcr.toml", "images"])
        .fails(2, "cannot read the config file `/nonexistent/ghcr.toml`");
}

#[test]
fn help_has_examples_and_exit_codes_and_version_names_the_build() {
    let env = TestEnv::new();
    let top = env.run(["--help"]).ok();
    assert!(
        top.contains("Exit codes:") && top.contains("4  authentication"),
        "{top}"
    );
    for &cmd in crate::harness::COMMANDS {
        let help = env.run([cmd, "--help"]).ok();
        assert!(
            help.contains("Example"),
            "`{cmd} --help` has no example:\n{help}"
        );
    }
    let version = env.run(["--version"]).ok();
    assert!(
        version.starts_with(&format!("ghcr-cli {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    // In a git checkout, the build names the commit it was built from.
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(commit) = commit.filter(|c| c.len() == 12) {
        assert!(
            version.contains(&format!("({commit}")),
            "{version} names {commit}"
        );
    }
    // Usage errors are exit 2, like bad references.
    env.run(["pull"]).fails(2, "required");
    env.run(["frobnicate"]).fails(2, "unrecognized subcommand");
}

#[test]
fn four_processes_pulling_and_tagging_into_one_store() {
    let reg = Registry::anonymous();
    let seed_env = TestEnv::new();
    let mut refs = Vec::new();
    for i in 0..4u64 {
        let img = image::image(70 + i, &[50_000, 20_000], "amd64");
        let layout = seed_env.path().join(format!("layout{i}"));
        let target = format!("{}/conc/img{i}:1", reg.addr);
        image::write_layout(&layout, &[(target.as_str(), &img)]);
        seed_env
            .run(["load", "-i", layout.to_str().expect("utf8")])
            .ok();
        seed_env.run(["push", &target]).ok();
        refs.push((target, img.digest().to_string()));
    }
    let env = TestEnv::new();
    let children: Vec<_> = refs
        .iter()
        .map(|(target, _)| {
            let script = format!(
                "{bin} pull {target} && {bin} tag {target} {target}-copy && {bin} pull {target}",
                bin = crate::harness::BIN
            );
            let mut c = std::process::Command::new("sh");
            c.args(["-c", &script]).env_clear();
            for (k, v) in &env.envs {
                c.env(k, v);
            }
            c.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let json = env.run(["images", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&json).expect("index.json still parses");
    assert_eq!(rows.as_array().map(|a| a.len()), Some(8));
    for (target, digest) in &refs {
        for name in [target.clone(), format!("{target}-copy")] {
            assert!(
                rows.as_array()
                    .expect("array")
                    .iter()
                    .any(|r| r["name"] == name.as_str() && r["digest"] == digest.as_str()),
                "{name} missing: {json}"
            );
        }
    }
    // Every blob in the store is complete and matches its name.
    for e in std::fs::read_dir(env.store().join("blobs/sha256"))
        .expect("blobs")
        .flatten()
    {
        let data = std::fs::read(e.path()).expect("read");
        assert_eq!(image::sha256(&data)[7..], *e.file_name().to_string_lossy());
    }
}

#[test]
fn loads_oci_archives_plain_and_gzip() {
    let env = TestEnv::new();
    let img = image::image(80, &[3000, 100], "amd64");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[("ghcr.io/o/arch:1", &img)]);
    let tar_path = env.path().join("img.tar");
    {
        let mut b = tar::Builder::new(std::fs::File::create(&tar_path).expect("create"));
        b.append_dir_all(".", &layout).expect("tar");
        b.finish().expect("finish");
    }
    assert_eq!(
        env.run(["load", "-i", tar_path.to_str().expect("utf8")])
            .ok(),
        "ghcr.io/o/arch:1"
    );
    let gz_path = env.path().join("img.tar.gz");
    {
        let mut e = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz_path).expect("create"),
            flate2::Compression::fast(),
        );
        e.write_all(&std::fs::read(&tar_path).expect("read"))
            .expect("gz");
        e.finish().expect("finish");
    }
    let env2 = TestEnv::new();
    assert_eq!(
        env2.run(["load", "-i", gz_path.to_str().expect("utf8")])
            .ok(),
        "ghcr.io/o/arch:1"
    );
    let images = env2.run(["images", "--format", "json"]).ok();
    let rows: serde_json::Value = serde_json::from_str(&images).expect("json");
    assert_eq!(rows[0]["digest"], img.digest());
    // The temporary extraction is gone.
    assert_eq!(
        std::fs::read_dir(env2.store().join("ingest"))
            .expect("ingest")
            .count(),
        0
    );
}

#[test]
fn pulls_try_the_configured_mirror_first_then_the_registry() {
    let origin = Registry::anonymous();
    let mirror = Registry::anonymous();
    let seed = TestEnv::new();
    let img = image::image(61, &[700], "amd64");
    let layout = seed.path().join("layout");
    let on_origin = format!("{}/lib/app:1", origin.addr);
    let on_mirror = format!("{}/lib/app:2", mirror.addr);
    image::write_layout(
        &layout,
        &[(on_origin.as_str(), &img), (on_mirror.as_str(), &img)],
    );
    seed.run(["load", "-i", layout.to_str().expect("utf8")])
        .ok();
    seed.run(["push", &on_origin]).ok();
    seed.run(["push", &on_mirror]).ok();

    let mut env = TestEnv::new();
    let config = env.path().join("mirror.toml");
    std::fs::write(
        &config,
        format!(
            "[registries.\"{}\"]\nmirror = \"{}\"\n",
            origin.addr, mirror.addr
        ),
    )
    .expect("write");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    // Tag 2 exists only on the mirror: served from there, stored under the origin's name.
    let want2 = format!("{}/lib/app:2", origin.addr);
    assert_eq!(
        env.run(["pull", &want2]).ok(),
        format!("{want2}@{}", img.digest())
    );
    assert_eq!(
        origin.count_requests("GET", "/manifests/2"),
        0,
        "the origin was not asked"
    );
    // Tag 1 is not on the mirror: a warning, then the origin.
    let out = env.run(["pull", &on_origin]);
    assert_eq!(out.ok(), format!("{on_origin}@{}", img.digest()));
    assert!(
        out.stderr.contains(&format!(
            "warning: the mirror {} could not serve {on_origin}",
            mirror.addr
        )),
        "{out:#?}"
    );
}

#[test]
fn http_proxy_from_the_environment_carries_the_requests() {
    use crate::harness::proxy::{Faults, Proxy};
    let reg = Registry::anonymous();
    let seed = TestEnv::new();
    let img = image::image(62, &[300], "amd64");
    let layout = seed.path().join("layout");
    let target = format!("{}/prox/app:1", reg.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    seed.run(["load", "-i", layout.to_str().expect("utf8")])
        .ok();
    seed.run(["push", &target]).ok();

    let proxy = Proxy::start(&reg.addr, Faults::default());
    let mut env = TestEnv::new();
    env.set("HTTP_PROXY", format!("http://{}", proxy.addr));
    assert_eq!(
        env.run(["pull", &target]).ok(),
        format!("{target}@{}", img.digest())
    );
    let seen = proxy.seen();
    assert!(
        seen.iter()
            .any(|s| s.path == format!("http://{}/v2/prox/app/manifests/1", reg.addr)),
        "the manifest GET went through the proxy: {seen:#?}"
    );
    // NO_PROXY exempts the host.
    proxy.clear_seen();
    env.set("NO_PROXY", "127.0.0.1");
    let fresh_store = env.path().join("store2");
    env.run([
        "--store",
        fresh_store.to_str().expect("utf8"),
        "pull",
        &target,
    ])
    .ok();
    assert!(proxy.seen().is_empty(), "{:#?}", proxy.seen());
}

#[test]
fn progress_bars_on_a_terminal_plain_lines_otherwise_nothing_with_quiet() {
    use crate::harness::proxy::{Faults, Proxy};
    let reg = Registry::anonymous();
    let seed = TestEnv::new();
    let img = image::image(63, &[2_000_000], "amd64");
    let layout = seed.path().join("layout");
    let target = format!("{}/prog/app:1", reg.addr);
    image::write_layout(&layout, &[(target.as_str(), &img)]);
    seed.run(["load", "-i", layout.to_str().expect("utf8")])
        .ok();
    seed.run(["push", &target]).ok();
    // A slow link, so the bar has time to draw.
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            throttle: Some(std::time::Duration::from_millis(5)),
            ..Faults::default()
        },
    );
    let via = format!("{}/prog/app:1", proxy.addr);

    let mut tty = TestEnv::new();
    tty.set("TERM", "xterm");
    let mut cmd = std::process::Command::new("script");
    cmd.args([
        "-qec",
        &format!("{} pull {via}", crate::harness::BIN),
        "/dev/null",
    ])
    .env_clear();
    for (k, v) in &tty.envs {
        cmd.env(k, v);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(
        screen.contains("\u{1b}["),
        "a bar was drawn with terminal control codes: {screen:?}"
    );
    assert!(
        screen.contains("/1.91 MiB") || screen.contains("MiB/"),
        "{screen:?}"
    );

    // Not a terminal: one plain line per blob, no control codes.
    let plain = TestEnv::new();
    let out = plain.run(["pull", &via]);
    out.ok();
    assert!(!out.stderr.contains('\u{1b}'), "{out:#?}");
    assert!(
        out.stderr.contains(&format!(
            "{}: downloaded (1.9 MiB)",
            &img.layers[0].digest[..19]
        )),
        "{out:#?}"
    );
    // --quiet: only the result.
    let quiet = TestEnv::new();
    let out = quiet.run(["-q", "pull", &via]);
    assert_eq!(out.ok(), format!("{via}@{}", img.digest()));
    assert_eq!(out.stderr, "");
}

/// The digests `images` prints name local images wherever a local image is named: in full,
/// or by a prefix of 12 or more hex digits, with or without `sha256:` (issue #14).
#[test]
fn digests_and_their_prefixes_name_local_images() {
    let env = TestEnv::new();
    let img = crate::harness::image::image(5100, &[100], "amd64");
    let layout = env.path().join("layout");
    crate::harness::image::write_layout(&layout, &[("ghcr.io/acme/app:1", &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    let digest = img.digest();
    let shown = &digest[..19]; // `images` prints sha256: and 12 hex digits
    assert!(env.run(["images"]).ok().contains(shown));
    env.run(["tag", shown, "ghcr.io/acme/app:2"]).ok();
    env.run(["tag", &digest[7..19], "ghcr.io/acme/app:3"]).ok();
    let names = env.run(["images", "-q"]).ok();
    assert_eq!(
        names,
        "ghcr.io/acme/app:1\nghcr.io/acme/app:2\nghcr.io/acme/app:3"
    );
    // REPO@DIGEST untags only a name of that repository, never another's on the digest.
    env.run(["rmi", &format!("ghcr.io/acme/other@{digest}")])
        .fails(3, "no local image `ghcr.io/acme/other@");
    assert_eq!(env.run(["images", "-q"]).ok().lines().count(), 3);
    // rmi by digest untags every name on it.
    assert_eq!(
        env.run(["rmi", digest]).ok(),
        "untagged ghcr.io/acme/app:1\nuntagged ghcr.io/acme/app:2\nuntagged ghcr.io/acme/app:3"
    );
    assert_eq!(env.run(["images", "-q"]).ok(), "");

    // Two images whose digests share the prefix: the candidates are listed.
    let store = env.path().join("crafted");
    std::fs::create_dir_all(store.join("blobs/sha256")).expect("mkdir");
    std::fs::write(
        store.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .expect("w");
    let (d1, d2) = (
        format!("sha256:abcdef012345{}", "0".repeat(52)),
        format!("sha256:abcdef012345{}", "1".repeat(52)),
    );
    let entry = |d: &str, name: &str| {
        serde_json::json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": d, "size": 2, "annotations": {"org.opencontainers.image.ref.name": name}})
    };
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [
        entry(&d1, "ghcr.io/acme/one:1"), entry(&d2, "ghcr.io/acme/two:1")]});
    std::fs::write(store.join("index.json"), index.to_string()).expect("w");
    let out = env.run([
        "--store",
        store.to_str().expect("utf8"),
        "tag",
        "abcdef012345",
        "ghcr.io/acme/three:1",
    ]);
    out.fails(
        2,
        &format!(
            "`abcdef012345` matches more than one local image: ghcr.io/acme/one:1 ({d1}), ghcr.io/acme/two:1 ({d2})"
        ),
    );
}

/// `--config FILE` works before or after the command, like the other global flags; after
/// `inspect` it stays inspect's own flag (print the image's config), as in skopeo.
#[test]
fn config_file_anywhere_but_after_inspect() {
    let env = TestEnv::new();
    let config = env.path().join("bad.toml");
    std::fs::write(&config, "registry = \"ghcr.io\"\nno_such_key = 1\n").expect("write");
    let path = config.to_str().expect("utf8");
    for args in [
        vec!["--config", path, "images"],
        vec!["images", "--config", path],
        vec!["packages", "list", "--config", path],
    ] {
        let out = env.run(&args);
        out.fails(
            2,
            &format!("invalid config file `{path}`: line 2: unknown field `no_such_key`"),
        );
    }
    // After `inspect`, `--config` takes no value: the path is read as the image's name.
    let out = env.run(["inspect", "--local", "--config", path]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(!out.stderr.contains("invalid config file"), "{out:#?}");
}

/// Network flags are shown, and taken after the command, only where they do something; they
/// still work before any command, as they always did (issue #14).
#[test]
fn network_flags_only_on_network_commands() {
    let env = TestEnv::new();
    for cmd in [
        "tag",
        "images",
        "rmi",
        "prune",
        "load",
        "save",
        "logout",
        "completion",
        "man",
    ] {
        let help = env.run([cmd, "--help"]).ok();
        assert!(!help.contains("--jobs"), "{cmd} shows --jobs");
        if cmd != "tag" {
            for flag in ["--insecure", "--ca-file", "--retries"] {
                assert!(!help.contains(flag), "{cmd} shows {flag}");
            }
        }
        assert!(help.contains("-q, --quiet"), "{cmd} documents -q");
    }
    for cmd in ["pull", "push", "copy"] {
        let help = env.run([cmd, "--help"]).ok();
        for flag in ["--jobs", "--insecure", "--ca-file", "--retries"] {
            assert!(help.contains(flag), "{cmd} lacks {flag}");
        }
    }
    // The GitHub API is never reached insecurely: no --insecure on packages.
    let help = env.run(["packages", "list", "--help"]).ok();
    assert!(
        help.contains("--ca-file") && !help.contains("--insecure"),
        "{help}"
    );
    let help = env.run(["images", "--help"]).ok();
    assert!(
        help.contains("Print only the names, one per line"),
        "{help}"
    );
    env.run(["images", "--insecure"])
        .fails(2, "unexpected argument '--insecure' found");
    // Before the command, every flag is still taken (scripts written for earlier releases).
    env.run(["--insecure", "--jobs", "2", "--retries", "1", "images"])
        .ok();
}

/// `--format json` on load, digest, delete, rmi and prune, with the documented fields and
/// values derived from the image (issue #14).
#[test]
fn json_output_of_load_digest_delete_rmi_prune() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = crate::harness::image::image(5200, &[300], "amd64");
    let name = format!("{}/json/app:1", reg.addr);
    let layout = env.path().join("layout");
    crate::harness::image::write_layout(&layout, &[(name.as_str(), &img)]);
    let parse = |s: String| -> serde_json::Value { serde_json::from_str(&s).expect("json") };
    let loaded = parse(
        env.run([
            "load",
            "-i",
            layout.to_str().expect("utf8"),
            "--format",
            "json",
        ])
        .ok(),
    );
    assert_eq!(
        loaded,
        serde_json::json!([{"name": name, "digest": img.digest(), "mediaType": img.manifest.media_type}])
    );
    env.run(["push", &name]).ok();
    let digest = parse(env.run(["digest", &name, "--format", "json"]).ok());
    assert_eq!(
        digest,
        serde_json::json!({"reference": format!("{name}@{}", img.digest()), "digest": img.digest()})
    );
    let gone = format!("{name}@{}", img.digest());
    let dry = parse(
        env.run(["delete", &name, "--dry-run", "--format", "json"])
            .ok(),
    );
    assert_eq!(
        dry,
        serde_json::json!({"digest": img.digest(), "references": [gone], "dryRun": true})
    );
    let deleted = parse(env.run(["delete", &name, "--yes", "--format", "json"]).ok());
    assert_eq!(deleted["dryRun"], false);
    assert_eq!(deleted["references"], serde_json::json!([gone]));
    let rmi = parse(env.run(["rmi", &name, "--format", "json"]).ok());
    assert_eq!(rmi, serde_json::json!({"untagged": [name]}));
    // Nothing names the image now: prune removes its manifest, config and layer.
    let bytes: usize = img
        .blobs()
        .chain(std::iter::once(&img.manifest))
        .map(|b| b.data.len())
        .sum();
    let pruned = parse(env.run(["prune", "--format", "json"]).ok());
    assert_eq!(
        pruned,
        serde_json::json!({"blobsRemoved": 3, "bytesRemoved": bytes})
    );
}
