/*
 * wg/state.h - the adjudicated state of an exercise, and a turn's results,
 * as plain C values.
 *
 * The state is owned by the adjudicator and changed only by the functions
 * of wg/rules.h. Everything in it is fixed-size plain data, so it can be
 * copied, compared and hashed; units live in one array that is kept
 * compact (units back home are dropped). The orders (wg_pledge_t, ...) and
 * a turn's incidents are in wg/bot.h, beside wg_orders_t that a bot fills;
 * the orders of the turn being played, as the rules read them
 * (wg_turn_orders_t), in wg/rules.h.
 */
#ifndef WG_STATE_H
#define WG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "wg/proto_enums.h" /* wg_unit_status_t, wg_intention_t */
#include "wg/rng.h"
#include "wg/scenario.h"

#define WG_MAX_UNITS 2048
#define WG_MAX_INCIDENTS 512 /* a turn's incidents (wg/bot.h), its outcomes */

typedef struct {
    uint32_t id;        /* unique over the exercise, from 1 */
    uint8_t nation;     /* index into scenario nations */
    int8_t sector;      /* index into scenario sectors; -1 at home */
    uint8_t status;     /* wg_unit_status_t */
    int32_t weeks_left; /* in the current status; may go negative */
    uint32_t troops;
    uint32_t first_tour; /* ENTERING: the tour it serves once deployed */
} wg_unit_t;

typedef struct {
    double cohesion;
    bool gate_open;
    bool withdrawn;
    bool leaving;      /* leaves as its tours end */
    uint32_t kia, wia; /* cumulative */
    uint32_t ceiling;  /* lowered at a force review; 0: the scenario's */
} wg_nation_state_t;

typedef struct {
    uint32_t turn;              /* the turn being played, from 1 */
    uint32_t week;              /* weeks elapsed */
    uint32_t escalation;        /* 0..scenario escalation.max_level */
    double stability;           /* 0..100 */
    uint32_t regime;            /* index into scenario regimes */
    uint32_t regime_turns_left; /* for spike regimes; 0 = no limit */
    uint32_t truce_turns;       /* consecutive turns the truce has held */
    bool recommitted;           /* a recommitment is in force */
    bool robust_roe;            /* the force-wide ROE the command set */
    uint32_t required[WG_MAX_SECTORS]; /* the command's last requirement */
    uint32_t reinforced_mask;          /* sectors reinforced this turn */
    double coverage[WG_MAX_SECTORS];   /* 0..1, last incident turn */
    /* Share of each sector's troops that held their ground at the last
     * incident turn (withdrawals under fire, jamming): 1 = all. */
    double held[WG_MAX_SECTORS];
    uint32_t regime_sectors;    /* sectors a spike hits; 0 = all */
    uint32_t recommit_cooldown; /* incident turns before another call */
    uint32_t fragile_turns;     /* turns left of a recommitted truce's
                                   fragility */
    wg_nation_state_t nations[WG_MAX_NATIONS];
    wg_unit_t units[WG_MAX_UNITS];
    uint32_t n_units;
    uint32_t next_unit_id;
    wg_rng_t rng;
} wg_state_t;

/* What a turn came to. */
typedef struct {
    uint32_t deployed, preparing, recovering;
    uint32_t kia, wia; /* this turn */
    uint32_t gaps;     /* units that left unrelieved this turn */
    double cohesion;
    bool withdrawn, leaving;
} wg_nation_result_t;

typedef struct {
    uint32_t kia, wia;
    bool escalated;
    uint8_t action;
} wg_outcome_t;

#define WG_MAX_RESULT_EVENTS 32
typedef struct {
    wg_turn_type_t type;
    uint32_t week;
    wg_nation_result_t nations[WG_MAX_NATIONS];
    uint32_t sector_deployed[WG_MAX_SECTORS];
    double coverage[WG_MAX_SECTORS];
    uint32_t incidents;    /* raw events drawn */
    uint32_t violations;   /* ceasefire violations (SMM-comparable) */
    uint32_t drones;       /* drone overflights and jamming */
    uint32_t force_events; /* events that reached the force */
    bool recommitted;      /* a recommitment called this turn took */
    uint32_t kia, wia;
    uint32_t escalation;
    double stability;
    uint32_t regime;
    wg_outcome_t outcomes[WG_MAX_INCIDENTS]; /* by incident id - 1 */
    uint32_t n_outcomes;
    char events[WG_MAX_RESULT_EVENTS][WG_NAME_MAX * 2];
    uint32_t n_events;
} wg_turn_result_t;

#endif
