#!/usr/bin/env bash
# force_review.sh - plays tests/data/review.yaml (force reviews at turns 6
# and 12) with real processes on loopback tcp; the adjudicator imposes FRA's
# intentions from written orders (reduce to 6,000 at turn 6, leave at 12),
# every other role plays its built-in bot. Checks: every process exits 0;
# 14 turn lines, "review" at turns 6 and 12; the log holds each review's
# two phases (PHASE_INTENT: one intention per contingent; PHASE_REPLAN: the
# command's requirement), the events of FRA's intentions and POL's (its
# bot leaves: cohesion 30 is below no_rotation_below), and FRA's lowered
# ceiling (max_troops 6000) in the phase starts after it; FRA is marked
# leaving on the turn lines from turn 12; wg-log view describes the
# intentions; the log verifies.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init force_review
LOG_TOOL="$WG_BIN/wg-log"
scenario="$WG_SOURCE_DIR/tests/data/review.yaml"

orders="$WG_TMP/fra.yaml"
cat >"$orders" <<'YAML'
- turn: 6
  intention: {reduce: 6000}
- turn: 12
  intention: leave
YAML
log="$WG_TMP/review.wglog"
wg_play review "$scenario" --log "$log" --lobby-timeout 20000 \
    --override "FRA=$orders"
out="$WG_RUN_DIR/adjudicator.out"
cat "$out"

wg_check_turn_lines "$out" 14
wg_check_turn_types "$out" deployment rotation incident incident incident \
    review deployment rotation incident incident incident review rotation incident
grep -E '^turn +1[234] ' "$out" | grep -Evq 'FRA +[0-9]+[-x]' &&
    fail "FRA is not marked leaving after the second review"

"$LOG_TOOL" dump "$log" >"$WG_TMP/dump" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump failed: $(head -2 "$WG_TMP/dump.err")"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$scenario" --list-nations | wc -l)
for turn in 6 12; do
    t="\"turn\":$turn,"
    grep "$t" "$WG_TMP/dump" | grep -q '"phase":"PHASE_INTENT".*"turn_start"' ||
        fail "turn $turn: no PHASE_INTENT start"
    grep "$t" "$WG_TMP/dump" | grep -q '"phase":"PHASE_REPLAN".*"turn_start"' ||
        fail "turn $turn: no PHASE_REPLAN start"
    n=$(grep "$t" "$WG_TMP/dump" | grep -c '"intention":{')
    # Withdrawn nations owe nothing; POL is leaving by turn 12 but still
    # owes its intention.
    [ "$n" -ge $((nations - 1)) ] && [ "$n" -le "$nations" ] ||
        fail "turn $turn: $n intentions, wanted one per active contingent"
    grep "$t" "$WG_TMP/dump" | grep '"phase":"PHASE_REPLAN"' |
        grep -q '"sender_role":"ROLE_COMMAND".*"requirement":{' ||
        fail "turn $turn: no re-plan from the command"
done
grep '"turn":6,' "$WG_TMP/dump" | grep '"sender_nation":"FRA"' |
    grep '"intention":{' | grep -q '"source":"ORDER_SOURCE_ADJUDICATOR"' ||
    fail "FRA's turn-6 intention is not the adjudicator's override"
grep -q 'FRA lowers its ceiling to 6000 (review)' "$WG_TMP/dump" ||
    fail "no event of FRA's reduction"
grep -q 'FRA will leave as its tours end (review)' "$WG_TMP/dump" ||
    fail "no event of FRA's leaving"
grep -q 'POL will leave as its tours end (review)' "$WG_TMP/dump" ||
    fail "no event of POL's leaving (its bot, cohesion 30)"
grep '"turn":7,' "$WG_TMP/dump" | grep '"turn_start"' |
    grep -q '"code":"FRA"[^}]*"max_troops":6000' ||
    fail "turn 7's phase start does not show FRA's ceiling of 6000"

"$LOG_TOOL" view "$log" --as adjudicator --turn 6 >"$WG_TMP/view" 2>&1 ||
    fail "wg-log view failed"
grep -q 'intention *by FRA intention reduce, ceiling 6000' "$WG_TMP/view" ||
    fail "wg-log view does not describe FRA's intention: $(grep intention "$WG_TMP/view" | head -2)"
grep -q 'PHASE_REPLAN (the command re-plans' "$WG_TMP/view" ||
    fail "wg-log view does not say what PHASE_REPLAN asks"

"$LOG_TOOL" verify "$log" >"$WG_TMP/verify" 2>&1 ||
    fail "the log does not verify: $(tail -2 "$WG_TMP/verify")"
grep -q '^identical' "$WG_TMP/verify" || fail "wg-log verify does not say identical"
wg_done
