/*
 * adjudicator_turn.c - the adjudicator's turn flow: a turn's start, each
 * phase's start, the fallbacks of roles that owe an order, closing a phase, and
 * the turn's result and the exercise's end.
 *
 * Reads the phase table (wg/phases.h) for everything a phase is: who owes
 * what, what its TurnStart carries, how a missing order is held or
 * repeated, what closing it applies and what comes next. The words: a
 * role that owes an order and gives none gets its *fallback* (the
 * scenario's `fallback:` for it: the built-in bot, "repeat", or "hold");
 * *hold* is the rules' standing orders, keep what you have. Fallback
 * orders are recorded as default orders (ORDER_SOURCE_DEFAULT). Same
 * thread and lifetime as adjudicator.c.
 */
#include "adjudicator_int.h"

#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/order_fields.h"
#include "wg/phases.h"
#include "wg/play.h"
#include "wg/rules.h"
#include "wg/share.h"
#include "wg/wire.h"

#include "sha256_int.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void begin_turn(wg_adjudicator_t *self);

/* ---- phase starts -------------------------------------------------------- */

static bool
nation_active(const wg_adjudicator_t *self, size_t i)
{
    return !self->st->nations[i].withdrawn;
}

static void
expect(wg_adjudicator_t *self, bool command, bool nations)
{
    memset(self->expected, 0, sizeof self->expected);
    memset(self->received, 0, sizeof self->received);
    memset(self->invalid, 0, sizeof self->invalid);
    memset(self->forfeit, 0, sizeof self->forfeit);
    self->expected[WG_ROLE_COMMAND] = command;
    for (size_t i = 0; i < self->sc.n_nations; i++)
        self->expected[1 + i] = nations && nation_active(self, i);
}

/* The sharing policy's view for viewer (a role key or WG_VIEWER_PUBLIC),
 * or NULL when the policy shows everything to everyone (full): then the
 * encoders take their one path, and the bytes are those of before there
 * were policies. */
const wg_share_view_t *
wg__adjudicator_view(const wg_adjudicator_t *self, int viewer,
                     wg_share_view_t *v)
{
    if (!wg_share_split(self->sc.sharing))
        return NULL;
    v->sharing = self->sc.sharing;
    v->viewer = viewer;
    return v;
}

/* Who sees a message sent to dest: the role it is addressed to, else the
 * public. */
static int
viewer_of(const wg_adjudicator_t *self, int dest)
{
    if (dest >= 0)
        return dest;
    if (dest == WG_DEST_SENDER && self->reply_key >= 0)
        return self->reply_key;
    return WG_VIEWER_PUBLIC;
}

static Wgpb__V1__TurnStart *
build_turn_start(wg_adjudicator_t *self, const wg_share_view_t *v)
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
                (char *)wg_adjudicator_role_name(self, (int)k);
    unsigned material = self->cur->material;
    if (material & WG_MATERIAL_REQUIREMENT)
        ts->requirement = wg_wire_requirement(a, &self->sc, &self->t->req);
    if (material & WG_MATERIAL_PLEDGES) {
        const wg_order_kind_t *pk = wg_order_kind_named("pledge");
        ts->pledges = wg_arena_alloc(a, sizeof(void *) * WG_MAX_NATIONS);
        for (size_t i = 0; i < self->sc.n_nations; i++)
            if (nation_active(self, i) && (v == NULL || wg_share_pledge(v, i)))
                ts->pledges[ts->n_pledges++] =
                    (Wgpb__V1__Pledge *)wg_fields_message(
                        pk, a, &self->sc, (int)i + 1, &self->t->pledges[i]);
    }
    /* The situation and the incidents go in as bytes: see
     * wg__adjudicator_emit_turn_start(). */
    if (material & WG_MATERIAL_ROTATION_WEEKS)
        ts->rotation_due_within = self->t->weeks_to_rotation;
    return ts;
}

/* Keeps a copy of the phase start role k was sent, for its fallback bot
 * and wg_adjudicator_phase_start(). */
static void
keep_view(wg_adjudicator_t *self, int k, const wg_wire_buf_t *b)
{
    wg_wire_buf_t *v = &self->last_view[k];
    if (b->len > v->cap) {
        uint8_t *nb = realloc(v->data, b->len);
        if (nb == NULL)
            abort(); /* out of memory: nothing sensible is left to do */
        v->data = nb;
        v->cap = b->len;
    }
    memcpy(v->data, b->data, b->len);
    v->len = b->len;
}

void
wg__adjudicator_emit_turn_start(wg_adjudicator_t *self, int dest)
{
    Wgpb__V1__Envelope env;
    wg_share_view_t vb;
    int viewer = viewer_of(self, dest);
    const wg_share_view_t *v = wg__adjudicator_view(self, viewer, &vb);
    wg__adjudicator_envelope_init(self, &env);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
    env.turn_start = build_turn_start(self, v);
    wg_wire_buf_t *b = &self->fields;
    b->len = 0;
    wg_wire_put_situation_as(b, 4, &self->sc, self->st, v); /* situation */
    size_t sit_len = b->len;
    if (self->cur->material & WG_MATERIAL_INCIDENTS)
        wg_wire_put_incidents_as(b, 7, &self->sc, self->st, &self->t->inc,
                                 v); /* incidents */
    wg__adjudicator_stamp(self, &env, dest);
    if (wg_wire_pack_turn_start(&env, b->data, sit_len, b->data + sit_len,
                                b->len - sit_len, &self->packed) != 0)
        abort(); /* our own TurnStart: a bug */
    wg__adjudicator_hand_out(self, &env, self->packed.data, self->packed.len,
                             dest);
    if (dest == WG_DEST_BROADCAST) {
        /* Kept for a fallback bot: the buffers trade places, no copy. */
        wg_wire_buf_t t = self->last_ts;
        self->last_ts = self->packed;
        self->packed = t;
    } else if (v != NULL && viewer >= 0) {
        keep_view(self, viewer, &self->packed);
    }
    wg_arena_reset(self->arena);
}

/* Under a policy that splits the traffic, each role gets the phase's start
 * as it may see it, over its own connection, right after the public one:
 * the same round trip. Every role, expected or not, so each one's picture
 * is current. */
static void
emit_views(wg_adjudicator_t *self)
{
    if (!wg_share_split(self->sc.sharing))
        return;
    for (size_t k = 0; k < n_keys(self); k++)
        wg__adjudicator_emit_turn_start(self, (int)k);
}

const uint8_t *
wg_adjudicator_phase_start(const wg_adjudicator_t *self, int key, size_t *len)
{
    const wg_wire_buf_t *b = &self->last_ts;
    if (wg_share_split(self->sc.sharing))
        b = key >= 0 && (size_t)key < n_keys(self) ? &self->last_view[key]
                                                   : NULL;
    if (b == NULL || b->len == 0 || !self->started || self->done)
        return NULL;
    *len = b->len;
    return b->data;
}

bool
wg__adjudicator_all_in(const wg_adjudicator_t *self)
{
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->expected[k] && !self->received[k])
            return false;
    return true;
}

static void
start_phase(wg_adjudicator_t *self, Wgpb__V1__Phase phase)
{
    self->cur = wg_phase_info((int)phase);
    assert(self->cur != NULL); /* our own table names it */
    self->phase = phase;
    self->phase_serial++;
    expect(self, self->cur->command != NULL, self->cur->contingent != NULL);
    wg__adjudicator_emit_turn_start(self, WG_DEST_BROADCAST);
    emit_views(self);
    wg__adjudicator_director_phase_started(self);
    /* Roles that left or are absent get their fallback at once only when
     * the caller skips them (wg_adjudicator_skip_absent()). */
    if (wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
}

static void
begin_turn(wg_adjudicator_t *self)
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
    wg__adjudicator_director_turn_begun(self);
    start_phase(self, tt->first);
}

void
wg_adjudicator_start(wg_adjudicator_t *self)
{
    if (self->started)
        return;
    wg__book_flush(self); /* the lobby's joins */
    self->started = true;
    begin_turn(self);
}

/* ---- results ------------------------------------------------------------- */

/* SHA-256 over the public picture plus what it leaves out (the generator,
 * the counters and the truce's hidden state), so two states with equal
 * digests play on alike: the encoded Situation followed by ten
 * little-endian uint64 and the sectors' held shares (IEEE doubles). */
void
wg_adjudicator_state_bytes(const wg_scenario_t *sc, const wg_state_t *st,
                           wg_wire_buf_t *b)
{
    b->len = 0;
    wg_wire_put_situation(b, 0, sc, st);
    uint64_t extra[10 + WG_MAX_SECTORS] = {
        st->rng.s[0],
        st->rng.s[1],
        st->rng.s[2],
        st->rng.s[3],
        st->truce_turns,
        st->regime_turns_left,
        st->next_unit_id,
        (uint64_t)st->recommitted << 1 | (uint64_t)st->robust_roe,
        st->regime_sectors,
        st->fragile_turns};
    for (size_t s = 0; s < WG_MAX_SECTORS; s++)
        memcpy(&extra[10 + s], &st->held[s], sizeof extra[0]);
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
state_digest(wg_adjudicator_t *self, uint8_t out[32])
{
    if (self->state_digest_cb != NULL) {
        self->state_digest_cb(&self->sc, self->st, out, self->state_digest_arg);
        return;
    }
    wg_adjudicator_state_bytes(&self->sc, self->st, &self->fields);
    wg__sha256(self->fields.data, self->fields.len, out);
}

static void
emit_end(wg_adjudicator_t *self)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__ExerciseEnd end = WGPB__V1__EXERCISE_END__INIT;
    char *withdrawn[WG_MAX_NATIONS];
    self->phase = WGPB__V1__PHASE__PHASE_END;
    wg__adjudicator_envelope_init(self, &env);
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
    wg__adjudicator_emit(self, &env, WG_DEST_BROADCAST);
}

/* The result goes to everyone: what the public may not see of a nation
 * (its cohesion, troops at home, gaps) is left out. */
static void
hide_results(const wg_adjudicator_t *self, Wgpb__V1__TurnResult *r)
{
    wg_share_view_t vb;
    const wg_share_view_t *v =
        wg__adjudicator_view(self, WG_VIEWER_PUBLIC, &vb);
    for (size_t i = 0; v != NULL && i < r->n_nations; i++) {
        Wgpb__V1__NationResult *n = r->nations[i];
        int idx = wg_scenario_nation_index(&self->sc, n->code);
        if (idx >= 0 && wg_share_nation(v, (size_t)idx))
            continue;
        n->preparing = n->recovering = n->gaps = 0;
        n->cohesion = 0.0;
    }
}

static void
finish_turn(wg_adjudicator_t *self)
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
    wg__adjudicator_envelope_init(self, &env);
    Wgpb__V1__TurnResult *r =
        wg_wire_result(self->arena, &self->sc, &self->res);
    hide_results(self, r);
    r->state_digest.data = digest;
    r->state_digest.len = sizeof digest;
    /* Format 3: the recorder writes in the link over the log so far. */
    static const uint8_t unlinked[32];
    if (self->format == 2)
        wg__adjudicator_chain_link(self, digest);
    r->chain.data = self->format == 2 ? self->chain : (uint8_t *)unlinked;
    r->chain.len = sizeof self->chain;
    char *names[N_KEYS];
    for (size_t i = 0; i < self->n_defaulted; i++)
        names[i] = self->defaulted[i];
    r->defaulted = names;
    r->n_defaulted = self->n_defaulted;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = r;
    wg__adjudicator_emit(self, &env, WG_DEST_BROADCAST);
    wg_arena_reset(self->arena);

    if (self->st->turn >= self->sc.n_turns)
        emit_end(self);
    else
        begin_turn(self);
}

/* ---- fallbacks ----------------------------------------------------------- */

/* The scenario's "bot" fallback: the built-in bot answers the phase start
 * the role missed, and its order is validated like any other. Returns
 * false if the bot had nothing to say (hold then plays). */
static bool
fallback_bot(wg_adjudicator_t *self, int k, Wgpb__V1__FallbackKind kind,
             const char *reason)
{
    size_t ts_len;
    const uint8_t *ts_bytes = wg_adjudicator_phase_start(self, k, &ts_len);
    if (ts_bytes == NULL)
        return false;
    Wgpb__V1__Envelope *ts = wg_wire_unpack(ts_bytes, ts_len);
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
    if (env == NULL ||
        wg__adjudicator_take_order(self, k, env, why, sizeof why) < 0) {
        wg_wire_free(env);
        return false;
    }
    if (env->provenance != NULL)
        env->provenance->fallback = kind;
    wg__adjudicator_emit(self, env, WG_DEST_RECORD);
    wg_wire_free(env);
    return true;
}

/* The "repeat" fallback: the role's last order of the phase's kind, as
 * the table's entry repeats it (a pledge, or the number of units its last
 * rotation orders prepared); a kind with nothing to repeat holds. Returns
 * false for a role that has given no order yet: it is not playing
 * "repeat" (the hold that then plays is recorded as the scenario's). */
static bool
fallback_repeat(wg_adjudicator_t *self, int k, const wg_order_kind_t *kind)
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
void
wg__adjudicator_note_control(wg_adjudicator_t *self, int k, bool fallback,
                             const char *reason)
{
    if (self->on_fallback[k] == fallback)
        return;
    self->on_fallback[k] = fallback;
    wg_turn_result_t *r = &self->res;
    if (r->n_events >= WG_MAX_RESULT_EVENTS)
        return;
    if (fallback)
        snprintf(r->events[r->n_events++], sizeof r->events[0],
                 "%s: the fallback plays (%s)",
                 wg_adjudicator_role_name(self, k), reason);
    else
        snprintf(r->events[r->n_events++], sizeof r->events[0],
                 "%s: the team takes control back",
                 wg_adjudicator_role_name(self, k));
}

/* Why role k gets its fallback's orders, as recorded in provenance. */
const char *
wg__adjudicator_fallback_reason(const wg_adjudicator_t *self, int k)
{
    const char *director = wg__adjudicator_director_reason(self, k);
    if (director != NULL)
        return director;
    if (!self->joined[k])
        return "not joined";
    if (self->left[k])
        return WG_REASON_DISCONNECTED;
    if (self->forfeit[k] != NULL)
        return self->forfeit[k];
    if (self->invalid[k])
        return "invalid orders";
    return "deadline missed";
}

/* Plays the fallback of role k for its missing order: the scenario's
 * fallback for it (the built-in bot, its last order again, or hold; the
 * command always holds), recorded as a default order from that role with
 * why (kind, reason). */
void
wg__adjudicator_play_fallback(wg_adjudicator_t *self, int k,
                              Wgpb__V1__FallbackKind why, const char *reason)
{
    wg_arena_t *a = self->arena;
    const wg_scenario_t *sc = &self->sc;
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    Wgpb__V1__Envelope env;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    wg_fallback_t fb =
        k == WG_ROLE_COMMAND ? WG_FALLBACK_HOLD : sc->nations[k - 1].fallback;
    if (self->format == 2)
        why = WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_UNSPECIFIED; /* none */
    wg__adjudicator_note_control(self, k, true, reason);
    if (fb == WG_FALLBACK_BOT && fallback_bot(self, k, why, reason))
        goto done;
    wg__adjudicator_envelope_init(self, &env);
    env.sender_role = k == WG_ROLE_COMMAND ? WGPB__V1__ROLE__ROLE_COMMAND
                                           : WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation =
        k == WG_ROLE_COMMAND ? "" : (char *)sc->nations[k - 1].code;
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
    prov.agent = "scenario default";
    prov.reason = (char *)reason;
    prov.fallback = why;
    env.provenance = &prov;
    if (fb == WG_FALLBACK_REPEAT && fallback_repeat(self, k, kind))
        prov.agent = "scenario fallback: repeat";
    else
        kind->hold(sc, self->st, self->t, k);
    wg_order_put(kind, a, sc, self->t, k, wg_order_slot(kind, self->t, k),
                 &env);
    wg__adjudicator_emit(self, &env, WG_DEST_RECORD);
    wg_arena_reset(a);
done:
    self->stats.defaulted++;
    /* A role is named once a turn, however many of its phases defaulted
     * (a deployment turn asks the command twice): the table has a row per
     * role, and a scenario of WG_MAX_NATIONS nations fills it. */
    const char *name = wg_adjudicator_role_name(self, k);
    bool listed = false;
    for (size_t i = 0; i < self->n_defaulted && !listed; i++)
        listed = strcmp(self->defaulted[i], name) == 0;
    if (!listed && self->n_defaulted < N_KEYS)
        snprintf(self->defaulted[self->n_defaulted++],
                 sizeof self->defaulted[0], "%s", name);
    /* "default orders": the protocol's name for a fallback's orders. */
    WG_DIAG_INFO("turn %u: %s gets default orders (%s)", self->st->turn,
                 wg_adjudicator_role_name(self, k), reason);
}

void
wg__adjudicator_close_phase(wg_adjudicator_t *self)
{
    /* The phase's records, slot by slot; then the fallbacks of the roles
     * still owing, which missed the deadline: absent until they are back
     * (an unreadable order is no absence: the role is there). One the
     * director forced is not absent either: its fallback plays here too,
     * in role order with the rest, as a fallback at the close. */
    wg__book_flush(self);
    for (size_t k = 0; k < n_keys(self); k++) {
        bool forced = wg__adjudicator_director_reason(self, (int)k) != NULL;
        if (self->expected[k] && (!self->received[k] || forced)) {
            wg__adjudicator_play_fallback(
                self, (int)k, WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_DEADLINE,
                wg__adjudicator_fallback_reason(self, (int)k));
            self->absent[k] = self->absent[k] || !(self->invalid[k] || forced);
        }
    }

    const wg_phase_info_t *p = self->cur;
    if (p->close != NULL)
        p->close(&self->sc, self->st, self->t, &self->res);
    if (p->next != WGPB__V1__PHASE__PHASE_UNSPECIFIED)
        start_phase(self, p->next);
    else
        finish_turn(self);
}

void
wg_adjudicator_deadline(wg_adjudicator_t *self)
{
    if (!self->started || self->done)
        return;
    wg__adjudicator_close_phase(self);
}

/* ---- absent roles -------------------------------------------------------- */

bool
wg_adjudicator_absent(const wg_adjudicator_t *self, int key)
{
    return key >= 0 && (size_t)key < n_keys(self) && self->absent[key];
}

bool
wg_adjudicator_left(const wg_adjudicator_t *self, int key)
{
    return key >= 0 && (size_t)key < n_keys(self) && self->left[key];
}

bool
wg_adjudicator_skip_reason(const char *reason)
{
    return reason != NULL && (strcmp(reason, WG_REASON_ABSENT) == 0 ||
                              strcmp(reason, WG_REASON_DISCONNECTED) == 0);
}

bool
wg_adjudicator_skipped(const Wgpb__V1__Provenance *prov)
{
    if (prov == NULL ||
        prov->source != WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT)
        return false;
    if (prov->fallback != WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_UNSPECIFIED)
        return prov->fallback == WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_SKIP;
    return wg_adjudicator_skip_reason(prov->reason);
}

/* Skips role k at the phase start if it owes the phase and is away: its
 * fallback is booked (played when the phase's records are made). */
static bool
skip_role(wg_adjudicator_t *self, int k)
{
    if (!self->expected[k] || self->received[k] ||
        !(self->left[k] || self->absent[k]))
        return false;
    /* The reason says which; the kind is what a replay reads. */
    wg_book_entry_t e = {.kind = WG_BOOK_SKIP,
                         .key = k,
                         .reason = self->left[k] ? WG_REASON_DISCONNECTED
                                                 : WG_REASON_ABSENT};
    self->received[k] = true;
    wg__book(self, &e, NULL, NULL);
    return true;
}

int
wg_adjudicator_skip_absent(wg_adjudicator_t *self)
{
    int n = 0;
    if (!self->started || self->done)
        return 0;
    for (size_t k = 0; k < n_keys(self); k++)
        n += skip_role(self, (int)k);
    if (n > 0 && !self->replay && wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
    return n;
}

void
wg_adjudicator_move_on(wg_adjudicator_t *self, int skipped_key)
{
    if (!self->started)
        wg_adjudicator_start(self);
    else if (self->done)
        return;
    else if (skipped_key < 0 || (size_t)skipped_key >= n_keys(self) ||
             !skip_role(self, skipped_key))
        wg__adjudicator_close_phase(self);
}
