/*
 * test_orders.c - unit tests of written orders (wg/orders.h): the YAML
 * files that `wg-log fork --orders` and `wg-adjudicator --override` play.
 *
 * Every kind of order the file takes (pledge and decision, flat kinds read
 * from their field maps; rotation, response and intention, read by hand)
 * is loaded and played through the bot's decide(), in the phase and for
 * the role it belongs to, and is silent everywhere else; every refusal of
 * the loader is checked for its line, column and message. Files are
 * written in a temporary directory (mkdtemp) that each test removes; the
 * scenario is the default one, found through WG_SOURCE_DIR (set by ctest).
 * The integration tests fork_diff.sh and override.sh play `response:`
 * through the tools themselves.
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/bot.h"
#include "wg/orders.h"
#include "wg/scenario.h"
#include "wg/state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    wg_scenario_t *sc;
    char dir[64];
    char path[128];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->sc = wg_test_load_scenario("configs/scenarios/default.yaml");
    if (f->sc == NULL) {
        free(f);
        return -1;
    }
    wg_test_mkdtemp(f->dir, sizeof f->dir, "orders");
    snprintf(f->path, sizeof f->path, "%s/orders.yaml", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    unlink(f->path);
    assert_int_equal(rmdir(f->dir), 0);
    free(f->sc);
    free(f);
    return 0;
}

static wg_bot_t *
load_ok(fixture_t *f, const char *text)
{
    wg_test_put_file(f->path, text);
    wg_config_error_t err;
    wg_bot_t *bot = wg_orders_bot_load(f->path, f->sc, &err);
    if (bot == NULL)
        wg_config_error_print(&err);
    assert_non_null(bot);
    assert_int_equal(bot->abi_version, WG_BOT_ABI_VERSION);
    assert_string_equal(bot->name, "written-orders/1");
    return bot;
}

/* The file is refused at line:column with a message containing msg. */
static void
load_bad(fixture_t *f, const char *text, unsigned line, unsigned column,
         const char *msg)
{
    wg_test_put_file(f->path, text);
    wg_config_error_t err;
    wg_bot_t *bot = wg_orders_bot_load(f->path, f->sc, &err);
    assert_null(bot);
    if (err.line != line || err.column != column ||
        strstr(err.message, msg) == NULL) {
        wg_config_error_print(&err);
        fprintf(stderr, "expected %u:%u: ...%s... for:\n%s", line, column, msg,
                text);
    }
    assert_string_equal(err.file, f->path);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_non_null(strstr(err.message, msg));
}

static int
sector(const fixture_t *f, const char *code)
{
    int s = wg_scenario_sector_index(f->sc, code);
    assert_true(s >= 0);
    return s;
}

static int
nation(const fixture_t *f, const char *code)
{
    int n = wg_scenario_nation_index(f->sc, code);
    assert_true(n >= 0);
    return n;
}

/* Calls the bot's decide() for one phase; returns what it returned. */
static int
decide(const fixture_t *f, const wg_bot_t *bot, wg_phase_view_t *v,
       wg_orders_t *out)
{
    memset(out, 0, sizeof *out);
    return bot->decide(f->sc, v, out, bot->arg);
}

/* The phases a view can ask for, to check that an order plays in its own
 * phase only. */
static const wg_phase_t phases[] = {WG_PHASE_REQUIREMENT, WG_PHASE_PLEDGE,
                                    WG_PHASE_ASSIGN, WG_PHASE_ROTATE,
                                    WG_PHASE_RESPOND};

/* Outside (turn, phase, nation) the bot stays silent (returns > 0). */
static void
silent_elsewhere(const fixture_t *f, const wg_bot_t *bot, wg_phase_view_t v,
                 uint32_t turn, wg_phase_t phase, int nation_idx)
{
    static wg_orders_t out;
    for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
        for (uint32_t t = turn - 1; t <= turn + 1; t++) {
            v.phase = phases[i];
            v.turn = t;
            if (t == turn && phases[i] == phase)
                continue;
            assert_true(decide(f, bot, &v, &out) > 0);
        }
    /* The command's and a contingent's orders do not stand in for each
     * other in RESPOND. */
    if (phase == WG_PHASE_RESPOND) {
        v.phase = phase;
        v.turn = turn;
        v.nation = nation_idx < 0 ? 0 : -1;
        assert_true(decide(f, bot, &v, &out) > 0);
    }
}

/* ---- each kind of order ------------------------------------------------ */

static void
test_pledge(void **state)
{
    fixture_t *f = *state;
    wg_bot_t *bot = load_ok(f, "- turn: 7\n"
                               "  pledge: {troops: 3000, sectors: [E1, S2]}\n");
    static wg_state_t st;
    static wg_requirement_t req;
    static wg_orders_t out;
    wg_phase_view_t v = {.phase = WG_PHASE_PLEDGE,
                         .type = WG_TURN_DEPLOYMENT,
                         .turn = 7,
                         .nation = nation(f, "FRA"),
                         .st = &st,
                         .req = &req};
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.pledge.troops, 3000);
    assert_int_equal(out.pledge.sector_mask,
                     1u << sector(f, "E1") | 1u << sector(f, "S2"));
    assert_string_equal(out.rationale, "written orders for turn 7");
    silent_elsewhere(f, bot, v, 7, WG_PHASE_PLEDGE, v.nation);
    wg_orders_bot_free(&bot);
    assert_null(bot);

    /* Block style, one key at a time, and a pledge of no sectors. */
    bot = load_ok(f, "- turn: 2\n"
                     "  pledge:\n"
                     "    troops: 4294967295\n"
                     "- turn: 3\n"
                     "  pledge:\n"
                     "    sectors:\n"
                     "      - R\n");
    v.turn = 2;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.pledge.troops, 4294967295u);
    assert_int_equal(out.pledge.sector_mask, 0);
    v.turn = 3;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.pledge.troops, 0);
    assert_int_equal(out.pledge.sector_mask, 1u << sector(f, "R"));
    wg_orders_bot_free(&bot);
}

/* relieve: due names the role's own deployed units whose tour ends before
 * the midpoint to the next rotation, as the rules define due; none names
 * none. */
static void
test_rotation(void **state)
{
    fixture_t *f = *state;
    wg_bot_t *bot = load_ok(f, "- turn: 8\n"
                               "  rotation: {prepare: 2, relieve: due}\n"
                               "- turn: 12\n"
                               "  rotation: {relieve: none, prepare: 5}\n");
    int fra = nation(f, "FRA"), gbr = nation(f, "GBR");
    int e1 = sector(f, "E1");
    static wg_state_t st;
    memset(&st, 0, sizeof st);
    const wg_unit_t units[] = {
        {10, (uint8_t)fra, (int8_t)e1, WG_UNIT_DEPLOYED, 2, 1000, 0}, /* due */
        {11, (uint8_t)fra, (int8_t)e1, WG_UNIT_DEPLOYED, 5, 1000,
         0},                                               /* later */
        {12, (uint8_t)fra, -1, WG_UNIT_READY, 0, 1000, 0}, /* at home */
        {13, (uint8_t)gbr, (int8_t)e1, WG_UNIT_DEPLOYED, 1, 1000,
         0}, /* GBR's */
        {14, (uint8_t)fra, (int8_t)e1, WG_UNIT_DEPLOYED, 4, 1000,
         0},                                                    /* 4*2<=8 */
        {15, (uint8_t)fra, -1, WG_UNIT_RECOVERING, 1, 1000, 0}, /* home */
    };
    memcpy(st.units, units, sizeof units);
    st.n_units = sizeof units / sizeof units[0];
    static wg_orders_t out;
    wg_phase_view_t v = {.phase = WG_PHASE_ROTATE,
                         .type = WG_TURN_ROTATION,
                         .turn = 8,
                         .nation = fra,
                         .st = &st,
                         .weeks_to_rotation = 8};
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.rotation.prepare, 2);
    assert_int_equal(out.rotation.n_relieve, 2);
    assert_int_equal(out.rotation.relieve[0], 10);
    assert_int_equal(out.rotation.relieve[1], 14);
    assert_int_equal(out.rotation.n_recall, 0);
    assert_int_equal(out.rotation.n_moves, 0);
    assert_string_equal(out.rationale, "written orders for turn 8");
    /* Nearer the next rotation fewer units are due. */
    v.weeks_to_rotation = 4;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.rotation.n_relieve, 1);
    assert_int_equal(out.rotation.relieve[0], 10);
    /* The command has no units of its own to relieve. */
    v.nation = -1;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.rotation.prepare, 2);
    assert_int_equal(out.rotation.n_relieve, 0);
    v.nation = fra;
    v.weeks_to_rotation = 8;
    silent_elsewhere(f, bot, v, 8, WG_PHASE_ROTATE, fra);

    v.turn = 12;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.rotation.prepare, 5);
    assert_int_equal(out.rotation.n_relieve, 0);
    wg_orders_bot_free(&bot);
}

/* One answer for every incident the nation is exposed to, and none for the
 * others'. Each of the four actions by its name. */
static void
test_response(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *name;
        uint8_t action;
    } actions[] = {{"hold", WG_ROE_HOLD},
                   {"return_fire", WG_ROE_RETURN_FIRE},
                   {"de_escalate", WG_ROE_DE_ESCALATE},
                   {"withdraw", WG_ROE_WITHDRAW}};
    int fra = nation(f, "FRA"), gbr = nation(f, "GBR");
    static wg_state_t st;
    static wg_incident_list_t inc;
    memset(&inc, 0, sizeof inc);
    inc.items[inc.n++] = (wg_incident_t){1, 1, 0, (int8_t)fra, 3};
    inc.items[inc.n++] = (wg_incident_t){2, 2, 1, (int8_t)gbr, 1};
    inc.items[inc.n++] = (wg_incident_t){3, 3, 4, -1, 2};
    inc.items[inc.n++] = (wg_incident_t){4, 6, 2, (int8_t)fra, 1};
    for (size_t a = 0; a < sizeof actions / sizeof actions[0]; a++) {
        char text[128];
        snprintf(text, sizeof text, "- turn: 9\n  response: %s\n",
                 actions[a].name);
        wg_bot_t *bot = load_ok(f, text);
        static wg_orders_t out;
        wg_phase_view_t v = {.phase = WG_PHASE_RESPOND,
                             .type = WG_TURN_INCIDENT,
                             .turn = 9,
                             .nation = fra,
                             .st = &st,
                             .incidents = &inc};
        assert_int_equal(decide(f, bot, &v, &out), 0);
        assert_int_equal(out.response.action[0], actions[a].action);
        assert_int_equal(out.response.action[1], 0);
        assert_int_equal(out.response.action[2], 0);
        assert_int_equal(out.response.action[3], actions[a].action);
        assert_int_equal(out.response.action[4], 0);
        assert_string_equal(out.rationale, "written orders for turn 9");
        /* GBR, playing the same file, answers its own incident only. */
        v.nation = gbr;
        assert_int_equal(decide(f, bot, &v, &out), 0);
        assert_int_equal(out.response.action[0], 0);
        assert_int_equal(out.response.action[1], actions[a].action);
        assert_int_equal(out.response.action[3], 0);
        v.nation = fra;
        silent_elsewhere(f, bot, v, 9, WG_PHASE_RESPOND, fra);
        wg_orders_bot_free(&bot);
    }
}

static void
test_decision(void **state)
{
    fixture_t *f = *state;
    wg_bot_t *bot = load_ok(
        f,
        "- turn: 9\n"
        "  decision: {reinforce: [E2], robust_roe: false, recommit: true}\n"
        "- turn: 12\n"
        "  decision:\n"
        "    robust_roe: true\n"
        "    reinforce: [N, E3, R]\n"
        "- turn: 13\n"
        "  decision: {reinforce: 'e2, S2', robust_roe: no, recommit: yes}\n");
    static wg_state_t st;
    static wg_incident_list_t inc;
    static wg_orders_t out;
    wg_phase_view_t v = {.phase = WG_PHASE_RESPOND,
                         .type = WG_TURN_INCIDENT,
                         .turn = 9,
                         .nation = -1,
                         .st = &st,
                         .incidents = &inc};
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.decision.reinforce_mask, 1u << sector(f, "E2"));
    assert_false(out.decision.robust_roe);
    assert_true(out.decision.recommit);
    assert_string_equal(out.rationale, "written orders for turn 9");
    silent_elsewhere(f, bot, v, 9, WG_PHASE_RESPOND, -1);

    v.turn = 12;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.decision.reinforce_mask, 1u << sector(f, "N") |
                                                      1u << sector(f, "E3") |
                                                      1u << sector(f, "R"));
    assert_true(out.decision.robust_roe);
    assert_false(out.decision.recommit);
    /* Sector codes in one string, yes and no (the field map's words). */
    v.turn = 13;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.decision.reinforce_mask,
                     1u << sector(f, "E2") | 1u << sector(f, "S2"));
    assert_false(out.decision.robust_roe);
    assert_true(out.decision.recommit);
    wg_orders_bot_free(&bot);
}

/* The file's own example: several kinds in one file, two for one turn
 * (a contingent's response and the command's decision). The command's
 * REQUIREMENT and ASSIGN have no written form: the bot is silent there
 * and the fallback plays them. */
static void
test_mixed_file(void **state)
{
    fixture_t *f = *state;
    wg_bot_t *bot =
        load_ok(f, "# what if FRA had pledged more and held its fire\n"
                   "- turn: 7\n"
                   "  pledge: {troops: 3000, sectors: [E1, S2]}\n"
                   "- turn: 8\n"
                   "  rotation: {prepare: 2, relieve: due}\n"
                   "- turn: 9\n"
                   "  response: hold\n"
                   "- turn: 9\n"
                   "  decision: {reinforce: [E2], robust_roe: false, "
                   "recommit: true}\n");
    int fra = nation(f, "FRA");
    static wg_state_t st;
    static wg_requirement_t req;
    static wg_pledge_t pledges[WG_MAX_NATIONS];
    static wg_incident_list_t inc;
    memset(&inc, 0, sizeof inc);
    inc.items[inc.n++] = (wg_incident_t){1, 1, 0, (int8_t)fra, 3};
    static wg_orders_t out;
    wg_phase_view_t v = {.phase = WG_PHASE_PLEDGE,
                         .turn = 7,
                         .nation = fra,
                         .st = &st,
                         .req = &req,
                         .pledges = pledges,
                         .incidents = &inc,
                         .weeks_to_rotation = 8};
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.pledge.troops, 3000);
    v.phase = WG_PHASE_ROTATE;
    v.turn = 8;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.rotation.prepare, 2);
    v.phase = WG_PHASE_RESPOND;
    v.turn = 9;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.response.action[0], WG_ROE_HOLD);
    assert_int_equal(out.decision.reinforce_mask, 0);
    v.nation = -1;
    assert_int_equal(decide(f, bot, &v, &out), 0);
    assert_int_equal(out.decision.reinforce_mask, 1u << sector(f, "E2"));
    assert_int_equal(out.response.action[0], 0);
    for (uint32_t t = 1; t <= 10; t++) {
        v.turn = t;
        v.phase = WG_PHASE_REQUIREMENT;
        assert_true(decide(f, bot, &v, &out) > 0);
        v.phase = WG_PHASE_ASSIGN;
        assert_true(decide(f, bot, &v, &out) > 0);
    }
    wg_orders_bot_free(&bot);

    /* An empty list is a valid file of no orders. */
    bot = load_ok(f, "[]\n");
    v.turn = 9;
    assert_true(decide(f, bot, &v, &out) > 0);
    wg_orders_bot_free(&bot);
}

/* ---- refusals: file, line, column and what is wrong -------------------- */

static void
test_file_errors(void **state)
{
    fixture_t *f = *state;
    wg_config_error_t err;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.yaml", f->dir);
    assert_null(wg_orders_bot_load(missing, f->sc, &err));
    assert_string_equal(err.file, missing);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, strerror(ENOENT)));

    /* Not YAML: libyaml's reason, where it found the problem. */
    load_bad(f, "- turn: 7\n  pledge: {troops: 3000\n", 3, 1,
             "did not find expected ',' or '}'");
    load_bad(f, "- turn: 7\n\tresponse: hold\n", 2, 1,
             "found a tab character that violates indentation");
    /* Not a list of entries. */
    load_bad(f, "", 0, 0, "expected a list of per-turn orders");
    load_bad(f, "turn: 7\nresponse: hold\n", 1, 1,
             "expected a list of per-turn orders");
    load_bad(f, "- turn: 7\n  response: hold\n- 9\n", 3, 3,
             "expected a mapping");
    load_bad(f, "- turn: 7\n  ? [response]\n  : hold\n", 2, 5,
             "expected a key");
}

static void
test_entry_errors(void **state)
{
    fixture_t *f = *state;
    /* The keys: turn, the hand-made kinds, then every flat kind of the
     * phase table in its order (a new one is appended there, talks was). */
    load_bad(f, "- turn: 7\n  surrender: yes\n", 2, 14,
             "unknown key (turn, rotation, response, intention, pledge, "
             "decision, ");
    load_bad(f, "- turn: 0\n  response: hold\n", 1, 9,
             "turn: expected a turn number");
    load_bad(f, "- turn: -3\n  response: hold\n", 1, 9,
             "turn: expected a turn number");
    load_bad(f, "- turn: seven\n  response: hold\n", 1, 9,
             "turn: expected a turn number");
    load_bad(f, "- turn: 4294967296\n  response: hold\n", 1, 9,
             "turn: expected a turn number");
    load_bad(f, "- turn: [7]\n  response: hold\n", 1, 9,
             "turn: expected a turn number");
    /* An entry needs both a turn and an order. */
    load_bad(f, "- response: hold\n", 1, 3,
             "an entry needs a turn and one order");
    load_bad(f, "- turn: 4\n  response: hold\n- turn: 5\n", 3, 3,
             "an entry needs a turn and one order");
}

static void
test_pledge_errors(void **state)
{
    fixture_t *f = *state;
    load_bad(f, "- turn: 7\n  pledge: 3000\n", 2, 11, "expected a mapping");
    load_bad(f, "- turn: 7\n  pledge: {troops: many}\n", 2, 20,
             "troops: 'many' is not a number");
    load_bad(f, "- turn: 7\n  pledge: {troops: -5}\n", 2, 20,
             "troops: '-5' is not a number");
    load_bad(f, "- turn: 7\n  pledge: {troops: 1.5}\n", 2, 20,
             "troops: '1.5' is not a number");
    load_bad(f, "- turn: 7\n  pledge: {troops: 4294967296}\n", 2, 20,
             "troops: '4294967296' is not a number up to 4294967295");
    load_bad(f, "- turn: 7\n  pledge: {sectors: E1 ZZ}\n", 2, 21,
             "sectors: no sector 'ZZ' (sectors: N E1 E2");
    load_bad(f, "- turn: 7\n  pledge:\n    troops: 10\n    sectors: [E1, ZZ]\n",
             4, 19, "sectors: no sector 'ZZ'");
    load_bad(f, "- turn: 7\n  pledge: {sectors: [E1, S2, E1]}\n", 2, 30,
             "sectors: sector 'E1' named twice");
    load_bad(f, "- turn: 7\n  pledge: {sectors: [[E1]]}\n", 2, 22,
             "expected a sector code");
    load_bad(f, "- turn: 7\n  pledge: {sectors: {E1: 1}}\n", 2, 21,
             "sectors: expected sector codes");
    load_bad(f, "- turn: 7\n  pledge: {troops: 10, caveat: rear}\n", 2, 32,
             "pledge: unknown key (troops, sectors)");
}

static void
test_rotation_errors(void **state)
{
    fixture_t *f = *state;
    load_bad(f, "- turn: 8\n  rotation: [2]\n", 2, 13, "expected a mapping");
    load_bad(f, "- turn: 8\n  rotation: {prepare: two}\n", 2, 23,
             "prepare: expected a number");
    load_bad(f, "- turn: 8\n  rotation: {prepare: 1, relieve: all}\n", 2, 35,
             "relieve: expected due or none");
    load_bad(f, "- turn: 8\n  rotation:\n    relieve: [7, 9]\n", 3, 14,
             "relieve: expected due or none");
    load_bad(f, "- turn: 8\n  rotation: {recall: [7]}\n", 2, 22,
             "rotation: unknown key (prepare, relieve)");
}

static void
test_response_errors(void **state)
{
    fixture_t *f = *state;
    load_bad(f, "- turn: 9\n  response: surrender\n", 2, 13,
             "response: hold, return_fire, de_escalate or withdraw");
    load_bad(f, "- turn: 9\n  response: HOLD\n", 2, 13,
             "response: hold, return_fire, de_escalate or withdraw");
    load_bad(f, "- turn: 9\n  response: [hold]\n", 2, 13,
             "response: hold, return_fire, de_escalate or withdraw");
}

static void
test_decision_errors(void **state)
{
    fixture_t *f = *state;
    load_bad(f, "- turn: 9\n  decision: recommit\n", 2, 13,
             "expected a mapping");
    load_bad(f, "- turn: 9\n  decision: {reinforce: [E2, Kyiv]}\n", 2, 30,
             "reinforce: no sector 'Kyiv'");
    load_bad(f, "- turn: 9\n  decision: {robust_roe: maybe}\n", 2, 26,
             "robust_roe: yes or no, not 'maybe'");
    load_bad(f, "- turn: 9\n  decision: {recommit: 1}\n", 2, 24,
             "recommit: yes or no, not '1'");
    load_bad(f, "- turn: 9\n  decision: {recommit: [yes]}\n", 2, 24,
             "recommit: expected yes or no");
    load_bad(f, "- turn: 9\n  decision: {withdraw: [FRA]}\n", 2, 24,
             "decision: unknown key (reinforce, robust_roe, recommit)");
}

/* 512 entries are taken, the 513th is refused where it starts. */
static void
test_too_many_entries(void **state)
{
    fixture_t *f = *state;
    enum { MAX = 512, LINE = 40 };
    char *text = malloc((MAX + 1) * LINE);
    assert_non_null(text);
    size_t n = 0;
    for (unsigned i = 0; i < MAX; i++)
        n += (size_t)snprintf(text + n, LINE, "- {turn: %u, response: hold}\n",
                              i + 1);
    wg_bot_t *bot = load_ok(f, text);
    wg_orders_bot_free(&bot);
    snprintf(text + n, LINE, "- {turn: 513, response: hold}\n");
    load_bad(f, text, MAX + 1, 3, "too many entries");
    free(text);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pledge),          T(test_rotation),
        T(test_response),        T(test_decision),
        T(test_mixed_file),      T(test_file_errors),
        T(test_entry_errors),    T(test_pledge_errors),
        T(test_rotation_errors), T(test_response_errors),
        T(test_decision_errors), T(test_too_many_entries),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
