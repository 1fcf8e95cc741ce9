#!/usr/bin/env bash
# calibration.default: 20 seeds of configs/scenarios/default.yaml, played
# headless by wg-calibrate (scripts/calibrate); every figure is printed, and
# the test fails when a figure below leaves its band (issue 17's acceptance;
# the bands: `wg-calibrate --bands`, workers/tools/calibrate_figures.c).
#
# The table of asserted bands: the model meets these now. As the model
# improves, move a figure from "not yet" up into ASSERTED.
ASSERTED=(
    peak_theatre      # median 40,000 in 36,000-44,000 (force generation:
                      # entry forces, DEU at turn 7, TUR once the truce
                      # held, ESP by the event of turn 29)
    peak_committed    # median 107,750 in 90,000-110,000
    ratio_steady      # median 2.28 in 2-3
    kia_managed       # median 0.66 killed per 1,000 troop-years in 0.2-1
    kia_hot           # median 4.4, >= 3
    violations_km_day # median 0.087 per km-day in the SMM's 0.077-0.100
    recommits         # median 1.9 a year that took, in 1-5
    withdrawals       # a nation leaves in 10 of 20 seeds (>= 1 in 10)
    end_share         # 17 of 20 seeds hold half the peak at week 52 (>= 15)
    bound_run         # no seed at a stability bound (0 turns in every seed)
    gaps_willing      # no unit left unrelieved by a nation willing to relieve
                      # it (0 in every seed)
)
# Not asserted yet (20 seeds, ROE bot, rules version 2):
#   ratio_week20       1.94 < 2: the contingent bot prepares reliefs just in
#                      time, so few have rotated home by week 20
# Reported without a band: violations_day, hot_weeks, first_withdrawal_week,
# end_troops, gaps.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cal_run default.yaml
cal_check_can_fail default.yaml
cal_done
