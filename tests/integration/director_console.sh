#!/usr/bin/env bash
# director_console.sh - wg-director's ncurses console driven through a
# pseudo-terminal (tests/tools/wg_tty_steps.py on wg_tty.py: pexpect and a
# VT100 model read the screen as the director sees it), with real
# processes on loopback, on tests/data/short.yaml with a 30 s deadline and
# an `injects:` list. The console starts before the adjudicator and says
# "reconnecting" until one is there; in the lobby `p` pauses; the roles
# join and turn 1 waits, paused, the command thinking; `e` extends the
# deadline by the 60 s offered (90 s left); `i` fires the listed shooting
# after a confirmation; `a` composes an ad-hoc inject in a sector the
# scenario lacks: refused on screen with the reason; a resize to 80x24
# keeps the turn on screen; Ctrl-C asks and 'n' stays. Then the
# adjudicator is killed (-9): the console says "reconnecting"; resumed
# from its log (wg-adjudicator --resume) it comes back paused (the pause
# was recorded when the lobby ended), a whole deadline to go, and the
# console shows it without being touched; the extension and the inject,
# booked in the phase that was in play, were lost with it (the inject is
# not fired any more): `i` fires it again. `p` resumes: the exercise
# plays to its end (the console shows it over), and `q` leaves (exit 0).
# The log: pause, inject, resume, the shooting in turn 3's RESPOND
# against FRA, and wg-log verify says identical.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init director_console

PY=$(wg_python) || wg_abort "no python3"
"$PY" -c 'import pexpect' 2>/dev/null ||
    wg_abort "no python3-pexpect for $PY (scripts/test installs it)"
DRIVER="$WG_SOURCE_DIR/tests/tools/wg_tty_steps.py"
LOG_TOOL="$WG_BIN/wg-log"
T="$WG_TMP"
SCEN="$T/injects.yaml"
{
    sed 's/^deadline_ms: .*/deadline_ms: 30000/' "$WG_SHORT"
    cat <<'YAML'

injects:
  - name: checkpoint_shooting
    turn: manual
    sector: E2
    nation: FRA
    kind: patrol_fired_on
    text: "A French patrol is fired on at a checkpoint"
YAML
} >"$SCEN"
grep -q '^deadline_ms: 30000' "$SCEN" || wg_abort "no deadline_ms in $WG_SHORT"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$SCEN" --list-nations) ||
    wg_abort "--list-nations failed"
WG_RUN_DIR="$T/run"
mkdir -p "$WG_RUN_DIR"
LOG="$T/ex.wglog"
WG_WORKER_PIDS=()
WG_WORKER_NAMES=()

cat >"$T/console.steps" <<EOF
expect "reconnecting" 10
touch $T/console-up
expect "^turn 0/14 +LOBBY +lobby" 30
absent "reconnecting"
send p
expect "done: paused" 10
touch $T/paused
expect "^turn 1/14 +REQUIREMENT +PAUSED +30\.0 s left" 30
lines "^command +thinking" "^FRA +joined" "^NLD +joined"
send e
expect "extend the deadline by \(s\)"
send \r
expect "done: turn 1 PHASE_REQUIREMENT: deadline extended by 60 s" 10
expect "^turn 1/14 +REQUIREMENT +PAUSED +90\.0 s left"
send i
expect "scenario injects: checkpoint_shooting"
send checkpoint_shooting\r
expect "\[y\] yes"
send y
expect "done: inject checkpoint_shooting enters turn 3 \(incident\)" 10
lines "^checkpoint_shooting +manual +fired"
send a
expect "sectors: N E1 E2"
send E9 unrest\r
expect "\[y\] yes"
send y
expect "refused: inject: sector 'E9' is not the scenario's" 10
resize 24 80
expect "^turn 1/14 +REQUIREMENT +PAUSED"
resize 40 120
send \x03
expect "Leave the director's console\?"
send n
absent "Leave the director's console"
touch $T/kill
expect "reconnecting" 30
touch $T/down
wait-file $T/resumed 30
expect "^turn 1/14 +REQUIREMENT +PAUSED +30\.0 s left" 30
absent "reconnecting"
lines "^checkpoint_shooting +manual +A French"
send i
expect "scenario injects: checkpoint_shooting"
send checkpoint_shooting\r
expect "\[y\] yes"
send y
expect "done: inject checkpoint_shooting enters turn 3 \(incident\)" 10
send p
expect "^last: resumed" 10
expect "^turn 14/14 .*OVER" 60
expect "the exercise is over: q leaves"
send q
exit 0 10
EOF

# wait_file FILE SECONDS: FILE appears (a console whose driver failed a
# step first ends the wait and says why).
wait_file() {
    local t=0
    until [ -e "$1" ]; do
        [ $t -lt $(($2 * 100)) ] || wg_abort "no ${1#"$T"/} after $2 s"
        if ! wg_alive "$CONSOLE_PID"; then
            tail -60 "$T/console.pty"
            wg_abort "the console's screen was not as expected before ${1#"$T"/}"
        fi
        sleep 0.01
        t=$((t + 1))
    done
}

# The console first, on two free ports where nobody listens yet.
wg_pick_ports
"$PY" "$DRIVER" --rows 40 --cols 120 --script "$T/console.steps" \
    --dump "$T/console.screen" -- "$WG_BIN/wg-director" --router "$WG_ROUTER" \
    --pub "$WG_PUB" >"$T/console.pty" 2>&1 &
CONSOLE_PID=$!
WG_PIDS+=("$CONSOLE_PID")
wait_file "$T/console-up" 30
wg_start_adjudicator "$SCEN" --log "$LOG" --log-level info --lobby-timeout 30000
wait_file "$T/paused" 30
wg_start_command
for n in $nations; do wg_start_contingent "$n"; done
wait_file "$T/kill" 60
kill -9 "$WG_ADJ_PID"
wait "$WG_ADJ_PID" 2>/dev/null
wg_forget "$WG_ADJ_PID"
mv "$WG_RUN_DIR/adjudicator.err" "$WG_RUN_DIR/adjudicator-killed.err"
wait_file "$T/down" 30
wg_start_adjudicator "$SCEN" --resume "$LOG" --log-level info --lobby-timeout 30000
touch "$T/resumed"
wg_wait "$CONSOLE_PID" 120
if [ "$WG_RC" -ne 0 ]; then
    fail "the console's screen was not as expected"
    tail -60 "$T/console.pty"
fi
wg_wait "$WG_ADJ_PID" 30
[ "$WG_RC" -eq 0 ] || fail "the resumed wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 10
"$LOG_TOOL" dump "$LOG" >"$T/dump" 2>/dev/null || fail "wg-log dump failed"
grep -o '"director":{"action":"[A-Z_]*"' "$T/dump" |
    sed 's/.*"action":"DIRECTOR_//; s/"//' | tr '\n' ' ' >"$T/actions"
# The pause was recorded when the lobby ended; the extension and the first
# inject were the phase's, lost with it when the adjudicator was killed
# (docs/LOG-FORMAT.md, "The order of records"); the inject fired again
# after the resume and the resume are turn 1's.
[ "$(cat "$T/actions")" = "PAUSE INJECT RESUME " ] ||
    fail "the log records director commands '$(cat "$T/actions")', wanted PAUSE INJECT RESUME"
grep '"turn":3,"phase":"PHASE_RESPOND"' "$T/dump" | grep '"turn_start"' |
    grep -q '"sector":"E2","type":"patrol_fired_on","nation":"FRA","count":1' ||
    fail "turn 3's RESPOND does not put the injected shooting to FRA"
"$LOG_TOOL" verify "$LOG" >"$T/verify" 2>&1 ||
    fail "wg-log verify: $(tail -2 "$T/verify")"
grep -q '^identical' "$T/verify" || fail "wg-log verify does not say identical"
wg_done
