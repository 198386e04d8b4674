//! The command line: the top-level clap types and the command list (`args.rs` has each
//! command's own arguments, `placement.rs` which shared flags each command shows). No logic;
//! the `///` comments are the help text.

mod args;
mod artifact_args;
mod edit_args;
mod packages_args;
mod placement;
mod size;
mod sync_args;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env;
pub use args::*;
pub use artifact_args::*;
pub use edit_args::*;
pub use packages_args::{PackagesArgs, PackagesCheckArgs, PackagesCommand, PackagesPruneArgs};
pub use placement::{command, parse, try_parse_from};
pub use size::parse_size;
pub use sync_args::SyncArgs;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  failure (network, registry or store error)
  2  usage error or bad input (an invalid reference, flag or archive)
  3  not found (image, tag, repository, or local image)
  4  authentication or authorization refused";

/// A daemonless container registry client: pull, tag and push images with fully qualified
/// names, and keep credentials in the OS keyring.
#[derive(Debug, Parser)]
#[command(name = "ghcr-cli", version = env!("GHCR_CLI_VERSION"), about, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags for every command. The network flags (`--ca-file`, `--insecure`, `--retries`,
/// `--jobs`) and `--config` are accepted before the command too, but are shown only on the
/// commands that use them (see `placement.rs`), which also take them after their name.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file [default: $XDG_CONFIG_HOME/ghcr-cli/config.toml] (anywhere on the line,
    /// but after `inspect` it is inspect's own `--config`, the image's config)
    #[arg(long, env = env::CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Registry for names without a host [default: ghcr.io]
    #[arg(long, global = true, env = env::REGISTRY, value_name = "HOST")]
    pub registry: Option<String>,

    /// Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]
    #[arg(long, global = true, env = env::STORE, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Extra CA certificate (PEM) to trust, besides the system's roots
    #[arg(long, env = env::CA_FILE, value_name = "FILE", hide = true)]
    pub ca_file: Option<PathBuf>,

    /// Allow plain HTTP and unverified TLS to registries that are not on loopback
    #[arg(long, hide = true)]
    pub insecure: bool,

    /// Most blob transfers at once: the number adapts (from 16, growing for small blobs,
    /// shrinking when the registry pushes back) up to this [default: 64]
    #[arg(long, short = 'j', env = env::JOBS, value_name = "N", hide = true,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Retries of a failed request or broken transfer, with backoff [default: 5]
    #[arg(long, value_name = "N", hide = true)]
    pub retries: Option<u32>,

    /// Print only results on stdout: no progress, notes or warnings on stderr (errors still
    /// print); `images -q` prints names only. Each command's help says what it does there
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Trace requests on stderr (-v: each request and its status; -vv: headers too, with
    /// credentials redacted)
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Human-readable text
    #[default]
    Text,
    /// JSON with stable field names
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pull an image from a registry into the local store
    #[command(
        after_help = "Example:\n  ghcr-cli pull ghcr.io/owner/img:1.1.0 --platform linux/arm64"
    )]
    Pull(PullArgs),

    /// Push a local image to its registry
    #[command(
        after_help = "Examples:\n  ghcr-cli push ghcr.io/owner/img:1.1.0\n  ghcr-cli push ghcr.io/owner/img:1.1.0 --from-docker img:latest\n  ghcr-cli push ghcr.io/owner/img:1.1.0 --source https://github.com/owner/img"
    )]
    Push(PushArgs),

    /// Give a local image another (fully qualified) name, or with --remote a registry image
    /// another tag
    #[command(
        after_help = "Examples:\n  ghcr-cli tag docker.io/library/pgsb:1.1.0 ghcr.io/owner/pgsb:1.1.0\n  ghcr-cli tag --remote ghcr.io/owner/pgsb:1.1.0 latest"
    )]
    Tag(TagArgs),

    /// List the images in the local store
    #[command(alias = "ls", after_help = "Example:\n  ghcr-cli images --format json")]
    Images(ImagesArgs),

    /// Show an image: kind, digest, platforms, layers and config summary
    #[command(
        after_help = "Examples:\n  ghcr-cli inspect ghcr.io/owner/img:1.1.0\n  ghcr-cli inspect --raw ghcr.io/owner/img:1.1.0 | jq .\n  ghcr-cli inspect --local ghcr.io/owner/img:1.1.0 --format json"
    )]
    Inspect(InspectArgs),

    /// Print an image's manifest digest
    #[command(after_help = "Example:\n  ghcr-cli digest ghcr.io/owner/img:1.1.0")]
    Digest(DigestArgs),

    /// List the tags of a repository
    #[command(after_help = "Example:\n  ghcr-cli tags ghcr.io/owner/img --format json")]
    Tags(TagsArgs),

    /// List a registry's repositories (the catalog; on ghcr.io, your or an organization's
    /// container packages)
    #[command(
        after_help = "Example:\n  ghcr-cli repos registry.example.com:5000 -n 100\n  ghcr-cli repos ghcr.io --org acme"
    )]
    Repos(ReposArgs),

    /// Copy an image from one registry or repository to another, without the local store
    #[command(
        after_help = "Example:\n  ghcr-cli copy docker.io/library/alpine:3 ghcr.io/owner/alpine:3 --all-platforms"
    )]
    Copy(CopyArgs),

    /// Mirror many images between registries from a YAML config: only what changed moves,
    /// images in parallel under per-registry limits, resumable
    #[command(
        after_help = "Examples:\n  ghcr-cli sync mirror.yaml\n  ghcr-cli sync mirror.yaml --check --format json\n  ghcr-cli sync mirror.yaml --shard 0/4"
    )]
    Sync(SyncArgs),

    /// Delete a manifest from its registry, with every tag on it (a tag is resolved first)
    #[command(
        after_help = "Deleting a manifest removes every tag that points at it. The command names them\nfirst, asks on a terminal, and without one refuses unless --yes when other tags\nwould go. To remove one tag only, use `ghcr-cli untag`.\n\nExamples:\n  ghcr-cli delete registry.example.com/owner/img:old --dry-run\n  ghcr-cli delete registry.example.com/owner/img@sha256:… --yes"
    )]
    Delete(DeleteArgs),

    /// Remove one tag from a registry, keeping the manifest and its other tags
    #[command(
        after_help = "Uses OCI distribution 1.1 tag deletion; registries without it (CNCF distribution\n2.x) refuse, and nothing is deleted. On ghcr.io, which deletes a package version with all\nits tags, the tag is moved onto a placeholder manifest pushed for the purpose, whose\npackage version is then deleted (the token needs delete:packages).\n\nExamples:\n  ghcr-cli untag ghcr.io/owner/app:old\n  ghcr-cli untag registry.example.com/owner/img:old"
    )]
    Untag(UntagArgs),

    /// Remove names from the local store (blobs stay until `prune`)
    #[command(after_help = "Example:\n  ghcr-cli rmi ghcr.io/owner/img:1.1.0")]
    Rmi(RmiArgs),

    /// Delete blobs that no local image uses
    #[command(after_help = "Example:\n  ghcr-cli prune")]
    Prune(PruneArgs),

    /// Load images from an archive, an OCI layout directory or the Docker engine
    #[command(
        after_help = "Examples:\n  docker save pgsb:1.1.0 | ghcr-cli load\n  ghcr-cli load --from-docker pgsb:1.1.0\n  ghcr-cli load -i image.oci.tar --compress"
    )]
    Load(LoadArgs),

    /// Write local images as a docker-archive, an oci-archive or an OCI layout directory
    #[command(
        after_help = "Examples:\n  ghcr-cli save ghcr.io/owner/img:1.1.0 | docker load\n  ghcr-cli save ghcr.io/owner/img:1.1.0 --format oci-archive -o img.tar"
    )]
    Save(SaveArgs),

    /// Edit an image's config and manifest: labels, annotations, env, entrypoint, cmd, user,
    /// workdir, created time, platform (local, or in the registry with --remote)
    #[command(
        after_help = "Examples:\n  ghcr-cli mutate ghcr.io/owner/app:1.0 --label org.opencontainers.image.source=https://github.com/owner/app\n  ghcr-cli mutate --remote ghcr.io/owner/app:1.0 --env MODE=prod -t 1.0-prod"
    )]
    Mutate(Box<MutateArgs>),

    /// Add a layer made from a directory or a tar file to an image
    #[command(
        after_help = "Example:\n  ghcr-cli append ghcr.io/owner/app:1.0 --layer ./dist -t ghcr.io/owner/app:1.0-dist"
    )]
    Append(AppendArgs),

    /// Write an image's merged filesystem (whiteouts applied) as one tar
    #[command(
        after_help = "Examples:\n  ghcr-cli export ghcr.io/owner/app:1.0 -o rootfs.tar\n  ghcr-cli export --remote ghcr.io/owner/app:1.0 --platform linux/arm64 | tar t"
    )]
    Export(ExportArgs),

    /// Read single blobs from a registry or the local store
    #[command(
        after_help = "Example:\n  ghcr-cli blob get ghcr.io/owner/app sha256:… -o layer.tar.gz"
    )]
    Blob(BlobArgs),

    /// Log in to a registry; the secret goes to the OS keyring, never to a file
    #[command(
        after_help = "Examples:\n  echo \"$CR_PAT\" | ghcr-cli login ghcr.io -u USER --password-stdin\n  ghcr-cli login --import-docker --remove-plaintext\n  ghcr-cli login ghcr.io --with-gh --no-store"
    )]
    Login(LoginArgs),

    /// Remove a registry's stored login
    #[command(after_help = "Example:\n  ghcr-cli logout ghcr.io")]
    Logout(LogoutArgs),

    /// Show the user a registry sees and where the credentials come from
    #[command(after_help = "Example:\n  ghcr-cli whoami ghcr.io --format json")]
    Whoami(WhoamiArgs),

    /// Answer Docker's credential-helper protocol (get, store, erase, list) from the keyring
    #[command(
        name = "credential-helper",
        after_help = "Docker uses it as `docker-credential-ghcr-cli` with\n  \"credHelpers\": {\"ghcr.io\": \"ghcr-cli\"} in ~/.docker/config.json\nExample:\n  echo ghcr.io | ghcr-cli credential-helper get"
    )]
    CredentialHelper(HelperArgs),

    /// GitHub packages behind ghcr.io: list, versions, delete, restore (the REST API)
    #[command(
        after_help = "Examples:\n  ghcr-cli packages versions ghcr.io/owner/app --format json\n  ghcr-cli packages delete ghcr.io/owner/app:old --yes"
    )]
    Packages(PackagesArgs),

    /// OCI artifacts: files pushed to and pulled from a registry, as oras does
    #[command(
        after_help = "Examples:\n  ghcr-cli artifact push ghcr.io/owner/app-docs:1.0 README.md:text/markdown\n  ghcr-cli artifact pull ghcr.io/owner/app-docs:1.0 -o docs"
    )]
    Artifact(ArtifactArgs),

    /// Attach files to an image as an artifact that refers to it (an SBOM, a signature)
    #[command(
        after_help = "Uses the OCI 1.1 referrers API where the registry serves it, and the\n`sha256-<digest>` tag schema elsewhere (ghcr.io, CNCF distribution 2.x).\n\nExample:\n  ghcr-cli attach ghcr.io/owner/app:1.0 sbom.spdx.json:application/spdx+json \\\n      --artifact-type application/spdx+json"
    )]
    Attach(AttachArgs),

    /// List the artifacts that refer to an image (SBOMs, signatures, attestations)
    #[command(
        after_help = "Examples:\n  ghcr-cli referrers ghcr.io/owner/app:1.0\n  ghcr-cli referrers ghcr.io/owner/app:1.0 --format tree\n  ghcr-cli referrers ghcr.io/owner/app:1.0 --artifact-type application/spdx+json --format json"
    )]
    Referrers(ReferrersArgs),

    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  ghcr-cli completion bash > ~/.local/share/bash-completion/completions/ghcr-cli"
    )]
    Completion(CompletionArgs),

    /// Write the man pages (one per command) into a directory, or print the main one
    #[command(after_help = "Example:\n  ghcr-cli man --dir /usr/local/share/man/man1")]
    Man(ManArgs),
}
