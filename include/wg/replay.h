/*
 * wg/replay.h - re-adjudication of a recorded exercise log.
 *
 * Drives a fresh umpire with the log's scenario and seed and the recorded
 * joins and orders, and checks that every record the umpire produces is the
 * recorded one, byte for byte. Where the umpire produces nothing but the log
 * holds an adjudicator record, the live run must have left the lobby or hit
 * a deadline at that point; the replay does the same. Error replies
 * (sequence number 0) are outside the exercise's total order and are not
 * compared.
 *
 * `wg-log verify` reports the first divergence; `wg-adjudicator --resume`
 * keeps the umpire the replay built and plays on.
 */
#ifndef WG_REPLAY_H
#define WG_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "wg/log.h"
#include "wg/scenario.h"
#include "wg/umpire.h"

typedef enum {
    WG_REPLAY_OK = 0,        /* every record matched */
    WG_REPLAY_DIVERGED = 1,  /* a record differs from the re-adjudication */
    WG_REPLAY_UNREADABLE = 2 /* header, scenario or a record unreadable */
} wg_replay_status_t;

typedef struct {
    wg_replay_status_t status;
    uint64_t records;        /* records read */
    uint64_t compared;       /* records compared with the re-adjudication */
    uint32_t turns;          /* TurnResults seen */
    bool torn;               /* the log ends in a torn record */
    uint64_t torn_offset;
    bool finished;           /* the log holds the ExerciseEnd */
    /* First divergence or reading problem. */
    uint32_t turn;
    uint64_t seq;
    uint64_t offset;
    char field[160];         /* e.g. "result.nations[2].kia" */
    char detail[1024];
} wg_replay_report_t;

typedef struct {
    const char *scenario_path; /* check against this scenario (NULL: header) */
    bool have_seed;            /* check against this seed */
    uint64_t seed;
} wg_replay_options_t;

/*
 * Replays the log at path. On return *umpire_out (if not NULL) holds the
 * umpire in the state the log reached (the caller destroys it, and may set
 * a new output callback with wg_umpire_set_output), and *sc_out the
 * scenario (free()). Returns the status, also in rep->status.
 */
wg_replay_status_t wg_replay_log(const char *path,
                                 const wg_replay_options_t *opt,
                                 wg_replay_report_t *rep,
                                 wg_umpire_t **umpire_out,
                                 wg_scenario_t **sc_out);

/* Compares two encoded envelopes field by field; writes the first differing
 * field path into field. Returns true when they are equal. */
bool wg_envelope_diff(const uint8_t *a, size_t alen, const uint8_t *b,
                      size_t blen, char *field, size_t n);

#endif
