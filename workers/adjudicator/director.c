/*
 * director.c - the adjudicator process's side of the director: its
 * connection, its Welcome and DirectorStatus, and the roles' messages
 * held while paused (director.h). Single thread (the loop's); a held
 * message's bytes are owned here until taken. Errors are return codes.
 */
#include "director.h"

#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
director_read(const uint8_t *data, size_t len, director_read_t *out)
{
    memset(out, 0, sizeof *out);
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL)
        return;
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN &&
        env->sender_role == WGPB__V1__ROLE__ROLE_DIRECTOR) {
        out->kind = DIRECTOR_MSG_JOIN;
    } else if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR) {
        out->action = (int)env->director->action;
        out->seconds = env->director->seconds;
        out->kind = out->action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_STATUS
                        ? DIRECTOR_MSG_STATUS
                        : DIRECTOR_MSG_COMMAND;
    }
    wg_wire_free(env);
}

bool
director_is_peer(const director_t *d, const uint8_t *peer, size_t len)
{
    return d->peer_len > 0 && d->peer_len == len &&
           memcmp(d->peer, peer, len) == 0;
}

void
director_bind(director_t *d, const uint8_t *peer, size_t len)
{
    if (len > sizeof d->peer)
        return;
    memcpy(d->peer, peer, len);
    d->peer_len = len;
}

static void
envelope_init(const wg_adjudicator_t *u, Wgpb__V1__Envelope *env)
{
    wgpb__v1__envelope__init(env);
    env->sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env->turn = wg_adjudicator_turn(u);
    env->phase = wg_adjudicator_phase(u);
    env->recipient = "director";
}

int
director_pack_welcome(const wg_adjudicator_t *u, uint8_t **buf, size_t *len)
{
    const wg_scenario_t *sc = wg_adjudicator_scenario(u);
    Wgpb__V1__Envelope env;
    Wgpb__V1__Welcome w = WGPB__V1__WELCOME__INIT;
    size_t text_len;
    const char *text = wg_adjudicator_scenario_text(u, &text_len);
    envelope_init(u, &env);
    w.scenario_name = (char *)sc->name;
    w.scenario_hash.data = (uint8_t *)sc->hash;
    w.scenario_hash.len = sizeof sc->hash;
    w.seed = sc->seed;
    w.total_turns = (uint32_t)sc->n_turns;
    w.deadline_ms = sc->deadline_ms;
    w.scenario_text.data = (uint8_t *)text;
    w.scenario_text.len = text_len;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_WELCOME;
    env.welcome = &w;
    return wg_wire_pack(&env, buf, len);
}

int
director_pack_status(const director_t *d, const wg_adjudicator_t *u,
                     uint64_t ms_left, uint8_t **buf, size_t *len)
{
    const wg_scenario_t *sc = wg_adjudicator_scenario(u);
    Wgpb__V1__Envelope env;
    Wgpb__V1__DirectorStatus s = WGPB__V1__DIRECTOR_STATUS__INIT;
    Wgpb__V1__RoleStatus roles[1 + WG_MAX_NATIONS], *role_p[1 + WG_MAX_NATIONS];
    Wgpb__V1__InjectStatus inj[WG_MAX_INJECTS], *inj_p[WG_MAX_INJECTS];
    envelope_init(u, &env);
    s.turn = wg_adjudicator_turn(u);
    s.phase = wg_adjudicator_phase(u);
    if (s.turn >= 1 && s.turn <= sc->n_turns)
        s.type = (Wgpb__V1__TurnType)sc->plan[s.turn - 1];
    s.total_turns = (uint32_t)sc->n_turns;
    s.started = wg_adjudicator_started(u);
    s.done = wg_adjudicator_done(u);
    s.paused = d->paused;
    s.ms_left = ms_left > UINT32_MAX ? UINT32_MAX : (uint32_t)ms_left;
    s.deadline_ms = sc->deadline_ms;
    for (size_t k = 0; k <= sc->n_nations; k++) {
        wgpb__v1__role_status__init(&roles[k]);
        roles[k].role = (char *)wg_adjudicator_role_name(u, (int)k);
        roles[k].state =
            (Wgpb__V1__RoleState)wg_adjudicator_role_state(u, (int)k);
        role_p[s.n_roles++] = &roles[k];
    }
    s.roles = role_p;
    for (size_t i = 0; i < sc->n_injects; i++) {
        wgpb__v1__inject_status__init(&inj[i]);
        inj[i].name = (char *)sc->injects[i].name;
        inj[i].turn = sc->injects[i].turn;
        inj[i].fired = wg_adjudicator_inject_fired(u, i);
        inj[i].text = (char *)sc->injects[i].text;
        inj_p[s.n_injects++] = &inj[i];
    }
    s.injects = inj_p;
    s.pending_injects = (uint32_t)wg_adjudicator_pending_injects(u);
    s.unauthorised = wg_adjudicator_director_unauthorised(u);
    s.last = (char *)wg_adjudicator_director_note(u);
    s.handled = d->handled;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR_STATUS;
    env.director_status = &s;
    return wg_wire_pack(&env, buf, len);
}

int
director_pack_refusal(const wg_adjudicator_t *u, int max, uint8_t **buf,
                      size_t *len)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    char detail[160];
    envelope_init(u, &env);
    env.recipient = "";
    snprintf(detail, sizeof detail,
             "the exercise is paused and %d messages wait already: send it "
             "again once it resumes",
             max);
    err.code = WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN;
    err.detail = detail;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    return wg_wire_pack(&env, buf, len);
}

bool
director_hold(director_t *d, int key, const uint8_t *peer, size_t peer_len,
              const uint8_t *data, size_t len)
{
    if (d->n_held >= DIRECTOR_MAX_HELD || peer_len > sizeof d->held[0].peer) {
        d->held_refused++;
        return false;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL) {
        d->held_refused++;
        return false;
    }
    memcpy(copy, data, len);
    held_t *h = &d->held[d->n_held++];
    h->data = copy;
    h->len = len;
    if (peer_len > 0)
        memcpy(h->peer, peer, peer_len);
    h->peer_len = peer_len;
    h->key = key;
    return true;
}

bool
director_take_held(director_t *d, held_t *out)
{
    if (d->n_held == 0)
        return false;
    *out = d->held[0];
    d->n_held--;
    memmove(&d->held[0], &d->held[1], d->n_held * sizeof d->held[0]);
    return true;
}

void
director_fini(director_t *d)
{
    for (size_t i = 0; i < d->n_held; i++)
        free(d->held[i].data);
    d->n_held = 0;
}
