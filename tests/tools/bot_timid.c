/*
 * bot_timid.c - a plug-in contingent bot for tests: a government that
 * offers nothing new, relieves nobody and withdraws from every contact.
 *
 * Built as a shared module (wg-bot-timid.so) and loaded with
 * `wg-contingent --bot` or `wg-log fork --bot`. Deterministic and
 * stateless, as every bot must be.
 */
#include "wg/bot.h"

const wg_bot_t *wg_bot_entry(void);

static int
timid_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
             wg_orders_t *out, void *arg)
{
    (void)sc;
    (void)arg;
    switch (v->phase) {
    case WG_PHASE_PLEDGE:
    case WG_PHASE_ROTATE:
        return 0; /* empty orders: nothing offered, nobody relieved */
    case WG_PHASE_RESPOND:
        for (uint32_t i = 0; i < v->incidents->n; i++)
            if (v->incidents->items[i].nation == v->nation)
                out->response.action[i] = WG_ROE_WITHDRAW;
        return 0;
    default:
        return 1;
    }
}

const wg_bot_t *
wg_bot_entry(void)
{
    static const wg_bot_t bot = {
        .abi_version = WG_BOT_ABI_VERSION,
        .name = "timid-test-bot/1",
        .decide = timid_decide,
    };
    return &bot;
}
