/*
 * adjudicator_book.c - the book: a phase's records held until it closes
 * and made then, slot by slot (adjudicator_int.h says why and how; the
 * order is docs/LOG-FORMAT.md's "The order of records").
 *
 * Owns the entries and a copy of each input's bytes (and an Error's
 * detail) for one phase; emptied at every flush. Same thread and lifetime
 * as adjudicator.c.
 */
#include "adjudicator_int.h"

#include <stdlib.h>
#include <string.h>

static void *
grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    p = realloc(p, c * elem);
    if (p == NULL)
        abort(); /* out of memory: nothing sensible is left to do */
    *cap = c;
    return p;
}

/* Copies n bytes into the book's buffer; their offset. */
static size_t
keep_bytes(wg_book_t *b, const void *data, size_t n)
{
    b->bytes = grow(b->bytes, &b->bcap, b->used + n + 1, 1, 4096);
    size_t off = b->used;
    if (n > 0)
        memcpy(b->bytes + off, data, n);
    b->used += n;
    return off;
}

void
wg__book(wg_adjudicator_t *self, const wg_book_entry_t *e,
         Wgpb__V1__Envelope *env, const char *detail)
{
    if (self->replay) {
        wg__adjudicator_make(self, e, env, detail, WG_OUT_BOTH);
        return;
    }
    wg__adjudicator_make(self, e, env, detail, WG_OUT_SEND);
    wg_book_t *b = &self->book;
    b->v = grow(b->v, &b->cap, b->n + 1, sizeof *b->v, 16);
    wg_book_entry_t *k = &b->v[b->n++];
    *k = *e;
    k->off = k->len = k->detail_off = k->detail_len = 0;
    if (env != NULL && self->in_bytes != NULL) {
        k->off = keep_bytes(b, self->in_bytes, self->in_len);
        k->len = self->in_len;
    }
    if (detail != NULL) {
        k->detail_len = strlen(detail);
        k->detail_off = keep_bytes(b, detail, k->detail_len + 1);
    }
}

/* Makes one entry's records: its input decoded again from its bytes. */
static void
make_entry(wg_adjudicator_t *self, const wg_book_entry_t *e)
{
    wg_book_t *b = &self->book;
    Wgpb__V1__Envelope *env = NULL;
    wg_arena_reset(b->arena);
    if (e->len > 0) {
        self->in_bytes = b->bytes + e->off;
        self->in_len = e->len;
        env = wg_wire_unpack_in(b->arena, self->in_bytes, self->in_len);
        if (env == NULL)
            abort(); /* bytes it decoded once: a bug */
    }
    const char *detail =
        e->detail_len > 0 ? (const char *)b->bytes + e->detail_off : NULL;
    wg__adjudicator_make(self, e, env, detail, WG_OUT_RECORD);
}

void
wg__book_flush(wg_adjudicator_t *self)
{
    wg_book_t *b = &self->book;
    if (b->n == 0)
        return;
    const uint8_t *in_bytes = self->in_bytes;
    size_t in_len = self->in_len;
    /* Slot by slot; a slot's entries in the order they came. Few entries
     * a phase: a pass per slot costs less than sorting. */
    for (int key = 0; key <= WG_BOOK_DIRECTOR; key++) {
        if (key == (int)n_keys(self))
            key = WG_BOOK_DIRECTOR;
        for (size_t i = 0; i < b->n; i++)
            if (b->v[i].key == key)
                make_entry(self, &b->v[i]);
    }
    b->n = 0;
    b->used = 0;
    self->in_bytes = in_bytes;
    self->in_len = in_len;
}

void
wg__book_free(wg_book_t *b)
{
    free(b->v);
    free(b->bytes);
    wg_arena_destroy(&b->arena);
    memset(b, 0, sizeof *b);
}
