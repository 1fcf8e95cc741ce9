#!/usr/bin/env bash
# override.sh - the adjudicator imposes written orders on a role
# (wg-adjudicator --override FRA=FILE). Checks: the exercise completes; the
# log holds FRA's turn-3 order with source ORDER_SOURCE_ADJUDICATOR and reason
# "adjudicator override", as the written orders say (withdraw); FRA's own order
# for that phase came after it and was refused; the log
# verifies; a bad override file is refused with file, line and column.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init override

orders="$WG_TMP/fra.yaml"
cat >"$orders" <<'YAML'
- turn: 3
  response: withdraw
YAML
log="$WG_TMP/exercise.wglog"
wg_play override "$WG_SHORT" --log "$log" --lobby-timeout 20000 \
    --override "FRA=$orders"
out="$WG_RUN_DIR/adjudicator.out"
wg_check_turn_lines "$out" 14

"$WG_BIN/wg-log" dump --turn 3 "$log" >"$WG_TMP/t3" 2>"$WG_TMP/t3.err" ||
    fail "dump --turn 3 failed"
imposed=$(grep '"sender_nation":"FRA"' "$WG_TMP/t3" |
    grep '"source":"ORDER_SOURCE_ADJUDICATOR"')
[ -n "$imposed" ] || fail "no adjudicator-imposed FRA order in turn 3"
echo "$imposed" | grep -q '"reason":"adjudicator override"' ||
    fail "the imposed order does not say it is an adjudicator override"
echo "$imposed" | grep -q '"action":"ROE_WITHDRAW"' ||
    fail "the imposed order is not the written one (withdraw)"
grep '"sender_nation":"FRA"' "$WG_TMP/t3" | grep -q '"ORDER_SOURCE_BOT"' &&
    fail "FRA's own turn-3 order was accepted besides the override"
# FRA's own order comes after the imposed one: refused as a duplicate, or
# as late if the other roles closed the phase first.
grep -Eq 'rejected \(ERROR_(DUPLICATE|WRONG_TURN)\)' "$WG_RUN_DIR/adjudicator.err" ||
    fail "FRA's own order for the overridden phase was not refused"
"$WG_BIN/wg-log" verify "$log" >"$WG_TMP/verify" 2>&1 ||
    fail "the log with an override does not verify: $(tail -2 "$WG_TMP/verify")"

printf -- '- turn: 3\n  response: surrender\n' >"$WG_TMP/bad.yaml"
"$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --override "FRA=$WG_TMP/bad.yaml" \
    >/dev/null 2>"$WG_TMP/bad.err"
st=$?
[ $st -eq 2 ] || fail "a bad override file exited $st, wanted 2"
grep -q 'bad.yaml:2:[0-9]*: response' "$WG_TMP/bad.err" ||
    fail "the bad override's error names no line and column: $(cat "$WG_TMP/bad.err")"
wg_done
