/*
 * wg/phases.h - the table of turn types and phases: the one place that says
 * what each phase is.
 *
 * For each phase: which roles owe an order and which payload (the
 * Envelope's oneof case) each sends, how an order is read and validated
 * into the turn's tables, what the "hold" fallback plays for a role that
 * keeps what it has, how the phase's orders are applied when it closes,
 * which phase comes next, what its TurnStart carries for a bot (material),
 * and how a console describes an order. For each turn type: its name in a
 * scenario's plan, its first phase, and what it clears and draws before
 * that phase.
 *
 * The adjudicator (common/adjudicator.c), the worker runtime and the bots'
 * dispatch (common/play.c, common/worker.c, common/bot.c), written orders
 * (common/orders.c) and the log tools read this table; none of them
 * switches on phases. A phase number the table does not know is no phase
 * to answer: wg_phase_info() returns NULL and callers refuse it loudly.
 *
 * Adding a turn type is: its messages (proto/wg.proto), its rules, its
 * built-in bot decisions and its entries in the table. A kind of order
 * whose message is flat (scalars, a choice, sector lists, its nation) is
 * described by a field map (wg_order_field_t) and a validate, and needs no
 * take, put or describe of its own: see wg/order_fields.h.
 *
 * The table is constant data (common/phases.c); its functions are pure
 * functions of (scenario, state, turn tables), like wg/rules.h, and never
 * fail: reading an order returns a negative code with a reason.
 *
 * Words: a role that owes an order and does not give one gets its
 * *fallback* (the scenario's `fallback:`: the built-in bot, "repeat" its
 * last order of that kind, or "hold"); *hold* is one kind of fallback, the
 * rules' standing orders (keep what you have), and the one the command
 * always gets. Fallback orders are recorded as "default" orders
 * (provenance ORDER_SOURCE_DEFAULT), the protocol's word for them.
 */
#ifndef WG_PHASES_H
#define WG_PHASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wg.pb-c.h"
#include "wg/bot.h"
#include "wg/rules.h" /* wg_turn_orders_t */
#include "wg/scenario.h"
#include "wg/state.h"
#include "wg/wire.h"

/* What a phase's TurnStart carries besides the situation (bit flags). */
enum {
    WG_MATERIAL_REQUIREMENT = 1 << 0,    /* TurnStart.requirement */
    WG_MATERIAL_PLEDGES = 1 << 1,        /* TurnStart.pledges */
    WG_MATERIAL_INCIDENTS = 1 << 2,      /* TurnStart.incidents */
    WG_MATERIAL_ROTATION_WEEKS = 1 << 3, /* TurnStart.rotation_due_within */
};

/* The field map of a "flat" kind of order: one entry per field of its
 * message, each a scalar or a list of sector codes. From it the generic
 * code (wg/order_fields.h) reads and writes the message, describes it,
 * and reads and shows each field as text for written orders and the
 * console, so a flat kind needs no take, put or describe of its own. */
typedef enum {
    WG_FIELD_UINT,    /* uint32_t in C; proto uint32; 0..max */
    WG_FIELD_BOOL,    /* bool in C; proto bool */
    WG_FIELD_CHOICE,  /* uint8_t in C; proto enum: a named value, not 0 */
    WG_FIELD_SECTORS, /* uint32_t bit mask in C; proto repeated string:
                         sector codes of the scenario */
    WG_FIELD_NATION,  /* nothing in C; proto string: "" or the sender's
                         own nation code (anything else is malformed) */
} wg_field_type_t;

typedef struct {
    const char *name; /* the proto field's name = the written-orders
                         key = the console form's label */
    wg_field_type_t type;
    size_t off;       /* of the value in the kind's C type */
    uint32_t max;     /* UINT: the largest value accepted */
    const char *help; /* one line for a console form */
} wg_order_field_t;

/* One kind of order: what one role sends in one phase. Role keys as in
 * wg/adjudicator.h: 0 is the command, 1 + i is nation i. A flat kind has
 * a message and a field map (fields) and validate, and leaves take, put
 * and describe NULL; a hand-made kind has take, put and describe. */
typedef struct {
    const char *name; /* "pledge": the key of written orders (wg/orders.h) */
    Wgpb__V1__Envelope__PayloadCase payload;
    size_t size;     /* of the C value */
    size_t turn_off; /* its offset in wg_turn_orders_t */
    bool per_nation; /* ... as an array indexed by nation */
    size_t bot_off;  /* its offset in wg_orders_t (what a bot fills) */
    /* Reads env's payload into the role's slot of t and validates it:
     * < 0 (WG_EMALFORMED) when it cannot be read, with the reason in why;
     * else the number of corrections the rules made (why says which). */
    int (*take)(const wg_scenario_t *sc, const wg_state_t *st,
                wg_turn_orders_t *t, int key, const Wgpb__V1__Envelope *env,
                char *why, size_t n);
    /* The hold fallback into the role's slot of t. */
    void (*hold)(const wg_scenario_t *sc, const wg_state_t *st,
                 wg_turn_orders_t *t, int key);
    /* The "repeat" fallback from the role's last order of this kind
     * (`last`), validated into t; NULL: nothing to repeat (hold plays). */
    void (*repeat)(const wg_scenario_t *sc, const wg_state_t *st,
                   wg_turn_orders_t *t, int key, const wg_turn_orders_t *last);
    /* The order value v (the role's slot of t, or a bot's) into env's
     * payload, allocated in a. t gives the turn's material (incidents). */
    void (*put)(wg_arena_t *a, const wg_scenario_t *sc,
                const wg_turn_orders_t *t, int key, const void *v,
                Wgpb__V1__Envelope *env);
    /* One line about an order of this kind, for a console. */
    void (*describe)(const Wgpb__V1__Envelope *env, char *buf, size_t n);
    /* A flat kind: its message (the payload's type), its field map. */
    const ProtobufCMessageDescriptor *message;
    const wg_order_field_t *fields; /* NULL: a hand-made kind */
    size_t n_fields;
    /* A flat kind's rules check of the value read into the role's slot:
     * < 0 malformed, else the number of corrections (why says which). */
    int (*validate)(const wg_scenario_t *sc, const wg_state_t *st,
                    wg_turn_orders_t *t, int key, char *why, size_t n);
} wg_order_kind_t;

/* One phase: one request/reply round trip. */
typedef struct {
    Wgpb__V1__Phase phase;
    const char *name; /* short: "pledge" */
    wg_turn_type_t type;
    const wg_order_kind_t *command;    /* the command's order, or NULL */
    const wg_order_kind_t *contingent; /* each active nation's, or NULL */
    unsigned material;                 /* WG_MATERIAL_* */
    /* Applies the phase's orders when it closes; NULL: nothing yet. */
    void (*close)(const wg_scenario_t *sc, wg_state_t *st,
                  const wg_turn_orders_t *t, wg_turn_result_t *res);
    /* The turn's next phase; 0 (PHASE_UNSPECIFIED): the turn ends. */
    Wgpb__V1__Phase next;
    const char *asks; /* for a console: what the phase asks, one line */
} wg_phase_info_t;

/* One type of turn. */
typedef struct {
    wg_turn_type_t type;
    const char *name; /* in a scenario's plan and on the turn line */
    Wgpb__V1__Phase first;
    /* Clears the tables this type of turn reads (for the scenario's
     * nations) and prepares what its first phase carries. */
    void (*begin)(const wg_scenario_t *sc, wg_state_t *st, wg_turn_orders_t *t);
} wg_turn_info_t;

/* The phase numbered `phase`, or NULL for the lobby, result, end and any
 * number the table does not know. */
const wg_phase_info_t *wg_phase_info(int phase);
/* The turn type numbered `type`, or NULL. */
const wg_turn_info_t *wg_turn_info(int type);
/* The i-th turn type of the table (from 0), or NULL past the last. */
const wg_turn_info_t *wg_turn_info_at(size_t i);
/* The turn type named `name` in a plan, or NULL. */
const wg_turn_info_t *wg_turn_info_named(const char *name);
/* What role `key` owes in phase p, or NULL. */
const wg_order_kind_t *wg_phase_order(const wg_phase_info_t *p, int key);
/* The role's slot of kind k in t. */
void *wg_order_slot(const wg_order_kind_t *k, wg_turn_orders_t *t, int key);
/* The kind of order named `name` (its written-orders key), or NULL. */
const wg_order_kind_t *wg_order_kind_named(const char *name);
/* The table's i-th kind of order (each once, in phase order), or NULL past
 * the last. */
const wg_order_kind_t *wg_order_kind_at(size_t i);

/* What callers use instead of a kind's own take, put and describe: the
 * kind's function for a hand-made kind, the generic one of
 * wg/order_fields.h for a flat kind. Same contracts as the members. */
int wg_order_take(const wg_order_kind_t *k, const wg_scenario_t *sc,
                  const wg_state_t *st, wg_turn_orders_t *t, int key,
                  const Wgpb__V1__Envelope *env, char *why, size_t n);
void wg_order_put(const wg_order_kind_t *k, wg_arena_t *a,
                  const wg_scenario_t *sc, const wg_turn_orders_t *t, int key,
                  const void *v, Wgpb__V1__Envelope *env);
/* One line about an order envelope for a console; false (and buf empty)
 * when its payload is no order of the table. */
bool wg_order_describe(const Wgpb__V1__Envelope *env, char *buf, size_t n);

#endif
