#!/usr/bin/env bash
# reproducible.sh - the same scenario, seed and orders give the same log
# bytes after the header, whatever order the roles' messages arrive in
# (docs/LOG-FORMAT.md, "The order of records"). tests/data/short.yaml,
# seed 4242, every role its built-in bot, each run its own processes:
#   run a starts the command, then the nations in the scenario's order;
#   run b starts the nations in the reverse order, 50 ms apart, then the
#     command: they join, and answer every phase, in other orders;
#   a and b: every byte after the header the same
#     (tests/tools/wg_log_compare.py), and both verify;
#   run c is a with one changed order: FRA's turn-3 response imposed by
#     --override (withdraw): a and c differ first in turn 3, and every
#     record of turns 1 and 2 is the same.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init reproducible
PY=$(wg_python) || wg_abort "no python3"
COMPARE="$WG_SOURCE_DIR/tests/tools/wg_log_compare.py"
OPTS=(--seed 4242 --lobby-timeout 20000)

wg_play a "$WG_SHORT" "${OPTS[@]}" --log "$WG_TMP/a.wglog"

# Run b: the workers in the reverse order, the command last.
WG_RUN_DIR="$WG_TMP/b"
mkdir -p "$WG_RUN_DIR" || wg_abort "mkdir $WG_RUN_DIR"
WG_WORKER_PIDS=()
WG_WORKER_NAMES=()
wg_bind wg_start_adjudicator "$WG_SHORT" --log-level info "${OPTS[@]}" \
    --log "$WG_TMP/b.wglog"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations) ||
    wg_abort "--list-nations failed"
for n in $(echo "$nations" | tac); do
    wg_start_contingent "$n"
    sleep 0.05
done
wg_start_command
wg_wait "$WG_ADJ_PID" 50
[ "$WG_RC" -eq 0 ] || fail "b: wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 5

cat >"$WG_TMP/fra.yaml" <<'YAML'
- turn: 3
  response: withdraw
YAML
wg_play c "$WG_SHORT" "${OPTS[@]}" --log "$WG_TMP/c.wglog" \
    --override "FRA=$WG_TMP/fra.yaml"

for r in a b c; do
    wg_expect_exit 0 "$WG_TMP/verify-$r" "$WG_BIN/wg-log" verify "$WG_TMP/$r.wglog"
done

"$PY" "$COMPARE" "$WG_TMP/a.wglog" "$WG_TMP/b.wglog" >"$WG_TMP/ab" 2>&1
st=$?
cat "$WG_TMP/ab"
[ $st -eq 0 ] || fail "runs a and b, workers started in other orders, wrote other bytes (exit $st)"
cmp -s <(head -c 8 "$WG_TMP/a.wglog") <(head -c 8 "$WG_TMP/b.wglog") ||
    fail "a and b do not even share the magic"

"$PY" "$COMPARE" "$WG_TMP/a.wglog" "$WG_TMP/c.wglog" >"$WG_TMP/ac" 2>&1
st=$?
cat "$WG_TMP/ac"
[ $st -eq 1 ] || fail "run c with FRA's turn-3 order changed compares $st with run a, wanted 1"
grep -q '^first difference: record [0-9]*, turn 3 ' "$WG_TMP/ac" ||
    fail "a and c do not differ first in turn 3"
grep -q '^turns before 3: identical$' "$WG_TMP/ac" ||
    fail "a and c differ before turn 3"
wg_done
