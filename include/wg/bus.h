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
 * CURVE: with keys in the config every socket uses CurveZMQ (libzmq's
 * own): the hub's ROUTER and PUB are CURVE servers, a client's DEALER and
 * SUB CURVE clients of the hub's public key. The hub then answers ZAP
 * (ZeroMQ RFC 27) itself, on its loop: each handshake, on either socket,
 * goes to the config's auth callback, which admits the client's key under
 * a User-Id (its role) or refuses it; a refused client, or one without
 * CURVE, never gets a message through in either direction. Trust the
 * User-Id, never the routing id, which a client chooses: so that no
 * admitted key can take another's replies, a CURVE hub's ROUTER does not
 * hand a routing id in use over to a new connection (ZMQ_ROUTER_HANDOVER
 * off: libzmq does not give the newcomer that id), and a peer is best
 * addressed by the routing id its authenticated messages came from. A
 * CURVE hub has a ZeroMQ context of its own, because a context has one ZAP
 * endpoint, so its endpoints cannot be inproc://. Without keys nothing of
 * this happens.
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

/* Why the bus dropped a message it received, undelivered. */
typedef enum {
    WG_BUS_DROP_FRAMES = 0,   /* not the frames a message has (one payload) */
    WG_BUS_DROP_OVERSIZE = 1, /* a payload longer than max_in */
} wg_bus_drop_t;

/*
 * A message the bus dropped (counted in stats.dropped or stats.oversize):
 * `peer` is the ROUTER routing id it came from (NULL on a client, or when
 * the message had no frame to name it), `size` its payload's bytes (all
 * frames for WG_BUS_DROP_FRAMES). Runs on the loop's thread, where the
 * receive callback would have; may not close the bus.
 */
typedef void (*wg_bus_drop_cb)(wg_bus_t *self, const uint8_t *peer,
                               size_t peer_len, wg_bus_drop_t why, size_t size,
                               void *arg);

/*
 * Hub: a connection to the ROUTER closed (the peer closed it or died, or
 * sent nothing, not even a heartbeat, for three heartbeat intervals).
 * `peer` is the routing id of the last message that came over it; a
 * connection that never delivered one is not reported. Runs on the loop's
 * thread with the receive callback's arg; may send, may not close the bus.
 */
typedef void (*wg_bus_gone_cb)(wg_bus_t *self, const uint8_t *peer,
                               size_t peer_len, void *arg);

/* Longest User-Id an auth callback may give. */
#define WG_BUS_USER_ID_MAX 255

/*
 * A CURVE hub's admission: a client completing the CURVE handshake on the
 * ROUTER (which = 0) or the PUB (which = 1) with its long-term public key
 * (32 bytes) from `address` (its IP address, "" on ipc://). To admit,
 * write a non-empty User-Id (at most cap - 1 bytes and a NUL; cap is
 * WG_BUS_USER_ID_MAX + 1) to user_id and return 0: every message from that
 * connection then carries it (wg_bus_user_id()). To refuse, return a
 * negative code: the client is answered ZAP 400 and its connection closed
 * before any message passes (its socket retries every 100 ms or so, and is
 * asked about each time). The bus counts admissions and refusals in its
 * stats and logs neither (a refused peer could flood the log); log them
 * here. Runs on the loop's thread; may close the bus.
 */
typedef int (*wg_bus_auth_cb)(wg_bus_t *self, int which,
                              const uint8_t *public_key, const char *address,
                              char *user_id, size_t cap, void *arg);

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
    /* Largest payload delivered to the receive callback, 0 = max_message.
     * A longer one (up to max_message) is dropped and reported to drop:
     * the peer stays connected and the drop is counted, where one over
     * max_message costs the peer its connection. */
    int64_t max_in;
    /* Called for every message dropped undelivered (NULL: counted only). */
    wg_bus_drop_cb drop;
    /* Hub: called when a peer's connection closes (NULL: not watched). */
    wg_bus_gone_cb gone;
    /* Queued messages per connection and direction (ZMQ_SNDHWM and
     * ZMQ_RCVHWM), 0 = 10000. Past the send mark a send fails with EAGAIN
     * (a PUB drops for that subscriber); past the receive mark ZeroMQ
     * stops reading that connection until the loop catches up. */
    int snd_hwm, rcv_hwm;
    /* ZMQ_HEARTBEAT_IVL, 0 = none: every connection is PINGed this often,
     * and one that has answered nothing for three intervals is closed (its
     * peer is dead or stopped); a client reconnects. A client also tells
     * the hub, through ZMQ_HEARTBEAT_TTL, to close it after as long. */
    int heartbeat_ms;
    /* CURVE, all NULL for none (as before). Keys are 32 bytes (wg/keys.h)
     * and copied. Hub: curve_secret_key, and auth (required) with its
     * arg. Client: curve_public_key and curve_secret_key, its own pair,
     * and curve_server_key, the hub's public key. */
    const uint8_t *curve_public_key;
    const uint8_t *curve_secret_key;
    const uint8_t *curve_server_key;
    wg_bus_auth_cb auth;
    void *auth_arg;
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

/* The User-Id the auth callback gave the sender of the message being
 * delivered: valid only during the receive callback, NULL outside it and
 * on a bus without CURVE (and on clients: the hub is known by its key). */
const char *wg_bus_user_id(const wg_bus_t *self);

/* Messages sent and received, and sends that failed, since creation;
 * dropped counts received messages with an unexpected number of frames,
 * oversize those longer than max_in (neither delivered). A CURVE hub
 * counts the handshakes it admitted and
 * refused (by the auth callback, or by the bus for a request that was not
 * a CURVE one or that the callback admitted without a User-Id). */
typedef struct {
    uint64_t sent, received, send_errors;
    uint64_t dropped, oversize;
    uint64_t admitted, refused;
    /* CURVE hub: handshakes that failed before ZAP was asked (a client
     * without CURVE, or one that does not have the hub's public key),
     * seen by a socket monitor on the ROUTER and the PUB. */
    uint64_t handshake_failed;
} wg_bus_stats_t;
void wg_bus_stats(const wg_bus_t *self, wg_bus_stats_t *out);

/* Starts closing; cb (may be NULL) runs when every handle is closed. */
void wg_bus_close(wg_bus_t *self, wg_bus_close_cb cb, void *arg);
/* Frees a closed bus and sets *self_p to NULL. */
void wg_bus_destroy(wg_bus_t **self_p);

#endif
