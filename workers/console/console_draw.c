/*
 * console_draw.c - what the team console shows: the decision due now and
 * the time left first, then what the role knows (the figures of its
 * nation or of the force, the sectors along the line, its units or the
 * nations, the last turn's events).
 *
 * Reads the console's picture (console_t) only; writes through the
 * terminal UI's wg_tui_print. Loop thread only; no errors.
 */
#include "console_int.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include <stdio.h>
#include <string.h>

static const char *
turn_type_name(wg_turn_type_t t)
{
    const wg_turn_info_t *ti = wg_turn_info((int)t);
    return ti ? ti->name : "-";
}

static const char *
status_name(uint8_t s)
{
    static const char *names[] = {"-", "preparing", "ready", "deployed",
                                  "recovering"};
    return s < 5 ? names[s] : "?";
}

static void
draw_header(const console_t *c, wg_tui_t *tui)
{
    const wg_phase_info_t *p = wg_phase_info(c->phase);
    char who[96];
    if (c->command)
        snprintf(who, sizeof who, "coalition command");
    else
        snprintf(who, sizeof who, "%s %s", c->role,
                 c->sc && c->nation >= 0 ? c->sc->nations[c->nation].name : "");
    wg_tui_print(tui, 0, 0, WG_TUI_REVERSE | WG_TUI_BOLD,
                 " wg team console | %s | operator %s | turn %u/%u %s %s "
                 "| week %u | %s ",
                 who, c->operator_name, c->turn, c->total_turns,
                 turn_type_name(c->type), p ? p->name : "-",
                 c->have_picture ? c->st->week : 0,
                 c->link_up ? "link up" : "RECONNECTING...");
}

static long
seconds_left(const console_t *c)
{
    uint64_t now = uv_now(c->loop);
    return c->deadline_at > now ? (long)((c->deadline_at - now + 999) / 1000)
                                : 0;
}

static void
draw_due(const console_t *c, wg_tui_t *tui)
{
    const wg_phase_info_t *p = wg_phase_info(c->owed_phase);
    char line[CONSOLE_LINE];
    switch (c->step) {
    case CONSOLE_IDLE:
        wg_tui_print(tui, 1, 0, WG_TUI_PLAIN, "Nothing due from you now. %s",
                     c->turn ? "Waiting for the next phase." : "");
        return;
    case CONSOLE_MENU:
    case CONSOLE_FORM:
    case CONSOLE_CONFIRM:
        wg_tui_print(tui, 1, 0, WG_TUI_BOLD,
                     "DUE NOW: turn %u %s: %s. Time left: %ld s", c->owed_turn,
                     p ? p->name : "?", p ? p->asks : "", seconds_left(c));
        break;
    case CONSOLE_SENT:
        wg_tui_print(tui, 1, 0, WG_TUI_PLAIN,
                     "Sent for turn %u %s; waiting for the others.",
                     c->owed_turn, p ? p->name : "?");
        return;
    case CONSOLE_MISSED:
        wg_tui_print(tui, 1, 0, WG_TUI_ALERT,
                     "Missed turn %u %s: the deadline passed and the "
                     "fallback played.",
                     c->owed_turn, p ? p->name : "?");
        return;
    }
    if (c->has_proposal) {
        console_forms_describe(c, &c->proposal, line, sizeof line);
        wg_tui_print(tui, 2, 0, WG_TUI_PLAIN, "Assistant %s proposes %s",
                     c->assist->name, line);
    }
    if (c->step == CONSOLE_MENU)
        wg_tui_print(tui, 3, 0, WG_TUI_BOLD,
                     "[a] accept the proposal  [e] edit it  [n] your own "
                     "orders instead");
    else if (c->step == CONSOLE_FORM)
        wg_tui_print(tui, 3, 0, WG_TUI_DIM,
                     "Field %d of %d below; Enter takes it, Esc goes back.",
                     c->field + 1, c->n_fields);
}

static void
draw_figures(const console_t *c, wg_tui_t *tui, int row)
{
    const wg_state_t *st = c->st;
    if (c->command) {
        wg_tui_print(tui, row, 0, WG_TUI_PLAIN,
                     "Escalation %u  stability %.1f  ROE %s  in theatre %u "
                     "(target %u)",
                     st->escalation, st->stability,
                     st->robust_roe ? "robust" : "restrictive",
                     wg_state_deployed(st, -1), c->sc->command.target_troops);
        return;
    }
    const wg_nation_seen_t *n = &c->seen[c->nation];
    const wg_nation_state_t *ns = &st->nations[c->nation];
    wg_tui_print(tui, row, 0, WG_TUI_PLAIN,
                 "Cohesion %.1f%s  ceiling %u  deployed %u  preparing %u  "
                 "recovering %u  killed %u  wounded %u  | escalation %u  "
                 "stability %.1f",
                 ns->cohesion,
                 ns->withdrawn ? " (withdrawn)"
                 : ns->leaving ? " (leaving)"
                               : "",
                 n->max_troops, n->deployed, n->preparing, n->recovering,
                 ns->kia, ns->wia, st->escalation, st->stability);
}

/* Incidents of the phase in sector s: how many, and how many name us. */
static void
sector_incidents(const console_t *c, size_t s, char *buf, size_t n)
{
    uint32_t all = 0, ours = 0;
    if (c->step != CONSOLE_IDLE && c->mat != NULL)
        for (uint32_t i = 0; i < c->mat->inc.n; i++)
            if (c->mat->inc.items[i].sector == s) {
                all += c->mat->inc.items[i].count;
                if (c->mat->inc.items[i].nation == c->nation && !c->command)
                    ours++;
            }
    if (all == 0)
        snprintf(buf, n, "-");
    else if (c->command)
        snprintf(buf, n, "%u", all);
    else
        snprintf(buf, n, "%u (%u to answer)", all, ours);
}

/* What the command requires in sector s: in a phase that carries the
 * turn's new requirement (pledge, assign), that one. */
static uint32_t
required(const console_t *c, size_t s)
{
    const wg_phase_info_t *p = wg_phase_info(c->owed_phase);
    if (c->step != CONSOLE_IDLE && p != NULL &&
        (p->material & WG_MATERIAL_REQUIREMENT))
        return c->mat->req.troops[s];
    return c->st->required[s];
}

static int
draw_sectors(const console_t *c, wg_tui_t *tui, int row)
{
    wg_tui_print(tui, row++, 0, WG_TUI_BOLD,
                 "%-6s %-30s %6s %8s %8s %8s %8s  %s", "sector", "name",
                 "threat", "required", c->command ? "" : "own", "deployed",
                 "coverage", "incidents");
    for (size_t s = 0; s < c->sc->n_sectors; s++) {
        uint32_t own = 0, all = 0;
        for (uint32_t i = 0; i < c->st->n_units; i++) {
            const wg_unit_t *u = &c->st->units[i];
            if (u->status != WG_UNIT_DEPLOYED || u->sector != (int)s)
                continue;
            all += u->troops;
            if ((int)u->nation == c->nation)
                own += u->troops;
        }
        char inc[48], owns[16] = "";
        sector_incidents(c, s, inc, sizeof inc);
        if (!c->command)
            snprintf(owns, sizeof owns, "%u", own);
        const wg_sector_t *sec = &c->sc->sectors[s];
        wg_tui_print(tui, row++, 0, WG_TUI_PLAIN,
                     "%-6s %-30.30s %6.0f %8u %8s %8u %8.2f  %s", sec->code,
                     sec->name, sec->threat, required(c, s), owns, all,
                     c->st->coverage[s], inc);
    }
    return row;
}

/* The nation's own units, several to a row. */
static int
draw_units(const console_t *c, wg_tui_t *tui, int row, int cols)
{
    wg_tui_print(tui, row++, 0, WG_TUI_BOLD,
                 "Own units (id sector status weeks-left troops):");
    char line[CONSOLE_LINE] = "";
    size_t at = 0;
    for (uint32_t i = 0; i < c->st->n_units; i++) {
        const wg_unit_t *u = &c->st->units[i];
        if ((int)u->nation != c->nation)
            continue;
        char one[64];
        int l =
            snprintf(one, sizeof one, "#%u %s %s %dw %u   ", u->id,
                     u->sector >= 0 ? c->sc->sectors[u->sector].code : "home",
                     status_name(u->status), u->weeks_left, u->troops);
        if (at + (size_t)l >= (size_t)cols || at + (size_t)l >= sizeof line) {
            wg_tui_print(tui, row++, 2, WG_TUI_PLAIN, "%s", line);
            at = 0;
        }
        at += (size_t)snprintf(line + at, sizeof line - at, "%s", one);
    }
    wg_tui_print(tui, row++, 2, WG_TUI_PLAIN, "%s", at ? line : "none");
    return row;
}

/* The command sees the nations: troops, ceilings, cohesion, pledges. */
static int
draw_nations(const console_t *c, wg_tui_t *tui, int row)
{
    wg_tui_print(tui, row++, 0, WG_TUI_BOLD, "%-6s %9s %9s %10s %9s %8s %8s",
                 "nation", "deployed", "preparing", "recovering", "ceiling",
                 "cohesion", "pledged");
    for (size_t i = 0; i < c->sc->n_nations; i++) {
        const wg_nation_seen_t *n = &c->seen[i];
        const wg_nation_state_t *ns = &c->st->nations[i];
        uint32_t pledged = c->step != CONSOLE_IDLE && c->mat != NULL
                               ? c->mat->pledges[i].troops
                               : 0;
        wg_tui_print(tui, row++, 0, WG_TUI_PLAIN,
                     "%-6s %9u %9u %10u %9u %8.1f %8u%s",
                     c->sc->nations[i].code, n->deployed, n->preparing,
                     n->recovering, n->max_troops, ns->cohesion, pledged,
                     ns->withdrawn ? " withdrawn"
                     : ns->leaving ? " leaving"
                                   : "");
    }
    return row;
}

static int
draw_last_turn(const console_t *c, wg_tui_t *tui, int row)
{
    if (c->last_turn == 0)
        return row;
    const wg_turn_result_t *r = c->last;
    wg_tui_print(tui, row++, 0, WG_TUI_BOLD,
                 "Last turn (%u, %s): %u incidents, %u killed, %u wounded, "
                 "escalation %u, stability %.1f",
                 c->last_turn, turn_type_name(r->type), r->incidents, r->kia,
                 r->wia, r->escalation, r->stability);
    for (uint32_t i = 0; i < r->n_events; i++)
        wg_tui_print(tui, row++, 2, WG_TUI_PLAIN, "- %s", r->events[i]);
    return row;
}

void
console_draw_cb(wg_tui_t *tui, int rows, int cols, void *arg)
{
    const console_t *c = arg;
    (void)rows;
    draw_header(c, tui);
    if (c->sc == NULL) {
        wg_tui_print(tui, 2, 0, WG_TUI_PLAIN,
                     "Waiting for the adjudicator: joining as %s...", c->role);
        return;
    }
    draw_due(c, tui);
    for (int i = 0; i < c->n_recent; i++)
        wg_tui_print(tui, 4 + i, 0, WG_TUI_DIM, "> %s", c->recent[i]);
    if (!c->have_picture)
        return;
    int row = 5 + CONSOLE_RECENT;
    draw_figures(c, tui, row++);
    row = draw_sectors(c, tui, row + 1);
    row = c->command ? draw_nations(c, tui, row + 1)
                     : draw_units(c, tui, row + 1, cols - 2);
    draw_last_turn(c, tui, row + 1);
}
