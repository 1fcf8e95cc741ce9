/*
 * wg/replay.h - re-adjudication of a recorded exercise log.
 *
 * Drives a fresh adjudicator with the log's scenario and seed and the recorded
 * joins and orders, and checks that every record the adjudicator produces is
 * the recorded one, byte for byte. Where the adjudicator produces nothing but
 * the log holds an adjudicator record, the live run must have left the lobby or
 * hit a deadline at that point; the replay does the same. Error replies
 * (sequence number 0) are outside the exercise's total order and are not
 * compared; one the replay did not make itself answered an input the log
 * does not hold (rejected input is not recorded), and is counted as a
 * rejection so that ExerciseEnd.rejected comes out the same.
 *
 * `wg-log verify` reports the first divergence; `wg-adjudicator --resume`
 * keeps the adjudicator the replay built and plays on. docs/LOG-FORMAT.md,
 * "Verification and replay", is the contract.
 *
 * One call owns everything it uses; no global state but the diagnostics
 * level, lowered during the walk (the live run already said all of it).
 */
#ifndef WG_REPLAY_H
#define WG_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wg/adjudicator.h"
#include "wg/log.h"
#include "wg/scenario.h"

typedef enum {
    WG_REPLAY_OK = 0,         /* every record read matched */
    WG_REPLAY_DIVERGED = 1,   /* a record differs from the re-adjudication,
                                 or the log is of another scenario or seed */
    WG_REPLAY_UNREADABLE = 2, /* not a log, bad header, scenario unusable,
                                 another rules version (field
                                 header.rules_version) */
    WG_REPLAY_CORRUPT = 3     /* a record fails its CRC or is not an
                                 Envelope (the walk stops there) */
} wg_replay_status_t;

typedef struct {
    wg_replay_status_t status;
    uint64_t records;  /* whole records read */
    uint64_t compared; /* records compared with the re-adjudication */
    uint64_t errors;   /* Error replies (seq 0), not compared */
    uint32_t turns;    /* TurnResults seen */
    bool torn;         /* the log ends in a torn record (status may
                          still be OK: everything before it matched) */
    uint64_t torn_offset;
    bool finished; /* the log holds the ExerciseEnd */
    /* Where the walk stopped: the first divergence or damaged record, else
     * the last record. For a damaged record, turn and seq are the ones the
     * re-adjudication expected there (the record itself cannot be read). */
    uint32_t turn;
    uint64_t seq;
    uint64_t offset;   /* of the record's frame in the file */
    uint64_t index;    /* of the record, counting from 0 */
    char field[160];   /* e.g. "result.nations[2].kia" */
    char detail[1024]; /* e.g. "recorded 3, re-adjudicated 4" */
} wg_replay_report_t;

/* A record the adjudicator made after the last record of the log (a TurnStart
 * whose turn had not been flushed when the adjudicator died, say). bytes
 * live only during the call. */
typedef void (*wg_replay_pending_cb)(const uint8_t *bytes, size_t len,
                                     void *arg);

typedef struct {
    const char *scenario_path; /* check against this scenario (NULL: none) */
    bool have_seed;            /* check against this seed */
    uint64_t seed;
    /* When the walk ends with status OK, called for each record the adjudicator
     * made beyond the log, in order (--resume appends them, so that the
     * continued log still verifies). */
    wg_replay_pending_cb pending;
    void *pending_arg;
    /* Do the reader's work (CRC, scan, record digests) in the calling
     * thread, as for a log too big to hold in memory, instead of a
     * reader thread ahead of the walk. The result is the same. */
    bool in_line;
} wg_replay_options_t;

/*
 * Replays the log at path. On return *adjudicator_out (if not NULL) holds the
 * adjudicator in the state the log reached (the caller destroys it, and may set
 * a new output callback with wg_adjudicator_set_output), and *sc_out the
 * scenario (free()); both only when the status is OK. Returns the status,
 * also in rep->status.
 *
 * Threads: the first call starts a reader thread (detached, kept for the
 * life of the process, asleep between calls) that reads the log ahead of
 * the walk; one call at a time uses it, another in the meantime reads in
 * line. The caller's adjudicator callbacks all run in the calling thread.
 */
wg_replay_status_t wg_replay_log(const char *path,
                                 const wg_replay_options_t *opt,
                                 wg_replay_report_t *rep,
                                 wg_adjudicator_t **adjudicator_out,
                                 wg_scenario_t **sc_out);

/* Says in buf that a log of rules version log_rules is not this build's
 * (WG_RULES_VERSION): verify, --resume and fork refuse such a log. */
void wg_replay_rules_mismatch(uint32_t log_rules, char *buf, size_t n);

/*
 * Compares two encoded envelopes. Returns true when they are the same
 * bytes. Otherwise writes the path of the first field that differs into
 * field ("result.nations[2].kia", "payload" for another payload type,
 * "(encoding)" for equal values encoded differently, "(envelope)" when one
 * does not decode) and the two values into detail.
 */
bool wg_envelope_diff(const uint8_t *recorded, size_t rlen,
                      const uint8_t *replayed, size_t plen, char *field,
                      size_t fn, char *detail, size_t dn);

#endif
