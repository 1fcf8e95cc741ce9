#!/usr/bin/env bash
# protocol_doc_bot.sh - docs/PROTOCOL.md is enough to write a bot: the
# minimal contingent of "Writing a bot in another language", the very code
# of that page, plays FRA over loopback in an exercise without keys on
# tests/data/short.yaml, every other role a wg worker. Checks: the bot and
# every worker exit 0, the exercise completes (14 turn lines); the log
# holds FRA's Join with the bot's agent and an order of FRA's own (never
# ORDER_SOURCE_DEFAULT) for every phase that expected FRA; no Error
# reply at all in the log, none on the adjudicator's stderr; no TurnResult
# lists FRA under defaulted; wg-log verify passes. Needs python3-zmq,
# python3-protobuf and protoc (scripts/test installs them).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init protocol_doc_bot

LOG_TOOL="$WG_BIN/wg-log"
PY=/usr/bin/python3
command -v protoc >/dev/null || wg_abort "no protoc (scripts/test installs protobuf-compiler)"
"$PY" -c 'import zmq, google.protobuf' 2>/dev/null ||
    wg_abort "no python3-zmq or python3-protobuf for $PY (scripts/test installs them)"

bot="$WG_TMP/bot.py"
awk '/^## Writing a bot in another language/ { h = 1; next }
     h && /^```python$/ { on = 1; next }
     on && /^```$/ { exit }
     on { print }' "$WG_SOURCE_DIR/docs/PROTOCOL.md" >"$bot"
[ "$(wc -l <"$bot")" -gt 10 ] || wg_abort "no Python bot found in docs/PROTOCOL.md"
protoc --python_out="$WG_TMP" -I "$WG_SOURCE_DIR/proto" \
    "$WG_SOURCE_DIR/proto/wg.proto" || wg_abort "protoc failed"

log="$WG_TMP/ex.wglog"
wg_start_exercise run "$WG_SHORT" --skip FRA --log "$log" --lobby-timeout 30000
wg_chain_add "$log"
(cd "$WG_TMP" && PYTHONPATH="$WG_TMP" exec "$PY" "$bot" "$WG_ROUTER" "$WG_PUB") \
    >"$WG_RUN_DIR/bot.out" 2>"$WG_RUN_DIR/bot.err" &
bot_pid=$!
WG_PIDS+=("$bot_pid")

wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 10
wg_wait "$bot_pid" 10
[ "$WG_RC" -eq 0 ] || fail "the doc's bot exited $WG_RC, wanted 0: $(tail -3 "$WG_RUN_DIR/bot.err")"
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14

dump="$WG_RUN_DIR/dump"
"$LOG_TOOL" dump "$log" >"$dump" 2>/dev/null || wg_abort "wg-log dump failed"
grep -q '"sender_nation":"FRA","phase":"PHASE_LOBBY".*"join":{"agent":"py-bot/0"}' "$dump" ||
    fail "no Join of FRA by the doc's bot in the log"
grep '"sender_nation":"FRA"' "$dump" | grep -q 'ORDER_SOURCE_DEFAULT' &&
    fail "FRA got default orders: $(grep '"sender_nation":"FRA"' "$dump" | grep -m1 ORDER_SOURCE_DEFAULT | cut -c1-240)"
grep '"result":{' "$dump" | grep -q '"defaulted":\[[^]]*"FRA"' &&
    fail "a TurnResult lists FRA under defaulted"
errors=$(grep -c '"error":{' "$dump")
[ "$errors" -eq 0 ] || fail "$errors Error replies in the log: $(grep -m1 '"error":{' "$dump" | cut -c1-240)"
grep -qi 'refused\|ERROR_' "$WG_RUN_DIR/adjudicator.err" &&
    fail "the adjudicator refused something: $(grep -mi1 'refused\|ERROR_' "$WG_RUN_DIR/adjudicator.err")"
# An order of FRA's own for every phase start that expected FRA.
owed=$(grep '"turn_start":{' "$dump" | grep '"expected":\[[^]]*"FRA"' |
    sed 's/.*"turn":\([0-9]*\),"phase":"\([A-Z_]*\)".*/\1 \2/' | sort -u)
answered=$(grep '"sender_role":"ROLE_CONTINGENT","sender_nation":"FRA"' "$dump" | grep -v '"join":' |
    sed 's/.*"turn":\([0-9]*\),"phase":"\([A-Z_]*\)".*/\1 \2/' | sort -u)
[ -n "$owed" ] || fail "no phase expected FRA"
[ "$owed" = "$answered" ] ||
    fail "phases owed and answered differ: $(diff <(echo "$owed") <(echo "$answered") | head -4 | tr '\n' ' ')"
echo "FRA played by the doc's bot: $(echo "$answered" | wc -l) phases answered, $errors Error replies"
"$LOG_TOOL" verify "$log" >"$WG_RUN_DIR/verify.out" 2>&1 ||
    fail "wg-log verify failed: $(tail -2 "$WG_RUN_DIR/verify.out")"
wg_done
