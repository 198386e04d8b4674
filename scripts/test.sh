#!/usr/bin/env bash
# Runs the whole test suite on a Debian/Ubuntu machine, installing the system packages the
# tests use when they are missing: the CNCF registry, skopeo and umoci for interop, and the
# keyrings (gnome-keyring on D-Bus, kernel keyutils). Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages \
  docker-registry:docker-registry skopeo:skopeo umoci:umoci \
  gnome-keyring-daemon:gnome-keyring dbus-run-session:dbus dbus-daemon:dbus \
  secret-tool:libsecret-tools keyctl:keyutils script:bsdutils dbus-send:dbus-bin
ensure_rust
cargo test --locked "$@"
