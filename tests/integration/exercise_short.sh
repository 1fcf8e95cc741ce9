#!/usr/bin/env bash
# exercise_short.sh - plays tests/data/short.yaml with real processes on
# loopback tcp: wg-adjudicator, wg-command and one wg-contingent per nation.
# Checks: every process exits 0; one "turn N" line per turn of the plan, of
# the plan's type; POL deploys no troops; the summary prints the peaks and
# no rejected message; no role got default orders; the exercise log reads
# back with wg-log info.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init exercise_short

log="$WG_TMP/exercise.wglog"
wg_play short "$WG_SHORT" --log "$log" --lobby-timeout 20000
out="$WG_RUN_DIR/adjudicator.out"
cat "$out"

# Turn lines: 1..14, each of the plan's type.
wg_check_turn_lines "$out" 14
types=$(sed -n 's/^turn \{1,3\}[0-9]\{1,\} \([a-z]\{1,\}\) .*/\1/p' "$out" | tr '\n' ' ')
plan="deployment rotation incident incident incident incident"
plan="$plan deployment rotation incident incident incident incident"
plan="$plan rotation incident "
[ "$types" = "$plan" ] || fail "turn types: $types, wanted $plan"
wg_check_pol_zero "$out"

peak=$(wg_summary "$out" "peak troops in theatre")
committed=$(wg_summary "$out" "peak committed force")
rejected=$(wg_summary "$out" "rejected messages")
[ -n "$peak" ] && [ "$peak" -gt 0 ] ||
    fail "no peak troops in theatre in the summary"
[ -n "$committed" ] && [ "$committed" -ge "${peak:-0}" ] ||
    fail "peak committed force ${committed:-none} below the peak in theatre"
[ "$rejected" = 0 ] || fail "rejected messages: ${rejected:-none}, wanted 0"
# Incident turns draw incidents (violations a day, drones and jamming);
# the others draw none and nothing reaches the force.
grep -E '^turn +[0-9]+ incident ' "$out" |
    grep -Eq 'viol/day +0\.0 drone/jam +0 ' &&
    fail "an incident turn without incidents"
grep -E '^turn +[0-9]+ (deployment|rotation) ' "$out" |
    grep -Evq 'viol/day +0\.0 drone/jam +0 on force +0 ' &&
    fail "a deployment or rotation turn with incidents"
# Every turn line shows the regime.
grep -E '^turn ' "$out" | grep -Evq '\| (managed|hot|spike) +viol/day' &&
    fail "a turn line without its regime"
# Every bot answered every phase: nobody got default orders.
grep -q 'defaulted 0$' "$WG_RUN_DIR/adjudicator.err" ||
    fail "default orders: $(grep defaulted "$WG_RUN_DIR/adjudicator.err")"

# The exercise log.
if [ -s "$log" ]; then
    "$WG_BIN/wg-log" info "$log" >"$WG_TMP/info" 2>"$WG_TMP/info.err"
    st=$?
    [ $st -eq 0 ] || fail "wg-log info exited $st"
    grep -Eq '^turn_results: +14$' "$WG_TMP/info" ||
        fail "wg-log info: not 14 turn results"
    grep -Eq '^tail: +clean$' "$WG_TMP/info" || fail "wg-log info: tail not clean"
else
    fail "no exercise log at $log"
fi
wg_done
