/*
 * wg/bus.h - ZeroMQ sockets driven by a libuv loop.
 *
 * A hub (the adjudicator) binds a ROUTER endpoint for directed messages and
 * a PUB endpoint for broadcasts. A client (any other worker) connects a
 * DEALER to the ROUTER and a SUB (subscribed to everything) to the PUB.
 * Each socket's ZMQ_FD is watched with one uv_poll_t; since ZMQ_FD is
 * edge-triggered the bus drains while ZMQ_EVENTS shows POLLIN, right after
 * the poll starts, on every wake-up and after every send.
 *
 * Lifetime: wg_bus_new_*() on a loop the caller owns; wg_bus_close() stops
 * the polls and closes the sockets, and its callback runs once every handle
 * is closed; only then wg_bus_destroy(). Callbacks never run after close.
 * The bytes passed to a receive callback live only during the call. The
 * receive callback may send, and may close its own bus (no callback runs
 * after that); a send never calls the receive callback itself (input it
 * uncovers is drained on the next loop iteration). Sending on a closing bus
 * returns WG_ESTATE. All functions run on the loop's thread.
 *
 * Errors: 0 or a negative code (-errno from ZeroMQ, or wg/error.h).
 */
#ifndef WG_BUS_H
#define WG_BUS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct wg_bus wg_bus_t;

/*
 * A message arrived. For a hub, `peer` is the ROUTER routing id of the
 * sender (peer_len bytes) and `broadcast` is 0. For a client, `peer` is
 * NULL and `broadcast` says whether it came on the SUB socket.
 */
typedef void (*wg_bus_recv_cb)(wg_bus_t *self, const uint8_t *peer,
                               size_t peer_len, int broadcast,
                               const uint8_t *data, size_t len, void *arg);
typedef void (*wg_bus_close_cb)(wg_bus_t *self, void *arg);

typedef struct {
    const char *router_endpoint; /* e.g. "tcp://127.0.0.1:5555" */
    const char *pub_endpoint;
    /* Client only: the DEALER's routing id (at most 255 bytes), or NULL for
     * one chosen by ZeroMQ. */
    const char *identity;
    /* Largest message accepted; 0 = 1 MiB. Sending a longer one fails
     * with -EMSGSIZE (counted in send_errors). Receiving one makes ZeroMQ
     * (ZMQ_MAXMSGSIZE) drop it together with the connection it came on,
     * and whatever was in flight behind it; the connecting side then
     * reconnects. Such drops are not visible to the bus. */
    int64_t max_message;
} wg_bus_config_t;

/* Binds (hub) or connects (client). Returns NULL and sets *err on failure. */
wg_bus_t *wg_bus_new_hub(uv_loop_t *loop, const wg_bus_config_t *cfg,
                         wg_bus_recv_cb cb, void *arg, int *err);
wg_bus_t *wg_bus_new_client(uv_loop_t *loop, const wg_bus_config_t *cfg,
                            wg_bus_recv_cb cb, void *arg, int *err);

/* The endpoint actually bound or connected ("tcp://127.0.0.1:*" resolves
 * to the real port); which = 0 for the ROUTER/DEALER, 1 for PUB/SUB.
 * Borrowed, valid until destroy. */
const char *wg_bus_endpoint(const wg_bus_t *self, int which);

/* Hub: publish to every subscriber. */
int wg_bus_publish(wg_bus_t *self, const void *data, size_t len);
/* Hub: send to one peer by routing id. An unknown peer is -EHOSTUNREACH. */
int wg_bus_send_to(wg_bus_t *self, const uint8_t *peer, size_t peer_len,
                   const void *data, size_t len);
/* Client: send to the hub. */
int wg_bus_send(wg_bus_t *self, const void *data, size_t len);

/* Messages sent and received, and sends that failed, since creation;
 * dropped counts received messages with an unexpected number of frames
 * (never delivered). */
typedef struct {
    uint64_t sent, received, send_errors;
    uint64_t dropped;
} wg_bus_stats_t;
void wg_bus_stats(const wg_bus_t *self, wg_bus_stats_t *out);

/* Starts closing; cb (may be NULL) runs when every handle is closed. */
void wg_bus_close(wg_bus_t *self, wg_bus_close_cb cb, void *arg);
/* Frees a closed bus and sets *self_p to NULL. */
void wg_bus_destroy(wg_bus_t **self_p);

#endif
