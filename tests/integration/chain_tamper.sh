#!/usr/bin/env bash
# chain_tamper.sh - the hash chain catches a change the CRCs cannot. On the
# log of a real exercise (tests/data/short.yaml):
#   one letter of the rationale of a turn-6 order is changed and the frame's
#   CRC-32C recomputed (tests/tools/wg_tamper.c): wg-log info still finds
#   every record whole (tail clean, corrupt 0), re-adjudication gives the
#   same results (rationale is never interpreted), and wg-log verify exits 1
#   with "hash chain breaks at turn 6";
#   a copy whose preamble says format version 1 (bytes 8..11, nothing else
#   fixed) is refused as an unsupported format version, never "identical";
#   an unchanged copy still verifies (the test's own control).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init chain_tamper
LOG_TOOL="$WG_BIN/wg-log"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
[ -x "$TAMPER" ] || wg_abort "no $TAMPER"

log="$WG_TMP/short.wglog"
wg_play run "$WG_SHORT" --log "$log" --lobby-timeout 20000
[ -s "$log" ] || wg_abort "no log written"

wg_expect_exit 0 "$WG_TMP/v0" "$LOG_TOOL" verify "$log"

# ---- one letter of a turn-6 rationale, CRC made good ----
"$LOG_TOOL" dump --turn 6 "$log" >"$WG_TMP/dump6" || fail "dump --turn 6 failed"
# The first order of turn 6 with a rationale containing "answered" (the
# built-in contingent bot's incident answers).
pick=$(grep '"rationale":"[^"]*answered' "$WG_TMP/dump6" | head -1)
off=$(echo "$pick" | sed -n 's/^{"offset":\([0-9]*\),.*/\1/p')
[ -n "$off" ] || wg_abort "no turn-6 order with an 'answered' rationale"
echo "tampering with: $(echo "$pick" | cut -c1-200)"
bad="$WG_TMP/tampered.wglog"
wg_expect_exit 0 "$WG_TMP/tamper" "$TAMPER" "$log" "$bad" "$off" answered Answered
cat "$WG_TMP/tamper"
[ -s "$bad" ] || wg_abort "wg-tamper wrote nothing"
cmp -s "$log" "$bad" && wg_abort "the tampered log is the original"
[ "$(stat -c %s "$log")" -eq "$(stat -c %s "$bad")" ] ||
    fail "the tampered log has another size"

# Every frame is whole: the CRCs cannot see the change.
wg_expect_exit 0 "$WG_TMP/info" "$LOG_TOOL" info "$bad"
grep -Eq '^tail: +clean' "$WG_TMP/info" || fail "info: the tail is not clean"
grep -Eq '^corrupt: +0$' "$WG_TMP/info" || fail "info reports corrupt records"
"$LOG_TOOL" dump --turn 6 "$bad" | grep -q '"rationale":"[^"]*Answered' ||
    fail "the change is not in the tampered log's turn 6"

wg_expect_exit 1 "$WG_TMP/v1" "$LOG_TOOL" verify "$bad"
cat "$WG_TMP/v1"
grep -q '^hash chain breaks at turn 6\b' "$WG_TMP/v1" ||
    fail "verify does not say 'hash chain breaks at turn 6'"
grep -q '^diverged at turn 6, .*field result\.chain' "$WG_TMP/v1" ||
    fail "verify does not name the chain of turn 6 as the first divergence"
grep -q '^identical' "$WG_TMP/v1" && fail "verify calls the tampered log identical"

# ---- a preamble that says format version 1 ----
v1="$WG_TMP/version1.wglog"
cp "$log" "$v1" || wg_abort "cp failed"
printf '\001\000\000\000' | dd of="$v1" bs=1 seek=8 conv=notrunc status=none ||
    wg_abort "dd failed"
[ "$(od -An -tu4 -j8 -N4 "$v1" | tr -d ' ')" = 1 ] || wg_abort "the version patch did not land"
timeout 60 "$LOG_TOOL" verify "$v1" >"$WG_TMP/v2" 2>"$WG_TMP/v2.err"
st=$?
cat "$WG_TMP/v2" "$WG_TMP/v2.err"
[ $st -ne 0 ] || fail "verify of a version-1 log exited 0"
grep -qi 'unsupported format version\|format version this wg-log does not read' \
    "$WG_TMP/v2" "$WG_TMP/v2.err" || fail "verify does not say the format version is unsupported"
grep -q '^identical' "$WG_TMP/v2" && fail "verify calls a version-1 log identical"
timeout 60 "$LOG_TOOL" info "$v1" >"$WG_TMP/i2" 2>"$WG_TMP/i2.err"
st=$?
[ $st -ne 0 ] || fail "info of a version-1 log exited 0"
grep -qi 'format version' "$WG_TMP/i2" "$WG_TMP/i2.err" || fail "info does not mention the format version"

# ---- a log whose results carry no chain link ----
nochain="$WG_TMP/nochain.wglog"
"$WG_BUILD_DIR/tests/wg-tamper" --strip-chain "$log" "$nochain" \
    2>"$WG_TMP/strip.err" || wg_abort "wg-tamper --strip-chain failed"
timeout 60 "$LOG_TOOL" verify "$nochain" >"$WG_TMP/v4" 2>"$WG_TMP/v4.err"
st=$?
cat "$WG_TMP/v4"
[ $st -eq 1 ] || fail "verify of a log without chain links exited $st, wanted 1"
grep -q '^no hash chain: ' "$WG_TMP/v4" ||
    fail "verify does not say the log has no hash chain"
grep -q '^identical' "$WG_TMP/v4" && fail "verify calls an unsealed log identical"

# The unchanged log still verifies (the original was not touched).
wg_expect_exit 0 "$WG_TMP/v3" "$LOG_TOOL" verify "$log"
wg_done
