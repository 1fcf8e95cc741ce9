/*
 * adjudicator_int.h - what the files of the adjudicator share and nobody else
 * sees: its state, and the functions one file calls in another.
 *
 *   adjudicator.c        lifetime, roles, output (stamping, packing, the hash
 *                   chain, rejections) and accessors;
 *   adjudicator_turn.c   the turn flow: phase starts, the fallbacks of roles
 *                   that owe an order, closing a phase, the turn's result;
 *   adjudicator_input.c  joins, orders and forfeits coming in;
 *   adjudicator_book.c   the book: a phase's records in slot order (below);
 *   adjudicator_director.c  the director's commands, and where their
 *                   effects enter the turn flow.
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
#define WG_MAX_PENDING_INJECTS 16
#define WG__FORCED_DIRECTOR 1
#define WG__FORCED_EJECTED 2

/* What the director's commands have set (adjudicator_director.c). None of
 * it is a clock: pause only says what the log says. */
typedef struct {
    bool paused;
    /* Its fallback plays when this phase closes: WG__FORCED_DIRECTOR or
     * WG__FORCED_EJECTED (the reason it is recorded with); 0: not. */
    uint8_t forced[N_KEYS];
    bool ejected[N_KEYS]; /* its fallback plays every phase, its messages
                             are refused, until readmitted */
    wg_inject_t pending[WG_MAX_PENDING_INJECTS]; /* for the next incident
                                                    turn */
    size_t n_pending;
    bool fired[WG_MAX_INJECTS]; /* scenario injects fired or entered */
    uint64_t unauthorised;      /* director commands from another role */
    char note[160];             /* what the last command did, or why not */
} wg__director_t;

/*
 * The book: the order of a phase's records (docs/LOG-FORMAT.md, "The
 * order of records"). What comes in during a phase is handled when it
 * comes (validated, answered, taken into the turn's tables), but what it
 * puts in the log is recorded when the phase closes, slot by slot: the
 * command's slot, then each nation's in the scenario's order, then the
 * director's (WG_BOOK_DIRECTOR, after the roles), each slot's entries in
 * the order they came from its one sender. So the log of a phase is the
 * same bytes whatever order the roles' messages arrived in. The lobby is
 * a phase in this sense: its joins are recorded when it ends.
 *
 * An entry is booked with wg__book(): the input's bytes, and what the
 * adjudicator made of it that goes into the log with it (a Welcome, a
 * phase start, an Error's detail, a fallback's reason). Live, booking
 * sends at once what the sender must have at once (a Welcome, a phase
 * start, the Error about its order: sent with seq 0, WG_OUT_SEND) and
 * keeps the entry; wg__book_flush() at the close makes the records
 * (WG_OUT_RECORD), with their sequence numbers. In a replay
 * (wg_adjudicator_set_replay) the log is read in that order already, so
 * an entry is made at once, in full (WG_OUT_BOTH). Whatever a record
 * notes in the turn's result (its events, `defaulted`) is noted when the
 * record is made, so it is in book order too.
 *
 * A new kind of recorded input (a director's action, say) is one more
 * wg_book_kind_t: its entry says what to record and what to send, in
 * wg__adjudicator_make(); its effect on the exercise must not depend on
 * where in the phase it came among other slots' inputs (it may be applied
 * when it comes to what only it touches, or when the phase closes).
 * Error replies to refused input are no entries: they are recorded when
 * they are sent, with seq 0.
 */
#define WG_BOOK_DIRECTOR N_KEYS /* the director's slot, after every role */

typedef enum {
    WG_BOOK_JOIN,    /* a Join: its record, the Welcome, and the phase start
                        when it owed the phase (flag) */
    WG_BOOK_ORDER,   /* an accepted order: its record, and the Error that
                        tells a correction (detail) */
    WG_BOOK_UNREAD,  /* the phase's first order of the role that could not
                        be read: its record and its Error (detail) */
    WG_BOOK_FORFEIT, /* a Forfeit: its record, and the fallback it played
                        when the role owed the phase (flag, reason) */
    WG_BOOK_SKIP,    /* an absent role skipped at the phase start: its
                        fallback (reason) */
    WG_BOOK_DIRECTOR_CMD, /* a director's command taken (its slot:
                             WG_BOOK_DIRECTOR): its record, and at once a
                             copy on the PUB for pause, resume, extend */
} wg_book_kind_t;

typedef struct {
    wg_book_kind_t kind;
    int key;            /* the slot: a role key, or WG_BOOK_DIRECTOR */
    bool flag;          /* see the kinds */
    const char *reason; /* a fallback's reason: a static string */
    size_t off, len;    /* the input's bytes, in the book's buffer */
    size_t detail_off, detail_len; /* an Error's detail, ditto */
} wg_book_entry_t;

typedef struct {
    wg_book_entry_t *v;
    size_t n, cap;
    uint8_t *bytes;
    size_t used, bcap;
    wg_arena_t *arena; /* inputs decoded again when recorded */
} wg_book_t;

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

    wg_book_t book;
    bool replay;            /* records made at once; no close by itself */
    wg_out_what_t out_what; /* of the envelope being handed out */
    uint32_t format;        /* the log format its records are for */

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

    wg__director_t dir;
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

/* adjudicator_book.c: the book (above). */
/* Books e, with the input's bytes and an Error's detail (NULL: none);
 * env is the input being handled (a replay makes the entry at once). */
void wg__book(wg_adjudicator_t *self, const wg_book_entry_t *e,
              Wgpb__V1__Envelope *env, const char *detail);
/* Makes every booked record, slot by slot, and empties the book. */
void wg__book_flush(wg_adjudicator_t *self);
void wg__book_free(wg_book_t *b);

/* adjudicator_input.c: what an entry sends (WG_OUT_SEND), records
 * (WG_OUT_RECORD) or both; env is its input, decoded. */
void wg__adjudicator_make(wg_adjudicator_t *self, const wg_book_entry_t *e,
                          Wgpb__V1__Envelope *env, const char *detail,
                          wg_out_what_t what);

/* adjudicator_turn.c: the turn flow. */
/* The sharing policy's view for viewer (a role key or WG_VIEWER_PUBLIC) in
 * *v, or NULL under `sharing: full` (everything, the encoders' one path). */
const wg_share_view_t *wg__adjudicator_view(const wg_adjudicator_t *self,
                                            int viewer, wg_share_view_t *v);
void wg__adjudicator_emit_turn_start(wg_adjudicator_t *self, int dest);
bool wg__adjudicator_all_in(const wg_adjudicator_t *self);
void wg__adjudicator_note_control(wg_adjudicator_t *self, int k, bool fallback,
                                  const char *reason);
void wg__adjudicator_play_fallback(wg_adjudicator_t *self, int k,
                                   Wgpb__V1__FallbackKind kind,
                                   const char *reason);
/* Why role k's fallback plays now, at the phase's close or a forfeit. */
const char *wg__adjudicator_fallback_reason(const wg_adjudicator_t *self,
                                            int k);
void wg__adjudicator_close_phase(wg_adjudicator_t *self);

/* adjudicator_director.c: the director's commands (docs/PROTOCOL.md, "The
 * director"). A DirectorCommand, or anything from the director's key:
 * taken or refused (rc < 0, answered). */
int wg__adjudicator_director(wg_adjudicator_t *self, int key,
                             Wgpb__V1__Envelope *env);
/* The director's entry of the book: its records (what, as in
 * wg__adjudicator_make). */
void wg__adjudicator_director_make(wg_adjudicator_t *self,
                                   Wgpb__V1__Envelope *env, wg_out_what_t what);
/* Refuses (rc < 0, answered) a message of role k while it is ejected;
 * 0 otherwise. */
int wg__adjudicator_director_refuses(wg_adjudicator_t *self, int k);
/* A turn has begun (its incidents drawn): the injects due enter it. */
void wg__adjudicator_director_turn_begun(wg_adjudicator_t *self);
/* A phase has started: an ejected role that owes it gets its fallback
 * when it closes. */
void wg__adjudicator_director_phase_started(wg_adjudicator_t *self);
/* Why role k's fallback plays, if the director made it: "director" or
 * "ejected"; else NULL. */
const char *wg__adjudicator_director_reason(const wg_adjudicator_t *self,
                                            int k);

/* adjudicator_input.c: reads and validates an order into the turn's tables;
 * < 0 if it cannot be read, else the corrections the rules made. */
int wg__adjudicator_take_order(wg_adjudicator_t *self, int k,
                               const Wgpb__V1__Envelope *env, char *why,
                               size_t n);

#endif
