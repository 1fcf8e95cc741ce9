/*
 * wg/limits.h - how long each string of an incoming message may be.
 *
 * Every string field of every message a peer sends the adjudicator (the
 * Envelope and everything nested in it, repeated strings included) has a
 * cap: a row of one table (common/limits.c) for the fields that carry
 * text, the codes' cap (WG_CODE_MAX - 1 bytes, a nation or sector code)
 * for every other. docs/PROTOCOL.md ("Limits") prints the table. The
 * adjudicator refuses a message with a longer string as ERROR_MALFORMED
 * before reading it further, so nothing a peer sends can make a record
 * longer than the caps allow.
 *
 * Thread: any (the table is constant).
 */
#ifndef WG_LIMITS_H
#define WG_LIMITS_H

#include <stddef.h>

#include "wg.pb-c.h"

/* Bounds on an order's provenance strings and a Join's agent. */
#define WG_RATIONALE_MAX 512
#define WG_AGENT_MAX 128

/* The cap of field `field` of message `message` (protobuf names, for
 * example "wgpb.v1.Join", "agent"): its row of the table, else the codes'
 * cap. */
size_t wg_limits_string_cap(const char *message, const char *field);

/* Checks every string in env against its cap. Returns 0, or -1 after
 * writing which field is too long (and by how much) to why. */
int wg_limits_check(const Wgpb__V1__Envelope *env, char *why, size_t n);

/* Calls cb once per row of the table, in order (for the docs and tests). */
typedef void (*wg_limits_row_cb)(const char *message, const char *field,
                                 size_t cap, void *arg);
void wg_limits_rows(wg_limits_row_cb cb, void *arg);

#endif
