#!/bin/bash
# observe.sh - the live board, wg-observe, driven through a pseudo-terminal
# (tests/tools/wg_tty_steps.py on wg_tty.py: pexpect runs it, a VT100 model
# reads its screen as a person would), with real processes on loopback:
#
#  1. live: an exercise on tests/data/short.yaml (a 30 s deadline; FRA
#     plays wg-bot-gate.so, held at turn 5). The board (--sub, no scenario:
#     every nation it shows came over the wire) shows the lobby, then turn
#     5's respond phase with the time left and every nation's troops in
#     theatre as the adjudicator's own turn line has them; a resize to 80x24
#     and back keeps turn and nations on screen; Ctrl-C asks and 'n' stays;
#     let go, it shows the exercise's end; Ctrl-C and 'y' leave (exit 0).
#     Meanwhile the umpire's board follows the log being written (--log
#     --umpire): turn 4 while turn 5 is held, with the orders, then the end.
#     While turn 5 waits, the director (wg-director --script) pauses: the
#     board's clock stands still and says so; it extends the phase by 60 s
#     and resumes: the board's clock runs again, 60 s longer.
#  2. replay: on another port a publisher sends bytes that are not an
#     envelope and a two-frame message (counted on screen, the board goes
#     on), then goes away (the board says it is reconnecting); `wg-log
#     replay --step` of the live log comes up there: the board connects and
#     shows turn 3 as recorded; the replay is killed (reconnecting again)
#     and a second one plays the log to its end, which the board shows.
#  3. log: `wg-observe --log` steps through the same log: the last turn,
#     one back (turn 13's figures as recorded), a resize; q asks, y leaves.
#  4. keys and sharing national: an exercise with keys; the board with the
#     observer's key shows the public picture and says so, with cohesion
#     and committed force hidden ('-'), to the end; --plain prints every
#     turn's picture and exits 0 at the end; the adjudicator's own key, a
#     stranger's, no key, and a pub that binds every address are refused
#     (exit 2) with the reason.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init observe

PY=$(wg_python) || wg_abort "no python3"
"$PY" -c 'import pexpect, zmq' 2>/dev/null ||
    wg_abort "no python3-pexpect or python3-zmq for $PY (scripts/test installs them)"
DRIVER="$WG_SOURCE_DIR/tests/tools/wg_tty_steps.py"
OBSERVE="$WG_BIN/wg-observe"
LOG_TOOL="$WG_BIN/wg-log"
T="$WG_TMP"
SCEN="$T/short-30s.yaml"
sed 's/^deadline_ms: .*/deadline_ms: 30000/' "$WG_SHORT" >"$SCEN"
grep -q '^deadline_ms: 30000' "$SCEN" || wg_abort "no deadline_ms in $WG_SHORT"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations) ||
    wg_abort "--list-nations failed"

# board NAME ROWS COLS STEPS ARGS...: wg-observe ARGS under the driver, in
# the background (BOARD_PID); its report in $T/NAME.pty.
board() {
    local name=$1 rows=$2 cols=$3 steps=$4
    shift 4
    "$PY" "$DRIVER" --rows "$rows" --cols "$cols" --script "$steps" \
        --dump "$T/$name.screen" -- "$OBSERVE" "$@" >"$T/$name.pty" 2>&1 &
    BOARD_PID=$!
    WG_PIDS+=("$BOARD_PID")
}

# board_done NAME SECONDS: the driver ran every step.
board_done() {
    wg_wait "$BOARD_PID" "$2"
    if [ "$WG_RC" -ne 0 ]; then
        fail "$1: the board's screen was not as expected"
        sed 's/^/    /' "$T/$1.pty" | tail -60
    fi
}

# wait_file FILE SECONDS: FILE appears (a board that failed a step first
# ends the wait and says why).
wait_file() {
    local t=0
    until [ -e "$1" ]; do
        [ $t -lt $(($2 * 100)) ] || wg_abort "no ${1#"$T"/} after $2 s"
        if [ -n "${BOARD_PID:-}" ] && ! wg_alive "$BOARD_PID"; then
            fail "the board's driver stopped before ${1#"$T"/}"
            tail -40 "$T"/*.pty
            wg_abort "the board's screen was not as expected"
        fi
        sleep 0.01
        t=$((t + 1))
    done
}

# figures OUT N: steps checking that every nation's row shows the troops in
# theatre of turn N's line in OUT (the adjudicator's own turn line).
figures() {
    local line pairs regs=() code troops
    line=$(grep -E "^turn +$2 " "$1") || wg_abort "no turn $2 line in $1"
    pairs=$(echo "$line" | sed 's/^[^|]*| \(.*\) | theatre.*/\1/')
    set -- $pairs
    while [ $# -ge 2 ]; do
        code=$1
        troops=${2%[-x]}
        regs+=("\"^$code +[a-z ]+ +$troops \"")
        shift 2
    done
    [ ${#regs[@]} -eq "$(echo $nations | wc -w)" ] ||
        wg_abort "turn $2: ${#regs[@]} nations on the turn line: $line"
    echo "lines ${regs[*]} -- 20"
}

# ---- 1. live ----------------------------------------------------------------
gate="$T/gate"
mkdir "$gate"
touch "$gate/hold-5"
wg_start_exercise live "$SCEN" --skip FRA --log "$T/live.wglog"
cat >"$T/live.steps" <<EOF
expect "^lobby: 8 of 9 roles joined" 30
touch $T/live-board
wait-file $T/live-figures 60
include $T/live-figures.steps
expect "^turn 5 \| week 3 \| incident \| phase respond \| time left (2[0-9]|30)\.[0-9] s \| expected: command FRA"
resize 24 80
expect "^turn 5 \| week 3"
lines ^FRA ^GBR ^DEU ^ITA ^POL ^TUR ^ESP ^NLD ^SECTOR
resize 45 150
include $T/live-figures.steps
send \x03
expect "Leave the board\?"
send n
absent "Leave the board"
expect "^keys: q or Ctrl-C leave"
touch $T/live-pause
expect "\| clock stopped by the director, left [0-9]+\.[0-9] s" 30
expect "T5 the director stopped the clock"
touch $T/live-paused-seen
expect "T5 the director restarted the clock" 30
expect "T5 the director gave the phase 60 s more"
expect "\| time left [6-9][0-9]\.[0-9] s"
touch $T/live-release
expect "exercise over after 14 turns" 60
expect "^turn 14 \| week [0-9]+ \| incident \| phase end"
send \x03
expect "Leave the board\?"
send y
exit 0
EOF
board live 45 150 "$T/live.steps" --sub "$WG_PUB"
# Beside it, the same exercise through an exercise file without keys, as
# text (--plain): a picture at each turn's result, and the end.
{
    echo "scenario: $SCEN"
    echo "router: $WG_ROUTER"
    echo "pub: $WG_PUB"
    echo "seats:"
    for n in command $nations; do echo "  - {role: $n}"; done
} >"$T/live-ex.yaml"
"$OBSERVE" --exercise "$T/live-ex.yaml" --plain >"$T/live-plain.out" \
    2>"$T/live-plain.err" &
live_plain=$!
WG_PIDS+=("$live_plain")
wait_file "$T/live-board" 30
WG_GATE_DIR=$gate "$WG_BIN/wg-contingent" --nation FRA --router "$WG_ROUTER" \
    --pub "$WG_PUB" --bot "$WG_BUILD_DIR/tests/wg-bot-gate.so" \
    2>"$WG_RUN_DIR/contingent-FRA.err" &
WG_PIDS+=($!)
WG_WORKER_PIDS+=($!)
WG_WORKER_NAMES+=(contingent-FRA)
wait_file "$gate/at-5" 30
LIVE_PID=$BOARD_PID
# The umpire's board on the log being written: it follows it, a turn at a
# time (the log is flushed at each turn's result).
cat >"$T/follow.steps" <<EOF
expect "turn 4 of 4 recorded \| following" 30
expect "^view: ground truth from the log"
lines "^T4 (FRA|GBR|DEU|ITA|POL|TUR|ESP|NLD|command): "
touch $T/follow-seen
expect "turn 14 of 14 recorded, ended \| following" 60
send q
expect "Leave the board\?"
send y
exit 0
EOF
board follow 45 150 "$T/follow.steps" --log "$T/live.wglog" --umpire
FOLLOW_PID=$BOARD_PID
wait_file "$T/follow-seen" 30
BOARD_PID=$LIVE_PID
{
    echo 'expect "^turn 5 \| week 3 \| incident \| phase respond"'
    figures "$WG_RUN_DIR/adjudicator.out" 4
} >"$T/live-figures.steps"
touch "$T/live-figures"
# The director stops the clock; the board shows it stopped; the director
# gives the phase 60 s more and starts it again (wg-director --script; a
# second director's Join takes the seat over from the first).
director() { # NAME COMMANDS
    printf '%b' "$2" >"$T/$1.script"
    wg_expect_exit 0 "$T/$1.out" "$WG_BIN/wg-director" --router "$WG_ROUTER" \
        --pub "$WG_PUB" --script "$T/$1.script"
}
wait_file "$T/live-pause" 60
director pause 'pause\n'
wait_file "$T/live-paused-seen" 60
director resume 'extend 60\nresume\n'
wait_file "$T/live-release" 60
touch "$gate/go-5"
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "live: wg-adjudicator exited $WG_RC"
wg_wait_workers 10
board_done live 60
BOARD_PID=$FOLLOW_PID
board_done follow 30
wg_wait "$live_plain" 20
[ "$WG_RC" -eq 0 ] || fail "live: --plain exited $WG_RC at the end, wanted 0"
got=$(grep -c '^turn [0-9]* of 14 | week .* | phase result' "$T/live-plain.out")
[ "$got" -eq 14 ] || fail "live: --plain printed $got turn pictures, wanted 14"
grep -q "^wg-observe | connected | live $WG_PUB | Test: short exercise on the default tables" \
    "$T/live-plain.out" || fail "live: --plain does not name the scenario and the PUB"
LIVE_OUT="$WG_RUN_DIR/adjudicator.out"

# ---- 2. replay, after garbage and with a disconnect -------------------------
wg_pick_ports
EP=$WG_PUB
cat >"$T/garbage.py" <<'EOF'
import os, sys, time, zmq
ep, stop = sys.argv[1:3]
s = zmq.Context().socket(zmq.PUB)
s.bind(ep)
end = time.time() + 60
while not os.path.exists(stop) and time.time() < end:
    s.send(b"\x08" + b"\xff" * 10)          # a varint too long
    s.send(b"\x0a\x7f")                      # a field past the end
    s.send_multipart([b"\x08\x01", b"\x08\x01"])  # not one frame
    time.sleep(0.1)
s.close(linger=0)
EOF
cat >"$T/replay.steps" <<EOF
expect "reconnecting|connecting" 10
touch $T/r-board
expect "malformed messages [1-9]" 30
expect "not one frame within 1 MiB: counted"
touch $T/r-garbage-seen
expect "connection lost: reconnecting" 30
touch $T/r-lost
expect "^wg-observe .*\| connected" 30
touch $T/r-connected
expect "^turn 3 \| week 1 \| incident \| phase result" 30
include $T/r-figures.steps
touch $T/r-checked
expect "connection lost: reconnecting" 30
touch $T/r-lost-again
expect "exercise over after 14 turns" 60
expect "^turn 14 \| week [0-9]+ \| incident \| phase end"
send q
expect "Leave the board\?"
send y
exit 0
EOF
figures "$LIVE_OUT" 3 >"$T/r-figures.steps"
board replay 45 150 "$T/replay.steps" --sub "$EP"
wait_file "$T/r-board" 30
"$PY" "$T/garbage.py" "$EP" "$T/r-garbage-seen" 2>"$T/garbage.err" &
garbage=$!
WG_PIDS+=("$garbage")
wait_file "$T/r-lost" 60
wg_wait "$garbage" 10
mkfifo "$T/enter"
"$LOG_TOOL" replay "$T/live.wglog" --pub "$EP" --step <"$T/enter" \
    2>"$T/replay1.err" &
replay=$!
WG_PIDS+=("$replay")
exec 8>"$T/enter"
wait_file "$T/r-connected" 30
echo >&8
echo >&8
echo >&8
wait_file "$T/r-checked" 60
kill "$replay"
wg_wait "$replay" 10
exec 8>&-
wait_file "$T/r-lost-again" 30
"$LOG_TOOL" replay "$T/live.wglog" --pub "$EP" --speed 4 2>"$T/replay2.err" &
replay=$!
WG_PIDS+=("$replay")
board_done replay 90
wg_wait "$replay" 30
[ "$WG_RC" -eq 0 ] || fail "replay: wg-log replay exited $WG_RC"

# ---- 3. a log, turn by turn ---------------------------------------------------
{
    echo 'expect "^turn 1 of 14 \| week" 20'
    echo 'send G'
    echo 'expect "turn 14 of 14 recorded, ended"'
    echo 'send \x1bOD'
    echo 'expect "^turn 13 of 14 \| week [0-9]+ \| rotation \| phase result"'
    figures "$LIVE_OUT" 13
    echo 'resize 24 80'
    echo 'expect "^turn 13 of 14 \| week"'
    echo 'lines ^FRA ^GBR ^DEU ^ITA ^POL ^TUR ^ESP ^NLD'
    echo 'send n'
    echo 'expect "^turn 14 of 14 \| week"'
    echo 'send q'
    echo 'expect "Leave the board\?"'
    echo 'send y'
    echo 'exit 0'
} >"$T/log.steps"
board log 45 150 "$T/log.steps" --log "$T/live.wglog"
board_done log 60
# The umpire's view of a log has every order; the public one has none.
"$OBSERVE" --log "$T/live.wglog" --umpire --once --turn 2 >"$T/umpire.out" \
    2>&1 || fail "log: --umpire --once exited $?"
grep -q "^view: ground truth from the log" "$T/umpire.out" ||
    fail "log: --umpire does not say it shows ground truth"
grep -Eq "^T2 FRA: relieve [0-9]+, prepare [0-9]+, recall [0-9]+" "$T/umpire.out" ||
    fail "log: --umpire shows no FRA order of turn 2: $(tail -3 "$T/umpire.out")"
"$OBSERVE" --log "$T/live.wglog" --once --turn 2 >"$T/public.out" 2>&1 ||
    fail "log: --once exited $?"
grep -q "^turn 2 of 14 | week" "$T/public.out" || fail "log: --once --turn 2 is not turn 2"
grep -Eq "^T2 FRA: " "$T/public.out" && fail "log: the public view shows an order"

# ---- 4. keys, sharing national -----------------------------------------------
NAT="$T/short-national.yaml"
cp "$SCEN" "$NAT" && echo "sharing: national" >>"$NAT"
mkdir "$T/keys"
"$WG_BIN/wg-keygen" --dir "$T/keys" adjudicator command $nations press \
    stranger >/dev/null 2>"$T/keygen.err" || wg_abort "wg-keygen failed"
WG_RUN_DIR="$T/keyed"
mkdir -p "$WG_RUN_DIR"
write_exercise() {
    {
        echo "scenario: $NAT"
        echo "router: $WG_ROUTER"
        echo "pub: $WG_PUB"
        echo "adjudicator_key: keys/adjudicator.pub"
        echo "seats:"
        echo "  - {role: command, player: bot, key: keys/command.pub}"
        for n in $nations; do
            echo "  - {role: $n, player: bot, key: keys/$n.pub}"
        done
        echo "  - {role: observer, name: press, key: keys/press.pub}"
    } >"$T/lan.yaml"
}
start_keyed() {
    write_exercise
    rm -f "$WG_RUN_DIR/ex.wglog"
    "$WG_BIN/wg-adjudicator" --exercise "$T/lan.yaml" \
        --key "$T/keys/adjudicator.key" --log "$WG_RUN_DIR/ex.wglog" \
        --log-level info >"$WG_RUN_DIR/adjudicator.out" \
        2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}
wg_chain_add "$WG_RUN_DIR/ex.wglog"
wg_bind start_keyed
hidden=""
for n in $nations; do hidden="$hidden \"^$n +[a-z ]+ +[0-9]+ +- +- \""; done
cat >"$T/keyed.steps" <<EOF
expect "^wg-observe \| connected \| live $WG_PUB as observer:press \| Test: short exercise" 30
expect "^lobby: 0 of 9 roles joined"
touch $T/k-board
expect "exercise over after 14 turns" 60
expect "^turn 14 of 14 \| week"
expect "^view: public picture \(sharing national\): cohesion, troops at home, incidents by sector hidden"
lines $hidden
send \x03
expect "Leave the board\?"
send y
exit 0
EOF
board keyed 45 150 "$T/keyed.steps" --exercise "$T/lan.yaml" \
    --key "$T/keys/press.key"
"$OBSERVE" --exercise "$T/lan.yaml" --key "$T/keys/press.key" --plain \
    >"$T/plain.out" 2>"$T/plain.err" &
plain=$!
WG_PIDS+=("$plain")
wait_file "$T/k-board" 30
"$WG_BIN/wg-command" --exercise "$T/lan.yaml" --key "$T/keys/command.key" \
    2>"$WG_RUN_DIR/command.err" &
WG_PIDS+=($!)
for n in $nations; do
    "$WG_BIN/wg-contingent" --exercise "$T/lan.yaml" --key "$T/keys/$n.key" \
        2>"$WG_RUN_DIR/$n.err" &
    WG_PIDS+=($!)
done
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "keyed: wg-adjudicator exited $WG_RC"
board_done keyed 60
wg_wait "$plain" 20
[ "$WG_RC" -eq 0 ] || fail "keyed: --plain exited $WG_RC at the end, wanted 0"
[ "$(grep -c '^turn [0-9]* of 14 | week .* | phase result' "$T/plain.out")" -eq 14 ] ||
    fail "keyed: --plain printed $(grep -c '^turn [0-9]* of 14 | week .* | phase result' "$T/plain.out") turn pictures, wanted 14"
grep -q "exercise over after 14 turns" "$T/plain.out" ||
    fail "keyed: --plain did not print the end"

wg_expect_exit 2 "$T/adjkey.out" "$OBSERVE" --exercise "$T/lan.yaml" \
    --key "$T/keys/adjudicator.key" --once
grep -q "the adjudicator's own key: its PUB admits seats' keys only" \
    "$T/adjkey.out.err" || fail "keys: the adjudicator's key is not explained"
wg_expect_exit 2 "$T/stranger.out" "$OBSERVE" --exercise "$T/lan.yaml" \
    --key "$T/keys/stranger.key" --once
grep -q "no seat of .* has this key" "$T/stranger.out.err" ||
    fail "keys: a stranger's key is not named"
wg_expect_exit 2 "$T/nokey.out" "$OBSERVE" --exercise "$T/lan.yaml" --once
grep -q "has keys: give --key" "$T/nokey.out.err" ||
    fail "keys: a missing key is not named"
# An exercise that binds every address names no address to connect to.
sed 's|^pub: tcp://127.0.0.1:|pub: tcp://0.0.0.0:|' "$T/lan.yaml" >"$T/wild.yaml"
wg_expect_exit 2 "$T/wild.out" "$OBSERVE" --exercise "$T/wild.yaml" \
    --key "$T/keys/press.key" --once
grep -q "the adjudicator binds tcp://0.0.0.0:.*: give --sub" "$T/wild.out.err" ||
    fail "keys: a wildcard pub is not explained: $(cat "$T/wild.out.err")"

wg_done
