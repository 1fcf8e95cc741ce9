#!/usr/bin/env bash
# fallback_handover.sh - a team that drops out gets its scenario fallback
# and takes control back when it joins again. tests/data/short.yaml (1 s
# deadline, every nation `fallback: bot`) plays normally; FRA's contingent
# (wg_start_held_contingent) is held at the start of turn 3 and killed
# there (SIGKILL): a fast build plays the 14 turns in a fraction of a
# second, so a kill "after turn 2's line" could come any number of turns
# later, or after the end; two turn lines later (each phase now waits for
# FRA's deadline) a new wg-contingent --nation FRA joins on the same
# endpoints. Checks:
#   the exercise completes (adjudicator exit 0, 14 turn lines);
#   the log holds FRA orders with source ORDER_SOURCE_DEFAULT, reason
#   "deadline missed" and agent "wg-contingent-bot/1" (the bot fallback);
#   every default order in the log names its reason;
#   a TurnResult event "FRA: the fallback plays (deadline missed)", a later
#   one "FRA: the team takes control back", and FRA orders with source
#   ORDER_SOURCE_BOT after that; FRA is under defaulted in the turns between;
#   wg-log verify exits 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init fallback_handover
LOG_TOOL="$WG_BIN/wg-log"

log="$WG_TMP/exercise.wglog"
t0=$(wg_ms)
# absent: wait keeps every phase waiting for the killed FRA's deadline
# until the new one joins (integration.absent tests the default), and
# --heartbeat 0 leaves its closed connection unwatched (else FRA has left
# and the clock stops: integration.heartbeat).
wg_start_exercise run "$WG_SHORT" --skip FRA --log "$log" \
    --lobby-timeout 20000 --absent wait --heartbeat 0
out="$WG_RUN_DIR/adjudicator.out"

# FRA's contingent, out of the worker list (it dies on purpose), plays
# turns 1 and 2 and is held at the start of turn 3: it sends nothing more.
wg_start_held_contingent run FRA 3
fra=$WG_HELD_PID
kill -KILL "$fra" 2>/dev/null || fail "FRA's contingent was gone before the kill"
wait "$fra" 2>/dev/null
wg_forget "$fra"
killed_after=$(grep -c '^turn ' "$out")
echo "FRA killed after $killed_after turn lines ($(($(wg_ms) - t0)) ms)"
mv "$WG_RUN_DIR/contingent-FRA.err" "$WG_RUN_DIR/contingent-FRA-1.err"

wg_wait_for "$out" "^turn +$((killed_after + 2)) " 30
back_after=$(grep -c '^turn ' "$out")
echo "FRA joins again after $back_after turn lines ($(($(wg_ms) - t0)) ms)"
wg_alive "$WG_ADJ_PID" || fail "the adjudicator died while FRA was away"
wg_start_contingent FRA

wg_wait "$WG_ADJ_PID" 50
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 10
echo "played in $(($(wg_ms) - t0)) ms"
wg_check_turn_lines "$out" 14
[ "$back_after" -lt 14 ] || wg_abort "the exercise ended before FRA came back"

dump="$WG_TMP/dump"
"$LOG_TOOL" dump "$log" >"$dump" 2>"$WG_TMP/dump.err" || fail "wg-log dump exited $?"

# turns_of: the "turn" of each dump line on stdin (none for the lobby).
turns_of() {
    sed -n 's/.*"turn":\([0-9]*\),.*/\1/p'
}

# FRA's fallback: the built-in bot plays for it, "deadline missed".
fra_orders() { grep '"sender_nation":"FRA"' "$dump" | grep '"provenance":'; }
defaults=$(fra_orders | grep '"source":"ORDER_SOURCE_DEFAULT"')
fb=$(echo "$defaults" | grep '"reason":"deadline missed"' | grep -c '"agent":"wg-contingent-bot/1"')
echo "FRA orders by the bot fallback (deadline missed): $fb"
[ "$fb" -ge 1 ] || fail "no FRA order from the bot fallback with reason 'deadline missed'"
[ -z "$defaults" ] || [ "$(echo "$defaults" | grep -vc '"reason":"deadline missed"')" -eq 0 ] ||
    fail "FRA default orders with another reason: $(echo "$defaults" | grep -v '"reason":"deadline missed"' | head -1 | cut -c1-200)"
first_default=$(echo "$defaults" | turns_of | head -1)
last_default=$(echo "$defaults" | turns_of | tail -1)
echo "FRA default orders in turns ${first_default:-?} to ${last_default:-?}"
[ -n "$first_default" ] && [ "$first_default" -gt 2 ] ||
    fail "FRA default orders start at turn ${first_default:-?}, wanted after turn 2"

# Every default order in the log names its reason.
noreason=$(grep '"source":"ORDER_SOURCE_DEFAULT"' "$dump" | grep -vc '"reason":"[^"]')
[ "$noreason" -eq 0 ] || fail "$noreason default orders without a reason"

# The hand-over, both ways, in the TurnResults' events.
results="$WG_TMP/results"
grep '"result":{' "$dump" >"$results"
plays=$(grep -F '"FRA: the fallback plays (deadline missed)"' "$results" | turns_of | head -1)
back=$(grep -F '"FRA: the team takes control back"' "$results" | turns_of | head -1)
echo "events: fallback plays at turn ${plays:-none}, control back at turn ${back:-none}"
[ -n "$plays" ] || fail "no event 'FRA: the fallback plays (deadline missed)'"
[ -n "$back" ] || fail "no event 'FRA: the team takes control back'"
if [ -n "$plays" ] && [ -n "$back" ]; then
    [ "$back" -gt "$plays" ] ||
        fail "FRA takes control back at turn $back, not after the fallback at $plays"
    [ "$plays" -eq "${first_default:-0}" ] ||
        fail "the fallback event is at turn $plays, the first default order at ${first_default:-?}"
    [ "${last_default:-99}" -lt "$back" ] ||
        fail "FRA default orders at turn $last_default, after control came back at $back"
    # FRA is under defaulted in the turns of its fallback, and not after.
    for t in $(seq "$plays" $((back - 1))); do
        grep "\"turn\":$t," "$results" | grep -q '"defaulted":\[[^]]*"FRA"' ||
            fail "turn $t: FRA is not under defaulted"
    done
    for t in $(seq "$back" 14); do
        grep "\"turn\":$t," "$results" | grep -q '"defaulted":\[[^]]*"FRA"' &&
            fail "turn $t: FRA is under defaulted after it took control back"
    done
    # Its own bot's orders again from then on.
    bot_after=$(fra_orders | grep '"source":"ORDER_SOURCE_BOT"' |
        awk -F'"turn":' -v b="$back" '{ split($2, a, ","); if (a[1] + 0 >= b) n++ } END { print n + 0 }')
    echo "FRA bot orders from turn $back on: $bot_after"
    [ "$bot_after" -ge 1 ] || fail "no FRA order from its bot after it took control back"
fi
# The second FRA joined again: two joins from FRA.
joins=$(grep '"sender_nation":"FRA"' "$dump" | grep -c '"join":')
[ "$joins" -eq 2 ] || fail "$joins joins from FRA in the log, wanted 2"

timeout 60 "$LOG_TOOL" verify "$log" >"$WG_TMP/verify" 2>"$WG_TMP/verify.err"
st=$?
tail -n 1 "$WG_TMP/verify"
[ $st -eq 0 ] || fail "wg-log verify exited $st: $(tail -2 "$WG_TMP/verify" "$WG_TMP/verify.err")"
wg_done
