//! Each command's own arguments (clap derive types, no logic). The `///` comments are the
//! help text.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Format;
use super::size::parse_size;

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Image to pull, such as ghcr.io/owner/img:1.1.0 or owner/img@sha256:…
    pub reference: String,

    /// Platform to download from a multi-platform image (OS/ARCH[/VARIANT], or `all`); the
    /// tag still points at the whole index [default: this machine's]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Download every platform's image of a multi-platform index
    #[arg(long, conflicts_with = "platform")]
    pub all_platforms: bool,

    /// Also pull the artifacts that refer to the image (SBOMs, signatures, and theirs); the
    /// store keeps them with it
    #[arg(long)]
    pub referrers: bool,

    /// Download each large blob in N parallel ranged requests (`Range: bytes=A-B`, as aria2's
    /// --split): faster where each connection is throttled, as CDNs do. A registry or storage
    /// host that ignores Range gets the usual single stream; the whole blob is checked
    /// against its digest before it is kept
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..=16))]
    pub ranges: Option<u16>,

    /// With --ranges (or the config file's `ranges`): blobs smaller than this go in one
    /// stream. Bytes, or with a unit: 64MiB, 1G [default: 32MiB]
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub ranges_threshold: Option<u64>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Local image to push; its name says where it goes. A multi-platform image is pushed
    /// whole: platforms not in the store are copied from the registry they were pulled from
    pub reference: String,

    /// Push only this platform's image of a multi-platform index, as a single-platform image
    /// (with --from-docker: only that platform is taken from the engine)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Upload in chunks of this size (PATCH with Content-Range) instead of one PUT per blob;
    /// interrupted chunked uploads resume, also in a later run. Bytes, or with a unit: 512KiB,
    /// 4MiB, 4M. ghcr.io takes at most 4MiB
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub chunk_size: Option<u64>,

    /// Load IMAGE from the Docker engine first (the one DOCKER_HOST or the Docker context
    /// names, else /var/run/docker.sock) and push it under REFERENCE, in one step: `ghcr-cli
    /// push ghcr.io/owner/app:1.0 --from-docker app:latest`
    #[arg(long, value_name = "IMAGE")]
    pub from_docker: Option<String>,

    /// With --from-docker: gzip the image's layers (the engine sends plain tars), as `docker
    /// push` does, using every core
    #[arg(long, requires = "from_docker")]
    pub compress: bool,

    /// Add this annotation to the top manifest or index pushed (repeatable): a new digest,
    /// printed; the local image is left as it is
    #[arg(long, value_name = "KEY=VALUE", conflicts_with = "platform")]
    pub annotation: Vec<String>,

    /// Link the package to its repository on ghcr.io: the annotation
    /// org.opencontainers.image.source=URL (a trailing `.git` is dropped)
    #[arg(
        long,
        value_name = "https://github.com/OWNER/REPO",
        conflicts_with = "platform"
    )]
    pub source: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Existing local image: a name, or a manifest digest in the store (with --remote: an
    /// image in a registry)
    pub source: String,
    /// New name; it is fully qualified before it is stored (with --remote: a tag, or a full
    /// name in the same repository)
    pub target: String,

    /// Tag the image in its registry instead of the local store: the manifest is put under
    /// the new tag in the same repository, and no blob moves
    #[arg(long)]
    pub remote: bool,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Images to untag
    #[arg(required = true)]
    pub references: Vec<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// docker-archive, oci-archive (.tar or .tar.gz) or OCI layout directory [default: stdin]
    #[arg(long, short = 'i', value_name = "PATH")]
    pub input: Option<PathBuf>,

    /// Read these images straight from the Docker engine, as `docker save` would write them
    /// (the engine DOCKER_HOST or the Docker context names, unix:// or tcp:// with Docker's
    /// TLS files, else /var/run/docker.sock; no docker binary needed):
    /// `ghcr-cli load --from-docker app:latest`
    #[arg(long, value_name = "IMAGE", num_args = 1.., conflicts_with = "input")]
    pub from_docker: Vec<String>,

    /// With --from-docker: only this platform's image of each (OS/ARCH[/VARIANT]), as
    /// `docker save --platform` [default: every platform the engine holds]
    #[arg(long, value_name = "PLATFORM", requires = "from_docker")]
    pub platform: Option<String>,

    /// With --from-docker: every platform the engine holds (the default, as `docker save`)
    #[arg(long, requires = "from_docker", conflicts_with = "platform")]
    pub all_platforms: bool,

    /// Gzip uncompressed layers (docker-archive layers are plain tars), using every core
    #[arg(long)]
    pub compress: bool,

    /// Repository for images the input names only by a tag (or not at all)
    #[arg(long, value_name = "REPO")]
    pub name: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ReposArgs {
    /// Registry host [default: --registry's]
    pub registry: Option<String>,

    /// Print at most N repositories (fewer pages are fetched)
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,

    /// Repositories per page to ask the registry for [default: --limit]
    #[arg(long, value_name = "N")]
    pub page_size: Option<usize>,

    /// Start after this repository
    #[arg(long, value_name = "REPO")]
    pub last: Option<String>,

    /// On ghcr.io: an organization's packages instead of yours
    #[arg(long, value_name = "ORG")]
    pub org: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TagsArgs {
    /// Repository, such as ghcr.io/owner/img
    pub repository: String,

    /// Print at most N tags, whatever page sizes the registry uses (fewer pages are fetched)
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,

    /// Tags per page to ask the registry for (many registries ignore it) [default: --limit]
    #[arg(long, value_name = "N")]
    pub page_size: Option<usize>,

    /// Start after this tag
    #[arg(long, value_name = "TAG")]
    pub last: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Registry to log in to [default: the default registry, ghcr.io]
    pub registry: Option<String>,

    /// Username (on ghcr.io, your GitHub user)
    #[arg(long, short = 'u', value_name = "USER")]
    pub username: Option<String>,

    /// Password or token (visible in the process list and shell history; prefer --password-stdin)
    #[arg(
        long,
        short = 'p',
        value_name = "PASSWORD",
        conflicts_with = "password_stdin"
    )]
    pub password: Option<String>,

    /// Read the password or token from stdin (trailing newlines are dropped)
    #[arg(long)]
    pub password_stdin: bool,

    /// Copy the logins in Docker's config.json into the keyring, after checking each
    #[arg(long, conflicts_with_all = ["registry", "username", "password", "password_stdin"])]
    pub import_docker: bool,

    /// With --import-docker: then remove those plaintext entries from config.json (rewritten
    /// in one step; no backup is kept, as it would hold the same secrets)
    #[arg(long, requires = "import_docker")]
    pub remove_plaintext: bool,

    /// Then let Docker use this login: link `docker-credential-ghcr-cli` to this binary and
    /// add `"credHelpers": {"REGISTRY": "ghcr-cli"}` to Docker's config.json (no secret is
    /// written). Without -u, uses the login already in the keyring
    #[arg(long, conflicts_with = "import_docker")]
    pub docker: bool,

    /// With --docker: remove that credHelpers entry instead (and the link, when no other
    /// entry uses ghcr-cli)
    #[arg(
        long,
        requires = "docker",
        conflicts_with_all = ["username", "password", "password_stdin"]
    )]
    pub undo: bool,

    /// Use the GitHub CLI's token (`gh auth token`, run as a child; the token is never on a
    /// command line) for ghcr.io; its scopes are checked, and a missing write:packages named
    #[arg(long, conflicts_with_all = ["username", "password", "password_stdin", "import_docker"])]
    pub with_gh: bool,

    /// With --with-gh: store nothing; every later command asks `gh auth token` again (only a
    /// marker without a secret is kept, in logins.json)
    #[arg(long, requires = "with_gh")]
    pub no_store: bool,

    /// With --with-gh: the GitHub host gh is logged in to [default: github.com for ghcr.io,
    /// else the host of the registry's `github_api`]
    #[arg(long, value_name = "HOST", requires = "with_gh")]
    pub hostname: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Registry to log out of [default: the default registry]
    pub registry: Option<String>,

    /// Remove every login ghcr-cli has stored
    #[arg(long, conflicts_with = "registry")]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    /// Registry to ask about [default: the default registry]
    pub registry: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HelperVerb {
    Get,
    Store,
    Erase,
    List,
}

#[derive(Debug, Args)]
pub struct HelperArgs {
    /// The protocol verb; its input is read from stdin
    #[arg(value_enum)]
    pub verb: HelperVerb,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write `ghcr-cli.1` and `ghcr-cli-COMMAND.1` into [default: print
    /// `ghcr-cli.1` on stdout]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ArchiveFormat {
    /// `docker save`'s format, for `docker load`
    #[default]
    DockerArchive,
    /// A tar of an OCI image layout
    OciArchive,
    /// An OCI image layout directory (needs -o)
    OciDir,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Local images to write
    #[arg(required = true)]
    pub references: Vec<String>,

    /// Where to write [default: stdout]
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: ArchiveFormat,

    /// For a multi-platform image in a docker-archive: the platform to write [default: this
    /// machine's]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Also write the stored artifacts that refer to the images (oci-archive and oci-dir)
    #[arg(long)]
    pub referrers: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Image to inspect (with --local, names from the store complete)
    pub reference: String,

    /// Print the manifest exactly as served (or stored), byte for byte
    #[arg(long, conflicts_with = "config")]
    pub raw: bool,

    /// Print the image's config blob, byte for byte
    #[arg(long)]
    pub config: bool,

    /// Read the local store instead of the registry
    #[arg(long)]
    pub local: bool,

    /// For a multi-platform image: inspect this platform's image instead of the index
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Image whose digest to print
    pub reference: String,

    /// Print the digest of this platform's image of a multi-platform index instead
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// Source image
    pub source: String,
    /// Destination image
    pub target: String,

    /// Copy the whole multi-platform index with every platform (the default)
    #[arg(long, conflicts_with = "platform")]
    pub all_platforms: bool,

    /// From a multi-platform image, copy this platform only, as a single-platform image
    /// [default: every platform]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Also copy the artifacts that refer to the image (and theirs), listed on the target
    /// through its referrers API or the tag schema, whichever it has
    #[arg(long)]
    pub referrers: bool,

    /// Upload in chunks of this size (PATCH with Content-Range) instead of one PUT per blob;
    /// a blob whose copy breaks starts over. Bytes, or with a unit: 512KiB, 4MiB, 4M. ghcr.io
    /// takes at most 4MiB
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub chunk_size: Option<u64>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Image to delete from the registry: IMAGE:TAG or IMAGE@DIGEST
    pub reference: String,

    /// Delete without asking, also when other tags point at the same manifest
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print what would be deleted (the manifest and every tag on it), and change nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct UntagArgs {
    /// The tag to remove: IMAGE:TAG
    pub reference: String,
}
