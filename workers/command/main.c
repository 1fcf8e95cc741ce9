/*
 * wg-command - the coalition force headquarters, played by a bot or, with
 * --human, by its staff at the team console (workers/console/).
 *
 * Endpoints: DEALER to the adjudicator's ROUTER (--router), SUB to its PUB
 * (--pub). Receives Welcome, TurnStart, TurnResult, Error, ExerciseEnd;
 * sends Join, ForceRequirement, Assignment, RotationOrders (moves) and
 * CommandDecision. Decisions are the built-in bot's (common/bot_command.c)
 * or a plug-in's (--bot PATH.so).
 */
#include "console.h"
#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/worker.h"

#include <stdio.h>

static const char usage[] =
    "usage: wg-command [--router EP] [--pub EP] [--bot PATH.so] "
    "[--log-level LEVEL]\n"
    "       wg-command --exercise FILE [--key KEY] [options]\n"
    "       wg-command --human [--assist builtin|PATH.so] [--operator NAME] "
    "[options]\n"
    "  Plays the coalition command with the built-in bot or a plug-in.\n"
    "  Defaults: --router tcp://127.0.0.1:5555 --pub tcp://127.0.0.1:5556.\n"
    "  --exercise FILE: the endpoints and the adjudicator's key from an\n"
    "  exercise file; --key KEY: the command seat's secret certificate\n"
    "  (wg-keygen). Exits 3 if the adjudicator refuses the seat, 4 if it\n"
    "  stops the exercise without ending it (its log could not be written).\n"
    "  --human: the headquarters staff plays at this terminal (the team\n"
    "  console, docs/PLAYING.md); --assist builtin|PATH.so: a bot proposes\n"
    "  each phase's orders; --operator NAME: the name its orders carry.\n";

int
main(int argc, char **argv)
{
    wg_worker_config_t cfg = {.role = WG_WORKER_COMMAND};
    if (wg_worker_parse_args(argc, argv, &cfg, usage) != 0)
        return 2;
    if (cfg.human ? wg_console_attach(&cfg, wg_bot_builtin_command()) != 0
                  : wg_worker_use_bot(&cfg, wg_bot_builtin_command()) != 0)
        return 2;
    wg_diag_set_role("command");
    int rc = wg_worker_run(&cfg);
    wg_console_detach(&cfg);
    wg_keys_wipe(&cfg.keys);
    return rc < 0 ? 1 : rc;
}
