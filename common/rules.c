/*
 * rules.c - the rules of deployment, rotation and incident turns.
 *
 * Pure functions of (scenario, state, orders): no I/O, no clock, no global
 * state, and every random draw from st->rng in a fixed order (nations,
 * sectors, incident types and units always in index order), so one seed
 * and the same orders give the same exercise byte for byte. The state is
 * owned by the caller (the adjudicator's umpire) and only changed here.
 *
 * Validators never fail: they clamp an order to what the rules allow,
 * return the number of corrections and append a reason to `why`. Appliers
 * trust validated orders but still skip anything that would break the
 * state's invariants (a unit id that is not there, a full unit array).
 * docs/RULES.md is the prose version of this file.
 */
#include "wg/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- small helpers --------------------------------------------------------
 */

static uint32_t
unit_size(const wg_nation_t *n)
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

__attribute__((format(printf, 2, 3))) static void
add_event(wg_turn_result_t *res, const char *fmt, ...)
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
__attribute__((format(printf, 4, 5))) static void
correct(int *count, char *why, size_t why_len, const char *fmt, ...)
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

static void
why_clear(char *why, size_t why_len)
{
    if (why != NULL && why_len > 0)
        why[0] = '\0';
}

static wg_unit_t *
find_unit(wg_state_t *st, uint32_t id)
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

static const wg_unit_t *
find_unit_c(const wg_state_t *st, uint32_t id)
{
    return find_unit((wg_state_t *)st, id);
}

static wg_unit_t *
new_unit(wg_state_t *st, size_t nation, int sector, wg_unit_status_t status,
         int32_t weeks, uint32_t troops)
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
static void
compact_units(wg_state_t *st)
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
static void
deployed_table(const wg_state_t *st,
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

/* Troops committed (every unit in the array) and deployed, by nation, in
 * one pass: the per-nation loops below asked wg_state_committed() and
 * wg_state_deployed() once per nation, each a pass over every unit. */
static void
nation_totals(const wg_state_t *st, uint32_t committed[WG_MAX_NATIONS],
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
static void
count_units(const wg_state_t *st, size_t nation, uint32_t counts[5])
{
    memset(counts, 0, 5 * sizeof counts[0]);
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].nation == nation && st->units[i].status <= 4)
            counts[st->units[i].status]++;
}

static const wg_regime_t *
regime_of(const wg_scenario_t *sc, uint32_t r)
{
    return r < sc->n_regimes ? &sc->regimes[r] : NULL;
}

/*
 * The first rotation turn after `turn` that is at least `min_weeks` of
 * incident turns away, and its distance in *weeks; 0 if the plan has none
 * (then *weeks runs to the end of the plan). Only incident turns move the
 * clock, so deployment and rotation turns add no weeks.
 */
static uint32_t
rotation_after(const wg_scenario_t *sc, uint32_t turn, uint32_t min_weeks,
               uint32_t *weeks)
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
    if (g->closed)
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
    return nation_ceiling(sc, &sc->nations[nation]);
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
    rotation_after(sc, turn, 0, &w);
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
    for (size_t i = 0; i < sc->n_nations; i++) {
        st->nations[i].cohesion = sc->nations[i].cohesion_start;
        st->nations[i].gate_open = wg_rules_gate_open(sc, st, i);
    }
}

/* Ages every unit by `weeks`: preparation and recovery end. */
static void
age_units(const wg_scenario_t *sc, wg_state_t *st, uint32_t weeks)
{
    (void)sc;
    for (uint32_t i = 0; i < st->n_units; i++) {
        wg_unit_t *u = &st->units[i];
        switch (u->status) {
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
    compact_units(st);
}

static void
force_regime(const wg_scenario_t *sc, wg_state_t *st, uint32_t r)
{
    const wg_regime_t *rg = regime_of(sc, r);
    if (rg == NULL)
        return;
    st->regime = r;
    st->recommitted = false;
    st->regime_turns_left = 0;
    if (rg->max_turns > 0) {
        uint32_t lo = rg->min_turns > 0 ? rg->min_turns : 1;
        uint32_t hi = rg->max_turns >= lo ? rg->max_turns : lo;
        st->regime_turns_left =
            lo + (uint32_t)wg_rng_below(&st->rng, hi - lo + 1);
    }
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
        age_units(sc, st, sc->turn_weeks);
    }
    res->type = type;
    res->week = st->week;

    for (size_t i = 0; i < sc->n_events; i++) {
        const wg_event_t *e = &sc->events[i];
        if (e->turn != st->turn)
            continue;
        if (e->kind == WG_EVENT_REGIME)
            force_regime(sc, st, e->regime);
        if (e->text[0] != '\0')
            add_event(res, "%s", e->text);
    }

    for (size_t i = 0; i < sc->n_nations; i++) {
        bool was = st->nations[i].gate_open;
        bool now = wg_rules_gate_open(sc, st, i);
        st->nations[i].gate_open = now;
        if (now && !was)
            add_event(res, "%s gate opens", sc->nations[i].code);
        else if (!now && was)
            add_event(res, "%s gate closes", sc->nations[i].code);
    }
}

/* ---- deployment -----------------------------------------------------------
 */

/* Sanity bound on one sector's requirement: keeps sums far from overflow. */
#define REQ_MAX 10000000u

int
wg_rules_validate_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                              wg_requirement_t *req, char *why, size_t why_len)
{
    (void)st;
    int n = 0;
    why_clear(why, why_len);
    for (size_t s = 0; s < WG_MAX_SECTORS; s++) {
        if (s >= sc->n_sectors && req->troops[s] != 0) {
            correct(&n, why, why_len, "no sector %zu", s);
            req->troops[s] = 0;
        } else if (req->troops[s] > REQ_MAX) {
            correct(&n, why, why_len, "%s: %u troops is beyond any force",
                    sc->sectors[s].code, req->troops[s]);
            req->troops[s] = REQ_MAX;
        }
    }
    return n;
}

int
wg_rules_validate_pledge(const wg_scenario_t *sc, const wg_state_t *st,
                         size_t nation, wg_pledge_t *pledge, char *why,
                         size_t why_len)
{
    int n = 0;
    why_clear(why, why_len);
    if (nation >= sc->n_nations)
        return 0;
    const wg_nation_t *nat = &sc->nations[nation];
    const wg_nation_state_t *ns = &st->nations[nation];

    /* A pledge is of new troops, so the room is the ceiling less what is
     * already in theatre; a leaving nation pledges nothing. */
    uint32_t ceiling = wg_rules_ceiling(sc, st, nation);
    uint32_t deployed = wg_state_deployed(st, (int)nation);
    uint32_t room = ceiling > deployed ? ceiling - deployed : 0;
    if (ns->leaving || ns->withdrawn)
        room = 0;
    room -= room % unit_size(nat);
    if (pledge->troops > room) {
        correct(&n, why, why_len, "%s: pledge %u over room %u (%s)", nat->code,
                pledge->troops, room, ceiling == 0 ? "gate closed" : "ceiling");
        pledge->troops = room;
    }
    if (pledge->troops % unit_size(nat) != 0) {
        correct(&n, why, why_len, "%s: pledge %u not whole units of %u",
                nat->code, pledge->troops, unit_size(nat));
        pledge->troops -= pledge->troops % unit_size(nat);
    }
    uint32_t mask = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (wg_rules_sector_allowed(sc, nation, s))
            mask |= 1u << s;
    if (pledge->sector_mask & ~mask) {
        correct(&n, why, why_len, "%s: sectors 0x%x outside caveats", nat->code,
                pledge->sector_mask & ~mask);
        pledge->sector_mask &= mask;
    }
    return n;
}

/* Checks one nation's row of an assignment; returns corrections made. */
static int
validate_assignment_row(const wg_scenario_t *sc, size_t i,
                        const uint32_t in_place[WG_MAX_SECTORS],
                        const wg_pledge_t *pledge, uint32_t row[WG_MAX_SECTORS],
                        char *why, size_t why_len)
{
    const wg_nation_t *nat = &sc->nations[i];
    uint32_t unit = unit_size(nat);
    uint32_t fresh[WG_MAX_SECTORS] = {0};
    uint32_t total = 0;
    int n = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        /* The assignment is the nation's total in the sector; deployment
         * turns never withdraw, so below what is there means "as is". */
        uint32_t have = in_place[s];
        if (row[s] < have) {
            correct(&n, why, why_len, "%s/%s: %u below the %u in place",
                    nat->code, sc->sectors[s].code, row[s], have);
            row[s] = have;
        }
        fresh[s] = row[s] - have;
        if (fresh[s] > 0 && (!(pledge->sector_mask & (1u << s)) ||
                             !wg_rules_sector_allowed(sc, i, s))) {
            correct(&n, why, why_len, "%s/%s: not a pledged sector", nat->code,
                    sc->sectors[s].code);
            fresh[s] = 0;
        }
        if (fresh[s] % unit != 0) {
            correct(&n, why, why_len, "%s/%s: %u not whole units of %u",
                    nat->code, sc->sectors[s].code, fresh[s], unit);
            fresh[s] -= fresh[s] % unit;
        }
        total += fresh[s];
    }
    /* Over the pledge: trim from the last sector back, so the cut is the
     * same for the same order. */
    for (size_t s = sc->n_sectors; s-- > 0 && total > pledge->troops;) {
        uint32_t over = total - pledge->troops;
        uint32_t cut = over > fresh[s] ? fresh[s] : over;
        cut = (cut + unit - 1) / unit * unit;
        if (cut > fresh[s])
            cut = fresh[s];
        if (cut > 0) {
            correct(&n, why, why_len, "%s/%s: %u over the pledge", nat->code,
                    sc->sectors[s].code, cut);
            fresh[s] -= cut;
            total -= cut;
        }
    }
    for (size_t s = 0; s < sc->n_sectors; s++)
        row[s] = in_place[s] + fresh[s];
    return n;
}

int
wg_rules_validate_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                             const wg_pledge_t pledges[WG_MAX_NATIONS],
                             wg_assignment_t *asg, char *why, size_t why_len)
{
    int n = 0;
    why_clear(why, why_len);
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t i = 0; i < WG_MAX_NATIONS; i++) {
        for (size_t s = 0; s < WG_MAX_SECTORS; s++) {
            if ((i >= sc->n_nations || s >= sc->n_sectors) &&
                asg->troops[i][s] != 0) {
                correct(&n, why, why_len, "no nation %zu or sector %zu", i, s);
                asg->troops[i][s] = 0;
            }
        }
        if (i < sc->n_nations)
            n += validate_assignment_row(sc, i, tab[i], &pledges[i],
                                         asg->troops[i], why, why_len);
    }
    return n;
}

void
wg_rules_hold_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                          wg_requirement_t *req)
{
    memset(req, 0, sizeof *req);
    bool any = false;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        req->troops[s] = st->required[s];
        any = any || st->required[s] > 0;
    }
    if (any)
        return;

    /* No requirement yet: the reserve share goes to the rear hubs in equal
     * parts, the rest along the line in proportion to km x threat, where
     * incidents will come from. */
    double target = sc->command.target_troops;
    double reserve = target * sc->command.reserve_share;
    double weight = 0;
    size_t n_rear = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (sc->sectors[s].rear)
            n_rear++;
        else
            weight += sc->sectors[s].length_km * sc->sectors[s].threat;
    }
    if (n_rear == 0)
        reserve = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        const wg_sector_t *sec = &sc->sectors[s];
        double v = sec->rear    ? reserve / (double)n_rear
                   : weight > 0 ? (target - reserve) * sec->length_km *
                                      sec->threat / weight
                                : 0;
        req->troops[s] = (uint32_t)floor(v);
    }
}

void
wg_rules_hold_pledge(const wg_scenario_t *sc, const wg_state_t *st,
                     size_t nation, wg_pledge_t *pledge)
{
    (void)sc;
    (void)st;
    (void)nation;
    /* Hold: keep what is deployed, nothing new. */
    memset(pledge, 0, sizeof *pledge);
}

void
wg_rules_hold_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                         const wg_requirement_t *req,
                         const wg_pledge_t pledges[WG_MAX_NATIONS],
                         wg_assignment_t *asg)
{
    memset(asg, 0, sizeof *asg);
    uint32_t left[WG_MAX_NATIONS] = {0};
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t i = 0; i < sc->n_nations; i++) {
        left[i] = pledges[i].troops;
        for (size_t s = 0; s < sc->n_sectors; s++)
            asg->troops[i][s] = tab[i][s];
    }
    /* Greedy: each sector's gap in sector order, filled from the pledges
     * in nation order, in whole units; a unit may overfill a gap by less
     * than its size rather than leave it open. */
    for (size_t s = 0; s < sc->n_sectors; s++) {
        uint32_t have = 0;
        for (size_t i = 0; i < sc->n_nations; i++)
            have += asg->troops[i][s];
        uint32_t gap = req->troops[s] > have ? req->troops[s] - have : 0;
        for (size_t i = 0; i < sc->n_nations && gap > 0; i++) {
            if (!(pledges[i].sector_mask & (1u << s)) ||
                !wg_rules_sector_allowed(sc, i, s))
                continue;
            uint32_t unit = unit_size(&sc->nations[i]);
            uint32_t want = (gap + unit - 1) / unit * unit;
            uint32_t can = left[i] - left[i] % unit;
            uint32_t take = want < can ? want : can;
            asg->troops[i][s] += take;
            left[i] -= take;
            gap = take >= gap ? 0 : gap - take;
        }
    }
}

/*
 * Length of the first tour of a new batch. Tours are staggered so that
 * reliefs come at an even rate from the start: unit k of a batch of n gets
 * lead + k*T/n weeks, spreading the ends over one full tour T. Had every
 * unit the same tour, the whole batch would need relief at once and the
 * force at home would swing between 0 and 2 batches; evenly spread, it
 * stays at deployed x (P + R) / T, so committed = deployed x (T + P + R) / T
 * (the seed's factor of 2.5 with 17/13/13).
 *
 * The lead is the earliest a relief can be there: a relief prepared from
 * the first rotation turn after this deployment is ready at the first
 * rotation at least P weeks after that one. Units due before it would
 * leave gaps; units due long after it would keep the force at home empty
 * for months, which is not how an entry force rotates in. So the first
 * units serve a short first tour and the last ones a long one.
 */
static uint32_t
first_tour_lead(const wg_scenario_t *sc, uint32_t turn, const wg_nation_t *n)
{
    uint32_t lead = n->tour_weeks; /* no rotation in the plan: one tour */
    uint32_t t1, d;
    uint32_t r1 = rotation_after(sc, turn, 0, &t1);
    if (r1 != 0 && rotation_after(sc, r1, n->prep_weeks, &d) != 0)
        lead = t1 + d;
    return lead;
}

void
wg_rules_deploy(const wg_scenario_t *sc, wg_state_t *st,
                const wg_requirement_t *req, const wg_assignment_t *asg,
                wg_turn_result_t *res)
{
    memset(st->required, 0, sizeof st->required);
    for (size_t s = 0; s < sc->n_sectors; s++)
        st->required[s] = req->troops[s];

    /* Nation i's units are added only after its row is read. */
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_t *nat = &sc->nations[i];
        uint32_t unit = unit_size(nat);
        uint32_t ceiling = wg_rules_ceiling(sc, st, i);
        uint32_t deployed = wg_state_deployed(st, (int)i);
        uint32_t room = ceiling > deployed ? (ceiling - deployed) / unit : 0;
        uint32_t add[WG_MAX_SECTORS] = {0};
        uint32_t batch = 0;
        for (size_t s = 0; s < sc->n_sectors; s++) {
            uint32_t have = tab[i][s];
            uint32_t want = asg->troops[i][s];
            if (want > have && wg_rules_sector_allowed(sc, i, s)) {
                add[s] = (want - have) / unit;
                if (add[s] > room - batch)
                    add[s] = room - batch;
                batch += add[s];
            }
        }
        if (batch == 0)
            continue;
        /* Round-robin over sectors, so that each sector's units, not just
         * the nation's, have their reliefs spread over the tour. */
        uint32_t lead = first_tour_lead(sc, st->turn, nat);
        uint32_t k = 0;
        while (k < batch) {
            for (size_t s = 0; s < sc->n_sectors; s++) {
                if (add[s] == 0)
                    continue;
                add[s]--;
                int32_t tour =
                    (int32_t)(lead + (uint64_t)k * nat->tour_weeks / batch);
                if (new_unit(st, i, (int)s, WG_UNIT_DEPLOYED, tour, unit) ==
                    NULL) {
                    add_event(res, "unit limit %d reached", WG_MAX_UNITS);
                    return;
                }
                k++;
            }
        }
        add_event(res, "%s deploys %u troops", nat->code, batch * unit);
    }
}

/* ---- rotation -------------------------------------------------------------
 */

static bool
rotation_blocked(const wg_scenario_t *sc, const wg_nation_state_t *ns)
{
    return ns->leaving || ns->withdrawn ||
           ns->cohesion < sc->cohesion.no_rotation_below;
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
        correct(&n, why, why_len, "command cannot relieve/recall/prepare");
        rot->n_relieve = rot->n_recall = rot->prepare = 0;
    }
    if (rot->n_moves > WG_MAX_MOVES)
        rot->n_moves = WG_MAX_MOVES;
    uint32_t keep = 0;
    for (uint32_t m = 0; m < rot->n_moves; m++) {
        wg_move_t mv = rot->moves[m];
        const wg_unit_t *u = find_unit_c(st, mv.unit);
        bool dup = false;
        for (uint32_t j = 0; j < keep; j++)
            dup = dup || rot->moves[j].unit == mv.unit;
        if (u == NULL || u->status != WG_UNIT_DEPLOYED || dup ||
            !wg_rules_sector_allowed(sc, u->nation, mv.sector)) {
            correct(&n, why, why_len, "move of unit %u to sector %u refused",
                    mv.unit, mv.sector);
            continue;
        }
        rot->moves[keep++] = mv;
    }
    rot->n_moves = keep;
    return n;
}

int
wg_rules_validate_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                           int nation, wg_rotation_t *rot, char *why,
                           size_t why_len)
{
    why_clear(why, why_len);
    if (nation < 0)
        return validate_command_rotation(sc, st, rot, why, why_len);
    int n = 0;
    size_t i = (size_t)nation;
    if (i >= sc->n_nations)
        return 0;
    const char *code = sc->nations[i].code;
    const wg_nation_state_t *ns = &st->nations[i];
    uint32_t w = wg_rules_weeks_to_next_rotation(sc, st->turn);
    uint32_t c[5];
    count_units(st, i, c);

    if (rot->n_moves) {
        correct(&n, why, why_len, "%s: moves are the command's", code);
        rot->n_moves = 0;
    }
    /* Relief: this nation's due units, one ready unit each. */
    if (rot->n_relieve > WG_MAX_ORDER_UNITS)
        rot->n_relieve = WG_MAX_ORDER_UNITS;
    uint32_t keep = 0;
    for (uint32_t k = 0; k < rot->n_relieve; k++) {
        uint32_t id = rot->relieve[k];
        const wg_unit_t *u = find_unit_c(st, id);
        const char *bad = NULL;
        if (u == NULL || u->nation != i || !wg_rules_unit_due(sc, u, w))
            bad = "not a due unit of its own";
        else if (id_listed(rot->relieve, keep, id))
            bad = "listed twice";
        else if (ns->leaving || ns->withdrawn)
            bad = "a leaving nation does not relieve";
        else if (keep >= c[WG_UNIT_READY])
            bad = "no ready unit left to relieve it";
        if (bad != NULL) {
            correct(&n, why, why_len, "%s: relieve %u: %s", code, id, bad);
            continue;
        }
        rot->relieve[keep++] = id;
    }
    rot->n_relieve = keep;

    if (rot->n_recall > WG_MAX_ORDER_UNITS)
        rot->n_recall = WG_MAX_ORDER_UNITS;
    keep = 0;
    uint32_t gaps = 0;
    for (uint32_t k = 0; k < rot->n_recall; k++) {
        uint32_t id = rot->recall[k];
        const wg_unit_t *u = find_unit_c(st, id);
        if (u == NULL || u->nation != i || u->status != WG_UNIT_DEPLOYED ||
            id_listed(rot->recall, keep, id) ||
            id_listed(rot->relieve, rot->n_relieve, id)) {
            correct(&n, why, why_len, "%s: recall %u refused", code, id);
            continue;
        }
        rot->recall[keep++] = id;
    }
    rot->n_recall = keep;

    /* Preparations: at most one relief in the pipeline per unit that will
     * still be deployed after this rotation. */
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation == i && wg_rules_unit_due(sc, u, w) &&
            !id_listed(rot->relieve, rot->n_relieve, u->id) &&
            !id_listed(rot->recall, rot->n_recall, u->id))
            gaps++;
    }
    uint32_t stay = c[WG_UNIT_DEPLOYED] - gaps - rot->n_recall;
    uint32_t pipe = c[WG_UNIT_PREPARING] + c[WG_UNIT_READY] - rot->n_relieve;
    uint32_t max_prepare = rotation_blocked(sc, ns) ? 0
                           : stay > pipe            ? stay - pipe
                                                    : 0;
    if (rot->prepare > max_prepare) {
        correct(&n, why, why_len, "%s: prepare %u over %u (%s)", code,
                rot->prepare, max_prepare,
                rotation_blocked(sc, ns) ? "cohesion" : "one per unit");
        rot->prepare = max_prepare;
    }
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
    uint32_t c[5];
    count_units(st, i, c);

    uint32_t d, wd = 0;
    uint32_t r = rotation_after(sc, st->turn, sc->nations[i].prep_weeks, &d);
    if (r != 0)
        wd = wg_rules_weeks_to_next_rotation(sc, r);
    uint32_t need = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation != i || u->status != WG_UNIT_DEPLOYED)
            continue;
        if (wg_rules_unit_due(sc, u, w)) {
            if (rot->n_relieve < c[WG_UNIT_READY] &&
                rot->n_relieve < WG_MAX_ORDER_UNITS)
                rot->relieve[rot->n_relieve++] = u->id;
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
    if (rotation_blocked(sc, ns))
        rot->prepare = 0;
}

/* Takes a nation out: deployed units go home to recover, units at home
 * stand down, the gate closes and the allies' publics take note. */
static void
withdraw_nation(const wg_scenario_t *sc, wg_state_t *st, size_t i,
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
                   u->status == WG_UNIT_READY) {
            u->status = 0;
        }
    }
    compact_units(st);
    ns->withdrawn = true;
    ns->leaving = false;
    ns->gate_open = false;
    add_event(res, "%s withdraws", sc->nations[i].code);
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    nation_totals(st, committed, deployed);
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
        wg_unit_t *u = find_unit(st, rot->relieve[k]);
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
        wg_unit_t *u = find_unit(st, rot->recall[k]);
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
    uint32_t c[5];
    count_units(st, i, c);
    uint32_t pipe = c[WG_UNIT_PREPARING] + c[WG_UNIT_READY];
    uint32_t max_prepare = rotation_blocked(sc, ns) ? 0
                           : c[WG_UNIT_DEPLOYED] > pipe
                               ? c[WG_UNIT_DEPLOYED] - pipe
                               : 0;
    uint32_t prepare = rot->prepare < max_prepare ? rot->prepare : max_prepare;
    for (uint32_t k = 0; k < prepare; k++)
        if (new_unit(st, i, -1, WG_UNIT_PREPARING, (int32_t)nat->prep_weeks,
                     unit_size(nat)) == NULL)
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
            add_event(res, "%s leaves %u unit%s unrelieved",
                      sc->nations[i].code, gaps, gaps == 1 ? "" : "s");
        if (st->nations[i].leaving && had && wg_state_deployed(st, (int)i) == 0)
            withdraw_nation(sc, st, i, res);
    }
    for (uint32_t m = 0; command != NULL && m < command->n_moves; m++) {
        wg_unit_t *u = find_unit(st, command->moves[m].unit);
        if (u != NULL && u->status == WG_UNIT_DEPLOYED &&
            wg_rules_sector_allowed(sc, u->nation, command->moves[m].sector))
            u->sector = (int8_t)command->moves[m].sector;
    }
}

/* ---- incidents ------------------------------------------------------------
 */

/*
 * Mean count of one incident type in one sector this turn, in regime r.
 * Raw violations (shelling, small arms, drones, jamming) take the regime's
 * multiplier in full: they are what the regimes are measured in. Direct
 * events against the force take the regime's direct_multiplier (0 = 1), as
 * a patrol is not fired on 25 times as often when the artillery duel is 25
 * times as loud. Per-km and per-sector rates scale with the sector's
 * threat; per-1,000-troop rates (mines, UXO) do not, because the troops
 * already stand where the threat is and the brief's figure is force-wide.
 */
static double
expected_count(const wg_scenario_t *sc, size_t s, size_t t, uint32_t r,
               uint32_t troops)
{
    const wg_sector_t *sec = &sc->sectors[s];
    const wg_incident_type_t *it = &sc->incident_types[t];
    const wg_regime_t *rg = regime_of(sc, r);
    double basis = 0, threat = sec->threat;
    switch (it->basis) {
    case WG_RATE_PER_100KM:
        basis = sec->length_km / 100.0;
        break;
    case WG_RATE_PER_SECTOR:
        basis = 1.0;
        break;
    case WG_RATE_PER_1000_TROOPS:
        basis = troops / 1000.0;
        threat = 1.0;
        break;
    }
    double mult = 1.0;
    if (rg != NULL)
        mult = it->raw                       ? rg->multiplier
               : rg->direct_multiplier > 0.0 ? rg->direct_multiplier
                                             : 1.0;
    return it->rate * basis * threat * mult;
}

static void
push_incident(wg_incident_list_t *out, size_t s, size_t t, int nation,
              uint32_t count)
{
    /* Past the cap, records are dropped, never merged: the draws before
     * them are the same either way, so the cap cannot change the stream. */
    if (count == 0 || out->n >= WG_MAX_INCIDENTS)
        return;
    wg_incident_t *it = &out->items[out->n];
    it->id = out->n + 1;
    it->sector = (uint8_t)s;
    it->type = (uint8_t)t;
    it->nation = (int8_t)nation;
    it->count = count;
    out->n++;
}

/* Splits `n` events over the nations in a sector, in proportion to their
 * troops, one draw per event. */
static void
split_by_troops(wg_rng_t *rng, uint32_t n, const uint32_t *troops,
                size_t n_nations, uint32_t total, uint32_t *per)
{
    memset(per, 0, n_nations * sizeof per[0]);
    for (uint32_t e = 0; e < n; e++) {
        uint64_t pick = wg_rng_below(rng, total);
        size_t i = 0;
        while (i + 1 < n_nations && pick >= troops[i]) {
            pick -= troops[i];
            i++;
        }
        per[i]++;
    }
}

void
wg_rules_draw_incidents(const wg_scenario_t *sc, wg_state_t *st,
                        wg_incident_list_t *out)
{
    out->n = 0;
    const wg_regime_t *rg = regime_of(sc, st->regime);
    double exp_factor = rg != NULL ? rg->exposure_factor : 1.0;
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t s = 0; s < sc->n_sectors; s++) {
        uint32_t troops[WG_MAX_NATIONS] = {0};
        uint32_t total = 0;
        for (size_t i = 0; i < sc->n_nations; i++) {
            troops[i] = tab[i][s];
            total += troops[i];
        }
        double share = (sc->sectors[s].rear ? sc->threat.exposure_rear
                                            : sc->threat.exposure_line) *
                       exp_factor;
        for (size_t t = 0; t < sc->n_incident_types; t++) {
            const wg_incident_type_t *it = &sc->incident_types[t];
            /* Direct events are events against the force: none where it
             * is not. Raw violations happen all along the line. */
            if (!it->raw && total == 0)
                continue;
            uint32_t count = wg_rng_poisson(
                &st->rng, expected_count(sc, s, t, st->regime, total));
            if (count == 0)
                continue;
            uint32_t exposed = 0;
            if (total > 0) {
                /* Thinning a Poisson count by a Poisson draw capped at the
                 * count: close to Binomial(count, share) for the small
                 * shares that matter, at one draw whatever the count. */
                exposed =
                    it->raw ? wg_rng_poisson(&st->rng, count * share) : count;
                if (exposed > count)
                    exposed = count;
            }
            push_incident(out, s, t, -1, count - exposed);
            if (exposed == 0)
                continue;
            uint32_t per[WG_MAX_NATIONS];
            split_by_troops(&st->rng, exposed, troops, sc->n_nations, total,
                            per);
            for (size_t i = 0; i < sc->n_nations; i++)
                push_incident(out, s, t, (int)i, per[i]);
        }
    }
}

int
wg_rules_validate_response(const wg_scenario_t *sc, const wg_state_t *st,
                           const wg_incident_list_t *inc, size_t nation,
                           wg_response_t *resp, char *why, size_t why_len)
{
    (void)st;
    int n = 0;
    why_clear(why, why_len);
    const char *code = nation < sc->n_nations ? sc->nations[nation].code : "?";
    /* Past the list nothing is anyone's: skip the zero words quickly (a
     * replay validates hundreds of responses). */
    uint32_t end = WG_MAX_INCIDENTS;
    while (end >= 8 && end - 8 >= inc->n) {
        uint64_t w;
        memcpy(&w, &resp->action[end - 8], 8);
        if (w != 0)
            break;
        end -= 8;
    }
    for (uint32_t k = 0; k < end; k++) {
        uint8_t a = resp->action[k];
        bool mine = k < inc->n && inc->items[k].nation >= 0 &&
                    (size_t)inc->items[k].nation == nation;
        if (!mine) {
            if (a != 0) {
                correct(&n, why, why_len, "%s: incident %u is not its own",
                        code, k + 1);
                resp->action[k] = 0;
            }
        } else if (a < WG_ROE_HOLD || a > WG_ROE_WITHDRAW) {
            correct(&n, why, why_len, "%s: incident %u: action %u -> hold",
                    code, k + 1, a);
            resp->action[k] = WG_ROE_HOLD;
        }
    }
    return n;
}

void
wg_rules_hold_response(const wg_scenario_t *sc, const wg_state_t *st,
                       const wg_incident_list_t *inc, size_t nation,
                       wg_response_t *resp)
{
    (void)sc;
    (void)st;
    memset(resp, 0, sizeof *resp);
    for (uint32_t k = 0; k < inc->n; k++)
        if (inc->items[k].nation >= 0 && (size_t)inc->items[k].nation == nation)
            resp->action[k] = WG_ROE_HOLD;
}

int
wg_rules_validate_decision(const wg_scenario_t *sc, const wg_state_t *st,
                           wg_decision_t *dec, char *why, size_t why_len)
{
    (void)st;
    int n = 0;
    why_clear(why, why_len);
    uint32_t all =
        sc->n_sectors >= 32 ? UINT32_MAX : (1u << sc->n_sectors) - 1u;
    if (dec->reinforce_mask & ~all) {
        correct(&n, why, why_len, "reinforce: no sectors 0x%x",
                dec->reinforce_mask & ~all);
        dec->reinforce_mask &= all;
    }
    return n;
}

void
wg_rules_hold_decision(const wg_scenario_t *sc, const wg_state_t *st,
                       wg_decision_t *dec)
{
    /* The command's standing profile: its ROE as set, and a recommitment
     * once escalation reaches its level while the truce is not managed. */
    memset(dec, 0, sizeof *dec);
    dec->robust_roe = st->robust_roe;
    uint32_t lvl = sc->command.recommit_escalation;
    dec->recommit = lvl > 0 && st->escalation >= lvl &&
                    st->regime != sc->threat.managed_regime;
}

/* ---- resolution -----------------------------------------------------------
 */

static uint8_t
action_of(const wg_response_t resp[WG_MAX_NATIONS], const wg_incident_t *it,
          uint32_t k)
{
    uint8_t a = resp != NULL ? resp[it->nation].action[k] : 0;
    return a >= WG_ROE_HOLD && a <= WG_ROE_WITHDRAW ? a : WG_ROE_HOLD;
}

/* Casualties and escalation steps, incident by incident in id order.
 * Returns true if the turn was quiet: nobody killed, no step up. */
static bool
resolve_exposed(const wg_scenario_t *sc, wg_state_t *st,
                const wg_incident_list_t *inc,
                const wg_response_t resp[WG_MAX_NATIONS], wg_turn_result_t *res)
{
    const wg_escalation_t *esc = &sc->escalation;
    bool quiet = true;
    /* Incidents against no one have an outcome of nothing. */
    memset(res->outcomes, 0, inc->n * sizeof res->outcomes[0]);
    for (uint32_t k = 0; k < inc->n; k++) {
        const wg_incident_t *it = &inc->items[k];
        if (it->nation < 0 || (size_t)it->nation >= sc->n_nations ||
            it->type >= sc->n_incident_types)
            continue;
        const wg_incident_type_t *ty = &sc->incident_types[it->type];
        uint8_t a = action_of(resp, it, k);
        const wg_roe_effect_t *roe = &sc->roe[a];
        double p_cas = ty->p_casualties * roe->casualty_factor;
        if (ty->p_strike > 0)
            p_cas *= ty->p_strike; /* only an overflight that strikes */
        uint32_t kia = 0, wia = 0;
        for (uint32_t e = 0; e < it->count; e++) {
            if (!wg_rng_bernoulli(&st->rng, p_cas))
                continue;
            kia += wg_rng_poisson(&st->rng, ty->kia_mean);
            wia += wg_rng_poisson(&st->rng, ty->wia_mean);
        }
        /*
         * One chance to step up per incident (a contingent hit by one kind
         * of fire in one sector this turn), but only if blood was shed or
         * the contingent shot back. Harassment that is absorbed does not
         * climb the ladder: with every exposed incident counting, the
         * brief's 0.03 over the ~30 incidents a 40,000 force meets in a
         * managed week gives about one step a week, and the truce would
         * collapse in a month whatever anyone did. This keeps the answer
         * to fire the decision that matters.
         */
        bool hostile = kia > 0 || a == WG_ROE_RETURN_FIRE;
        double p_up =
            (st->robust_roe ? esc->p_up_robust : esc->p_up_restrictive) *
            roe->escalation_factor *
            (sc->us_enablers ? esc->us_enabler_factor : 1.0);
        if (st->reinforced_mask & (1u << it->sector))
            p_up += esc->reinforce_delta;
        bool up = hostile && wg_rng_bernoulli(&st->rng, p_up);
        if (up && st->escalation < esc->max_level)
            st->escalation++;

        wg_nation_state_t *ns = &st->nations[it->nation];
        ns->kia += kia;
        ns->wia += wia;
        res->nations[it->nation].kia += kia;
        res->nations[it->nation].wia += wia;
        res->kia += kia;
        res->wia += wia;
        res->outcomes[k] = (wg_outcome_t){kia, wia, up, a};
        /* A week with only wounded still counts as quiet: mines and stray
         * fire wound someone in most weeks of a large force, and a ladder
         * that could only come down in a week without a scratch would
         * never come down. */
        if (up)
            quiet = false;
    }
    res->n_outcomes = inc->n;
    return quiet;
}

/* Ceasefire stability against the managed truce's expected violations,
 * then the regime of the next turn. */
static void
resolve_stability(const wg_scenario_t *sc, wg_state_t *st,
                  const wg_incident_list_t *inc, bool recommit,
                  wg_turn_result_t *res)
{
    const wg_stability_t *sb = &sc->stability;
    double expected = 0, observed = 0;
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t s = 0; s < sc->n_sectors; s++) {
        uint32_t troops = 0;
        for (size_t i = 0; i < sc->n_nations; i++)
            troops += tab[i][s];
        for (size_t t = 0; t < sc->n_incident_types; t++)
            if (sc->incident_types[t].raw)
                expected +=
                    expected_count(sc, s, t, sc->threat.managed_regime, troops);
    }
    for (uint32_t k = 0; k < inc->n; k++)
        if (inc->items[k].type < sc->n_incident_types &&
            sc->incident_types[inc->items[k].type].raw)
            observed += inc->items[k].count;
    res->incidents = (uint32_t)observed;

    /* Violations above the managed truce's expectation cost per_excess for
     * every doubling: the hot regime (x25) costs ~4.6 times per_excess a
     * turn, not 24 times, so a bad month hurts and a bad week does not
     * end the index. */
    if (observed <= expected)
        st->stability += sb->quiet_gain;
    else if (expected > 0)
        st->stability -= sb->per_excess * log2(observed / expected);
    st->stability -= sb->escalation_loss * st->escalation;

    uint32_t managed = sc->threat.managed_regime;
    uint32_t hot = sc->threat.hot_regime;
    if (recommit) {
        st->stability += sb->recommit_gain;
        st->regime = managed;
        st->regime_turns_left = 0;
        st->recommitted = true;
        add_event(res, "the parties recommit to the truce");
    } else if (st->regime_turns_left > 0) {
        if (--st->regime_turns_left == 0) {
            st->regime = hot;
            add_event(res, "the spike subsides; the truce stays hot");
        }
    } else if (st->regime == managed) {
        /* Recommitted truces held about two weeks (brief §5); an ordinary
         * one slides more easily the higher the escalation, by a factor
         * of 1 + level. */
        double p = st->recommitted
                       ? sc->threat.p_hot_after_recommit
                       : sc->threat.p_hot_from_managed * (1.0 + st->escalation);
        if (wg_rng_bernoulli(&st->rng, p)) {
            st->regime = hot;
            st->recommitted = false;
            add_event(res, "the truce breaks down");
        }
    }
    if (st->stability < 0)
        st->stability = 0;
    if (st->stability > 100)
        st->stability = 100;
}

/* Sector coverage: troops held in place over the requirement, less what
 * withdrawals under fire and jamming take away. */
static void
resolve_coverage(const wg_scenario_t *sc, wg_state_t *st,
                 const wg_incident_list_t *inc,
                 const wg_response_t resp[WG_MAX_NATIONS])
{
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    deployed_table(st, tab);
    for (size_t s = 0; s < sc->n_sectors; s++) {
        double factor[WG_MAX_NATIONS];
        for (size_t i = 0; i < sc->n_nations; i++)
            factor[i] = 1.0;
        double jam = 1.0;
        for (uint32_t k = 0; k < inc->n; k++) {
            const wg_incident_t *it = &inc->items[k];
            if (it->sector != s || it->type >= sc->n_incident_types)
                continue;
            double loss = sc->incident_types[it->type].coverage_loss;
            if (loss > 0)
                jam *= pow(1.0 - (loss < 1 ? loss : 1), it->count);
            if (it->nation >= 0 && (size_t)it->nation < sc->n_nations) {
                double f = sc->roe[action_of(resp, it, k)].coverage_factor;
                if (f < factor[it->nation])
                    factor[it->nation] = f;
            }
        }
        double held = 0;
        for (size_t i = 0; i < sc->n_nations; i++)
            held += tab[i][s] * factor[i];
        double base = st->required[s] > 0 ? held / st->required[s]
                                          : (held > 0 ? 1.0 : 0.0);
        st->coverage[s] = (base < 1.0 ? base : 1.0) * jam;
    }
}

static void
resolve_cohesion(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_cohesion_t *co = &sc->cohesion;
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    nation_totals(st, committed, deployed);
    for (size_t i = 0; i < sc->n_nations; i++) {
        wg_nation_state_t *ns = &st->nations[i];
        /* Only a public with soldiers in the force follows its fortunes. */
        if (ns->withdrawn || committed[i] == 0)
            continue;
        const wg_nation_t *nat = &sc->nations[i];
        uint32_t kia = res->nations[i].kia;
        ns->cohesion -= co->per_kia * nat->kia_weight * kia;
        if (co->bad_day_kia > 0 && kia >= co->bad_day_kia)
            ns->cohesion -= co->bad_day_penalty;
        if (kia + res->nations[i].wia == 0) {
            double cap = nat->cohesion_start + co->cap_above_start;
            if (ns->cohesion < cap)
                ns->cohesion = fmin(cap, ns->cohesion + co->quiet_gain);
        }
        if (co->escalation_level > 0 && st->escalation >= co->escalation_level)
            ns->cohesion -= co->escalation_penalty;
        if (ns->cohesion < 0)
            ns->cohesion = 0;
        if (ns->cohesion > 100)
            ns->cohesion = 100;
    }
}

void
wg_rules_resolve_incidents(const wg_scenario_t *sc, wg_state_t *st,
                           const wg_incident_list_t *inc,
                           const wg_response_t resp[WG_MAX_NATIONS],
                           const wg_decision_t *dec, wg_turn_result_t *res)
{
    wg_decision_t d;
    if (dec == NULL)
        wg_rules_hold_decision(sc, st, &d);
    else
        d = *dec;
    st->robust_roe = d.robust_roe;
    st->reinforced_mask = d.reinforce_mask;

    uint32_t before = st->escalation;
    bool quiet = resolve_exposed(sc, st, inc, resp, res);
    if (quiet && st->escalation > 0 &&
        wg_rng_bernoulli(&st->rng, sc->escalation.p_down_quiet))
        st->escalation--;
    /* A recommitment of the parties takes the ladder down one step: it is
     * what the joint commission is for (brief §5: 12 recommitments). */
    if (d.recommit && st->escalation > 0)
        st->escalation--;
    if (st->escalation != before)
        add_event(res, "escalation %u -> %u", before, st->escalation);
    st->truce_turns = st->escalation <= 1 ? st->truce_turns + 1 : 0;

    resolve_stability(sc, st, inc, d.recommit, res);
    resolve_coverage(sc, st, inc, resp);
    resolve_cohesion(sc, st, res);
}

/* ---- end of turn ----------------------------------------------------------
 */

/* Cohesion thresholds. A withdrawal costs the allies cohesion, which may
 * take another nation over its threshold, so this runs until nothing
 * changes (at most once per nation). */
static void
apply_thresholds(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_cohesion_t *co = &sc->cohesion;
    /* The totals change only when a nation withdraws: recounted then. */
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    nation_totals(st, committed, deployed);
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = 0; i < sc->n_nations; i++) {
            wg_nation_state_t *ns = &st->nations[i];
            if (ns->withdrawn || committed[i] == 0)
                continue;
            if (ns->cohesion < co->leave_now_below) {
                withdraw_nation(sc, st, i, res);
                nation_totals(st, committed, deployed);
                changed = true;
            } else if (ns->cohesion < co->leave_at_tour_end_below &&
                       !ns->leaving) {
                ns->leaving = true;
                add_event(res, "%s will leave as its tours end",
                          sc->nations[i].code);
            }
            if (!ns->withdrawn && ns->leaving && deployed[i] == 0) {
                withdraw_nation(sc, st, i, res);
                nation_totals(st, committed, deployed);
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
    deployed_table(st, tab);
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
