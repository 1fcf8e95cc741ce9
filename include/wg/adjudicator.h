/*
 * wg/adjudicator.h - the adjudicator's rules engine: turn clock, orders,
 * results.
 *
 * The adjudicator is a deterministic state machine with no I/O and no clock: it
 * takes envelopes in (joins and orders, as bytes), and gives envelopes out
 * through one callback, each stamped with the next global sequence number,
 * in the order they must be recorded and sent. The adjudicator worker wraps
 * it with sockets, a deadline timer and the log writer; `wg-log verify` and
 * `--resume` drive the same adjudicator from a recorded log, so a replay makes
 * the same decisions byte for byte.
 *
 * Roles are keys: 0 is the command, 1 + i is scenario nation i.
 * Lifetime: wg_adjudicator_new() copies the scenario; destroy frees everything.
 * Errors: rejected input is answered with an Error envelope to the sender
 * (sequence number 0: replies to rejected input are outside the exercise's
 * total order), counted, logged, and the call returns a negative code.
 */
#ifndef WG_ADJUDICATOR_H
#define WG_ADJUDICATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wg.pb-c.h"
#include "wg/limits.h" /* the caps on what a peer sends */
#include "wg/scenario.h"
#include "wg/state.h"
#include "wg/wire.h"

typedef struct wg_adjudicator wg_adjudicator_t;

#define WG_ROLE_COMMAND 0
/* The director's role key (wgpb ROLE_DIRECTOR): outside the players' keys
 * (0 .. nations) and the destinations below, so no table of roles is ever
 * indexed by it. */
#define WG_ROLE_DIRECTOR_KEY (-4)

/* Where an envelope goes, besides into the log. */
typedef enum {
    WG_DEST_RECORD = -3,    /* recorded only (orders received, defaults) */
    WG_DEST_BROADCAST = -2, /* published to every subscriber */
    WG_DEST_SENDER = -1,    /* back to the sender of the input being handled */
    /* >= 0: directed to that role key */
} wg_dest_t;

/* What the output callback is to do with the envelope it is handed
 * (wg_adjudicator_out_what): a phase's records are made when it closes
 * (docs/LOG-FORMAT.md, "The order of records"), so what a sender must
 * have at once (a Welcome, a phase start, an Error about its order) is
 * sent then, with seq 0, and recorded at the close. */
typedef enum {
    WG_OUT_BOTH = 0,   /* record it, and send it to dest */
    WG_OUT_SEND = 1,   /* send it to dest only: its record comes later */
    WG_OUT_RECORD = 2, /* record it only: it was sent when its input came */
} wg_out_what_t;

/* An envelope to record and route. bytes/env live only during the call.
 * The Situation of a TurnStart or Welcome, and a TurnStart's incidents,
 * are encoded straight from the state into the bytes: in env those fields
 * are empty. */
typedef void (*wg_adjudicator_out_cb)(wg_adjudicator_t *u,
                                      const Wgpb__V1__Envelope *env,
                                      const uint8_t *bytes, size_t len,
                                      int dest, void *arg);

typedef struct {
    uint64_t rejected;   /* all rejected input */
    uint64_t by_code[9]; /* by wgpb ErrorCode */
    uint64_t accepted;   /* orders and joins */
    uint64_t defaulted;  /* orders a fallback played */
} wg_adjudicator_stats_t;

/* scenario_text is the scenario file (sent to workers in Welcome). */
wg_adjudicator_t *wg_adjudicator_new(const wg_scenario_t *sc,
                                     const char *scenario_text, size_t text_len,
                                     wg_adjudicator_out_cb cb, void *arg);
void wg_adjudicator_destroy(wg_adjudicator_t **self_p);
/* During the output callback: what to do with the envelope. */
wg_out_what_t wg_adjudicator_out_what(const wg_adjudicator_t *self);
/*
 * A replay (verify, --resume, fork following a log) reads a phase's
 * records in the order the live run made them: on, every record is made
 * at once (WG_OUT_BOTH) and a phase closes only when the caller says the
 * live run moved on (wg_adjudicator_move_on, _deadline), never because
 * its last owed order came (more of the phase's records may follow it in
 * the log). Off (the default), the live adjudicator: a phase's records
 * are booked and made when it closes. Turning it off closes a phase that
 * has every order it waits for, as the live run would have.
 */
void wg_adjudicator_set_replay(wg_adjudicator_t *self, bool on);
/* The log format version the records are made for: 3 (the default), or 2
 * to re-adjudicate a format-2 log (its hash chain, no fallback kind). */
void wg_adjudicator_set_format(wg_adjudicator_t *self, uint32_t version);
/* Replaces the output callback (a replayed adjudicator going live). */
void wg_adjudicator_set_output(wg_adjudicator_t *self, wg_adjudicator_out_cb cb,
                               void *arg);

/*
 * A TurnResult's `chain` is the link over every record of the log before
 * it (format 3, docs/LOG-FORMAT.md), which only the one who writes the
 * log knows: the adjudicator makes it 32 zero bytes, and the recorder
 * writes the link in before recording and sending it
 * (wg_log_chain_patch, wg/log.h).
 *
 * Format 2: who computes the SHA-256 of each record the adjudicator makes,
 * for its hash chain: cb(bytes, len, out, arg) must write SHA-256(bytes)
 * to out. NULL
 * (the default) computes it in the call. A replay sets one that takes the
 * digest a reader thread already computed of the record those bytes must
 * equal; the replay compares the two records, so a digest taken from a
 * record that differs is never believed.
 */
typedef void (*wg_adjudicator_digest_cb)(const uint8_t *bytes, size_t len,
                                         uint8_t out[32], void *arg);
void wg_adjudicator_set_digest(wg_adjudicator_t *self,
                               wg_adjudicator_digest_cb cb, void *arg);
/*
 * The bytes a TurnResult's state_digest is the SHA-256 of (docs/LOG-FORMAT.md):
 * the encoded Situation of (sc, st), then eight little-endian uint64 of
 * what it leaves out. Replaces b's contents.
 */
void wg_adjudicator_state_bytes(const wg_scenario_t *sc, const wg_state_t *st,
                                wg_wire_buf_t *b);
/*
 * Who computes the state digest at the end of each turn: cb must write
 * SHA-256(wg_adjudicator_state_bytes(sc, st)) to out; NULL (the default)
 * computes it in the call. A replay sets one that answers with the digest
 * the log records and has its reader thread check it on a copy of the
 * state; it then takes on the duty of refusing the log if a check fails.
 */
typedef void (*wg_adjudicator_state_digest_cb)(const wg_scenario_t *sc,
                                               const wg_state_t *st,
                                               uint8_t out[32], void *arg);
void wg_adjudicator_set_state_digest(wg_adjudicator_t *self,
                                     wg_adjudicator_state_digest_cb cb,
                                     void *arg);

/*
 * Input from a peer bound to role `key` (-1 if it has not joined). A Join is
 * answered with Welcome and *joined_key (if not NULL) gets the role key to
 * bind the peer to; -1 otherwise. Returns 0 if accepted, else a negative
 * code (WG_EMALFORMED, WG_EUNAUTHORISED, WG_ESTATE) after answering with an
 * Error. An order that completes a phase closes it at once.
 */
int wg_adjudicator_receive(wg_adjudicator_t *self, int key,
                           const uint8_t *bytes, size_t len, int *joined_key);
/* The same for bytes the caller has already decoded into env (with
 * wg_wire_unpack_in(): a replay's reader thread does); the call may change
 * env. A NULL env is decoded from the bytes. */
int wg_adjudicator_receive_decoded(wg_adjudicator_t *self, int key,
                                   const uint8_t *bytes, size_t len,
                                   Wgpb__V1__Envelope *env, int *joined_key);
/* Every role of the scenario joins (the command, then the nations in
 * order), as a driver that plays the exercise in-process, with no bus,
 * has them join (wg-calibrate, the fuzzers, the tests); agent is what
 * their Joins say plays them. Returns 0, or the first refusal's code
 * (WG_ESTATE for a Join bound to another role). */
int wg_adjudicator_join_all(wg_adjudicator_t *self, const char *agent);

/* Leaves the lobby and starts turn 1 (roles that never joined get their
 * fallback's orders until they do). */
void wg_adjudicator_start(wg_adjudicator_t *self);
/* The current phase's deadline passed: each role that still owes an order
 * gets its fallback (wg/phases.h). */
void wg_adjudicator_deadline(wg_adjudicator_t *self);

bool wg_adjudicator_started(const wg_adjudicator_t *self);
bool wg_adjudicator_done(const wg_adjudicator_t *self);
/* Does role `key` still owe an order in the current phase? */
bool wg_adjudicator_owes(const wg_adjudicator_t *self, int key);
/* Changes whenever a new phase starts; the caller re-arms its timer. */
uint64_t wg_adjudicator_phase_serial(const wg_adjudicator_t *self);
uint32_t wg_adjudicator_turn(const wg_adjudicator_t *self);
Wgpb__V1__Phase wg_adjudicator_phase(const wg_adjudicator_t *self);
/* Roles joined so far, and roles the exercise expects. */
size_t wg_adjudicator_joined(const wg_adjudicator_t *self);
size_t wg_adjudicator_expected(const wg_adjudicator_t *self);
int wg_adjudicator_role_key(const wg_adjudicator_t *self, int role,
                            const char *nation);
const char *wg_adjudicator_role_name(const wg_adjudicator_t *self, int key);
const wg_state_t *wg_adjudicator_state(const wg_adjudicator_t *self);
const wg_scenario_t *wg_adjudicator_scenario(const wg_adjudicator_t *self);
void wg_adjudicator_stats(const wg_adjudicator_t *self,
                          wg_adjudicator_stats_t *out);
/* Counts a rejection the adjudicator did not make itself: a replay that finds
 * the Error reply to an input the log does not hold (rejected input is not
 * recorded, its reply is), so ExerciseEnd.rejected comes out the same. */
void wg_adjudicator_count_rejected(wg_adjudicator_t *self, int code);
/*
 * The current phase's start as role `key` received it (docs/PROTOCOL.md,
 * "Who sees what"): the public one under `sharing: full`, else the one
 * addressed to the role. For whoever plays a role's orders beside the
 * bus (a fallback bot, an override, a fork): they see what the role saw.
 * Borrowed until the next call into the adjudicator; NULL outside a phase.
 */
const uint8_t *wg_adjudicator_phase_start(const wg_adjudicator_t *self, int key,
                                          size_t *len);
/* The output callback did not record the Error reply it was handed in
 * full (it counts it in a Refusals record, docs/LOG-FORMAT.md): the
 * rejection is taken back from the counts, so that ExerciseEnd.rejected
 * counts what the log records in full, which a replay counts too. Only
 * from the output callback, for the Error it is handling. */
void wg_adjudicator_refusal_unrecorded(wg_adjudicator_t *self, int code);
/*
 * Absent roles (docs/PROTOCOL.md, "Absent roles"). A role is absent from
 * the deadline it missed (its fallback played there, "deadline missed" or
 * "not joined") until it joins again or an order of its is accepted; it
 * has left from its leaving Forfeit until it joins again. Under `absent:
 * fallback` the caller calls wg_adjudicator_skip_absent() at every phase
 * start: every role that owes the phase and is absent or has left gets its
 * fallback at once, with the reason "absent" or "disconnected" (its own
 * orders are then refused with ERROR_ABSENT until it joins again). Under
 * `absent: wait` it does not, and stops its clock while a role that owes
 * the phase has left. The reason recorded with those fallbacks is what
 * tells a replay which of the two happened: no clock, no policy needed.
 */
/* The recorded reasons of the fallbacks wg_adjudicator_skip_absent()
 * plays; "disconnected" is also a leaving Forfeit's reason (wg.proto). */
#define WG_REASON_ABSENT "absent"
#define WG_REASON_DISCONNECTED "disconnected"

bool wg_adjudicator_absent(const wg_adjudicator_t *self, int key);
bool wg_adjudicator_left(const wg_adjudicator_t *self, int key);
/* Plays the fallback of every role that owes the current phase and is
 * absent or has left (FALLBACK_KIND_SKIP), and closes the phase if that
 * was all it waited for. Returns how many it played. */
int wg_adjudicator_skip_absent(wg_adjudicator_t *self);
/* Whether reason is one wg_adjudicator_skip_absent() records (what tells
 * a skip in a format-2 log, which has no FallbackKind). */
bool wg_adjudicator_skip_reason(const char *reason);
/* Whether a record's provenance is that of a default order a phase start
 * played for an absent role: FALLBACK_KIND_SKIP, or in a format-2 log (no
 * kind) a skip reason. */
bool wg_adjudicator_skipped(const Wgpb__V1__Provenance *prov);
/* A replay or a fork: the live run moved on here without input. Before
 * the start, the lobby ended; after, the phase start skipped role
 * skipped_key if it is >= 0 (the record that shows it is that role's
 * fallback of kind FALLBACK_KIND_SKIP), else the phase closed (every
 * order in, or its deadline). */
void wg_adjudicator_move_on(wg_adjudicator_t *self, int skipped_key);
/*
 * The director (docs/PROTOCOL.md, "The director"). Its commands come in
 * through wg_adjudicator_receive() as role WG_ROLE_DIRECTOR_KEY, from the
 * director's seat only; each one taken is recorded, so a replay makes the
 * same decisions. Pause, resume and extend change no outcome: the caller
 * keeps the clock (and holds the roles' messages while paused); the
 * adjudicator only says what the log says.
 */
bool wg_adjudicator_paused(const wg_adjudicator_t *self);
bool wg_adjudicator_ejected(const wg_adjudicator_t *self, int key);
/* What role key is doing now: a wgpb RoleState. */
int wg_adjudicator_role_state(const wg_adjudicator_t *self, int key);
/* Injects fired and waiting for the next incident turn; whether the
 * scenario's inject i has been fired or has entered its turn. */
size_t wg_adjudicator_pending_injects(const wg_adjudicator_t *self);
bool wg_adjudicator_inject_fired(const wg_adjudicator_t *self, size_t i);
/* Director commands refused because another role sent them. */
uint64_t wg_adjudicator_director_unauthorised(const wg_adjudicator_t *self);
/* The scenario file the adjudicator was made with (for a Welcome the
 * process sends itself: the director's). Borrowed. */
const char *wg_adjudicator_scenario_text(const wg_adjudicator_t *self,
                                         size_t *len);
/* What the director's last command did, or why it was refused. */
const char *wg_adjudicator_director_note(const wg_adjudicator_t *self);

/* Next sequence number to be assigned. */
uint64_t wg_adjudicator_next_seq(const wg_adjudicator_t *self);

#endif
