#!/usr/bin/env bash
# Runs the whole test suite on a Debian/Ubuntu machine, installing the system packages the
# tests use when they are missing: the CNCF registry, skopeo and umoci for interop, the
# keyrings (gnome-keyring on D-Bus, kernel keyutils), and podman (with curl) serving the
# Docker Engine API for `--from-docker`, and the docker CLI (Debian's docker.io) driving it
# for `login --docker`; and the oras Python client (pip, into target/oras-venv) for the
# artifact interop tests. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages \
  docker-registry:docker-registry skopeo:skopeo umoci:umoci \
  gnome-keyring-daemon:gnome-keyring dbus-run-session:dbus dbus-daemon:dbus \
  secret-tool:libsecret-tools keyctl:keyutils script:bsdutils dbus-send:dbus-bin \
  ip:iproute2 bash:bash zsh:zsh fish:fish tmux:tmux socat:socat \
  podman:podman curl:curl docker:docker.io
ensure_rust
ensure_oras_py
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary: "N passed, N failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
