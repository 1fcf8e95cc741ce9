#!/usr/bin/env bash
# log_lock.sh - one writer per exercise log, and no log overwritten.
#
#   1. an adjudicator records tests/data/short.yaml into L and waits in its
#      lobby (no worker joins), holding L's lock;
#   2. while it runs, a second adjudicator --log L, wg-adjudicator --resume L
#      and wg-log fork GOLDEN -o L are each refused, non-zero, with a
#      message that names L and says it is locked; L is left as it was;
#   3. once it is stopped (SIGINT), the lock is gone but L holds a record:
#      wg-adjudicator --log L and wg-log fork -o L refuse to overwrite it
#      (exit non-zero / 2, naming L), and L is unchanged; so is a finished
#      log (a copy of the golden one).
# Every process listens on 127.0.0.1 only.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init log_lock
LOG_TOOL="$WG_BIN/wg-log"
GOLDEN=$(wg_golden)
[ -f "$GOLDEN" ] || wg_abort "no $GOLDEN"

log="$WG_TMP/live.wglog"
WG_RUN_DIR="$WG_TMP/live"
mkdir -p "$WG_RUN_DIR"
wg_pick_ports
wg_start_adjudicator "$WG_SHORT" --log-level info --log "$log" \
    --lobby-timeout 600000
live=$WG_ADJ_PID
wg_chain_skip "$log" # stopped in its lobby: no turn to chain
wg_wait_for "$WG_RUN_DIR/adjudicator.err" 'ROUTER tcp://127\.0\.0\.1' 20
[ -s "$log" ] || wg_abort "the adjudicator wrote no $log"
cp "$log" "$WG_TMP/live.before"

# expect_refusal NAME WANT_RC REGEX CMD...: CMD exits WANT_RC (any non-zero
# for "nz"), and its stderr names the log and matches REGEX.
expect_refusal() {
    local name=$1 want=$2 re=$3 rc
    shift 3
    timeout 60 "$@" >"$WG_TMP/$name.out" 2>"$WG_TMP/$name.err"
    rc=$?
    if [ "$want" = nz ]; then
        [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] ||
            fail "$name: exited $rc, wanted a refusal"
    else
        [ "$rc" -eq "$want" ] || fail "$name: exited $rc, wanted $want"
    fi
    grep -qF -- "$log" "$WG_TMP/$name.err" ||
        fail "$name: the message does not name $log: $(head -2 "$WG_TMP/$name.err")"
    grep -Eq -- "$re" "$WG_TMP/$name.err" ||
        fail "$name: no /$re/ in: $(head -2 "$WG_TMP/$name.err")"
    echo "$name: exit $rc: $(grep -F -- "$log" "$WG_TMP/$name.err" | head -1)"
}

# ---- while the log is written ----
wg_pick_ports
expect_refusal second nz 'locked' "$WG_BIN/wg-adjudicator" \
    --scenario "$WG_SHORT" --router "$WG_ROUTER" --pub "$WG_PUB" \
    --log "$log" --lobby-timeout 1000
expect_refusal resume nz 'locked' "$WG_BIN/wg-adjudicator" --resume "$log" \
    --router "$WG_ROUTER" --pub "$WG_PUB" --lobby-timeout 1000
expect_refusal fork_locked 2 'locked' "$LOG_TOOL" fork "$GOLDEN" --at 2 \
    -o "$log"
wg_alive "$live" || fail "the first adjudicator died"
cmp -s "$log" "$WG_TMP/live.before" ||
    fail "the refused writers changed the log being written"

# ---- after it stopped ----
kill -INT "$live"
wg_wait "$live" 20
cp "$log" "$WG_TMP/live.stopped"
[ -s "$log" ] || fail "the stopped log is empty"
expect_refusal overwrite nz 'exists' "$WG_BIN/wg-adjudicator" \
    --scenario "$WG_SHORT" --router "$WG_ROUTER" --pub "$WG_PUB" \
    --log "$log" --lobby-timeout 1000
expect_refusal fork_exists 2 'exists' "$LOG_TOOL" fork "$GOLDEN" --at 2 \
    -o "$log"
cmp -s "$log" "$WG_TMP/live.stopped" || fail "a refused writer changed $log"

# A finished log is refused as well, and the fork that is refused writes
# nothing anywhere else either.
cp "$GOLDEN" "$WG_TMP/done.wglog"
log="$WG_TMP/done.wglog"
expect_refusal fork_done 2 'exists' "$LOG_TOOL" fork "$GOLDEN" --at 2 \
    -o "$log"
cmp -s "$log" "$GOLDEN" || fail "fork -o changed the finished log"
expect_refusal overwrite_done nz 'exists' "$WG_BIN/wg-adjudicator" \
    --scenario "$WG_SHORT" --router "$WG_ROUTER" --pub "$WG_PUB" \
    --log "$log" --lobby-timeout 1000
cmp -s "$log" "$GOLDEN" || fail "--log truncated the finished log"

# An adjudicator that cannot bind leaves no log behind (only its header
# would be there, and a retry with the same --log would be refused).
PY=$(wg_python) || wg_abort "no python3"
"$PY" - "$WG_BIN/wg-adjudicator" "$WG_SHORT" "$WG_TMP/unbound.wglog" \
    >"$WG_TMP/unbound.out" 2>&1 <<'PYEOF'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
port = s.getsockname()[1]
r = subprocess.run([sys.argv[1], "--scenario", sys.argv[2],
                    "--router", "tcp://127.0.0.1:%d" % port,
                    "--pub", "tcp://127.0.0.1:%d" % (port + 1),
                    "--log", sys.argv[3]], capture_output=True, text=True)
print("rc", r.returncode)
print(r.stderr)
PYEOF
grep -q '^rc 1$' "$WG_TMP/unbound.out" ||
    fail "an adjudicator on a taken port did not exit 1: $(head -3 "$WG_TMP/unbound.out")"
grep -q 'cannot bind' "$WG_TMP/unbound.out" || fail "no 'cannot bind' message"
[ -e "$WG_TMP/unbound.wglog" ] && fail "an adjudicator that could not bind left its log"

wg_done
