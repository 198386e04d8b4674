//! Images straight from a Docker engine (issue #19): `load --from-docker`, `push REF
//! --from-docker IMAGE`, and the missing-image hint that names the engine's image, against
//! a real engine (Podman serving the Docker API on a unix socket of the test); and what
//! happens when there is no engine at all.

use std::time::{Duration, Instant};

use crate::harness::engine::{Engine, read_head};
use crate::harness::image::{self, TestImage};
use crate::harness::registry::Registry;
use crate::harness::{TestEnv, tool};

/// An image with two layers, put into `engine` by `podman load` under `name` (short, as
/// Docker names it: `app:1.0` is `docker.io/library/app:1.0`).
pub(crate) fn engine_with_image(engine: &Engine, seed: u64, name: &str) -> TestImage {
    let img = image::image(seed, &[40_000, 3_000], "amd64");
    // Podman files a short name from an archive under `localhost/`, where Docker means
    // Docker Hub: the archive names it in full, so the engine holds what Docker's would.
    let full = if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    engine.load(&image::docker_archive(&img, &full));
    img
}

/// The manifest digest ghcr-cli gives the engine's own archive of `name` (fetched by curl,
/// piped into `ghcr-cli load` in a store of its own): the other way to the same image.
pub(crate) fn digest_through_curl(engine: &Engine, name: &str) -> String {
    let archive = engine.curl(&format!("/images/{name}/get"));
    let other = TestEnv::new();
    let out = other.run_stdin_bytes(["load", "--format", "json"], &archive);
    let rows: serde_json::Value = serde_json::from_str(&out.ok()).expect("json");
    rows[0]["digest"].as_str().expect("digest").to_string()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json")
}

#[test]
fn load_from_docker_gives_the_digest_of_the_engines_archive_piped_into_load() {
    let engine = Engine::start();
    let img = engine_with_image(&engine, 501, "app:1.0");
    let expected = digest_through_curl(&engine, "app:1.0");
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", engine.docker_host());

    let out = env.run(["load", "--from-docker", "app:1.0", "--format", "json"]);
    let rows = json(&out.ok());
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{out:#?}");
    assert_eq!(rows[0]["name"], "docker.io/library/app:1.0");
    assert_eq!(rows[0]["digest"], expected.as_str());
    // And from the input itself: the layers are the test image's, each verified against its
    // diff ID on the way in.
    let manifest = json(
        &std::fs::read_to_string(env.store().join("blobs/sha256").join(&expected[7..]))
            .expect("manifest"),
    );
    let config = json(std::str::from_utf8(&img.config.data).expect("utf8"));
    let layers: Vec<&serde_json::Value> = manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| &l["digest"])
        .collect();
    let diff_ids: Vec<&serde_json::Value> = config["rootfs"]["diff_ids"]
        .as_array()
        .expect("diff ids")
        .iter()
        .collect();
    assert_eq!(layers, diff_ids);

    // Progress, without a terminal: one line when the archive is in.
    let size = engine.curl("/images/app:1.0/get").len() as f64 / 1024.0;
    assert!(
        out.stderr.contains(&format!(
            "the archive of app:1.0 from the Docker engine: {size:.1} KiB received"
        )),
        "{out:#?}"
    );

    // Text output, and the ghcr.io hint a docker-archive gets.
    let out = env.run(["load", "--from-docker", "app:1.0"]);
    assert_eq!(out.ok(), "docker.io/library/app:1.0");
    assert!(
        out.stderr.contains(
            "hint: to push it to ghcr.io, name it there: `ghcr-cli tag docker.io/library/app:1.0 ghcr.io/OWNER/app:1.0`"
        ),
        "{out:#?}"
    );

    // Several images in one request (`/images/get?names=…`).
    engine_with_image(&engine, 502, "tools:2");
    let out = env.run([
        "load",
        "--from-docker",
        "app:1.0",
        "tools:2",
        "--format",
        "json",
    ]);
    let rows = json(&out.ok());
    let mut names: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["docker.io/library/app:1.0", "docker.io/library/tools:2"]
    );

    // By image ID: a docker-archive that names the image not at all, so a repository is
    // needed, and the hint says how to give it.
    let id = &img.config.digest[7..19];
    env.run(["load", "--from-docker", id]).fails(
        2,
        &format!(
            "hint: say which repository it is: `ghcr-cli load --from-docker {id} --name ghcr.io/OWNER/IMAGE`"
        ),
    );
    let out = env.run(["load", "--from-docker", id, "--name", "example.com/o/app"]);
    assert_eq!(out.ok(), format!("example.com/o/app@{expected}"));

    // An image the engine does not have: not found, named, alone or among others.
    env.run(["load", "--from-docker", "nope:1"])
        .fails(3, "error: no image `nope:1` in the Docker engine");
    env.run(["load", "--from-docker", "app:1.0", "nope:1"])
        .fails(3, "error: no image `nope:1` in the Docker engine");
}

#[test]
fn push_from_docker_lands_the_engines_image_on_a_registry() {
    let reg = Registry::anonymous();
    let engine = Engine::start();
    let img = engine_with_image(&engine, 511, "app:latest");
    let expected = digest_through_curl(&engine, "app:latest");
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", engine.docker_host());

    let target = format!("{}/o/app:1.0", reg.addr);
    let out = env.run(["push", &target, "--from-docker", "app:latest"]);
    assert_eq!(out.ok(), format!("{target}@{expected}"));
    assert!(
        out.stderr.contains(&format!(
            "loaded app:latest from the Docker engine as {target}"
        )),
        "{out:#?}"
    );
    assert!(
        out.stderr.contains(&format!("pushed {target} (")),
        "{out:#?}"
    );

    let inspect = json(&tool(
        "skopeo",
        &[
            "inspect",
            "--tls-verify=false",
            &format!("docker://{target}"),
        ],
    ));
    assert_eq!(inspect["Digest"], expected.as_str());
    let config = json(std::str::from_utf8(&img.config.data).expect("utf8"));
    assert_eq!(inspect["Layers"], config["rootfs"]["diff_ids"]);
    // The store keeps it under the name it was pushed as.
    let images = json(&env.run(["images", "--format", "json"]).ok());
    assert!(
        images
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["digest"] == expected.as_str() && r["name"] == target.as_str()),
        "{images:#}"
    );

    // The engine's image ID names it as well.
    let by_id = format!("{}/o/app:by-id", reg.addr);
    let out = env.run(["push", &by_id, "--from-docker", &img.config.digest[7..19]]);
    assert_eq!(out.ok(), format!("{by_id}@{expected}"));

    // --compress gzips the engine's plain layers, as `docker push` does.
    let gz = format!("{}/o/app:gz", reg.addr);
    env.run(["push", &gz, "--from-docker", "app:latest", "--compress"])
        .ok();
    let raw = json(&tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{gz}"),
        ],
    ));
    for layer in raw["layers"].as_array().expect("layers") {
        assert_eq!(
            layer["mediaType"],
            "application/vnd.oci.image.layer.v1.tar+gzip"
        );
    }

    // A digest is not a place to push to.
    env.run([
        "push",
        &format!("{}/o/app@{expected}", reg.addr),
        "--from-docker",
        "app:latest",
    ])
    .fails(2, "--from-docker needs a tag to push to");
}

#[test]
fn push_of_a_missing_image_that_the_engine_holds_prints_the_one_command() {
    let engine = Engine::start();
    engine_with_image(&engine, 521, "app:1.0");
    let mut env = TestEnv::new();
    env.set("DOCKER_HOST", engine.docker_host());

    let out = env.run(["push", "ghcr.io/o/app:1.0"]);
    assert_eq!(out.code, 3, "{out:#?}");
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "note: there is no local store at `{}` yet; it reads as empty\n\
             error: no local image `ghcr.io/o/app:1.0`\n\
             hint: `app:1.0` is in the Docker engine; run `ghcr-cli push ghcr.io/o/app:1.0 --from-docker app:1.0`\n\
             hint: pull it with `ghcr-cli pull ghcr.io/o/app:1.0`, or see the local images with `ghcr-cli images`\n",
            env.store().display()
        )
    );

    // The engine's name with the owner in it wins over the bare one.
    engine.podman(&["tag", "docker.io/library/app:1.0", "docker.io/o/app:1.0"]);
    let out = env.run(["push", "ghcr.io/o/app:1.0"]);
    out.fails(
        3,
        "hint: `o/app:1.0` is in the Docker engine; run `ghcr-cli push ghcr.io/o/app:1.0 --from-docker o/app:1.0`\n",
    );

    // Nothing like it in the engine: no engine hint.
    let out = env.run(["push", "ghcr.io/o/other:1.0"]);
    out.fails(3, "error: no local image `ghcr.io/o/other:1.0`");
    assert!(!out.stderr.contains("Docker engine"), "{out:#?}");
}

#[test]
fn without_an_engine_load_from_docker_fails_and_push_hints_nothing_at_once() {
    let mut env = TestEnv::new();
    let missing = env.path().join("missing.sock");
    env.set("DOCKER_HOST", format!("unix://{}", missing.display()));

    let out = env.run(["load", "--from-docker", "app:1.0"]);
    out.fails(
        1,
        &format!(
            "error: the Docker engine is not reachable at `{}`: No such file or directory",
            missing.display()
        ),
    );
    assert!(out.stderr.contains("hint: is Docker running?"), "{out:#?}");
    assert_eq!(out.stderr.lines().count(), 2, "{out:#?}");

    let started = Instant::now();
    let out = env.run(["push", "ghcr.io/o/app:1.0"]);
    let took = started.elapsed();
    out.fails(3, "error: no local image `ghcr.io/o/app:1.0`");
    assert!(!out.stderr.contains("Docker engine"), "{out:#?}");
    assert!(took < Duration::from_secs(2), "push took {took:?}");

    // A socket that nobody serves any more: refused, said in the system's words.
    let stale = env.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).expect("bind"));
    env.set("DOCKER_HOST", format!("unix://{}", stale.display()));
    env.run(["load", "--from-docker", "app:1.0"]).fails(
        1,
        &format!(
            "error: the Docker engine is not reachable at `{}`: Connection refused",
            stale.display()
        ),
    );

    // An engine that accepts connections and never answers: the hint gives up after its
    // short timeout (2s), and the push fails as it would without an engine.
    let hung = env.path().join("hung.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&hung).expect("bind");
    env.set("DOCKER_HOST", format!("unix://{}", hung.display()));
    let started = Instant::now();
    let out = env.run(["push", "ghcr.io/o/app:1.0"]);
    let took = started.elapsed();
    out.fails(3, "error: no local image `ghcr.io/o/app:1.0`");
    assert!(!out.stderr.contains("Docker engine"), "{out:#?}");
    assert!(took < Duration::from_secs(5), "push took {took:?}");

    // An engine over SSH is not read, and says so.
    env.set("DOCKER_HOST", "ssh://me@build-host");
    env.run(["load", "--from-docker", "app:1.0"]).fails(
        2,
        "error: the Docker engine's address `ssh://me@build-host` is not one ghcr-cli reads (it reads `unix://PATH` and `tcp://HOST:PORT`)",
    );
    let out = env.run(["push", "ghcr.io/o/app:1.0"]);
    out.fails(3, "error: no local image `ghcr.io/o/app:1.0`");
    assert!(!out.stderr.contains("Docker engine"), "{out:#?}");
}

/// A stand-in engine on `socket` for the faults a real engine cannot be made to show on
/// demand: it answers the ping, sends the first half of `archive` (chunked) for
/// `GET /images/app:1.0/get`, then hangs up, or with `hold` keeps the connection open and
/// silent until the client gives up. The thread returns whether the archive was asked for
/// (and, with `hold`, the client then closed the connection).
pub(crate) fn half_archive_engine(
    socket: &std::path::Path,
    archive: Vec<u8>,
    hold: bool,
) -> std::thread::JoinHandle<bool> {
    use std::io::{Read, Write};
    let listener = std::os::unix::net::UnixListener::bind(socket).expect("bind");
    // One request per connection (`Connection: close`), until the archive has been asked for.
    std::thread::spawn(move || {
        loop {
            let Ok((mut conn, _)) = listener.accept() else {
                return false;
            };
            let head = read_head(&mut conn);
            if head.starts_with("GET /_ping ") {
                let _ = conn.write_all(
                    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nOK",
                );
                continue;
            }
            if !head.starts_with("GET /images/app:1.0/get ") {
                return false;
            }
            let part = &archive[..archive.len() / 2];
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
                    part.len()
                )
                .as_bytes(),
            );
            let _ = conn.write_all(part);
            let _ = conn.write_all(b"\r\n");
            if hold {
                // Silent until the client closes its end (a read of 0 bytes).
                let mut rest = [0u8; 64];
                return matches!(conn.read(&mut rest), Ok(0) | Err(_));
            }
            // Dropped here: the connection ends before the archive does.
            return true;
        }
    })
}

/// The connection breaking in the middle of `docker save`'s archive: the error names the
/// engine, not a bad archive, and nothing is loaded.
#[test]
fn an_archive_the_engine_breaks_off_is_the_engines_failure_and_loads_nothing() {
    let img = image::image(531, &[40_000, 3_000], "amd64");
    let archive = image::docker_archive(&img, "docker.io/library/app:1.0");
    let mut env = TestEnv::new();
    let socket = env.path().join("engine.sock");
    let served = half_archive_engine(&socket, archive, false);
    env.set("DOCKER_HOST", format!("unix://{}", socket.display()));
    let out = env.run(["load", "--from-docker", "app:1.0"]);
    out.fails(
        1,
        "error: the connection to the Docker engine broke while reading the archive of app:1.0",
    );
    assert!(!out.stderr.contains("cannot load"), "{out:#?}");
    assert!(
        served.join().expect("fixture"),
        "the archive was never asked for"
    );
    let images = env.run(["images", "-q"]);
    assert_eq!(images.ok(), "");
}

/// `save --format docker-archive` of two images (an OCI one and a Docker-media-type one)
/// loads into a real engine through its API (`POST /images/load`, what `docker load` sends),
/// and the engine lists both under their names, with the image IDs Docker gives them: the
/// digest of each image's config.
#[test]
fn save_docker_archive_of_two_images_loads_into_the_engine_with_names_and_ids() {
    let engine = Engine::start();
    let env = TestEnv::new();
    let oci = image::image(611, &[30_000, 2_000], "amd64");
    let docker = image::docker_image(612, &[12_000]);
    let (first, second) = ("ghcr.io/o/saved-oci:1.0", "example.com/team/saved-docker:2");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(first, &oci), (second, &docker)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();

    let archive = env.path().join("two.tar");
    env.run([
        "save",
        first,
        second,
        "--format",
        "docker-archive",
        "-o",
        archive.to_str().expect("utf8"),
    ])
    .ok();
    engine.post_file("/images/load", &archive);

    let listed = json(std::str::from_utf8(&engine.curl("/images/json")).expect("utf8"));
    let listed = listed.as_array().expect("a list of images");
    for (name, img) in [(first, &oci), (second, &docker)] {
        let found = listed
            .iter()
            .find(|i| {
                i["RepoTags"]
                    .as_array()
                    .is_some_and(|tags| tags.iter().any(|t| t == name))
            })
            .unwrap_or_else(|| panic!("the engine does not list {name}: {listed:#?}"));
        assert_eq!(found["Id"], img.config.digest.as_str(), "{found:#?}");
    }
    assert_eq!(listed.len(), 2, "{listed:#?}");
}
