#!/usr/bin/env bash
# director.sh - the director (issue 16; docs/PROTOCOL.md, "The director"),
# through wg-director's scripted mode, on tests/data/short.yaml with an
# `injects:` list appended (a French patrol fired on three times in E2).
#  a) The director pauses in the lobby, so nothing is played until it
#     resumes; once the exercise has started it extends the deadline by
#     5 s, fires the shooting inject and resumes. Checks: each command is
#     answered "ok" and does what it says (the status shows the exercise
#     paused with 1 s and then 6 s left); the log records the four
#     commands in that order, each stamped with the turn it was taken in;
#     turn 3 (the first incident turn) carries the injected incident to
#     FRA in RESPOND and its event line; wg-log verify: identical;
#     wg-log fork at turn 3 (FRA played by another bot) keeps the four
#     commands and the shooting, and verifies.
#  b) The same scenario and seed without a director: turns 1 and 2 end in
#     the same state as in (a) (pause, extend and resume change no
#     outcome), turn 3 does not (the inject does): wg-log diff parts at 3.
#  c) With keys: FRA's key (a Python team, tests/tools/wg_director_probe.py)
#     sends a DirectorCommand as FRA and one claiming the director: both
#     refused ERROR_UNAUTHORISED; the director's status counts the first;
#     the exercise goes on and verifies. wg-director refuses a key that is
#     not the director seat's (exit 2).
#  d) Paused, so the roles owe the phase: forcing FRA in REQUIREMENT (it
#     owes nothing) is refused; the command's fallback is forced (reason
#     "director"), GBR is ejected in PLEDGE (its fallback "ejected" there,
#     the status shows it) and readmitted; the log holds those two
#     fallbacks and no other of theirs, and verifies.
#  And a script with a line that is no command is refused before anything
#  connects: file:line and why, exit 2.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init director
LOG_TOOL="$WG_BIN/wg-log"
DIRECTOR="$WG_BIN/wg-director"

SCEN="$WG_TMP/injects.yaml"
{
    cat "$WG_SHORT"
    cat <<'YAML'

injects:
  - name: checkpoint_shooting
    turn: manual
    sector: E2
    nation: FRA
    kind: patrol_fired_on
    count: 3
    text: "A French patrol is fired on at a checkpoint"
YAML
} >"$SCEN"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$SCEN" --list-nations) ||
    wg_abort "the scenario with injects does not load"

# new_run PART: part PART's run directory, with no workers yet.
new_run() {
    WG_RUN_DIR="$WG_TMP/$1"
    mkdir -p "$WG_RUN_DIR"
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()
}

# start_director SCRIPT OPTION...: wg-director runs SCRIPT (which pauses
# first) in the background (DIR_PID; its output in the run directory's
# director.out and director.err); returns once the lobby is paused.
start_director() {
    local script=$1
    shift
    "$DIRECTOR" "$@" --script "$script" \
        >"$WG_RUN_DIR/director.out" 2>"$WG_RUN_DIR/director.err" &
    DIR_PID=$!
    WG_PIDS+=("$DIR_PID")
    wg_wait_for "$WG_RUN_DIR/director.out" '^ok 1: paused' 10
}

# wait_all PART: the adjudicator, every worker and wg-director end, each
# with 0.
wait_all() {
    wg_wait "$WG_ADJ_PID" 60
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC, wanted 0"
    wg_wait_workers 10
    wg_wait "$DIR_PID" 10
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-director exited $WG_RC, wanted 0"
}

# directed PART: part PART played on $SCEN (log: $WG_TMP/PART/ex.wglog)
# under wg-director running $WG_TMP/PART.script; the built-in bots join
# once the lobby is paused.
directed() {
    new_run "$1"
    wg_bind wg_start_adjudicator "$SCEN" --log-level info \
        --log "$WG_RUN_DIR/ex.wglog" --lobby-timeout 30000
    start_director "$WG_TMP/$1.script" --router "$WG_ROUTER" --pub "$WG_PUB"
    wg_start_command
    for n in $nations; do wg_start_contingent "$n"; done
    wait_all "$1"
}

# A script is read whole before wg-director connects: a line that is no
# command is named with its file and line, exit 2.
printf 'pause\nwait started\nextend 0\n' >"$WG_TMP/bad.script"
"$DIRECTOR" --router tcp://127.0.0.1:1 --pub tcp://127.0.0.1:2 \
    --script "$WG_TMP/bad.script" >/dev/null 2>"$WG_TMP/bad.err"
st=$?
[ $st -eq 2 ] || fail "a script with a bad line exited $st, wanted 2"
grep -q "bad.script:3: extend: '0' is not 1 to 3600 seconds" "$WG_TMP/bad.err" ||
    fail "the bad line is not named: $(cat "$WG_TMP/bad.err")"

# --- a) pause, extend, inject, resume ---------------------------------------
LOG_A="$WG_TMP/a/ex.wglog"
cat >"$WG_TMP/a.script" <<'EOF2'
pause
wait started
status
extend 5
inject checkpoint_shooting
status
resume
wait end
EOF2
directed a
cat "$WG_RUN_DIR/director.out"
out="$WG_RUN_DIR/director.out"
grep -q '^ok 2: turn 1 PHASE_REQUIREMENT: deadline extended by 5 s$' "$out" ||
    fail "a: the extension was not taken in turn 1's first phase"
grep -q '^ok 3: inject checkpoint_shooting enters turn 3 (incident)$' "$out" ||
    fail "a: the inject was not taken for turn 3"
grep -q '^ok 4: resumed$' "$out" || fail "a: the resume was not taken"
grep -c '^status turn 1/14 REQUIREMENT paused left ' "$out" | grep -qx 2 ||
    fail "a: the status does not show turn 1 paused twice"
left1=$(sed -n 's/^status turn 1.* paused left \([0-9]*\) .*/\1/p' "$out" | sed -n 1p)
left2=$(sed -n 's/^status turn 1.* paused left \([0-9]*\) .*/\1/p' "$out" | sed -n 2p)
[ "$left1" = 1000 ] || fail "a: paused at the start of a phase with ${left1:-?} ms left, wanted 1000"
[ "$left2" = 6000 ] || fail "a: after extend 5 ${left2:-?} ms left, wanted 6000"
grep '^status turn 1' "$out" | sed -n 1p | grep -q 'command=thinking FRA=joined' ||
    fail "a: the paused REQUIREMENT does not show the command thinking, FRA joined"

"$LOG_TOOL" dump "$LOG_A" >"$WG_TMP/a.dump" 2>/dev/null || fail "a: dump failed"
grep -o '"director":{"action":"[A-Z_]*"' "$WG_TMP/a.dump" |
    sed 's/.*"action":"DIRECTOR_//; s/"//' | tr '\n' ' ' >"$WG_TMP/a.actions"
[ "$(cat "$WG_TMP/a.actions")" = "PAUSE EXTEND INJECT RESUME " ] ||
    fail "a: the log records director commands '$(cat "$WG_TMP/a.actions")', wanted PAUSE EXTEND INJECT RESUME"
grep '"DIRECTOR_PAUSE"' "$WG_TMP/a.dump" | grep -q '"turn"' &&
    fail "a: the pause taken in the lobby is stamped with a turn"
grep '"DIRECTOR_EXTEND"' "$WG_TMP/a.dump" |
    grep -q '"sender_role":"ROLE_DIRECTOR","turn":1,"phase":"PHASE_REQUIREMENT"' ||
    fail "a: the extension is not stamped turn 1 REQUIREMENT"
grep '"turn":3,"phase":"PHASE_RESPOND"' "$WG_TMP/a.dump" | grep '"turn_start"' |
    grep -q '"sector":"E2","type":"patrol_fired_on","nation":"FRA","count":3' ||
    fail "a: turn 3's RESPOND does not put the injected shooting to FRA"
grep '"turn":3,' "$WG_TMP/a.dump" | grep '"result"' |
    grep -q '"inject: A French patrol is fired on at a checkpoint (patrol_fired_on in E2 against FRA)"' ||
    fail "a: turn 3's result does not say the inject happened"
"$LOG_TOOL" verify "$LOG_A" >"$WG_TMP/a.verify" 2>&1 ||
    fail "a: wg-log verify: $(tail -2 "$WG_TMP/a.verify")"
grep -q '^identical' "$WG_TMP/a.verify" || fail "a: wg-log verify does not say identical"

# wg-log fork replays the director's commands: FRA played by another bot
# from turn 3 on, the shooting still enters turn 3 against FRA.
FORK="$WG_TMP/fork.wglog"
wg_chain_add "$FORK"
"$LOG_TOOL" fork "$LOG_A" --at 3 --bot "FRA=$WG_BUILD_DIR/tests/wg-bot-timid.so" \
    -o "$FORK" >"$WG_TMP/fork.out" 2>&1 || fail "a: wg-log fork failed: $(tail -2 "$WG_TMP/fork.out")"
"$LOG_TOOL" dump "$FORK" >"$WG_TMP/fork.dump" 2>/dev/null || fail "a: dump of the fork failed"
[ "$(grep -o '"director":{"action":"[A-Z_]*"' "$WG_TMP/fork.dump" |
    sed 's/.*"action":"DIRECTOR_//; s/"//' | tr '\n' ' ')" = "PAUSE EXTEND INJECT RESUME " ] ||
    fail "a: the fork does not hold the director's four commands"
grep '"turn":3,"phase":"PHASE_RESPOND"' "$WG_TMP/fork.dump" | grep '"turn_start"' |
    grep -q '"sector":"E2","type":"patrol_fired_on","nation":"FRA","count":3' ||
    fail "a: the fork's turn 3 lost the injected shooting"
"$LOG_TOOL" verify "$FORK" >"$WG_TMP/fork.verify" 2>&1 ||
    fail "a: the fork does not verify: $(tail -2 "$WG_TMP/fork.verify")"

# --- b) the same without a director ------------------------------------------
LOG_B="$WG_TMP/b/ex.wglog"
wg_play b "$SCEN" --log "$LOG_B" --lobby-timeout 30000
"$LOG_TOOL" dump "$LOG_B" >"$WG_TMP/b.dump" 2>/dev/null || fail "b: dump failed"
digest() { grep "\"turn\":$2,\"phase\":\"PHASE_RESULT\"" "$1" | sed 's/.*"state_digest":"\([^"]*\)".*/\1/'; }
for t in 1 2; do
    [ -n "$(digest "$WG_TMP/a.dump" $t)" ] &&
        [ "$(digest "$WG_TMP/a.dump" $t)" = "$(digest "$WG_TMP/b.dump" $t)" ] ||
        fail "turn $t ends otherwise with the director's pause and extension than without"
done
[ "$(digest "$WG_TMP/a.dump" 3)" != "$(digest "$WG_TMP/b.dump" 3)" ] ||
    fail "turn 3 ends the same with the inject as without"
"$LOG_TOOL" diff "$LOG_A" "$LOG_B" >"$WG_TMP/diff" 2>&1
st=$?
[ $st -eq 1 ] || fail "wg-log diff of the exercises with and without the inject exited $st, wanted 1"
# The public figures may part later than the state (no one hit in turn 3).
parted=$(sed -n 's/.*part at turn \([0-9]*\).*/\1/p' "$WG_TMP/diff")
[ -n "$parted" ] && [ "$parted" -ge 3 ] ||
    fail "wg-log diff does not say they part at turn 3 or later: $(tail -1 "$WG_TMP/diff")"

# --- d) force, eject and readmit, while paused ---------------------------------
# Paused, the roles' orders wait, so the roles owe the phase: the director
# forces the command's fallback in turn 1's REQUIREMENT (which closes it:
# the command was all it waited for), ejects GBR in PLEDGE (its fallback
# plays there, "ejected") and readmits it (it plays from the next phase).
LOG_D="$WG_TMP/d/ex.wglog"
printf 'pause\nwait started\nforce FRA\nforce command\neject GBR\nstatus\nreadmit GBR\nresume\nwait end\n' \
    >"$WG_TMP/d.script"
directed d
out="$WG_RUN_DIR/director.out"
cat "$out"
grep -q "^refused 2: FRA owes no order now: nothing to force$" "$out" ||
    fail "d: forcing FRA in REQUIREMENT (it owes nothing) was not refused"
grep -q "^ok 3: command's fallback plays for turn 1 PHASE_REQUIREMENT$" "$out" ||
    fail "d: the command's fallback was not forced"
grep -q "^ok 4: GBR ejected" "$out" || fail "d: GBR was not ejected"
grep '^status turn 1/14 PLEDGE paused' "$out" | grep -q ' GBR=ejected ' ||
    fail "d: the status does not show GBR ejected in turn 1's PLEDGE"
grep -q "^ok 5: GBR readmitted" "$out" || fail "d: GBR was not readmitted"
"$LOG_TOOL" dump "$LOG_D" >"$WG_TMP/d.dump" 2>/dev/null || fail "d: dump failed"
grep '"reason":"director"' "$WG_TMP/d.dump" >"$WG_TMP/d.forced"
[ "$(wc -l <"$WG_TMP/d.forced")" -eq 1 ] &&
    grep -q '"sender_role":"ROLE_COMMAND","turn":1,"phase":"PHASE_REQUIREMENT"' "$WG_TMP/d.forced" ||
    fail "d: the log does not hold one forced fallback, the command's in turn 1 REQUIREMENT"
grep '"reason":"ejected"' "$WG_TMP/d.dump" >"$WG_TMP/d.ejected"
[ "$(wc -l <"$WG_TMP/d.ejected")" -eq 1 ] &&
    grep -q '"sender_nation":"GBR","turn":1,"phase":"PHASE_PLEDGE"' "$WG_TMP/d.ejected" ||
    fail "d: the log does not hold one ejected fallback, GBR's in turn 1 PLEDGE"
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
"$LOG_TOOL" verify "$LOG_D" >"$WG_TMP/d.verify" 2>&1 ||
    fail "d: wg-log verify: $(tail -2 "$WG_TMP/d.verify")"

# --- c) with keys: only the director's key directs ----------------------------
PY=$(wg_python) || wg_abort "no python3"
if ! command -v protoc >/dev/null || ! "$PY" -c 'import zmq.auth, google.protobuf' 2>/dev/null; then
    fail "c: needs protoc, python3-zmq and python3-protobuf (scripts/test installs them)"
    wg_done
fi
protoc --python_out="$WG_TMP" -I "$WG_SOURCE_DIR/proto" "$WG_SOURCE_DIR/proto/wg.proto" ||
    wg_abort "protoc failed"
K="$WG_TMP/keys"
# shellcheck disable=SC2086
mkdir "$K" && "$WG_BIN/wg-keygen" --dir "$K" adjudicator command director $nations >/dev/null ||
    wg_abort "wg-keygen failed"
start_keyed() {
    EX="$WG_TMP/c.yaml"
    {
        echo "scenario: $SCEN"
        echo "router: $WG_ROUTER"
        echo "pub: $WG_PUB"
        echo "adjudicator_key: keys/adjudicator.pub"
        echo "seats:"
        echo "  - {role: command, player: bot, key: keys/command.pub}"
        for n in $nations; do
            echo "  - {role: $n, player: bot, key: keys/$n.pub}"
        done
        echo "  - {role: director, key: keys/director.pub}"
    } >"$EX"
    rm -f "$LOG_C"
    "$WG_BIN/wg-adjudicator" --exercise "$EX" --key "$K/adjudicator.key" \
        --log "$LOG_C" --lobby-timeout 30000 --log-level info \
        >"$WG_RUN_DIR/adjudicator.out" 2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}
new_run c
LOG_C="$WG_RUN_DIR/ex.wglog"
wg_chain_add "$LOG_C"
wg_bind start_keyed
"$DIRECTOR" --exercise "$EX" --key "$K/FRA.key" --script - </dev/null \
    >/dev/null 2>"$WG_TMP/wrongkey.err"
st=$?
[ $st -eq 2 ] || fail "c: wg-director with FRA's key exited $st, wanted 2"
grep -q 'not the key of seat director' "$WG_TMP/wrongkey.err" ||
    fail "c: wg-director with FRA's key does not say whose key it is: $(cat "$WG_TMP/wrongkey.err")"
printf 'pause\nwait started\nstatus\nresume\nwait turn 2\nstatus\nwait end\n' >"$WG_TMP/c.script"
start_director "$WG_TMP/c.script" --exercise "$EX" --key "$K/director.key"
PYTHONPATH="$WG_TMP" "$PY" "$WG_SOURCE_DIR/tests/tools/wg_director_probe.py" \
    "$WG_ROUTER" "$WG_PUB" "$K/adjudicator.pub" "$K/FRA.key" FRA \
    >"$WG_RUN_DIR/probe.out" 2>"$WG_RUN_DIR/probe.err" &
PROBE_PID=$!
WG_PIDS+=("$PROBE_PID")
"$WG_BIN/wg-command" --exercise "$EX" --key "$K/command.key" 2>"$WG_RUN_DIR/command.err" &
WG_PIDS+=($!)
WG_WORKER_PIDS+=($!)
WG_WORKER_NAMES+=(command)
for n in $nations; do
    [ "$n" = FRA ] && continue
    "$WG_BIN/wg-contingent" --exercise "$EX" --key "$K/$n.key" 2>"$WG_RUN_DIR/$n.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=("$n")
done
wg_wait "$PROBE_PID" 30
[ "$WG_RC" -eq 0 ] || fail "c: the probe exited $WG_RC: $(cat "$WG_RUN_DIR/probe.err")"
cat "$WG_RUN_DIR/probe.out"
sed -n 1p "$WG_RUN_DIR/probe.out" | grep -qx welcome || fail "c: FRA's key was not welcomed as FRA"
sed -n 2p "$WG_RUN_DIR/probe.out" |
    grep -q '^error ERROR_UNAUTHORISED FRA may not send director commands' ||
    fail "c: a DirectorCommand from FRA was not refused as unauthorised"
sed -n 3p "$WG_RUN_DIR/probe.out" |
    grep -q '^error ERROR_UNAUTHORISED the key of seat FRA cannot speak for director' ||
    fail "c: FRA's key claiming the director was not refused as unauthorised"
wait_all c
cat "$WG_RUN_DIR/director.out"
grep '^status turn' "$WG_RUN_DIR/director.out" | tail -1 | grep -q 'unauthorised 1$' ||
    fail "c: the director's status does not count FRA's command as unauthorised"
grep -q 'unauthorised: FRA sent a director command' "$WG_RUN_DIR/adjudicator.err" ||
    fail "c: the adjudicator did not log FRA's command as unauthorised"
wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
"$LOG_TOOL" verify "$LOG_C" >"$WG_TMP/c.verify" 2>&1 ||
    fail "c: wg-log verify: $(tail -2 "$WG_TMP/c.verify")"

wg_done
