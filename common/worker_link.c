/*
 * worker_link.c - a client's link to the adjudicator (wg_worker_link_t,
 * wg/worker.h), what the player worker's runtime (worker.c) and
 * wg-director (workers/director/client.c) share: the bus with the seat's
 * keys, the Join, and the first step of taking a message in.
 *
 * On the loop's thread. Endpoints: a DEALER to the adjudicator's ROUTER
 * and a SUB to its PUB. Sends Join; reads Beacon (the adjudicator's
 * instance) and hands every envelope on to its client.
 */
#include "wg/worker.h"

#include "wg/diag.h"
#include "wg/wire.h"

#include <stdlib.h>

int
wg_worker_link_open(wg_worker_link_t *l, uv_loop_t *loop,
                    const wg_worker_config_t *cfg, wg_bus_recv_cb recv_cb,
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
    l->bus = wg_bus_new_client(loop, &bc, recv_cb, arg, &rc);
    return l->bus == NULL ? rc : 0;
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
    int rc = wg_wire_pack(&env, &buf, &len);
    if (rc != 0)
        return rc;
    rc = wg_bus_send(l->bus, buf, len);
    free(buf);
    return rc;
}

Wgpb__V1__Envelope *
wg_worker_link_take(wg_worker_link_t *l, const uint8_t *data, size_t len,
                    int broadcast, wg_worker_link_event_t *ev)
{
    *ev = WG_WORKER_LINK_QUIET;
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL) {
        WG_DIAG_WARN("dropped %zu bytes that are not an envelope", len);
        return NULL;
    }
    if (broadcast && !l->heard) {
        /* Our SUB socket is live: from now on no broadcast is missed. */
        l->heard = true;
        *ev = WG_WORKER_LINK_LIVE;
    }
    if (env->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR &&
        env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_BEACON) {
        if (l->instance != 0 && env->beacon->instance != l->instance) {
            WG_DIAG_WARN("the adjudicator restarted: joining again");
            *ev = WG_WORKER_LINK_RESTARTED;
        }
        l->instance = env->beacon->instance;
    }
    return env;
}
