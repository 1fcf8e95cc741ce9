/*
 * rules_talks.c - the rules of a talks turn: a Joint Military Commission
 * meeting where the command puts one item to the parties (the JCCC of
 * 2014-17; the SMM brokered twelve truce recommitments in 2015-18, each
 * held about two weeks, brief section 5).
 *
 * Two items: keeping the de-confliction hotline, a small ask that usually
 * takes and steps the escalation ladder down; and a withdrawal of heavy
 * weapons from line sectors, a big ask that takes mostly when the truce is
 * managed and stable, and raises stability in proportion to the share of
 * the line it covers, while a refusal costs a little of it. An announced
 * agenda binds the parties more when it takes and is a public failure when
 * it does not.
 *
 * Talks use only the state the incident turns keep (stability, escalation,
 * regime) and need none of their own. Pure functions of (scenario, state,
 * orders), like all of the rules (rules.c): the meeting draws exactly one
 * number from the state's generator, when its phase closes, and nothing
 * else does, so a plan without talks turns plays as it did. It moves no
 * clock. docs/RULES.md ("Talks") is the prose version, with the sources
 * of the numbers below.
 */
#include "rules_int.h"
#include "wg/rules.h"

#include <math.h>
#include <string.h>

/* The hotline takes with P = HOTLINE_BASE + HOTLINE_PER_STABILITY x
 * stability/100: 0.76 at the default baseline 65, 0.62 in a broken truce
 * near 30 (Guess: the JCCC kept de-confliction working through 2017's
 * ~1,100 violations a day, brief section 5). */
#define HOTLINE_BASE 0.5
#define HOTLINE_PER_STABILITY 0.4
/* A withdrawal takes with P = HEAVY_MAX x (stability/100)^2 x (1 - share/2)
 * x (HEAVY_BROKEN_FACTOR when the truce is not managed): 0.21 for one
 * threat-6 sector at 65, 0.13 for the whole line (Guess: the withdrawal
 * lines of Minsk II were agreed again and again and held weeks, brief
 * section 5). */
#define HEAVY_MAX 0.6
#define HEAVY_BROKEN_FACTOR 0.2
/* Stability gained when a withdrawal of the whole line takes, and lost
 * when one is refused, in proportion to the share of the line asked
 * (Guess: the gain decays with stability's reversion, 0.8 a week, so it
 * halves in about three weeks, the two weeks a truce held, section 5). */
#define HEAVY_GAIN 15.0
#define HEAVY_REFUSAL_COST 3.0
/* An announced agenda: stability gained when it takes, lost when it does
 * not (Guess). */
#define ANNOUNCE_GAIN 3.0
#define ANNOUNCE_COST 5.0

/* A line sector's weight: where the fire comes from (length x threat), as
 * line coverage weighs it (rules_truce.c). */
static double
line_weight(const wg_scenario_t *sc, size_t s)
{
    const wg_sector_t *sec = &sc->sectors[s];
    return sec->rear ? 0.0 : sec->length_km * sec->threat;
}

static uint32_t
line_mask(const wg_scenario_t *sc)
{
    uint32_t m = 0;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (!sc->sectors[s].rear)
            m |= 1u << s;
    return m;
}

double
wg_rules_talks_share(const wg_scenario_t *sc, const wg_talks_t *t)
{
    if (t->item != WG_TALKS_HEAVY_WEAPONS)
        return 0.0;
    uint32_t mask = t->sector_mask != 0 ? t->sector_mask : line_mask(sc);
    double all = 0.0, asked = 0.0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        all += line_weight(sc, s);
        if (mask & (1u << s))
            asked += line_weight(sc, s);
    }
    return all > 0.0 ? asked / all : 1.0;
}

double
wg_rules_talks_chance(const wg_scenario_t *sc, const wg_state_t *st,
                      const wg_talks_t *t)
{
    double stab = fmax(0.0, fmin(100.0, st->stability)) / 100.0;
    if (t->item != WG_TALKS_HEAVY_WEAPONS)
        return HOTLINE_BASE + HOTLINE_PER_STABILITY * stab;
    double p =
        HEAVY_MAX * stab * stab * (1.0 - wg_rules_talks_share(sc, t) / 2);
    if (st->regime != sc->threat.managed_regime)
        p *= HEAVY_BROKEN_FACTOR;
    return p;
}

double
wg_rules_talks_gain(const wg_scenario_t *sc, const wg_talks_t *t, bool took)
{
    double share = wg_rules_talks_share(sc, t);
    double gain = took ? HEAVY_GAIN * share : -HEAVY_REFUSAL_COST * share;
    if (t->announce)
        gain += took ? ANNOUNCE_GAIN : -ANNOUNCE_COST;
    return gain;
}

int
wg_rules_validate_talks(const wg_scenario_t *sc, const wg_state_t *st,
                        wg_talks_t *t, char *why, size_t why_len)
{
    (void)st;
    int n = 0;
    wg__rules_why_clear(why, why_len);
    if (t->item != WG_TALKS_HOTLINE && t->item != WG_TALKS_HEAVY_WEAPONS) {
        wg__rules_correct(&n, why, why_len, "talks: item %u: the hotline",
                          t->item);
        t->item = WG_TALKS_HOTLINE;
    }
    if (t->item == WG_TALKS_HOTLINE && t->sector_mask != 0) {
        wg__rules_correct(&n, why, why_len,
                          "talks: sectors only for a heavy weapons withdrawal");
        t->sector_mask = 0;
    }
    uint32_t named = t->sector_mask;
    uint32_t known = (uint32_t)((1ull << sc->n_sectors) - 1);
    if (named & ~known)
        wg__rules_correct(&n, why, why_len, "talks: no such sector");
    if (named & known & ~line_mask(sc))
        wg__rules_correct(&n, why, why_len,
                          "talks: no heavy weapons at the rear hubs");
    t->sector_mask &= line_mask(sc);
    /* Sectors named and none of them on the line: the small ask, not the
     * whole line that naming none means. */
    if (named != 0 && t->sector_mask == 0) {
        wg__rules_correct(&n, why, why_len, "talks: no line sector: hotline");
        t->item = WG_TALKS_HOTLINE;
    }
    return n;
}

void
wg_rules_hold_talks(const wg_scenario_t *sc, const wg_state_t *st,
                    wg_talks_t *t)
{
    (void)sc;
    (void)st;
    memset(t, 0, sizeof *t);
    t->item = WG_TALKS_HOTLINE;
}

/* What an item that took does besides stability: the hotline steps the
 * ladder down one, as a recommitment does (rules_truce.c). */
static void
took_effect(wg_state_t *st, const wg_talks_t *t, wg_turn_result_t *res)
{
    if (t->item != WG_TALKS_HOTLINE) {
        wg__rules_add_event(res, "talks: the parties agree to withdraw heavy "
                                 "weapons");
        return;
    }
    uint32_t before = st->escalation;
    if (st->escalation > 0)
        st->escalation--;
    wg__rules_add_event(res, "talks: the parties keep the hotline");
    if (st->escalation != before)
        wg__rules_add_event(res, "escalation %u -> %u", before, st->escalation);
}

void
wg_rules_talks(const wg_scenario_t *sc, wg_state_t *st, const wg_talks_t *t,
               wg_turn_result_t *res)
{
    double p = wg_rules_talks_chance(sc, st, t);
    bool took = wg_rng_uniform(&st->rng) < p; /* one draw, whatever p */
    if (took)
        took_effect(st, t, res);
    else
        wg__rules_add_event(res, "talks: the parties refuse %s%s",
                            t->item == WG_TALKS_HOTLINE
                                ? "the hotline"
                                : "to withdraw heavy weapons",
                            t->announce ? ", in public" : "");
    double before = st->stability;
    st->stability = fmax(
        0.0, fmin(100.0, st->stability + wg_rules_talks_gain(sc, t, took)));
    if (fabs(st->stability - before) >= 0.05)
        wg__rules_add_event(res, "stability %.1f -> %.1f", before,
                            st->stability);
}
