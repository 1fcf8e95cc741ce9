/*
 * rules_int.h - helpers the rules files share (rules.c, rules_deploy.c,
 * rules_rotate.c, rules_incident.c): units, tallies, events and the
 * correction messages validators write. Not part of wg/rules.h.
 */
#ifndef WG_RULES_INT_H
#define WG_RULES_INT_H
#include "wg/rules.h"

#include <stddef.h>
#include <stdint.h>

uint32_t wg__rules_unit_size(const wg_nation_t *n);

__attribute__((format(printf, 2, 3))) void
wg__rules_add_event(wg_turn_result_t *res, const char *fmt, ...);

__attribute__((format(printf, 4, 5))) void
wg__rules_correct(int *count, char *why, size_t why_len, const char *fmt, ...);

void wg__rules_why_clear(char *why, size_t why_len);

wg_unit_t *wg__rules_find_unit(wg_state_t *st, uint32_t id);

const wg_unit_t *wg__rules_find_unit_c(const wg_state_t *st, uint32_t id);

wg_unit_t *wg__rules_new_unit(wg_state_t *st, size_t nation, int sector,
                              wg_unit_status_t status, int32_t weeks,
                              uint32_t troops);

void wg__rules_compact_units(wg_state_t *st);

void wg__rules_deployed_table(const wg_state_t *st,
                              uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS]);

void wg__rules_nation_totals(const wg_state_t *st,
                             uint32_t committed[WG_MAX_NATIONS],
                             uint32_t deployed[WG_MAX_NATIONS]);

void wg__rules_count_units(const wg_state_t *st, size_t nation,
                           uint32_t counts[6]);

const wg_regime_t *wg__rules_regime_of(const wg_scenario_t *sc, uint32_t r);

uint32_t wg__rules_rotation_after(const wg_scenario_t *sc, uint32_t turn,
                                  uint32_t min_weeks, uint32_t *weeks);

void wg__rules_withdraw_nation(const wg_scenario_t *sc, wg_state_t *st,
                               size_t i, wg_turn_result_t *res);

/* Troops deployed or entering (bound for a sector), by nation and sector:
 * what a deployment turn finds in place. */
void wg__rules_bound_table(const wg_state_t *st,
                           uint32_t tab[WG_MAX_NATIONS][WG_MAX_SECTORS]);

/* rules_truce.c: the regime in force in sector s (a spike may name its
 * sectors); how thinly the sector is held, as a factor on raw violations;
 * how exposed its troops are, as a factor on what reaches them. */
uint32_t wg__rules_sector_regime(const wg_scenario_t *sc, const wg_state_t *st,
                                 size_t s);
double wg__rules_deterrence(const wg_scenario_t *sc, const wg_state_t *st,
                            size_t s, uint32_t troops);
double wg__rules_density(const wg_scenario_t *sc, size_t s, uint32_t troops);
/* Sets a regime (an event's, or a spike's end), with the sectors it hits. */
void wg__rules_force_regime(const wg_scenario_t *sc, wg_state_t *st, uint32_t r,
                            uint32_t sectors);
/* The counts of res (violations, drones, events on the force), stability,
 * then the regime of the next turn (recommitment, spike, breakdown). */
void wg__rules_resolve_truce(const wg_scenario_t *sc, wg_state_t *st,
                             const wg_incident_list_t *inc, bool recommit,
                             wg_turn_result_t *res);

#endif
