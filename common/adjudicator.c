/*
 * adjudicator.c - the adjudicator's rules engine: lifetime, roles, output and
 * the global sequence.
 *
 * Owns a copy of the scenario, the adjudicated state, the orders of the
 * current turn and an arena for outgoing messages. Single-threaded: called
 * from the adjudicator's loop or from a log replay. Every envelope it makes
 * goes out through one callback, in the order it must be recorded, so the
 * log is the total order of the exercise. Nothing here reads a clock: when a
 * phase ends is decided outside (all orders in, or wg_adjudicator_deadline()),
 * and what it ends with is decided here (adjudicator_turn.c). Input is read in
 * adjudicator_input.c; what each phase asks is the phase table's (wg/phases.h).
 */
#include "wg/adjudicator.h"
#include "wg/diag.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include "adjudicator_int.h"
#include "sha256_int.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rejections are counted by wgpb ErrorCode. */
_Static_assert(
    sizeof((wg_adjudicator_stats_t *)0)->by_code / sizeof(uint64_t) >
        WGPB__V1__ERROR_CODE__ERROR_ABSENT,
    "wg_adjudicator_stats_t.by_code has no room for every ErrorCode");

/* ---- roles --------------------------------------------------------------- */

int
wg_adjudicator_role_key(const wg_adjudicator_t *self, int role,
                        const char *nation)
{
    if (role == WGPB__V1__ROLE__ROLE_COMMAND)
        return WG_ROLE_COMMAND;
    if (role == WGPB__V1__ROLE__ROLE_DIRECTOR)
        return WG_ROLE_DIRECTOR_KEY;
    if (role != WGPB__V1__ROLE__ROLE_CONTINGENT || nation == NULL)
        return -1;
    for (size_t i = 0; i < self->sc.n_nations; i++)
        if (strcmp(self->sc.nations[i].code, nation) == 0)
            return (int)(1 + i);
    return -1;
}

const char *
wg_adjudicator_role_name(const wg_adjudicator_t *self, int key)
{
    if (key == WG_ROLE_COMMAND)
        return "command";
    if (key >= 1 && (size_t)key <= self->sc.n_nations)
        return self->sc.nations[key - 1].code;
    if (key == WG_ROLE_DIRECTOR_KEY)
        return "director";
    return "unknown";
}

/* ---- output -------------------------------------------------------------- */

void
wg__adjudicator_envelope_init(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    wgpb__v1__envelope__init(env);
    env->sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env->turn = self->st->turn;
    env->phase = self->phase;
}

/* Stamps the sequence number (0 for error replies) and the recipient. */
void
wg__adjudicator_stamp(wg_adjudicator_t *self, Wgpb__V1__Envelope *env, int dest)
{
    /* A copy sent before its record is made carries no place in the log
     * yet: its record, made when the phase closes, does. */
    bool is_error = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env->seq = is_error || self->out_what == WG_OUT_SEND ? 0 : self->next_seq++;
    if (dest >= 0)
        env->recipient = (char *)wg_adjudicator_role_name(self, dest);
    else if (dest == WG_DEST_SENDER && self->reply_key >= 0)
        env->recipient =
            (char *)wg_adjudicator_role_name(self, self->reply_key);
}

static void
grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    uint8_t *nb = realloc(*buf, c);
    if (nb == NULL)
        abort(); /* out of memory: nothing sensible is left to do */
    *buf = nb;
    *cap = c;
}

/* Format 2: every record of the total order (seq != 0) before a turn's
 * result goes into that turn's link of the hash chain. (Format 3 chains
 * the log's records: its recorder does.) */
static void
take_record(wg_adjudicator_t *self, const Wgpb__V1__Envelope *env,
            const uint8_t *bytes, size_t len)
{
    if (self->format == 2 && env->seq != 0 &&
        env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        grow(&self->turn_digests, &self->turn_digests_cap,
             self->turn_digests_len + 32);
        uint8_t *d = self->turn_digests + self->turn_digests_len;
        if (self->digest_cb != NULL)
            self->digest_cb(bytes, len, d, self->digest_arg);
        else
            wg__sha256(bytes, len, d);
        self->turn_digests_len += 32;
    }
}

/* A packed envelope goes into the hash chain and to the callback. */
void
wg__adjudicator_hand_out(wg_adjudicator_t *self, const Wgpb__V1__Envelope *env,
                         const uint8_t *bytes, size_t len, int dest)
{
    take_record(self, env, bytes, len);
    if (self->cb != NULL)
        self->cb(self, env, bytes, len, dest, self->arg);
}

/* Stamps, packs and hands the envelope out. */
void
wg__adjudicator_emit(wg_adjudicator_t *self, Wgpb__V1__Envelope *env, int dest)
{
    wg__adjudicator_stamp(self, env, dest);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        /* The largest message the adjudicator packs, once a turn: written
         * directly, protobuf-c's generic packing took ten times longer. */
        if (wg_wire_pack_result(env, &self->packed) != 0)
            abort(); /* a result without its message: a bug */
        wg__adjudicator_hand_out(self, env, self->packed.data, self->packed.len,
                                 dest);
        return;
    }
    /* One buffer for every envelope: emit runs hundreds of times a turn
     * in a replay, and a malloc/free pair per envelope shows there. */
    size_t len = wgpb__v1__envelope__get_packed_size(env);
    if (len > self->out_cap) {
        size_t cap = self->out_cap ? self->out_cap : 4096;
        while (cap < len)
            cap *= 2;
        uint8_t *nb = realloc(self->out_buf, cap);
        if (nb == NULL)
            abort(); /* out of memory: nothing sensible is left to do */
        self->out_buf = nb;
        self->out_cap = cap;
    }
    wgpb__v1__envelope__pack(env, self->out_buf);
    wg__adjudicator_hand_out(self, env, self->out_buf, len, dest);
}

int
wg__adjudicator_reject(wg_adjudicator_t *self, int dest,
                       Wgpb__V1__ErrorCode code, int rc, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);

    /* Counted once: when sent (the book's record of it is not another
     * rejection). After the ExerciseEnd, which closes the log, a refusal
     * is sent, neither recorded nor counted: ExerciseEnd.rejected is the
     * count the adjudicator says at its end. */
    wg_out_what_t what = self->out_what;
    if (self->done)
        self->out_what = WG_OUT_SEND;
    else if (what != WG_OUT_RECORD)
        wg_adjudicator_count_rejected(self, (int)code);
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &wgpb__v1__error_code__descriptor, code);
    /* Said at DEBUG: the adjudicator's process says a peer's first few
     * refusals and counts the rest (wg/guard.h), so a flood cannot fill
     * stderr. */
    WG_DIAG_DEBUG("rejected (%s): %s", v ? v->name : "?", detail);

    Wgpb__V1__Envelope env;
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    wg__adjudicator_envelope_init(self, &env);
    err.code = code;
    err.detail = detail;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    wg__adjudicator_emit(self, &env, dest);
    self->out_what = what;
    return rc;
}

/* ---- hash chain -------------------------------------------------------- */

/* Link 0: SHA-256 of "wg chain v1", the scenario file's hash and the seed
 * (little-endian), so a chain cannot be moved to another exercise. */
static void
chain_genesis(wg_adjudicator_t *self)
{
    uint8_t buf[11 + 32 + 8];
    memcpy(buf, "wg chain v1", 11);
    memcpy(buf + 11, self->sc.hash, 32);
    for (int i = 0; i < 8; i++)
        buf[43 + i] = (uint8_t)(self->sc.seed >> (8 * i));
    wg__sha256(buf, sizeof buf, self->chain);
}

/* Link t: SHA-256(link t-1 || SHA-256(the concatenated SHA-256 of each
 * record of turn t before its result) || state digest). */
void
wg__adjudicator_chain_link(wg_adjudicator_t *self, const uint8_t digest[32])
{
    uint8_t buf[96];
    memcpy(buf, self->chain, 32);
    wg__sha256(self->turn_digests, self->turn_digests_len, buf + 32);
    memcpy(buf + 64, digest, 32);
    wg__sha256(buf, sizeof buf, self->chain);
    self->turn_digests_len = 0;
}

/* ---- lifetime ------------------------------------------------------------ */

wg_adjudicator_t *
wg_adjudicator_new(const wg_scenario_t *sc, const char *scenario_text,
                   size_t text_len, wg_adjudicator_out_cb cb, void *arg)
{
    if (sodium_init() < 0)
        return NULL;
    wg_adjudicator_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return NULL;
    self->sc = *sc;
    self->st = calloc(1, sizeof *self->st);
    self->t = calloc(1, sizeof *self->t);
    self->last = calloc(1, sizeof *self->last);
    self->scenario_text = malloc(text_len + 1);
    self->arena = wg_arena_new();
    self->in_arena = wg_arena_new();
    self->book.arena = wg_arena_new();
    if (self->st == NULL || self->t == NULL || self->last == NULL ||
        self->scenario_text == NULL || self->arena == NULL ||
        self->in_arena == NULL || self->book.arena == NULL) {
        wg_adjudicator_destroy(&self);
        return NULL;
    }
    memcpy(self->scenario_text, scenario_text, text_len);
    self->scenario_text[text_len] = '\0';
    self->text_len = text_len;
    self->cb = cb;
    self->arg = arg;
    self->next_seq = 1;
    self->format = 3;
    self->reply_key = -1;
    self->phase = WGPB__V1__PHASE__PHASE_LOBBY;
    wg_state_init(self->st, &self->sc);
    chain_genesis(self);
    return self;
}

void
wg_adjudicator_destroy(wg_adjudicator_t **self_p)
{
    wg_adjudicator_t *self = *self_p;
    if (self == NULL)
        return;
    wg_arena_destroy(&self->arena);
    wg_arena_destroy(&self->in_arena);
    wg__book_free(&self->book);
    free(self->out_buf);
    wg_wire_buf_free(&self->fields);
    wg_wire_buf_free(&self->packed);
    free(self->scenario_text);
    wg_wire_buf_free(&self->last_ts);
    for (size_t k = 0; k < N_KEYS; k++)
        wg_wire_buf_free(&self->last_view[k]);
    free(self->turn_digests);
    free(self->t);
    free(self->last);
    free(self->st);
    free(self);
    *self_p = NULL;
}

void
wg_adjudicator_set_digest(wg_adjudicator_t *self, wg_adjudicator_digest_cb cb,
                          void *arg)
{
    self->digest_cb = cb;
    self->digest_arg = arg;
}

void
wg_adjudicator_set_state_digest(wg_adjudicator_t *self,
                                wg_adjudicator_state_digest_cb cb, void *arg)
{
    self->state_digest_cb = cb;
    self->state_digest_arg = arg;
}

wg_out_what_t
wg_adjudicator_out_what(const wg_adjudicator_t *self)
{
    return self->out_what;
}

void
wg_adjudicator_set_replay(wg_adjudicator_t *self, bool on)
{
    bool was = self->replay;
    self->replay = on;
    /* Live again: a phase the log holds every order of closes now, as the
     * live run closed it when its last order came. */
    if (was && !on && self->started && !self->done &&
        wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
}

void
wg_adjudicator_set_format(wg_adjudicator_t *self, uint32_t version)
{
    self->format = version;
}

void
wg_adjudicator_set_output(wg_adjudicator_t *self, wg_adjudicator_out_cb cb,
                          void *arg)
{
    self->cb = cb;
    self->arg = arg;
}

/* ---- accessors -------------------------------------------------------------
 */

bool
wg_adjudicator_started(const wg_adjudicator_t *self)
{
    return self->started;
}

bool
wg_adjudicator_owes(const wg_adjudicator_t *self, int key)
{
    return key >= 0 && (size_t)key < n_keys(self) && self->started &&
           !self->done && self->expected[key] && !self->received[key];
}

bool
wg_adjudicator_done(const wg_adjudicator_t *self)
{
    return self->done;
}

uint64_t
wg_adjudicator_phase_serial(const wg_adjudicator_t *self)
{
    return self->phase_serial;
}

uint32_t
wg_adjudicator_turn(const wg_adjudicator_t *self)
{
    return self->st->turn;
}

Wgpb__V1__Phase
wg_adjudicator_phase(const wg_adjudicator_t *self)
{
    return self->phase;
}

size_t
wg_adjudicator_joined(const wg_adjudicator_t *self)
{
    size_t n = 0;
    for (size_t k = 0; k < n_keys(self); k++)
        n += self->joined[k];
    return n;
}

size_t
wg_adjudicator_expected(const wg_adjudicator_t *self)
{
    return n_keys(self);
}

const wg_state_t *
wg_adjudicator_state(const wg_adjudicator_t *self)
{
    return self->st;
}

const wg_scenario_t *
wg_adjudicator_scenario(const wg_adjudicator_t *self)
{
    return &self->sc;
}

void
wg_adjudicator_count_rejected(wg_adjudicator_t *self, int code)
{
    self->stats.rejected++;
    if (code >= 0 &&
        (size_t)code < sizeof self->stats.by_code / sizeof(uint64_t))
        self->stats.by_code[code]++;
}

void
wg_adjudicator_refusal_unrecorded(wg_adjudicator_t *self, int code)
{
    if (self->stats.rejected > 0)
        self->stats.rejected--;
    if (code >= 0 &&
        (size_t)code < sizeof self->stats.by_code / sizeof(uint64_t) &&
        self->stats.by_code[code] > 0)
        self->stats.by_code[code]--;
}

void
wg_adjudicator_stats(const wg_adjudicator_t *self, wg_adjudicator_stats_t *out)
{
    *out = self->stats;
}

uint64_t
wg_adjudicator_next_seq(const wg_adjudicator_t *self)
{
    return self->next_seq;
}
