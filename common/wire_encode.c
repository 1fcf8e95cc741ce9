/*
 * wire_encode.c - the hand encoder: the bytes protobuf-c writes, written
 * straight from the state, for what the adjudicator sends most.
 *
 * Every phase start carries the whole Situation (a few hundred units), and
 * so does every state digest and Welcome; building it as protobuf-c
 * messages and packing them through the descriptors cost more than all the
 * rules of a turn. This file is that fast path and nothing else, kept apart
 * from the conversions of wire.c that say what the messages mean: the
 * Situation and incidents from the state, TurnResult, and the envelopes of
 * TurnStart, TurnResult and Welcome (wg_wire_put_*, wg_wire_pack_*), plus
 * the field walker that records an input envelope without decoding it
 * (wg_wire_next_field, wg_wire_last_*, wg_wire_restamp). Its decoding twin is
 * wire_decode.c.
 *
 * It writes what protobuf-c writes for the same message: fields in
 * field-number order, proto3 zero values left out (0, false, "", and a
 * double equal to 0.0, as protobuf-c 1.4 does), negative int32 as ten-byte
 * varints, doubles as little-endian fixed64. tests/unit/test_replay.c
 * checks it against protobuf-c, and every replay checks it against the
 * recorded bytes; a field added to wg.proto must be added here too.
 *
 * Owns nothing: it appends to the caller's wg_wire_buf_t, which grows by
 * realloc (out of memory aborts, as the arena does). Reentrant, no state.
 * Bytes it is given to walk that are not protobuf fields are WG_EMALFORMED;
 * an envelope with another payload than the packer's is WG_EMALFORMED.
 */
#include "wg/error.h"
#include "wg/rules.h"
#include "wg/wire.h"
#include "wire_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- field writers: each returns the byte after what it wrote ------- */

static inline uint8_t *
put_varint(uint8_t *p, uint64_t v)
{
    if (v < 0x80) { /* most of them */
        *p++ = (uint8_t)v;
        return p;
    }
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* A varint field: uint64, and below it uint32, int32 and enums. */
static inline uint8_t *
put_u64(uint8_t *p, unsigned field, uint64_t v)
{
    if (v == 0)
        return p;
    p = put_varint(p, field << 3); /* fields past 15 take a 2-byte key */
    return put_varint(p, v);
}

static inline uint8_t *
put_u32(uint8_t *p, unsigned field, uint32_t v)
{
    return put_u64(p, field, v);
}

/* int32 and enums: a negative value is sign-extended to 64 bits. */
static inline uint8_t *
put_i32(uint8_t *p, unsigned field, int32_t v)
{
    return put_u64(p, field, (uint64_t)(int64_t)v);
}

static inline uint8_t *
put_bool(uint8_t *p, unsigned field, bool v)
{
    if (!v)
        return p;
    p = put_varint(p, field << 3);
    *p++ = 1;
    return p;
}

static inline uint8_t *
put_double(uint8_t *p, unsigned field, double v)
{
    if (v == 0)
        return p;
    p = put_varint(p, field << 3 | 1);
    uint64_t bits;
    memcpy(&bits, &v, 8);
    for (int i = 0; i < 8; i++)
        *p++ = (uint8_t)(bits >> (8 * i));
    return p;
}

static inline uint8_t *
put_strn(uint8_t *p, unsigned field, const char *s, size_t n)
{
    if (n == 0)
        return p;
    *p++ = (uint8_t)(field << 3 | 2);
    p = put_varint(p, n);
    memcpy(p, s, n);
    return p + n;
}

static inline uint8_t *
put_str(uint8_t *p, unsigned field, const char *s)
{
    return put_strn(p, field, s, strlen(s));
}

/* A sub-message: its tag and a one-byte length are written before the
 * content; close_sub() fixes the length, moving the content up in the rare
 * case that it needs a longer one. */
static inline uint8_t *
open_sub(uint8_t *p, unsigned field)
{
    *p++ = (uint8_t)(field << 3 | 2);
    return p + 1;
}

static inline uint8_t *
close_sub(uint8_t *start, uint8_t *end)
{
    size_t n = (size_t)(end - start);
    size_t vs = wg__varint_size(n);
    if (vs > 1)
        memmove(start + vs - 1, start, n);
    put_varint(start - 1, n);
    return end + vs - 1;
}

/* One SectorState (of a Situation or a TurnResult) as field `field`. */
static inline uint8_t *
put_sector_state(uint8_t *p, unsigned field, const char *code, size_t code_len,
                 uint32_t length_km, double threat, bool rear,
                 uint32_t required, uint32_t deployed, double coverage)
{
    uint8_t *start = open_sub(p, field);
    p = put_strn(start, 1, code, code_len);
    p = put_u32(p, 2, length_km);
    p = put_double(p, 3, threat);
    p = put_bool(p, 4, rear);
    p = put_u32(p, 5, required);
    p = put_u32(p, 6, deployed);
    p = put_double(p, 7, coverage);
    return close_sub(start, p);
}

/* ---- the buffer ------------------------------------------------------- */

void
wg_wire_buf_free(wg_wire_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

/* Room for n more bytes; returns where they go. */
static uint8_t *
buf_room(wg_wire_buf_t *b, size_t n)
{
    if (b->len + n > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->len + n)
            c *= 2;
        uint8_t *nb = realloc(b->data, c);
        if (nb == NULL)
            abort(); /* as wg_arena_alloc does */
        b->data = nb;
        b->cap = c;
    }
    return b->data + b->len;
}

/* A field written after its body: 1 + 5 bytes are reserved for the tag and
 * the length, and the body moves down to close the gap. Returns the offset
 * of the body. */
#define PREFIX_MAX 6

static size_t
close_field(wg_wire_buf_t *b, size_t at, unsigned field, uint8_t *end)
{
    uint8_t *body = b->data + at + PREFIX_MAX;
    size_t n = (size_t)(end - body);
    if (field == 0) { /* the bare message: no prefix */
        memmove(b->data + at, body, n);
        b->len = at + n;
        return at;
    }
    uint8_t prefix[PREFIX_MAX];
    uint8_t *p = put_varint(prefix, (uint64_t)field << 3 | 2);
    p = put_varint(p, n);
    size_t pl = (size_t)(p - prefix);
    memcpy(b->data + at, prefix, pl);
    memmove(b->data + at + pl, body, n);
    b->len = at + pl + n;
    return at + pl;
}

/* ---- Situation and incidents, from the state ------------------------- */

/* An upper bound on the encoded size, so that the writers need no checks. */
static size_t
situation_bound(const wg_scenario_t *sc, const wg_state_t *st)
{
    return PREFIX_MAX + 64 + WG_NAME_MAX + sc->n_sectors * (48 + WG_CODE_MAX) +
           sc->n_nations * (80 + WG_CODE_MAX) +
           (size_t)st->n_units * (56 + 2 * WG_CODE_MAX);
}

/* A scenario's codes by index with their lengths, and the units' nation
 * (field 2) and sector (field 4) fields ready made, copied whole (the bound
 * leaves room for the fixed-size copy). */
typedef struct {
    uint8_t nlen[WG_MAX_NATIONS], slen[WG_MAX_SECTORS];
    uint8_t nfield[WG_MAX_NATIONS][WG_CODE_MAX + 2];
    uint8_t sfield[WG_MAX_SECTORS][WG_CODE_MAX + 2];
} codes_t;

static void
codes_init(codes_t *c, const wg_scenario_t *sc)
{
    memset(c->nfield, 0, sizeof c->nfield);
    memset(c->sfield, 0, sizeof c->sfield);
    for (size_t i = 0; i < sc->n_nations; i++) {
        c->nlen[i] = (uint8_t)strnlen(sc->nations[i].code, WG_CODE_MAX - 1);
        put_strn(c->nfield[i], 2, sc->nations[i].code, c->nlen[i]);
    }
    for (size_t i = 0; i < sc->n_sectors; i++) {
        c->slen[i] = (uint8_t)strnlen(sc->sectors[i].code, WG_CODE_MAX - 1);
        put_strn(c->sfield[i], 4, sc->sectors[i].code, c->slen[i]);
    }
}

/* Nation i of a Situation as field 7; t is its troops by status,
 * max_troops its ceiling (wg_rules_max_troops()). */
static inline uint8_t *
put_nation_state(uint8_t *p, const wg_scenario_t *sc, size_t i,
                 const wg_nation_state_t *ns, const uint32_t *t,
                 uint32_t max_troops, const codes_t *c, bool detail)
{
    uint8_t *start = open_sub(p, 7);
    p = put_strn(start, 1, sc->nations[i].code, c->nlen[i]);
    p = put_bool(p, 2, ns->gate_open);
    p = put_bool(p, 3, ns->withdrawn);
    p = put_bool(p, 4, ns->leaving);
    p = put_double(p, 5, detail ? ns->cohesion : 0.0);
    p = put_u32(p, 6, t[WG_UNIT_DEPLOYED]);
    p = put_u32(p, 7,
                detail ? t[WG_UNIT_PREPARING] + t[WG_UNIT_READY] +
                             t[WG_UNIT_ENTERING]
                       : 0);
    p = put_u32(p, 8, detail ? t[WG_UNIT_RECOVERING] : 0);
    p = put_u32(p, 9, ns->kia);
    p = put_u32(p, 10, ns->wia);
    p = put_u32(p, 11, detail ? max_troops : 0);
    return close_sub(start, p);
}

/* One unit of a Situation as field 8. */
static inline uint8_t *
put_unit_state(uint8_t *p, const wg_unit_t *su, const codes_t *c)
{
    uint8_t *start = open_sub(p, 8);
    p = put_u32(start, 1, su->id);
    if (c->nlen[su->nation] > 0) {
        memcpy(p, c->nfield[su->nation], sizeof c->nfield[0]);
        p += 2 + c->nlen[su->nation];
    }
    p = put_i32(p, 3, su->status);
    if (su->sector >= 0 && c->slen[su->sector] > 0) {
        memcpy(p, c->sfield[su->sector], sizeof c->sfield[0]);
        p += 2 + c->slen[su->sector];
    }
    p = put_u32(p, 5, su->troops);
    p = put_i32(p, 6, su->weeks_left);
    p = put_u32(p, 7, su->first_tour);
    return close_sub(start, p);
}

size_t
wg_wire_put_situation(wg_wire_buf_t *b, unsigned field, const wg_scenario_t *sc,
                      const wg_state_t *st)
{
    return wg_wire_put_situation_as(b, field, sc, st, NULL);
}

size_t
wg_wire_put_situation_as(wg_wire_buf_t *b, unsigned field,
                         const wg_scenario_t *sc, const wg_state_t *st,
                         const wg_share_view_t *v)
{
    size_t at = b->len;
    uint8_t *p = buf_room(b, situation_bound(sc, st)) + PREFIX_MAX;

    uint32_t sector_troops[WG_MAX_SECTORS];
    uint32_t nation_troops[WG_MAX_NATIONS][WG__UNIT_STATUSES];
    wg__wire_count_troops(st, sector_troops, nation_troops);
    codes_t c;
    codes_init(&c, sc);

    p = put_u32(p, 1, st->turn);
    p = put_u32(p, 2, st->week);
    p = put_u32(p, 3, st->escalation);
    p = put_double(p, 4, st->stability);
    p = put_str(p, 5,
                st->regime < sc->n_regimes ? sc->regimes[st->regime].name : "");
    for (size_t i = 0; i < sc->n_sectors; i++) {
        const wg_sector_t *sec = &sc->sectors[i];
        p = put_sector_state(p, 6, sec->code, c.slen[i], sec->length_km,
                             sec->threat, sec->rear, st->required[i],
                             sector_troops[i], st->coverage[i]);
    }
    for (size_t i = 0; i < sc->n_nations; i++)
        p = put_nation_state(p, sc, i, &st->nations[i], nation_troops[i],
                             wg_rules_max_troops(sc, st, i), &c,
                             v == NULL || wg_share_nation(v, i));
    for (uint32_t i = 0; i < st->n_units; i++)
        if (v == NULL || wg_share_unit(v, &st->units[i]))
            p = put_unit_state(p, &st->units[i], &c);
    p = put_u32(p, 9, st->recommit_cooldown);
    return close_field(b, at, field, p);
}

void
wg_wire_put_incidents(wg_wire_buf_t *b, unsigned field, const wg_scenario_t *sc,
                      const wg_incident_list_t *inc)
{
    wg_wire_put_incidents_as(b, field, sc, NULL, inc, NULL);
}

void
wg_wire_put_incidents_as(wg_wire_buf_t *b, unsigned field,
                         const wg_scenario_t *sc, const wg_state_t *st,
                         const wg_incident_list_t *inc,
                         const wg_share_view_t *v)
{
    /* As wg_wire_incidents() builds them, one field per incident. */
    uint8_t *p = buf_room(
        b, (size_t)inc->n * (2 + 2 * 6 + 3 * (1 + WG_CODE_MAX) + WG_NAME_MAX));
    for (uint32_t i = 0; i < inc->n; i++) {
        const wg_incident_t *in = &inc->items[i];
        if (v != NULL && !wg_share_incident(v, st, in))
            continue;
        uint8_t *start = open_sub(p, field);
        p = put_u32(start, 1, in->id);
        p = put_str(p, 2, sc->sectors[in->sector].code);
        p = put_str(p, 3, sc->incident_types[in->type].name);
        if (in->nation >= 0)
            p = put_str(p, 4, sc->nations[in->nation].code);
        p = put_u32(p, 5, in->count);
        p = close_sub(start, p);
    }
    b->len = (size_t)(p - b->data);
}

/* ---- TurnResult ------------------------------------------------------- */

/* A string of a repeated field: written even when empty, as protobuf-c
 * writes every element. */
static inline uint8_t *
put_str_elem(uint8_t *p, unsigned field, const char *s)
{
    size_t n = strlen(s);
    *p++ = (uint8_t)(field << 3 | 2);
    p = put_varint(p, n);
    memcpy(p, s, n);
    return p + n;
}

static inline uint8_t *
put_bytes(uint8_t *p, unsigned field, ProtobufCBinaryData d)
{
    if (d.len == 0)
        return p;
    *p++ = (uint8_t)(field << 3 | 2);
    p = put_varint(p, d.len);
    memcpy(p, d.data, d.len);
    return p + d.len;
}

static const char *
or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* An upper bound on m's encoded size. */
static size_t
result_bound(const Wgpb__V1__TurnResult *m)
{
    size_t n = PREFIX_MAX + 144 + strlen(or_empty(m->regime)) +
               m->state_digest.len + m->chain.len + m->n_outcomes * 40;
    for (size_t i = 0; i < m->n_nations; i++)
        n += 96 + strlen(or_empty(m->nations[i]->code));
    for (size_t i = 0; i < m->n_sectors; i++)
        n += 80 + strlen(or_empty(m->sectors[i]->code));
    for (size_t i = 0; i < m->n_events; i++)
        n += 12 + strlen(or_empty(m->events[i]));
    for (size_t i = 0; i < m->n_defaulted; i++)
        n += 12 + strlen(or_empty(m->defaulted[i]));
    return n;
}

size_t
wg_wire_put_result(wg_wire_buf_t *b, unsigned field,
                   const Wgpb__V1__TurnResult *m)
{
    size_t at = b->len;
    uint8_t *p = buf_room(b, result_bound(m)) + PREFIX_MAX;
    p = put_i32(p, 1, (int32_t)m->type);
    p = put_u32(p, 2, m->week);
    for (size_t i = 0; i < m->n_nations; i++) {
        const Wgpb__V1__NationResult *n = m->nations[i];
        uint8_t *start = open_sub(p, 3);
        p = put_str(start, 1, or_empty(n->code));
        p = put_u32(p, 2, n->deployed);
        p = put_u32(p, 3, n->preparing);
        p = put_u32(p, 4, n->recovering);
        p = put_u32(p, 5, n->kia);
        p = put_u32(p, 6, n->wia);
        p = put_double(p, 7, n->cohesion);
        p = put_bool(p, 8, n->withdrawn);
        p = put_bool(p, 9, n->leaving);
        p = put_u32(p, 10, n->gaps);
        p = close_sub(start, p);
    }
    for (size_t i = 0; i < m->n_sectors; i++) {
        const Wgpb__V1__SectorState *s = m->sectors[i];
        const char *code = or_empty(s->code);
        p = put_sector_state(p, 4, code, strlen(code), s->length_km, s->threat,
                             s->rear, s->required, s->deployed, s->coverage);
    }
    p = put_u32(p, 5, m->incidents);
    p = put_u32(p, 6, m->kia);
    p = put_u32(p, 7, m->wia);
    p = put_u32(p, 8, m->escalation);
    p = put_double(p, 9, m->stability);
    p = put_str(p, 10, or_empty(m->regime));
    for (size_t i = 0; i < m->n_outcomes; i++) {
        const Wgpb__V1__IncidentOutcome *o = m->outcomes[i];
        uint8_t *start = open_sub(p, 11);
        p = put_u32(start, 1, o->incident);
        p = put_u32(p, 2, o->kia);
        p = put_u32(p, 3, o->wia);
        p = put_bool(p, 4, o->escalated);
        p = put_i32(p, 5, (int32_t)o->action);
        p = close_sub(start, p);
    }
    for (size_t i = 0; i < m->n_events; i++)
        p = put_str_elem(p, 12, or_empty(m->events[i]));
    for (size_t i = 0; i < m->n_defaulted; i++)
        p = put_str_elem(p, 13, or_empty(m->defaulted[i]));
    p = put_bytes(p, 14, m->state_digest);
    p = put_bytes(p, 15, m->chain);
    p = put_u32(p, 16, m->violations);
    p = put_double(p, 17, m->violations_per_day);
    p = put_double(p, 18, m->violations_per_km_day);
    p = put_u32(p, 19, m->drone_activity);
    p = put_u32(p, 20, m->force_events);
    p = put_bool(p, 21, m->recommitted);
    return close_field(b, at, field, p);
}

/* ---- envelopes --------------------------------------------------------- */

/* Replaces out's contents with env's fields but its payload, as protobuf-c
 * packs them (they are few and small); the payload is then appended. */
static void
put_head(const Wgpb__V1__Envelope *env, wg_wire_buf_t *out)
{
    Wgpb__V1__Envelope head = *env;
    head.payload_case = WGPB__V1__ENVELOPE__PAYLOAD__NOT_SET;
    size_t hl = wgpb__v1__envelope__get_packed_size(&head);
    out->len = 0;
    wgpb__v1__envelope__pack(&head, buf_room(out, hl));
    out->len = hl;
}

/* An upper bound on the encoded size of m's own fields (not the
 * situation and incidents, which come as bytes). */
static size_t
turn_start_bound(const Wgpb__V1__TurnStart *m)
{
    size_t n = PREFIX_MAX + 64;
    for (size_t i = 0; i < m->n_expected; i++)
        n += 12 + strlen(or_empty(m->expected[i]));
    if (m->requirement != NULL)
        for (size_t i = 0; i < m->requirement->n_sectors; i++)
            n += 24 + strlen(or_empty(m->requirement->sectors[i]->sector));
    for (size_t i = 0; i < m->n_pledges; i++) {
        const Wgpb__V1__Pledge *pl = m->pledges[i];
        n += 24 + strlen(or_empty(pl->nation));
        for (size_t k = 0; k < pl->n_sectors; k++)
            n += 12 + strlen(or_empty(pl->sectors[k]));
    }
    return n;
}

int
wg_wire_pack_turn_start(const Wgpb__V1__Envelope *env, const uint8_t *situation,
                        size_t situation_len, const uint8_t *incidents,
                        size_t incidents_len, wg_wire_buf_t *out)
{
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_TURN_START ||
        env->turn_start == NULL)
        return WG_EMALFORMED;
    const Wgpb__V1__TurnStart *m = env->turn_start;
    put_head(env, out);
    size_t at = out->len;
    uint8_t *p =
        buf_room(out, turn_start_bound(m) + situation_len + incidents_len) +
        PREFIX_MAX;
    p = put_i32(p, 1, (int32_t)m->type);
    p = put_u32(p, 2, m->deadline_ms);
    for (size_t i = 0; i < m->n_expected; i++)
        p = put_str_elem(p, 3, or_empty(m->expected[i]));
    memcpy(p, situation, situation_len); /* field 4 */
    p += situation_len;
    if (m->requirement != NULL) {
        uint8_t *start = open_sub(p, 5);
        p = start;
        for (size_t i = 0; i < m->requirement->n_sectors; i++) {
            const Wgpb__V1__SectorTroops *s = m->requirement->sectors[i];
            uint8_t *sub = open_sub(p, 1);
            p = put_str(sub, 1, or_empty(s->sector));
            p = put_u32(p, 2, s->troops);
            p = close_sub(sub, p);
        }
        p = close_sub(start, p);
    }
    for (size_t i = 0; i < m->n_pledges; i++) {
        const Wgpb__V1__Pledge *pl = m->pledges[i];
        uint8_t *start = open_sub(p, 6);
        p = put_str(start, 1, or_empty(pl->nation));
        p = put_u32(p, 2, pl->troops);
        for (size_t k = 0; k < pl->n_sectors; k++)
            p = put_str_elem(p, 3, or_empty(pl->sectors[k]));
        p = close_sub(start, p);
    }
    memcpy(p, incidents, incidents_len); /* field 7 */
    p += incidents_len;
    p = put_u32(p, 8, m->rotation_due_within);
    close_field(out, at, WGPB__V1__ENVELOPE__PAYLOAD_TURN_START, p);
    return 0;
}

int
wg_wire_pack_result(const Wgpb__V1__Envelope *env, wg_wire_buf_t *out)
{
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_RESULT ||
        env->result == NULL)
        return WG_EMALFORMED;
    put_head(env, out);
    wg_wire_put_result(out, WGPB__V1__ENVELOPE__PAYLOAD_RESULT, env->result);
    return 0;
}

int
wg_wire_pack_welcome(const Wgpb__V1__Envelope *env, const uint8_t *snapshot,
                     size_t snapshot_len, wg_wire_buf_t *out)
{
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_WELCOME ||
        env->welcome == NULL)
        return WG_EMALFORMED;
    const Wgpb__V1__Welcome *w = env->welcome;
    put_head(env, out);
    size_t at = out->len;
    const char *name = or_empty(w->scenario_name);
    uint8_t *p =
        buf_room(out, PREFIX_MAX + 48 + strlen(name) + w->scenario_hash.len +
                          snapshot_len + w->scenario_text.len) +
        PREFIX_MAX;
    p = put_str(p, 1, name);
    p = put_bytes(p, 2, w->scenario_hash);
    p = put_u64(p, 3, w->seed);
    p = put_u32(p, 4, w->total_turns);
    memcpy(p, snapshot, snapshot_len); /* field 5 */
    p += snapshot_len;
    p = put_u32(p, 6, w->deadline_ms);
    p = put_bytes(p, 7, w->scenario_text);
    close_field(out, at, WGPB__V1__ENVELOPE__PAYLOAD_WELCOME, p);
    return 0;
}

/* ---- reading fields without decoding ----------------------------------- */

static int
get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return -1;
        uint8_t b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 0;
        }
    }
    return -1;
}

int
wg_wire_next_field(const uint8_t **p, const uint8_t *end, uint32_t *num,
                   int *wt, uint64_t *val, const uint8_t **data, size_t *len)
{
    uint64_t key;
    if (get_varint(p, end, &key) < 0 || key >> 3 == 0 || key >> 3 > 0x1fffffff)
        return -1;
    *num = (uint32_t)(key >> 3);
    *wt = (int)(key & 7);
    switch (*wt) {
    case 0:
        return get_varint(p, end, val);
    case 1:
    case 5: {
        size_t n = *wt == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n)
            return -1;
        *p += n;
        return 0;
    }
    case 2: {
        uint64_t n;
        if (get_varint(p, end, &n) < 0 || n > (uint64_t)(end - *p))
            return -1;
        *data = *p;
        *len = (size_t)n;
        *p += n;
        return 0;
    }
    default:
        return -1; /* groups: never written by wg */
    }
}

/* The last field numbered num of wire type wt (-1: any): 1 with its value
 * or bytes, 0 if none, -1 for bytes that are not fields. */
static int
last_field(const uint8_t *p, size_t n, uint32_t num, int wt, uint64_t *val,
           const uint8_t **data, size_t *len)
{
    const uint8_t *end = p + n;
    int found = 0;
    while (p < end) {
        uint32_t f;
        int w;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t l = 0;
        if (wg_wire_next_field(&p, end, &f, &w, &v, &d, &l) < 0)
            return -1;
        if (f == num && (wt < 0 || w == wt)) {
            found = 1;
            *val = v;
            *data = d;
            *len = l;
        }
    }
    return found;
}

const uint8_t *
wg_wire_last_bytes(const uint8_t *p, size_t n, uint32_t num, size_t *len)
{
    uint64_t v;
    const uint8_t *d;
    return last_field(p, n, num, 2, &v, &d, len) == 1 ? d : NULL;
}

uint64_t
wg_wire_last_varint(const uint8_t *p, size_t n, uint32_t num)
{
    uint64_t v;
    const uint8_t *d;
    size_t l;
    return last_field(p, n, num, 0, &v, &d, &l) == 1 ? v : 0;
}

bool
wg_wire_has_field(const uint8_t *p, size_t n, uint32_t num)
{
    uint64_t v;
    const uint8_t *d;
    size_t l;
    return last_field(p, n, num, -1, &v, &d, &l) == 1;
}

int
wg_wire_restamp(const uint8_t *in, size_t len, uint64_t seq, wg_wire_buf_t *out)
{
    enum { F_SEQ = 5, F_RECIPIENT = 6 };
    out->len = 0;
    uint8_t *o = buf_room(out, len + 11);
    const uint8_t *p = in, *end = in + len;
    bool stamped = false;
    while (p < end) {
        uint32_t num;
        int wt;
        uint64_t v;
        const uint8_t *d, *next = p;
        size_t l;
        if (wg_wire_next_field(&next, end, &num, &wt, &v, &d, &l) < 0) {
            out->len = 0;
            return WG_EMALFORMED;
        }
        if (num >= F_SEQ && !stamped) {
            if (seq != 0) {
                *o++ = F_SEQ << 3;
                o = put_varint(o, seq);
            }
            stamped = true;
        }
        if (num != F_SEQ && num != F_RECIPIENT) {
            memcpy(o, p, (size_t)(next - p));
            o += next - p;
        }
        p = next;
    }
    if (!stamped && seq != 0) {
        *o++ = F_SEQ << 3;
        o = put_varint(o, seq);
    }
    out->len = (size_t)(o - out->data);
    return 0;
}
