#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SEED_CORPUS SECONDS [WORK_CORPUS]
#
# Runs one libFuzzer target (tests/fuzz/CMakeLists.txt builds fuzz-*) for
# SECONDS from the checked-in SEED_CORPUS, which it never writes: new inputs
# go to WORK_CORPUS (kept, for scripts/fuzz) or to a temporary directory
# (removed, for ctest). Fails on a crash, a leak, an input that takes over
# 10 s (a hang), more than 2 GB of memory, or a finding (a disagreement
# the target aborts on); the input is then kept and its path and base64
# printed, so that a CI log is enough to replay it
# (`fuzz-replay-TARGET FILE`). Prints "TARGET: N executions in S s".
set -uo pipefail

fuzzer="$1" seeds="$2" seconds="$3" work="${4:-}"
name="$(basename "$fuzzer")"
name="${name#fuzz-}"
[ -x "$fuzzer" ] || { echo "$fuzzer: not built" >&2; exit 2; }
[ -d "$seeds" ] || { echo "$seeds: no seed corpus" >&2; exit 2; }

tmp="$(mktemp -d "${TMPDIR:-/tmp}/wg-fuzz-$name-XXXXXX")"
if [ -z "$work" ]; then
    work="$tmp/corpus"
    keep_tmp=0
else
    keep_tmp=1
fi
mkdir -p "$work" "$tmp/artifacts"

# stdin from /dev/null: an input naming /dev/stdin as a file to load
# must not wait on a terminal. -timeout: an input that takes 10 s is a hang.
"$fuzzer" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$tmp/artifacts/" </dev/null >"$tmp/out" 2>&1
rc=$?

runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/out" | tail -1)"
time="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$tmp/out" | tail -1)"
if [ $rc -ne 0 ] || ls "$tmp"/artifacts/* >/dev/null 2>&1; then
    tail -n 60 "$tmp/out" >&2
    for a in "$tmp"/artifacts/*; do
        [ -f "$a" ] || continue
        echo "$name: the input is $a; in base64:" >&2
        base64 -w 76 "$a" | head -c 65536 >&2
        echo >&2
    done
    echo "$name: FAILED (exit $rc) after ${runs:-?} executions" >&2
    exit 1
fi
echo "$name: ${runs:-?} executions in ${time:-$seconds} s"
[ $keep_tmp -eq 0 ] && rm -rf "$tmp"
[ $keep_tmp -eq 1 ] && rm -rf "$tmp/out" "$tmp/artifacts" && rmdir "$tmp" 2>/dev/null
exit 0
