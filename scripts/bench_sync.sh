# The sync case of scripts/bench.sh, sourced by it (it uses its $work, $REG, $GH, run and
# bench_case): `ghcr-cli sync` against `skopeo sync` between the bench registry (source) and a
# second one (target). 20 repositories of 3 tags each, every image two shared base layers
# (8 MiB and 4 MiB of incompressible data) under a 512 KiB layer of its own: 46 MiB in all,
# 62 blobs. Cold: a fresh target prefix each run (no blob there, so the shared layers go once
# and are mounted after that); warm: the same prefix again, everything in sync.

SRC_REGISTRY_PID=$REGISTRY_PID
start_registry "$work/target"
TARGET_PID=$REGISTRY_PID
DST=$REGISTRY_ADDR
REGISTRY_PID=$SRC_REGISTRY_PID
REGISTRY_ADDR=$REG
echo "==> sync target registry at $DST" >&2

SYNC_IMG=$work/sync-img
mkdir -p "$SYNC_IMG/blobs/sha256"
# sync_layer SIZE SEED IV: one gzip layer into the layout; prints "DIGEST SIZE DIFF_ID".
sync_layer() {
  local tmp diff d
  tmp=$(mktemp -d "$work/gen.XXXX")
  mkdir -p "$tmp/root"
  head -c "$1" /dev/zero | openssl enc -aes-128-ctr -nosalt \
    -K "$(printf '%032x' "$2")" -iv "$(printf '%032x' "$3")" > "$tmp/root/data"
  tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$tmp/root" -cf "$tmp/layer.tar" data
  diff=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  gzip -n -1 -c "$tmp/layer.tar" > "$tmp/layer.gz"
  d=$(sha256sum "$tmp/layer.gz" | cut -d' ' -f1)
  mv "$tmp/layer.gz" "$SYNC_IMG/blobs/sha256/$d"
  echo "$d $(stat -c%s "$SYNC_IMG/blobs/sha256/$d") $diff"
  rm -rf "$tmp"
}
# sync_blob FILE: copies a small JSON file into the layout; prints "DIGEST SIZE".
sync_blob() {
  local d; d=$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$SYNC_IMG/blobs/sha256/$d"
  echo "$d $(stat -c%s "$1")"
}

echo "==> generating 20 images x 3 tags on shared base layers" >&2
read -r B1 B1S B1D < <(sync_layer $((8 * 1024 * 1024)) 21 1)
read -r B2 B2S B2D < <(sync_layer $((4 * 1024 * 1024)) 21 2)
entries=""
for i in $(seq 0 19); do
  for t in 1 2 3; do
    read -r L LS LD < <(sync_layer $((512 * 1024)) 22 $((i * 10 + t)))
    printf '{"architecture":"amd64","os":"linux","config":{"Env":["APP=%s","TAG=%s"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s","sha256:%s"]}}' \
      "$i" "$t" "$B1D" "$B2D" "$LD" > "$work/cfg.json"
    read -r C CS < <(sync_blob "$work/cfg.json")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
      "$C" "$CS" "$B1" "$B1S" "$B2" "$B2S" "$L" "$LS" > "$work/man.json"
    read -r M MS < <(sync_blob "$work/man.json")
    entries+="${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$M\",\"size\":$MS,\"annotations\":{\"org.opencontainers.image.ref.name\":\"app$i-$t\"}}"
  done
done
printf '{"imageLayoutVersion":"1.0.0"}' > "$SYNC_IMG/oci-layout"
printf '{"schemaVersion":2,"manifests":[%s]}' "$entries" > "$SYNC_IMG/index.json"
echo "==> seeding the source registry" >&2
for i in $(seq 0 19); do
  for t in 1 2 3; do
    skopeo copy -q --dest-tls-verify=false "oci:$SYNC_IMG:app$i-$t" "docker://$REG/src/app$i:$t"
  done
done

# sync_configs PREFIX: writes ghcr-cli's and skopeo's configs for the 20 repositories.
sync_configs() {
  local i
  {
    echo "sync:"
    for i in $(seq 0 19); do
      echo "  - {source: \"$REG/src/app$i\", target: \"$DST/$1/app$i\"}"
    done
  } > "$work/gh-$1.yaml"
  {
    echo "$REG:"
    echo "  tls-verify: false"
    echo "  images:"
    for i in $(seq 0 19); do echo "    src/app$i: [\"1\", \"2\", \"3\"]"; done
  } > "$work/sk.yaml"
}
gh_sync_cold() { local p="gh-$1-$RANDOM"; sync_configs "$p"; run "$GH" -q sync "$work/gh-$p.yaml"; }
sk_sync_cold() {
  local p="sk-$1-$RANDOM"; sync_configs "$p"; clear_skopeo_cache
  run skopeo sync --src yaml --dest docker --dest-tls-verify=false "$work/sk.yaml" "$DST/$p"
}
gh_sync_warm() { sync_configs warm-gh; run "$GH" -q sync "$work/gh-warm-gh.yaml"; }
sk_sync_warm() {
  sync_configs warm-sk
  run skopeo sync --src yaml --dest docker --dest-tls-verify=false "$work/sk.yaml" "$DST/warm-sk"
}
bench_case "sync 20 images x 3 tags, cold" "<=0.5" "$PAIRS" gh_sync_cold sk_sync_cold
# The warm-up runs of the warm case fill its prefixes.
bench_case "sync 20 images x 3 tags, warm" "<=0.1" "$PAIRS" gh_sync_warm sk_sync_warm
# The registries' floor for the warm run: the requests it sends (each registry's /v2/, the
# source's 20 tag lists, a manifest HEAD per tag on each side) by one curl, 32 at once (16
# images, both sides at once), with nothing else to do.
# In a curl config, `head` and `header` hold for a whole operation: the GETs form one, and
# after `next` the HEADs another.
{
  for r in "$REG" "$DST"; do printf 'url = "http://%s/v2/"\noutput = /dev/null\n' "$r"; done
  for i in $(seq 0 19); do
    printf 'url = "http://%s/v2/src/app%s/tags/list"\noutput = /dev/null\n' "$REG" "$i"
  done
  printf 'next\nfail\nhead\nheader = "Accept: application/vnd.oci.image.manifest.v1+json"\n'
  for i in $(seq 0 19); do
    for t in 1 2 3; do
      for side in "$REG/v2/src/app$i" "$DST/v2/warm-gh/app$i"; do
        printf 'url = "http://%s/manifests/%s"\noutput = /dev/null\n' "$side" "$t"
      done
    done
  done
} > "$work/floor-sync.curl"
floor_sync_curl() { CURL_AT_ONCE=32 seconds curl_parallel "$work/floor-sync.curl"; }
PAIRS_FLOOR=$PAIRS floor_row "  ... the same requests by curl" RESULTS floor_sync_curl
