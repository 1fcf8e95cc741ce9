#!/usr/bin/env bash
# sigint.sh - Ctrl-C stops an exercise cleanly.
#
# To stop mid-exercise for certain (bots play a turn in ~10 ms), one
# contingent is frozen with SIGSTOP (in part 1 at the start of turn 2,
# held there by wg_start_held_contingent; in part 2, a 76-turn exercise,
# once it has joined): every phase that
# expects it then waits for its deadline, so the exercise crawls on.
#
# Part 1, the workers themselves (tests/data/short.yaml): after turn 2,
# SIGINT to the adjudicator and every worker. All exit within 5 s, the
# adjudicator with 1; its log reads back (wg-log info exits 0, clean tail).
#
# Part 2, scripts/run-exercise on configs/scenarios/default.yaml, as a user
# runs it: after turn 2, SIGINT to its process group (what Ctrl-C at a
# terminal does). It exits non-zero within 10 s and no process it started
# remains. run-exercise is pointed at the build under test (WG_BUILD_DIR),
# so it rebuilds nothing.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init sigint

# check_log LOG: wg-log info reads it whole.
check_log() {
    "$WG_BIN/wg-log" info "$1" >"$1.info" 2>&1
    local st=$?
    [ $st -eq 0 ] || fail "wg-log info ${1##*/} exited $st: $(tail -2 "$1.info")"
    grep -Eq '^tail: +clean$' "$1.info" || fail "${1##*/}: tail not clean"
}

# ---- part 1 ----
log="$WG_TMP/direct.wglog"
# absent: wait, so the frozen FRA holds every phase for its deadline.
wg_start_exercise direct "$WG_SHORT" --skip FRA --log "$log" \
    --lobby-timeout 20000 --absent wait
out="$WG_RUN_DIR/adjudicator.out"
wg_start_held_contingent direct FRA 2
fra=$WG_HELD_PID
WG_WORKER_PIDS+=("$fra")
WG_WORKER_NAMES+=(contingent-FRA)
kill -STOP "$fra"
touch "$WG_HELD_GATE/go-2" # it plays on once it runs again
wg_wait_for "$out" '^turn +2 ' 20
grep -q '^summary:' "$out" && wg_abort "part 1: the exercise ended before the signal"
t0=$(wg_ms)
for p in "$WG_ADJ_PID" "${WG_WORKER_PIDS[@]}"; do
    kill -INT "$p"
done
kill -CONT "$fra"
wg_wait "$WG_ADJ_PID" 5
[ "$WG_RC" -eq 1 ] || fail "part 1: wg-adjudicator exited $WG_RC after SIGINT, wanted 1"
for i in "${!WG_WORKER_PIDS[@]}"; do
    wg_wait "${WG_WORKER_PIDS[$i]}" 5
    echo "part 1: ${WG_WORKER_NAMES[$i]} exited $WG_RC"
    [ "$WG_RC" -lt 128 ] || fail "part 1: ${WG_WORKER_NAMES[$i]} died of signal $((WG_RC - 128))"
done
echo "part 1: every process gone $(($(wg_ms) - t0)) ms after SIGINT, at turn $(grep -c '^turn ' "$out")"
grep -q 'signal 2' "$WG_RUN_DIR/adjudicator.err" || fail "part 1: the adjudicator did not log the signal"
check_log "$log"

# ---- part 2 ----
# run-exercise reuses the build under test (WG_BUILD_DIR), so nothing is
# rebuilt here.
wg_pick_ports
rx_dir="$WG_TMP/run-exercise"
mkdir -p "$rx_dir"
log="$rx_dir/exercise.wglog"
# A job of its own (set -m): its own process group, and SIGINT not ignored,
# as when run from a terminal.
set -m
WG_PORT=$WG_PORT WG_BUILD_DIR="$WG_BUILD_DIR" "$WG_SOURCE_DIR/scripts/run-exercise" \
    "$WG_SOURCE_DIR/configs/scenarios/default.yaml" --log "$log" --absent wait \
    >"$rx_dir/stdout" 2>"$rx_dir/stderr" &
rx=$!
set +m
WG_PGIDS+=("$rx")
WG_PIDS+=("$rx")
runs="$WG_SOURCE_DIR/runs"
trap 'rm -rf "$runs"/*-"$rx"; wg_cleanup' EXIT

# Its children: wg-adjudicator, wg-command and a contingent per nation.
n_nations=$("$WG_BIN/wg-adjudicator" --list-nations \
    --scenario "$WG_SOURCE_DIR/configs/scenarios/default.yaml" | wc -l)
# (Builtins only: the exercise runs about a second once every role joined,
# and FRA must be frozen before then.)
kids=() fra=
children() {
    local f line
    kids=()
    for f in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$f" || continue
        line=${line##*) }
        line=${line#* }
        [ "${line%% *}" = "$rx" ] || continue
        f=${f#/proc/}
        kids+=("${f%/stat}")
    done
}
is_fra() {
    local args
    mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
    [ ${#args[@]} -gt 0 ] || return 1 # a zombie, or not yet exec'd
    [ "${args[0]##*/}" = wg-contingent ] && [[ " ${args[*]} " == *" --nation FRA "* ]]
}
ticks=0
while :; do
    children
    if [ -z "$fra" ]; then
        for p in "${kids[@]}"; do
            is_fra "$p" && fra=$p
        done
    fi
    [ -n "$fra" ] && [ ${#kids[@]} -ge $((n_nations + 2)) ] && break
    kill -0 "$rx" 2>/dev/null ||
        wg_abort "run-exercise exited early: $(tail -3 "$rx_dir/stderr")"
    [ $ticks -ge 6000 ] &&
        wg_abort "run-exercise started ${#kids[@]} processes in 60 s"
    sleep 0.01
    ticks=$((ticks + 1))
done
wg_wait_for "$runs/"*-"$rx/contingent-FRA.err" 'joined' 20
kill -STOP "$fra"
wg_wait_for "$rx_dir/stdout" '^turn +2 ' 20
grep -q '^summary:' "$rx_dir/stdout" && wg_abort "part 2: the exercise ended before the signal"
t0=$(wg_ms)
kill -INT -- "-$rx"
kill -CONT "$fra"
wg_wait "$rx" 10
echo "part 2: run-exercise exited $WG_RC $(($(wg_ms) - t0)) ms after SIGINT"
[ "$WG_RC" -ne 0 ] || fail "part 2: run-exercise exited 0 after SIGINT"
for p in "${kids[@]}"; do
    if wg_alive "$p"; then
        fail "part 2: process $p ($(cat "/proc/$p/comm")) still running"
        kill -KILL "$p"
    fi
done
check_log "$log"
wg_done
