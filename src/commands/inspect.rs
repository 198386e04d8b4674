//! `ghcr-cli inspect`: what an image is, from the registry or (`--local`) the store: kind,
//! digest, platforms, layers with sizes, and a summary of the config. `--raw` and `--config`
//! print the manifest or config exactly as served.

use anyhow::{Context as _, Result};
use bytes::Bytes;
use serde::Serialize;

use crate::cli::{Format, InspectArgs};
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor, Parsed};
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError, human_size};
use crate::registry::Registry;
use crate::settings::Context;
use crate::store::Store;

/// Configs and manifests are small; refuse anything bigger than the manifest cap.
const MAX_CONFIG: u64 = manifest::MAX_MANIFEST_BYTES;

#[derive(Serialize)]
struct InspectJson {
    name: String,
    digest: String,
    #[serde(rename = "mediaType")]
    media_type: String,
    /// `image`, `index` or `artifact`.
    kind: &'static str,
    size: u64,
    #[serde(rename = "artifactType", skip_serializing_if = "Option::is_none")]
    artifact_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    platforms: Vec<PlatformJson>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    layers: Vec<LayerJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<ConfigJson>,
}

#[derive(Serialize)]
struct PlatformJson {
    platform: String,
    digest: String,
    size: u64,
    /// With `--local`: whether the store holds that platform's image.
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<bool>,
}

#[derive(Serialize)]
struct LayerJson {
    digest: String,
    size: u64,
    #[serde(rename = "mediaType")]
    media_type: String,
}

#[derive(Serialize, Default)]
struct ConfigJson {
    digest: String,
    platform: Option<String>,
    created: Option<String>,
    entrypoint: Option<serde_json::Value>,
    cmd: Option<serde_json::Value>,
    env: Vec<String>,
    labels: serde_json::Map<String, serde_json::Value>,
}

/// Where manifests and blobs come from: a registry or the store.
enum Source<'a> {
    Remote(&'a Registry, &'a Reference),
    Local(&'a Store),
}

impl Source<'_> {
    async fn manifest(&self, desc: &Descriptor) -> Result<Bytes> {
        match self {
            Source::Remote(reg, r) => Ok(reg
                .get_manifest(r.repository(), &desc.digest.to_string())
                .await?
                .bytes),
            Source::Local(store) => Ok(Bytes::from(
                store.read_blob(&desc.digest, manifest::MAX_MANIFEST_BYTES)?,
            )),
        }
    }

    async fn config(&self, desc: &Descriptor) -> Result<Bytes> {
        let bytes = match self {
            Source::Remote(reg, r) => {
                reg.get_small_blob(r.repository(), &desc.digest, MAX_CONFIG)
                    .await?
            }
            Source::Local(store) => Bytes::from(store.read_blob(&desc.digest, MAX_CONFIG)?),
        };
        if !desc.digest.matches(&bytes) {
            anyhow::bail!("the config blob does not match its digest {}", desc.digest);
        }
        Ok(bytes)
    }

    fn has(&self, d: &Descriptor) -> Option<bool> {
        match self {
            Source::Remote(..) => None,
            Source::Local(store) => Some(store.has_blob(&d.digest, Some(d.size))),
        }
    }
}

pub async fn run(ctx: &Context, args: InspectArgs) -> Result<()> {
    let platform = super::parse_platform(args.platform.as_deref())?;
    let store;
    let registry;
    let reference;
    let (source, name, mut desc, mut bytes) = if args.local {
        store = ctx.store()?;
        let local = super::find_local(ctx, &store, &args.reference)?;
        let bytes =
            Bytes::from(store.read_blob(&local.descriptor.digest, manifest::MAX_MANIFEST_BYTES)?);
        let name = local.name.unwrap_or_else(|| args.reference.clone());
        (Source::Local(&store), name, local.descriptor, bytes)
    } else {
        reference = ctx.reference(&args.reference)?;
        registry = ctx.registry(reference.registry())?;
        let fetched = registry
            .get_manifest(reference.repository(), &reference.api_reference())
            .await
            .with_context(|| format!("failed to inspect {reference}"))?;
        let desc = Descriptor::new(
            &fetched.media_type,
            fetched.digest.clone(),
            fetched.bytes.len() as u64,
        );
        (
            Source::Remote(&registry, &reference),
            reference.to_string(),
            desc,
            fetched.bytes,
        )
    };
    let (_, mut parsed) = manifest::parse(&bytes, Some(&desc.media_type))
        .map_err(|e| anyhow::anyhow!("the manifest of {name} is invalid: {e}"))?;
    // --platform narrows an index to one of its images (nested indexes followed).
    while let (Some(want), Parsed::Index(index)) = (&platform, &parsed) {
        let child = match index.select(want) {
            manifest::Selected::Image(d) => d.clone(),
            manifest::Selected::Nested(nested) if !nested.is_empty() => nested[0].clone(),
            manifest::Selected::Nested(_) => {
                return Err(UserError::new(
                    Exit::NotFound,
                    format!(
                        "{name} has no image for platform {want}; it has: {}",
                        index.platforms().join(", ")
                    ),
                )
                .into());
            }
        };
        if source.has(&child) == Some(false) {
            return Err(UserError::new(
                Exit::NotFound,
                format!(
                    "the {want} image of {name} ({}) is not in the local store",
                    child.digest
                ),
            )
            .hint(format!(
                "pull it with `ghcr-cli pull --platform {want} {name}`"
            ))
            .into());
        }
        bytes = source.manifest(&child).await?;
        if !child.digest.matches(&bytes) {
            anyhow::bail!("manifest {} does not match its digest", child.digest);
        }
        parsed = manifest::parse(&bytes, Some(&child.media_type))
            .map_err(|e| anyhow::anyhow!("the manifest of {name} is invalid: {e}"))?
            .1;
        desc = child;
    }
    if args.raw {
        ctx.printer.raw(&bytes);
        return Ok(());
    }
    let image = match &parsed {
        Parsed::Image(m) => Some(m),
        Parsed::Index(_) => None,
    };
    if args.config {
        let Some(m) = image else {
            return Err(UserError::new(
                Exit::Usage,
                format!("{name} is a multi-platform index: it has no config"),
            )
            .hint("pick one platform with --platform")
            .into());
        };
        ctx.printer.raw(&source.config(&m.config).await?);
        return Ok(());
    }
    let json = describe(&source, &name, &desc, &bytes, &parsed).await?;
    match args.format {
        Format::Json => ctx.printer.json(&json),
        Format::Text => print_text(ctx, &json),
    }
    Ok(())
}

async fn describe(
    source: &Source<'_>,
    name: &str,
    desc: &Descriptor,
    bytes: &[u8],
    parsed: &Parsed,
) -> Result<InspectJson> {
    let raw: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    let artifact_type = raw
        .get("artifactType")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let subject = raw
        .get("subject")
        .and_then(|s| s.get("digest"))
        .and_then(|d| d.as_str())
        .map(str::to_string);
    let mut out = InspectJson {
        name: name.to_string(),
        digest: desc.digest.to_string(),
        media_type: desc.media_type.clone(),
        kind: "image",
        size: desc.size,
        artifact_type,
        subject,
        platforms: Vec::new(),
        layers: Vec::new(),
        config: None,
    };
    match parsed {
        Parsed::Index(index) => {
            out.kind = "index";
            out.platforms = index
                .manifests
                .iter()
                .map(|d| PlatformJson {
                    // Attestations (buildx) show as such, never as unknown/unknown.
                    platform: d.label(),
                    digest: d.digest.to_string(),
                    size: d.size,
                    local: source.has(d),
                })
                .collect();
        }
        Parsed::Image(m) => {
            let is_artifact = out.artifact_type.is_some()
                || m.config.media_type == "application/vnd.oci.empty.v1+json";
            if is_artifact {
                out.kind = "artifact";
            }
            out.size = desc.size + m.blobs().map(|d| d.size).sum::<u64>();
            out.layers = m
                .layers
                .iter()
                .map(|l| LayerJson {
                    digest: l.digest.to_string(),
                    size: l.size,
                    media_type: l.media_type.clone(),
                })
                .collect();
            if !is_artifact {
                out.config = Some(summarize(
                    &m.config.digest,
                    &source.config(&m.config).await?,
                ));
            }
        }
    }
    Ok(out)
}

fn summarize(digest: &Digest, config: &[u8]) -> ConfigJson {
    let v: serde_json::Value = serde_json::from_slice(config).unwrap_or_default();
    let c = v.get("config").cloned().unwrap_or_default();
    let s = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let platform = match (s(&v, "os"), s(&v, "architecture")) {
        (Some(os), Some(arch)) => Some(match s(&v, "variant") {
            Some(variant) => format!("{os}/{arch}/{variant}"),
            None => format!("{os}/{arch}"),
        }),
        _ => None,
    };
    ConfigJson {
        digest: digest.to_string(),
        platform,
        created: s(&v, "created"),
        entrypoint: c.get("Entrypoint").filter(|e| !e.is_null()).cloned(),
        cmd: c.get("Cmd").filter(|e| !e.is_null()).cloned(),
        env: c
            .get("Env")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        labels: c
            .get("Labels")
            .and_then(|l| l.as_object())
            .cloned()
            .unwrap_or_default(),
    }
}

fn print_text(ctx: &Context, j: &InspectJson) {
    let p = &ctx.printer;
    p.data(format!("Name:       {}", j.name));
    p.data(format!("Digest:     {}", j.digest));
    p.data(format!("MediaType:  {}", j.media_type));
    p.data(format!("Kind:       {}", j.kind));
    if let Some(t) = &j.artifact_type {
        p.data(format!("Artifact:   {t}"));
    }
    if let Some(s) = &j.subject {
        p.data(format!("Subject:    {s}"));
    }
    if !j.platforms.is_empty() {
        p.data(format!("Platforms ({}):", j.platforms.len()));
        for pl in &j.platforms {
            let local = match pl.local {
                Some(true) => "  (in the store)",
                Some(false) => "  (not in the store)",
                None => "",
            };
            p.data(format!(
                "  {:<18} {}  {}{local}",
                pl.platform,
                pl.digest,
                human_size(pl.size)
            ));
        }
    }
    if let Some(c) = &j.config {
        if let Some(pl) = &c.platform {
            p.data(format!("Platform:   {pl}"));
        }
        if let Some(cr) = &c.created {
            p.data(format!("Created:    {cr}"));
        }
        if let Some(e) = &c.entrypoint {
            p.data(format!("Entrypoint: {e}"));
        }
        if let Some(cmd) = &c.cmd {
            p.data(format!("Cmd:        {cmd}"));
        }
        if !c.env.is_empty() {
            p.data("Env:");
            for e in &c.env {
                p.data(format!("  {e}"));
            }
        }
        if !c.labels.is_empty() {
            p.data("Labels:");
            for (k, v) in &c.labels {
                p.data(format!(
                    "  {k}={}",
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                ));
            }
        }
    }
    if !j.layers.is_empty() {
        let total: u64 = j.layers.iter().map(|l| l.size).sum();
        p.data(format!(
            "Layers ({}, {}):",
            j.layers.len(),
            human_size(total)
        ));
        for l in &j.layers {
            p.data(format!(
                "  {}  {:>10}  {}",
                l.digest,
                human_size(l.size),
                l.media_type
            ));
        }
    }
    p.data(format!("Size:       {}", human_size(j.size)));
}
