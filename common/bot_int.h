/*
 * bot_int.h - the built-in bots' tables of decisions.
 *
 * Each built-in bot keeps its own table: for each kind of order its role
 * gives (by the kind's name in the phase table, wg/phases.h), the function
 * that decides it. common/bot.c looks the kind a phase asks for up in the
 * role's table; the phase table itself names no bot. Adding a kind of order
 * to a bot is a function and a row in its file: common/bot_contingent.c for
 * a nation's orders, common/bot_command.c for the command's. Each decision
 * fills the part of out its kind asks for; deterministic, stateless, never
 * fails.
 */
#ifndef WG_BOT_INT_H
#define WG_BOT_INT_H

#include "wg/bot.h"

typedef void (*wg__bot_decide_fn)(const wg_scenario_t *sc,
                                  const wg_phase_view_t *v, wg_orders_t *out);

/* One row: the kind of order (wg_order_kind_t.name) and its decision. */
typedef struct {
    const char *kind;
    wg__bot_decide_fn decide;
} wg__bot_decider_t;

/* The tables, each ended by a row whose kind is NULL. */
extern const wg__bot_decider_t wg__bot_contingent_deciders[];
extern const wg__bot_decider_t wg__bot_command_deciders[];

#endif
