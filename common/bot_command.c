/*
 * bot_command.c - the built-in bot of the coalition force headquarters.
 *
 * Plays the command as a staff that re-plans as the situation moves, from
 * the scenario's command profile: it asks for the profile's target force,
 * spread over the line by length and threat, with a reserve at the hubs
 * that grows with escalation (and scales the requirement down to what the
 * nations that stay can field at a force review); assigns pledged troops
 * where the gaps are largest and the contributors' caveats allow; re-balances
 * deployed units into sectors left short at rotations; and in incident turns
 * commits the reserve where the force was hit, restricts the rules of
 * engagement when the ladder climbs or the truce weakens and returns to its
 * standing ROE when it is firm, and calls the parties back to the truce
 * whenever it has broken down and a call can take. Deterministic and stateless:
 * everything comes from the phase view. Each decision answers one kind of order
 * of the phase table (common/phases.c); the table at the end of this file
 * names them, and common/bot.c dispatches through it.
 */
#include "bot_int.h"

#include "wg/rules.h"

#include <stdio.h>
#include <string.h>

static uint32_t
sector_deployed(const wg_state_t *st, size_t s)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].status == WG_UNIT_DEPLOYED &&
            st->units[i].sector == (int)s)
            sum += st->units[i].troops;
    return sum;
}

/* Troops deployed in a sector or on their way there (an entry force
 * preparing, rules version 2): what an assignment finds in place. */
static bool
bound_for(const wg_unit_t *u, size_t s)
{
    return (u->status == WG_UNIT_DEPLOYED || u->status == WG_UNIT_ENTERING) &&
           u->sector == (int)s;
}

/* The reserve: the profile's share, and a twentieth more per step of the
 * ladder (at most a third of the force), so that a force under pressure
 * keeps troops to reinforce the sectors hit. */
static double
reserve_share(const wg_scenario_t *sc, const wg_state_t *st)
{
    double share = sc->command.reserve_share + 0.05 * st->escalation;
    return share < 1.0 / 3 ? share : 1.0 / 3;
}

/* Line sectors get troops in proportion to length x threat: density
 * follows danger (brief §8's sector multipliers), the doctrine of a
 * deterrence force. Rear hubs share the reserve. The force asked for is
 * the profile's target even when the nations can field less: shrunk to
 * what they could field, the requirement left the contributors whose
 * caveats keep them out of the threat-6 sectors no gap they could fill
 * (rules 2: peak in theatre 38,200 instead of 40,000 over 200 seeds). */
static void
decide_requirement(const wg_scenario_t *sc, const wg_phase_view_t *v,
                   wg_orders_t *out)
{
    const wg_command_profile_t *cp = &sc->command;
    double target = cp->target_troops;
    double share = reserve_share(sc, v->st);
    double line = target * (1.0 - share);
    double reserve = target - line;
    double wline = 0.0, nrear = 0.0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (sc->sectors[s].rear)
            nrear += 1.0;
        else
            wline += sc->sectors[s].length_km * sc->sectors[s].threat;
    }
    for (size_t s = 0; s < sc->n_sectors; s++) {
        const wg_sector_t *sec = &sc->sectors[s];
        double want = sec->rear ? reserve / (nrear > 0 ? nrear : 1)
                                : line * sec->length_km * sec->threat /
                                      (wline > 0 ? wline : 1);
        out->requirement.troops[s] = (uint32_t)(want / 100.0) * 100;
    }
    if (nrear == 0 && sc->n_sectors > 0)
        out->requirement.troops[0] += (uint32_t)reserve / 100 * 100;
    snprintf(out->rationale, sizeof out->rationale,
             "%.0f troops: %.0f on the line, %.0f in reserve at escalation %u",
             target, line, reserve, v->st->escalation);
}

/* An assignment states each nation's total in each sector: what is
 * deployed there now, plus new troops. New troops are placed greedily: the
 * unit of the largest remaining pledge goes to the allowed sector with the
 * largest remaining gap, one unit at a time. */
static void
decide_assignment(const wg_scenario_t *sc, const wg_phase_view_t *v,
                  wg_orders_t *out)
{
    int64_t gap[WG_MAX_SECTORS];
    uint32_t left[WG_MAX_NATIONS];
    for (size_t s = 0; s < sc->n_sectors; s++)
        gap[s] = v->req->troops[s];
    for (size_t n = 0; n < sc->n_nations; n++)
        left[n] = v->pledges[n].troops;
    for (uint32_t i = 0; i < v->st->n_units; i++) {
        const wg_unit_t *u = &v->st->units[i];
        if (u->sector >= 0 && bound_for(u, (size_t)u->sector)) {
            out->assignment.troops[u->nation][u->sector] += u->troops;
            gap[u->sector] -= u->troops;
        }
    }

    uint32_t assigned = 0;
    for (;;) {
        int best_n = -1;
        for (size_t n = 0; n < sc->n_nations; n++)
            if (left[n] >= sc->nations[n].unit_size &&
                sc->nations[n].unit_size > 0 &&
                (best_n < 0 || left[n] > left[best_n]))
                best_n = (int)n;
        if (best_n < 0)
            break;
        int best_s = -1;
        for (size_t s = 0; s < sc->n_sectors; s++)
            if ((v->pledges[best_n].sector_mask & (1u << s)) && gap[s] > 0 &&
                (best_s < 0 || gap[s] > gap[best_s]))
                best_s = (int)s;
        uint32_t unit = sc->nations[best_n].unit_size;
        if (best_s < 0) {
            left[best_n] = 0; /* nowhere this nation may go is short */
            continue;
        }
        out->assignment.troops[best_n][best_s] += unit;
        gap[best_s] -= unit;
        left[best_n] -= unit;
        assigned += unit;
    }
    snprintf(out->rationale, sizeof out->rationale,
             "assigned %u new troops to the largest gaps", assigned);
}

/* Moves a deployed unit from a sector above its requirement into one short
 * of it, when the unit's nation may serve there. */
static void
decide_moves(const wg_scenario_t *sc, const wg_phase_view_t *v,
             wg_orders_t *out)
{
    const wg_state_t *st = v->st;
    int64_t surplus[WG_MAX_SECTORS];
    for (size_t s = 0; s < sc->n_sectors; s++)
        surplus[s] = (int64_t)sector_deployed(st, s) - st->required[s];
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->status != WG_UNIT_DEPLOYED || u->sector < 0 ||
            wg_rules_unit_due(sc, u, v->weeks_to_rotation) ||
            surplus[u->sector] < (int64_t)u->troops)
            continue;
        int to = -1;
        for (size_t s = 0; s < sc->n_sectors; s++)
            if (surplus[s] < 0 && -surplus[s] >= (int64_t)u->troops / 2 &&
                wg_rules_sector_allowed(sc, u->nation, s) &&
                (to < 0 || surplus[s] < surplus[to]))
                to = (int)s;
        if (to < 0 || out->rotation.n_moves >= WG_MAX_MOVES)
            continue;
        out->rotation.moves[out->rotation.n_moves].unit = u->id;
        out->rotation.moves[out->rotation.n_moves].sector = (uint8_t)to;
        out->rotation.n_moves++;
        surplus[u->sector] -= u->troops;
        surplus[to] += u->troops;
    }
    snprintf(out->rationale, sizeof out->rationale,
             "%u units moved to sectors short of their requirement",
             out->rotation.n_moves);
}

/*
 * The rules of engagement: restrictive once the ladder reaches a local
 * exchange or stability falls below 30, whatever the profile, since
 * robust answers then climb the ladder; otherwise the profile's standing
 * ROE. (A restrictive profile that loosened when the truce was firm and
 * the force probed did worse: robust ROE buys nothing under these rules
 * but a steeper ladder, and the UN variant held half its peak in 54 of
 * 300 seeds instead of 111.)
 */
static bool
choose_robust(const wg_scenario_t *sc, const wg_state_t *st)
{
    if (st->escalation >= 2 || st->stability < 30.0)
        return false;
    return sc->command.robust_roe;
}

/*
 * A recommitment is called when the truce has broken down (not in the
 * managed regime) and the last call's cooldown has passed (a call during
 * it is refused and wasted), or when escalation reaches the profile's
 * level. Waiting for a breakdown to turn serious (the ladder off calm or
 * stability below 50) did worse under rules 2, where a breakdown lasts
 * until a call takes: 0.9 calls a year that took instead of 1.9, and 10.2
 * hot weeks a year instead of 7.0.
 */
static bool
choose_recommit(const wg_scenario_t *sc, const wg_state_t *st)
{
    uint32_t lvl = sc->command.recommit_escalation;
    if (lvl > 0 && st->escalation >= lvl)
        return true;
    return st->regime != sc->threat.managed_regime &&
           st->recommit_cooldown == 0;
}

static void
decide_decision(const wg_scenario_t *sc, const wg_phase_view_t *v,
                wg_orders_t *out)
{
    uint32_t hits[WG_MAX_SECTORS] = {0};
    for (uint32_t i = 0; i < v->incidents->n; i++) {
        const wg_incident_t *in = &v->incidents->items[i];
        if (in->nation >= 0)
            hits[in->sector] += in->count;
    }
    /* The reserve can reinforce one sector, the one hit hardest, if there
     * is a reserve at the hubs to send. */
    uint32_t reserve = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (sc->sectors[s].rear)
            reserve += sector_deployed(v->st, s);
    int worst = -1;
    for (size_t s = 0; s < sc->n_sectors && reserve > 0; s++)
        if (hits[s] > 0 && !sc->sectors[s].rear &&
            (worst < 0 || hits[s] > hits[worst]))
            worst = (int)s;
    if (worst >= 0)
        out->decision.reinforce_mask = 1u << worst;
    out->decision.robust_roe = choose_robust(sc, v->st);
    out->decision.recommit = choose_recommit(sc, v->st);
    snprintf(out->rationale, sizeof out->rationale,
             "reinforce %s, %s ROE (escalation %u, stability %.0f)%s",
             worst >= 0 ? sc->sectors[worst].code : "none",
             out->decision.robust_roe ? "robust" : "restrictive",
             v->st->escalation, v->st->stability,
             out->decision.recommit ? ", truce recommitment" : "");
}

/* At a force review the command asks for no more than the nations that
 * stay can field: the requirement in force, scaled down in proportion
 * when the ceilings of the nations not leaving add up to less. */
static void
decide_replan(const wg_scenario_t *sc, const wg_phase_view_t *v,
              wg_orders_t *out)
{
    const wg_state_t *st = v->st;
    uint64_t total = 0, avail = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        total += st->required[s];
    if (total == 0) {
        decide_requirement(sc, v, out);
        return;
    }
    for (size_t n = 0; n < sc->n_nations; n++)
        if (!st->nations[n].leaving && !st->nations[n].withdrawn)
            avail += wg_rules_ceiling(sc, st, n);
    for (size_t s = 0; s < sc->n_sectors; s++)
        out->requirement.troops[s] =
            avail >= total
                ? st->required[s]
                : (uint32_t)(st->required[s] * avail / total / 100 * 100);
    snprintf(out->rationale, sizeof out->rationale,
             "%llu troops required, %llu can be fielded by those who stay: %s",
             (unsigned long long)total, (unsigned long long)avail,
             avail >= total ? "kept" : "scaled down");
}

/* The agenda's expected change of stability: chance x gain + (1 - chance)
 * x cost, from the rules' own figures (wg/rules.h). */
static double
expected_gain(const wg_scenario_t *sc, const wg_state_t *st,
              const wg_talks_t *t)
{
    double p = wg_rules_talks_chance(sc, st, t);
    return p * wg_rules_talks_gain(sc, t, true) +
           (1.0 - p) * wg_rules_talks_gain(sc, t, false);
}

/* Talks: de-confliction first while the ladder is off calm (the hotline
 * steps it down, and every level costs stability each week); at calm the
 * withdrawal, over the set of line sectors, with the best expected
 * stability if that is above 0, else the hotline. Announced when that is
 * expected to pay. */
static void
decide_talks(const wg_scenario_t *sc, const wg_phase_view_t *v,
             wg_orders_t *out)
{
    const wg_state_t *st = v->st;
    wg_talks_t *t = &out->talks;
    memset(t, 0, sizeof *t);
    t->item = WG_TALKS_HOTLINE;
    uint32_t line = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (!sc->sectors[s].rear)
            line |= 1u << s;
    double best = 0.0;
    /* Every non-empty set of line sectors, largest mask first. */
    for (uint32_t m = line; st->escalation == 0 && m != 0; m = (m - 1) & line) {
        wg_talks_t c = {.item = WG_TALKS_HEAVY_WEAPONS, .sector_mask = m};
        double e = expected_gain(sc, st, &c);
        if (e > best) {
            best = e;
            *t = c;
        }
    }
    wg_talks_t loud = *t;
    loud.announce = true;
    t->announce = expected_gain(sc, st, &loud) > expected_gain(sc, st, t);
    snprintf(out->rationale, sizeof out->rationale,
             "%s%s: takes with P %.2f, stability %+.1f expected "
             "(escalation %u, stability %.0f)",
             t->item == WG_TALKS_HOTLINE ? "the hotline" : "heavy weapons back",
             t->announce ? ", announced" : "", wg_rules_talks_chance(sc, st, t),
             expected_gain(sc, st, t), st->escalation, st->stability);
}

const wg__bot_decider_t wg__bot_command_deciders[] = {
    {"requirement", decide_requirement},
    {"assignment", decide_assignment},
    {"moves", decide_moves},
    {"decision", decide_decision},
    {"replan", decide_replan},
    {"talks", decide_talks},
    {NULL, NULL},
};
