//! `ghcr-cli packages`: ghcr.io's packages through the GitHub REST API, with the same stored
//! token as the registry: list packages, list versions, delete and restore a version.

use anyhow::Result;
use serde::Serialize;

use super::ghcr::explain;
use crate::cli::{Format, PackagesCommand};
use crate::credentials::Secret;
use crate::credentials::gh::PLACEHOLDER_USER;
use crate::github::{Github, Owner, Version};
use crate::oci::reference::Reference;
use crate::output::{Exit, UserError};
use crate::settings::Context;

#[derive(Serialize)]
struct VersionJson<'a> {
    id: u64,
    digest: &'a str,
    tags: &'a [String],
    created_at: Option<&'a str>,
}

/// One package in `packages list --format json`: GitHub's fields and the full image name.
#[derive(serde::Serialize)]
pub(super) struct PackageJson {
    pub reference: String,
    #[serde(flatten)]
    pub package: crate::github::Package,
}

pub async fn run(ctx: &Context, command: PackagesCommand) -> Result<()> {
    match command {
        PackagesCommand::List { org, user, format } => {
            let registry = ctx.defaults.registry.clone();
            let owner = match (org, user) {
                (Some(o), _) => Owner::Org(o),
                (None, Some(u)) => Owner::User(u),
                (None, None) => Owner::Me,
            };
            let rows = list(ctx, &registry, owner).await?;
            match format {
                Format::Json => ctx.printer.json(&rows),
                Format::Text => {
                    for r in rows {
                        ctx.printer.data(format!(
                            "{}  {}  {}",
                            r.reference,
                            r.package.visibility,
                            r.package.updated_at.unwrap_or_default()
                        ));
                    }
                }
            }
        }
        PackagesCommand::Versions { image, format } => {
            let (api, owner, package, _) = package_of(ctx, &image, false).await?;
            let (_, versions) = versions(&api, &owner, &package).await?;
            match format {
                Format::Json => ctx.printer.json(
                    &versions
                        .iter()
                        .map(|v| VersionJson {
                            id: v.id,
                            digest: &v.name,
                            tags: v.tags(),
                            created_at: v.created_at.as_deref(),
                        })
                        .collect::<Vec<_>>(),
                ),
                Format::Text => {
                    for v in &versions {
                        ctx.printer.data(format!(
                            "{}  {}  {}  {}",
                            v.id,
                            v.name,
                            if v.tags().is_empty() {
                                "<untagged>".to_string()
                            } else {
                                v.tags().join(",")
                            },
                            v.created_at.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
        }
        PackagesCommand::Delete { image, yes } => {
            let (api, owner, package, reference) = package_of(ctx, &image, true).await?;
            // The delete goes where the list came from (an organization, or a user).
            let (owner, versions) = versions(&api, &owner, &package).await?;
            let wanted = |v: &&Version| match (reference.digest(), reference.tag()) {
                (Some(d), _) => v.name == d.to_string(),
                (None, Some(t)) => v.tags().iter().any(|x| x == t),
                (None, None) => false,
            };
            let version = versions.iter().find(wanted).ok_or_else(|| {
                UserError::new(
                    Exit::NotFound,
                    format!("no version of package `{package}` is {reference}"),
                )
                .hint(format!(
                    "see its versions with `ghcr-cli packages versions {}`",
                    reference.name()
                ))
            })?;
            let tags = if version.tags().is_empty() {
                "untagged".to_string()
            } else {
                format!("tags {}", version.tags().join(", "))
            };
            if !yes {
                super::confirm(
                    ctx,
                    &format!(
                        "delete version {} of {} ({}, {tags})? [y/N] ",
                        version.id,
                        reference.name(),
                        version.name
                    ),
                    "delete",
                )?;
            }
            api.delete_version(&owner, &package, version.id)
                .await
                .map_err(explain)?;
            ctx.printer.status(format!(
                "deleted version {} ({}) of {}; `ghcr-cli packages restore {} --id {}` undoes it within 30 days",
                version.id,
                version.name,
                reference.name(),
                reference.name(),
                version.id
            ));
            ctx.printer.data(version.id.to_string());
        }
        PackagesCommand::Visibility { image, format } => {
            super::packages_visibility::run(ctx, &image, format).await?;
        }
        PackagesCommand::Prune(args) => return super::packages_prune::run(ctx, args).await,
        PackagesCommand::Check(args) => return super::packages_check::run(ctx, args).await,
        PackagesCommand::Restore { image, id } => {
            let (api, owner, package, reference) = package_of(ctx, &image, false).await?;
            api.restore_version(&owner, &package, id)
                .await
                .map_err(explain)?;
            ctx.printer
                .status(format!("restored version {id} of {}", reference.name()));
            ctx.printer.data(id.to_string());
        }
    }
    Ok(())
}

/// The API client for `registry`, with its stored token; and the token's user name.
/// The container packages of `owner`, each with its full image name: the owner is part of
/// the name, as every other command takes it.
pub(super) async fn list(ctx: &Context, registry: &str, owner: Owner) -> Result<Vec<PackageJson>> {
    let (api, username) = client(ctx, registry)?;
    let asked = match &owner {
        Owner::Org(o) | Owner::User(o) => o.clone(),
        Owner::Me => username,
    };
    let packages = match api.packages(&owner).await {
        Ok(p) => p,
        Err(e) => return Err(super::ghcr::explain_listing(ctx, registry, &owner, e)),
    };
    Ok(packages
        .into_iter()
        .map(|p| {
            let login = p.owner.as_ref().map_or(asked.as_str(), |o| &o.login);
            PackageJson {
                reference: format!("{registry}/{}/{}", login.to_lowercase(), p.name),
                package: p,
            }
        })
        .collect())
}

fn client(ctx: &Context, registry: &str) -> Result<(Github, String)> {
    let api = ctx.github_api(registry).ok_or_else(|| {
        UserError::new(
            Exit::Usage,
            format!("{registry} has no GitHub packages API; `packages` works with ghcr.io"),
        )
        .hint("for another registry, name its API with `github_api` under [registries.\"HOST\"] in the config file")
    })?;
    let creds = ctx.credentials(registry).ok_or_else(|| {
        UserError::new(Exit::Auth, format!("no credentials for {registry}"))
            .hint(format!("run `ghcr-cli login {registry} -u USER --password-stdin` with a token that has read:packages (and delete:packages to delete)"))
    })?;
    Ok((
        Github::new(
            &api,
            Secret::new(creds.secret.expose()),
            &ctx.http_options(),
        )?,
        creds.username,
    ))
}

/// The API client, the owner and the package name of an image such as
/// `ghcr.io/owner/team/app`: the owner is the first path component, the package the rest.
/// It is the token's own user ([`Owner::Me`]) when the login names it, or when the login
/// has only the placeholder user name (`x-access-token`, a `GH_TOKEN` outside Actions) and
/// `GET /user` names it.
pub(super) async fn package_of(
    ctx: &Context,
    image: &str,
    pinned: bool,
) -> Result<(Github, Owner, String, Reference)> {
    let reference = if pinned {
        ctx.reference(image)?
    } else {
        Reference::parse_partial(image, &ctx.defaults)?
    };
    if pinned && reference.tag().is_none() && reference.digest().is_none() {
        return Err(
            UserError::new(Exit::Usage, "name the version: IMAGE:TAG or IMAGE@DIGEST").into(),
        );
    }
    let (owner_name, package) = reference.repository().split_once('/').ok_or_else(|| {
        UserError::new(
            Exit::Usage,
            format!("`{image}` names no owner: packages live at HOST/OWNER/PACKAGE"),
        )
    })?;
    let (api, mut username) = client(ctx, reference.registry())?;
    if username == PLACEHOLDER_USER
        && let Ok((login, _)) = api.whoami().await
    {
        username = login;
    }
    let owner = if owner_name.eq_ignore_ascii_case(&username) {
        Owner::Me
    } else {
        Owner::Org(owner_name.to_string())
    };
    Ok((api, owner, package.to_string(), reference))
}

/// Versions of a package, with the owner that answered (an owner that is not an
/// organization is tried as a user): use that owner for whatever comes next.
pub(super) async fn versions(
    api: &Github,
    owner: &Owner,
    package: &str,
) -> Result<(Owner, Vec<Version>)> {
    api.versions_resolving(owner, package)
        .await
        .map_err(explain)
}
