/*
 * rules_truce.c - the state of the truce: how held sectors deter and thin
 * ones invite probing, how exposed the troops in a sector are, ceasefire
 * stability, and the regime of the next turn (breakdown, recommitment,
 * a spike's end).
 *
 * Stability is the state that sets the chance of a breakdown: each
 * managed turn the truce breaks down with P = p_break_at_zero x (1 -
 * stability/100)^break_exponent, so at 100 it cannot break and at 0 it
 * breaks with p_break_at_zero. It reverts toward a baseline and is moved
 * by violations against the managed truce's expectation, escalation, the
 * line left uncovered and recommitments. A breakdown lasts until a
 * recommitment the command calls takes (P p_recommit), and calls are
 * spaced by a cooldown.
 *
 * Pure functions of (scenario, state, orders), like all of the rules: see
 * rules.c for what that promises. docs/RULES.md is the prose version.
 */
#include "rules_int.h"
#include "wg/rules.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

uint32_t
wg__rules_sector_regime(const wg_scenario_t *sc, const wg_state_t *st, size_t s)
{
    /* A spike that names its sectors hits those; the rest of the line is
     * in the hot regime the truce broke into. */
    if (st->regime_sectors != 0 && !(st->regime_sectors & (1u << s)))
        return sc->threat.hot_regime;
    return st->regime;
}

double
wg__rules_density(const wg_scenario_t *sc, size_t s, uint32_t troops)
{
    const wg_threat_t *th = &sc->threat;
    double km = sc->sectors[s].length_km > 0 ? sc->sectors[s].length_km : 1;
    if (th->reference_density <= 0)
        return 1.0; /* no reference: every sector at the brief's exposure */
    double d = troops / km / th->reference_density;
    return th->density_cap > 0 && d > th->density_cap ? th->density_cap : d;
}

/*
 * The factor on a sector's raw violations: probe_factor where nothing
 * holds it, down to the held factor of the force's posture (robust ROE
 * deters more) where the requirement is met and every unit held its
 * ground last turn. Presence is troops over the requirement (capped at
 * 1; a sector with no requirement counts as held when anyone is there)
 * times the share that held at the last incident turn.
 */
double
wg__rules_deterrence(const wg_scenario_t *sc, const wg_state_t *st, size_t s,
                     uint32_t troops)
{
    const wg_deterrence_t *d = &sc->deterrence;
    double req = st->required[s];
    double presence = req > 0 ? fmin(1.0, troops / req) : (troops > 0);
    presence *= st->held[s];
    double held =
        st->robust_roe ? d->held_factor_robust : d->held_factor_restrictive;
    return d->probe_factor + (held - d->probe_factor) * presence;
}

void
wg__rules_force_regime(const wg_scenario_t *sc, wg_state_t *st, uint32_t r,
                       uint32_t sectors)
{
    const wg_regime_t *rg = wg__rules_regime_of(sc, r);
    if (rg == NULL)
        return;
    st->regime = r;
    st->recommitted = false;
    st->fragile_turns = 0;
    st->regime_turns_left = 0;
    st->regime_sectors = 0;
    if (rg->max_turns > 0) {
        uint32_t lo = rg->min_turns > 0 ? rg->min_turns : 1;
        uint32_t hi = rg->max_turns >= lo ? rg->max_turns : lo;
        st->regime_turns_left =
            lo + (uint32_t)wg_rng_below(&st->rng, hi - lo + 1);
        st->regime_sectors = sectors;
    }
}

/* What the turn's incidents were: ceasefire violations (fire the SMM
 * would count), drone activity (the other raw types), events that
 * reached the force; and the raw violations observed. */
static double
count_incidents(const wg_scenario_t *sc, const wg_incident_list_t *inc,
                wg_turn_result_t *res)
{
    double observed = 0;
    for (uint32_t k = 0; k < inc->n; k++) {
        const wg_incident_t *it = &inc->items[k];
        if (it->type >= sc->n_incident_types)
            continue;
        const wg_incident_type_t *ty = &sc->incident_types[it->type];
        if (it->nation >= 0)
            res->force_events += it->count;
        if (!ty->raw)
            continue;
        observed += it->count;
        if (ty->violation)
            res->violations += it->count;
        else
            res->drones += it->count;
    }
    res->incidents = (uint32_t)observed;
    return observed;
}

/* Raw violations a managed truce gives with nobody deterring or probing:
 * the yardstick of stability. */
static double
managed_expectation(const wg_scenario_t *sc)
{
    const wg_regime_t *rg = wg__rules_regime_of(sc, sc->threat.managed_regime);
    double mult = rg != NULL ? rg->multiplier : 1.0, sum = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        for (size_t t = 0; t < sc->n_incident_types; t++) {
            const wg_incident_type_t *it = &sc->incident_types[t];
            if (it->raw && it->basis == WG_RATE_PER_100KM)
                sum += it->rate * sc->sectors[s].length_km / 100.0 *
                       sc->sectors[s].threat * mult;
        }
    return sum;
}

/* The line's coverage this turn, weighted by km x threat: the share of
 * where the fire comes from that the force watches. */
static double
line_coverage(const wg_scenario_t *sc, const wg_state_t *st)
{
    double w = 0, covered = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (sc->sectors[s].rear)
            continue;
        double ws = sc->sectors[s].length_km * sc->sectors[s].threat;
        w += ws;
        covered += ws * st->coverage[s];
    }
    return w > 0 ? covered / w : 1.0;
}

static void
update_stability(const wg_scenario_t *sc, wg_state_t *st, double observed)
{
    const wg_stability_t *sb = &sc->stability;
    double expected = managed_expectation(sc);
    st->stability += sb->reversion * (sb->baseline - st->stability);
    /* Every doubling of the violations over a managed truce's costs
     * per_excess: the hot regime (x25) about 4.6 x per_excess a turn. */
    if (observed <= expected)
        st->stability += sb->quiet_gain;
    else if (expected > 0)
        st->stability -= sb->per_excess * log2(observed / expected);
    st->stability -= sb->escalation_loss * st->escalation;
    st->stability -= sb->gap_loss * (1.0 - line_coverage(sc, st));
    st->stability = fmax(0.0, fmin(100.0, st->stability));
}

/* A recommitment the command called (validated: off cooldown, truce not
 * managed). It takes with p_recommit; either way the next calls wait. */
static void
recommit(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_stability_t *sb = &sc->stability;
    st->recommit_cooldown = sb->recommit_cooldown;
    if (!wg_rng_bernoulli(&st->rng, sb->p_recommit)) {
        wg__rules_add_event(res, "the parties are called to recommit; the "
                                 "truce stays broken");
        return;
    }
    uint32_t before = st->escalation;
    if (st->escalation > 0)
        st->escalation--; /* what the joint commission is for (brief §5) */
    st->stability = fmin(100.0, st->stability + sb->recommit_gain);
    st->regime = sc->threat.managed_regime;
    st->regime_turns_left = 0;
    st->regime_sectors = 0;
    st->recommitted = true;
    st->fragile_turns = sb->fragile_turns;
    res->recommitted = true;
    wg__rules_add_event(res, "the parties recommit to the truce");
    if (st->escalation != before)
        wg__rules_add_event(res, "escalation %u -> %u", before, st->escalation);
}

/* A managed truce breaks down with the chance its stability sets, or with
 * the brief's p_hot_after_recommit while a recommitment is fragile
 * (truces held about two weeks, §5), whichever is larger. */
static void
maybe_break(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_stability_t *sb = &sc->stability;
    double p = sb->p_break_at_zero *
               pow(1.0 - st->stability / 100.0, sb->break_exponent);
    if (st->fragile_turns > 0) {
        p = fmax(p, sc->threat.p_hot_after_recommit);
        if (--st->fragile_turns == 0)
            st->recommitted = false;
    }
    if (wg_rng_bernoulli(&st->rng, p)) {
        st->regime = sc->threat.hot_regime;
        st->recommitted = false;
        st->fragile_turns = 0;
        wg__rules_add_event(res, "the truce breaks down (stability %.0f)",
                            st->stability);
    }
}

void
wg__rules_resolve_truce(const wg_scenario_t *sc, wg_state_t *st,
                        const wg_incident_list_t *inc, bool call,
                        wg_turn_result_t *res)
{
    double observed = count_incidents(sc, inc, res);
    update_stability(sc, st, observed);
    /* A call is heard only when there is a broken truce to recommit to
     * (in a managed truce it means nothing), and not again before the
     * cooldown since the last one has run. */
    if (call && st->regime != sc->threat.managed_regime) {
        if (st->recommit_cooldown == 0) {
            recommit(sc, st, res);
            return;
        }
        wg__rules_add_event(
            res, "the parties cannot be called again for %u turn%s",
            st->recommit_cooldown, st->recommit_cooldown == 1 ? "" : "s");
    }
    if (st->recommit_cooldown > 0)
        st->recommit_cooldown--;
    if (st->regime_turns_left > 0) {
        if (--st->regime_turns_left == 0) {
            st->regime = sc->threat.hot_regime;
            st->regime_sectors = 0;
            wg__rules_add_event(res, "the spike subsides; the truce stays hot");
        }
    } else if (st->regime == sc->threat.managed_regime) {
        maybe_break(sc, st, res);
    }
}
