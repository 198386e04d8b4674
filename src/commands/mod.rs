//! One module per subcommand, and the lookup of local images that several of them share.

mod append;
mod artifact;
mod attach;
mod blob;
mod copy;
mod credential_helper;
mod delete;
mod digest;
pub mod exit;
mod export;
mod from_docker;
mod generate;
mod ghcr;
mod images;
mod inspect;
mod load;
mod login;
mod login_docker;
mod login_gh;
mod logout;
mod mutate;
mod packages;
mod packages_check;
mod packages_prune;
mod packages_prune_state;
mod packages_survey;
mod packages_visibility;
mod prompt;
mod prune;
mod pull;
mod push;
mod push_link;
mod referrers;
mod repos;
mod rmi;
mod save;
mod sync;
mod tag;
mod tags;
mod untag;
mod untag_ghcr;
mod whoami;

pub use credential_helper::run as credential_helper;

use anyhow::Result;

use crate::cli::Command;
use crate::oci::digest::Digest;
use crate::oci::manifest::{self, Descriptor};
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::settings::{Context, StoreAccess};
use crate::store::Store;

/// How each command opens the local store: only the commands that bring images in create
/// one (`push --from-docker` too). `tag`, `rmi` and `prune` change a store only once they
/// have found something in it, so they open it to read; `push` and `save` read it.
pub fn store_access(command: &Command) -> StoreAccess {
    match command {
        Command::Pull(_) | Command::Load(_) => StoreAccess::Write,
        // Pushing from the Docker engine loads the image first.
        Command::Push(a) if a.from_docker.is_some() => StoreAccess::Write,
        // A local edit adds blobs and moves a name.
        Command::Mutate(a) if !a.target.remote => StoreAccess::Write,
        Command::Append(a) if !a.target.remote => StoreAccess::Write,
        _ => StoreAccess::Read,
    }
}

pub async fn run(ctx: &Context, command: Command) -> Result<()> {
    match command {
        Command::Pull(a) => pull::run(ctx, a).await,
        Command::Push(a) => push::run(ctx, a).await,
        Command::Tag(a) => tag::run(ctx, a).await,
        Command::Images(a) => images::run(ctx, a),
        Command::Rmi(a) => rmi::run(ctx, a),
        Command::Prune(a) => prune::run(ctx, a),
        Command::Load(a) => load::run(ctx, a).await,
        Command::Save(a) => save::run(ctx, a),
        Command::Inspect(a) => inspect::run(ctx, a).await,
        Command::Digest(a) => digest::run(ctx, a).await,
        Command::Copy(a) => copy::run(ctx, a).await,
        Command::Sync(a) => sync::run(ctx, a).await,
        Command::Delete(a) => delete::run(ctx, a).await,
        Command::Untag(a) => untag::run(ctx, a).await,
        Command::Tags(a) => tags::run(ctx, a).await,
        Command::Repos(a) => repos::run(ctx, a).await,
        Command::Login(a) => login::run(ctx, a).await,
        Command::Logout(a) => logout::run(ctx, a),
        Command::Whoami(a) => whoami::run(ctx, a).await,
        Command::CredentialHelper(a) => credential_helper(ctx, a.verb),
        Command::Packages(a) => packages::run(ctx, a.command).await,
        Command::Artifact(a) => artifact::run(ctx, a.command).await,
        Command::Attach(a) => attach::run(ctx, a).await,
        Command::Referrers(a) => referrers::run(ctx, a).await,
        Command::Mutate(a) => mutate::run(ctx, *a).await,
        Command::Append(a) => append::run(ctx, a).await,
        Command::Export(a) => export::run(ctx, a).await,
        Command::Blob(a) => blob::run(ctx, a.command).await,
        Command::Completion(a) => generate::completion(ctx, a.shell),
        Command::Man(a) => generate::man(ctx, a.dir.as_deref()),
    }
}

/// Asks `question` on the terminal and succeeds on yes; without a terminal it refuses (exit 2)
/// and names `--yes`.
pub fn confirm(ctx: &Context, question: &str, what: &str) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(UserError::new(
            Exit::Usage,
            format!("refusing to {what} without a confirmation"),
        )
        .hint(format!("pass --yes to {what} from a script"))
        .into());
    }
    ctx.printer.prompt(question);
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| anyhow::anyhow!("cannot read the answer: {e}"))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(UserError::new(Exit::Failure, "not deleted").into())
    }
}

/// `--platform P`, `--platform all` or `--all-platforms`, or nothing (this machine's platform
/// for a pull).
pub fn platform_choice(
    platform: Option<&str>,
    all: bool,
) -> Result<crate::transfer::PlatformChoice> {
    use crate::transfer::PlatformChoice;
    Ok(match (platform, all) {
        (_, true) => PlatformChoice::All,
        (Some(p), false) if p.eq_ignore_ascii_case("all") => PlatformChoice::All,
        (Some(p), false) => PlatformChoice::One(
            crate::oci::manifest::Platform::parse(p).map_err(|e| UserError::new(Exit::Usage, e))?,
        ),
        (None, false) => PlatformChoice::Host,
    })
}

/// `--platform OS/ARCH[/VARIANT]`, when given.
pub fn parse_platform(platform: Option<&str>) -> Result<Option<crate::oci::manifest::Platform>> {
    Ok(platform
        .map(crate::oci::manifest::Platform::parse)
        .transpose()
        .map_err(|e| UserError::new(Exit::Usage, e))?)
}

/// A local image found by the name or digest a user typed.
pub struct Local {
    /// The stored name, when it was found by name.
    pub name: Option<String>,
    pub descriptor: Descriptor,
}

/// Finds a local image: by its fully qualified name, by `name@digest`, or by a bare manifest
/// digest. When it is missing, the error lists the local images that look like it and the
/// exact `ghcr-cli tag` command that gives one of them the wanted name.
pub fn find_local(ctx: &Context, store: &Store, input: &str) -> Result<Local> {
    // A full digest, or a prefix of one the store has.
    if let Some(digest) = local_digest(store, input)? {
        return find_by_digest(store, &digest, None)?.ok_or_else(|| {
            UserError::new(
                Exit::NotFound,
                format!("no manifest {digest} in the local store"),
            )
            .hint("run `ghcr-cli images` to see the local images")
            .into()
        });
    }
    let reference = ctx.reference(input)?;
    find_reference(store, &reference)
}

/// The local image digest `input` names, when it is a digest or a prefix of at least 12 hex
/// digits (with or without `sha256:`, as `images` prints it) of exactly one stored image. An
/// ambiguous prefix is an error listing the candidates; a prefix that matches nothing is
/// `None` (the input may still be a name).
pub fn local_digest(store: &Store, input: &str) -> Result<Option<Digest>> {
    if let Ok(d) = input.parse::<Digest>() {
        return Ok(Some(d));
    }
    let hex = input.strip_prefix("sha256:").unwrap_or(input);
    let looks_like_digest = (12..64).contains(&hex.len())
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !looks_like_digest {
        return Ok(None);
    }
    let mut found: Vec<(Digest, String)> = store
        .entries()?
        .into_iter()
        .filter(|e| e.descriptor.digest.hex().starts_with(hex))
        .map(|e| (e.descriptor.digest, e.name))
        .collect();
    found.sort();
    let digests: std::collections::BTreeSet<&Digest> = found.iter().map(|(d, _)| d).collect();
    match digests.len() {
        0 => Ok(None),
        1 => Ok(Some(found[0].0.clone())),
        _ => {
            let list: Vec<String> = found.iter().map(|(d, n)| format!("{n} ({d})")).collect();
            Err(UserError::new(
                Exit::Usage,
                format!(
                    "`{input}` matches more than one local image: {}",
                    list.join(", ")
                ),
            )
            .hint("give more digits of the digest, or the image's name")
            .into())
        }
    }
}

pub fn find_reference(store: &Store, reference: &Reference) -> Result<Local> {
    if let Some(digest) = reference.digest() {
        if let Some(local) = find_by_digest(store, digest, Some(reference))? {
            return Ok(local);
        }
    } else {
        let name = reference.to_string();
        if let Some(e) = store.get(&name)? {
            return Ok(Local {
                name: Some(e.name),
                descriptor: e.descriptor,
            });
        }
    }
    Err(missing_local(store, reference)?.into())
}

/// A manifest in the store by digest: a tagged entry first (it knows the media type), then any
/// manifest blob, such as an index's child.
fn find_by_digest(
    store: &Store,
    digest: &Digest,
    reference: Option<&Reference>,
) -> Result<Option<Local>> {
    let entries = store.entries()?;
    let same_repo = |name: &str| {
        reference.is_none_or(|r| {
            name.starts_with(&format!("{}:", r.name()))
                || name.starts_with(&format!("{}@", r.name()))
        })
    };
    if let Some(e) = entries
        .iter()
        .find(|e| e.descriptor.digest == *digest && same_repo(&e.name))
        .or_else(|| entries.iter().find(|e| e.descriptor.digest == *digest))
    {
        return Ok(Some(Local {
            name: Some(e.name.clone()),
            descriptor: e.descriptor.clone(),
        }));
    }
    if !store.has_blob(digest, None) {
        return Ok(None);
    }
    let bytes = store.read_blob(digest, manifest::MAX_MANIFEST_BYTES)?;
    Ok(manifest::parse(&bytes, None)
        .ok()
        .map(|(media_type, _)| Local {
            name: None,
            descriptor: Descriptor::new(&media_type, digest.clone(), bytes.len() as u64),
        }))
}

/// The "An image does not exist locally with the tag" dead end, turned into a one-step fix.
fn missing_local(store: &Store, wanted: &Reference) -> Result<UserError> {
    let last = |repo: &str| repo.rsplit('/').next().unwrap_or(repo).to_string();
    let wanted_last = last(wanted.repository());
    let mut candidates: Vec<(u8, String)> = Vec::new();
    for e in store.entries()? {
        let Ok(r) = Reference::parse(&e.name, &Default::default()) else {
            continue;
        };
        let same_name = last(r.repository()) == wanted_last;
        let same_tag = r.tag().is_some() && r.tag() == wanted.tag();
        let rank = match (same_name, same_tag) {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => 2,
            (false, false) => continue,
        };
        candidates.push((rank, e.name));
    }
    candidates.sort();
    let mut err = UserError::new(Exit::NotFound, format!("no local image `{wanted}`"));
    match candidates.first() {
        Some((_, best)) => {
            let others: Vec<&str> = candidates.iter().skip(1).map(|(_, n)| n.as_str()).collect();
            err = err.hint(format!(
                "`{best}` is here; run `ghcr-cli tag {best} {wanted}`"
            ));
            if !others.is_empty() {
                err = err.hint(format!("also here: {}", others.join(", ")));
            }
        }
        None => {
            err = err.hint(format!(
                "pull it with `ghcr-cli pull {wanted}`, or see the local images with `ghcr-cli images`"
            ));
        }
    }
    Ok(err)
}

/// The digest of a remote image: the reference's own when pinned, else `HEAD` (the registry's
/// `Docker-Content-Digest`), else a `GET` and a hash of the bytes.
pub async fn remote_digest(
    registry: &crate::registry::Registry,
    reference: &Reference,
) -> Result<Digest> {
    if let Some(d) = reference.digest() {
        return Ok(d.clone());
    }
    let repo = reference.repository();
    let tag = reference.api_reference();
    match registry.head_manifest(repo, &tag).await {
        Ok(Some((Some(digest), _, _))) => return Ok(digest),
        Ok(Some((None, _, _))) => {}
        Ok(None) => {
            return Err(crate::registry::RegistryError::NotFound {
                what: format!("manifest {reference}"),
                detail: String::new(),
            }
            .into());
        }
        // No answer, or credentials refused: a GET would fail the same way, after a second
        // round of retries.
        Err(
            e @ (crate::registry::RegistryError::Http(_)
            | crate::registry::RegistryError::Unauthorized { .. }
            | crate::registry::RegistryError::Denied { .. }),
        ) => return Err(e.into()),
        // Some registries do not answer HEAD well; the GET below says what is wrong.
        Err(_) => {}
    }
    Ok(registry.get_manifest(repo, &tag).await?.digest)
}
