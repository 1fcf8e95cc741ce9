# tests/integration/lib.sh - helpers for the multi-process tests, sourced by
# tests/integration/*.sh (tests/CMakeLists.txt makes every other *.sh here
# a ctest).
#
# ctest sets WG_BUILD_DIR and WG_SOURCE_DIR; the workers are in
# $WG_BUILD_DIR/workers/. Every process runs on 127.0.0.1 only, on two
# ports picked at random (tests run in parallel under ctest -j), with its
# stderr in $WG_TMP. An EXIT trap kills whatever is still running and
# removes $WG_TMP.
#
#   wg_init NAME                  temp dir, trap, binaries
#   wg_pick_ports                 sets WG_ROUTER and WG_PUB
#   wg_start_exercise RUN SCENARIO [--skip NATION]... [adjudicator options]
#                                 picks ports, starts the adjudicator
#                                 (WG_ADJ_PID), the command and one
#                                 contingent per nation (WG_WORKER_PIDS),
#                                 but none for a skipped NATION (or for the
#                                 command: --skip command);
#                                 WG_RUN_DIR=$WG_TMP/RUN holds the
#                                 adjudicator's stdout (adjudicator.out) and
#                                 every process's stderr (*.err)
#   wg_play RUN SCENARIO ...      the same, then waits: the adjudicator and
#                                 every worker must exit 0
#   wg_start_gated NAME ROLE TURN a role's bot, to be held at TURN until
#                                 the test lets it go (wg-bot-gate.so)
#   wg_start_held_contingent NAME NATION TURN
#                                 the same, returning once it is held
#   wg_wait PID SECONDS           sets WG_RC (exit code) or aborts on timeout
#   wg_wait_workers SECONDS       waits for every worker; checks exit 0
#   wg_wait_for FILE REGEX SECONDS  waits for a line in FILE or aborts
#   wg_wait_turn N SECONDS        waits for turn N's line of the adjudicator
#   wg_bind START [ARGS...]       an adjudicator started by START on two
#                                 free ports, bound (retried on taken ports)
#   wg_alive PID                  PID runs (exists and is not a zombie)
#   fail MESSAGE / wg_done        count a failure / report and exit; wg_done
#                                 first checks the hash chain of every log
#                                 (below) when nothing failed
#   wg_chain_add LOG / wg_chain_skip LOG
#                                 also check LOG (one an adjudicator did not
#                                 record: a fork's, say) / do not check LOG
#                                 (a test damages it on purpose)
#   wg_chain_check LOG...         checks now (tests/tools/wg_chain_check.py)
#   wg_check_turn_lines, wg_check_turn_types, wg_check_pol_zero, wg_summary,
#   wg_nation_column:
#                                 checks on an adjudicator.out

WG_BUILD_DIR=${WG_BUILD_DIR:?WG_BUILD_DIR not set}
WG_SOURCE_DIR=${WG_SOURCE_DIR:?WG_SOURCE_DIR not set}
WG_BIN="$WG_BUILD_DIR/workers"
WG_SHORT="$WG_SOURCE_DIR/tests/data/short.yaml"
WG_PIDS=()
WG_PGIDS=()
WG_WORKER_PIDS=()
WG_WORKER_NAMES=()
WG_TEST="test"
WG_TMP=
WG_RUN_DIR=
WG_CHAIN_LOGS=()
WG_CHAIN_SKIP=()
wg_failures=0

fail() {
    echo "FAIL: $*"
    wg_failures=$((wg_failures + 1))
}

# Prints the tail of every stderr file, for a failure's context.
wg_show_logs() {
    local f
    for f in "$WG_TMP"/*.err "$WG_TMP"/*/*.err; do
        [ -s "$f" ] || continue
        echo "---- ${f#"$WG_TMP"/} (last 15 lines)"
        tail -n 15 "$f"
    done
}

# Kills every process this test started (by PID or by the process group
# of a job started with set -m, never by name). Only those the shell still
# counts as running jobs: a PID that was reaped may already be another
# process's.
wg_kill_all() {
    local p live
    live=" $(jobs -p | tr '\n' ' ') "
    for p in "${WG_PGIDS[@]}"; do
        case "$live" in *" $p "*) kill -KILL -- "-$p" 2>/dev/null ;; esac
    done
    for p in "${WG_PIDS[@]}"; do
        case "$live" in *" $p "*) ;; *) continue ;; esac
        kill -CONT "$p" 2>/dev/null
        kill -KILL "$p" 2>/dev/null
    done
    for p in "${WG_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    WG_PIDS=()
    WG_PGIDS=()
}

# wg_forget PID: PID was reaped (wait), so the number may belong to
# another process soon: never signal it again.
wg_forget() {
    local p keep=()
    for p in "${WG_PIDS[@]}"; do
        [ "$p" = "$1" ] || keep+=("$p")
    done
    WG_PIDS=("${keep[@]}")
    keep=()
    for p in "${WG_PGIDS[@]}"; do
        [ "$p" = "$1" ] || keep+=("$p")
    done
    WG_PGIDS=("${keep[@]}")
}

wg_cleanup() {
    wg_kill_all
    if [ -n "$WG_TMP" ] && [ -d "$WG_TMP" ]; then
        if [ -n "${WG_KEEP_TMP:-}" ]; then
            echo "kept $WG_TMP"
        else
            rm -rf "$WG_TMP"
        fi
    fi
}

# Fails if a sanitizer (ASan, LSan, UBSan; the WG_SANITIZE build) spoke
# on any process's stderr.
wg_check_sanitizers() {
    local f
    for f in "$WG_TMP"/*.err "$WG_TMP"/*/*.err; do
        [ -f "$f" ] || continue
        grep -Eq 'ERROR: [A-Za-z]+Sanitizer|runtime error: ' "$f" &&
            fail "sanitizer report in ${f#"$WG_TMP"/}: $(grep -Em1 'Sanitizer|runtime error' "$f")"
    done
}

# The hash chain of every exercise log a test made is recomputed by
# tests/tools/wg_chain_check.py, written from docs/LOG-FORMAT.md alone (no
# wg code): every log an adjudicator started here recorded (its --log or
# --resume), and those named with wg_chain_add, except those named with
# wg_chain_skip (logs a test damages on purpose). wg_done runs it when
# nothing failed before (a failed test may have left a writer running).
# wg_rules_version: the build's WG_RULES_VERSION (include/wg/rules.h).
wg_rules_version() {
    sed -n 's/^#define WG_RULES_VERSION \([0-9]\{1,\}\).*/\1/p' \
        "$WG_SOURCE_DIR/include/wg/rules.h"
}

# wg_golden: the golden log of the build's rules version and the current
# log format (tests/data/golden/README.md), the one that verifies.
wg_golden() {
    echo "$WG_SOURCE_DIR/tests/data/golden/short-v3-r$(wg_rules_version).wglog"
}

wg_python() {
    if [ -x /usr/bin/python3 ]; then
        echo /usr/bin/python3
    else
        command -v python3
    fi
}

# wg_chain_check [--allow-unfinished] LOG...: fails the test unless every
# LOG passes; prints the checker's line for each.
wg_chain_check() {
    local py out st
    py=$(wg_python) || { fail "no python3 for tests/tools/wg_chain_check.py (scripts/test installs it)"; return 1; }
    out=$("$py" "$WG_SOURCE_DIR/tests/tools/wg_chain_check.py" "$@" 2>&1)
    st=$?
    [ -n "$out" ] && echo "$out" | sed "s|$WG_TMP/||; s/^/chain check: /"
    [ $st -eq 0 ] || fail "the independent chain check failed (exit $st)"
    return $st
}

# wg_chain_add LOG: check LOG too at wg_done (once).
wg_chain_add() {
    local l
    for l in "${WG_CHAIN_LOGS[@]}"; do
        [ "$l" = "$1" ] && return 0
    done
    WG_CHAIN_LOGS+=("$1")
}

# wg_chain_skip LOG: never check LOG at wg_done.
wg_chain_skip() {
    WG_CHAIN_SKIP+=("$1")
}

# Checks the logs to check that exist: every exercise that was recorded
# has its whole turns chained right (an exercise that was stopped need not
# have ended).
wg_chain_check_all() {
    local l s logs=()
    for l in "${WG_CHAIN_LOGS[@]}"; do
        for s in "${WG_CHAIN_SKIP[@]}"; do
            [ "$l" = "$s" ] && continue 2
        done
        [ -f "$l" ] && logs+=("$l")
    done
    [ ${#logs[@]} -eq 0 ] && return 0
    wg_chain_check --allow-unfinished "${logs[@]}"
}

# Reports and exits: 0 if nothing failed.
wg_done() {
    [ -n "$WG_TMP" ] && wg_check_sanitizers
    if [ -n "$WG_TMP" ] && [ "$wg_failures" -eq 0 ]; then
        wg_chain_check_all
    fi
    if [ "$wg_failures" -ne 0 ]; then
        wg_show_logs
        echo "$WG_TEST: $wg_failures failures"
        exit 1
    fi
    echo "$WG_TEST: all checks passed"
    exit 0
}

# Fails at once: for problems after which no check makes sense.
wg_abort() {
    fail "$*"
    wg_done
}

wg_init() {
    WG_TEST=$1
    local b
    for b in wg-adjudicator wg-command wg-contingent; do
        [ -x "$WG_BIN/$b" ] || { echo "FAIL: no $WG_BIN/$b"; exit 1; }
    done
    WG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/wg-$WG_TEST.XXXXXX") ||
        { echo "FAIL: mktemp"; exit 1; }
    trap wg_cleanup EXIT
    trap 'echo "$WG_TEST: interrupted"; exit 1' INT TERM
}

# True if nothing listens on 127.0.0.1:PORT.
wg_port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Two consecutive free loopback ports from a random base in 20000-60000,
# below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by
# default): the client end of every connection, and the TIME_WAIT sockets
# of earlier runs, hold ports in that range, and the adjudicator could not
# bind one of them. Another test may still take the ports between this
# check and the bind; wg_start_exercise then tries other ports.
wg_pick_ports() {
    local i port lo=20000 hi=60000 eph_lo eph_hi
    if read -r eph_lo eph_hi 2>/dev/null </proc/sys/net/ipv4/ip_local_port_range; then
        if [ "$eph_lo" -gt $((lo + 1000)) ]; then
            hi=$((eph_lo < hi ? eph_lo : hi))
        elif [ "$eph_hi" -lt $((hi - 1000)) ]; then
            lo=$((eph_hi + 1))
        fi
    fi
    for i in $(seq 1 50); do
        port=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo - 1)))
        if wg_port_free "$port" && wg_port_free $((port + 1)); then
            WG_ROUTER="tcp://127.0.0.1:$port"
            WG_PUB="tcp://127.0.0.1:$((port + 1))"
            WG_PORT=$port
            return 0
        fi
    done
    wg_abort "no two free loopback ports found"
}

# wg_start_adjudicator SCENARIO [options...]
wg_start_adjudicator() {
    local scenario=$1 a prev=
    shift
    # The log it records (or continues) is chain-checked at wg_done.
    for a in "$@"; do
        case "$prev" in --log | --resume) wg_chain_add "$a" ;; esac
        case "$a" in --log=* | --resume=*) wg_chain_add "${a#*=}" ;; esac
        prev=$a
    done
    "$WG_BIN/wg-adjudicator" --scenario "$scenario" --router "$WG_ROUTER" \
        --pub "$WG_PUB" "$@" >"$WG_RUN_DIR/adjudicator.out" \
        2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}

wg_start_command() {
    "$WG_BIN/wg-command" --router "$WG_ROUTER" --pub "$WG_PUB" \
        2>"$WG_RUN_DIR/command.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=(command)
}

wg_start_contingent() {
    "$WG_BIN/wg-contingent" --nation "$1" --router "$WG_ROUTER" \
        --pub "$WG_PUB" 2>"$WG_RUN_DIR/contingent-$1.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=("contingent-$1")
}

# wg_drop_new_logs [adjudicator options...]: removes the --log file of an
# adjudicator that could not bind (it holds the header alone), since a
# writer never overwrites a log and the next try names the same file. A
# --resume log is the exercise's own: it stays.
wg_drop_new_logs() {
    local a prev=
    for a in "$@"; do
        [ "$prev" = --log ] && rm -f -- "$a"
        case "$a" in --log=*) rm -f -- "${a#*=}" ;; esac
        prev=$a
    done
}

# wg_bind START [ARGS...]: an adjudicator on two free loopback ports. For
# each of 5 tries: wg_pick_ports, then START ARGS..., a function that
# starts wg-adjudicator on WG_ROUTER and WG_PUB at --log-level info with
# its stderr in $WG_RUN_DIR/adjudicator.err and sets WG_ADJ_PID; then waits
# until it has bound both ports (it logs them at INFO). If another process
# took a port, the next try picks others (wg_drop_new_logs ARGS... first:
# the log the failed one created). Aborts if it exits for another reason.
wg_bind() {
    local start=$1 try ticks
    shift
    for try in 1 2 3 4 5; do
        wg_pick_ports
        "$start" "$@"
        ticks=0
        until grep -q "ROUTER $WG_ROUTER, PUB $WG_PUB" \
            "$WG_RUN_DIR/adjudicator.err" 2>/dev/null; do
            kill -0 "$WG_ADJ_PID" 2>/dev/null || break
            [ $ticks -lt 1000 ] || wg_abort "wg-adjudicator did not bind in 10 s"
            sleep 0.01
            ticks=$((ticks + 1))
        done
        kill -0 "$WG_ADJ_PID" 2>/dev/null && return 0
        wait "$WG_ADJ_PID"
        wg_forget "$WG_ADJ_PID"
        grep -q 'cannot bind' "$WG_RUN_DIR/adjudicator.err" ||
            wg_abort "wg-adjudicator exited at start: $(tail -3 "$WG_RUN_DIR/adjudicator.err")"
        echo "ports $WG_PORT-$((WG_PORT + 1)) taken: trying others"
        mv "$WG_RUN_DIR/adjudicator.err" "$WG_RUN_DIR/adjudicator.err.$try"
        wg_drop_new_logs "$@"
    done
    wg_abort "wg-adjudicator could not bind in 5 tries"
}

# wg_start_exercise RUN SCENARIO [--skip NATION]... [adjudicator options...]:
# picks ports, starts the adjudicator, the command and one contingent per
# nation except the skipped ones (--skip command: no command), with their
# output in $WG_TMP/RUN.
wg_start_exercise() {
    local scenario=$2 n skip=" "
    WG_RUN_DIR="$WG_TMP/$1"
    mkdir -p "$WG_RUN_DIR" || wg_abort "mkdir $WG_RUN_DIR"
    shift 2
    while [ "${1:-}" = --skip ]; do
        skip="$skip$2 "
        shift 2
    done
    local nations
    nations=$("$WG_BIN/wg-adjudicator" --scenario "$scenario" \
        --list-nations) || wg_abort "--list-nations $scenario failed"
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()
    # The workers start once the adjudicator has bound both ports.
    wg_bind wg_start_adjudicator "$scenario" --log-level info "$@"
    case "$skip" in *" command "*) ;; *) wg_start_command ;; esac
    for n in $nations; do
        case "$skip" in *" $n "*) continue ;; esac
        wg_start_contingent "$n"
    done
}

# wg_start_gated NAME ROLE TURN: ROLE (command, or a nation's code)
# plays the built-in bot through wg-bot-gate.so (tests/tools/bot_gate.c),
# to be held at the start of TURN; returns at once, with its pid in
# WG_HELD_PID and the gate's directory in WG_HELD_GATE: $WG_HELD_GATE/at-TURN
# appears once it is held, and touching $WG_HELD_GATE/go-TURN lets it play
# on. Held, it keeps the phase of TURN open (up to the phase's deadline),
# so the exercise cannot run past TURN while the test does its part.
wg_start_gated() {
    local argv err="$WG_RUN_DIR/command.err"
    WG_HELD_GATE="$WG_TMP/$1.gate"
    mkdir -p "$WG_HELD_GATE" && touch "$WG_HELD_GATE/hold-$3" ||
        wg_abort "mkdir $WG_HELD_GATE"
    if [ "$2" = command ]; then
        argv=("$WG_BIN/wg-command")
    else
        argv=("$WG_BIN/wg-contingent" --nation "$2")
        err="$WG_RUN_DIR/contingent-$2.err"
    fi
    WG_GATE_DIR=$WG_HELD_GATE "${argv[@]}" \
        --router "$WG_ROUTER" --pub "$WG_PUB" \
        --bot "$WG_BUILD_DIR/tests/wg-bot-gate.so" \
        2>"$err" &
    WG_HELD_PID=$!
    WG_PIDS+=("$WG_HELD_PID")
}

# wg_start_held_contingent NAME NATION TURN: wg_start_gated NAME NATION
# TURN, and returns once the contingent is held there. For a test that
# freezes or kills a role mid-exercise: a fast build plays a short
# exercise in a few milliseconds, so "once it has joined" is no moment to
# act at.
wg_start_held_contingent() {
    wg_start_gated "$@"
    local i
    for i in $(seq 300); do
        [ -e "$WG_HELD_GATE/at-$3" ] && return 0
        wg_alive "$WG_HELD_PID" || break
        sleep 0.1
    done
    wg_abort "$2's contingent never reached turn $3"
}

# wg_wait PID SECONDS: waits for PID (a child of this shell) and sets
# WG_RC to its exit code; after SECONDS kills everything and aborts.
wg_wait() {
    local pid=$1 limit=$2 ticks=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$ticks" -ge $((limit * 10)) ]; then
            wg_kill_all
            wg_abort "process $pid still running after ${limit}s"
        fi
        sleep 0.1
        ticks=$((ticks + 1))
    done
    wait "$pid"
    WG_RC=$?
    wg_forget "$pid"
}

# wg_wait_workers SECONDS: every worker started must exit 0 within SECONDS.
wg_wait_workers() {
    local i
    for i in "${!WG_WORKER_PIDS[@]}"; do
        wg_wait "${WG_WORKER_PIDS[$i]}" "$1"
        [ "$WG_RC" -eq 0 ] ||
            fail "${WG_RUN_DIR##*/}: ${WG_WORKER_NAMES[$i]} exited $WG_RC, wanted 0"
    done
}

# wg_play RUN SCENARIO [...]: wg_start_exercise, then the adjudicator
# must exit 0 within WG_PLAY_LIMIT seconds (50) and every worker exit 0
# soon after.
wg_play() {
    local t0
    t0=$(wg_ms)
    wg_start_exercise "$@"
    wg_wait "$WG_ADJ_PID" "${WG_PLAY_LIMIT:-50}"
    [ "$WG_RC" -eq 0 ] || fail "$1: wg-adjudicator exited $WG_RC, wanted 0"
    wg_wait_workers 5
    echo "$1: played in $(($(wg_ms) - t0)) ms"
}

# wg_wait_for FILE REGEX SECONDS: waits until FILE has a line matching the
# extended REGEX; after SECONDS kills everything and aborts.
wg_wait_for() {
    local ticks=0
    until grep -Eq -- "$2" "$1" 2>/dev/null; do
        if [ "$ticks" -ge $(($3 * 100)) ]; then
            wg_kill_all
            wg_abort "no /$2/ in ${1#"$WG_TMP"/} after ${3}s"
        fi
        sleep 0.01
        ticks=$((ticks + 1))
    done
}

# wg_wait_turn N SECONDS: waits until the adjudicator's stdout
# ($WG_RUN_DIR/adjudicator.out) has turn N's line; aborts if no line comes
# for SECONDS. The 14 turns of short.yaml take ~0.1 s while everyone
# answers at once, so polling the file would see turn N many turns late: a
# tail -f (inotify) into a FIFO, read with the shell's builtin, sees the
# line as it is written.
wg_wait_turn() {
    local fifo line seen= turns
    fifo=$(mktemp -u "$WG_TMP/turns.XXXXXX")
    mkfifo "$fifo" || wg_abort "mkfifo failed"
    tail -n +1 -f --pid="$WG_ADJ_PID" "$WG_RUN_DIR/adjudicator.out" \
        >"$fifo" 2>/dev/null &
    WG_PIDS+=($!)
    exec {turns}<"$fifo"
    while IFS= read -r -t "$2" -u "$turns" line; do
        if [[ $line =~ ^turn\ +$1\  ]]; then
            seen=1
            break
        fi
    done
    exec {turns}<&-
    [ -n "$seen" ] || wg_abort "no turn $1 line in $2 s"
}

# wg_alive PID: PID exists and is not a zombie.
wg_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# Milliseconds since the epoch.
wg_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# wg_check_turn_lines OUT N: OUT has the lines of turns 1..N, one each, in
# order, and nothing else before the summary.
wg_check_turn_lines() {
    local out=$1 n=$2 got want
    got=$(sed -n 's/^turn \{1,3\}\([0-9]\{1,\}\) .*/\1/p' "$out" | tr '\n' ' ')
    want=$(seq 1 "$n" | tr '\n' ' ')
    [ "$got" = "$want" ] ||
        fail "$out: turn lines ${got:-none}, wanted $want"
    grep -Eq "^summary: .*, $n turns\$" "$out" ||
        fail "$out: no summary line for $n turns"
}

# wg_check_turn_types OUT TYPE...: OUT's turn lines name these turn types
# (a plan's words), one a turn, in order.
wg_check_turn_types() {
    local out=$1 got
    shift
    got=$(sed -n 's/^turn \{1,3\}[0-9]\{1,\} \([a-z]\{1,\}\) .*/\1/p' "$out" | tr '\n' ' ')
    [ "$got" = "$* " ] || fail "$out: turn types $got, wanted $*"
}

# wg_check_pol_zero OUT: POL has 0 troops deployed on every turn line.
wg_check_pol_zero() {
    local bad
    bad=$(grep '^turn ' "$1" | grep -Ev '\| .*POL +0[ x-]') &&
        fail "$1: POL deploys troops: $(echo "$bad" | head -1)"
    grep -q '^turn .* POL ' "$1" || fail "$1: no POL column"
}

# wg_summary OUT LABEL: the number after LABEL in the summary.
wg_summary() {
    sed -n "s/^  $2 \{1,\}\([0-9]\{1,\}\).*/\1/p" "$1" | head -1
}

# wg_nation_column OUT CODE: the troops of CODE on each turn line.
wg_nation_column() {
    sed -n "s/^turn .* $2 \{1,\}\([0-9]\{1,\}\).*/\1/p" "$1"
}

# wg_expect_exit WANT OUT CMD...: runs CMD with a 60 s limit, stdout to OUT
# and stderr to OUT.err, and fails the test (showing both) unless it exits
# WANT.
wg_expect_exit() {
    local want=$1 out=$2
    shift 2
    timeout 60 "$@" >"$out" 2>"$out.err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$(basename "$out"): $(basename "$1") ${2:-} exited $got, wanted $want"
        sed 's/^/    /' "$out" "$out.err" | head -8
    fi
}
