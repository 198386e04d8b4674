#!/usr/bin/env bash
# Mutation testing of the code that guards security and integrity: store blobs and index,
# registry discovery, authorization, token flow, redirects and retries, trace redaction,
# credentials, reference parsing and archive reading. Each mutant runs the unit tests and the
# integration suite (real registries); a mutant that survives is a change to a guard that no
# test notices. Not part of CI (it takes one to two hours on 2 cores).
#
# Two passes, to fit 2 cores: every mutant first runs the unit tests (a build and a few
# seconds each); only those the unit tests miss then run the unit tests and the integration
# suite. A mutant counts as caught when either pass catches it, and as missed only when it
# survives the whole suite.
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
  src/store/index.rs
  src/oci/digest.rs
  src/oci/reference.rs
  src/formats/archive.rs
  src/credentials/docker.rs
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
)
# Within those files, the functions that guard something (cargo-mutants matches names): the
# digest and size checks on every byte stored or served; the store's index (names kept,
# replaced and removed exactly, a missing index only in a missing store); which bytes a
# ranged blob GET got; reference parsing (what a name may hold, which hosts are loopback);
# archive paths that must stay inside their directory; Docker config keys and auth decoding;
# discovery's plain-HTTP rule; the Authorization and token flow and the origins they may go
# to; the retry policy; redaction.
guards='(BlobWriter|commit|set_tag|remove_tag|read_index|write_index|entries|Store::get|matches|from_str|hash_file|parse|validate_host|validate_path|validate_component|validate_tag|is_host|canonical_registry|api_host|host_without_port|entry_path|link_target|extract|key_host|decode_auth|helper_for|auth_for|discover|send|authorization|fetch_token|follow|execute_retrying|retryable|retry_after|backoff|is_transient|classify|get_manifest|put_manifest|get_small_blob|get_blob|content_range_start|read_capped|redact|may_send|realm|is_loopback_host|url|text|header)'

# MUTANTS_GUARDS=REGEX narrows the run to some of them; MUTANTS_OUT=DIR (default
# target/mutants) keeps the results.
guards=${MUTANTS_GUARDS:-$guards}

args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
excludes=()
while IFS= read -r line; do
  re=${line%%#*}
  re=$(echo "$re" | sed 's/[[:space:]]*$//')
  [ -n "$re" ] && excludes+=(--exclude-re "$re")
done < scripts/mutants-exclude.txt

out=${MUTANTS_OUT:-target/mutants}
mkdir -p "$out"
count() { [ -f "$1" ] && wc -l < "$1" || echo 0; }

status=0
# MUTANTS_PASS2_ONLY=1 keeps pass 1's results in $out/unit and runs pass 2 alone (after adding
# tests for what pass 1 found).
if [ "${MUTANTS_PASS2_ONLY:-0}" != 1 ]; then
  echo "==> pass 1: every mutant against the unit tests" >&2
  cargo mutants --no-shuffle --timeout 300 --output "$out/unit" "${args[@]}" --re "$guards" \
    "${excludes[@]}" "$@" -- --lib || status=$?
fi
unit=$out/unit/mutants.out
[ -f "$unit/outcomes.json" ] || exit "$status"
case " $* " in *" --list "*) exit "$status" ;; esac

# The mutants the unit tests missed, by their names (regex-escaped, any line and column: the
# tree may have changed since pass 1, tests added for what it found). A mutant that made the
# unit tests hang (a timeout) did not pass them: it counts as caught and is not re-run.
survivors=$(sed -e 's/[][\.*^$()+?{}|]/\\&/g' -e 's/^\([^:]*\):[0-9]*:[0-9]*:/\1:[0-9]+:[0-9]+:/' \
  "$unit/missed.txt" 2>/dev/null | paste -sd'|' -)
full=$out/full/mutants.out
rm -rf "$out/full"
if [ -n "$survivors" ]; then
  echo "==> pass 2: $(count "$unit/missed.txt") survivors against the whole suite" >&2
  status=0
  cargo mutants --no-shuffle --timeout 300 --output "$out/full" "${args[@]}" --re "^($survivors)\$" "${excludes[@]}" \
    "$@" -- --lib --test it || status=$?
fi

echo "==> summary"
tested=$(( $(count "$unit/caught.txt") + $(count "$unit/missed.txt") + $(count "$unit/timeout.txt") + $(count "$unit/unviable.txt") ))
printf '%-22s %s\n' "mutants tested" "$tested"
printf '%-22s %s\n' "caught by unit tests" "$(count "$unit/caught.txt")"
printf '%-22s %s\n' "hung the unit tests" "$(count "$unit/timeout.txt")"
printf '%-22s %s\n' "caught by the suite" "$(count "$full/caught.txt")"
printf '%-22s %s\n' "missed" "$(count "$full/missed.txt")"
printf '%-22s %s\n' "timeout" "$(count "$full/timeout.txt")"
printf '%-22s %s\n' "unviable" "$(count "$unit/unviable.txt")"
if [ -s "$full/missed.txt" ]; then
  echo "==> surviving mutants (kill each with a test, or explain it in scripts/mutants-exclude.txt):"
  cat "$full/missed.txt"
fi
exit "$status"
