//! `artifact push` and `artifact pull` against a real docker-registry 2.8: files packed as an
//! OCI 1.1 artifact (the exact manifest shape oras writes), restored byte for byte, hostile
//! titles refused with nothing written outside the directory, a user's file of the same name
//! kept unless --overwrite; and the peers reading and
//! writing the same artifacts (skopeo, the oras Python client).

use std::path::{Path, PathBuf};

use crate::harness::image::{random_bytes, sha256};
use crate::harness::registry::{Registry, put_blob, put_manifest};
use crate::harness::{TestEnv, tool};

const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// The manifest at `reference`, as the registry serves it.
pub fn raw_manifest(addr: &str, repo: &str, reference: &str) -> Vec<u8> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let resp = reqwest::Client::new()
            .get(format!("http://{addr}/v2/{repo}/manifests/{reference}"))
            .header(
                "Accept",
                "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json",
            )
            .send()
            .await
            .expect("GET manifest");
        assert!(resp.status().is_success(), "GET manifest {reference}: {}", resp.status());
        resp.bytes().await.expect("body").to_vec()
    })
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).expect("write");
    p
}

/// Two files with an artifact type and an annotation: the manifest is exactly the OCI 1.1
/// artifact shape (empty config inline, titled layers, artifactType), its digest is the sha256
/// of the bytes served, and `artifact pull` restores both files byte for byte.
#[test]
fn artifact_push_packs_oci_1_1_shape_and_pull_restores_files() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let a = random_bytes(1, 5000);
    let b = br#"{"hello":"world"}"#.to_vec();
    let fa = write(env.path(), "notes.bin", &a);
    let fb = write(env.path(), "data.json", &b);
    let target = format!("{}/art/files:v1", reg.addr);
    let out = env.run([
        "artifact",
        "push",
        &target,
        &format!("{}:application/x.test.notes", fa.display()),
        fb.to_str().expect("path"),
        "--artifact-type",
        "application/vnd.example.bundle.v1",
        "--annotation",
        "org.example.team=platform",
        "--annotation",
        "org.opencontainers.image.created=2026-01-02T03:04:05Z",
    ]);
    let digest = out.ok();
    let bytes = raw_manifest(&reg.addr, "art/files", "v1");
    assert_eq!(
        digest,
        sha256(&bytes),
        "printed digest is the sha256 of the bytes"
    );
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(
        v,
        serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "artifactType": "application/vnd.example.bundle.v1",
            "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2, "data": "e30="},
            "layers": [
                {"mediaType": "application/x.test.notes", "digest": sha256(&a), "size": a.len(),
                 "annotations": {"org.opencontainers.image.title": "notes.bin"}},
                {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha256(&b), "size": b.len(),
                 "annotations": {"org.opencontainers.image.title": "data.json"}},
            ],
            "annotations": {"org.example.team": "platform", "org.opencontainers.image.created": "2026-01-02T03:04:05Z"},
        })
    );
    let dir = env.path().join("out");
    let pulled = env
        .run([
            "artifact",
            "pull",
            &target,
            "-o",
            dir.to_str().expect("dir"),
        ])
        .ok();
    assert_eq!(
        pulled.lines().collect::<Vec<_>>(),
        [
            dir.join("notes.bin").display().to_string(),
            dir.join("data.json").display().to_string()
        ]
    );
    assert_eq!(std::fs::read(dir.join("notes.bin")).expect("a"), a);
    assert_eq!(std::fs::read(dir.join("data.json")).expect("b"), b);

    // A file of the same name already there is the user's: pulling again stops before any
    // byte is written, and --overwrite replaces it.
    std::fs::write(dir.join("data.json"), b"mine").expect("write");
    std::fs::remove_file(dir.join("notes.bin")).expect("rm");
    let dir_arg = dir.to_str().expect("dir");
    env.run(["artifact", "pull", &target, "-o", dir_arg])
        .fails(
            2,
            &format!(
                "error: `{}` already exists; {target} would replace it with its file `data.json`",
                dir.join("data.json").display()
            ),
        )
        .fails(
            2,
            "hint: nothing was written; pass --overwrite to replace it",
        );
    assert_eq!(std::fs::read(dir.join("data.json")).expect("kept"), b"mine");
    assert!(!dir.join("notes.bin").exists(), "nothing written");
    env.run(["artifact", "pull", &target, "-o", dir_arg, "--overwrite"])
        .ok();
    assert_eq!(std::fs::read(dir.join("data.json")).expect("b"), b);
    assert_eq!(std::fs::read(dir.join("notes.bin")).expect("a"), a);
    // skopeo reads the same manifest with the media types ghcr-cli wrote.
    let raw = tool(
        "skopeo",
        &[
            "inspect",
            "--raw",
            "--tls-verify=false",
            &format!("docker://{target}"),
        ],
    );
    let s: serde_json::Value = serde_json::from_str(&raw).expect("skopeo json");
    assert_eq!(s["mediaType"], OCI_MANIFEST);
    assert_eq!(s["artifactType"], "application/vnd.example.bundle.v1");
    assert_eq!(
        s["config"]["mediaType"],
        "application/vnd.oci.empty.v1+json"
    );
    assert_eq!(s["layers"][0]["mediaType"], "application/x.test.notes");
}

/// Puts an artifact whose layers have these titles straight into the registry (a raw
/// manifest PUT, as a hostile publisher would).
fn hostile(reg: &Registry, tag: &str, titles: &[&str]) -> String {
    let layers: Vec<serde_json::Value> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let data = format!("payload {i} for {t}").into_bytes();
            put_blob(&reg.addr, "art/evil", &data);
            serde_json::json!({"mediaType": "text/plain", "digest": sha256(&data), "size": data.len(),
                "annotations": {"org.opencontainers.image.title": t}})
        })
        .collect();
    put_blob(&reg.addr, "art/evil", b"{}");
    let m = serde_json::json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "artifactType": "application/x.evil",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_DIGEST, "size": 2},
        "layers": layers});
    put_manifest(
        &reg.addr,
        "art/evil",
        tag,
        OCI_MANIFEST,
        &serde_json::to_vec(&m).expect("json"),
    );
    format!("{}/art/evil:{tag}", reg.addr)
}

/// Every file under `dir`, relative.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).expect("under").display().to_string());
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Titles that leave the output directory (`../x`, an absolute path, a path through a
/// symlink that points outside) are refused with exit 2, and nothing is written anywhere:
/// not outside, and not even the harmless file listed before them.
#[test]
fn artifact_pull_refuses_titles_that_leave_the_directory() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let root = env.path().join("work");
    let out = root.join("out");
    let outside = root.join("outside");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::os::unix::fs::symlink(&outside, out.join("link")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("target"), out.join("flink")).expect("symlink");
    let absolute = outside.join("abs.txt").display().to_string();
    for (tag, titles, bad) in [
        ("dotdot", vec!["ok.txt", "../x"], "../x"),
        (
            "absolute",
            vec!["ok.txt", absolute.as_str()],
            absolute.as_str(),
        ),
        ("symlink", vec!["ok.txt", "link/y"], "link/y"),
        ("final-symlink", vec!["ok.txt", "flink"], "flink"),
    ] {
        let reference = hostile(&reg, tag, &titles);
        let result = env.run([
            "artifact",
            "pull",
            &reference,
            "-o",
            out.to_str().expect("out"),
        ]);
        result.fails(2, &format!("refusing the file title `{bad}`"));
        assert_eq!(
            files_under(&out),
            ["flink", "link"],
            "{tag}: nothing written in the directory"
        );
        assert!(
            files_under(&outside).is_empty(),
            "{tag}: nothing written outside"
        );
        assert!(!root.join("x").exists(), "{tag}");
    }
    // The same directory takes an honest artifact with a nested title.
    let reference = hostile(&reg, "fine", &["docs/ok.txt"]);
    env.run([
        "artifact",
        "pull",
        &reference,
        "-o",
        out.to_str().expect("out"),
    ])
    .ok();
    assert_eq!(
        std::fs::read_to_string(out.join("docs/ok.txt")).expect("ok"),
        "payload 0 for docs/ok.txt"
    );
}

/// The Python oras client (`pip install oras`, which scripts/test.sh installs into
/// target/oras-venv): ghcr-cli pulls what oras pushed, and oras pulls what ghcr-cli pushed.
#[test]
fn oras_python_client_and_ghcr_cli_read_each_others_artifacts() {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/oras-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test.sh, which installs the oras Python client",
        python.display()
    );
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let from_oras = random_bytes(7, 3000);
    write(env.path(), "oras.bin", &from_oras);
    let script = r#"
import sys, oras.client
addr, mode = sys.argv[1], sys.argv[2]
c = oras.client.OrasClient(hostname=addr, insecure=True)
if mode == "push":
    c.push(files=["oras.bin:application/x.from-oras"], target=f"{addr}/interop/by-oras:v1")
else:
    for p in c.pull(target=f"{addr}/interop/by-ghcr:v1", outdir="from-ghcr"):
        print(p)
"#;
    let py = |mode: &str| {
        let out = std::process::Command::new(&python)
            .args(["-c", script, &reg.addr, mode])
            .current_dir(env.path())
            .output()
            .expect("python");
        assert!(
            out.status.success(),
            "oras {mode}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    py("push");
    let dir = env.path().join("pulled");
    env.run([
        "artifact",
        "pull",
        &format!("{}/interop/by-oras:v1", reg.addr),
        "-o",
        dir.to_str().expect("dir"),
    ])
    .ok();
    assert_eq!(
        std::fs::read(dir.join("oras.bin")).expect("file"),
        from_oras
    );

    let from_ghcr = random_bytes(8, 4000);
    let f = write(env.path(), "ghcr.bin", &from_ghcr);
    env.run([
        "artifact",
        "push",
        &format!("{}/interop/by-ghcr:v1", reg.addr),
        f.to_str().expect("f"),
    ])
    .ok();
    py("pull");
    assert_eq!(
        std::fs::read(env.path().join("from-ghcr/ghcr.bin")).expect("oras wrote it"),
        from_ghcr
    );
}
