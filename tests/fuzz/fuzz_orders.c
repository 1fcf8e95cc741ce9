/*
 * fuzz_orders.c - written orders (common/orders.c: what `wg-log fork
 * --orders` and `wg-adjudicator --override` load) on any bytes.
 *
 * The input is an orders file, written to a scratch directory and loaded
 * against tests/data/short.yaml. A file that loads is then played: the
 * same written orders stand for the command and for FRA (each plays the
 * entries of its own kind) in an exercise in process, through every
 * phase of the scenario, so that whatever the loader let in meets the
 * adjudicator's checks and the rules. A refusal must say what.
 */
#include "fuzz.h"

#include "wg/orders.h"

#include <string.h>

/* Phases played at most: short.yaml's 14 turns take fewer. */
#define MAX_PHASES 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text;
    size_t len;
    const wg_scenario_t *sc = fz_scenario(&text, &len);
    char path[1024];
    fz_write("orders.yaml", data, size, path);
    wg_config_error_t err;
    memset(&err, 0, sizeof err);
    wg_bot_t *bot = wg_orders_bot_load(path, sc, &err);
    if (bot == NULL) {
        if (err.message[0] == '\0')
            fz_finding("orders refused without a message");
        return 0;
    }
    const wg_bot_t *bots[WG_MAX_NATIONS + 1] = {bot, bot};
    fz_exercise_t x;
    fz_exercise_open(&x, sc, text, len);
    for (int i = 0; i < MAX_PHASES && !wg_adjudicator_done(x.u); i++)
        fz_play_phase(&x, bots);
    if (!wg_adjudicator_done(x.u))
        fz_finding("the exercise did not end in %d phases", MAX_PHASES);
    fz_exercise_close(&x);
    wg_orders_bot_free(&bot);
    return 0;
}
