//! `export` (issue #16): the tar holds exactly the merged tree of the layers, as computed
//! here from the layers the test built (bottom up, the other way from the program): a
//! `.wh.` file deletes from below, an opaque directory hides everything below it, a file
//! replaces a directory. A layer whose entries would escape the root is refused, and the
//! file named with `-o` is not written.

use std::collections::BTreeMap;
use std::io::Read;

use crate::harness::TestEnv;
use crate::harness::image;
use crate::mutate::load;

/// One entry of a test layer: name, `d`/`f`/`l`/`h` (hard link)/`g` (pax global header),
/// content (a file's bytes or a link target).
type Entry = (&'static str, char, &'static [u8]);

fn tar_of(entries: &[Entry]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, content) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mtime(0);
        match kind {
            'd' => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                b.append_data(&mut h, name, std::io::empty()).expect("dir");
            }
            'g' => {
                h.set_entry_type(tar::EntryType::XGlobalHeader);
                h.set_size(content.len() as u64);
                b.append_data(&mut h, name, *content).expect("pax");
            }
            'l' | 'h' => {
                h.set_entry_type(if *kind == 'l' {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                h.set_mode(0o777);
                h.set_size(0);
                let target = std::str::from_utf8(content).expect("utf8");
                b.append_link(&mut h, name, target).expect("link");
            }
            _ => {
                h.set_mode(0o644);
                h.set_size(content.len() as u64);
                b.append_data(&mut h, name, *content).expect("file");
            }
        }
    }
    b.into_inner().expect("tar")
}

/// The merged tree, applying each layer on the one below: first its whiteouts, then its
/// entries (a non-directory removes what was below its path).
fn merge(layers: &[&[Entry]]) -> BTreeMap<String, (char, Vec<u8>)> {
    let mut tree: BTreeMap<String, (char, Vec<u8>)> = BTreeMap::new();
    let drop_below = |tree: &mut BTreeMap<String, (char, Vec<u8>)>, dir: &str| {
        tree.retain(|k, _| !k.starts_with(&format!("{dir}/")));
    };
    for layer in layers {
        for (name, _, _) in layer.iter() {
            let name = name.trim_end_matches('/');
            let (parent, base) = name.rsplit_once('/').unwrap_or(("", name));
            if base == ".wh..wh..opq" {
                drop_below(&mut tree, parent);
            } else if let Some(gone) = base.strip_prefix(".wh.") {
                let gone = if parent.is_empty() {
                    gone.to_string()
                } else {
                    format!("{parent}/{gone}")
                };
                tree.remove(&gone);
                drop_below(&mut tree, &gone);
            }
        }
        for (name, kind, content) in layer.iter() {
            if *kind == 'g' {
                continue;
            }
            let name = name.trim_end_matches('/');
            if name
                .rsplit('/')
                .next()
                .is_some_and(|b| b.starts_with(".wh."))
            {
                continue;
            }
            if *kind != 'd' {
                drop_below(&mut tree, name);
            }
            tree.insert(name.to_string(), (*kind, content.to_vec()));
        }
    }
    tree
}

/// The exported tar as the same kind of tree; panics on a path written twice.
fn read_tree(tar_bytes: &[u8]) -> BTreeMap<String, (char, Vec<u8>)> {
    let mut tree = BTreeMap::new();
    for e in tar::Archive::new(tar_bytes).entries().expect("entries") {
        let mut e = e.expect("entry");
        let name = e.path().expect("path").display().to_string();
        let name = name.trim_end_matches('/').to_string();
        let kind = match e.header().entry_type() {
            tar::EntryType::Directory => 'd',
            tar::EntryType::Symlink => 'l',
            tar::EntryType::Link => 'h',
            _ => 'f',
        };
        let content = if kind == 'l' || kind == 'h' {
            e.link_name()
                .expect("link")
                .expect("target")
                .display()
                .to_string()
                .into_bytes()
        } else {
            let mut v = Vec::new();
            e.read_to_end(&mut v).expect("read");
            v
        };
        assert!(
            tree.insert(name.clone(), (kind, content)).is_none(),
            "`{name}` written twice"
        );
    }
    tree
}

const LOWER: &[Entry] = &[
    (
        "pax_global_header",
        'g',
        b"52 comment=1234567890123456789012345678901234567890\n",
    ),
    ("keep.txt", 'f', b"lower keep"),
    ("gone.txt", 'f', b"bye"),
    ("dir/", 'd', b""),
    ("dir/old.txt", 'f', b"old"),
    ("dir/sub/", 'd', b""),
    ("dir/sub/x", 'f', b"x"),
    ("replaced/", 'd', b""),
    ("replaced/z", 'f', b"z"),
    ("gonedir/", 'd', b""),
    ("gonedir/inner", 'f', b"i"),
    ("link", 'l', b"/keep.txt"),
    ("data.bin", 'f', b"D"),
];

const UPPER: &[Entry] = &[
    ("keep.txt", 'f', b"upper keep"),
    (".wh.gone.txt", 'f', b""),
    (".wh.gonedir", 'f', b""),
    ("dir/", 'd', b""),
    ("dir/.wh..wh..opq", 'f', b""),
    ("dir/new.txt", 'f', b"new"),
    ("replaced", 'f', b"now a file"),
    ("hardlink", 'h', b"data.bin"),
];

#[test]
fn export_applies_whiteouts_and_opaque_directories() {
    let env = TestEnv::new();
    let img = image::image_from_tars(&[tar_of(LOWER), tar_of(UPPER)], "amd64");
    load(&env, "ghcr.io/o/layers:1", &img);
    let out_path = env.path().join("rootfs.tar");
    let out = env.run([
        "export",
        "ghcr.io/o/layers:1",
        "-o",
        out_path.to_str().expect("utf8"),
    ]);
    out.ok();
    let exported = read_tree(&std::fs::read(&out_path).expect("tar"));
    let expected = merge(&[LOWER, UPPER]);
    assert_eq!(exported, expected);
    // What the expectation means, spelled out once.
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        [
            "data.bin",
            "dir",
            "dir/new.txt",
            "hardlink",
            "keep.txt",
            "link",
            "replaced"
        ]
    );
    // It extracts: the hard link to a lower layer's file comes after that file.
    let rootfs = env.path().join("rootfs");
    std::fs::create_dir_all(&rootfs).expect("mkdir");
    crate::harness::tool(
        "tar",
        &[
            "-xf",
            out_path.to_str().expect("utf8"),
            "-C",
            rootfs.to_str().expect("utf8"),
        ],
    );
    assert_eq!(
        std::fs::read(rootfs.join("hardlink")).expect("hard link"),
        b"D"
    );
    assert!(!rootfs.join("gone.txt").exists() && !rootfs.join("dir/old.txt").exists());

    // The same tree on stdout with `-o -`.
    let out = env
        .command(["export", "ghcr.io/o/layers:1", "-o", "-"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(read_tree(&out.stdout), expected);
}

/// A tar entry whose raw name is `name` (and a hard link to `link`, when given), which the tar
/// crate's builder would refuse to write.
fn raw_entry(name: &[u8], content: &[u8], link: Option<&[u8]>) -> Vec<u8> {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    if let Some(link) = link {
        h.set_entry_type(tar::EntryType::Link);
        h.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    }
    h.set_mode(0o644);
    h.set_size(content.len() as u64);
    h.set_mtime(0);
    h.set_cksum();
    let mut b = tar::Builder::new(Vec::new());
    b.append(&h, content).expect("entry");
    b.into_inner().expect("tar")
}

#[test]
fn export_refuses_a_layer_whose_entries_escape_and_writes_nothing() {
    let env = TestEnv::new();
    let hostile_entries: [(&[u8], Option<&[u8]>); 4] = [
        (b"../escaped.txt", None),
        (b"ok/../../escaped.txt", None),
        (b"/etc/passwd", None),
        (b"innocent", Some(b"../../etc/passwd")),
    ];
    for (i, (name, link)) in hostile_entries.into_iter().enumerate() {
        let hostile = raw_entry(name, if link.is_some() { b"" } else { b"pwned" }, link);
        let img = image::image_from_tars(&[tar_of(LOWER), hostile], "amd64");
        let image_name = format!("ghcr.io/o/hostile:{i}");
        load(&env, &image_name, &img);
        let out_path = env.path().join(format!("out-{i}.tar"));
        env.run([
            "export",
            &image_name,
            "-o",
            out_path.to_str().expect("utf8"),
        ])
        .fails(2, "which would escape the filesystem's root");
        assert!(!out_path.exists(), "nothing written for {name:?}");
    }
    assert!(!env.path().join("escaped.txt").exists());
    // A tar is never written to a terminal.
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} export ghcr.io/o/hostile:0", crate::harness::BIN),
            "/dev/null",
        ])
        .env_clear()
        .envs(env.envs.iter().map(|(k, v)| (k, v)))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("refusing to write a tar to a terminal"),
        "{shown}"
    );
    env.run([
        "export",
        "ghcr.io/o/hostile:0",
        "--platform",
        "linux/arm64",
        "-o",
        "-",
    ])
    .fails(3, "not linux/arm64");
}

#[test]
fn export_remote_streams_the_layers_and_refuses_a_lying_registry() {
    let reg = crate::harness::registry::Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image_from_tars(&[tar_of(LOWER), tar_of(UPPER)], "amd64");
    crate::harness::registry::seed_image(&reg.addr, "o/layers", "1", &img);
    let out_path = env.path().join("remote.tar");
    let name = format!("{}/o/layers:1", reg.addr);
    env.run([
        "export",
        "--remote",
        &name,
        "-o",
        out_path.to_str().expect("utf8"),
    ])
    .ok();
    assert_eq!(
        read_tree(&std::fs::read(&out_path).expect("tar")),
        merge(&[LOWER, UPPER])
    );
    assert!(!env.store().join("index.json").exists(), "nothing stored");

    // A registry that flips a byte: in a gzip layer the decompressor stops first; in a
    // plain tar the bytes still read as a tar, and the digest check at its end refuses them.
    let flipping = |at: u64| {
        crate::harness::proxy::Proxy::start(
            &reg.addr,
            crate::harness::proxy::Faults {
                flip_at: Some(at),
                ..Default::default()
            },
        )
    };
    // Offset 40 is in the deflate data of a (small) gzip layer; 515 in the first file's
    // content of a plain tar, past its 512-byte header.
    let (in_gzip, in_content) = (flipping(40), flipping(515));
    let plain = plain_image(&[tar_of(LOWER), tar_of(UPPER)]);
    crate::harness::registry::seed_image(&reg.addr, "o/plain", "1", &plain);
    for (proxy, repo, says) in [
        (&in_gzip, "o/layers:1", "failed to read layer"),
        (&in_content, "o/plain:1", "does not match its digest"),
    ] {
        let lied = env.path().join("lied.tar");
        env.run([
            "export",
            "--remote",
            &format!("{}/{repo}", proxy.addr),
            "-o",
            lied.to_str().expect("utf8"),
        ])
        .fails(1, says);
        assert!(!lied.exists());
    }
    // Unchanged bytes from the same proxy-less registry export fine.
    env.run([
        "export",
        "--remote",
        &format!("{}/o/plain:1", reg.addr),
        "-o",
        "-",
    ])
    .ok();
}

/// The image with its layers stored as plain tars (`…layer.v1.tar`).
fn plain_image(tars: &[Vec<u8>]) -> image::TestImage {
    let gz = image::image_from_tars(tars, "amd64");
    let layers: Vec<image::Blob> = tars
        .iter()
        .map(|t| image::Blob {
            media_type: "application/vnd.oci.image.layer.v1.tar".into(),
            digest: image::sha256(t),
            data: t.clone(),
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": gz.config.descriptor(),
        "layers": layers.iter().map(image::Blob::descriptor).collect::<Vec<_>>(),
    });
    let data = serde_json::to_vec(&manifest).expect("json");
    image::TestImage {
        manifest: image::Blob {
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            digest: image::sha256(&data),
            data,
        },
        config: gz.config,
        layers,
    }
}

#[test]
fn export_of_a_multi_platform_image_takes_the_platform_asked_for() {
    let reg = crate::harness::registry::Registry::anonymous();
    let env = TestEnv::new();
    let multi = image::multi_oci(84);
    crate::harness::registry::seed(&reg.addr, "o/multi", "1", &multi);
    let name = format!("{}/o/multi:1", reg.addr);
    env.run(["pull", &name, "--all-platforms"]).ok();
    let names = |tar: &[u8]| -> Vec<String> { read_tree(tar).into_keys().collect() };
    for remote in [false, true] {
        let mut args = vec!["export", name.as_str(), "--platform", "linux/arm64"];
        if remote {
            args.push("--remote");
        }
        let out = env.command(&args).output().expect("run");
        assert!(out.status.success(), "{out:?}");
        assert_eq!(names(&out.stdout), ["file-85-0.bin"], "remote: {remote}");
        assert_eq!(
            read_tree(&out.stdout)["file-85-0.bin"].1,
            image::random_bytes(85_000, 3500)
        );
    }
    // This machine's platform by default (the harness's images are amd64 and arm64).
    let out = env.command(["export", &name]).output().expect("run");
    assert!(out.status.success(), "{out:?}");
    let host = multi.child(image::host_platform());
    let want: Vec<String> = host
        .layers
        .iter()
        .flat_map(|l| {
            let plain = image::gunzip(&l.data);
            read_tree(&plain).into_keys().collect::<Vec<_>>()
        })
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(names(&out.stdout), want);
    env.run(["export", &name, "--platform", "linux/s390x", "-o", "-"])
        .fails(3, "has no linux/s390x image");
}
