#!/usr/bin/env bash
# chain_check.sh - the independent chain check (tests/tools/wg_chain_check.py,
# which wg_done runs on every log the integration tests record) can fail,
# and fails where it should. tests/data/short.yaml is played with NLD
# played by wg-probe, which joins and leaves at once (a leaving Forfeit),
# so the log holds every kind of record the chain covers: joins, welcomes,
# phase starts, orders, default orders, a Forfeit. Then, on copies:
#   one record of each kind, and the last record before turn 5's result,
#   has one letter changed with its frame's CRC-32C made good again
#   (tests/tools/wg_tamper.c): the check exits 1 with "hash chain breaks at
#   turn T", T the turn whose result follows the record (turn 1 for the
#   lobby's records);
#   a TurnResult is in the chain whole (format 3, docs/LOG-FORMAT.md): a
#   changed regime name breaks the next turn's link, and wg-log verify's
#   re-adjudication names the field;
#   a torn tail, a bad frame CRC, a log cut after a turn's result (no
#   ExerciseEnd) are refused; the last with --allow-unfinished passes.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init chain_check
probe="$WG_BUILD_DIR/tests/wg-probe"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
[ -x "$probe" ] && [ -x "$TAMPER" ] || wg_abort "no $probe or $TAMPER"
PY=$(wg_python) || wg_abort "no python3"
CHECK="$WG_SOURCE_DIR/tests/tools/wg_chain_check.py"

log="$WG_TMP/short.wglog"
wg_start_exercise run "$WG_SHORT" --skip NLD --lobby-timeout 20000 --log "$log"
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --mode play --nation NLD \
    --until-turn 0 --then leave --timeout-ms 45000 \
    >"$WG_RUN_DIR/probe.out" 2>"$WG_RUN_DIR/probe.err" &
probe_pid=$!
WG_PIDS+=("$probe_pid")
wg_wait "$WG_ADJ_PID" 50
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
wg_wait "$probe_pid" 10
[ "$WG_RC" -eq 0 ] || fail "wg-probe exited $WG_RC: $(tail -3 "$WG_RUN_DIR/probe.out")"
wg_wait_workers 5
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14

dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" 2>"$WG_TMP/dump.err" || wg_abort "wg-log dump exited $?"
wg_chain_check "$log" || wg_abort "the untouched log fails the check"

# pick DESCRIPTION FILTER NEEDLE: the frame offset of the first record
# matching the extended regex FILTER whose payload holds NEEDLE, and the
# turn of the first TurnResult after it: "OFFSET TURN".
pick() {
    "$PY" - "$dump" "$2" "$3" <<'EOF'
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
lines = open(sys.argv[1]).read().splitlines()
for line, r in zip(lines, recs):
    if re.search(sys.argv[2], line) and sys.argv[3] in line:
        nxt = [x for x in recs if "result" in x and x["offset"] > r["offset"]]
        print(r["offset"], nxt[0]["turn"] if nxt else 0)
        break
EOF
}

# tamper_case LABEL FILTER NEEDLE REPLACEMENT: the check must break at the
# turn of the result after the record.
n=0
tamper_case() {
    local at off turn out="$WG_TMP/case$n"
    n=$((n + 1))
    at=$(pick "$1" "$2" "$3")
    off=${at% *} turn=${at#* }
    if [ -z "$at" ] || [ "$turn" = 0 ]; then
        fail "$1: no record matching /$2/ with '$3' before a turn result"
        return
    fi
    wg_expect_exit 0 "$out.tamper" "$TAMPER" "$log" "$out.wglog" "$off" "$3" "$4"
    "$PY" "$CHECK" "$out.wglog" >"$out" 2>&1
    local st=$?
    echo "$1 (frame $off): $(sed "s|$WG_TMP/||" "$out" | cut -c1-120)"
    [ $st -eq 1 ] || fail "$1: the check exited $st, wanted 1"
    grep -q "hash chain breaks at turn $turn " "$out" ||
        fail "$1: the check does not say the chain breaks at turn $turn"
}

tamper_case "a join" '"join":' 'wg-contingent-bot/1' 'wg-contingent-bot/2'
tamper_case "a welcome" '"welcome":' 'Test: short' 'Test: shorT'
tamper_case "a broadcast phase start" '"turn":3,.*"turn_start":' 'managed' 'mAnaged'
tamper_case "an order" '"turn":4,.*"ORDER_SOURCE_BOT".*"response":' 'answered' 'Answered'
tamper_case "a default order" '"turn":9,.*"ORDER_SOURCE_DEFAULT"' 'disconnected' 'disconnecteD'
tamper_case "a forfeit" '"forfeit":' 'disconnected' 'Disconnected'
# The last record before turn 5's result: its provenance agent (an order
# or a default order) gets another last letter.
last5=$("$PY" - "$dump" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
i = next(i for i, r in enumerate(recs) if "result" in r and r["turn"] == 5)
agent = recs[i - 1].get("provenance", {}).get("agent", "")
print("%d\t%s\t%s" % (recs[i - 1]["offset"], agent,
                      agent[:-1] + ("X" if agent[-1:] != "X" else "Y")))
EOF
)
IFS=$'\t' read -r off5 agent5 repl5 <<<"$last5"
if [ -n "${repl5:-}" ]; then
    tamper_case "the last record of turn 5" "^\\{\"offset\":$off5," "$agent5" "$repl5"
else
    fail "the last record of turn 5 has no provenance agent"
fi

# A TurnResult is in the chain too, whole (format 3): the link of the next
# result breaks, and verify names the field.
at=$(pick "a result" '"turn":6,.*"result":' '"regime":"managed"')
off=${at% *}
[ -n "$at" ] || wg_abort "no turn-6 result with regime managed"
wg_expect_exit 0 "$WG_TMP/res.tamper" "$TAMPER" "$log" "$WG_TMP/res.wglog" "$off" managed mAnaged
"$PY" "$CHECK" "$WG_TMP/res.wglog" >"$WG_TMP/res" 2>&1
st=$?
[ $st -eq 1 ] && grep -q "hash chain breaks at turn 7 " "$WG_TMP/res" ||
    fail "a changed TurnResult regime of turn 6 does not break the chain at turn 7 (exit $st): $(cat "$WG_TMP/res")"
wg_expect_exit 1 "$WG_TMP/res.verify" "$WG_BIN/wg-log" verify "$WG_TMP/res.wglog"
grep -q '^diverged at turn 6, .*field result\.regime' "$WG_TMP/res.verify" ||
    fail "verify does not name turn 6's result.regime: $(head -2 "$WG_TMP/res.verify")"

# Framing: a torn tail, a bad CRC, a log that stops after a result.
size=$(stat -c %s "$log")
head -c $((size - 5)) "$log" >"$WG_TMP/torn.wglog"
"$PY" "$CHECK" "$WG_TMP/torn.wglog" >"$WG_TMP/torn" 2>&1
[ $? -eq 1 ] && grep -q 'torn tail' "$WG_TMP/torn" || fail "torn tail: $(cat "$WG_TMP/torn")"
cp "$log" "$WG_TMP/crc.wglog"
off=$(sed -n '10s/^{"offset":\([0-9]*\),.*/\1/p' "$dump")
printf '\377' | dd of="$WG_TMP/crc.wglog" bs=1 seek=$((off + 20)) conv=notrunc status=none
"$PY" "$CHECK" "$WG_TMP/crc.wglog" >"$WG_TMP/crc" 2>&1
[ $? -eq 1 ] && grep -q "frame 9 at offset $off: CRC mismatch" "$WG_TMP/crc" ||
    fail "bad CRC: $(cat "$WG_TMP/crc")"
end7=$("$PY" - "$dump" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
i = next(i for i, r in enumerate(recs) if "result" in r and r["turn"] == 7)
print(recs[i + 1]["offset"])
EOF
)
head -c "$end7" "$log" >"$WG_TMP/cut.wglog"
"$PY" "$CHECK" "$WG_TMP/cut.wglog" >"$WG_TMP/cut" 2>&1
[ $? -eq 1 ] && grep -q 'no ExerciseEnd' "$WG_TMP/cut" || fail "a log cut after turn 7: $(cat "$WG_TMP/cut")"
"$PY" "$CHECK" --allow-unfinished "$WG_TMP/cut.wglog" >"$WG_TMP/cut2" 2>&1 ||
    fail "--allow-unfinished refuses a log cut after turn 7: $(cat "$WG_TMP/cut2")"
grep -q ' 7 turns, chain ok, unfinished' "$WG_TMP/cut2" || fail "cut log: $(cat "$WG_TMP/cut2")"
wg_done
