/*
 * rules.c - the rules every turn shares: gates and caveats, rotation timing,
 * the state and its clock, and the end of a turn. The rules of each turn
 * type are in rules_deploy.c, rules_rotate.c and rules_incident.c; what
 * they share with this file is in rules_int.h.
 *
 * Pure functions of (scenario, state, orders): no I/O, no clock, no global
 * state, and every random draw from st->rng in a fixed order (nations,
 * sectors, incident types and units always in index order), so one seed
 * and the same orders give the same exercise byte for byte. The state is
 * owned by the caller (the adjudicator) and only changed here.
 *
 * Validators never fail: they clamp an order to what the rules allow,
 * return the number of corrections and append a reason to `why`. Appliers
 * trust validated orders but still skip anything that would break the
 * state's invariants (a unit id that is not there, a full unit array).
 * docs/RULES.md is the prose version of this file.
 */
#include "wg/rules.h"
#include "rules_int.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- small helpers --------------------------------------------------------
 */

uint32_t
wg__rules_unit_size(const wg_nation_t *n)
{
    return n->unit_size > 0 ? n->unit_size : 1;
}

/* wg_nation_ceiling lives in scenario.c; rules.c stays independent of the
 * loader so the rules can be tested on hand-built tables. */
static uint32_t
nation_ceiling(const wg_scenario_t *sc, const wg_nation_t *n)
{
    if (sc->mandate == WG_MANDATE_DETERRENCE && n->surge_troops > 0)
        return n->surge_troops;
    return n->max_troops;
}

static wg_turn_type_t
turn_type(const wg_scenario_t *sc, uint32_t turn)
{
    if (turn >= 1 && turn <= sc->n_turns)
        return sc->plan[turn - 1];
    return WG_TURN_INCIDENT;
}

__attribute__((format(printf, 2, 3))) void
wg__rules_add_event(wg_turn_result_t *res, const char *fmt, ...)
{
    if (res == NULL || res->n_events >= WG_MAX_RESULT_EVENTS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->events[res->n_events++], sizeof res->events[0], fmt, ap);
    va_end(ap);
}

/* Counts one correction and appends its reason to `why`, "; "-separated,
 * truncated at why_len. */
__attribute__((format(printf, 4, 5))) void
wg__rules_correct(int *count, char *why, size_t why_len, const char *fmt, ...)
{
    (*count)++;
    if (why == NULL || why_len == 0)
        return;
    size_t used = strnlen(why, why_len);
    if (used + 3 >= why_len)
        return;
    if (used > 0) {
        memcpy(why + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why + used, why_len - used, fmt, ap);
    va_end(ap);
}

void
wg__rules_why_clear(char *why, size_t why_len)
{
    if (why != NULL && why_len > 0)
        why[0] = '\0';
}

wg_unit_t *
wg__rules_find_unit(wg_state_t *st, uint32_t id)
{
    /* Units are appended with rising ids and compaction keeps the order,
     * so the array is sorted by id. */
    uint32_t lo = 0, hi = st->n_units;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (st->units[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->n_units && st->units[lo].id == id ? &st->units[lo] : NULL;
}

const wg_unit_t *
wg__rules_find_unit_c(const wg_state_t *st, uint32_t id)
{
    return wg__rules_find_unit((wg_state_t *)st, id);
}

wg_unit_t *
wg__rules_new_unit(wg_state_t *st, size_t nation, int sector,
                   wg_unit_status_t status, int32_t weeks, uint32_t troops)
{
    if (st->n_units >= WG_MAX_UNITS)
        return NULL;
    wg_unit_t *u = &st->units[st->n_units++];
    u->id = st->next_unit_id++;
    u->nation = (uint8_t)nation;
    u->sector = (int8_t)sector;
    u->status = (uint8_t)status;
    u->weeks_left = weeks;
    u->troops = troops;
    return u;
}

/* Drops units whose status was set to 0 (gone home), keeping id order. */
void
wg__rules_compact_units(wg_state_t *st)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].status != 0)
            st->units[j++] = st->units[i];
    if (j < st->n_units)
        memset(&st->units[j], 0, (st->n_units - j) * sizeof st->units[0]);
    st->n_units = j;
}

/* Troops deployed by nation and sector, in one pass over the units, for
 * the loops that want every cell: asking per cell walked every unit once
 * per cell, which was most of what a turn cost to adjudicate (and so most
 * of `wg-log verify`). */
void
wg__rules_deployed_table(const wg_state_t *st,
                         uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS])
{
    memset(tab, 0, sizeof(uint32_t) * WG_MAX_NATIONS * WG_MAX_SECTORS);
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->status == WG_UNIT_DEPLOYED && u->nation < WG_MAX_NATIONS &&
            u->sector >= 0 && u->sector < WG_MAX_SECTORS)
            tab[u->nation][u->sector] += u->troops;
    }
}

void
wg__rules_bound_table(const wg_state_t *st,
                      uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS])
{
    memset(tab, 0, sizeof(uint32_t) * WG_MAX_NATIONS * WG_MAX_SECTORS);
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if ((u->status == WG_UNIT_DEPLOYED || u->status == WG_UNIT_ENTERING) &&
            u->nation < WG_MAX_NATIONS && u->sector >= 0 &&
            u->sector < WG_MAX_SECTORS)
            tab[u->nation][u->sector] += u->troops;
    }
}

/* Troops committed (every unit in the array) and deployed, by nation, in
 * one pass: the per-nation loops below asked wg_state_committed() and
 * wg_state_deployed() once per nation, each a pass over every unit. */
void
wg__rules_nation_totals(const wg_state_t *st,
                        uint32_t committed[WG_MAX_NATIONS],
                        uint32_t deployed[WG_MAX_NATIONS])
{
    memset(committed, 0, sizeof(uint32_t) * WG_MAX_NATIONS);
    memset(deployed, 0, sizeof(uint32_t) * WG_MAX_NATIONS);
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation >= WG_MAX_NATIONS)
            continue;
        committed[u->nation] += u->troops;
        if (u->status == WG_UNIT_DEPLOYED)
            deployed[u->nation] += u->troops;
    }
}

/* Units of one nation by status (index = wg_unit_status_t). */
void
wg__rules_count_units(const wg_state_t *st, size_t nation, uint32_t counts[6])
{
    memset(counts, 0, 6 * sizeof counts[0]);
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].nation == nation && st->units[i].status <= 5)
            counts[st->units[i].status]++;
}

const wg_regime_t *
wg__rules_regime_of(const wg_scenario_t *sc, uint32_t r)
{
    return r < sc->n_regimes ? &sc->regimes[r] : NULL;
}

/*
 * The first rotation turn after `turn` that is at least `min_weeks` of
 * incident turns away, and its distance in *weeks; 0 if the plan has none
 * (then *weeks runs to the end of the plan). Only incident turns move the
 * clock, so deployment and rotation turns add no weeks.
 */
uint32_t
wg__rules_rotation_after(const wg_scenario_t *sc, uint32_t turn,
                         uint32_t min_weeks, uint32_t *weeks)
{
    uint32_t w = 0;
    for (size_t t = (size_t)turn + 1; t <= sc->n_turns; t++) {
        if (sc->plan[t - 1] == WG_TURN_ROTATION && w >= min_weeks) {
            *weeks = w;
            return (uint32_t)t;
        }
        if (sc->plan[t - 1] == WG_TURN_INCIDENT)
            w += sc->turn_weeks;
    }
    *weeks = w;
    return 0;
}

/* ---- gates and caveats ----------------------------------------------------
 */

bool
wg_rules_gate_open(const wg_scenario_t *sc, const wg_state_t *st, size_t nation)
{
    if (nation >= sc->n_nations || st->nations[nation].withdrawn)
        return false;
    const wg_gate_t *g = &sc->nations[nation].gate;
    /* A closed gate opens only by an open_gate event (a government that
     * declined changes its mind), and not before its turn. */
    if (g->closed && !(g->opens_turn > 0 && g->opens_turn <= st->turn))
        return false;
    if (g->needs_un && sc->auspices != WG_AUSPICES_UN)
        return false;
    if (g->needs_peacekeeping && sc->mandate != WG_MANDATE_PEACEKEEPING)
        return false;
    if (g->needs_deterrence && sc->mandate != WG_MANDATE_DETERRENCE)
        return false;
    if (g->needs_us_enablers && !sc->us_enablers)
        return false;
    if (g->opens_turn > 0 && g->opens_turn > st->turn)
        return false;
    /* The truce condition is a condition for coming in, not for staying:
     * once the gate has opened, a bad week does not close it again (it is
     * cohesion that takes a nation out). */
    if (g->truce_turns > st->truce_turns && !st->nations[nation].gate_open)
        return false;
    return true;
}

uint32_t
wg_rules_ceiling(const wg_scenario_t *sc, const wg_state_t *st, size_t nation)
{
    if (!wg_rules_gate_open(sc, st, nation))
        return 0;
    return wg_rules_max_troops(sc, st, nation);
}

uint32_t
wg_rules_max_troops(const wg_scenario_t *sc, const wg_state_t *st,
                    size_t nation)
{
    uint32_t c = nation_ceiling(sc, &sc->nations[nation]);
    uint32_t lowered = st->nations[nation].ceiling;
    return lowered > 0 && lowered < c ? lowered : c;
}

bool
wg_rules_sector_allowed(const wg_scenario_t *sc, size_t nation, size_t sector)
{
    if (nation >= sc->n_nations || sector >= sc->n_sectors)
        return false;
    const wg_nation_t *n = &sc->nations[nation];
    const wg_sector_t *s = &sc->sectors[sector];
    if (n->gate.rear_only && !s->rear)
        return false;
    /* max_threat 0 is "no caveat", like every zero-valued condition. */
    if (n->max_threat > 0 && s->threat > n->max_threat)
        return false;
    if (n->avoid_sectors & (1u << sector))
        return false;
    return true;
}

/* ---- rotation timing ------------------------------------------------------
 */

uint32_t
wg_rules_weeks_to_next_rotation(const wg_scenario_t *sc, uint32_t turn)
{
    uint32_t w;
    wg__rules_rotation_after(sc, turn, 0, &w);
    return w;
}

bool
wg_rules_unit_due(const wg_scenario_t *sc, const wg_unit_t *u,
                  uint32_t weeks_to_next_rotation)
{
    (void)sc;
    /* Due if the tour ends before the midpoint to the next rotation: a
     * unit is then relieved at most half an interval early or late. */
    return u->status == WG_UNIT_DEPLOYED &&
           (int64_t)u->weeks_left * 2 <= (int64_t)weeks_to_next_rotation;
}

/* ---- state and clock ------------------------------------------------------
 */

void
wg_state_init(wg_state_t *st, const wg_scenario_t *sc)
{
    memset(st, 0, sizeof *st);
    wg_rng_seed(&st->rng, sc->seed);
    st->stability = sc->stability.start;
    st->regime = sc->threat.managed_regime;
    st->robust_roe = sc->command.robust_roe;
    st->next_unit_id = 1;
    for (size_t s = 0; s < WG_MAX_SECTORS; s++)
        st->held[s] = 1.0;
    for (size_t i = 0; i < sc->n_nations; i++) {
        st->nations[i].cohesion = sc->nations[i].cohesion_start;
        st->nations[i].gate_open = wg_rules_gate_open(sc, st, i);
    }
}

/* Ages every unit by `weeks`: preparation and recovery end, and entry
 * forces that are ready deploy to their sectors for their first tour. */
static void
age_units(const wg_scenario_t *sc, wg_state_t *st, uint32_t weeks,
          wg_turn_result_t *res)
{
    uint32_t arrived[WG_MAX_NATIONS] = {0};
    for (uint32_t i = 0; i < st->n_units; i++) {
        wg_unit_t *u = &st->units[i];
        switch (u->status) {
        case WG_UNIT_ENTERING:
            u->weeks_left -= (int32_t)weeks;
            if (u->weeks_left <= 0) {
                u->status = WG_UNIT_DEPLOYED;
                u->weeks_left = (int32_t)u->first_tour;
                u->first_tour = 0;
                arrived[u->nation] += u->troops;
            }
            break;
        case WG_UNIT_PREPARING:
            u->weeks_left -= (int32_t)weeks;
            if (u->weeks_left <= 0) {
                u->status = WG_UNIT_READY;
                u->weeks_left = 0;
            }
            break;
        case WG_UNIT_DEPLOYED:
            u->weeks_left -= (int32_t)weeks;
            break;
        case WG_UNIT_RECOVERING:
            u->weeks_left -= (int32_t)weeks;
            if (u->weeks_left <= 0)
                u->status = 0; /* home */
            break;
        default:
            break;
        }
    }
    wg__rules_compact_units(st);
    for (size_t n = 0; n < sc->n_nations; n++)
        if (arrived[n] > 0)
            wg__rules_add_event(res, "%s: %u troops arrive in theatre",
                                sc->nations[n].code, arrived[n]);
}

void
wg_rules_begin_turn(const wg_scenario_t *sc, wg_state_t *st,
                    wg_turn_result_t *res)
{
    st->turn++;
    st->reinforced_mask = 0;
    wg_turn_type_t type = turn_type(sc, st->turn);
    if (type == WG_TURN_INCIDENT) {
        st->week += sc->turn_weeks;
        age_units(sc, st, sc->turn_weeks, res);
    }
    res->type = type;
    res->week = st->week;

    for (size_t i = 0; i < sc->n_events; i++) {
        const wg_event_t *e = &sc->events[i];
        if (e->turn != st->turn)
            continue;
        if (e->kind == WG_EVENT_REGIME)
            wg__rules_force_regime(sc, st, e->regime, e->sectors);
        if (e->text[0] != '\0')
            wg__rules_add_event(res, "%s", e->text);
    }

    for (size_t i = 0; i < sc->n_nations; i++) {
        bool was = st->nations[i].gate_open;
        bool now = wg_rules_gate_open(sc, st, i);
        st->nations[i].gate_open = now;
        if (now && !was)
            wg__rules_add_event(res, "%s gate opens", sc->nations[i].code);
        else if (!now && was)
            wg__rules_add_event(res, "%s gate closes", sc->nations[i].code);
    }
}

/* ---- end of turn ----------------------------------------------------------
 */

/* Does the nation's mandate come up for renewal this turn? Every turn for a
 * nation without mandate_weeks; else on the incident turn that ends each
 * mandate_weeks of the exercise (a parliament votes on a mission, brief
 * §7: Commons, Bundestag, French vote past 4 months). */
static bool
renewal_due(const wg_scenario_t *sc, const wg_state_t *st, size_t i,
            const wg_turn_result_t *res)
{
    uint32_t m = sc->nations[i].mandate_weeks;
    if (m == 0)
        return true;
    return res->type == WG_TURN_INCIDENT && st->week > 0 && st->week % m == 0;
}

/* Cohesion thresholds. Below leave_now_below a nation leaves at once;
 * below leave_at_tour_end_below its mandate is not renewed at the next
 * renewal and it leaves as its tours end (NLD 2010), so a bad day alone
 * does not take a nation out (Uzbin 2008: Paris stayed). A withdrawal
 * costs the allies cohesion, which may take another nation over its
 * threshold, so this runs until nothing changes (at most once per
 * nation). */
static void
apply_thresholds(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_cohesion_t *co = &sc->cohesion;
    /* The totals change only when a nation withdraws: recounted then. */
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    wg__rules_nation_totals(st, committed, deployed);
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < sc->n_nations; i++) {
            wg_nation_state_t *ns = &st->nations[i];
            if (ns->withdrawn || committed[i] == 0)
                continue;
            if (ns->cohesion < co->leave_now_below) {
                wg__rules_withdraw_nation(sc, st, i, res);
                wg__rules_nation_totals(st, committed, deployed);
                changed = true;
            } else if (ns->cohesion < co->leave_at_tour_end_below &&
                       !ns->leaving && renewal_due(sc, st, i, res)) {
                ns->leaving = true;
                wg__rules_add_event(res,
                                    "%s will leave as its tours end (mandate "
                                    "not renewed, cohesion %.0f)",
                                    sc->nations[i].code, ns->cohesion);
            }
            if (!ns->withdrawn && ns->leaving && deployed[i] == 0) {
                wg__rules_withdraw_nation(sc, st, i, res);
                wg__rules_nation_totals(st, committed, deployed);
                changed = true;
            }
        }
    }
}

void
wg_rules_end_turn(const wg_scenario_t *sc, wg_state_t *st,
                  wg_turn_result_t *res)
{
    apply_thresholds(sc, st, res);

    for (size_t i = 0; i < sc->n_nations; i++) {
        wg_nation_result_t *nr = &res->nations[i];
        nr->deployed = nr->preparing = nr->recovering = 0;
    }
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation >= sc->n_nations)
            continue;
        wg_nation_result_t *nr = &res->nations[u->nation];
        if (u->status == WG_UNIT_DEPLOYED)
            nr->deployed += u->troops;
        else if (u->status == WG_UNIT_RECOVERING)
            nr->recovering += u->troops;
        else
            nr->preparing += u->troops; /* preparing and ready */
    }
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    wg__rules_deployed_table(st, tab);
    for (size_t i = 0; i < sc->n_nations; i++) {
        wg_nation_result_t *nr = &res->nations[i];
        nr->cohesion = st->nations[i].cohesion;
        nr->withdrawn = st->nations[i].withdrawn;
        nr->leaving = st->nations[i].leaving;
    }
    for (size_t s = 0; s < sc->n_sectors; s++) {
        uint32_t troops = 0;
        for (size_t i = 0; i < sc->n_nations; i++)
            troops += tab[i][s];
        res->sector_deployed[s] = troops;
        /* Incident turns score coverage with jamming and withdrawals; the
         * other turns report plain troops over the requirement. */
        if (res->type == WG_TURN_INCIDENT) {
            res->coverage[s] = st->coverage[s];
        } else {
            double c = st->required[s] > 0 ? (double)troops / st->required[s]
                                           : (troops > 0 ? 1.0 : 0.0);
            res->coverage[s] = c < 1.0 ? c : 1.0;
        }
    }
    res->week = st->week;
    res->escalation = st->escalation;
    res->stability = st->stability;
    res->regime = st->regime;
}

uint32_t
wg_rules_manpower_left(const wg_scenario_t *sc, const wg_state_t *st,
                       size_t nation)
{
    if (nation >= sc->n_nations || sc->nations[nation].manpower == 0)
        return UINT32_MAX;
    const wg_nation_state_t *ns = &st->nations[nation];
    uint64_t used =
        (uint64_t)wg_state_committed(st, (int)nation) + ns->kia + ns->wia;
    uint64_t pool = sc->nations[nation].manpower;
    return pool > used ? (uint32_t)(pool - used) : 0;
}

uint32_t
wg_state_deployed(const wg_state_t *st, int nation)
{
    uint32_t sum = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->status == WG_UNIT_DEPLOYED &&
            (nation < 0 || u->nation == nation))
            sum += u->troops;
    }
    return sum;
}

void
wg_state_copy(wg_state_t *dst, const wg_state_t *src)
{
    memcpy(dst, src, offsetof(wg_state_t, units));
    memcpy(dst->units, src->units, src->n_units * sizeof src->units[0]);
    memcpy((char *)dst + offsetof(wg_state_t, n_units),
           (const char *)src + offsetof(wg_state_t, n_units),
           sizeof *src - offsetof(wg_state_t, n_units));
}

uint32_t
wg_state_committed(const wg_state_t *st, int nation)
{
    /* Units back home are dropped from the array, so every unit in it is
     * deployed, preparing, ready or recovering. */
    uint32_t sum = 0;
    for (uint32_t k = 0; k < st->n_units; k++)
        if (nation < 0 || st->units[k].nation == nation)
            sum += st->units[k].troops;
    return sum;
}
