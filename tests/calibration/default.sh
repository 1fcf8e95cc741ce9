#!/usr/bin/env bash
# calibration.default: 20 seeds of configs/scenarios/default.yaml, played
# headless by wg-calibrate (scripts/calibrate); every figure is printed, and
# the test fails when a figure below leaves its band (issue 17's acceptance;
# the bands: `wg-calibrate --bands`, workers/tools/calibrate_figures.c).
#
# The table of asserted bands: the model meets these now. As the model
# improves, move a figure from "not yet" up into ASSERTED.
ASSERTED=(
    peak_theatre   # median 37,500 in 36,000-44,000
    kia_hot        # median 11.9 killed per 1,000 troop-years, >= 3
    withdrawals    # a nation leaves in 20 of 20 seeds (>= 1 in 10)
    gaps_willing   # no unit left unrelieved by a nation willing to relieve
                   # it (0 in every seed; 4.2 a year before the contingent
                   # bot matched reliefs in time)
)
# Not asserted yet: the model misses them (20 seeds, ROE bot, at landing):
#   peak_committed     87,750 < 90,000 (92,500 over 100 seeds): the entry
#                      force has no preparation, nations leave before the
#                      rotation fills
#   ratio_week20       1.97 < 2: reliefs start only at the first rotation
#   ratio_steady       4.12 > 3: deployed collapses as nations leave while
#                      their units recover at home
#   kia_managed        1.22 > 1: per-sector events ignore how many are there
#   violations_km_day  0.198 > 0.100: rates times threat are ~2.5x the SMM
#   recommits          8.4 > 5 a year: the command recommits every hot week
#   end_share          3 of 20 seeds hold half the peak at week 52 (needs 15)
#   bound_run          4 of 20 seeds stay <= 8 turns at a bound (needs all)
# Reported without a band: violations_day, hot_weeks, first_withdrawal_week,
# end_troops, gaps.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cal_run default.yaml
cal_check_can_fail default.yaml
cal_done
