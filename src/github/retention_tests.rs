//! Unit tests of the retention plan: releases with their children, stale untagged images,
//! referrers kept with their subject, orphans only when asked, and the deletion order.

use super::*;

fn d(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn node(id: u64, c: char, tags: &[&str], day: u32, facts: Facts) -> Node {
    Node {
        id,
        digest: d(c),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        created_at: Some(format!("2026-11-{day:02}T00:00:00Z")),
        facts,
    }
}

fn image() -> Facts {
    Facts::Image {
        subject: None,
        attestation: false,
    }
}

fn index(children: &[(char, &str)]) -> Facts {
    Facts::Index {
        children: children
            .iter()
            .map(|(c, l)| (d(*c), l.to_string()))
            .collect(),
        subject: None,
    }
}

/// Two releases (v1 old, v2 new) with a platform and an attestation each, a stale untagged
/// index with its own child, a cosign signature of v2, and an orphan attestation.
fn package() -> Vec<Node> {
    vec![
        node(1, 'a', &[], 1, image()),
        node(
            2,
            'b',
            &[],
            1,
            Facts::Image {
                subject: None,
                attestation: true,
            },
        ),
        node(
            3,
            'c',
            &["v1"],
            1,
            index(&[('a', "linux/amd64"), ('b', "attestation")]),
        ),
        node(4, 'd', &[], 5, image()),
        node(
            5,
            'e',
            &[],
            5,
            Facts::Image {
                subject: None,
                attestation: true,
            },
        ),
        node(
            6,
            'f',
            &["v2", "latest"],
            5,
            index(&[
                ('d', "linux/amd64"),
                ('e', "attestation"),
                ('a', "linux/arm64"),
            ]),
        ),
        node(7, 'g', &[], 3, image()),
        node(8, 'h', &[], 3, index(&[('g', "linux/amd64")])),
        node(
            9,
            'i',
            &[&format!("sha256-{}.sig", "f".repeat(64))],
            6,
            image(),
        ),
        node(
            10,
            'j',
            &[],
            2,
            Facts::Image {
                subject: None,
                attestation: true,
            },
        ),
    ]
}

fn ids(p: &Plan) -> Vec<u64> {
    p.delete.iter().map(|x| x.id).collect()
}

#[test]
fn keep_one_tagged_and_untagged_deletes_the_old_release_and_stale_ones_but_no_shared_child() {
    let nodes = package();
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            untagged: true,
            ..Policy::default()
        },
    );
    // v1 (3) and its attestation (2), not its amd64 image (1, also v2's arm64); the stale
    // index (8) and its child (7). The orphan (10) stays: --orphans was not given.
    assert_eq!(ids(&p), vec![3, 8, 2, 7]);
    assert_eq!(p.delete[2].kind, "child");
    assert_eq!(p.delete[2].reason, "attestation of v1");
    assert_eq!(p.delete[2].parents, vec![d('c')]);
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            untagged: true,
            orphans: true,
            ..Policy::default()
        },
    );
    assert_eq!(ids(&p), vec![3, 10, 8, 2, 7]);
}

#[test]
fn untagged_alone_never_touches_releases_or_what_they_reach() {
    let nodes = package();
    let p = plan(
        &nodes,
        &Policy {
            untagged: true,
            ..Policy::default()
        },
    );
    assert_eq!(ids(&p), vec![8, 7]);
    let p = plan(
        &nodes,
        &Policy {
            untagged: true,
            keep_untagged: 1,
            ..Policy::default()
        },
    );
    assert_eq!(ids(&p), Vec::<u64>::new());
}

#[test]
fn tag_filters_and_age_select_releases() {
    let nodes = package();
    let exclude = Regex::new("^v1$").ok();
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(0),
            exclude,
            ..Policy::default()
        },
    );
    // v2 goes with its own children and its signature; v1 keeps the shared image.
    assert_eq!(ids(&p), vec![6, 4, 5, 9]);
    let cutoff = epoch_seconds("2026-11-04T00:00:00Z");
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(0),
            cutoff,
            ..Policy::default()
        },
    );
    assert_eq!(ids(&p), vec![3, 2]);
}

#[test]
fn ghosts_and_orphans() {
    let mut nodes = package();
    nodes.retain(|n| n.id != 4);
    let g = Graph::new(&nodes);
    let ghosts = g.ghosts();
    assert_eq!(ghosts.len(), 1);
    assert_eq!(nodes[ghosts[0].0].id, 6);
    assert_eq!(ghosts[0].1, vec![("linux/amd64".to_string(), d('d'))]);
    let orphans: Vec<u64> = (0..nodes.len())
        .filter(|&i| g.orphan_of(i).is_some())
        .map(|i| nodes[i].id)
        .collect();
    assert_eq!(orphans, vec![10]);
}

#[test]
fn referrer_tags_and_times() {
    assert_eq!(
        referrer_subject(&format!("sha256-{}", "a".repeat(64))),
        Some(d('a'))
    );
    assert_eq!(
        referrer_subject(&format!("sha256-{}.att", "a".repeat(64))),
        Some(d('a'))
    );
    assert_eq!(referrer_subject("sha256-abc"), None);
    assert_eq!(referrer_subject("v1"), None);
    assert_eq!(epoch_seconds("1970-01-02T00:00:00Z"), Some(86_400));
    assert_eq!(
        epoch_seconds("2026-11-02T01:00:00+01:00"),
        epoch_seconds("2026-11-02T00:00:00Z")
    );
    assert_eq!(epoch_seconds("2000-03-01T00:00:00.5Z"), Some(951_868_800));
    assert_eq!(epoch_seconds("yesterday"), None);
}

#[test]
fn pending_children_of_a_deleted_index_go_even_as_orphans() {
    let mut nodes = package();
    nodes.retain(|n| n.id != 3);
    let pending: BTreeSet<String> = [d('a'), d('b'), d('f')].into_iter().collect();
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            pending,
            ..Policy::default()
        },
    );
    // b (v1's attestation, now an orphan) goes; a is v2's arm64 and f a kept release.
    assert_eq!(ids(&p), vec![2]);
    assert_eq!(p.delete[0].kind, "resumed");
}

/// An unreadable untagged index kept by `--keep-untagged` lists nothing: its children would
/// look like untagged images and orphans, so the plan names it and the run is refused.
#[test]
fn a_kept_unreadable_untagged_index_is_named_for_refusal() {
    let mut nodes = package();
    for n in nodes.iter_mut().filter(|n| n.id == 8) {
        n.facts = Facts::Unread("500 Internal Server Error".into());
    }
    let p = plan(
        &nodes,
        &Policy {
            untagged: true,
            keep_untagged: 1,
            orphans: true,
            ..Policy::default()
        },
    );
    assert_eq!(
        p.unread,
        vec![(d('h'), "500 Internal Server Error".to_string())]
    );
    // A release that could not be read but is deleted is no reason to refuse: what it
    // lists goes or stays on its own.
    let mut nodes = package();
    for n in nodes.iter_mut().filter(|n| n.id == 3) {
        n.facts = Facts::Unread("500 Internal Server Error".into());
    }
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            ..Policy::default()
        },
    );
    assert_eq!(ids(&p), vec![3]);
    assert!(p.unread.is_empty(), "{:?}", p.unread);
}

/// A kept release whose manifest the registry answers 404 for has no children either: v2's
/// own platform and attestation versions would become untagged images and orphans.
#[test]
fn a_kept_release_whose_manifest_is_missing_is_named_for_refusal() {
    let mut nodes = package();
    for n in nodes.iter_mut().filter(|n| n.id == 6) {
        n.facts = Facts::Missing;
    }
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            untagged: true,
            orphans: true,
            ..Policy::default()
        },
    );
    assert_eq!(p.unread.len(), 1);
    assert_eq!(p.unread[0].0, d('f'));
    assert!(p.unread[0].1.contains("404"), "{}", p.unread[0].1);
    // Missing and untagged: nothing it lists is known to be kept, nor claimed to be.
    for n in nodes.iter_mut().filter(|n| n.id == 6) {
        n.tags.clear();
    }
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(1),
            ..Policy::default()
        },
    );
    assert!(p.unread.is_empty(), "{:?}", p.unread);
}

/// An index-type referrer (an SBOM or signature index with `subject`, OCI 1.1) stays with
/// the release it refers to, and goes as an orphan once that release is gone.
#[test]
fn an_index_referrer_is_kept_with_its_subject() {
    let mut nodes = package();
    nodes.push(node(11, 'k', &[], 7, image()));
    nodes.push(node(
        12,
        'l',
        &[],
        7,
        Facts::Index {
            children: vec![(d('k'), "sbom".into())],
            subject: Some(d('f')),
        },
    ));
    let p = plan(
        &nodes,
        &Policy {
            untagged: true,
            orphans: true,
            ..Policy::default()
        },
    );
    // Only the orphan attestation and the stale index with its child go; the referrer
    // index of v2 and its entry stay.
    assert_eq!(ids(&p), vec![10, 8, 7]);
    // With v2 deleted, its referrer index goes with it, its entry after it.
    let p = plan(
        &nodes,
        &Policy {
            keep_tagged: Some(0),
            exclude: Regex::new("^v1$").ok(),
            ..Policy::default()
        },
    );
    let deleted = ids(&p);
    for id in [6, 12, 11] {
        assert!(deleted.contains(&id), "{deleted:?}");
    }
    let at = |id| deleted.iter().position(|x| *x == id);
    assert!(at(6) < at(12) && at(12) < at(11), "{deleted:?}");
    // v2 gone from the package: the referrer index is an orphan.
    nodes.retain(|n| n.id != 6);
    let g = Graph::new(&nodes);
    let i = nodes.iter().position(|n| n.id == 12).expect("12");
    assert_eq!(
        g.orphan_of(i),
        Some(format!("referrer of {}, which is gone", d('f')))
    );
}
