/*
 * worker_link.c - a client's link to the adjudicator (wg_worker_link_t,
 * wg/worker.h), what the player worker's runtime (worker.c) and
 * wg-director (workers/director/client.c) share: the bus with the seat's
 * keys, the Join, and the first step of taking each message in.
 *
 * On the loop's thread. Endpoints: a DEALER to the adjudicator's ROUTER
 * and a SUB to its PUB. Sends Join; reads Beacon (the adjudicator's
 * instance) and hands every envelope on to its client.
 */
#include "wg/worker.h"

#include "wg/diag.h"
#include "wg/error.h"
#include "wg/wire.h"

#include <stdlib.h>

/* The bus's receive callback: the step every client takes, then the
 * client's callback. */
static void
recv_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, int broadcast,
        const uint8_t *data, size_t len, void *arg)
{
    (void)bus;
    (void)peer;
    (void)peer_len;
    wg_worker_link_t *l = arg;
    if (l->closing)
        return;
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL) {
        WG_DIAG_WARN("dropped %zu bytes that are not an envelope", len);
        return;
    }
    bool join = false, restarted = false;
    if (broadcast && !l->heard) {
        /* Our SUB socket is live: from now on no broadcast is missed. */
        l->heard = true;
        join = true;
    }
    if (env->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR &&
        env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_BEACON) {
        if (l->instance != 0 && env->beacon->instance != l->instance) {
            WG_DIAG_WARN("the adjudicator restarted: joining again");
            join = restarted = true;
        }
        l->instance = env->beacon->instance;
    }
    if (join) {
        int rc = wg_worker_link_join(l);
        if (rc < 0)
            WG_DIAG_WARN("send failed: %s", wg_strerror(rc));
    }
    l->cb(l, env, broadcast, restarted, l->arg);
}

int
wg_worker_link_open(wg_worker_link_t *l, uv_loop_t *loop,
                    const wg_worker_config_t *cfg, wg_worker_link_cb cb,
                    void *arg)
{
    int rc = 0;
    wg_bus_config_t bc = {.router_endpoint = cfg->router_endpoint,
                          .pub_endpoint = cfg->pub_endpoint};
    if (cfg->curve) {
        bc.curve_public_key = cfg->keys.public_key;
        bc.curve_secret_key = cfg->keys.secret_key;
        bc.curve_server_key = cfg->server_key;
    }
    l->cb = cb;
    l->arg = arg;
    l->bus = wg_bus_new_client(loop, &bc, recv_cb, l, &rc);
    return l->bus == NULL ? rc : 0;
}

void
wg_worker_link_close(wg_worker_link_t *l)
{
    l->closing = true;
    wg_bus_close(l->bus, NULL, NULL);
}

int
wg_worker_link_join(wg_worker_link_t *l)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    uint8_t *buf;
    size_t len;
    env.sender_role = (Wgpb__V1__Role)l->role;
    if (l->nation != NULL)
        env.sender_nation = (char *)l->nation;
    env.phase = WGPB__V1__PHASE__PHASE_LOBBY;
    join.agent = (char *)l->agent;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    l->joins_sent++;
    int rc = wg_wire_pack(&env, &buf, &len);
    if (rc != 0)
        return rc;
    rc = wg_bus_send(l->bus, buf, len);
    free(buf);
    return rc;
}
