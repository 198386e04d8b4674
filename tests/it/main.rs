//! The one integration-test binary: real `ghcr-cli` processes against real registries.
// The house's boundaries (clippy.toml) are for the program: the harness reads the
// environment, prints diagnostics and speaks HTTP to its fixtures freely.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod harness;

mod auth;
mod cli;
mod completion;
mod core;
mod credentials;
mod docker_login;
mod engine;
mod faults;
mod formats;
mod generated;
mod ghcr;
mod help;
mod house;
mod interop;
mod network;
mod platforms;
mod remote;
mod round_trips;
mod safety;
mod security;
