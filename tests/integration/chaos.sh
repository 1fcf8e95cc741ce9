#!/usr/bin/env bash
# chaos.sh - a long exercise played while a seeded controller
# (tests/tools/wg_chaos.py) SIGKILLs and restarts its processes at random
# moments: contingents and the command (restarted, they join again) and the
# adjudicator (restarted with --resume on its log).
#
#   1. tests/data/short.yaml with a plan of 201 turns and a 200 ms deadline,
#      every role played by the built-in bots paced at 20 ms a decision
#      (wg-bot-gate.so, WG_GATE_PACE_MS): uninterrupted, it takes about
#      10 s;
#   2. the controller kills the adjudicator at 6 turns and one worker, or
#      two to four, at 30 turns it draws, each a random moment into the
#      turn, and restarts each after a random pause (the adjudicator with
#      --resume); at 8 more it freezes a worker (SIGSTOP) for 0.3 to 2 s,
#      so that the heartbeat closes its connection; after the last, it
#      kills nothing more;
#   3. the exercise ends: the last adjudicator exits 0, every worker alive
#      (and not frozen) then exits 0 within 10 s, and the controller really killed (at least
#      the adjudicator three times and workers ten times);
#   4. the log has exactly one TurnResult for every turn, 1 to 201, and an
#      ExerciseEnd; `wg-log verify` re-adjudicates it (exit 0), `wg-log
#      check` checks it where the build has it, and the independent chain
#      check (wg_done) recomputes its hash chain.
# WG_CHAOS_SEED picks the controller's seed (18): the same seed makes the
# same choices, though where each lands in the exercise depends on timing.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init chaos
LOG_TOOL="$WG_BIN/wg-log"
SEED=${WG_CHAOS_SEED:-18}
TURNS=201
PY=$(wg_python) || wg_abort "no python3"

scenario="$WG_TMP/chaos.yaml"
sed -e '/^plan:/,$d' -e 's/^deadline_ms: .*/deadline_ms: 200/' \
    "$WG_SHORT" >"$scenario"
cat >>"$scenario" <<'EOF'
plan:
  - deployment
  - {repeat: 40, turns: [rotation, incident, incident, incident, deployment]}
EOF
[ "$("$WG_BIN/wg-adjudicator" --scenario "$scenario" --list-nations | wc -w)" -eq 8 ] ||
    wg_abort "the chaos scenario does not load"

export WG_GATE_PACE_MS=${WG_GATE_PACE_MS:-20}
log="$WG_TMP/chaos.wglog"
wg_chain_add "$log"
for try in 1 2 3; do
    wg_pick_ports
    out="$WG_TMP/run$try"
    mkdir -p "$out"
    rm -f "$log"
    # A job of its own (set -m): if the test is stopped, its process group
    # (the controller and every process it started) goes with it.
    set -m
    "$PY" "$WG_SOURCE_DIR/tests/tools/wg_chaos.py" --bin "$WG_BIN" \
        --scenario "$scenario" --log "$log" --router "$WG_ROUTER" \
        --pub "$WG_PUB" --out "$out" --seed "$SEED" \
        --turns "$TURNS" --limit 90 \
        --bot "$WG_BUILD_DIR/tests/wg-bot-gate.so" >"$out/chaos.out" 2>&1 &
    ctl=$!
    set +m
    WG_PGIDS+=("$ctl")
    WG_PIDS+=("$ctl")
    wait "$ctl"
    rc=$?
    wg_forget "$ctl"
    [ $rc -ne 2 ] && break
    grep -q 'cannot bind' "$out"/adjudicator.1.err ||
        wg_abort "the controller could not start: $(tail -3 "$out/chaos.out")"
    echo "ports $WG_PORT-$((WG_PORT + 1)) taken: trying others"
done
grep -E 'exit|kills:|did not|still running' "$out/chaos.out"
echo "$(grep -c 'killed' "$out/chaos.out") kills, $(grep -c restarted "$out/chaos.out") restarts"
[ $rc -eq 0 ] || fail "the controller exited $rc"

# It really was chaos.
kills=$(grep '^ *[0-9.]* kills:' "$out/chaos.out")
adj_kills=$(echo "$kills" | sed -n 's/.*adjudicator \([0-9]*\),.*/\1/p')
worker_kills=$(grep ' killed (turn' "$out/chaos.out" | grep -vc ' adjudicator killed')
[ "${adj_kills:-0}" -ge 3 ] || fail "the adjudicator was killed ${adj_kills:-0} times"
[ "$worker_kills" -ge 10 ] || fail "only $worker_kills worker kills"

# Every turn has one result, and the exercise ended.
"$LOG_TOOL" dump "$log" >"$WG_TMP/dump.json" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump exited $?: $(tail -2 "$WG_TMP/dump.err")"
"$PY" - "$WG_TMP/dump.json" "$TURNS" <<'EOF' || fail "turn results"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
turns = [r.get("turn", 0) for r in recs if "result" in r]
want = list(range(1, int(sys.argv[2]) + 1))
bad = 0
if sorted(turns) != want:
    dup = sorted({t for t in turns if turns.count(t) > 1})
    miss = sorted(set(want) - set(turns))
    print("FAIL: results for %d turns; missing %s, twice %s" %
          (len(turns), miss[:10], dup[:10]))
    bad = 1
if not any("end" in r for r in recs):
    print("FAIL: no ExerciseEnd")
    bad = 1
joins = sum(1 for r in recs if "join" in r)
print("%d records, %d turn results, %d joins" % (len(recs), len(turns), joins))
sys.exit(bad)
EOF

"$LOG_TOOL" verify "$log" >"$WG_TMP/verify.out" 2>&1 ||
    fail "wg-log verify exited $?: $(tail -3 "$WG_TMP/verify.out")"
tail -1 "$WG_TMP/verify.out"
if "$LOG_TOOL" 2>&1 | grep -q '^ *check '; then
    "$LOG_TOOL" check "$log" >"$WG_TMP/check.out" 2>&1 ||
        fail "wg-log check exited $?: $(tail -3 "$WG_TMP/check.out")"
    tail -1 "$WG_TMP/check.out"
fi
if [ "$wg_failures" -ne 0 ]; then
    echo "---- controller"
    tail -n 40 "$out/chaos.out"
    for f in "$out"/*.err; do
        grep -HE 'ERROR|WARN' "$f" | tail -n 3
    done
fi
wg_done
