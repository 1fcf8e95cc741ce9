#!/usr/bin/env bash
# fork_diff.sh - wg-log fork and wg-log diff on the log of a real exercise
# (tests/data/short.yaml, every worker its own process):
#   fork --at 3 with no change gives a byte-identical log, and diff of the
#   two exits 0 ("no differences");
#   fork --at 5 with FRA played by the plug-in wg-bot-timid.so gives a log
#   that diff finds different (exit 1), parting at turn 5 or later; the fork
#   verifies (exit 0: it is a valid exercise of its own); its records before
#   turn 5 are the original's (wg-log dump --turn 0..4, and the bytes up to
#   the first record of turn 5); FRA's orders from turn 5 on are the
#   plug-in's (source ORDER_SOURCE_BOT, another agent than the built-in).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init fork_diff
LOG_TOOL="$WG_BIN/wg-log"
TIMID="$WG_BUILD_DIR/tests/wg-bot-timid.so"
[ -f "$TIMID" ] || wg_abort "no $TIMID"

log="$WG_TMP/short.wglog"
wg_play run "$WG_SHORT" --log "$log" --lobby-timeout 20000
[ -s "$log" ] || wg_abort "no log written"

# ---- a fork with no change ----
same="$WG_TMP/same.wglog"
wg_expect_exit 0 "$WG_TMP/fork3" "$LOG_TOOL" fork "$log" --at 3 -o "$same"
cat "$WG_TMP/fork3"
if [ -f "$same" ]; then
    cmp "$log" "$same" || fail "fork --at 3 with no change is not byte-identical"
else
    fail "fork --at 3 wrote no $same"
fi
wg_expect_exit 0 "$WG_TMP/diff-same" "$LOG_TOOL" diff "$log" "$same"
cat "$WG_TMP/diff-same"

# ---- FRA played by wg-bot-timid.so from turn 5 ----
f2="$WG_TMP/timid.wglog"
wg_expect_exit 0 "$WG_TMP/fork5" "$LOG_TOOL" fork "$log" --at 5 --bot "FRA=$TIMID" -o "$f2"
cat "$WG_TMP/fork5"
[ -s "$f2" ] || wg_abort "fork --at 5 wrote no $f2"
wg_expect_exit 1 "$WG_TMP/diff-timid" "$LOG_TOOL" diff "$log" "$f2"
tail -n 1 "$WG_TMP/diff-timid"
part=$(sed -n 's/.*the exercises part at turn \([0-9]\{1,\}\).*/\1/p' \
    "$WG_TMP/diff-timid" | head -1)
first=$(awk '$1 ~ /^[0-9]+$/ && $2 == "|" { print $1; exit }' "$WG_TMP/diff-timid")
if [ -z "$part" ]; then
    fail "diff names no turn where the exercises part"
else
    [ "$part" -ge 5 ] || fail "diff says the exercises part at turn $part, before the fork at 5"
    [ "$part" -le 14 ] || fail "diff says the exercises part at turn $part, past the end"
fi
[ -z "$first" ] || [ "$first" -ge 5 ] ||
    fail "the first row of diff's table is turn $first, before the fork at 5"

# A fork is an exercise of its own: it re-adjudicates to itself.
wg_expect_exit 0 "$WG_TMP/verify-timid" "$LOG_TOOL" verify "$f2"
grep -q '^identical' "$WG_TMP/verify-timid" ||
    fail "verify of the fork does not say identical: $(tail -1 "$WG_TMP/verify-timid")"

# Its records before turn 5 are the original's.
for t in 0 1 2 3 4; do
    "$LOG_TOOL" dump --turn "$t" "$log" >"$WG_TMP/a.$t" 2>"$WG_TMP/a.$t.err" ||
        fail "dump --turn $t of the original failed"
    "$LOG_TOOL" dump --turn "$t" "$f2" >"$WG_TMP/b.$t" 2>"$WG_TMP/b.$t.err" ||
        fail "dump --turn $t of the fork failed"
    [ -s "$WG_TMP/a.$t" ] || fail "the original has no records of turn $t"
    cmp -s "$WG_TMP/a.$t" "$WG_TMP/b.$t" ||
        fail "the records of turn $t differ between the original and the fork"
done
off5=$("$LOG_TOOL" dump --turn 5 "$log" | head -1 | sed -n 's/^{"offset":\([0-9]*\),.*/\1/p')
if [ -n "$off5" ]; then
    cmp -n "$off5" "$log" "$f2" ||
        fail "the first $off5 bytes (up to turn 5) differ between the original and the fork"
else
    fail "no record of turn 5 in the original"
fi
# And FRA's orders from turn 5 on come from the plug-in, not the recorded bot.
"$LOG_TOOL" dump "$f2" >"$WG_TMP/dump-timid" || fail "dump of the fork failed"
fra_late=$(grep '"sender_nation":"FRA"' "$WG_TMP/dump-timid" | grep '"provenance"' |
    awk -F'"turn":' '{ split($2, a, ","); if (a[1] + 0 >= 5) print }')
[ -n "$fra_late" ] || fail "no FRA orders in the fork from turn 5 on"
echo "$fra_late" | grep -q '"agent":"wg-contingent-bot/1"' &&
    fail "FRA orders from turn 5 on in the fork still name wg-contingent-bot/1"
echo "$fra_late" | grep -q '"source":"ORDER_SOURCE_BOT"' ||
    fail "FRA orders from turn 5 on in the fork do not come from a bot"

# ---- written orders: FRA withdraws from every contact from turn 9 ----
orders="$WG_TMP/fra-orders.yaml"
cat >"$orders" <<'YAML'
- turn: 9
  response: withdraw
- turn: 10
  response: withdraw
YAML
f3="$WG_TMP/fork-orders.wglog"
"$LOG_TOOL" fork "$log" --at 9 --orders FRA="$orders" -o "$f3" \
    >"$WG_TMP/fork3.out" 2>"$WG_TMP/fork3.err" ||
    fail "fork --orders exited non-zero: $(cat "$WG_TMP/fork3.err")"
"$LOG_TOOL" dump --turn 9 "$f3" | grep '"sender_nation":"FRA"' |
    grep -q '"agent":"written-orders/1"' ||
    fail "FRA's turn-9 order in the fork is not the written one"
"$LOG_TOOL" verify "$f3" >"$WG_TMP/v3" 2>&1 || fail "the --orders fork does not verify"
# A bad orders file is refused with file, line and column.
printf -- '- turn: 9\n  response: surrender\n' >"$WG_TMP/bad-orders.yaml"
"$LOG_TOOL" fork "$log" --at 9 --orders FRA="$WG_TMP/bad-orders.yaml" \
    -o "$WG_TMP/never.wglog" >/dev/null 2>"$WG_TMP/bad.err" &&
    fail "fork accepted a bad orders file"
grep -q 'bad-orders.yaml:2:[0-9]*: response' "$WG_TMP/bad.err" ||
    fail "the bad orders file's error names no line and column: $(cat "$WG_TMP/bad.err")"
wg_done
