#!/usr/bin/env bash
# sharing.sh - who sees what (docs/PROTOCOL.md, "Who sees what"), with real
# processes on tests/data/short.yaml and `sharing:` appended:
#   national, every role a wg worker, a Python SUB capturing the PUB from
#   before the first phase: no published envelope carries a unit, a
#   nation's private figures, a pledge or an incident
#   (tests/tools/wg_share_check.py reads the bytes with its own protobuf
#   reader); in the log, by recipient, no nation gets another's unit or
#   figures and the command only deployed units; every role played (no
#   fallback), the log verifies, the state at the end is the one a full
#   run of the same seed ends in, and `wg-log view --as` shows each nation
#   only its own units;
#   national, FRA played from Python (it forfeits every phase): everything
#   FRA's DEALER and SUB received carries FRA's units alone;
#   coalition: the log's checks, verify, the same final state.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init sharing
LOG_TOOL="$WG_BIN/wg-log"
PY=/usr/bin/python3
CHECK="$WG_SOURCE_DIR/tests/tools/wg_share_check.py"
"$PY" -c 'import zmq' 2>/dev/null ||
    wg_abort "no python3-zmq for $PY (scripts/test installs it)"

for p in national coalition; do
    cp "$WG_SHORT" "$WG_TMP/$p.yaml" && echo "sharing: $p" >>"$WG_TMP/$p.yaml" ||
        wg_abort "cannot write $p.yaml"
done

# The state digest of a log's last TurnResult.
last_digest() {
    "$LOG_TOOL" dump "$1" | grep '"result":' | tail -1 |
        grep -o '"state_digest":"[^"]*"'
}

# end_run RUN PID WHAT: the adjudicator, the workers and the Python helper
# PID (WHAT) must all end well.
end_run() {
    wg_wait "$WG_ADJ_PID" 50
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC"
    wg_wait_workers 5
    wg_wait "$2" 10
    [ "$WG_RC" -eq 0 ] || fail "$1: $3 exited $WG_RC"
}

# share_run RUN SCENARIO: every role a worker, the command last, once a
# Python SUB captures the PUB (so it sees every phase start).
share_run() {
    local run=$1 t0
    t0=$(wg_ms)
    wg_start_exercise "$run" "$2" --skip command --log "$WG_TMP/$run.wglog"
    "$PY" "$CHECK" capture "$WG_PUB" "$WG_TMP/$run.pub" 60 \
        2>"$WG_RUN_DIR/capture.err" &
    local cap=$!
    WG_PIDS+=("$cap")
    local ticks=0
    until [ -e "$WG_TMP/$run.pub.ready" ]; do
        [ $ticks -lt 1000 ] || wg_abort "$run: the capture never heard the PUB"
        sleep 0.01
        ticks=$((ticks + 1))
    done
    wg_start_command
    end_run "$run" "$cap" "the capture"
    echo "$run: played in $(($(wg_ms) - t0)) ms"
    grep -q 'gets default orders' "$WG_RUN_DIR/adjudicator.err" &&
        fail "$run: a role got default orders: $(grep -m1 'gets default orders' "$WG_RUN_DIR/adjudicator.err")"
}

# ---- full, for the final state --------------------------------------------
wg_play full "$WG_SHORT" --log "$WG_TMP/full.wglog"
full_digest=$(last_digest "$WG_TMP/full.wglog")
[ -n "$full_digest" ] || fail "full: no final state digest"

# ---- national, every role a worker -----------------------------------------
share_run national "$WG_TMP/national.yaml"
"$PY" "$CHECK" check-capture "$WG_TMP/national.pub" FRA national ||
    fail "national: the PUB carried what not every role may see"
n=$("$PY" "$CHECK" check-capture "$WG_TMP/national.pub" FRA national |
    sed -n 's/.*phase starts published \([0-9]*\)$/\1/p')
[ "${n:-0}" -ge 14 ] || fail "national: the capture saw ${n:-no} phase starts"
"$PY" "$CHECK" check-log "$WG_TMP/national.wglog" national >"$WG_TMP/national.check" ||
    fail "national: the log shows a role something it may not see: $(grep -m3 FAIL "$WG_TMP/national.check")"
cat "$WG_TMP/national.check"
for r in FRA GBR command; do
    grep -q "phase starts $r $n\$" "$WG_TMP/national.check" ||
        fail "national: $r did not get its own start of each of the $n phases"
done
grep -q "own units to FRA" "$WG_TMP/national.check" ||
    fail "national: FRA never saw its own units"
"$LOG_TOOL" verify "$WG_TMP/national.wglog" >"$WG_TMP/national.verify" ||
    fail "national: the log does not verify: $(tail -2 "$WG_TMP/national.verify")"
[ "$(last_digest "$WG_TMP/national.wglog")" = "$full_digest" ] ||
    fail "national: the final state differs from the full run's"
for r in FRA GBR; do
    "$LOG_TOOL" view "$WG_TMP/national.wglog" --as $r >"$WG_TMP/view-$r" ||
        fail "view --as $r failed"
    grep -q "units seen" "$WG_TMP/view-$r" || fail "view --as $r: no picture"
    grep 'units seen' "$WG_TMP/view-$r" | grep -v 'units seen \([0-9]*\) (own \1)' | grep -q . &&
        fail "view --as $r: a picture with another nation's units: $(grep 'units seen' "$WG_TMP/view-$r" | grep -v 'units seen \([0-9]*\) (own \1)' | head -1)"
done
grep -q "to FRA alone" "$WG_TMP/view-FRA" || fail "view --as FRA: no phase start of its own"
cmp -s "$WG_TMP/view-FRA" "$WG_TMP/view-GBR" && fail "view: FRA and GBR saw the same"

# ---- national, FRA played from Python ---------------------------------------
wg_start_exercise pyfra "$WG_TMP/national.yaml" --skip FRA --log "$WG_TMP/pyfra.wglog"
"$PY" "$CHECK" play "$WG_ROUTER" "$WG_PUB" FRA "$WG_TMP/pyfra.got" 60 \
    2>"$WG_RUN_DIR/python-FRA.err" &
py=$!
WG_PIDS+=("$py")
end_run pyfra "$py" "the Python FRA (it did not see the end)"
"$PY" "$CHECK" check-capture "$WG_TMP/pyfra.got" FRA national >"$WG_TMP/pyfra.check" ||
    fail "pyfra: FRA's connection carried what FRA may not see: $(grep -m3 FAIL "$WG_TMP/pyfra.check")"
cat "$WG_TMP/pyfra.check"
grep -q "phase starts FRA" "$WG_TMP/pyfra.check" || fail "pyfra: FRA got no phase start of its own"
grep -q "own units to FRA" "$WG_TMP/pyfra.check" || fail "pyfra: FRA never saw its own units"
"$LOG_TOOL" verify "$WG_TMP/pyfra.wglog" >/dev/null || fail "pyfra: the log does not verify"

# ---- coalition -------------------------------------------------------------
share_run coalition "$WG_TMP/coalition.yaml"
"$PY" "$CHECK" check-capture "$WG_TMP/coalition.pub" FRA coalition >/dev/null ||
    fail "coalition: the PUB carried a unit"
"$PY" "$CHECK" check-log "$WG_TMP/coalition.wglog" coalition >"$WG_TMP/coalition.check" ||
    fail "coalition: $(grep -m3 FAIL "$WG_TMP/coalition.check")"
"$LOG_TOOL" verify "$WG_TMP/coalition.wglog" >/dev/null || fail "coalition: the log does not verify"
[ "$(last_digest "$WG_TMP/coalition.wglog")" = "$full_digest" ] ||
    fail "coalition: the final state differs from the full run's"

wg_done
