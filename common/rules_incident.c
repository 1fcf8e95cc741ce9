/*
 * rules_incident.c - the rules of an incident turn: drawing incidents,
 * the responses and the command's decision, and resolving casualties,
 * stability, coverage and cohesion.
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

/* ---- incidents ------------------------------------------------------------
 */

/*
 * Mean count of one incident type in one sector this turn, in the regime
 * in force there. Raw violations (shelling, small arms, drones, jamming)
 * take the regime's multiplier in full, and the deterrence factor of the
 * sector: fewer where it is held, more where it is thin (probing). Direct
 * events against the force take the regime's direct_multiplier (0 = 1) and
 * scale with the troops there: per-sector events (patrols fired on,
 * unrest) with the sector's density over the reference density, as more
 * troops patrol more; per-1,000-troop events (mines, UXO) with the troops,
 * without the sector's threat, as the brief's figure is force-wide.
 */
static double
expected_count(const wg_scenario_t *sc, const wg_state_t *st, size_t s,
               size_t t, uint32_t troops)
{
    const wg_sector_t *sec = &sc->sectors[s];
    const wg_incident_type_t *it = &sc->incident_types[t];
    const wg_regime_t *rg =
        wg__rules_regime_of(sc, wg__rules_sector_regime(sc, st, s));
    double mult = 1.0;
    if (rg != NULL)
        mult = it->raw                       ? rg->multiplier
               : rg->direct_multiplier > 0.0 ? rg->direct_multiplier
                                             : 1.0;
    switch (it->basis) {
    case WG_RATE_PER_100KM:
        return it->rate * sec->length_km / 100.0 * sec->threat * mult *
               (it->raw ? wg__rules_deterrence(sc, st, s, troops) : 1.0);
    case WG_RATE_PER_SECTOR:
        /* Fire on the force is deterred and probes as raw fire does;
         * unrest and blockades (unarmed) are not. */
        return it->rate * sec->threat * mult *
               wg__rules_density(sc, s, troops) *
               (it->armed ? wg__rules_deterrence(sc, st, s, troops) : 1.0);
    case WG_RATE_PER_1000_TROOPS:
        return it->rate * troops / 1000.0 * mult;
    }
    return 0;
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
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    wg__rules_deployed_table(st, tab);
    for (size_t s = 0; s < sc->n_sectors; s++) {
        uint32_t troops[WG_MAX_NATIONS] = {0};
        uint32_t total = 0;
        for (size_t i = 0; i < sc->n_nations; i++) {
            troops[i] = tab[i][s];
            total += troops[i];
        }
        /* The share of raw events reaching troops: the brief's share at
         * the reference density, more where more troops stand. */
        const wg_regime_t *rg =
            wg__rules_regime_of(sc, wg__rules_sector_regime(sc, st, s));
        double share = (sc->sectors[s].rear ? sc->threat.exposure_rear
                                            : sc->threat.exposure_line) *
                       (rg != NULL ? rg->exposure_factor : 1.0) *
                       wg__rules_density(sc, s, total);
        for (size_t t = 0; t < sc->n_incident_types; t++) {
            const wg_incident_type_t *it = &sc->incident_types[t];
            /* Direct events are events against the force: none where it
             * is not. Raw violations happen all along the line. */
            if (!it->raw && total == 0)
                continue;
            uint32_t count =
                wg_rng_poisson(&st->rng, expected_count(sc, st, s, t, total));
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
    wg__rules_why_clear(why, why_len);
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
                wg__rules_correct(&n, why, why_len,
                                  "%s: incident %u is not its own", code,
                                  k + 1);
                resp->action[k] = 0;
            }
        } else if (a < WG_ROE_HOLD || a > WG_ROE_WITHDRAW) {
            wg__rules_correct(&n, why, why_len,
                              "%s: incident %u: action %u -> hold", code, k + 1,
                              a);
            resp->action[k] = WG_ROE_HOLD;
        } else if (a == WG_ROE_RETURN_FIRE &&
                   inc->items[k].type < sc->n_incident_types &&
                   !sc->incident_types[inc->items[k].type].armed) {
            /* Unrest, a mine, jamming: there is no fire to return. */
            wg__rules_correct(
                &n, why, why_len, "%s: incident %u (%s): no fire to return",
                code, k + 1, sc->incident_types[inc->items[k].type].name);
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
    wg__rules_why_clear(why, why_len);
    uint32_t all =
        sc->n_sectors >= 32 ? UINT32_MAX : (1u << sc->n_sectors) - 1u;
    if (dec->reinforce_mask & ~all) {
        wg__rules_correct(&n, why, why_len, "reinforce: no sectors 0x%x",
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
                    st->regime != sc->threat.managed_regime &&
                    st->recommit_cooldown == 0;
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

/* Sector coverage: troops held in place over the requirement, less what
 * withdrawals under fire and jamming take away. */
static void
resolve_coverage(const wg_scenario_t *sc, wg_state_t *st,
                 const wg_incident_list_t *inc,
                 const wg_response_t resp[WG_MAX_NATIONS])
{
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    wg__rules_deployed_table(st, tab);
    for (size_t s = 0; s < sc->n_sectors; s++) {
        double factor[WG_MAX_NATIONS];
        for (size_t i = 0; i < sc->n_nations; i++)
            factor[i] = 1.0;
        double jam = 1.0;
        for (uint32_t k = 0; k < inc->n; k++) {
            const wg_incident_t *it = &inc->items[k];
            if (it->sector != s || it->type >= sc->n_incident_types)
                continue;
            /* Jamming blinds the troops it reaches, not the line. */
            double loss = sc->incident_types[it->type].coverage_loss;
            if (loss > 0 && it->nation >= 0)
                jam *= pow(1.0 - (loss < 1 ? loss : 1), it->count);
            if (it->nation >= 0 && (size_t)it->nation < sc->n_nations) {
                double f = sc->roe[action_of(resp, it, k)].coverage_factor;
                if (f < factor[it->nation])
                    factor[it->nation] = f;
            }
        }
        double held = 0, troops = 0;
        for (size_t i = 0; i < sc->n_nations; i++) {
            held += tab[i][s] * factor[i];
            troops += tab[i][s];
        }
        double base = st->required[s] > 0 ? held / st->required[s]
                                          : (held > 0 ? 1.0 : 0.0);
        st->coverage[s] = (base < 1.0 ? base : 1.0) * jam;
        /* What deters next turn: the share that held, after jamming. */
        st->held[s] = (troops > 0 ? held / troops : 1.0) * jam;
    }
}

static void
resolve_cohesion(const wg_scenario_t *sc, wg_state_t *st, wg_turn_result_t *res)
{
    const wg_cohesion_t *co = &sc->cohesion;
    uint32_t committed[WG_MAX_NATIONS], deployed[WG_MAX_NATIONS];
    wg__rules_nation_totals(st, committed, deployed);
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

/*
 * Reinforcement moves reserve troops: for each reinforced line sector, in
 * sector order, up to reinforce_units deployed units from the rear
 * sectors (lowest id first) whose nation may serve there and is staying.
 * Returns the sectors that received troops: only those count as
 * reinforced for escalation.
 */
static uint32_t
reinforce(const wg_scenario_t *sc, wg_state_t *st, uint32_t mask,
          wg_turn_result_t *res)
{
    uint32_t done = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (!(mask & (1u << s)) || sc->sectors[s].rear)
            continue;
        uint32_t moved = 0, troops = 0;
        for (uint32_t k = 0;
             k < st->n_units && moved < sc->escalation.reinforce_units; k++) {
            wg_unit_t *u = &st->units[k];
            if (u->status != WG_UNIT_DEPLOYED || u->sector < 0 ||
                (size_t)u->sector >= sc->n_sectors ||
                !sc->sectors[u->sector].rear ||
                st->nations[u->nation].leaving ||
                !wg_rules_sector_allowed(sc, u->nation, s))
                continue;
            u->sector = (int8_t)s;
            moved++;
            troops += u->troops;
        }
        if (moved > 0) {
            done |= 1u << s;
            wg__rules_add_event(res,
                                "%s reinforced: %u troops from the reserve",
                                sc->sectors[s].code, troops);
        }
    }
    return done;
}

/* The adversary's fire climbs the ladder by itself in a broken truce:
 * one chance a turn, the regime's escalation_push. */
static bool
adversary_push(const wg_scenario_t *sc, wg_state_t *st)
{
    const wg_regime_t *rg = wg__rules_regime_of(sc, st->regime);
    if (rg == NULL || rg->escalation_push <= 0 ||
        !wg_rng_bernoulli(&st->rng, rg->escalation_push))
        return false;
    if (st->escalation < sc->escalation.max_level)
        st->escalation++;
    return true;
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
    st->reinforced_mask = reinforce(sc, st, d.reinforce_mask, res);

    uint32_t before = st->escalation;
    bool quiet = resolve_exposed(sc, st, inc, resp, res);
    if (adversary_push(sc, st))
        quiet = false;
    if (quiet && st->escalation > 0 &&
        wg_rng_bernoulli(&st->rng, sc->escalation.p_down_quiet))
        st->escalation--;
    if (st->escalation != before)
        wg__rules_add_event(res, "escalation %u -> %u", before, st->escalation);

    resolve_coverage(sc, st, inc, resp);
    wg__rules_resolve_truce(sc, st, inc, d.recommit, res);
    st->truce_turns =
        st->escalation <= 1 && st->regime == sc->threat.managed_regime
            ? st->truce_turns + 1
            : 0;
    resolve_cohesion(sc, st, res);
}
