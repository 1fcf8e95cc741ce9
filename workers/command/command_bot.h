/*
 * command_bot.h - the built-in bot of the coalition force headquarters.
 */
#ifndef WG_COMMAND_BOT_H
#define WG_COMMAND_BOT_H

#include "wg/worker.h"

#define WG_COMMAND_BOT_AGENT "wg-command-bot/1"

int command_bot_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
                       wg_orders_t *out, void *arg);

#endif
