/*
 * bot_contingent.c - the built-in bot of a national contingent.
 *
 * Plays one nation from its profile in the scenario: it offers what its
 * gate and ceiling allow, only where its caveats let it serve; it keeps its
 * sectors held by preparing reliefs in time and relieving units whose tour
 * is over; and it answers fire according to its risk tolerance. No random
 * choices: the same picture always gives the same orders. Stateless between
 * phases (everything comes from the phase view). Each decision is one kind
 * of order of the phase table (common/phases.c), which common/bot.c
 * dispatches to.
 */
#include "bot_int.h"

#include "wg/rules.h"

#include <stdio.h>
#include <string.h>

static uint32_t
round_down(uint32_t troops, uint32_t unit)
{
    return unit ? troops / unit * unit : troops;
}

void
wg__bot_pledge(const wg_scenario_t *sc, const wg_phase_view_t *v,
               wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_t *nat = &sc->nations[n];
    const wg_nation_state_t *ns = &v->st->nations[n];
    uint32_t ceiling = wg_rules_ceiling(sc, v->st, n);
    uint32_t deployed = wg_state_deployed(v->st, v->nation);
    uint32_t headroom = ceiling > deployed ? ceiling - deployed : 0;

    /* A government whose public is turning offers less: below its starting
     * cohesion it offers half, and none once rotations stop. */
    if (ns->leaving || ns->cohesion < sc->cohesion.no_rotation_below)
        headroom = 0;
    else if (ns->cohesion < nat->cohesion_start - 10.0)
        headroom /= 2;
    out->pledge.troops = round_down(headroom, nat->unit_size);
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (wg_rules_sector_allowed(sc, n, s))
            out->pledge.sector_mask |= 1u << s;
    snprintf(out->rationale, sizeof out->rationale,
             "gate %s, ceiling %u, deployed %u, cohesion %.1f",
             ns->gate_open ? "open" : "closed", ceiling, deployed,
             ns->cohesion);
}

void
wg__bot_rotation(const wg_scenario_t *sc, const wg_phase_view_t *v,
                 wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_t *nat = &sc->nations[n];
    const wg_state_t *st = v->st;
    uint32_t ready = 0, preparing = 0;
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation != n)
            continue;
        if (u->status == WG_UNIT_READY)
            ready++;
        else if (u->status == WG_UNIT_PREPARING)
            preparing++;
    }
    if (st->nations[n].leaving || st->nations[n].withdrawn)
        return; /* a leaving nation relieves no one */

    /* Relieve due units while ready units last, oldest tours first (the
     * array is in id order, which is deployment order). */
    uint32_t relieved = 0;
    for (uint32_t i = 0; i < st->n_units && relieved < ready; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation == n && wg_rules_unit_due(sc, u, v->weeks_to_rotation) &&
            out->rotation.n_relieve < WG_MAX_ORDER_UNITS) {
            out->rotation.relieve[out->rotation.n_relieve++] = u->id;
            relieved++;
        }
    }

    /* Start preparing a relief for every unit that will be due before a
     * relief started at the next rotation turn could be ready. */
    uint32_t horizon =
        nat->prep_weeks + v->weeks_to_rotation + v->weeks_to_rotation / 2;
    uint32_t need = 0;
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation == n && u->status == WG_UNIT_DEPLOYED &&
            !wg_rules_unit_due(sc, u, v->weeks_to_rotation) &&
            u->weeks_left <= (int32_t)horizon)
            need++;
    }
    uint32_t spare = ready - relieved + preparing;
    out->rotation.prepare = need > spare ? need - spare : 0;
    if (st->nations[n].cohesion < sc->cohesion.no_rotation_below)
        out->rotation.prepare = 0;
    snprintf(out->rationale, sizeof out->rationale,
             "relieve %u of %u ready, prepare %u for %u due within %u weeks",
             out->rotation.n_relieve, ready, out->rotation.prepare, need,
             horizon);
}

/* Answers each incident that reached this contingent. A risk-tolerant
 * contingent returns fire when fired on while the ladder is low; a
 * cautious one steps back and calls the joint commission. */
void
wg__bot_response(const wg_scenario_t *sc, const wg_phase_view_t *v,
                 wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    double risk = sc->nations[n].risk_tolerance;
    const wg_incident_list_t *inc = v->incidents;
    uint32_t answered = 0;
    for (uint32_t i = 0; i < inc->n; i++) {
        const wg_incident_t *in = &inc->items[i];
        if (in->nation != v->nation)
            continue;
        const wg_incident_type_t *t = &sc->incident_types[in->type];
        uint8_t act = WG_ROE_HOLD;
        if (t->coverage_loss > 0.0)
            act = WG_ROE_HOLD; /* jamming: nothing to shoot at */
        else if (t->kia_mean > 0.0 && !t->raw && t->basis == WG_RATE_PER_SECTOR)
            act = (risk >= 0.5 && v->st->escalation < 2) ? WG_ROE_RETURN_FIRE
                                                         : WG_ROE_DE_ESCALATE;
        else if (t->raw && in->count >= 3 && risk < 0.4)
            act = WG_ROE_WITHDRAW; /* sustained fire on a cautious force */
        else if (t->raw && risk >= 0.7 && v->st->escalation < 2)
            act = WG_ROE_RETURN_FIRE;
        out->response.action[i] = act;
        answered++;
    }
    snprintf(out->rationale, sizeof out->rationale,
             "%u incidents answered at risk tolerance %.2f", answered, risk);
}

/* At a force review a government follows its public: below the cohesion
 * at which it stops preparing reliefs it leaves; well below where it
 * started it caps its contribution at what it has in theatre (or half
 * its ceiling when it has nothing there yet); otherwise it stays. */
void
wg__bot_intention(const wg_scenario_t *sc, const wg_phase_view_t *v,
                  wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_t *nat = &sc->nations[n];
    const wg_nation_state_t *ns = &v->st->nations[n];
    uint32_t ceiling = wg_rules_ceiling(sc, v->st, n);
    uint32_t deployed = wg_state_deployed(v->st, v->nation);
    out->intent.intention = WG_INTENT_STAY;
    if (ns->leaving || ns->cohesion < sc->cohesion.no_rotation_below) {
        out->intent.intention = WG_INTENT_LEAVE;
    } else if (ns->cohesion < nat->cohesion_start - 10.0 && ceiling > 0) {
        uint32_t keep =
            round_down(deployed > 0 ? deployed : ceiling / 2, nat->unit_size);
        if (keep > 0 && keep < ceiling) {
            out->intent.intention = WG_INTENT_REDUCE;
            out->intent.ceiling = keep;
        }
    }
    static const char *names[] = {"?", "stay", "reduce", "leave"};
    snprintf(out->rationale, sizeof out->rationale,
             "cohesion %.1f (started %.1f), ceiling %u, deployed %u: %s",
             ns->cohesion, nat->cohesion_start, ceiling, deployed,
             names[out->intent.intention]);
}
