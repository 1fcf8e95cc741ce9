#!/usr/bin/env bash
# header_tamper.sh - a log whose header's scenario text does not match the
# scenario_hash it records is refused, never re-adjudicated under the text
# it carries. A copy of the golden log of the build's rules (wg_golden) has one number of
# its header's scenario text changed (FRA's "max_troops: 12000" becomes
# 99000: other rules) and the header CRC-32C made good again
# (tests/tools/wg_tamper.c --header), so only the hash can tell. Checks:
#   the untouched copy verifies, and passes the independent chain check;
#   wg-log verify (also with --scenario short.yaml) exits 2, names
#   header.scenario_hash and says the text does not match, and never says
#   "identical";
#   wg-adjudicator --resume refuses it (exit 2, the same words) and leaves
#   the file as it was;
#   the independent check (tests/tools/wg_chain_check.py) refuses it;
#   wg-log info marks the hash and exits 1; wg-log fork refuses (exit 2).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init header_tamper
LOG_TOOL="$WG_BIN/wg-log"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
[ -x "$TAMPER" ] || wg_abort "no $TAMPER"
PY=$(wg_python) || wg_abort "no python3"

good="$WG_TMP/good.wglog"
cp "$(wg_golden)" "$good" || wg_abort "no golden log"
wg_chain_add "$good"
wg_expect_exit 0 "$WG_TMP/v0" "$LOG_TOOL" verify "$good"

bad="$WG_TMP/tampered-header.wglog"
wg_expect_exit 0 "$WG_TMP/tamper" "$TAMPER" --header "$good" "$bad" \
    "max_troops: 12000" "max_troops: 99000"
cat "$WG_TMP/tamper"
[ -s "$bad" ] || wg_abort "wg-tamper wrote nothing"
[ "$(stat -c %s "$good")" -eq "$(stat -c %s "$bad")" ] ||
    fail "the tampered log has another size"
cmp -s "$good" "$bad" && wg_abort "the tampered log is the original"
# Only the header changed: every byte from the first frame on is the same.
hlen=$(od -An -tu4 -j12 -N4 "$bad" | tr -d ' ')
cmp -s <(tail -c +$((21 + hlen)) "$good") <(tail -c +$((21 + hlen)) "$bad") ||
    fail "the frames changed too"

# refused LABEL FILE: the output FILE, FILE.err says which field and why.
refused() {
    grep -q 'header\.scenario_hash' "$2" "$2.err" &&
        grep -q "scenario text does not match its hash" "$2" "$2.err" ||
        fail "$1 does not say the header's scenario text does not match its hash: $(head -2 "$2" "$2.err")"
    grep -q '^identical' "$2" && fail "$1 calls the log identical"
}

wg_expect_exit 2 "$WG_TMP/v1" "$LOG_TOOL" verify "$bad"
cat "$WG_TMP/v1.err"
refused "verify" "$WG_TMP/v1"
wg_expect_exit 2 "$WG_TMP/v2" "$LOG_TOOL" verify "$bad" --scenario "$WG_SHORT"
refused "verify --scenario" "$WG_TMP/v2"

wg_pick_ports
cp "$bad" "$WG_TMP/resume.wglog"
wg_expect_exit 2 "$WG_TMP/r1" "$WG_BIN/wg-adjudicator" --resume "$WG_TMP/resume.wglog" \
    --router "$WG_ROUTER" --pub "$WG_PUB" --lobby-timeout 500
cat "$WG_TMP/r1.err"
# A format-2 log is never continued: refused for its version first.
grep -q 'not a log of format version' "$WG_TMP/r1.err" ||
    refused "wg-adjudicator --resume" "$WG_TMP/r1"
cmp -s "$bad" "$WG_TMP/resume.wglog" || fail "the refused --resume changed the log"

"$PY" "$WG_SOURCE_DIR/tests/tools/wg_chain_check.py" "$bad" >"$WG_TMP/c1" 2>&1
st=$?
cat "$WG_TMP/c1"
[ $st -eq 1 ] || fail "the independent check exited $st on the tampered header, wanted 1"
grep -q 'scenario_hash is not the SHA-256 of its scenario_text' "$WG_TMP/c1" ||
    fail "the independent check does not name the scenario hash"

# wg-log info reads the header, says the hash does not match and exits 1;
# wg-log fork refuses to re-adjudicate under the changed text (exit 2).
timeout 60 "$LOG_TOOL" info "$bad" >"$WG_TMP/i1" 2>"$WG_TMP/i1.err"
st=$?
[ $st -eq 1 ] || fail "wg-log info exits $st on a header whose scenario text does not match its hash (want 1)"
grep -q 'DOES NOT MATCH' "$WG_TMP/i1" ||
    fail "wg-log info does not mark the scenario hash as not matching"
grep -q 'scenario text does not match its hash' "$WG_TMP/i1.err" ||
    fail "wg-log info does not say why on stderr"
timeout 60 "$LOG_TOOL" info "$good" >"$WG_TMP/i0" 2>&1 ||
    fail "wg-log info fails on the untouched log"
grep -q 'DOES NOT MATCH' "$WG_TMP/i0" && fail "wg-log info flags the untouched log"
timeout 60 "$LOG_TOOL" fork "$bad" --at 3 -o "$WG_TMP/fork.wglog" \
    >"$WG_TMP/f1" 2>"$WG_TMP/f1.err"
st=$?
[ $st -eq 2 ] || fail "wg-log fork exits $st on a changed scenario (want 2)"
grep -q 'scenario text does not match its hash' "$WG_TMP/f1.err" ||
    fail "wg-log fork does not say the hash does not match"
[ -e "$WG_TMP/fork.wglog" ] && fail "wg-log fork wrote a log from a changed scenario"
wg_done
