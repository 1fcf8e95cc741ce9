/*
 * wg/arena.h - a bump allocator for messages that die together.
 *
 * Outgoing messages are built in an arena and freed all at once after
 * packing; incoming envelopes may be unpacked into one (wg_wire_unpack_in())
 * and live until it is reset. One owner, one thread: an arena has no lock.
 * Allocation never fails: out of memory aborts, as a message half built is
 * of no use to anyone.
 */
#ifndef WG_ARENA_H
#define WG_ARENA_H

#include <stddef.h>

typedef struct wg_arena wg_arena_t;

wg_arena_t *wg_arena_new(void);
void *wg_arena_alloc(wg_arena_t *self, size_t size); /* zeroed; aborts on OOM */
char *wg_arena_strdup(wg_arena_t *self, const char *s);
/* Frees everything allocated, keeping one block for the next messages. */
void wg_arena_reset(wg_arena_t *self);
void wg_arena_destroy(wg_arena_t **self_p);

#endif
