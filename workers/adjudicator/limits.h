/*
 * limits.h - the adjudicator process's side of wg/guard.h: which Error
 * replies go into the exercise log and onto stderr in full, the Refusals
 * records that count the rest, and the messages the bus dropped unread.
 *
 * Owned by main.c's adjudicator_t (one, on its loop's thread); the guard
 * is made and freed with it. docs/LOG-FORMAT.md ("Refusals") says what
 * the records hold.
 */
#ifndef WG_ADJUDICATOR_LIMITS_H
#define WG_ADJUDICATOR_LIMITS_H

#include "wg/adjudicator.h"
#include "wg/bus.h"
#include "wg/guard.h"
#include "wg/log.h"
#include "wg/wire.h"

#include <stdbool.h>

/* The longest message the adjudicator reads (an order is a few hundred
 * bytes; a Join at its caps under 1 KiB); longer ones are dropped unread
 * and counted as "oversize". ZeroMQ cuts a connection that sends more
 * than the bus's max_message (1 MiB) at once. */
#define WG_ADJUDICATOR_MAX_IN (64 * 1024)
/* Messages queued per peer before ZeroMQ stops reading its connection. */
#define WG_ADJUDICATOR_RCV_HWM 1000

typedef struct {
    wg_guard_t *guard;
    wg_log_writer_t *log; /* NULL: no log */
    /* The input being handled was recorded (an order that could not be
     * read, say): its Error reply is then recorded in full, since a
     * replay makes that reply again itself. */
    bool input_recorded;
    /* The first failed append of a Refusals record (0: none), for the
     * caller to stop on, as on any other failed write of the log. */
    int log_rc;
} limits_t;

/* 0, or -ENOMEM. */
int limits_init(limits_t *self, wg_log_writer_t *log);
/* Says (and, if record, writes) what is still counted, then frees the
 * guard. */
void limits_fini(limits_t *self, uint32_t turn, Wgpb__V1__Phase phase,
                 bool record);

/* An Error reply to the input from peer (NULL: no peer, an override):
 * true if it goes into the log, said on stderr; else only counted. */
bool limits_error_in_full(limits_t *self, const uint8_t *peer, size_t len,
                          const Wgpb__V1__Envelope *env);
/* The same, and an Error not recorded in full is taken back from the
 * adjudicator's count of rejections (ExerciseEnd.rejected counts those
 * the log records in full). */
bool limits_error(limits_t *self, wg_adjudicator_t *u, const uint8_t *peer,
                  size_t len, const Wgpb__V1__Envelope *env);
/* One Refusals record per peer with counts, and one stderr line: before
 * each TurnResult and the ExerciseEnd (turn, phase: the envelope's). */
void limits_flush(limits_t *self, uint32_t turn, Wgpb__V1__Phase phase);
/* The bus dropped a message unread. */
void limits_dropped(limits_t *self, const uint8_t *peer, size_t len,
                    wg_bus_drop_t why, size_t size);
/* One line with every cause's total, for the end of the run. */
void limits_report(const limits_t *self);

#endif
