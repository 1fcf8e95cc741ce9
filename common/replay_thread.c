/*
 * replay_thread.c - the reader thread: the replay's reading done ahead of
 * the walk, in a ring of slots, lock-free.
 *
 * A fast path and nothing else: what it runs is replay_scan.c's work on a
 * record (wg__scan_record) and the adjudicator's state digest, both of which
 * the walk would otherwise do itself, in line, with the same result. It earns
 * its place by `scripts/bench-verify` (wg-log verify, and so --resume and
 * fork, which walk a log too): while the walk re-adjudicates, the thread
 * reads frames, checks their CRCs, scans them, decodes the recorded inputs
 * and hashes the records, and checks each turn's state digest on a copy of
 * the state. Whoever needs the next record reads it: the walk reads while
 * the scenario loads, and whenever the thread is behind.
 *
 * Owns one thread per process, started by the first walk and kept (asleep
 * between walks), with its ring, arena and state copies, until the
 * process exits: an atexit handler stops and joins it and frees what it
 * kept (valgrind saw a thread still running at exit, its stack "possibly
 * lost"), unless a walk still holds it then; it
 * serves one walk at a time, and a walk that finds it busy, or a log too
 * big to hold in memory, or opt->in_line, reads in line with one slot.
 * Who writes which field of a wg__ahead_t is in replay_int.h. Nothing here
 * fails but memory, which the walk reports; a failed state digest check is
 * a flag the walk reads when it stops the reader.
 */
#include "replay_int.h"

#include "wg/adjudicator.h"
#include "wg/rules.h"

#include "sha256_int.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING 4096 /* slots the reader may run ahead of the walk */
#define CHECKS 8  /* state digests the walk may leave to the reader */

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
fill_next(wg__ahead_t *a)
{
    bool no = false;
    if (!atomic_compare_exchange_strong(&a->filling, &no, true))
        return false;
    uint64_t i = atomic_load_explicit(&a->published, memory_order_relaxed);
    bool did = atomic_load_explicit(&a->reading, memory_order_relaxed) &&
               i - atomic_load(&a->consumed) < RING;
    if (did) {
        wg__slot_t *s = &a->ring[i % RING];
        wg__scan_record(a->r, a->arena, &a->ord, a->chained ? a->link : NULL,
                        true, s);
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
    pthread_t tid;
    _Atomic bool quit;      /* the process exits: leave (reader_thread_end) */
    wg__ahead_t *job;       /* the walk it serves, until the walk lets go */
    _Atomic bool finished;  /* it has left reader_run() for job */
    _Atomic uint64_t given; /* jobs given so far */
    /* What the walks it serves use, kept from one to the next: fresh
     * memory costs a page fault a page, and a ring is 200 pages. */
    wg__slot_t *ring;
    wg_arena_t *arena;
    wg_wire_buf_t check_bytes; /* the state digest being checked */
    /* State digests to check, written by the walk: it took the one its
     * TurnResult records, the thread computes the digest of a copy of
     * the state and compares (see wg__ahead_t's checks_posted, checks_done). */
    _Alignas(64) struct {
        wg_state_t *st;
        uint8_t want[32];
    } checks[CHECKS];
} reader_thread = {.mu = PTHREAD_MUTEX_INITIALIZER,
                   .cv = PTHREAD_COND_INITIALIZER,
                   .wake = PTHREAD_COND_INITIALIZER};

/* The state digests the walk has posted: hashed and compared. */
static void
run_checks(wg__ahead_t *a)
{
    uint64_t done = atomic_load_explicit(&a->checks_done, memory_order_relaxed);
    while (done <
           atomic_load_explicit(&a->checks_posted, memory_order_acquire)) {
        uint8_t got[32];
        const __typeof__(reader_thread.checks[0]) *ck =
            &reader_thread.checks[done % CHECKS];
        wg_wire_buf_t *b = &reader_thread.check_bytes;
        wg_adjudicator_state_bytes(a->sc, ck->st, b);
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
reader_has_work(wg__ahead_t *a)
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
reader_wait(wg__ahead_t *a)
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
reader_wake(wg__ahead_t *a)
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
reader_run(wg__ahead_t *a)
{
    a->sc = wg__replay_load_scenario(a->hdr, &a->sc_rep);
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
    return atomic_load(&reader_thread.given) != *(uint64_t *)seen ||
           atomic_load(&reader_thread.quit);
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
        while (!job_waiting() && !atomic_load(&reader_thread.quit))
            pthread_cond_wait(&reader_thread.cv, &reader_thread.mu);
        if (!job_waiting())
            break; /* quit, and no walk to serve */
        seen = atomic_load(&reader_thread.given);
        wg__ahead_t *a = reader_thread.job;
        pthread_mutex_unlock(&reader_thread.mu);
        reader_run(a);
        pthread_mutex_lock(&reader_thread.mu);
        atomic_store(&reader_thread.finished, true);
        pthread_cond_broadcast(&reader_thread.cv);
    }
    pthread_mutex_unlock(&reader_thread.mu);
    return NULL;
}

/* At exit: stops the thread between walks, joins it and frees its kit. A
 * walk that still holds it (exit called from another thread mid-walk) keeps
 * it: the process ends around it, as with a detached thread. */
static void
reader_thread_end(void)
{
    pthread_mutex_lock(&reader_thread.mu);
    bool idle = reader_thread.started && reader_thread.job == NULL;
    if (idle) {
        atomic_store(&reader_thread.quit, true);
        pthread_cond_broadcast(&reader_thread.cv);
    }
    pthread_mutex_unlock(&reader_thread.mu);
    if (!idle)
        return;
    pthread_join(reader_thread.tid, NULL);
    reader_thread.started = false;
    free(reader_thread.ring);
    reader_thread.ring = NULL;
    wg_arena_destroy(&reader_thread.arena);
    wg_wire_buf_free(&reader_thread.check_bytes);
    for (size_t i = 0; i < CHECKS; i++) {
        free(reader_thread.checks[i].st);
        reader_thread.checks[i].st = NULL;
    }
}

/* What the walks of the thread use, made on the first; false if there is
 * no memory for it. Under reader_thread.mu. */
static bool
reader_thread_kit(void)
{
    if (reader_thread.ring == NULL)
        reader_thread.ring = aligned_alloc(_Alignof(wg__slot_t),
                                           RING * sizeof *reader_thread.ring);
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
reader_thread_take(wg__ahead_t *a)
{
    bool taken = false;
    pthread_mutex_lock(&reader_thread.mu);
    if (!reader_thread.started && !atomic_load(&reader_thread.quit) &&
        atexit(reader_thread_end) == 0)
        reader_thread.started = pthread_create(&reader_thread.tid, NULL,
                                               reader_thread_main, NULL) == 0;
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
reader_thread_release(wg__ahead_t *a)
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
int
wg__ahead_start(wg__ahead_t *a, wg_log_reader_t *r, bool in_line)
{
    memset(a, 0, sizeof *a);
    a->r = r;
    a->hdr = wg_log_reader_header(r);
    a->chained = a->hdr->version >= 3;
    wg_log_chain_genesis(a->hdr, a->link);
    atomic_store(&a->reading, true);
    a->threaded = !in_line && wg_log_reader_whole(r) && reader_thread_take(a);
    if (a->threaded)
        return 0;
    /* In line: one slot, and no checks. */
    a->ring = aligned_alloc(_Alignof(wg__slot_t), sizeof *a->ring);
    a->arena = wg_arena_new();
    return a->ring != NULL && a->arena != NULL ? 0 : -1;
}

/* The scenario of the log's header. With the reader thread, it loads it
 * while this thread reads the first records; then it takes the reader
 * over. Returns NULL with rep filled in if it does not load. */
wg_scenario_t *
wg__ahead_scenario(wg__ahead_t *a, wg_replay_report_t *rep)
{
    if (!a->threaded)
        return wg__replay_load_scenario(a->hdr, rep);
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
const wg__slot_t *
wg__ahead_slot(wg__ahead_t *a, uint64_t i)
{
    if (!a->threaded) {
        wg__scan_record(a->r, a->arena, &a->ord, a->chained ? a->link : NULL,
                        false, &a->ring[0]);
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
const wg__slot_t *
wg__ahead_find(wg__ahead_t *a, uint64_t i, uint64_t k)
{
    if (!a->threaded)
        return NULL;
    for (uint64_t j = i; j < i + RING; j++) {
        unsigned spins = 0;
        uint64_t pub;
        while ((pub = atomic_load_explicit(&a->published,
                                           memory_order_acquire)) <= j) {
            const wg__slot_t *last =
                pub > 0 ? &a->ring[(pub - 1) % RING] : NULL;
            if (last != NULL && (last->rc != 1 || !last->envelope))
                return NULL; /* the reader has stopped */
            if (!fill_next(a))
                pause_briefly(&spins);
        }
        const wg__slot_t *s = &a->ring[j % RING];
        if (s->rc != 1 || !s->envelope || (s->ord != UINT64_MAX && s->ord > k))
            return NULL;
        if (s->ord == k)
            return s;
    }
    return NULL;
}

/* Leaves a state digest check to the reader thread; false when there is
 * none or it has too many already (the walk then computes it itself). */
bool
wg__ahead_post_check(wg__ahead_t *a, const wg_state_t *st,
                     const uint8_t want[32])
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
bool
wg__ahead_stop(wg__ahead_t *a)
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
