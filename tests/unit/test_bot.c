/*
 * test_bot.c - unit tests of the built-in bots' decisions (wg/bot.h,
 * common/bot_contingent.c, common/bot_command.c), each asked through the
 * bot ABI with a hand-made picture of a small scenario written here: a
 * contingent plans its reliefs in time (a unit relieved in now gets its
 * own relief prepared now, not a rotation too late), answers fire under
 * the force-wide ROE and never fires at unrest, and weighs its caveats
 * when the force is struck; the command restricts its ROE as the ladder
 * climbs, calls a recommitment only for a breakdown that is serious,
 * asks for what the nations can field and keeps a larger reserve under
 * pressure, and at talks asks for the hotline while the ladder is off
 * calm and for the withdrawal it expects most of at calm.
 */
#include "wg_cmocka.h"

#include "wg/bot.h"
#include "wg/phases.h"
#include "wg/rules.h"

#include <stdlib.h>
#include <string.h>

/* Two contingents, a bold one (FRA) and a cautious one with a threat
 * caveat (DEU); a low, a very high and a medium sector and the hubs; a
 * plan of rotation turns every 4 incident turns. */
static const char scenario_yaml[] =
    "name: bots\n"
    "mandate: deterrence\n"
    "auspices: coalition\n"
    "nations:\n"
    "  - {code: FRA, name: France, max_troops: 6000, unit_size: 500,\n"
    "     tour_weeks: 17, prep_weeks: 13, recovery_weeks: 13,\n"
    "     cohesion_start: 50, kia_weight: 1, risk_tolerance: 0.6}\n"
    "  - {code: DEU, name: Germany, max_troops: 3000, unit_size: 500,\n"
    "     tour_weeks: 17, prep_weeks: 13, recovery_weeks: 13,\n"
    "     cohesion_start: 40, kia_weight: 1.5, risk_tolerance: 0.3,\n"
    "     max_threat: 3}\n"
    "sectors:\n"
    "  - {code: N, name: north, length_km: 300, threat: 0.25}\n"
    "  - {code: E, name: east, length_km: 200, threat: 6}\n"
    "  - {code: S, name: south, length_km: 350, threat: 1}\n"
    "  - {code: R, name: hubs, length_km: 400, threat: 0.05, rear: true}\n"
    "incident_types:\n"
    "  - {name: shelling, basis: per_100km, rate: 25, raw: true}\n"
    "  - {name: patrol_fired_on, basis: per_sector, rate: 0.2}\n"
    "  - {name: unrest, basis: per_sector, rate: 0.3, armed: false}\n"
    "casualties:\n"
    "  shelling: {p_casualties: 0.04, kia_mean: 0.5, wia_mean: 2}\n"
    "  patrol_fired_on: {p_casualties: 0.15, kia_mean: 0.3, wia_mean: 1}\n"
    "  unrest: {p_casualties: 0.02, kia_mean: 0.1, wia_mean: 1}\n"
    "command: {target_troops: 20000, reserve_share: 0.1, robust_roe: true,\n"
    "          recommit_escalation: 3}\n"
    "plan:\n"
    "  - deployment\n"
    "  - {repeat: 12, turns: [rotation, incident, incident, incident,\n"
    "                         incident]}\n";

enum { FRA = 0, DEU = 1, SEC_N = 0, SEC_E = 1, SEC_S = 2, SEC_R = 3 };
enum { SHELLING = 0, PATROL = 1, UNREST = 2 };

typedef struct {
    wg_scenario_t *sc;
    wg_state_t st;
    wg_incident_list_t inc;
    wg_nation_seen_t seen[WG_MAX_NATIONS];
    wg_phase_view_t v;
    wg_orders_t out;
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    wg_config_error_t err;
    if (wg_scenario_parse("bots.yaml", scenario_yaml, strlen(scenario_yaml),
                          &f->sc, &err) != 0) {
        wg_config_error_print(&err);
        fail();
    }
    wg_state_init(&f->st, f->sc);
    f->v.st = &f->st;
    f->v.incidents = &f->inc;
    f->v.nations = f->seen;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    free(f->sc);
    free(f);
    return 0;
}

static void
add_unit(fixture_t *f, int nation, int sector, wg_unit_status_t status,
         int32_t weeks_left)
{
    wg_unit_t *u = &f->st.units[f->st.n_units++];
    u->id = ++f->st.next_unit_id;
    u->nation = (uint8_t)nation;
    u->sector = (int8_t)sector;
    u->status = (uint8_t)status;
    u->weeks_left = weeks_left;
    u->troops = 500;
}

/* Asks the built-in bot of `nation` (-1: the command) for the phase. */
static void
decide(fixture_t *f, wg_phase_t phase, int nation)
{
    memset(&f->out, 0, sizeof f->out);
    f->v.phase = phase;
    f->v.nation = nation;
    f->v.turn = f->st.turn;
    f->v.weeks_to_rotation = wg_rules_weeks_to_next_rotation(f->sc, f->st.turn);
    const wg_bot_t *bot =
        nation < 0 ? wg_bot_builtin_command() : wg_bot_builtin_contingent();
    assert_int_equal(bot->decide(f->sc, &f->v, &f->out, bot->arg), 0);
}

/* Turn 1 with both gates open: a deployment turn's picture. */
static void
open_gates(fixture_t *f)
{
    f->st.turn = 1;
    f->st.nations[DEU].gate_open = true;
    f->st.nations[FRA].gate_open = true;
}

static void
add_incident(fixture_t *f, int sector, int type, int nation, uint32_t count)
{
    wg_incident_t *in = &f->inc.items[f->inc.n];
    in->id = f->inc.n + 1;
    in->sector = (uint8_t)sector;
    in->type = (uint8_t)type;
    in->nation = (int8_t)nation;
    in->count = count;
    f->inc.n++;
}

/* ---- every kind of order ------------------------------------------------- */

/* Each built-in bot answers every phase that asks its role for an order
 * (its table of decisions has a row for every kind of order the phase
 * table gives its role) and stays silent in every other: a kind added to
 * the phase table without a decision would leave the fallback to play. */
static void
test_every_kind_decided(void **state)
{
    fixture_t *f = *state;
    static wg_requirement_t req;
    static wg_pledge_t pledges[WG_MAX_NATIONS];
    open_gates(f);
    f->v.req = &req;
    f->v.pledges = pledges;
    int asked = 0;
    for (int phase = 0; phase < 64; phase++) {
        const wg_phase_info_t *p = wg_phase_info(phase);
        for (int key = 0; key <= 1; key++) {
            const wg_bot_t *bot = key == 0 ? wg_bot_builtin_command()
                                           : wg_bot_builtin_contingent();
            memset(&f->out, 0, sizeof f->out);
            f->v.phase = (wg_phase_t)phase;
            f->v.nation = key - 1;
            int rc = bot->decide(f->sc, &f->v, &f->out, bot->arg);
            bool owes = p != NULL && wg_phase_order(p, key) != NULL;
            if (rc != (owes ? 0 : 1))
                fail_msg("phase %d, %s: decide returned %d", phase,
                         key == 0 ? "command" : "contingent", rc);
            asked += owes;
        }
    }
    assert_true(asked >= 9); /* the kinds of the table today */
}

/* ---- contingent ---------------------------------------------------------- */

/* At a rotation turn (turn 2, the next rotation 4 weeks on) FRA has one
 * unit due and one READY to relieve it. The relief goes in on a fresh
 * 17-week tour and is due at the rotation 16 weeks on: a relief for it
 * prepared at the next rotation turn would be ready in 4 + 13 = 17 weeks,
 * too late, so the bot must prepare one now. (The bot that counted
 * reliefs without their times prepared none: the unit left unrelieved.) */
static void
test_relief_for_the_unit_relieving_now(void **state)
{
    fixture_t *f = *state;
    f->st.turn = 2;
    add_unit(f, FRA, SEC_E, WG_UNIT_DEPLOYED, 1);
    add_unit(f, FRA, -1, WG_UNIT_READY, 0);
    decide(f, WG_PHASE_ROTATE, FRA);
    assert_int_equal(f->out.rotation.n_relieve, 1);
    assert_int_equal(f->out.rotation.relieve[0], f->st.units[0].id);
    assert_int_equal(f->out.rotation.prepare, 1);
}

/* Units due in 8, 12 and 28 weeks and a relief READY in 5: the relief
 * takes the first; the second cannot be reached even by a relief prepared
 * now (13 weeks) and is not prepared for; the third gets one prepared now
 * (one relief behind every unit). */
static void
test_reliefs_matched_in_time(void **state)
{
    fixture_t *f = *state;
    f->st.turn = 2;
    add_unit(f, FRA, SEC_E, WG_UNIT_DEPLOYED, 9);  /* due in 8 */
    add_unit(f, FRA, SEC_E, WG_UNIT_DEPLOYED, 13); /* due in 12 */
    add_unit(f, FRA, SEC_S, WG_UNIT_DEPLOYED, 29); /* due in 28 */
    add_unit(f, FRA, -1, WG_UNIT_PREPARING, 5);
    decide(f, WG_PHASE_ROTATE, FRA);
    assert_int_equal(f->out.rotation.n_relieve, 0);
    assert_int_equal(f->out.rotation.prepare, 1);

    f->st.units[1].weeks_left = 17; /* due in 16: now within reach */
    decide(f, WG_PHASE_ROTATE, FRA);
    assert_int_equal(f->out.rotation.prepare, 2);

    /* The relief READY in 5 is READY in 9 instead: the unit due in 8
     * cannot have it, the one due in 16 takes it. */
    f->st.units[3].weeks_left = 9;
    decide(f, WG_PHASE_ROTATE, FRA);
    assert_int_equal(f->out.rotation.prepare, 1);

    /* A public that no longer sends anyone prepares nothing. */
    f->st.nations[FRA].cohesion = f->sc->cohesion.no_rotation_below - 1;
    decide(f, WG_PHASE_ROTATE, FRA);
    assert_int_equal(f->out.rotation.prepare, 0);
}

static void
test_answers_under_the_force_roe(void **state)
{
    fixture_t *f = *state;
    f->st.turn = 3;
    add_incident(f, SEC_E, PATROL, FRA, 1);
    add_incident(f, SEC_E, UNREST, FRA, 1);
    add_incident(f, SEC_E, SHELLING, FRA, 2);
    add_incident(f, SEC_S, SHELLING, DEU, 4);
    add_incident(f, SEC_S, PATROL, DEU, 1);
    add_incident(f, SEC_S, UNREST, DEU, 1);

    f->st.robust_roe = true;
    decide(f, WG_PHASE_RESPOND, FRA);
    assert_int_equal(f->out.response.action[0], WG_ROE_RETURN_FIRE);
    assert_int_equal(f->out.response.action[1], WG_ROE_HOLD); /* unarmed */
    assert_int_equal(f->out.response.action[2], WG_ROE_HOLD); /* 0.6 < 0.7 */
    assert_int_equal(f->out.response.action[3], 0);           /* DEU's */
    decide(f, WG_PHASE_RESPOND, DEU);
    assert_int_equal(f->out.response.action[3], WG_ROE_WITHDRAW);
    assert_int_equal(f->out.response.action[4], WG_ROE_DE_ESCALATE);
    assert_int_equal(f->out.response.action[5], WG_ROE_HOLD);

    /* Restrictive rules, or a ladder at a local exchange: no one fires;
     * a bold contingent holds its ground. */
    f->st.robust_roe = false;
    decide(f, WG_PHASE_RESPOND, FRA);
    assert_int_equal(f->out.response.action[0], WG_ROE_HOLD);
    f->st.robust_roe = true;
    f->st.escalation = 2;
    decide(f, WG_PHASE_RESPOND, FRA);
    assert_int_equal(f->out.response.action[0], WG_ROE_HOLD);
    decide(f, WG_PHASE_RESPOND, DEU);
    assert_int_equal(f->out.response.action[4], WG_ROE_DE_ESCALATE);
}

/* DEU (cautious, max_threat 3) offers N and S; once the force is struck
 * deliberately, only the sectors of at most half that threat (N, S). FRA
 * (bold) keeps every sector. */
static void
test_caveats_weighed(void **state)
{
    fixture_t *f = *state;
    open_gates(f);
    decide(f, WG_PHASE_PLEDGE, DEU);
    uint32_t calm = f->out.pledge.sector_mask;
    assert_int_equal(calm, (1u << SEC_N) | (1u << SEC_S) | (1u << SEC_R));
    f->st.escalation = 3;
    decide(f, WG_PHASE_PLEDGE, DEU);
    assert_int_equal(f->out.pledge.sector_mask,
                     (1u << SEC_N) | (1u << SEC_S) | (1u << SEC_R));
    f->sc->sectors[SEC_S].threat = 2; /* above half of 3: not offered */
    decide(f, WG_PHASE_PLEDGE, DEU);
    assert_int_equal(f->out.pledge.sector_mask, (1u << SEC_N) | (1u << SEC_R));
    decide(f, WG_PHASE_PLEDGE, FRA);
    assert_int_equal(f->out.pledge.sector_mask, 0xfu);
}

/* ---- command ------------------------------------------------------------- */

static uint32_t
regime_named(const wg_scenario_t *sc, const char *name)
{
    for (uint32_t r = 0; r < sc->n_regimes; r++)
        if (strcmp(sc->regimes[r].name, name) == 0)
            return r;
    fail_msg("no regime %s", name);
    return 0;
}

/* The command's decision at an incident turn of this escalation and
 * stability. */
static const wg_decision_t *
decision_at(fixture_t *f, uint32_t escalation, double stability)
{
    f->st.turn = 3;
    f->st.escalation = escalation;
    f->st.stability = stability;
    decide(f, WG_PHASE_RESPOND, -1);
    return &f->out.decision;
}

static void
test_roe_restricted_as_the_ladder_climbs(void **state)
{
    fixture_t *f = *state;
    /* The profile's standing ROE, restricted at a local exchange or below
     * stability 30. */
    assert_true(decision_at(f, 0, 60)->robust_roe);
    assert_false(decision_at(f, 2, 60)->robust_roe);
    assert_false(decision_at(f, 1, 25)->robust_roe);
    f->sc->command.robust_roe = false; /* a restrictive profile stays so */
    assert_false(decision_at(f, 0, 90)->robust_roe);
}

static void
test_recommitment_with_judgement(void **state)
{
    fixture_t *f = *state;
    assert_false(decision_at(f, 0, 80)->recommit); /* the truce holds */
    f->st.regime = f->sc->threat.hot_regime;
    assert_true(decision_at(f, 0, 80)->recommit); /* broken: call */
    f->st.recommit_cooldown = 2;                  /* a call would be wasted */
    assert_false(decision_at(f, 1, 20)->recommit);
    f->st.recommit_cooldown = 0;
    f->st.regime = regime_named(f->sc, "spike");
    assert_true(decision_at(f, 1, 20)->recommit);
    f->st.regime = f->sc->threat.managed_regime;
    assert_true(decision_at(f, 3, 80)->recommit); /* the profile's level */
}

static uint32_t
required(const fixture_t *f, bool rear)
{
    uint32_t sum = 0;
    for (size_t s = 0; s < f->sc->n_sectors; s++)
        if (f->sc->sectors[s].rear == rear)
            sum += f->out.requirement.troops[s];
    return sum;
}

/* The command asks for its target, 20,000, even though FRA and DEU can
 * field 9,000 (a smaller requirement left caveated nations nothing to
 * fill), the most on the very high sector; under pressure it keeps a
 * larger reserve at the hubs. */
static void
test_requirement_replanned(void **state)
{
    fixture_t *f = *state;
    open_gates(f);
    decide(f, WG_PHASE_REQUIREMENT, -1);
    uint32_t line = required(f, false), reserve = required(f, true);
    assert_in_range(line + reserve, 19700, 20000);
    assert_int_equal(reserve, 2000);
    assert_true(f->out.requirement.troops[SEC_E] >
                f->out.requirement.troops[SEC_S]);
    f->st.escalation = 2;
    decide(f, WG_PHASE_REQUIREMENT, -1);
    assert_int_equal(required(f, true), 4000);
    f->sc->command.reserve_share = 0.3; /* 0.4 at escalation 2: a third */
    decide(f, WG_PHASE_REQUIREMENT, -1);
    assert_in_range(required(f, true), 6600, 6700);
}

/* Talks: the command's agenda from the picture (stability, escalation,
 * regime), with the rules' own chance and gain (wg/rules.h). */
static const wg_talks_t *
talks_at(fixture_t *f, uint32_t escalation, double stability)
{
    f->st.escalation = escalation;
    f->st.stability = stability;
    decide(f, WG_PHASE_TALKS, -1);
    wg_talks_t copy = f->out.talks;
    assert_int_equal(wg_rules_validate_talks(f->sc, &f->st, &copy, NULL, 0), 0);
    return &f->out.talks;
}

static double
expected(const fixture_t *f, const wg_talks_t *t)
{
    double p = wg_rules_talks_chance(f->sc, &f->st, t);
    return p * wg_rules_talks_gain(f->sc, t, true) +
           (1 - p) * wg_rules_talks_gain(f->sc, t, false);
}

static void
test_talks_agenda(void **state)
{
    fixture_t *f = *state;
    /* Off calm: the hotline, announced when it is likely to take (P 0.78
     * at 70), not when it is not (P 0.58 at 20). */
    const wg_talks_t *t = talks_at(f, 2, 70);
    assert_int_equal(t->item, WG_TALKS_HOTLINE);
    assert_int_equal(t->sector_mask, 0);
    assert_true(t->announce);
    t = talks_at(f, 1, 20);
    assert_int_equal(t->item, WG_TALKS_HOTLINE);
    assert_false(t->announce);
    /* At calm in a stable managed truce: heavy weapons back from E alone
     * (share 0.74: P 0.24, +1.0 expected), the best of every set of line
     * sectors; not announced (a public failure is likely). */
    t = talks_at(f, 0, 80);
    assert_int_equal(t->item, WG_TALKS_HEAVY_WEAPONS);
    assert_int_equal(t->sector_mask, 1u << SEC_E);
    assert_false(t->announce);
    wg_talks_t chosen = *t;
    double best = expected(f, &chosen);
    assert_true(best > 0.9 && best < 1.1);
    for (uint32_t m = 1; m < 1u << 3; m++) {
        wg_talks_t other = {.item = WG_TALKS_HEAVY_WEAPONS, .sector_mask = m};
        assert_true(expected(f, &other) <= best + 1e-12);
    }
    /* The same picture, the same agenda. */
    talks_at(f, 0, 80);
    assert_memory_equal(&f->out.talks, &chosen, sizeof chosen);
    /* A broken truce at calm: no withdrawal is worth asking. */
    f->st.regime = f->sc->threat.hot_regime;
    t = talks_at(f, 0, 10);
    assert_int_equal(t->item, WG_TALKS_HOTLINE);
    assert_false(t->announce);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_kind_decided, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_relief_for_the_unit_relieving_now,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_reliefs_matched_in_time, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_answers_under_the_force_roe, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_caveats_weighed, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_roe_restricted_as_the_ladder_climbs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recommitment_with_judgement, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_requirement_replanned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_talks_agenda, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
