#!/usr/bin/env bash
# heartbeat.sh - a dead peer is seen: with --heartbeat 200 the adjudicator
# PINGs every connection five times a second and closes one silent for
# three intervals. FRA's contingent is frozen (SIGSTOP) at the start of turn 2;
# its connection is closed for want of a heartbeat, and the adjudicator
# treats FRA as having left, as a leaving Forfeit does: it records that
# Forfeit for FRA (provenance ORDER_SOURCE_ADJUDICATOR, "connection
# closed"), and from then on FRA's fallback plays at every phase start
# ("disconnected"). The exercise completes and its log verifies.
#
# The scenario is tests/data/short.yaml with a 10 s deadline: the
# connection must close while turn 2's phase still waits for FRA. With
# short.yaml's 1 s the close (600 ms after the freeze) raced the deadline:
# when the test froze FRA half a second late (a loaded machine), FRA's
# fallback played at the deadline, the bots played the other turns at
# once, and the exercise was over before the connection closed. The close
# ends FRA's phase, so the longer deadline is never waited for.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init heartbeat

log="$WG_TMP/exercise.wglog"
scenario="$WG_TMP/heartbeat.yaml"
sed 's/^deadline_ms: .*/deadline_ms: 10000/' "$WG_SHORT" >"$scenario"
grep -q '^deadline_ms: 10000' "$scenario" || wg_abort "no deadline_ms in $WG_SHORT"
wg_start_exercise run "$scenario" --skip FRA --log "$log" \
    --lobby-timeout 20000 --heartbeat 200
err="$WG_RUN_DIR/adjudicator.err"
wg_start_held_contingent run FRA 2
fra=$WG_HELD_PID
kill -STOP "$fra"
wg_wait_for "$err" 'FRA: its connection closed' 20
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC"
# FRA's connections were closed while it was frozen: it never heard the
# end, and is stopped here.
kill -KILL "$fra"
kill -CONT "$fra"
wg_wait "$fra" 10
for i in "${!WG_WORKER_PIDS[@]}"; do
    wg_wait "${WG_WORKER_PIDS[$i]}" 10
    [ "$WG_RC" -eq 0 ] || fail "${WG_WORKER_NAMES[$i]} exited $WG_RC"
done
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14

dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" || fail "wg-log dump failed"
forfeits=$(grep '"sender_nation":"FRA"' "$dump" | grep '"forfeit":{' |
    grep '"ORDER_SOURCE_ADJUDICATOR"' | grep -c '"reason":"connection closed"')
echo "FRA's recorded leaving Forfeits (connection closed): $forfeits"
[ "$forfeits" -eq 1 ] || fail "$forfeits Forfeits recorded for FRA, wanted 1"
grep '"sender_nation":"FRA"' "$dump" | grep '"forfeit":{' |
    grep -q '"leaving":true' || fail "FRA's Forfeit does not leave"
disc=$(grep '"sender_nation":"FRA"' "$dump" | grep '"ORDER_SOURCE_DEFAULT"' |
    grep -c '"reason":"disconnected"')
echo "FRA default orders, disconnected: $disc"
[ "$disc" -ge 1 ] || fail "no 'disconnected' default order for FRA"
"$WG_BIN/wg-log" verify "$log" >"$WG_TMP/verify" 2>&1 ||
    fail "verify: $(tail -2 "$WG_TMP/verify")"
wg_done
