/*
 * bus_int.h - what the files of the bus share (common/bus.c: sockets, the
 * loop, sending; common/bus_zap.c: CURVE and a CURVE hub's ZAP handler):
 * the bus object and the helpers each side uses of the other. Private to
 * libwg; wg/bus.h is the API.
 */
#ifndef WG_BUS_INT_H
#define WG_BUS_INT_H

#include "wg/bus.h"

#include <stdbool.h>
#include <stdint.h>
#include <zmq.h>

enum {
    SOCK_DIRECT = 0, /* ROUTER (hub) or DEALER (client) */
    SOCK_BCAST = 1,  /* PUB (hub) or SUB (client) */
    SOCK_ZAP = 2,    /* a CURVE hub's ZAP handler (ROUTER), else NULL */
    /* A CURVE hub's monitors (PAIR) of the ROUTER's and the PUB's
     * handshakes (ZMQ_EVENT_HANDSHAKE_FAILED_*), else NULL. */
    SOCK_MON_DIRECT = 3,
    SOCK_MON_BCAST = 4,
    NSOCKS = 5,
    DRAIN_BATCH = 256,
    HWM = 10000,
    /* Long enough for a last message to reach a live peer, short enough
     * that closing never stalls the loop noticeably when the peer is gone:
     * zmq_ctx_term() waits up to this long for unsent messages. */
    LINGER_MS = 200,
    ENDPOINT_MAX = 1024,
    IDENTITY_MAX = 255,
    CURVE_KEY = 32,
    /* A ZAP request as a ROUTER receives it: routing id, delimiter,
     * version, request id, domain, address, identity, mechanism, and for
     * CURVE one credential, the client's public key. */
    ZAP_FRAMES = 9,
    ZAP_ADDRESS_MAX = 255,
};

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define DEFAULT_MAX_MESSAGE ((int64_t)1 << 20)

struct wg_bus {
    uv_loop_t *loop;
    bool hub;
    bool curve;   /* every socket uses CURVE */
    bool own_ctx; /* ctx is this bus's own (a CURVE hub), not the shared one */
    void *ctx;
    void *sock[NSOCKS];
    char *endpoint[NSOCKS];
    uv_poll_t poll[NSOCKS];
    bool poll_inited[NSOCKS];
    uv_idle_t idle;
    bool idle_inited;
    int64_t max_message;
    int64_t max_in; /* longest payload delivered */
    int snd_hwm, rcv_hwm, heartbeat_ms;
    wg_bus_drop_cb drop_cb;
    /* Hub with a gone callback: which routing id last came over which
     * connection (its fd, ZMQ_SRCFD), to name the peer of a closed one. */
    wg_bus_gone_cb gone_cb;
    struct {
        int fd; /* -1: free */
        uint8_t len;
        uint8_t id[IDENTITY_MAX];
    } conns[64];

    wg_bus_recv_cb recv_cb;
    void *recv_arg;
    wg_bus_auth_cb auth_cb;
    void *auth_arg;
    /* The User-Id of the message being delivered (CURVE hub), or NULL. */
    const char *user_id;
    wg_bus_close_cb close_cb;
    void *close_arg;

    bool closing;       /* wg_bus_close() called (or new failed) */
    bool closed;        /* every uv handle reported closed */
    bool free_on_close; /* failed construction: free when handles closed */
    int open_handles;

    wg_bus_stats_t stats;
};

/* ---- bus.c ---- */
int wg__bus_set_int(void *s, int opt, int v);
const char *wg__bus_sock_name(const wg_bus_t *self, int idx);
int wg__bus_recv_frames(wg_bus_t *self, int idx, zmq_msg_t *part, int max,
                        int *nparts, size_t *extra);

/* ---- bus_peers.c ---- */
/* The routing id that came over connection fd (a hub's ROUTER). */
void wg__bus_peer_seen(wg_bus_t *self, zmq_msg_t *payload, const uint8_t *id,
                       size_t len);
/* Connection fd closed: tells the gone callback whose it was. */
void wg__bus_peer_gone(wg_bus_t *self, int fd);

/* ---- bus_zap.c ---- */
/* Which CURVE keys the config gives, and whether they make sense; sets
 * self->curve. 0 or WG_ECONFIG / -ENOTSUP. */
int wg__bus_check_curve(wg_bus_t *self, const wg_bus_config_t *cfg);
/* CURVE options of socket idx, before bind or connect. */
int wg__bus_configure_curve(wg_bus_t *self, void *s, int idx,
                            const wg_bus_config_t *cfg);
/* Binds a CURVE hub's ZAP handler (before the ROUTER and PUB). */
int wg__bus_open_zap(wg_bus_t *self);
/* Receives one ZAP request and answers it; 0, or a negative code if
 * nothing could be received. */
int wg__bus_zap_one(wg_bus_t *self);
/* A CURVE hub's monitors of its ROUTER's and PUB's handshakes: 0, or a
 * negative code. */
int wg__bus_open_monitors(wg_bus_t *self);
/* Receives one monitor event (socket idx) and counts a failed handshake;
 * 0, or a negative code if nothing could be received. */
int wg__bus_monitor_one(wg_bus_t *self, int idx);

#endif
