/*
 * clock.c - wg-adjudicator's clock: the phase deadline timer, stopped
 * while a role owing the phase is away (absent: wait), and paused,
 * resumed or extended by the director.
 */
#include "adjudicator_proc.h"

static void deadline_cb(uv_timer_t *t);

/* absent: wait. The deadline stands still while a role the phase waits
 * for has left (its leaving Forfeit, or no heartbeat), and goes on from
 * where it stood once the role is back. */
void
update_clock(adjudicator_t *a)
{
    wg_adjudicator_t *u = a->adjudicator;
    bool hold = false;
    if (a->absent != WG_ABSENT_WAIT || a->closing || a->lobby_open ||
        a->dir.paused || !wg_adjudicator_started(u) || wg_adjudicator_done(u))
        return;
    for (int k = 0; k <= (int)a->sc->n_nations && !hold; k++)
        hold = wg_adjudicator_owes(u, k) && wg_adjudicator_left(u, k);
    if (hold && !a->clock_stopped) {
        a->clock_left = uv_timer_get_due_in(&a->deadline_timer);
        uv_timer_stop(&a->deadline_timer);
        a->clock_stopped = true;
        WG_DIAG_INFO("turn %u %s: the clock stops: a role it waits for is "
                     "disconnected",
                     wg_adjudicator_turn(u),
                     wg_wire_phase_name(wg_adjudicator_phase(u)));
    } else if (!hold && a->clock_stopped) {
        a->clock_stopped = false;
        uv_timer_start(&a->deadline_timer, deadline_cb, a->clock_left, 0);
        WG_DIAG_INFO("turn %u %s: the clock runs again (%llu ms left)",
                     wg_adjudicator_turn(u),
                     wg_wire_phase_name(wg_adjudicator_phase(u)),
                     (unsigned long long)a->clock_left);
    }
}

/* After anything that may have started a phase: re-arm the deadline. */
void
arm_deadline(adjudicator_t *a)
{
    if (wg_adjudicator_phase_serial(a->adjudicator) == a->armed_serial ||
        a->closing)
        return;
    /* A new phase: the adjudicator's overrides for it go in first, then
     * the fallbacks of absent roles; either may close it. */
    for (;;) {
        uint64_t s = wg_adjudicator_phase_serial(a->adjudicator);
        if (a->n_overrides > 0 && wg_adjudicator_started(a->adjudicator) &&
            !wg_adjudicator_done(a->adjudicator))
            impose_overrides(a);
        if (a->absent == WG_ABSENT_FALLBACK)
            wg_adjudicator_skip_absent(a->adjudicator);
        if (wg_adjudicator_phase_serial(a->adjudicator) == s)
            break;
    }
    uint64_t serial = wg_adjudicator_phase_serial(a->adjudicator);
    a->armed_serial = serial;
    wg_guard_phase(a->lim.guard);
    if (wg_adjudicator_done(a->adjudicator)) {
        uv_timer_stop(&a->deadline_timer);
        return;
    }
    a->clock_stopped = false;
    if (a->dir.paused) { /* the new phase's clock starts on resume */
        a->dir.paused_left = a->sc->deadline_ms;
        return;
    }
    uv_timer_start(&a->deadline_timer, deadline_cb, a->sc->deadline_ms, 0);
    update_clock(a);
}

static void
deadline_cb(uv_timer_t *t)
{
    adjudicator_t *a = t->data;
    WG_DIAG_INFO("turn %u %s: deadline passed",
                 wg_adjudicator_turn(a->adjudicator),
                 wg_wire_phase_name(wg_adjudicator_phase(a->adjudicator)));
    wg_adjudicator_deadline(a->adjudicator);
    arm_deadline(a);
}

/* ---- the director (director.h; docs/PROTOCOL.md, "The director") ---- */

/* What is left of the current phase's deadline, in ms. */
uint64_t
clock_ms_left(adjudicator_t *a)
{
    if (a->dir.paused)
        return a->dir.paused_left;
    if (a->clock_stopped)
        return a->clock_left;
    return uv_is_active((uv_handle_t *)&a->deadline_timer)
               ? uv_timer_get_due_in(&a->deadline_timer)
               : 0;
}

/* Pause keeps what is left of the deadline; the roles' messages wait. */
void
pause_clock(adjudicator_t *a)
{
    a->dir.paused = true;
    if (a->clock_stopped) {
        a->dir.paused_left = a->clock_left;
    } else if (uv_is_active((uv_handle_t *)&a->deadline_timer)) {
        a->dir.paused_left = uv_timer_get_due_in(&a->deadline_timer);
        uv_timer_stop(&a->deadline_timer);
    } else {
        a->dir.paused_left = a->sc->deadline_ms;
    }
}

/* Resume runs the clock on from where it stood, then hands the held
 * messages over. */
void
resume_clock(adjudicator_t *a)
{
    wg_adjudicator_t *u = a->adjudicator;
    a->dir.paused = false;
    if (a->clock_stopped)
        a->clock_left = a->dir.paused_left;
    else if (!a->lobby_open && wg_adjudicator_started(u) &&
             !wg_adjudicator_done(u))
        uv_timer_start(&a->deadline_timer, deadline_cb, a->dir.paused_left, 0);
    hand_over_held(a);
}

void
extend_clock(adjudicator_t *a, uint32_t seconds)
{
    uint64_t ms = (uint64_t)seconds * 1000;
    if (a->dir.paused)
        a->dir.paused_left += ms;
    else if (a->clock_stopped)
        a->clock_left += ms;
    else if (uv_is_active((uv_handle_t *)&a->deadline_timer))
        uv_timer_start(&a->deadline_timer, deadline_cb,
                       uv_timer_get_due_in(&a->deadline_timer) + ms, 0);
}
