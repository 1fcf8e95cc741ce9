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

#include "wg.pb-c.h"
#include "wg/bot.h"
#include "wg/bus.h"
#include "wg/keys.h"
#include "wg/options.h"
#include "wg/scenario.h"
#include "wg/state.h"

typedef struct wg_worker wg_worker_t;

/*
 * A seat played by a team at a console (`--human`, workers/console/):
 * instead of asking a bot at each phase start, the runtime hands the
 * console what the adjudicator sends, and the console sends the team's
 * orders when the team has confirmed them (wg_worker_send). All hooks run
 * on the loop's thread; envelopes are borrowed for the call.
 */
typedef struct {
    /* The loop runs and the bus is up: open the console's handles.
     * < 0: the worker stops (exit 2). */
    int (*start)(wg_worker_t *w, uv_loop_t *loop, void *arg);
    /* A message from the adjudicator, after the runtime took it: Welcome
     * (wg_worker_scenario() is its scenario), TurnStart, TurnResult,
     * Error or ExerciseEnd. owed: a phase start this role must answer
     * (what a bot would have been asked), at most once per phase. */
    void (*message)(wg_worker_t *w, const Wgpb__V1__Envelope *env, bool owed,
                    void *arg);
    /* The adjudicator silent for WG_WORKER_SILENT_MS (up false), or heard
     * again (up true). */
    void (*link)(wg_worker_t *w, bool up, void *arg);
    /* SIGINT or SIGHUP: the console asks the team, and calls
     * wg_worker_leave() if it is to leave. */
    void (*interrupt)(wg_worker_t *w, int signum, void *arg);
    /* The runtime closes (the exercise is over, SIGTERM, a leave): close
     * the console's handles. exit_code is wg_worker_run()'s. */
    void (*stop)(wg_worker_t *w, int exit_code, void *arg);
} wg_worker_console_t;

/* How long the adjudicator may be silent (it sends a Beacon every 100 ms)
 * before a console shows the link as lost. */
#define WG_WORKER_SILENT_MS 3000

/* Roles as numbered in proto/wg.proto (Role). */
#define WG_WORKER_COMMAND 2
#define WG_WORKER_CONTINGENT 3
#define WG_WORKER_DIRECTOR 5 /* wg-director: wg_worker_take_seat only */

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
    /* --human, --assist builtin|PATH.so, --operator NAME: a team at a
     * console (wg_worker_parse_args sets these; the main attaches the
     * console, which sets console and console_arg). */
    bool human;
    const char *assist;
    const char *operator_name;
    const wg_worker_console_t *console;
    void *console_arg;
} wg_worker_config_t;

/* Runs the worker to the end of the exercise. Returns 0 when the exercise
 * ended, 1 on a signal, WG_WORKER_NO_ROLE when the adjudicator's scenario
 * has no such role (its Join answered ERROR_UNKNOWN_ROLE), WG_WORKER_REFUSED
 * when the adjudicator refused the seat (its Join answered
 * ERROR_UNAUTHORISED WG_WORKER_REFUSALS times in a row: another connection
 * holds the seat, or took it over), WG_WORKER_STOPPED when the adjudicator
 * stopped the exercise without ending it (its log could not be written: an
 * ExerciseEnd with no seq), or a negative code on failure. */
#define WG_WORKER_NO_ROLE 2
#define WG_WORKER_REFUSED 3
#define WG_WORKER_STOPPED 4
#define WG_WORKER_REFUSALS 3
int wg_worker_run(const wg_worker_config_t *cfg);

/* Sets cfg's decide/arg/agent from cfg->bot_path (a plug-in) or the given
 * built-in bot. Returns 0, or 2 after saying why the plug-in won't load. */
int wg_worker_use_bot(wg_worker_config_t *cfg, const wg_bot_t *builtin);

/* For a console (wg_worker_console_t), on the loop's thread: */
/* The scenario of the last Welcome, or NULL before the first. */
const wg_scenario_t *wg_worker_scenario(const wg_worker_t *w);
/* The role's key: 0 for the command, 1 + nation index for a contingent
 * (-1 before the first Welcome). */
int wg_worker_role_key(const wg_worker_t *w);
/* Sends an order envelope (packed, as wg_play_phase makes it) on the
 * DEALER. Returns 0, WG_ESTATE when the role is not joined now (say
 * "reconnecting"), or the bus's error. */
int wg_worker_send(wg_worker_t *w, const uint8_t *buf, size_t len);
/* Joins again now (after a missed deadline, or once the link is back).
 * The phases that started before the Join was taken were its fallback's
 * while it was away: from then on they are not handed to the console
 * (the Welcome names the phase current then; if the role still owes it,
 * the adjudicator sends it again after the Welcome). */
void wg_worker_rejoin(wg_worker_t *w);
/* Leaves the exercise: a leaving Forfeit (the role's fallback plays from
 * now on), then the runtime closes and wg_worker_run() returns 0. */
void wg_worker_leave(wg_worker_t *w);

/*
 * A client's link to the adjudicator (common/worker_link.c), shared by the
 * player worker's runtime and wg-director: the bus, the Join, and the
 * first step of taking each message in. On the loop's thread.
 */
typedef struct wg_worker_link wg_worker_link_t;

/* A message from the adjudicator's side (env: the callback's, to free with
 * wg_wire_free), after the link took its step: bytes that are not an
 * envelope were said and dropped; at the first broadcast (the SUB is
 * live, so no broadcast is missed from now on) the link joined; restarted:
 * a Beacon of another adjudicator instance (said on stderr), which knows
 * this client no more: the link joined again, and the client forgets what
 * the old one told it. */
typedef void (*wg_worker_link_cb)(wg_worker_link_t *l, Wgpb__V1__Envelope *env,
                                  int broadcast, bool restarted, void *arg);

struct wg_worker_link {
    wg_bus_t *bus;
    int role;            /* WG_WORKER_* */
    const char *nation;  /* a contingent's ISO code; else NULL */
    const char *agent;   /* what the Join says plays the role */
    bool heard;          /* the SUB has heard a broadcast */
    bool closing;        /* wg_worker_link_close: nothing more is taken */
    uint64_t instance;   /* the adjudicator's, from its Beacons (0: none) */
    unsigned joins_sent; /* the client may reset it */
    wg_worker_link_cb cb;
    void *arg;
};

/* Opens l->bus to cfg's endpoints, a CURVE client with the seat's keys
 * when cfg->curve; cb gets every message. Returns 0 or the bus's error
 * (the caller says it). */
int wg_worker_link_open(wg_worker_link_t *l, uv_loop_t *loop,
                        const wg_worker_config_t *cfg, wg_worker_link_cb cb,
                        void *arg);
/* Closes the bus (wg_bus_close); wg_bus_destroy(&l->bus) after the loop
 * has run the close. */
void wg_worker_link_close(wg_worker_link_t *l);
/* Sends a Join as l's role. Returns 0 or a negative code. */
int wg_worker_link_join(wg_worker_link_t *l);

/* Where a worker connects without --router, --pub or --exercise. */
#define WG_WORKER_ROUTER "tcp://127.0.0.1:5555"
#define WG_WORKER_PUB "tcp://127.0.0.1:5556"

/* Parses a player's options: the shared --router, --pub, --exercise, --key
 * and --log-level (wg/options.h) and its own --nation, --bot, --human,
 * --assist and --operator; shared by the worker mains. With --exercise the
 * endpoints are the exercise's (--router/--pub override them) and, if it
 * has keys, --key must be the secret certificate of the worker's seat (a
 * contingent's --nation may then be left out: the key says it). --help
 * prints usage and exits 0. Returns 0, or 2 after printing usage or what is
 * wrong. */
int wg_worker_parse_args(int argc, char **argv, wg_worker_config_t *cfg,
                         const char *usage);

/* The seat part of wg_worker_parse_args (common/worker_seat.c), for any
 * client of the adjudicator (wg-director too): the endpoints given, else
 * the exercise's, else WG_WORKER_ROUTER/PUB; with an exercise that has
 * keys, the seat's key pair and the adjudicator's key. Returns 0, or 2
 * after saying what is wrong. */
int wg_worker_take_seat(wg_worker_config_t *cfg, const wg_bus_options_t *given);

#endif
