#!/usr/bin/env bash
# lan_netns.sh - an exercise across a small LAN made of Linux network
# namespaces, with one team's link cut mid-exercise and restored.
#
# The LAN (all of it made here, with names unique to this run, and removed
# by the EXIT trap however the test ends): a namespace holding only a
# bridge; one namespace for the director (wg-adjudicator and wg-command,
# 10.77.0.1) and one per nation (its wg-contingent, 10.77.0.11 and up),
# each joined to the bridge by a veth pair, on 10.77.0.0/24. Nothing here
# has a route anywhere else: no traffic leaves the test's namespaces.
# Every seat has its CurveZMQ key pair (wg-keygen) and the processes are
# started as teams would start them: wg-adjudicator --exercise FILE --key
# adjudicator.key; wg-command / wg-contingent --exercise FILE --key
# SEAT.key (the exercise file names the endpoints and every seat's key).
#
# The scenario is tests/data/short.yaml (every nation `fallback: bot`) with
# a generous 10 s deadline, so that a loaded machine makes no connected
# role miss one (the test asserts what the log records, not timings), and
# `sharing: national`: besides the public broadcasts, each role's picture
# of every phase goes to it alone over its own connection, so a cut link
# loses both.
#
#  1. clean: the exercise plays across the LAN with every link up.
#  2. cut: the same exercise, the command played by wg-bot-gate.so (the
#     built-in command bot, held at turns the test chooses:
#     tests/tools/bot_gate.c). Held at turn 3, FRA's link is cut (its
#     bridge-side veth set down) and the turn goes on; once the adjudicator
#     has given FRA its fallback, the link is restored; the command is held
#     at turn 6 until FRA's TCP connections to the director have caught up
#     (nothing unacknowledged on either side), so the exercise cannot end
#     before FRA could play again.
# Checks: both exercises complete (every process exits 0, 14 turn lines;
# the adjudicator's sockets were CURVE and refused no handshake);
# the turn lines and summary of the cut exercise are the clean one's;
# wg-log verify passes on both logs; and, by tests/tools/wg_lan_check.py on
# the two dumps: FRA's orders are its own, then its fallback's (recorded as
# default orders with the bot fallback's agent and a reason of absence,
# from turn 3 on and ended before turn 7), then its own again to the end,
# with the "fallback plays" and "takes control back" events; no other role
# ever defaulted; every order and every turn's state equal the clean
# exercise's (the bot fallback orders what FRA's bot would have).
#
# Needs root and network namespaces (ip from iproute2, CAP_SYS_ADMIN,
# veth and bridge support). Without them it prints why and exits 77, which
# ctest reports as skipped (SKIP_RETURN_CODE in tests/CMakeLists.txt).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PATH=$PATH:/usr/sbin:/sbin
CUT=FRA         # the nation whose link is cut
HOLD_CUT=3      # the command is held at this turn while the link is cut
HOLD_BACK=6     # ... and at this one until the link has caught up
NET=10.77.0     # the LAN's /24
DIR_IP=$NET.1
ROUTER=tcp://$DIR_IP:5555
PUB=tcp://$DIR_IP:5556

skip() {
    echo "SKIPPED: $*"
    exit 77
}

[ "$(id -u)" -eq 0 ] || skip "not root (network namespaces need CAP_SYS_ADMIN)"
command -v ip >/dev/null || skip "no ip command (Debian's iproute2)"
command -v ss >/dev/null || skip "no ss command (Debian's iproute2)"

wg_init lan_netns
gate_bot="$WG_BUILD_DIR/tests/wg-bot-gate.so"
[ -f "$gate_bot" ] || wg_abort "no $gate_bot"
PY=$(wg_python) || wg_abort "no python3"

# ---- the LAN ---------------------------------------------------------------

# Namespace names are global to the machine: unique to this run (ctest -j,
# other checkouts). Interface names live inside the namespaces, where
# nothing else is.
LAN_ID="wglan$$r$RANDOM"
LAN_NS=()   # every namespace made, for the teardown
BR_NS="$LAN_ID-br"
declare -A NS_OF IP_OF PORT_OF   # team -> namespace, address, bridge port

lan_teardown() {
    local ns p
    for ns in "${LAN_NS[@]}"; do
        # Anything still running in a namespace of this run was started
        # here (lib.sh kills what it knows first): end it by its PID.
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$p" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null ||
            echo "warning: could not remove namespace $ns"
    done
    LAN_NS=()
}

# A run that was killed outright (SIGKILL: a ctest timeout) had no chance
# to remove its namespaces: those of runs whose shell is gone (the PID in
# the name runs no lan_netns.sh) are removed here, with anything left in
# them.
lan_sweep() {
    local ns pid p
    for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
        [[ $ns =~ ^wglan([0-9]+)r[0-9]+- ]] || continue
        pid=${BASH_REMATCH[1]}
        grep -qs lan_netns "/proc/$pid/cmdline" && continue
        for p in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$p" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null && echo "removed $ns, left by a run that was killed"
    done
}

lan_cleanup() {
    wg_kill_all
    lan_teardown
    wg_cleanup
}
trap lan_cleanup EXIT

# lan_ns NAME: makes a namespace with its loopback up.
lan_ns() {
    ip netns add "$1" 2>"$WG_TMP/ip.err" || return 1
    LAN_NS+=("$1")
    ip -n "$1" link set lo up 2>"$WG_TMP/ip.err"
}

# lan_team TEAM INDEX: the team's namespace, on the bridge at NET.INDEX.
lan_team() {
    local ns="$LAN_ID-$1" port="p$2"
    lan_ns "$ns" &&
        ip -n "$BR_NS" link add "$port" type veth peer name eth0 netns "$ns" &&
        ip -n "$BR_NS" link set "$port" master br0 up &&
        ip -n "$ns" addr add "$NET.$2/24" dev eth0 &&
        ip -n "$ns" link set eth0 up || return 1
    NS_OF[$1]=$ns
    IP_OF[$1]=$NET.$2
    PORT_OF[$1]=$port
} 2>"$WG_TMP/ip.err"

# What this machine cannot do is a skip; what fails once it could, a failure.
lan_sweep
lan_ns "$BR_NS" || skip "cannot make a network namespace: $(head -1 "$WG_TMP/ip.err")"
ip -n "$BR_NS" link add br0 type bridge forward_delay 0 2>"$WG_TMP/ip.err" &&
    ip -n "$BR_NS" link set br0 up 2>"$WG_TMP/ip.err" ||
    skip "cannot make a bridge in a namespace: $(head -1 "$WG_TMP/ip.err")"
lan_team director 1 || skip "cannot make a veth pair into a namespace: $(head -1 "$WG_TMP/ip.err")"

scenario="$WG_TMP/lan.yaml"
{
    sed -e 's/^deadline_ms: 1000 .*/deadline_ms: 10000       # generous: no connected role misses it/' \
        -e 's/^name: .*/name: "Test: short exercise across a LAN of namespaces"/' \
        -e '/^sharing:/d' "$WG_SHORT"
    echo "sharing: national        # each role's own picture over its own connection"
} >"$scenario"
grep -q '^deadline_ms: 10000 ' "$scenario" ||
    wg_abort "tests/data/short.yaml has no 'deadline_ms: 1000' line to lengthen"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$scenario" --list-nations) ||
    wg_abort "--list-nations failed"
i=11
for n in $nations; do
    lan_team "$n" $i || wg_abort "cannot add $n to the LAN: $(head -1 "$WG_TMP/ip.err")"
    i=$((i + 1))
done
case " $(echo $nations) " in *" $CUT "*) ;; *) wg_abort "no $CUT in the scenario" ;; esac
awk -v c="$CUT" '/- code:/ { on = ($3 == c) } on && /^ *fallback:/ { print $2 }' \
    "$scenario" | grep -qx bot ||
    wg_abort "$CUT's fallback is not bot in $WG_SHORT"
echo "LAN $LAN_ID: bridge, director at $DIR_IP, $(echo $nations | wc -w) nations from $NET.11"

# Every team reaches the director across the bridge: a connection to a
# port where nothing listens is refused (a reset came back), not lost.
for n in $nations; do
    timeout 10 ip netns exec "${NS_OF[$n]}" bash -c \
        "exec 3<>/dev/tcp/$DIR_IP/9" 2>&1 | grep -q 'refused' ||
        wg_abort "$n cannot reach the director at $DIR_IP"
done

# ---- the processes -----------------------------------------------------------

# Keys: one CurveZMQ key pair per seat from wg-keygen, and an exercise
# file naming the scenario, the endpoints on the LAN and every seat's public
# key; the adjudicator admits those keys only, and each team's process
# has its own secret key. (Each key pair would be made on the team's own
# machine, and only the .pub files given to the director.)
KEYS="$WG_TMP/keys"
mkdir -p "$KEYS" || wg_abort "mkdir $KEYS"
"$WG_BIN/wg-keygen" --dir "$KEYS" adjudicator command $nations >"$KEYS/list" 2>&1 ||
    wg_abort "wg-keygen failed: $(head -3 "$KEYS/list")"
exercise="$WG_TMP/lan-exercise.yaml"
{
    echo "# The LAN of tests/integration/lan_netns.sh: every seat a bot, with keys."
    echo "scenario: lan.yaml"
    echo "router: $ROUTER"
    echo "pub: $PUB"
    echo "adjudicator_key: keys/adjudicator.pub"
    echo "seats:"
    echo "  - {role: command, player: bot, key: keys/command.pub}"
    for n in $nations; do
        echo "  - {role: $n, player: bot, key: keys/$n.pub}"
    done
} >"$exercise"
echo "seats: $(wc -l <"$KEYS/list") CurveZMQ key pairs from wg-keygen, every seat's public key in the exercise file; sharing: national"

# seat ROLE: SEAT is the options that connect ROLE's worker to its seat.
seat() {
    SEAT=(--exercise "$exercise" --key "$KEYS/$1.key")
}

# lan_start RUN LOG [command options...]: the adjudicator in the director's
# namespace, bound on the LAN, then the command there and every contingent
# in its own namespace, all across the bridge.
lan_start() {
    local run=$1 log=$2 n ticks=0
    shift 2
    WG_RUN_DIR="$WG_TMP/$run"
    mkdir -p "$WG_RUN_DIR" || wg_abort "mkdir $WG_RUN_DIR"
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()
    wg_chain_add "$log"
    ip netns exec "${NS_OF[director]}" "$WG_BIN/wg-adjudicator" \
        --exercise "$exercise" --key "$KEYS/adjudicator.key" \
        --log "$log" --log-level info >"$WG_RUN_DIR/adjudicator.out" \
        2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
    until grep -q "ROUTER $ROUTER, PUB $PUB" "$WG_RUN_DIR/adjudicator.err" 2>/dev/null; do
        wg_alive "$WG_ADJ_PID" ||
            wg_abort "$run: wg-adjudicator exited at start: $(tail -3 "$WG_RUN_DIR/adjudicator.err")"
        [ $ticks -lt 1000 ] || wg_abort "$run: wg-adjudicator did not bind in 10 s"
        sleep 0.01
        ticks=$((ticks + 1))
    done
    seat command
    ip netns exec "${NS_OF[director]}" "$WG_BIN/wg-command" "${SEAT[@]}" \
        "$@" 2>"$WG_RUN_DIR/command.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=(command)
    for n in $nations; do
        seat "$n"
        ip netns exec "${NS_OF[$n]}" "$WG_BIN/wg-contingent" --nation "$n" \
            "${SEAT[@]}" 2>"$WG_RUN_DIR/contingent-$n.err" &
        WG_PIDS+=($!)
        WG_WORKER_PIDS+=($!)
        WG_WORKER_NAMES+=("contingent-$n")
    done
}

# lan_finish RUN: the adjudicator exits 0 and every worker after it; every
# connection was CURVE, and no handshake was refused (every team had its
# seat's key).
lan_finish() {
    local err="$WG_RUN_DIR/adjudicator.err"
    wg_wait "$WG_ADJ_PID" 120
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC, wanted 0"
    wg_wait_workers 10
    wg_check_turn_lines "$WG_RUN_DIR/adjudicator.out" 14
    grep -q 'keys: CURVE on both sockets' "$err" ||
        fail "$1: the adjudicator does not say its sockets are CURVE"
    grep -Eq 'keys: handshakes admitted [0-9]+, refused 0 ' "$err" ||
        fail "$1: handshakes refused: $(grep -m1 'keys: handshakes' "$err")"
}

# lan_wait_file FILE SECONDS WHAT
lan_wait_file() {
    local ticks=0
    until [ -e "$1" ]; do
        [ "$ticks" -lt $(($2 * 100)) ] || wg_abort "$3 after ${2}s"
        wg_alive "$WG_ADJ_PID" || wg_abort "$3: the adjudicator is gone"
        sleep 0.01
        ticks=$((ticks + 1))
    done
}

# lan_send_q NS PEER_IP: one line per established TCP connection between
# NS and PEER_IP, its bytes sent and not yet acknowledged (Send-Q).
lan_send_q() {
    ip netns exec "$1" ss -Htn state established "( dst $2 )" 2>/dev/null |
        awk '{ print $2 }'
}

# lan_caught_up TEAM: both ends of the team's connections to the director
# exist (two each: the DEALER's and the SUB's) and have nothing
# unacknowledged: whatever was sent while the link was down has arrived.
lan_caught_up() {
    local a b
    a=$(lan_send_q "${NS_OF[director]}" "${IP_OF[$1]}")
    b=$(lan_send_q "${NS_OF[$1]}" "$DIR_IP")
    [ "$(echo "$a" | grep -c .)" -ge 2 ] && [ "$(echo "$b" | grep -c .)" -ge 2 ] &&
        ! echo "$a $b" | grep -qv '^[0 ]*$'
}

dump_of() {
    "$WG_BIN/wg-log" dump "$1" >"$1.dump" 2>"$1.dump.err" ||
        fail "wg-log dump $(basename "$1") exited $?"
}

verify() {
    timeout 120 "$WG_BIN/wg-log" verify "$1" >"$1.verify" 2>&1
    local st=$?
    echo "$(basename "$1"): $(tail -n 1 "$1.verify")"
    [ $st -eq 0 ] || fail "wg-log verify $(basename "$1") exited $st: $(tail -3 "$1.verify")"
}

# ---- 1. every link up ----------------------------------------------------------

t0=$(wg_ms)
clean_log="$WG_TMP/clean.wglog"
lan_start clean "$clean_log"
lan_finish clean
clean_out="$WG_RUN_DIR/adjudicator.out"
echo "clean: played across the LAN in $(($(wg_ms) - t0)) ms"

# ---- 2. FRA's link cut and restored ------------------------------------------

gate="$WG_TMP/gate"
mkdir -p "$gate" || wg_abort "mkdir $gate"
touch "$gate/hold-$HOLD_CUT" "$gate/hold-$HOLD_BACK"
cut_log="$WG_TMP/cut.wglog"
t0=$(wg_ms)
WG_GATE_DIR=$gate lan_start cut "$cut_log" --bot "$gate_bot"
adj_err="$WG_RUN_DIR/adjudicator.err"

lan_wait_file "$gate/at-$HOLD_CUT" 60 "the command never reached turn $HOLD_CUT"
ip -n "$BR_NS" link set "${PORT_OF[$CUT]}" down ||
    wg_abort "cannot cut $CUT's link"
echo "cut: $CUT's link down at turn $HOLD_CUT ($(($(wg_ms) - t0)) ms)"
touch "$gate/go-$HOLD_CUT"

# The adjudicator gives FRA its fallback (at the deadline FRA misses, or
# sooner if it sees the peer gone; at once in the phases after that, FRA
# being absent): then the link comes back.
wg_wait_for "$adj_err" "turn [0-9]+: $CUT gets default orders" 60
echo "cut: $(grep -Em1 "turn [0-9]+: $CUT gets default orders" "$adj_err" | sed 's/^.*turn/turn/') ($(($(wg_ms) - t0)) ms)"
ip -n "$BR_NS" link set "${PORT_OF[$CUT]}" up ||
    wg_abort "cannot restore $CUT's link"
echo "cut: $CUT's link up again ($(($(wg_ms) - t0)) ms)"

# Held at turn HOLD_BACK until FRA's connections have caught up (TCP
# retransmits on its own schedule, or ZeroMQ reconnects after the
# heartbeat closed them, and FRA joins again): three looks in a row, so a
# moment between two sends is not taken for it. The exercise cannot have
# ended meanwhile: the command has not answered turn HOLD_BACK.
ticks=0 good=0
while [ $good -lt 3 ]; do
    if lan_caught_up "$CUT"; then good=$((good + 1)); else good=0; fi
    [ $ticks -lt 600 ] || wg_abort "$CUT's connections did not catch up in 60 s after the link came back"
    wg_alive "$WG_ADJ_PID" || wg_abort "the adjudicator died while $CUT was cut off"
    sleep 0.1
    ticks=$((ticks + 1))
done
echo "cut: $CUT's connections caught up ($(($(wg_ms) - t0)) ms)"
touch "$gate/go-$HOLD_BACK"
lan_finish cut
cut_out="$WG_RUN_DIR/adjudicator.out"
echo "cut: played in $(($(wg_ms) - t0)) ms"
[ -e "$gate/at-$HOLD_BACK" ] || echo "cut: (the command did not wait at turn $HOLD_BACK: $CUT had caught up already)"
grep -q 'gate bot: no .* in time' "$WG_RUN_DIR/command.err" &&
    fail "the gate bot gave up waiting: $(grep -m1 'gate bot' "$WG_RUN_DIR/command.err")"

# ---- checks --------------------------------------------------------------------

# The same results: every turn line and the summary.
# (Not the count of rejected messages: FRA's answers that came too late
# are refused, which is the bus's business, not the exercise's.)
results() {
    sed -n '/^turn /,$p' "$1" | grep -v '^  rejected messages '
}
if ! diff <(results "$clean_out") <(results "$cut_out") >"$WG_TMP/out.diff"; then
    fail "the cut exercise's turn lines or summary differ from the clean one's:"
    head -20 "$WG_TMP/out.diff"
fi
grep '^summary' "$cut_out"

verify "$clean_log"
verify "$cut_log"
dump_of "$clean_log"
dump_of "$cut_log"
"$PY" "$WG_SOURCE_DIR/tests/tools/wg_lan_check.py" "$clean_log.dump" \
    "$cut_log.dump" "$CUT" "$HOLD_CUT" $((HOLD_BACK + 1)) ||
    fail "the cut exercise's log is not what a cut and restored link makes (above)"

wg_done
