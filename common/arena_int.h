/*
 * arena_int.h - what libwg alone may ask of an arena (see arena.c).
 */
#ifndef WG_ARENA_INT_H
#define WG_ARENA_INT_H

#include "wg/arena.h"

#include <stddef.h>

/* Uncleared memory, for protobuf-c's unpack (it initialises every message
 * and array it allocates, so clearing it first is wasted work). */
void *wg__arena_alloc_raw(wg_arena_t *self, size_t size);

#endif
