/*
 * bot_int.h - the decisions of the built-in bots, one per kind of order,
 * which the phase table (common/phases.c) names and the built-in bots
 * (common/bot.c) dispatch to: common/bot_contingent.c for a nation's
 * orders, common/bot_command.c for the command's. Each fills the part of
 * out its kind of order asks for; deterministic, stateless, never fails.
 */
#ifndef WG_BOT_INT_H
#define WG_BOT_INT_H

#include "wg/bot.h"

/* A contingent's (bot_contingent.c). */
void wg__bot_pledge(const wg_scenario_t *sc, const wg_phase_view_t *v,
                    wg_orders_t *out);
void wg__bot_rotation(const wg_scenario_t *sc, const wg_phase_view_t *v,
                      wg_orders_t *out);
void wg__bot_response(const wg_scenario_t *sc, const wg_phase_view_t *v,
                      wg_orders_t *out);
void wg__bot_intention(const wg_scenario_t *sc, const wg_phase_view_t *v,
                       wg_orders_t *out);

/* The command's (bot_command.c). */
void wg__bot_requirement(const wg_scenario_t *sc, const wg_phase_view_t *v,
                         wg_orders_t *out);
void wg__bot_assignment(const wg_scenario_t *sc, const wg_phase_view_t *v,
                        wg_orders_t *out);
void wg__bot_moves(const wg_scenario_t *sc, const wg_phase_view_t *v,
                   wg_orders_t *out);
void wg__bot_decision(const wg_scenario_t *sc, const wg_phase_view_t *v,
                      wg_orders_t *out);
void wg__bot_replan(const wg_scenario_t *sc, const wg_phase_view_t *v,
                    wg_orders_t *out);

#endif
