/*
 * replay.c - re-adjudication of a recorded exercise log.
 *
 * Owns, during one call, a log reader, a scenario, an umpire and a queue of
 * the envelopes the umpire produced but the walk has not yet matched with a
 * record. Problems are reported in the wg_replay_report_t, never asserted:
 * a log is input.
 *
 * Speed: verify must keep up with a million records a second, so the walk
 * never decodes a record it only compares, and splits the work in two.
 * A reader thread (started once per process and kept) loads the scenario
 * from the header, then reads each frame, checks its CRC, reads the
 * Envelope's top-level fields with a small scanner (sender, turn, seq,
 * provenance source, payload type), decodes the recorded inputs and
 * computes each record's SHA-256 for the hash chain, in a ring of slots
 * ahead of the walk. Whoever needs the next record reads it: the walk
 * (the calling thread) reads while the scenario loads, and whenever the
 * thread is behind. The walk hands the decoded inputs to the umpire. The
 * k-th envelope the umpire makes must equal the k-th record of the log
 * that is not an Error, so it is compared with that record as soon as it
 * is made; only one that differs keeps its bytes for the walk to report
 * (the diff decodes both, to name the field). The umpire takes the
 * reader's digest of a record only when the record holds exactly the
 * bytes it made (wg_umpire_set_digest). A turn's state digest is taken
 * from its recorded TurnResult and checked by the thread on a copy of the
 * state (wg_umpire_set_state_digest); if a check fails, the whole walk is
 * done again in line, which then names the record. Logs too big to be
 * read whole, a busy reader thread, or opt->in_line take the same walk
 * with the reader's work done in line, record by record, and every digest
 * computed in the walk.
 */
#include "wg/replay.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include "sha256_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a record's top-level fields, without decoding it ----------------------
 */

/* Field numbers of wgpb.v1.Envelope (proto/wg.proto). */
enum {
    F_SENDER_ROLE = 1,
    F_SENDER_NATION = 2,
    F_TURN = 3,
    F_PHASE = 4,
    F_SEQ = 5,
    F_PROVENANCE = 7,
    F_PAYLOAD_FIRST = 10,
    F_PAYLOAD_LAST = 22,
};

typedef struct {
    int sender_role;
    char nation[16]; /* longer codes are no scenario's: left empty */
    uint32_t turn;
    uint64_t seq;
    int source;     /* provenance.source; 0 when there is none */
    int payload;    /* the oneof's field number (= payload_case); 0: none */
    int error_code; /* Error.code, for an Error payload */
} scan_t;

/* The varint field number `want` inside a sub-message's bytes (the last
 * one, as protobuf reads it); 0 when absent. */
static uint64_t
sub_varint(const uint8_t *p, size_t n, uint32_t want)
{
    const uint8_t *end = p + n;
    uint64_t found = 0, v = 0;
    uint32_t num;
    int wt;
    const uint8_t *d;
    size_t l;
    while (p < end) {
        if (wg_wire_next_field(&p, end, &num, &wt, &v, &d, &l) < 0)
            return 0;
        if (num == want && wt == 0)
            found = v;
    }
    return found;
}

/* Returns 0, or -1 when the bytes are not what protobuf-c would accept at
 * the top level (the caller then lets protobuf-c decide). */
static int
scan_envelope(const uint8_t *p, size_t n, scan_t *s)
{
    const uint8_t *end = p + n;
    memset(s, 0, sizeof *s);
    while (p < end) {
        uint32_t num;
        int wt;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t l = 0;
        if (wg_wire_next_field(&p, end, &num, &wt, &v, &d, &l) < 0)
            return -1;
        bool varint = num == F_SENDER_ROLE || num == F_TURN || num == F_PHASE ||
                      num == F_SEQ;
        bool known = varint || num == F_SENDER_NATION || num == 6 ||
                     num == F_PROVENANCE ||
                     (num >= F_PAYLOAD_FIRST && num <= F_PAYLOAD_LAST);
        if (known && wt != (varint ? 0 : 2))
            return -1;
        switch (num) {
        case F_SENDER_ROLE:
            s->sender_role = (int)(int32_t)v;
            break;
        case F_SENDER_NATION:
            if (l < sizeof s->nation) {
                memcpy(s->nation, d, l);
                s->nation[l] = '\0';
            } else {
                s->nation[0] = '\0';
            }
            break;
        case F_TURN:
            s->turn = (uint32_t)v;
            break;
        case F_SEQ:
            s->seq = v;
            break;
        case F_PROVENANCE:
            s->source = (int)sub_varint(d, l, 1);
            break;
        default:
            if (num >= F_PAYLOAD_FIRST && num <= F_PAYLOAD_LAST) {
                s->payload = (int)num;
                s->error_code = num == WGPB__V1__ENVELOPE__PAYLOAD_ERROR
                                    ? (int)sub_varint(d, l, 1)
                                    : 0;
            }
        }
    }
    return 0;
}

/* ---- the reader, ahead of the walk ------------------------------------------
 */

/* One frame as the reader found it. */
typedef struct {
    /* A line of its own: the thread fills one while the walk reads
     * another. */
    _Alignas(64) int rc; /* wg_log_reader_next's: 1 a record, 0 the end,
                            < 0 an error */
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    uint64_t index; /* wg_log_reader_index() after it */
    bool envelope;  /* rc == 1 and the bytes are a wgpb.v1.Envelope */
    scan_t s;       /* its top-level fields, when envelope */
    uint64_t ord;   /* among the records that are not Errors, counting from
                       0; UINT64_MAX for an Error */
    bool hashed;    /* digest = SHA-256(rec) */
    uint8_t digest[32];
    Wgpb__V1__Envelope *env; /* a recorded input, decoded; else NULL */
    bool has_state_digest;   /* a TurnResult's, in state_digest */
    uint8_t state_digest[32];
} slot_t;

#define RING 4096 /* slots the reader may run ahead of the walk */
#define CHECKS 8  /* state digests the walk may leave to the reader */

/* Grouped by who writes, a cache line each: a line that one thread writes
 * and the other reads from all the time costs more than the work. */
typedef struct {
    /* Set before the thread starts, then only read. */
    wg_log_reader_t *r;
    const wg_log_header_t *hdr;
    slot_t *ring; /* RING slots, or 1 in line */
    bool threaded;

    /* The reader's: whoever holds `filling` (in line, the walk's). */
    _Alignas(64) wg_arena_t *arena; /* the inputs it decodes, for the whole
                                       walk (in line: what the scanner
                                       refuses, for one slot) */
    uint64_t ord;                   /* the next record's ordinal */
    _Atomic bool reading;           /* not at the end of the records */
    /* The thread's own. The scenario: it loads it from the header while
     * the walk reads the first records (the walk reads sc and sc_rep once
     * `loaded` is set). */
    wg_scenario_t *sc;
    wg_replay_report_t sc_rep; /* what loading it said */

    /* Written by the thread. */
    _Alignas(64) _Atomic uint64_t published; /* slots filled so far */
    _Atomic uint64_t checks_done;
    _Atomic bool check_failed;
    _Atomic bool sleeping; /* it waits on reader_thread.wake */
    _Atomic bool loaded;   /* sc and sc_rep are set */

    /* Who reads the next record: the thread, or the walk when it would
     * otherwise wait (while the scenario loads, or the thread is behind). */
    _Alignas(64) _Atomic bool filling;

    /* Written by the walk. */
    _Alignas(64) _Atomic uint64_t consumed; /* slots the walk is done with */
    _Atomic uint64_t checks_posted;
    _Atomic bool stop; /* the walk ended: the thread stops */
} ahead_t;

static wg_scenario_t *load_scenario(const wg_log_header_t *hdr,
                                    wg_replay_report_t *rep);
static bool recorded_state_digest(const uint8_t *p, size_t n, uint8_t out[32]);

/* Inputs the umpire takes from the log: what the workers sent (not its own
 * defaults, which it makes again). */
static bool
is_recorded_input(const scan_t *s)
{
    if (s->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR)
        return false;
    return s->source != WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
}

/* Reads the next frame into s: the reader's half of the work. */
static void
fill_slot(ahead_t *a, slot_t *s)
{
    s->rc = wg_log_reader_next(a->r, &s->rec, &s->len, &s->off);
    s->index = wg_log_reader_index(a->r);
    s->envelope = false;
    s->hashed = false;
    s->env = NULL;
    s->has_state_digest = false;
    s->ord = UINT64_MAX;
    if (s->rc != 1)
        return;
    if (!a->threaded)
        wg_arena_reset(a->arena);
    if (scan_envelope(s->rec, s->len, &s->s) < 0) {
        /* Let protobuf-c decide: the scanner is strict. */
        const Wgpb__V1__Envelope *env =
            wg_wire_unpack_in(a->arena, s->rec, s->len);
        if (env == NULL)
            return;
        scan_t *p = &s->s;
        memset(p, 0, sizeof *p);
        p->sender_role = (int)env->sender_role;
        snprintf(p->nation, sizeof p->nation, "%s",
                 env->sender_nation ? env->sender_nation : "");
        p->turn = env->turn;
        p->seq = env->seq;
        p->source = env->provenance ? (int)env->provenance->source : 0;
        p->payload = (int)env->payload_case;
        if (p->payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR)
            p->error_code = (int)env->error->code;
    }
    s->envelope = true;
    if (s->s.payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR)
        return;
    s->ord = a->ord++;
    if (!a->threaded)
        return;
    if (is_recorded_input(&s->s))
        s->env = wg_wire_unpack_in(a->arena, s->rec, s->len);
    if (s->s.payload == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        s->has_state_digest =
            recorded_state_digest(s->rec, s->len, s->state_digest);
    /* What the umpire hashes for the chain: records of the total order
     * but the results (see take_record in umpire.c). */
    if (s->s.seq != 0 && s->s.payload != WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        wg__sha256(s->rec, s->len, s->digest);
        s->hashed = true;
    }
}

/* A short wait for the other thread: spin a little, then yield. */
static void
pause_briefly(unsigned *spins)
{
    if (++*spins < 1024) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else {
        sched_yield();
    }
}

/* Reads the next record into its slot unless another thread is at it, the
 * records have ended or the ring is full; true if it did. The one who
 * holds `filling` owns the reader, the arena and the ordinals. */
static bool
fill_next(ahead_t *a)
{
    bool no = false;
    if (!atomic_compare_exchange_strong(&a->filling, &no, true))
        return false;
    uint64_t i = atomic_load_explicit(&a->published, memory_order_relaxed);
    bool did = atomic_load_explicit(&a->reading, memory_order_relaxed) &&
               i - atomic_load(&a->consumed) < RING;
    if (did) {
        slot_t *s = &a->ring[i % RING];
        fill_slot(a, s);
        /* The walk stops at the end or at a bad record. */
        atomic_store_explicit(&a->reading, s->rc == 1 && s->envelope,
                              memory_order_relaxed);
        atomic_store_explicit(&a->published, i + 1, memory_order_release);
    }
    atomic_store_explicit(&a->filling, false, memory_order_release);
    return did;
}

/*
 * The reader thread is started once and kept for the walks that follow:
 * starting a thread costs more than reading a small log. It serves one
 * walk at a time; a walk that finds it busy (walks in several threads of
 * one process) reads in line.
 */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;   /* a job is given, or finished */
    pthread_cond_t wake; /* there is work for the thread that sleeps */
    bool started;
    ahead_t *job;           /* the walk it serves, until the walk lets go */
    _Atomic bool finished;  /* it has left reader_run() for job */
    _Atomic uint64_t given; /* jobs given so far */
    /* What the walks it serves use, kept from one to the next: fresh
     * memory costs a page fault a page, and a ring is 200 pages. */
    slot_t *ring;
    wg_arena_t *arena;
    wg_wire_buf_t check_bytes; /* the state digest being checked */
    /* State digests to check, written by the walk: it took the one its
     * TurnResult records, the thread computes the digest of a copy of
     * the state and compares (see ahead_t's checks_posted, checks_done). */
    _Alignas(64) struct {
        wg_state_t *st;
        uint8_t want[32];
    } checks[CHECKS];
} reader_thread = {.mu = PTHREAD_MUTEX_INITIALIZER,
                   .cv = PTHREAD_COND_INITIALIZER,
                   .wake = PTHREAD_COND_INITIALIZER};

/* The state digests the walk has posted: hashed and compared. */
static void
run_checks(ahead_t *a)
{
    uint64_t done = atomic_load_explicit(&a->checks_done, memory_order_relaxed);
    while (done <
           atomic_load_explicit(&a->checks_posted, memory_order_acquire)) {
        uint8_t got[32];
        const __typeof__(reader_thread.checks[0]) *ck =
            &reader_thread.checks[done % CHECKS];
        wg_wire_buf_t *b = &reader_thread.check_bytes;
        wg_umpire_state_bytes(a->sc, ck->st, b);
        wg__sha256(b->data, b->len, got);
        if (memcmp(got, ck->want, 32) != 0)
            atomic_store_explicit(&a->check_failed, true, memory_order_relaxed);
        atomic_store_explicit(&a->checks_done, ++done, memory_order_release);
    }
}

/* Whether the reader thread has something to do: a check, the stop, or
 * (while it reads) room in the ring. Sequentially consistent loads,
 * against the walk's stores (see reader_wake). */
static bool
reader_has_work(ahead_t *a)
{
    return atomic_load(&a->stop) ||
           atomic_load(&a->checks_posted) !=
               atomic_load_explicit(&a->checks_done, memory_order_relaxed) ||
           (atomic_load_explicit(&a->reading, memory_order_relaxed) &&
            atomic_load_explicit(&a->published, memory_order_relaxed) -
                    atomic_load(&a->consumed) <
                RING);
}

/* Idle: a spin of up to SPIN_NS, then asleep until the walk wakes it.
 * Work comes every few microseconds while a walk runs, and waking a
 * sleeping thread costs more than that (two system calls and a switch);
 * a walk that has ended, or stalls, lets the thread sleep. */
#define SPIN_NS 200000

static uint64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Spins until done(arg) or SPIN_NS have passed; returns done(arg). */
static bool
spin_until(bool (*done)(void *), void *arg)
{
    uint64_t until = 0;
    for (unsigned spin = 0;; spin++) {
        if (done(arg))
            return true;
        if (spin % 64 == 0) {
            uint64_t t = now_ns();
            if (until == 0)
                until = t + SPIN_NS;
            else if (t > until)
                return false;
        }
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
}

static bool
reader_has_work_cb(void *a)
{
    return reader_has_work(a);
}

static void
reader_wait(ahead_t *a)
{
    if (spin_until(reader_has_work_cb, a))
        return;
    pthread_mutex_lock(&reader_thread.mu);
    atomic_store(&a->sleeping, true);
    while (!reader_has_work(a))
        pthread_cond_wait(&reader_thread.wake, &reader_thread.mu);
    atomic_store(&a->sleeping, false);
    pthread_mutex_unlock(&reader_thread.mu);
}

/* The walk's side: after a store that may give the thread work, wake it
 * if it sleeps. (It sets `sleeping`, then looks for work; the walk stores,
 * then looks at `sleeping`: one of the two sees the other.) */
static void
reader_wake(ahead_t *a)
{
    if (atomic_load(&a->sleeping)) {
        pthread_mutex_lock(&reader_thread.mu);
        pthread_cond_signal(&reader_thread.wake);
        pthread_mutex_unlock(&reader_thread.mu);
    }
}

/* The reader thread's work for one walk: slots ahead of the walk, and the
 * checks it posts, until the walk stops it. */
static void
reader_run(ahead_t *a)
{
    a->sc = load_scenario(a->hdr, &a->sc_rep);
    atomic_store_explicit(&a->loaded, true, memory_order_release);
    for (;;) {
        run_checks(a);
        if (fill_next(a))
            continue;
        if (atomic_load(&a->stop)) {
            run_checks(a);
            return;
        }
        reader_wait(a);
    }
}

/* Whether a job was given after the `seen`-th: the thread spins on it
 * between walks, as walks often follow one another (fork, diff, a
 * benchmark) and a sleeping thread takes long to wake. */
static bool
job_given_after(void *seen)
{
    return atomic_load(&reader_thread.given) != *(uint64_t *)seen;
}

/* Whether a walk waits for the thread. Under reader_thread.mu. */
static bool
job_waiting(void)
{
    return reader_thread.job != NULL && !atomic_load(&reader_thread.finished);
}

static void *
reader_thread_main(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&reader_thread.mu);
    for (;;) {
        if (!job_waiting()) {
            pthread_mutex_unlock(&reader_thread.mu);
            spin_until(job_given_after, &seen);
            pthread_mutex_lock(&reader_thread.mu);
        }
        while (!job_waiting())
            pthread_cond_wait(&reader_thread.cv, &reader_thread.mu);
        seen = atomic_load(&reader_thread.given);
        ahead_t *a = reader_thread.job;
        pthread_mutex_unlock(&reader_thread.mu);
        reader_run(a);
        pthread_mutex_lock(&reader_thread.mu);
        atomic_store(&reader_thread.finished, true);
        pthread_cond_broadcast(&reader_thread.cv);
    }
    return NULL;
}

/* What the walks of the thread use, made on the first; false if there is
 * no memory for it. Under reader_thread.mu. */
static bool
reader_thread_kit(void)
{
    if (reader_thread.ring == NULL)
        reader_thread.ring =
            aligned_alloc(_Alignof(slot_t), RING * sizeof *reader_thread.ring);
    if (reader_thread.arena == NULL)
        reader_thread.arena = wg_arena_new();
    bool ok = reader_thread.ring != NULL && reader_thread.arena != NULL;
    for (size_t i = 0; i < CHECKS; i++) {
        wg_state_t **st = &reader_thread.checks[i].st;
        if (*st == NULL)
            *st = malloc(sizeof **st);
        ok = ok && *st != NULL;
    }
    return ok;
}

/* Gives the walk to the reader thread; false if it cannot take it. */
static bool
reader_thread_take(ahead_t *a)
{
    bool taken = false;
    pthread_mutex_lock(&reader_thread.mu);
    if (!reader_thread.started) {
        pthread_t t;
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            reader_thread.started =
                pthread_create(&t, &attr, reader_thread_main, NULL) == 0;
            pthread_attr_destroy(&attr);
        }
    }
    if (reader_thread.started && reader_thread.job == NULL &&
        reader_thread_kit()) {
        a->ring = reader_thread.ring;
        a->arena = reader_thread.arena;
        wg_arena_reset(a->arena);
        reader_thread.job = a;
        atomic_store(&reader_thread.finished, false);
        atomic_fetch_add(&reader_thread.given, 1);
        pthread_cond_broadcast(&reader_thread.cv);
        taken = true;
    }
    pthread_mutex_unlock(&reader_thread.mu);
    return taken;
}

static bool
reader_thread_finished(void *unused)
{
    (void)unused;
    return atomic_load(&reader_thread.finished);
}

/* Stops the walk's reader and waits until the thread has let go of it. */
static void
reader_thread_release(ahead_t *a)
{
    atomic_store(&a->stop, true);
    reader_wake(a);
    spin_until(reader_thread_finished, NULL);
    pthread_mutex_lock(&reader_thread.mu);
    while (!atomic_load(&reader_thread.finished))
        pthread_cond_wait(&reader_thread.cv, &reader_thread.mu);
    reader_thread.job = NULL;
    pthread_mutex_unlock(&reader_thread.mu);
}

/* Starts the reader: in the reader thread when the whole file is in
 * memory (the records then stay where they are while the walk uses them)
 * and the caller did not ask for in line. */
static int
ahead_start(ahead_t *a, wg_log_reader_t *r, bool in_line)
{
    memset(a, 0, sizeof *a);
    a->r = r;
    a->hdr = wg_log_reader_header(r);
    atomic_store(&a->reading, true);
    a->threaded = !in_line && wg_log_reader_whole(r) && reader_thread_take(a);
    if (a->threaded)
        return 0;
    /* In line: one slot, and no checks. */
    a->ring = aligned_alloc(_Alignof(slot_t), sizeof *a->ring);
    a->arena = wg_arena_new();
    return a->ring != NULL && a->arena != NULL ? 0 : -1;
}

/* The scenario of the log's header. With the reader thread, it loads it
 * while this thread reads the first records; then it takes the reader
 * over. Returns NULL with rep filled in if it does not load. */
static wg_scenario_t *
ahead_scenario(ahead_t *a, wg_replay_report_t *rep)
{
    if (!a->threaded)
        return load_scenario(a->hdr, rep);
    unsigned spins = 0;
    while (!atomic_load_explicit(&a->loaded, memory_order_acquire))
        if (!fill_next(a))
            pause_briefly(&spins);
    if (a->sc == NULL) {
        rep->status = a->sc_rep.status;
        memcpy(rep->field, a->sc_rep.field, sizeof rep->field);
        memcpy(rep->detail, a->sc_rep.detail, sizeof rep->detail);
    }
    return a->sc;
}

/* Slot i of the walk (i counts from 0, one more each call): waits for the
 * reader, or reads it in line. Slots before i are given back. */
static const slot_t *
ahead_slot(ahead_t *a, uint64_t i)
{
    if (!a->threaded) {
        fill_slot(a, &a->ring[0]);
        return &a->ring[0];
    }
    /* The thread sleeps when the ring is full: a wake a quarter of the
     * way round keeps it ahead without a system call per record. */
    if (i % (RING / 4) == 0) {
        atomic_store(&a->consumed, i);
        reader_wake(a);
    } else {
        atomic_store_explicit(&a->consumed, i, memory_order_release);
    }
    unsigned spins = 0;
    while (atomic_load_explicit(&a->published, memory_order_acquire) <= i)
        if (!fill_next(a)) /* the thread is behind: read it here */
            pause_briefly(&spins);
    return &a->ring[i % RING];
}

/* The record that is the k-th of the log not to be an Error, looked for
 * from slot i (the walk's) on; NULL when the reader works in line, or the
 * log ends before it, or it lies further ahead than the ring. */
static const slot_t *
ahead_find(ahead_t *a, uint64_t i, uint64_t k)
{
    if (!a->threaded)
        return NULL;
    for (uint64_t j = i; j < i + RING; j++) {
        unsigned spins = 0;
        uint64_t pub;
        while ((pub = atomic_load_explicit(&a->published,
                                           memory_order_acquire)) <= j) {
            const slot_t *last = pub > 0 ? &a->ring[(pub - 1) % RING] : NULL;
            if (last != NULL && (last->rc != 1 || !last->envelope))
                return NULL; /* the reader has stopped */
            if (!fill_next(a))
                pause_briefly(&spins);
        }
        const slot_t *s = &a->ring[j % RING];
        if (s->rc != 1 || !s->envelope || (s->ord != UINT64_MAX && s->ord > k))
            return NULL;
        if (s->ord == k)
            return s;
    }
    return NULL;
}

/* Leaves a state digest check to the reader thread; false when there is
 * none or it has too many already (the walk then computes it itself). */
static bool
ahead_post_check(ahead_t *a, const wg_state_t *st, const uint8_t want[32])
{
    if (!a->threaded)
        return false;
    uint64_t posted =
        atomic_load_explicit(&a->checks_posted, memory_order_relaxed);
    if (posted - atomic_load_explicit(&a->checks_done, memory_order_acquire) >=
        CHECKS)
        return false;
    __typeof__(reader_thread.checks[0]) *ck =
        &reader_thread.checks[posted % CHECKS];
    wg_state_copy(ck->st, st);
    memcpy(ck->want, want, 32);
    atomic_store(&a->checks_posted, posted + 1);
    reader_wake(a);
    return true;
}

/* Stops the reader; returns false if a state digest check failed. */
static bool
ahead_stop(ahead_t *a)
{
    if (a->threaded) {
        reader_thread_release(a); /* what it used stays with the thread */
        a->threaded = false;
    } else {
        free(a->ring);
        wg_arena_destroy(&a->arena);
    }
    a->ring = NULL;
    a->arena = NULL;
    return !atomic_load_explicit(&a->check_failed, memory_order_relaxed);
}

/* ---- the queue of produced envelopes --------------------------------------
 */

typedef struct {
    size_t off, len; /* in queue_t.buf, unless matched */
    uint64_t seq;
    uint32_t turn;
    bool matched; /* found equal to its record when it was made */
} item_t;

/* The umpire's output waiting to be matched with records. It empties at
 * almost every record, so one byte buffer and one item array serve, reset
 * whenever the queue runs empty. Only envelopes not yet found equal to
 * their records keep their bytes. */
typedef struct {
    item_t *items;
    size_t head, tail, cap;
    uint8_t *buf;
    size_t used, bcap;
    uint64_t produced_errors; /* error replies the umpire made */
    uint64_t pushed;          /* envelopes queued so far */
} queue_t;

static void *
grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    p = realloc(p, c * elem);
    if (p == NULL)
        abort(); /* out of memory in a tool: nothing sensible is left */
    *cap = c;
    return p;
}

static void
queue_push(queue_t *q, const Wgpb__V1__Envelope *env, const uint8_t *bytes,
           size_t len, bool matched)
{
    if (q->head == q->tail) {
        q->head = q->tail = 0;
        q->used = 0;
    }
    if (q->tail == q->cap)
        q->items = grow(q->items, &q->cap, q->tail + 1, sizeof(item_t), 16);
    item_t *it = &q->items[q->tail++];
    *it = (item_t){q->used, len, env->seq, env->turn, matched};
    if (!matched) {
        if (q->used + len > q->bcap)
            q->buf = grow(q->buf, &q->bcap, q->used + len, 1, 64 * 1024);
        memcpy(q->buf + q->used, bytes, len);
        q->used += len;
    }
    q->pushed++;
}

static void
queue_clear(queue_t *q)
{
    free(q->items);
    free(q->buf);
    memset(q, 0, sizeof *q);
}

/* ---- the umpire's callbacks during a walk ---------------------------------
 */

typedef struct {
    queue_t q;
    ahead_t *ahead;
    uint64_t slot; /* the walk's */
    /* The last look-up: the envelope number, and its record if equal. */
    bool looked;
    uint64_t looked_k;
    const slot_t *match;
    wg_wire_buf_t state_bytes; /* a state digest computed in the walk */
} walk_t;

/* The record the envelope the umpire is making will be compared with (the
 * k-th of the log that is not an Error, k = envelopes queued so far), if
 * the reader has it and it holds exactly these bytes; else NULL, and the
 * walk compares them when it gets there. */
static const slot_t *
match_record(walk_t *w, const uint8_t *bytes, size_t len)
{
    uint64_t k = w->q.pushed;
    if (w->looked && w->looked_k == k)
        return w->match;
    const slot_t *s = ahead_find(w->ahead, w->slot, k);
    if (s != NULL && (s->len != len || memcmp(s->rec, bytes, len) != 0))
        s = NULL;
    w->looked = true;
    w->looked_k = k;
    w->match = s;
    return s;
}

static void
produced_cb(wg_umpire_t *u, const Wgpb__V1__Envelope *env, const uint8_t *bytes,
            size_t len, int dest, void *arg)
{
    (void)u;
    (void)dest;
    walk_t *w = arg;
    if (env->seq == 0) {
        w->q.produced_errors++; /* outside the total order: not compared */
        return;
    }
    queue_push(&w->q, env, bytes, len, match_record(w, bytes, len) != NULL);
}

/* The umpire's digest callback: the reader's digest of the record, when
 * the record holds the same bytes. */
static void
digest_from_log(const uint8_t *bytes, size_t len, uint8_t out[32], void *arg)
{
    const slot_t *s = match_record(arg, bytes, len);
    if (s != NULL && s->hashed)
        memcpy(out, s->digest, 32);
    else
        wg__sha256(bytes, len, out);
}

/* The state_digest a TurnResult record holds (field 19, in it field 14). */
/* The bytes of the last occurrence of length-delimited field num in a
 * message (as protobuf reads it); false if there is none or the bytes do
 * not read. */
static bool
bytes_field(const uint8_t *p, size_t n, uint32_t num, const uint8_t **out,
            size_t *out_len)
{
    const uint8_t *end = p + n;
    bool found = false;
    while (p < end) {
        uint32_t f;
        int wt;
        uint64_t v;
        const uint8_t *d = NULL;
        size_t l = 0;
        if (wg_wire_next_field(&p, end, &f, &wt, &v, &d, &l) < 0)
            return false;
        if (f == num && wt == 2) {
            *out = d;
            *out_len = l;
            found = true;
        }
    }
    return found;
}

static bool
recorded_state_digest(const uint8_t *p, size_t n, uint8_t out[32])
{
    const uint8_t *res = NULL, *d = NULL;
    size_t res_len = 0, l = 0;
    if (!bytes_field(p, n, WGPB__V1__ENVELOPE__PAYLOAD_RESULT, &res,
                     &res_len) ||
        !bytes_field(res, res_len, 14, &d, &l) || /* .state_digest */
        l != 32)
        return false;
    memcpy(out, d, 32);
    return true;
}

/* The umpire's state digest callback: the digest the turn's result
 * records, which the reader thread checks on a copy of the state (the
 * walk is done again in line, without this, if a check fails). */
static void
state_digest_from_log(const wg_scenario_t *sc, const wg_state_t *st,
                      uint8_t out[32], void *arg)
{
    walk_t *w = arg;
    /* The TurnResult is the next envelope the umpire makes. */
    const slot_t *s = ahead_find(w->ahead, w->slot, w->q.pushed);
    if (s != NULL && s->has_state_digest &&
        ahead_post_check(w->ahead, st, s->state_digest)) {
        memcpy(out, s->state_digest, 32);
        return;
    }
    wg_umpire_state_bytes(sc, st, &w->state_bytes);
    wg__sha256(w->state_bytes.data, w->state_bytes.len, out);
}

/* ---- field-by-field comparison ------------------------------------------- */

static size_t
field_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 8;
    }
}

/* One value, for a divergence report. */
static void
format_value(const ProtobufCFieldDescriptor *f, const void *p, char *buf,
             size_t n)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        snprintf(buf, n, "%" PRId32, *(const int32_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        snprintf(buf, n, "%" PRIu32, *(const uint32_t *)p);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        snprintf(buf, n, "%" PRId64, *(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        snprintf(buf, n, "%" PRIu64, *(const uint64_t *)p);
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        snprintf(buf, n, "%.9g", (double)*(const float *)p);
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        snprintf(buf, n, "%.17g", *(const double *)p);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        snprintf(buf, n, "%s",
                 *(const protobuf_c_boolean *)p ? "true" : "false");
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)p;
        const ProtobufCEnumValue *ev =
            protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        if (ev != NULL)
            snprintf(buf, n, "%s", ev->name);
        else
            snprintf(buf, n, "%d", v);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        snprintf(buf, n, "\"%.80s\"%s", s ? s : "",
                 s && strlen(s) > 80 ? "..." : "");
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *d = p;
        size_t off = (size_t)snprintf(buf, n, "%zu bytes", d->len);
        for (size_t i = 0; i < d->len && i < 8 && off + 3 < n; i++)
            off += (size_t)snprintf(buf + off, n - off, "%s%02x", i ? "" : " ",
                                    d->data[i]);
        if (d->len > 8 && off + 4 < n)
            snprintf(buf + off, n - off, "...");
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        snprintf(buf, n, "%s", *(void *const *)p ? "present" : "absent");
        break;
    default:
        snprintf(buf, n, "?");
    }
}

typedef struct {
    char *path;
    size_t n;
    char *detail;
    size_t dn;
} diff_out_t;

static bool diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
                         diff_out_t *o, size_t off);

/* a is the recorded value, b the re-adjudicated one. */
static bool
diff_value(const ProtobufCFieldDescriptor *f, const void *a, const void *b,
           diff_out_t *o, size_t off)
{
    bool same;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        same = strcmp(sa ? sa : "", sb ? sb : "") == 0;
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *da = a, *db = b;
        same = da->len == db->len &&
               (da->len == 0 || memcmp(da->data, db->data, da->len) == 0);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *ma = *(ProtobufCMessage *const *)a;
        const ProtobufCMessage *mb = *(ProtobufCMessage *const *)b;
        if (ma != NULL && mb != NULL)
            return diff_message(ma, mb, o, off);
        same = ma == mb;
        break;
    }
    default:
        same = memcmp(a, b, field_size(f)) == 0;
    }
    if (!same) {
        char va[128], vb[128];
        format_value(f, a, va, sizeof va);
        format_value(f, b, vb, sizeof vb);
        snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s", va, vb);
    }
    return same;
}

/* Appends ".name" or "[k]" to the path at off; returns the new end. */
static size_t
path_end(diff_out_t *o, size_t off, int w)
{
    size_t end = off + (w > 0 ? (size_t)w : 0);
    return end >= o->n ? o->n - 1 : end;
}

static size_t
path_name(diff_out_t *o, size_t off, const char *name)
{
    if (off >= o->n)
        return o->n - 1;
    return path_end(
        o, off,
        snprintf(o->path + off, o->n - off, "%s%s", off ? "." : "", name));
}

static size_t
path_index(diff_out_t *o, size_t off, size_t k)
{
    if (off >= o->n)
        return o->n - 1;
    return path_end(o, off, snprintf(o->path + off, o->n - off, "[%zu]", k));
}

static const char *
oneof_name(const ProtobufCMessageDescriptor *d, uint32_t id)
{
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].id == id)
            return d->fields[i].name;
    return id ? "unknown" : "none";
}

static bool
diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
             diff_out_t *o, size_t off)
{
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (d != b->descriptor) {
        snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s", d->name,
                 b->descriptor->name);
        return false;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *pa = (const char *)a + f->offset;
        const char *pb = (const char *)b + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t ca =
                *(const uint32_t *)((const char *)a + f->quantifier_offset);
            uint32_t cb =
                *(const uint32_t *)((const char *)b + f->quantifier_offset);
            if (ca != cb) {
                path_name(o, off, "payload");
                snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s",
                         oneof_name(d, ca), oneof_name(d, cb));
                return false;
            }
            if (ca != f->id)
                continue;
        }
        size_t o2 = path_name(o, off, f->name);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t na =
                *(const size_t *)((const char *)a + f->quantifier_offset);
            size_t nb =
                *(const size_t *)((const char *)b + f->quantifier_offset);
            const char *va = *(char *const *)pa, *vb = *(char *const *)pb;
            size_t sz = field_size(f);
            for (size_t k = 0; k < na && k < nb; k++) {
                size_t o3 = path_index(o, o2, k);
                if (!diff_value(f, va + k * sz, vb + k * sz, o, o3))
                    return false;
            }
            if (na != nb) {
                snprintf(o->detail, o->dn,
                         "recorded %zu items, re-adjudicated %zu", na, nb);
                return false;
            }
            continue;
        }
        if (!diff_value(f, pa, pb, o, o2))
            return false;
    }
    o->path[off < o->n ? off : o->n - 1] = '\0';
    return true;
}

bool
wg_envelope_diff(const uint8_t *recorded, size_t rlen, const uint8_t *replayed,
                 size_t plen, char *field, size_t fn, char *detail, size_t dn)
{
    if (rlen == plen && memcmp(recorded, replayed, rlen) == 0)
        return true;
    wg_arena_t *arena = wg_arena_new();
    Wgpb__V1__Envelope *ea = wg_wire_unpack_in(arena, recorded, rlen);
    Wgpb__V1__Envelope *eb = wg_wire_unpack_in(arena, replayed, plen);
    diff_out_t o = {field, fn, detail, dn};
    field[0] = '\0';
    detail[0] = '\0';
    if (ea == NULL || eb == NULL) {
        snprintf(field, fn, "(envelope)");
        snprintf(detail, dn, "the %s does not decode as a wgpb.v1.Envelope",
                 ea == NULL ? "recorded record" : "re-adjudicated record");
    } else if (diff_message(&ea->base, &eb->base, &o, 0)) {
        snprintf(field, fn, "(encoding)");
        snprintf(detail, dn,
                 "equal values, different bytes (%zu recorded, %zu "
                 "re-adjudicated): unknown fields or another encoder",
                 rlen, plen);
    }
    wg_arena_destroy(&arena);
    return false;
}

/* ---- the walk --------------------------------------------------------------
 */

static wg_replay_status_t
finish(wg_replay_report_t *rep, wg_replay_status_t st)
{
    rep->status = st;
    return st;
}

static wg_scenario_t *
load_scenario(const wg_log_header_t *hdr, wg_replay_report_t *rep)
{
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    if (wg_scenario_parse(
            hdr->scenario_path[0] ? hdr->scenario_path : "(log header)",
            hdr->scenario_text, hdr->scenario_len, &sc, &err) != 0) {
        snprintf(rep->field, sizeof rep->field, "header.scenario_text");
        snprintf(rep->detail, sizeof rep->detail,
                 "the scenario in the header does not load: %s:%u:%u: %s",
                 err.file, err.line, err.column, err.message);
        rep->status = WG_REPLAY_UNREADABLE;
        return NULL;
    }
    if (memcmp(sc->hash, hdr->scenario_hash, sizeof sc->hash) != 0) {
        snprintf(rep->field, sizeof rep->field, "header.scenario_hash");
        snprintf(rep->detail, sizeof rep->detail,
                 "the header's scenario text does not match its hash");
        rep->status = WG_REPLAY_UNREADABLE;
        free(sc);
        return NULL;
    }
    sc->seed = hdr->seed;
    return sc;
}

/* Checks the log against the scenario file and seed the caller names. */
static wg_replay_status_t
check_options(const wg_replay_options_t *opt, const wg_scenario_t *sc,
              wg_replay_report_t *rep)
{
    if (opt->scenario_path != NULL) {
        wg_scenario_t *want = NULL;
        wg_config_error_t err;
        if (wg_scenario_load(opt->scenario_path, &want, &err) != 0) {
            snprintf(rep->field, sizeof rep->field, "(--scenario)");
            snprintf(rep->detail, sizeof rep->detail, "%s:%u:%u: %s", err.file,
                     err.line, err.column, err.message);
            return WG_REPLAY_UNREADABLE;
        }
        bool same = memcmp(want->hash, sc->hash, sizeof sc->hash) == 0;
        free(want);
        if (!same) {
            snprintf(rep->field, sizeof rep->field, "header.scenario_hash");
            snprintf(rep->detail, sizeof rep->detail,
                     "the log was recorded with another scenario (%s) than "
                     "%s",
                     sc->name, opt->scenario_path);
            return WG_REPLAY_DIVERGED;
        }
    }
    if (opt->have_seed && opt->seed != sc->seed) {
        snprintf(rep->field, sizeof rep->field, "header.seed");
        snprintf(rep->detail, sizeof rep->detail,
                 "the log was recorded with seed %" PRIu64 ", not %" PRIu64,
                 sc->seed, opt->seed);
        return WG_REPLAY_DIVERGED;
    }
    return WG_REPLAY_OK;
}

/* Where the walk stopped at a record it cannot read: the turn and seq the
 * re-adjudication expected there. */
static void
expect_here(const queue_t *q, wg_umpire_t *u, wg_replay_report_t *rep)
{
    if (q->head != q->tail) {
        rep->turn = q->items[q->head].turn;
        rep->seq = q->items[q->head].seq;
    } else {
        rep->turn = wg_umpire_turn(u);
        rep->seq = wg_umpire_next_seq(u);
    }
}

/* An Error record: not compared; counted as a rejection when the replay
 * did not make it itself. */
static void
take_error(queue_t *q, uint64_t *recorded_errors, const scan_t *s,
           wg_umpire_t *u)
{
    if (++*recorded_errors <= q->produced_errors)
        return;
    q->produced_errors++;
    wg_umpire_count_rejected(u, s->error_code);
}

wg_replay_status_t
wg_replay_log(const char *path, const wg_replay_options_t *opt,
              wg_replay_report_t *rep, wg_umpire_t **umpire_out,
              wg_scenario_t **sc_out)
{
    static const wg_replay_options_t no_opt;
    memset(rep, 0, sizeof *rep);
    if (umpire_out != NULL)
        *umpire_out = NULL;
    if (sc_out != NULL)
        *sc_out = NULL;
    if (opt == NULL)
        opt = &no_opt;

    wg_log_reader_t *r = NULL;
    int rc = wg_log_reader_open(path, &r);
    if (rc < 0) {
        snprintf(rep->detail, sizeof rep->detail, "%s: %s", path,
                 wg_strerror(rc));
        return finish(rep, WG_REPLAY_UNREADABLE);
    }
    /* The scenario loads while the first records are read. */
    ahead_t ahead;
    if (ahead_start(&ahead, r, opt->in_line) < 0) {
        snprintf(rep->detail, sizeof rep->detail, "out of memory");
        ahead_stop(&ahead);
        wg_log_reader_destroy(&r);
        return finish(rep, WG_REPLAY_UNREADABLE);
    }
    const wg_log_header_t *hdr = wg_log_reader_header(r);
    wg_scenario_t *sc = ahead_scenario(&ahead, rep);
    wg_replay_status_t status =
        sc == NULL ? rep->status : check_options(opt, sc, rep);
    walk_t w;
    memset(&w, 0, sizeof w);
    w.ahead = &ahead;
    queue_t *q = &w.q;
    wg_umpire_t *u = NULL;
    if (status == WG_REPLAY_OK) {
        u = wg_umpire_new(sc, hdr->scenario_text, hdr->scenario_len,
                          produced_cb, &w);
        if (u == NULL) {
            snprintf(rep->detail, sizeof rep->detail, "out of memory");
            status = WG_REPLAY_UNREADABLE;
        }
    }
    if (status != WG_REPLAY_OK) {
        ahead_stop(&ahead);
        free(sc);
        wg_log_reader_destroy(&r);
        return finish(rep, status);
    }
    wg_umpire_set_digest(u, digest_from_log, &w);
    wg_umpire_set_state_digest(u, state_digest_from_log, &w);

    uint64_t recorded_errors = 0;
    int saved_level = wg_diag_level;
    wg_diag_level = WG_DIAG_ERR; /* the live run already said all this */
    for (uint64_t i = 0;; i++) {
        const slot_t *sl = ahead_slot(&ahead, i);
        w.slot = i;
        if (sl->rc == 0)
            break;
        if (sl->rc == WG_ETORN) {
            rep->torn = true;
            rep->torn_offset = sl->off;
            break;
        }
        if (sl->rc < 0) {
            rep->offset = sl->off;
            rep->index = sl->index;
            expect_here(q, u, rep);
            snprintf(rep->field, sizeof rep->field, "(record)");
            snprintf(rep->detail, sizeof rep->detail,
                     "%s: the frame fails its CRC or its length is "
                     "impossible; not decoded",
                     wg_strerror(sl->rc));
            status = WG_REPLAY_CORRUPT;
            break;
        }
        const uint8_t *rec = sl->rec;
        size_t len = sl->len;
        rep->records++;
        rep->offset = sl->off;
        rep->index = rep->records - 1;
        if (!sl->envelope) {
            expect_here(q, u, rep);
            snprintf(rep->field, sizeof rep->field, "(record)");
            snprintf(rep->detail, sizeof rep->detail,
                     "record #%" PRIu64 " at offset %" PRIu64
                     " passes its CRC but is not a wgpb.v1.Envelope",
                     rep->index, sl->off);
            status = WG_REPLAY_CORRUPT;
            break;
        }
        const scan_t *s = &sl->s;
        rep->turn = s->turn;
        rep->seq = s->seq;
        if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR) {
            rep->errors++;
            take_error(q, &recorded_errors, s, u);
            continue;
        }
        if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
            rep->turns++;
        if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_END)
            rep->finished = true;
        if (is_recorded_input(s)) {
            int key = s->payload == WGPB__V1__ENVELOPE__PAYLOAD_JOIN
                          ? -1
                          : wg_umpire_role_key(u, s->sender_role, s->nation);
            wg_umpire_receive_decoded(u, key, rec, len, sl->env, NULL);
        }
        if (q->head == q->tail) {
            /* The live run moved on without input here: the lobby ended or
             * a deadline passed. */
            if (!wg_umpire_started(u))
                wg_umpire_start(u);
            else
                wg_umpire_deadline(u);
        }
        if (q->head == q->tail) {
            snprintf(rep->field, sizeof rep->field, "(record)");
            snprintf(rep->detail, sizeof rep->detail,
                     "the re-adjudication produces nothing for this record%s",
                     wg_umpire_done(u) ? ": the exercise is over" : "");
            status = WG_REPLAY_DIVERGED;
            break;
        }
        const item_t *it = &q->items[q->head];
        if (!it->matched &&
            (it->len != len || memcmp(q->buf + it->off, rec, len) != 0)) {
            wg_envelope_diff(rec, len, q->buf + it->off, it->len, rep->field,
                             sizeof rep->field, rep->detail,
                             sizeof rep->detail);
            status = WG_REPLAY_DIVERGED;
            break;
        }
        q->head++;
        rep->compared++;
    }
    wg_diag_level = saved_level;
    /* From here the umpire computes its own digests. */
    bool checked = ahead_stop(&ahead);
    wg_umpire_set_digest(u, NULL, NULL);
    wg_umpire_set_state_digest(u, NULL, NULL);
    if (!checked) {
        /* A state digest the walk took from the log is not the state's:
         * the walk again, computing every digest, says where. */
        queue_clear(q);
        wg_wire_buf_free(&w.state_bytes);
        wg_umpire_destroy(&u);
        free(sc);
        wg_log_reader_destroy(&r);
        wg_replay_options_t again = *opt;
        again.in_line = true;
        return wg_replay_log(path, &again, rep, umpire_out, sc_out);
    }
    if (status == WG_REPLAY_OK && q->head != q->tail && rep->finished) {
        snprintf(rep->field, sizeof rep->field, "(end of log)");
        snprintf(rep->detail, sizeof rep->detail,
                 "the re-adjudication produces %zu records after the "
                 "ExerciseEnd",
                 q->tail - q->head);
        status = WG_REPLAY_DIVERGED;
    }
    if (status == WG_REPLAY_OK && opt->pending != NULL)
        for (size_t i = q->head; i < q->tail; i++)
            opt->pending(q->buf + q->items[i].off, q->items[i].len,
                         opt->pending_arg);
    queue_clear(q);
    wg_wire_buf_free(&w.state_bytes);
    wg_log_reader_destroy(&r);
    if (umpire_out != NULL && status == WG_REPLAY_OK) {
        wg_umpire_set_output(u, NULL, NULL);
        *umpire_out = u;
    } else {
        wg_umpire_destroy(&u);
    }
    if (sc_out != NULL && status == WG_REPLAY_OK)
        *sc_out = sc;
    else
        free(sc);
    return finish(rep, status);
}
