/*
 * arena.c - a bump allocator for messages that die together.
 *
 * Owns its blocks (64 KiB, or one larger block for a larger request) and
 * nothing else. Messages are many small allocations freed at the same
 * moment (after packing, or when a log reader moves to its next record), so
 * a bump pointer and one free of the whole list beat malloc per field.
 * Single-threaded: an arena belongs to whoever made it. Memory lives until
 * wg_arena_reset() or wg_arena_destroy(). Out of memory aborts, as
 * wg/arena.h says: no caller could do anything with half a message.
 */
#include "wg/arena.h"
#include "arena_int.h"

#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
} arena_block_t;

struct wg_arena {
    arena_block_t *head;
};

wg_arena_t *
wg_arena_new(void)
{
    wg_arena_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        abort();
    return self;
}

void *
wg__arena_alloc_raw(wg_arena_t *self, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    arena_block_t *b = self->head;
    if (b == NULL || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (b == NULL)
            abort();
        b->next = self->head;
        b->used = 0;
        b->size = cap;
        self->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

void *
wg_arena_alloc(wg_arena_t *self, size_t size)
{
    void *p = wg__arena_alloc_raw(self, size);
    memset(p, 0, size);
    return p;
}

char *
wg_arena_strdup(wg_arena_t *self, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = wg_arena_alloc(self, n);
    memcpy(p, s, n);
    return p;
}

void
wg_arena_reset(wg_arena_t *self)
{
    arena_block_t *b = self->head;
    /* Keep one block for reuse: most messages fit in it. */
    while (b != NULL && b->next != NULL) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    self->head = b;
    if (b != NULL)
        b->used = 0;
}

void
wg_arena_destroy(wg_arena_t **self_p)
{
    wg_arena_t *self = *self_p;
    if (self == NULL)
        return;
    arena_block_t *b = self->head;
    while (b != NULL) {
        arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(self);
    *self_p = NULL;
}
