//! The command line: every clap type, with no logic. The `///` comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use crate::env;

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

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file, given before the command (`inspect --config` prints an image's config)
    /// [default: $XDG_CONFIG_HOME/ghcr-cli/config.toml]
    #[arg(long, env = env::CONFIG, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Registry for names without a host [default: ghcr.io]
    #[arg(long, global = true, env = env::REGISTRY, value_name = "HOST")]
    pub registry: Option<String>,

    /// Local image store (an OCI image layout) [default: $XDG_DATA_HOME/ghcr-cli/store]
    #[arg(long, global = true, env = env::STORE, value_name = "DIR")]
    pub store: Option<PathBuf>,

    /// Extra CA certificate (PEM) to trust, besides the system's roots
    #[arg(long, global = true, env = env::CA_FILE, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Allow plain HTTP and unverified TLS to registries that are not on loopback
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Parallel blob transfers [default: 16]
    #[arg(long, short = 'j', global = true, env = env::JOBS, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,

    /// Retries of a failed request or broken transfer, with backoff [default: 5]
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,

    /// Print only results on stdout; no progress on stderr
    #[arg(long, short = 'q', global = true)]
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
    #[command(after_help = "Example:\n  ghcr-cli push ghcr.io/owner/img:1.1.0")]
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

    /// Delete a manifest from its registry, with every tag on it (a tag is resolved first)
    #[command(
        after_help = "Deleting a manifest removes every tag that points at it. The command names them\nfirst, asks on a terminal, and without one refuses unless --yes when other tags\nwould go. To remove one tag only, use `ghcr-cli untag`.\n\nExamples:\n  ghcr-cli delete registry.example.com/owner/img:old --dry-run\n  ghcr-cli delete registry.example.com/owner/img@sha256:… --yes"
    )]
    Delete(DeleteArgs),

    /// Remove one tag from a registry, keeping the manifest and its other tags
    #[command(
        after_help = "Uses OCI distribution 1.1 tag deletion; registries without it (CNCF distribution\n2.x, ghcr.io) refuse, and nothing is deleted.\n\nExample:\n  ghcr-cli untag registry.example.com/owner/img:old"
    )]
    Untag(UntagArgs),

    /// Remove names from the local store (blobs stay until `prune`)
    #[command(after_help = "Example:\n  ghcr-cli rmi ghcr.io/owner/img:1.1.0")]
    Rmi(RmiArgs),

    /// Delete blobs that no local image uses
    #[command(after_help = "Example:\n  ghcr-cli prune")]
    Prune(PruneArgs),

    /// Load images from a docker-archive, an oci-archive or an OCI layout directory
    #[command(
        after_help = "Examples:\n  docker save pgsb:1.1.0 | ghcr-cli load\n  ghcr-cli load -i image.oci.tar --compress"
    )]
    Load(LoadArgs),

    /// Write local images as a docker-archive, an oci-archive or an OCI layout directory
    #[command(
        after_help = "Examples:\n  ghcr-cli save ghcr.io/owner/img:1.1.0 | docker load\n  ghcr-cli save ghcr.io/owner/img:1.1.0 --format oci-archive -o img.tar"
    )]
    Save(SaveArgs),

    /// Log in to a registry; the secret goes to the OS keyring, never to a file
    #[command(
        after_help = "Examples:\n  echo \"$CR_PAT\" | ghcr-cli login ghcr.io -u USER --password-stdin\n  ghcr-cli login --import-docker --remove-plaintext"
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

    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  ghcr-cli completion bash > ~/.local/share/bash-completion/completions/ghcr-cli"
    )]
    Completion(CompletionArgs),

    /// Write the man pages (one per command) into a directory, or print the main one
    #[command(after_help = "Example:\n  ghcr-cli man --dir /usr/local/share/man/man1")]
    Man(ManArgs),
}

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

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Local image to push; its name says where it goes. A multi-platform image is pushed
    /// whole: platforms not in the store are copied from the registry they were pulled from
    #[arg(add = ArgValueCompleter::new(crate::complete::local_images))]
    pub reference: String,

    /// Push only this platform's image of a multi-platform index, as a single-platform image
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Upload in chunks of this size (PATCH with Content-Range) instead of one PUT per blob;
    /// interrupted chunked uploads resume, also in a later run. Bytes, or with a unit: 512KiB,
    /// 4MiB, 4M. ghcr.io takes at most 4MiB
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub chunk_size: Option<u64>,

    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Existing local image: a name, or a manifest digest in the store (with --remote: an
    /// image in a registry)
    #[arg(add = ArgValueCompleter::new(crate::complete::local_images))]
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
    #[arg(required = true, add = ArgValueCompleter::new(crate::complete::local_images))]
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
    #[arg(required = true, add = ArgValueCompleter::new(crate::complete::local_images))]
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
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Image to inspect (with --local, names from the store complete)
    #[arg(add = ArgValueCompleter::new(crate::complete::local_images))]
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

#[derive(Debug, Args)]
pub struct PackagesArgs {
    #[command(subcommand)]
    pub command: PackagesCommand,
}

#[derive(Debug, Subcommand)]
pub enum PackagesCommand {
    /// List container packages with their visibility and last update
    #[command(after_help = "Example:\n  ghcr-cli packages list --org my-org")]
    List {
        /// An organization's packages [default: your own]
        #[arg(long, conflicts_with = "user")]
        org: Option<String>,
        /// Another user's packages
        #[arg(long)]
        user: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },

    /// List a package's versions: id, digest, tags, creation time
    #[command(after_help = "Example:\n  ghcr-cli packages versions ghcr.io/owner/app")]
    Versions {
        /// The image, such as ghcr.io/owner/app
        image: String,
        /// Output format
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },

    /// Delete the package version an image tag or digest names
    #[command(after_help = "Example:\n  ghcr-cli packages delete ghcr.io/owner/app@sha256:… --yes")]
    Delete {
        /// IMAGE:TAG or IMAGE@DIGEST
        image: String,
        /// Do not ask for confirmation (needed without a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
    },

    /// Restore a deleted package version (within GitHub's 30 days)
    #[command(after_help = "Example:\n  ghcr-cli packages restore ghcr.io/owner/app --id 123456")]
    Restore {
        /// The image, such as ghcr.io/owner/app
        image: String,
        /// The version id `packages delete` printed
        #[arg(long, value_name = "ID")]
        id: u64,
    },
}

/// A size such as `4194304`, `4MiB`, `4M` or `512KiB` (K, M, G are powers of 1024 as in most
/// container tools; `KB`, `MB`, `GB` powers of 1000).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size (such as 4194304, 4MiB or 512KiB)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "ki" | "kib" => 1 << 10,
        "m" | "mi" | "mib" => 1 << 20,
        "g" | "gi" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return Err(format!("unknown unit in `{s}`: use KiB, MiB or GiB")),
    };
    match n.checked_mul(factor) {
        Some(0) => Err("a size must be at least 1 byte".into()),
        Some(v) => Ok(v),
        None => Err(format!("`{s}` is too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("4194304"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("4MiB"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("4M"), Ok(4 * 1024 * 1024));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("4XB").is_err());
        assert!(parse_size("MiB").is_err());
    }
}
