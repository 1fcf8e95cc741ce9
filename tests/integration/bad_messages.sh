#!/usr/bin/env bash
# bad_messages.sh - the adjudicator refuses bad messages with an error reply
# and a counter, and the exercise completes. tests/data/short.yaml plays
# with every role but NLD, which wg-probe (tests/tools/wg_probe.c) plays: it
# sends 16 random bytes (ERROR_MALFORMED), a pledge claiming to be FRA
# (ERROR_UNAUTHORISED) and a pledge for a turn that is over
# (ERROR_WRONG_TURN), and answers every other phase with an empty order.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init bad_messages
probe="$WG_BUILD_DIR/tests/wg-probe"
[ -x "$probe" ] || wg_abort "no $probe"

wg_start_exercise run "$WG_SHORT" --skip NLD --lobby-timeout 20000
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --nation NLD --claim FRA \
    --timeout-ms 45000 >"$WG_RUN_DIR/probe.out" 2>"$WG_RUN_DIR/probe.err" &
probe_pid=$!
WG_PIDS+=("$probe_pid")

wg_wait "$probe_pid" 50
probe_rc=$WG_RC
cat "$WG_RUN_DIR/probe.out"
[ "$probe_rc" -eq 0 ] || fail "wg-probe exited $probe_rc, wanted 0"
wg_wait "$WG_ADJ_PID" 20
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 5

out="$WG_RUN_DIR/adjudicator.out" err="$WG_RUN_DIR/adjudicator.err"
sed -n '/^summary:/,$p' "$out"
wg_check_turn_lines "$out" 14
rejected=$(wg_summary "$out" "rejected messages")
[ -n "$rejected" ] && [ "$rejected" -ge 3 ] ||
    fail "rejected messages: ${rejected:-none}, wanted at least 3"
for code in ERROR_MALFORMED ERROR_UNAUTHORISED ERROR_WRONG_TURN; do
    grep -q "rejected ($code)" "$err" || fail "no 'rejected ($code)' on the adjudicator's stderr"
    grep -q "^probe: ok: $code\$" "$WG_RUN_DIR/probe.out" ||
        fail "wg-probe did not get $code back"
done
grep 'rejected (' "$err"
# NLD (the probe) answered every phase itself: nobody got default orders.
grep -q 'defaulted 0$' "$err" || fail "default orders: $(grep defaulted "$err")"
wg_done
