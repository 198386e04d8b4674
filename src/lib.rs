//! ghcr-cli as a library: the modules behind the `ghcr-cli` binary. It exists so the fuzz
//! targets (`tests/fuzz`) can reach the parsers; the binary is the supported interface.
//!
//! Only `output.rs` (and `progress.rs`, through indicatif) writes to the terminal: the lints
//! below keep `println!` and friends out of everything else, the protocol and store layers
//! first of all.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod commands;
pub mod complete;
pub(crate) mod config;
pub(crate) mod credentials;
pub(crate) mod engine;
pub(crate) mod env;
pub mod formats;
pub(crate) mod fsutil;
pub(crate) mod github;
pub(crate) mod http;
pub(crate) mod kind;
pub mod memory;
pub mod oci;
pub mod output;
pub mod registry;
pub mod settings;
pub mod store;
pub(crate) mod transfer;
