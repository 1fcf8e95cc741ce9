#!/usr/bin/env bash
# seats.sh - seats and keys (docs/PROTOCOL.md, "Seats and keys"): an
# exercise file around tests/data/short.yaml with a key per seat, made
# here by wg-keygen, played with CURVE on 127.0.0.1.
#   clean: every seat plays with its own key (wg-adjudicator --exercise
#          --key, wg-command/wg-contingent --exercise --key; the contingents
#          without --nation: the key says it); the exercise completes;
#   takeover: before the others start, a stranger (a key of no seat) is
#          refused at the handshake on both sockets and receives nothing;
#          GBR's key and the press observer's key claiming FRA are refused
#          (ERROR_UNAUTHORISED) and counted; FRA's seat is held by a first
#          wg-contingent, a second one with the same key takes it over, the
#          first is refused as stale and exits 3; the exercise completes;
#   refuse: the same exercise with `second_connection: refuse`: a second
#          FRA is refused while the first holds the seat and exits 3,
#          saying why; the first is killed (SIGKILL) and a third takes the
#          seat (a restart works); the exercise completes;
#   inplay: the same while the exercise runs: the first FRA (the built-in
#          bot's orders through wg-bot-gate.so) held at turn 3, a second
#          FRA takes the seat, answers the phase FRA owes, and the first's
#          held order is refused as stale;
#   in all, every TurnResult's state_digest equals the clean run's (none
#   of it disturbed the exercise), and the adjudicator's closing counts
#   say what it refused. Also: bad keys are named before connecting (a
#   missing or loose secret certificate, another seat's key, a key with no
#   seat, no key for an exercise with keys), and
#   without keys a non-loopback endpoint is refused with exit 2.
# Needs python3-zmq and python3-protobuf, and protoc (scripts/test
# installs them) for tests/tools/wg_seat_probe.py.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init seats

KEYGEN="$WG_BIN/wg-keygen"
LOG_TOOL="$WG_BIN/wg-log"
PY=$(wg_python) || wg_abort "no python3"
PROBE="$WG_SOURCE_DIR/tests/tools/wg_seat_probe.py"
SEED=4711
command -v protoc >/dev/null || wg_abort "no protoc (scripts/test installs protobuf-compiler)"
"$PY" -c 'import zmq.auth, google.protobuf' 2>/dev/null ||
    wg_abort "no python3-zmq or python3-protobuf for $PY (scripts/test installs them)"
protoc --python_out="$WG_TMP" -I "$WG_SOURCE_DIR/proto" \
    "$WG_SOURCE_DIR/proto/wg.proto" || wg_abort "protoc failed"
probe() { PYTHONPATH="$WG_TMP" "$PY" "$PROBE" "$@"; }

# short.yaml with a 20 s deadline: every seat answers at once, and a
# worker held on purpose (inplay) makes nothing default.
SCEN="$WG_TMP/short-long-deadline.yaml"
sed 's/^deadline_ms: .*/deadline_ms: 20000/' "$WG_SHORT" >"$SCEN"
grep -q '^deadline_ms: 20000' "$SCEN" || wg_abort "no deadline_ms in $WG_SHORT"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations) ||
    wg_abort "--list-nations failed"
mkdir "$WG_TMP/keys"
# shellcheck disable=SC2086
"$KEYGEN" --dir "$WG_TMP/keys" adjudicator command $nations press stranger \
    >/dev/null 2>"$WG_TMP/keygen.err" || wg_abort "wg-keygen: $(cat "$WG_TMP/keygen.err")"
K="$WG_TMP/keys"

# write_exercise FILE POLICY: the exercise file on WG_ROUTER/WG_PUB.
write_exercise() {
    {
        echo "scenario: $SCEN"
        echo "router: $WG_ROUTER"
        echo "pub: $WG_PUB"
        echo "adjudicator_key: keys/adjudicator.pub"
        echo "second_connection: $2"
        echo "seats:"
        echo "  - {role: command, player: bot, key: keys/command.pub}"
        for n in $nations; do
            echo "  - {role: $n, player: bot, key: keys/$n.pub}"
        done
        echo "  - {role: observer, name: press, key: keys/press.pub}"
    } >"$1"
}

# start_keyed RUN POLICY (wg_bind's START): the exercise file on the ports
# just picked, and its adjudicator with keys.
start_keyed() {
    EX="$WG_TMP/$1.yaml"
    write_exercise "$EX" "$2"
    rm -f "$WG_RUN_DIR/ex.wglog" # a try that could not bind made it
    "$WG_BIN/wg-adjudicator" --exercise "$EX" --key "$K/adjudicator.key" \
        --seed $SEED --log "$WG_RUN_DIR/ex.wglog" --lobby-timeout 30000 \
        --log-level info >"$WG_RUN_DIR/adjudicator.out" \
        2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}

# start_seated RUN POLICY: ports, exercise file, adjudicator (WG_ADJ_PID).
start_seated() {
    WG_RUN_DIR="$WG_TMP/$1"
    mkdir -p "$WG_RUN_DIR"
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()
    wg_chain_add "$WG_RUN_DIR/ex.wglog"
    wg_bind start_keyed "$1" "$2"
}

# seat ROLE NAME: starts a keyed worker for ROLE (command or a nation)
# with its stderr in NAME.err; sets SEAT_PID. Not added to the worker list.
seat() {
    if [ "$1" = command ]; then
        "$WG_BIN/wg-command" --exercise "$EX" --key "$K/command.key" \
            2>"$WG_RUN_DIR/$2.err" &
    else
        "$WG_BIN/wg-contingent" --exercise "$EX" --key "$K/$1.key" \
            2>"$WG_RUN_DIR/$2.err" &
    fi
    SEAT_PID=$!
    WG_PIDS+=("$SEAT_PID")
}

# seat_rest SKIP: every seat but SKIP, as workers that must exit 0.
seat_rest() {
    local r
    for r in command $nations; do
        [ "$r" = "$1" ] && continue
        seat "$r" "$r"
        WG_WORKER_PIDS+=("$SEAT_PID")
        WG_WORKER_NAMES+=("$r")
    done
}

# finish RUN: the adjudicator exits 0, every worker 0; the digests.
finish() {
    wg_wait "$WG_ADJ_PID" 60
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC, wanted 0"
    wg_wait_workers 10
    wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
    "$LOG_TOOL" dump "$WG_RUN_DIR/ex.wglog" >"$WG_RUN_DIR/dump" 2>/dev/null ||
        fail "$1: wg-log dump failed"
    sed -n 's/.*"result":.*"state_digest":"\([^"]*\)".*/\1/p' \
        "$WG_RUN_DIR/dump" >"$WG_RUN_DIR/digests"
}

# count RUN LABEL: a number from the adjudicator's closing "keys:" line.
count() {
    sed -n "s/.*keys: .*[ (]\([0-9]\{1,\}\) $2.*/\1/p" "$WG_TMP/$1/adjudicator.err" | tail -1
}

same_digests() {
    [ "$(wc -l <"$WG_TMP/$1/digests")" -eq 14 ] ||
        fail "$1: $(wc -l <"$WG_TMP/$1/digests") TurnResult digests, wanted 14"
    cmp -s "$WG_TMP/clean/digests" "$WG_TMP/$1/digests" ||
        fail "$1: the state digests differ from the clean run's"
}

# ---- clean ----------------------------------------------------------------
start_seated clean takeover
seat_rest none
finish clean
grep -q "keys: CURVE on both sockets" "$WG_TMP/clean/adjudicator.err" ||
    fail "clean: the adjudicator does not say it runs with keys"
[ "$(count clean 'takeovers')" = 0 ] || fail "clean: a takeover in a clean run"
[ "$(count clean 'claiming another seat')" = 0 ] || fail "clean: refusals in a clean run"
grep -q "contingent/FRA .*joined" "$WG_TMP/clean/FRA.err" ||
    fail "clean: FRA did not join (its nation from its key)"

# ---- takeover -------------------------------------------------------------
start_seated takeover takeover
R="$WG_RUN_DIR"
probe stranger "$WG_ROUTER" "$WG_PUB" "$K/adjudicator.pub" "$K/stranger.key" \
    >"$R/stranger.out" 2>&1 || fail "stranger probe failed: $(cat "$R/stranger.out")"
grep -qx "received 0" "$R/stranger.out" ||
    fail "a key of no seat got messages through: $(cat "$R/stranger.out")"
# FRA's key, but another server key: the handshake fails before ZAP.
probe stranger "$WG_ROUTER" "$WG_PUB" "$K/stranger.pub" "$K/FRA.key" \
    >"$R/wrong_server.out" 2>&1 || fail "wrong-server probe failed: $(cat "$R/wrong_server.out")"
grep -qx "received 0" "$R/wrong_server.out" ||
    fail "a client without the adjudicator's key got messages: $(cat "$R/wrong_server.out")"
probe claim "$WG_ROUTER" "$WG_PUB" "$K/adjudicator.pub" "$K/GBR.key" FRA \
    >"$R/impostor.out" 2>&1 || fail "claim probe failed: $(cat "$R/impostor.out")"
probe claim "$WG_ROUTER" "$WG_PUB" "$K/adjudicator.pub" "$K/press.key" FRA \
    >"$R/press.out" 2>&1 || fail "press probe failed: $(cat "$R/press.out")"
for f in impostor press; do
    [ "$(grep -c '^error ERROR_UNAUTHORISED .*cannot speak for FRA' "$R/$f.out")" -eq 2 ] ||
        fail "$f: a Join and an order claiming FRA were not both refused: $(cat "$R/$f.out")"
done
seat FRA FRA-1
fra1=$SEAT_PID
wg_wait_for "$R/FRA-1.err" "joined" 10
seat FRA FRA-2
fra2=$SEAT_PID
WG_WORKER_PIDS+=("$fra2")
WG_WORKER_NAMES+=(FRA-2)
wg_wait "$fra1" 15
[ "$WG_RC" -eq 3 ] || fail "takeover: the displaced FRA exited $WG_RC, wanted 3"
grep -q "the adjudicator refuses this seat: seat FRA was taken over" "$R/FRA-1.err" ||
    fail "takeover: the displaced FRA does not say why: $(tail -2 "$R/FRA-1.err")"
seat_rest FRA
finish takeover
same_digests takeover
[ "$(count takeover 'takeovers')" = 1 ] || fail "takeover: $(count takeover takeovers) takeovers, wanted 1"
[ "$(count takeover 'claiming another seat')" -ge 4 ] ||
    fail "takeover: $(count takeover 'claiming another seat') claims counted, wanted 4"
[ "$(count takeover 'from taken-over')" -ge 1 ] || fail "takeover: no stale refusal counted"
failed=$(sed -n "s/.*keys: .*, failed \([0-9]\{1,\}\) (no CURVE.*/\1/p" "$R/adjudicator.err")
[ "${failed:-0}" -ge 1 ] || fail "takeover: ${failed:-no} failed handshakes counted, wanted >= 1"
[ "$(count takeover '(no seat')" -ge 2 ] ||
    fail "takeover: $(count takeover '(no seat') refused handshakes, wanted >= 2"
grep -q '"error":{"code":"ERROR_UNAUTHORISED","detail":"the key of seat GBR cannot speak for FRA"' "$R/dump" ||
    fail "takeover: the refusal is not in the log"
rejected=$(sed -n 's/.*"end":{.*"rejected":"\{0,1\}\([0-9]*\).*/\1/p' "$R/dump")
[ "${rejected:-0}" -ge 5 ] || fail "takeover: ExerciseEnd.rejected ${rejected:-0}, wanted >= 5"
"$LOG_TOOL" verify "$R/ex.wglog" >"$R/verify.out" 2>&1 ||
    fail "takeover: wg-log verify failed: $(tail -2 "$R/verify.out")"

# ---- takeover in play -------------------------------------------------------
# A restart while the exercise runs: the first FRA plays wg-bot-gate.so
# (the built-in bot's orders) held at turn 3 (the scenario's deadline is
# long here, so nothing defaults while it waits); a second FRA joins then
# and takes the seat, gets the phase start FRA owes and answers it; the
# first, let go, is told and refused from then on. The results are the
# clean run's again.
start_seated inplay takeover
R="$WG_RUN_DIR"
gate="$WG_TMP/gate"
mkdir "$gate"
touch "$gate/hold-3"
WG_GATE_DIR=$gate "$WG_BIN/wg-contingent" --exercise "$EX" --key "$K/FRA.key" \
    --bot "$WG_BUILD_DIR/tests/wg-bot-gate.so" 2>"$R/FRA-1.err" &
fra1=$!
WG_PIDS+=("$fra1")
seat_rest FRA
wait_file() { # FILE SECONDS
    local t=0
    until [ -e "$1" ]; do
        [ $t -lt $(($2 * 100)) ] || wg_abort "inplay: no ${1##*/} after $2 s"
        sleep 0.01
        t=$((t + 1))
    done
}
wait_file "$gate/at-3" 30
seat FRA FRA-2
WG_WORKER_PIDS+=("$SEAT_PID")
WG_WORKER_NAMES+=(FRA-2)
wg_wait_for "$R/FRA-2.err" "joined" 20
touch "$gate/go-3"
finish inplay
wg_wait "$fra1" 15
# The displaced FRA is refused until it gives up (3), unless the end it
# still hears on the PUB comes first (0).
[ "$WG_RC" -eq 3 ] || [ "$WG_RC" -eq 0 ] ||
    fail "inplay: the displaced FRA exited $WG_RC, wanted 3 or 0"
[ "$(count inplay 'takeovers')" = 1 ] || fail "inplay: $(count inplay takeovers) takeovers, wanted 1"
# Let go, the first FRA sends its held order, refused as stale, and is
# refused until it gives up; unless the exercise was over by then (FRA-2
# played on without it), and it reads the end first. (The lobby takeover
# above checks the notice and the refusals without that race.)
if [ "$WG_RC" -eq 3 ]; then
    [ "$(count inplay 'from taken-over')" -ge 1 ] ||
        fail "inplay: the first FRA's messages were not refused as stale"
    grep -q "refuses this seat" "$R/FRA-1.err" || fail "inplay: the first FRA exited 3 without saying why"
fi
echo "inplay: FRA taken over in turn 3; the first FRA exited $WG_RC"
same_digests inplay
grep -q '"sender_nation":"FRA".*ORDER_SOURCE_DEFAULT' "$R/dump" &&
    fail "inplay: FRA got default orders during the takeover"

# ---- refuse ---------------------------------------------------------------
start_seated refuse refuse
R="$WG_RUN_DIR"
seat FRA FRA-1
fra1=$SEAT_PID
wg_wait_for "$R/FRA-1.err" "joined" 10
seat FRA FRA-2
wg_wait "$SEAT_PID" 15
[ "$WG_RC" -eq 3 ] || fail "refuse: the second FRA exited $WG_RC, wanted 3"
grep -q "refuses this seat: seat FRA is held by another connection" "$R/FRA-2.err" ||
    fail "refuse: the second FRA does not say why: $(tail -2 "$R/FRA-2.err")"
wg_alive "$fra1" || fail "refuse: the first FRA died"
kill -KILL "$fra1"
wait "$fra1" 2>/dev/null
wg_forget "$fra1"
seat FRA FRA-3
WG_WORKER_PIDS+=("$SEAT_PID")
WG_WORKER_NAMES+=(FRA-3)
wg_wait_for "$R/FRA-3.err" "joined" 10
seat_rest FRA
finish refuse
same_digests refuse
[ "$(count refuse 'second connections')" -ge 1 ] || fail "refuse: no second connection counted"
[ "$(count refuse 'takeovers')" = 1 ] || fail "refuse: the restart after the kill is not counted as the one takeover"

# ---- keys named before connecting -------------------------------------------
# exits_2_saying NAME REGEX CMD...: CMD exits 2 and its stderr matches REGEX.
exits_2_saying() {
    local name=$1 re=$2
    shift 2
    wg_expect_exit 2 "$WG_TMP/$name.out" "$@"
    grep -q -- "$re" "$WG_TMP/$name.out.err" ||
        fail "$name: no /$re/ in: $(cat "$WG_TMP/$name.out.err")"
}
cd "$WG_TMP" || wg_abort "cd"
cp "$K/FRA.key" loose.key && chmod 644 loose.key
exits_2_saying other "not the key of seat FRA in .*: it is the key of seat GBR" \
    "$WG_BIN/wg-contingent" --exercise "$EX" --nation FRA --key "$K/GBR.key"
exits_2_saying noseat "not the key of seat command .*no seat has its public key" \
    "$WG_BIN/wg-command" --exercise "$EX" --key "$K/stranger.key"
exits_2_saying loose "chmod 600" \
    "$WG_BIN/wg-contingent" --exercise "$EX" --key loose.key
exits_2_saying missing "nowhere.key: cannot open" \
    "$WG_BIN/wg-contingent" --exercise "$EX" --key nowhere.key
exits_2_saying nokey "has keys: give --key" \
    "$WG_BIN/wg-contingent" --exercise "$EX" --nation FRA
exits_2_saying adjkey "is not the adjudicator's key in .*the key of seat FRA" \
    "$WG_BIN/wg-adjudicator" --exercise "$EX" --key "$K/FRA.key"

# ---- without keys: loopback only ----------------------------------------------
exits_2_saying lan "tcp://0.0.0.0:5555 is not a loopback endpoint: without keys" \
    "$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" \
    --router tcp://0.0.0.0:5555 --pub tcp://127.0.0.1:5556
grep -q "no keys: loopback only" "$WG_TMP"/*/adjudicator.err &&
    fail "a keyed adjudicator says it has no keys"

wg_done
