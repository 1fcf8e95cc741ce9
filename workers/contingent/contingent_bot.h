/*
 * contingent_bot.h - the built-in bot of a national contingent.
 */
#ifndef WG_CONTINGENT_BOT_H
#define WG_CONTINGENT_BOT_H

#include "wg/worker.h"

#define WG_CONTINGENT_BOT_AGENT "wg-contingent-bot/1"

int contingent_bot_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
                          wg_orders_t *out, void *arg);

#endif
