/*
 * wire_int.h - libwg's own half of the wire codec (see wire_orders.c).
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

/* The envelope workers send, in their canonical encoding, decoded into the
 * arena as protobuf-c would; NULL to leave the bytes to protobuf-c. */
Wgpb__V1__Envelope *wg__wire_decode_order(wg_arena_t *a, const uint8_t *data,
                                          size_t len);

#endif
