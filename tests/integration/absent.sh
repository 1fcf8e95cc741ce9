#!/usr/bin/env bash
# absent.sh - absent roles do not hold everyone up (absent: fallback, the
# default), or stop the clock while they are disconnected (absent: wait).
# tests/data/short.yaml (1 s deadline), every check on what the log and
# the adjudicator's stderr say, none on how long anything took.
#
# Part 1, fallback: FRA's contingent is frozen (SIGSTOP) at the start of
# turn 2. It misses one deadline ("deadline missed") and from then on its
# fallback plays at every phase start ("absent"): exactly one deadline
# passes in the whole exercise, which completes; the log verifies.
#
# Part 2, wait: FRA is frozen the same way, then stopped (SIGTERM: it
# sends its leaving Forfeit); the phase that next expects FRA stops the
# clock ("the clock stops") and no deadline passes until a new FRA
# contingent has joined ("the clock runs again"); FRA's orders in those
# phases are its own, not a fallback's ("disconnected" at most once: the
# phase it left in); the exercise completes; the log verifies.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init absent

# ---- part 1: absent: fallback ----
log="$WG_TMP/fallback.wglog"
wg_start_exercise fallback "$WG_SHORT" --skip FRA --log "$log" --lobby-timeout 20000
err="$WG_RUN_DIR/adjudicator.err"
# FRA frozen at the start of turn 2 (wg_start_held_contingent).
wg_start_held_contingent fallback FRA 2
fra=$WG_HELD_PID
kill -STOP "$fra"
touch "$WG_HELD_GATE/go-2"
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "part 1: wg-adjudicator exited $WG_RC"
kill -CONT "$fra"
wg_wait_workers 10
wg_wait "$fra" 10
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
passed=$(grep -c 'deadline passed' "$err")
echo "part 1: deadlines passed: $passed"
[ "$passed" -eq 1 ] || fail "part 1: $passed deadlines passed, wanted 1"
dump="$WG_TMP/fallback.dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" || fail "part 1: wg-log dump failed"
fra_defaults() {
    grep '"sender_nation":"FRA"' "$1" | grep '"ORDER_SOURCE_DEFAULT"' |
        grep -c "\"reason\":\"$2\""
}
missed=$(fra_defaults "$dump" "deadline missed") absent=$(fra_defaults "$dump" absent)
echo "part 1: FRA default orders: $missed deadline missed, $absent absent"
[ "$missed" -le 1 ] || fail "part 1: $missed 'deadline missed' for FRA, wanted at most 1"
[ "$absent" -ge 1 ] || fail "part 1: no 'absent' default order for FRA"
"$WG_BIN/wg-log" verify "$log" >"$WG_TMP/fallback.verify" 2>&1 ||
    fail "part 1: verify: $(tail -2 "$WG_TMP/fallback.verify")"

# ---- part 2: absent: wait ----
log="$WG_TMP/wait.wglog"
wg_start_exercise wait "$WG_SHORT" --skip FRA --log "$log" \
    --lobby-timeout 20000 --absent wait
err="$WG_RUN_DIR/adjudicator.err"
wg_start_held_contingent wait FRA 2
fra=$WG_HELD_PID
kill -STOP "$fra"
wg_wait_for "$err" 'deadline passed' 20
kill -TERM "$fra"
touch "$WG_HELD_GATE/go-2"
kill -CONT "$fra"
wg_wait_for "$err" 'the clock stops' 20
"$WG_BIN/wg-contingent" --nation FRA --router "$WG_ROUTER" --pub "$WG_PUB" \
    2>"$WG_RUN_DIR/contingent-FRA-2.err" &
WG_PIDS+=($!)
fra2=$!
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "part 2: wg-adjudicator exited $WG_RC"
wg_wait "$fra2" 10
[ "$WG_RC" -eq 0 ] || fail "part 2: the new FRA contingent exited $WG_RC"
wg_wait "$fra" 10
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
grep -q 'the clock runs again' "$err" || fail "part 2: the clock never ran again"
# No deadline passes while the clock stands still.
sed -n '/the clock stops/,/the clock runs again/p' "$err" | grep -q 'deadline passed' &&
    fail "part 2: a deadline passed while the clock stood still"
dump="$WG_TMP/wait.dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" || fail "part 2: wg-log dump failed"
disc=$(fra_defaults "$dump" disconnected) absent=$(fra_defaults "$dump" absent)
echo "part 2: FRA default orders: $disc disconnected, $absent absent"
[ "$disc" -le 1 ] || fail "part 2: $disc 'disconnected' for FRA, wanted at most 1"
[ "$absent" -eq 0 ] || fail "part 2: $absent 'absent' for FRA under absent: wait"
grep -q '"FRA: the team takes control back"' "$dump" ||
    fail "part 2: FRA never took control back"
"$WG_BIN/wg-log" verify "$log" >"$WG_TMP/wait.verify" 2>&1 ||
    fail "part 2: verify: $(tail -2 "$WG_TMP/wait.verify")"
wg_done
