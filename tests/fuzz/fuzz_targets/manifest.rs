//! Fuzzes manifest and index parsing, and platform strings: no panic on any bytes.
#![no_main]

use ghcr_cli::oci::manifest::{self, Platform};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for content_type in [None, Some(manifest::OCI_INDEX), Some(manifest::DOCKER_MANIFEST)] {
        if let Ok((_, manifest::Parsed::Index(i))) = manifest::parse(data, content_type) {
            for d in &i.manifests {
                if let Some(p) = &d.platform {
                    let _ = Platform::host().matches(p);
                }
            }
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Platform::parse(s);
    }
});
