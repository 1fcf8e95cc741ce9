/*
 * rules_review.c - the rules of a force review turn: each nation states
 * its intention (stay, reduce its ceiling, leave as its tours end), then
 * the command re-plans its requirement.
 *
 * Pure functions of (scenario, state, orders), like all of the rules: see
 * rules.c for what that promises. A force review draws nothing from the
 * generator and moves no clock. docs/RULES.md is the prose version.
 */
#include "rules_int.h"
#include "wg/rules.h"

#include <stdint.h>
#include <string.h>

int
wg_rules_validate_intent(const wg_scenario_t *sc, const wg_state_t *st,
                         size_t nation, wg_intent_t *in, char *why,
                         size_t why_len)
{
    int n = 0;
    wg__rules_why_clear(why, why_len);
    if (nation >= sc->n_nations)
        return 0;
    const wg_nation_t *nat = &sc->nations[nation];
    const wg_nation_state_t *ns = &st->nations[nation];
    if (in->intention < WG_INTENTION_STAY ||
        in->intention > WG_INTENTION_LEAVE) {
        wg__rules_correct(&n, why, why_len, "%s: intention %u: stay", nat->code,
                          in->intention);
        in->intention = WG_INTENTION_STAY;
    }
    /* Leaving is for good. */
    if (ns->leaving && in->intention != WG_INTENTION_LEAVE) {
        wg__rules_correct(&n, why, why_len, "%s: already leaving", nat->code);
        in->intention = WG_INTENTION_LEAVE;
    }
    if (in->intention == WG_INTENTION_REDUCE) {
        uint32_t now = wg_rules_ceiling(sc, st, nation);
        uint32_t unit = wg__rules_unit_size(nat);
        if (in->ceiling % unit != 0) {
            wg__rules_correct(&n, why, why_len,
                              "%s: ceiling %u not whole units of %u", nat->code,
                              in->ceiling, unit);
            in->ceiling -= in->ceiling % unit;
        }
        if (in->ceiling >= now) {
            wg__rules_correct(&n, why, why_len,
                              "%s: ceiling %u is not below %u: stay", nat->code,
                              in->ceiling, now);
            in->intention = WG_INTENTION_STAY;
        } else if (in->ceiling == 0) {
            wg__rules_correct(&n, why, why_len, "%s: a ceiling of 0: leave",
                              nat->code);
            in->intention = WG_INTENTION_LEAVE;
        }
    }
    if (in->intention != WG_INTENTION_REDUCE && in->ceiling != 0) {
        wg__rules_correct(&n, why, why_len, "%s: a ceiling only to reduce",
                          nat->code);
        in->ceiling = 0;
    }
    return n;
}

void
wg_rules_hold_intent(const wg_scenario_t *sc, const wg_state_t *st,
                     size_t nation, wg_intent_t *in)
{
    memset(in, 0, sizeof *in);
    bool leaving = nation < sc->n_nations && st->nations[nation].leaving;
    in->intention = leaving ? WG_INTENTION_LEAVE : WG_INTENTION_STAY;
}

void
wg_rules_apply_intents(const wg_scenario_t *sc, wg_state_t *st,
                       const wg_intent_t in[WG_MAX_NATIONS],
                       wg_turn_result_t *res)
{
    for (size_t i = 0; i < sc->n_nations; i++) {
        wg_nation_state_t *ns = &st->nations[i];
        const char *code = sc->nations[i].code;
        if (ns->withdrawn)
            continue;
        if (in[i].intention == WG_INTENTION_LEAVE && !ns->leaving) {
            ns->leaving = true;
            wg__rules_add_event(res, "%s will leave as its tours end (review)",
                                code);
        } else if (in[i].intention == WG_INTENTION_REDUCE &&
                   in[i].ceiling > 0 &&
                   in[i].ceiling < wg_rules_max_troops(sc, st, i)) {
            ns->ceiling = in[i].ceiling;
            wg__rules_add_event(res, "%s lowers its ceiling to %u (review)",
                                code, in[i].ceiling);
        }
    }
}

void
wg_rules_replan(const wg_scenario_t *sc, wg_state_t *st,
                const wg_requirement_t *req, wg_turn_result_t *res)
{
    uint64_t before = 0, after = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        before += st->required[s];
        after += req->troops[s];
    }
    if (memcmp(st->required, req->troops, sizeof st->required) == 0)
        return;
    memcpy(st->required, req->troops, sizeof st->required);
    wg__rules_add_event(res,
                        "the command re-plans: %llu troops required, was "
                        "%llu",
                        (unsigned long long)after, (unsigned long long)before);
}

uint32_t
wg_rules_relief_room(const wg_scenario_t *sc, const wg_state_t *st,
                     size_t nation, uint32_t weeks_to_next_rotation)
{
    if (nation >= sc->n_nations || st->nations[nation].ceiling == 0)
        return UINT32_MAX;
    /* Every due unit not relieved goes home: relieving keeps its troops in
     * theatre, so what may be relieved is the ceiling less what stays. */
    uint64_t deployed = 0, due = 0;
    for (uint32_t k = 0; k < st->n_units; k++) {
        const wg_unit_t *u = &st->units[k];
        if (u->nation != nation || u->status != WG_UNIT_DEPLOYED)
            continue;
        deployed += u->troops;
        if (wg_rules_unit_due(sc, u, weeks_to_next_rotation))
            due += u->troops;
    }
    uint64_t stays = deployed - due;
    uint64_t cap = wg_rules_max_troops(sc, st, nation);
    return cap > stays ? (uint32_t)(cap - stays) : 0;
}
