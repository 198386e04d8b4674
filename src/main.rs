//! ghcr-cli: parse the command line, build the runtime, run the command, map the result to an
//! exit code. Everything else lives in the modules below.

mod archive;
mod cli;
mod commands;
mod compress;
mod config;
mod credentials;
mod digest;
mod docker_archive;
mod env;
mod layout;
mod manifest;
mod output;
mod progress;
mod reference;
mod registry;
mod settings;
mod store;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

use crate::output::Exit;

fn main() -> ExitCode {
    // Installed as `docker-credential-ghcr-cli`, docker runs us with just the verb.
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let called_as_helper = std::path::Path::new(&argv0)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("docker-credential-"));
    let cli = if called_as_helper {
        let verb = std::env::args_os().nth(1).unwrap_or_default();
        cli::Cli::parse_from([
            std::ffi::OsString::from("ghcr-cli"),
            "credential-helper".into(),
            verb,
        ])
    } else {
        cli::Cli::parse()
    };
    let ctx = match settings::Context::from_args(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => {
            output::print_error(&e);
            return output::exit_for(&e).into();
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Failure.into();
        }
    };
    match runtime.block_on(commands::run(&ctx, cli.command)) {
        Ok(()) => Exit::Success.into(),
        Err(e) => {
            output::print_error(&e);
            output::exit_for(&e).into()
        }
    }
}
