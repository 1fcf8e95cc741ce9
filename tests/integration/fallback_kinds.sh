#!/usr/bin/env bash
# fallback_kinds.sh - what the `hold` and `repeat` fallbacks play, for the
# right nation. tests/data/fallbacks.yaml (short.yaml with GBR and ITA on
# `repeat`, DEU and ESP on `hold`, the rest on `bot`) plays with:
#   DEU (hold) and ITA (repeat) absent: "not joined" at turn 1's deadline,
#     then "absent" (their fallback plays at once); ITA has no orders of
#     its own, so its repeat fallback holds;
#   GBR (repeat) played by wg-probe --mode play: a pledge of 2500 troops in
#     E2, E3, S1 at turn 1, rotation orders preparing 2 units at turn 2,
#     then silent: "deadline missed" at turn 3, then "absent";
#   ESP (hold) played by wg-probe: a pledge of 2000 in E1, S1, rotation
#     orders preparing 1, then a leaving Forfeit at turn 3: "disconnected"
#     from turn 3;
#   FRA, POL, TUR and NLD played by wg-contingent: no default orders.
# Checks, from the log (wg-log dump, by tests/tools/wg_fallback_check.py):
# every phase that expects one of the four gets exactly one order recorded
# as from that nation, with source DEFAULT, the agent of its fallback and
# its reason; hold pledges nothing, holds (ROE_HOLD) exactly the phase's
# incidents naming that nation, relieves only its own due units; repeat
# pledges GBR's own 2500 in E2, E3, S1 again at turn 7 and prepares its own
# 2 units at turns 8 and 13, and holds in incident turns; no one else gets
# default orders; each TurnResult's defaulted lists exactly the roles with
# default orders; the "fallback plays" events. Also: ESP's Forfeit is
# recorded; hold prepares nothing here (no rotation turn of the plan is a
# 13-week preparation away after turn 2); the exercise completes and
# verifies.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init fallback_kinds
probe="$WG_BUILD_DIR/tests/wg-probe"
[ -x "$probe" ] || wg_abort "no $probe"
PY=$(wg_python) || wg_abort "no python3"
scenario="$WG_SOURCE_DIR/tests/data/fallbacks.yaml"

log="$WG_TMP/kinds.wglog"
wg_start_exercise run "$scenario" --skip DEU --skip ITA --skip GBR --skip ESP \
    --lobby-timeout 3000 --log "$log"
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --mode play --nation GBR \
    --until-turn 2 --pledge 2500 --sectors E2,E3,S1 --prepare 2 --then silent \
    --timeout-ms 60000 >"$WG_RUN_DIR/probe-GBR.out" 2>"$WG_RUN_DIR/probe-GBR.err" &
gbr=$!
WG_PIDS+=("$gbr")
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --mode play --nation ESP \
    --until-turn 2 --pledge 2000 --sectors E1,S1 --prepare 1 --then leave \
    --timeout-ms 60000 >"$WG_RUN_DIR/probe-ESP.out" 2>"$WG_RUN_DIR/probe-ESP.err" &
esp=$!
WG_PIDS+=("$esp")

wg_wait "$WG_ADJ_PID" 70
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
for p in GBR:$gbr ESP:$esp; do
    wg_wait "${p#*:}" 10
    [ "$WG_RC" -eq 0 ] || fail "wg-probe for ${p%%:*} exited $WG_RC, wanted 0"
    grep -v '^probe: received TurnResult' "$WG_RUN_DIR/probe-${p%%:*}.out"
done
wg_wait_workers 5
out="$WG_RUN_DIR/adjudicator.out"
wg_check_turn_lines "$out" 14

dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump exited $?"
"$PY" "$WG_SOURCE_DIR/tests/tools/wg_fallback_check.py" kinds "$dump" --expect \
    "GBR=repeat:3:deadline missed/absent" "ESP=hold:3:disconnected" \
    "DEU=hold:1:not joined/absent" "ITA=repeat:1:not joined/absent" ||
    fail "the default orders are not what the fallbacks play (above)"

# GBR's own orders are what the probe sent, so what repeat must repeat is
# known: the pledge at turn 7, the preparation at turns 8 and 13.
gbr_default() {
    grep '"sender_nation":"GBR"' "$dump" | grep "\"turn\":$1," |
        grep '"source":"ORDER_SOURCE_DEFAULT"'
}
gbr_default 7 | grep -q '"pledge":{"nation":"GBR","troops":2500,"sectors":\["E2","E3","S1"\]}' ||
    fail "turn 7: GBR's repeated pledge is not 2500 in E2, E3, S1: $(gbr_default 7 | cut -c1-300)"
for t in 8 13; do
    gbr_default $t | grep -q '"rotation":{"prepare":2}' ||
        fail "turn $t: GBR's repeated rotation orders do not prepare 2: $(gbr_default $t | cut -c1-300)"
done
# ESP's hold at the rotations: nothing relieved (none due) or prepared.
for t in 8 13; do
    grep '"sender_nation":"ESP"' "$dump" | grep "\"turn\":$t," |
        grep -q '"source":"ORDER_SOURCE_DEFAULT".*"rotation":{}' ||
        fail "turn $t: ESP's hold rotation orders are not empty"
done
# ESP left with a Forfeit, recorded as its input.
forfeits=$(grep '"sender_nation":"ESP"' "$dump" | grep -c '"forfeit":{"reason":"disconnected","leaving":true}')
[ "$forfeits" -eq 1 ] || fail "$forfeits leaving Forfeits from ESP in the log, wanted 1"

timeout 60 "$WG_BIN/wg-log" verify "$log" >"$WG_TMP/verify" 2>"$WG_TMP/verify.err"
st=$?
tail -n 1 "$WG_TMP/verify"
[ $st -eq 0 ] || fail "wg-log verify exited $st: $(tail -2 "$WG_TMP/verify" "$WG_TMP/verify.err")"
wg_done
