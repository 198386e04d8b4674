#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 180) with cargo-fuzz, keeping the corpus
# in tests/fuzz/corpus. The machine's one Rust toolchain is stable: RUSTC_BOOTSTRAP lets it
# take the nightly-only sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")/../tests/fuzz"
seconds=${1:-180}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
for target in reference www_authenticate manifest archive; do
  echo "==> fuzzing $target for ${seconds}s"
  cargo fuzz run --fuzz-dir . "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1 2>&1 | tail -12
done
