/*
 * bus.c - ZeroMQ sockets driven by a libuv loop (see wg/bus.h).
 *
 * Owns: per bus, two ZeroMQ sockets (hub: ROUTER + PUB; client: DEALER +
 * SUB), one uv_poll_t per socket that receives (ROUTER, DEALER, SUB) and
 * one uv_idle_t that continues a drain that hit its batch limit. Process
 * wide: one ZeroMQ context, created by the first bus and terminated when
 * the last bus has closed its sockets (a reference count under a mutex).
 * A hub with CURVE keys instead owns a context of its own and a third
 * socket in it, the ZAP handler (common/bus_zap.c, with the CURVE options
 * of every socket; bus_int.h is what the two files share): a ROUTER bound
 * to inproc://zeromq.zap.01 (one such endpoint per context, hence the
 * context), polled and drained like the others. libzmq's I/O threads send
 * it one request per CURVE handshake and hold the handshake until it
 * answers; it answers at once, from the auth callback's verdict. It is
 * bound before the ROUTER and PUB, since a CURVE server that finds no ZAP
 * handler admits everyone.
 *
 * Thread: every function of one bus runs on its loop's thread.
 *
 * Lifetime: wg_bus_new_*() -> wg_bus_close() (stops the polls, closes the
 * sockets at once, then the uv handles; the close callback runs once the
 * last handle's close callback ran) -> wg_bus_destroy().
 *
 * ZMQ_FD is edge-triggered: it signals that the socket's command mailbox
 * changed, and any call on the socket (send, recv, getsockopt ZMQ_EVENTS)
 * may consume that signal. So input is drained while ZMQ_EVENTS shows
 * POLLIN: on every wake-up, right after the poll starts (through the idle
 * handle) and after every send (the send schedules the idle handle when it
 * finds input pending, rather than calling the receive callback from inside
 * wg_bus_send(), which would make the callback re-entrant). A drain stops
 * after DRAIN_BATCH messages and leaves the rest to the idle handle so one
 * busy socket cannot starve the loop.
 *
 * Errors: API misuse asserts. Bad input from peers (unexpected frame
 * counts, payloads over max_in) is dropped, counted in stats.dropped or
 * stats.oversize, handed to the config's drop callback (which says what it
 * will: the bus logs it at DEBUG only, so a flood cannot fill stderr). Send
 * failures return -errno and are counted in stats.send_errors. ZAP
 * verdicts are counted in stats.admitted and stats.refused; the bus logs
 * only refusals it decides itself (a ZAP request it cannot read), which no
 * remote peer can cause.
 */
#include "wg/bus.h"
#include "bus_int.h"
#include "wg/diag.h"
#include "wg/error.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* ---- the process-wide context ------------------------------------------ */

static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ctx;
static unsigned ctx_refs;

static void *
ctx_acquire(void)
{
    void *c;
    pthread_mutex_lock(&ctx_lock);
    if (ctx == NULL)
        ctx = zmq_ctx_new();
    if (ctx != NULL)
        ctx_refs++;
    c = ctx;
    pthread_mutex_unlock(&ctx_lock);
    return c;
}

/* Called once the bus's sockets are closed; with a short linger the final
 * zmq_ctx_term() returns promptly. */
static void
ctx_release(void)
{
    pthread_mutex_lock(&ctx_lock);
    assert(ctx_refs > 0);
    if (--ctx_refs == 0) {
        while (zmq_ctx_term(ctx) == -1 && zmq_errno() == EINTR)
            ;
        ctx = NULL;
    }
    pthread_mutex_unlock(&ctx_lock);
}

/* The bus's context: its own for a CURVE hub, the shared one otherwise. */
static void *
bus_ctx_acquire(wg_bus_t *self)
{
    self->own_ctx = self->hub && self->curve;
    self->ctx = self->own_ctx ? zmq_ctx_new() : ctx_acquire();
    return self->ctx;
}

/* Once the bus's sockets are closed. */
static void
bus_ctx_release(wg_bus_t *self)
{
    if (self->own_ctx)
        while (zmq_ctx_term(self->ctx) == -1 && zmq_errno() == EINTR)
            ;
    else
        ctx_release();
    self->ctx = NULL;
}

/* ---- helpers ------------------------------------------------------------ */

int
wg__bus_set_int(void *s, int opt, int v)
{
    return zmq_setsockopt(s, opt, &v, sizeof v) == -1 ? -zmq_errno() : 0;
}

const char *
wg__bus_sock_name(const wg_bus_t *self, int idx)
{
    if (idx == SOCK_ZAP)
        return "ZAP handler";
    if (idx >= SOCK_MON_DIRECT)
        return idx == SOCK_MON_DIRECT ? "ROUTER monitor" : "PUB monitor";
    if (self->hub)
        return idx == SOCK_DIRECT ? "ROUTER" : "PUB";
    return idx == SOCK_DIRECT ? "DEALER" : "SUB";
}

/* Whether socket idx is one this bus reads from (the hub's PUB is not). */
static bool
receives(const wg_bus_t *self, int idx)
{
    if (idx >= SOCK_ZAP)
        return self->sock[idx] != NULL;
    return !(self->hub && idx == SOCK_BCAST);
}

static void idle_cb(uv_idle_t *handle);

static void
schedule_drain(wg_bus_t *self)
{
    if (!self->closing && self->idle_inited)
        uv_idle_start(&self->idle, idle_cb);
}

/* ZMQ_EVENTS both reports and consumes the edge; returns 1 if input is
 * pending, 0 if not, or a negative code. */
static int
pending_input(wg_bus_t *self, int idx)
{
    int events;
    size_t sz = sizeof events;
    if (zmq_getsockopt(self->sock[idx], ZMQ_EVENTS, &events, &sz) == -1) {
        int err = zmq_errno();
        if (err != EINTR)
            WG_DIAG_WARN("bus: ZMQ_EVENTS on %s: %s",
                         wg__bus_sock_name(self, idx), zmq_strerror(err));
        return -err;
    }
    return (events & ZMQ_POLLIN) ? 1 : 0;
}

/* After any send: the send may have consumed the edge of ZMQ_FD, so look
 * at ZMQ_EVENTS now and, if input is waiting, let the idle handle drain it
 * on this loop iteration (never from inside the send). */
static void
after_send(wg_bus_t *self, int idx)
{
    if (receives(self, idx) && pending_input(self, idx) > 0)
        schedule_drain(self);
}

/* Receives every frame of one message from socket idx: the first `max`
 * into part[] (*nparts of them, the caller closes them), the rest counted
 * in *extra and closed. Returns 0, or a negative code if nothing could be
 * received. */
int
wg__bus_recv_frames(wg_bus_t *self, int idx, zmq_msg_t *part, int max,
                    int *nparts, size_t *extra)
{
    int more = 1;

    *nparts = 0;
    *extra = 0;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->sock[idx], ZMQ_DONTWAIT) == -1) {
            int rc = -zmq_errno();
            zmq_msg_close(&m);
            /* A multipart message is delivered atomically, so this can only
             * be the first frame (EAGAIN, EINTR, ETERM). */
            if (*nparts > 0 || *extra > 0)
                WG_DIAG_WARN("bus: %s: recv mid-message: %s",
                             wg__bus_sock_name(self, idx), zmq_strerror(-rc));
            return rc;
        }
        more = zmq_msg_more(&m);
        if (*nparts < max)
            part[(*nparts)++] = m;
        else {
            (*extra)++;
            zmq_msg_close(&m);
        }
    }
    return 0;
}

/* A message received and not delivered: counted, and told to the drop
 * callback with the routing id it came from (the ROUTER's first frame). */
static void
drop_one(wg_bus_t *self, int idx, zmq_msg_t *part, int nparts, size_t extra,
         wg_bus_drop_t why)
{
    const bool router = self->hub && idx == SOCK_DIRECT;
    size_t size = 0;

    for (int i = router ? 1 : 0; i < nparts; i++)
        size += zmq_msg_size(&part[i]);
    if (why == WG_BUS_DROP_OVERSIZE)
        self->stats.oversize++;
    else
        self->stats.dropped++;
    WG_DIAG_DEBUG("bus: %s: dropped a message of %zu frame(s), %zu bytes: %s",
                  wg__bus_sock_name(self, idx), (size_t)nparts + extra, size,
                  why == WG_BUS_DROP_OVERSIZE ? "too long" : "frames");
    if (self->drop_cb != NULL)
        self->drop_cb(self,
                      router && nparts > 0 ? zmq_msg_data(&part[0]) : NULL,
                      router && nparts > 0 ? zmq_msg_size(&part[0]) : 0, why,
                      size, self->recv_arg);
}

/* Receives one whole message (all its frames) and delivers it if it has
 * the expected shape: [routing id][payload] on the ROUTER, [payload] on
 * the DEALER and SUB, the payload at most max_in bytes. Returns 0, or a
 * negative code if nothing could be received. */
static int
recv_one(wg_bus_t *self, int idx)
{
    const int want = (self->hub && idx == SOCK_DIRECT) ? 2 : 1;
    zmq_msg_t part[2];
    int nparts;
    size_t extra;
    int rc = wg__bus_recv_frames(self, idx, part, want, &nparts, &extra);

    if (rc == 0) {
        if (nparts != want || extra > 0) {
            drop_one(self, idx, part, nparts, extra, WG_BUS_DROP_FRAMES);
        } else if ((int64_t)zmq_msg_size(&part[want - 1]) > self->max_in) {
            drop_one(self, idx, part, nparts, extra, WG_BUS_DROP_OVERSIZE);
        } else {
            zmq_msg_t *payload = &part[want - 1];
            self->stats.received++;
            /* Every frame from a connection carries what ZAP said of it. */
            if (self->curve && self->hub)
                self->user_id = zmq_msg_gets(payload, "User-Id");
            if (want == 2 && self->gone_cb != NULL)
                wg__bus_peer_seen(self, payload, zmq_msg_data(&part[0]),
                                  zmq_msg_size(&part[0]));
            if (want == 2)
                self->recv_cb(self, zmq_msg_data(&part[0]),
                              zmq_msg_size(&part[0]), 0, zmq_msg_data(payload),
                              zmq_msg_size(payload), self->recv_arg);
            else
                self->recv_cb(self, NULL, 0, idx == SOCK_BCAST,
                              zmq_msg_data(payload), zmq_msg_size(payload),
                              self->recv_arg);
            self->user_id = NULL;
        }
    }
    for (int i = 0; i < nparts; i++)
        zmq_msg_close(&part[i]);
    return rc;
}

/* Drains up to DRAIN_BATCH messages. Returns true if input may remain. The
 * callback may close the bus: then the sockets are gone, so stop at once. */
static bool
drain(wg_bus_t *self, int idx)
{
    for (int n = 0; n < DRAIN_BATCH; n++) {
        if (self->closing)
            return false;
        int p = pending_input(self, idx);
        if (p < 0)
            return p == -EINTR; /* retry later on EINTR */
        if (p == 0)
            return false;
        int rc = idx == SOCK_ZAP          ? wg__bus_zap_one(self)
                 : idx >= SOCK_MON_DIRECT ? wg__bus_monitor_one(self, idx)
                                          : recv_one(self, idx);
        if (rc == -EINTR)
            return true;
        if (rc < 0 && rc != -EAGAIN)
            return false;
    }
    return !self->closing;
}

static void
poll_cb(uv_poll_t *handle, int status, int events)
{
    wg_bus_t *self = handle->data;
    int idx = (int)(handle - self->poll);
    (void)events;

    if (status < 0)
        /* ZeroMQ's own state is what counts; try to drain anyway. */
        WG_DIAG_WARN("bus: poll on %s: %s", wg__bus_sock_name(self, idx),
                     uv_strerror(status));
    if (self->closing)
        return;
    if (drain(self, idx))
        schedule_drain(self);
}

static void
idle_cb(uv_idle_t *handle)
{
    wg_bus_t *self = handle->data;
    bool more = false;

    for (int i = 0; i < NSOCKS && !self->closing; i++)
        if (self->poll_inited[i] && drain(self, i))
            more = true;
    if (!more && !self->closing)
        uv_idle_stop(&self->idle);
}

static void
handle_close_cb(uv_handle_t *handle)
{
    wg_bus_t *self = handle->data;

    assert(self->open_handles > 0);
    if (--self->open_handles > 0)
        return;
    self->closed = true;
    if (self->free_on_close) {
        wg_bus_destroy(&self);
        return;
    }
    /* The user may destroy the bus here: touch nothing after. */
    if (self->close_cb != NULL)
        self->close_cb(self, self->close_arg);
}

/* Stops and closes every uv handle and every socket. */
static void
begin_close(wg_bus_t *self)
{
    self->closing = true;
    for (int i = 0; i < NSOCKS; i++) {
        if (self->poll_inited[i]) {
            uv_poll_stop(&self->poll[i]);
            uv_close((uv_handle_t *)&self->poll[i], handle_close_cb);
            self->open_handles++;
        }
    }
    if (self->idle_inited) {
        uv_idle_stop(&self->idle);
        uv_close((uv_handle_t *)&self->idle, handle_close_cb);
        self->open_handles++;
    }
    /* The polls no longer watch the ZMQ_FDs (uv_close removed them from
     * the backend at once), so the sockets can go now. */
    for (int i = 0; i < NSOCKS; i++) {
        if (self->sock[i] != NULL) {
            zmq_close(self->sock[i]);
            self->sock[i] = NULL;
        }
    }
}

/* ---- construction ------------------------------------------------------- */

static int
configure(wg_bus_t *self, void *s, int idx, const wg_bus_config_t *cfg)
{
    int rc;
    int64_t max = self->max_message;

    if ((rc = wg__bus_set_int(s, ZMQ_LINGER, LINGER_MS)) < 0 ||
        (rc = wg__bus_set_int(s, ZMQ_SNDHWM, self->snd_hwm)) < 0 ||
        (rc = wg__bus_set_int(s, ZMQ_RCVHWM, self->rcv_hwm)) < 0)
        return rc;
    if (self->heartbeat_ms > 0 &&
        ((rc = wg__bus_set_int(s, ZMQ_HEARTBEAT_IVL, self->heartbeat_ms)) < 0 ||
         (rc = wg__bus_set_int(s, ZMQ_HEARTBEAT_TIMEOUT,
                               3 * self->heartbeat_ms)) < 0 ||
         (!self->hub && (rc = wg__bus_set_int(s, ZMQ_HEARTBEAT_TTL,
                                              3 * self->heartbeat_ms)) < 0)))
        return rc;
    if (zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof max) == -1)
        return -zmq_errno();
    if (self->hub && idx == SOCK_DIRECT) {
        /* Unknown peers fail loudly instead of being dropped silently; a
         * restarted worker with the same identity takes over its slot.
         * Not with CURVE: a client names its own routing id, so handing
         * an id over would let any admitted key take another's replies. */
        if ((rc = wg__bus_set_int(s, ZMQ_ROUTER_MANDATORY, 1)) < 0 ||
            (rc = wg__bus_set_int(s, ZMQ_ROUTER_HANDOVER, !self->curve)) < 0)
            return rc;
    }
    return self->curve ? wg__bus_configure_curve(self, s, idx, cfg) : 0;
}

static int
open_socket(wg_bus_t *self, int idx, const wg_bus_config_t *cfg)
{
    static const int types[2][2] = {{ZMQ_DEALER, ZMQ_SUB},
                                    {ZMQ_ROUTER, ZMQ_PUB}};
    const char *endpoint =
        idx == SOCK_DIRECT ? cfg->router_endpoint : cfg->pub_endpoint;
    const char *identity = idx == SOCK_DIRECT ? cfg->identity : NULL;
    int rc;
    void *s = zmq_socket(self->ctx, types[self->hub][idx]);

    if (s == NULL)
        return -zmq_errno();
    self->sock[idx] = s;
    if ((rc = configure(self, s, idx, cfg)) < 0)
        return rc;
    if (!self->hub && idx == SOCK_DIRECT && identity != NULL &&
        zmq_setsockopt(s, ZMQ_ROUTING_ID, identity, strlen(identity)) == -1)
        return -zmq_errno();
    if (!self->hub && idx == SOCK_BCAST &&
        zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0) == -1)
        return -zmq_errno();

    if (self->hub) {
        char buf[ENDPOINT_MAX];
        size_t sz = sizeof buf;
        if (zmq_bind(s, endpoint) == -1) {
            rc = -zmq_errno();
            WG_DIAG_WARN("bus: cannot bind %s %s: %s",
                         wg__bus_sock_name(self, idx), endpoint,
                         zmq_strerror(-rc));
            return rc;
        }
        if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &sz) == -1)
            return -zmq_errno();
        buf[sizeof buf - 1] = '\0';
        self->endpoint[idx] = strdup(buf);
    } else {
        if (zmq_connect(s, endpoint) == -1) {
            rc = -zmq_errno();
            WG_DIAG_WARN("bus: cannot connect %s %s: %s",
                         wg__bus_sock_name(self, idx), endpoint,
                         zmq_strerror(-rc));
            return rc;
        }
        self->endpoint[idx] = strdup(endpoint);
    }
    return self->endpoint[idx] == NULL ? -ENOMEM : 0;
}

/* What a config must hold before anything is opened; 0 or WG_ECONFIG. */
static int
check_config(const wg_bus_config_t *cfg, bool hub)
{
    if (cfg->router_endpoint == NULL || cfg->pub_endpoint == NULL ||
        cfg->max_message < 0)
        return WG_ECONFIG;
    if (!hub && cfg->identity != NULL &&
        (cfg->identity[0] == '\0' || strlen(cfg->identity) > IDENTITY_MAX)) {
        /* ZeroMQ reserves ids starting with a zero byte; empty means none. */
        WG_DIAG_WARN("bus: identity must be 1 to %d bytes", IDENTITY_MAX);
        return WG_ECONFIG;
    }
    return 0;
}

/* The bus's own settings from the config, defaults for what it leaves 0. */
static void
take_settings(wg_bus_t *self, uv_loop_t *loop, const wg_bus_config_t *cfg,
              bool hub, wg_bus_recv_cb cb, void *arg)
{
    self->loop = loop;
    self->hub = hub;
    self->recv_cb = cb;
    self->recv_arg = arg;
    self->max_message =
        cfg->max_message > 0 ? cfg->max_message : DEFAULT_MAX_MESSAGE;
    self->max_in = cfg->max_in > 0 && cfg->max_in < self->max_message
                       ? cfg->max_in
                       : self->max_message;
    self->snd_hwm = cfg->snd_hwm > 0 ? cfg->snd_hwm : HWM;
    self->rcv_hwm = cfg->rcv_hwm > 0 ? cfg->rcv_hwm : HWM;
    self->heartbeat_ms = cfg->heartbeat_ms > 0 ? cfg->heartbeat_ms : 0;
    self->drop_cb = cfg->drop;
    self->gone_cb = hub ? cfg->gone : NULL;
    for (size_t i = 0; i < sizeof self->conns / sizeof self->conns[0]; i++)
        self->conns[i].fd = -1;
}

/* One uv_poll per socket that receives, started; on failure the handles
 * made so far are left for begin_close(). */
static int
watch_sockets(wg_bus_t *self, uv_loop_t *loop)
{
    uv_idle_init(loop, &self->idle);
    self->idle.data = self;
    self->idle_inited = true;
    for (int i = 0; i < NSOCKS; i++) {
        int fd, rc;
        size_t sz = sizeof fd;
        if (!receives(self, i))
            continue;
        if (zmq_getsockopt(self->sock[i], ZMQ_FD, &fd, &sz) == -1)
            return -zmq_errno();
        if ((rc = uv_poll_init(loop, &self->poll[i], fd)) < 0)
            return rc;
        self->poll[i].data = self;
        self->poll_inited[i] = true;
        if ((rc = uv_poll_start(&self->poll[i], UV_READABLE, poll_cb)) < 0)
            return rc;
    }
    return 0;
}

static wg_bus_t *
bus_new(uv_loop_t *loop, const wg_bus_config_t *cfg, bool hub,
        wg_bus_recv_cb cb, void *arg, int *err)
{
    wg_bus_t *self;
    int rc = 0;

    assert(loop != NULL && cfg != NULL && cb != NULL);
    if ((rc = check_config(cfg, hub)) < 0)
        goto fail;
    self = calloc(1, sizeof *self);
    if (self == NULL) {
        rc = -ENOMEM;
        goto fail;
    }
    take_settings(self, loop, cfg, hub, cb, arg);
    if ((rc = wg__bus_check_curve(self, cfg)) < 0)
        goto fail_free;

    if (bus_ctx_acquire(self) == NULL) {
        rc = -zmq_errno();
        goto fail_free;
    }
    /* The ZAP handler first: a CURVE server without one admits anyone. */
    if ((self->curve && self->hub && (rc = wg__bus_open_zap(self)) < 0) ||
        (rc = open_socket(self, SOCK_DIRECT, cfg)) < 0 ||
        (rc = open_socket(self, SOCK_BCAST, cfg)) < 0 ||
        (self->hub && (self->curve || self->gone_cb != NULL) &&
         (rc = wg__bus_open_monitors(self)) < 0))
        goto fail_sockets;

    /* From here on uv handles exist: a failure must close them and let
     * their close callbacks free the bus. */
    if ((rc = watch_sockets(self, loop)) < 0)
        goto fail_handles;
    /* The edge may already have been consumed by the calls above: drain
     * once the loop runs (not now, the caller has no bus pointer yet). */
    uv_idle_start(&self->idle, idle_cb);
    if (err != NULL)
        *err = 0;
    return self;

fail_handles:
    WG_DIAG_WARN("bus: cannot watch sockets: %s", uv_strerror(rc));
    self->free_on_close = true;
    begin_close(self);
    bus_ctx_release(self);
    if (err != NULL)
        *err = rc;
    return NULL;
fail_sockets:
    for (int i = 0; i < NSOCKS; i++)
        if (self->sock[i] != NULL)
            zmq_close(self->sock[i]);
    bus_ctx_release(self);
fail_free:
    for (int i = 0; i < NSOCKS; i++)
        free(self->endpoint[i]);
    free(self);
fail:
    if (err != NULL)
        *err = rc;
    return NULL;
}

wg_bus_t *
wg_bus_new_hub(uv_loop_t *loop, const wg_bus_config_t *cfg, wg_bus_recv_cb cb,
               void *arg, int *err)
{
    return bus_new(loop, cfg, true, cb, arg, err);
}

wg_bus_t *
wg_bus_new_client(uv_loop_t *loop, const wg_bus_config_t *cfg,
                  wg_bus_recv_cb cb, void *arg, int *err)
{
    return bus_new(loop, cfg, false, cb, arg, err);
}

const char *
wg_bus_endpoint(const wg_bus_t *self, int which)
{
    assert(self != NULL && (which == 0 || which == 1));
    return self->endpoint[which];
}

/* ---- sending ------------------------------------------------------------ */

/* Checks shared by every send; returns 0 or the code to fail with. */
static int
send_check(wg_bus_t *self, size_t len)
{
    if (self->closing)
        return WG_ESTATE;
    /* A peer with the same limit would drop the message and, worse, the
     * connection with it (and whatever was queued behind it). */
    if ((uint64_t)len > (uint64_t)self->max_message) {
        WG_DIAG_WARN("bus: refusing to send %zu bytes (limit %lld)", len,
                     (long long)self->max_message);
        return -EMSGSIZE;
    }
    return 0;
}

static int
send_done(wg_bus_t *self, int idx, int rc)
{
    if (rc < 0)
        self->stats.send_errors++;
    else
        self->stats.sent++;
    if (!self->closing)
        after_send(self, idx);
    return rc;
}

int
wg_bus_publish(wg_bus_t *self, const void *data, size_t len)
{
    int rc;

    assert(self != NULL && self->hub);
    assert(data != NULL || len == 0);
    if ((rc = send_check(self, len)) == 0 &&
        zmq_send(self->sock[SOCK_BCAST], data, len, ZMQ_DONTWAIT) == -1)
        rc = -zmq_errno();
    return send_done(self, SOCK_BCAST, rc);
}

int
wg_bus_send_to(wg_bus_t *self, const uint8_t *peer, size_t peer_len,
               const void *data, size_t len)
{
    int rc;
    void *s;

    assert(self != NULL && self->hub);
    assert(peer != NULL && peer_len > 0);
    assert(data != NULL || len == 0);
    if ((rc = send_check(self, len)) == 0) {
        s = self->sock[SOCK_DIRECT];
        /* With ROUTER_MANDATORY an unknown peer (EHOSTUNREACH) or a full
         * pipe (EAGAIN) fails the first frame; once it is accepted the
         * second frame is too. */
        if (zmq_send(s, peer, peer_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1 ||
            zmq_send(s, data, len, ZMQ_DONTWAIT) == -1)
            rc = -zmq_errno();
    }
    if (rc < 0)
        WG_DIAG_DEBUG("bus: send_to %zu-byte peer: %s", peer_len,
                      rc == WG_ESTATE ? "bus closing" : zmq_strerror(-rc));
    return send_done(self, SOCK_DIRECT, rc);
}

int
wg_bus_send(wg_bus_t *self, const void *data, size_t len)
{
    int rc;

    assert(self != NULL && !self->hub);
    assert(data != NULL || len == 0);
    if ((rc = send_check(self, len)) == 0 &&
        zmq_send(self->sock[SOCK_DIRECT], data, len, ZMQ_DONTWAIT) == -1)
        rc = -zmq_errno();
    return send_done(self, SOCK_DIRECT, rc);
}

const char *
wg_bus_user_id(const wg_bus_t *self)
{
    assert(self != NULL);
    return self->user_id;
}

void
wg_bus_stats(const wg_bus_t *self, wg_bus_stats_t *out)
{
    assert(self != NULL && out != NULL);
    *out = self->stats;
}

/* ---- closing ------------------------------------------------------------ */

void
wg_bus_close(wg_bus_t *self, wg_bus_close_cb cb, void *arg)
{
    assert(self != NULL && !self->closing);
    self->close_cb = cb;
    self->close_arg = arg;
    begin_close(self);
    bus_ctx_release(self);
}

void
wg_bus_destroy(wg_bus_t **self_p)
{
    assert(self_p != NULL);
    wg_bus_t *self = *self_p;
    if (self == NULL)
        return;
    /* Destroying a bus whose handles are still open is a bug. */
    assert(self->closed);
    for (int i = 0; i < NSOCKS; i++)
        free(self->endpoint[i]);
    free(self);
    *self_p = NULL;
}
