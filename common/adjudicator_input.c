/*
 * adjudicator_input.c - what comes in to the adjudicator: joins (answered with
 * a Welcome, and a late joiner's phase start), orders and forfeits.
 *
 * An order is accepted only from the role the peer joined as, for the
 * current turn and phase, from a role the phase expects, with the payload
 * the phase table (wg/phases.h) names for that role, once; it is read and
 * validated by the table's kind of order, recorded from the bytes it came
 * in, and a correction is answered with ERROR_INVALID_ORDER. Anything
 * refused is answered with an Error (adjudicator.c) and counted. Same thread
 * and lifetime as adjudicator.c.
 */
#include "adjudicator_int.h"

#include "wg/diag.h"
#include "wg/error.h"
#include "wg/phases.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- input -----------------------------------------------------------------
 */

/* Records an accepted input as received, with its sequence number: from
 * the bytes it came in (wg_wire_restamp), which for a replay are the
 * record itself, so no decode-and-pack round trip is spent on the orders
 * that make most of a log. */
static void
record_input(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    char *recipient = env->recipient;
    env->recipient = "";
    /* Inputs are joins, orders and forfeits (never an Error, whose seq
     * would be 0); bytes that are not fields at all are packed anew. */
    if (wg_wire_restamp(self->in_bytes, self->in_len, self->next_seq,
                        &self->packed) != 0) {
        wg__adjudicator_emit(self, env, WG_DEST_RECORD);
    } else {
        wg__adjudicator_stamp(self, env, WG_DEST_RECORD);
        wg__adjudicator_hand_out(self, env, self->packed.data, self->packed.len,
                                 WG_DEST_RECORD);
    }
    env->recipient = recipient;
}

static void
emit_welcome(wg_adjudicator_t *self)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Welcome w = WGPB__V1__WELCOME__INIT;
    wg__adjudicator_envelope_init(self, &env);
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
    wg_share_view_t vb; /* the joining role's picture */
    wg_wire_put_situation_as(
        b, 5, &self->sc, self->st,
        wg__adjudicator_view(self, self->reply_key, &vb)); /* snapshot */
    wg__adjudicator_stamp(self, &env, WG_DEST_SENDER);
    if (wg_wire_pack_welcome(&env, b->data, b->len, &self->packed) != 0)
        abort(); /* our own Welcome: a bug */
    wg__adjudicator_hand_out(self, &env, self->packed.data, self->packed.len,
                             WG_DEST_SENDER);
    wg_arena_reset(self->arena);
}

static int
handle_join(wg_adjudicator_t *self, int key, Wgpb__V1__Envelope *env,
            int *joined_key)
{
    int k = wg_adjudicator_role_key(self, env->sender_role, env->sender_nation);
    if (k < 0)
        return wg__adjudicator_reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE,
            WG_EUNAUTHORISED, "no role %d/'%s' in this scenario",
            env->sender_role, env->sender_nation);
    if (k == WG_ROLE_DIRECTOR_KEY)
        return wg__adjudicator_reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE,
            WG_EUNAUTHORISED,
            "the director plays no role: it is bound by "
            "the adjudicator's process, never joins here");
    if (wg__adjudicator_director_refuses(self, k) < 0)
        return WG_EUNAUTHORISED;
    if (key >= 0 && key != k)
        return wg__adjudicator_reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
            WG_EUNAUTHORISED, "peer joined as %s cannot join as %s",
            wg_adjudicator_role_name(self, key),
            wg_adjudicator_role_name(self, k));
    if (self->done)
        return wg__adjudicator_reject(self, WG_DEST_SENDER,
                                      WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN,
                                      WG_ESTATE, "the exercise is over");
    if (self->joined[k])
        WG_DIAG_WARN("%s joins again: the new peer takes the role over",
                     wg_adjudicator_role_name(self, k));
    self->joined[k] = true;
    self->left[k] = false;
    self->absent[k] = false; /* back: waited for again */
    self->stats.accepted++;
    /* A late joiner owes the current phase: it gets the phase's start. */
    wg_book_entry_t e = {.kind = WG_BOOK_JOIN,
                         .key = k,
                         .flag = self->started && self->expected[k] &&
                                 !self->received[k]};
    wg__book(self, &e, env, NULL);
    if (joined_key != NULL)
        *joined_key = k;
    return 0;
}

/* An Error about role k's order that goes with its record (a correction,
 * an order that could not be read): counted once, when it is sent. */
static void
tell(wg_adjudicator_t *self, int k, Wgpb__V1__ErrorCode code,
     const char *detail)
{
    wg__adjudicator_reject(self, k, code, 0, "%s", detail);
}

void
wg__adjudicator_make(wg_adjudicator_t *self, const wg_book_entry_t *e,
                     Wgpb__V1__Envelope *env, const char *detail,
                     wg_out_what_t what)
{
    bool record = what != WG_OUT_SEND;
    int k = e->key;
    self->out_what = what;
    switch (e->kind) {
    case WG_BOOK_JOIN:
        if (record)
            record_input(self, env);
        /* The transport binds the peer to k only after the call that
         * takes the Join, so replies go to "the sender", addressed to k. */
        self->reply_key = k;
        emit_welcome(self);
        if (e->flag)
            wg__adjudicator_emit_turn_start(self, WG_DEST_SENDER);
        self->reply_key = -1;
        break;
    case WG_BOOK_ORDER:
        if (record) {
            wg__adjudicator_note_control(self, k, false, NULL);
            record_input(self, env);
        }
        if (detail != NULL) /* accepted as corrected: what changed */
            tell(self, k, WGPB__V1__ERROR_CODE__ERROR_INVALID_ORDER, detail);
        break;
    case WG_BOOK_UNREAD:
        if (record)
            record_input(self, env);
        tell(self, k, WGPB__V1__ERROR_CODE__ERROR_MALFORMED, detail);
        break;
    case WG_BOOK_FORFEIT:
        if (record)
            record_input(self, env);
        if (record && e->flag)
            wg__adjudicator_play_fallback(
                self, k, WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_FORFEIT,
                e->reason);
        break;
    case WG_BOOK_SKIP:
        if (record)
            wg__adjudicator_play_fallback(
                self, k, WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_SKIP,
                e->reason);
        break;
    case WG_BOOK_DIRECTOR_CMD:
        wg__adjudicator_director_make(self, env, what);
        break;
    }
    self->out_what = WG_OUT_BOTH;
}

/* Is pc the payload the current phase asks of role k? */
static bool
payload_fits(const wg_adjudicator_t *self, int k, int pc)
{
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    return kind != NULL && (int)kind->payload == pc;
}

/* Reads and validates the order into the turn's tables. Returns < 0 if it
 * cannot be read, else the number of corrections the rules made. */
int
wg__adjudicator_take_order(wg_adjudicator_t *self, int k,
                           const Wgpb__V1__Envelope *env, char *why, size_t n)
{
    const wg_order_kind_t *kind = wg_phase_order(self->cur, k);
    if (kind == NULL || (int)kind->payload != (int)env->payload_case) {
        snprintf(why, n, "not the order this phase asks of the role");
        return WG_EMALFORMED;
    }
    return wg_order_take(kind, &self->sc, self->st, self->t, k, env, why, n);
}

/* A role gives up this phase's order (its bot failed) or leaves: its
 * fallback plays, with the reason it gave. */
static int
handle_forfeit(wg_adjudicator_t *self, int key, Wgpb__V1__Envelope *env)
{
    const Wgpb__V1__Forfeit *f = env->forfeit;
    bool leaving = f->leaving;
    const char *reason = leaving ? WG_REASON_DISCONNECTED : "bot crashed";
    if (strcmp(f->reason, reason) != 0)
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_MALFORMED, WG_EMALFORMED,
            "%s: a forfeit %s says \"%s\", not \"%s\"",
            wg_adjudicator_role_name(self, key),
            leaving ? "that leaves" : "of a phase", f->reason, reason);
    bool owes = self->started && !self->done && self->expected[key] &&
                !self->received[key];
    if (!leaving &&
        (!owes || env->turn != self->st->turn || env->phase != self->phase))
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN, WG_ESTATE,
            "%s forfeits turn %u %s, which it does not "
            "owe now",
            wg_adjudicator_role_name(self, key), env->turn,
            wg_wire_phase_name(env->phase));
    self->stats.accepted++;
    if (leaving)
        self->left[key] = true;
    else
        self->forfeit[key] = "bot crashed";
    wg_book_entry_t e = {.kind = WG_BOOK_FORFEIT, .key = key, .flag = owes};
    if (owes) {
        e.reason = wg__adjudicator_fallback_reason(self, key);
        self->received[key] = true;
    }
    wg__book(self, &e, env, NULL);
    if (owes && !self->replay && wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
    return 0;
}

/* Is the order one the current phase awaits from role key, with bounded
 * provenance? 0 if so, else the rejection's code (answered). */
static int
check_order(wg_adjudicator_t *self, int key, const Wgpb__V1__Envelope *env)
{
    const wg_state_t *st = self->st;
    /* An absent role's order that cannot count (its fallback played at
     * the phase start, or the phase is over) tells it how to come back. */
    if (self->absent[key] &&
        (!self->started || self->done || env->turn != st->turn ||
         env->phase != self->phase || !self->expected[key] ||
         self->received[key]))
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_ABSENT, WG_ESTATE,
            "%s is absent (it missed a deadline) and its fallback plays: "
            "join again to play on",
            wg_adjudicator_role_name(self, key));
    if (!self->started || self->done || env->turn != st->turn ||
        env->phase != self->phase)
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN, WG_ESTATE,
            "order for turn %u %s, but now turn %u %s", env->turn,
            wg_wire_phase_name(env->phase), st->turn,
            wg_wire_phase_name(self->phase));
    if (!self->expected[key] || !payload_fits(self, key, env->payload_case))
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED, WG_ESTATE,
            "%s owes no such order in %s", wg_adjudicator_role_name(self, key),
            wg_wire_phase_name(self->phase));
    if (self->received[key])
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_DUPLICATE, WG_ESTATE,
            "%s already sent its order for %s",
            wg_adjudicator_role_name(self, key),
            wg_wire_phase_name(self->phase));
    return 0;
}

/* The order is the phase's: read, validate, book, and close the phase if
 * it was the last one owed. */
static int
accept_order(wg_adjudicator_t *self, int key, Wgpb__V1__Envelope *env)
{
    char why[200] = "";
    int rc = wg__adjudicator_take_order(self, key, env, why, sizeof why);
    if (rc < 0) {
        /* Recorded, so a replay refuses it too and the fallback that
         * follows can say why: "invalid orders". The first of a phase
         * only: that says it, and a role sending more could otherwise
         * fill the log (docs/PROTOCOL.md, "Limits"). */
        char detail[256];
        snprintf(detail, sizeof detail, "%s: %s",
                 wg_adjudicator_role_name(self, key), why);
        if (self->invalid[key])
            return wg__adjudicator_reject(self, key,
                                          WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                                          WG_EMALFORMED, "%s", detail);
        self->invalid[key] = true;
        wg_book_entry_t e = {.kind = WG_BOOK_UNREAD, .key = key};
        wg__book(self, &e, env, detail);
        return WG_EMALFORMED;
    }
    const wg_order_kind_t *kind = wg_phase_order(self->cur, key);
    if (key != WG_ROLE_COMMAND && kind->repeat != NULL) {
        /* Kept for the "repeat" fallback. */
        memcpy(wg_order_slot(kind, self->last, key),
               wg_order_slot(kind, self->t, key), kind->size);
        self->have_last[key] = true;
    }
    self->absent[key] = false;
    self->received[key] = true;
    self->stats.accepted++;
    char detail[256];
    if (rc > 0)
        snprintf(detail, sizeof detail, "%s: order corrected: %s",
                 wg_adjudicator_role_name(self, key), why);
    wg_book_entry_t e = {.kind = WG_BOOK_ORDER, .key = key};
    wg__book(self, &e, env, rc > 0 ? detail : NULL);
    if (!self->replay && wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
    return 0;
}

static int
handle_order(wg_adjudicator_t *self, int key, Wgpb__V1__Envelope *env)
{
    if (key == WG_ROLE_DIRECTOR_KEY ||
        env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR)
        return wg__adjudicator_director(self, key, env);
    if (key < 0)
        return wg__adjudicator_reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
            WG_EUNAUTHORISED, "sender has not joined");
    int claimed =
        wg_adjudicator_role_key(self, env->sender_role, env->sender_nation);
    if (claimed != key)
        return wg__adjudicator_reject(
            self, key, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
            WG_EUNAUTHORISED,
            "peer joined as %s sent a message claiming %d/'%s'",
            wg_adjudicator_role_name(self, key), env->sender_role,
            env->sender_nation);
    if (wg__adjudicator_director_refuses(self, key) < 0)
        return WG_EUNAUTHORISED;
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT)
        return handle_forfeit(self, key, env);
    int rc = check_order(self, key, env);
    return rc < 0 ? rc : accept_order(self, key, env);
}

int
wg_adjudicator_receive(wg_adjudicator_t *self, int key, const uint8_t *bytes,
                       size_t len, int *joined_key)
{
    return wg_adjudicator_receive_decoded(self, key, bytes, len, NULL,
                                          joined_key);
}

int
wg_adjudicator_receive_decoded(wg_adjudicator_t *self, int key,
                               const uint8_t *bytes, size_t len,
                               Wgpb__V1__Envelope *env, int *joined_key)
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
        return wg__adjudicator_reject(
            self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
            WG_EMALFORMED, "%zu bytes that are not a wgpb.v1.Envelope", len);
    char why[160];
    if (wg_limits_check(env, why, sizeof why) < 0)
        return wg__adjudicator_reject(
            self, key >= 0 ? key : WG_DEST_SENDER,
            WGPB__V1__ERROR_CODE__ERROR_MALFORMED, WG_EMALFORMED,
            "%s: too long: %s",
            key >= 0 ? wg_adjudicator_role_name(self, key) : "sender", why);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN)
        return handle_join(self, key, env, joined_key);
    return handle_order(self, key, env);
}

int
wg_adjudicator_join_all(wg_adjudicator_t *self, const char *agent)
{
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    join.agent = (char *)(agent != NULL ? agent : "");
    for (int k = 0; k <= (int)self->sc.n_nations; k++) {
        Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
        env.sender_role = k == 0 ? WGPB__V1__ROLE__ROLE_COMMAND
                                 : WGPB__V1__ROLE__ROLE_CONTINGENT;
        env.sender_nation = k == 0 ? "" : (char *)self->sc.nations[k - 1].code;
        env.phase = WGPB__V1__PHASE__PHASE_LOBBY;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
        env.join = &join;
        uint8_t *buf;
        size_t len;
        if (wg_wire_pack(&env, &buf, &len) != 0)
            return WG_EMALFORMED;
        int joined = -1;
        int rc = wg_adjudicator_receive(self, -1, buf, len, &joined);
        free(buf);
        if (rc != 0)
            return rc;
        if (joined != k)
            return WG_ESTATE;
    }
    return 0;
}
