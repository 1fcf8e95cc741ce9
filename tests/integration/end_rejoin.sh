#!/usr/bin/env bash
# end_rejoin.sh - a worker that comes back as the exercise ends still hears
# the end (found by integration.chaos: a contingent restarted while the
# adjudicator was closing joined, was welcomed, and waited forever).
#
#   1. short.yaml is played; FRA's contingent is SIGKILLed once it has
#      joined, so FRA is away (its connection closed) at the end;
#   2. the moment the adjudicator prints its summary (the ExerciseEnd is
#      recorded and published), a new FRA contingent starts: the
#      adjudicator, lingering because a role was away, answers its Join
#      with the ExerciseEnd, and it exits 0 saying the exercise is over;
#   3. the adjudicator exits 0 and records nothing after the ExerciseEnd
#      (no Welcome for the late Join); the log verifies.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init end_rejoin

log="$WG_TMP/exercise.wglog"
wg_start_exercise run "$WG_SHORT" --skip FRA --log "$log" --lobby-timeout 20000
wg_start_held_contingent run FRA 2
fra=$WG_HELD_PID
kill -KILL "$fra"
wg_wait "$fra" 10
wg_wait_for "$WG_RUN_DIR/adjudicator.err" 'FRA: its connection closed' 20

wg_wait_for "$WG_RUN_DIR/adjudicator.out" '^summary:' 60
"$WG_BIN/wg-contingent" --nation FRA --router "$WG_ROUTER" --pub "$WG_PUB" \
    2>"$WG_RUN_DIR/late-FRA.err" &
late=$!
WG_PIDS+=("$late")
wg_wait "$late" 10
[ "$WG_RC" -eq 0 ] || fail "the late FRA exited $WG_RC, wanted 0"
grep -q 'exercise over after 14 turns' "$WG_RUN_DIR/late-FRA.err" ||
    fail "the late FRA was not told the exercise is over: $(tail -3 "$WG_RUN_DIR/late-FRA.err")"

wg_wait "$WG_ADJ_PID" 10
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
for i in "${!WG_WORKER_PIDS[@]}"; do
    [ "$i" -eq 1 ] && continue
    wg_wait "${WG_WORKER_PIDS[$i]}" 10
    [ "$WG_RC" -eq 0 ] || fail "${WG_WORKER_NAMES[$i]} exited $WG_RC"
done

"$WG_BIN/wg-log" dump "$log" >"$WG_TMP/dump" || fail "wg-log dump failed"
tail -n 1 "$WG_TMP/dump" | grep -q '"end":' ||
    fail "records after the ExerciseEnd: $(tail -n 1 "$WG_TMP/dump" | cut -c1-200)"
"$WG_BIN/wg-log" verify "$log" >"$WG_TMP/verify" 2>&1 ||
    fail "verify: $(tail -2 "$WG_TMP/verify")"
wg_done
