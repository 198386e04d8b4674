//! `ghcr-cli blob get`: one blob by digest, from a registry (or the local store with
//! `--local`), streamed to a file or stdout while it is hashed, like `crane blob`. A blob whose
//! bytes do not hash to its digest fails the command, and a file named with `-o` is then left
//! as it was (the bytes go to a temporary file renamed into place only once verified).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::cli::BlobCommand;
use crate::fsutil::OutputFile;
use crate::oci::digest::{Digest, Hasher};
use crate::output::{Exit, OutputWriter, UserError};
use crate::registry::RegistryError;
use crate::settings::Context;
use crate::store::StoreError;

pub async fn run(ctx: &Context, command: BlobCommand) -> Result<()> {
    match command {
        BlobCommand::Get {
            reference,
            digest,
            output,
            local,
        } => get(ctx, &reference, digest.as_deref(), output, local).await,
    }
}

/// Where the blob goes.
enum Sink {
    Stdout(OutputWriter<std::io::StdoutLock<'static>>),
    File(OutputWriter<OutputFile>, PathBuf),
}

impl Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(bytes),
            Sink::File(w, _) => w.write_all(bytes),
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => Ok(w.flush()?),
            Sink::File(w, path) => w
                .into_inner()
                .commit()
                .with_context(|| format!("cannot write `{}`", path.display())),
        }
    }
}

async fn get(
    ctx: &Context,
    input: &str,
    digest: Option<&str>,
    output: Option<PathBuf>,
    local: bool,
) -> Result<()> {
    let reference = ctx.reference(input)?;
    let digest: Digest = match digest {
        Some(d) => d
            .parse()
            .map_err(|e| UserError::new(Exit::Usage, format!("invalid digest `{d}`: {e}")))?,
        None => reference.digest().cloned().ok_or_else(|| {
            UserError::new(Exit::Usage, format!("`{input}` names no blob"))
                .hint("give the digest: `ghcr-cli blob get REPO sha256:…` or `REPO@sha256:…`")
        })?,
    };
    let to_stdout = output.as_deref().is_none_or(|p| p == Path::new("-"));
    let mut sink = match output.filter(|_| !to_stdout) {
        None => {
            if crate::output::stdout_is_terminal() {
                return Err(
                    UserError::new(Exit::Usage, "refusing to write a blob to a terminal")
                        .hint("redirect it (`> blob`), pipe it, or use -o FILE")
                        .into(),
                );
            }
            Sink::Stdout(crate::output::stdout_writer())
        }
        Some(path) => {
            let shown = format!("`{}`", path.display());
            let file = OutputFile::create(&path)
                .map_err(|e| crate::output::OutputError::new(shown.clone(), &e))?;
            Sink::File(OutputWriter::new(file, shown), path)
        }
    };
    let mut hasher = Hasher::new(digest.algorithm());
    let mut size = 0u64;
    let source = if local {
        let store = ctx.store()?;
        let mut file = store.open_blob(&digest)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file
                .read(&mut buf)
                .with_context(|| format!("failed to read blob {digest} from the local store"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            sink.write(&buf[..n])?;
            size += n as u64;
        }
        "the local store".to_string()
    } else {
        let registry = ctx.registry(reference.registry())?;
        let mut body = registry
            .get_blob(reference.repository(), &digest, 0)
            .await?;
        while let Some(chunk) = body.chunk().await? {
            hasher.update(&chunk);
            sink.write(&chunk)?;
            size += chunk.len() as u64;
        }
        reference.name()
    };
    let actual = hasher.finish();
    if actual != digest {
        // The sink is dropped unfinished: a file named with -o is not touched.
        return Err(if local {
            StoreError::DigestMismatch {
                expected: digest,
                actual,
            }
            .into()
        } else {
            RegistryError::DigestMismatch {
                what: format!("blob {digest} from {source}"),
                expected: digest,
                actual,
            }
            .into()
        });
    }
    sink.finish()?;
    ctx.printer.status(format!(
        "wrote blob {} ({}) from {source}",
        digest.short(),
        crate::output::human_size(size)
    ));
    Ok(())
}
