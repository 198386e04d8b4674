//! `ghcr-cli repos`: a registry's repositories, as `crane catalog` and `regctl repo ls` list
//! them: the distribution catalog (`/v2/_catalog`, every page), or on ghcr.io, which does not
//! serve the catalog, the container packages through the GitHub REST API.

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{Format, ReposArgs};
use crate::github::Owner;
use crate::registry::lists::Paging;
use crate::settings::{Context, normalize_registry};

#[derive(Serialize)]
struct ReposJson {
    registry: String,
    /// Full names (`REGISTRY/REPOSITORY`), as every other command takes them.
    repositories: Vec<String>,
}

pub async fn run(ctx: &Context, args: ReposArgs) -> Result<()> {
    let registry = normalize_registry(args.registry.as_deref().unwrap_or(&ctx.defaults.registry));
    let repositories: Vec<String> = if ctx.github_api(&registry).is_some() {
        let owner = match args.org {
            Some(o) => Owner::Org(o),
            None => Owner::Me,
        };
        let mut names: Vec<String> = super::packages::list(ctx, &registry, owner)
            .await?
            .into_iter()
            .map(|p| p.reference)
            .collect();
        names.sort();
        // --last names a repository as the catalog does, without the registry.
        let prefix = format!("{registry}/");
        names.retain(|n| {
            args.last
                .as_deref()
                .is_none_or(|l| n.strip_prefix(&prefix).unwrap_or(n) > l)
        });
        if let Some(limit) = args.limit {
            names.truncate(limit);
        }
        names
    } else {
        let paging = Paging {
            page_size: args.page_size.or(args.limit),
            last: args.last.as_deref(),
            limit: args.limit,
        };
        ctx.registry(&registry)?
            .list_repositories(&paging)
            .await
            .with_context(|| format!("failed to list the repositories of {registry}"))?
            .into_iter()
            .map(|r| format!("{registry}/{r}"))
            .collect()
    };
    match args.format {
        Format::Json => ctx.printer.json(&ReposJson {
            registry,
            repositories,
        }),
        Format::Text => {
            for r in repositories {
                ctx.printer.data(r);
            }
        }
    }
    Ok(())
}
