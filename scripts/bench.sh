#!/usr/bin/env bash
# Benchmarks ghcr-cli against skopeo on the same throw-away registry (127.0.0.1), same images,
# in one run: the two tools alternate after a warm-up, the first of each pair swapping from
# pair to pair (A B, B A, …), each run against a fresh repository (and a fresh store or
# directory) so nothing is skipped, with skopeo's blob-info caches (boltdb and sqlite) cleared
# before each of its runs (except where the case is about a repeated push).
# Prints, per case, the median wall time of each tool, the median of the pair-by-pair ratios
# ghcr-cli/skopeo, and the peak RSS of each; every run's time goes to a raw TSV file whose path
# is printed with the table. Machines here are noisy: trust the ratios.
#
# Parallelism differs, and the default rows measure that too: ghcr-cli starts at 16 transfers
# and grows for small ones up to 64; skopeo pulls up to 6 blobs at once but reads an `oci:`
# source one blob at a time, so its pushes from a layout are serial. The "-j" rows run
# ghcr-cli at skopeo's concurrency.
#
# The latency mode (`--latency MS`) then runs cases behind scripts/latency_proxy.py, a TCP
# proxy on loopback that delays each direction by MS milliseconds (a round trip costs 2 x MS),
# side by side with skopeo: 200 x 1 KiB pull and push, a push where everything is already
# there, a 4 x 64 MiB pull and a multi-platform copy. Beside the times it prints what the
# proxy counted for each tool's median run: sequential round trips, requests and connections
# (see the proxy's header for how they are counted). Connecting costs no delay through the
# proxy; on a real link each new connection costs one round trip more (TLS one or two).
#
# The sync case: `ghcr-cli sync` against `skopeo sync` between two registries, 20 images of 3
# tags each on two shared base layers, cold (an empty target prefix each run) and warm
# (everything already there), with the peak RSS of each (scripts/bench_sync.sh).
#
# The ranged case (`--cases ranged`, not in `all`): one 64 MiB layer pulled through
# scripts/latency_proxy.py throttling each connection to 8 MiB/s (as a CDN does; 2 ms each
# way), by ghcr-cli without ranges, ghcr-cli --ranges 4 and skopeo, in rotating order; it
# prints each one's median, the ratios to skopeo, and --ranges against without.
# GHCR_BENCH_RANGED_MIB, GHCR_BENCH_RANGED_RATE (bytes/s per connection; 0: unthrottled,
# the proxy's own speed) and GHCR_BENCH_RANGES change the size, the rate and N.
#
# usage: scripts/bench.sh [PAIRS] [--latency MS] [--latency-only] [--cases LIST]
#   PAIRS defaults to 5 (the 1 GiB case runs 3, the latency cases at most 3)
#   --cases picks the loopback cases: all (the default), core, sync, pull (the 4 x 64 MiB
#   pull alone), ranged (not part of all), comma-separated
#   --latency-only skips the loopback cases (and defaults MS to 20); GHCR_BENCH_BIN=PATH
#   benchmarks that binary instead of building this tree (to compare builds the same way).
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=5; LATENCY_MS=""; LOOPBACK=1; CASES=all
while [ $# -gt 0 ]; do
  case $1 in
    --latency) LATENCY_MS=$2; shift 2 ;;
    --latency-only) LOOPBACK=0; shift ;;
    --cases) CASES=$2; shift 2 ;;
    *) PAIRS=$1; shift ;;
  esac
done
if [ "$LOOPBACK" -eq 0 ] && [ -z "$LATENCY_MS" ]; then LATENCY_MS=20; fi
# want NAME: whether --cases selects NAME.
want() { case ",$CASES," in *,"$1",*) return 0 ;; *,all,*) [ "$1" != ranged ] ;; *) return 1 ;; esac; }
. scripts/lib.sh
ensure_packages docker-registry:docker-registry skopeo:skopeo curl:curl openssl:openssl \
  gzip:gzip tar:tar /usr/bin/time:time
ensure_rust

BIG_PAIRS=$(( PAIRS < 3 ? PAIRS : 3 ))
if [ -n "${GHCR_BENCH_BIN:-}" ]; then
  GH=$(realpath "$GHCR_BENCH_BIN")
else
  echo "==> building ghcr-cli (release)" >&2
  cargo build --locked --release --quiet
  GH=$PWD/target/release/ghcr-cli
fi

work=$(mktemp -d /var/tmp/ghcr-bench.XXXXXX)
cleanup() {
  if [ -n "${PROXY_PID:-}" ]; then kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null || true; fi
  if [ -n "${RANGED_PROXY_PID:-}" ]; then kill "$RANGED_PROXY_PID" 2>/dev/null; wait "$RANGED_PROXY_PID" 2>/dev/null || true; fi
  if [ -n "${REGISTRY_PID:-}" ]; then kill "$REGISTRY_PID" 2>/dev/null; wait "$REGISTRY_PID" 2>/dev/null || true; fi
  if [ -n "${TARGET_PID:-}" ]; then kill "$TARGET_PID" 2>/dev/null; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
start_registry "$work/registry"
REG=$REGISTRY_ADDR
echo "==> registry at $REG; work in $work" >&2

# ---- images: OCI layouts of gzip layers of random (incompressible) bytes, deterministic ----
# $1 dir, $2 layers, $3 bytes per layer's file, $4 seed, $5 architecture (amd64)
make_image() {
  local dir=$1 n=$2 size=$3 seed=$4 arch=${5:-amd64} i layers="" diffs="" tmp
  tmp=$(mktemp -d "$work/gen.XXXX")
  mkdir -p "$dir/blobs/sha256"
  for i in $(seq 1 "$n"); do
    mkdir -p "$tmp/root"
    # AES-CTR over exactly $size zero bytes: deterministic, incompressible, and bounded (an
    # endless producer cut by `head` can spin where SIGPIPE is ignored).
    head -c "$size" /dev/zero | openssl enc -aes-128-ctr -nosalt \
      -K "$(printf '%032x' "$seed")" -iv "$(printf '%032x' "$i")" > "$tmp/root/data"
    tar --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$tmp/root" -cf "$tmp/layer.tar" data
    local diff; diff=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
    gzip -n -1 -c "$tmp/layer.tar" > "$tmp/layer.gz"
    local d; d=$(sha256sum "$tmp/layer.gz" | cut -d' ' -f1)
    mv "$tmp/layer.gz" "$dir/blobs/sha256/$d"
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$(stat -c%s "$dir/blobs/sha256/$d")}"
    diffs+="${diffs:+,}\"sha256:$diff\""
  done
  printf '{"architecture":"%s","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$arch" "$diffs" > "$tmp/config"
  local c; c=$(sha256sum "$tmp/config" | cut -d' ' -f1); cp "$tmp/config" "$dir/blobs/sha256/$c"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
    "$c" "$(stat -c%s "$tmp/config")" "$layers" > "$tmp/manifest"
  local m; m=$(sha256sum "$tmp/manifest" | cut -d' ' -f1); cp "$tmp/manifest" "$dir/blobs/sha256/$m"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "$m" "$(stat -c%s "$tmp/manifest")" > "$dir/index.json"
  rm -rf "$tmp"
}

# ghcr-cli's store holds every image (under the source names); the registry holds them too,
# pushed by skopeo, for the pull cases. The 1 GiB image is made only before its cases, so
# its write-back does not run under the others.
export GHCR_CLI_STORE=$work/ghstore
prepare() {
  local name=$1
  echo "==> generating $name" >&2
  make_image "$work/img/$name" "$2" "$3" "$4"
  "$GH" -q load -i "$work/img/$name" --name "$REG/src/$name" > /dev/null
  skopeo copy -q --dest-tls-verify=false "oci:$work/img/$name:latest" "docker://$REG/seed/$name:1"
  sync
}
if want core || want pull || [ -n "$LATENCY_MS" ]; then prepare 4x64 4 $((64 * 1024 * 1024)) 11; fi
if want core || [ -n "$LATENCY_MS" ]; then prepare 200x1 200 1024 12; fi
GH_SRC_TAG=latest
SRC_REG=$REG   # where the store's source images are named

clear_skopeo_cache() {
  # skopeo 1.14+ keeps the cache in sqlite beside the older boltdb file.
  rm -f "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" \
        "$HOME/.local/share/containers/cache/blob-info-cache-v1.sqlite" \
        /var/lib/containers/cache/blob-info-cache-v1.boltdb \
        /var/lib/containers/cache/blob-info-cache-v1.sqlite 2>/dev/null || true
}

mkdir -p target/bench
RAW=$PWD/target/bench/raw-$(date +%Y%m%dT%H%M%S).tsv
printf 'case\tpair\ttool\tseconds\tpeak_rss_kib\n' > "$RAW"

# run LABEL CMD... : runs once, records wall seconds and peak RSS (KiB) in $LAST_T $LAST_RSS;
# behind the latency proxy (MEASURE=1) also what it counted, in $LAST_RT $LAST_REQ $LAST_CONN.
run() {
  local start end
  # Start each run with no dirty pages left by the previous one, so neither tool waits for
  # the other's write-back (both fsync what they store).
  sync
  [ "${MEASURE:-0}" -eq 1 ] && proxy_stats > /dev/null
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" > /dev/null 2> "$work/err" || {
    echo "error: $* failed:" >&2; cat "$work/err" >&2; exit 1; }
  end=$(date +%s%N)
  LAST_T=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
  LAST_RSS=$(tail -1 "$work/rss")
  if [ "${MEASURE:-0}" -eq 1 ]; then
    local stats; stats=$(proxy_stats)
    LAST_RT=$(json_field round_trips <<< "$stats")
    LAST_REQ=$(json_field requests <<< "$stats")
    LAST_CONN=$(json_field connections <<< "$stats")
  fi
}

# What the latency proxy counted since it was last asked (it starts counting again).
proxy_stats() {
  rm -f "$PROXY_STATS"
  kill -USR1 "$PROXY_PID"
  local i
  for i in $(seq 1 500); do [ -s "$PROXY_STATS" ] && break; sleep 0.01; done
  cat "$PROXY_STATS"
}
json_field() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

RESULTS=(); LAT_RESULTS=()
# case NAME TARGET PAIRS GH_FN SK_FN : the functions take the run number and run one tool once
bench_case() {
  local name=$1 target=$2 pairs=$3 ghfn=$4 skfn=$5 i
  local gts=() sts=() ratios=() grss=0 srss=0 gcounts=() scounts=()
  $ghfn warmup; $skfn warmup
  for i in $(seq 1 "$pairs"); do
    local g s g_rss s_rss gc="" sc=""
    if [ $((i % 2)) -eq 1 ]; then
      $ghfn "$i"; g=$LAST_T; g_rss=$LAST_RSS; gc="${LAST_RT:-}/${LAST_REQ:-}/${LAST_CONN:-}"
      $skfn "$i"; s=$LAST_T; s_rss=$LAST_RSS; sc="${LAST_RT:-}/${LAST_REQ:-}/${LAST_CONN:-}"
    else
      $skfn "$i"; s=$LAST_T; s_rss=$LAST_RSS; sc="${LAST_RT:-}/${LAST_REQ:-}/${LAST_CONN:-}"
      $ghfn "$i"; g=$LAST_T; g_rss=$LAST_RSS; gc="${LAST_RT:-}/${LAST_REQ:-}/${LAST_CONN:-}"
    fi
    gts+=("$g"); [ "$g_rss" -gt "$grss" ] && grss=$g_rss
    sts+=("$s"); [ "$s_rss" -gt "$srss" ] && srss=$s_rss
    gcounts+=("$g $gc"); scounts+=("$s $sc")
    printf '%s\t%s\tghcr-cli\t%s\t%s\n%s\t%s\tskopeo\t%s\t%s\n' \
      "$name" "$i" "$g" "$g_rss" "$name" "$i" "$s" "$s_rss" >> "$RAW"
    ratios+=("$(awk -v g="$g" -v s="$s" 'BEGIN { printf "%.4f", g / s }')")
  done
  local gm sm rm
  gm=$(printf '%s\n' "${gts[@]}" | median); sm=$(printf '%s\n' "${sts[@]}" | median)
  rm=$(printf '%s\n' "${ratios[@]}" | median)
  if [ "${MEASURE:-0}" -eq 1 ]; then
    # The counts of each tool's median run (the lower middle one for an even count).
    local gmc smc
    gmc=$(printf '%s\n' "${gcounts[@]}" | sort -g | sed -n "$(( (pairs + 1) / 2 ))p" | cut -d' ' -f2)
    smc=$(printf '%s\n' "${scounts[@]}" | sort -g | sed -n "$(( (pairs + 1) / 2 ))p" | cut -d' ' -f2)
    LAT_RESULTS+=("$(printf '%-40s %8.3f %8.3f %7.3f  %-7s %14s %14s' "$name" "$gm" "$sm" "$rm" "$target" "$gmc" "$smc")")
    echo "    $name: ghcr-cli $gm s ($gmc), skopeo $sm s ($smc), ratio $rm (${pairs} pairs)" >&2
    return
  fi
  RESULTS+=("$(printf '%-38s %9.3f %9.3f %8.3f  %-8s %8.1f %8.1f' "$name" "$gm" "$sm" "$rm" "$target" \
    "$(awk -v k="$grss" 'BEGIN { print k / 1024 }')" "$(awk -v k="$srss" 'BEGIN { print k / 1024 }')")")
  echo "    $name: ghcr-cli $gm s, skopeo $sm s, ratio $rm (${pairs} pairs)" >&2
}

# floor_row NAME LIST FN: runs FN (no arguments) once to warm up, then PAIRS times, and adds a
# row to LIST (RESULTS or LAT_RESULTS) with FN's median time in the ghcr-cli column and its
# ratio to the case above it left blank: what the registry itself needs for the same requests,
# or ghcr-cli without the delay. A target below such a floor cannot be met on this machine by
# any client that sends those requests.
floor_row() {
  local name=$1 list=$2 fn=$3 i times=()
  $fn > /dev/null
  for i in $(seq 1 "$PAIRS_FLOOR"); do
    times+=("$($fn)")
    printf '%s\t%s\tfloor\t%s\t0\n' "$name" "$i" "${times[-1]}" >> "$RAW"
  done
  local m; m=$(printf '%s\n' "${times[@]}" | median)
  echo "    $name: $m s" >&2
  if [ "$list" = LAT_RESULTS ]; then
    LAT_RESULTS+=("$(printf '%-40s %8.3f' "$name" "$m")")
  else
    RESULTS+=("$(printf '%-38s %9.3f' "$name" "$m")")
  fi
}
# seconds CMD...: runs CMD, prints its wall time (a failed CMD fails the benchmark: a floor
# of requests that were refused would be no floor).
seconds() {
  local start end
  start=$(date +%s%N)
  "$@" > /dev/null 2>&1 || { echo "error: $* failed" >&2; return 1; }
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
# curl_parallel FILE: runs the requests of a curl config file, N at once ($CURL_AT_ONCE);
# any answer of 400 or more fails it.
curl_parallel() { curl -s --fail --parallel --parallel-max "$CURL_AT_ONCE" -K "$1"; }

# ---- the cases ----
# GH_JOBS: ghcr-cli's parallel transfers (default: its own default of 16).
# GH_PULL_ARGS: more arguments for ghcr-cli pull (the ranged case's --ranges N).
# shellcheck disable=SC2086
gh_pull() { rm -rf "$work/ghpull"; GHCR_CLI_STORE=$work/ghpull run "$GH" -q ${GH_JOBS:+-j "$GH_JOBS"} pull "$REG/seed/$IMG:1" ${GH_PULL_ARGS:-}; rm -rf "$work/ghpull"; }
sk_pull() { rm -rf "$work/skpull"; clear_skopeo_cache; run skopeo copy -q --src-tls-verify=false "docker://$REG/seed/$IMG:1" "oci:$work/skpull:latest"; rm -rf "$work/skpull"; }
gh_push() {
  local repo="gh-$IMG-$1-$RANDOM"
  rm -f "$GHCR_CLI_STORE/sources.log"   # no mounts: every blob is uploaded
  "$GH" -q tag "$SRC_REG/src/$IMG:$GH_SRC_TAG" "$REG/$repo/img:1" > /dev/null
  run "$GH" -q ${GH_JOBS:+-j "$GH_JOBS"} push "$REG/$repo/img:1"
}
sk_push() { clear_skopeo_cache; run skopeo copy -q --dest-tls-verify=false "oci:$work/img/$IMG:latest" "docker://$REG/sk-$IMG-$1-$RANDOM/img:1"; }
gh_again() {
  "$GH" -q tag "$SRC_REG/src/$IMG:$GH_SRC_TAG" "$REG/again-gh/$IMG:1" > /dev/null
  run "$GH" -q push "$REG/again-gh/$IMG:1"
}
sk_again() { run skopeo copy -q --dest-tls-verify=false "oci:$work/img/$IMG:latest" "docker://$REG/again-sk/$IMG:1"; }

if [ "$LOOPBACK" -eq 1 ]; then
echo "==> running (A = ghcr-cli, B = skopeo, alternating)" >&2
if want core || want pull; then
IMG=4x64 bench_case "pull 4 x 64 MiB into an empty store" "<=0.6" "$PAIRS" gh_pull sk_pull
fi
if want core; then
IMG=4x64 bench_case "push 4 x 64 MiB to a new repository" "<=0.85" "$PAIRS" gh_push sk_push

# The registry's own limit: the same four blobs uploaded by four parallel curls.
curl_push() {
  local repo="curl-$RANDOM$RANDOM" f pids=()
  local start end
  start=$(date +%s%N)
  for f in "$work"/img/4x64/blobs/sha256/*; do
    [ "$(stat -c%s "$f")" -gt 1000000 ] || continue
    (
      loc=$(curl -s -D - -o /dev/null -X POST "http://$REG/v2/$repo/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
      case $loc in http*) ;; *) loc="http://$REG$loc" ;; esac
      case $loc in *\?*) sep='&' ;; *) sep='?' ;; esac
      curl -s -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$f" "${loc}${sep}digest=sha256:$(basename "$f")"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"   # not a bare `wait`: the registry is a background job of this shell too
  end=$(date +%s%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
curl_push > /dev/null
CURL_TIMES=(); GH_VS_CURL=()
for i in $(seq 1 "$PAIRS"); do
  IMG=4x64 gh_push "c$i"; g=$LAST_T
  c=$(curl_push); CURL_TIMES+=("$c")
  GH_VS_CURL+=("$(awk -v g="$g" -v c="$c" 'BEGIN { printf "%.4f", g / c }')")
done
CURL_MED=$(printf '%s\n' "${CURL_TIMES[@]}" | median)
GH_CURL_RATIO=$(printf '%s\n' "${GH_VS_CURL[@]}" | median)
RESULTS+=("$(printf '%-38s %9s %9.3f %8.3f  %-8s' "  ... vs parallel curl (curl time)" "" "$CURL_MED" "$GH_CURL_RATIO" "<=1.15")")

IMG=200x1 bench_case "push 200 x 1 KiB layers" "<=0.25" "$PAIRS" gh_push sk_push
IMG=200x1 bench_case "pull 200 x 1 KiB layers" "<=0.5" "$PAIRS" gh_pull sk_pull
# At equal parallelism: skopeo pushes from an oci: source one blob at a time, pulls 6 at once.
GH_JOBS=1 IMG=4x64 bench_case "push 4 x 64 MiB, ghcr-cli -j 1" "(equal)" "$PAIRS" gh_push sk_push
GH_JOBS=1 IMG=200x1 bench_case "push 200 x 1 KiB, ghcr-cli -j 1" "(equal)" "$PAIRS" gh_push sk_push
GH_JOBS=6 IMG=4x64 bench_case "pull 4 x 64 MiB, ghcr-cli -j 6" "(equal)" "$PAIRS" gh_pull sk_pull
GH_JOBS=6 IMG=200x1 bench_case "pull 200 x 1 KiB, ghcr-cli -j 6" "(equal)" "$PAIRS" gh_pull sk_pull
IMG=4x64 gh_again warmup; IMG=4x64 sk_again warmup
IMG=4x64 bench_case "push again, everything already there" "<=1.0" "$PAIRS" gh_again sk_again
prepare 1g 1 $((1024 * 1024 * 1024)) 13
IMG=1g bench_case "push one 1 GiB layer" "RSS<=32M" "$BIG_PAIRS" gh_push sk_push
IMG=1g bench_case "pull one 1 GiB layer" "RSS<=32M" "$BIG_PAIRS" gh_pull sk_pull
fi
if want sync; then . scripts/bench_sync.sh; fi
if want ranged; then
  RANGED_MIB=${GHCR_BENCH_RANGED_MIB:-64}
  RANGED_RATE=${GHCR_BENCH_RANGED_RATE:-$((8 * 1024 * 1024))}
  RANGED_N=${GHCR_BENCH_RANGES:-4}
  prepare ranged 1 $((RANGED_MIB * 1024 * 1024)) 16
  python3 scripts/latency_proxy.py 0 "$REG" 2 "$work/ranged-stats.json" "$RANGED_RATE" > "$work/ranged-port" &
  RANGED_PROXY_PID=$!
  for i in $(seq 1 200); do [ -s "$work/ranged-port" ] && break; sleep 0.05; done
  THROTTLED=127.0.0.1:$(cat "$work/ranged-port")
  echo "==> throttling proxy at $THROTTLED: $RANGED_RATE bytes/s per connection in front of $REG" >&2
  ranged_plain() { REG=$THROTTLED IMG=ranged gh_pull "$1"; }
  ranged_split() { REG=$THROTTLED IMG=ranged GH_PULL_ARGS="--ranges $RANGED_N" gh_pull "$1"; }
  ranged_skopeo() { REG=$THROTTLED IMG=ranged sk_pull "$1"; }
  RANGED_TOOLS=(ranged_plain ranged_split ranged_skopeo)
  declare -A R_TIMES=() R_RSS=([ranged_plain]=0 [ranged_split]=0 [ranged_skopeo]=0)
  R_SPLIT_VS_PLAIN=(); R_PLAIN_VS_SK=(); R_SPLIT_VS_SK=()
  ranged_plain warmup; ranged_split warmup; ranged_skopeo warmup
  for i in $(seq 1 "$BIG_PAIRS"); do
    declare -A T=()
    # Each run starts the rotation one tool later: no tool always goes first.
    for k in 0 1 2; do
      tool=${RANGED_TOOLS[$(( (i + k) % 3 ))]}
      $tool "$i"; T[$tool]=$LAST_T
      R_TIMES[$tool]="${R_TIMES[$tool]:-} $LAST_T"
      [ "$LAST_RSS" -gt "${R_RSS[$tool]}" ] && R_RSS[$tool]=$LAST_RSS
      printf '%s\t%s\t%s\t%s\t%s\n' "ranged" "$i" "$tool" "$LAST_T" "$LAST_RSS" >> "$RAW"
    done
    R_SPLIT_VS_PLAIN+=("$(awk -v a="${T[ranged_split]}" -v b="${T[ranged_plain]}" 'BEGIN { printf "%.4f", a / b }')")
    R_PLAIN_VS_SK+=("$(awk -v a="${T[ranged_plain]}" -v b="${T[ranged_skopeo]}" 'BEGIN { printf "%.4f", a / b }')")
    R_SPLIT_VS_SK+=("$(awk -v a="${T[ranged_split]}" -v b="${T[ranged_skopeo]}" 'BEGIN { printf "%.4f", a / b }')")
  done
  r_med() { printf '%s\n' $1 | median; }
  r_mib() { awk -v k="$1" 'BEGIN { print k / 1024 }'; }
  RP=$(r_med "${R_TIMES[ranged_plain]}"); RS=$(r_med "${R_TIMES[ranged_split]}"); RK=$(r_med "${R_TIMES[ranged_skopeo]}")
  link=$(awk -v r="$RANGED_RATE" 'BEGIN { if (r > 0) print "at " r / 1048576 " MiB/s/conn"; else print "unthrottled" }')
  RESULTS+=("$(printf '%-38s %9.3f %9.3f %8.3f  %-8s %8.1f %8.1f' "pull $RANGED_MIB MiB $link" "$RP" "$RK" \
    "$(r_med "${R_PLAIN_VS_SK[*]}")" "" "$(r_mib "${R_RSS[ranged_plain]}")" "$(r_mib "${R_RSS[ranged_skopeo]}")")")
  RESULTS+=("$(printf '%-38s %9.3f %9.3f %8.3f  %-8s %8.1f %8.1f' "  ... ghcr-cli --ranges $RANGED_N" "$RS" "$RK" \
    "$(r_med "${R_SPLIT_VS_SK[*]}")" "" "$(r_mib "${R_RSS[ranged_split]}")" "$(r_mib "${R_RSS[ranged_skopeo]}")")")
  RESULTS+=("$(printf '%-38s %9s %9s %8.3f  %-8s' "  ... --ranges $RANGED_N / without" "" "" "$(r_med "${R_SPLIT_VS_PLAIN[*]}")" "<1.0")")
  echo "    ranged: ghcr-cli $RP s, --ranges $RANGED_N $RS s, skopeo $RK s ($BIG_PAIRS runs each)" >&2
fi
fi

# ---- the latency mode: the same registry behind the delaying proxy ----
if [ -n "$LATENCY_MS" ]; then
  PROXY_STATS=$work/proxy-stats.json
  python3 scripts/latency_proxy.py 0 "$REG" "$LATENCY_MS" "$PROXY_STATS" > "$work/proxy-port" &
  PROXY_PID=$!
  for i in $(seq 1 200); do [ -s "$work/proxy-port" ] && break; sleep 0.05; done
  SLOW=127.0.0.1:$(cat "$work/proxy-port")
  echo "==> latency proxy at $SLOW: $LATENCY_MS ms each way in front of $REG" >&2
  # A multi-platform image: an index of two images of 8 x 256 KiB layers.
  echo "==> generating multi" >&2
  make_image "$work/img/multi-amd64" 8 $((256 * 1024)) 14 amd64
  make_image "$work/img/multi-arm64" 8 $((256 * 1024)) 15 arm64
  mkdir -p "$work/img/multi/blobs/sha256"
  cp "$work/img/multi-amd64/blobs/sha256/"* "$work/img/multi-arm64/blobs/sha256/"* "$work/img/multi/blobs/sha256/"
  entries=""
  for arch in amd64 arm64; do
    m=$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$work/img/multi-$arch/index.json")
    entries+="${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$m\",\"size\":$(stat -c%s "$work/img/multi/blobs/sha256/$m"),\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$entries" > "$work/multi-index"
  mi=$(sha256sum "$work/multi-index" | cut -d' ' -f1); cp "$work/multi-index" "$work/img/multi/blobs/sha256/$mi"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$work/img/multi/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
    "$mi" "$(stat -c%s "$work/multi-index")" > "$work/img/multi/index.json"
  skopeo copy -q --all --dest-tls-verify=false "oci:$work/img/multi:latest" "docker://$REG/seed/multi:1"
  # The repeated pushes' repositories get everything first, directly.
  "$GH" -q tag "$REG/src/200x1:latest" "$REG/again-gh/200x1:1" > /dev/null
  "$GH" -q push "$REG/again-gh/200x1:1" > /dev/null
  skopeo copy -q --dest-tls-verify=false "oci:$work/img/200x1:latest" "docker://$REG/again-sk/200x1:1"

  gh_copy() { run "$GH" -q copy "$REG/seed/multi:1" "$REG/gh-multi-$1-$RANDOM/img:1"; }
  sk_copy() { clear_skopeo_cache; run skopeo copy -q --all --src-tls-verify=false --dest-tls-verify=false "docker://$REG/seed/multi:1" "docker://$REG/sk-multi-$1-$RANDOM/img:1"; }

  LAT_PAIRS=$(( PAIRS < 3 ? PAIRS : 3 ))
  echo "==> running behind the latency proxy (A = ghcr-cli, B = skopeo, alternating)" >&2
  PAIRS_FLOOR=$LAT_PAIRS
  REG=$SLOW MEASURE=1 IMG=200x1 bench_case "pull 200 x 1 KiB layers" "<=0.5s" "$LAT_PAIRS" gh_pull sk_pull
  # Floors for the two small-blob cases, with no delay: the registry answering the pull's
  # blob GETs alone (one curl, 64 at once: ghcr-cli's ceiling), and ghcr-cli itself.
  # The layout's blobs but its manifest: the 200 layers and the config.
  top=$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$work/img/200x1/index.json")
  for f in "$work"/img/200x1/blobs/sha256/*; do
    [ "$(basename "$f")" = "$top" ] && continue
    printf 'url = "http://%s/v2/seed/200x1/blobs/sha256:%s"\noutput = /dev/null\n' "$REG" "$(basename "$f")"
  done > "$work/floor-pull.curl"
  floor_pull_curl() { CURL_AT_ONCE=64 seconds curl_parallel "$work/floor-pull.curl"; }
  floor_pull_gh() { IMG=200x1 gh_pull floor > /dev/null; echo "$LAST_T"; }
  floor_push_gh() { IMG=200x1 gh_push "floor$(date +%s%N)" > /dev/null; echo "$LAST_T"; }
  floor_row "  ... its blob GETs by curl, no delay" LAT_RESULTS floor_pull_curl
  floor_row "  ... ghcr-cli with no delay" LAT_RESULTS floor_pull_gh
  REG=$SLOW MEASURE=1 IMG=200x1 bench_case "push 200 x 1 KiB layers" "<=0.6s" "$LAT_PAIRS" gh_push sk_push
  floor_row "  ... ghcr-cli with no delay" LAT_RESULTS floor_push_gh
  REG=$SLOW MEASURE=1 IMG=200x1 bench_case "push again, everything already there" "<=0.05x" "$LAT_PAIRS" gh_again sk_again
  REG=$SLOW MEASURE=1 IMG=4x64 bench_case "pull 4 x 64 MiB into an empty store" "" "$LAT_PAIRS" gh_pull sk_pull
  REG=$SLOW MEASURE=1 bench_case "copy a 2-platform image (16 x 256 KiB)" "" "$LAT_PAIRS" gh_copy sk_copy
fi

echo
echo "ghcr-cli $("$GH" --version | cut -d' ' -f2-) vs $(skopeo --version), $(nproc) cores, $PAIRS pairs"
if [ "$LOOPBACK" -eq 1 ]; then
  # Start-up: the median of 21 runs of --version.
  VERS=()
  for i in $(seq 1 21); do run "$GH" --version; VERS+=("$LAST_T"); done
  VMED=$(printf '%s\n' "${VERS[@]}" | median)

  # The hashing path on its own.
  # (Only with the core cases: it builds the release tests.)
  HASH=""
  if want core; then
    HASH=$(cargo test --locked --release --lib --quiet -- --ignored --nocapture sha256_throughput 2>/dev/null | grep '^sha256:' || true)
  fi

  echo "${HASH:-sha256: (throughput test did not run)}"
  printf '%-38s %9s %9s %8s  %-8s %8s %8s\n' "case" "ghcr (s)" "skopeo" "ratio" "target" "RSS ghcr" "skopeo"
  printf '%-38s %9s %9s %8s  %-8s %8s %8s\n' "" "median" "median" "median" "" "MiB" "MiB"
  for r in "${RESULTS[@]}"; do echo "$r"; done
  printf '%-38s %9.4f %9s %8s  %-8s\n' "ghcr-cli --version" "$VMED" "" "" "<=0.005"
  echo "ghcr-cli starts at 16 transfers in flight and grows for small blobs up to 64 (-j caps it);"
  echo "skopeo reads an oci: source one blob at a time (its pushes here are serial) and pulls up to"
  echo "6 at once: the -j rows compare at equal parallelism."
fi
if [ -n "$LATENCY_MS" ]; then
  echo
  echo "behind the latency proxy: $LATENCY_MS ms each way ($((2 * LATENCY_MS)) ms round trips); counts are"
  echo "sequential round trips / requests / connections of each tool's median run"
  printf '%-40s %8s %8s %7s  %-7s %14s %14s\n' "case" "ghcr (s)" "skopeo" "ratio" "target" "ghcr rt/req/c" "skopeo"
  for r in "${LAT_RESULTS[@]}"; do echo "$r"; done
fi
echo "raw timings: $RAW"
