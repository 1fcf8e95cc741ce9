/*
 * replay_int.h - what the four parts of the replay engine share.
 *
 * wg_replay_log (wg/replay.h) is split along its seams:
 *   replay.c         the walk: the adjudicator fed with the recorded inputs,
 * and each envelope it makes matched with its record replay_scan.c    a record
 * read and its top-level fields scanned, without decoding it (and the field
 * numbers that takes) replay_thread.c  the reader thread that does
 * replay_scan.c's work ahead of the walk, lock-free; or, in line, the walk
 * itself replay_diff.c    the field-by-field comparison that names a divergence
 *                    (wg_envelope_diff)
 * Nothing here is for use outside libwg but the unit tests.
 */
#ifndef WG_REPLAY_INT_H
#define WG_REPLAY_INT_H

#include "wg/log.h"
#include "wg/replay.h"
#include "wg/scenario.h"
#include "wg/wire.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- replay_scan.c: a record's top-level fields ------------------------- */

/* Field numbers the scanner reads without protobuf-c, copied from
 * proto/wg.proto: the constant's name, the message, the field, its number,
 * and whether it is a varint (else length-delimited). The payload oneof's
 * cases are not copied: replay_scan.c reads them from the descriptor, and
 * names the ones it singles out by protobuf-c's constants
 * (WGPB__V1__ENVELOPE__PAYLOAD_*). The generated code has no constant for
 * a plain field's number, so unit.replay_scan checks each row against the
 * message's descriptor. */
#define WG__SCANNED_FIELDS(X)                                                  \
    X(ENVELOPE_SENDER_ROLE, envelope, sender_role, 1, true)                    \
    X(ENVELOPE_SENDER_NATION, envelope, sender_nation, 2, false)               \
    X(ENVELOPE_TURN, envelope, turn, 3, true)                                  \
    X(ENVELOPE_PHASE, envelope, phase, 4, true)                                \
    X(ENVELOPE_SEQ, envelope, seq, 5, true)                                    \
    X(ENVELOPE_RECIPIENT, envelope, recipient, 6, false)                       \
    X(ENVELOPE_PROVENANCE, envelope, provenance, 7, false)                     \
    X(PROVENANCE_SOURCE, provenance, source, 1, true)                          \
    X(PROVENANCE_REASON, provenance, reason, 3, false)                         \
    X(PROVENANCE_FALLBACK, provenance, fallback, 6, true)                      \
    X(ERROR_CODE, error, code, 1, true)                                        \
    X(RESULT_STATE_DIGEST, turn_result, state_digest, 14, false)

#define WG__SCANNED_FIELD_ENUM(id, message, field, number, varint)             \
    WG__##id = number,
enum { WG__SCANNED_FIELDS(WG__SCANNED_FIELD_ENUM) };

typedef struct {
    int sender_role;
    char nation[16]; /* longer codes are no scenario's: left empty */
    uint32_t turn;
    uint64_t seq;
    int source;     /* provenance.source; 0 when there is none */
    int payload;    /* the oneof's field number (= payload_case); 0: none */
    int error_code; /* Error.code, for an Error payload */
    /* A fallback a phase start played for an absent role: provenance
     * fallback FALLBACK_KIND_SKIP, or in a format-2 log (no kind) a
     * reason wg_adjudicator_skip_reason() knows. */
    bool skipped;
} wg__scan_t;

/* Reads the Envelope's top-level fields without decoding it. Returns 0, or
 * -1 when the bytes are not what protobuf-c would accept at the top level
 * (the caller then lets protobuf-c decide). */
int wg__scan_envelope(const uint8_t *p, size_t n, wg__scan_t *s);

/* Inputs the adjudicator takes from the log: what the workers sent (not its own
 * defaults, which it makes again). */
static inline bool
wg__is_recorded_input(const wg__scan_t *s)
{
    if (s->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR)
        return false;
    return s->source != WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
}

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
    wg__scan_t s;   /* its top-level fields, when envelope */
    uint64_t ord;   /* among the records that are not Errors, counting from
                       0; UINT64_MAX for an Error */
    bool hashed;    /* digest = SHA-256(rec) */
    uint8_t digest[32];
    Wgpb__V1__Envelope *env; /* a recorded input, decoded; else NULL */
    bool has_state_digest;   /* a TurnResult's, in state_digest */
    uint8_t state_digest[32];
    uint8_t link[32]; /* format 3: the chain over the records before it */
} wg__slot_t;

/* Reads the next frame of r into s and scans it; *ord numbers the records
 * that are not Errors; link (NULL for a format-2 log) is the hash chain
 * over the records before it, which s->link takes and the record then
 * extends (s->digest is then its SHA-256). ahead (the reader thread's work)
 * also decodes a recorded input into arena, takes a TurnResult's state digest
 * and hashes the record for the chain; in line the walk leaves all three to the
 * adjudicator, and arena only holds what the scanner refused, for this slot. */
void wg__scan_record(wg_log_reader_t *r, wg_arena_t *arena, uint64_t *ord,
                     uint8_t *link, bool ahead, wg__slot_t *s);

/* ---- replay_thread.c: the reader, ahead of the walk --------------------- */

/* Grouped by who writes, a cache line each: a line that one thread writes
 * and the other reads from all the time costs more than the work. Only
 * replay_thread.c touches the fields; the walk uses the functions below. */
typedef struct {
    /* Set before the thread starts, then only read. */
    wg_log_reader_t *r;
    const wg_log_header_t *hdr;
    wg__slot_t *ring; /* the ring of slots, or 1 in line */
    bool threaded;

    /* The reader's: whoever holds `filling` (in line, the walk's). */
    _Alignas(64) wg_arena_t *arena; /* the inputs it decodes, for the whole
                                       walk (in line: what the scanner
                                       refuses, for one slot) */
    uint64_t ord;                   /* the next record's ordinal */
    uint8_t link[32];               /* the chain so far (format 3) */
    bool chained;                   /* the log is of format 3 */
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
} wg__ahead_t;

/* Starts the reader of r: in the reader thread unless in_line, or the log
 * is not whole in memory, or the thread is busy. 0, or -1 out of memory
 * (wg__ahead_stop is still called). */
int wg__ahead_start(wg__ahead_t *a, wg_log_reader_t *r, bool in_line);
/* The scenario of the log's header (see wg__replay_load_scenario). */
wg_scenario_t *wg__ahead_scenario(wg__ahead_t *a, wg_replay_report_t *rep);
/* Slot i of the walk (i counts from 0, one more each call). */
const wg__slot_t *wg__ahead_slot(wg__ahead_t *a, uint64_t i);
/* The k-th record that is not an Error, looked for from slot i on; NULL
 * when it is not at hand. */
const wg__slot_t *wg__ahead_find(wg__ahead_t *a, uint64_t i, uint64_t k);
/* Leaves a state digest check to the reader thread; false if it cannot. */
bool wg__ahead_post_check(wg__ahead_t *a, const wg_state_t *st,
                          const uint8_t want[32]);
/* Stops the reader; false if a state digest check failed. */
bool wg__ahead_stop(wg__ahead_t *a);

/* ---- replay.c ----------------------------------------------------------- */

/* The scenario of the log's header, checked against the header's hash.
 * Returns NULL with rep's status, field and detail filled in if it does
 * not load. Called by the reader thread, or in line by the walk. */
wg_scenario_t *wg__replay_load_scenario(const wg_log_header_t *hdr,
                                        wg_replay_report_t *rep);

#endif
