//! Dynamic shell completion: the scripts under `completions/` call back into `ghcr-cli` with
//! `COMPLETE=SHELL`, and clap completes subcommands, flags and values from the live
//! definitions. Local image names come from the store's `index.json`, read and never created.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use crate::store::LayoutIndex;

/// The store's image names (and short digests) that start with what was typed.
pub fn local_images(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(typed) = current.to_str() else {
        return Vec::new();
    };
    let Ok(root) = crate::settings::default_store_dir() else {
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
        .filter_map(|d| d.annotations.get(crate::manifest::REF_NAME).cloned())
        .filter(|n| n.starts_with(typed))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
