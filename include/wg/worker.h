/*
 * wg/worker.h - the runtime every player worker (command, contingent) runs.
 *
 * It owns the loop's handles for a player: the bus client, SIGINT/SIGTERM
 * handlers and a join timer. It waits until its SUB socket hears the
 * adjudicator (any broadcast), joins, reads the scenario from the Welcome,
 * and then, for each phase start that expects this role, converts the
 * phase's material to C values, calls the role's decide callback, and sends
 * the orders back. It exits the loop on ExerciseEnd or a signal.
 *
 * The role's own file holds only decisions: it never touches a socket, the
 * loop or protobuf.
 */
#ifndef WG_WORKER_H
#define WG_WORKER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "wg/bot.h"
#include "wg/scenario.h"
#include "wg/state.h"

/* Roles as numbered in proto/wg.proto (Role). */
#define WG_WORKER_COMMAND 2
#define WG_WORKER_CONTINGENT 3

typedef struct {
    const char *router_endpoint;
    const char *pub_endpoint;
    int role;             /* WG_WORKER_COMMAND or _CONTINGENT */
    const char *nation;   /* contingent's ISO code */
    const char *agent;    /* bot name and version */
    const char *bot_path; /* --bot: a plug-in to load instead */
    wg_decide_cb decide;
    void *arg;
} wg_worker_config_t;

/* Runs the worker to the end of the exercise. Returns 0 when the exercise
 * ended, 1 on a signal, or a negative code on failure. */
int wg_worker_run(const wg_worker_config_t *cfg);

/* Sets cfg's decide/arg/agent from cfg->bot_path (a plug-in) or the given
 * built-in bot. Returns 0, or 2 after saying why the plug-in won't load. */
int wg_worker_use_bot(wg_worker_config_t *cfg, const wg_bot_t *builtin);

/* Parses the common options --router, --pub, --nation, --bot, --log-level;
 * shared by the worker mains. Returns 0, or 2 after printing usage. */
int wg_worker_parse_args(int argc, char **argv, wg_worker_config_t *cfg,
                         const char *usage);

#endif
