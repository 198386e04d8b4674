#!/usr/bin/env bash
# Regenerates the committed shell completions and man pages under completions/ from the
# clap definitions. The test suite fails, naming this script, when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet
bin=target/debug/ghcr-cli
mkdir -p completions
"$bin" completion bash > completions/ghcr-cli.bash
"$bin" completion zsh > completions/_ghcr-cli
"$bin" completion fish > completions/ghcr-cli.fish
"$bin" completion powershell > completions/_ghcr-cli.ps1
"$bin" completion elvish > completions/ghcr-cli.elv
rm -rf completions/man
"$bin" man --dir completions/man > /dev/null
echo "regenerated completions/ and completions/man/"
