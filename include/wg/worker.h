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
#include "wg/keys.h"
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
    /* --exercise FILE and --key KEY (wg_worker_parse_args): the endpoints
     * and the adjudicator's public key come from the exercise file, and
     * with keys the worker is a CURVE client with the seat's key pair. */
    const char *exercise_path;
    const char *key_path;
    bool curve;
    wg_keypair_t keys;
    uint8_t server_key[WG_KEY_LEN];
    char router_buf[256], pub_buf[256], nation_buf[8];
} wg_worker_config_t;

/* Runs the worker to the end of the exercise. Returns 0 when the exercise
 * ended, 1 on a signal, WG_WORKER_NO_ROLE when the adjudicator's scenario
 * has no such role (its Join answered ERROR_UNKNOWN_ROLE), WG_WORKER_REFUSED
 * when the adjudicator refused the seat (its Join answered
 * ERROR_UNAUTHORISED WG_WORKER_REFUSALS times in a row: another connection
 * holds the seat, or took it over), or a negative code on failure. */
#define WG_WORKER_NO_ROLE 2
#define WG_WORKER_REFUSED 3
#define WG_WORKER_REFUSALS 3
int wg_worker_run(const wg_worker_config_t *cfg);

/* Sets cfg's decide/arg/agent from cfg->bot_path (a plug-in) or the given
 * built-in bot. Returns 0, or 2 after saying why the plug-in won't load. */
int wg_worker_use_bot(wg_worker_config_t *cfg, const wg_bot_t *builtin);

/* Parses the common options --router, --pub, --nation, --bot, --log-level,
 * --exercise and --key; shared by the worker mains. With --exercise the
 * endpoints are the exercise's (--router/--pub override them) and, if it
 * has keys, --key must be the secret certificate of the worker's seat
 * (a contingent's --nation may then be left out: the key says it). Returns
 * 0, or 2 after printing usage or what is wrong. */
int wg_worker_parse_args(int argc, char **argv, wg_worker_config_t *cfg,
                         const char *usage);

/* The --exercise/--key part of wg_worker_parse_args (common/worker_seat.c):
 * router_set/pub_set say whether --router/--pub were given. Returns 0, or
 * 2 after saying what is wrong. */
int wg_worker_take_seat(wg_worker_config_t *cfg, bool router_set, bool pub_set);

#endif
