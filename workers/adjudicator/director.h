/*
 * director.h - the adjudicator process's side of the director
 * (docs/PROTOCOL.md, "The director"): which connection is the director's,
 * what it is sent (a Welcome and DirectorStatus, neither recorded), and
 * the roles' messages held while the exercise is paused.
 *
 * Owned by main.c's adjudicator_t (one, on its loop's thread). The
 * director's commands themselves are the rules engine's to take or refuse
 * and to record (common/adjudicator_director.c); main.c keeps the clock
 * they pause, resume and extend.
 */
#ifndef WG_ADJUDICATOR_DIRECTOR_H
#define WG_ADJUDICATOR_DIRECTOR_H

#include "wg/adjudicator.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Messages held while paused, at most; more are refused (answered). */
#define DIRECTOR_MAX_HELD 256

/* A role's message held while paused, handed to the adjudicator on resume
 * in the order it came. */
typedef struct {
    uint8_t *data;
    size_t len;
    uint8_t peer[256];
    size_t peer_len;
    int key;
} held_t;

typedef struct {
    uint8_t peer[256]; /* the director's routing id */
    size_t peer_len;   /* 0: no director connected */
    bool paused;
    uint64_t paused_left; /* ms of the deadline left when it paused */
    held_t held[DIRECTOR_MAX_HELD];
    size_t n_held;
    uint64_t held_refused; /* messages refused: too many held */
    unsigned ticks;        /* beacons since the last status */
    uint64_t handled;      /* commands handled, taken or refused */
} director_t;

/* What a message is to this module. */
typedef enum {
    DIRECTOR_MSG_OTHER = 0,   /* a player's, or unreadable */
    DIRECTOR_MSG_JOIN = 1,    /* a Join as the director */
    DIRECTOR_MSG_STATUS = 2,  /* a DirectorCommand asking for status */
    DIRECTOR_MSG_COMMAND = 3, /* any other DirectorCommand */
} director_msg_t;

typedef struct {
    director_msg_t kind;
    int action;       /* wgpb DirectorAction, for a command */
    uint32_t seconds; /* EXTEND */
} director_read_t;

void director_read(const uint8_t *data, size_t len, director_read_t *out);

bool director_is_peer(const director_t *d, const uint8_t *peer, size_t len);
void director_bind(director_t *d, const uint8_t *peer, size_t len);

/* A Welcome for the director (seq 0, not recorded): the scenario and the
 * seed, as a player's. 0 or a negative code; *buf is the caller's. */
int director_pack_welcome(const wg_adjudicator_t *u, uint8_t **buf,
                          size_t *len);
/* The director's DirectorStatus now: ms_left of the current deadline. */
int director_pack_status(const director_t *d, const wg_adjudicator_t *u,
                         uint64_t ms_left, uint8_t **buf, size_t *len);

/* An Error (ERROR_WRONG_TURN, seq 0, not recorded) for a role's message
 * that cannot be held: max are held already. */
int director_pack_refusal(const wg_adjudicator_t *u, int max, uint8_t **buf,
                          size_t *len);
/* Holds a role's message while paused; false if DIRECTOR_MAX_HELD are
 * held already (counted in held_refused). */
bool director_hold(director_t *d, int key, const uint8_t *peer, size_t peer_len,
                   const uint8_t *data, size_t len);
/* Takes the oldest held message into *out (out->data is the caller's to
 * free); false when none is left. */
bool director_take_held(director_t *d, held_t *out);
void director_fini(director_t *d);

#endif
