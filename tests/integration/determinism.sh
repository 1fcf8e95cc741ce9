#!/usr/bin/env bash
# determinism.sh - two runs of tests/data/short.yaml with the same --seed
# print byte-identical stdout (every turn line and the summary); a run
# with another seed prints a different incident sequence.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init determinism

wg_play a "$WG_SHORT" --seed 4242 --lobby-timeout 20000
wg_play b "$WG_SHORT" --seed 4242 --lobby-timeout 20000
wg_play c "$WG_SHORT" --seed 4243 --lobby-timeout 20000
a="$WG_TMP/a/adjudicator.out" b="$WG_TMP/b/adjudicator.out"
c="$WG_TMP/c/adjudicator.out"

for f in "$a" "$b" "$c"; do
    wg_check_turn_lines "$f" 14
done
if ! cmp -s "$a" "$b"; then
    fail "same seed, different output:"
    diff "$a" "$b" | head -20
fi
grep -q '^summary: .*, seed 4242, 14 turns$' "$a" || fail "run a: seed 4242 not in the summary"
grep -q '^summary: .*, seed 4243, 14 turns$' "$c" || fail "run c: seed 4243 not in the summary"

# The incident counts, turn by turn: violations a day and drone and
# jamming events.
incidents() {
    sed -n 's/.* viol\/day \{1,\}\([0-9.]\{1,\}\) drone\/jam \{1,\}\([0-9]\{1,\}\) .*/\1:\2/p' "$1" |
        tr '\n' ' '
}
ia=$(incidents "$a") ic=$(incidents "$c")
echo "seed 4242 incidents: $ia"
echo "seed 4243 incidents: $ic"
[ -n "$ia" ] || fail "no incident counts in $a"
[ "$ia" != "$ic" ] || fail "another seed gave the same incident sequence"
wg_done
