//! Fuzzes archive loading end to end: extraction (gzip or not) into a scratch directory, then
//! a docker-archive or OCI-layout import into a scratch store. Errors are fine; panics, and
//! anything written outside the scratch directory, are not.
#![no_main]

use ghcr_cli::formats::{archive, docker_archive, layout};
use ghcr_cli::store::Store;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let Ok(store) = Store::open(&dir.path().join("store")) else { return };
    let scratch = dir.path().join("store/ingest/x");
    let Ok(reader) = archive::maybe_gunzip(data) else { return };
    if archive::extract(reader, &scratch).is_err() {
        return;
    }
    if scratch.join("manifest.json").is_file() {
        let _ = docker_archive::import(&store, &scratch, false);
    } else {
        let _ = layout::import(&store, &scratch, true);
    }
});
