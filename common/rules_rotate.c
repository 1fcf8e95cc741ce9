/*
 * rules_rotate.c - the rules of a rotation turn: validating and holding
 * rotation orders, relieving, sending home, and a nation's withdrawal.
 *
 * Pure functions of (scenario, state, orders), like all of the rules: see
 * rules.c for what that promises. docs/RULES.md is the prose version.
 */
#include "rules_int.h"
#include "wg/rules.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- rotation -------------------------------------------------------------
 */

static bool
rotation_blocked(const wg_scenario_t *sc, const wg_nation_state_t *ns)
{
    return ns->leaving || ns->withdrawn ||
           ns->cohesion < sc->cohesion.no_rotation_below;
}

/* New units the nation's manpower still allows. */
static uint32_t
manpower_units(const wg_scenario_t *sc, const wg_state_t *st, size_t i)
{
    uint32_t left = wg_rules_manpower_left(sc, st, i);
    return left == UINT32_MAX ? UINT32_MAX
                              : left / wg__rules_unit_size(&sc->nations[i]);
}

static bool
id_listed(const uint32_t *ids, uint32_t n, uint32_t id)
{
    for (uint32_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* The command's orders: moves only. */
static int
validate_command_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                          wg_rotation_t *rot, char *why, size_t why_len)
{
    int n = 0;
    if (rot->n_relieve || rot->n_recall || rot->prepare) {
        wg__rules_correct(&n, why, why_len,
                          "command cannot relieve/recall/prepare");
        rot->n_relieve = rot->n_recall = rot->prepare = 0;
    }
    if (rot->n_moves > WG_MAX_MOVES)
        rot->n_moves = WG_MAX_MOVES;
    uint32_t keep = 0;
    for (uint32_t m = 0; m < rot->n_moves; m++) {
        wg_move_t mv = rot->moves[m];
        const wg_unit_t *u = wg__rules_find_unit_c(st, mv.unit);
        bool dup = false;
        for (uint32_t j = 0; j < keep; j++)
            dup = dup || rot->moves[j].unit == mv.unit;
        if (u == NULL || u->status != WG_UNIT_DEPLOYED || dup ||
            !wg_rules_sector_allowed(sc, u->nation, mv.sector)) {
            wg__rules_correct(&n, why, why_len,
                              "move of unit %u to sector %u refused", mv.unit,
                              mv.sector);
            continue;
        }
        rot->moves[keep++] = mv;
    }
    rot->n_moves = keep;
    return n;
}

/* A contingent's relief list: its own due units, one ready unit each,
 * within a ceiling it lowered at a force review. */
static void
validate_relief(const wg_scenario_t *sc, const wg_state_t *st, size_t i,
                uint32_t w, const uint32_t c[6], wg_rotation_t *rot, int *n,
                char *why, size_t why_len)
{
    const char *code = sc->nations[i].code;
    const wg_nation_state_t *ns = &st->nations[i];
    if (rot->n_relieve > WG_MAX_ORDER_UNITS)
        rot->n_relieve = WG_MAX_ORDER_UNITS;
    uint64_t room = wg_rules_relief_room(sc, st, i, w), relieved = 0;
    uint32_t keep = 0;
    for (uint32_t k = 0; k < rot->n_relieve; k++) {
        uint32_t id = rot->relieve[k];
        const wg_unit_t *u = wg__rules_find_unit_c(st, id);
        const char *bad = NULL;
        if (u == NULL || u->nation != i || !wg_rules_unit_due(sc, u, w))
            bad = "not a due unit of its own";
        else if (id_listed(rot->relieve, keep, id))
            bad = "listed twice";
        else if (ns->leaving || ns->withdrawn)
            bad = "a leaving nation does not relieve";
        else if (keep >= c[WG_UNIT_READY])
            bad = "no ready unit left to relieve it";
        else if (relieved + u->troops > room)
            bad = "above the ceiling it lowered";
        if (bad != NULL) {
            wg__rules_correct(n, why, why_len, "%s: relieve %u: %s", code, id,
                              bad);
            continue;
        }
        relieved += u->troops;
        rot->relieve[keep++] = id;
    }
    rot->n_relieve = keep;
}

/* A contingent's recall list: its own deployed units, not also relieved. */
static void
validate_recall(const wg_scenario_t *sc, const wg_state_t *st, size_t i,
                wg_rotation_t *rot, int *n, char *why, size_t why_len)
{
    if (rot->n_recall > WG_MAX_ORDER_UNITS)
        rot->n_recall = WG_MAX_ORDER_UNITS;
    uint32_t keep = 0;
    for (uint32_t k = 0; k < rot->n_recall; k++) {
        uint32_t id = rot->recall[k];
        const wg_unit_t *u = wg__rules_find_unit_c(st, id);
        if (u == NULL || u->nation != i || u->status != WG_UNIT_DEPLOYED ||
            id_listed(rot->recall, keep, id) ||
            id_listed(rot->relieve, rot->n_relieve, id)) {
            wg__rules_correct(n, why, why_len, "%s: recall %u refused",
                              sc->nations[i].code, id);
            continue;
        }
        rot->recall[keep++] = id;
    }
    rot->n_recall = keep;
}

/* Preparations: at most one relief in the pipeline per unit that will
 * still be deployed after this rotation. */
static void
validate_prepare(const wg_scenario_t *sc, const wg_state_t *st, size_t i,
                 uint32_t w, const uint32_t c[6], wg_rotation_t *rot, int *n,
                 char *why, size_t why_len)
{
    const wg_nation_state_t *ns = &st->nations[i];
    uint32_t gaps = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation == i && wg_rules_unit_due(sc, u, w) &&
            !id_listed(rot->relieve, rot->n_relieve, u->id) &&
            !id_listed(rot->recall, rot->n_recall, u->id))
            gaps++;
    }
    /* An entry force on its way needs its reliefs as much as a unit there
     * does: they may prepare while it does. */
    uint32_t stay =
        c[WG_UNIT_DEPLOYED] + c[WG_UNIT_ENTERING] - gaps - rot->n_recall;
    uint32_t pipe = c[WG_UNIT_PREPARING] + c[WG_UNIT_READY] - rot->n_relieve;
    uint32_t max_prepare = rotation_blocked(sc, ns) ? 0
                           : stay > pipe            ? stay - pipe
                                                    : 0;
    uint32_t pool = manpower_units(sc, st, i);
    bool short_of_men = pool < max_prepare;
    if (short_of_men)
        max_prepare = pool;
    if (rot->prepare > max_prepare) {
        wg__rules_correct(n, why, why_len, "%s: prepare %u over %u (%s)",
                          sc->nations[i].code, rot->prepare, max_prepare,
                          rotation_blocked(sc, ns) ? "cohesion"
                          : short_of_men           ? "manpower"
                                                   : "one per unit");
        rot->prepare = max_prepare;
    }
}

int
wg_rules_validate_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                           int nation, wg_rotation_t *rot, char *why,
                           size_t why_len)
{
    wg__rules_why_clear(why, why_len);
    if (nation < 0)
        return validate_command_rotation(sc, st, rot, why, why_len);
    int n = 0;
    size_t i = (size_t)nation;
    if (i >= sc->n_nations)
        return 0;
    uint32_t w = wg_rules_weeks_to_next_rotation(sc, st->turn);
    uint32_t c[6];
    wg__rules_count_units(st, i, c);

    if (rot->n_moves) {
        wg__rules_correct(&n, why, why_len, "%s: moves are the command's",
                          sc->nations[i].code);
        rot->n_moves = 0;
    }
    validate_relief(sc, st, i, w, c, rot, &n, why, why_len);
    validate_recall(sc, st, i, rot, &n, why, why_len);
    validate_prepare(sc, st, i, w, c, rot, &n, why, why_len);
    return n;
}

/*
 * The standing rotation policy, played when a contingent misses the
 * deadline ("hold" means keep what is deployed, which needs reliefs):
 * relieve every due unit a ready unit can take, and prepare reliefs for the
 * units that will be due at the first rotation a unit prepared now can
 * serve (P weeks away, rounded up to a rotation turn), less the reliefs
 * already in the pipeline.
 */
void
wg_rules_hold_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                       int nation, wg_rotation_t *rot)
{
    memset(rot, 0, sizeof *rot);
    if (nation < 0 || (size_t)nation >= sc->n_nations)
        return;
    size_t i = (size_t)nation;
    const wg_nation_state_t *ns = &st->nations[i];
    if (ns->withdrawn || ns->leaving)
        return;
    uint32_t w = wg_rules_weeks_to_next_rotation(sc, st->turn);
    uint32_t c[6];
    wg__rules_count_units(st, i, c);

    uint32_t d, wd = 0;
    uint32_t r =
        wg__rules_rotation_after(sc, st->turn, sc->nations[i].prep_weeks, &d);
    if (r != 0)
        wd = wg_rules_weeks_to_next_rotation(sc, r);
    uint32_t need = 0;
    uint64_t room = wg_rules_relief_room(sc, st, i, w), relieved = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation == i && u->status == WG_UNIT_ENTERING && r != 0 &&
            ((int64_t)u->weeks_left + u->first_tour - (int64_t)d) * 2 <=
                (int64_t)wd) {
            need++; /* its first tour ends by then */
            continue;
        }
        if (u->nation != i || u->status != WG_UNIT_DEPLOYED)
            continue;
        if (wg_rules_unit_due(sc, u, w)) {
            if (rot->n_relieve < c[WG_UNIT_READY] &&
                rot->n_relieve < WG_MAX_ORDER_UNITS &&
                relieved + u->troops <= room) {
                rot->relieve[rot->n_relieve++] = u->id;
                relieved += u->troops;
            }
        } else if (r != 0 &&
                   ((int64_t)u->weeks_left - (int64_t)d) * 2 <= (int64_t)wd) {
            need++;
        }
    }
    /* The units relieving now start fresh tours; a tour shorter than the
     * preparation time plus half an interval is due again by then. */
    int64_t fresh = sc->nations[i].tour_weeks;
    if (r != 0 && (fresh - (int64_t)d) * 2 <= (int64_t)wd)
        need += rot->n_relieve;
    uint32_t pipe = c[WG_UNIT_PREPARING] + c[WG_UNIT_READY] - rot->n_relieve;
    rot->prepare = need > pipe ? need - pipe : 0;
    uint32_t pool = manpower_units(sc, st, i);
    if (rot->prepare > pool)
        rot->prepare = pool;
    if (rotation_blocked(sc, ns))
        rot->prepare = 0;
}

/* Takes a nation out: deployed units go home to recover, units at home
 * stand down, the gate closes and the allies' publics take note. */
void
wg__rules_withdraw_nation(const wg_scenario_t *sc, wg_state_t *st, size_t i,
                          wg_turn_result_t *res)
{
    wg_nation_state_t *ns = &st->nations[i];
    if (ns->withdrawn)
        return;
    for (uint32_t k = 0; k < st->n_units; k++) {
        wg_unit_t *u = &st->units[k];
        if (u->nation != i)
            continue;
        if (u->status == WG_UNIT_DEPLOYED) {
            u->status = WG_UNIT_RECOVERING;
            u->sector = -1;
            u->weeks_left = (int32_t)sc->nations[i].recovery_weeks;
        } else if (u->status == WG_UNIT_PREPARING ||
                   u->status == WG_UNIT_READY ||
                   u->status == WG_UNIT_ENTERING) {
            u->status = 0;
        }
    }
    wg__rules_compact_units(st);
    ns->withdrawn = true;
    ns->leaving = false;
    ns->gate_open = false;
    wg__rules_add_event(res, "%s withdraws", sc->nations[i].code);
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    wg__rules_nation_totals(st, committed, deployed);
    for (size_t j = 0; j < sc->n_nations; j++) {
        wg_nation_state_t *o = &st->nations[j];
        if (j == i || o->withdrawn || committed[j] == 0)
            continue;
        o->cohesion -= sc->cohesion.ally_withdraw_penalty;
        if (o->cohesion < 0)
            o->cohesion = 0;
    }
}

static void
send_home(const wg_scenario_t *sc, wg_unit_t *u)
{
    u->status = WG_UNIT_RECOVERING;
    u->sector = -1;
    u->weeks_left = (int32_t)sc->nations[u->nation].recovery_weeks;
}

/* One nation's validated orders; returns the units that left unrelieved. */
static uint32_t
rotate_nation(const wg_scenario_t *sc, wg_state_t *st, size_t i,
              const wg_rotation_t *rot, uint32_t w)
{
    const wg_nation_t *nat = &sc->nations[i];
    const wg_nation_state_t *ns = &st->nations[i];
    uint32_t gaps = 0;
    uint32_t next_ready = 0; /* ready units are taken in id order */
    for (uint32_t k = 0; k < rot->n_relieve && !ns->leaving; k++) {
        wg_unit_t *u = wg__rules_find_unit(st, rot->relieve[k]);
        if (u == NULL || u->nation != i || !wg_rules_unit_due(sc, u, w))
            continue;
        while (next_ready < st->n_units &&
               !(st->units[next_ready].nation == i &&
                 st->units[next_ready].status == WG_UNIT_READY))
            next_ready++;
        if (next_ready >= st->n_units)
            break;
        wg_unit_t *r = &st->units[next_ready];
        r->status = WG_UNIT_DEPLOYED;
        r->sector = u->sector;
        r->weeks_left = (int32_t)nat->tour_weeks;
        send_home(sc, u);
    }
    for (uint32_t k = 0; k < rot->n_recall; k++) {
        wg_unit_t *u = wg__rules_find_unit(st, rot->recall[k]);
        if (u != NULL && u->nation == i && u->status == WG_UNIT_DEPLOYED)
            send_home(sc, u);
    }
    /* A tour that is over ends, relieved or not: the unit goes home and
     * its place stays empty. A unit just relieved in has a fresh tour and
     * is never due here. */
    for (uint32_t k = 0; k < st->n_units; k++) {
        wg_unit_t *u = &st->units[k];
        if (u->nation == i && wg_rules_unit_due(sc, u, w)) {
            send_home(sc, u);
            gaps++;
        }
    }
    uint32_t c[6];
    wg__rules_count_units(st, i, c);
    uint32_t pipe = c[WG_UNIT_PREPARING] + c[WG_UNIT_READY];
    uint32_t max_prepare =
        rotation_blocked(sc, ns) ? 0
        : c[WG_UNIT_DEPLOYED] + c[WG_UNIT_ENTERING] > pipe
            ? c[WG_UNIT_DEPLOYED] + c[WG_UNIT_ENTERING] - pipe
            : 0;
    uint32_t pool = manpower_units(sc, st, i);
    if (max_prepare > pool)
        max_prepare = pool;
    uint32_t prepare = rot->prepare < max_prepare ? rot->prepare : max_prepare;
    for (uint32_t k = 0; k < prepare; k++)
        if (wg__rules_new_unit(st, i, -1, WG_UNIT_PREPARING,
                               (int32_t)nat->prep_weeks,
                               wg__rules_unit_size(nat)) == NULL)
            break;
    return gaps;
}

void
wg_rules_rotate(const wg_scenario_t *sc, wg_state_t *st,
                const wg_rotation_t orders[WG_MAX_NATIONS],
                const wg_rotation_t *command, wg_turn_result_t *res)
{
    uint32_t w = wg_rules_weeks_to_next_rotation(sc, st->turn);
    for (size_t i = 0; i < sc->n_nations; i++) {
        if (st->nations[i].withdrawn)
            continue;
        bool had = wg_state_deployed(st, (int)i) > 0;
        uint32_t gaps = rotate_nation(sc, st, i, &orders[i], w);
        res->nations[i].gaps += gaps;
        if (gaps > 0)
            wg__rules_add_event(res, "%s leaves %u unit%s unrelieved",
                                sc->nations[i].code, gaps,
                                gaps == 1 ? "" : "s");
        if (st->nations[i].leaving && had && wg_state_deployed(st, (int)i) == 0)
            wg__rules_withdraw_nation(sc, st, i, res);
    }
    for (uint32_t m = 0; command != NULL && m < command->n_moves; m++) {
        wg_unit_t *u = wg__rules_find_unit(st, command->moves[m].unit);
        if (u != NULL && u->status == WG_UNIT_DEPLOYED &&
            wg_rules_sector_allowed(sc, u->nation, command->moves[m].sector))
            u->sector = (int8_t)command->moves[m].sector;
    }
}
