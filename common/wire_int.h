/*
 * wire_int.h - what the files of the wire codec share and nobody else
 * calls: wire.c (the conversions), wire_encode.c (the encode fast path) and
 * wire_decode.c (the decode fast path).
 */
#ifndef WG_WIRE_INT_H
#define WG_WIRE_INT_H

#include "wg/wire.h"

#include <stddef.h>
#include <stdint.h>

/* Bytes of v as a protobuf varint. */
static inline size_t
wg__varint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Statuses a unit can have, so the size of a count by status. */
#define WG__UNIT_STATUSES (WG_UNIT_ENTERING + 1)

/* Troops deployed by sector, and troops by nation and status, as a
 * Situation reports them (wg_wire_situation(), wg_wire_put_situation()). */
void wg__wire_count_troops(
    const wg_state_t *st, uint32_t sector_troops[WG_MAX_SECTORS],
    uint32_t nation_troops[WG_MAX_NATIONS][WG__UNIT_STATUSES]);

/* The envelope workers send, in their canonical encoding, decoded into the
 * arena as protobuf-c would; NULL to leave the bytes to protobuf-c. */
Wgpb__V1__Envelope *wg__wire_decode_order(wg_arena_t *a, const uint8_t *data,
                                          size_t len);

#endif
