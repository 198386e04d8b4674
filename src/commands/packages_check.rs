//! `ghcr-cli packages check`: what is broken in a ghcr.io package, found by joining its
//! versions with the registry's manifests: "ghost" images (tagged indexes whose platform or
//! attestation versions are gone, so they no longer pull), orphans (attestations and
//! referrers whose image is gone), and tags that point at a manifest the registry lacks.
//! Exit 0 when sound, 1 when something is broken.

use anyhow::Result;
use serde::Serialize;

use super::packages_survey::survey;
use crate::cli::{Format, PackagesCheckArgs};
use crate::github::retention::{Facts, Graph};
use crate::output::{Exit, UserError};
use crate::settings::Context;

#[derive(Serialize)]
struct Missing {
    platform: String,
    digest: String,
}

#[derive(Serialize)]
struct Ghost {
    id: u64,
    digest: String,
    tags: Vec<String>,
    missing: Vec<Missing>,
}

#[derive(Serialize)]
struct Orphan {
    id: u64,
    digest: String,
    tags: Vec<String>,
    reason: String,
}

#[derive(Serialize)]
struct BrokenTag {
    tag: String,
    digest: String,
}

#[derive(Serialize)]
struct Report {
    image: String,
    versions: usize,
    ghosts: Vec<Ghost>,
    orphans: Vec<Orphan>,
    #[serde(rename = "brokenTags")]
    broken_tags: Vec<BrokenTag>,
    unreadable: Vec<Orphan>,
    clean: bool,
}

pub(super) async fn run(ctx: &Context, args: PackagesCheckArgs) -> Result<()> {
    let s = survey(ctx, &args.image).await?;
    let g = Graph::new(&s.nodes);
    let ghosts: Vec<Ghost> = g
        .ghosts()
        .into_iter()
        .map(|(i, missing)| Ghost {
            id: s.nodes[i].id,
            digest: s.nodes[i].digest.clone(),
            tags: s.nodes[i].tags.clone(),
            missing: missing
                .into_iter()
                .map(|(platform, digest)| Missing { platform, digest })
                .collect(),
        })
        .collect();
    let orphans: Vec<Orphan> = (0..s.nodes.len())
        .filter_map(|i| {
            g.orphan_of(i).map(|reason| Orphan {
                id: s.nodes[i].id,
                digest: s.nodes[i].digest.clone(),
                tags: s.nodes[i].tags.clone(),
                reason,
            })
        })
        .collect();
    let mut broken_tags = Vec::new();
    let mut unreadable = Vec::new();
    for n in &s.nodes {
        match &n.facts {
            Facts::Missing => broken_tags.extend(n.tags.iter().map(|t| BrokenTag {
                tag: t.clone(),
                digest: n.digest.clone(),
            })),
            Facts::Unread(e) => unreadable.push(Orphan {
                id: n.id,
                digest: n.digest.clone(),
                tags: n.tags.clone(),
                reason: e.clone(),
            }),
            _ => {}
        }
    }
    let name = s.reference.name().to_string();
    let problems = ghosts.len() + orphans.len() + broken_tags.len() + unreadable.len();
    let report = Report {
        image: name.clone(),
        versions: s.nodes.len(),
        clean: problems == 0,
        ghosts,
        orphans,
        broken_tags,
        unreadable,
    };
    match args.format {
        Format::Json => ctx.printer.json(&report),
        Format::Text => {
            let tags = |t: &[String]| {
                if t.is_empty() {
                    "-".to_string()
                } else {
                    t.join(",")
                }
            };
            for gh in &report.ghosts {
                let missing: Vec<String> = gh
                    .missing
                    .iter()
                    .map(|m| format!("{} {}", m.platform, m.digest))
                    .collect();
                ctx.printer.data(format!(
                    "ghost   {}  {}  version {}: missing {}",
                    tags(&gh.tags),
                    gh.digest,
                    gh.id,
                    missing.join(", ")
                ));
            }
            for o in &report.orphans {
                ctx.printer.data(format!(
                    "orphan  {}  {}  version {}: {}",
                    tags(&o.tags),
                    o.digest,
                    o.id,
                    o.reason
                ));
            }
            for b in &report.broken_tags {
                ctx.printer.data(format!(
                    "broken  {}  {}: the tag points at a manifest the registry does not have",
                    b.tag, b.digest
                ));
            }
            for u in &report.unreadable {
                ctx.printer.data(format!(
                    "unread  {}  {}  version {}: {}",
                    tags(&u.tags),
                    u.digest,
                    u.id,
                    u.reason
                ));
            }
        }
    }
    if problems == 0 {
        ctx.printer.status(format!(
            "{name}: {} versions, nothing broken",
            report.versions
        ));
        return Ok(());
    }
    let mut e = UserError::new(
        Exit::Failure,
        format!(
            "{name} has {} ghost images, {} orphans, {} broken tags{}",
            report.ghosts.len(),
            report.orphans.len(),
            report.broken_tags.len(),
            if report.unreadable.is_empty() {
                String::new()
            } else {
                format!(
                    " and {} manifests it could not read",
                    report.unreadable.len()
                )
            }
        ),
    );
    if !report.ghosts.is_empty() {
        e = e.hint(format!(
            "a ghost no longer pulls on the platforms it lacks: push the image again (`ghcr-cli copy SOURCE {name}:TAG`, or rebuild)"
        ));
    }
    if !report.orphans.is_empty() {
        e = e.hint(format!(
            "`ghcr-cli packages prune {name} --orphans --dry-run` shows how to delete the orphans"
        ));
    }
    Err(e.into())
}
