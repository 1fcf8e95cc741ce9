# tests/calibration/lib.sh - the shared part of the calibration tests,
# sourced by tests/calibration/<scenario>.sh after it has set ASSERTED (the
# figures whose bands the model meets and the test holds it to).
#
#   cal_run SCENARIO_FILE
#       plays 20 seeds of configs/scenarios/SCENARIO_FILE with wg-calibrate
#       and prints every figure; fails when a figure of ASSERTED leaves its
#       band (wg-calibrate --check, exit 1), or when two runs of the same
#       seeds differ (the bots and the rules are deterministic);
#   cal_check_can_fail SCENARIO_FILE
#       the check itself can fail: the same scenario with a command asking
#       for a tenth of its force must take peak_theatre out of its band.
#
# ctest sets WG_BUILD_DIR and WG_SOURCE_DIR. The bands are wg-calibrate's
# (workers/tools/calibrate_figures.c; `wg-calibrate --bands` lists them).

WG_BUILD_DIR=${WG_BUILD_DIR:?WG_BUILD_DIR not set}
WG_SOURCE_DIR=${WG_SOURCE_DIR:?WG_SOURCE_DIR not set}
CAL="$WG_BUILD_DIR/workers/wg-calibrate"
CAL_TMP=$(mktemp -d "${TMPDIR:-/tmp}/wg-calibration-XXXXXX")
trap 'rm -rf "$CAL_TMP"' EXIT
cal_failures=0

cal_fail() {
    echo "FAIL: $*"
    cal_failures=$((cal_failures + 1))
}

cal_run() {
    local scenario="$WG_SOURCE_DIR/configs/scenarios/$1" keys rc
    keys=$(IFS=,; echo "${ASSERTED[*]}")
    echo "asserted: $keys"
    "$CAL" --seeds 20 --check "$keys" "$scenario" && rc=0 || rc=$?
    [ "$rc" -eq 0 ] || cal_fail "a figure left its band (wg-calibrate exit $rc)"
    "$CAL" --seeds 20 --json "$scenario" >"$CAL_TMP/a.json" 2>/dev/null ||
        cal_fail "--json run"
    "$CAL" --seeds 20 --json "$scenario" >"$CAL_TMP/b.json" 2>/dev/null ||
        cal_fail "--json run"
    cmp -s "$CAL_TMP/a.json" "$CAL_TMP/b.json" ||
        cal_fail "two runs of the same 20 seeds differ"
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
        "$CAL_TMP/a.json" || cal_fail "--json is not JSON"
}

cal_check_can_fail() {
    local small="$CAL_TMP/small.yaml" rc
    sed 's/^\(  target_troops:\) *[0-9]*/\1 4000/' \
        "$WG_SOURCE_DIR/configs/scenarios/$1" >"$small"
    grep -q '^  target_troops: 4000' "$small" ||
        cal_fail "no command target_troops in $1 to shrink"
    "$CAL" --seeds 3 --check peak_theatre "$small" \
        >/dev/null 2>"$CAL_TMP/small.err" && rc=0 || rc=$?
    [ "$rc" -eq 1 ] || cal_fail "a force of 4,000: --check exit $rc, not 1"
    grep -q 'peak_theatre (bot): median .* outside 36000-44000' \
        "$CAL_TMP/small.err" || cal_fail "the failing figure is not named"
}

cal_done() {
    if [ "$cal_failures" -gt 0 ]; then
        echo "$cal_failures failure(s)"
        exit 1
    fi
    echo "ok"
}
