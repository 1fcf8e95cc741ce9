/*
 * scenario_defaults.c - the brief's calibration (§8): the values a scenario
 * gets for every table and key its file leaves out.
 *
 * Kept apart from the schema so that the numbers a modeller tunes sit in
 * one place, away from how the file is read. build() in scenario.c calls
 * wg__scenario_set_defaults() before reading anything; the shipped scenarios
 * spell every value out anyway, and their YAML comments say where each number
 * comes from. Per-entry defaults (a nation's risk tolerance, a regime's
 * factors) are set where each entry is read, in scenario_lists.c. No errors.
 */
#include "scenario_int.h"

#include <stdbool.h>

/* The three threat regimes: managed, hot and spike. */
static void
set_default_regimes(wg_scenario_t *sc)
{
    sc->n_regimes = 3;
    sc->regimes[0] = (wg_regime_t){.name = "managed",
                                   .multiplier = 1.0,
                                   .exposure_factor = 1.0,
                                   .direct_multiplier = 1.0};
    sc->regimes[1] = (wg_regime_t){.name = "hot",
                                   .multiplier = 25.0,
                                   .exposure_factor = 0.5,
                                   .direct_multiplier = 2.0,
                                   .escalation_push = 0.05};
    sc->regimes[2] = (wg_regime_t){.name = "spike",
                                   .multiplier = 40.0,
                                   .exposure_factor = 0.5,
                                   .min_turns = 1,
                                   .max_turns = 3,
                                   .direct_multiplier = 3.0,
                                   .escalation_push = 0.2};
}

/* The threat to troops, deterrence and escalation. */
static void
set_default_threat(wg_scenario_t *sc)
{
    sc->threat = (wg_threat_t){
        .exposure_line = 0.01,
        .exposure_rear = 0.0005,
        .p_hot_after_recommit = 0.3,
        .p_hot_from_managed = 0.02,
        .reference_density = 38,
        .density_cap = 1.2,
    };
    sc->deterrence = (wg_deterrence_t){
        .probe_factor = 1.5,
        .held_factor_robust = 0.5,
        .held_factor_restrictive = 0.7,
    };
    sc->escalation = (wg_escalation_t){
        .p_up_restrictive = 0.03,
        .p_up_robust = 0.10,
        .us_enabler_factor = 0.5,
        .reinforce_delta = -0.05,
        .p_down_quiet = 0.2,
        .max_level = 4,
        .reinforce_units = 2,
    };
}

/* The nations' cohesion and the host's stability. */
static void
set_default_morale(wg_scenario_t *sc)
{
    sc->cohesion = (wg_cohesion_t){
        .per_kia = 1.5,
        .bad_day_kia = 5,
        .bad_day_penalty = 10,
        .quiet_gain = 0.25,
        .cap_above_start = 10,
        .escalation_level = 3,
        .escalation_penalty = 3,
        .ally_withdraw_penalty = 5,
        .no_rotation_below = 35,
        .leave_at_tour_end_below = 25,
        .leave_now_below = 15,
    };
    sc->stability = (wg_stability_t){
        .start = 70,
        .quiet_gain = 1,
        .per_excess = 0.75,
        .escalation_loss = 1.5,
        .recommit_gain = 10,
        .baseline = 65,
        .reversion = 0.2,
        .gap_loss = 2,
        .p_break_at_zero = 0.5,
        .break_exponent = 4,
        .p_recommit = 0.6,
        .recommit_cooldown = 2,
        .fragile_turns = 4,
    };
}

/* What each rule of engagement does. */
static void
set_default_roe(wg_scenario_t *sc)
{
    sc->roe[WG_ROE_HOLD] = (wg_roe_effect_t){.casualty_factor = 1.0,
                                             .escalation_factor = 1.0,
                                             .coverage_factor = 1.0};
    sc->roe[WG_ROE_RETURN_FIRE] = (wg_roe_effect_t){.casualty_factor = 0.8,
                                                    .escalation_factor = 2.0,
                                                    .coverage_factor = 1.0};
    sc->roe[WG_ROE_DE_ESCALATE] = (wg_roe_effect_t){.casualty_factor = 1.2,
                                                    .escalation_factor = 0.5,
                                                    .coverage_factor = 0.9};
    sc->roe[WG_ROE_WITHDRAW] = (wg_roe_effect_t){.casualty_factor = 0.3,
                                                 .escalation_factor = 0.3,
                                                 .coverage_factor = 0.2};
}

void
wg__scenario_set_defaults(wg_scenario_t *sc)
{
    sc->seed = 20241219;
    sc->turn_weeks = 1;
    sc->deadline_ms = 2000;
    set_default_regimes(sc);
    set_default_threat(sc);
    set_default_morale(sc);
    set_default_roe(sc);
    sc->command = (wg_command_profile_t){
        .target_troops = 40000,
        .reserve_share = 0.1,
        .robust_roe = false,
        .recommit_escalation = 3,
    };
}
