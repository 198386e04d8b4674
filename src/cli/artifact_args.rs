//! The arguments of the artifact and referrer commands (`artifact push|pull`, `attach`,
//! `referrers`): clap derive types, no logic. The `///` comments are the help text.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::Format;

#[derive(Debug, Args)]
pub struct ArtifactArgs {
    #[command(subcommand)]
    pub command: ArtifactCommand,
}

#[derive(Debug, Subcommand)]
pub enum ArtifactCommand {
    /// Pack files into an OCI 1.1 artifact and push it (as oras does: each file a layer named
    /// by its title, the empty config, an artifact type)
    #[command(
        after_help = "Examples:\n  ghcr-cli artifact push ghcr.io/owner/app-docs:1.0 README.md:text/markdown LICENSE\n  ghcr-cli artifact push ghcr.io/owner/app:sbom sbom.json:application/spdx+json \\\n      --artifact-type application/spdx+json --subject ghcr.io/owner/app:1.0"
    )]
    Push(ArtifactPushArgs),

    /// Write an artifact's files into a directory, by their titles, each verified
    #[command(after_help = "Example:\n  ghcr-cli artifact pull ghcr.io/owner/app-docs:1.0 -o docs")]
    Pull(ArtifactPullArgs),
}

#[derive(Debug, Args)]
pub struct ArtifactPushArgs {
    /// Where to push: IMAGE:TAG (or IMAGE@DIGEST's repository, untagged)
    pub reference: String,

    /// Files to pack, each with an optional media type after a colon [default media type:
    /// application/vnd.oci.image.layer.v1.tar, as oras uses]; the title is the file name
    #[arg(value_name = "FILE[:MEDIATYPE]", required = true)]
    pub files: Vec<String>,

    /// The artifact's type [default: application/vnd.unknown.artifact.v1]
    #[arg(long, value_name = "TYPE")]
    pub artifact_type: Option<String>,

    /// A manifest annotation (repeatable)
    #[arg(long = "annotation", short = 'a', value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,

    /// The image this artifact refers to (in the same repository): it becomes the
    /// manifest's subject, and `referrers` lists it
    #[arg(long, value_name = "REF")]
    pub subject: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ArtifactPullArgs {
    /// The artifact: IMAGE:TAG or IMAGE@DIGEST
    pub reference: String,

    /// Directory to write the files into (created when missing) [default: .]
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Replace files of the same names that are already there (without it, an existing file
    /// stops the pull before anything is written)
    #[arg(long)]
    pub overwrite: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The image to attach to (a tag is resolved to its digest)
    pub subject: String,

    /// Files to attach, each with an optional media type after a colon
    #[arg(value_name = "FILE[:MEDIATYPE]", required = true)]
    pub files: Vec<String>,

    /// The artifact's type, such as application/spdx+json or
    /// application/vnd.dev.sigstore.bundle.v0.3+json
    #[arg(long, value_name = "TYPE")]
    pub artifact_type: String,

    /// A manifest annotation (repeatable)
    #[arg(long = "annotation", short = 'a', value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ReferrersFormat {
    /// One referrer per line: digest, artifact type
    #[default]
    Text,
    /// The referrers as a JSON array of descriptors
    Json,
    /// The referrers, and what refers to them, as a tree
    Tree,
}

#[derive(Debug, Args)]
pub struct ReferrersArgs {
    /// The image whose referrers to list (a tag is resolved to its digest)
    pub reference: String,

    /// Only referrers of this artifact type
    #[arg(long, value_name = "TYPE")]
    pub artifact_type: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ReferrersFormat,
}
