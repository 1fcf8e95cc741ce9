/*
 * wire_int.h - libwg's own half of the wire codec (see wire_orders.c).
 */
#ifndef WG_WIRE_INT_H
#define WG_WIRE_INT_H

#include "wg/wire.h"

/* The envelope workers send, in their canonical encoding, decoded into the
 * arena as protobuf-c would; NULL to leave the bytes to protobuf-c. */
Wgpb__V1__Envelope *wg__wire_decode_order(wg_arena_t *a, const uint8_t *data,
                                          size_t len);

#endif
