/*
 * wg-contingent - one national contingent, played by the built-in bot.
 *
 * Endpoints: DEALER to the adjudicator's ROUTER (--router), SUB to its PUB
 * (--pub). Receives Welcome, TurnStart, TurnResult, Error, ExerciseEnd;
 * sends Join, Pledge, RotationOrders and Response. The decisions are in
 * contingent_bot.c; the loop and the sockets are libwg's worker runtime.
 */
#include "contingent_bot.h"

#include "wg/diag.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: wg-contingent --nation XXX [--router EP] [--pub EP] "
    "[--log-level LEVEL]\n"
    "  Plays one national contingent (ISO 3166 alpha-3 code) with the\n"
    "  built-in bot. Defaults: --router tcp://127.0.0.1:5555\n"
    "  --pub tcp://127.0.0.1:5556.\n";

int
main(int argc, char **argv)
{
    wg_worker_config_t cfg = {
        .role = WG_WORKER_CONTINGENT,
        .agent = WG_CONTINGENT_BOT_AGENT,
        .decide = contingent_bot_decide,
    };
    if (wg_worker_parse_args(argc, argv, &cfg, usage) != 0)
        return 2;
    if (cfg.nation == NULL || strlen(cfg.nation) != 3) {
        fputs("wg-contingent: --nation takes an ISO 3166 alpha-3 code\n",
              stderr);
        fputs(usage, stderr);
        return 2;
    }
    char role[32];
    snprintf(role, sizeof role, "contingent/%s", cfg.nation);
    wg_diag_set_role(role);
    int rc = wg_worker_run(&cfg);
    return rc < 0 ? 1 : rc;
}
