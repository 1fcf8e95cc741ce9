#!/usr/bin/env bash
# deadline_default.sh - a role that never joins gets the scenario's default
# orders and the exercise goes on. tests/data/short.yaml (1 s deadline) plays
# without NLD's contingent, with a 1.5 s lobby timeout. The exercise
# completes; the log records NLD's orders with provenance
# ORDER_SOURCE_DEFAULT in every phase that expects NLD: "not joined" at the
# one deadline it missed, then "absent" (absent: fallback, the default: its
# fallback plays at once at every later phase start, and only one deadline
# ever passes); every TurnResult lists NLD, and no one else, under
# defaulted.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init deadline_default

log="$WG_TMP/exercise.wglog"
wg_play run "$WG_SHORT" --skip NLD --lobby-timeout 1500 --log "$log"
out="$WG_RUN_DIR/adjudicator.out" err="$WG_RUN_DIR/adjudicator.err"
sed -n '/^summary:/,$p' "$out"
wg_check_turn_lines "$out" 14
grep -q 'lobby timeout' "$err" || fail "the lobby did not time out"

dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" 2>"$WG_TMP/dump.err"
st=$?
[ $st -eq 0 ] || fail "wg-log dump exited $st"

# NLD's default orders: one per phase that expects it (2 pledges, 3
# rotations, 9 incident responses), each from NLD, DEFAULT: the first "not
# joined", at the deadline, the 13 others "absent", at the phase start.
nld_defaults() {
    grep '"sender_nation":"NLD"' "$dump" | grep '"ORDER_SOURCE_DEFAULT"' |
        grep -c "\"reason\":\"$1\""
}
defaults=$(nld_defaults "not joined") absent=$(nld_defaults absent)
echo "NLD default orders in the log: $defaults not joined, $absent absent"
[ "$defaults" -eq 1 ] || fail "$defaults 'not joined' default orders for NLD, wanted 1"
[ "$absent" -eq 13 ] || fail "$absent 'absent' default orders for NLD, wanted 13"
passed=$(grep -c 'deadline passed' "$err")
echo "deadlines passed: $passed"
[ "$passed" -eq 1 ] || fail "$passed deadlines passed, wanted 1 (NLD's first)"
for p in pledge rotation response; do
    grep '"sender_nation":"NLD"' "$dump" | grep '"ORDER_SOURCE_DEFAULT"' |
        grep -q "\"$p\":" || fail "no default $p for NLD"
done
# No order in the log says NLD's bot sent it.
grep '"sender_nation":"NLD"' "$dump" | grep -q '"ORDER_SOURCE_BOT"' &&
    fail "an order from NLD's bot, which never ran"

# Every turn result lists NLD, and only NLD, as defaulted.
results=$(grep -c '"result":{' "$dump")
nld=$(grep '"result":{' "$dump" | grep -c '"defaulted":\["NLD"\]')
[ "$results" -eq 14 ] || fail "$results turn results in the log, wanted 14"
[ "$nld" -eq "$results" ] ||
    fail "$nld of $results turn results have defaulted [NLD] alone"
grep -q 'NLD gets default orders (not joined)' "$err" ||
    fail "no 'NLD gets default orders (not joined)' on the adjudicator's stderr"
wg_done
