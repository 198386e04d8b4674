//! The one integration-test binary: real `ghcr-cli` processes against real registries.
// The house's boundaries (clippy.toml) are for the program: the harness reads the
// environment, prints diagnostics and speaks HTTP to its fixtures freely.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod harness;

mod append;
mod artifact;
mod auth;
mod blob;
mod chunks;
mod cli;
mod completion;
mod core;
mod credentials;
mod docker_login;
mod engine;
mod engine_endpoints;
mod engine_platforms;
mod export;
mod faults;
mod faults_upload;
mod formats;
mod formats_bad;
mod generated;
mod ghcr;
mod ghcr_link;
mod ghcr_login;
mod help;
mod house;
mod interop;
mod mutate;
mod network;
mod packages_check;
mod packages_prune;
mod packages_prune_unread;
mod platforms;
mod ranged;
mod referrers;
mod remote;
mod round_trips;
mod safety;
mod safety_remote;
mod security;
mod sync;
mod sync_faults;
mod untag_ghcr;
