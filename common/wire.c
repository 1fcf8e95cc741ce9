/*
 * wire.c - packing, unpacking and conversion of wgpb.v1 messages.
 *
 * What the messages mean: C values of wg/state.h to protobuf-c structs and
 * back, by scenario codes, and the envelope's pack and unpack through
 * protobuf-c. Its two fast paths live apart, so that this file reads as the
 * logic: wire_encode.c writes the bytes of what the adjudicator sends most
 * (phase starts, results, Welcome) without building these structs, and
 * wire_decode.c decodes the envelopes workers send without protobuf-c's
 * tables; the arena they allocate in is arena.c.
 *
 * Owns nothing: messages live in the caller's arena; reentrant. Outgoing
 * messages point into an arena (never into the state), so the state can
 * change after a message is built; codes and names point at the scenario's
 * own strings, which live as long as the scenario (copying them cost a
 * strdup per unit per phase start, and a replay makes thousands of those).
 * Incoming messages are checked field by field: a code that the scenario
 * does not know, a count over the fixed limits or a value out of range is
 * WG_EMALFORMED with a reason, never an assert.
 */
#include "wg/wire.h"
#include "arena_int.h"
#include "wg/error.h"
#include "wg/phases.h"
#include "wg/rules.h"
#include "wire_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Zero-length arrays still get a valid pointer. */
static size_t
arena_count(size_t n)
{
    return n ? n : 1;
}

#define ANEW(a, T) ((T *)wg_arena_alloc((a), sizeof(T)))
#define AARRAY(a, T, n) ((T *)wg_arena_alloc((a), sizeof(T) * arena_count(n)))

/* ---- envelope ---------------------------------------------------------- */

int
wg_wire_pack(const Wgpb__V1__Envelope *env, uint8_t **buf, size_t *len)
{
    size_t n = wgpb__v1__envelope__get_packed_size(env);
    uint8_t *p = malloc(n ? n : 1);
    if (p == NULL)
        return -12; /* -ENOMEM */
    wgpb__v1__envelope__pack(env, p);
    *buf = p;
    *len = n;
    return 0;
}

Wgpb__V1__Envelope *
wg_wire_unpack(const uint8_t *data, size_t len)
{
    if (data == NULL || len == 0)
        return NULL;
    return wgpb__v1__envelope__unpack(NULL, len, data);
}

static void *
arena_pb_alloc(void *data, size_t size)
{
    return wg__arena_alloc_raw(data, size);
}

static void
arena_pb_free(void *data, void *p)
{
    (void)data; /* everything goes at the arena's next reset */
    (void)p;
}

Wgpb__V1__Envelope *
wg_wire_unpack_in(wg_arena_t *a, const uint8_t *data, size_t len)
{
    if (data == NULL || len == 0)
        return NULL;
    /* Joins and orders, most of what a log holds, go the fast way. */
    Wgpb__V1__Envelope *env = wg__wire_decode_order(a, data, len);
    if (env != NULL)
        return env;
    ProtobufCAllocator pa = {arena_pb_alloc, arena_pb_free, a};
    return wgpb__v1__envelope__unpack(&pa, len, data);
}

void
wg_wire_free(Wgpb__V1__Envelope *env)
{
    if (env != NULL)
        wgpb__v1__envelope__free_unpacked(env, NULL);
}

const char *
wg_wire_turn_type_name(wg_turn_type_t t)
{
    const wg_turn_info_t *tt = wg_turn_info((int)t);
    return tt ? tt->name : "unknown";
}

const char *
wg_wire_phase_name(Wgpb__V1__Phase p)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&wgpb__v1__phase__descriptor, p);
    return v ? v->name : "PHASE_UNKNOWN";
}

const char *
wg_wire_payload_name(const Wgpb__V1__Envelope *env)
{
    const ProtobufCMessageDescriptor *d = &wgpb__v1__envelope__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++)
        if ((d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            d->fields[i].id == (unsigned)env->payload_case)
            return d->fields[i].name;
    return "none";
}

__attribute__((format(printf, 3, 4))) static int
fail(char *why, size_t n, const char *fmt, ...)
{
    if (why != NULL && n > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return WG_EMALFORMED;
}

/* Sector and nation lookups that treat NULL and unknown codes alike. */
static int
sector_of(const wg_scenario_t *sc, const char *code)
{
    if (code == NULL)
        return -1;
    for (size_t i = 0; i < sc->n_sectors; i++)
        if (strcmp(sc->sectors[i].code, code) == 0)
            return (int)i;
    return -1;
}

static int
nation_of(const wg_scenario_t *sc, const char *code)
{
    if (code == NULL)
        return -1;
    for (size_t i = 0; i < sc->n_nations; i++)
        if (strcmp(sc->nations[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* ---- situation ---------------------------------------------------------- */

void
wg__wire_count_troops(const wg_state_t *st,
                      uint32_t sector_troops[WG_MAX_SECTORS],
                      uint32_t nation_troops[WG_MAX_NATIONS][WG__UNIT_STATUSES])
{
    /* One pass over the units: a pass per sector and per nation showed in
     * every replay. */
    memset(sector_troops, 0, WG_MAX_SECTORS * sizeof *sector_troops);
    memset(nation_troops, 0, WG_MAX_NATIONS * sizeof *nation_troops);
    for (uint32_t u = 0; u < st->n_units; u++) {
        const wg_unit_t *su = &st->units[u];
        if (su->status == WG_UNIT_DEPLOYED && su->sector >= 0 &&
            su->sector < WG_MAX_SECTORS)
            sector_troops[su->sector] += su->troops;
        if (su->nation < WG_MAX_NATIONS && su->status < WG__UNIT_STATUSES)
            nation_troops[su->nation][su->status] += su->troops;
    }
}

/* One sector of a Situation or a TurnResult (required 0: not sent). */
static Wgpb__V1__SectorState *
sector_state(wg_arena_t *a, const wg_scenario_t *sc, size_t i,
             uint32_t required, uint32_t deployed, double coverage)
{
    Wgpb__V1__SectorState *s = ANEW(a, Wgpb__V1__SectorState);
    wgpb__v1__sector_state__init(s);
    s->code = (char *)sc->sectors[i].code;
    s->length_km = sc->sectors[i].length_km;
    s->threat = sc->sectors[i].threat;
    s->rear = sc->sectors[i].rear;
    s->required = required;
    s->deployed = deployed;
    s->coverage = coverage;
    return s;
}

Wgpb__V1__Situation *
wg_wire_situation(wg_arena_t *a, const wg_scenario_t *sc, const wg_state_t *st)
{
    Wgpb__V1__Situation *m = ANEW(a, Wgpb__V1__Situation);
    wgpb__v1__situation__init(m);
    m->turn = st->turn;
    m->week = st->week;
    m->escalation = st->escalation;
    m->stability = st->stability;
    m->regime =
        (char *)(st->regime < sc->n_regimes ? sc->regimes[st->regime].name
                                            : "");
    m->recommit_cooldown = st->recommit_cooldown;

    uint32_t sector_troops[WG_MAX_SECTORS];
    uint32_t nation_troops[WG_MAX_NATIONS][WG__UNIT_STATUSES];
    wg__wire_count_troops(st, sector_troops, nation_troops);

    m->n_sectors = sc->n_sectors;
    m->sectors = AARRAY(a, Wgpb__V1__SectorState *, sc->n_sectors);
    for (size_t i = 0; i < sc->n_sectors; i++)
        m->sectors[i] = sector_state(a, sc, i, st->required[i],
                                     sector_troops[i], st->coverage[i]);

    m->n_nations = sc->n_nations;
    m->nations = AARRAY(a, Wgpb__V1__NationState *, sc->n_nations);
    for (size_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_state_t *ns = &st->nations[i];
        Wgpb__V1__NationState *n = ANEW(a, Wgpb__V1__NationState);
        wgpb__v1__nation_state__init(n);
        n->code = (char *)sc->nations[i].code;
        n->gate_open = ns->gate_open;
        n->withdrawn = ns->withdrawn;
        n->leaving = ns->leaving;
        n->cohesion = ns->cohesion;
        const uint32_t *t = nation_troops[i];
        n->deployed = t[WG_UNIT_DEPLOYED];
        n->preparing =
            t[WG_UNIT_PREPARING] + t[WG_UNIT_READY] + t[WG_UNIT_ENTERING];
        n->recovering = t[WG_UNIT_RECOVERING];
        n->kia = ns->kia;
        n->wia = ns->wia;
        n->max_troops = wg_rules_max_troops(sc, st, (size_t)i);
        m->nations[i] = n;
    }

    m->n_units = st->n_units;
    m->units = AARRAY(a, Wgpb__V1__UnitState *, st->n_units);
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *su = &st->units[i];
        Wgpb__V1__UnitState *u = ANEW(a, Wgpb__V1__UnitState);
        wgpb__v1__unit_state__init(u);
        u->id = su->id;
        u->nation = (char *)sc->nations[su->nation].code;
        u->status = (Wgpb__V1__UnitStatus)su->status;
        u->sector =
            (char *)(su->sector >= 0 ? sc->sectors[su->sector].code : "");
        u->troops = su->troops;
        u->weeks_left = su->weeks_left;
        u->first_tour = su->first_tour;
        m->units[i] = u;
    }
    return m;
}

int
wg_wire_read_situation(const wg_scenario_t *sc, const Wgpb__V1__Situation *m,
                       wg_state_t *st)
{
    memset(st, 0, sizeof *st);
    if (m == NULL)
        return WG_EMALFORMED;
    st->turn = m->turn;
    st->week = m->week;
    st->escalation = m->escalation;
    st->stability = m->stability;
    st->recommit_cooldown = m->recommit_cooldown;
    for (size_t i = 0; i < sc->n_regimes; i++)
        if (m->regime && strcmp(m->regime, sc->regimes[i].name) == 0)
            st->regime = (uint32_t)i;
    for (size_t i = 0; i < m->n_sectors; i++) {
        int s = sector_of(sc, m->sectors[i]->code);
        if (s < 0)
            return WG_EMALFORMED;
        st->required[s] = m->sectors[i]->required;
        st->coverage[s] = m->sectors[i]->coverage;
    }
    for (size_t i = 0; i < m->n_nations; i++) {
        int n = nation_of(sc, m->nations[i]->code);
        if (n < 0)
            return WG_EMALFORMED;
        wg_nation_state_t *ns = &st->nations[n];
        ns->gate_open = m->nations[i]->gate_open;
        ns->withdrawn = m->nations[i]->withdrawn;
        ns->leaving = m->nations[i]->leaving;
        ns->cohesion = m->nations[i]->cohesion;
        ns->kia = m->nations[i]->kia;
        ns->wia = m->nations[i]->wia;
        /* A ceiling below the scenario's was lowered at a force review. */
        uint32_t c = wg_nation_ceiling(sc, &sc->nations[n]);
        ns->ceiling =
            m->nations[i]->max_troops < c ? m->nations[i]->max_troops : 0;
    }
    if (m->n_units > WG_MAX_UNITS)
        return WG_EMALFORMED;
    for (size_t i = 0; i < m->n_units; i++) {
        const Wgpb__V1__UnitState *u = m->units[i];
        int n = nation_of(sc, u->nation);
        if (n < 0 || (int)u->status < 1 || (int)u->status > WG_UNIT_ENTERING)
            return WG_EMALFORMED;
        wg_unit_t *su = &st->units[st->n_units++];
        su->id = u->id;
        su->nation = (uint8_t)n;
        su->sector = (int8_t)sector_of(sc, u->sector);
        su->status = (uint8_t)u->status;
        su->weeks_left = u->weeks_left;
        su->first_tour = u->first_tour;
        su->troops = u->troops;
        if (u->id >= st->next_unit_id)
            st->next_unit_id = u->id + 1;
    }
    return 0;
}

/* ---- orders -------------------------------------------------------------- */

Wgpb__V1__ForceRequirement *
wg_wire_requirement(wg_arena_t *a, const wg_scenario_t *sc,
                    const wg_requirement_t *req)
{
    Wgpb__V1__ForceRequirement *m = ANEW(a, Wgpb__V1__ForceRequirement);
    wgpb__v1__force_requirement__init(m);
    m->sectors = AARRAY(a, Wgpb__V1__SectorTroops *, sc->n_sectors);
    for (size_t i = 0; i < sc->n_sectors; i++) {
        Wgpb__V1__SectorTroops *s = ANEW(a, Wgpb__V1__SectorTroops);
        wgpb__v1__sector_troops__init(s);
        s->sector = (char *)sc->sectors[i].code;
        s->troops = req->troops[i];
        m->sectors[m->n_sectors++] = s;
    }
    return m;
}

int
wg_wire_read_requirement(const wg_scenario_t *sc,
                         const Wgpb__V1__ForceRequirement *m,
                         wg_requirement_t *req, char *why, size_t n)
{
    memset(req, 0, sizeof *req);
    if (m->n_sectors > WG_MAX_SECTORS)
        return fail(why, n, "%zu sectors in a requirement", m->n_sectors);
    for (size_t i = 0; i < m->n_sectors; i++) {
        int s = sector_of(sc, m->sectors[i]->sector);
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", m->sectors[i]->sector);
        req->troops[s] = m->sectors[i]->troops;
    }
    return 0;
}

Wgpb__V1__Assignment *
wg_wire_assignment(wg_arena_t *a, const wg_scenario_t *sc,
                   const wg_assignment_t *asg)
{
    Wgpb__V1__Assignment *m = ANEW(a, Wgpb__V1__Assignment);
    wgpb__v1__assignment__init(m);
    m->assignments = AARRAY(a, Wgpb__V1__NationSectorTroops *,
                            sc->n_nations * sc->n_sectors);
    for (size_t i = 0; i < sc->n_nations; i++)
        for (size_t s = 0; s < sc->n_sectors; s++) {
            if (asg->troops[i][s] == 0)
                continue;
            Wgpb__V1__NationSectorTroops *t =
                ANEW(a, Wgpb__V1__NationSectorTroops);
            wgpb__v1__nation_sector_troops__init(t);
            t->nation = (char *)sc->nations[i].code;
            t->sector = (char *)sc->sectors[s].code;
            t->troops = asg->troops[i][s];
            m->assignments[m->n_assignments++] = t;
        }
    return m;
}

int
wg_wire_read_assignment(const wg_scenario_t *sc, const Wgpb__V1__Assignment *m,
                        wg_assignment_t *asg, char *why, size_t n)
{
    memset(asg, 0, sizeof *asg);
    if (m->n_assignments > WG_MAX_NATIONS * WG_MAX_SECTORS)
        return fail(why, n, "%zu assignments", m->n_assignments);
    for (size_t i = 0; i < m->n_assignments; i++) {
        const Wgpb__V1__NationSectorTroops *t = m->assignments[i];
        int na = nation_of(sc, t->nation), s = sector_of(sc, t->sector);
        if (na < 0)
            return fail(why, n, "unknown nation '%s'", t->nation);
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", t->sector);
        asg->troops[na][s] += t->troops;
    }
    return 0;
}

Wgpb__V1__RotationOrders *
wg_wire_rotation(wg_arena_t *a, const wg_scenario_t *sc,
                 const wg_rotation_t *rot)
{
    Wgpb__V1__RotationOrders *m = ANEW(a, Wgpb__V1__RotationOrders);
    wgpb__v1__rotation_orders__init(m);
    m->n_relieve = rot->n_relieve;
    m->relieve = AARRAY(a, uint32_t, rot->n_relieve);
    if (rot->n_relieve > 0)
        memcpy(m->relieve, rot->relieve, rot->n_relieve * sizeof(uint32_t));
    m->prepare = rot->prepare;
    m->n_recall = rot->n_recall;
    m->recall = AARRAY(a, uint32_t, rot->n_recall);
    if (rot->n_recall > 0)
        memcpy(m->recall, rot->recall, rot->n_recall * sizeof(uint32_t));
    m->n_moves = rot->n_moves;
    m->moves = AARRAY(a, Wgpb__V1__UnitMove *, rot->n_moves);
    for (uint32_t i = 0; i < rot->n_moves; i++) {
        Wgpb__V1__UnitMove *mv = ANEW(a, Wgpb__V1__UnitMove);
        wgpb__v1__unit_move__init(mv);
        mv->unit = rot->moves[i].unit;
        mv->sector = (char *)sc->sectors[rot->moves[i].sector].code;
        m->moves[i] = mv;
    }
    return m;
}

int
wg_wire_read_rotation(const wg_scenario_t *sc,
                      const Wgpb__V1__RotationOrders *m, wg_rotation_t *rot,
                      char *why, size_t n)
{
    memset(rot, 0, sizeof *rot);
    if (m->n_relieve > WG_MAX_ORDER_UNITS || m->n_recall > WG_MAX_ORDER_UNITS ||
        m->n_moves > WG_MAX_MOVES)
        return fail(why, n, "rotation orders name too many units");
    rot->n_relieve = (uint32_t)m->n_relieve;
    if (m->n_relieve > 0)
        memcpy(rot->relieve, m->relieve, m->n_relieve * sizeof(uint32_t));
    rot->n_recall = (uint32_t)m->n_recall;
    if (m->n_recall > 0)
        memcpy(rot->recall, m->recall, m->n_recall * sizeof(uint32_t));
    rot->prepare = m->prepare;
    for (size_t i = 0; i < m->n_moves; i++) {
        int s = sector_of(sc, m->moves[i]->sector);
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", m->moves[i]->sector);
        rot->moves[rot->n_moves].unit = m->moves[i]->unit;
        rot->moves[rot->n_moves].sector = (uint8_t)s;
        rot->n_moves++;
    }
    return 0;
}

Wgpb__V1__Incident **
wg_wire_incidents(wg_arena_t *a, const wg_scenario_t *sc,
                  const wg_incident_list_t *inc, size_t *n_out)
{
    Wgpb__V1__Incident **v = AARRAY(a, Wgpb__V1__Incident *, inc->n);
    for (uint32_t i = 0; i < inc->n; i++) {
        const wg_incident_t *in = &inc->items[i];
        Wgpb__V1__Incident *m = ANEW(a, Wgpb__V1__Incident);
        wgpb__v1__incident__init(m);
        m->id = in->id;
        m->sector = (char *)sc->sectors[in->sector].code;
        m->type = (char *)sc->incident_types[in->type].name;
        m->nation =
            (char *)(in->nation >= 0 ? sc->nations[in->nation].code : "");
        m->count = in->count;
        v[i] = m;
    }
    *n_out = inc->n;
    return v;
}

int
wg_wire_read_incidents(const wg_scenario_t *sc,
                       Wgpb__V1__Incident *const *items, size_t count,
                       wg_incident_list_t *inc, char *why, size_t n)
{
    memset(inc, 0, sizeof *inc);
    if (count > WG_MAX_INCIDENTS)
        return fail(why, n, "%zu incidents", count);
    for (size_t i = 0; i < count; i++) {
        const Wgpb__V1__Incident *m = items[i];
        wg_incident_t *in = &inc->items[i];
        int s = sector_of(sc, m->sector);
        int t = -1;
        for (size_t k = 0; k < sc->n_incident_types; k++)
            if (m->type && strcmp(m->type, sc->incident_types[k].name) == 0)
                t = (int)k;
        /* Ids go up from 1; a role may see only some of the turn's
         * incidents (wg/share.h), so they need not be consecutive. */
        if (s < 0 || t < 0 || m->id == 0 || m->id > WG_MAX_INCIDENTS ||
            (i > 0 && m->id <= items[i - 1]->id))
            return fail(why, n, "incident %zu is not well formed", i + 1);
        in->id = m->id;
        in->sector = (uint8_t)s;
        in->type = (uint8_t)t;
        in->nation = (int8_t)nation_of(sc, m->nation);
        in->count = m->count;
    }
    inc->n = (uint32_t)count;
    return 0;
}

Wgpb__V1__Response *
wg_wire_response(wg_arena_t *a, const wg_incident_list_t *inc, size_t nation,
                 const wg_response_t *r)
{
    Wgpb__V1__Response *m = ANEW(a, Wgpb__V1__Response);
    wgpb__v1__response__init(m);
    m->answers = AARRAY(a, Wgpb__V1__IncidentAnswer *, inc->n);
    for (uint32_t i = 0; i < inc->n; i++) {
        if (inc->items[i].nation != (int)nation || r->action[i] == 0)
            continue;
        Wgpb__V1__IncidentAnswer *ans = ANEW(a, Wgpb__V1__IncidentAnswer);
        wgpb__v1__incident_answer__init(ans);
        ans->incident = inc->items[i].id;
        ans->action = (Wgpb__V1__RoeAction)r->action[i];
        m->answers[m->n_answers++] = ans;
    }
    return m;
}

int
wg_wire_read_response(const wg_incident_list_t *inc,
                      const Wgpb__V1__Response *m, wg_response_t *r, char *why,
                      size_t n)
{
    memset(r, 0, sizeof *r);
    if (m->n_answers > WG_MAX_INCIDENTS)
        return fail(why, n, "%zu answers", m->n_answers);
    for (size_t i = 0; i < m->n_answers; i++) {
        uint32_t id = m->answers[i]->incident;
        int act = m->answers[i]->action;
        if (id == 0 || id > inc->n)
            return fail(why, n, "answer to unknown incident %u", id);
        if (act < WG_ROE_HOLD || act > WG_ROE_WITHDRAW)
            return fail(why, n, "answer to incident %u has no valid action",
                        id);
        r->action[id - 1] = (uint8_t)act;
    }
    return 0;
}

/* ---- results ------------------------------------------------------------ */

/* The counts a reader compares with the record: violations per day and per
 * km of the line (rear sectors left out) and per day, drone activity and
 * the events that reached the force. Incident turns only: the others draw
 * nothing and span no days of their own. */
static void
put_counts(const wg_scenario_t *sc, const wg_turn_result_t *r,
           Wgpb__V1__TurnResult *m)
{
    m->violations = r->violations;
    m->drone_activity = r->drones;
    m->force_events = r->force_events;
    m->recommitted = r->recommitted;
    if (r->type != WG_TURN_INCIDENT)
        return;
    double days = 7.0 * (sc->turn_weeks > 0 ? sc->turn_weeks : 1);
    double km = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (!sc->sectors[s].rear)
            km += sc->sectors[s].length_km;
    m->violations_per_day = r->violations / days;
    m->violations_per_km_day = km > 0 ? r->violations / days / km : 0;
}

Wgpb__V1__TurnResult *
wg_wire_result(wg_arena_t *a, const wg_scenario_t *sc,
               const wg_turn_result_t *r)
{
    Wgpb__V1__TurnResult *m = ANEW(a, Wgpb__V1__TurnResult);
    wgpb__v1__turn_result__init(m);
    m->type = (Wgpb__V1__TurnType)r->type;
    m->week = r->week;
    m->n_nations = sc->n_nations;
    m->nations = AARRAY(a, Wgpb__V1__NationResult *, sc->n_nations);
    for (size_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_result_t *nr = &r->nations[i];
        Wgpb__V1__NationResult *n = ANEW(a, Wgpb__V1__NationResult);
        wgpb__v1__nation_result__init(n);
        n->code = (char *)sc->nations[i].code;
        n->deployed = nr->deployed;
        n->preparing = nr->preparing;
        n->recovering = nr->recovering;
        n->kia = nr->kia;
        n->wia = nr->wia;
        n->cohesion = nr->cohesion;
        n->withdrawn = nr->withdrawn;
        n->leaving = nr->leaving;
        n->gaps = nr->gaps;
        m->nations[i] = n;
    }
    m->n_sectors = sc->n_sectors;
    m->sectors = AARRAY(a, Wgpb__V1__SectorState *, sc->n_sectors);
    for (size_t i = 0; i < sc->n_sectors; i++)
        m->sectors[i] =
            sector_state(a, sc, i, 0, r->sector_deployed[i], r->coverage[i]);
    m->incidents = r->incidents;
    m->kia = r->kia;
    m->wia = r->wia;
    m->escalation = r->escalation;
    m->stability = r->stability;
    m->regime =
        (char *)(r->regime < sc->n_regimes ? sc->regimes[r->regime].name : "");
    put_counts(sc, r, m);
    m->n_outcomes = 0;
    m->outcomes = AARRAY(a, Wgpb__V1__IncidentOutcome *, r->n_outcomes);
    for (uint32_t i = 0; i < r->n_outcomes; i++) {
        const wg_outcome_t *o = &r->outcomes[i];
        if (o->action == 0 && o->kia == 0 && o->wia == 0 && !o->escalated)
            continue;
        Wgpb__V1__IncidentOutcome *om = ANEW(a, Wgpb__V1__IncidentOutcome);
        wgpb__v1__incident_outcome__init(om);
        om->incident = i + 1;
        om->kia = o->kia;
        om->wia = o->wia;
        om->escalated = o->escalated;
        om->action = (Wgpb__V1__RoeAction)o->action;
        m->outcomes[m->n_outcomes++] = om;
    }
    m->n_events = r->n_events;
    m->events = AARRAY(a, char *, r->n_events);
    for (uint32_t i = 0; i < r->n_events; i++)
        m->events[i] = wg_arena_strdup(a, r->events[i]);
    return m;
}

int
wg_wire_read_result(const wg_scenario_t *sc, const Wgpb__V1__TurnResult *m,
                    wg_turn_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->type = (wg_turn_type_t)m->type;
    r->week = m->week;
    for (size_t i = 0; i < m->n_nations; i++) {
        int n = nation_of(sc, m->nations[i]->code);
        if (n < 0)
            return WG_EMALFORMED;
        wg_nation_result_t *nr = &r->nations[n];
        nr->deployed = m->nations[i]->deployed;
        nr->preparing = m->nations[i]->preparing;
        nr->recovering = m->nations[i]->recovering;
        nr->kia = m->nations[i]->kia;
        nr->wia = m->nations[i]->wia;
        nr->cohesion = m->nations[i]->cohesion;
        nr->withdrawn = m->nations[i]->withdrawn;
        nr->leaving = m->nations[i]->leaving;
        nr->gaps = m->nations[i]->gaps;
    }
    for (size_t i = 0; i < m->n_sectors; i++) {
        int s = sector_of(sc, m->sectors[i]->code);
        if (s < 0)
            return WG_EMALFORMED;
        r->sector_deployed[s] = m->sectors[i]->deployed;
        r->coverage[s] = m->sectors[i]->coverage;
    }
    r->incidents = m->incidents;
    r->violations = m->violations;
    r->drones = m->drone_activity;
    r->force_events = m->force_events;
    r->recommitted = m->recommitted;
    r->kia = m->kia;
    r->wia = m->wia;
    r->escalation = m->escalation;
    r->stability = m->stability;
    for (size_t i = 0; i < sc->n_regimes; i++)
        if (m->regime && strcmp(m->regime, sc->regimes[i].name) == 0)
            r->regime = (uint32_t)i;
    /* Outcomes travel by incident number, the empty ones left out; the C
     * value keeps them by incident id - 1, up to the last one sent. */
    for (size_t i = 0; i < m->n_outcomes; i++) {
        const Wgpb__V1__IncidentOutcome *om = m->outcomes[i];
        if (om->incident == 0 || om->incident > WG_MAX_INCIDENTS)
            return WG_EMALFORMED;
        wg_outcome_t *o = &r->outcomes[om->incident - 1];
        o->kia = om->kia;
        o->wia = om->wia;
        o->escalated = om->escalated;
        o->action = (uint8_t)om->action;
        if (om->incident > r->n_outcomes)
            r->n_outcomes = om->incident;
    }
    for (size_t i = 0; i < m->n_events && i < WG_MAX_RESULT_EVENTS; i++) {
        snprintf(r->events[i], sizeof r->events[i], "%s", m->events[i]);
        r->n_events++;
    }
    return 0;
}
