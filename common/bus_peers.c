/*
 * bus_peers.c - a hub's ROUTER connections by file descriptor, so that a
 * connection that closes (the monitor's ZMQ_EVENT_DISCONNECTED, which
 * names only the fd) can be told to the gone callback by the routing id of
 * the last message that came over it (ZMQ_SRCFD of that message).
 *
 * Owns nothing but a small table in the bus (bus_int.h: conns), on the
 * loop's thread. A table full of live connections forgets the oldest
 * entry: that peer's close then goes unreported, which costs a dead peer
 * its "gone", never a live one. An fd is reused only after its close was
 * reported to the monitor, which the loop reads before the new
 * connection's messages can be told apart, so a closed fd's entry is
 * dropped when its close is reported.
 */
#include "bus_int.h"

#include <string.h>

#define N_CONNS (sizeof((wg_bus_t *)0)->conns / sizeof((wg_bus_t *)0)->conns[0])

void
wg__bus_peer_seen(wg_bus_t *self, zmq_msg_t *payload, const uint8_t *id,
                  size_t len)
{
    int fd = zmq_msg_get(payload, ZMQ_SRCFD);
    size_t slot = N_CONNS, free_slot = N_CONNS;

    if (fd < 0 || len == 0 || len > IDENTITY_MAX)
        return;
    for (size_t i = 0; i < N_CONNS; i++) {
        if (self->conns[i].fd == fd)
            slot = i;
        else if (self->conns[i].fd < 0 && free_slot == N_CONNS)
            free_slot = i;
    }
    if (slot == N_CONNS)
        slot = free_slot < N_CONNS ? free_slot : (size_t)fd % N_CONNS;
    self->conns[slot].fd = fd;
    self->conns[slot].len = (uint8_t)len;
    memcpy(self->conns[slot].id, id, len);
}

void
wg__bus_peer_gone(wg_bus_t *self, int fd)
{
    for (size_t i = 0; i < N_CONNS; i++) {
        if (self->conns[i].fd != fd)
            continue;
        uint8_t id[IDENTITY_MAX];
        size_t len = self->conns[i].len;
        memcpy(id, self->conns[i].id, len);
        self->conns[i].fd = -1;
        if (self->gone_cb != NULL && !self->closing)
            self->gone_cb(self, id, len, self->recv_arg);
        return;
    }
}
