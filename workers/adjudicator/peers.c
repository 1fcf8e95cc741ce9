/*
 * peers.c - wg-adjudicator's peers: the lobby that starts the exercise,
 * binding a connection to its seat (Join, keys, second connections),
 * beacons, and what is done when a peer leaves or a message is dropped.
 */
#include "adjudicator_proc.h"

size_t
bound_peers(const adjudicator_t *a)
{
    size_t n = 0;
    for (int k = 0; k < N_KEYS; k++)
        n += a->peers[k].len > 0;
    return n;
}

void
start_exercise(adjudicator_t *a)
{
    if (!a->lobby_open)
        return;
    a->lobby_open = false;
    uv_timer_stop(&a->lobby_timer);
    if (wg_adjudicator_started(a->adjudicator)) {
        /* Resumed mid-exercise: the current phase goes on from now. */
        WG_DIAG_INFO("%zu of %zu roles joined again: turn %u goes on",
                     bound_peers(a), wg_adjudicator_expected(a->adjudicator),
                     wg_adjudicator_turn(a->adjudicator));
        a->armed_serial = 0;
        arm_deadline(a);
        return;
    }
    WG_DIAG_INFO("%zu of %zu roles joined: turn 1 begins",
                 wg_adjudicator_joined(a->adjudicator),
                 wg_adjudicator_expected(a->adjudicator));
    wg_adjudicator_start(a->adjudicator);
    arm_deadline(a);
}

void
lobby_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    WG_DIAG_WARN("lobby timeout: starting without every role");
    start_exercise(a);
}

int
key_of_peer(const adjudicator_t *a, const uint8_t *peer, size_t len)
{
    for (int k = 0; k < N_KEYS; k++)
        if (a->peers[k].len == len && memcmp(a->peers[k].id, peer, len) == 0)
            return k;
    return -1;
}

/* Over: a Join is answered with the recorded ExerciseEnd, directly (a
 * worker whose adjudicator restarted acts on it once it has been welcomed
 * before); nothing is recorded, and other messages are dropped. */
void
tell_over(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
          const uint8_t *data, size_t len)
{
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL)
        return;
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN) {
        int k = wg_adjudicator_role_key(a->adjudicator, env->sender_role,
                                        env->sender_nation);
        wg_bus_send_to(a->bus, peer, peer_len, a->end_bytes, a->end_len);
        if (k >= 0 && !a->told[k]) {
            a->told[k] = true;
            if (++a->n_told == wg_adjudicator_expected(a->adjudicator))
                /* Everyone knows: let the last reply drain, then go. */
                uv_timer_start(&a->end_timer, end_timer_cb, 300, 0);
        }
    }
    wg_wire_free(env);
}

/* A Beacon: on the PUB every 100 ms, and to a seat's holder to see that
 * its connection is still there. 0 or a negative code; *buf is the
 * caller's. */
int
pack_beacon(adjudicator_t *a, uint8_t **buf, size_t *len)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Beacon b = WGPB__V1__BEACON__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = wg_adjudicator_turn(a->adjudicator);
    env.phase = wg_adjudicator_phase(a->adjudicator);
    b.turn = env.turn;
    b.phase = env.phase;
    b.joined = (uint32_t)wg_adjudicator_joined(a->adjudicator);
    b.expected = (uint32_t)wg_adjudicator_expected(a->adjudicator);
    b.instance = a->instance;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_BEACON;
    env.beacon = &b;
    return wg_wire_pack(&env, buf, len);
}

/* Whether a seat's holder is still connected: the ROUTER
 * (ROUTER_MANDATORY) refuses a send to a routing id whose connection is
 * gone. The holder gets a Beacon, which it ignores. */
static bool
peer_alive(const uint8_t *peer, size_t len, void *arg)
{
    adjudicator_t *a = arg;
    uint8_t *buf;
    size_t blen;
    if (pack_beacon(a, &buf, &blen) != 0)
        return true;
    int rc = wg_bus_send_to(a->bus, peer, len, buf, blen);
    free(buf);
    return rc != -EHOSTUNREACH;
}

/* Sends an ERROR_UNAUTHORISED to one connection. A refusal (record) is
 * counted like the adjudicator's own and goes out as they do, through
 * adjudicator_out_cb (into the log, where a replay counts it, as far as
 * the log keeps Error replies), but for one after the ExerciseEnd, which
 * closes the log; a notice to a holder that was displaced is only sent. */
static void
send_unauthorised(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
                  const char *detail, bool record)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = wg_adjudicator_turn(a->adjudicator);
    env.phase = wg_adjudicator_phase(a->adjudicator);
    err.code = WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED;
    err.detail = (char *)detail;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(&env, &buf, &len) != 0)
        return;
    if (record && !wg_adjudicator_done(a->adjudicator)) {
        const uint8_t *cur = a->cur_peer;
        size_t cur_len = a->cur_peer_len;
        wg_adjudicator_count_rejected(a->adjudicator, (int)err.code);
        a->cur_peer = peer;
        a->cur_peer_len = peer_len;
        adjudicator_out_cb(a->adjudicator, &env, buf, len, WG_DEST_SENDER, a);
        a->cur_peer = cur;
        a->cur_peer_len = cur_len;
    } else {
        wg_bus_send_to(a->bus, peer, peer_len, buf, len);
    }
    free(buf);
}

/* An exercise with keys: the role of a message is its key's (wg/seats.h).
 * Returns false if the message was refused (and answered); else *key is
 * the role key to hand it over as. */
bool
judge_seat(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
           const uint8_t *data, size_t len, int *key)
{
    const char *uid = wg_bus_user_id(a->bus);
    int k = wg_seats_role_key(a->seats, uid);
    wg_seats_input_t in = {.user_id = uid ? uid : "?",
                           .peer = peer,
                           .peer_len = peer_len,
                           .claimed = WG_SEATS_UNREAD};
    if (k >= 0) {
        in.holder = a->peers[k].id;
        in.holder_len = a->peers[k].len;
        /* Its holder gave it up (a Forfeit that leaves) or stopped
         * answering (absent since a deadline it missed). */
        wg_seats_set_idle(a->seats, k,
                          wg_adjudicator_left(a->adjudicator, k) ||
                              wg_adjudicator_absent(a->adjudicator, k));
    } else if (k == WG_ROLE_DIRECTOR_KEY) {
        in.holder = a->dir.peer;
        in.holder_len = a->dir.peer_len;
    }
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env != NULL) {
        in.claimed = wg_adjudicator_role_key(a->adjudicator, env->sender_role,
                                             env->sender_nation);
        in.join = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    }
    wg_wire_free(env);
    wg_seats_verdict_t v;
    wg_seats_judge(a->seats, &in, peer_alive, a, &v);
    if (v.action == WG_SEATS_REFUSE) {
        send_unauthorised(a, peer, peer_len, v.detail, true);
        return false;
    }
    *key = v.key;
    return true;
}

/* A Join was accepted for seat k from peer: a holder it displaced is told,
 * and stale from now on. */
void
seat_joined(adjudicator_t *a, int k, const uint8_t *peer, size_t peer_len)
{
    const peer_t *old = &a->peers[k];
    if (old->len == 0 ||
        (old->len == peer_len && memcmp(old->id, peer, peer_len) == 0))
        return;
    char detail[160];
    snprintf(detail, sizeof detail,
             "seat %s was taken over by a new connection with its key",
             wg_adjudicator_role_name(a->adjudicator, k));
    send_unauthorised(a, old->id, old->len, detail, false);
    wg_seats_took_over(a->seats, k, old->id, old->len);
}

/* The leaving Forfeit the adjudicator records for a role whose connection
 * closed: as its worker would have sent it, with the adjudicator named as
 * the source. 0, or a negative code. */
static int
pack_leaving(adjudicator_t *a, int key, uint8_t **buf, size_t *len)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Forfeit f = WGPB__V1__FORFEIT__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    env.sender_role = key == 0 ? WGPB__V1__ROLE__ROLE_COMMAND
                               : WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation =
        key == 0 ? "" : (char *)wg_adjudicator_role_name(a->adjudicator, key);
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_ADJUDICATOR;
    prov.agent = "wg-adjudicator";
    prov.reason = "connection closed";
    env.provenance = &prov;
    f.reason = WG_REASON_DISCONNECTED;
    f.leaving = true;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
    env.forfeit = &f;
    return wg_wire_pack(&env, buf, len);
}

/* A peer's connection closed: it stopped or died, or sent nothing, not
 * even a heartbeat, for three --heartbeat intervals. Its role has left, as
 * if its worker had sent its leaving Forfeit, which is recorded for it
 * (docs/PROTOCOL.md, "Absent roles"); a new connection joins again (its
 * seat's second-connection rule decides as for any restart). */
void
bus_gone_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, void *arg)
{
    (void)bus;
    adjudicator_t *a = arg;
    int key = key_of_peer(a, peer, peer_len);
    uint8_t *buf;
    size_t len;
    if (director_is_peer(&a->dir, peer, peer_len)) {
        WG_DIAG_WARN("the director's connection closed");
        a->dir.peer_len = 0;
        return;
    }
    if (a->closing || a->log_failed || a->over || key < 0 ||
        wg_adjudicator_done(a->adjudicator))
        return;
    if (wg_adjudicator_left(a->adjudicator, key))
        return; /* it said so itself */
    WG_DIAG_WARN("%s: its connection closed (stopped, or no heartbeat): it "
                 "has left",
                 wg_adjudicator_role_name(a->adjudicator, key));
    if (pack_leaving(a, key, &buf, &len) != 0)
        return;
    a->cur_peer = NULL;
    a->lim.input_recorded = false;
    if (a->dir.paused) { /* in order with the messages held */
        if (!director_hold(&a->dir, key, NULL, 0, buf, len))
            refuse_held(a, NULL, 0);
        free(buf);
        return;
    }
    wg_adjudicator_receive(a->adjudicator, key, buf, len, NULL);
    free(buf);
    if (!a->lobby_open) {
        arm_deadline(a);
        update_clock(a);
    }
}

/* Whether the bytes hold a Join (Envelope field 10), read without
 * decoding them (the adjudicator decodes what it reads). */
bool
is_join(const uint8_t *p, size_t n)
{
    return wg_wire_has_field(p, n, WGPB__V1__ENVELOPE__PAYLOAD_JOIN);
}

/* A message the bus dropped unread: counted by the guard. */
void
bus_drop_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
            wg_bus_drop_t why, size_t size, void *arg)
{
    (void)bus;
    adjudicator_t *a = arg;
    limits_dropped(&a->lim, peer, peer_len, why, size);
}
