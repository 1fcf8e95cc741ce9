/*
 * board.h - the live board's picture of an exercise, built from what the
 * adjudicator publishes (or recorded): wg-observe's model.
 *
 * A board_t is fed envelopes, as bytes (board_feed: a subscriber's or a
 * log's) and keeps what a wall screen shows: the turn, phase and deadline,
 * the sectors with coverage and incidents, each nation's troops in theatre,
 * committed force and cohesion, escalation and stability, and a feed of
 * events. It never trusts what it is fed: bytes that do not decode are
 * counted (malformed), strings are cut to their room and stripped of
 * control characters, lists are read up to the board's room and the rest
 * counted (ignored). It knows which view it holds (the sharing policy of
 * the scenario, from a scenario when one is given, else inferred from what
 * arrives) and never shows a figure its view does not carry: such figures
 * are marked hidden, not shown as 0.
 *
 * Pure: no I/O, no clock (the caller passes its own time in milliseconds,
 * only to show the time left), one thread. board_text.c draws it as lines.
 */
#ifndef WG_OBSERVE_BOARD_H
#define WG_OBSERVE_BOARD_H

#include "wg.pb-c.h"
#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOARD_NATIONS 32
#define BOARD_SECTORS 24
#define BOARD_INCIDENTS 256
#define BOARD_FEED 200
#define BOARD_LINE 160
#define BOARD_ROLES 24

/* Which records of a log (or subscription) the board takes. */
typedef enum {
    BOARD_VIEW_PUBLIC = 0, /* what the PUB carries: every observer's */
    BOARD_VIEW_UMPIRE = 1, /* a log's: also each phase's picture addressed
                              to the command, and every order recorded */
} board_view_t;

/* What the board knows of the sharing policy. */
typedef enum {
    BOARD_SHARING_UNKNOWN = -1, /* nothing said yet */
} board_sharing_t;

typedef struct {
    char code[8];
    bool gate_open, withdrawn, leaving;
    bool has_private; /* cohesion, preparing, recovering were carried */
    double cohesion;
    uint32_t deployed, preparing, recovering, kia, wia;
} board_nation_t;

typedef struct {
    char code[8];
    double threat;
    bool rear;
    uint32_t required, deployed;
    double coverage;
    uint32_t incidents; /* raw events drawn here this turn */
    uint32_t kia, wia;  /* outcomes of this turn's incidents here */
} board_sector_t;

typedef struct {
    uint32_t id, count;
    char sector[8], type[24], nation[8];
} board_incident_t;

typedef struct {
    /* What is known of the exercise. */
    char scenario[64];
    int sharing;           /* wg_sharing_t, or BOARD_SHARING_UNKNOWN */
    bool sharing_inferred; /* from what arrived, not from a scenario */
    uint32_t total_turns;  /* 0: not known */
    board_view_t view;

    /* Where the exercise is. */
    uint32_t turn, week;
    int type;               /* TurnType of the turn, 0 before any */
    int phase;              /* Phase of the last phase start or result */
    uint32_t deadline_ms;   /* the phase's, as its start said */
    uint64_t clock_at_ms;   /* the caller's clock when ... */
    uint64_t clock_left_ms; /* ... this much of the deadline was left */
    bool paused;            /* the director stopped the clock */
    char expected[BOARD_ROLES][8];
    size_t n_expected;
    uint32_t escalation;
    double stability;
    char regime[24];
    bool ended;
    bool seen_start; /* a TurnStart or TurnResult arrived */

    board_sector_t sectors[BOARD_SECTORS];
    size_t n_sectors;
    bool sector_incidents_known; /* this turn's incidents were carried */
    board_nation_t nations[BOARD_NATIONS];
    size_t n_nations;
    board_incident_t incidents[BOARD_INCIDENTS];
    size_t n_incidents;
    uint32_t turn_incidents, turn_kia, turn_wia; /* the last result's */

    /* The live connection, as the caller sees it. */
    uint64_t beacon_instance;
    uint32_t joined, joinable; /* from the Beacon, in the lobby */

    /* The feed, oldest first, a ring of BOARD_FEED lines. */
    char feed[BOARD_FEED][BOARD_LINE];
    size_t feed_start, feed_len;

    /* What was not shown. */
    uint64_t received;  /* envelopes taken */
    uint64_t malformed; /* bytes that were not an envelope */
    uint64_t ignored;   /* envelopes or entries beyond the board's room,
                           or not for this view */
} board_t;

void board_init(board_t *b, board_view_t view);
/* Takes the scenario's name, sharing policy, plan length, nations and
 * sectors (in the scenario's order): a board with a scenario shows every
 * nation before its first figure arrives. */
void board_set_scenario(board_t *b, const wg_scenario_t *sc);
/* One envelope's bytes; now_ms is the caller's clock (for the time left).
 * Returns 0, or -1 if the bytes were not an envelope (counted). */
int board_feed(board_t *b, const uint8_t *data, size_t len, uint64_t now_ms);
/* A line of the caller's own in the feed ("connected", "reconnecting"). */
void board_note(board_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The i-th line of the feed, oldest first (i < b->feed_len). */
const char *board_feed_line(const board_t *b, size_t i);

/* What is left of the phase's deadline at the caller's now_ms. */
uint64_t board_time_left(const board_t *b, uint64_t now_ms);
/* Whether nation n's private figures (cohesion, committed) can be shown. */
bool board_nation_private_shown(const board_t *b, const board_nation_t *n);
/* One line saying which view the board holds and what it leaves out. */
void board_view_label(const board_t *b, char *buf, size_t n);

#endif
