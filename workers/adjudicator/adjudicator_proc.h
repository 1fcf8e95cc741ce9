/*
 * adjudicator_proc.h - private to wg-adjudicator: the process state
 * (adjudicator_t), its options (options_t), and the functions its files
 * share. Not a library interface: only the files of workers/adjudicator/
 * include it.
 */
#ifndef WG_ADJUDICATOR_PROC_H
#define WG_ADJUDICATOR_PROC_H

#include "wg/adjudicator.h"
#include "wg/bus.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/keys.h"
#include "wg/log.h"
#include "wg/options.h"
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

/* main.c: the loop, routing, the director's link */
void end_timer_cb(uv_timer_t *t);
void print_result(adjudicator_t *a, const Wgpb__V1__Envelope *env);
void impose_overrides(adjudicator_t *a);
void publish_stop(adjudicator_t *a);
void adjudicator_out_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
                        const uint8_t *bytes, size_t len, int dest, void *arg);
void hand_over_held(adjudicator_t *a);
void refuse_held(adjudicator_t *a, const uint8_t *peer, size_t peer_len);
int load_overrides(adjudicator_t *a, const options_t *o,
                   const wg_scenario_t *sc);
void free_overrides(adjudicator_t *a);
int run_loop(adjudicator_t *a, const options_t *o);

/* log_file.c: the exercise log */
void log_failed(adjudicator_t *a, const char *what, int rc);
bool record(adjudicator_t *a, const uint8_t **bytes, size_t len);
char *read_file(const char *path, size_t *len);
int open_log(adjudicator_t *a, const options_t *o, const char *text,
             size_t len);

/* clock.c: the phase deadline and the director's clock */
void update_clock(adjudicator_t *a);
void arm_deadline(adjudicator_t *a);
uint64_t clock_ms_left(adjudicator_t *a);
void pause_clock(adjudicator_t *a);
void resume_clock(adjudicator_t *a);
void extend_clock(adjudicator_t *a, uint32_t seconds);

/* peers.c: the lobby, seats and peers */
size_t bound_peers(const adjudicator_t *a);
void start_exercise(adjudicator_t *a);
void lobby_cb(uv_timer_t *t);
int key_of_peer(const adjudicator_t *a, const uint8_t *peer, size_t len);
void tell_over(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
               const uint8_t *data, size_t len);
int pack_beacon(adjudicator_t *a, uint8_t **buf, size_t *len);
bool judge_seat(adjudicator_t *a, const uint8_t *peer, size_t peer_len,
                const uint8_t *data, size_t len, int *key);
void seat_joined(adjudicator_t *a, int k, const uint8_t *peer, size_t peer_len);
void bus_gone_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                 void *arg);
bool is_join(const uint8_t *p, size_t n);
void bus_drop_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                 wg_bus_drop_t why, size_t size, void *arg);

/* options.c: options, key and exercise file */
int parse_options(int argc, char **argv, options_t *o);
int load_exercise(adjudicator_t *a, options_t *o);
int check_keyless(const options_t *o);

/* resume.c: --resume */
int resume_main(adjudicator_t *a, const options_t *o);

#endif
