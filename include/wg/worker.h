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

#include "wg/scenario.h"
#include "wg/state.h"

/* Roles as numbered in proto/wg.proto (Role). */
#define WG_WORKER_COMMAND 2
#define WG_WORKER_CONTINGENT 3

typedef enum {
    WG_PHASE_REQUIREMENT = 2,
    WG_PHASE_PLEDGE = 3,
    WG_PHASE_ASSIGN = 4,
    WG_PHASE_ROTATE = 5,
    WG_PHASE_RESPOND = 6,
} wg_phase_t;

/* What a role sees when a phase asks for its orders. Pointers are borrowed
 * for the duration of the decide call. */
typedef struct {
    wg_phase_t phase;
    wg_turn_type_t type;
    uint32_t turn;
    int nation;                       /* own nation index, -1 for command */
    const wg_state_t *st;             /* the public picture (no generator) */
    const wg_requirement_t *req;      /* PLEDGE, ASSIGN */
    const wg_pledge_t *pledges;       /* ASSIGN: [WG_MAX_NATIONS] */
    const wg_incident_list_t *incidents; /* RESPOND */
    uint32_t weeks_to_rotation;       /* ROTATE */
} wg_phase_view_t;

/* The orders a role gives; the runtime sends the one the phase asks for. */
typedef struct {
    wg_requirement_t requirement;
    wg_pledge_t pledge;
    wg_assignment_t assignment;
    wg_rotation_t rotation;
    wg_response_t response;
    wg_decision_t decision;
    char rationale[256];              /* optional, recorded, never read */
} wg_orders_t;

/* Return 0 to send the orders, > 0 to stay silent this phase (the
 * adjudicator then applies the default orders at the deadline). */
typedef int (*wg_decide_cb)(const wg_scenario_t *sc, const wg_phase_view_t *v,
                            wg_orders_t *out, void *arg);

typedef struct {
    const char *router_endpoint;
    const char *pub_endpoint;
    int role;                         /* WG_WORKER_COMMAND or _CONTINGENT */
    const char *nation;               /* contingent's ISO code */
    const char *agent;                /* bot name and version */
    wg_decide_cb decide;
    void *arg;
} wg_worker_config_t;

/* Runs the worker to the end of the exercise. Returns 0 when the exercise
 * ended, 1 on a signal, or a negative code on failure. */
int wg_worker_run(const wg_worker_config_t *cfg);

/* Parses the common options --router, --pub, --nation, --log-level; shared
 * by the worker mains. Returns 0, or 2 after printing usage. */
int wg_worker_parse_args(int argc, char **argv, wg_worker_config_t *cfg,
                         const char *usage);

#endif
