#!/usr/bin/env bash
# console_run_exercise.sh - `scripts/run-exercise --human FRA` as the README
# shows it, through a pseudo-terminal (python3-pexpect), on the build under
# test (WG_BUILD_DIR: nothing is rebuilt): FRA's console pledges at turn 1
# and leaves at turn 2; the script plays the default exercise to its end
# with FRA's fallback, prints the summary and the log, and exits 0. The log
# has FRA's pledge from the team (HUMAN) and its fallback after it left.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init console_run_exercise

py=$(wg_python) || wg_abort "no python3"
"$py" -c 'import pexpect' 2>/dev/null ||
    wg_abort "python3-pexpect is missing (scripts/test installs it)"
wg_pick_ports
log="$WG_TMP/exercise.wglog"
wg_chain_add "$log"
runs="$WG_SOURCE_DIR/runs"
before=$(ls -d "$runs"/* 2>/dev/null | sort)
WG_PORT=$WG_PORT WG_BUILD_DIR="$WG_BUILD_DIR" PYTHONPATH="$WG_SOURCE_DIR/tests/tools" \
    "$py" "$WG_SOURCE_DIR/tests/tools/run_exercise_check.py" "$log" -- \
    "$WG_SOURCE_DIR/scripts/run-exercise" --human FRA --deadline 8000 \
    --log "$log" || fail "run_exercise_check.py failed"
# The run's directory under runs/ (stderr files, and the scenario it
# played with --deadline): this test's own (other tests' runs there have
# no scenario.yaml) is checked and removed.
found=0
for d in $(ls -d "$runs"/* 2>/dev/null | sort); do
    case " $(echo $before) " in *" $d "*) continue ;; esac
    grep -q '^deadline_ms: 8000  # run-exercise --human' "$d/scenario.yaml" \
        2>/dev/null || continue
    found=1
    rm -rf -- "$d"
done
[ $found -eq 1 ] || fail "no run under runs/ played the scenario with deadline_ms 8000"
"$WG_BIN/wg-log" dump "$log" >"$WG_TMP/dump" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump failed"
grep '"sender_nation":"FRA"' "$WG_TMP/dump" | grep '"pledge"' |
    grep '"ORDER_SOURCE_HUMAN"' | grep -q '"rationale":"from run-exercise"' ||
    fail "no pledge from FRA's team in the log"
grep '"sender_nation":"FRA"' "$WG_TMP/dump" | grep '"ORDER_SOURCE_DEFAULT"' |
    grep -q '"reason":"disconnected"' ||
    fail "no fallback for FRA after it left"
wg_done
