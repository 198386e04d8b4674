//! Fuzzes the image reference parser: no panic on any input, and whatever parses prints as a
//! reference that parses back to itself.
#![no_main]

use ghcr_cli::oci::reference::{Defaults, Reference};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let defaults = Defaults {
        registry: "ghcr.io".into(),
        owner: Some("owner".into()),
    };
    if let Ok(r) = Reference::parse(s, &defaults) {
        let again = Reference::parse(&r.to_string(), &defaults).expect("a printed reference parses");
        assert_eq!(again, r);
    }
    let _ = Reference::parse_repository(s, &defaults);
});
