/*
 * orders_bot.h - a bot that plays written orders: `wg-log fork --orders`.
 */
#ifndef WG_ORDERS_BOT_H
#define WG_ORDERS_BOT_H

#include "wg/bot.h"

/* Loads the orders file at path for one role and returns a bot that plays
 * them (free with orders_bot_free). NULL with *err filled on a bad file. */
wg_bot_t *orders_bot_load(const char *path, const wg_scenario_t *sc,
                          wg_config_error_t *err);
void orders_bot_free(wg_bot_t **bot_p);

#endif
