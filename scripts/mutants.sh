#!/usr/bin/env bash
# Mutation testing of the code that guards security and integrity: store blobs and index,
# registry discovery, authorization, token flow, redirects and retries, trace redaction,
# credentials, reference parsing and archive reading. Each mutant runs the unit tests and the
# integration suite (real registries); a mutant that survives is a change to a guard that no
# test notices. Not part of CI (it takes the better part of an hour on 2 cores).
#
# Mutants that cannot change behaviour are listed in scripts/mutants-exclude.txt, one regular
# expression per line with the reason after `#`.
#
# usage: scripts/mutants.sh [extra cargo-mutants args]     (--list to only list them)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_rust
command -v cargo-mutants >/dev/null 2>&1 || cargo install --locked cargo-mutants

files=(
  src/store/blobs.rs
  src/digest.rs
  src/http/mod.rs
  src/http/retry.rs
  src/http/redact.rs
  src/http/error.rs
  src/registry/discovery.rs
  src/registry/token.rs
  src/registry/transport.rs
  src/registry/manifests.rs
  src/registry/blobs.rs
  src/registry/realm.rs
  src/reference.rs
)
# Within those files, the functions that guard something (cargo-mutants matches names): the
# digest and size checks on every byte stored or served, which bytes a ranged blob GET got,
# discovery's plain-HTTP rule, the Authorization and token flow and the origins they may go
# to, the retry policy, redaction.
guards='(BlobWriter|commit|matches|discover|send|authorization|fetch_token|follow|execute_retrying|retryable|retry_after|backoff|is_transient|classify|get_manifest|put_manifest|get_small_blob|get_blob|content_range_start|read_capped|redact|may_send|realm|is_loopback_host|url|text|header)'

# MUTANTS_GUARDS=REGEX narrows the run to some of them (a run of all takes hours on 2 cores).
guards=${MUTANTS_GUARDS:-$guards}

args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
args+=(--re "$guards")
while IFS= read -r line; do
  re=${line%%#*}
  re=$(echo "$re" | sed 's/[[:space:]]*$//')
  [ -n "$re" ] && args+=(--exclude-re "$re")
done < scripts/mutants-exclude.txt

out=${MUTANTS_OUT:-target/mutants}
mkdir -p "$out"
status=0
cargo mutants --no-shuffle --timeout 300 --output "$out" "${args[@]}" "$@" -- --lib --test it || status=$?
if [ -f "$out/mutants.out/outcomes.json" ]; then
  echo "==> summary"
  for kind in caught missed timeout unviable; do
    f="$out/mutants.out/$kind.txt"
    printf '%-9s %s\n' "$kind" "$( [ -f "$f" ] && wc -l < "$f" || echo 0)"
  done
  if [ -s "$out/mutants.out/missed.txt" ]; then
    echo "==> surviving mutants (kill each with a test, or explain it in scripts/mutants-exclude.txt):"
    cat "$out/mutants.out/missed.txt"
  fi
fi
exit "$status"
