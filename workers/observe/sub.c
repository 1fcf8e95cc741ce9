/*
 * sub.c - an observer's SUB socket and its monitor on a libuv loop
 * (sub.h).
 *
 * Owns a ZeroMQ context, the SUB, the PAIR that reads the SUB's monitor
 * and one uv_poll_t for each. Runs on the loop's thread. Errors at start
 * are returned (-errno); afterwards nothing fails: ZeroMQ reconnects, and
 * what cannot be read is reported to the message callback as dropped.
 */
#include "sub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define DRAIN_BATCH 256 /* messages per wake-up before yielding */

struct sub {
    uv_loop_t *loop;
    void *ctx, *sock, *mon;
    uv_poll_t poll_sock, poll_mon;
    int open_handles;
    bool closing;
    sub_message_cb on_msg;
    sub_state_cb on_state;
    void *arg;
};

static void drain(sub_t *self);

static int
set_int(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v) == -1 ? -zmq_errno() : 0;
}

static int
configure(sub_t *self, const sub_config_t *cfg)
{
    int64_t max = SUB_MAX_MESSAGE;
    int rc = 0;
    if (zmq_setsockopt(self->sock, ZMQ_SUBSCRIBE, "", 0) == -1 ||
        zmq_setsockopt(self->sock, ZMQ_MAXMSGSIZE, &max, sizeof max) == -1)
        return -zmq_errno();
    if ((rc = set_int(self->sock, ZMQ_LINGER, 0)) < 0 ||
        (rc = set_int(self->sock, ZMQ_RECONNECT_IVL, 200)) < 0 ||
        (rc = set_int(self->sock, ZMQ_RECONNECT_IVL_MAX, 1000)) < 0)
        return rc;
    if (cfg->heartbeat_ms > 0 &&
        ((rc = set_int(self->sock, ZMQ_HEARTBEAT_IVL, cfg->heartbeat_ms)) < 0 ||
         (rc = set_int(self->sock, ZMQ_HEARTBEAT_TIMEOUT,
                       3 * cfg->heartbeat_ms)) < 0))
        return rc;
    if (cfg->curve && (zmq_setsockopt(self->sock, ZMQ_CURVE_SERVERKEY,
                                      cfg->server_key, WG_KEY_LEN) == -1 ||
                       zmq_setsockopt(self->sock, ZMQ_CURVE_PUBLICKEY,
                                      cfg->keys.public_key, WG_KEY_LEN) == -1 ||
                       zmq_setsockopt(self->sock, ZMQ_CURVE_SECRETKEY,
                                      cfg->keys.secret_key, WG_KEY_LEN) == -1))
        return -zmq_errno();
    return 0;
}

/* The monitor's PAIR, connected before the SUB connects so that no event
 * is missed. */
static int
open_monitor(sub_t *self)
{
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://wg-observe-monitor-%p", (void *)self);
    if (zmq_socket_monitor(self->sock, ep,
                           ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                               ZMQ_EVENT_DISCONNECTED |
                               ZMQ_EVENT_CONNECT_RETRIED |
                               ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                               ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == -1)
        return -zmq_errno();
    self->mon = zmq_socket(self->ctx, ZMQ_PAIR);
    if (self->mon == NULL)
        return -zmq_errno();
    int rc = set_int(self->mon, ZMQ_LINGER, 0);
    if (rc == 0 && zmq_connect(self->mon, ep) == -1)
        rc = -zmq_errno();
    return rc;
}

static bool
readable(void *s)
{
    int ev = 0;
    size_t n = sizeof ev;
    return zmq_getsockopt(s, ZMQ_EVENTS, &ev, &n) == 0 && (ev & ZMQ_POLLIN);
}

/* One message of the SUB: delivered if it is one frame within the limit. */
static void
take_message(sub_t *self, zmq_msg_t *m)
{
    size_t len = zmq_msg_size(m);
    bool more = zmq_msg_more(m);
    size_t total = len;
    while (more) { /* not the one frame a message is: drop it whole */
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, self->sock, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close(&part);
            break;
        }
        total += zmq_msg_size(&part);
        more = zmq_msg_more(&part);
        zmq_msg_close(&part);
    }
    if (total != len)
        self->on_msg(NULL, total, self->arg);
    else
        self->on_msg(zmq_msg_data(m), len, self->arg);
}

static void
take_event(sub_t *self, zmq_msg_t *m)
{
    uint16_t event = 0;
    if (zmq_msg_size(m) >= 6)
        memcpy(&event, zmq_msg_data(m), sizeof event);
    while (zmq_msg_more(m)) { /* the endpoint frame */
        zmq_msg_close(m);
        zmq_msg_init(m);
        if (zmq_msg_recv(m, self->mon, ZMQ_DONTWAIT) == -1)
            break;
    }
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        self->on_state(SUB_CONNECTED, self->arg);
        break;
    case ZMQ_EVENT_DISCONNECTED:
        self->on_state(SUB_LOST, self->arg);
        break;
    case ZMQ_EVENT_CONNECT_RETRIED:
        self->on_state(SUB_RETRYING, self->arg);
        break;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        self->on_state(SUB_REFUSED, self->arg);
        break;
    default:
        break;
    }
}

static void
drain_one(sub_t *self, void *s)
{
    for (int i = 0; i < DRAIN_BATCH && !self->closing && readable(s); i++) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) == -1) {
            zmq_msg_close(&m);
            break;
        }
        if (s == self->sock)
            take_message(self, &m);
        else
            take_event(self, &m);
        zmq_msg_close(&m);
    }
}

static void
drain(sub_t *self)
{
    drain_one(self, self->mon);
    drain_one(self, self->sock);
}

static void
poll_cb(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    sub_t *self = h->data;
    drain(self);
    /* A full batch may leave messages behind with no new edge: come back
     * on the next iteration through a zero-timeout poll of ZMQ_EVENTS. */
    if (!self->closing && (readable(self->sock) || readable(self->mon)))
        uv_poll_start(h, UV_READABLE | UV_WRITABLE, poll_cb);
    else if (!self->closing)
        uv_poll_start(h, UV_READABLE, poll_cb);
}

static int
watch(sub_t *self, uv_poll_t *p, void *s)
{
    int fd;
    size_t n = sizeof fd;
    if (zmq_getsockopt(s, ZMQ_FD, &fd, &n) == -1)
        return -zmq_errno();
    int rc = uv_poll_init(self->loop, p, fd);
    if (rc < 0)
        return rc;
    self->open_handles++;
    p->data = self;
    return uv_poll_start(p, UV_READABLE, poll_cb);
}

static void
free_sub(sub_t *self)
{
    if (self->mon != NULL)
        zmq_close(self->mon);
    if (self->sock != NULL) {
        zmq_socket_monitor(self->sock, NULL, 0);
        zmq_close(self->sock);
    }
    if (self->ctx != NULL)
        zmq_ctx_term(self->ctx);
    free(self);
}

static void
closed_cb(uv_handle_t *h)
{
    sub_t *self = h->data;
    if (--self->open_handles == 0)
        free_sub(self);
}

void
sub_close(sub_t *self)
{
    if (self == NULL || self->closing)
        return;
    self->closing = true;
    uv_poll_t *polls[2] = {&self->poll_sock, &self->poll_mon};
    int open = self->open_handles;
    for (int i = 0; i < open; i++) {
        uv_poll_stop(polls[i]);
        uv_close((uv_handle_t *)polls[i], closed_cb);
    }
    if (open == 0)
        free_sub(self);
}

int
sub_new(uv_loop_t *loop, const sub_config_t *cfg, sub_message_cb on_msg,
        sub_state_cb on_state, void *arg, sub_t **out)
{
    sub_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return -ENOMEM;
    *self = (sub_t){
        .loop = loop, .on_msg = on_msg, .on_state = on_state, .arg = arg};
    int rc = -ENOMEM;
    if ((self->ctx = zmq_ctx_new()) == NULL ||
        (self->sock = zmq_socket(self->ctx, ZMQ_SUB)) == NULL) {
        rc = -zmq_errno();
        goto fail;
    }
    if ((rc = configure(self, cfg)) < 0 || (rc = open_monitor(self)) < 0)
        goto fail;
    if (zmq_connect(self->sock, cfg->endpoint) == -1) {
        rc = -zmq_errno();
        goto fail;
    }
    if ((rc = watch(self, &self->poll_sock, self->sock)) < 0 ||
        (rc = watch(self, &self->poll_mon, self->mon)) < 0)
        goto fail_handles;
    drain(self);
    *out = self;
    return 0;
fail_handles:
    sub_close(self); /* frees it once the handles are closed */
    return rc;
fail:
    free_sub(self);
    return rc;
}
