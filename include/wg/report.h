/*
 * wg/report.h - what the adjudicator prints about an exercise: one line per
 * turn and the final summary, from the messages the adjudicator broadcast.
 * Presentation only (common/report.c): the adjudicator never calls it.
 */
#ifndef WG_REPORT_H
#define WG_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "wg.pb-c.h"
#include "wg/scenario.h"

/* One line per turn, as the adjudicator prints it. */
void wg_format_turn_line(uint32_t turn, const Wgpb__V1__TurnResult *r,
                         char *buf, size_t n);
/* The final summary, several lines. */
void wg_format_summary(const wg_scenario_t *sc, const Wgpb__V1__ExerciseEnd *e,
                       char *buf, size_t n);

#endif
