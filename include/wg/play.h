/*
 * wg/play.h - one bot answering one phase: from a TurnStart to an order.
 *
 * The one conversion between the bus's TurnStart and a bot's C view, and
 * between the bot's orders and the order envelope. The worker runtime, the
 * adjudicator's fallback for a silent role, and `wg-log fork` all play bots
 * through it, so a bot decides alike wherever it runs.
 */
#ifndef WG_PLAY_H
#define WG_PLAY_H

#include <stddef.h>
#include <stdint.h>

#include "wg.pb-c.h"
#include "wg/bot.h"
#include "wg/scenario.h"

/*
 * Asks bot for the orders of `key`'s role (0: command, 1 + i: nation i) in
 * the phase that turn_start opens. On success returns 0 and a packed order
 * envelope in *out (malloc'd, *len bytes), with provenance source `source`
 * (wgpb OrderSource), agent = the bot's name and `reason` (may be NULL).
 * Returns 1 when the bot stays silent or the phase does not expect the
 * role, WG_EBOT when the bot reports a failure (decide() < 0), or another
 * negative code when turn_start cannot be read (WG_EMALFORMED also for a
 * phase the table of wg/phases.h does not know, or that asks nothing of a
 * role it expects). The payload is the one the table names for the role.
 */
int wg_play_phase(const wg_bot_t *bot, const wg_scenario_t *sc,
                  const Wgpb__V1__Envelope *turn_start, int key, int source,
                  const char *reason, uint8_t **out, size_t *len);

#endif
