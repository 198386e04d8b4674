# Shared helpers for the scripts: installing what is missing, starting a throw-away registry.
# Sourced, not run.

# ensure_packages CMD:PACKAGE ... installs each Debian package whose command is missing.
ensure_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing missing packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_oras_py: the oras Python client (PyPI `oras`, pinned) in target/oras-venv, for the
# artifact interop tests (tests/it/artifact.rs). PyPI is the only source of it: no Debian
# package and no Go toolchain needed.
ensure_oras_py() {
  local venv=target/oras-venv
  [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import oras.client' 2>/dev/null && return 0
  command -v python3 >/dev/null 2>&1 || ensure_packages python3:python3
  python3 -m venv "$venv" >&2 || { ensure_packages python3:python3-venv; python3 -m venv "$venv" >&2; }
  echo "==> installing the oras Python client into $venv" >&2
  "$venv/bin/pip" install -q 'oras==0.2.43' >&2
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || {
    echo "error: ghcr-cli needs a Rust toolchain (1.89 or newer); install it with rustup" >&2
    exit 1
  }
}

# start_registry DIR: starts docker-registry on 127.0.0.1 with an ephemeral port, anonymous,
# storing under DIR. Sets REGISTRY_PID and REGISTRY_ADDR (127.0.0.1:PORT).
start_registry() {
  local dir=$1
  mkdir -p "$dir/data"
  cat > "$dir/config.yml" <<YML
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
  secret: throw-away
YML
  # A clean environment: docker-registry reads every REGISTRY_* variable as configuration.
  env -i /usr/bin/docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 &
  REGISTRY_PID=$!
  local i
  for i in $(seq 1 200); do
    REGISTRY_ADDR=$(sed -n 's/.*listening on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$dir/registry.log" | head -1)
    [ -n "$REGISTRY_ADDR" ] && return 0
    kill -0 "$REGISTRY_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "error: docker-registry did not start:" >&2
  cat "$dir/registry.log" >&2
  return 1
}
