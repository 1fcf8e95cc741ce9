#!/usr/bin/env bash
# golden.sh - the golden-file rule (tests/data/golden/README.md): every
# build must still read and verify tests/data/golden/short-v2.wglog, a
# tests/data/short.yaml exercise recorded by the build that introduced log
# format version 2. wg-log info: format_version 2, 179 records, 14 turn
# results, a clean tail, no corrupt record; wg-log dump: every record
# decodes (exit 0, 179 lines); wg-log check: its frames and chain good;
# wg-log verify: exit 0, "identical" (the current rules re-adjudicate it to
# the same records and hash chain), or refused by name under other rules.
# The same for the format-3 golden log of the build's rules version.
# If this fails, read the README before re-recording anything.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init golden
LOG_TOOL="$WG_BIN/wg-log"
golden="$WG_SOURCE_DIR/tests/data/golden/short-v2.wglog"
[ -s "$golden" ] || wg_abort "no $golden"

timeout 60 "$LOG_TOOL" info "$golden" >"$WG_TMP/info" 2>"$WG_TMP/info.err"
st=$?
cat "$WG_TMP/info"
[ $st -eq 0 ] || fail "wg-log info exited $st: $(head -2 "$WG_TMP/info.err")"
field() { sed -n "s/^$1: *//p" "$WG_TMP/info"; }
[ "$(field format_version)" = 2 ] || fail "format_version $(field format_version), wanted 2"
[ "$(field records)" = 179 ] || fail "records $(field records), wanted 179"
[ "$(field turn_results)" = 14 ] || fail "turn_results $(field turn_results), wanted 14"
[ "$(field tail)" = clean ] || fail "tail: $(field tail), wanted clean"
[ "$(field corrupt)" = 0 ] || fail "corrupt: $(field corrupt), wanted 0"

timeout 60 "$LOG_TOOL" dump "$golden" >"$WG_TMP/dump" 2>"$WG_TMP/dump.err"
st=$?
[ $st -eq 0 ] || fail "wg-log dump exited $st: $(head -2 "$WG_TMP/dump.err")"
[ "$(grep -c '^{"offset":' "$WG_TMP/dump")" -eq 179 ] ||
    fail "wg-log dump printed $(wc -l <"$WG_TMP/dump") records, wanted 179"
grep -q '"error":' "$WG_TMP/dump" && fail "wg-log dump found records that do not decode"
# Its frames and its own (format-2) chain, without re-adjudicating.
timeout 60 "$LOG_TOOL" check "$golden" >"$WG_TMP/check" 2>&1 ||
    fail "wg-log check $golden: $(cat "$WG_TMP/check")"

# Verified while the build plays the rules it was recorded under (a
# format-2 log: rules 1); once WG_RULES_VERSION is bumped, refused by name
# (tests/data/golden/README.md).
build_rules=$(wg_rules_version)
[ "$(field rules_version | cut -d' ' -f1)" = 1 ] ||
    fail "rules_version $(field rules_version), wanted 1 (format 2 has none)"
timeout 60 "$LOG_TOOL" verify "$golden" >"$WG_TMP/verify" 2>"$WG_TMP/verify.err"
st=$?
cat "$WG_TMP/verify"
if [ "$build_rules" = 1 ]; then
    [ $st -eq 0 ] || fail "wg-log verify exited $st: $(head -2 "$WG_TMP/verify.err")"
    grep -q '^identical' "$WG_TMP/verify" || fail "wg-log verify does not say identical"
else
    [ $st -eq 2 ] || fail "wg-log verify of a rules-1 log under rules $build_rules exited $st, wanted 2"
    grep -q "rules version 1, this build plays rules version $build_rules" "$WG_TMP/verify.err" ||
        fail "wg-log verify does not name both rules versions: $(head -2 "$WG_TMP/verify.err")"
fi

# The golden log of the build's rules (format 3, tests/data/golden/README.md):
# read, dumped and verified identical. Rules 2 (issue 17) re-recorded it as
# short-v3-r2.wglog: 179 records, 14 turn results.
current=$(wg_golden)
if [ "$build_rules" != 1 ]; then
    [ -s "$current" ] || fail "no golden log of rules $build_rules: $current"
    timeout 60 "$LOG_TOOL" info "$current" >"$WG_TMP/info" 2>"$WG_TMP/info.err" ||
        fail "wg-log info $current: $(head -2 "$WG_TMP/info.err")"
    [ "$(field format_version)" = 3 ] || fail "$current: format_version $(field format_version), wanted 3"
    [ "$(field rules_version | cut -d' ' -f1)" = "$build_rules" ] ||
        fail "$current: rules_version $(field rules_version), wanted $build_rules"
    [ "$(field records)" = 179 ] || fail "$current: records $(field records), wanted 179"
    [ "$(field turn_results)" = 14 ] || fail "$current: turn_results $(field turn_results), wanted 14"
    [ "$(field tail)" = clean ] || fail "$current: tail $(field tail), wanted clean"
    timeout 60 "$LOG_TOOL" dump "$current" >"$WG_TMP/dump" 2>"$WG_TMP/dump.err" ||
        fail "wg-log dump $current exited non-zero"
    grep -q '"error":' "$WG_TMP/dump" && fail "$current: records that do not decode"
    timeout 60 "$LOG_TOOL" verify "$current" >"$WG_TMP/verify" 2>"$WG_TMP/verify.err" ||
        fail "wg-log verify $current: $(head -2 "$WG_TMP/verify.err")"
    grep -q '^identical' "$WG_TMP/verify" || fail "$current: verify does not say identical"
    timeout 60 "$LOG_TOOL" check "$current" >"$WG_TMP/check" 2>&1 ||
        fail "wg-log check $current: $(cat "$WG_TMP/check")"
    grep -q 'format 3, 179 records .* frames and chain good' "$WG_TMP/check" ||
        fail "$current: check says $(cat "$WG_TMP/check")"
fi
wg_done
