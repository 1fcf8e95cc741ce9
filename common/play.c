/*
 * play.c - one bot answering one phase.
 *
 * Reads the TurnStart into C values (the public picture, the requirement,
 * the pledges, the incidents), calls the bot, and packs its orders into the
 * envelope the phase asks for. Owns nothing across calls; the big C values
 * are heap-allocated per call (a wg_state_t is ~50 KiB). Errors in the
 * TurnStart are returned, never asserted: it came over the bus.
 */
#include "wg/play.h"
#include "wg/error.h"
#include "wg/wire.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    wg_state_t st;
    wg_requirement_t req;
    wg_pledge_t pledges[WG_MAX_NATIONS];
    wg_incident_list_t inc;
    wg_orders_t orders;
} play_buf_t;

static bool
expects(const Wgpb__V1__TurnStart *ts, const char *name)
{
    for (size_t i = 0; i < ts->n_expected; i++)
        if (strcmp(ts->expected[i], name) == 0)
            return true;
    return false;
}

static int
read_phase(const wg_scenario_t *sc, const Wgpb__V1__TurnStart *ts,
           play_buf_t *b)
{
    char why[160];
    if (wg_wire_read_situation(sc, ts->situation, &b->st) != 0)
        return WG_EMALFORMED;
    if (ts->requirement != NULL &&
        wg_wire_read_requirement(sc, ts->requirement, &b->req, why,
                                 sizeof why) != 0)
        return WG_EMALFORMED;
    if (wg_wire_read_incidents(sc, ts->incidents, ts->n_incidents, &b->inc, why,
                               sizeof why) != 0)
        return WG_EMALFORMED;
    for (size_t i = 0; i < ts->n_pledges; i++) {
        int n = wg_scenario_nation_index(sc, ts->pledges[i]->nation);
        if (n < 0 || wg_wire_read_pledge(sc, ts->pledges[i], &b->pledges[n],
                                         why, sizeof why) != 0)
            return WG_EMALFORMED;
    }
    return 0;
}

/* Puts the orders the phase asks of the role into env's payload. */
static void
set_payload(wg_arena_t *a, const wg_scenario_t *sc, const wg_phase_view_t *v,
            const wg_orders_t *o, Wgpb__V1__Envelope *env)
{
    bool cmd = v->nation < 0;
    switch (v->phase) {
    case WG_PHASE_REQUIREMENT:
        env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT;
        env->requirement = wg_wire_requirement(a, sc, &o->requirement);
        break;
    case WG_PHASE_PLEDGE:
        env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
        env->pledge = wg_wire_pledge(a, sc, (size_t)v->nation, &o->pledge);
        break;
    case WG_PHASE_ASSIGN:
        env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT;
        env->assignment = wg_wire_assignment(a, sc, &o->assignment);
        break;
    case WG_PHASE_ROTATE:
        env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
        env->rotation = wg_wire_rotation(a, sc, &o->rotation);
        break;
    case WG_PHASE_RESPOND:
        if (cmd) {
            env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DECISION;
            env->decision = wg_wire_decision(a, sc, &o->decision);
        } else {
            env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
            env->response = wg_wire_response(a, v->incidents, (size_t)v->nation,
                                             &o->response);
        }
        break;
    }
}

int
wg_play_phase(const wg_bot_t *bot, const wg_scenario_t *sc,
              const Wgpb__V1__Envelope *turn_start, int key, int source,
              const char *reason, uint8_t **out, size_t *len)
{
    const Wgpb__V1__TurnStart *ts = turn_start->turn_start;
    if (turn_start->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_TURN_START ||
        ts == NULL)
        return WG_EMALFORMED;
    if (key < 0 || (size_t)key > sc->n_nations)
        return 1;
    const char *name = key == 0 ? "command" : sc->nations[key - 1].code;
    if (!expects(ts, name) ||
        turn_start->phase < WGPB__V1__PHASE__PHASE_REQUIREMENT ||
        turn_start->phase > WGPB__V1__PHASE__PHASE_RESPOND)
        return 1;

    play_buf_t *b = calloc(1, sizeof *b);
    if (b == NULL)
        return -12;
    int rc = read_phase(sc, ts, b);
    if (rc < 0)
        goto out;
    wg_phase_view_t v = {
        .phase = (wg_phase_t)turn_start->phase,
        .type = (wg_turn_type_t)ts->type,
        .turn = turn_start->turn,
        .nation = key - 1,
        .st = &b->st,
        .req = &b->req,
        .pledges = b->pledges,
        .incidents = &b->inc,
        .weeks_to_rotation = ts->rotation_due_within,
    };
    int d = bot->decide(sc, &v, &b->orders, bot->arg);
    if (d != 0) {
        rc = d < 0 ? WG_EBOT : 1;
        goto out;
    }
    wg_arena_t *a = wg_arena_new();
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    env.sender_role = key == 0 ? WGPB__V1__ROLE__ROLE_COMMAND
                               : WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation = key == 0 ? "" : (char *)sc->nations[key - 1].code;
    env.turn = turn_start->turn;
    env.phase = turn_start->phase;
    prov.source = (Wgpb__V1__OrderSource)source;
    prov.agent = (char *)bot->name;
    prov.reason = reason ? (char *)reason : "";
    b->orders.rationale[sizeof b->orders.rationale - 1] = '\0';
    prov.rationale = b->orders.rationale;
    env.provenance = &prov;
    set_payload(a, sc, &v, &b->orders, &env);
    rc = wg_wire_pack(&env, out, len);
    wg_arena_destroy(&a);
out:
    free(b);
    return rc;
}
