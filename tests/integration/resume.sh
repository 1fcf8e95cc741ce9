#!/usr/bin/env bash
# resume.sh - SIGKILL the adjudicator in the middle of an exercise and
# resume it from its log: the same final state as an uninterrupted run.
#
#   1. tests/data/short.yaml played to the end with seed S (run "a");
#   2. the same, killed with SIGKILL after a few turn lines, the workers
#      left running (run "b"); a torn partial frame is added to its log, as
#      a kill in the middle of a write would leave;
#   3. wg-adjudicator --resume on the same endpoints: it cuts the torn
#      tail, rebuilds the state from the log, the workers join again (they
#      see the new adjudicator's Beacon), and it plays to the end, exit 0;
#   4. the last TurnResult's state_digest and the summary equal run a's,
#      every turn line of run a was printed by b or by the resumed run, and
#      the resumed log verifies (wg-log verify), re-joins included.
# If the exercise ends before the kill lands (it runs in well under a
# second), the kill comes earlier on the next try.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init resume
LOG_TOOL="$WG_BIN/wg-log"
SEED=31337

wg_play a "$WG_SHORT" --seed "$SEED" --log "$WG_TMP/a.wglog" \
    --lobby-timeout 20000
wg_check_turn_lines "$WG_TMP/a/adjudicator.out" 14

# Lines of the turns that were played, by turn.
turn_lines() { grep -h '^turn ' "$@" | sort -u; }
# The summary, but for the count of rejected messages: workers that join
# the resumed adjudicator may resend an order it already has (refused as a
# duplicate or as late), which an uninterrupted run never sees. The state
# and every figure of the exercise must be the same.
summary() { sed -n '/^summary:/,$p' "$1" | grep -v 'rejected messages'; }
last_digest() {
    "$LOG_TOOL" dump "$1" | grep '"result":' | tail -1 |
        sed -n 's/.*"state_digest":"\([^"]*\)".*/\1/p'
}

killed=
for kill_after in 3 2 1 1 1; do
    rm -f "$WG_TMP/b.wglog" # the last try's, played to the end
    wg_start_exercise "b$kill_after" "$WG_SHORT" --seed "$SEED" \
        --log "$WG_TMP/b.wglog" --lobby-timeout 20000
    out="$WG_RUN_DIR/adjudicator.out"
    ticks=0
    while [ "$(grep -c '^turn ' "$out" 2>/dev/null)" -lt "$kill_after" ]; do
        kill -0 "$WG_ADJ_PID" 2>/dev/null || break
        [ "$ticks" -lt 3000 ] || wg_abort "no turn line after 30 s"
        sleep 0.01
        ticks=$((ticks + 1))
    done
    # Freeze it first, so what it printed is all it did: a turn line is
    # printed before the turn's records are flushed, so fewer than 14 lines
    # mean the last turn (and the exercise's end) is still to come.
    kill -STOP "$WG_ADJ_PID" 2>/dev/null
    if [ "$(grep -c '^turn ' "$out" 2>/dev/null)" -ge 14 ] ||
        grep -q '^summary:' "$out"; then
        kill -CONT "$WG_ADJ_PID" 2>/dev/null
        wait "$WG_ADJ_PID" 2>/dev/null
        echo "the exercise ended before the kill; again, earlier"
        wg_wait_workers 10
        continue
    fi
    kill -KILL "$WG_ADJ_PID" 2>/dev/null
    wait "$WG_ADJ_PID" 2>/dev/null
    killed=$kill_after
    break
done
[ -n "$killed" ] || wg_abort "could not kill the adjudicator mid-exercise"
b_dir=$WG_RUN_DIR
echo "killed after $(grep -c '^turn ' "$b_dir/adjudicator.out") turn lines"
"$LOG_TOOL" info "$WG_TMP/b.wglog" >"$WG_TMP/b.info" 2>&1
grep -E '^(records|turn_results|tail):' "$WG_TMP/b.info"

# A torn frame at the end: a length field, a CRC and a few payload bytes.
printf '\x40\x00\x00\x00\x12\x34\x56\x78\x08\x01' >>"$WG_TMP/b.wglog"

# The workers of run b are still up: resume on the same endpoints.
"$WG_BIN/wg-adjudicator" --resume "$WG_TMP/b.wglog" --router "$WG_ROUTER" \
    --pub "$WG_PUB" --lobby-timeout 20000 >"$b_dir/resumed.out" \
    2>"$b_dir/resumed.err" &
resumed=$!
WG_PIDS+=("$resumed")
wg_wait "$resumed" 50
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator --resume exited $WG_RC, wanted 0"
wg_wait_workers 10
grep -q 'cut a torn tail of 10 bytes' "$b_dir/resumed.err" ||
    fail "the resumed adjudicator did not report the torn tail it cut"
grep -q 'joined again' "$b_dir/resumed.err" ||
    fail "the workers did not join the resumed adjudicator"

# The same end as the uninterrupted run.
da=$(last_digest "$WG_TMP/a.wglog")
db=$(last_digest "$WG_TMP/b.wglog")
echo "final state digest: uninterrupted $da, resumed $db"
[ -n "$da" ] && [ "$da" = "$db" ] || fail "final state digests differ"
if [ "$(summary "$WG_TMP/a/adjudicator.out")" != "$(summary "$b_dir/resumed.out")" ]; then
    fail "summaries differ"
    diff <(summary "$WG_TMP/a/adjudicator.out") <(summary "$b_dir/resumed.out")
fi
if [ "$(turn_lines "$WG_TMP/a/adjudicator.out")" != \
    "$(turn_lines "$b_dir/adjudicator.out" "$b_dir/resumed.out")" ]; then
    fail "the turn lines of the killed and resumed runs are not run a's"
    diff <(turn_lines "$WG_TMP/a/adjudicator.out") \
        <(turn_lines "$b_dir/adjudicator.out" "$b_dir/resumed.out") | head
fi

# The resumed log holds both runs' records and the re-joins, and verifies.
timeout 30 "$LOG_TOOL" verify "$WG_TMP/b.wglog" >"$WG_TMP/verify.out" 2>&1 ||
    fail "wg-log verify on the resumed log exited $?"
cat "$WG_TMP/verify.out"
grep -q '^identical' "$WG_TMP/verify.out" || fail "resumed log not identical"
timeout 30 "$LOG_TOOL" verify "$WG_TMP/a.wglog" >/dev/null 2>&1 ||
    fail "wg-log verify on the uninterrupted log failed"
njoin=$("$LOG_TOOL" dump "$WG_TMP/b.wglog" | grep -c '"join":')
[ "$njoin" -ge 18 ] || fail "$njoin joins in the resumed log, wanted 9 + 9"

# Resuming a finished exercise: nothing to do, exit 0.
timeout 20 "$WG_BIN/wg-adjudicator" --resume "$WG_TMP/b.wglog" \
    --router "$WG_ROUTER" --pub "$WG_PUB" >/dev/null 2>"$WG_TMP/again.err" ||
    fail "--resume of a finished exercise exited $?"
grep -q 'already over' "$WG_TMP/again.err" || fail "no 'already over' note"

wg_done
