/*
 * wire.c - packing, unpacking and conversion of wgpb.v1 messages.
 *
 * Owns nothing beyond the arenas it hands out. Outgoing messages point into
 * an arena (never into the state), so the state can change after a message
 * is built; codes and names point at the scenario's own strings, which live
 * as long as the scenario (copying them cost a strdup per unit per phase
 * start, and a replay makes thousands of those). Incoming messages are checked
 * field by field: a code that the scenario does not know, a count over the
 * fixed limits or a value out of range is WG_EMALFORMED with a reason, never an
 * assert.
 */
#include "wg/wire.h"
#include "wg/error.h"
#include "wire_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------ */

#define ARENA_BLOCK (64 * 1024)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block_t;

struct wg_arena {
    arena_block_t *head;
};

wg_arena_t *
wg_arena_new(void)
{
    wg_arena_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        abort();
    return self;
}

/* Uncleared memory, for protobuf-c's unpack (it initialises every message
 * and array it allocates). */
static void *
arena_alloc_raw(wg_arena_t *self, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    arena_block_t *b = self->head;
    if (b == NULL || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (b == NULL)
            abort();
        b->next = self->head;
        b->used = 0;
        b->size = cap;
        self->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

void *
wg_arena_alloc(wg_arena_t *self, size_t size)
{
    void *p = arena_alloc_raw(self, size);
    memset(p, 0, size);
    return p;
}

char *
wg_arena_strdup(wg_arena_t *self, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = wg_arena_alloc(self, n);
    memcpy(p, s, n);
    return p;
}

void
wg_arena_reset(wg_arena_t *self)
{
    arena_block_t *b = self->head;
    /* Keep one block for reuse: most messages fit in it. */
    while (b != NULL && b->next != NULL) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    self->head = b;
    if (b != NULL)
        b->used = 0;
}

void
wg_arena_destroy(wg_arena_t **self_p)
{
    wg_arena_t *self = *self_p;
    if (self == NULL)
        return;
    arena_block_t *b = self->head;
    while (b != NULL) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(self);
    *self_p = NULL;
}

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
    return arena_alloc_raw(data, size);
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
    switch (t) {
    case WG_TURN_DEPLOYMENT:
        return "deployment";
    case WG_TURN_ROTATION:
        return "rotation";
    case WG_TURN_INCIDENT:
        return "incident";
    }
    return "unknown";
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

static int
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

    /* Troops by sector and by nation and status, in one pass over the
     * units (a pass per sector and per nation showed in every replay). */
    uint32_t sector_troops[WG_MAX_SECTORS] = {0};
    uint32_t nation_troops[WG_MAX_NATIONS][5] = {{0}};
    for (uint32_t u = 0; u < st->n_units; u++) {
        const wg_unit_t *su = &st->units[u];
        if (su->status == WG_UNIT_DEPLOYED && su->sector >= 0 &&
            su->sector < WG_MAX_SECTORS)
            sector_troops[su->sector] += su->troops;
        if (su->nation < WG_MAX_NATIONS && su->status <= 4)
            nation_troops[su->nation][su->status] += su->troops;
    }

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
        n->preparing = t[WG_UNIT_PREPARING] + t[WG_UNIT_READY];
        n->recovering = t[WG_UNIT_RECOVERING];
        n->kia = ns->kia;
        n->wia = ns->wia;
        n->max_troops = wg_nation_ceiling(sc, &sc->nations[i]);
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
        m->units[i] = u;
    }
    return m;
}

/* ---- the Situation, encoded straight from the state ------------------- */

/*
 * Every phase start carries the whole Situation (a few hundred units), and
 * so does every state digest and Welcome; building it as protobuf-c
 * messages and packing them through the descriptors cost more than all the
 * rules of a turn. This encoder writes the same bytes protobuf-c writes for
 * what wg_wire_situation() builds: fields in field-number order, proto3
 * zero values left out (0, false, "", and a double equal to 0.0, as
 * protobuf-c 1.4 does), negative int32 as ten-byte varints, doubles as
 * little-endian fixed64. tests/unit/test_replay.c checks it against
 * protobuf-c, and every replay checks it against the recorded bytes.
 */

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

static inline uint8_t *
put_u32(uint8_t *p, unsigned field, uint32_t v)
{
    if (v == 0)
        return p;
    *p++ = (uint8_t)(field << 3);
    return put_varint(p, v);
}

/* int32 and enums: a negative value is sign-extended to 64 bits. */
static inline uint8_t *
put_i32(uint8_t *p, unsigned field, int32_t v)
{
    if (v == 0)
        return p;
    *p++ = (uint8_t)(field << 3);
    return put_varint(p, (uint64_t)(int64_t)v);
}

static inline uint8_t *
put_bool(uint8_t *p, unsigned field, bool v)
{
    if (!v)
        return p;
    *p++ = (uint8_t)(field << 3);
    *p++ = 1;
    return p;
}

static inline uint8_t *
put_double(uint8_t *p, unsigned field, double v)
{
    if (v == 0)
        return p;
    *p++ = (uint8_t)(field << 3 | 1);
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

static inline uint8_t *
put_u64(uint8_t *p, unsigned field, uint64_t v)
{
    if (v == 0)
        return p;
    *p++ = (uint8_t)(field << 3);
    return put_varint(p, v);
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

/* An upper bound on the encoded size, so that the writers need no checks. */
static size_t
situation_bound(const wg_scenario_t *sc, const wg_state_t *st)
{
    return PREFIX_MAX + 64 + WG_NAME_MAX + sc->n_sectors * (48 + WG_CODE_MAX) +
           sc->n_nations * (80 + WG_CODE_MAX) +
           (size_t)st->n_units * (56 + 2 * WG_CODE_MAX);
}

size_t
wg_wire_put_situation(wg_wire_buf_t *b, unsigned field, const wg_scenario_t *sc,
                      const wg_state_t *st)
{
    size_t at = b->len;
    uint8_t *p = buf_room(b, situation_bound(sc, st)) + PREFIX_MAX;

    uint32_t sector_troops[WG_MAX_SECTORS] = {0};
    uint32_t nation_troops[WG_MAX_NATIONS][5] = {{0}};
    for (uint32_t u = 0; u < st->n_units; u++) {
        const wg_unit_t *su = &st->units[u];
        if (su->status == WG_UNIT_DEPLOYED && su->sector >= 0 &&
            su->sector < WG_MAX_SECTORS)
            sector_troops[su->sector] += su->troops;
        if (su->nation < WG_MAX_NATIONS && su->status <= 4)
            nation_troops[su->nation][su->status] += su->troops;
    }
    /* Codes by index with their lengths; and the units' nation (field 2)
     * and sector (field 4) fields ready made, copied whole (the bound
     * leaves room for the fixed-size copy). */
    uint8_t nlen[WG_MAX_NATIONS], slen[WG_MAX_SECTORS];
    uint8_t nfield[WG_MAX_NATIONS][WG_CODE_MAX + 2];
    uint8_t sfield[WG_MAX_SECTORS][WG_CODE_MAX + 2];
    memset(nfield, 0, sizeof nfield);
    memset(sfield, 0, sizeof sfield);
    for (size_t i = 0; i < sc->n_nations; i++) {
        nlen[i] = (uint8_t)strnlen(sc->nations[i].code, WG_CODE_MAX - 1);
        put_strn(nfield[i], 2, sc->nations[i].code, nlen[i]);
    }
    for (size_t i = 0; i < sc->n_sectors; i++) {
        slen[i] = (uint8_t)strnlen(sc->sectors[i].code, WG_CODE_MAX - 1);
        put_strn(sfield[i], 4, sc->sectors[i].code, slen[i]);
    }

    p = put_u32(p, 1, st->turn);
    p = put_u32(p, 2, st->week);
    p = put_u32(p, 3, st->escalation);
    p = put_double(p, 4, st->stability);
    p = put_str(p, 5,
                st->regime < sc->n_regimes ? sc->regimes[st->regime].name : "");
    for (size_t i = 0; i < sc->n_sectors; i++) {
        const wg_sector_t *sec = &sc->sectors[i];
        p = put_sector_state(p, 6, sec->code, slen[i], sec->length_km,
                             sec->threat, sec->rear, st->required[i],
                             sector_troops[i], st->coverage[i]);
    }
    for (size_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_state_t *ns = &st->nations[i];
        const uint32_t *t = nation_troops[i];
        uint8_t *start = open_sub(p, 7);
        p = put_strn(start, 1, sc->nations[i].code, nlen[i]);
        p = put_bool(p, 2, ns->gate_open);
        p = put_bool(p, 3, ns->withdrawn);
        p = put_bool(p, 4, ns->leaving);
        p = put_double(p, 5, ns->cohesion);
        p = put_u32(p, 6, t[WG_UNIT_DEPLOYED]);
        p = put_u32(p, 7, t[WG_UNIT_PREPARING] + t[WG_UNIT_READY]);
        p = put_u32(p, 8, t[WG_UNIT_RECOVERING]);
        p = put_u32(p, 9, ns->kia);
        p = put_u32(p, 10, ns->wia);
        p = put_u32(p, 11, wg_nation_ceiling(sc, &sc->nations[i]));
        p = close_sub(start, p);
    }
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *su = &st->units[i];
        uint8_t *start = open_sub(p, 8);
        p = put_u32(start, 1, su->id);
        if (nlen[su->nation] > 0) {
            memcpy(p, nfield[su->nation], sizeof nfield[0]);
            p += 2 + nlen[su->nation];
        }
        p = put_i32(p, 3, su->status);
        if (su->sector >= 0 && slen[su->sector] > 0) {
            memcpy(p, sfield[su->sector], sizeof sfield[0]);
            p += 2 + slen[su->sector];
        }
        p = put_u32(p, 5, su->troops);
        p = put_i32(p, 6, su->weeks_left);
        p = close_sub(start, p);
    }
    return close_field(b, at, field, p);
}

void
wg_wire_put_incidents(wg_wire_buf_t *b, unsigned field, const wg_scenario_t *sc,
                      const wg_incident_list_t *inc)
{
    /* As wg_wire_incidents() builds them, one field per incident. */
    uint8_t *p = buf_room(
        b, (size_t)inc->n * (2 + 2 * 6 + 3 * (1 + WG_CODE_MAX) + WG_NAME_MAX));
    for (uint32_t i = 0; i < inc->n; i++) {
        const wg_incident_t *in = &inc->items[i];
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
    size_t n = PREFIX_MAX + 96 + strlen(or_empty(m->regime)) +
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
    return close_field(b, at, field, p);
}

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
    }
    if (m->n_units > WG_MAX_UNITS)
        return WG_EMALFORMED;
    for (size_t i = 0; i < m->n_units; i++) {
        const Wgpb__V1__UnitState *u = m->units[i];
        int n = nation_of(sc, u->nation);
        if (n < 0 || u->status < 1 || u->status > 4)
            return WG_EMALFORMED;
        wg_unit_t *su = &st->units[st->n_units++];
        su->id = u->id;
        su->nation = (uint8_t)n;
        su->sector = (int8_t)sector_of(sc, u->sector);
        su->status = (uint8_t)u->status;
        su->weeks_left = u->weeks_left;
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

Wgpb__V1__Pledge *
wg_wire_pledge(wg_arena_t *a, const wg_scenario_t *sc, size_t nation,
               const wg_pledge_t *p)
{
    Wgpb__V1__Pledge *m = ANEW(a, Wgpb__V1__Pledge);
    wgpb__v1__pledge__init(m);
    m->nation = (char *)sc->nations[nation].code;
    m->troops = p->troops;
    m->sectors = AARRAY(a, char *, sc->n_sectors);
    for (size_t i = 0; i < sc->n_sectors; i++)
        if (p->sector_mask & (1u << i))
            m->sectors[m->n_sectors++] = (char *)sc->sectors[i].code;
    return m;
}

int
wg_wire_read_pledge(const wg_scenario_t *sc, const Wgpb__V1__Pledge *m,
                    wg_pledge_t *p, char *why, size_t n)
{
    memset(p, 0, sizeof *p);
    if (m->n_sectors > WG_MAX_SECTORS)
        return fail(why, n, "%zu sectors in a pledge", m->n_sectors);
    p->troops = m->troops;
    for (size_t i = 0; i < m->n_sectors; i++) {
        int s = sector_of(sc, m->sectors[i]);
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", m->sectors[i]);
        p->sector_mask |= 1u << s;
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
        if (s < 0 || t < 0 || m->id != i + 1)
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

Wgpb__V1__CommandDecision *
wg_wire_decision(wg_arena_t *a, const wg_scenario_t *sc, const wg_decision_t *d)
{
    Wgpb__V1__CommandDecision *m = ANEW(a, Wgpb__V1__CommandDecision);
    wgpb__v1__command_decision__init(m);
    m->reinforce = AARRAY(a, char *, sc->n_sectors);
    for (size_t i = 0; i < sc->n_sectors; i++)
        if (d->reinforce_mask & (1u << i))
            m->reinforce[m->n_reinforce++] = (char *)sc->sectors[i].code;
    m->robust_roe = d->robust_roe;
    m->recommit = d->recommit;
    return m;
}

int
wg_wire_read_decision(const wg_scenario_t *sc,
                      const Wgpb__V1__CommandDecision *m, wg_decision_t *d,
                      char *why, size_t n)
{
    memset(d, 0, sizeof *d);
    if (m->n_reinforce > WG_MAX_SECTORS)
        return fail(why, n, "%zu sectors to reinforce", m->n_reinforce);
    for (size_t i = 0; i < m->n_reinforce; i++) {
        int s = sector_of(sc, m->reinforce[i]);
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", m->reinforce[i]);
        d->reinforce_mask |= 1u << s;
    }
    d->robust_roe = m->robust_roe;
    d->recommit = m->recommit;
    return 0;
}

/* ---- results --------------------------------------------------------------
 */

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
    r->kia = m->kia;
    r->wia = m->wia;
    r->escalation = m->escalation;
    r->stability = m->stability;
    for (size_t i = 0; i < sc->n_regimes; i++)
        if (m->regime && strcmp(m->regime, sc->regimes[i].name) == 0)
            r->regime = (uint32_t)i;
    for (size_t i = 0; i < m->n_events && i < WG_MAX_RESULT_EVENTS; i++) {
        snprintf(r->events[i], sizeof r->events[i], "%s", m->events[i]);
        r->n_events++;
    }
    return 0;
}
