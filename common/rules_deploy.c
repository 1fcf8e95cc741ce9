/*
 * rules_deploy.c - the rules of a deployment turn: requirement, pledges,
 * assignment, their hold orders, and deploying what was assigned.
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

/* ---- deployment -----------------------------------------------------------
 */

/* Sanity bound on one sector's requirement: keeps sums far from overflow. */
#define REQ_MAX 10000000u

/* Troops a nation has in theatre or on their way there (an entry force
 * preparing): what its ceiling is measured against at a deployment. */
static uint32_t
bound_for_theatre(const wg_state_t *st, size_t nation)
{
    uint32_t sum = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation == nation &&
            (u->status == WG_UNIT_DEPLOYED || u->status == WG_UNIT_ENTERING))
            sum += u->troops;
    }
    return sum;
}

/* New troops a nation may send: its ceiling less what is there or on the
 * way, and no more than its manpower has left. */
static uint32_t
deploy_room(const wg_scenario_t *sc, const wg_state_t *st, size_t nation)
{
    uint32_t ceiling = wg_rules_ceiling(sc, st, nation);
    uint32_t bound = bound_for_theatre(st, nation);
    uint32_t room = ceiling > bound ? ceiling - bound : 0;
    uint32_t left = wg_rules_manpower_left(sc, st, nation);
    return room < left ? room : left;
}

int
wg_rules_validate_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                              wg_requirement_t *req, char *why, size_t why_len)
{
    (void)st;
    int n = 0;
    wg__rules_why_clear(why, why_len);
    for (size_t s = 0; s < WG_MAX_SECTORS; s++) {
        if (s >= sc->n_sectors && req->troops[s] != 0) {
            wg__rules_correct(&n, why, why_len, "no sector %zu", s);
            req->troops[s] = 0;
        } else if (req->troops[s] > REQ_MAX) {
            wg__rules_correct(&n, why, why_len,
                              "%s: %u troops is beyond any force",
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
    wg__rules_why_clear(why, why_len);
    if (nation >= sc->n_nations)
        return 0;
    const wg_nation_t *nat = &sc->nations[nation];
    const wg_nation_state_t *ns = &st->nations[nation];

    /* A pledge is of new troops, so the room is the ceiling less what is
     * already in theatre; a leaving nation pledges nothing. */
    uint32_t ceiling = wg_rules_ceiling(sc, st, nation);
    uint32_t room = deploy_room(sc, st, nation);
    if (ns->leaving || ns->withdrawn)
        room = 0;
    room -= room % wg__rules_unit_size(nat);
    if (pledge->troops > room) {
        wg__rules_correct(&n, why, why_len, "%s: pledge %u over room %u (%s)",
                          nat->code, pledge->troops, room,
                          ceiling == 0 ? "gate closed"
                          : wg_rules_manpower_left(sc, st, nation) < ceiling
                              ? "ceiling or manpower"
                              : "ceiling");
        pledge->troops = room;
    }
    if (pledge->troops % wg__rules_unit_size(nat) != 0) {
        wg__rules_correct(&n, why, why_len,
                          "%s: pledge %u not whole units of %u", nat->code,
                          pledge->troops, wg__rules_unit_size(nat));
        pledge->troops -= pledge->troops % wg__rules_unit_size(nat);
    }
    uint32_t mask = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (wg_rules_sector_allowed(sc, nation, s))
            mask |= 1u << s;
    if (pledge->sector_mask & ~mask) {
        wg__rules_correct(&n, why, why_len, "%s: sectors 0x%x outside caveats",
                          nat->code, pledge->sector_mask & ~mask);
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
    uint32_t unit = wg__rules_unit_size(nat);
    uint32_t fresh[WG_MAX_SECTORS] = {0};
    uint32_t total = 0;
    int n = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        /* The assignment is the nation's total in the sector; deployment
         * turns never withdraw, so below what is there means "as is". */
        uint32_t have = in_place[s];
        if (row[s] < have) {
            wg__rules_correct(&n, why, why_len,
                              "%s/%s: %u below the %u in place", nat->code,
                              sc->sectors[s].code, row[s], have);
            row[s] = have;
        }
        fresh[s] = row[s] - have;
        if (fresh[s] > 0 && (!(pledge->sector_mask & (1u << s)) ||
                             !wg_rules_sector_allowed(sc, i, s))) {
            wg__rules_correct(&n, why, why_len, "%s/%s: not a pledged sector",
                              nat->code, sc->sectors[s].code);
            fresh[s] = 0;
        }
        if (fresh[s] % unit != 0) {
            wg__rules_correct(&n, why, why_len,
                              "%s/%s: %u not whole units of %u", nat->code,
                              sc->sectors[s].code, fresh[s], unit);
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
            wg__rules_correct(&n, why, why_len, "%s/%s: %u over the pledge",
                              nat->code, sc->sectors[s].code, cut);
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
    wg__rules_why_clear(why, why_len);
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    wg__rules_bound_table(st, tab);
    for (size_t i = 0; i < WG_MAX_NATIONS; i++) {
        for (size_t s = 0; s < WG_MAX_SECTORS; s++) {
            if ((i >= sc->n_nations || s >= sc->n_sectors) &&
                asg->troops[i][s] != 0) {
                wg__rules_correct(&n, why, why_len,
                                  "no nation %zu or sector %zu", i, s);
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
    wg__rules_bound_table(st, tab);
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
            uint32_t unit = wg__rules_unit_size(&sc->nations[i]);
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
    uint32_t r1 = wg__rules_rotation_after(sc, turn, 0, &t1);
    if (r1 != 0 && wg__rules_rotation_after(sc, r1, n->prep_weeks, &d) != 0)
        lead = t1 + d;
    return lead;
}

/* Creates one nation's batch, round-robin over sectors so that each
 * sector's units, not just the nation's, have their reliefs spread over
 * the tour. With entry_prep_weeks the batch first prepares at home
 * (ENTERING) and its staggered tours start when it arrives; without, it
 * deploys at once. Returns false when the unit array is full. */
static bool
deploy_batch(const wg_scenario_t *sc, wg_state_t *st, size_t i,
             uint32_t add[WG_MAX_SECTORS], uint32_t batch)
{
    const wg_nation_t *nat = &sc->nations[i];
    uint32_t unit = wg__rules_unit_size(nat);
    /* Reliefs may prepare while the entry force does, from the first
     * rotation turn after this one: the first tours end when they can be
     * there, counted from the deployment, so the first of an entry force
     * that prepared serve shorter tours (at least one week). */
    uint32_t entry = nat->entry_prep_weeks;
    uint32_t lead = first_tour_lead(sc, st->turn, nat);
    lead = lead > entry ? lead - entry : 1;
    uint32_t k = 0;
    while (k < batch) {
        for (size_t s = 0; s < sc->n_sectors; s++) {
            if (add[s] == 0)
                continue;
            add[s]--;
            uint32_t tour =
                (uint32_t)(lead + (uint64_t)k * nat->tour_weeks / batch);
            wg_unit_t *u = wg__rules_new_unit(
                st, i, (int)s, entry > 0 ? WG_UNIT_ENTERING : WG_UNIT_DEPLOYED,
                (int32_t)(entry > 0 ? entry : tour), unit);
            if (u == NULL)
                return false;
            u->first_tour = entry > 0 ? tour : 0;
            k++;
        }
    }
    return true;
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
    wg__rules_bound_table(st, tab);
    for (size_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_t *nat = &sc->nations[i];
        uint32_t unit = wg__rules_unit_size(nat);
        uint32_t room = deploy_room(sc, st, i) / unit;
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
        if (!deploy_batch(sc, st, i, add, batch)) {
            wg__rules_add_event(res, "unit limit %d reached", WG_MAX_UNITS);
            return;
        }
        if (nat->entry_prep_weeks > 0)
            wg__rules_add_event(res,
                                "%s commits %u troops (in theatre in %u "
                                "weeks)",
                                nat->code, batch * unit, nat->entry_prep_weeks);
        else
            wg__rules_add_event(res, "%s deploys %u troops", nat->code,
                                batch * unit);
    }
}
