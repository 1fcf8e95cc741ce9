#!/usr/bin/env bash
# default_acceptance.sh - issue 2's acceptance figures, from real runs:
#   configs/scenarios/default.yaml (deterrence, 76 turns): peak troops in
#   theatre within 10% of 40,000 and peak committed force within 10% of
#   100,000 (the seed's figures); Poland deploys no ground troops; France
#   never more than its 10,000 (brief §8) and Spain none before the event
#   that opens its gate (turn 29); every turn line names the regime and
#   prints violations a day, drone and jamming events and the events on
#   the force (issue 17).
#   configs/scenarios/un-peacekeeping.yaml: a smaller peak in theatre than
#   the default, and Italy puts troops in theatre on some turn.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init default_acceptance
scenarios="$WG_SOURCE_DIR/configs/scenarios"

# within VALUE TARGET: VALUE is within 10% of TARGET.
within() {
    [ -n "$1" ] && [ $(($1 * 10)) -ge $(($2 * 9)) ] &&
        [ $(($1 * 10)) -le $(($2 * 11)) ]
}

wg_play default "$scenarios/default.yaml" --lobby-timeout 20000
out="$WG_TMP/default/adjudicator.out"
sed -n '/^summary:/,$p' "$out"
wg_check_turn_lines "$out" 76
wg_check_pol_zero "$out"
peak=$(wg_summary "$out" "peak troops in theatre")
committed=$(wg_summary "$out" "peak committed force")
within "$peak" 40000 ||
    fail "default: peak troops in theatre ${peak:-none}, wanted 36000-44000"
within "$committed" 100000 ||
    fail "default: peak committed force ${committed:-none}, wanted 90000-110000"
fra=$(wg_nation_column "$out" FRA | sort -n | tail -1)
[ -n "$fra" ] && [ "$fra" -le 10000 ] || fail "default: FRA up to ${fra:-none}, over its 10,000"
esp=$(sed -n 's/^turn \{1,3\}\([0-9]\{1,\}\) .* ESP \{1,\}\([0-9]\{1,\}\).*/\1 \2/p' "$out" |
    awk '$1 < 29 && $2 > 0' | head -1)
[ -z "$esp" ] || fail "default: ESP in theatre before its gate opens (turn, troops: $esp)"
bad=$(grep '^turn ' "$out" | grep -Ev '\| (managed|hot|spike) +viol/day +[0-9.]+ drone/jam +[0-9]+ on force +[0-9]+ \|' | head -1)
[ -z "$bad" ] || fail "default: a turn line without regime and counts: $bad"
# The summary's peak is the largest theatre figure of the turn lines.
max=$(sed -n 's/.*| theatre \{1,\}\([0-9]\{1,\}\) .*/\1/p' "$out" | sort -n | tail -1)
[ "$max" = "$peak" ] || fail "default: turn lines peak at $max, summary says $peak"

wg_play un "$scenarios/un-peacekeeping.yaml" --lobby-timeout 20000
un="$WG_TMP/un/adjudicator.out"
sed -n '/^summary:/,$p' "$un"
grep -q '^turn ' "$un" || fail "un: no turn lines"
grep -q '^summary: ' "$un" || fail "un: no summary"
un_peak=$(wg_summary "$un" "peak troops in theatre")
[ -n "$un_peak" ] && [ -n "$peak" ] && [ "$un_peak" -lt "$peak" ] ||
    fail "un: peak troops in theatre ${un_peak:-none}, not below the default's ${peak:-none}"
ita=$(wg_nation_column "$un" ITA | sort -n | tail -1)
[ -n "$ita" ] && [ "$ita" -gt 0 ] || fail "un: ITA deploys no troops on any turn"
echo "default: peak $peak, committed $committed; un: peak $un_peak, ITA up to ${ita:-0}"
wg_done
