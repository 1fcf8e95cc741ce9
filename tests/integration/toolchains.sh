#!/usr/bin/env bash
# toolchains.sh - one seed of tests/data/short.yaml played by a gcc -O0
# build and by a clang -O2 build of every process: the exercise is the same
# whatever compiled it.
#
# The two builds are not the one under test (which ctest never rebuilds):
# scripts/test makes them and names their build directories in
#   WG_BUILD_GCC_O0    gcc, CMAKE_BUILD_TYPE=Debug (-O0)
#   WG_BUILD_CLANG_O2  clang, RelWithDebInfo or Release (-O2 and up)
# Without them (a plain ctest) the test exits 77, which ctest reports as
# skipped, and says why. Each build's CMakeCache.txt must say the compiler
# and build type it is named for.
#
# Compared: the two logs, byte for byte after the header (the header's
# start time and writer are metadata; docs/LOG-FORMAT.md, "The order of
# records"), with tests/tools/wg_log_compare.py; every TurnResult's
# state_digest, in order (wg-log dump), which says the first turn where
# they part when they do; the turn lines and the summary. Each log must
# verify and check under the build under test too (a third compiler,
# re-adjudicating).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

skip() {
    echo "SKIP: $*"
    exit 77
}
A=${WG_BUILD_GCC_O0:-}
B=${WG_BUILD_CLANG_O2:-}
[ -n "$A" ] && [ -n "$B" ] ||
    skip "WG_BUILD_GCC_O0 and WG_BUILD_CLANG_O2 not set (scripts/test builds them)"
for d in "$A" "$B"; do
    for b in wg-adjudicator wg-command wg-contingent; do
        [ -x "$d/workers/$b" ] || skip "no $d/workers/$b"
    done
done
command -v jq >/dev/null || skip "no jq"

wg_init toolchains
PY=$(wg_python) || wg_abort "no python3"
SEED=8086

# cache DIR KEY: the value of KEY in DIR's CMakeCache.txt.
cache() {
    sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt" 2>/dev/null | head -1
}
ca=$(cache "$A" CMAKE_C_COMPILER) ta=$(cache "$A" CMAKE_BUILD_TYPE)
cb=$(cache "$B" CMAKE_C_COMPILER) tb=$(cache "$B" CMAKE_BUILD_TYPE)
# An empty type is CMakeLists.txt's default, RelWithDebInfo (-O2 -g).
tb=${tb:-RelWithDebInfo}
echo "a: $ca, $ta ($A)"
echo "b: $cb, $tb ($B)"
case "$ca" in *gcc* | */cc) ;; *) fail "$A is not a gcc build ($ca)" ;; esac
[ "$ta" = Debug ] || fail "$A is not a Debug (-O0) build ($ta)"
case "$cb" in *clang*) ;; *) fail "$B is not a clang build ($cb)" ;; esac
case "$tb" in RelWithDebInfo | Release) ;; *) fail "$B is not an -O2 build ($tb)" ;; esac

digests() {
    "$WG_BIN/wg-log" dump "$1" |
        jq -r 'select(.result != null) | "\(.turn) \(.result.state_digest)"'
}

under_test=$WG_BIN
for run in a b; do
    if [ $run = a ]; then WG_BIN="$A/workers"; else WG_BIN="$B/workers"; fi
    wg_play $run "$WG_SHORT" --seed $SEED --log "$WG_TMP/$run.wglog" \
        --lobby-timeout 20000
    WG_BIN=$under_test
    wg_check_turn_lines "$WG_TMP/$run/adjudicator.out" 14
    digests "$WG_TMP/$run.wglog" >"$WG_TMP/$run.digests"
    wg_expect_exit 0 "$WG_TMP/$run.verify" "$WG_BIN/wg-log" verify \
        "$WG_TMP/$run.wglog"
    wg_expect_exit 0 "$WG_TMP/$run.check" "$WG_BIN/wg-log" check \
        "$WG_TMP/$run.wglog"
done

"$PY" "$WG_SOURCE_DIR/tests/tools/wg_log_compare.py" "$WG_TMP/a.wglog" \
    "$WG_TMP/b.wglog" >"$WG_TMP/compare" 2>&1
st=$?
cat "$WG_TMP/compare"
[ $st -eq 0 ] || fail "the gcc -O0 and clang -O2 logs differ after the header (exit $st)"

n=$(wc -l <"$WG_TMP/a.digests")
[ "$n" -eq 14 ] || fail "gcc -O0: $n state digests, wanted 14"
if cmp -s "$WG_TMP/a.digests" "$WG_TMP/b.digests"; then
    echo "$n state digests identical; the last: $(tail -1 "$WG_TMP/a.digests")"
else
    fail "the state digests differ between gcc -O0 and clang -O2"
    diff "$WG_TMP/a.digests" "$WG_TMP/b.digests" | head -6
fi
# The turn lines and the summary (but for the count of rejected messages,
# which counts what arrived, not what was decided).
printed() { grep -v 'rejected messages' "$1"; }
if [ "$(printed "$WG_TMP/a/adjudicator.out")" != "$(printed "$WG_TMP/b/adjudicator.out")" ]; then
    fail "the printed exercise differs between gcc -O0 and clang -O2"
    diff <(printed "$WG_TMP/a/adjudicator.out") \
        <(printed "$WG_TMP/b/adjudicator.out") | head -6
fi
wg_done
