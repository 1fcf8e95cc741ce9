#!/usr/bin/env bash
# flood.sh - a peer that floods the adjudicator costs it a bounded amount.
# tests/data/short.yaml plays twice with the same seed: once clean, once
# while wg-flood (tests/tools/wg_flood.c) sends garbage, Joins over the
# caps and over what the adjudicator reads, two-frame messages and orders
# from a peer that never joined, as fast as ZeroMQ takes them, from the
# lobby on. The flooded exercise completes with the clean one's turn
# lines; its log is at most 64 KiB longer than the clean one's and the
# adjudicator's stderr at most 64 KiB; the log holds Refusals records
# (each cause counted), at most one per peer and turn, wg-log verify
# re-adjudicates it byte for byte, and info and dump show the records.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init flood
flood="$WG_BUILD_DIR/tests/wg-flood"
[ -x "$flood" ] || wg_abort "no $flood"

clean="$WG_TMP/clean.wglog" flooded="$WG_TMP/flooded.wglog"
wg_play clean "$WG_SHORT" --seed 4242 --lobby-timeout 20000 --log "$clean"

# The flood starts in the lobby, before any role, with a burst of 1000
# messages the adjudicator reads at once, more than its rate bucket holds
# (200, and 50 a second), however slowly a loaded machine lets it read:
# the roles start once wg-flood saw the whole burst read (some of it
# unanswered: refused for rate), and join and play while the flood goes on
# (the exercise takes well under its 5 s). Without the burst, whether the
# flood outran the bucket was the machine's speed: a loaded ASan build read
# it slower than the bucket refills (8 tokens more at each phase start) and
# counted no rate refusal at all.
WG_RUN_DIR="$WG_TMP/flooded"
mkdir -p "$WG_RUN_DIR"
wg_pick_ports
wg_start_adjudicator "$WG_SHORT" --log-level info --seed 4242 \
    --lobby-timeout 20000 --log "$flooded"
wg_wait_for "$WG_RUN_DIR/adjudicator.err" "ROUTER $WG_ROUTER" 10
"$flood" --router "$WG_ROUTER" --seconds 5 --burst 1000 \
    >"$WG_RUN_DIR/flood.out" 2>"$WG_RUN_DIR/flood.err" &
flood_pid=$!
WG_PIDS+=("$flood_pid")
wg_wait_for "$WG_RUN_DIR/flood.out" "^wg-flood: burst of 1000 read" 60
burst_rate=$(sed -n 's/^wg-flood: burst .*, \([0-9]*\) refused for rate$/\1/p' \
    "$WG_RUN_DIR/flood.out")
[ "${burst_rate:-0}" -gt 0 ] ||
    fail "the adjudicator answered all of a burst of 1000: $(cat "$WG_RUN_DIR/flood.out")"
wg_start_command
for n in $("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations); do
    wg_start_contingent "$n"
done
wg_wait "$WG_ADJ_PID" 60
[ "$WG_RC" -eq 0 ] || fail "the flooded adjudicator exited $WG_RC"
wg_wait_workers 10
wg_wait "$flood_pid" 20
cat "$WG_RUN_DIR/flood.out"

a="$WG_TMP/clean/adjudicator.out" b="$WG_RUN_DIR/adjudicator.out"
wg_check_turn_lines "$b" 14
# The same results: every turn line and the summary's first line (the
# summary also counts the rejected messages, which differ).
if ! cmp -s <(grep -v 'rejected messages' "$a") <(grep -v 'rejected messages' "$b"); then
    fail "the flooded exercise's results differ from the clean one's:"
    diff <(grep -v 'rejected messages' "$a") <(grep -v 'rejected messages' "$b") | head
fi

size() { stat -c %s "$1"; }
extra=$(($(size "$flooded") - $(size "$clean")))
errsize=$(size "$WG_RUN_DIR/adjudicator.err")
echo "log: clean $(size "$clean") bytes, flooded $(size "$flooded") (+$extra);" \
    "adjudicator stderr $errsize bytes"
[ "$extra" -le 65536 ] || fail "the flood grew the log by $extra bytes"
[ "$errsize" -le 65536 ] || fail "the flood wrote $errsize bytes to stderr"

dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$flooded" >"$dump" || fail "wg-log dump failed"
nref=$(grep -c '"refusals":{' "$dump")
echo "Refusals records: $nref"
[ "$nref" -ge 1 ] || fail "no Refusals record in the flooded log"
for cause in ERROR_MALFORMED ERROR_UNAUTHORISED frames oversize rate; do
    grep '"refusals":{' "$dump" | grep -q "\"cause\":\"$cause\"" ||
        fail "no Refusals record counts '$cause'"
done
# At most one per peer and turn.
dups=$(grep '"refusals":{' "$dump" | sed 's/.*"turn":\([0-9]*\).*"peer":"\([^"]*\)".*/\1 \2/' |
    sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups (turn, peer) pairs with more than one Refusals record"
"$WG_BIN/wg-log" info "$flooded" | grep -q 'refusals=' ||
    fail "wg-log info does not count the Refusals records"
"$WG_BIN/wg-log" verify "$flooded" >"$WG_TMP/verify.out" 2>&1 ||
    fail "wg-log verify failed: $(tail -2 "$WG_TMP/verify.out")"
grep -q '^identical' "$WG_TMP/verify.out" || fail "verify: $(cat "$WG_TMP/verify.out")"
grep -q 'refusals by cause: ' "$WG_RUN_DIR/adjudicator.err" ||
    fail "the adjudicator did not report its refusals by cause"
wg_done
