#!/usr/bin/env bash
# seats_python.sh - the Python team of docs/PROTOCOL.md ("A team outside
# wg, in Python"), the very code of that page, plays FRA in an exercise
# with keys around tests/data/short.yaml, once as it is (sharing: full)
# and once with `sharing: national` appended (the team then answers the
# phase start addressed to it): every other seat is a keyed
# wg-command/wg-contingent with keys from wg-keygen, while FRA's
# certificates are made by pyzmq's zmq.auth.create_certificates (its
# public one named in the exercise file). Checks: the team and every
# worker exit 0 and the exercise completes (14 turn lines); the log holds
# FRA's Join with the team's agent, FRA's pledges of 1000 as its own
# (ORDER_SOURCE unset, never ORDER_SOURCE_DEFAULT); no TurnResult lists FRA
# under defaulted; no handshake or message was refused; wg-log verify
# passes. Needs python3-zmq, python3-protobuf and protoc (scripts/test
# installs them).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init seats_python

KEYGEN="$WG_BIN/wg-keygen"
LOG_TOOL="$WG_BIN/wg-log"
PY=/usr/bin/python3
command -v protoc >/dev/null || wg_abort "no protoc (scripts/test installs protobuf-compiler)"
"$PY" -c 'import zmq.auth, google.protobuf' 2>/dev/null ||
    wg_abort "no python3-zmq or python3-protobuf for $PY (scripts/test installs them)"

# The example, as the page has it: the first python block after its heading.
team="$WG_TMP/team.py"
awk '/^### A team outside wg, in Python/ { h = 1; next }
     h && /^```python$/ { on = 1; next }
     on && /^```$/ { exit }
     on { print }' "$WG_SOURCE_DIR/docs/PROTOCOL.md" >"$team"
[ "$(wc -l <"$team")" -gt 20 ] || wg_abort "no Python example found in docs/PROTOCOL.md"
protoc --python_out="$WG_TMP" -I "$WG_SOURCE_DIR/proto" \
    "$WG_SOURCE_DIR/proto/wg.proto" || wg_abort "protoc failed"

nations=$("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations) ||
    wg_abort "--list-nations failed"
K="$WG_TMP/keys"
mkdir "$K" "$WG_TMP/py"
others=$(echo $nations | tr ' ' '\n' | grep -vx FRA | tr '\n' ' ')
# shellcheck disable=SC2086
"$KEYGEN" --dir "$K" adjudicator command $others >/dev/null 2>"$WG_TMP/keygen.err" ||
    wg_abort "wg-keygen: $(cat "$WG_TMP/keygen.err")"
(cd "$WG_TMP/py" && "$PY" -c 'import zmq.auth; zmq.auth.create_certificates(".", "FRA")') ||
    wg_abort "pyzmq create_certificates failed"
cp "$WG_TMP/py/FRA.key" "$K/FRA.pub"        # pyzmq's public certificate
cp "$WG_TMP/py/FRA.key_secret" "$K/FRA.key" # and its secret one
chmod 600 "$K/FRA.key"

# play RUN SCENARIO: the exercise with the Python team as FRA, and its checks.
play() {
    WG_RUN_DIR="$WG_TMP/$1"
    mkdir -p "$WG_RUN_DIR"
    log="$WG_RUN_DIR/ex.wglog"
    wg_chain_add "$log"
    ex="$WG_TMP/$1.yaml"
    scen=$2
    # start_keyed (wg_bind's START): the exercise file on the ports just picked,
    # and its adjudicator with keys.
    start_keyed() {
        {
            echo "scenario: $scen"
            echo "router: $WG_ROUTER"
            echo "pub: $WG_PUB"
            echo "adjudicator_key: keys/adjudicator.pub"
            echo "seats:"
            echo "  - {role: command, key: keys/command.pub}"
            echo "  - {role: FRA, player: program, key: keys/FRA.pub}"
            for n in $others; do
                echo "  - {role: $n, key: keys/$n.pub}"
            done
        } >"$ex"
        rm -f "$log" # a try that could not bind made it
        "$WG_BIN/wg-adjudicator" --exercise "$ex" --key "$K/adjudicator.key" \
            --log "$log" --lobby-timeout 30000 --log-level info \
            >"$WG_RUN_DIR/adjudicator.out" 2>"$WG_RUN_DIR/adjudicator.err" &
        WG_ADJ_PID=$!
        WG_PIDS+=("$WG_ADJ_PID")
    }
    wg_bind start_keyed
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()

    (cd "$WG_TMP" && PYTHONPATH="$WG_TMP" exec "$PY" "$team" "$K" FRA "$WG_ROUTER" "$WG_PUB") \
        >"$WG_RUN_DIR/team.out" 2>"$WG_RUN_DIR/team.err" &
    team_pid=$!
    WG_PIDS+=("$team_pid")
    "$WG_BIN/wg-command" --exercise "$ex" --key "$K/command.key" 2>"$WG_RUN_DIR/command.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=(command)
    for n in $others; do
        "$WG_BIN/wg-contingent" --exercise "$ex" --key "$K/$n.key" 2>"$WG_RUN_DIR/$n.err" &
        WG_PIDS+=($!)
        WG_WORKER_PIDS+=($!)
        WG_WORKER_NAMES+=("$n")
    done

    wg_wait "$WG_ADJ_PID" 60
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC, wanted 0"
    wg_wait_workers 10
    wg_wait "$team_pid" 10
    [ "$WG_RC" -eq 0 ] || fail "$1: the Python team exited $WG_RC, wanted 0: $(tail -3 "$WG_RUN_DIR/team.err")"
    wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14

    dump="$WG_RUN_DIR/dump"
    "$LOG_TOOL" dump "$log" >"$dump" 2>/dev/null || fail "wg-log dump failed"
    grep -q '"sender_nation":"FRA","phase":"PHASE_LOBBY".*"join":{"agent":"py-team/1"}' "$dump" ||
        fail "$1: no Join of FRA by the Python team in the log"
    pledges=$(grep '"sender_nation":"FRA".*"pledge":' "$dump")
    [ -n "$pledges" ] || fail "$1: no pledge of FRA in the log"
    echo "$pledges" | grep -v '"troops":1000' | head -1 | grep -q . &&
        fail "$1: a pledge of FRA is not the team's 1000: $(echo "$pledges" | grep -v '"troops":1000' | head -1 | cut -c1-200)"
    grep '"sender_nation":"FRA"' "$dump" | grep -q 'ORDER_SOURCE_DEFAULT' &&
        fail "$1: FRA got default orders: the team did not answer every phase"
    grep '"result":{' "$dump" | grep -q '"defaulted":\[[^]]*"FRA"' &&
        fail "$1: a TurnResult lists FRA under defaulted"
    grep -q "keys: handshakes admitted [0-9]*, refused 0 (no seat's key), failed 0 (.*); refused: 0 claiming" \
        "$WG_RUN_DIR/adjudicator.err" ||
        fail "$1: refusals in a clean run: $(grep 'keys: handshakes' "$WG_RUN_DIR/adjudicator.err")"
    "$LOG_TOOL" verify "$log" >"$WG_RUN_DIR/verify.out" 2>&1 ||
        fail "$1: wg-log verify failed: $(tail -2 "$WG_RUN_DIR/verify.out")"
    echo "$1: FRA played by the Python team: $(echo "$pledges" | wc -l) pledges"
}

play full "$WG_SHORT"
# Under `sharing: national` the team answers the phase start addressed to it.
cp "$WG_SHORT" "$WG_TMP/national-scenario.yaml" &&
    echo "sharing: national" >>"$WG_TMP/national-scenario.yaml" ||
    wg_abort "cannot write the national scenario"
play national "$WG_TMP/national-scenario.yaml"
wg_done
