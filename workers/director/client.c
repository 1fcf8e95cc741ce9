/*
 * client.c - the director's connection to the adjudicator (client.h).
 *
 * Owns a bus client, a link timer (every 500 ms: joins again while no
 * status comes, and says when the link is lost or back), the last status
 * and the scenario from the Welcome. All on the loop's thread.
 */
#include "client.h"

#include "wg/bus.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/report.h"
#include "wg/wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_MS 500

struct dclient {
    uv_loop_t *loop;
    wg_worker_link_t link; /* the bus, the Join, the first step in */
    uv_timer_t tick;
    dclient_cb cb;
    void *arg;
    bool linked;     /* a status came in the last DCLIENT_LINK_MS */
    bool ever;       /* a status ever came */
    uint64_t last_s; /* loop time of the last status */
    Wgpb__V1__Envelope *status_env; /* holds the last status */
    wg_scenario_t *sc;
    int64_t sent; /* commands sent by this client */
    int64_t base; /* the adjudicator's count when we joined */
    bool have_base;
    char error[256];
    char result[1024];
};

static void
send_join(dclient_t *c)
{
    int rc = wg_worker_link_join(&c->link);
    if (rc < 0)
        WG_DIAG_DEBUG("join: %s", wg_strerror(rc));
}

static void
set_link(dclient_t *c, bool linked)
{
    if (c->linked == linked)
        return;
    c->linked = linked;
    c->cb(c, DCLIENT_LINK, c->arg);
}

static void
tick_cb(uv_timer_t *t)
{
    dclient_t *c = t->data;
    uint64_t now = uv_now(c->loop);
    bool fresh = c->ever && now - c->last_s < DCLIENT_LINK_MS;
    set_link(c, fresh);
    /* No status lately: the adjudicator does not know us (it restarted,
     * or our connection was cut); join again. */
    if (c->link.heard && (!c->ever || now - c->last_s >= TICK_MS * 2))
        send_join(c);
}

static void
take_status(dclient_t *c, Wgpb__V1__Envelope *env)
{
    wg_wire_free(c->status_env);
    c->status_env = env;
    c->ever = true;
    c->last_s = uv_now(c->loop);
    if (!c->have_base) {
        /* What the adjudicator handled before this client joined. */
        c->base = (int64_t)env->director_status->handled - c->sent;
        c->have_base = true;
    }
    set_link(c, true);
    c->cb(c, DCLIENT_STATUS, c->arg);
}

static void
take_welcome(dclient_t *c, const Wgpb__V1__Welcome *w)
{
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    if (c->sc != NULL)
        return;
    if (wg_scenario_parse("(welcome)", (const char *)w->scenario_text.data,
                          w->scenario_text.len, &sc, &err) != 0) {
        WG_DIAG_WARN("the adjudicator's scenario does not load: %s:%u:%u: %s",
                     err.file, err.line, err.column, err.message);
        return;
    }
    c->sc = sc;
}

/* Returns true if env was kept (the caller must not free it). */
static bool
take_envelope(dclient_t *c, Wgpb__V1__Envelope *env)
{
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        take_welcome(c, env->welcome);
        return false;
    case WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR_STATUS:
        take_status(c, env);
        return true;
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
        snprintf(c->error, sizeof c->error, "%s", env->error->detail);
        c->cb(c, DCLIENT_REFUSED, c->arg);
        return false;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
        wg_format_turn_line(env->turn, env->result, c->result,
                            sizeof c->result);
        c->cb(c, DCLIENT_RESULT, c->arg);
        return false;
    case WGPB__V1__ENVELOPE__PAYLOAD_END:
        c->cb(c, DCLIENT_END, c->arg);
        return false;
    default:
        return false;
    }
}

/* What the adjudicator sends (wg_worker_link_cb). */
static void
message_cb(wg_worker_link_t *link, Wgpb__V1__Envelope *env, int broadcast,
           bool restarted, void *arg)
{
    (void)link;
    (void)broadcast;
    dclient_t *c = arg;
    if (restarted)
        c->have_base = false; /* the new one counts commands anew */
    if (!take_envelope(c, env))
        wg_wire_free(env);
}

dclient_t *
dclient_new(uv_loop_t *loop, const wg_worker_config_t *cfg, dclient_cb cb,
            void *arg, int *err)
{
    dclient_t *c = calloc(1, sizeof *c);
    if (c == NULL) {
        *err = -ENOMEM;
        return NULL;
    }
    c->loop = loop;
    c->cb = cb;
    c->arg = arg;
    c->link.role = WG_WORKER_DIRECTOR;
    c->link.agent = "wg-director";
    *err = wg_worker_link_open(&c->link, loop, cfg, message_cb, c);
    if (*err < 0) {
        free(c);
        return NULL;
    }
    uv_timer_init(loop, &c->tick);
    c->tick.data = c;
    uv_timer_start(&c->tick, tick_cb, TICK_MS, TICK_MS);
    return c;
}

void
dclient_close(dclient_t *c)
{
    if (c == NULL || c->link.closing)
        return;
    uv_close((uv_handle_t *)&c->tick, NULL);
    wg_worker_link_close(&c->link);
}

void
dclient_free(dclient_t **cp)
{
    dclient_t *c = *cp;
    if (c == NULL)
        return;
    wg_bus_destroy(&c->link.bus);
    wg_wire_free(c->status_env);
    free(c->sc);
    free(c);
    *cp = NULL;
}

int64_t
dclient_send(dclient_t *c, const Wgpb__V1__DirectorCommand *cmd)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    uint8_t *buf;
    size_t len;
    const Wgpb__V1__DirectorStatus *s = dclient_status(c);
    env.sender_role = WGPB__V1__ROLE__ROLE_DIRECTOR;
    env.turn = s ? s->turn : 0;
    env.phase = s ? s->phase : WGPB__V1__PHASE__PHASE_LOBBY;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR;
    env.director = (Wgpb__V1__DirectorCommand *)cmd;
    if (wg_wire_pack(&env, &buf, &len) != 0)
        return WG_EMALFORMED;
    int rc = wg_bus_send(c->link.bus, buf, len);
    free(buf);
    if (rc < 0)
        return rc;
    return ++c->sent;
}

int64_t
dclient_handled(const dclient_t *c)
{
    const Wgpb__V1__DirectorStatus *s = dclient_status(c);
    if (s == NULL || !c->have_base)
        return 0;
    return (int64_t)s->handled - c->base;
}

const Wgpb__V1__DirectorStatus *
dclient_status(const dclient_t *c)
{
    return c->status_env ? c->status_env->director_status : NULL;
}

const wg_scenario_t *
dclient_scenario(const dclient_t *c)
{
    return c->sc;
}

bool
dclient_linked(const dclient_t *c)
{
    return c->linked;
}

const char *
dclient_error(const dclient_t *c)
{
    return c->error;
}

const char *
dclient_result_line(const dclient_t *c)
{
    return c->result;
}

const char *
dclient_role_state_name(int state)
{
    static const char *const names[] = {
        "?",         "not-joined",   "joined",  "thinking",  "sent",
        "defaulted", "disconnected", "ejected", "withdrawn",
    };
    return state >= 0 && state < (int)(sizeof names / sizeof names[0])
               ? names[state]
               : "?";
}

const char *
dclient_phase_name(int phase)
{
    const char *n = wg_wire_phase_name((Wgpb__V1__Phase)phase);
    return strncmp(n, "PHASE_", 6) == 0 ? n + 6 : n;
}
