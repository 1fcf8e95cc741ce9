/*
 * adjudicator_int.h - what the files of the adjudicator share and nobody else
 * sees: its state, and the functions one file calls in another.
 *
 *   adjudicator.c        lifetime, roles, output (stamping, packing, the hash
 *                   chain, rejections) and accessors;
 *   adjudicator_turn.c   the turn flow: phase starts, the fallbacks of roles
 *                   that owe an order, closing a phase, the turn's result;
 *   adjudicator_input.c  joins, orders and forfeits coming in.
 *
 * What each phase is (who owes what, how it is read, held and applied)
 * is the phase table's (wg/phases.h), not the adjudicator's.
 */
#ifndef WG_ADJUDICATOR_INT_H
#define WG_ADJUDICATOR_INT_H

#include "wg/adjudicator.h"
#include "wg/phases.h"
#include "wg/share.h"

#define N_KEYS (1 + WG_MAX_NATIONS)

struct wg_adjudicator {
    wg_scenario_t sc;
    char *scenario_text;
    size_t text_len;
    wg_adjudicator_out_cb cb;
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
    wg_adjudicator_stats_t stats;
    int reply_key; /* role of the peer being answered, while joining */

    /* Fallbacks: the last phase start broadcast (for a fallback bot), the
     * roles a fallback plays for now, and the last order each role gave of
     * every kind that has a "repeat" fallback. */
    wg_wire_buf_t last_ts;
    wg_wire_buf_t last_view[N_KEYS]; /* each role's, under a split policy */
    bool on_fallback[N_KEYS];
    bool left[N_KEYS];           /* left the exercise (Forfeit, leaving) */
    bool absent[N_KEYS];         /* missed a deadline, not back since */
    const char *skip_reason;     /* while skipping absent roles */
    bool invalid[N_KEYS];        /* its order this phase could not be read */
    const char *forfeit[N_KEYS]; /* its Forfeit reason this phase */
    bool have_last[N_KEYS];
    wg_turn_orders_t *last;

    /* The hash chain: digests of this turn's records so far, and the
     * previous turn's link; who computes a record's digest (NULL: the
     * adjudicator itself). */
    uint8_t *turn_digests;
    size_t turn_digests_len, turn_digests_cap;
    wg_adjudicator_digest_cb digest_cb;
    void *digest_arg;
    wg_adjudicator_state_digest_cb state_digest_cb;
    void *state_digest_arg;
    uint8_t chain[32];
};

static inline size_t
n_keys(const wg_adjudicator_t *self)
{
    return 1 + self->sc.n_nations;
}

/* adjudicator.c: output. Every envelope goes out through these, in order. */
void wg__adjudicator_envelope_init(wg_adjudicator_t *self,
                                   Wgpb__V1__Envelope *env);
void wg__adjudicator_stamp(wg_adjudicator_t *self, Wgpb__V1__Envelope *env,
                           int dest);
void wg__adjudicator_hand_out(wg_adjudicator_t *self,
                              const Wgpb__V1__Envelope *env,
                              const uint8_t *bytes, size_t len, int dest);
void wg__adjudicator_emit(wg_adjudicator_t *self, Wgpb__V1__Envelope *env,
                          int dest);
/* Answers the input being handled with an Error; returns rc. */
int wg__adjudicator_reject(wg_adjudicator_t *self, int dest,
                           Wgpb__V1__ErrorCode code, int rc, const char *fmt,
                           ...) __attribute__((format(printf, 5, 6)));
void wg__adjudicator_chain_link(wg_adjudicator_t *self,
                                const uint8_t digest[32]);

/* adjudicator_turn.c: the turn flow. */
/* The sharing policy's view for viewer (a role key or WG_VIEWER_PUBLIC) in
 * *v, or NULL under `sharing: full` (everything, the encoders' one path). */
const wg_share_view_t *wg__adjudicator_view(const wg_adjudicator_t *self,
                                            int viewer, wg_share_view_t *v);
void wg__adjudicator_emit_turn_start(wg_adjudicator_t *self, int dest);
bool wg__adjudicator_all_in(const wg_adjudicator_t *self);
void wg__adjudicator_note_control(wg_adjudicator_t *self, int k, bool fallback,
                                  const char *reason);
void wg__adjudicator_play_fallback(wg_adjudicator_t *self, int k);
void wg__adjudicator_close_phase(wg_adjudicator_t *self);

/* adjudicator_input.c: reads and validates an order into the turn's tables;
 * < 0 if it cannot be read, else the corrections the rules made. */
int wg__adjudicator_take_order(wg_adjudicator_t *self, int k,
                               const Wgpb__V1__Envelope *env, char *why,
                               size_t n);

#endif
