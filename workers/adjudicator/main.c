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
 */
#include "wg/adjudicator.h"
#include "wg/bus.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/keys.h"
#include "wg/log.h"
#include "wg/orders.h"
#include "wg/play.h"
#include "wg/replay.h"
#include "wg/report.h"
#include "wg/rules.h"
#include "wg/scenario.h"
#include "wg/seats.h"
#include "wg/wire.h"

#include "director.h"
#include "limits.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_KEYS (1 + WG_MAX_NATIONS)
#define BEACON_MS 100
#define OVER_GRACE_MS 3000 /* resumed after the end: how long to tell */
#define END_DRAIN_MS 300   /* for the last broadcast to reach subscribers */
#define EXIT_LOG 4         /* the exercise log could not be written */

typedef struct {
    uint8_t id[256];
    size_t len; /* 0: no peer bound */
} peer_t;

typedef struct {
    uv_loop_t loop;
    wg_bus_t *bus;
    uv_signal_t sigint, sigterm;
    uv_timer_t beacon_timer, deadline_timer, lobby_timer, end_timer;
    wg_scenario_t *sc;
    wg_adjudicator_t *adjudicator;
    wg_log_writer_t *log;
    peer_t peers[N_KEYS];
    const uint8_t *cur_peer; /* sender of the input being handled */
    size_t cur_peer_len;
    limits_t lim; /* rates and refusals (limits.h) */
    /* Absent roles (docs/PROTOCOL.md): skipped at each phase start, or,
     * under wait, the deadline stopped while a role owing the phase has
     * left (clock_left: what was left of it then). */
    wg_absent_t absent;
    bool clock_stopped;
    uint64_t clock_left;
    uint64_t armed_serial;
    bool closing;
    int exit_code;
    /* The log could not be written: nothing more is played or sent but
     * the unrecorded ExerciseEnd that tells the roles (log_failed()). */
    const char *log_path;
    bool log_failed;
    uint64_t instance; /* random per process; never in a decision */
    bool lobby_open;   /* waiting for roles to (re)join */
    /* --override: orders the adjudicator imposes on a role (they answer
     * the phase start the role received: wg_adjudicator_phase_start()). */
    wg_bot_t *overrides[N_KEYS];
    size_t n_overrides;
    /* Resumed after the exercise ended (the adjudicator died after its
     * last result, before every worker heard the end): the recorded
     * ExerciseEnd, published with every Beacon and sent to every role that
     * joins again, which is all this process then does. */
    bool over;
    uint8_t *end_bytes;
    size_t end_len;
    bool told[N_KEYS];
    size_t n_told;
    /* --exercise: its seats; with keys (wg/seats.h) every socket is CURVE
     * and a message's role is its key's. */
    wg_exercise_t *ex;
    uint8_t ex_scenario_hash[32];
    wg_keypair_t keys;
    wg_seats_t *seats;
    /* The director's connection, the clock while paused, and the roles'
     * messages held meanwhile (director.h). */
    director_t dir;
} adjudicator_t;

typedef struct {
    const char *scenario;
    const char *router, *pub;
    const char *log_path;
    wg_fsync_policy_t fsync;
    unsigned lobby_ms;
    bool have_seed;
    uint64_t seed;
    bool list_nations;
    const char *resume;
    const char *override_spec[N_KEYS];
    size_t n_overrides;
    const char *exercise, *key_path;
    int absent;       /* wg_absent_t, or -1: the exercise's (fallback) */
    int heartbeat_ms; /* ZMQ_HEARTBEAT_IVL of every connection */
} options_t;

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

static void
end_timer_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    close_all(a, a->log_failed ? EXIT_LOG : 0);
}

static void
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
static void
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

static void end_timer_cb(uv_timer_t *t);

/* Tells every role that the exercise is over, with an ExerciseEnd the log
 * does not hold (it could not take it). A worker exits on an ExerciseEnd
 * and on nothing else from the adjudicator: without it, each would wait
 * for a phase that never comes. */
static void
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

/* A write or flush of the log failed (ENOSPC, EIO): the exercise stops at
 * once, since a turn played but not recorded would be lost. The file keeps
 * whole records only (the writer cuts a frame it could not finish), so
 * --resume carries on from its last one once the log can be written. */
static void
log_failed(adjudicator_t *a, const char *what, int rc)
{
    if (a->log_failed)
        return;
    a->log_failed = true;
    WG_DIAG_ERR("exercise log %s: %s failed: %s; stopping at turn %u "
                "(exit %d), nothing more is played; once the log can be "
                "written, wg-adjudicator --resume %s carries on from its last "
                "whole record",
                a->log_path, what, wg_strerror(rc),
                a->adjudicator != NULL ? wg_adjudicator_turn(a->adjudicator)
                                       : 0,
                EXIT_LOG, a->log_path);
    if (a->bus == NULL || a->closing)
        return; /* not running yet (resume), or already stopping */
    uv_timer_stop(&a->deadline_timer);
    uv_timer_stop(&a->lobby_timer);
    uv_timer_stop(&a->beacon_timer);
    publish_stop(a);
    uv_timer_start(&a->end_timer, end_timer_cb, END_DRAIN_MS, 0);
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

/* Appends a record to the log (a TurnResult with the log's link written
 * in: *bytes then points at the bytes recorded). false if the append
 * failed (said, and the exercise stopped). */
static bool
record(adjudicator_t *a, const uint8_t **bytes, size_t len)
{
    int rc = a->log != NULL ? wg_log_writer_append_made(a->log, bytes, len) : 0;
    if (rc < 0) {
        log_failed(a, "append", rc);
        return false;
    }
    return true;
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
static void
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

static void deadline_cb(uv_timer_t *t);
static void refuse_held(adjudicator_t *a, const uint8_t *peer, size_t peer_len);

/* absent: wait. The deadline stands still while a role the phase waits
 * for has left (its leaving Forfeit, or no heartbeat), and goes on from
 * where it stood once the role is back. */
static void
update_clock(adjudicator_t *a)
{
    wg_adjudicator_t *u = a->adjudicator;
    bool hold = false;
    if (a->absent != WG_ABSENT_WAIT || a->closing || a->lobby_open ||
        a->dir.paused || !wg_adjudicator_started(u) || wg_adjudicator_done(u))
        return;
    for (int k = 0; k <= (int)a->sc->n_nations && !hold; k++)
        hold = wg_adjudicator_owes(u, k) && wg_adjudicator_left(u, k);
    if (hold && !a->clock_stopped) {
        a->clock_left = uv_timer_get_due_in(&a->deadline_timer);
        uv_timer_stop(&a->deadline_timer);
        a->clock_stopped = true;
        WG_DIAG_INFO("turn %u %s: the clock stops: a role it waits for is "
                     "disconnected",
                     wg_adjudicator_turn(u),
                     wg_wire_phase_name(wg_adjudicator_phase(u)));
    } else if (!hold && a->clock_stopped) {
        a->clock_stopped = false;
        uv_timer_start(&a->deadline_timer, deadline_cb, a->clock_left, 0);
        WG_DIAG_INFO("turn %u %s: the clock runs again (%llu ms left)",
                     wg_adjudicator_turn(u),
                     wg_wire_phase_name(wg_adjudicator_phase(u)),
                     (unsigned long long)a->clock_left);
    }
}

/* After anything that may have started a phase: re-arm the deadline. */
static void
arm_deadline(adjudicator_t *a)
{
    if (wg_adjudicator_phase_serial(a->adjudicator) == a->armed_serial ||
        a->closing)
        return;
    /* A new phase: the adjudicator's overrides for it go in first, then
     * the fallbacks of absent roles; either may close it. */
    for (;;) {
        uint64_t s = wg_adjudicator_phase_serial(a->adjudicator);
        if (a->n_overrides > 0 && wg_adjudicator_started(a->adjudicator) &&
            !wg_adjudicator_done(a->adjudicator))
            impose_overrides(a);
        if (a->absent == WG_ABSENT_FALLBACK)
            wg_adjudicator_skip_absent(a->adjudicator);
        if (wg_adjudicator_phase_serial(a->adjudicator) == s)
            break;
    }
    uint64_t serial = wg_adjudicator_phase_serial(a->adjudicator);
    a->armed_serial = serial;
    wg_guard_phase(a->lim.guard);
    if (wg_adjudicator_done(a->adjudicator)) {
        uv_timer_stop(&a->deadline_timer);
        return;
    }
    a->clock_stopped = false;
    if (a->dir.paused) { /* the new phase's clock starts on resume */
        a->dir.paused_left = a->sc->deadline_ms;
        return;
    }
    uv_timer_start(&a->deadline_timer, deadline_cb, a->sc->deadline_ms, 0);
    update_clock(a);
}

static void
deadline_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    WG_DIAG_INFO("turn %u %s: deadline passed",
                 wg_adjudicator_turn(a->adjudicator),
                 wg_wire_phase_name(wg_adjudicator_phase(a->adjudicator)));
    wg_adjudicator_deadline(a->adjudicator);
    arm_deadline(a);
}

static size_t
bound_peers(const adjudicator_t *a)
{
    size_t n = 0;
    for (int k = 0; k < N_KEYS; k++)
        n += a->peers[k].len > 0;
    return n;
}

static void
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

static void
lobby_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    WG_DIAG_WARN("lobby timeout: starting without every role");
    start_exercise(a);
}

static int
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
static void
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
static int
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
static bool
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
static void
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
static void
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
static bool
is_join(const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    bool join = false;
    while (p < end) {
        uint32_t num;
        int wt;
        uint64_t v;
        const uint8_t *d;
        size_t l;
        if (wg_wire_next_field(&p, end, &num, &wt, &v, &d, &l) < 0)
            return false;
        join = join || num == WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    }
    return join;
}

/* A message the bus dropped unread: counted by the guard. */
static void
bus_drop_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
            wg_bus_drop_t why, size_t size, void *arg)
{
    (void)bus;
    adjudicator_t *a = arg;
    limits_dropped(&a->lim, peer, peer_len, why, size);
}

/* ---- the director (director.h; docs/PROTOCOL.md, "The director") ---- */

/* What is left of the current phase's deadline, in ms. */
static uint64_t
clock_ms_left(adjudicator_t *a)
{
    if (a->dir.paused)
        return a->dir.paused_left;
    if (a->clock_stopped)
        return a->clock_left;
    return uv_is_active((uv_handle_t *)&a->deadline_timer)
               ? uv_timer_get_due_in(&a->deadline_timer)
               : 0;
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

/* Pause keeps what is left of the deadline; the roles' messages wait. */
static void
pause_clock(adjudicator_t *a)
{
    a->dir.paused = true;
    if (a->clock_stopped) {
        a->dir.paused_left = a->clock_left;
    } else if (uv_is_active((uv_handle_t *)&a->deadline_timer)) {
        a->dir.paused_left = uv_timer_get_due_in(&a->deadline_timer);
        uv_timer_stop(&a->deadline_timer);
    } else {
        a->dir.paused_left = a->sc->deadline_ms;
    }
}

/* The messages held while paused go in, in the order they came. */
static void
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

/* Resume runs the clock on from where it stood, then hands the held
 * messages over. */
static void
resume_clock(adjudicator_t *a)
{
    wg_adjudicator_t *u = a->adjudicator;
    a->dir.paused = false;
    if (a->clock_stopped)
        a->clock_left = a->dir.paused_left;
    else if (!a->lobby_open && wg_adjudicator_started(u) &&
             !wg_adjudicator_done(u))
        uv_timer_start(&a->deadline_timer, deadline_cb, a->dir.paused_left, 0);
    hand_over_held(a);
}

static void
extend_clock(adjudicator_t *a, uint32_t seconds)
{
    uint64_t ms = (uint64_t)seconds * 1000;
    if (a->dir.paused)
        a->dir.paused_left += ms;
    else if (a->clock_stopped)
        a->clock_left += ms;
    else if (uv_is_active((uv_handle_t *)&a->deadline_timer))
        uv_timer_start(&a->deadline_timer, deadline_cb,
                       uv_timer_get_due_in(&a->deadline_timer) + ms, 0);
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
static void
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

static const char usage[] =
    "usage: wg-adjudicator --scenario PATH [options]\n"
    "       wg-adjudicator --exercise FILE [--key KEY] [options]\n"
    "       wg-adjudicator --resume LOG [options]\n"
    "  --scenario PATH     scenario YAML (configs/scenarios/default.yaml)\n"
    "  --exercise FILE     exercise file: scenario, endpoints, seats, keys\n"
    "  --key KEY           the adjudicator's secret certificate (wg-keygen),\n"
    "                      for an exercise with keys: CURVE on every socket\n"
    "  --router EP         ROUTER endpoint to bind (tcp://127.0.0.1:5555;\n"
    "                      without keys, loopback only)\n"
    "  --pub EP            PUB endpoint to bind (tcp://127.0.0.1:5556)\n"
    "  --seed N            override the scenario's seed\n"
    "  --log PATH          record the exercise log to PATH\n"
    "  --fsync POLICY      every-turn (default) or never\n"
    "  --lobby-timeout MS  start without missing roles after MS (30000)\n"
    "  --absent POLICY     a role that missed a deadline: fallback (its\n"
    "                      fallback plays at once until it is back; the\n"
    "                      default) or wait (the clock stops while a role\n"
    "                      the phase waits for is disconnected)\n"
    "  --heartbeat MS      PING every connection this often; one silent\n"
    "                      for 3 intervals is closed (1000; 0: none)\n"
    "  --log-level LEVEL   err, warn, info (default), debug\n"
    "  --list-nations      print the scenario's nation codes and exit\n"
    "  --resume LOG        rebuild the state from LOG (cutting a torn tail),\n"
    "                      wait for the roles to join again, and play on,\n"
    "                      appending to LOG; if the exercise is over, tell\n"
    "                      the roles that join again (up to 3 s) and exit\n"
    "exit status: 0 the exercise ended; 1 stopped by a signal, or could\n"
    "  not start; 2 a bad option, scenario, exercise or log; 4 the log could\n"
    "  not be written (a full disk, say): the exercise stopped at once and\n"
    "  the roles were told; --resume LOG carries on once it can be written\n";

static int
parse_seed(const char *arg, options_t *o)
{
    char *end;
    errno = 0;
    o->seed = strtoull(arg, &end, 0);
    /* strtoull takes "-1" as 2^64 - 1: a seed starts with a digit. */
    if (errno != 0 || *end != '\0' || *arg < '0' || *arg > '9') {
        fprintf(stderr, "wg-adjudicator: --seed: not a number, 0 or more: %s\n",
                arg);
        return 2;
    }
    o->have_seed = true;
    return 0;
}

static int
parse_lobby(const char *arg, options_t *o)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno != 0 || *end != '\0' || *arg < '0' || *arg > '9' ||
        (unsigned)v != v) {
        fprintf(stderr,
                "wg-adjudicator: --lobby-timeout: not a number of "
                "milliseconds: %s\n",
                arg);
        return 2;
    }
    o->lobby_ms = (unsigned)v;
    return 0;
}

/* A tcp:// port past 65535 would bind another port (ZeroMQ keeps its low
 * 16 bits). 0, or 2 after saying so. */
static int
check_ports(const options_t *o)
{
    const char *ep = o->router && !wg_endpoint_port_ok(o->router) ? o->router
                     : o->pub && !wg_endpoint_port_ok(o->pub)     ? o->pub
                                                                  : NULL;
    if (ep == NULL)
        return 0;
    fprintf(stderr, "wg-adjudicator: %s: not a port (1 to 65535, or *)\n", ep);
    return 2;
}

static int
parse_fsync(const char *arg, options_t *o)
{
    if (strcmp(arg, "every-turn") == 0)
        o->fsync = WG_FSYNC_EVERY_TURN;
    else if (strcmp(arg, "never") == 0)
        o->fsync = WG_FSYNC_NEVER;
    else {
        fprintf(stderr, "wg-adjudicator: --fsync: every-turn or never\n");
        return 2;
    }
    return 0;
}

/* --absent and --heartbeat; 0, or 2 after saying what is wrong. */
static int
parse_limits(int c, const char *arg, options_t *o)
{
    char *end;
    if (c == 'A') {
        o->absent = strcmp(arg, "fallback") == 0 ? WG_ABSENT_FALLBACK
                    : strcmp(arg, "wait") == 0   ? WG_ABSENT_WAIT
                                                 : -1;
        if (o->absent < 0) {
            fprintf(stderr, "wg-adjudicator: --absent: fallback or wait\n");
            return 2;
        }
        return 0;
    }
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 0 || v > 600000) {
        fprintf(stderr, "wg-adjudicator: --heartbeat: milliseconds, 0 to "
                        "600000\n");
        return 2;
    }
    o->heartbeat_ms = (int)v;
    return 0;
}

/* One option of parse_options(); 0, or 2 after saying what is wrong. */
static int
take_option(int c, const char *arg, options_t *o)
{
    switch (c) {
    case 's':
        o->scenario = arg;
        break;
    case 'r':
        o->router = arg;
        break;
    case 'p':
        o->pub = arg;
        break;
    case 'S':
        if (parse_seed(arg, o) != 0)
            return 2;
        break;
    case 'L':
        o->log_path = arg;
        break;
    case 'f':
        if (parse_fsync(arg, o) != 0)
            return 2;
        break;
    case 'T':
        if (parse_lobby(arg, o) != 0)
            return 2;
        break;
    case 'l':
        if (wg_diag_set_level_option("wg-adjudicator", arg) < 0)
            return 2;
        break;
    case 'N':
        o->list_nations = true;
        break;
    case 'R':
        o->resume = arg;
        break;
    case 'O':
        if (o->n_overrides == N_KEYS || strchr(arg, '=') == NULL) {
            fputs(usage, stderr);
            return 2;
        }
        o->override_spec[o->n_overrides++] = arg;
        break;
    case 'E':
        o->exercise = arg;
        break;
    case 'A':
    case 'H':
        if (parse_limits(c, arg, o) != 0)
            return 2;
        break;
    case 'K':
        o->key_path = arg;
        break;
    case 'h':
        fputs(usage, stdout);
        exit(0);
    default:
        fputs(usage, stderr);
        return 2;
    }
    return 0;
}

static int
parse_options(int argc, char **argv, options_t *o)
{
    static const struct option opts[] = {
        {"scenario", required_argument, NULL, 's'},
        {"router", required_argument, NULL, 'r'},
        {"pub", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 'S'},
        {"log", required_argument, NULL, 'L'},
        {"fsync", required_argument, NULL, 'f'},
        {"lobby-timeout", required_argument, NULL, 'T'},
        {"log-level", required_argument, NULL, 'l'},
        {"list-nations", no_argument, NULL, 'N'},
        {"resume", required_argument, NULL, 'R'},
        {"override", required_argument, NULL, 'O'},
        {"exercise", required_argument, NULL, 'E'},
        {"key", required_argument, NULL, 'K'},
        {"absent", required_argument, NULL, 'A'},
        {"heartbeat", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->fsync = WG_FSYNC_EVERY_TURN;
    o->lobby_ms = 30000;
    o->absent = -1;
    o->heartbeat_ms = 1000;
    int c;
    while ((c = getopt_long(argc, argv, "s:r:p:S:L:f:T:l:h", opts, NULL)) != -1)
        if (take_option(c, optarg, o) != 0)
            return 2;
    if ((o->scenario == NULL && o->resume == NULL && o->exercise == NULL) ||
        optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    return check_ports(o);
}

/* With keys: the adjudicator's own key pair, which must be the one the
 * exercise names. 0, or 2 after saying what is wrong. */
static int
load_own_key(adjudicator_t *a, const options_t *o)
{
    const char *ex = o->exercise;
    wg_config_error_t err;
    if (!a->ex->has_keys) {
        if (o->key_path == NULL)
            return 0;
        fprintf(stderr,
                "wg-adjudicator: %s names no keys (no adjudicator_key): "
                "--key has nothing to match\n",
                ex);
        return 2;
    }
    if (o->key_path == NULL) {
        fprintf(stderr,
                "wg-adjudicator: %s has keys: give --key with the "
                "adjudicator's secret certificate (wg-keygen writes it)\n",
                ex);
        return 2;
    }
    if (wg_keys_load_secret(o->key_path, &a->keys, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    if (memcmp(a->keys.public_key, a->ex->adjudicator_key, WG_KEY_LEN) != 0) {
        char mine[WG_KEY_Z85_LEN + 1], want[WG_KEY_Z85_LEN + 1];
        wg_keys_to_z85(a->keys.public_key, mine);
        wg_keys_to_z85(a->ex->adjudicator_key, want);
        const wg_seat_t *seat =
            wg_exercise_seat_by_key(a->ex, a->keys.public_key);
        fprintf(stderr,
                "wg-adjudicator: %s is not the adjudicator's key in %s: its "
                "public key is %s (%s%s), adjudicator_key is %s\n",
                o->key_path, ex, mine, seat ? "the key of seat " : "no seat's",
                seat ? seat->role : "", want);
        return 2;
    }
    return 0;
}

/* --exercise: the scenario, endpoints (unless given) and seats of an
 * exercise file, and with keys the adjudicator's own key. 0, or 2 after
 * saying what is wrong. */
static int
load_exercise(adjudicator_t *a, options_t *o)
{
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    if (o->exercise == NULL) {
        if (o->key_path != NULL) {
            fprintf(stderr, "wg-adjudicator: --key needs --exercise (the "
                            "file that names every seat's key)\n");
            return 2;
        }
        return 0;
    }
    if (o->scenario != NULL) {
        fprintf(stderr, "wg-adjudicator: --exercise names the scenario: "
                        "give --scenario or --exercise, not both\n");
        return 2;
    }
    if (wg_exercise_load(o->exercise, &a->ex, &sc, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    memcpy(a->ex_scenario_hash, sc->hash, sizeof a->ex_scenario_hash);
    free(sc);
    if (o->resume == NULL)
        o->scenario = a->ex->scenario_path;
    if (o->router == NULL)
        o->router = a->ex->router;
    if (o->pub == NULL)
        o->pub = a->ex->pub;
    return load_own_key(a, o);
}

/* Without keys anyone who reaches the sockets can play any seat, so they
 * are bound on loopback only. 0, or 2 after saying so. */
static int
check_keyless(const options_t *o)
{
    const char *ep = !wg_endpoint_is_loopback(o->router) ? o->router
                     : !wg_endpoint_is_loopback(o->pub)  ? o->pub
                                                         : NULL;
    if (ep == NULL)
        return 0;
    fprintf(stderr,
            "wg-adjudicator: %s is not a loopback endpoint: without keys "
            "the adjudicator binds loopback only, since any process that "
            "reaches it could play any seat. For a LAN, give an exercise "
            "file with keys: --exercise FILE --key adjudicator.key (see "
            "wg-keygen and docs/PROTOCOL.md, \"Seats and keys\")\n",
            ep);
    return 2;
}

static char *
read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int
open_log(adjudicator_t *a, const options_t *o, const char *text, size_t len)
{
    wg_log_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    hdr.version = WG_LOG_FORMAT_VERSION;
    hdr.rules_version = WG_RULES_VERSION;
    snprintf(hdr.scenario_name, sizeof hdr.scenario_name, "%s", a->sc->name);
    snprintf(hdr.scenario_path, sizeof hdr.scenario_path, "%s", o->scenario);
    memcpy(hdr.scenario_hash, a->sc->hash, sizeof hdr.scenario_hash);
    hdr.scenario_text = (char *)text;
    hdr.scenario_len = len;
    hdr.seed = a->sc->seed;
    time_t now = time(NULL); /* metadata only: no decision reads it */
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(hdr.started, sizeof hdr.started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int rc = wg_log_writer_create(o->log_path, &hdr, o->fsync, &a->log);
    if (rc < 0)
        WG_DIAG_ERR("cannot create log %s: %s", o->log_path, wg_strerror(rc));
    return rc;
}

/* Loads the --override files; 0, or 2 after saying what is wrong. */
static int
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

static void
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

/* Binds, runs the loop until the exercise ends or a signal, and closes
 * every handle. Returns the exit code. */
static int
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
    if (limits_init(&a->lim, a->log) < 0)
        abort(); /* out of memory before the exercise: nothing to save */
    a->absent = o->absent >= 0  ? (wg_absent_t)o->absent
                : a->ex != NULL ? a->ex->absent
                                : WG_ABSENT_FALLBACK;
    a->lobby_open = true;
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
    WG_DIAG_INFO("scenario %s, seed %llu, %zu turns; ROUTER %s, PUB %s",
                 sc->name, (unsigned long long)sc->seed, sc->n_turns,
                 wg_bus_endpoint(a->bus, 0), wg_bus_endpoint(a->bus, 1));
    say_keys_start(a);

    uv_run(&a->loop, UV_RUN_DEFAULT);
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

/* Records the adjudicator made beyond the end of the log being resumed: the
 * dead adjudicator made them too (the adjudicator is deterministic) but died
 * before they reached the file (the log is written out at the end of each
 * turn). They go into the log now, so that it holds every sequence number
 * and still verifies; the workers get what they need when they join again. */
static void
resume_pending_cb(const uint8_t *bytes, size_t len, void *arg)
{
    adjudicator_t *a = arg;
    if (!a->log_failed)
        record(a, &bytes, len);
}

/* The log's ExerciseEnd, kept to be sent again; printed as the summary. */
static int
load_end(adjudicator_t *a, const char *path)
{
    wg_log_reader_t *r;
    int rc = wg_log_reader_open(path, &r);
    if (rc < 0) {
        fprintf(stderr, "wg-adjudicator: %s: %s\n", path, wg_strerror(rc));
        return 2;
    }
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env != NULL &&
            env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END) {
            free(a->end_bytes);
            a->end_bytes = malloc(len);
            if (a->end_bytes != NULL) {
                memcpy(a->end_bytes, rec, len);
                a->end_len = len;
                print_result(a, env);
            }
        }
        wg_wire_free(env);
    }
    wg_log_reader_destroy(&r);
    if (a->end_bytes == NULL) {
        fprintf(stderr, "wg-adjudicator: %s: no ExerciseEnd found\n", path);
        return 2;
    }
    return 0;
}

/* --resume: cut the log's torn tail, rebuild the adjudicator from the log, and
 * play on, appending to the same log. */
static int
resume_main(adjudicator_t *a, const options_t *o)
{
    wg_log_header_t hdr;
    uint64_t cut = 0;
    int rc = wg_log_writer_reopen(o->resume, o->fsync, &hdr, &cut, &a->log);
    if (rc == WG_EVERSION) {
        fprintf(stderr,
                "wg-adjudicator: %s: cannot reopen: not a log of format "
                "version %d (an older one is read by wg-log verify and "
                "check, never continued)\n",
                o->resume, WG_LOG_FORMAT_VERSION);
        return 2;
    }
    if (rc < 0) {
        fprintf(stderr, "wg-adjudicator: %s: cannot reopen: %s\n", o->resume,
                wg_strerror(rc));
        return 2;
    }
    a->log_path = o->resume;
    wg_log_header_clear(&hdr);
    if (cut > 0)
        WG_DIAG_WARN("%s: cut a torn tail of %llu bytes", o->resume,
                     (unsigned long long)cut);
    uint64_t kept = wg_log_writer_records(a->log);
    wg_replay_report_t rep;
    wg_replay_options_t ropt = {.pending = resume_pending_cb, .pending_arg = a};
    if (wg_replay_log(o->resume, &ropt, &rep, &a->adjudicator, &a->sc) !=
        WG_REPLAY_OK) {
        fprintf(stderr,
                "wg-adjudicator: %s: cannot resume at turn %u seq %llu %s: "
                "%s\n",
                o->resume, rep.turn, (unsigned long long)rep.seq, rep.field,
                rep.detail);
        wg_log_writer_destroy(&a->log);
        return 2;
    }
    if (a->ex != NULL &&
        memcmp(a->sc->hash, a->ex_scenario_hash, sizeof a->sc->hash) != 0) {
        fprintf(stderr,
                "wg-adjudicator: %s was played on another scenario than the "
                "one %s names\n",
                o->resume, a->ex->path);
        wg_log_writer_destroy(&a->log);
        wg_adjudicator_destroy(&a->adjudicator);
        free(a->sc);
        return 2;
    }
    uint64_t pending = wg_log_writer_records(a->log) - kept;
    if (!a->log_failed && (rc = wg_log_writer_flush(a->log)) < 0)
        log_failed(a, "flush", rc);
    if (a->log_failed) {
        wg_log_writer_destroy(&a->log);
        wg_adjudicator_destroy(&a->adjudicator);
        free(a->sc);
        return EXIT_LOG;
    }
    wg_adjudicator_set_output(a->adjudicator, adjudicator_out_cb, a);
    /* Paused when it died: paused again, a whole deadline to go. */
    a->dir.paused = wg_adjudicator_paused(a->adjudicator);
    a->dir.paused_left = a->sc->deadline_ms;
    if (load_overrides(a, o, a->sc) != 0) {
        free_overrides(a);
        wg_log_writer_destroy(&a->log);
        wg_adjudicator_destroy(&a->adjudicator);
        free(a->sc);
        return 2;
    }
    WG_DIAG_INFO("resumed %s: %llu records, %u turns done, %llu records the "
                 "log lacked written",
                 o->resume, (unsigned long long)rep.records, rep.turns,
                 (unsigned long long)pending);
    if (wg_adjudicator_done(a->adjudicator)) {
        /* Workers may still wait for the end: a kill after the last result
         * was written but before the end reached them leaves them so. */
        fprintf(stderr,
                "wg-adjudicator: %s: the exercise is already over; telling "
                "the roles that join again for up to %u ms\n",
                o->resume,
                o->lobby_ms < OVER_GRACE_MS ? o->lobby_ms : OVER_GRACE_MS);
        rc = load_end(a, o->resume);
        if (rc == 0) {
            a->over = true;
            rc = run_loop(a, o);
        }
    } else {
        rc = run_loop(a, o);
    }
    free(a->end_bytes);
    free_overrides(a);
    wg_log_writer_destroy(&a->log);
    wg_adjudicator_destroy(&a->adjudicator);
    free(a->sc);
    return rc;
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
