/*
 * wg/rules.h - the rules of deployment, rotation, incident and force
 * review turns.
 *
 * Pure functions of (scenario, state, orders): no I/O, no clock, and every
 * random draw from state->rng, so one seed and the same orders give the same
 * exercise. The adjudicator (adjudicator) calls them in this order each turn:
 *
 *   wg_rules_begin_turn
 *   deployment: validate requirement, pledges, assignment -> wg_rules_deploy
 *   rotation:   validate rotation orders -> wg_rules_rotate
 *   incident:   wg_rules_draw_incidents -> validate responses
 *               -> wg_rules_resolve_incidents
 *   force review: validate intentions -> wg_rules_apply_intents
 *               -> validate requirement -> wg_rules_replan
 *   talks:      validate the command's agenda -> wg_rules_talks
 *   wg_rules_end_turn
 *
 * Each kind of order has a validator, and a hold (wg_rules_hold_*): the
 * standing orders played for a role whose fallback is to keep what it has
 * (wg/phases.h says which fallback plays when). Validation clamps an order to
 * what the rules allow and returns 0 if it was already valid, or a positive
 * count of the corrections made, and writes a one-line reason; the order is
 * then safe to apply. Results are written to a wg_turn_result_t the caller
 * zeroed at wg_rules_begin_turn.
 *
 * The orders' C types are wg/bot.h's (what a bot fills is what the rules
 * take); the orders of the turn being played, as the rules read them, are
 * wg_turn_orders_t below; the state and results, wg/state.h.
 */
#ifndef WG_RULES_H
#define WG_RULES_H

#include <stddef.h>

#include "wg/bot.h" /* the orders' C types */
#include "wg/scenario.h"
#include "wg/state.h"

/*
 * The version of these rules, written into every new exercise log
 * (LogHeader.rules_version, docs/LOG-FORMAT.md). A change to the rules
 * that makes other results from the same recorded orders bumps it: verify,
 * --resume and fork then refuse a log of another rules version by name
 * instead of reporting a divergence. tests/data/golden/README.md says what
 * else a bump takes (re-recording the golden log). Version 2 (issue 17):
 * deterrence and probing, stability that sets breakdowns, recommitment
 * with a cooldown, entry forces, manpower, mandate renewals, the counts.
 */
#define WG_RULES_VERSION 2

/* The orders of the turn being played, as the rules read them, and its
 * material: what the adjudicator collects phase by phase (through the phase
 * table, wg/phases.h, whose kinds of order each name their slot here), and
 * what a phase start gives a bot. Indexed by nation where each contingent
 * has its own. The order types are wg/bot.h's. A new turn type's orders
 * are a slot here. */
typedef struct {
    wg_requirement_t req;
    wg_pledge_t pledges[WG_MAX_NATIONS];
    wg_assignment_t asg;
    wg_rotation_t rot[WG_MAX_NATIONS];
    wg_rotation_t cmd_rot;
    wg_incident_list_t inc;
    wg_response_t resp[WG_MAX_NATIONS];
    wg_decision_t dec;
    uint32_t weeks_to_rotation;
    wg_intent_t intent[WG_MAX_NATIONS];
    wg_talks_t talks;
} wg_turn_orders_t;

/* Fresh state for turn 1: generator seeded from scenario->seed, cohesion and
 * stability at their start values, managed regime, gates evaluated. */
void wg_state_init(wg_state_t *st, const wg_scenario_t *sc);
/* Copies the live part of src to dst (units past n_units are left). */
void wg_state_copy(wg_state_t *dst, const wg_state_t *src);

/* Is the nation's gate open now (mandate, auspices, enablers, events,
 * truce)? A withdrawn nation's gate is closed. */
bool wg_rules_gate_open(const wg_scenario_t *sc, const wg_state_t *st,
                        size_t nation);

/* Troops the nation may have in theatre now: 0 if its gate is closed. */
uint32_t wg_rules_ceiling(const wg_scenario_t *sc, const wg_state_t *st,
                          size_t nation);

/* May the nation's troops serve in this sector (gate rear_only, max_threat)? */
bool wg_rules_sector_allowed(const wg_scenario_t *sc, size_t nation,
                             size_t sector);

/* Weeks from this turn to the next rotation turn of the plan (or to the end).
 */
uint32_t wg_rules_weeks_to_next_rotation(const wg_scenario_t *sc,
                                         uint32_t turn);

/* Is a deployed unit due for relief at this rotation turn? */
bool wg_rules_unit_due(const wg_scenario_t *sc, const wg_unit_t *u,
                       uint32_t weeks_to_next_rotation);

/* Starts turn st->turn + 1: sets st->turn, ticks the clock on incident turns
 * (units age, preparation and recovery end), applies the scenario events
 * of the turn, re-evaluates gates, and records events in res. */
void wg_rules_begin_turn(const wg_scenario_t *sc, wg_state_t *st,
                         wg_turn_result_t *res);

/* Deployment. */
int wg_rules_validate_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                                  wg_requirement_t *req, char *why,
                                  size_t why_len);
int wg_rules_validate_pledge(const wg_scenario_t *sc, const wg_state_t *st,
                             size_t nation, wg_pledge_t *pledge, char *why,
                             size_t why_len);
int wg_rules_validate_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                                 const wg_pledge_t pledges[WG_MAX_NATIONS],
                                 wg_assignment_t *asg, char *why,
                                 size_t why_len);
/* Hold: the rules' standing orders, the fallback a role gets when it keeps
 * what it has (and the command's fallback always): the last requirement, no
 * new pledge, pledges to the largest gaps. */
void wg_rules_hold_requirement(const wg_scenario_t *sc, const wg_state_t *st,
                               wg_requirement_t *req);
void wg_rules_hold_pledge(const wg_scenario_t *sc, const wg_state_t *st,
                          size_t nation, wg_pledge_t *pledge);
void wg_rules_hold_assignment(const wg_scenario_t *sc, const wg_state_t *st,
                              const wg_requirement_t *req,
                              const wg_pledge_t pledges[WG_MAX_NATIONS],
                              wg_assignment_t *asg);
/* Creates deployed units (in unit_size blocks, first tours staggered) for
 * what was assigned beyond what each nation already has in each sector. */
void wg_rules_deploy(const wg_scenario_t *sc, wg_state_t *st,
                     const wg_requirement_t *req, const wg_assignment_t *asg,
                     wg_turn_result_t *res);

/* Rotation. nation is an index, or -1 for the command's orders (moves). */
int wg_rules_validate_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                               int nation, wg_rotation_t *rot, char *why,
                               size_t why_len);
void wg_rules_hold_rotation(const wg_scenario_t *sc, const wg_state_t *st,
                            int nation, wg_rotation_t *rot);
/* Applies reliefs, recalls and preparations of every nation, then the
 * command's moves; due units left unrelieved go home, leaving gaps. */
void wg_rules_rotate(const wg_scenario_t *sc, wg_state_t *st,
                     const wg_rotation_t orders[WG_MAX_NATIONS],
                     const wg_rotation_t *command, wg_turn_result_t *res);

/* Incidents. */
void wg_rules_draw_incidents(const wg_scenario_t *sc, wg_state_t *st,
                             wg_incident_list_t *out);
int wg_rules_validate_response(const wg_scenario_t *sc, const wg_state_t *st,
                               const wg_incident_list_t *inc, size_t nation,
                               wg_response_t *resp, char *why, size_t why_len);
void wg_rules_hold_response(const wg_scenario_t *sc, const wg_state_t *st,
                            const wg_incident_list_t *inc, size_t nation,
                            wg_response_t *resp);
int wg_rules_validate_decision(const wg_scenario_t *sc, const wg_state_t *st,
                               wg_decision_t *dec, char *why, size_t why_len);
void wg_rules_hold_decision(const wg_scenario_t *sc, const wg_state_t *st,
                            wg_decision_t *dec);
/* The director's injects enter an incident turn's incidents, after the
 * draw (common/rules_inject.c): each is `count` events of its type in its
 * sector against its nation, or, when that nation has no troops deployed
 * there (or none is named), against the nation with most troops there;
 * against no one when nobody is there. A line in the turn's events says
 * what happened. Draws nothing from the generator: the responses and the
 * resolution take an injected incident as a drawn one. */
void wg_rules_add_injects(const wg_scenario_t *sc, const wg_state_t *st,
                          const wg_inject_t *inj, size_t n,
                          wg_incident_list_t *inc, wg_turn_result_t *res);
/* Casualties, escalation, stability, regime changes and cohesion. */
void wg_rules_resolve_incidents(const wg_scenario_t *sc, wg_state_t *st,
                                const wg_incident_list_t *inc,
                                const wg_response_t resp[WG_MAX_NATIONS],
                                const wg_decision_t *dec,
                                wg_turn_result_t *res);

/* Force review (common/rules_review.c). A nation states an intention:
 * stay; reduce its ceiling in theatre (to in->ceiling, whole units, below
 * what it is now); or leave as its tours end (for good, as a nation whose
 * cohesion fell below leave_at_tour_end_below). Hold is stay (leave for a
 * nation already leaving). The command then re-plans: its requirement
 * from now on (validated and held as in deployment). */
int wg_rules_validate_intent(const wg_scenario_t *sc, const wg_state_t *st,
                             size_t nation, wg_intent_t *in, char *why,
                             size_t why_len);
void wg_rules_hold_intent(const wg_scenario_t *sc, const wg_state_t *st,
                          size_t nation, wg_intent_t *in);
/* Applies every nation's intention (index order), before the re-plan, so
 * the command's phase start shows them (leaving, max_troops). */
void wg_rules_apply_intents(const wg_scenario_t *sc, wg_state_t *st,
                            const wg_intent_t in[WG_MAX_NATIONS],
                            wg_turn_result_t *res);
/* Stores the command's new requirement. */
void wg_rules_replan(const wg_scenario_t *sc, wg_state_t *st,
                     const wg_requirement_t *req, wg_turn_result_t *res);
/* The scenario's ceiling of the nation, lowered by its force reviews:
 * what it may have in theatre while its gate is open (Situation's
 * NationState.max_troops). */
uint32_t wg_rules_max_troops(const wg_scenario_t *sc, const wg_state_t *st,
                             size_t nation);
/* Troops of due units the nation may relieve at this rotation without
 * staying above a ceiling it lowered (UINT32_MAX if it lowered none). */
uint32_t wg_rules_relief_room(const wg_scenario_t *sc, const wg_state_t *st,
                              size_t nation, uint32_t weeks_to_next_rotation);

/* Talks (common/rules_talks.c): a Joint Military Commission meeting, where
 * the command puts one item to the parties: keep the hotline (a small ask:
 * the ladder steps down one when it takes) or withdraw heavy weapons from
 * line sectors (a big ask: stability gains in proportion to the share of
 * the line when it takes, and loses a little when it is refused); an
 * announced agenda gains more and fails in public. Hold is the hotline,
 * unannounced. Validation: an unknown item is the hotline, sectors only
 * for a withdrawal, and only line sectors (none named: the whole line). */
int wg_rules_validate_talks(const wg_scenario_t *sc, const wg_state_t *st,
                            wg_talks_t *t, char *why, size_t why_len);
void wg_rules_hold_talks(const wg_scenario_t *sc, const wg_state_t *st,
                         wg_talks_t *t);
/* The share of the line (by length x threat) a validated agenda asks the
 * parties to withdraw from: 0 for the hotline. */
double wg_rules_talks_share(const wg_scenario_t *sc, const wg_talks_t *t);
/* The chance that a validated agenda takes, from what every role sees
 * (stability, regime): what the staff weighs and the meeting draws. */
double wg_rules_talks_chance(const wg_scenario_t *sc, const wg_state_t *st,
                             const wg_talks_t *t);
/* Stability the agenda gains if it took (took), or loses (negative). */
double wg_rules_talks_gain(const wg_scenario_t *sc, const wg_talks_t *t,
                           bool took);
/* The meeting, when its phase closes: one draw from st->rng, the item's
 * effect, the events. */
void wg_rules_talks(const wg_scenario_t *sc, wg_state_t *st,
                    const wg_talks_t *t, wg_turn_result_t *res);

/* Closes the turn: withdrawals by cohesion, per-nation and per-sector totals
 * into res. */
void wg_rules_end_turn(const wg_scenario_t *sc, wg_state_t *st,
                       wg_turn_result_t *res);

/* Troops the nation may still commit (manpower less what it has committed
 * and its killed and wounded); UINT32_MAX when its manpower is unlimited. */
uint32_t wg_rules_manpower_left(const wg_scenario_t *sc, const wg_state_t *st,
                                size_t nation);

/* Totals over the state now. */
uint32_t wg_state_deployed(const wg_state_t *st, int nation);  /* -1: all */
uint32_t wg_state_committed(const wg_state_t *st, int nation); /* -1: all */

#endif
