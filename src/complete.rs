//! Dynamic shell completion: the scripts under `completions/` call back into `ghcr-cli` with
//! `COMPLETE=SHELL`, and clap completes subcommands, flags and values from the live
//! definitions. Local image names come from the store's `index.json`, read and never created:
//! the store a `--store DIR` on the line being completed names, else the default one.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::store::LayoutIndex;

/// The arguments that name a local image, as (command, argument id).
const LOCAL_IMAGE_ARGS: &[(&str, &str)] = &[
    ("push", "reference"),
    ("tag", "source"),
    ("rmi", "references"),
    ("save", "references"),
    ("inspect", "reference"),
];

/// The command line with local image names completed from the store. `words` is the line
/// being completed (what the shell passes after `--`), searched for `--store`.
pub fn command(words: &[OsString]) -> clap::Command {
    let store = store_on_line(words);
    let mut cmd = crate::cli::command();
    for &(sub, arg) in LOCAL_IMAGE_ARGS {
        let store = store.clone();
        // `mut_args`, not `mut_arg`: the latter moves the argument to the end, which would
        // reorder positionals (tag's SOURCE after TARGET).
        cmd = cmd.mut_subcommand(sub, move |c| {
            c.mut_args(move |a| {
                if a.get_id() != arg {
                    return a;
                }
                let store = store.clone();
                a.add(ArgValueCompleter::new(move |current: &OsStr| {
                    local_images(current, store.clone())
                }))
            })
        });
    }
    cmd
}

/// `--store DIR` or `--store=DIR` on the line, the last one winning as in clap.
fn store_on_line(words: &[OsString]) -> Option<PathBuf> {
    let mut found = None;
    let mut words = words.iter();
    while let Some(w) = words.next() {
        let w = w.to_string_lossy();
        if w == "--store" {
            found = words.next().map(PathBuf::from);
        } else if let Some(dir) = w.strip_prefix("--store=") {
            found = Some(PathBuf::from(dir));
        }
    }
    found
}

/// The store's image names that start with what was typed.
fn local_images(current: &OsStr, store: Option<PathBuf>) -> Vec<CompletionCandidate> {
    let Some(typed) = current.to_str() else {
        return Vec::new();
    };
    let Some(root) = store.or_else(|| crate::settings::default_store_dir().ok()) else {
        return Vec::new();
    };
    let Ok(bytes) = std::fs::read(root.join("index.json")) else {
        return Vec::new();
    };
    let Ok(index) = serde_json::from_slice::<LayoutIndex>(&bytes) else {
        return Vec::new();
    };
    let mut names: Vec<String> = index
        .manifests
        .iter()
        .filter_map(|d| d.annotations.get(crate::oci::manifest::REF_NAME).cloned())
        .filter(|n| n.starts_with(typed))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
