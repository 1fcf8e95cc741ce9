/*
 * wg/order_fields.h - a flat kind of order from its field map alone.
 *
 * A flat kind (wg/phases.h: wg_order_kind_t with `fields`) names its
 * message's fields and where each value sits in its C type. From that and
 * protobuf-c's descriptors of the message (offsets, counts, enum values)
 * this reads the message into the C value and checks it, builds the
 * message from the C value, describes it in one line, and reads and shows
 * each field as text for people (written orders, the console). No code
 * here or in a caller names a kind.
 *
 * Words for people: a CHOICE is the proto value's name, lower case,
 * without the prefix its enum's values share (INTENTION_REDUCE: "reduce");
 * SECTORS are sector codes split by commas or spaces ("all" for every
 * sector, "none" or nothing for none); a BOOL is yes/no or true/false; a
 * UINT is decimal digits.
 *
 * Pure functions; messages are built in the caller's arena and their
 * strings point into the scenario (as wg/wire.h's do).
 */
#ifndef WG_ORDER_FIELDS_H
#define WG_ORDER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "wg/phases.h"

/* Reads message m (of k->message) sent by role `key` into the C value v
 * (k->size bytes, zeroed first): 0, or WG_EMALFORMED with the reason in
 * why (a nation not the sender's, a choice its enum does not name or 0, a
 * sector the scenario does not know or named twice, a number over its
 * field's max). */
int wg_fields_read(const wg_order_kind_t *k, const wg_scenario_t *sc, int key,
                   const ProtobufCMessage *m, void *v, char *why, size_t n);
/* The message of C value v sent by role `key`, allocated in a: NATION
 * fields hold the role's nation code ("" for the command). */
ProtobufCMessage *wg_fields_message(const wg_order_kind_t *k, wg_arena_t *a,
                                    const wg_scenario_t *sc, int key,
                                    const void *v);

/* The kind's payload in env: the Envelope's oneof member numbered
 * k->payload, or NULL when env carries another payload. */
const ProtobufCMessage *wg_fields_payload(const wg_order_kind_t *k,
                                          const Wgpb__V1__Envelope *env);
/* A flat kind's take: reads env's payload into the role's slot of t,
 * then the kind's validate. Returns as wg_order_kind_t.take. */
int wg_fields_take(const wg_order_kind_t *k, const wg_scenario_t *sc,
                   const wg_state_t *st, wg_turn_orders_t *t, int key,
                   const Wgpb__V1__Envelope *env, char *why, size_t n);
/* A flat kind's put: the message of v as env's payload. */
void wg_fields_put(const wg_order_kind_t *k, wg_arena_t *a,
                   const wg_scenario_t *sc, int key, const void *v,
                   Wgpb__V1__Envelope *env);
/* A flat kind's describe: "field value, ..." from env's payload, the
 * NATION fields left out ("intention reduce, ceiling 6000"). */
void wg_fields_describe(const wg_order_kind_t *k, const Wgpb__V1__Envelope *env,
                        char *buf, size_t n);

/* Field f of kind k from text into its place in the C value v: 0, or -1
 * with a reason in why. */
int wg_field_parse(const wg_order_kind_t *k, const wg_order_field_t *f,
                   const wg_scenario_t *sc, const char *text, void *v,
                   char *why, size_t n);
/* Field f of the C value v as text, as wg_field_parse() reads it ("" for
 * a NATION field). */
void wg_field_format(const wg_order_kind_t *k, const wg_order_field_t *f,
                     const wg_scenario_t *sc, const void *v, char *buf,
                     size_t n);
/* The codes of the sectors in mask, in scenario order, split by spaces
 * ("E1 S2"); "" for none. */
void wg_sector_codes(const wg_scenario_t *sc, uint32_t mask, char *buf,
                     size_t n);
/* What f accepts, for an error or a help line: "a number up to 4000",
 * "stay, reduce or leave", "sector codes", "yes or no". */
void wg_field_accepts(const wg_order_kind_t *k, const wg_order_field_t *f,
                      char *buf, size_t n);

/* The kind's one field besides its nation when that is a choice (so an
 * order of the kind may be written as one word), else NULL. */
const wg_order_field_t *wg_fields_sole_choice(const wg_order_kind_t *k);

/* The next word of text people typed at *p (words split at spaces, tabs
 * and commas) into buf, and *p moved past it; false at the end. */
bool wg_text_next_word(const char **p, char *buf, size_t n);

/* Whether k's field map fits its message: every field of the message
 * mapped once, each by name to a proto field of its type (UINT a uint32,
 * BOOL a bool, CHOICE an enum, SECTORS a repeated string, NATION a
 * string). false with the first misfit in why. */
bool wg_fields_check(const wg_order_kind_t *k, char *why, size_t n);

#endif
