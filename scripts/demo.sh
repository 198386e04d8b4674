#!/usr/bin/env bash
# The main job, offline: builds ghcr-cli, starts a throw-away registry on 127.0.0.1, makes a
# small image as `docker save` would name it, then loads, tags, pushes and pulls it back into
# a fresh store, printing each command and what it did. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_packages docker-registry:docker-registry sha256sum:coreutils gzip:gzip tar:tar
ensure_rust

# GHCR_CLI_BIN=/path/to/ghcr-cli uses a binary already built (or installed) instead.
if [ -n "${GHCR_CLI_BIN:-}" ]; then
  BIN=$GHCR_CLI_BIN
else
  echo "==> building ghcr-cli (release)"
  cargo build --locked --release --quiet
  BIN=$PWD/target/release/ghcr-cli
fi

work=$(mktemp -d)
cleanup() {
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null; wait "$REGISTRY_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
start_registry "$work/registry"
echo "==> throw-away registry at http://$REGISTRY_ADDR (pid $REGISTRY_PID)"

# A one-layer OCI image, built by hand: a file, its tar (the diff ID), the gzip layer, the
# config, the manifest, and an OCI layout naming it the way Docker would.
img=$work/image
mkdir -p "$img/blobs/sha256" "$work/rootfs"
echo "hello from ghcr-cli's demo" > "$work/rootfs/hello.txt"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/rootfs" -cf "$work/layer.tar" hello.txt
gzip -n -c "$work/layer.tar" > "$work/layer.tar.gz"
put() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$img/blobs/sha256/$d"; echo "$d"; }
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
layer=$(put "$work/layer.tar.gz"); layer_size=$(stat -c%s "$work/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["cat","/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diff_id" > "$work/config.json"
config=$(put "$work/config.json"); config_size=$(stat -c%s "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
  "$config" "$config_size" "$layer" "$layer_size" > "$work/manifest.json"
manifest=$(put "$work/manifest.json"); manifest_size=$(stat -c%s "$work/manifest.json")
printf '{"imageLayoutVersion":"1.0.0"}' > "$img/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"docker.io/library/hello:1.0"}}]}' \
  "$manifest" "$manifest_size" > "$img/index.json"
echo "==> built image sha256:$manifest"

run() { echo; echo "\$ ghcr-cli $*"; "$BIN" "$@"; }
export GHCR_CLI_STORE=$work/store
target=$REGISTRY_ADDR/demo/hello:1.0

run load -i "$img"
run push "$target" || echo "(expected: the image is not yet named for the registry; the hint above says how)"
run tag docker.io/library/hello:1.0 "$target"
# Captured, then printed: `tee /dev/stderr` would reopen (and truncate) a log the user
# redirected stderr to.
out=$(run push "$target"); echo "$out"; pushed=$(tail -1 <<<"$out")
run tags "$REGISTRY_ADDR/demo/hello"

echo; echo "==> pulling into a fresh, empty store"
export GHCR_CLI_STORE=$work/store2
out=$(run pull "$target"); echo "$out"; pulled=$(tail -1 <<<"$out")
run images

[ "$pushed" = "$pulled" ] && [ "$pulled" = "$target@sha256:$manifest" ] || {
  echo "error: pushed $pushed but pulled $pulled" >&2; exit 1; }
echo; echo "==> demo succeeded: pushed and pulled $pulled"
