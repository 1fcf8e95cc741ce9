/*
 * guard.c - per-peer token buckets and a bounded account of refusals (see
 * wg/guard.h).
 *
 * Owns one table of peers, open-addressed by a hash of the routing id, and
 * an order of first sight for the summaries; a peer beyond the table's
 * size shares the last entry. Nothing is freed before destroy: the table
 * is fixed, so a flood of new connections costs no memory. Single thread.
 */
#include "wg/guard.h"

#include "wg.pb-c.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX 255
#define OVERFLOW WG_GUARD_MAX_PEERS /* the entry peers beyond share */
#define SLOTS (2 * WG_GUARD_MAX_PEERS)

typedef struct {
    uint8_t id[ID_MAX];
    uint8_t len;
    char name[WG_GUARD_NAME_MAX];
    double tokens;
    uint64_t last_ms;
    bool clocked;     /* last_ms set */
    uint64_t in_full; /* refusals said in full */
    unsigned joins;   /* Joins while bound, since the last phase start */
    uint64_t counts[WG_GUARD_N_CAUSES];
    bool pending; /* counts not yet flushed */
} peer_t;

struct wg_guard {
    wg_guard_config_t cfg;
    peer_t peers[WG_GUARD_MAX_PEERS + 1];
    size_t n_peers;
    int16_t slot[SLOTS]; /* index into peers, -1 free */
    uint64_t totals[WG_GUARD_N_CAUSES];
};

wg_guard_t *
wg_guard_new(const wg_guard_config_t *cfg)
{
    wg_guard_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return NULL;
    if (cfg != NULL)
        self->cfg = *cfg;
    if (self->cfg.rate == 0)
        self->cfg.rate = 50;
    if (self->cfg.burst == 0)
        self->cfg.burst = 200;
    if (self->cfg.per_phase == 0)
        self->cfg.per_phase = 8;
    if (self->cfg.in_full == 0)
        self->cfg.in_full = 16;
    for (size_t i = 0; i < SLOTS; i++)
        self->slot[i] = -1;
    peer_t *o = &self->peers[OVERFLOW];
    snprintf(o->name, sizeof o->name, "other peers");
    o->tokens = self->cfg.burst;
    return self;
}

void
wg_guard_destroy(wg_guard_t **self_p)
{
    assert(self_p != NULL);
    free(*self_p);
    *self_p = NULL;
}

static uint32_t
hash(const uint8_t *id, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ id[i]) * 16777619u;
    return h;
}

/* The peer's entry, made on first sight (the shared one when full). */
static peer_t *
find(wg_guard_t *self, const uint8_t *id, size_t len)
{
    if (len > ID_MAX)
        len = ID_MAX;
    for (uint32_t h = hash(id, len), n = 0; n < SLOTS; n++, h++) {
        int16_t *s = &self->slot[h % SLOTS];
        if (*s < 0) {
            if (self->n_peers == WG_GUARD_MAX_PEERS)
                break;
            peer_t *p = &self->peers[self->n_peers];
            *s = (int16_t)self->n_peers++;
            memcpy(p->id, id, len);
            p->len = (uint8_t)len;
            p->tokens = self->cfg.burst;
            snprintf(p->name, sizeof p->name, "peer %zu", self->n_peers);
            return p;
        }
        peer_t *p = &self->peers[*s];
        if (p->len == len && memcmp(p->id, id, len) == 0)
            return p;
    }
    return &self->peers[OVERFLOW];
}

bool
wg_guard_admit(wg_guard_t *self, const uint8_t *peer, size_t len,
               uint64_t now_ms)
{
    peer_t *p = find(self, peer, len);
    if (p->clocked && now_ms > p->last_ms) {
        p->tokens += (double)(now_ms - p->last_ms) * self->cfg.rate / 1000.0;
        if (p->tokens > self->cfg.burst)
            p->tokens = self->cfg.burst;
    }
    p->last_ms = now_ms;
    p->clocked = true;
    if (p->tokens >= 1.0) {
        p->tokens -= 1.0;
        return true;
    }
    wg_guard_refused(self, peer, len, WG_CAUSE_RATE);
    return false;
}

void
wg_guard_phase(wg_guard_t *self)
{
    for (size_t i = 0; i <= WG_GUARD_MAX_PEERS; i++) {
        peer_t *p = &self->peers[i];
        p->tokens += self->cfg.per_phase;
        if (p->tokens > self->cfg.burst)
            p->tokens = self->cfg.burst;
        p->joins = 0;
    }
}

bool
wg_guard_join(wg_guard_t *self, const uint8_t *peer, size_t len)
{
    peer_t *p = find(self, peer, len);
    if (p->joins < WG_GUARD_JOINS) {
        p->joins++;
        return true;
    }
    wg_guard_refused(self, peer, len, WG_CAUSE_RATE);
    return false;
}

bool
wg_guard_refused(wg_guard_t *self, const uint8_t *peer, size_t len, int cause)
{
    assert(cause >= 0 && cause < WG_GUARD_N_CAUSES);
    self->totals[cause]++;
    if (peer == NULL || len == 0)
        return true;
    peer_t *p = find(self, peer, len);
    /* The bucket's refusals are never in full: the one that empties it is
     * followed by thousands like it. */
    if (cause != WG_CAUSE_RATE && p->in_full < self->cfg.in_full) {
        p->in_full++;
        return true;
    }
    p->counts[cause]++;
    p->pending = true;
    return false;
}

void
wg_guard_name(wg_guard_t *self, const uint8_t *peer, size_t len,
              const char *name)
{
    peer_t *p = find(self, peer, len);
    if (p != &self->peers[OVERFLOW])
        snprintf(p->name, sizeof p->name, "%s", name);
}

const char *
wg_guard_peer_name(wg_guard_t *self, const uint8_t *peer, size_t len)
{
    return find(self, peer, len)->name;
}

void
wg_guard_flush(wg_guard_t *self, wg_guard_summary_cb cb, void *arg)
{
    for (size_t i = 0; i <= self->n_peers; i++) {
        /* The peers seen, then the entry the ones beyond share. */
        peer_t *p = &self->peers[i == self->n_peers ? OVERFLOW : i];
        if (!p->pending)
            continue;
        cb(p->name, p->counts, arg);
        memset(p->counts, 0, sizeof p->counts);
        p->pending = false;
    }
}

void
wg_guard_totals(const wg_guard_t *self, uint64_t out[WG_GUARD_N_CAUSES])
{
    memcpy(out, self->totals, sizeof self->totals);
}

const char *
wg_guard_cause_name(int cause)
{
    static const char *const bus[] = {"frames", "oversize", "rate"};
    if (cause >= WG_GUARD_N_CODES && cause < WG_GUARD_N_CAUSES)
        return bus[cause - WG_GUARD_N_CODES];
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &wgpb__v1__error_code__descriptor, cause);
    return v != NULL ? v->name : "ERROR_CODE_UNSPECIFIED";
}
