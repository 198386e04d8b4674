//! Fuzzes the `WWW-Authenticate` parser: no panic, and every challenge has a scheme.
#![no_main]

use ghcr_cli::registry::auth::parse_challenges;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(challenges) = parse_challenges(s) {
        assert!(challenges.iter().all(|c| !c.scheme.is_empty()));
    }
});
