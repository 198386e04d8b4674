//! `ghcr-cli artifact push|pull`: files as an OCI 1.1 artifact (oras's packing), and the
//! file and annotation arguments `attach` shares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{ArtifactCommand, ArtifactPullArgs, ArtifactPushArgs, Format};
use crate::oci::artifact::{CREATED, DEFAULT_FILE_TYPE, UNKNOWN_ARTIFACT, rfc3339};
use crate::oci::manifest::Descriptor;
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::settings::Context;
use crate::transfer::artifact::{self, ArtifactFile, ArtifactRequest, Pushed};

pub async fn run(ctx: &Context, command: ArtifactCommand) -> Result<()> {
    match command {
        ArtifactCommand::Push(a) => push(ctx, a).await,
        ArtifactCommand::Pull(a) => pull(ctx, a).await,
    }
}

#[derive(Serialize)]
struct PushedJson {
    reference: String,
    digest: String,
    #[serde(rename = "artifactType")]
    artifact_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    /// How the subject lists it: `api` or `tag-schema`.
    #[serde(skip_serializing_if = "Option::is_none")]
    referrers: Option<&'static str>,
}

async fn push(ctx: &Context, args: ArtifactPushArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let subject = match &args.subject {
        Some(s) => Some(subject_descriptor(ctx, &reference, s).await?),
        None => None,
    };
    let artifact_type = args
        .artifact_type
        .clone()
        .unwrap_or_else(|| UNKNOWN_ARTIFACT.to_string());
    let request = ArtifactRequest {
        files: files(&args.files)?,
        artifact_type: artifact_type.clone(),
        annotations: annotations(&args.annotations)?,
        subject: subject.clone(),
    };
    let pushed = artifact::push_artifact(
        &registry,
        reference.repository(),
        reference.tag(),
        &request,
        ctx.progress(),
    )
    .await
    .with_context(|| format!("failed to push the artifact {reference}"))?;
    report(
        ctx,
        &reference,
        &artifact_type,
        subject.as_ref(),
        &pushed,
        args.format,
    );
    Ok(())
}

/// Prints what `artifact push` or `attach` pushed: the pinned reference (data), a note.
pub(super) fn report(
    ctx: &Context,
    reference: &Reference,
    artifact_type: &str,
    subject: Option<&Descriptor>,
    pushed: &Pushed,
    format: Format,
) {
    let pinned = format!("{}@{}", reference.with_digest(None).name(), pushed.digest);
    match format {
        Format::Json => ctx.printer.json(&PushedJson {
            reference: pinned,
            digest: pushed.digest.to_string(),
            artifact_type: artifact_type.to_string(),
            subject: subject.map(|s| s.digest.to_string()),
            referrers: pushed.schema.map(|s| s.as_str()),
        }),
        Format::Text => {
            if let (Some(s), Some(schema)) = (subject, pushed.schema) {
                let how = match schema {
                    crate::transfer::referrers::Schema::Api => "the registry's referrers API",
                    crate::transfer::referrers::Schema::Tags => "the sha256-<digest> tag schema",
                };
                ctx.printer
                    .status(format!("attached to {} (listed through {how})", s.digest));
            }
            ctx.printer.data(pushed.digest.to_string());
        }
    }
}

/// The subject as a descriptor; it must be in the artifact's repository (referrers are
/// listed per repository).
pub(super) async fn subject_descriptor(
    ctx: &Context,
    artifact: &Reference,
    input: &str,
) -> Result<Descriptor> {
    let subject = ctx.reference(input)?;
    if subject.name() != artifact.name() {
        return Err(UserError::new(
            Exit::Usage,
            format!("the subject `{subject}` is in another repository than `{artifact}`"),
        )
        .hint("an artifact refers to an image in its own repository; push it there")
        .into());
    }
    let registry = ctx.registry(subject.registry())?;
    let m = registry
        .get_manifest(subject.repository(), &subject.api_reference())
        .await
        .with_context(|| format!("failed to read the subject {subject}"))?;
    Ok(Descriptor::new(
        &m.media_type,
        m.digest,
        m.bytes.len() as u64,
    ))
}

/// `FILE[:MEDIATYPE]` arguments: the media type is what follows the last `:` when it looks
/// like one (has a `/`), so a path with a colon still works. The title is the file name.
pub(super) fn files(args: &[String]) -> Result<Vec<ArtifactFile>> {
    let mut out: Vec<ArtifactFile> = Vec::new();
    for arg in args {
        let (path, media_type) = match arg.rsplit_once(':') {
            Some((p, m)) if m.contains('/') && !p.is_empty() => (p, m),
            _ => (arg.as_str(), DEFAULT_FILE_TYPE),
        };
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(
                UserError::new(Exit::Usage, format!("`{}` is not a file", path.display()))
                    .hint("artifact files are regular files; tar a directory first")
                    .into(),
            );
        }
        let title = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if out.iter().any(|f| f.title == title) {
            return Err(UserError::new(
                Exit::Usage,
                format!("two files are named `{title}`: titles must differ"),
            )
            .into());
        }
        out.push(ArtifactFile {
            path,
            title,
            media_type: media_type.to_string(),
        });
    }
    Ok(out)
}

/// `KEY=VALUE` annotations, with `org.opencontainers.image.created` set to now unless given
/// (oras sets it too).
pub(super) fn annotations(args: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in args {
        let Some((k, v)) = a.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(UserError::new(
                Exit::Usage,
                format!("invalid annotation `{a}`: expected KEY=VALUE"),
            )
            .into());
        };
        out.insert(k.to_string(), v.to_string());
    }
    if !out.contains_key(CREATED) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        out.insert(CREATED.to_string(), rfc3339(now));
    }
    Ok(out)
}

#[derive(Serialize)]
struct FileJson {
    title: String,
    path: String,
    digest: String,
    size: u64,
    #[serde(rename = "mediaType")]
    media_type: String,
}

async fn pull(ctx: &Context, args: ArtifactPullArgs) -> Result<()> {
    let reference = ctx.reference(&args.reference)?;
    let registry = ctx.registry(reference.registry())?;
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    let pulled =
        artifact::pull_artifact(&registry, &reference, &dir, args.overwrite, ctx.progress()).await;
    let (digest, files) = match pulled {
        Err(e @ artifact::ArtifactError::Exists { .. }) => {
            return Err(UserError::new(Exit::Usage, e.to_string())
                .hint(format!(
                    "nothing was written; pass --overwrite to replace it, or write elsewhere: `ghcr-cli artifact pull {reference} -o DIR`"
                ))
                .into());
        }
        other => other.with_context(|| format!("failed to pull the artifact {reference}"))?,
    };
    match args.format {
        Format::Json => ctx.printer.json(&serde_json::json!({
            "reference": format!("{}@{digest}", reference.with_digest(None).name()),
            "digest": digest.to_string(),
            "files": files.iter().map(|f| FileJson {
                title: f.title.clone(),
                path: f.path.display().to_string(),
                digest: f.descriptor.digest.to_string(),
                size: f.descriptor.size,
                media_type: f.descriptor.media_type.clone(),
            }).collect::<Vec<_>>(),
        })),
        Format::Text => {
            if files.is_empty() {
                ctx.printer
                    .status(format!("{reference} has no layer with a file title"));
            }
            for f in &files {
                ctx.printer.data(display(&f.path));
            }
        }
    }
    Ok(())
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
