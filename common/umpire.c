/*
 * umpire.c - the adjudicator's rules engine: lobby, turn clock, orders,
 * defaults, results, and the global sequence.
 *
 * Owns a copy of the scenario, the adjudicated state, the orders of the
 * current turn and an arena for outgoing messages. Single-threaded: called
 * from the adjudicator's loop or from a log replay. Every envelope it makes
 * goes out through one callback, in the order it must be recorded, so the
 * log is the total order of the exercise. Nothing here reads a clock: when a
 * phase ends is decided outside (all orders in, or wg_umpire_deadline()),
 * and what it ends with is decided here.
 */
#include "wg/umpire.h"
#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/phases.h"
#include "wg/play.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include "sha256_int.h"

#include <assert.h>
#include <sodium.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_KEYS (1 + WG_MAX_NATIONS)

/* Rejections are counted by wgpb ErrorCode. */
_Static_assert(sizeof((wg_umpire_stats_t *)0)->by_code / sizeof(uint64_t) >
                   WGPB__V1__ERROR_CODE__ERROR_DUPLICATE,
               "wg_umpire_stats_t.by_code has no room for every ErrorCode");

struct wg_umpire {
    wg_scenario_t sc;
    char *scenario_text;
    size_t text_len;
    wg_umpire_out_cb cb;
    void *arg;
    wg_state_t *st;
    wg_arena_t *arena;       /* outgoing messages, reset after each emit */
    wg_arena_t *in_arena;    /* the input being handled, reset per input */
    const uint8_t *in_bytes; /* ... and its bytes, during the call */
    size_t in_len;
    uint8_t *out_buf; /* the packed envelope being emitted */
    size_t out_cap;
    wg_wire_buf_t fields; /* payload fields encoded from the state */
    wg_wire_buf_t packed; /* an envelope packed with them */

    uint64_t next_seq;
    uint64_t phase_serial;
    bool started, done;
    wg_turn_type_t type;
    Wgpb__V1__Phase phase;
    const wg_phase_info_t *cur; /* the phase's entry in the table */

    bool joined[N_KEYS];
    bool expected[N_KEYS];
    bool received[N_KEYS];

    /* Orders and material of the current turn. */
    wg_turn_orders_t *t;
    wg_turn_result_t res;
    char defaulted[N_KEYS][WG_CODE_MAX + 8];
    size_t n_defaulted;

    /* Over the exercise. */
    uint32_t peak_deployed, peak_committed;
    uint32_t total_kia, total_wia, total_incidents;
    wg_umpire_stats_t stats;
    int reply_key; /* role of the peer being answered, while joining */

    /* Fallbacks: the last phase start broadcast (for a fallback bot), the
     * roles a fallback plays for now, and the last order each role gave of
     * every kind that has a "repeat" fallback. */
    wg_wire_buf_t last_ts;
    bool on_fallback[N_KEYS];
    bool left[N_KEYS];           /* left the exercise (Forfeit, leaving) */
    bool invalid[N_KEYS];        /* its order this phase could not be read */
    const char *forfeit[N_KEYS]; /* its Forfeit reason this phase */
    bool have_last[N_KEYS];
    wg_turn_orders_t *last;

    /* The hash chain: digests of this turn's records so far, and the
     * previous turn's link; who computes a record's digest (NULL: the
     * umpire itself). */
    uint8_t *turn_digests;
    size_t turn_digests_len, turn_digests_cap;
    wg_umpire_digest_cb digest_cb;
    void *digest_arg;
    wg_umpire_state_digest_cb state_digest_cb;
    void *state_digest_arg;
    uint8_t chain[32];
};

static void begin_turn(wg_umpire_t *self);
static bool all_in(const wg_umpire_t *self);
static void play_fallback(wg_umpire_t *self, int k);
static void close_phase(wg_umpire_t *self);

/* ---- roles --------------------------------------------------------------- */

int
wg_umpire_role_key(const wg_umpire_t *self, int role, const char *nation)
{
    if (role == WGPB__V1__ROLE__ROLE_COMMAND)
        return WG_ROLE_COMMAND;
    if (role != WGPB__V1__ROLE__ROLE_CONTINGENT || nation == NULL)
        return -1;
    for (size_t i = 0; i < self->sc.n_nations; i++)
        if (strcmp(self->sc.nations[i].code, nation) == 0)
            return (int)(1 + i);
    return -1;
}

const char *
wg_umpire_role_name(const wg_umpire_t *self, int key)
{
    if (key == WG_ROLE_COMMAND)
        return "command";
    if (key >= 1 && (size_t)key <= self->sc.n_nations)
        return self->sc.nations[key - 1].code;
    return "unknown";
}

static size_t
n_keys(const wg_umpire_t *self)
{
    return 1 + self->sc.n_nations;
}

/* ---- output -------------------------------------------------------------- */

static void
envelope_init(wg_umpire_t *self, Wgpb__V1__Envelope *env)
{
    wgpb__v1__envelope__init(env);
    env->sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env->turn = self->st->turn;
    env->phase = self->phase;
}

/* Stamps the sequence number (0 for error replies) and the recipient. */
static void
stamp(wg_umpire_t *self, Wgpb__V1__Envelope *env, int dest)
{
    bool is_error = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env->seq = is_error ? 0 : self->next_seq++;
    if (dest >= 0)
        env->recipient = (char *)wg_umpire_role_name(self, dest);
    else if (dest == WG_DEST_SENDER && self->reply_key >= 0)
        env->recipient = (char *)wg_umpire_role_name(self, self->reply_key);
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

/* Every record of the total order (seq != 0) before a turn's result goes
 * into that turn's link of the hash chain. */
static void
take_record(wg_umpire_t *self, const Wgpb__V1__Envelope *env,
            const uint8_t *bytes, size_t len)
{
    if (env->seq != 0 &&
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
static void
hand_out(wg_umpire_t *self, const Wgpb__V1__Envelope *env, const uint8_t *bytes,
         size_t len, int dest)
{
    take_record(self, env, bytes, len);
    if (self->cb != NULL)
        self->cb(self, env, bytes, len, dest, self->arg);
}

/* Stamps, packs and hands the envelope out. */
static void
emit(wg_umpire_t *self, Wgpb__V1__Envelope *env, int dest)
{
    stamp(self, env, dest);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        /* The largest message the umpire packs, once a turn: written
         * directly, protobuf-c's generic packing took ten times longer. */
        if (wg_wire_pack_result(env, &self->packed) != 0)
            abort(); /* a result without its message: a bug */
        hand_out(self, env, self->packed.data, self->packed.len, dest);
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
    hand_out(self, env, self->out_buf, len, dest);
}

static int
reject(wg_umpire_t *self, int dest, Wgpb__V1__ErrorCode code, int rc,
       const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);

    self->stats.rejected++;
    if ((size_t)code < sizeof self->stats.by_code / sizeof(uint64_t))
        self->stats.by_code[code]++;
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &wgpb__v1__error_code__descriptor, code);
    WG_LOG_WARN("rejected (%s): %s", v ? v->name : "?", detail);

    Wgpb__V1__Envelope env;
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    envelope_init(self, &env);
    err.code = code;
    err.detail = detail;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    emit(self, &env, dest);
    return rc;
}

/* ---- hash chain -------------------------------------------------------- */

/* Link 0: SHA-256 of "wg chain v1", the scenario file's hash and the seed
 * (little-endian), so a chain cannot be moved to another exercise. */
static void
chain_genesis(wg_umpire_t *self)
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
static void
chain_link(wg_umpire_t *self, const uint8_t digest[32])
{
    uint8_t buf[96];
    memcpy(buf, self->chain, 32);
    wg__sha256(self->turn_digests, self->turn_digests_len, buf + 32);
    memcpy(buf + 64, digest, 32);
    wg__sha256(buf, sizeof buf, self->chain);
    self->turn_digests_len = 0;
}

/* ---- lifetime ------------------------------------------------------------ */

wg_umpire_t *
wg_umpire_new(const wg_scenario_t *sc, const char *scenario_text,
              size_t text_len, wg_umpire_out_cb cb, void *arg)
{
    if (sodium_init() < 0)
        return NULL;
    wg_umpire_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return NULL;
    self->sc = *sc;
    self->st = calloc(1, sizeof *self->st);
    self->t = calloc(1, sizeof *self->t);
    self->last = calloc(1, sizeof *self->last);
    self->scenario_text = malloc(text_len + 1);
    self->arena = wg_arena_new();
    self->in_arena = wg_arena_new();
    if (self->st == NULL || self->t == NULL || self->last == NULL ||
        self->scenario_text == NULL) {
        wg_umpire_destroy(&self);
        return NULL;
    }
    memcpy(self->scenario_text, scenario_text, text_len);
    self->scenario_text[text_len] = '\0';
    self->text_len = text_len;
    self->cb = cb;
    self->arg = arg;
    self->next_seq = 1;
    self->reply_key = -1;
    self->phase = WGPB__V1__PHASE__PHASE_LOBBY;
    wg_state_init(self->st, &self->sc);
    chain_genesis(self);
    return self;
}

void
wg_umpire_destroy(wg_umpire_t **self_p)
{
    wg_umpire_t *self = *self_p;
    if (self == NULL)
        return;
    wg_arena_destroy(&self->arena);
    wg_arena_destroy(&self->in_arena);
    free(self->out_buf);
    wg_wire_buf_free(&self->fields);
    wg_wire_buf_free(&self->packed);
    free(self->scenario_text);
    wg_wire_buf_free(&self->last_ts);
    free(self->turn_digests);
    free(self->t);
    free(self->last);
    free(self->st);
    free(self);
    *self_p = NULL;
}

void
wg_umpire_set_digest(wg_umpire_t *self, wg_umpire_digest_cb cb, void *arg)
{
    self->digest_cb = cb;
    self->digest_arg = arg;
}

void
wg_umpire_set_state_digest(wg_umpire_t *self, wg_umpire_state_digest_cb cb,
                           void *arg)
{
    self->state_digest_cb = cb;
    self->state_digest_arg = arg;
}

void
wg_umpire_set_output(wg_umpire_t *self, wg_umpire_out_cb cb, void *arg)
{
    self->cb = cb;
    self->arg = arg;
}

/* ---- turn start -------------------------------------------------------- */

static bool
nation_active(const wg_umpire_t *self, size_t i)
{
    return !self->st->nations[i].withdrawn;
}

static void
expect(wg_umpire_t *self, bool command, bool nations)
{
    memset(self->expected, 0, sizeof self->expected);
    memset(self->received, 0, sizeof self->received);
    memset(self->invalid, 0, sizeof self->invalid);
    memset(self->forfeit, 0, sizeof self->forfeit);
    self->expected[WG_ROLE_COMMAND] = command;
    for (size_t i = 0; i < self->sc.n_nations; i++)
        self->expected[1 + i] = nations && nation_active(self, i);
}

static Wgpb__V1__TurnStart *
build_turn_start(wg_umpire_t *self)
{
    wg_arena_t *a = self->arena;
    Wgpb__V1__TurnStart *ts = wg_arena_alloc(a, sizeof *ts);
    wgpb__v1__turn_start__init(ts);
    ts->type = (Wgpb__V1__TurnType)self->type;
    ts->deadline_ms = self->sc.deadline_ms;
    ts->expected = wg_arena_alloc(a, sizeof(char *) * N_KEYS);
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->expected[k])
            ts->expected[ts->n_expected++] =
                (char *)wg_umpire_role_name(self, (int)k);
    unsigned material = self->cur->material;
    if (material & WG_MATERIAL_REQUIREMENT)
        ts->requirement = wg_wire_requirement(a, &self->sc, &self->t->req);
    if (material & WG_MATERIAL_PLEDGES) {
        ts->pledges = wg_arena_alloc(a, sizeof(void *) * WG_MAX_NATIONS);
        for (size_t i = 0; i < self->sc.n_nations; i++)
            if (nation_active(self, i))
                ts->pledges[ts->n_pledges++] =
                    wg_wire_pledge(a, &self->sc, i, &self->t->pledges[i]);
    }
    /* The situation and the incidents go in as bytes: see
     * emit_turn_start(). */
    if (material & WG_MATERIAL_ROTATION_WEEKS)
        ts->rotation_due_within = self->t->weeks_to_rotation;
    return ts;
}

static void
emit_turn_start(wg_umpire_t *self, int dest)
{
    Wgpb__V1__Envelope env;
    envelope_init(self, &env);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
    env.turn_start = build_turn_start(self);
    wg_wire_buf_t *b = &self->fields;
    b->len = 0;
    wg_wire_put_situation(b, 4, &self->sc, self->st); /* situation */
    size_t sit_len = b->len;
    if (self->cur->material & WG_MATERIAL_INCIDENTS)
        wg_wire_put_incidents(b, 7, &self->sc, &self->t->inc); /* incidents */
    stamp(self, &env, dest);
    if (wg_wire_pack_turn_start(&env, b->data, sit_len, b->data + sit_len,
                                b->len - sit_len, &self->packed) != 0)
        abort(); /* our own TurnStart: a bug */
    hand_out(self, &env, self->packed.data, self->packed.len, dest);
    if (dest == WG_DEST_BROADCAST) {
        /* Kept for a fallback bot: the buffers trade places, no copy. */
        wg_wire_buf_t t = self->last_ts;
        self->last_ts = self->packed;
        self->packed = t;
    }
    wg_arena_reset(self->arena);
}

static void
start_phase(wg_umpire_t *self, Wgpb__V1__Phase phase)
{
    self->cur = wg_phase_info((int)phase);
    assert(self->cur != NULL); /* our own table names it */
    self->phase = phase;
    self->phase_serial++;
    expect(self, self->cur->command != NULL, self->cur->contingent != NULL);
    emit_turn_start(self, WG_DEST_BROADCAST);
    /* A role that left will not answer: its fallback plays at once. */
    uint64_t serial = self->phase_serial;
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->expected[k] && self->left[k] && !self->received[k]) {
            play_fallback(self, (int)k);
            self->received[k] = true;
        }
    if (self->phase_serial == serial && all_in(self))
        close_phase(self);
}

static void
begin_turn(wg_umpire_t *self)
{
    /* Each type of turn clears only the tables it reads, and the
     * per-nation ones for the scenario's nations only (wg/phases.h):
     * clearing everything every turn was most of what a turn's start
     * cost. The result's outcomes are cleared when the incidents are
     * resolved, for the incidents there are. */
    memset(&self->res, 0, offsetof(wg_turn_result_t, outcomes));
    self->res.n_outcomes = 0;
    self->res.n_events = 0;
    self->t->inc.n = 0;
    self->n_defaulted = 0;

    wg_rules_begin_turn(&self->sc, self->st, &self->res);
    self->type = self->sc.plan[self->st->turn - 1];
    self->res.type = self->type;
    const wg_turn_info_t *tt = wg_turn_info((int)self->type);
    assert(tt != NULL); /* the scenario loader knows only the table's */
    tt->begin(&self->sc, self->st, self->t);
    start_phase(self, tt->first);
}

void
wg_umpire_start(wg_umpire_t *self)
{
    if (self->started)
        return;
    self->started = true;
    begin_turn(self);
}

/* ---- results ------------------------------------------------------------- */

/* SHA-256 over the public picture plus what it leaves out (the generator
 * and the counters), so two states with equal digests play on alike: the
 * encoded Situation followed by eight little-endian uint64. */
void
wg_umpire_state_bytes(const wg_scenario_t *sc, const wg_state_t *st,
                      wg_wire_buf_t *b)
{
    b->len = 0;
    wg_wire_put_situation(b, 0, sc, st);
    uint64_t extra[8] = {
        st->rng.s[0],
        st->rng.s[1],
        st->rng.s[2],
        st->rng.s[3],
        st->truce_turns,
        st->regime_turns_left,
        st->next_unit_id,
        (uint64_t)st->recommitted << 1 | (uint64_t)st->robust_roe};
    size_t n = b->len;
    if (n + sizeof extra > b->cap) {
        uint8_t *nb = realloc(b->data, n + sizeof extra);
        if (nb == NULL)
            abort();
        b->data = nb;
        b->cap = n + sizeof extra;
    }
    memcpy(b->data + n, extra, sizeof extra);
    b->len = n + sizeof extra;
}

static void
state_digest(wg_umpire_t *self, uint8_t out[32])
{
    if (self->state_digest_cb != NULL) {
        self->state_digest_cb(&self->sc, self->st, out, self->state_digest_arg);
        return;
    }
    wg_umpire_state_bytes(&self->sc, self->st, &self->fields);
    wg__sha256(self->fields.data, self->fields.len, out);
}

static void
emit_end(wg_umpire_t *self)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__ExerciseEnd end = WGPB__V1__EXERCISE_END__INIT;
    char *withdrawn[WG_MAX_NATIONS];
    self->phase = WGPB__V1__PHASE__PHASE_END;
    envelope_init(self, &env);
    end.turns = self->st->turn;
    end.peak_deployed = self->peak_deployed;
    end.peak_committed = self->peak_committed;
    end.kia = self->total_kia;
    end.wia = self->total_wia;
    end.incidents = self->total_incidents;
    end.stability = self->st->stability;
    end.escalation = self->st->escalation;
    end.withdrawn = withdrawn;
    for (size_t i = 0; i < self->sc.n_nations; i++)
        if (self->st->nations[i].withdrawn)
            withdrawn[end.n_withdrawn++] = self->sc.nations[i].code;
    end.rejected = self->stats.rejected;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_END;
    env.end = &end;
    self->done = true;
    self->phase_serial++;
    emit(self, &env, WG_DEST_BROADCAST);
}

static void
finish_turn(wg_umpire_t *self)
{
    wg_rules_end_turn(&self->sc, self->st, &self->res);
    uint32_t dep = wg_state_deployed(self->st, -1);
    uint32_t com = wg_state_committed(self->st, -1);
    if (dep > self->peak_deployed)
        self->peak_deployed = dep;
    if (com > self->peak_committed)
        self->peak_committed = com;
    self->total_kia += self->res.kia;
    self->total_wia += self->res.wia;
    self->total_incidents += self->res.incidents;

    uint8_t digest[32];
    state_digest(self, digest);
    Wgpb__V1__Envelope env;
    self->phase = WGPB__V1__PHASE__PHASE_RESULT;
    envelope_init(self, &env);
    Wgpb__V1__TurnResult *r =
        wg_wire_result(self->arena, &self->sc, &self->res);
    r->state_digest.data = digest;
    r->state_digest.len = sizeof digest;
    chain_link(self, digest);
    r->chain.data = self->chain;
    r->chain.len = sizeof self->chain;
    char *names[N_KEYS];
    for (size_t i = 0; i < self->n_defaulted; i++)
        names[i] = self->defaulted[i];
    r->defaulted = names;
    r->n_defaulted = self->n_defaulted;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = r;
    emit(self, &env, WG_DEST_BROADCAST);
    wg_arena_reset(self->arena);

    if (self->st->turn >= self->sc.n_turns)
        emit_end(self);
    else
        begin_turn(self);
}

/* ---- fallbacks ----------------------------------------------------------- */

static int take_order(wg_umpire_t *self, int k, const Wgpb__V1__Envelope *env,
                      char *why, size_t n);

/* The scenario's "bot" fallback: the built-in bot answers the phase start
 * the role missed, and its order is validated like any other. Returns
 * false if the bot had nothing to say (hold then plays). */
static bool
fallback_bot(wg_umpire_t *self, int k, const char *reason)
{
    if (self->last_ts.len == 0)
        return false;
    Wgpb__V1__Envelope *ts =
        wg_wire_unpack(self->last_ts.data, self->last_ts.len);
    if (ts == NULL)
        return false;
    const wg_bot_t *bot = k == WG_ROLE_COMMAND ? wg_bot_builtin_command()
                                               : wg_bot_builtin_contingent();
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = wg_play_phase(bot, &self->sc, ts, k,
                           WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT, reason,
                           &buf, &len);
    wg_wire_free(ts);
    if (rc != 0)
        return false;
    Wgpb__V1__Envelope *env = wg_wire_unpack(buf, len);
    free(buf);
    char why[200];
    if (env == NULL || take_order(self, k, env, why, sizeof why) < 0) {
        wg_wire_free(env);
        return false;
    }
    emit(self, env, WG_DEST_RECORD);
    wg_wire_free(env);
    return true;
}

/* The "repeat" fallback: the role's last order of the phase's kind, as
 * the table's entry repeats it (a pledge, or the number of units its last
 * rotation orders prepared); a kind with nothing to repeat holds. Returns
 * false for a role that has given no order yet: it is not playing
 * "repeat" (the hold that then plays is recorded as the scenario's). */
static bool
fallback_repeat(wg_umpire_t *self, int k, const wg_order_kind_t *kind)
{
    if (k == WG_ROLE_COMMAND || !self->have_last[k])
        return false;
    if (kind->repeat != NULL)
        kind->repeat(&self->sc, self->st, self->t, k, self->last);
    else
        kind->hold(&self->sc, self->st, self->t, k);
    return true;
}

/* Notes in the turn's events when a fallback starts or stops playing for a
 * role, so the log shows who was in control. */
static void
note_control(wg_umpire_t *self, int k, bool fallback, const char *reason)
{
    if (self->on_fallback[k] == fallback)
        return;
    self->on_fallback[k] = fallback;
    wg_turn_result_t *r = &self->res;
    if (r->n_events >= WG_MAX_RESULT_EVENTS)
        return;
    if (fallback)
        snprintf(r->events[r->n_events++], sizeof r->events[0],
                 "%s: the fallback plays (%s)", wg_umpire_role_name(self, k),
                 reason);
    else
        snprintf(r->events[r->n_events++], sizeof r->events[0],
                 "%s: the team takes control back",
                 wg_umpire_role_name(self, k));
}

/* Why role k gets its fallback's orders, as recorded in provenance. */
static const char *
fallback_reason(const wg_umpire_t *self, int k)
{
    if (!self->joined[k])
        return "not joined";
    if (self->left[k])
        return "disconnected";
    if (self->forfeit[k] != NULL)
        return self->forfeit[k];
    if (self->invalid[k])
        return "invalid orders";
    return "deadline missed";
}

/* Plays the fallback of role k for its missing order: the scenario's
 * fallback for it (the built-in bot, its last order again, or hold; the
 * command always holds), recorded as a default order from that role with
 * the reason. */
static void
play_fallback(wg_umpire_t *self, int k)
{
    wg_arena_t *a = self->arena;
    const wg_scenario_t *sc = &self->sc;
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    Wgpb__V1__Envelope env;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    const char *reason = fallback_reason(self, k);
    wg_fallback_t fb =
        k == WG_ROLE_COMMAND ? WG_FALLBACK_HOLD : sc->nations[k - 1].fallback;
    note_control(self, k, true, reason);
    if (fb == WG_FALLBACK_BOT && fallback_bot(self, k, reason))
        goto done;
    envelope_init(self, &env);
    env.sender_role = k == WG_ROLE_COMMAND ? WGPB__V1__ROLE__ROLE_COMMAND
                                           : WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation =
        k == WG_ROLE_COMMAND ? "" : (char *)sc->nations[k - 1].code;
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
    prov.agent = "scenario default";
    prov.reason = (char *)reason;
    env.provenance = &prov;
    if (fb == WG_FALLBACK_REPEAT && fallback_repeat(self, k, kind))
        prov.agent = "scenario fallback: repeat";
    else
        kind->hold(sc, self->st, self->t, k);
    kind->put(a, sc, self->t, k, wg_order_slot(kind, self->t, k), &env);
    emit(self, &env, WG_DEST_RECORD);
    wg_arena_reset(a);
done:
    self->stats.defaulted++;
    snprintf(self->defaulted[self->n_defaulted++], sizeof self->defaulted[0],
             "%s", wg_umpire_role_name(self, k));
    /* "default orders": the protocol's name for a fallback's orders. */
    WG_LOG_INFO("turn %u: %s gets default orders (%s)", self->st->turn,
                wg_umpire_role_name(self, k), reason);
}

static void
close_phase(wg_umpire_t *self)
{
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->expected[k] && !self->received[k])
            play_fallback(self, (int)k);

    const wg_phase_info_t *p = self->cur;
    if (p->close != NULL)
        p->close(&self->sc, self->st, self->t, &self->res);
    if (p->next != WGPB__V1__PHASE__PHASE_UNSPECIFIED)
        start_phase(self, p->next);
    else
        finish_turn(self);
}

void
wg_umpire_deadline(wg_umpire_t *self)
{
    if (!self->started || self->done)
        return;
    close_phase(self);
}

/* ---- input -----------------------------------------------------------------
 */

/* Records an accepted input as received, with its sequence number: from
 * the bytes it came in (wg_wire_restamp), which for a replay are the
 * record itself, so no decode-and-pack round trip is spent on the orders
 * that make most of a log. */
static void
record_input(wg_umpire_t *self, Wgpb__V1__Envelope *env)
{
    char *recipient = env->recipient;
    env->recipient = "";
    /* Inputs are joins, orders and forfeits (never an Error, whose seq
     * would be 0); bytes that are not fields at all are packed anew. */
    if (wg_wire_restamp(self->in_bytes, self->in_len, self->next_seq,
                        &self->packed) != 0) {
        emit(self, env, WG_DEST_RECORD);
    } else {
        stamp(self, env, WG_DEST_RECORD);
        hand_out(self, env, self->packed.data, self->packed.len,
                 WG_DEST_RECORD);
    }
    env->recipient = recipient;
}

static void
emit_welcome(wg_umpire_t *self)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Welcome w = WGPB__V1__WELCOME__INIT;
    envelope_init(self, &env);
    w.scenario_name = self->sc.name;
    w.scenario_hash.data = self->sc.hash;
    w.scenario_hash.len = sizeof self->sc.hash;
    w.seed = self->sc.seed;
    w.total_turns = (uint32_t)self->sc.n_turns;
    w.deadline_ms = self->sc.deadline_ms;
    w.scenario_text.data = (uint8_t *)self->scenario_text;
    w.scenario_text.len = self->text_len;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_WELCOME;
    env.welcome = &w;
    wg_wire_buf_t *b = &self->fields;
    b->len = 0;
    wg_wire_put_situation(b, 5, &self->sc, self->st); /* snapshot */
    stamp(self, &env, WG_DEST_SENDER);
    if (wg_wire_pack_welcome(&env, b->data, b->len, &self->packed) != 0)
        abort(); /* our own Welcome: a bug */
    hand_out(self, &env, self->packed.data, self->packed.len, WG_DEST_SENDER);
    wg_arena_reset(self->arena);
}

static int
handle_join(wg_umpire_t *self, int key, Wgpb__V1__Envelope *env,
            int *joined_key)
{
    int k = wg_umpire_role_key(self, env->sender_role, env->sender_nation);
    if (k < 0)
        return reject(self, WG_DEST_SENDER,
                      WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE,
                      WG_EUNAUTHORISED, "no role %d/'%s' in this scenario",
                      env->sender_role, env->sender_nation);
    if (key >= 0 && key != k)
        return reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
            WG_EUNAUTHORISED, "peer joined as %s cannot join as %s",
            wg_umpire_role_name(self, key), wg_umpire_role_name(self, k));
    if (self->joined[k])
        WG_LOG_WARN("%s joins again: the new peer takes the role over",
                    wg_umpire_role_name(self, k));
    self->joined[k] = true;
    self->left[k] = false;
    self->stats.accepted++;
    record_input(self, env);
    /* The transport binds the peer to k only after this call, so replies
     * go to "the sender", addressed to k. */
    self->reply_key = k;
    emit_welcome(self);
    /* A late joiner owes the current phase: it gets the phase's start. */
    if (self->started && !self->done && self->expected[k] && !self->received[k])
        emit_turn_start(self, WG_DEST_SENDER);
    self->reply_key = -1;
    if (joined_key != NULL)
        *joined_key = k;
    return 0;
}

/* Is pc the payload the current phase asks of role k? */
static bool
payload_fits(const wg_umpire_t *self, int k, int pc)
{
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    return kind != NULL && (int)kind->payload == pc;
}

/* Reads and validates the order into the turn's tables. Returns < 0 if it
 * cannot be read, else the number of corrections the rules made. */
static int
take_order(wg_umpire_t *self, int k, const Wgpb__V1__Envelope *env, char *why,
           size_t n)
{
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    if (kind == NULL || (int)kind->payload != (int)env->payload_case) {
        snprintf(why, n, "not the order this phase asks of the role");
        return WG_EMALFORMED;
    }
    return kind->take(&self->sc, self->st, self->t, k, env, why, n);
}

static bool
all_in(const wg_umpire_t *self)
{
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->expected[k] && !self->received[k])
            return false;
    return true;
}

/* A role gives up this phase's order (its bot failed) or leaves: its
 * fallback plays at once, with the reason it gave. */
static int
handle_forfeit(wg_umpire_t *self, int key, Wgpb__V1__Envelope *env)
{
    const Wgpb__V1__Forfeit *f = env->forfeit;
    bool leaving = f->leaving;
    const char *reason = leaving ? "disconnected" : "bot crashed";
    if (strcmp(f->reason, reason) != 0)
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "%s: a forfeit %s says \"%s\", not \"%s\"",
                      wg_umpire_role_name(self, key),
                      leaving ? "that leaves" : "of a phase", f->reason,
                      reason);
    bool owes = self->started && !self->done && self->expected[key] &&
                !self->received[key];
    if (!leaving &&
        (!owes || env->turn != self->st->turn || env->phase != self->phase))
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN,
                      WG_ESTATE,
                      "%s forfeits turn %u %s, which it does not "
                      "owe now",
                      wg_umpire_role_name(self, key), env->turn,
                      wg_wire_phase_name(env->phase));
    self->stats.accepted++;
    record_input(self, env);
    if (leaving)
        self->left[key] = true;
    else
        self->forfeit[key] = "bot crashed";
    if (!owes)
        return 0;
    play_fallback(self, key);
    self->received[key] = true;
    if (all_in(self))
        close_phase(self);
    return 0;
}

static int
handle_order(wg_umpire_t *self, int key, Wgpb__V1__Envelope *env)
{
    const wg_state_t *st = self->st;
    if (key < 0)
        return reject(self, WG_DEST_SENDER,
                      WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
                      WG_EUNAUTHORISED, "sender has not joined");
    int claimed =
        wg_umpire_role_key(self, env->sender_role, env->sender_nation);
    if (claimed != key)
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
                      WG_EUNAUTHORISED,
                      "peer joined as %s sent a message claiming %d/'%s'",
                      wg_umpire_role_name(self, key), env->sender_role,
                      env->sender_nation);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT)
        return handle_forfeit(self, key, env);
    if (!self->started || self->done || env->turn != st->turn ||
        env->phase != self->phase)
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN,
                      WG_ESTATE, "order for turn %u %s, but now turn %u %s",
                      env->turn, wg_wire_phase_name(env->phase), st->turn,
                      wg_wire_phase_name(self->phase));
    if (!self->expected[key] || !payload_fits(self, key, env->payload_case))
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                      WG_ESTATE, "%s owes no such order in %s",
                      wg_umpire_role_name(self, key),
                      wg_wire_phase_name(self->phase));
    if (self->received[key])
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_DUPLICATE,
                      WG_ESTATE, "%s already sent its order for %s",
                      wg_umpire_role_name(self, key),
                      wg_wire_phase_name(self->phase));

    if (env->provenance != NULL &&
        (strlen(env->provenance->rationale) > WG_RATIONALE_MAX ||
         strlen(env->provenance->agent) > WG_AGENT_MAX ||
         strlen(env->provenance->reason) > WG_AGENT_MAX))
        return reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_MALFORMED, WG_EMALFORMED,
            "%s: provenance longer than allowed (rationale %d, "
            "agent and reason %d bytes)",
            wg_umpire_role_name(self, key), WG_RATIONALE_MAX, WG_AGENT_MAX);

    char why[200] = "";
    int rc = take_order(self, key, env, why, sizeof why);
    if (rc < 0) {
        /* Recorded, so a replay refuses it too and the fallback that
         * follows can say why: "invalid orders". */
        self->invalid[key] = true;
        record_input(self, env);
    }
    if (rc < 0)
        return reject(self, key, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "%s: %s", wg_umpire_role_name(self, key),
                      why);
    const wg_order_kind_t *kind = wg_phase_order(self->cur, key);
    if (key != WG_ROLE_COMMAND && kind->repeat != NULL) {
        /* Kept for the "repeat" fallback. */
        memcpy(wg_order_slot(kind, self->last, key),
               wg_order_slot(kind, self->t, key), kind->size);
        self->have_last[key] = true;
    }
    note_control(self, key, false, NULL);
    self->received[key] = true;
    self->stats.accepted++;
    record_input(self, env);
    if (rc > 0) /* accepted as corrected: tell the sender what changed */
        reject(self, key, WGPB__V1__ERROR_CODE__ERROR_INVALID_ORDER, 0,
               "%s: order corrected: %s", wg_umpire_role_name(self, key), why);
    if (all_in(self))
        close_phase(self);
    return 0;
}

int
wg_umpire_receive(wg_umpire_t *self, int key, const uint8_t *bytes, size_t len,
                  int *joined_key)
{
    return wg_umpire_receive_decoded(self, key, bytes, len, NULL, joined_key);
}

int
wg_umpire_receive_decoded(wg_umpire_t *self, int key, const uint8_t *bytes,
                          size_t len, Wgpb__V1__Envelope *env, int *joined_key)
{
    if (joined_key != NULL)
        *joined_key = -1;
    self->in_bytes = bytes;
    self->in_len = len;
    if (env == NULL) {
        wg_arena_reset(self->in_arena);
        env = wg_wire_unpack_in(self->in_arena, bytes, len);
    }
    if (env == NULL)
        return reject(self, WG_DEST_SENDER,
                      WGPB__V1__ERROR_CODE__ERROR_MALFORMED, WG_EMALFORMED,
                      "%zu bytes that are not a wgpb.v1.Envelope", len);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN)
        return handle_join(self, key, env, joined_key);
    return handle_order(self, key, env);
}

/* ---- accessors -------------------------------------------------------------
 */

bool
wg_umpire_started(const wg_umpire_t *self)
{
    return self->started;
}

bool
wg_umpire_owes(const wg_umpire_t *self, int key)
{
    return key >= 0 && (size_t)key < n_keys(self) && self->started &&
           !self->done && self->expected[key] && !self->received[key];
}

bool
wg_umpire_done(const wg_umpire_t *self)
{
    return self->done;
}

uint64_t
wg_umpire_phase_serial(const wg_umpire_t *self)
{
    return self->phase_serial;
}

uint32_t
wg_umpire_turn(const wg_umpire_t *self)
{
    return self->st->turn;
}

Wgpb__V1__Phase
wg_umpire_phase(const wg_umpire_t *self)
{
    return self->phase;
}

size_t
wg_umpire_joined(const wg_umpire_t *self)
{
    size_t n = 0;
    for (size_t k = 0; k < n_keys(self); k++)
        n += self->joined[k];
    return n;
}

size_t
wg_umpire_expected(const wg_umpire_t *self)
{
    return n_keys(self);
}

const wg_state_t *
wg_umpire_state(const wg_umpire_t *self)
{
    return self->st;
}

const wg_scenario_t *
wg_umpire_scenario(const wg_umpire_t *self)
{
    return &self->sc;
}

void
wg_umpire_count_rejected(wg_umpire_t *self, int code)
{
    self->stats.rejected++;
    if (code >= 0 &&
        (size_t)code < sizeof self->stats.by_code / sizeof(uint64_t))
        self->stats.by_code[code]++;
}

void
wg_umpire_stats(const wg_umpire_t *self, wg_umpire_stats_t *out)
{
    *out = self->stats;
}

uint64_t
wg_umpire_next_seq(const wg_umpire_t *self)
{
    return self->next_seq;
}

/* ---- reports ---------------------------------------------------------------
 */

void
wg_format_turn_line(uint32_t turn, const Wgpb__V1__TurnResult *r, char *buf,
                    size_t n)
{
    static const char *type_names[] = {"?", "deployment", "rotation",
                                       "incident"};
    uint32_t deployed = 0, committed = 0;
    size_t off =
        (size_t)snprintf(buf, n, "turn %3u %-10s wk %3u |", turn,
                         type_names[r->type <= 3 ? r->type : 0], r->week);
    for (size_t i = 0; i < r->n_nations && off < n; i++) {
        const Wgpb__V1__NationResult *nr = r->nations[i];
        deployed += nr->deployed;
        committed += nr->deployed + nr->preparing + nr->recovering;
        off += (size_t)snprintf(buf + off, n - off, " %s %5u%s", nr->code,
                                nr->deployed,
                                nr->withdrawn ? "x"
                                : nr->leaving ? "-"
                                              : " ");
    }
    if (off < n)
        snprintf(buf + off, n - off,
                 "| theatre %5u committed %6u | incidents %5u kia %2u wia %3u "
                 "| stability %5.1f escalation %u",
                 deployed, committed, r->incidents, r->kia, r->wia,
                 r->stability, r->escalation);
}

void
wg_format_summary(const wg_scenario_t *sc, const Wgpb__V1__ExerciseEnd *e,
                  char *buf, size_t n)
{
    size_t off = (size_t)snprintf(
        buf, n,
        "summary: scenario %s, seed %llu, %u turns\n"
        "  peak troops in theatre  %u\n"
        "  peak committed force    %u (deployed + preparing + recovering)\n"
        "  incidents %u, killed %u, wounded %u\n"
        "  final stability %.1f, escalation %u\n"
        "  rejected messages %llu\n"
        "  withdrawn:",
        sc->name, (unsigned long long)sc->seed, e->turns, e->peak_deployed,
        e->peak_committed, e->incidents, e->kia, e->wia, e->stability,
        e->escalation, (unsigned long long)e->rejected);
    for (size_t i = 0; i < e->n_withdrawn && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, " %s", e->withdrawn[i]);
    if (e->n_withdrawn == 0 && off < n)
        snprintf(buf + off, n - off, " none");
}
