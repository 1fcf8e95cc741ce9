/*
 * wg/orders.h - a bot that plays orders written in a YAML file: what
 * `wg-log fork --orders` and `wg-adjudicator --override` play.
 */
#ifndef WG_ORDERS_H
#define WG_ORDERS_H

#include "wg/bot.h"

/* Loads the orders file at path for one role and returns a bot that plays
 * them (free with wg_orders_bot_free). NULL with *err filled on a bad file. */
wg_bot_t *wg_orders_bot_load(const char *path, const wg_scenario_t *sc,
                             wg_config_error_t *err);
void wg_orders_bot_free(wg_bot_t **bot_p);

#endif
