/*
 * test_rules.c - the rules on small hand-built tables.
 *
 * Three nations (AAA open, BBB needs UN peacekeeping, CCC rear only from
 * turn 3), three sectors (N, E, rear R), 8/6/6-week tours and a rotation
 * every two incident weeks, so a 40-turn exercise reaches steady state.
 * Nothing here reads a YAML file. Every state lives on the heap (it is
 * large) and is freed by the test that made it.
 */
#include "wg_cmocka.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg/rules.h"

enum { AAA, BBB, CCC };
enum { SN, SE, SR };
enum { T_SHELL, T_PATROL, T_JAM, T_MINE };

static void
make_nation(wg_nation_t *n, const char *code, uint32_t max, double cohesion)
{
    snprintf(n->code, sizeof n->code, "%s", code);
    snprintf(n->name, sizeof n->name, "%s", code);
    n->max_troops = max;
    n->unit_size = 100;
    n->tour_weeks = 8;
    n->prep_weeks = 6;
    n->recovery_weeks = 6;
    n->cohesion_start = cohesion;
    n->kia_weight = 1.0;
}

static void
make_scenario(wg_scenario_t *sc)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "unit");
    sc->seed = 42;
    sc->mandate = WG_MANDATE_DETERRENCE;
    sc->auspices = WG_AUSPICES_COALITION;
    sc->turn_weeks = 1;

    sc->n_nations = 3;
    make_nation(&sc->nations[AAA], "AAA", 2000, 50);
    make_nation(&sc->nations[BBB], "BBB", 1000, 40);
    sc->nations[BBB].gate.needs_un = true;
    sc->nations[BBB].gate.needs_peacekeeping = true;
    sc->nations[BBB].kia_weight = 1.5;
    make_nation(&sc->nations[CCC], "CCC", 500, 50);
    sc->nations[CCC].gate.rear_only = true;
    sc->nations[CCC].gate.opens_turn = 3;

    sc->n_sectors = 3;
    sc->sectors[SN] = (wg_sector_t){"N", "north", 100, 1.0, false};
    sc->sectors[SE] = (wg_sector_t){"E", "east", 200, 4.0, false};
    sc->sectors[SR] = (wg_sector_t){"R", "rear", 0, 0.05, true};

    sc->n_incident_types = 4;
    sc->incident_types[T_SHELL] = (wg_incident_type_t){
        "shelling", WG_RATE_PER_100KM, 25, true, 0.04, 0.5, 2, 0, 0, true,
        true};
    sc->incident_types[T_PATROL] = (wg_incident_type_t){"patrol fired on",
                                                        WG_RATE_PER_SECTOR,
                                                        0.2,
                                                        false,
                                                        0.15,
                                                        0.3,
                                                        1,
                                                        0,
                                                        0,
                                                        false,
                                                        true};
    sc->incident_types[T_JAM] = (wg_incident_type_t){
        "jamming", WG_RATE_PER_100KM, 5, true, 0, 0, 0, 0, 0.01, false, false};
    sc->incident_types[T_MINE] = (wg_incident_type_t){
        "mine", WG_RATE_PER_1000_TROOPS, 0.02, false, 1.0, 0.25, 1, 0, 0, false,
        false};

    sc->n_regimes = 3;
    sc->regimes[0] = (wg_regime_t){"managed", 1.0, 1.0, 0, 0, 0, 0};
    sc->regimes[1] = (wg_regime_t){"hot", 25.0, 0.5, 0, 0, 0, 0};
    sc->regimes[2] = (wg_regime_t){"spike", 40.0, 0.5, 1, 3, 0, 0};
    /* No reference density: exposure as the brief gives it; no deterrence
     * or probing (factors of 1): the rates as written. */
    sc->threat = (wg_threat_t){0.01, 0.0005, 0, 1, 0.3, 0.02, 0, 0};
    sc->deterrence = (wg_deterrence_t){1.0, 1.0, 1.0};
    sc->escalation = (wg_escalation_t){0.03, 0.10, 0.5, -0.05, 0.2, 4, 1};
    sc->cohesion = (wg_cohesion_t){1.5, 5, 10, 0.25, 10, 3, 3, 5, 35, 25, 15};
    /* Stability: start 60, +1 quiet, 5 a doubling, 2 a level, +10 on a
     * recommitment; back to 60 by a tenth a turn; no cost of gaps; a
     * truce at 0 breaks with P 0.5, cubed; calls always take, 4 turns
     * apart, fragile for 4. */
    sc->stability =
        (wg_stability_t){60, 1, 5, 2, 10, 60, 0.1, 0, 0.5, 3, 1.0, 4, 4};
    sc->roe[WG_ROE_HOLD] = (wg_roe_effect_t){1.0, 1.0, 1.0};
    sc->roe[WG_ROE_RETURN_FIRE] = (wg_roe_effect_t){0.8, 2.0, 1.0};
    sc->roe[WG_ROE_DE_ESCALATE] = (wg_roe_effect_t){1.2, 0.5, 0.9};
    sc->roe[WG_ROE_WITHDRAW] = (wg_roe_effect_t){0.3, 0.3, 0.2};
    sc->command = (wg_command_profile_t){3000, 0.1, false, 3};

    /* D R, then (I I R) to 40 turns: rotations every 2 incident weeks. */
    sc->plan[0] = WG_TURN_DEPLOYMENT;
    sc->plan[1] = WG_TURN_ROTATION;
    for (size_t t = 2; t < 40; t++)
        sc->plan[t] = (t - 2) % 3 == 2 ? WG_TURN_ROTATION : WG_TURN_INCIDENT;
    sc->n_turns = 40;
}

typedef struct {
    wg_scenario_t sc;
    wg_state_t st;
    wg_turn_result_t res;
    wg_incident_list_t inc;
    wg_response_t resp[WG_MAX_NATIONS];
    wg_rotation_t rot[WG_MAX_NATIONS];
    wg_rotation_t cmd;
    wg_pledge_t pledges[WG_MAX_NATIONS];
    wg_requirement_t req;
    wg_assignment_t asg;
    char why[256];
} fx_t;

static int
setup(void **state)
{
    fx_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    make_scenario(&fx->sc);
    wg_state_init(&fx->st, &fx->sc);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    free(*state);
    return 0;
}

static void
begin(fx_t *fx)
{
    memset(&fx->res, 0, sizeof fx->res);
    wg_rules_begin_turn(&fx->sc, &fx->st, &fx->res);
}

static bool
has_event(const wg_turn_result_t *res, const char *text)
{
    for (uint32_t i = 0; i < res->n_events; i++)
        if (strcmp(res->events[i], text) == 0)
            return true;
    return false;
}

/* Puts a unit straight into the state (tests of rotation and incidents). */
static uint32_t
put_unit(wg_state_t *st, int nation, int sector, wg_unit_status_t status,
         int32_t weeks)
{
    wg_unit_t *u = &st->units[st->n_units++];
    u->id = st->next_unit_id++;
    u->nation = (uint8_t)nation;
    u->sector = (int8_t)sector;
    u->status = (uint8_t)status;
    u->weeks_left = weeks;
    u->troops = 100;
    return u->id;
}

static const wg_unit_t *
unit_by_id(const wg_state_t *st, uint32_t id)
{
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].id == id)
            return &st->units[i];
    return NULL;
}

/* ---- gates and caveats ----------------------------------------------------
 */

static void
gates(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    assert_true(st->nations[AAA].gate_open);
    assert_false(st->nations[BBB].gate_open); /* coalition, deterrence */
    assert_false(st->nations[CCC].gate_open); /* opens at turn 3 */
    assert_int_equal(wg_rules_ceiling(sc, st, AAA), 2000);
    assert_int_equal(wg_rules_ceiling(sc, st, BBB), 0);

    sc->auspices = WG_AUSPICES_UN;
    assert_false(wg_rules_gate_open(sc, st, BBB)); /* still deterrence */
    sc->mandate = WG_MANDATE_PEACEKEEPING;
    assert_true(wg_rules_gate_open(sc, st, BBB));
    sc->nations[BBB].gate.needs_us_enablers = true;
    assert_false(wg_rules_gate_open(sc, st, BBB));
    sc->us_enablers = true;
    assert_true(wg_rules_gate_open(sc, st, BBB));

    /* CCC opens at turn 3, with an event. */
    begin(fx);
    begin(fx);
    assert_false(st->nations[CCC].gate_open);
    begin(fx);
    assert_int_equal(st->turn, 3);
    assert_true(st->nations[CCC].gate_open);
    assert_true(has_event(&fx->res, "CCC gate opens"));

    /* Truce: closed until the truce has held, then it stays open. */
    sc->nations[AAA].gate.truce_turns = 2;
    st->nations[AAA].gate_open = false;
    st->truce_turns = 1;
    assert_false(wg_rules_gate_open(sc, st, AAA));
    st->truce_turns = 2;
    assert_true(wg_rules_gate_open(sc, st, AAA));
    st->nations[AAA].gate_open = true;
    st->truce_turns = 0;
    assert_true(wg_rules_gate_open(sc, st, AAA));

    sc->nations[AAA].gate.closed = true;
    assert_false(wg_rules_gate_open(sc, st, AAA));
    sc->nations[AAA].gate.closed = false;
    st->nations[AAA].withdrawn = true;
    assert_false(wg_rules_gate_open(sc, st, AAA));
    assert_int_equal(wg_rules_ceiling(sc, st, AAA), 0);
}

static void
caveats_and_surge(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    assert_false(wg_rules_sector_allowed(sc, CCC, SN));
    assert_false(wg_rules_sector_allowed(sc, CCC, SE));
    assert_true(wg_rules_sector_allowed(sc, CCC, SR));
    assert_true(wg_rules_sector_allowed(sc, AAA, SE));
    sc->nations[AAA].max_threat = 2.0;
    assert_false(wg_rules_sector_allowed(sc, AAA, SE));
    assert_true(wg_rules_sector_allowed(sc, AAA, SN));
    sc->nations[AAA].avoid_sectors = 1u << SN;
    assert_false(wg_rules_sector_allowed(sc, AAA, SN));
    assert_false(wg_rules_sector_allowed(sc, AAA, 7)); /* no such sector */

    sc->nations[AAA].surge_troops = 3000;
    assert_int_equal(wg_rules_ceiling(sc, &fx->st, AAA), 3000);
    sc->mandate = WG_MANDATE_PEACEKEEPING;
    assert_int_equal(wg_rules_ceiling(sc, &fx->st, AAA), 2000);
}

/* ---- deployment -----------------------------------------------------------
 */

static void
pledge_clamping(void **state)
{
    fx_t *fx = *state;
    wg_pledge_t p = {5000, 0x7};
    assert_true(wg_rules_validate_pledge(&fx->sc, &fx->st, AAA, &p, fx->why,
                                         sizeof fx->why) > 0);
    assert_int_equal(p.troops, 2000);
    assert_int_equal(p.sector_mask, 0x7);
    assert_true(strlen(fx->why) > 0);

    /* A pledge is of new troops: what is deployed comes off the room. */
    for (int i = 0; i < 5; i++)
        put_unit(&fx->st, AAA, SN, WG_UNIT_DEPLOYED, 8);
    p = (wg_pledge_t){2000, 0x3};
    wg_rules_validate_pledge(&fx->sc, &fx->st, AAA, &p, NULL, 0);
    assert_int_equal(p.troops, 1500);

    p = (wg_pledge_t){250, 0x3};
    assert_int_equal(wg_rules_validate_pledge(&fx->sc, &fx->st, AAA, &p,
                                              fx->why, sizeof fx->why),
                     1);
    assert_int_equal(p.troops, 200);

    p = (wg_pledge_t){300, 0x1};
    assert_int_equal(wg_rules_validate_pledge(&fx->sc, &fx->st, AAA, &p,
                                              fx->why, sizeof fx->why),
                     0);

    /* CCC: gate closed now, and rear only. */
    p = (wg_pledge_t){500, 0x7};
    wg_rules_validate_pledge(&fx->sc, &fx->st, CCC, &p, NULL, 0);
    assert_int_equal(p.troops, 0);
    assert_int_equal(p.sector_mask, 1u << SR);

    /* A leaving nation pledges nothing. */
    fx->st.nations[AAA].leaving = true;
    p = (wg_pledge_t){500, 0x3};
    wg_rules_validate_pledge(&fx->sc, &fx->st, AAA, &p, NULL, 0);
    assert_int_equal(p.troops, 0);

    wg_rules_hold_pledge(&fx->sc, &fx->st, AAA, &p);
    assert_int_equal(p.troops, 0);
}

static void
assignment_validation(void **state)
{
    fx_t *fx = *state;
    /* A local array: GCC 12 at -O2 misjudges a stored-to member array
     * passed as an array parameter (-Wstringop-overread). */
    wg_pledge_t pledges[WG_MAX_NATIONS] = {{0}};
    pledges[AAA] = (wg_pledge_t){1000, (1u << SN) | (1u << SE)};
    fx->asg.troops[AAA][SN] = 700;
    fx->asg.troops[AAA][SE] = 550; /* not whole units, and over the pledge */
    fx->asg.troops[AAA][SR] = 100; /* not pledged */
    fx->asg.troops[BBB][SN] = 300; /* BBB pledged nothing */
    fx->asg.troops[5][SN] = 100;   /* no such nation */
    int n = wg_rules_validate_assignment(&fx->sc, &fx->st, pledges, &fx->asg,
                                         fx->why, sizeof fx->why);
    assert_true(n >= 4);
    assert_int_equal(fx->asg.troops[AAA][SN], 700);
    assert_int_equal(fx->asg.troops[AAA][SE], 300);
    assert_int_equal(fx->asg.troops[AAA][SR], 0);
    assert_int_equal(fx->asg.troops[BBB][SN], 0);
    assert_int_equal(fx->asg.troops[5][SN], 0);
    /* Now valid: no corrections. */
    assert_int_equal(wg_rules_validate_assignment(&fx->sc, &fx->st, pledges,
                                                  &fx->asg, fx->why,
                                                  sizeof fx->why),
                     0);

    /* Assignments are totals: troops already there do not count against
     * the pledge, and less than is there means "as is". */
    put_unit(&fx->st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    put_unit(&fx->st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    memset(&fx->asg, 0, sizeof fx->asg);
    fx->asg.troops[AAA][SE] = 1200;
    wg_rules_validate_assignment(&fx->sc, &fx->st, pledges, &fx->asg, NULL, 0);
    assert_int_equal(fx->asg.troops[AAA][SE], 1200);
    fx->asg.troops[AAA][SN] = 0;
    fx->asg.troops[AAA][SE] = 100;
    wg_rules_validate_assignment(&fx->sc, &fx->st, pledges, &fx->asg, NULL, 0);
    assert_int_equal(fx->asg.troops[AAA][SE], 200);
}

static void
default_orders(void **state)
{
    fx_t *fx = *state;
    /* A local array: GCC 12 at -O2 misjudges a stored-to member array
     * passed as an array parameter (-Wstringop-overread). */
    wg_pledge_t pledges[WG_MAX_NATIONS] = {{0}};
    /* No requirement yet: 10% in the rear, the rest by km x threat
     * (N 100 x 1, E 200 x 4: one ninth and eight ninths of 2700). */
    wg_rules_hold_requirement(&fx->sc, &fx->st, &fx->req);
    assert_int_equal(fx->req.troops[SR], 300);
    assert_int_equal(fx->req.troops[SN], 300);
    assert_int_equal(fx->req.troops[SE], 2400);
    assert_int_equal(
        wg_rules_validate_requirement(&fx->sc, &fx->st, &fx->req, NULL, 0), 0);

    pledges[AAA] = (wg_pledge_t){2000, 0x7};
    pledges[CCC] = (wg_pledge_t){500, 1u << SR};
    wg_rules_hold_assignment(&fx->sc, &fx->st, &fx->req, pledges, &fx->asg);
    assert_int_equal(fx->asg.troops[AAA][SN], 300);
    assert_int_equal(fx->asg.troops[AAA][SE], 1700);
    assert_int_equal(fx->asg.troops[CCC][SR], 300);
    assert_int_equal(wg_rules_validate_assignment(&fx->sc, &fx->st, pledges,
                                                  &fx->asg, NULL, 0),
                     0);

    /* Once a requirement stands, it is the default. */
    fx->st.required[SN] = 123;
    wg_rules_hold_requirement(&fx->sc, &fx->st, &fx->req);
    assert_int_equal(fx->req.troops[SN], 123);
    assert_int_equal(fx->req.troops[SE], 0);
}

static void
deployment_staggers_tours(void **state)
{
    fx_t *fx = *state;
    begin(fx); /* turn 1, deployment */
    fx->req.troops[SN] = 600;
    fx->req.troops[SE] = 400;
    fx->asg.troops[AAA][SN] = 600;
    fx->asg.troops[AAA][SE] = 400;
    wg_rules_deploy(&fx->sc, &fx->st, &fx->req, &fx->asg, &fx->res);
    assert_int_equal(fx->st.n_units, 10);
    assert_int_equal(fx->st.required[SN], 600);
    assert_int_equal(wg_state_deployed(&fx->st, AAA), 1000);
    assert_int_equal(wg_state_deployed(&fx->st, -1), 1000);
    assert_int_equal(wg_state_committed(&fx->st, -1), 1000);
    assert_true(has_event(&fx->res, "AAA deploys 1000 troops"));

    /* The first relief can be prepared at turn 2 (a rotation) and is ready
     * 6 weeks later, so tours start at 6, the earliest a relief can be
     * there, and spread over one tour: 6 + k*8/10 for k = 0..9. */
    uint32_t in_sector[3] = {0};
    int32_t lo = 1000, hi = -1000, sum = 0;
    for (uint32_t i = 0; i < fx->st.n_units; i++) {
        const wg_unit_t *u = &fx->st.units[i];
        assert_int_equal(u->status, WG_UNIT_DEPLOYED);
        assert_int_equal(u->troops, 100);
        assert_int_equal(u->id, i + 1);
        in_sector[u->sector] += u->troops;
        lo = u->weeks_left < lo ? u->weeks_left : lo;
        hi = u->weeks_left > hi ? u->weeks_left : hi;
        sum += u->weeks_left;
    }
    assert_int_equal(in_sector[SN], 600);
    assert_int_equal(in_sector[SE], 400);
    assert_int_equal(lo, 6);
    assert_int_equal(hi, 13);
    assert_int_equal(sum, 60 + 0 + 0 + 1 + 2 + 3 + 4 + 4 + 5 + 6 + 7);
    /* Round-robin over sectors: both sectors get early and late ends. */
    assert_int_equal(fx->st.units[0].sector, SN);
    assert_int_equal(fx->st.units[1].sector, SE);

    /* The same assignment again adds nothing: it is a total. */
    wg_rules_deploy(&fx->sc, &fx->st, &fx->req, &fx->asg, &fx->res);
    assert_int_equal(fx->st.n_units, 10);
}

/* ---- rotation -------------------------------------------------------------
 */

static void
rotation_timing(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 1), 0);
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 2), 2);
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 3), 1);
    /* The last rotation is turn 38: from there, to the end of the plan. */
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 38), 2);
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 40), 0);
    sc->turn_weeks = 2;
    assert_int_equal(wg_rules_weeks_to_next_rotation(sc, 2), 4);

    wg_unit_t u = {.id = 1, .status = WG_UNIT_DEPLOYED, .weeks_left = 1};
    assert_true(wg_rules_unit_due(sc, &u, 2));
    u.weeks_left = 2;
    assert_false(wg_rules_unit_due(sc, &u, 2));
    assert_true(wg_rules_unit_due(sc, &u, 4));
    u.weeks_left = -3; /* overdue */
    assert_true(wg_rules_unit_due(sc, &u, 0));
    u.status = WG_UNIT_READY;
    assert_false(wg_rules_unit_due(sc, &u, 100));
}

/* Brings the fixture to turn 2 (a rotation, 2 weeks to the next). */
static void
to_rotation_turn(fx_t *fx)
{
    begin(fx);
    begin(fx);
    assert_int_equal(fx->res.type, WG_TURN_ROTATION);
}

static void
rotation_relief_and_gap(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    to_rotation_turn(fx);
    uint32_t due1 = put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 1);
    uint32_t due2 = put_unit(st, AAA, SN, WG_UNIT_DEPLOYED, 0);
    uint32_t stay = put_unit(st, AAA, SN, WG_UNIT_DEPLOYED, 7);
    uint32_t ready = put_unit(st, AAA, -1, WG_UNIT_READY, 0);
    uint32_t other = put_unit(st, CCC, SR, WG_UNIT_DEPLOYED, 1);

    wg_rotation_t *r = &fx->rot[AAA];
    r->relieve[r->n_relieve++] = due1;
    r->relieve[r->n_relieve++] = stay;  /* not due */
    r->relieve[r->n_relieve++] = other; /* not its own */
    r->relieve[r->n_relieve++] = due2;  /* no second ready unit */
    r->relieve[r->n_relieve++] = 999;   /* no such unit */
    r->prepare = 9;
    int n = wg_rules_validate_rotation(&fx->sc, st, AAA, r, fx->why,
                                       sizeof fx->why);
    assert_int_equal(n, 5);
    assert_int_equal(r->n_relieve, 1);
    assert_int_equal(r->relieve[0], due1);
    /* After the rotation: 2 deployed (due1's relief and stay), 0 in the
     * pipeline: at most 2 reliefs. */
    assert_int_equal(r->prepare, 2);
    assert_int_equal(wg_rules_validate_rotation(&fx->sc, st, AAA, r, NULL, 0),
                     0);

    wg_rules_rotate(&fx->sc, st, fx->rot, &fx->cmd, &fx->res);
    const wg_unit_t *u = unit_by_id(st, ready);
    assert_int_equal(u->status, WG_UNIT_DEPLOYED);
    assert_int_equal(u->sector, SE);
    assert_int_equal(u->weeks_left, 8);
    u = unit_by_id(st, due1);
    assert_int_equal(u->status, WG_UNIT_RECOVERING);
    assert_int_equal(u->weeks_left, 6);
    assert_int_equal(u->sector, -1);
    u = unit_by_id(st, due2); /* unrelieved: home, a gap */
    assert_int_equal(u->status, WG_UNIT_RECOVERING);
    assert_int_equal(fx->res.nations[AAA].gaps, 1);
    assert_int_equal(fx->res.nations[CCC].gaps, 1); /* CCC gave no orders */
    assert_int_equal(unit_by_id(st, stay)->status, WG_UNIT_DEPLOYED);
    uint32_t preparing = 0;
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].status == WG_UNIT_PREPARING) {
            preparing++;
            assert_int_equal(st->units[i].weeks_left, 6);
            assert_int_equal(st->units[i].nation, AAA);
        }
    assert_int_equal(preparing, 2);
    assert_int_equal(wg_state_deployed(st, AAA), 200);
    assert_int_equal(wg_state_committed(st, AAA), 600);

    /* Six incident weeks later they are ready; recovery is over and the
     * recovering units are gone from the array. */
    for (int t = 0; t < 9; t++)
        begin(fx);
    assert_int_equal(st->week, 6);
    for (uint32_t i = 0; i < st->n_units; i++)
        assert_true(st->units[i].status == WG_UNIT_READY ||
                    st->units[i].status == WG_UNIT_DEPLOYED);
    for (uint32_t i = 1; i < st->n_units; i++)
        assert_true(st->units[i - 1].id < st->units[i].id);
}

static void
rotation_blocked_by_cohesion(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    to_rotation_turn(fx);
    for (int i = 0; i < 4; i++)
        put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    wg_rotation_t r = {.prepare = 2};
    assert_int_equal(wg_rules_validate_rotation(&fx->sc, st, AAA, &r, NULL, 0),
                     0);
    st->nations[AAA].cohesion = 30; /* below 35: no new preparations */
    assert_int_equal(wg_rules_validate_rotation(&fx->sc, st, AAA, &r, fx->why,
                                                sizeof fx->why),
                     1);
    assert_int_equal(r.prepare, 0);
    wg_rules_hold_rotation(&fx->sc, st, AAA, &r);
    assert_int_equal(r.prepare, 0);
    /* The rotation itself refuses too, even unvalidated. */
    fx->rot[AAA].prepare = 3;
    wg_rules_rotate(&fx->sc, st, fx->rot, &fx->cmd, &fx->res);
    assert_int_equal(wg_state_committed(st, AAA), 400);
}

static void
rotation_leaving_and_moves(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    fx->sc.mandate = WG_MANDATE_PEACEKEEPING;
    fx->sc.auspices = WG_AUSPICES_UN;
    to_rotation_turn(fx);
    uint32_t a1 = put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 1);
    put_unit(st, AAA, -1, WG_UNIT_READY, 0);
    uint32_t b1 = put_unit(st, BBB, SN, WG_UNIT_DEPLOYED, 6);
    st->nations[AAA].leaving = true;

    wg_rotation_t *r = &fx->rot[AAA];
    r->relieve[r->n_relieve++] = a1;
    r->prepare = 1;
    assert_int_equal(wg_rules_validate_rotation(&fx->sc, st, AAA, r, NULL, 0),
                     2);
    assert_int_equal(r->n_relieve, 0);
    assert_int_equal(r->prepare, 0);

    /* Command moves: BBB to E allowed; AAA's due unit, no. */
    fx->cmd.moves[fx->cmd.n_moves++] = (wg_move_t){b1, SE};
    fx->cmd.moves[fx->cmd.n_moves++] = (wg_move_t){b1, SR}; /* twice */
    fx->cmd.moves[fx->cmd.n_moves++] = (wg_move_t){777, SN};
    fx->cmd.prepare = 4;
    assert_int_equal(wg_rules_validate_rotation(&fx->sc, st, -1, &fx->cmd,
                                                fx->why, sizeof fx->why),
                     3);
    assert_int_equal(fx->cmd.n_moves, 1);
    assert_int_equal(fx->cmd.prepare, 0);

    double bbb_before = st->nations[BBB].cohesion;
    wg_rules_rotate(&fx->sc, st, fx->rot, &fx->cmd, &fx->res);
    assert_int_equal(unit_by_id(st, b1)->sector, SE);
    /* AAA's last unit left unrelieved: it has withdrawn. */
    assert_true(st->nations[AAA].withdrawn);
    assert_false(st->nations[AAA].gate_open);
    assert_true(has_event(&fx->res, "AAA withdraws"));
    assert_int_equal(fx->res.nations[AAA].gaps, 1);
    assert_int_equal(wg_state_committed(st, AAA), 100); /* recovering */
    assert_true(st->nations[BBB].cohesion == bbb_before - 5);
}

/* ---- incidents ------------------------------------------------------------
 */

static void
incidents_deterministic(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    /* No troops anywhere: raw violations only, none reaching anyone. */
    wg_rules_draw_incidents(&fx->sc, st, &fx->inc);
    assert_true(fx->inc.n > 0);
    for (uint32_t k = 0; k < fx->inc.n; k++) {
        assert_int_equal(fx->inc.items[k].nation, -1);
        assert_int_equal(fx->inc.items[k].id, k + 1);
        assert_true(fx->sc.incident_types[fx->inc.items[k].type].raw);
    }

    /* Troops in E only, and every raw event reaching them. */
    fx->sc.threat.exposure_line = 1.0;
    for (int i = 0; i < 10; i++)
        put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    for (int i = 0; i < 10; i++)
        put_unit(st, CCC, SE, WG_UNIT_DEPLOYED, 8);
    wg_state_t copy = *st;
    wg_rules_draw_incidents(&fx->sc, st, &fx->inc);
    wg_incident_list_t again;
    wg_rules_draw_incidents(&fx->sc, &copy, &again);
    assert_int_equal(fx->inc.n, again.n);
    assert_memory_equal(fx->inc.items, again.items,
                        fx->inc.n * sizeof fx->inc.items[0]);
    assert_memory_equal(&st->rng, &copy.rng, sizeof st->rng);

    uint32_t per_nation[3] = {0};
    for (uint32_t k = 0; k < fx->inc.n; k++) {
        const wg_incident_t *it = &fx->inc.items[k];
        if (it->sector != SE || it->nation < 0) {
            assert_int_equal(it->nation, -1);
        } else {
            assert_true(it->nation == AAA || it->nation == CCC);
            per_nation[it->nation] += it->count;
        }
    }
    /* Shelling 25 x 2 x 4 = 200 and jamming 40 expected in E: split about
     * evenly between the two contingents of equal size. */
    assert_true(per_nation[AAA] > 60 && per_nation[CCC] > 60);

    /* Another seed, another draw. */
    wg_rng_seed(&copy.rng, 43);
    wg_rules_draw_incidents(&fx->sc, &copy, &again);
    assert_true(again.n != fx->inc.n ||
                memcmp(again.items, fx->inc.items,
                       again.n * sizeof again.items[0]) != 0);
}

static void
responses_validated(void **state)
{
    fx_t *fx = *state;
    fx->inc.n = 3;
    fx->inc.items[0] = (wg_incident_t){1, SE, T_SHELL, AAA, 2};
    fx->inc.items[1] = (wg_incident_t){2, SE, T_SHELL, BBB, 1};
    fx->inc.items[2] = (wg_incident_t){3, SN, T_SHELL, -1, 9};
    wg_response_t r = {{0}};
    r.action[0] = 9;                  /* invalid: hold */
    r.action[1] = WG_ROE_RETURN_FIRE; /* not its own */
    r.action[7] = WG_ROE_HOLD;        /* no such incident */
    assert_int_equal(wg_rules_validate_response(&fx->sc, &fx->st, &fx->inc, AAA,
                                                &r, fx->why, sizeof fx->why),
                     3);
    assert_int_equal(r.action[0], WG_ROE_HOLD);
    assert_int_equal(r.action[1], 0);
    assert_int_equal(r.action[7], 0);
    wg_rules_hold_response(&fx->sc, &fx->st, &fx->inc, BBB, &r);
    assert_int_equal(r.action[0], 0);
    assert_int_equal(r.action[1], WG_ROE_HOLD);
    assert_int_equal(r.action[2], 0);

    wg_decision_t d = {.reinforce_mask = 0xff};
    assert_int_equal(wg_rules_validate_decision(&fx->sc, &fx->st, &d, NULL, 0),
                     1);
    assert_int_equal(d.reinforce_mask, 0x7);
    wg_rules_hold_decision(&fx->sc, &fx->st, &d);
    assert_false(d.recommit);
    fx->st.escalation = 3;
    fx->st.regime = 1;
    wg_rules_hold_decision(&fx->sc, &fx->st, &d);
    assert_true(d.recommit);
}

/* One exposed mine strike that always kills: cohesion follows the rule. */
static void
casualties_and_cohesion(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    fx->sc.incident_types[T_MINE].kia_mean = 8;
    fx->sc.escalation.p_up_restrictive = 1.0; /* always steps up */
    for (int i = 0; i < 5; i++)
        put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    st->required[SE] = 1000;
    begin(fx);
    fx->inc.n = 1;
    fx->inc.items[0] = (wg_incident_t){1, SE, T_MINE, AAA, 1};
    wg_rules_hold_response(&fx->sc, st, &fx->inc, AAA, &fx->resp[AAA]);
    wg_decision_t d = {0};
    wg_rules_resolve_incidents(&fx->sc, st, &fx->inc, fx->resp, &d, &fx->res);

    uint32_t kia = fx->res.nations[AAA].kia;
    assert_true(kia > 0);
    assert_int_equal(fx->res.kia, kia);
    assert_int_equal(st->nations[AAA].kia, kia);
    assert_int_equal(fx->res.outcomes[0].kia, kia);
    assert_true(fx->res.outcomes[0].escalated);
    assert_int_equal(fx->res.n_outcomes, 1);
    assert_int_equal(st->escalation, 1);
    assert_int_equal(st->truce_turns, 1);
    double want = 50 - 1.5 * kia - (kia >= 5 ? 10 : 0);
    assert_true(fabs(st->nations[AAA].cohesion - want) < 1e-9);
    /* Coverage: 500 of 1,000 required. */
    assert_true(fabs(st->coverage[SE] - 0.5) < 1e-9);
    /* No raw events at all, fewer than expected: stability gains. */
    assert_true(fabs(st->stability - (60 + 1 - 2 * 1)) < 1e-9);

    /* A quiet turn: cohesion gains, escalation steps down (p 1 here). */
    fx->sc.escalation.p_down_quiet = 1.0;
    double before = st->nations[AAA].cohesion;
    begin(fx);
    fx->inc.n = 0;
    wg_rules_resolve_incidents(&fx->sc, st, &fx->inc, fx->resp, &d, &fx->res);
    assert_true(fabs(st->nations[AAA].cohesion - (before + 0.25)) < 1e-9);
    assert_int_equal(st->escalation, 0);
    /* Quiet gains stop at start + 10. */
    st->nations[AAA].cohesion = 59.9;
    wg_rules_resolve_incidents(&fx->sc, st, &fx->inc, fx->resp, &d, &fx->res);
    assert_true(fabs(st->nations[AAA].cohesion - 60) < 1e-9);

    /* At escalation 3, every turn costs 3. */
    st->escalation = 3;
    fx->sc.escalation.p_down_quiet = 0;
    before = st->nations[AAA].cohesion;
    wg_rules_resolve_incidents(&fx->sc, st, &fx->inc, fx->resp, &d, &fx->res);
    assert_true(fabs(st->nations[AAA].cohesion - (before + 0 - 3)) < 1e-9);
    assert_int_equal(st->truce_turns, 0);
}

static void
withdrawal_thresholds(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    fx->sc.mandate = WG_MANDATE_PEACEKEEPING;
    fx->sc.auspices = WG_AUSPICES_UN;
    for (int i = 0; i < 3; i++)
        put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    put_unit(st, AAA, -1, WG_UNIT_PREPARING, 4);
    put_unit(st, BBB, SN, WG_UNIT_DEPLOYED, 8);
    begin(fx);

    st->nations[AAA].cohesion = 20; /* below 25: leaves at tour end */
    wg_rules_end_turn(&fx->sc, st, &fx->res);
    assert_true(st->nations[AAA].leaving);
    assert_false(st->nations[AAA].withdrawn);
    assert_true(fx->res.nations[AAA].leaving);
    assert_int_equal(fx->res.nations[AAA].deployed, 300);
    assert_int_equal(fx->res.nations[AAA].preparing, 100);
    assert_int_equal(fx->res.sector_deployed[SE], 300);

    begin(fx);
    st->nations[AAA].cohesion = 10; /* below 15: at once */
    wg_rules_end_turn(&fx->sc, st, &fx->res);
    assert_true(st->nations[AAA].withdrawn);
    assert_false(st->nations[AAA].gate_open);
    assert_true(has_event(&fx->res, "AAA withdraws"));
    assert_int_equal(fx->res.nations[AAA].deployed, 0);
    assert_int_equal(fx->res.nations[AAA].preparing, 0);
    assert_int_equal(fx->res.nations[AAA].recovering, 300);
    assert_true(fabs(st->nations[BBB].cohesion - 35) < 1e-9);
    assert_true(fabs(fx->res.nations[BBB].cohesion - 35) < 1e-9);
    /* CCC has nobody in the force: its public does not react. */
    assert_true(fabs(st->nations[CCC].cohesion - 50) < 1e-9);

    /* A pledge after withdrawal is refused. */
    wg_pledge_t p = {500, 0x3};
    wg_rules_validate_pledge(&fx->sc, st, AAA, &p, NULL, 0);
    assert_int_equal(p.troops, 0);
}

/* ---- whole exercises ------------------------------------------------------
 */

/*
 * The bots' rotation policy, written out here on its own: relieve every
 * due unit with a ready one, and prepare reliefs for the units that will
 * be due at the rotation prep_weeks from now (prep_weeks is a whole number
 * of rotation intervals in this plan), less reliefs already in the pipe.
 */
static void
test_policy(const wg_scenario_t *sc, const wg_state_t *st, size_t n,
            wg_rotation_t *rot)
{
    memset(rot, 0, sizeof *rot);
    uint32_t w = wg_rules_weeks_to_next_rotation(sc, st->turn);
    uint32_t ready = 0, pipe = 0, need = 0;
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation != n)
            continue;
        ready += u->status == WG_UNIT_READY;
        pipe += u->status == WG_UNIT_READY || u->status == WG_UNIT_PREPARING;
    }
    int32_t p = (int32_t)sc->nations[n].prep_weeks;
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation != n || u->status != WG_UNIT_DEPLOYED)
            continue;
        if (wg_rules_unit_due(sc, u, w)) {
            if (rot->n_relieve < ready)
                rot->relieve[rot->n_relieve++] = u->id;
        } else if ((u->weeks_left - p) * 2 <= (int32_t)w) {
            need++;
        }
    }
    pipe -= rot->n_relieve;
    rot->prepare = need > pipe ? need - pipe : 0;
}

typedef struct {
    double ratio_sum;
    uint32_t ratio_n;
    uint32_t gaps;
    uint32_t kia;
} sim_t;

/* Plays the whole plan with everyone pledging all it may; rotation orders
 * from the test policy or the rules' default. */
static void
simulate(fx_t *fx, uint32_t turns, bool use_default, sim_t *out)
{
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    memset(out, 0, sizeof *out);
    for (uint32_t t = 1; t <= turns; t++) {
        begin(fx);
        switch (fx->res.type) {
        case WG_TURN_DEPLOYMENT:
            wg_rules_hold_requirement(sc, st, &fx->req);
            for (size_t n = 0; n < sc->n_nations; n++) {
                fx->pledges[n] = (wg_pledge_t){UINT32_MAX, UINT32_MAX};
                wg_rules_validate_pledge(sc, st, n, &fx->pledges[n], NULL, 0);
            }
            wg_rules_hold_assignment(sc, st, &fx->req, fx->pledges, &fx->asg);
            assert_int_equal(wg_rules_validate_assignment(sc, st, fx->pledges,
                                                          &fx->asg, NULL, 0),
                             0);
            wg_rules_deploy(sc, st, &fx->req, &fx->asg, &fx->res);
            break;
        case WG_TURN_ROTATION:
            for (size_t n = 0; n < sc->n_nations; n++) {
                if (use_default)
                    wg_rules_hold_rotation(sc, st, (int)n, &fx->rot[n]);
                else
                    test_policy(sc, st, n, &fx->rot[n]);
                assert_int_equal(wg_rules_validate_rotation(
                                     sc, st, (int)n, &fx->rot[n], NULL, 0),
                                 0);
            }
            wg_rules_hold_rotation(sc, st, -1, &fx->cmd);
            wg_rules_rotate(sc, st, fx->rot, &fx->cmd, &fx->res);
            break;
        case WG_TURN_INCIDENT: {
            wg_decision_t d;
            wg_rules_draw_incidents(sc, st, &fx->inc);
            for (size_t n = 0; n < sc->n_nations; n++)
                wg_rules_hold_response(sc, st, &fx->inc, n, &fx->resp[n]);
            wg_rules_hold_decision(sc, st, &d);
            wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, &d,
                                       &fx->res);
            break;
        }
        case WG_TURN_FORCE_REVIEW: {
            wg_intent_t in[WG_MAX_NATIONS];
            for (size_t n = 0; n < sc->n_nations; n++)
                wg_rules_hold_intent(sc, st, n, &in[n]);
            wg_rules_apply_intents(sc, st, in, &fx->res);
            wg_rules_hold_requirement(sc, st, &fx->req);
            wg_rules_replan(sc, st, &fx->req, &fx->res);
            break;
        }
        default:
            fail_msg("turn %u: no simulation of turn type %d", t,
                     (int)fx->res.type);
        }
        wg_rules_end_turn(sc, st, &fx->res);
        for (size_t n = 0; n < sc->n_nations; n++)
            out->gaps += fx->res.nations[n].gaps;
        out->kia += fx->res.kia;
        uint32_t dep = wg_state_deployed(st, -1);
        uint32_t com = wg_state_committed(st, -1);
        if (getenv("WG_TEST_VERBOSE")) {
            print_message("turn %2u week %2u deployed %u committed %u "
                          "esc %u regime %u stab %.1f kia %u coh %.1f\n",
                          t, st->week, dep, com, st->escalation, st->regime,
                          st->stability, fx->res.kia, st->nations[0].cohesion);
            for (uint32_t e = 0; e < fx->res.n_events; e++)
                print_message("    %s\n", fx->res.events[e]);
        }
        if (t >= 20 && dep > 0) {
            out->ratio_sum += (double)com / dep;
            out->ratio_n++;
        }
    }
}

static void
steady_state_rotation_factor(void **state)
{
    fx_t *fx = *state;
    /* Rotation alone: no incidents, so no cohesion losses. AAA 2,000 and
     * BBB 1,000 (its gate opened), 8/6/6 weeks: (8 + 6 + 6) / 8 = 2.5. */
    fx->sc.n_incident_types = 0;
    /* The plan runs on past turn 40, so that the last turns do not stop
     * preparing reliefs the exercise would never use. */
    for (size_t t = 40; t < 60; t++)
        fx->sc.plan[t] = (t - 2) % 3 == 2 ? WG_TURN_ROTATION : WG_TURN_INCIDENT;
    fx->sc.n_turns = 60;
    fx->sc.mandate = WG_MANDATE_PEACEKEEPING;
    fx->sc.auspices = WG_AUSPICES_UN;
    wg_state_init(&fx->st, &fx->sc);
    for (int pass = 0; pass < 2; pass++) {
        sim_t sim;
        wg_state_init(&fx->st, &fx->sc);
        simulate(fx, 40, pass == 1, &sim);
        double ratio = sim.ratio_sum / sim.ratio_n;
        print_message("%s policy: committed/deployed %.3f over %u turns, "
                      "%u gaps, deployed %u\n",
                      pass ? "default" : "test", ratio, sim.ratio_n, sim.gaps,
                      wg_state_deployed(&fx->st, -1));
        assert_int_equal(sim.gaps, 0);
        assert_true(fabs(ratio - 2.5) < 0.25);
        assert_int_equal(wg_state_deployed(&fx->st, -1), 3000);
    }
}

/* Deploys AAA's 2,000 (ceiling 2,000) over the first two turns and comes
 * to turn 3, where the tests hold a force review. */
static void
deploy_aaa(fx_t *fx)
{
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    static wg_pledge_t pledges[WG_MAX_NATIONS];
    begin(fx);
    wg_rules_hold_requirement(sc, st, &fx->req);
    memset(pledges, 0, sizeof pledges);
    pledges[AAA] = (wg_pledge_t){2000, 0x7};
    assert_int_equal(
        wg_rules_validate_pledge(sc, st, AAA, &pledges[AAA], NULL, 0), 0);
    wg_rules_hold_assignment(sc, st, &fx->req, pledges, &fx->asg);
    wg_rules_deploy(sc, st, &fx->req, &fx->asg, &fx->res);
    wg_rules_end_turn(sc, st, &fx->res);
    assert_int_equal(wg_state_deployed(st, AAA), 2000);
    sc->plan[2] = WG_TURN_FORCE_REVIEW;
    begin(fx); /* turn 2: rotation, nothing due */
    wg_rules_end_turn(sc, st, &fx->res);
    begin(fx); /* turn 3: the review */
    assert_int_equal(fx->res.type, WG_TURN_FORCE_REVIEW);
}

/* Intentions are validated: unknown ones stay, a reduction is whole units
 * below the ceiling (else stay; to 0, leave), a leaving nation leaves, a
 * ceiling only goes with a reduction. Hold is stay, or leave for a nation
 * already leaving. */
static void
review_validation(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    deploy_aaa(fx);
    wg_intent_t in = {.intention = 7};
    assert_int_equal(
        wg_rules_validate_intent(sc, st, AAA, &in, fx->why, sizeof fx->why), 1);
    assert_int_equal(in.intention, WG_INTENTION_STAY);
    in = (wg_intent_t){WG_INTENTION_REDUCE, 1250};
    assert_int_equal(
        wg_rules_validate_intent(sc, st, AAA, &in, fx->why, sizeof fx->why), 1);
    assert_int_equal(in.intention, WG_INTENTION_REDUCE);
    assert_int_equal(in.ceiling, 1200);
    in = (wg_intent_t){WG_INTENTION_REDUCE, 2000};
    assert_true(wg_rules_validate_intent(sc, st, AAA, &in, NULL, 0) > 0);
    assert_int_equal(in.intention, WG_INTENTION_STAY);
    assert_int_equal(in.ceiling, 0);
    in = (wg_intent_t){WG_INTENTION_REDUCE, 50};
    assert_true(wg_rules_validate_intent(sc, st, AAA, &in, NULL, 0) > 0);
    assert_int_equal(in.intention, WG_INTENTION_LEAVE);
    in = (wg_intent_t){WG_INTENTION_STAY, 300};
    assert_int_equal(wg_rules_validate_intent(sc, st, AAA, &in, NULL, 0), 1);
    assert_int_equal(in.ceiling, 0);
    in = (wg_intent_t){WG_INTENTION_LEAVE, 0};
    assert_int_equal(wg_rules_validate_intent(sc, st, AAA, &in, NULL, 0), 0);
    wg_rules_hold_intent(sc, st, AAA, &in);
    assert_int_equal(in.intention, WG_INTENTION_STAY);
    st->nations[AAA].leaving = true;
    wg_rules_hold_intent(sc, st, AAA, &in);
    assert_int_equal(in.intention, WG_INTENTION_LEAVE);
    in = (wg_intent_t){WG_INTENTION_STAY, 0};
    assert_int_equal(wg_rules_validate_intent(sc, st, AAA, &in, NULL, 0), 1);
    assert_int_equal(in.intention, WG_INTENTION_LEAVE);
}

/* 'reduce' lowers the ceiling: pledges stop at it, the Situation's
 * max_troops is it, and at rotations no more is relieved than keeps the
 * nation within it (due units beyond go home, as gaps). 'leave' makes the
 * nation leave as its tours end. The re-plan stores the requirement. */
static void
review_applied(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    deploy_aaa(fx);
    wg_intent_t in[WG_MAX_NATIONS] = {{0}};
    in[AAA] = (wg_intent_t){WG_INTENTION_REDUCE, 1200};
    in[BBB] = (wg_intent_t){WG_INTENTION_STAY, 0};
    in[CCC] = (wg_intent_t){WG_INTENTION_LEAVE, 0};
    wg_rules_apply_intents(sc, st, in, &fx->res);
    assert_true(has_event(&fx->res, "AAA lowers its ceiling to 1200 (review)"));
    assert_true(
        has_event(&fx->res, "CCC will leave as its tours end (review)"));
    assert_int_equal(wg_rules_max_troops(sc, st, AAA), 1200);
    assert_int_equal(wg_rules_ceiling(sc, st, AAA), 1200);
    assert_int_equal(wg_rules_max_troops(sc, st, BBB), 1000);
    assert_true(st->nations[CCC].leaving);
    wg_pledge_t p = {500, 0x7};
    wg_rules_validate_pledge(sc, st, AAA, &p, NULL, 0);
    assert_int_equal(p.troops, 0); /* 2,000 deployed, ceiling 1,200 */

    wg_requirement_t req = {{0}};
    req.troops[SN] = 700;
    req.troops[SE] = 500;
    wg_rules_replan(sc, st, &req, &fx->res);
    assert_int_equal(st->required[SN], 700);
    assert_int_equal(st->required[SE], 500);
    assert_int_equal(st->required[SR], 0);
    assert_true(has_event(&fx->res,
                          "the command re-plans: 1200 troops required, was "
                          "3000"));
    uint32_t events = fx->res.n_events;
    wg_rules_replan(sc, st, &req, &fx->res); /* the same: no event */
    assert_int_equal(fx->res.n_events, events);

    /* With every unit due, only 1,200 troops may be relieved. */
    uint32_t w = 100;
    assert_int_equal(wg_rules_relief_room(sc, st, AAA, w), 1200);
    assert_int_equal(wg_rules_relief_room(sc, st, BBB, w), UINT32_MAX);
}

static void
whole_exercise_deterministic(void **state)
{
    fx_t *fx = *state;
    fx_t *other = calloc(1, sizeof *other);
    assert_non_null(other);
    make_scenario(&other->sc);
    wg_state_init(&other->st, &other->sc);
    sim_t a, b;
    simulate(fx, fx->sc.n_turns, true, &a);
    simulate(other, other->sc.n_turns, true, &b);
    assert_int_equal(a.kia, b.kia);
    assert_int_equal(fx->st.n_units, other->st.n_units);
    assert_memory_equal(&fx->st, &other->st, sizeof fx->st);
    assert_memory_equal(&fx->res, &other->res, sizeof fx->res);
    free(other);
}

/* ---- rules version 2: deterrence, the truce, entry, manpower ----------- */

/* Raw violations of sector E over many draws, its requirement met or not. */
static uint64_t
raw_in_e(fx_t *fx, uint32_t required)
{
    wg_state_t *st = &fx->st;
    st->required[SE] = required;
    uint64_t sum = 0;
    for (int turn = 0; turn < 50; turn++) {
        wg_rules_draw_incidents(&fx->sc, st, &fx->inc);
        for (uint32_t k = 0; k < fx->inc.n; k++)
            if (fx->inc.items[k].sector == SE &&
                fx->inc.items[k].type == T_SHELL)
                sum += fx->inc.items[k].count;
    }
    return sum;
}

static void
deterrence_and_probing(void **state)
{
    fx_t *fx = *state;
    fx->sc.deterrence = (wg_deterrence_t){2.0, 0.5, 0.8};
    for (int i = 0; i < 10; i++)
        put_unit(&fx->st, AAA, SE, WG_UNIT_DEPLOYED, 8);
    /* 1,000 troops: held (required 1,000), thin (4,000), nobody asked. */
    fx->st.robust_roe = true;
    uint64_t held = raw_in_e(fx, 1000);
    uint64_t thin = raw_in_e(fx, 4000);
    fx->st.robust_roe = false;
    uint64_t restrictive = raw_in_e(fx, 1000);
    /* Expected 25 x 2 x 4 = 200 a turn: x0.5 held robust, x1.625 at a
     * quarter, x0.8 held restrictive; 50 turns. */
    assert_true(held > 4500 && held < 5500);
    assert_true(thin > 15000 && thin < 17500);
    assert_true(restrictive > 7400 && restrictive < 8600);
    /* A withdrawal under fire last turn leaves the sector thin. */
    fx->st.held[SE] = 0.0;
    assert_true(raw_in_e(fx, 1000) > 19000);
}

/* Stability sets the chance of a breakdown: none at 100, p_break_at_zero
 * at 0; it reverts toward the baseline. */
static void
stability_sets_breakdown(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    sc->stability.reversion = 0;
    sc->stability.quiet_gain = 0;
    sc->stability.p_break_at_zero = 1.0;
    fx->inc.n = 0;
    st->stability = 100;
    for (int t = 0; t < 200; t++) {
        memset(&fx->res, 0, sizeof fx->res);
        wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, NULL, &fx->res);
        assert_int_equal(st->regime, sc->threat.managed_regime);
    }
    assert_true(st->stability == 100);
    st->stability = 0;
    memset(&fx->res, 0, sizeof fx->res);
    wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, NULL, &fx->res);
    assert_int_equal(st->regime, sc->threat.hot_regime);
    assert_true(has_event(&fx->res, "the truce breaks down (stability 0)"));
    /* Back toward the baseline (60) by a tenth of the way a turn. */
    sc->stability.reversion = 0.1;
    st->stability = 0;
    memset(&fx->res, 0, sizeof fx->res);
    wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, NULL, &fx->res);
    assert_true(fabs(st->stability - 6.0) < 1e-9);
}

static void
recommit_uncertain_with_cooldown(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    wg_decision_t call = {0, false, true};
    fx->inc.n = 0;
    st->regime = sc->threat.hot_regime;
    sc->stability.p_recommit = 0.0; /* the parties refuse */
    memset(&fx->res, 0, sizeof fx->res);
    wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, &call, &fx->res);
    assert_int_equal(st->regime, sc->threat.hot_regime);
    assert_false(fx->res.recommitted);
    assert_int_equal(st->recommit_cooldown, 4);
    sc->stability.p_recommit = 1.0;
    for (int t = 0; t < 4; t++) { /* not heard again before it has run */
        memset(&fx->res, 0, sizeof fx->res);
        wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, &call, &fx->res);
        assert_int_equal(st->regime, sc->threat.hot_regime);
        assert_false(fx->res.recommitted);
    }
    assert_int_equal(st->recommit_cooldown, 0);
    memset(&fx->res, 0, sizeof fx->res);
    wg_rules_resolve_incidents(sc, st, &fx->inc, fx->resp, &call, &fx->res);
    assert_int_equal(st->regime, sc->threat.managed_regime);
    assert_true(fx->res.recommitted);
    assert_int_equal(st->fragile_turns, 4);
}

static void
unrest_is_not_fired_on(void **state)
{
    fx_t *fx = *state;
    fx->inc.n = 2;
    fx->inc.items[0] = (wg_incident_t){1, SE, T_MINE, AAA, 1};
    fx->inc.items[1] = (wg_incident_t){2, SE, T_PATROL, AAA, 1};
    memset(&fx->resp[AAA], 0, sizeof fx->resp[AAA]);
    fx->resp[AAA].action[0] = WG_ROE_RETURN_FIRE;
    fx->resp[AAA].action[1] = WG_ROE_RETURN_FIRE;
    assert_int_equal(wg_rules_validate_response(&fx->sc, &fx->st, &fx->inc, AAA,
                                                &fx->resp[AAA], fx->why,
                                                sizeof fx->why),
                     1);
    assert_int_equal(fx->resp[AAA].action[0], WG_ROE_HOLD);
    assert_int_equal(fx->resp[AAA].action[1], WG_ROE_RETURN_FIRE);
    assert_non_null(strstr(fx->why, "no fire to return"));
}

static void
reinforcement_moves_reserve(void **state)
{
    fx_t *fx = *state;
    wg_state_t *st = &fx->st;
    uint32_t a1 = put_unit(st, AAA, SR, WG_UNIT_DEPLOYED, 8);
    uint32_t c1 = put_unit(st, CCC, SR, WG_UNIT_DEPLOYED, 8); /* rear only */
    uint32_t a2 = put_unit(st, AAA, SR, WG_UNIT_DEPLOYED, 8);
    fx->inc.n = 0;
    wg_decision_t dec = {1u << SE, false, false};
    wg_rules_resolve_incidents(&fx->sc, st, &fx->inc, fx->resp, &dec, &fx->res);
    /* One unit a sector (reinforce_units 1), the first that may serve. */
    assert_int_equal(unit_by_id(st, a1)->sector, SE);
    assert_int_equal(unit_by_id(st, c1)->sector, SR);
    assert_int_equal(unit_by_id(st, a2)->sector, SR);
    assert_int_equal(st->reinforced_mask, 1u << SE);
    assert_true(
        has_event(&fx->res, "E reinforced: 100 troops from the reserve"));
}

static void
entry_force_prepares(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    sc->nations[AAA].entry_prep_weeks = 3;
    begin(fx); /* turn 1: deployment */
    wg_rules_hold_requirement(sc, st, &fx->req);
    wg_pledge_t pledges[WG_MAX_NATIONS] = {{0}};
    pledges[AAA] = (wg_pledge_t){500, 1u << SN | 1u << SE};
    wg_rules_hold_assignment(sc, st, &fx->req, pledges, &fx->asg);
    wg_rules_deploy(sc, st, &fx->req, &fx->asg, &fx->res);
    assert_int_equal(wg_state_deployed(st, AAA), 0);
    assert_int_equal(wg_state_committed(st, AAA), 500);
    for (uint32_t i = 0; i < st->n_units; i++) {
        assert_int_equal(st->units[i].status, WG_UNIT_ENTERING);
        assert_true(st->units[i].sector >= 0 && st->units[i].first_tour > 0);
    }
    /* What is on its way counts against the ceiling. */
    wg_pledge_t more = {2000, 1u << SN};
    wg_rules_validate_pledge(sc, st, AAA, &more, fx->why, sizeof fx->why);
    assert_int_equal(more.troops, 1500);
    wg_rules_end_turn(sc, st, &fx->res);
    int incident_weeks = 0;
    while (wg_state_deployed(st, AAA) == 0 && st->turn < 10) {
        begin(fx);
        incident_weeks += fx->res.type == WG_TURN_INCIDENT;
        wg_rules_end_turn(sc, st, &fx->res);
    }
    assert_int_equal(incident_weeks, 3);
    assert_int_equal(wg_state_deployed(st, AAA), 500);
}

static void
manpower_is_finite(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    for (int i = 0; i < 5; i++)
        put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 20);
    sc->nations[AAA].manpower = 800; /* 500 committed, 100 lost */
    st->nations[AAA].kia = 40;
    st->nations[AAA].wia = 60;
    assert_int_equal(wg_rules_manpower_left(sc, st, AAA), 200);
    wg_rotation_t rot = {.prepare = 5};
    assert_true(wg_rules_validate_rotation(sc, st, AAA, &rot, fx->why,
                                           sizeof fx->why) > 0);
    assert_int_equal(rot.prepare, 2);
    assert_non_null(strstr(fx->why, "manpower"));
    wg_pledge_t p = {2000, 1u << SE};
    wg_rules_validate_pledge(sc, st, AAA, &p, fx->why, sizeof fx->why);
    assert_int_equal(p.troops, 200);
    sc->nations[AAA].manpower = 0; /* no limit */
    assert_int_equal(wg_rules_manpower_left(sc, st, AAA), UINT32_MAX);
}

/* Below leave_at_tour_end_below a nation leaves only when its mandate
 * comes up for renewal; below leave_now_below at once. */
static void
withdrawal_at_mandate_renewal(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    sc->nations[AAA].mandate_weeks = 4;
    put_unit(st, AAA, SE, WG_UNIT_DEPLOYED, 30);
    st->nations[AAA].cohesion = 20;
    uint32_t leaving_week = 0;
    while (st->turn < 20 && leaving_week == 0) {
        begin(fx);
        wg_rules_end_turn(sc, st, &fx->res);
        if (st->nations[AAA].leaving)
            leaving_week = st->week;
    }
    assert_int_equal(leaving_week, 4);
    assert_false(st->nations[AAA].withdrawn);
}

static void
spike_hits_named_sectors(void **state)
{
    fx_t *fx = *state;
    wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    sc->n_events = 1;
    sc->events[0] = (wg_event_t){.turn = 1,
                                 .kind = WG_EVENT_REGIME,
                                 .regime = 2,
                                 .nation = -1,
                                 .sectors = 1u << SE,
                                 .text = "spike in E"};
    begin(fx);
    assert_int_equal(st->regime, 2);
    assert_int_equal(st->regime_sectors, 1u << SE);
    uint64_t n = 0, e = 0;
    for (int t = 0; t < 20; t++) {
        wg_rules_draw_incidents(sc, st, &fx->inc);
        for (uint32_t k = 0; k < fx->inc.n; k++)
            if (fx->inc.items[k].type == T_SHELL)
                *(fx->inc.items[k].sector == SN ? &n : &e) +=
                    fx->inc.items[k].count;
    }
    /* N (100 km, threat 1) at hot x25: 625 a turn; E (200 km, threat 4)
     * at spike x40: 8,000. */
    assert_true(n > 11000 && n < 14000);
    assert_true(e > 150000 && e < 170000);
}

static void
turn_counts(void **state)
{
    fx_t *fx = *state;
    fx->inc.n = 3;
    fx->inc.items[0] = (wg_incident_t){1, SE, T_SHELL, -1, 30};
    fx->inc.items[1] = (wg_incident_t){2, SE, T_SHELL, AAA, 2};
    fx->inc.items[2] = (wg_incident_t){3, SN, T_JAM, AAA, 5};
    memset(fx->resp, 0, sizeof fx->resp);
    wg_rules_resolve_incidents(&fx->sc, &fx->st, &fx->inc, fx->resp, NULL,
                               &fx->res);
    assert_int_equal(fx->res.incidents, 37);
    assert_int_equal(fx->res.violations, 32);
    assert_int_equal(fx->res.drones, 5);
    assert_int_equal(fx->res.force_events, 7);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(gates),
        T(caveats_and_surge),
        T(pledge_clamping),
        T(assignment_validation),
        T(default_orders),
        T(deployment_staggers_tours),
        T(rotation_timing),
        T(rotation_relief_and_gap),
        T(rotation_blocked_by_cohesion),
        T(rotation_leaving_and_moves),
        T(incidents_deterministic),
        T(responses_validated),
        T(casualties_and_cohesion),
        T(withdrawal_thresholds),
        T(steady_state_rotation_factor),
        T(whole_exercise_deterministic),
        T(review_validation),
        T(review_applied),
        T(deterrence_and_probing),
        T(stability_sets_breakdown),
        T(recommit_uncertain_with_cooldown),
        T(unrest_is_not_fired_on),
        T(reinforcement_moves_reserve),
        T(entry_force_prepares),
        T(manpower_is_finite),
        T(withdrawal_at_mandate_renewal),
        T(spike_hits_named_sectors),
        T(turn_counts),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
