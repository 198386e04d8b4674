//! The one integration-test binary: real `ghcr-cli` processes against real registries.

mod harness;

mod auth;
mod cli;
mod completion;
mod core;
mod credentials;
mod faults;
mod formats;
mod generated;
mod ghcr;
mod help;
mod interop;
mod network;
mod platforms;
mod remote;
mod safety;
mod security;
