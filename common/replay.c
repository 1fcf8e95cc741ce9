/*
 * replay.c - re-adjudication of a recorded exercise log: the walk.
 *
 * Owns, during one call of wg_replay_log, a log reader, a scenario, an
 * adjudicator and a queue of the envelopes the adjudicator produced but the
 * walk has not yet matched with a record. Problems are reported in the
 * wg_replay_report_t, never asserted: a log is input. All of it runs in
 * the calling thread, the adjudicator's callbacks included.
 *
 * The walk takes the log's records in order (from replay_thread.c, which
 * reads them ahead of it or in line), hands the recorded inputs to the
 * adjudicator, and moves the adjudicator on where the live run did without
 * input (the lobby's end, a deadline). The k-th envelope the adjudicator makes
 * must equal the k-th record of the log that is not an Error, so it is compared
 * with that record as soon as it is made; only one that differs keeps its
 * bytes for the walk to report (replay_diff.c then names the field).
 *
 * Speed: verify must keep up with a million records a second, so the walk
 * never decodes a record it only compares (replay_scan.c reads the few
 * fields it needs). The adjudicator takes the reader's digest of a record only
 * when the record holds exactly the bytes it made (wg_adjudicator_set_digest).
 * A turn's state digest is taken from its recorded TurnResult and checked
 * by the reader thread on a copy of the state
 * (wg_adjudicator_set_state_digest); if a check fails, the whole walk is done
 * again in line, with every digest computed in the walk, which then names the
 * record.
 */
#include "wg/replay.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include "replay_int.h"
#include "sha256_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the queue of produced envelopes --------------------------------------
 */

typedef struct {
    size_t off, len; /* in queue_t.buf, unless matched */
    uint64_t seq;
    uint32_t turn;
    bool matched; /* found equal to its record when it was made */
    bool linked;  /* a TurnResult whose chain the record's place gives */
} item_t;

/* The adjudicator's output waiting to be matched with records. It empties at
 * almost every record, so one byte buffer and one item array serve, reset
 * whenever the queue runs empty. Only envelopes not yet found equal to
 * their records keep their bytes. */
typedef struct {
    item_t *items;
    size_t head, tail, cap;
    uint8_t *buf;
    size_t used, bcap;
    uint64_t produced_errors; /* error replies the adjudicator made */
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
           size_t len, bool matched, bool linked)
{
    if (q->head == q->tail) {
        q->head = q->tail = 0;
        q->used = 0;
    }
    if (q->tail == q->cap)
        q->items = grow(q->items, &q->cap, q->tail + 1, sizeof(item_t), 16);
    item_t *it = &q->items[q->tail++];
    *it = (item_t){q->used, len, env->seq, env->turn, matched, linked};
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

/* ---- the adjudicator's callbacks during a walk
 * ---------------------------------
 */

/* Everything one walk owns. */
typedef struct {
    wg__ahead_t ahead; /* the reader, while ahead_on */
    bool ahead_on;
    wg_log_reader_t *r;
    wg_scenario_t *sc;
    wg_adjudicator_t *u;
    queue_t q;
    uint64_t slot;            /* the walk's */
    uint64_t recorded_errors; /* Error records read so far */
    /* The last look-up: the envelope number, and its record if equal. */
    bool looked;
    uint64_t looked_k;
    const wg__slot_t *match;
    wg_wire_buf_t state_bytes; /* a state digest computed in the walk */
    bool chained;              /* format 3: results carry the log's chain */
    uint8_t *linked;           /* a result with its record's link */
    size_t linked_cap;
} walk_t;

/* The record the envelope the adjudicator is making will be compared with (the
 * k-th of the log that is not an Error, k = envelopes queued so far), if
 * the reader has it and it holds exactly these bytes; else NULL, and the
 * walk compares them when it gets there. */
static const wg__slot_t *
match_record(walk_t *w, const uint8_t *bytes, size_t len)
{
    uint64_t k = w->q.pushed;
    if (w->looked && w->looked_k == k)
        return w->match;
    const wg__slot_t *s = wg__ahead_find(&w->ahead, w->slot, k);
    if (s != NULL && s->len == len && w->chained &&
        wg_log_chain_offset(bytes, len) >= 0) {
        /* A format-3 result carries the link before its record's place:
         * written in as the recorder does. */
        if (len > w->linked_cap) {
            w->linked = realloc(w->linked, len);
            if (w->linked == NULL)
                abort();
            w->linked_cap = len;
        }
        memcpy(w->linked, bytes, len);
        wg_log_chain_patch(w->linked, len, s->link);
        bytes = w->linked;
    }
    if (s != NULL && (s->len != len || memcmp(s->rec, bytes, len) != 0))
        s = NULL;
    w->looked = true;
    w->looked_k = k;
    w->match = s;
    return s;
}

static void
produced_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
            const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)dest;
    walk_t *w = arg;
    if (wg_adjudicator_out_what(u) == WG_OUT_SEND)
        return; /* not a record */
    if (env->seq == 0) {
        w->q.produced_errors++; /* outside the total order: not compared */
        return;
    }
    bool linked =
        w->chained && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    queue_push(&w->q, env, bytes, len, match_record(w, bytes, len) != NULL,
               linked);
}

/* The adjudicator's digest callback: the reader's digest of the record, when
 * the record holds the same bytes. */
static void
digest_from_log(const uint8_t *bytes, size_t len, uint8_t out[32], void *arg)
{
    const wg__slot_t *s = match_record(arg, bytes, len);
    if (s != NULL && s->hashed)
        memcpy(out, s->digest, 32);
    else
        wg__sha256(bytes, len, out);
}

/* The adjudicator's state digest callback: the digest the turn's result
 * records, which the reader thread checks on a copy of the state (the
 * walk is done again in line, without this, if a check fails). */
static void
state_digest_from_log(const wg_scenario_t *sc, const wg_state_t *st,
                      uint8_t out[32], void *arg)
{
    walk_t *w = arg;
    /* The TurnResult is the next envelope the adjudicator makes. */
    const wg__slot_t *s = wg__ahead_find(&w->ahead, w->slot, w->q.pushed);
    if (s != NULL && s->has_state_digest &&
        wg__ahead_post_check(&w->ahead, st, s->state_digest)) {
        memcpy(out, s->state_digest, 32);
        return;
    }
    wg_adjudicator_state_bytes(sc, st, &w->state_bytes);
    wg__sha256(w->state_bytes.data, w->state_bytes.len, out);
}

/* ---- before the walk: the log, its scenario, the adjudicator
 * -------------------
 */

wg_scenario_t *
wg__replay_load_scenario(const wg_log_header_t *hdr, wg_replay_report_t *rep)
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

/* Opens the log and starts its reader, loads the scenario of its header
 * (while the first records are read) and checks it against the caller's,
 * and makes the adjudicator that re-adjudicates it, its callbacks this walk's.
 * What it made before a failure, walk_close frees. */
static wg_replay_status_t
walk_open(walk_t *w, const char *path, const wg_replay_options_t *opt,
          wg_replay_report_t *rep)
{
    memset(w, 0, sizeof *w);
    int rc = wg_log_reader_open(path, &w->r);
    if (rc < 0) {
        snprintf(rep->detail, sizeof rep->detail, "%s: %s", path,
                 wg_strerror(rc));
        return WG_REPLAY_UNREADABLE;
    }
    const wg_log_header_t *hdr = wg_log_reader_header(w->r);
    if (hdr->rules_version != WG_RULES_VERSION) {
        wg_replay_rules_mismatch(hdr->rules_version, rep->detail,
                                 sizeof rep->detail);
        snprintf(rep->field, sizeof rep->field, "header.rules_version");
        return WG_REPLAY_UNREADABLE;
    }
    w->ahead_on = true;
    if (wg__ahead_start(&w->ahead, w->r, opt->in_line) < 0) {
        snprintf(rep->detail, sizeof rep->detail, "out of memory");
        return WG_REPLAY_UNREADABLE;
    }
    w->sc = wg__ahead_scenario(&w->ahead, rep);
    if (w->sc == NULL)
        return rep->status;
    wg_replay_status_t status = check_options(opt, w->sc, rep);
    if (status != WG_REPLAY_OK)
        return status;
    w->u = wg_adjudicator_new(w->sc, hdr->scenario_text, hdr->scenario_len,
                              produced_cb, w);
    if (w->u == NULL) {
        snprintf(rep->detail, sizeof rep->detail, "out of memory");
        return WG_REPLAY_UNREADABLE;
    }
    wg_adjudicator_set_replay(w->u, true);
    wg_adjudicator_set_format(w->u, hdr->version);
    w->chained = hdr->version >= 3;
    wg_adjudicator_set_digest(w->u, digest_from_log, w);
    wg_adjudicator_set_state_digest(w->u, state_digest_from_log, w);
    return WG_REPLAY_OK;
}

/* ---- the walk, record by record --------------------------------------------
 */

/* Where the walk stopped at a record it cannot read: the turn and seq the
 * re-adjudication expected there. */
static void
expect_here(const walk_t *w, wg_replay_report_t *rep)
{
    const queue_t *q = &w->q;
    if (q->head != q->tail) {
        rep->turn = q->items[q->head].turn;
        rep->seq = q->items[q->head].seq;
    } else {
        rep->turn = wg_adjudicator_turn(w->u);
        rep->seq = wg_adjudicator_next_seq(w->u);
    }
}

/* Counts the frame in slot sl; true if it holds an Envelope to take. Else
 * the walk stops there: at the end of the log or a torn tail (*status
 * stays OK), or at a damaged record (CORRUPT). */
static bool
whole_envelope(const walk_t *w, const wg__slot_t *sl, wg_replay_report_t *rep,
               wg_replay_status_t *status)
{
    if (sl->rc == 0)
        return false;
    if (sl->rc == WG_ETORN) {
        rep->torn = true;
        rep->torn_offset = sl->off;
        return false;
    }
    if (sl->rc < 0) {
        rep->offset = sl->off;
        rep->index = sl->index;
        expect_here(w, rep);
        snprintf(rep->field, sizeof rep->field, "(record)");
        snprintf(rep->detail, sizeof rep->detail,
                 "%s: the frame fails its CRC or its length is "
                 "impossible; not decoded",
                 wg_strerror(sl->rc));
        *status = WG_REPLAY_CORRUPT;
        return false;
    }
    rep->records++;
    rep->offset = sl->off;
    rep->index = rep->records - 1;
    if (!sl->envelope) {
        expect_here(w, rep);
        snprintf(rep->field, sizeof rep->field, "(record)");
        snprintf(rep->detail, sizeof rep->detail,
                 "record #%" PRIu64 " at offset %" PRIu64
                 " passes its CRC but is not a wgpb.v1.Envelope",
                 rep->index, sl->off);
        *status = WG_REPLAY_CORRUPT;
        return false;
    }
    return true;
}

/* An Error record: not compared; counted as a rejection when the replay
 * did not make it itself. */
static void
take_error(walk_t *w, const wg__scan_t *s)
{
    if (++w->recorded_errors <= w->q.produced_errors)
        return;
    w->q.produced_errors++;
    wg_adjudicator_count_rejected(w->u, s->error_code);
}

/* A Refusals record: outside the total order and never compared. What it
 * counts is not in ExerciseEnd.rejected (which counts the refusals recorded
 * in full), so the walk only checks that it reads. */
static wg_replay_status_t
take_refusals(const wg__slot_t *sl, wg_replay_report_t *rep)
{
    Wgpb__V1__Envelope *env = wg_wire_unpack(sl->rec, sl->len);
    bool ok = env != NULL && env->seq == 0;
    wg_wire_free(env);
    if (ok)
        return WG_REPLAY_OK;
    snprintf(rep->field, sizeof rep->field, "refusals");
    snprintf(rep->detail, sizeof rep->detail,
             "a Refusals record that does not decode, or with a seq");
    return WG_REPLAY_DIVERGED;
}

/* Hands a recorded input to the adjudicator; where the adjudicator has made
 * nothing for the record, moves it on as the live run did without input. */
static void
advance_adjudicator(walk_t *w, const wg__slot_t *sl)
{
    const wg__scan_t *s = &sl->s;
    if (wg__is_recorded_input(s)) {
        int key =
            s->payload == WGPB__V1__ENVELOPE__PAYLOAD_JOIN
                ? -1
                : wg_adjudicator_role_key(w->u, s->sender_role, s->nation);
        wg_adjudicator_receive_decoded(w->u, key, sl->rec, sl->len, sl->env,
                                       NULL);
    }
    if (w->q.head == w->q.tail) {
        /* The live run moved on without input here: the lobby ended, a
         * phase start skipped an absent role (the record, its fallback,
         * says so), or the phase closed. */
        bool skip = s->skipped &&
                    s->source == WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
        wg_adjudicator_move_on(w->u, skip ? wg_adjudicator_role_key(
                                                w->u, s->sender_role, s->nation)
                                          : -1);
    }
}

/* Compares the record with the next envelope the adjudicator made (found equal
 * already, as a rule, when it was made). */
static wg_replay_status_t
match_next(walk_t *w, const wg__slot_t *sl, wg_replay_report_t *rep)
{
    queue_t *q = &w->q;
    if (q->head == q->tail) {
        snprintf(rep->field, sizeof rep->field, "(record)");
        snprintf(rep->detail, sizeof rep->detail,
                 "the re-adjudication produces nothing for this record%s",
                 wg_adjudicator_done(w->u) ? ": the exercise is over" : "");
        return WG_REPLAY_DIVERGED;
    }
    const item_t *it = &q->items[q->head];
    if (!it->matched && it->linked)
        wg_log_chain_patch(q->buf + it->off, it->len, sl->link);
    if (!it->matched && (it->len != sl->len ||
                         memcmp(q->buf + it->off, sl->rec, sl->len) != 0)) {
        wg_envelope_diff(sl->rec, sl->len, q->buf + it->off, it->len,
                         rep->field, sizeof rep->field, rep->detail,
                         sizeof rep->detail);
        return WG_REPLAY_DIVERGED;
    }
    q->head++;
    rep->compared++;
    return WG_REPLAY_OK;
}

/* One Envelope of the log: an Error is counted, any other record is
 * re-adjudicated and compared. */
static wg_replay_status_t
take_record(walk_t *w, const wg__slot_t *sl, wg_replay_report_t *rep)
{
    const wg__scan_t *s = &sl->s;
    rep->turn = s->turn;
    rep->seq = s->seq;
    if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR) {
        rep->errors++;
        take_error(w, s);
        return WG_REPLAY_OK;
    }
    if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_REFUSALS) {
        rep->errors++;
        return take_refusals(sl, rep);
    }
    if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        rep->turns++;
    if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_END)
        rep->finished = true;
    advance_adjudicator(w, sl);
    return match_next(w, sl, rep);
}

/* Every record of the log, until its end or the first that does not
 * match. */
static wg_replay_status_t
walk_records(walk_t *w, wg_replay_report_t *rep)
{
    wg_replay_status_t status = WG_REPLAY_OK;
    int saved_level = wg_diag_level;
    wg_diag_level = WG_DIAG_LEVEL_ERR; /* the live run already said all this */
    for (uint64_t i = 0; status == WG_REPLAY_OK; i++) {
        const wg__slot_t *sl = wg__ahead_slot(&w->ahead, i);
        w->slot = i;
        if (!whole_envelope(w, sl, rep, &status))
            break;
        status = take_record(w, sl, rep);
    }
    /* Live from here (a resume): a phase whose every order the log holds
     * closes now, making what the dead run made after them. */
    if (status == WG_REPLAY_OK && !rep->finished)
        wg_adjudicator_set_replay(w->u, false);
    wg_diag_level = saved_level;
    return status;
}

/* ---- after the walk ---------------------------------------------------------
 */

/* Stops the reader; from here the adjudicator computes its own digests. Returns
 * false if a state digest the walk took from the log was not the state's. */
static bool
stop_reader(walk_t *w)
{
    bool checked = wg__ahead_stop(&w->ahead);
    w->ahead_on = false;
    wg_adjudicator_set_digest(w->u, NULL, NULL);
    wg_adjudicator_set_state_digest(w->u, NULL, NULL);
    return checked;
}

/* What the adjudicator made beyond the last record: a divergence after the
 * ExerciseEnd, else the records a resumed run appends (opt->pending). */
static wg_replay_status_t
walk_end(walk_t *w, const wg_replay_options_t *opt, wg_replay_report_t *rep)
{
    const queue_t *q = &w->q;
    if (q->head != q->tail && rep->finished) {
        snprintf(rep->field, sizeof rep->field, "(end of log)");
        snprintf(rep->detail, sizeof rep->detail,
                 "the re-adjudication produces %zu records after the "
                 "ExerciseEnd",
                 q->tail - q->head);
        return WG_REPLAY_DIVERGED;
    }
    if (opt->pending != NULL)
        for (size_t i = q->head; i < q->tail; i++)
            opt->pending(q->buf + q->items[i].off, q->items[i].len,
                         opt->pending_arg);
    return WG_REPLAY_OK;
}

/* Gives the caller the adjudicator and the scenario it asked for, after a walk
 * that ended well. */
static void
hand_over(walk_t *w, wg_adjudicator_t **adjudicator_out, wg_scenario_t **sc_out)
{
    if (adjudicator_out != NULL) {
        wg_adjudicator_set_output(w->u, NULL, NULL);
        *adjudicator_out = w->u;
        w->u = NULL;
    }
    if (sc_out != NULL) {
        *sc_out = w->sc;
        w->sc = NULL;
    }
}

/* Frees what the walk still owns. */
static void
walk_close(walk_t *w)
{
    if (w->ahead_on)
        wg__ahead_stop(&w->ahead);
    w->ahead_on = false;
    queue_clear(&w->q);
    wg_wire_buf_free(&w->state_bytes);
    free(w->linked);
    w->linked = NULL;
    wg_adjudicator_destroy(&w->u);
    free(w->sc);
    w->sc = NULL;
    wg_log_reader_destroy(&w->r);
}

static wg_replay_status_t
finish(wg_replay_report_t *rep, wg_replay_status_t st)
{
    rep->status = st;
    return st;
}

void
wg_replay_rules_mismatch(uint32_t log_rules, char *buf, size_t n)
{
    snprintf(buf, n,
             "the log was recorded under rules version %" PRIu32
             ", this build plays rules version %d: it cannot re-adjudicate "
             "it (a build of rules version %" PRIu32 " can)",
             log_rules, WG_RULES_VERSION, log_rules);
}

wg_replay_status_t
wg_replay_log(const char *path, const wg_replay_options_t *opt,
              wg_replay_report_t *rep, wg_adjudicator_t **adjudicator_out,
              wg_scenario_t **sc_out)
{
    static const wg_replay_options_t no_opt;
    memset(rep, 0, sizeof *rep);
    if (adjudicator_out != NULL)
        *adjudicator_out = NULL;
    if (sc_out != NULL)
        *sc_out = NULL;
    if (opt == NULL)
        opt = &no_opt;

    walk_t w;
    wg_replay_status_t status = walk_open(&w, path, opt, rep);
    if (status != WG_REPLAY_OK) {
        walk_close(&w);
        return finish(rep, status);
    }
    status = walk_records(&w, rep);
    if (!stop_reader(&w)) {
        /* The walk again, computing every digest, says where. */
        walk_close(&w);
        wg_replay_options_t again = *opt;
        again.in_line = true;
        return wg_replay_log(path, &again, rep, adjudicator_out, sc_out);
    }
    if (status == WG_REPLAY_OK)
        status = walk_end(&w, opt, rep);
    if (status == WG_REPLAY_OK)
        hand_over(&w, adjudicator_out, sc_out);
    walk_close(&w);
    return finish(rep, status);
}
