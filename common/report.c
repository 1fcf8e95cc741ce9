/*
 * report.c - what the adjudicator prints: one line per turn and the final
 * summary (wg/report.h). Presentation only: it reads messages the adjudicator
 * made and never the adjudicator itself. No state; errors: none (output is
 * truncated to the buffer).
 */
#include "wg/report.h"
#include "wg/phases.h"

#include <stdio.h>

void
wg_format_turn_line(uint32_t turn, const Wgpb__V1__TurnResult *r, char *buf,
                    size_t n)
{
    const wg_turn_info_t *tt = wg_turn_info((int)r->type);
    uint32_t deployed = 0, committed = 0;
    size_t off = (size_t)snprintf(buf, n, "turn %3u %-10s wk %3u |", turn,
                                  tt ? tt->name : "?", r->week);
    for (size_t i = 0; i < r->n_nations && off < n; i++) {
        const Wgpb__V1__NationResult *nr = r->nations[i];
        deployed += nr->deployed;
        committed += nr->deployed + nr->preparing + nr->recovering;
        off += (size_t)snprintf(buf + off, n - off, " %s %5u%s", nr->code,
                                nr->deployed,
                                nr->withdrawn ? "x"
                                : nr->leaving ? "-"
                                              : " ");
    }
    /* The incidents split as a reader compares them with the record:
     * ceasefire violations a day (the SMM's count), drone and jamming
     * events, and the events that reached the force; and the regime. */
    if (off < n)
        snprintf(buf + off, n - off,
                 "| theatre %5u committed %6u | %-7s viol/day %6.1f "
                 "drone/jam %5u on force %3u | kia %2u wia %3u "
                 "| stability %5.1f escalation %u",
                 deployed, committed, r->regime ? r->regime : "",
                 r->violations_per_day, r->drone_activity, r->force_events,
                 r->kia, r->wia, r->stability, r->escalation);
}

void
wg_format_summary(const wg_scenario_t *sc, const Wgpb__V1__ExerciseEnd *e,
                  char *buf, size_t n)
{
    size_t off = (size_t)snprintf(
        buf, n,
        "summary: scenario %s, seed %llu, %u turns\n"
        "  peak troops in theatre  %u\n"
        "  peak committed force    %u (deployed + preparing + recovering)\n"
        "  incidents %u, killed %u, wounded %u\n"
        "  final stability %.1f, escalation %u\n"
        "  rejected messages %llu\n"
        "  withdrawn:",
        sc->name, (unsigned long long)sc->seed, e->turns, e->peak_deployed,
        e->peak_committed, e->incidents, e->kia, e->wia, e->stability,
        e->escalation, (unsigned long long)e->rejected);
    for (size_t i = 0; i < e->n_withdrawn && off < n; i++)
        off += (size_t)snprintf(buf + off, n - off, " %s", e->withdrawn[i]);
    if (e->n_withdrawn == 0 && off < n)
        snprintf(buf + off, n - off, " none");
}
