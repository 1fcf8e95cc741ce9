/*
 * wg-adjudicator - the adjudicator and the hub of an exercise.
 *
 * Endpoints: binds a ROUTER (--router, directed messages) and a PUB (--pub,
 * broadcasts). Receives Join and orders (ForceRequirement, Pledge,
 * Assignment, RotationOrders, Response, CommandDecision); sends Welcome and
 * Error (directed), and Beacon, TurnStart, TurnResult and ExerciseEnd
 * (broadcast). The rules engine is libwg's adjudicator; this file binds peers
 * to roles, runs the lobby and deadline timers, writes the exercise log and
 * prints one line per turn on stdout.
 *
 * One loop, one thread. Every handle is embedded in adjudicator_t, which
 * lives on main's stack until uv_loop_close() returned. SIGINT/SIGTERM close
 * every handle and flush the log; the exit code is then 1. A finished
 * exercise exits 0; a bad scenario or option exits 2. A write or flush of
 * the log that fails (a full disk) stops the exercise at once: the roles
 * are sent an ExerciseEnd the log does not hold, so that they exit, and the
 * exit code is 4 (EXIT_LOG); --resume carries on from what reached the file.
 *
 * The process is split by concern (adjudicator_proc.h holds the shared
 * state): options.c reads the options, the key and the exercise file;
 * peers.c runs the lobby and binds peers to seats; clock.c keeps the
 * phase deadline and the director's pause; log_file.c opens and appends to
 * the exercise log; resume.c carries on a log (--resume). This file keeps
 * main(), the loop, the routing of the adjudicator's output and of what
 * arrives, and the director's connection.
 */
#include "adjudicator_proc.h"

static void
close_all(adjudicator_t *a, int exit_code)
{
    if (a->closing)
        return;
    a->closing = true;
    a->exit_code = exit_code;
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    uv_close((uv_handle_t *)&a->beacon_timer, NULL);
    uv_close((uv_handle_t *)&a->deadline_timer, NULL);
    uv_close((uv_handle_t *)&a->lobby_timer, NULL);
    uv_close((uv_handle_t *)&a->end_timer, NULL);
    wg_bus_close(a->bus, NULL, NULL);
}

void
end_timer_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    close_all(a, a->log_failed ? EXIT_LOG : 0);
}

void
print_result(adjudicator_t *a, const Wgpb__V1__Envelope *env)
{
    char line[1024];
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        wg_format_turn_line(env->turn, env->result, line, sizeof line);
        printf("%s\n", line);
    } else {
        wg_format_summary(a->sc, env->end, line, sizeof line);
        printf("%s\n", line);
    }
    fflush(stdout);
}

/* The adjudicator imposes the --override orders of this phase on their roles,
 * as soon as the phase starts: recorded as the role's order with source
 * ORDER_SOURCE_ADJUDICATOR, so the role's own order is then a duplicate. An
 * imposed order can close the phase; the next one is served in turn. */
void
impose_overrides(adjudicator_t *a)
{
    const wg_scenario_t *sc = wg_adjudicator_scenario(a->adjudicator);
    for (;;) {
        uint64_t serial = wg_adjudicator_phase_serial(a->adjudicator);
        for (int k = 0; k <= (int)sc->n_nations; k++) {
            if (a->overrides[k] == NULL ||
                !wg_adjudicator_owes(a->adjudicator, k))
                continue;
            /* The phase start as the role received it: an override sees
             * what the role saw (docs/PROTOCOL.md, "Who sees what"). */
            size_t ts_len;
            const uint8_t *ts_bytes =
                wg_adjudicator_phase_start(a->adjudicator, k, &ts_len);
            Wgpb__V1__Envelope *ts =
                ts_bytes ? wg_wire_unpack(ts_bytes, ts_len) : NULL;
            uint8_t *buf;
            size_t len;
            int rc = -1;
            if (ts != NULL)
                rc = wg_play_phase(
                    a->overrides[k], sc, ts, k,
                    WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_ADJUDICATOR,
                    "adjudicator override", &buf, &len);
            wg_wire_free(ts);
            if (rc != 0)
                continue;
            a->cur_peer = NULL;
            wg_adjudicator_receive(a->adjudicator, k, buf, len, NULL);
            free(buf);
            if (wg_adjudicator_phase_serial(a->adjudicator) != serial)
                break;
        }
        if (wg_adjudicator_phase_serial(a->adjudicator) == serial)
            return;
    }
}

/* Tells every role that the exercise is over, with an ExerciseEnd the log
 * does not hold (it could not take it). A worker exits on an ExerciseEnd
 * and on nothing else from the adjudicator: without it, each would wait
 * for a phase that never comes. */
void
publish_stop(adjudicator_t *a)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__ExerciseEnd end = WGPB__V1__EXERCISE_END__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = wg_adjudicator_turn(a->adjudicator);
    env.phase = WGPB__V1__PHASE__PHASE_END;
    end.turns = env.turn; /* the turn it stopped in */
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_END;
    env.end = &end;
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(&env, &buf, &len) != 0)
        return;
    int rc = wg_bus_publish(a->bus, buf, len);
    if (rc < 0)
        WG_DIAG_WARN("could not tell the roles to stop: %s", wg_strerror(rc));
    free(buf);
}

/*
 * The exercise has ended (its ExerciseEnd, bytes, was recorded and
 * published): from now on the adjudicator only tells. A Join is answered
 * with the ExerciseEnd (tell_over) and every beacon repeats it, so a role
 * that was away at the end (a worker restarting, a connection being made
 * again) still hears it while the adjudicator lingers: as long as the last
 * broadcast takes to drain when every role is there, OVER_GRACE_MS when
 * one has left.
 */
static void
go_over(adjudicator_t *a, const uint8_t *bytes, size_t len)
{
    unsigned linger = END_DRAIN_MS;
    for (int k = 0; k <= (int)a->sc->n_nations; k++)
        if (wg_adjudicator_left(a->adjudicator, k) ||
            wg_adjudicator_absent(a->adjudicator, k))
            linger = OVER_GRACE_MS;
    free(a->end_bytes);
    a->end_bytes = malloc(len);
    if (a->end_bytes != NULL) {
        memcpy(a->end_bytes, bytes, len);
        a->end_len = len;
        a->over = true;
    }
    uv_timer_start(&a->end_timer, end_timer_cb, linger, 0);
}

/* Sends what the adjudicator made to where dest says. */
static void
route(adjudicator_t *a, const uint8_t *bytes, size_t len, int dest)
{
    int rc = 0;
    if (dest == WG_DEST_BROADCAST) {
        rc = wg_bus_publish(a->bus, bytes, len);
    } else if (dest == WG_DEST_SENDER) {
        if (a->cur_peer != NULL)
            rc = wg_bus_send_to(a->bus, a->cur_peer, a->cur_peer_len, bytes,
                                len);
    } else if (dest >= 0 && dest < N_KEYS && a->peers[dest].len > 0) {
        rc = wg_bus_send_to(a->bus, a->peers[dest].id, a->peers[dest].len,
                            bytes, len);
    }
    if (rc < 0)
        WG_DIAG_DEBUG("send to %d failed: %s", dest, wg_strerror(rc));
}

/* Every envelope the adjudicator makes: into the log, then onto the wire
 * (a phase's records are made when it closes: what a sender must have at
 * once is only sent then, and its record only recorded later,
 * wg_adjudicator_out_what). Once the log has failed, nothing more:
 * neither recorded nor sent. */
void
adjudicator_out_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
                   const uint8_t *bytes, size_t len, int dest, void *arg)
{
    adjudicator_t *a = arg;
    if (a->log_failed)
        return;
    wg_out_what_t what = wg_adjudicator_out_what(u);
    bool end = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT ||
               env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END;
    bool keep = what != WG_OUT_SEND;
    if (keep && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR)
        keep = limits_error(&a->lim, u, a->cur_peer, a->cur_peer_len, env);
    else if (keep && env->seq != 0 &&
             env->sender_role != WGPB__V1__ROLE__ROLE_ADJUDICATOR)
        a->lim.input_recorded = true;
    if (end) {
        limits_flush(&a->lim, env->turn, env->phase); /* before the result */
        if (a->lim.log_rc < 0) {
            log_failed(a, "append", a->lim.log_rc);
            return;
        }
    }
    if (keep && !record(a, &bytes, len))
        return;
    if (keep && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR &&
        a->log != NULL) {
        /* Rare, and what the director did must survive a crash once it is
         * recorded: a run resumed from the log comes back paused. */
        int frc = wg_log_writer_flush(a->log);
        if (frc < 0) {
            log_failed(a, "flush", frc);
            return;
        }
    }
    if (what != WG_OUT_RECORD)
        route(a, bytes, len, dest);
    if (end) {
        print_result(a, env);
        int rc;
        if (a->log != NULL && (rc = wg_log_writer_flush(a->log)) < 0) {
            log_failed(a, "flush", rc);
            return;
        }
    }
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END)
        go_over(a, bytes, len);
}

static void
send_director(adjudicator_t *a, uint8_t *buf, size_t len)
{
    int rc = wg_bus_send_to(a->bus, a->dir.peer, a->dir.peer_len, buf, len);
    free(buf);
    if (rc == -EHOSTUNREACH) {
        WG_DIAG_WARN("the director's connection is gone");
        a->dir.peer_len = 0;
    }
}

static void
send_director_status(adjudicator_t *a)
{
    uint8_t *buf;
    size_t len;
    a->dir.ticks = 0;
    if (a->dir.peer_len > 0 &&
        director_pack_status(&a->dir, a->adjudicator, clock_ms_left(a), &buf,
                             &len) == 0)
        send_director(a, buf, len);
}

/* The director joins: its connection is bound, welcomed and told the
 * state; nothing is recorded (a connection is no input of the exercise). */
static void
director_join(adjudicator_t *a, const uint8_t *peer, size_t peer_len)
{
    uint8_t *buf;
    size_t len;
    if (a->dir.peer_len > 0 && !director_is_peer(&a->dir, peer, peer_len))
        WG_DIAG_WARN("a new director connection takes the seat over");
    director_bind(&a->dir, peer, peer_len);
    WG_DIAG_INFO("the director joined");
    if (director_pack_welcome(a->adjudicator, &buf, &len) == 0)
        send_director(a, buf, len);
    send_director_status(a);
}

/* The messages held while paused go in, in the order they came. */
void
hand_over_held(adjudicator_t *a)
{
    held_t h;
    while (!a->dir.paused && !a->closing && director_take_held(&a->dir, &h)) {
        a->lim.input_recorded = false;
        a->cur_peer = h.peer_len > 0 ? h.peer : NULL;
        a->cur_peer_len = h.peer_len;
        wg_adjudicator_receive(a->adjudicator, h.key, h.data, h.len, NULL);
        a->cur_peer = NULL;
        free(h.data);
        if (!a->lobby_open) {
            arm_deadline(a);
            update_clock(a);
        }
    }
}

/* A command from the director: the adjudicator takes (and records) it or
 * refuses it; the clock follows what it took. */
static void
director_command(adjudicator_t *a, const uint8_t *data, size_t len,
                 const director_read_t *r)
{
    a->dir.handled++;
    a->cur_peer = a->dir.peer;
    a->cur_peer_len = a->dir.peer_len;
    int rc = wg_adjudicator_receive(a->adjudicator, WG_ROLE_DIRECTOR_KEY, data,
                                    len, NULL);
    a->cur_peer = NULL;
    if (rc == 0) {
        WG_DIAG_INFO("director: %s",
                     wg_adjudicator_director_note(a->adjudicator));
        if (r->action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE)
            pause_clock(a);
        else if (r->action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME)
            resume_clock(a);
        else if (r->action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND)
            extend_clock(a, r->seconds);
    }
    if (!a->lobby_open) {
        arm_deadline(a);
        update_clock(a);
    }
    send_director_status(a);
}

/* A role's message while paused that cannot be held: it is told. */
void
refuse_held(adjudicator_t *a, const uint8_t *peer, size_t peer_len)
{
    uint8_t *buf;
    size_t len;
    WG_DIAG_WARN("paused: %d messages wait already; one more refused (%llu "
                 "so far)",
                 DIRECTOR_MAX_HELD, (unsigned long long)a->dir.held_refused);
    if (peer != NULL && director_pack_refusal(a->adjudicator, DIRECTOR_MAX_HELD,
                                              &buf, &len) == 0) {
        wg_bus_send_to(a->bus, peer, peer_len, buf, len);
        free(buf);
    }
}

/* The director's messages, and the roles' while paused. Returns true if
 * the message was dealt with here. */
static bool
director_input(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
               const uint8_t *data, size_t len, int key)
{
    director_read_t r;
    bool join = is_join(data, len);
    /* A player's order while the clock runs, the bulk of the traffic, is
     * not decoded here: only the adjudicator's engine reads it. */
    if (key != WG_ROLE_DIRECTOR_KEY && !join && !a->dir.paused)
        return false;
    director_read(data, len, &r);
    if (r.kind == DIRECTOR_MSG_JOIN && key < 0) {
        director_join(a, peer, peer_len);
        return true;
    }
    if (key == WG_ROLE_DIRECTOR_KEY && r.kind == DIRECTOR_MSG_STATUS) {
        a->dir.handled++;
        send_director_status(a);
        return true;
    }
    if (key == WG_ROLE_DIRECTOR_KEY) {
        director_command(a, data, len, &r);
        return true;
    }
    if (!a->dir.paused || r.kind != DIRECTOR_MSG_OTHER || join)
        return false;
    if (!director_hold(&a->dir, key, peer, peer_len, data, len))
        refuse_held(a, peer, peer_len);
    return true;
}

static void
recv_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, int broadcast,
        const uint8_t *data, size_t len, void *arg)
{
    (void)bus;
    (void)broadcast;
    adjudicator_t *a = arg;
    if (a->closing || a->log_failed || peer == NULL || peer_len == 0 ||
        peer_len > 255)
        return;
    if (a->over) {
        tell_over(a, peer, peer_len, data, len);
        return;
    }
    /* Over its rate: not looked at, only counted (wg/guard.h). */
    if (!wg_guard_admit(a->lim.guard, peer, peer_len, uv_now(&a->loop)))
        return;
    a->lim.input_recorded = false;
    int key = key_of_peer(a, peer, peer_len);
    if (key < 0 && director_is_peer(&a->dir, peer, peer_len))
        key = WG_ROLE_DIRECTOR_KEY;
    /* A bound peer's Joins cost a recorded Welcome each: a few a phase. */
    if (key >= 0 && is_join(data, len) &&
        !wg_guard_join(a->lim.guard, peer, peer_len))
        return;
    if (a->seats != NULL && !judge_seat(a, peer, peer_len, data, len, &key))
        return;
    if (director_input(a, peer, peer_len, data, len, key))
        return;
    int joined = -1;
    a->cur_peer = peer;
    a->cur_peer_len = peer_len;
    wg_adjudicator_receive(a->adjudicator, key, data, len, &joined);
    if (joined >= 0 && a->seats != NULL)
        seat_joined(a, joined, peer, peer_len);
    if (joined >= 0) {
        /* The newest peer for a role takes it over (a restarted worker). */
        if (key >= 0 && key != joined)
            a->peers[key].len = 0;
        wg_guard_name(a->lim.guard, peer, peer_len,
                      wg_adjudicator_role_name(a->adjudicator, joined));
        memcpy(a->peers[joined].id, peer, peer_len);
        a->peers[joined].len = peer_len;
        /* Directed replies the adjudicator made during the join went to "the
         * sender"; from now on they go by role. */
    }
    a->cur_peer = NULL;
    if (a->lobby_open &&
        bound_peers(a) == wg_adjudicator_expected(a->adjudicator))
        start_exercise(a);
    if (!a->lobby_open) {
        arm_deadline(a);
        update_clock(a);
    }
}

static void
beacon_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    uint8_t *buf;
    size_t len;
    if (pack_beacon(a, &buf, &len) == 0) {
        wg_bus_publish(a->bus, buf, len);
        free(buf);
    }
    if (a->dir.peer_len > 0 && ++a->dir.ticks >= 2)
        send_director_status(a);
    if (a->over)
        wg_bus_publish(a->bus, a->end_bytes, a->end_len);
}

static void
over_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    WG_DIAG_INFO("%zu of %zu roles told the exercise is over", a->n_told,
                 wg_adjudicator_expected(a->adjudicator));
    close_all(a, 0);
}

static void
signal_cb(uv_signal_t *s, int signum)
{
    adjudicator_t *a = s->data;
    WG_DIAG_WARN("signal %d: stopping at turn %u", signum,
                 wg_adjudicator_turn(a->adjudicator));
    close_all(a, 1);
}

/* Loads the --override files; 0, or 2 after saying what is wrong. */
int
load_overrides(adjudicator_t *a, const options_t *o, const wg_scenario_t *sc)
{
    for (size_t i = 0; i < o->n_overrides; i++) {
        const char *spec = o->override_spec[i];
        const char *eq = strchr(spec, '=');
        char role[16];
        snprintf(role, sizeof role, "%.*s", (int)(eq - spec), spec);
        int k = strcmp(role, "command") == 0
                    ? 0
                    : 1 + wg_scenario_nation_index(sc, role);
        if (k < 0 || (k == 0 && strcmp(role, "command") != 0)) {
            fprintf(stderr, "wg-adjudicator: --override: no role '%s'\n", role);
            return 2;
        }
        wg_config_error_t err;
        wg_orders_bot_free(&a->overrides[k]);
        a->overrides[k] = wg_orders_bot_load(eq + 1, sc, &err);
        if (a->overrides[k] == NULL) {
            wg_config_error_print(&err);
            return 2;
        }
        a->n_overrides++;
    }
    return 0;
}

void
free_overrides(adjudicator_t *a)
{
    for (int k = 0; k < N_KEYS; k++)
        wg_orders_bot_free(&a->overrides[k]);
}

/* At start: whether the sockets are CURVE, and whose keys are admitted. */
static void
say_keys_start(const adjudicator_t *a)
{
    if (a->seats != NULL)
        WG_DIAG_INFO("keys: CURVE on both sockets; admitting the %zu seats' "
                     "keys of %s (second_connection: %s)",
                     a->ex->n_seats, a->ex->path,
                     a->ex->second_connection == WG_SECOND_REFUSE ? "refuse"
                                                                  : "takeover");
    else
        WG_DIAG_INFO("no keys: loopback only, and any process on this "
                     "machine may join as any role");
}

/* At the end: what the keys let in and what was refused. */
static void
say_keys_end(const adjudicator_t *a, const wg_bus_stats_t *bus_st)
{
    wg_seats_stats_t ss;
    wg_seats_stats(a->seats, &ss);
    WG_DIAG_INFO(
        "keys: handshakes admitted %llu, refused %llu (no seat's "
        "key), failed %llu (no CURVE, or not this adjudicator's "
        "key); refused: %llu claiming another seat, %llu from "
        "taken-over connections, %llu second connections, %llu "
        "without a player role; %llu takeovers",
        (unsigned long long)ss.admitted, (unsigned long long)ss.refused_keys,
        (unsigned long long)bus_st->handshake_failed,
        (unsigned long long)ss.impersonations, (unsigned long long)ss.stale,
        (unsigned long long)ss.held, (unsigned long long)ss.no_orders,
        (unsigned long long)ss.takeovers);
}

/* Makes the bus: binds the ROUTER and the PUB, with CURVE and the seats'
 * admission when keyed. 0, or 1 once what was made is undone. */
static int
bind_bus(adjudicator_t *a, const options_t *o, bool keyed)
{
    wg_bus_config_t bc = {.router_endpoint = o->router,
                          .pub_endpoint = o->pub,
                          .max_in = WG_ADJUDICATOR_MAX_IN,
                          .rcv_hwm = WG_ADJUDICATOR_RCV_HWM,
                          .drop = bus_drop_cb,
                          .heartbeat_ms = o->heartbeat_ms,
                          .gone = o->heartbeat_ms > 0 ? bus_gone_cb : NULL};
    if (keyed) {
        bc.curve_secret_key = a->keys.secret_key;
        bc.auth = wg_seats_admit;
        bc.auth_arg = a->seats;
    }
    int brc;
    a->bus = wg_bus_new_hub(&a->loop, &bc, recv_cb, a, &brc);
    if (a->bus == NULL) {
        WG_DIAG_ERR("cannot bind %s / %s: %s", o->router, o->pub,
                    wg_strerror(brc));
        uv_loop_close(&a->loop);
        wg_seats_destroy(&a->seats);
        /* A new log that never got a record is only our header: remove it,
         * so that a retry with the same --log is not refused as existing. */
        if (o->resume == NULL && o->log_path != NULL && a->log != NULL &&
            wg_log_writer_records(a->log) == 0) {
            wg_log_writer_destroy(&a->log);
            unlink(o->log_path);
        }
        return 1;
    }
    return 0;
}

/* Starts the signal handlers and the timers: the beacon, and the lobby's
 * (or, when the exercise is over, how long to tell it). */
static void
start_handles(adjudicator_t *a, const options_t *o)
{
    uv_signal_init(&a->loop, &a->sigint);
    uv_signal_init(&a->loop, &a->sigterm);
    a->sigint.data = a->sigterm.data = a;
    uv_signal_start(&a->sigint, signal_cb, SIGINT);
    uv_signal_start(&a->sigterm, signal_cb, SIGTERM);
    uv_timer_init(&a->loop, &a->beacon_timer);
    uv_timer_init(&a->loop, &a->deadline_timer);
    uv_timer_init(&a->loop, &a->lobby_timer);
    uv_timer_init(&a->loop, &a->end_timer);
    a->beacon_timer.data = a->deadline_timer.data = a;
    a->lobby_timer.data = a->end_timer.data = a;
    randombytes_buf(&a->instance, sizeof a->instance);
    uv_timer_start(&a->beacon_timer, beacon_cb, 0, BEACON_MS);
    if (a->over)
        uv_timer_start(
            &a->lobby_timer, over_cb,
            o->lobby_ms < OVER_GRACE_MS ? o->lobby_ms : OVER_GRACE_MS, 0);
    else
        uv_timer_start(&a->lobby_timer, lobby_cb, o->lobby_ms, 0);
}

/* After the loop: the limits' last records, the log's last flush, the bus
 * and the loop closed, the counts said. Returns the exit code. */
static int
finish_loop(adjudicator_t *a)
{
    if (a->dir.n_held > 0)
        WG_DIAG_WARN("%zu messages held while paused were never handed over",
                     a->dir.n_held);
    director_fini(&a->dir);
    limits_fini(&a->lim, wg_adjudicator_turn(a->adjudicator),
                wg_adjudicator_phase(a->adjudicator),
                !wg_adjudicator_done(a->adjudicator) && !a->log_failed);
    int frc = a->lim.log_rc;
    if (frc < 0)
        log_failed(a, "append", frc);
    else if (a->log != NULL && !a->log_failed &&
             (frc = wg_log_writer_flush(a->log)) < 0)
        log_failed(a, "flush", frc);
    wg_bus_stats_t bus_st;
    wg_bus_stats(a->bus, &bus_st);
    wg_bus_destroy(&a->bus);
    if (uv_loop_close(&a->loop) != 0)
        WG_DIAG_WARN("loop closed with handles still open");
    wg_adjudicator_stats_t stats;
    wg_adjudicator_stats(a->adjudicator, &stats);
    WG_DIAG_INFO("accepted %llu, rejected %llu, defaulted %llu",
                 (unsigned long long)stats.accepted,
                 (unsigned long long)stats.rejected,
                 (unsigned long long)stats.defaulted);
    if (a->seats != NULL)
        say_keys_end(a, &bus_st);
    wg_seats_destroy(&a->seats);
    return a->log_failed ? EXIT_LOG : a->exit_code;
}

/* Binds, runs the loop until the exercise ends or a signal, and closes
 * every handle. Returns the exit code. */
int
run_loop(adjudicator_t *a, const options_t *o)
{
    const wg_scenario_t *sc = wg_adjudicator_scenario(a->adjudicator);
    bool keyed = a->ex != NULL && a->ex->has_keys;
    if (!keyed && check_keyless(o) != 0)
        return 2;
    if (keyed && (a->seats = wg_seats_new(a->ex, sc)) == NULL)
        return 1;
    if (uv_loop_init(&a->loop) < 0)
        return 1;
    if (bind_bus(a, o, keyed) != 0)
        return 1;
    if (limits_init(&a->lim, a->log) < 0)
        abort(); /* out of memory before the exercise: nothing to save */
    a->absent = o->absent >= 0  ? (wg_absent_t)o->absent
                : a->ex != NULL ? a->ex->absent
                                : WG_ABSENT_FALLBACK;
    a->lobby_open = true;
    start_handles(a, o);
    WG_DIAG_INFO("scenario %s, seed %llu, %zu turns; ROUTER %s, PUB %s",
                 sc->name, (unsigned long long)sc->seed, sc->n_turns,
                 wg_bus_endpoint(a->bus, 0), wg_bus_endpoint(a->bus, 1));
    say_keys_start(a);

    uv_run(&a->loop, UV_RUN_DEFAULT);
    return finish_loop(a);
}

int
main(int argc, char **argv)
{
    options_t o;
    adjudicator_t a;
    memset(&a, 0, sizeof a);
    wg_diag_set_role("adjudicator");
    wg_diag_init_from_env();
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (load_exercise(&a, &o) != 0) {
        wg_exercise_destroy(&a.ex);
        return 2;
    }
    if (o.router == NULL)
        o.router = "tcp://127.0.0.1:5555";
    if (o.pub == NULL)
        o.pub = "tcp://127.0.0.1:5556";
    if (o.resume != NULL) {
        int rrc = resume_main(&a, &o);
        wg_keys_wipe(&a.keys);
        wg_exercise_destroy(&a.ex);
        return rrc;
    }

    wg_config_error_t err;
    if (wg_scenario_load(o.scenario, &a.sc, &err) != 0) {
        wg_config_error_print(&err);
        wg_exercise_destroy(&a.ex);
        return 2;
    }
    if (o.have_seed)
        a.sc->seed = o.seed;
    if (o.list_nations) {
        for (size_t i = 0; i < a.sc->n_nations; i++)
            printf("%s\n", a.sc->nations[i].code);
        free(a.sc);
        wg_exercise_destroy(&a.ex);
        return 0;
    }
    size_t text_len = 0;
    char *text = read_file(o.scenario, &text_len);
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read: %s\n", o.scenario, strerror(errno));
        free(a.sc);
        wg_exercise_destroy(&a.ex);
        return 2;
    }

    int rc = load_overrides(&a, &o, a.sc);
    if (rc != 0)
        goto out_text;
    rc = 1;
    a.adjudicator =
        wg_adjudicator_new(a.sc, text, text_len, adjudicator_out_cb, &a);
    if (a.adjudicator == NULL)
        goto out_text;
    if (o.log_path != NULL && open_log(&a, &o, text, text_len) < 0)
        goto out_adjudicator;
    a.log_path = o.log_path;
    rc = run_loop(&a, &o);
    free(a.end_bytes); /* go_over()'s */
    wg_log_writer_destroy(&a.log);
out_adjudicator:
    wg_adjudicator_destroy(&a.adjudicator);
out_text:
    free_overrides(&a);
    free(text);
    free(a.sc);
    wg_keys_wipe(&a.keys);
    wg_exercise_destroy(&a.ex);
    return rc;
}
