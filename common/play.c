/*
 * play.c - one bot answering one phase.
 *
 * Reads the TurnStart into C values (the public picture, the requirement,
 * the pledges, the incidents), calls the bot, and packs the part of its
 * orders that the phase table (wg/phases.h) says the role owes into the
 * envelope. A phase the table does not know is refused (WG_EMALFORMED). Owns
 * nothing across calls; the big C values are heap-allocated per call (a
 * wg_state_t is ~50 KiB). Errors in the TurnStart are returned, never asserted:
 * it came over the bus.
 */
#include "wg/play.h"
#include "wg/error.h"
#include "wg/order_fields.h"
#include "wg/phases.h"
#include "wg/wire.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    wg_state_t st;
    wg_turn_orders_t t; /* the phase's material; the order, for packing */
    wg_orders_t orders;
    wg_nation_seen_t seen[WG_MAX_NATIONS];
} play_buf_t;

static bool
expects(const Wgpb__V1__TurnStart *ts, const char *name)
{
    for (size_t i = 0; i < ts->n_expected; i++)
        if (strcmp(ts->expected[i], name) == 0)
            return true;
    return false;
}

/* Reads whatever material the TurnStart carries (which is what its phase's
 * entry in the table says it carries). */
static int
read_phase(const wg_scenario_t *sc, const Wgpb__V1__TurnStart *ts,
           play_buf_t *b)
{
    char why[160];
    wg_turn_orders_t *t = &b->t;
    if (wg_wire_read_situation(sc, ts->situation, &b->st) != 0)
        return WG_EMALFORMED;
    /* The figures as sent (wg_wire_read_situation checked the codes):
     * under a policy that hides other nations' units they cannot be
     * counted from st. */
    for (size_t i = 0; i < ts->situation->n_nations; i++) {
        const Wgpb__V1__NationState *ns = ts->situation->nations[i];
        int n = wg_scenario_nation_index(sc, ns->code);
        if (n >= 0)
            b->seen[n] = (wg_nation_seen_t){ns->deployed, ns->preparing,
                                            ns->recovering, ns->max_troops};
    }
    if (ts->requirement != NULL &&
        wg_wire_read_requirement(sc, ts->requirement, &t->req, why,
                                 sizeof why) != 0)
        return WG_EMALFORMED;
    if (wg_wire_read_incidents(sc, ts->incidents, ts->n_incidents, &t->inc, why,
                               sizeof why) != 0)
        return WG_EMALFORMED;
    const wg_order_kind_t *pk = wg_order_kind_named("pledge");
    for (size_t i = 0; i < ts->n_pledges; i++) {
        int n = wg_scenario_nation_index(sc, ts->pledges[i]->nation);
        if (n < 0 || wg_fields_read(pk, sc, n + 1, &ts->pledges[i]->base,
                                    &t->pledges[n], why, sizeof why) != 0)
            return WG_EMALFORMED;
    }
    t->weeks_to_rotation = ts->rotation_due_within;
    return 0;
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
    if (!expects(ts, name))
        return 1;
    /* A phase this build's table does not know, or one that asks nothing
     * of a role it names: the phase start is not one we can answer. */
    const wg_phase_info_t *p = wg_phase_info((int)turn_start->phase);
    const wg_order_kind_t *kind = p ? wg_phase_order(p, key) : NULL;
    if (kind == NULL)
        return WG_EMALFORMED;

    play_buf_t *b = calloc(1, sizeof *b);
    if (b == NULL)
        return -12;
    int rc = read_phase(sc, ts, b);
    if (rc < 0)
        goto out;
    wg_phase_view_t v = {
        .phase = (wg_phase_t)p->phase,
        .type = (wg_turn_type_t)ts->type,
        .turn = turn_start->turn,
        .nation = key - 1,
        .st = &b->st,
        .req = &b->t.req,
        .pledges = b->t.pledges,
        .incidents = &b->t.inc,
        .weeks_to_rotation = b->t.weeks_to_rotation,
        .nations = b->seen,
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
    wg_order_put(kind, a, sc, &b->t, key,
                 (const char *)&b->orders + kind->bot_off, &env);
    rc = wg_wire_pack(&env, out, len);
    wg_arena_destroy(&a);
out:
    free(b);
    return rc;
}
