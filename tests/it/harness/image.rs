//! Deterministic test images, built in memory: gzip layers of pseudo-random (incompressible)
//! bytes, a config with the right diff IDs, an OCI manifest, and OCI layouts on disk.

use std::io::Write;
use std::path::Path;

use sha2::{Digest as _, Sha256};

pub fn sha256(data: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(data))
}

pub struct Blob {
    pub media_type: String,
    pub digest: String,
    pub data: Vec<u8>,
}

impl Blob {
    pub fn new(media_type: &str, data: Vec<u8>) -> Self {
        Blob {
            media_type: media_type.to_string(),
            digest: sha256(&data),
            data,
        }
    }

    pub fn descriptor(&self) -> serde_json::Value {
        serde_json::json!({"mediaType": self.media_type, "digest": self.digest, "size": self.data.len()})
    }
}

pub struct TestImage {
    pub config: Blob,
    pub layers: Vec<Blob>,
    pub manifest: Blob,
}

impl TestImage {
    pub fn digest(&self) -> &str {
        &self.manifest.digest
    }

    pub fn blobs(&self) -> impl Iterator<Item = &Blob> {
        std::iter::once(&self.config).chain(self.layers.iter())
    }
}

/// xorshift64*: cheap, deterministic, incompressible enough for gzip.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// An uncompressed tar with one file.
pub fn layer_tar(name: &str, content: &[u8]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(content.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_cksum();
    b.append_data(&mut h, name, content).expect("tar");
    b.into_inner().expect("tar")
}

/// The content of a gzip layer: the plain tar whose sha256 is the diff ID.
pub fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(data), &mut plain)
        .expect("gunzip");
    plain
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// An image with one gzip layer per entry of `layer_sizes` (random file contents), for
/// `linux/arch`.
pub fn image(seed: u64, layer_sizes: &[usize], arch: &str) -> TestImage {
    let mut layers = Vec::new();
    let mut diff_ids = Vec::new();
    for (i, size) in layer_sizes.iter().enumerate() {
        let tar = layer_tar(
            &format!("file-{seed}-{i}.bin"),
            &random_bytes(seed * 1000 + i as u64, *size),
        );
        diff_ids.push(sha256(&tar));
        layers.push(Blob::new(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            gzip(&tar),
        ));
    }
    let config = serde_json::json!({
        "architecture": arch, "os": "linux",
        "config": {"Entrypoint": ["/bin/app"], "Env": ["PATH=/usr/bin", format!("SEED={seed}")],
                   "Labels": {"org.opencontainers.image.source": "https://example.invalid/test"}},
        "created": "2026-01-01T00:00:00Z",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    oci_image(&config, layers)
}

/// An OCI image of `layers` with `config` (JSON) as its config blob.
fn oci_image(config: &serde_json::Value, layers: Vec<Blob>) -> TestImage {
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(config).expect("json"),
    );
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&manifest).expect("json"),
    );
    TestImage {
        config,
        layers,
        manifest,
    }
}

/// An OCI index over `images`, each with its `linux/ARCH` platform.
pub fn index(images: &[(&TestImage, &str)]) -> Blob {
    let manifests: Vec<_> = images
        .iter()
        .map(|(img, arch)| {
            let mut d = img.manifest.descriptor();
            d["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
            d
        })
        .collect();
    let idx = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": manifests,
    });
    Blob::new(
        "application/vnd.oci.image.index.v1+json",
        serde_json::to_vec(&idx).expect("json"),
    )
}

/// Writes an OCI layout at `dir` holding `images`, each named by `ref_name` in index.json.
pub fn write_layout(dir: &Path, images: &[(&str, &TestImage)]) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
    let mut entries = Vec::new();
    for (name, img) in images {
        for b in img.blobs().chain(std::iter::once(&img.manifest)) {
            std::fs::write(blobs.join(&b.digest[7..]), &b.data).expect("write blob");
        }
        let mut d = img.manifest.descriptor();
        d["annotations"] = serde_json::json!({"org.opencontainers.image.ref.name": name});
        entries.push(d);
    }
    let index = serde_json::json!({"schemaVersion": 2, "manifests": entries});
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&index).expect("json"),
    )
    .expect("write index");
}

/// The same kind of image with Docker schema 2 media types throughout.
pub fn docker_image(seed: u64, layer_sizes: &[usize]) -> TestImage {
    let oci = image(seed, layer_sizes, "amd64");
    let config = Blob::new(
        "application/vnd.docker.container.image.v1+json",
        oci.config.data.clone(),
    );
    let layers: Vec<Blob> = oci
        .layers
        .iter()
        .map(|l| {
            Blob::new(
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
                l.data.clone(),
            )
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
    });
    let manifest = Blob::new(
        "application/vnd.docker.distribution.manifest.v2+json",
        serde_json::to_vec_pretty(&manifest).expect("json"),
    );
    TestImage {
        config,
        layers,
        manifest,
    }
}

/// An OCI 1.1 artifact (an SBOM-like blob with the empty config) that refers to `subject`.
pub fn artifact(subject: &TestImage) -> TestImage {
    artifact_of(&subject.manifest)
}

/// [`artifact`] for any manifest, an index too (a signature of a multi-platform release).
pub fn artifact_of(subject: &Blob) -> TestImage {
    let config = Blob::new("application/vnd.oci.empty.v1+json", b"{}".to_vec());
    let layers = vec![Blob::new(
        "application/spdx+json",
        br#"{"spdxVersion":"SPDX-2.3","name":"test"}"#.to_vec(),
    )];
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/spdx+json",
        "config": config.descriptor(),
        "layers": layers.iter().map(Blob::descriptor).collect::<Vec<_>>(),
        "subject": subject.descriptor(),
        "annotations": {"org.opencontainers.image.created": "2026-01-01T00:00:00Z"},
    });
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&manifest).expect("json"),
    );
    TestImage {
        config,
        layers,
        manifest,
    }
}

/// A docker-archive (`docker save`'s classic layout) of `image`, named `repo_tag`, with
/// uncompressed layers.
pub fn docker_archive(image: &TestImage, repo_tag: &str) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut put = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).expect("tar");
    };
    let mut layer_names = Vec::new();
    for l in &image.layers {
        let plain = gunzip(&l.data);
        let name = format!("{}/layer.tar", &sha256(&plain)[7..]);
        put(&name, &plain);
        layer_names.push(name);
    }
    let config_name = format!("{}.json", &image.config.digest[7..]);
    put(&config_name, &image.config.data);
    let manifest =
        serde_json::json!([{"Config": config_name, "RepoTags": [repo_tag], "Layers": layer_names}]);
    put(
        "manifest.json",
        &serde_json::to_vec(&manifest).expect("json"),
    );
    b.into_inner().expect("tar")
}

/// A `docker save` archive of `image` from Docker 25+ with the containerd image store: an OCI
/// layout whose `index.json` names the whole index (`io.containerd.image.name` = `name`,
/// `ref.name` = its tag), plus the `manifest.json` Docker keeps for older engines, which
/// names only the `manifest_json_platform` child. Children labelled in `left_out` are not in
/// the archive, as when the engine holds only some platforms.
pub fn containerd_archive(
    image: &MultiImage,
    name: &str,
    manifest_json_platform: &str,
    left_out: &[&str],
) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut put = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, data).expect("tar");
    };
    let blob_path = |digest: &str| format!("blobs/sha256/{}", &digest[7..]);
    put("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
    put(&blob_path(&image.index.digest), &image.index.data);
    for child in image
        .children
        .iter()
        .filter(|c| !left_out.contains(&c.label))
    {
        let manifest = &child.image.manifest;
        put(&blob_path(&manifest.digest), &manifest.data);
        for blob in child.image.blobs() {
            put(&blob_path(&blob.digest), &blob.data);
        }
    }
    let tag = name.rsplit_once(':').map(|(_, t)| t).unwrap_or("latest");
    let mut top = image.index.descriptor();
    top["annotations"] = serde_json::json!({
        "io.containerd.image.name": name,
        "org.opencontainers.image.ref.name": tag,
    });
    let index = serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [top]});
    put("index.json", &serde_json::to_vec(&index).expect("json"));
    let shown = image.child(manifest_json_platform);
    let short = name.strip_prefix("docker.io/library/").unwrap_or(name);
    let manifest = serde_json::json!([{
        "Config": blob_path(&shown.config.digest),
        "RepoTags": [short],
        "Layers": shown.layers.iter().map(|l| blob_path(&l.digest)).collect::<Vec<_>>(),
    }]);
    put(
        "manifest.json",
        &serde_json::to_vec(&manifest).expect("json"),
    );
    b.into_inner().expect("tar")
}

/// One entry of a multi-platform image: the image and how the index lists it.
pub struct Child {
    pub image: TestImage,
    /// `linux/amd64`, or `attestation` for an attestation manifest.
    pub label: &'static str,
}

/// A multi-platform image as buildx pushes it: platform images, maybe an attestation
/// manifest, and the index (OCI) or manifest list (Docker) over them.
pub struct MultiImage {
    pub children: Vec<Child>,
    pub index: Blob,
}

impl MultiImage {
    pub fn child(&self, label: &str) -> &TestImage {
        &self
            .children
            .iter()
            .find(|c| c.label == label)
            .expect("child")
            .image
    }
}

/// buildx's attestation manifest for `subject`: an in-toto layer, an `unknown/unknown`
/// config.
fn attestation(seed: u64) -> TestImage {
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","seed":{seed}}}"#
    );
    let layers = vec![Blob::new(
        "application/vnd.in-toto+json",
        statement.into_bytes(),
    )];
    let config = serde_json::json!({"architecture": "unknown", "os": "unknown", "config": {},
        "rootfs": {"type": "layers", "diff_ids": [layers[0].digest]}});
    let config = Blob::new(
        "application/vnd.oci.image.config.v1+json",
        serde_json::to_vec(&config).expect("json"),
    );
    let mut layer = layers[0].descriptor();
    layer["annotations"] =
        serde_json::json!({"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"});
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": config.descriptor(),
        "layers": [layer],
    });
    let manifest = Blob::new(
        "application/vnd.oci.image.manifest.v1+json",
        serde_json::to_vec(&manifest).expect("json"),
    );
    TestImage {
        config,
        layers,
        manifest,
    }
}

/// An OCI index: linux/amd64, linux/arm64, and an attestation manifest for the amd64 image.
pub fn multi_oci(seed: u64) -> MultiImage {
    let amd = image(seed, &[3000, 1200], "amd64");
    let arm = image(seed + 1, &[3500], "arm64");
    let att = attestation(seed);
    let mut entries = Vec::new();
    for (img, arch) in [(&amd, "amd64"), (&arm, "arm64")] {
        let mut d = img.manifest.descriptor();
        d["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        entries.push(d);
    }
    let mut d = att.manifest.descriptor();
    d["platform"] = serde_json::json!({"os": "unknown", "architecture": "unknown"});
    d["annotations"] = serde_json::json!({
        "vnd.docker.reference.digest": amd.manifest.digest,
        "vnd.docker.reference.type": "attestation-manifest"});
    entries.push(d);
    let idx = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": entries,
    });
    MultiImage {
        index: Blob::new(
            "application/vnd.oci.image.index.v1+json",
            serde_json::to_vec(&idx).expect("json"),
        ),
        children: vec![
            Child {
                image: amd,
                label: "linux/amd64",
            },
            Child {
                image: arm,
                label: "linux/arm64",
            },
            Child {
                image: att,
                label: "attestation",
            },
        ],
    }
}

/// A Docker schema 2 manifest list: linux/amd64 and linux/arm64/v8.
pub fn multi_docker(seed: u64) -> MultiImage {
    let amd = docker_image(seed, &[2000]);
    let arm = docker_image(seed + 1, &[2600]);
    let list = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {"mediaType": amd.manifest.media_type, "digest": amd.manifest.digest, "size": amd.manifest.data.len(),
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": arm.manifest.media_type, "digest": arm.manifest.digest, "size": arm.manifest.data.len(),
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        ],
    });
    MultiImage {
        index: Blob::new(
            "application/vnd.docker.distribution.manifest.list.v2+json",
            serde_json::to_vec_pretty(&list).expect("json"),
        ),
        children: vec![
            Child {
                image: amd,
                label: "linux/amd64",
            },
            Child {
                image: arm,
                label: "linux/arm64/v8",
            },
        ],
    }
}

/// This machine's platform in Go's names, as a default pull picks it.
pub fn host_platform() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "linux/arm64",
        _ => "linux/amd64",
    }
}

/// An image whose layers are these plain tars, gzipped, in order (bottom first), for
/// `linux/arch`: for tests that need particular layer contents (whiteouts, hostile names).
pub fn image_from_tars(tars: &[Vec<u8>], arch: &str) -> TestImage {
    let layers: Vec<Blob> = tars
        .iter()
        .map(|t| Blob::new("application/vnd.oci.image.layer.v1.tar+gzip", gzip(t)))
        .collect();
    let diff_ids: Vec<String> = tars.iter().map(|t| sha256(t)).collect();
    let config = serde_json::json!({
        "architecture": arch, "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    oci_image(&config, layers)
}
