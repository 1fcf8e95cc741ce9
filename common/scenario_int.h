/*
 * scenario_int.h - how the scenario loader's files share the work.
 *
 * scenario.c builds a wg_scenario_t from the document: it starts from
 * scenario_defaults.c's calibration, reads the top-level tables, and calls
 * scenario_lists.c for the named lists (sectors, regimes, incident types,
 * nations) and scenario_plan.c for the turn plan and the events. Each
 * reader fills sc in place and reports as yaml_doc_int.h says: 0, or
 * WG_ECONFIG with the first error in c->err. Readers run in the order
 * build() calls them, since later tables refer to earlier ones by name.
 */
#ifndef WG_SCENARIO_INT_H
#define WG_SCENARIO_INT_H

#include "wg/scenario.h"
#include "yaml_doc_int.h"

/* max_threat when a nation states no caveat: above any sensible multiplier. */
#define NO_THREAT_CAVEAT 1e9

/* Generous upper bounds: they catch a slipped digit, not a design choice. */
#define BIG_TROOPS 1000000.0
#define BIG_WEEKS 520.0
#define BIG_RATE 1e6

/* Enum values are written through an int; the public enums must be ints. */
_Static_assert(sizeof(wg_mandate_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_auspices_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_fallback_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_rate_basis_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_event_kind_t) == sizeof(int), "enum size");

/* scenario_defaults.c: the brief's calibration, before the file is read. */
void wg__scenario_set_defaults(wg_scenario_t *sc);

/* scenario_lists.c, in this order: each list may name the ones before. */
int wg__scenario_read_sectors(ctx_t *c, const yaml_node_t *list,
                              wg_scenario_t *sc);
int wg__scenario_read_regimes(ctx_t *c, const yaml_node_t *list,
                              wg_scenario_t *sc);
int wg__scenario_read_incidents(ctx_t *c, const yaml_node_t *list,
                                wg_scenario_t *sc);
int wg__scenario_read_casualties(ctx_t *c, const yaml_node_t *map,
                                 wg_scenario_t *sc);
int wg__scenario_read_nations(ctx_t *c, const yaml_node_t *list,
                              wg_scenario_t *sc);
/* A list of sector codes (avoid_sectors, an event's sectors) as a mask. */
int wg__scenario_read_sector_mask(ctx_t *c, const yaml_node_t *list,
                                  const char *path, const wg_scenario_t *sc,
                                  uint32_t *mask);
/* A name of the file's own: a-z, then a-z, 0-9 or _. */
bool wg__scenario_valid_ident(const char *s);
/* A regime named at n; dflt when n is NULL (the error then points at
 * where). */
int wg__scenario_regime_ref(ctx_t *c, const yaml_node_t *n,
                            const yaml_node_t *where, const char *path,
                            const char *dflt, const wg_scenario_t *sc,
                            uint32_t *out);

/* scenario_plan.c, after the lists: events name nations and regimes. */
int wg__scenario_read_plan(ctx_t *c, const yaml_node_t *list,
                           wg_scenario_t *sc);
int wg__scenario_read_events(ctx_t *c, const yaml_node_t *list,
                             wg_scenario_t *sc);

/* scenario_injects.c, after the plan: an inject by turn must fall on an
 * incident turn. */
int wg__scenario_read_injects(ctx_t *c, const yaml_node_t *list,
                              wg_scenario_t *sc);

#endif
