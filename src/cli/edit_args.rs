//! The arguments of the image-editing commands (`mutate`, `append`, `export`, `blob`): clap
//! derive types, no logic. The `///` comments are the help text.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Format;

/// Which image an edit starts from, and where the result goes.
#[derive(Debug, Args)]
pub struct EditTarget {
    /// Image to edit: a local image (with --remote: an image in a registry)
    pub reference: String,

    /// Name for the result [default: REFERENCE itself, which then points at the new digest].
    /// With --remote: a tag, or a full name in the same repository
    #[arg(long, short = 't', value_name = "NAME")]
    pub tag: Option<String>,

    /// For a multi-platform image: edit only this platform's image [default: every image of
    /// the index; attestations are left as they are]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Edit the image in its registry instead of the local store: only the new config and
    /// manifests (and a new layer) are uploaded; no other blob moves
    #[arg(long)]
    pub remote: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct MutateArgs {
    #[command(flatten)]
    pub target: EditTarget,

    /// Set a label in the image config (repeatable; `KEY=` sets an empty value)
    #[arg(long, short = 'l', value_name = "KEY=VALUE")]
    pub label: Vec<String>,

    /// Remove a label from the image config (repeatable)
    #[arg(long, value_name = "KEY")]
    pub remove_label: Vec<String>,

    /// Set an annotation on the image manifest (repeatable)
    #[arg(long, short = 'a', value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,

    /// Remove an annotation from the image manifest (repeatable)
    #[arg(long, value_name = "KEY")]
    pub remove_annotation: Vec<String>,

    /// Set an annotation on the index of a multi-platform image (repeatable)
    #[arg(long, value_name = "KEY=VALUE")]
    pub index_annotation: Vec<String>,

    /// Set an environment variable in the image config, replacing one of the same name
    /// (repeatable)
    #[arg(long, short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,

    /// Set the entrypoint: a JSON array (`'["/bin/app","--serve"]'`) or one program; `""`
    /// removes it
    #[arg(long, value_name = "JSON|PROGRAM")]
    pub entrypoint: Option<String>,

    /// Set the default arguments: a JSON array or one word; `""` removes them
    #[arg(long, value_name = "JSON|ARG")]
    pub cmd: Option<String>,

    /// Set the user the container runs as (`1000`, `app:app`)
    #[arg(long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,

    /// Set the working directory
    #[arg(long, short = 'w', value_name = "DIR")]
    pub workdir: Option<String>,

    /// Set the image's creation time: RFC 3339 (`2026-01-01T00:00:00Z`) or seconds since
    /// 1970 (as SOURCE_DATE_EPOCH)
    #[arg(long, value_name = "TIME")]
    pub created: Option<String>,

    /// Set the platform the image config declares (with --platform in a multi-platform
    /// image, the index entry's too)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub set_platform: Option<String>,
}

#[derive(Debug, Args)]
pub struct AppendArgs {
    #[command(flatten)]
    pub target: EditTarget,

    /// The new layer's content: a directory (its files, deterministically: sorted, owner
    /// 0:0, times zeroed or SOURCE_DATE_EPOCH) or a tar file (plain or gzipped, used as is)
    #[arg(long, value_name = "DIR|TAR")]
    pub layer: PathBuf,

    /// Keep the files' modification times (clamped to SOURCE_DATE_EPOCH when it is set)
    #[arg(long)]
    pub keep_times: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Image whose filesystem to write: a local image (with --remote: one in a registry)
    pub reference: String,

    /// Where to write the tar (`-` for stdout) [default: stdout, when it is not a terminal]
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// For a multi-platform image: the platform to export [default: this machine's]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Read the image from its registry instead of the local store, streaming each layer
    /// (verified against its digest) without storing it
    #[arg(long)]
    pub remote: bool,
}

#[derive(Debug, Args)]
pub struct BlobArgs {
    #[command(subcommand)]
    pub command: BlobCommand,
}

#[derive(Debug, Subcommand)]
pub enum BlobCommand {
    /// Write one blob, verified against its digest, to a file or stdout
    #[command(
        after_help = "Example:\n  ghcr-cli blob get ghcr.io/owner/img sha256:… -o layer.tar.gz"
    )]
    Get {
        /// The repository (a tag or digest in it is ignored), or REPO@DIGEST for the blob
        reference: String,
        /// The blob's digest [default: REFERENCE's]
        digest: Option<String>,
        /// Where to write it (`-` for stdout) [default: stdout, when it is not a terminal]
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Read the local store instead of the registry
        #[arg(long)]
        local: bool,
    },
}
