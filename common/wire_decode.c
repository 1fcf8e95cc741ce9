/*
 * wire_decode.c - the decode fast path: the envelopes workers send (joins
 * and orders), decoded without protobuf-c's tables.
 *
 * `wg-log verify` decodes every join and order of a log, and protobuf-c's
 * table-driven unpack was the largest single cost of its reader thread. It
 * is kept apart from the conversions of wire.c, as its encoding twin
 * wire_encode.c is, so that the logic reads alone and this path can be
 * measured, and dropped, alone. It reads the Envelope fields and the
 * payloads a worker sends (Join, ForceRequirement, Pledge, Assignment,
 * RotationOrders, Response, CommandDecision, Forfeit) straight into the same
 * protobuf-c structs, for the canonical encoding protobuf-c itself writes:
 * known fields with their own wire types, each singular field once, one
 * payload, varints of minimal length, repeated numbers packed. Anything
 * else it declines (returns NULL) and wg_wire_unpack_in() hands the bytes
 * to protobuf-c, so what it accepts it decodes exactly as protobuf-c would
 * (unit.wire checks this on every envelope it makes and on mutations of
 * them). A payload added to wg.proto that workers send belongs here too.
 *
 * Owns nothing: what it decodes lives in the caller's arena until that is
 * reset. Reentrant, no state; it never reports an error, it declines.
 */
#include "wire_int.h"

#include <string.h>

typedef struct {
    const uint8_t *p, *end;
    wg_arena_t *a;
} rd_t;

typedef struct {
    uint32_t num;
    int wt;
    uint64_t v;
    const uint8_t *d;
    size_t l;
} fld_t;

/* The next field; false at the end or on bytes that are not canonical
 * (a key or a varint longer than it needs to be). */
static inline bool
next(rd_t *r, fld_t *f)
{
    const uint8_t *p = r->p, *end = r->end;
    /* Most fields: a one-byte key and a one-byte value or length. */
    if (end - p >= 2 && p[0] < 0x80 && p[0] >= 8 && p[1] < 0x80) {
        f->num = p[0] >> 3;
        f->wt = p[0] & 7;
        if (f->wt == 0) {
            f->v = p[1];
            f->d = NULL;
            f->l = 0;
            r->p = p + 2;
            return true;
        }
        if (f->wt == 2 && (size_t)(end - p - 2) >= p[1]) {
            f->v = 0;
            f->d = p + 2;
            f->l = p[1];
            r->p = p + 2 + p[1];
            return true;
        }
    }
    if (p >= end)
        return false;
    f->d = NULL;
    f->l = 0;
    f->v = 0;
    bool ok = wg_wire_next_field(&r->p, end, &f->num, &f->wt, &f->v, &f->d,
                                 &f->l) == 0;
    if (ok) {
        size_t used = (size_t)(r->p - p);
        size_t key = wg__varint_size((uint64_t)f->num << 3 | (unsigned)f->wt);
        ok = f->wt == 0   ? used == key + wg__varint_size(f->v)
             : f->wt == 2 ? used == key + wg__varint_size(f->l) + f->l
                          : false; /* no fixed-width fields here */
    }
    if (!ok)
        r->p = p; /* short of the end: AT_END says it did not read */
    return ok;
}

/* The reader is at its end: every field was read. */
#define AT_END(r) ((r)->p == (r)->end)

static bool
seen_once(uint32_t *seen, uint32_t num)
{
    if (num >= 32 || (*seen & (1u << num)))
        return false;
    *seen |= 1u << num;
    return true;
}

static bool
get_u32(const fld_t *f, uint32_t *out)
{
    if (f->wt != 0 || f->v > UINT32_MAX)
        return false;
    *out = (uint32_t)f->v;
    return true;
}

static bool
get_enum(const fld_t *f, int *out)
{
    if (f->wt != 0 || f->v > INT32_MAX)
        return false;
    *out = (int)f->v;
    return true;
}

static bool
get_bool(const fld_t *f, protobuf_c_boolean *out)
{
    if (f->wt != 0 || f->v > 1)
        return false;
    *out = (protobuf_c_boolean)f->v;
    return true;
}

static bool
get_str(rd_t *r, const fld_t *f, char **out)
{
    if (f->wt != 2)
        return false;
    char *s = wg_arena_alloc(r->a, f->l + 1); /* zeroed: NUL-terminated */
    memcpy(s, f->d, f->l);
    *out = s;
    return true;
}

/* Room for the occurrences of a repeated field in a message of n bytes:
 * every field takes two bytes at least, so no pass is spent counting. */
static void *
room(rd_t *r, size_t n, size_t elem)
{
    return wg_arena_alloc(r->a, (n / 2 + 1) * elem);
}

/* A packed repeated uint32, in one occurrence. */
static bool
get_packed_u32(rd_t *r, const fld_t *f, uint32_t *seen, size_t *n,
               uint32_t **out)
{
    if (f->wt != 2 || !seen_once(seen, f->num))
        return false;
    size_t c = 0;
    for (size_t i = 0; i < f->l; i++)
        c += !(f->d[i] & 0x80);
    if (f->l > 0 && (f->d[f->l - 1] & 0x80))
        return false;
    uint32_t *v = wg_arena_alloc(r->a, (c ? c : 1) * sizeof *v);
    const uint8_t *p = f->d, *end = f->d + f->l;
    for (size_t i = 0; i < c; i++) {
        uint64_t x = 0;
        unsigned shift = 0;
        const uint8_t *start = p;
        for (;; shift += 7) {
            if (shift > 28)
                return false;
            x |= (uint64_t)(*p & 0x7f) << shift;
            if (!(*p++ & 0x80))
                break;
        }
        if (x > UINT32_MAX || (size_t)(p - start) != wg__varint_size(x))
            return false;
        v[i] = (uint32_t)x;
    }
    if (p != end)
        return false;
    *n = c;
    *out = c ? v : NULL;
    return true;
}

/* ---- the payloads ------------------------------------------------------ */

#define MSG_BEGIN(T, init, m)                                                  \
    T *m = wg_arena_alloc(r->a, sizeof *m);                                    \
    init(m);                                                                   \
    rd_t sub = {f->d, f->d + f->l, r->a};                                      \
    uint32_t seen = 0;                                                         \
    fld_t g

static Wgpb__V1__Provenance *
provenance(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Provenance, wgpb__v1__provenance__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        bool ok;
        int e = 0;
        switch (g.num) {
        case 1:
            ok = get_enum(&g, &e);
            m->source = (Wgpb__V1__OrderSource)e;
            break;
        case 2:
            ok = get_str(r, &g, &m->agent);
            break;
        case 3:
            ok = get_str(r, &g, &m->reason);
            break;
        case 4:
            ok = get_str(r, &g, &m->rationale);
            break;
        case 5:
            ok = get_enum(&g, &e);
            m->assistance = (Wgpb__V1__Assistance)e;
            break;
        default:
            ok = false;
        }
        if (!ok)
            return NULL;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__Join *
join(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Join, wgpb__v1__join__init, m);
    while (next(&sub, &g))
        if (g.num != 1 || !seen_once(&seen, 1) || !get_str(r, &g, &m->agent))
            return NULL;
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__Forfeit *
forfeit(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Forfeit, wgpb__v1__forfeit__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        bool ok = g.num == 1   ? get_str(r, &g, &m->reason)
                  : g.num == 2 ? get_bool(&g, &m->leaving)
                               : false;
        if (!ok)
            return NULL;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__SectorTroops *
sector_troops(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__SectorTroops, wgpb__v1__sector_troops__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        bool ok = g.num == 1   ? get_str(r, &g, &m->sector)
                  : g.num == 2 ? get_u32(&g, &m->troops)
                               : false;
        if (!ok)
            return NULL;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__ForceRequirement *
requirement(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__ForceRequirement, wgpb__v1__force_requirement__init, m);
    (void)seen;
    m->sectors = room(r, f->l, sizeof *m->sectors);
    while (next(&sub, &g)) {
        if (g.num != 1 || g.wt != 2 ||
            (m->sectors[m->n_sectors] = sector_troops(r, &g)) == NULL)
            return NULL;
        m->n_sectors++;
    }
    if (m->n_sectors == 0)
        m->sectors = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__Pledge *
pledge(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Pledge, wgpb__v1__pledge__init, m);
    m->sectors = room(r, f->l, sizeof *m->sectors);
    while (next(&sub, &g)) {
        bool ok;
        if (g.num == 3) {
            ok = get_str(r, &g, &m->sectors[m->n_sectors]);
            m->n_sectors += ok;
        } else if (!seen_once(&seen, g.num)) {
            ok = false;
        } else {
            ok = g.num == 1   ? get_str(r, &g, &m->nation)
                 : g.num == 2 ? get_u32(&g, &m->troops)
                              : false;
        }
        if (!ok)
            return NULL;
    }
    if (m->n_sectors == 0)
        m->sectors = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__NationSectorTroops *
nation_sector_troops(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__NationSectorTroops,
              wgpb__v1__nation_sector_troops__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        bool ok = g.num == 1   ? get_str(r, &g, &m->nation)
                  : g.num == 2 ? get_str(r, &g, &m->sector)
                  : g.num == 3 ? get_u32(&g, &m->troops)
                               : false;
        if (!ok)
            return NULL;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__Assignment *
assignment(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Assignment, wgpb__v1__assignment__init, m);
    (void)seen;
    m->assignments = room(r, f->l, sizeof *m->assignments);
    while (next(&sub, &g)) {
        if (g.num != 1 || g.wt != 2 ||
            (m->assignments[m->n_assignments] = nation_sector_troops(r, &g)) ==
                NULL)
            return NULL;
        m->n_assignments++;
    }
    if (m->n_assignments == 0)
        m->assignments = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__UnitMove *
unit_move(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__UnitMove, wgpb__v1__unit_move__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        bool ok = g.num == 1   ? get_u32(&g, &m->unit)
                  : g.num == 2 ? get_str(r, &g, &m->sector)
                               : false;
        if (!ok)
            return NULL;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__RotationOrders *
rotation(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__RotationOrders, wgpb__v1__rotation_orders__init, m);
    m->moves = room(r, f->l, sizeof *m->moves);
    while (next(&sub, &g)) {
        bool ok;
        switch (g.num) {
        case 1:
            ok = get_packed_u32(r, &g, &seen, &m->n_relieve, &m->relieve);
            break;
        case 2:
            ok = seen_once(&seen, 2) && get_u32(&g, &m->prepare);
            break;
        case 3:
            ok = get_packed_u32(r, &g, &seen, &m->n_recall, &m->recall);
            break;
        case 4:
            ok = g.wt == 2 && (m->moves[m->n_moves] = unit_move(r, &g)) != NULL;
            m->n_moves += ok;
            break;
        default:
            ok = false;
        }
        if (!ok)
            return NULL;
    }
    if (m->n_moves == 0)
        m->moves = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__IncidentAnswer *
incident_answer(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__IncidentAnswer, wgpb__v1__incident_answer__init, m);
    while (next(&sub, &g)) {
        if (!seen_once(&seen, g.num))
            return NULL;
        int e = 0;
        bool ok = g.num == 1   ? get_u32(&g, &m->incident)
                  : g.num == 2 ? get_enum(&g, &e)
                               : false;
        if (!ok)
            return NULL;
        if (g.num == 2)
            m->action = (Wgpb__V1__RoeAction)e;
    }
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__Response *
response(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__Response, wgpb__v1__response__init, m);
    (void)seen;
    m->answers = room(r, f->l, sizeof *m->answers);
    while (next(&sub, &g)) {
        if (g.num != 1 || g.wt != 2 ||
            (m->answers[m->n_answers] = incident_answer(r, &g)) == NULL)
            return NULL;
        m->n_answers++;
    }
    if (m->n_answers == 0)
        m->answers = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

static Wgpb__V1__CommandDecision *
decision(rd_t *r, const fld_t *f)
{
    MSG_BEGIN(Wgpb__V1__CommandDecision, wgpb__v1__command_decision__init, m);
    m->reinforce = room(r, f->l, sizeof *m->reinforce);
    while (next(&sub, &g)) {
        bool ok;
        if (g.num == 1) {
            ok = get_str(r, &g, &m->reinforce[m->n_reinforce]);
            m->n_reinforce += ok;
        } else if (!seen_once(&seen, g.num)) {
            ok = false;
        } else {
            ok = g.num == 2   ? get_bool(&g, &m->robust_roe)
                 : g.num == 3 ? get_bool(&g, &m->recommit)
                              : false;
        }
        if (!ok)
            return NULL;
    }
    if (m->n_reinforce == 0)
        m->reinforce = NULL; /* as protobuf-c leaves it */
    return AT_END(&sub) ? m : NULL;
}

/* ---- the envelope ------------------------------------------------------ */

/* One payload field into env; false to decline. */
static bool
payload(rd_t *r, const fld_t *f, Wgpb__V1__Envelope *env)
{
    if (f->wt != 2 || env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD__NOT_SET)
        return false;
    void *m;
    switch (f->num) {
    case WGPB__V1__ENVELOPE__PAYLOAD_JOIN:
        m = env->join = join(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT:
        m = env->requirement = requirement(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE:
        m = env->pledge = pledge(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT:
        m = env->assignment = assignment(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_ROTATION:
        m = env->rotation = rotation(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE:
        m = env->response = response(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_DECISION:
        m = env->decision = decision(r, f);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT:
        m = env->forfeit = forfeit(r, f);
        break;
    default:
        return false; /* what the adjudicator sends: protobuf-c's */
    }
    if (m == NULL)
        return false;
    env->payload_case = (Wgpb__V1__Envelope__PayloadCase)f->num;
    return true;
}

Wgpb__V1__Envelope *
wg__wire_decode_order(wg_arena_t *a, const uint8_t *data, size_t len)
{
    Wgpb__V1__Envelope *env = wg_arena_alloc(a, sizeof *env);
    wgpb__v1__envelope__init(env);
    rd_t r = {data, data + len, a};
    uint32_t seen = 0;
    fld_t f;
    while (next(&r, &f)) {
        bool ok;
        int e = 0;
        if (f.num >= 10) {
            ok = payload(&r, &f, env);
        } else if (!seen_once(&seen, f.num)) {
            ok = false;
        } else {
            switch (f.num) {
            case 1:
                ok = get_enum(&f, &e);
                env->sender_role = (Wgpb__V1__Role)e;
                break;
            case 2:
                ok = get_str(&r, &f, &env->sender_nation);
                break;
            case 3:
                ok = get_u32(&f, &env->turn);
                break;
            case 4:
                ok = get_enum(&f, &e);
                env->phase = (Wgpb__V1__Phase)e;
                break;
            case 5:
                ok = f.wt == 0;
                env->seq = f.v;
                break;
            case 6:
                ok = get_str(&r, &f, &env->recipient);
                break;
            case 7:
                ok =
                    f.wt == 2 && (env->provenance = provenance(&r, &f)) != NULL;
                break;
            default:
                ok = false;
            }
        }
        if (!ok)
            return NULL;
    }
    return AT_END(&r) ? env : NULL;
}
