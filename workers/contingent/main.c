/*
 * wg-contingent - one national contingent, played by a bot or, with
 * --human, by a team at the team console (workers/console/).
 *
 * Endpoints: DEALER to the adjudicator's ROUTER (--router), SUB to its PUB
 * (--pub). Receives Welcome, TurnStart, TurnResult, Error, ExerciseEnd;
 * sends Join, Pledge, RotationOrders and Response. The decisions are the
 * built-in bot's (common/bot_contingent.c) or a plug-in's (--bot PATH.so);
 * the loop and the sockets are libwg's worker runtime.
 */
#include "console.h"
#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/worker.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: wg-contingent --nation XXX [--router EP] [--pub EP] "
    "[--bot PATH.so] [--log-level LEVEL]\n"
    "       wg-contingent --human [--assist builtin|PATH.so] "
    "[--operator NAME] [options]\n"
    "       wg-contingent --exercise FILE [--nation XXX] [--key KEY] "
    "[options]\n"
    "  Plays one national contingent (ISO 3166 alpha-3 code) with the\n"
    "  built-in bot, or with a plug-in bot (see docs/BOTS.md). Defaults:\n"
    "  --router tcp://127.0.0.1:5555 --pub tcp://127.0.0.1:5556.\n"
    "  --exercise FILE: the endpoints and the adjudicator's key from an\n"
    "  exercise file; --key KEY: the seat's secret certificate (wg-keygen),\n"
    "  which must be the nation's seat's (it says the nation if --nation\n"
    "  is left out). Exits 3 if the adjudicator refuses the seat, 4 if it\n"
    "  stops the exercise without ending it (its log could not be written).\n"
    "  --human: a team plays the nation at this terminal (the team\n"
    "  console, docs/PLAYING.md); --assist builtin|PATH.so: a bot proposes\n"
    "  each phase's orders, which the team accepts, edits or replaces;\n"
    "  --operator NAME: the name its orders carry (default: $USER).\n";

int
main(int argc, char **argv)
{
    wg_worker_config_t cfg = {.role = WG_WORKER_CONTINGENT};
    if (wg_worker_parse_args(argc, argv, &cfg, usage) != 0)
        return 2;
    if (cfg.nation == NULL || strlen(cfg.nation) != 3) {
        fputs("wg-contingent: --nation takes an ISO 3166 alpha-3 code\n",
              stderr);
        fputs(usage, stderr);
        return 2;
    }
    if (cfg.human ? wg_console_attach(&cfg, wg_bot_builtin_contingent()) != 0
                  : wg_worker_use_bot(&cfg, wg_bot_builtin_contingent()) != 0)
        return 2;
    char role[32];
    snprintf(role, sizeof role, "contingent/%s", cfg.nation);
    wg_diag_set_role(role);
    int rc = wg_worker_run(&cfg);
    wg_console_detach(&cfg);
    wg_keys_wipe(&cfg.keys);
    return rc < 0 ? 1 : rc;
}
