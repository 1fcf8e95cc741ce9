/*
 * wg-command - the coalition force headquarters, played by the built-in bot.
 *
 * Endpoints: DEALER to the adjudicator's ROUTER (--router), SUB to its PUB
 * (--pub). Receives Welcome, TurnStart, TurnResult, Error, ExerciseEnd;
 * sends Join, ForceRequirement, Assignment, RotationOrders (moves) and
 * CommandDecision. Decisions are in command_bot.c.
 */
#include "command_bot.h"

#include "wg/diag.h"

#include <stdio.h>

static const char usage[] =
    "usage: wg-command [--router EP] [--pub EP] [--log-level LEVEL]\n"
    "  Plays the coalition command with the built-in bot. Defaults:\n"
    "  --router tcp://127.0.0.1:5555 --pub tcp://127.0.0.1:5556.\n";

int
main(int argc, char **argv)
{
    wg_worker_config_t cfg = {
        .role = WG_WORKER_COMMAND,
        .agent = WG_COMMAND_BOT_AGENT,
        .decide = command_bot_decide,
    };
    if (wg_worker_parse_args(argc, argv, &cfg, usage) != 0)
        return 2;
    wg_diag_set_role("command");
    int rc = wg_worker_run(&cfg);
    return rc < 0 ? 1 : rc;
}
