/*
 * test_scenario.c - unit tests of the scenario loader (common/scenario.c).
 *
 * Loads the two shipped scenarios and checks counts and a few values, runs
 * every bad fixture in tests/data/bad/ and checks the line, column and
 * message of its error, and parses small scenarios from memory. Files are
 * found through WG_SOURCE_DIR (set by ctest); each test frees what it loads.
 */
#include "wg/error.h"
#include "wg/scenario.h"
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wg_scenario_t *
load_ok(const char *rel)
{
    char path[1024];
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;

    wg_test_source_path(path, sizeof path, rel);
    int rc = wg_scenario_load(path, &sc, &err);
    if (rc)
        wg_config_error_print(&err);
    assert_int_equal(rc, 0);
    assert_non_null(sc);
    return sc;
}

static wg_scenario_t *
parse_ok(const char *text)
{
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    int rc = wg_scenario_parse("mem.yaml", text, strlen(text), &sc, &err);

    if (rc)
        wg_config_error_print(&err);
    assert_int_equal(rc, 0);
    assert_non_null(sc);
    return sc;
}

static void
parse_bad(const char *text, unsigned line, unsigned column, const char *msg)
{
    wg_config_error_t err;
    wg_scenario_t *sc = (wg_scenario_t *)&err; /* must come back NULL */
    int rc = wg_scenario_parse("mem.yaml", text, strlen(text), &sc, &err);

    assert_int_equal(rc, WG_ECONFIG);
    assert_null(sc);
    assert_string_equal(err.file, "mem.yaml");
    if (err.line != line || err.column != column || !strstr(err.message, msg)) {
        wg_config_error_print(&err);
        fprintf(stderr, "expected %u:%u: ...%s...\n", line, column, msg);
    }
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_non_null(strstr(err.message, msg));
}

static const wg_nation_t *
nation(const wg_scenario_t *sc, const char *code)
{
    int i = wg_scenario_nation_index(sc, code);

    assert_true(i >= 0);
    return &sc->nations[i];
}

static void
test_default_loads(void **state)
{
    (void)state;
    wg_scenario_t *sc = load_ok("configs/scenarios/default.yaml");

    assert_int_equal(sc->n_nations, 16);
    assert_int_equal(sc->n_sectors, 7);
    assert_int_equal(sc->n_incident_types, 7);
    assert_int_equal(sc->n_regimes, 3);
    assert_int_equal(sc->n_events, 5);
    assert_int_equal(sc->n_turns, 76);
    assert_int_equal(sc->mandate, WG_MANDATE_DETERRENCE);
    assert_int_equal(sc->auspices, WG_AUSPICES_COALITION);
    assert_true(sc->us_enablers);
    assert_int_equal(sc->seed, 20241219);
    assert_int_equal(sc->turn_weeks, 1);
    assert_int_equal(sc->deadline_ms, 2000);

    assert_int_equal(nation(sc, "FRA")->max_troops, 10000);
    assert_int_equal(nation(sc, "FRA")->manpower, 40000);
    assert_int_equal(nation(sc, "FRA")->entry_prep_weeks, 4);
    assert_int_equal(nation(sc, "FRA")->mandate_weeks, 17);
    /* Spain declined: closed, opened only by the event of turn 29. */
    assert_true(nation(sc, "ESP")->gate.closed);
    assert_int_equal(nation(sc, "ESP")->gate.opens_turn, 29);
    assert_true(nation(sc, "CAN")->gate.rear_only);
    assert_int_equal(wg_nation_ceiling(sc, nation(sc, "GBR")), 10000);
    assert_int_equal(nation(sc, "GBR")->tour_weeks, 26);
    assert_int_equal(nation(sc, "GBR")->gate.opens_turn, 1);
    assert_int_equal(nation(sc, "DEU")->gate.opens_turn, 7);
    assert_true(nation(sc, "DEU")->kia_weight == 1.5);
    assert_true(nation(sc, "ITA")->gate.needs_un);
    assert_true(nation(sc, "ITA")->gate.needs_peacekeeping);
    assert_true(nation(sc, "POL")->gate.rear_only);
    assert_int_equal(nation(sc, "POL")->max_troops, 0);
    assert_int_equal(nation(sc, "TUR")->gate.truce_turns, 4);
    assert_int_equal(nation(sc, "TUR")->avoid_sectors,
                     1u << wg_scenario_sector_index(sc, "N"));
    assert_true(nation(sc, "NLD")->gate.needs_us_enablers);
    assert_int_equal(nation(sc, "NLD")->unit_size, 250);
    assert_int_equal(nation(sc, "FRA")->fallback, WG_FALLBACK_BOT);
    assert_int_equal(wg_scenario_nation_index(sc, "XXX"), -1);

    int r = wg_scenario_sector_index(sc, "R");
    assert_true(r >= 0);
    assert_true(sc->sectors[r].rear);
    assert_int_equal(wg_scenario_sector_index(sc, "E2"), 2);
    assert_true(sc->sectors[2].threat == 6.0);
    assert_int_equal(wg_scenario_sector_index(sc, "Q"), -1);

    assert_string_equal(sc->incident_types[0].name, "shelling");
    assert_int_equal(sc->incident_types[0].basis, WG_RATE_PER_100KM);
    assert_true(sc->incident_types[0].p_casualties == 0.04);
    assert_int_equal(sc->incident_types[6].basis, WG_RATE_PER_1000_TROOPS);
    assert_true(sc->incident_types[3].p_casualties == 0.0); /* jamming */
    assert_true(sc->incident_types[0].violation);           /* shelling: fire */
    assert_false(sc->incident_types[2].violation);          /* drones */
    assert_false(sc->incident_types[5].armed);              /* unrest */
    assert_true(sc->incident_types[4].armed); /* patrol fired on */
    assert_true(sc->deterrence.probe_factor > 1.0);
    assert_true(sc->deterrence.held_factor_robust <
                sc->deterrence.held_factor_restrictive);
    assert_true(sc->stability.baseline == 65.0);
    assert_true(sc->threat.reference_density == 38.0);
    assert_true(sc->regimes[sc->threat.hot_regime].multiplier == 25.0);
    assert_int_equal(sc->regimes[2].max_turns, 3);
    assert_true(sc->roe[WG_ROE_RETURN_FIRE].escalation_factor == 2.0);
    assert_int_equal(sc->command.target_troops, 40000);
    assert_int_equal(sc->command.recommit_escalation, 3);
    assert_true(sc->command.robust_roe);
    assert_int_equal(sc->escalation.max_level, 4);
    assert_true(sc->cohesion.no_rotation_below == 35.0);

    /* The plan: D R 4I, D R 4I, then (D, (R 4I) x 3) x 4. */
    assert_int_equal(sc->plan[0], WG_TURN_DEPLOYMENT);
    assert_int_equal(sc->plan[1], WG_TURN_ROTATION);
    assert_int_equal(sc->plan[2], WG_TURN_INCIDENT);
    assert_int_equal(sc->plan[6], WG_TURN_DEPLOYMENT);
    assert_int_equal(sc->plan[12], WG_TURN_DEPLOYMENT);
    assert_int_equal(sc->plan[13], WG_TURN_ROTATION);
    assert_int_equal(sc->plan[28], WG_TURN_DEPLOYMENT);
    assert_int_equal(sc->plan[75], WG_TURN_INCIDENT);

    /* Events in turn order; the open_gate event names its nation. */
    for (size_t i = 1; i < sc->n_events; i++)
        assert_true(sc->events[i - 1].turn <= sc->events[i].turn);
    assert_int_equal(sc->events[2].kind, WG_EVENT_OPEN_GATE);
    assert_int_equal(sc->events[2].nation, wg_scenario_nation_index(sc, "DEU"));
    assert_int_equal(sc->events[3].nation, wg_scenario_nation_index(sc, "ESP"));
    assert_int_equal(sc->events[4].kind, WG_EVENT_REGIME);
    assert_string_equal(sc->regimes[sc->events[4].regime].name, "spike");
    /* The spike hits the sectors it names. */
    assert_int_equal(sc->events[4].sectors,
                     1u << wg_scenario_sector_index(sc, "E2") |
                         1u << wg_scenario_sector_index(sc, "E3"));

    /* The hash is SHA-256 of the file's bytes. */
    char path[1024];
    wg_test_source_path(path, sizeof path, "configs/scenarios/default.yaml");
    assert_string_equal(sc->path, path);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t h[32];
    crypto_hash_sha256(h, (const unsigned char *)buf, n);
    assert_memory_equal(h, sc->hash, 32);
    free(sc);
}

static void
test_un_variant_loads(void **state)
{
    (void)state;
    wg_scenario_t *sc = load_ok("configs/scenarios/un-peacekeeping.yaml");

    assert_int_equal(sc->n_nations, 16);
    assert_int_equal(sc->n_sectors, 7);
    assert_int_equal(sc->mandate, WG_MANDATE_PEACEKEEPING);
    assert_int_equal(sc->auspices, WG_AUSPICES_UN);
    assert_int_equal(wg_nation_ceiling(sc, nation(sc, "GBR")), 8000);
    assert_int_equal(wg_nation_ceiling(sc, nation(sc, "FRA")), 10000);
    /* The UN plan generates its force: conferences past turn 13. */
    assert_int_equal(sc->plan[28], WG_TURN_DEPLOYMENT);
    assert_int_equal(sc->plan[44], WG_TURN_DEPLOYMENT);
    assert_true(sc->command.target_troops >= 20000 &&
                sc->command.target_troops <= 25000);
    assert_false(sc->command.robust_roe);
    assert_true(sc->n_turns > 0 && sc->plan[0] == WG_TURN_DEPLOYMENT);
    free(sc);
}

static void
test_ceiling_under_mandate(void **state)
{
    (void)state;
    wg_scenario_t *sc = load_ok("configs/scenarios/default.yaml");
    const wg_nation_t *gbr = nation(sc, "GBR"), *fra = nation(sc, "FRA");

    sc->mandate = WG_MANDATE_DETERRENCE;
    assert_int_equal(wg_nation_ceiling(sc, gbr), 10000);
    assert_int_equal(wg_nation_ceiling(sc, fra), 10000); /* no surge: max */
    sc->mandate = WG_MANDATE_PEACEKEEPING;
    assert_int_equal(wg_nation_ceiling(sc, gbr), 8000);
    assert_int_equal(wg_nation_ceiling(sc, fra), 10000);
    free(sc);
}

struct bad_case {
    const char *file;
    unsigned line, column;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"syntax", 28, 15, "YAML syntax error: did not find expected ',' or '}'"},
    {"unknown_key", 19, 5,
     "nations[1]: unknown key \"tour_week\" (did you mean \"tour_weeks\"?)"},
    {"wrong_type", 19, 17,
     "nations[1].tour_weeks: expected a positive integer, got \"abc\""},
    {"out_of_range", 13, 21,
     "nations[0].cohesion_start: 150 is out of range (0 to 100)"},
    {"unknown_sector", 25, 24,
     "nations[1].avoid_sectors[1]: unknown sector \"E9\""},
    {"duplicate_nation", 15, 11,
     "nations[1].code: duplicate nation \"FRA\" (first at line 6)"},
    {"bad_code", 15, 11, "nations[1].code: \"Deu\" is not an ISO 3166 alpha-3"},
    {"empty_plan", 30, 7, "plan: the turn plan is empty"},
    {"missing_key", 6, 5,
     "nations[0]: missing required key \"recovery_weeks\""},
    {"unknown_nation", 31, 40, "events[0].nation: unknown nation \"ITA\""},
    {"unknown_regime", 32, 37, "events[1].regime: unknown regime \"spiek\""},
    {"unknown_incident", 32, 3, "casualties: unknown incident type \"mines\""},
    {"plan_too_long", 34, 5, "plan[1]: the plan is longer than 400 turns"},
    {"too_many_events", 63, 5, "events[32]: too many entries (at most 32)"},
    {"event_past_plan", 31, 12,
     "events[0].turn: turn 9 is past the plan's last turn (5)"},
    {"bad_enum", 3, 10,
     "mandate: expected one of peacekeeping, deterrence; got \"deterence\""},
};

static void
test_bad_fixtures(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *bc = &bad_cases[i];
        char rel[256], path[1024];
        wg_config_error_t err;
        wg_scenario_t *sc = NULL;

        snprintf(rel, sizeof rel, "tests/data/bad/%s.yaml", bc->file);
        wg_test_source_path(path, sizeof path, rel);
        int rc = wg_scenario_load(path, &sc, &err);
        if (rc != WG_ECONFIG || err.line != bc->line ||
            err.column != bc->column || !strstr(err.message, bc->msg)) {
            fprintf(stderr, "case %s: rc %d, got ", bc->file, rc);
            wg_config_error_print(&err);
            fprintf(stderr, "  expected %u:%u: ...%s...\n", bc->line,
                    bc->column, bc->msg);
        }
        assert_int_equal(rc, WG_ECONFIG);
        assert_null(sc);
        assert_string_equal(err.file, path);
        assert_int_equal(err.line, bc->line);
        assert_int_equal(err.column, bc->column);
        assert_non_null(strstr(err.message, bc->msg));
    }
}

static void
test_missing_file(void **state)
{
    (void)state;
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    int rc = wg_scenario_load("/nonexistent/scenario.yaml", &sc, &err);

    assert_true(rc < 0);
    assert_int_not_equal(rc, WG_ECONFIG);
    assert_null(sc);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "cannot open"));
}

/* The smallest valid scenario: every optional table left to its default. */
#define MINIMAL_HEAD                                                           \
    "name: mem\n"                                                              \
    "mandate: peacekeeping\n"                                                  \
    "auspices: un\n"                                                           \
    "nations:\n"                                                               \
    "  - {code: ITA, name: Italy, max_troops: 5_000, unit_size: 500,\n"        \
    "     tour_weeks: 17, prep_weeks: 13, recovery_weeks: 13,\n"               \
    "     cohesion_start: 37, kia_weight: 1.5}\n"                              \
    "sectors:\n"                                                               \
    "  - {code: S2, name: Kherson, length_km: 350, threat: 1}\n"               \
    "incident_types:\n"                                                        \
    "  - {name: shelling, basis: per_100km, rate: 25, raw: true}\n"

static void
test_parse_minimal_defaults(void **state)
{
    (void)state;
    wg_scenario_t *sc = parse_ok(
        MINIMAL_HEAD
        "plan:\n"
        "  - deployment\n"
        "  - {repeat: 2, turns: [rotation, {repeat: 3, turns: [incident]}]}\n"
        "events:\n"
        "  - {turn: 5, kind: note, text: later}\n"
        "  - {turn: 2, kind: regime, regime: hot}\n");

    assert_string_equal(sc->name, "mem");
    assert_string_equal(sc->path, "mem.yaml");
    assert_int_equal(sc->nations[0].max_troops, 5000);
    assert_true(sc->nations[0].risk_tolerance == 0.5);
    assert_int_equal(sc->nations[0].fallback, WG_FALLBACK_HOLD);
    assert_int_equal(sc->seed, 20241219);
    assert_int_equal(sc->n_regimes, 3);
    assert_string_equal(sc->regimes[sc->threat.managed_regime].name, "managed");
    assert_string_equal(sc->regimes[sc->threat.hot_regime].name, "hot");
    assert_true(sc->threat.exposure_line == 0.01);
    assert_int_equal(sc->escalation.max_level, 4);
    assert_int_equal(sc->cohesion.bad_day_kia, 5);
    assert_true(sc->roe[WG_ROE_HOLD].casualty_factor == 1.0);
    assert_int_equal(sc->command.target_troops, 40000);
    assert_false(sc->command.robust_roe); /* follows the mandate */

    /* D, then (R, I, I, I) twice. */
    static const wg_turn_type_t want[] = {
        WG_TURN_DEPLOYMENT, WG_TURN_ROTATION, WG_TURN_INCIDENT,
        WG_TURN_INCIDENT,   WG_TURN_INCIDENT, WG_TURN_ROTATION,
        WG_TURN_INCIDENT,   WG_TURN_INCIDENT, WG_TURN_INCIDENT,
    };
    assert_int_equal(sc->n_turns, 9);
    assert_memory_equal(sc->plan, want, sizeof want);

    /* Sorted by turn; missing text filled in. */
    assert_int_equal(sc->n_events, 2);
    assert_int_equal(sc->events[0].turn, 2);
    assert_int_equal(sc->events[0].nation, -1);
    assert_string_equal(sc->events[0].text, "regime: hot");
    assert_int_equal(sc->events[1].turn, 5);

    /* The hash covers exactly the bytes given. */
    uint8_t zero[32] = {0};
    assert_memory_not_equal(sc->hash, zero, 32);
    free(sc);
}

static void
test_parse_errors(void **state)
{
    (void)state;
    /* Numbers in quotes are strings, not numbers. */
    parse_bad(MINIMAL_HEAD "seed: \"12\"\nplan: [deployment]\n", 12, 7,
              "seed: expected a non-negative integer, got \"12\"");
    parse_bad(MINIMAL_HEAD "plan: [incident, deployment]\n", 12, 7,
              "plan: turn 1 must be a deployment turn");
    parse_bad(MINIMAL_HEAD "plan: [deployment, patrol]\n", 12, 20,
              "plan[1]: expected one of deployment, rotation, incident");
    parse_bad(MINIMAL_HEAD
              "plan: [deployment, {repeat: 0, turns: [incident]}]\n",
              12, 29, "plan[1].repeat: 0 is out of range (1 to 400)");
    parse_bad(MINIMAL_HEAD "plan: [deployment, {repeat: 2}]\n", 12, 20,
              "plan[1]: missing required key \"turns\"");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\nname: again\n", 13, 1,
              "name: duplicate key (first at line 1)");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\n"
                           "regimes: [{name: calm, multiplier: 1}]\n",
              13, 10, "threat.managed_regime: unknown regime \"managed\"");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\n"
                           "cohesion: {leave_now_below: 30}\n",
              13, 29, "cohesion.leave_now_below: 30 is above");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\n"
                           "events: [{turn: 1, kind: note}]\n",
              13, 10, "events[0]: missing required key \"text\" (note)");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\n"
                           "events: [{turn: 1, kind: regime, regime: hot, "
                           "nation: ITA}]\n",
              13, 55, "only an open_gate event names a nation");
    parse_bad(MINIMAL_HEAD "plan: [deployment]\nroe: {hold_fire: {}}\n", 13, 7,
              "roe: unknown key \"hold_fire\"");
    parse_bad("", 1, 1, "empty file");
    parse_bad("- a\n", 1, 1, "expected a mapping, got a list");
}

/* The director's injects list: names, turns, references, file:line:col. */
#define INJECT_PLAN "plan: [deployment, rotation, incident]\n"

static void
test_injects(void **state)
{
    (void)state;
    wg_scenario_t *sc =
        parse_ok(MINIMAL_HEAD INJECT_PLAN
                 "injects:\n"
                 "  - {name: shooting, turn: manual, sector: S2, nation: ITA,\n"
                 "     kind: shelling, count: 3, text: \"shots\"}\n"
                 "  - {name: later, turn: 3, sector: S2, kind: shelling}\n");
    assert_int_equal(sc->n_injects, 2);
    assert_int_equal(wg_scenario_inject_index(sc, "later"), 1);
    assert_int_equal(wg_scenario_inject_index(sc, "none"), -1);
    assert_int_equal(sc->injects[0].turn, 0);
    assert_int_equal(sc->injects[0].nation, 0);
    assert_int_equal(sc->injects[0].count, 3);
    assert_string_equal(sc->injects[0].text, "shots");
    assert_int_equal(sc->injects[1].turn, 3);
    assert_int_equal(sc->injects[1].nation, -1); /* the most exposed */
    assert_int_equal(sc->injects[1].count, 1);
    assert_string_equal(sc->injects[1].text, "later"); /* the name */
    free(sc);

    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, turn: 2, sector: S2, kind: shelling}]\n",
              13, 27, "injects[0].turn: turn 2 is not an incident turn");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, turn: soon, sector: S2, kind: shelling}]\n",
              13, 27, "injects[0].turn: expected \"manual\" or a turn number");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, sector: N9, kind: shelling}]\n",
              13, 29, "injects[0].sector: unknown sector \"N9\"");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, sector: S2, nation: FRA, kind: shelling}]\n",
              13, 41, "injects[0].nation: unknown nation \"FRA\"");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, sector: S2, kind: sniper}]\n",
              13, 39, "injects[0].kind: unknown incident type \"sniper\"");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, sector: S2, kind: shelling, count: 0}]\n",
              13, 56, "injects[0].count: 0 is out of range (1 to 100)");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: a, sector: S2, kind: shelling},\n"
              "          {name: a, sector: S2, kind: shelling}]\n",
              14, 18,
              "injects[1].name: duplicate inject \"a\" (first at line 13)");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{name: Shot, sector: S2, kind: shelling}]\n",
              13, 18, "injects[0].name: \"Shot\" is not a name");
    parse_bad(MINIMAL_HEAD INJECT_PLAN
              "injects: [{sector: S2, kind: shelling}]\n",
              13, 11, "injects[0]: missing required key \"name\"");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_loads),
        cmocka_unit_test(test_un_variant_loads),
        cmocka_unit_test(test_ceiling_under_mandate),
        cmocka_unit_test(test_bad_fixtures),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_parse_minimal_defaults),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_injects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
