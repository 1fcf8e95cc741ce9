/*
 * wg/seats.h - which connection holds which seat of an exercise with keys.
 *
 * The adjudicator of an exercise with keys (wg/exercise.h) admits a CURVE
 * handshake only for a key the exercise names, and gives the connection
 * its seat's role ("FRA", "command", "director", "observer:NAME") as ZAP
 * User-Id: wg_seats_admit is the bus's auth callback (wg/bus.h). Every
 * message then arrives with that User-Id, and wg_seats_judge decides what
 * becomes of it before the rules engine sees it. The role of a message is
 * the key's, never the envelope's or the routing id's:
 *
 *  - an envelope whose sender_role/sender_nation is not the key's seat is
 *    refused (an impersonation), on whatever connection it comes;
 *  - a Join from a connection other than the one holding the seat is a
 *    second connection: with `second_connection: takeover` it takes the
 *    seat, and the connection it displaced becomes stale; with `refuse` it
 *    is refused while the holder is live (connected, and not idle: it has
 *    not left and is not absent), and takes the seat once the holder is
 *    gone or idle (a restart after a crash or a hang);
 *  - anything from a stale connection is refused, its Join included, so
 *    two live processes with one key cannot take the seat back and forth.
 *
 * Connections are told apart by their ROUTER routing id, which the ROUTER
 * of a CURVE hub never hands from one connection to another (wg/bus.h).
 *
 * The table of which routing id holds a seat stays the caller's (it sends
 * by it); this module keeps the policy, the stale connections (the last
 * WG_SEATS_STALE_MAX), the seats whose holder is idle (the caller says),
 * and the counts. Its
 * refusals are logged boundedly: the first WG_SEATS_LOG_FULL of each kind
 * in full, then one line per WG_SEATS_LOG_EVERY, so that a stranger
 * retrying its handshake cannot flood stderr.
 *
 * Thread: the adjudicator's loop thread. Lifetime: wg_seats_new() borrows
 * the exercise and the scenario, which must outlive it.
 */
#ifndef WG_SEATS_H
#define WG_SEATS_H

#include "wg/bus.h"
#include "wg/exercise.h"
#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WG_SEATS_STALE_MAX 64
#define WG_SEATS_LOG_FULL 5
#define WG_SEATS_LOG_EVERY 100

typedef struct wg_seats wg_seats_t;

typedef enum {
    WG_SEATS_PASS = 0,   /* hand the input to the adjudicator as `key` */
    WG_SEATS_REFUSE = 1, /* answer ERROR_UNAUTHORISED with `detail` */
} wg_seats_action_t;

typedef enum {
    WG_SEATS_OK = 0,
    WG_SEATS_IMPERSONATION = 1, /* the envelope claims another seat */
    WG_SEATS_STALE = 2,         /* from a connection that was taken over */
    WG_SEATS_HELD = 3,          /* a second connection, refused */
    WG_SEATS_NO_ORDERS = 4,     /* a director's or observer's key on the
                                   ROUTER: it has no player role */
} wg_seats_cause_t;

/* The claim of an input that did not decode (the adjudicator refuses it as
 * malformed). */
#define WG_SEATS_UNREAD (-2)

typedef struct {
    const char *user_id; /* wg_bus_user_id() of the message */
    const uint8_t *peer; /* its routing id */
    size_t peer_len;
    int claimed;           /* role key its envelope claims (-1: none, or
                              WG_SEATS_UNREAD) */
    bool join;             /* it is a Join */
    const uint8_t *holder; /* routing id holding the key's seat */
    size_t holder_len;     /* 0: nobody holds it */
} wg_seats_input_t;

typedef struct {
    wg_seats_action_t action;
    wg_seats_cause_t cause;
    /* PASS: the role key to give wg_adjudicator_receive (-1 for a
     * connection that does not hold the seat yet: a Join binds it). */
    int key;
    /* PASS of a Join from another connection than the holder's: once the
     * adjudicator accepts it, call wg_seats_took_over with the holder. */
    bool takes_over;
    char detail[200]; /* REFUSE: what to tell the sender */
} wg_seats_verdict_t;

/* Whether the connection with this routing id is still there (the caller
 * asks its bus). */
typedef bool (*wg_seats_alive_cb)(const uint8_t *peer, size_t len, void *arg);

typedef struct {
    uint64_t admitted;       /* handshakes admitted */
    uint64_t refused_keys;   /* handshakes refused: a key of no seat */
    uint64_t impersonations; /* envelopes claiming another seat */
    uint64_t stale;          /* messages from connections taken over */
    uint64_t held;           /* second connections refused */
    uint64_t no_orders;      /* director/observer messages on the ROUTER */
    uint64_t takeovers;      /* seats taken over by a new connection */
} wg_seats_stats_t;

/* Returns NULL on allocation failure. */
wg_seats_t *wg_seats_new(const wg_exercise_t *ex, const wg_scenario_t *sc);
void wg_seats_destroy(wg_seats_t **self_p);

/* The bus's auth callback (wg_bus_auth_cb, with the seats as arg): admits
 * a key of the exercise under its seat's role, refuses any other. */
int wg_seats_admit(wg_bus_t *bus, int which, const uint8_t *public_key,
                   const char *address, char *user_id, size_t cap, void *arg);

/* The role key of a User-Id: 0 the command, 1 + i nation i of the
 * scenario, WG_ROLE_DIRECTOR_KEY the director (wg/adjudicator.h), -1 an
 * observer or anything else. */
int wg_seats_role_key(const wg_seats_t *self, const char *user_id);

/* Decides what becomes of one message (see the head of this file); a
 * refusal is counted and logged (boundedly). alive is asked only about a
 * holder, under `refuse`. */
void wg_seats_judge(wg_seats_t *self, const wg_seats_input_t *in,
                    wg_seats_alive_cb alive, void *arg,
                    wg_seats_verdict_t *out);

/* A Join that took the seat over was accepted: `old` is stale from now on. */
void wg_seats_took_over(wg_seats_t *self, int key, const uint8_t *old,
                        size_t len);
/* Whether the holder of role key `key` is idle: it left (a Forfeit that
 * leaves) or is absent (it missed a deadline and has not answered since).
 * Under `refuse` an idle holder's seat goes to a second connection. */
void wg_seats_set_idle(wg_seats_t *self, int key, bool idle);

void wg_seats_stats(const wg_seats_t *self, wg_seats_stats_t *out);

#endif
