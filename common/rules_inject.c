/*
 * rules_inject.c - the director's injects entering an incident turn
 * (docs/RULES.md, "Injects").
 *
 * An inject is an incident the director puts into the turn rather than
 * one the threat model drew: "what would happen if a European soldier
 * were shot?" is a patrol fired on, in a chosen sector, against a chosen
 * nation. It joins the turn's incident list after the draw, so the
 * exposed nation answers it in RESPOND like any other and the resolution
 * (rules_incident.c) draws its casualties, escalation and the rest from
 * the scenario's tables. Pure function of (scenario, state, injects), like
 * all of the rules.
 */
#include "rules_int.h"
#include "wg/rules.h"

#include <string.h>

/* The nation an inject falls on: the one it names if that nation has
 * troops deployed in the sector, else the one with most troops there
 * (the lowest index on a tie), else -1: nobody is there. */
static int
exposed_nation(const wg_scenario_t *sc, const wg_state_t *st,
               const wg_inject_t *inj)
{
    uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS];
    wg__rules_deployed_table(st, tab);
    if (inj->nation >= 0 && (size_t)inj->nation < sc->n_nations &&
        tab[inj->nation][inj->sector] > 0)
        return inj->nation;
    int best = -1;
    uint32_t most = 0;
    for (size_t i = 0; i < sc->n_nations; i++)
        if (tab[i][inj->sector] > most) {
            most = tab[i][inj->sector];
            best = (int)i;
        }
    return best;
}

void
wg_rules_add_injects(const wg_scenario_t *sc, const wg_state_t *st,
                     const wg_inject_t *inj, size_t n, wg_incident_list_t *inc,
                     wg_turn_result_t *res)
{
    for (size_t k = 0; k < n; k++) {
        const wg_inject_t *in = &inj[k];
        if (in->sector >= sc->n_sectors || in->type >= sc->n_incident_types)
            continue; /* checked where the inject was taken */
        const char *sector = sc->sectors[in->sector].code;
        const char *type = sc->incident_types[in->type].name;
        if (inc->n >= WG_MAX_INCIDENTS) {
            wg__rules_add_event(res,
                                "inject %s: not entered, the turn has "
                                "its most incidents",
                                in->name[0] ? in->name : type);
            continue;
        }
        int nation = exposed_nation(sc, st, in);
        wg_incident_t *it = &inc->items[inc->n];
        it->id = inc->n + 1;
        it->sector = in->sector;
        it->type = in->type;
        it->nation = (int8_t)nation;
        it->count = in->count > 0 ? in->count : 1;
        inc->n++;
        wg__rules_add_event(
            res, "inject: %s (%s in %s against %s)", in->text, type, sector,
            nation >= 0 ? sc->nations[nation].code : "no one: nobody is there");
    }
}
