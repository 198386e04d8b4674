//! `ghcr-cli rmi`: remove local names; the blobs stay until `ghcr-cli prune`.

use anyhow::Result;

use super::Local;
use crate::cli::{Format, RmiArgs};
use crate::output::{Exit, UserError};
use crate::settings::Context;

pub fn run(ctx: &Context, args: RmiArgs) -> Result<()> {
    let store = ctx.store()?;
    let mut missing = Vec::new();
    let mut untagged: Vec<String> = Vec::new();
    for input in &args.references {
        // A digest (or a unique prefix, as `images` prints it) untags every name on it, as
        // `docker rmi IMAGE-ID` does.
        if let Some(digest) = super::local_digest(&store, input)? {
            let names: Vec<String> = store
                .entries()?
                .into_iter()
                .filter(|e| e.descriptor.digest == digest)
                .map(|e| e.name)
                .collect();
            if names.is_empty() {
                missing.push(input.clone());
            }
            for name in names {
                if store.remove_tag(&name)?.is_some() {
                    untagged.push(name.clone());
                }
            }
            continue;
        }
        let reference = ctx.reference(input)?;
        // Only a name of the repository asked for: `REPO@DIGEST` must not untag another
        // repository's name that happens to share the digest.
        let same_repo = |n: &str| {
            n.strip_prefix(&reference.name())
                .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('@'))
        };
        let name = match super::find_reference(&store, &reference) {
            Ok(Local { name: Some(n), .. }) if same_repo(&n) => n,
            Ok(_) | Err(_) => {
                missing.push(reference.to_string());
                continue;
            }
        };
        if store.remove_tag(&name)?.is_some() {
            untagged.push(name.clone());
        } else {
            missing.push(name);
        }
    }
    match args.format {
        Format::Json => ctx
            .printer
            .json(&serde_json::json!({ "untagged": untagged })),
        Format::Text => {
            for name in &untagged {
                ctx.printer.data(format!("untagged {name}"));
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(UserError::new(
        Exit::NotFound,
        format!("no local image `{}`", missing.join("`, `")),
    )
    .hint("run `ghcr-cli images` to see the local images")
    .into())
}
