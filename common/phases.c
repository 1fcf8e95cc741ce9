/*
 * phases.c - the table of turn types and phases (wg/phases.h).
 *
 * Each kind of order glues the wire (wg/wire.h: message to C value and
 * back) to the rules (wg/rules.h: validate, hold, apply) for one role in
 * one phase; each phase names the kinds its roles owe, what its TurnStart
 * carries and what closing it applies; each turn type names its first
 * phase. Constant data and pure functions: no state, no I/O, any thread.
 * Adding a turn type is: its messages in proto/wg.proto, its rules in
 * common/rules_<type>.c, its entries here, and its built-in bot decisions
 * (a function and a row in the bot's own table, common/bot_int.h).
 * A flat kind of order (a message of scalars and sector lists) is a field
 * map and a validate: wg_order_take/put/describe read, pack and describe
 * it from the map (common/order_fields.c), and written orders and the
 * console build on the same map, so it has no wire code of its own.
 */
#include "wg/phases.h"
#include "wg/error.h"
#include "wg/order_fields.h"
#include "wg/rules.h"

#include <stdio.h>
#include <string.h>

/* ---- kinds of order ------------------------------------------------------
 */

/* The nation index of a contingent's role key. */
static size_t
nation_of(int key)
{
    return (size_t)(key - 1);
}

void *
wg_order_slot(const wg_order_kind_t *k, wg_turn_orders_t *t, int key)
{
    char *p = (char *)t + k->turn_off;
    return k->per_nation ? p + nation_of(key) * k->size : p;
}

/* Requirement (command, deployment). */

static int
take_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                 wg_turn_orders_t *t, int key, const Wgpb__V1__Envelope *env,
                 char *why, size_t n)
{
    (void)key;
    int rc = wg_wire_read_requirement(sc, env->requirement, &t->req, why, n);
    return rc < 0 ? rc : wg_rules_validate_requirement(sc, st, &t->req, why, n);
}

static void
hold_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                 wg_turn_orders_t *t, int key)
{
    (void)key;
    wg_rules_hold_requirement(sc, st, &t->req);
}

static void
put_requirement(wg_arena_t *a, const wg_scenario_t *sc,
                const wg_turn_orders_t *t, int key, const void *v,
                Wgpb__V1__Envelope *env)
{
    (void)t;
    (void)key;
    env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT;
    env->requirement = wg_wire_requirement(a, sc, v);
}

static void
describe_requirement(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    uint64_t troops = 0;
    for (size_t i = 0; i < env->requirement->n_sectors; i++)
        troops += env->requirement->sectors[i]->troops;
    snprintf(buf, n, "%llu troops over %zu sectors", (unsigned long long)troops,
             env->requirement->n_sectors);
}

static const wg_order_kind_t requirement = {
    .name = "requirement",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT,
    .size = sizeof(wg_requirement_t),
    .turn_off = offsetof(wg_turn_orders_t, req),
    .bot_off = offsetof(wg_orders_t, requirement),
    .take = take_requirement,
    .hold = hold_requirement,
    .put = put_requirement,
    .describe = describe_requirement,
};

/* Pledge (contingents, deployment). */

static int
validate_pledge(const wg_scenario_t *sc, const wg_state_t *st,
                wg_turn_orders_t *t, int key, char *why, size_t n)
{
    size_t i = nation_of(key);
    return wg_rules_validate_pledge(sc, st, i, &t->pledges[i], why, n);
}

static void
hold_pledge(const wg_scenario_t *sc, const wg_state_t *st, wg_turn_orders_t *t,
            int key)
{
    size_t i = nation_of(key);
    wg_rules_hold_pledge(sc, st, i, &t->pledges[i]);
}

/* The last pledge again, within what the rules allow now. */
static void
repeat_pledge(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key, const wg_turn_orders_t *last)
{
    size_t i = nation_of(key);
    char why[200];
    t->pledges[i] = last->pledges[i];
    wg_rules_validate_pledge(sc, st, i, &t->pledges[i], why, sizeof why);
}

static const wg_order_field_t pledge_fields[] = {
    {"nation", WG_FIELD_NATION, 0, 0, "the contingent's own nation"},
    {"troops", WG_FIELD_UINT, offsetof(wg_pledge_t, troops), UINT32_MAX,
     "Troops offered beyond those deployed, in whole units; 0 offers none."},
    {"sectors", WG_FIELD_SECTORS, offsetof(wg_pledge_t, sector_mask), 0,
     "Sectors where they may serve: codes, or 'all'."},
};

static const wg_order_kind_t pledge = {
    .name = "pledge",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE,
    .size = sizeof(wg_pledge_t),
    .turn_off = offsetof(wg_turn_orders_t, pledges),
    .per_nation = true,
    .bot_off = offsetof(wg_orders_t, pledge),
    .hold = hold_pledge,
    .repeat = repeat_pledge,
    .message = &wgpb__v1__pledge__descriptor,
    .fields = pledge_fields,
    .n_fields = sizeof pledge_fields / sizeof pledge_fields[0],
    .validate = validate_pledge,
};

/* Assignment (command, deployment). */

static int
take_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                wg_turn_orders_t *t, int key, const Wgpb__V1__Envelope *env,
                char *why, size_t n)
{
    (void)key;
    int rc = wg_wire_read_assignment(sc, env->assignment, &t->asg, why, n);
    return rc < 0 ? rc
                  : wg_rules_validate_assignment(sc, st, t->pledges, &t->asg,
                                                 why, n);
}

static void
hold_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                wg_turn_orders_t *t, int key)
{
    (void)key;
    wg_rules_hold_assignment(sc, st, &t->req, t->pledges, &t->asg);
}

static void
put_assignment(wg_arena_t *a, const wg_scenario_t *sc,
               const wg_turn_orders_t *t, int key, const void *v,
               Wgpb__V1__Envelope *env)
{
    (void)t;
    (void)key;
    env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT;
    env->assignment = wg_wire_assignment(a, sc, v);
}

static void
describe_assignment(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    uint64_t troops = 0;
    for (size_t i = 0; i < env->assignment->n_assignments; i++)
        troops += env->assignment->assignments[i]->troops;
    snprintf(buf, n, "%llu troops in %zu (nation, sector) places",
             (unsigned long long)troops, env->assignment->n_assignments);
}

static const wg_order_kind_t assignment = {
    .name = "assignment",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT,
    .size = sizeof(wg_assignment_t),
    .turn_off = offsetof(wg_turn_orders_t, asg),
    .bot_off = offsetof(wg_orders_t, assignment),
    .take = take_assignment,
    .hold = hold_assignment,
    .put = put_assignment,
    .describe = describe_assignment,
};

/* Rotation orders: a contingent's reliefs, recalls and preparations, and
 * the command's moves; one message for both. nation -1 is the command. */

static int
nation_or_command(int key)
{
    return key == 0 ? -1 : (int)nation_of(key);
}

static int
take_rotation(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key, const Wgpb__V1__Envelope *env,
              char *why, size_t n)
{
    wg_rotation_t *r = key == 0 ? &t->cmd_rot : &t->rot[nation_of(key)];
    int rc = wg_wire_read_rotation(sc, env->rotation, r, why, n);
    return rc < 0 ? rc
                  : wg_rules_validate_rotation(sc, st, nation_or_command(key),
                                               r, why, n);
}

static void
hold_rotation(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key)
{
    wg_rotation_t *r = key == 0 ? &t->cmd_rot : &t->rot[nation_of(key)];
    wg_rules_hold_rotation(sc, st, nation_or_command(key), r);
}

/* As many new units as the last rotation orders prepared: the unit ids of
 * an earlier turn mean nothing now. */
static void
repeat_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                wg_turn_orders_t *t, int key, const wg_turn_orders_t *last)
{
    size_t i = nation_of(key);
    char why[200];
    memset(&t->rot[i], 0, sizeof t->rot[i]);
    t->rot[i].prepare = last->rot[i].prepare;
    wg_rules_validate_rotation(sc, st, (int)i, &t->rot[i], why, sizeof why);
}

static void
put_rotation(wg_arena_t *a, const wg_scenario_t *sc, const wg_turn_orders_t *t,
             int key, const void *v, Wgpb__V1__Envelope *env)
{
    (void)t;
    (void)key;
    env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
    env->rotation = wg_wire_rotation(a, sc, v);
}

static void
describe_rotation(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    const Wgpb__V1__RotationOrders *r = env->rotation;
    if (env->sender_role == WGPB__V1__ROLE__ROLE_COMMAND)
        snprintf(buf, n, "%zu moves", r->n_moves);
    else
        snprintf(buf, n, "relieve %zu, prepare %u, recall %zu", r->n_relieve,
                 r->prepare, r->n_recall);
}

static const wg_order_kind_t rotation = {
    .name = "rotation",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION,
    .size = sizeof(wg_rotation_t),
    .turn_off = offsetof(wg_turn_orders_t, rot),
    .per_nation = true,
    .bot_off = offsetof(wg_orders_t, rotation),
    .take = take_rotation,
    .hold = hold_rotation,
    .repeat = repeat_rotation,
    .put = put_rotation,
    .describe = describe_rotation,
};

static const wg_order_kind_t moves = {
    .name = "moves",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION,
    .size = sizeof(wg_rotation_t),
    .turn_off = offsetof(wg_turn_orders_t, cmd_rot),
    .bot_off = offsetof(wg_orders_t, rotation),
    .take = take_rotation,
    .hold = hold_rotation,
    .put = put_rotation,
    .describe = describe_rotation,
};

/* Response (contingents, incident). */

static int
take_response(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key, const Wgpb__V1__Envelope *env,
              char *why, size_t n)
{
    size_t i = nation_of(key);
    int rc = wg_wire_read_response(&t->inc, env->response, &t->resp[i], why, n);
    return rc < 0 ? rc
                  : wg_rules_validate_response(sc, st, &t->inc, i, &t->resp[i],
                                               why, n);
}

static void
hold_response(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key)
{
    size_t i = nation_of(key);
    wg_rules_hold_response(sc, st, &t->inc, i, &t->resp[i]);
}

static void
put_response(wg_arena_t *a, const wg_scenario_t *sc, const wg_turn_orders_t *t,
             int key, const void *v, Wgpb__V1__Envelope *env)
{
    (void)sc;
    env->payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
    env->response = wg_wire_response(a, &t->inc, nation_of(key), v);
}

static void
describe_response(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    snprintf(buf, n, "%zu incidents answered", env->response->n_answers);
}

static const wg_order_kind_t response = {
    .name = "response",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE,
    .size = sizeof(wg_response_t),
    .turn_off = offsetof(wg_turn_orders_t, resp),
    .per_nation = true,
    .bot_off = offsetof(wg_orders_t, response),
    .take = take_response,
    .hold = hold_response,
    .put = put_response,
    .describe = describe_response,
};

/* Decision (command, incident). */

static int
validate_decision(const wg_scenario_t *sc, const wg_state_t *st,
                  wg_turn_orders_t *t, int key, char *why, size_t n)
{
    (void)key;
    return wg_rules_validate_decision(sc, st, &t->dec, why, n);
}

static void
hold_decision(const wg_scenario_t *sc, const wg_state_t *st,
              wg_turn_orders_t *t, int key)
{
    (void)key;
    wg_rules_hold_decision(sc, st, &t->dec);
}

static const wg_order_field_t decision_fields[] = {
    {"reinforce", WG_FIELD_SECTORS, offsetof(wg_decision_t, reinforce_mask), 0,
     "Sectors the reserve reinforces: codes, or none."},
    {"robust_roe", WG_FIELD_BOOL, offsetof(wg_decision_t, robust_roe), 0,
     "Force-wide ROE: yes robust, no restrictive."},
    {"recommit", WG_FIELD_BOOL, offsetof(wg_decision_t, recommit), 0,
     "Call the parties to recommit to the truce: yes or no."},
};

static const wg_order_kind_t decision = {
    .name = "decision",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_DECISION,
    .size = sizeof(wg_decision_t),
    .turn_off = offsetof(wg_turn_orders_t, dec),
    .bot_off = offsetof(wg_orders_t, decision),
    .hold = hold_decision,
    .message = &wgpb__v1__command_decision__descriptor,
    .fields = decision_fields,
    .n_fields = sizeof decision_fields / sizeof decision_fields[0],
    .validate = validate_decision,
};

/* Intention (contingents, force review). */

static int
validate_intention(const wg_scenario_t *sc, const wg_state_t *st,
                   wg_turn_orders_t *t, int key, char *why, size_t n)
{
    size_t i = nation_of(key);
    return wg_rules_validate_intent(sc, st, i, &t->intent[i], why, n);
}

static void
hold_intention(const wg_scenario_t *sc, const wg_state_t *st,
               wg_turn_orders_t *t, int key)
{
    size_t i = nation_of(key);
    wg_rules_hold_intent(sc, st, i, &t->intent[i]);
}

static const wg_order_field_t intention_fields[] = {
    {"nation", WG_FIELD_NATION, 0, 0, "the contingent's own nation"},
    {"intention", WG_FIELD_CHOICE, offsetof(wg_intent_t, intention), 0,
     "Stay as you are, reduce to a ceiling, or leave when tours end."},
    {"ceiling", WG_FIELD_UINT, offsetof(wg_intent_t, ceiling), UINT32_MAX,
     "reduce: the troops you keep in theatre at most."},
};

static const wg_order_kind_t intention = {
    .name = "intention",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_INTENTION,
    .size = sizeof(wg_intent_t),
    .turn_off = offsetof(wg_turn_orders_t, intent),
    .per_nation = true,
    .bot_off = offsetof(wg_orders_t, intent),
    .hold = hold_intention,
    .message = &wgpb__v1__force_intention__descriptor,
    .fields = intention_fields,
    .n_fields = sizeof intention_fields / sizeof intention_fields[0],
    .validate = validate_intention,
};

/* Re-plan (command, force review): a requirement, read, validated and
 * held as in deployment (hold keeps the one in force); the command's bot
 * decides it from the intentions the phase start shows. */
static const wg_order_kind_t replan = {
    .name = "replan",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT,
    .size = sizeof(wg_requirement_t),
    .turn_off = offsetof(wg_turn_orders_t, req),
    .bot_off = offsetof(wg_orders_t, requirement),
    .take = take_requirement,
    .hold = hold_requirement,
    .put = put_requirement,
    .describe = describe_requirement,
};

/* Talks (command, talks): the agenda, a flat kind. */

static int
validate_talks(const wg_scenario_t *sc, const wg_state_t *st,
               wg_turn_orders_t *t, int key, char *why, size_t n)
{
    (void)key;
    return wg_rules_validate_talks(sc, st, &t->talks, why, n);
}

static void
hold_talks(const wg_scenario_t *sc, const wg_state_t *st, wg_turn_orders_t *t,
           int key)
{
    (void)key;
    wg_rules_hold_talks(sc, st, &t->talks);
}

static const wg_order_field_t talks_fields[] = {
    {"item", WG_FIELD_CHOICE, offsetof(wg_talks_t, item), 0,
     "Keep the hotline (a small ask) or heavy weapons back (a big one)."},
    {"sectors", WG_FIELD_SECTORS, offsetof(wg_talks_t, sector_mask), 0,
     "Heavy weapons: the line sectors it covers; none: the whole line."},
    {"announce", WG_FIELD_BOOL, offsetof(wg_talks_t, announce), 0,
     "In public: a success binds the parties more, a failure costs more."},
};

static const wg_order_kind_t talks = {
    .name = "talks",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_TALKS,
    .size = sizeof(wg_talks_t),
    .turn_off = offsetof(wg_turn_orders_t, talks),
    .bot_off = offsetof(wg_orders_t, talks),
    .hold = hold_talks,
    .message = &wgpb__v1__talks_agenda__descriptor,
    .fields = talks_fields,
    .n_fields = sizeof talks_fields / sizeof talks_fields[0],
    .validate = validate_talks,
};

/* ---- phases ---------------------------------------------------------------
 */

static void
close_assign(const wg_scenario_t *sc, wg_state_t *st, const wg_turn_orders_t *t,
             wg_turn_result_t *res)
{
    wg_rules_deploy(sc, st, &t->req, &t->asg, res);
}

static void
close_rotate(const wg_scenario_t *sc, wg_state_t *st, const wg_turn_orders_t *t,
             wg_turn_result_t *res)
{
    wg_rules_rotate(sc, st, t->rot, &t->cmd_rot, res);
}

static void
close_respond(const wg_scenario_t *sc, wg_state_t *st,
              const wg_turn_orders_t *t, wg_turn_result_t *res)
{
    wg_rules_resolve_incidents(sc, st, &t->inc, t->resp, &t->dec, res);
}

static void
close_intent(const wg_scenario_t *sc, wg_state_t *st, const wg_turn_orders_t *t,
             wg_turn_result_t *res)
{
    wg_rules_apply_intents(sc, st, t->intent, res);
}

static void
close_replan(const wg_scenario_t *sc, wg_state_t *st, const wg_turn_orders_t *t,
             wg_turn_result_t *res)
{
    wg_rules_replan(sc, st, &t->req, res);
}

static void
close_talks(const wg_scenario_t *sc, wg_state_t *st, const wg_turn_orders_t *t,
            wg_turn_result_t *res)
{
    wg_rules_talks(sc, st, &t->talks, res);
}

static const wg_phase_info_t phases[] = {
    {
        .phase = WGPB__V1__PHASE__PHASE_REQUIREMENT,
        .name = "requirement",
        .type = WG_TURN_DEPLOYMENT,
        .command = &requirement,
        .next = WGPB__V1__PHASE__PHASE_PLEDGE,
        .asks = "the command states troops per sector",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_PLEDGE,
        .name = "pledge",
        .type = WG_TURN_DEPLOYMENT,
        .contingent = &pledge,
        .material = WG_MATERIAL_REQUIREMENT,
        .next = WGPB__V1__PHASE__PHASE_ASSIGN,
        .asks = "each contingent offers troops and the sectors it accepts",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_ASSIGN,
        .name = "assign",
        .type = WG_TURN_DEPLOYMENT,
        .command = &assignment,
        .material = WG_MATERIAL_REQUIREMENT | WG_MATERIAL_PLEDGES,
        .close = close_assign,
        .asks = "the command assigns pledged troops to sectors",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_ROTATE,
        .name = "rotate",
        .type = WG_TURN_ROTATION,
        .command = &moves,
        .contingent = &rotation,
        .material = WG_MATERIAL_ROTATION_WEEKS,
        .close = close_rotate,
        .asks = "contingents relieve, prepare and recall; the command moves",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_RESPOND,
        .name = "respond",
        .type = WG_TURN_INCIDENT,
        .command = &decision,
        .contingent = &response,
        .material = WG_MATERIAL_INCIDENTS,
        .close = close_respond,
        .asks = "contingents answer their incidents; the command decides",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_INTENT,
        .name = "intent",
        .type = WG_TURN_FORCE_REVIEW,
        .contingent = &intention,
        .close = close_intent,
        .next = WGPB__V1__PHASE__PHASE_REPLAN,
        .asks = "each contingent states its intention: stay, reduce, leave",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_REPLAN,
        .name = "replan",
        .type = WG_TURN_FORCE_REVIEW,
        .command = &replan,
        .close = close_replan,
        .asks = "the command re-plans its requirement",
    },
    {
        .phase = WGPB__V1__PHASE__PHASE_TALKS,
        .name = "talks",
        .type = WG_TURN_TALKS,
        .command = &talks,
        .close = close_talks,
        .asks = "the command puts one item to the parties",
    },
};

#define N_PHASES (sizeof phases / sizeof phases[0])

const wg_phase_info_t *
wg_phase_info(int phase)
{
    for (size_t i = 0; i < N_PHASES; i++)
        if ((int)phases[i].phase == phase)
            return &phases[i];
    return NULL;
}

const wg_order_kind_t *
wg_phase_order(const wg_phase_info_t *p, int key)
{
    return key == 0 ? p->command : p->contingent;
}

const wg_order_kind_t *
wg_order_kind_named(const char *name)
{
    for (size_t i = 0; i < N_PHASES; i++) {
        const wg_order_kind_t *k[2] = {phases[i].command, phases[i].contingent};
        for (int r = 0; r < 2; r++)
            if (k[r] != NULL && strcmp(k[r]->name, name) == 0)
                return k[r];
    }
    return NULL;
}

const wg_order_kind_t *
wg_order_kind_at(size_t i)
{
    size_t seen = 0;
    for (size_t p = 0; p < N_PHASES; p++) {
        const wg_order_kind_t *k[2] = {phases[p].command, phases[p].contingent};
        for (int r = 0; r < 2; r++) {
            if (k[r] == NULL)
                continue;
            bool earlier = k[r] == k[1 - r] && r == 1;
            for (size_t q = 0; q < p && !earlier; q++)
                earlier =
                    phases[q].command == k[r] || phases[q].contingent == k[r];
            if (!earlier && seen++ == i)
                return k[r];
        }
    }
    return NULL;
}

int
wg_order_take(const wg_order_kind_t *k, const wg_scenario_t *sc,
              const wg_state_t *st, wg_turn_orders_t *t, int key,
              const Wgpb__V1__Envelope *env, char *why, size_t n)
{
    if (k->fields != NULL)
        return wg_fields_take(k, sc, st, t, key, env, why, n);
    return k->take(sc, st, t, key, env, why, n);
}

void
wg_order_put(const wg_order_kind_t *k, wg_arena_t *a, const wg_scenario_t *sc,
             const wg_turn_orders_t *t, int key, const void *v,
             Wgpb__V1__Envelope *env)
{
    if (k->fields != NULL)
        wg_fields_put(k, a, sc, key, v, env);
    else
        k->put(a, sc, t, key, v, env);
}

bool
wg_order_describe(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < N_PHASES; i++) {
        const wg_order_kind_t *k[2] = {phases[i].command, phases[i].contingent};
        for (int r = 0; r < 2; r++) {
            if (k[r] == NULL || k[r]->payload != env->payload_case)
                continue;
            if (k[r]->fields != NULL)
                wg_fields_describe(k[r], env, buf, n);
            else
                k[r]->describe(env, buf, n);
            return true;
        }
    }
    return false;
}

/* ---- turn types -----------------------------------------------------------
 */

static void
begin_deployment(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t)
{
    (void)st;
    memset(t->pledges, 0, sc->n_nations * sizeof t->pledges[0]);
    memset(&t->asg, 0, sizeof t->asg);
}

static void
begin_rotation(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t)
{
    memset(t->rot, 0, sc->n_nations * sizeof t->rot[0]);
    memset(&t->cmd_rot, 0, sizeof t->cmd_rot);
    t->weeks_to_rotation = wg_rules_weeks_to_next_rotation(sc, st->turn);
}

static void
begin_incident(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t)
{
    memset(t->resp, 0, sc->n_nations * sizeof t->resp[0]);
    memset(&t->dec, 0, sizeof t->dec);
    wg_rules_draw_incidents(sc, st, &t->inc);
}

static void
begin_review(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t)
{
    (void)st;
    memset(t->intent, 0, sc->n_nations * sizeof t->intent[0]);
}

static void
begin_talks(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t)
{
    (void)sc;
    (void)st;
    memset(&t->talks, 0, sizeof t->talks);
}

static const wg_turn_info_t turns[] = {
    {WG_TURN_DEPLOYMENT, "deployment", WGPB__V1__PHASE__PHASE_REQUIREMENT,
     begin_deployment},
    {WG_TURN_ROTATION, "rotation", WGPB__V1__PHASE__PHASE_ROTATE,
     begin_rotation},
    {WG_TURN_INCIDENT, "incident", WGPB__V1__PHASE__PHASE_RESPOND,
     begin_incident},
    {WG_TURN_FORCE_REVIEW, "review", WGPB__V1__PHASE__PHASE_INTENT,
     begin_review},
    {WG_TURN_TALKS, "talks", WGPB__V1__PHASE__PHASE_TALKS, begin_talks},
};

#define N_TURNS (sizeof turns / sizeof turns[0])

const wg_turn_info_t *
wg_turn_info(int type)
{
    for (size_t i = 0; i < N_TURNS; i++)
        if ((int)turns[i].type == type)
            return &turns[i];
    return NULL;
}

const wg_turn_info_t *
wg_turn_info_at(size_t i)
{
    return i < N_TURNS ? &turns[i] : NULL;
}

const wg_turn_info_t *
wg_turn_info_named(const char *name)
{
    for (size_t i = 0; i < N_TURNS; i++)
        if (strcmp(turns[i].name, name) == 0)
            return &turns[i];
    return NULL;
}
