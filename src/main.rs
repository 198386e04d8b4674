//! ghcr-cli: parse the command line, build the runtime, run the command, map the result to an
//! exit code. Everything else lives in the library (`src/lib.rs`).

use std::process::ExitCode;

use ghcr_cli::output::{self, Exit};
use ghcr_cli::{cli, commands, settings};

fn main() -> ExitCode {
    ghcr_cli::memory::one_allocator_arena();
    // `COMPLETE=bash ghcr-cli -- WORDS…`: the completion scripts asking; answer and exit.
    let words: Vec<std::ffi::OsString> = std::env::args_os().collect();
    clap_complete::CompleteEnv::with_factory(move || ghcr_cli::complete::command(&words))
        .complete();
    // Installed as `docker-credential-ghcr-cli`, docker runs us with just the verb.
    let argv0 = std::env::args_os().next().unwrap_or_default();
    let called_as_helper = std::path::Path::new(&argv0)
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("docker-credential-"));
    let cli = if called_as_helper {
        let verb = std::env::args_os().nth(1).unwrap_or_default();
        cli::parse([
            std::ffi::OsString::from("ghcr-cli"),
            "credential-helper".into(),
            verb,
        ])
    } else {
        cli::parse(std::env::args_os())
    };
    let store_access = commands::store_access(&cli.command);
    let ctx = match settings::Context::from_args(&cli.global, store_access) {
        Ok(ctx) => ctx,
        Err(e) => return fail(&e),
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
    // Every command ends by flushing stdout: a write that failed on the way decides the exit
    // code unless the command failed first.
    let result = runtime
        .block_on(commands::run(&ctx, cli.command))
        .and_then(|()| output::finish().map_err(anyhow::Error::from));
    match result {
        Ok(()) => Exit::Success.into(),
        Err(e) => fail(&e),
    }
}

/// Prints the error with its hints and gives its exit code.
fn fail(e: &anyhow::Error) -> ExitCode {
    let (lines, hints) = commands::exit::report(e);
    output::print_error(e, &lines, &hints);
    commands::exit::exit_for(e).into()
}
