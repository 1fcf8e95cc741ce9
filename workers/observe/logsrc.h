/*
 * logsrc.h - an exercise log as the board's source: step through it turn
 * by turn, or follow it while the adjudicator writes it.
 *
 * logsrc_open() reads the header (the scenario, from its text in the log)
 * and every whole record; logsrc_refresh() reads the records written since
 * (the adjudicator flushes its log at each turn's result), stopping
 * quietly at a torn tail that is still being written. A position is a
 * number of whole turns, 0 (the lobby) to logsrc_turns(); logsrc_show()
 * rebuilds a board from the first record up to that turn's result (or
 * every record read, for follow), so stepping back is as exact as stepping
 * on. Records that are not envelopes are counted by the board, as live.
 *
 * One thread; the object owns copies of the records.
 */
#ifndef WG_OBSERVE_LOGSRC_H
#define WG_OBSERVE_LOGSRC_H

#include "board.h"

#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct logsrc logsrc_t;

/* Opens the log; on failure says why on stderr and returns a negative
 * code (-errno, or a wg/error.h code). */
int logsrc_open(const char *path, logsrc_t **out);
void logsrc_destroy(logsrc_t **self_p);

/* Reads what was appended since. Returns how many records were new. */
size_t logsrc_refresh(logsrc_t *self);
/* Whole turns read (TurnResults), and whether the ExerciseEnd was. */
uint32_t logsrc_turns(const logsrc_t *self);
bool logsrc_finished(const logsrc_t *self);
/* What stopped the reading, or NULL: a corrupt record, say. */
const char *logsrc_problem(const logsrc_t *self);
const wg_scenario_t *logsrc_scenario(const logsrc_t *self);

/* Rebuilds b (its view kept) at position `turn` (0 .. logsrc_turns()), or
 * with every record read when all is true. */
void logsrc_show(const logsrc_t *self, board_t *b, uint32_t turn, bool all);

#endif
