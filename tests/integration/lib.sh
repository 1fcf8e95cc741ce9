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
#   wg_start_adjudicator SCENARIO [options]   sets WG_ADJ_PID; stdout in
#                                 $WG_TMP/adjudicator.out
#   wg_start_command              appends to WG_WORKER_PIDS
#   wg_start_contingent NATION    appends to WG_WORKER_PIDS
#   wg_start_exercise SCENARIO [--skip NATION]... [adjudicator options]
#   wg_wait PID SECONDS           sets WG_RC (exit code) or fails on timeout
#   wg_wait_workers SECONDS       waits for every worker; checks exit 0
#   fail MESSAGE / wg_done        count a failure / report and exit

WG_BUILD_DIR=${WG_BUILD_DIR:?WG_BUILD_DIR not set}
WG_SOURCE_DIR=${WG_SOURCE_DIR:?WG_SOURCE_DIR not set}
WG_BIN="$WG_BUILD_DIR/workers"
WG_SHORT="$WG_SOURCE_DIR/tests/data/short.yaml"
WG_PIDS=()
WG_WORKER_PIDS=()
WG_WORKER_NAMES=()
WG_TEST=test
WG_TMP=
wg_failures=0

fail() {
    echo "FAIL: $*"
    wg_failures=$((wg_failures + 1))
}

# Prints the tail of every stderr file, for a failure's context.
wg_show_logs() {
    local f
    for f in "$WG_TMP"/*.err; do
        [ -s "$f" ] || continue
        echo "---- ${f##*/} (last 15 lines)"
        tail -n 15 "$f"
    done
}

# Kills every process this test started (by PID, never by name).
wg_kill_all() {
    local p
    for p in "${WG_PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    for p in "${WG_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    WG_PIDS=()
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

# Reports and exits: 0 if nothing failed.
wg_done() {
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

# Two consecutive free loopback ports from a random base in 20000-60000.
# Another test may take them between this check and the bind; the
# adjudicator then fails to bind and exits 1, which the test reports.
wg_pick_ports() {
    local i port
    for i in $(seq 1 50); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
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
    local scenario=$1
    shift
    "$WG_BIN/wg-adjudicator" --scenario "$scenario" --router "$WG_ROUTER" \
        --pub "$WG_PUB" "$@" >"$WG_TMP/adjudicator.out" \
        2>"$WG_TMP/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}

wg_start_command() {
    "$WG_BIN/wg-command" --router "$WG_ROUTER" --pub "$WG_PUB" \
        2>"$WG_TMP/command.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=(command)
}

wg_start_contingent() {
    "$WG_BIN/wg-contingent" --nation "$1" --router "$WG_ROUTER" \
        --pub "$WG_PUB" 2>"$WG_TMP/contingent-$1.err" &
    WG_PIDS+=($!)
    WG_WORKER_PIDS+=($!)
    WG_WORKER_NAMES+=("contingent-$1")
}

# wg_start_exercise SCENARIO [--skip NATION]... [adjudicator options...]:
# picks ports, starts the adjudicator, the command and one contingent per
# nation except the skipped ones.
wg_start_exercise() {
    local scenario=$1 n s skip=" "
    shift
    while [ "${1:-}" = --skip ]; do
        skip="$skip$2 "
        shift 2
    done
    local nations
    nations=$("$WG_BIN/wg-adjudicator" --scenario "$scenario" \
        --list-nations) || wg_abort "--list-nations $scenario failed"
    wg_pick_ports
    WG_WORKER_PIDS=()
    WG_WORKER_NAMES=()
    wg_start_adjudicator "$scenario" "$@"
    wg_start_command
    for n in $nations; do
        case "$skip" in *" $n "*) continue ;; esac
        wg_start_contingent "$n"
    done
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
}

# wg_wait_workers SECONDS: every worker started must exit 0 within SECONDS.
wg_wait_workers() {
    local i
    for i in "${!WG_WORKER_PIDS[@]}"; do
        wg_wait "${WG_WORKER_PIDS[$i]}" "$1"
        [ "$WG_RC" -eq 0 ] ||
            fail "${WG_WORKER_NAMES[$i]} exited $WG_RC, wanted 0"
    done
}

# Seconds since the epoch with a fraction, for timing.
wg_now() {
    date +%s.%N
}
