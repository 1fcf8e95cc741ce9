/*
 * wg/guard.h - what one peer may cost the adjudicator: a rate per peer, and
 * a bounded account of what was refused.
 *
 * The adjudicator's process asks the guard, for every message a peer
 * sends, whether to look at it at all (a token bucket per peer), and tells
 * it of every refusal (a message the adjudicator read and refused, with
 * its ErrorCode, or one the bus or the bucket dropped unread). Each peer's
 * first few refusals are "in full": the caller records the Error reply in
 * the exercise log and says it on stderr. The rest are only counted, and
 * wg_guard_flush() turns the counts into one Refusals record and one
 * stderr line per peer, which the caller writes once a turn. A flood then
 * costs the log and stderr a bounded amount per peer and turn, and nothing
 * is dropped uncounted.
 *
 * Determinism: the bucket runs on the caller's clock (the loop's), so it
 * decides only whether a message is looked at, never what the adjudicator
 * makes of one it looks at. A bucket refills with time and gets tokens at
 * every phase start, so a peer sending what the protocol asks (an order
 * per phase, a Join a second) never runs dry however fast phases go.
 *
 * Peers are routing ids; WG_GUARD_MAX_PEERS of them are told apart, and
 * the peers beyond share one entry ("other peers"). Thread: the caller's
 * loop. Lifetime: new/destroy. Errors: new returns NULL out of memory.
 */
#ifndef WG_GUARD_H
#define WG_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WG_GUARD_MAX_PEERS 256
#define WG_GUARD_NAME_MAX 32

/* Causes: 0 .. WG_GUARD_N_CODES - 1 are the ErrorCode of a refusal the
 * adjudicator made; then what was refused before anyone read it. */
#define WG_GUARD_N_CODES 9
enum {
    WG_CAUSE_FRAMES = WG_GUARD_N_CODES, /* the bus: not one frame */
    WG_CAUSE_OVERSIZE,                  /* the bus: longer than max_in */
    WG_CAUSE_RATE,                      /* the bucket was empty */
    WG_GUARD_N_CAUSES,
};

typedef struct wg_guard wg_guard_t;

typedef struct {
    unsigned rate;      /* tokens a second (default 50) */
    unsigned burst;     /* the bucket's size (default 200) */
    unsigned per_phase; /* tokens at every phase start (default 8) */
    unsigned in_full;   /* refusals of a peer in full (default 16) */
} wg_guard_config_t;

/* cfg NULL or fields 0: the defaults. */
wg_guard_t *wg_guard_new(const wg_guard_config_t *cfg);
void wg_guard_destroy(wg_guard_t **self_p);

/* Whether to look at a message from peer, on the caller's clock now_ms
 * (any monotonic milliseconds): takes a token; with none left, counts a
 * WG_CAUSE_RATE refusal and returns false. */
bool wg_guard_admit(wg_guard_t *self, const uint8_t *peer, size_t len,
                    uint64_t now_ms);
/* Joins a peer already bound to a role may send between two phase starts
 * (a worker that lost its Welcome, or was told ERROR_ABSENT, sends one):
 * each is answered with a Welcome of the whole scenario, recorded. */
#define WG_GUARD_JOINS 2
/* A Join from a peer already bound to a role: true if it may be read;
 * past WG_GUARD_JOINS since the last phase start, counts a WG_CAUSE_RATE
 * refusal and returns false. */
bool wg_guard_join(wg_guard_t *self, const uint8_t *peer, size_t len);
/* A phase started: every peer's bucket gets per_phase tokens (up to its
 * size), and its Joins start again from zero. */
void wg_guard_phase(wg_guard_t *self);
/* Counts a refusal of `cause` from peer (NULL: no peer, always in full).
 * Returns true if it is one of the peer's first in_full: the caller
 * records and says it in full. Else it waits for the next flush. */
bool wg_guard_refused(wg_guard_t *self, const uint8_t *peer, size_t len,
                      int cause);
/* The peer joined as `name` (a role): its summaries say so. */
void wg_guard_name(wg_guard_t *self, const uint8_t *peer, size_t len,
                   const char *name);
/* The name summaries give the peer ("FRA", "peer 3", "other peers"). */
const char *wg_guard_peer_name(wg_guard_t *self, const uint8_t *peer,
                               size_t len);

/* Every peer with refusals counted since its last summary: cb gets its
 * name and counts (WG_GUARD_N_CAUSES of them), and they start again from
 * zero. In the order peers were first seen. */
typedef void (*wg_guard_summary_cb)(const char *name, const uint64_t *counts,
                                    void *arg);
void wg_guard_flush(wg_guard_t *self, wg_guard_summary_cb cb, void *arg);

/* Refusals by cause since creation, all peers. */
void wg_guard_totals(const wg_guard_t *self, uint64_t out[WG_GUARD_N_CAUSES]);
/* "ERROR_MALFORMED", ..., "frames", "oversize", "rate". */
const char *wg_guard_cause_name(int cause);

#endif
