/*
 * sub.h - an observer's one socket: a ZeroMQ SUB on a libuv loop that also
 * says how its connection stands.
 *
 * A player worker's bus (wg/bus.h) is a DEALER and a SUB; an observer
 * gives no orders, so it opens no DEALER (the adjudicator refuses a Join
 * from an observer's key anyway) and connects a SUB alone, with CurveZMQ
 * when the exercise has keys. A socket monitor (zmq_socket_monitor) tells
 * it when the connection is up (the handshake succeeded), lost, retried or
 * refused (a key the adjudicator does not admit), so the board can say
 * "reconnecting" and come back: ZeroMQ reconnects by itself. ZeroMQ
 * heartbeats close a connection whose peer stopped answering.
 *
 * Both sockets' ZMQ_FDs are watched with uv_poll and drained while
 * ZMQ_EVENTS says POLLIN (edge-triggered). Callbacks run on the loop's
 * thread; the message bytes live only during the call. A message that is
 * not one frame, or longer than SUB_MAX_MESSAGE, is dropped and reported
 * with data NULL and its size. Lifetime: sub_new() on a loop the caller
 * owns; sub_close() stops both polls and closes the sockets; the object is
 * freed once its handles are closed (the caller then runs the loop dry).
 */
#ifndef WG_OBSERVE_SUB_H
#define WG_OBSERVE_SUB_H

#include "wg/keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define SUB_MAX_MESSAGE (1 << 20)

typedef enum {
    SUB_CONNECTED = 0, /* the handshake succeeded: messages may come */
    SUB_LOST = 1,      /* the connection closed: ZeroMQ reconnects */
    SUB_RETRYING = 2,  /* nothing listens there (yet) */
    SUB_REFUSED = 3,   /* the handshake failed: a key not admitted, or not
                          this adjudicator's */
} sub_state_t;

typedef struct sub sub_t;

/* A message (data, len), or one dropped unread (data NULL, len its size). */
typedef void (*sub_message_cb)(const uint8_t *data, size_t len, void *arg);
typedef void (*sub_state_cb)(sub_state_t state, void *arg);

typedef struct {
    const char *endpoint;
    bool curve; /* then the three keys below */
    wg_keypair_t keys;
    uint8_t server_key[WG_KEY_LEN];
    int heartbeat_ms; /* 0: none */
} sub_config_t;

/* Connects. Returns 0 and *out, or a negative code (-errno from ZeroMQ). */
int sub_new(uv_loop_t *loop, const sub_config_t *cfg, sub_message_cb on_msg,
            sub_state_cb on_state, void *arg, sub_t **out);
/* Stops every callback and frees the object once its handles are closed. */
void sub_close(sub_t *self);

#endif
