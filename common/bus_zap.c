/*
 * bus_zap.c - CurveZMQ for the bus (see wg/bus.h): which keys a config
 * gives, the CURVE options of each socket, and a CURVE hub's ZAP handler
 * (ZeroMQ RFC 27), which answers every handshake from the auth callback's
 * verdict.
 *
 * The handler is a ROUTER bound to inproc://zeromq.zap.01 in the hub's own
 * context (one such endpoint per context), polled and drained by bus.c
 * like the other sockets. libzmq's I/O threads send it one request per
 * CURVE handshake and hold the handshake until it answers; it answers at
 * once. It is bound before the ROUTER and PUB, since a CURVE server that
 * finds no ZAP handler admits everyone.
 *
 * Thread: the bus's loop thread. Errors: ZAP verdicts are counted in
 * stats.admitted and stats.refused; only refusals the bus decides itself
 * (a ZAP request it cannot read, which no remote peer can cause) are
 * logged.
 */
#include "bus_int.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One ZAP domain per socket, so the handler knows which one asks. */
static const char *const zap_domain[2] = {"wg.router", "wg.pub"};

/* ---- the ZAP handler (CURVE hub) ---------------------------------------- */

static bool
frame_is(zmq_msg_t *m, const char *text)
{
    return zmq_msg_size(m) == strlen(text) &&
           memcmp(zmq_msg_data(m), text, strlen(text)) == 0;
}

/* Answers a request: [routing id][""]["1.0"][request id][status code]
 * [status text][user id][metadata]. A requester that went away is not an
 * error (the ROUTER drops the reply). */
static void
zap_reply(wg_bus_t *self, zmq_msg_t *req, const char *code, const char *text,
          const char *user_id)
{
    void *s = self->sock[SOCK_ZAP];
    const int more = ZMQ_SNDMORE | ZMQ_DONTWAIT;

    if (zmq_send(s, zmq_msg_data(&req[0]), zmq_msg_size(&req[0]), more) == -1 ||
        zmq_send(s, "", 0, more) == -1 || zmq_send(s, "1.0", 3, more) == -1 ||
        zmq_send(s, zmq_msg_data(&req[3]), zmq_msg_size(&req[3]), more) == -1 ||
        zmq_send(s, code, strlen(code), more) == -1 ||
        zmq_send(s, text, strlen(text), more) == -1 ||
        zmq_send(s, user_id, strlen(user_id), more) == -1 ||
        zmq_send(s, "", 0, ZMQ_DONTWAIT) == -1)
        WG_DIAG_WARN("bus: ZAP reply: %s", zmq_strerror(zmq_errno()));
}

/* A refusal the bus decides (the request is not one it can judge). */
static void
zap_refuse_bad(wg_bus_t *self, zmq_msg_t *req, const char *why)
{
    self->stats.refused++;
    WG_DIAG_WARN("bus: ZAP: refused a request: %s", why);
    zap_reply(self, req, "400", why, "");
}

/* Judges one well-formed request through the auth callback. */
static void
zap_judge(wg_bus_t *self, zmq_msg_t *req)
{
    char address[ZAP_ADDRESS_MAX + 1];
    char user_id[WG_BUS_USER_ID_MAX + 1] = "";
    uint8_t key[CURVE_KEY];
    size_t alen = zmq_msg_size(&req[5]);
    int which = frame_is(&req[4], zap_domain[0]) ? 0 : 1;
    int rc;

    if (alen > ZAP_ADDRESS_MAX)
        alen = ZAP_ADDRESS_MAX;
    memcpy(address, zmq_msg_data(&req[5]), alen);
    address[alen] = '\0';
    memcpy(key, zmq_msg_data(&req[8]), CURVE_KEY);
    rc = self->auth_cb(self, which, key, address, user_id, sizeof user_id,
                       self->auth_arg);
    if (self->closing) /* the callback closed the bus: no socket to answer */
        return;
    user_id[sizeof user_id - 1] = '\0';
    if (rc == 0 && user_id[0] == '\0') {
        zap_refuse_bad(self, req, "admitted without a User-Id");
        return;
    }
    if (rc < 0) {
        self->stats.refused++;
        zap_reply(self, req, "400", "key not admitted", "");
    } else {
        self->stats.admitted++;
        zap_reply(self, req, "200", "OK", user_id);
    }
    WG_DIAG_DEBUG("bus: ZAP: %s %s from %s%s%s", wg__bus_sock_name(self, which),
                  rc < 0 ? "refused" : "admitted", address[0] ? address : "?",
                  rc < 0 ? "" : " as ", rc < 0 ? "" : user_id);
}

/* Receives one ZAP request and answers it. Returns 0, or a negative code
 * if nothing could be received. Only libzmq's own threads can reach the
 * inproc endpoint, so a request out of shape is a bug there, not an
 * attack: it is refused and logged. */
int
wg__bus_zap_one(wg_bus_t *self)
{
    zmq_msg_t part[ZAP_FRAMES];
    int nparts;
    size_t extra;
    int rc =
        wg__bus_recv_frames(self, SOCK_ZAP, part, ZAP_FRAMES, &nparts, &extra);

    if (rc == 0 && nparts < 4) {
        self->stats.refused++; /* too short to answer */
        WG_DIAG_WARN("bus: ZAP: dropped a request of %d frame(s)", nparts);
    } else if (rc == 0) {
        if (zmq_msg_size(&part[1]) != 0 || !frame_is(&part[2], "1.0"))
            zap_refuse_bad(self, part, "not a ZAP 1.0 request");
        else if (nparts != ZAP_FRAMES || extra > 0 ||
                 !frame_is(&part[7], "CURVE") ||
                 zmq_msg_size(&part[8]) != CURVE_KEY)
            zap_refuse_bad(self, part, "not a CURVE handshake");
        else if (!frame_is(&part[4], zap_domain[0]) &&
                 !frame_is(&part[4], zap_domain[1]))
            zap_refuse_bad(self, part, "unknown ZAP domain");
        else
            zap_judge(self, part);
    }
    for (int i = 0; i < nparts; i++)
        zmq_msg_close(&part[i]);
    return rc;
}

/* ---- construction ---- */

/* CURVE options, before bind or connect: a server with its secret key and
 * the ZAP domain that names the socket to the handler; a client with its
 * key pair and the server's public key. */
int
wg__bus_configure_curve(wg_bus_t *self, void *s, int idx,
                        const wg_bus_config_t *cfg)
{
    int rc;

    if (self->hub) {
        if ((rc = wg__bus_set_int(s, ZMQ_CURVE_SERVER, 1)) < 0)
            return rc;
        if (zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, cfg->curve_secret_key,
                           CURVE_KEY) == -1 ||
            zmq_setsockopt(s, ZMQ_ZAP_DOMAIN, zap_domain[idx],
                           strlen(zap_domain[idx])) == -1)
            return -zmq_errno();
        return 0;
    }
    if (zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, cfg->curve_server_key,
                       CURVE_KEY) == -1 ||
        zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, cfg->curve_public_key,
                       CURVE_KEY) == -1 ||
        zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, cfg->curve_secret_key,
                       CURVE_KEY) == -1)
        return -zmq_errno();
    return 0;
}

/* The ZAP handler of a CURVE hub, bound in the hub's own context. */
int
wg__bus_open_zap(wg_bus_t *self)
{
    void *s = zmq_socket(self->ctx, ZMQ_ROUTER);

    if (s == NULL)
        return -zmq_errno();
    self->sock[SOCK_ZAP] = s;
    /* Replies to a handshake that is gone are worth nothing at close. */
    if (wg__bus_set_int(s, ZMQ_LINGER, 0) < 0 ||
        zmq_bind(s, ZAP_ENDPOINT) == -1) {
        int rc = -zmq_errno();
        WG_DIAG_WARN("bus: cannot bind the ZAP handler: %s", zmq_strerror(-rc));
        return rc;
    }
    return 0;
}

/* Which CURVE keys the config gives, and whether they make sense: a hub
 * needs its secret key and an auth callback, a client all three keys.
 * Sets self->curve; returns 0 or WG_ECONFIG. */
int
wg__bus_check_curve(wg_bus_t *self, const wg_bus_config_t *cfg)
{
    bool any = cfg->curve_public_key != NULL || cfg->curve_secret_key != NULL ||
               cfg->curve_server_key != NULL || cfg->auth != NULL;

    if (!any)
        return 0;
    if (self->hub && (cfg->curve_secret_key == NULL || cfg->auth == NULL)) {
        WG_DIAG_WARN("bus: a CURVE hub needs its secret key and an auth "
                     "callback");
        return WG_ECONFIG;
    }
    if (!self->hub &&
        (cfg->curve_public_key == NULL || cfg->curve_secret_key == NULL ||
         cfg->curve_server_key == NULL || cfg->auth != NULL)) {
        WG_DIAG_WARN("bus: a CURVE client needs its public and secret keys "
                     "and the hub's public key (and no auth callback)");
        return WG_ECONFIG;
    }
    if (!zmq_has("curve")) {
        WG_DIAG_WARN("bus: this libzmq was built without CURVE");
        return -ENOTSUP;
    }
    self->curve = true;
    self->auth_cb = cfg->auth;
    self->auth_arg = cfg->auth_arg;
    return 0;
}

/* ---- handshakes that fail before ZAP ---- */

/* A CURVE handshake that fails before the ZAP request (another mechanism,
 * or a HELLO the hub's key cannot open) reaches no auth callback: a
 * monitor on each socket sees it. Its events come over an inproc PAIR
 * that the loop drains like the other sockets. */
int
wg__bus_open_monitors(wg_bus_t *self)
{
    static const int watched[2] = {SOCK_DIRECT, SOCK_BCAST};
    /* With a gone callback, closed ROUTER connections too. */
    const int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                       (self->gone_cb != NULL ? ZMQ_EVENT_DISCONNECTED : 0);

    for (int i = 0; i < 2; i++) {
        char ep[64];
        void *s;
        snprintf(ep, sizeof ep, "inproc://wg-bus-monitor-%p-%d", (void *)self,
                 i);
        if (zmq_socket_monitor(self->sock[watched[i]], ep, events) == -1 ||
            (s = zmq_socket(self->ctx, ZMQ_PAIR)) == NULL)
            return -zmq_errno();
        self->sock[SOCK_MON_DIRECT + i] = s;
        if (wg__bus_set_int(s, ZMQ_LINGER, 0) < 0 || zmq_connect(s, ep) == -1)
            return -zmq_errno();
    }
    return 0;
}

int
wg__bus_monitor_one(wg_bus_t *self, int idx)
{
    zmq_msg_t part[2];
    int nparts;
    size_t extra;
    int rc = wg__bus_recv_frames(self, idx, part, 2, &nparts, &extra);

    if (rc == 0 && nparts >= 1 && zmq_msg_size(&part[0]) >= 2) {
        uint16_t event;
        memcpy(&event, zmq_msg_data(&part[0]), sizeof event);
        if (event & (ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL))
            self->stats.handshake_failed++;
        /* The event's value is the connection's fd. */
        uint32_t fd;
        if ((event & ZMQ_EVENT_DISCONNECTED) && idx == SOCK_MON_DIRECT &&
            zmq_msg_size(&part[0]) >= 6) {
            memcpy(&fd, (const uint8_t *)zmq_msg_data(&part[0]) + 2, sizeof fd);
            wg__bus_peer_gone(self, (int)fd);
        }
    }
    for (int i = 0; i < nparts; i++)
        zmq_msg_close(&part[i]);
    return rc;
}
