/*
 * wg/bot.h - what a bot is: a function from a phase's picture to orders.
 *
 * A bot never touches a socket, the loop or protobuf: the worker runtime
 * (wg/worker.h) or the adjudicator's fallback calls decide() with the public
 * picture of a phase and sends what it fills in. Bots must be deterministic
 * (no clock, no unseeded randomness): the same picture gives the same orders.
 *
 * Plug-ins: a shared library that exports
 *     const wg_bot_t *wg_bot_entry(void);
 * is loaded by `wg-contingent --bot PATH.so` (and `wg-command --bot`). The
 * returned struct and its strings must live as long as the library.
 * WG_BOT_ABI_VERSION changes whenever these structs change.
 *
 * The C names of the protocol's enums (wg_phase_t, wg_turn_type_t,
 * wg_roe_action_t, wg_intention_t, ...) are generated at build time from
 * proto/wg.proto, their source, into the build tree:
 * build/include/wg/proto_enums.h (proto/gen_enums.cmake). A plug-in is
 * built with both include directories:
 *     cc -shared -fPIC -Iinclude -Ibuild/include -o my_bot.so my_bot.c
 */
#ifndef WG_BOT_H
#define WG_BOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wg/proto_enums.h" /* generated: wg_phase_t and the others */
#include "wg/scenario.h"
#include "wg/state.h"

#define WG_BOT_ABI_VERSION 5

/* ---- Orders, as a bot gives them and the rules take them ----------------
 *
 * One C type per kind of order (the phase table, wg/phases.h, says which
 * role sends which in which phase); wg_orders_t below holds one of each.
 * The rules validate and apply them (wg/rules.h), the wire converts them
 * (wg/wire.h). A turn's incidents, the material of an incident turn, are
 * here too. */

#define WG_MAX_ORDER_UNITS 128
#define WG_MAX_MOVES 64

typedef struct {
    uint32_t troops[WG_MAX_SECTORS];
} wg_requirement_t;

typedef struct {
    uint32_t troops;
    uint32_t sector_mask; /* bit i: sector i acceptable */
} wg_pledge_t;

typedef struct {
    uint32_t troops[WG_MAX_NATIONS][WG_MAX_SECTORS];
} wg_assignment_t;

typedef struct {
    uint32_t unit;
    uint8_t sector;
} wg_move_t;

typedef struct {
    uint32_t relieve[WG_MAX_ORDER_UNITS];
    uint32_t n_relieve;
    uint32_t prepare;
    uint32_t recall[WG_MAX_ORDER_UNITS];
    uint32_t n_recall;
    wg_move_t moves[WG_MAX_MOVES]; /* command only */
    uint32_t n_moves;
} wg_rotation_t;

typedef struct {
    uint32_t id; /* index in the turn's list, from 1 */
    uint8_t sector;
    uint8_t type;  /* index into scenario incident types */
    int8_t nation; /* exposed nation, -1 for none */
    uint32_t count;
} wg_incident_t;

typedef struct {
    uint32_t n;
    wg_incident_t items[WG_MAX_INCIDENTS];
} wg_incident_list_t;

/* A nation's answers; action[i] answers incident id i+1 (0 = none). */
typedef struct {
    uint8_t action[WG_MAX_INCIDENTS]; /* wg_roe_action_t */
} wg_response_t;

typedef struct {
    uint32_t reinforce_mask;
    bool robust_roe;
    bool recommit;
} wg_decision_t;

/* A nation's intention at a force review. */
typedef struct {
    uint8_t intention; /* wg_intention_t */
    uint32_t ceiling;  /* REDUCE only */
} wg_intent_t;

/* The command's agenda at talks (proto TalksAgenda). */
typedef struct {
    uint8_t item;         /* wg_talks_item_t */
    uint32_t sector_mask; /* HEAVY_WEAPONS: line sectors; 0: the whole line */
    bool announce;        /* a success binds more, a failure is public */
} wg_talks_t;

/* ---- What a bot sees and fills ------------------------------------------ */

/* A nation's figures as the role's picture gives them: troops by status
 * and its ceiling in theatre, 0 where the scenario's sharing policy hides
 * them from the role (docs/PROTOCOL.md, "Who sees what"). Beside st, whose
 * units may be only the role's own. */
typedef struct {
    uint32_t deployed;
    uint32_t preparing; /* including ready */
    uint32_t recovering;
    uint32_t max_troops;
} wg_nation_seen_t;

/* What a role sees when a phase asks for its orders: exactly what the phase
 * start addressed to it carried. Pointers are borrowed for the duration of
 * the decide call. */
typedef struct {
    wg_phase_t phase;
    wg_turn_type_t type;
    uint32_t turn;
    int nation;                          /* own nation index, -1 for command */
    const wg_state_t *st;                /* the public picture (no generator) */
    const wg_requirement_t *req;         /* PLEDGE, ASSIGN */
    const wg_pledge_t *pledges;          /* ASSIGN: [WG_MAX_NATIONS] */
    const wg_incident_list_t *incidents; /* RESPOND */
    uint32_t weeks_to_rotation;          /* ROTATE */
    const wg_nation_seen_t *nations;     /* [WG_MAX_NATIONS], by index */
} wg_phase_view_t;

/* The orders a role gives; the runtime sends the one the phase asks for
 * (the phase table's bot_off says which member). A new kind of order is
 * its C type above and its member here. */
typedef struct {
    wg_requirement_t requirement;
    wg_pledge_t pledge;
    wg_assignment_t assignment;
    wg_rotation_t rotation;
    wg_response_t response;
    wg_decision_t decision;
    wg_intent_t intent;  /* INTENT */
    wg_talks_t talks;    /* TALKS */
    char rationale[256]; /* optional, recorded, never read */
} wg_orders_t;

/* Return 0 to send the orders, > 0 to stay silent this phase (the
 * adjudicator then applies the role's fallback at the deadline), or < 0 if
 * the bot failed: the worker forfeits the phase and the fallback plays at
 * once, recorded with the reason "bot crashed". */
typedef int (*wg_decide_cb)(const wg_scenario_t *sc, const wg_phase_view_t *v,
                            wg_orders_t *out, void *arg);

typedef struct {
    uint32_t abi_version; /* WG_BOT_ABI_VERSION */
    const char *name;     /* "name/version", recorded as agent */
    wg_decide_cb decide;
    void *arg;
} wg_bot_t;

/* The built-in bots, following the scenario's profiles. */
const wg_bot_t *wg_bot_builtin_contingent(void);
const wg_bot_t *wg_bot_builtin_command(void);

/* Loads a plug-in bot (dlopen + wg_bot_entry). Returns NULL and writes a
 * reason into why on failure. The library stays loaded for the process. */
const wg_bot_t *wg_bot_load(const char *path, char *why, size_t why_len);

#endif
