/*
 * test_console_forms.c - the team console's fields (workers/console/
 * console_forms.c): what each parser refuses and why, what it takes, that
 * a field's text read back gives the same order, and that nothing a team
 * types (random bytes of any length into every field of every kind of
 * order) breaks a parser or leaves a refusal without a reason. Two flat
 * kinds made here (no form of their own) get forms from their field maps.
 *
 * The picture is tests/data/console.yaml's scenario with a few FRA units
 * placed by hand, incidents and pledges as a phase start would carry them.
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "console_int.h"
#include "wg/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    console_t c;
    wg_scenario_t *sc;
    wg_state_t st;
    wg_turn_orders_t mat;
} fx_t;

static void
add_unit(wg_state_t *st, uint32_t id, int nation, int sector, int status,
         int weeks)
{
    wg_unit_t *u = &st->units[st->n_units++];
    *u = (wg_unit_t){.id = id,
                     .nation = (uint8_t)nation,
                     .sector = (int8_t)sector,
                     .status = (uint8_t)status,
                     .weeks_left = weeks,
                     .troops = 500};
}

static int
setup(void **state)
{
    fx_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL ||
        (fx->sc = wg_test_load_scenario("tests/data/console.yaml")) == NULL)
        return -1;
    wg_state_init(&fx->st, fx->sc);
    /* FRA (0): two due units and two more deployed in E1 (1), two ready
     * at home; a GBR unit (1) in E2. */
    add_unit(&fx->st, 1, 0, 1, WG_UNIT_DEPLOYED, 1);
    add_unit(&fx->st, 2, 0, 1, WG_UNIT_DEPLOYED, 2);
    add_unit(&fx->st, 3, 0, 1, WG_UNIT_DEPLOYED, 20);
    add_unit(&fx->st, 4, 0, 4, WG_UNIT_DEPLOYED, 20);
    add_unit(&fx->st, 5, 0, -1, WG_UNIT_READY, 0);
    add_unit(&fx->st, 6, 0, -1, WG_UNIT_READY, 0);
    add_unit(&fx->st, 7, 1, 2, WG_UNIT_DEPLOYED, 20);
    fx->st.next_unit_id = 8;
    fx->mat.weeks_to_rotation = 4;
    fx->mat.inc.n = 3;
    fx->mat.inc.items[0] = (wg_incident_t){1, 1, 0, 0, 2};
    fx->mat.inc.items[1] = (wg_incident_t){2, 2, 1, 1, 1};
    fx->mat.inc.items[2] = (wg_incident_t){3, 4, 2, 0, 5};
    fx->mat.pledges[0] = (wg_pledge_t){4000, (1u << 1) | (1u << 4)};
    fx->mat.pledges[1] = (wg_pledge_t){1000, 1u << 2};
    fx->c.sc = fx->sc;
    fx->c.st = &fx->st;
    fx->c.mat = &fx->mat;
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    fx_t *fx = *state;
    free(fx->sc);
    free(fx);
    return 0;
}

/* The form of the kind a phase asks of a role: key 0 the command, 1 FRA. */
static console_t *
form(fx_t *fx, int phase, int key)
{
    console_t *c = &fx->c;
    c->key = key;
    c->nation = key - 1;
    c->command = key == 0;
    c->kind = wg_phase_order(wg_phase_info(phase), key);
    assert_non_null(c->kind);
    memset(&c->draft, 0, sizeof c->draft);
    console_forms_build(c);
    return c;
}

static console_field_t *
field_named(console_t *c, const char *label)
{
    for (int i = 0; i < c->n_fields; i++)
        if (strcmp(c->fields[i].label, label) == 0)
            return &c->fields[i];
    fail_msg("no field '%s' in the %s form", label, c->kind->name);
    return NULL;
}

/* Parses text into the field; returns the parser's code, why in why. */
static int
type(console_t *c, const char *label, const char *text, char *why)
{
    console_field_t *f = field_named(c, label);
    why[0] = '\0';
    return f->parse(c, f->arg, text, why, 400);
}

static void
refused(console_t *c, const char *label, const char *text, const char *want)
{
    char why[400];
    assert_int_equal(type(c, label, text, why), -1);
    if (strstr(why, want) == NULL)
        fail_msg("'%s' into %s: '%s', wanted '%s'", text, label, why, want);
}

static void
taken(console_t *c, const char *label, const char *text)
{
    char why[400];
    if (type(c, label, text, why) != 0)
        fail_msg("'%s' into %s refused: %s", text, label, why);
}

static void
test_pledge(void **state)
{
    console_t *c = form(*state, WG_PHASE_PLEDGE, 1);
    assert_int_equal(c->n_fields, 3); /* troops, sectors, rationale */
    refused(c, "pledge troops", "lots", "'lots' is not a number");
    refused(c, "pledge troops", "-500", "is not a number");
    refused(c, "pledge troops", "99999999999", "not a number up to");
    refused(c, "pledge troops", "500 600", "one number");
    taken(c, "pledge troops", " 4500 ");
    assert_int_equal(c->draft.pledge.troops, 4500);
    taken(c, "pledge troops", "");
    assert_int_equal(c->draft.pledge.troops, 0);
    refused(c, "pledge sectors", "E1 E9", "no sector 'E9' (sectors: N E1");
    taken(c, "pledge sectors", "e1, S1");
    assert_int_equal(c->draft.pledge.sector_mask, (1u << 1) | (1u << 4));
    taken(c, "pledge sectors", "all");
    assert_int_equal(c->draft.pledge.sector_mask, (1u << c->sc->n_sectors) - 1);
}

static void
test_rotation(void **state)
{
    console_t *c = form(*state, WG_PHASE_ROTATE, 1);
    refused(c, "relieve units", "7", "unit 7 is not one of your deployed");
    refused(c, "relieve units", "5", "unit 5 is not one of your deployed");
    refused(c, "relieve units", "99", "unit 99 is not one of");
    taken(c, "relieve units", "due");
    assert_int_equal(c->draft.rotation.n_relieve, 2); /* units 1 and 2 */
    assert_int_equal(c->draft.rotation.relieve[0], 1);
    assert_int_equal(c->draft.rotation.relieve[1], 2);
    taken(c, "recall units", "#3 4");
    assert_int_equal(c->draft.rotation.n_recall, 2);
    assert_int_equal(c->draft.rotation.n_relieve, 2); /* untouched */
    taken(c, "prepare units", "2");
    assert_int_equal(c->draft.rotation.prepare, 2);
    /* The help names the due units and the ready ones. */
    console_field_t *f = field_named(c, "relieve units");
    assert_non_null(strstr(f->help, "(ready: 2)"));
    assert_non_null(strstr(f->help, "Due now: 1 2"));
}

static void
test_response(void **state)
{
    console_t *c = form(*state, WG_PHASE_RESPOND, 1);
    /* Incidents 1 and 3 name FRA; 2 names GBR. */
    assert_int_equal(c->n_fields, 3);
    refused(c, "incident 1", "shoot", "'shoot' is no action");
    taken(c, "incident 1", "r");
    taken(c, "incident 3", "De-Escalate");
    assert_int_equal(c->draft.response.action[0], WG_ROE_RETURN_FIRE);
    assert_int_equal(c->draft.response.action[2], WG_ROE_DE_ESCALATE);
    taken(c, "incident 3", "w");
    assert_int_equal(c->draft.response.action[2], WG_ROE_WITHDRAW);
}

static void
test_intention(void **state)
{
    console_t *c = form(*state, WG_PHASE_INTENT, 1);
    refused(c, "intention", "reduce", "stay, leave, or reduce TROOPS");
    refused(c, "intention", "stay 4", "stay, leave, or reduce TROOPS");
    refused(c, "intention", "reduce lots", "'lots' is not a number");
    taken(c, "intention", "reduce 3000");
    assert_int_equal(c->draft.intent.intention, WG_INTENTION_REDUCE);
    assert_int_equal(c->draft.intent.ceiling, 3000);
    taken(c, "intention", "leave");
    assert_int_equal(c->draft.intent.intention, WG_INTENTION_LEAVE);
}

static void
test_command(void **state)
{
    fx_t *fx = *state;
    console_t *c = form(fx, WG_PHASE_REQUIREMENT, 0);
    assert_int_equal(c->n_fields, (int)fx->sc->n_sectors + 1);
    taken(c, "require E2", "9000");
    assert_int_equal(c->draft.requirement.troops[2], 9000);
    c = form(fx, WG_PHASE_ASSIGN, 0);
    assert_int_equal(c->n_fields, 3); /* FRA, GBR, rationale */
    refused(c, "assign FRA", "E1=1000 S1", "'S1': SECTOR=TROOPS");
    refused(c, "assign FRA", "Q=1000", "no sector 'Q'");
    taken(c, "assign FRA", "E1=1000 S1=500");
    assert_int_equal(c->draft.assignment.troops[0][1], 1000);
    assert_int_equal(c->draft.assignment.troops[0][4], 500);
    c = form(fx, WG_PHASE_ROTATE, 0);
    refused(c, "moves", "3-E2", "'3-E2': UNIT:SECTOR");
    taken(c, "moves", "3:E2 4:S2");
    assert_int_equal(c->draft.rotation.n_moves, 2);
    assert_int_equal(c->draft.rotation.moves[1].sector, 5);
    c = form(fx, WG_PHASE_RESPOND, 0);
    refused(c, "robust ROE", "maybe", "yes or no");
    taken(c, "robust ROE", "Y");
    taken(c, "reinforce", "E2 E3");
    assert_true(c->draft.decision.robust_roe);
    assert_int_equal(c->draft.decision.reinforce_mask, (1u << 2) | (1u << 3));
}

static void
test_rationale(void **state)
{
    console_t *c = form(*state, WG_PHASE_PLEDGE, 1);
    char long_text[400];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    refused(c, "rationale", long_text, "at most 255 characters");
    taken(c, "rationale", "hold E1");
    assert_string_equal(c->draft.rationale, "hold E1");
}

/* Every field's text read back gives the same order. */
static void
check_round_trip(console_t *c)
{
    wg_orders_t before = c->draft;
    for (int i = 0; i < c->n_fields; i++) {
        char text[CONSOLE_LINE], why[400];
        c->fields[i].format(c, &c->draft, c->fields[i].arg, text, sizeof text);
        if (c->fields[i].parse(c, c->fields[i].arg, text, why, sizeof why))
            fail_msg("%s: its own text '%s' refused: %s", c->fields[i].label,
                     text, why);
    }
    assert_memory_equal(&before, &c->draft, sizeof before);
}

static void
test_round_trip(void **state)
{
    console_t *c = form(*state, WG_PHASE_ROTATE, 1);
    taken(c, "relieve units", "due");
    taken(c, "recall units", "3");
    taken(c, "prepare units", "1");
    check_round_trip(c);
    c = form(*state, WG_PHASE_ASSIGN, 0);
    taken(c, "assign FRA", "E1=1000 S1=500");
    taken(c, "assign GBR", "E2=1000");
    check_round_trip(c);
    c = form(*state, WG_PHASE_RESPOND, 0);
    taken(c, "reinforce", "E2");
    taken(c, "recommit", "yes");
    check_round_trip(c);
    c = form(*state, WG_PHASE_INTENT, 1);
    taken(c, "intention", "reduce 2500");
    check_round_trip(c);
}

/* Two flat kinds of order with no form of their own in console_forms.c
 * (their names are no kind of the table): the console builds theirs
 * from their field maps. */
static const wg_order_field_t review_fields[] = {
    {"nation", WG_FIELD_NATION, 0, 0, NULL},
    {"intention", WG_FIELD_CHOICE, offsetof(wg_intent_t, intention), 0,
     "What the contingent will do."},
    {"ceiling", WG_FIELD_UINT, offsetof(wg_intent_t, ceiling), 20000,
     "Troops it keeps."},
};

static const wg_order_kind_t review_kind = {
    .name = "test review",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_INTENTION,
    .size = sizeof(wg_intent_t),
    .turn_off = offsetof(wg_turn_orders_t, intent),
    .per_nation = true,
    .bot_off = offsetof(wg_orders_t, intent),
    .message = &wgpb__v1__force_intention__descriptor,
    .fields = review_fields,
    .n_fields = 3,
};

static const wg_order_field_t call_fields[] = {
    {"reinforce", WG_FIELD_SECTORS, offsetof(wg_decision_t, reinforce_mask), 0,
     "Where the reserve goes."},
    {"robust_roe", WG_FIELD_BOOL, offsetof(wg_decision_t, robust_roe), 0, NULL},
    {"recommit", WG_FIELD_BOOL, offsetof(wg_decision_t, recommit), 0,
     "Call a truce."},
};

static const wg_order_kind_t call_kind = {
    .name = "test call",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_DECISION,
    .size = sizeof(wg_decision_t),
    .turn_off = offsetof(wg_turn_orders_t, dec),
    .bot_off = offsetof(wg_orders_t, decision),
    .message = &wgpb__v1__command_decision__descriptor,
    .fields = call_fields,
    .n_fields = 3,
};

static console_t *
flat_form(fx_t *fx, const wg_order_kind_t *k, int key)
{
    console_t *c = &fx->c;
    c->key = key;
    c->nation = key - 1;
    c->command = key == 0;
    c->kind = k;
    memset(&c->draft, 0, sizeof c->draft);
    console_forms_build(c);
    return c;
}

static void
test_flat_kind(void **state)
{
    console_t *c = flat_form(*state, &review_kind, 1);
    assert_int_equal(c->n_fields, 3); /* intention, ceiling, rationale */
    assert_string_equal(c->fields[0].label, "intention");
    assert_string_equal(c->fields[0].help,
                        "What the contingent will do. (stay, reduce or leave)");
    assert_string_equal(c->fields[1].help,
                        "Troops it keeps. (a number up to 20000)");
    refused(c, "intention", "go", "intention: stay, reduce or leave, not 'go'");
    refused(c, "intention", "unspecified", "not 'unspecified'");
    refused(c, "ceiling", "20001", "is not a number up to 20000");
    refused(c, "ceiling", "lots", "'lots' is not a number");
    taken(c, "intention", "Reduce");
    taken(c, "ceiling", "3000");
    assert_int_equal(c->draft.intent.intention, WG_INTENTION_REDUCE);
    assert_int_equal(c->draft.intent.ceiling, 3000);
    check_round_trip(c);
    char buf[400];
    console_forms_describe(c, &c->draft, buf, sizeof buf);
    assert_string_equal(buf, "test review: intention [reduce] ceiling [3000]");

    c = flat_form(*state, &call_kind, 0);
    assert_int_equal(c->n_fields, 4);
    assert_string_equal(c->fields[1].help, "yes or no"); /* no help line */
    refused(c, "reinforce", "E2 Q", "no sector 'Q'");
    refused(c, "reinforce", "E2 e2", "sector 'e2' named twice");
    refused(c, "robust_roe", "maybe", "yes or no, not 'maybe'");
    taken(c, "reinforce", "E2, E3");
    taken(c, "robust_roe", "true");
    taken(c, "recommit", "no");
    assert_int_equal(c->draft.decision.reinforce_mask, (1u << 2) | (1u << 3));
    assert_true(c->draft.decision.robust_roe);
    assert_false(c->draft.decision.recommit);
    check_round_trip(c);
    taken(c, "reinforce", "");
    assert_int_equal(c->draft.decision.reinforce_mask, 0);
    check_round_trip(c);
}

/* Talks, a flat kind of the phase table with no form of its own: its form
 * comes from its field map (item, sectors, announce), checked by the same
 * generic text readers as written orders. */
static void
test_talks(void **state)
{
    console_t *c = form(*state, WG_PHASE_TALKS, 0);
    assert_int_equal(c->n_fields, 4); /* item, sectors, announce, rationale */
    assert_string_equal(c->fields[0].label, "item");
    assert_string_equal(c->fields[1].label, "sectors");
    assert_string_equal(c->fields[2].label, "announce");
    assert_non_null(strstr(c->fields[0].help, "hotline or heavy_weapons"));
    assert_non_null(strstr(c->fields[2].help, "yes or no"));
    refused(c, "item", "peace", "hotline or heavy_weapons, not 'peace'");
    refused(c, "item", "item_unspecified", "not 'item_unspecified'");
    refused(c, "sectors", "E2 Q", "no sector 'Q'");
    refused(c, "announce", "loudly", "yes or no, not 'loudly'");
    taken(c, "item", "heavy_weapons");
    taken(c, "sectors", "E2, E3");
    taken(c, "announce", "yes");
    assert_int_equal(c->draft.talks.item, WG_TALKS_HEAVY_WEAPONS);
    assert_int_equal(c->draft.talks.sector_mask, (1u << 2) | (1u << 3));
    assert_true(c->draft.talks.announce);
    check_round_trip(c);
    char buf[400];
    console_forms_describe(c, &c->draft, buf, sizeof buf);
    assert_string_equal(buf, "talks: item [heavy_weapons] sectors [E2 E3] "
                             "announce [yes]");
    taken(c, "item", "hotline");
    taken(c, "sectors", "");
    taken(c, "announce", "no");
    assert_int_equal(c->draft.talks.item, WG_TALKS_HOTLINE);
    assert_int_equal(c->draft.talks.sector_mask, 0);
    assert_false(c->draft.talks.announce);
    check_round_trip(c);
}

/* Random bytes of any length into every field of every form. */
static void
test_garbage(void **state)
{
    static const int phases[] = {
        WG_PHASE_REQUIREMENT, WG_PHASE_PLEDGE, WG_PHASE_ASSIGN, WG_PHASE_ROTATE,
        WG_PHASE_RESPOND,     WG_PHASE_INTENT, WG_PHASE_REPLAN, WG_PHASE_TALKS,
    };
    unsigned seed = 16;
    char text[700], why[400];
    int refusals = 0, tries = 0;
    for (size_t p = 0; p < sizeof phases / sizeof phases[0]; p++)
        for (int key = 0; key < 2; key++) {
            const wg_phase_info_t *info = wg_phase_info(phases[p]);
            if (wg_phase_order(info, key) == NULL)
                continue;
            console_t *c = form(*state, phases[p], key);
            for (int i = 0; i < c->n_fields; i++)
                for (int n = 0; n < 300; n++) {
                    size_t len = (size_t)(rand_r(&seed) % 650);
                    /* Words the parsers know, and bytes they do not. */
                    static const char alphabet[] = "0123456789 ,:=#E1S2NR-"
                                                   "dueallyesnoreducehrwx";
                    for (size_t k = 0; k < len; k++)
                        text[k] = n % 2 ? alphabet[rand_r(&seed) %
                                                   (sizeof alphabet - 1)]
                                        : (char)(1 + rand_r(&seed) % 255);
                    text[len] = '\0';
                    why[0] = '\0';
                    int rc = c->fields[i].parse(c, c->fields[i].arg, text, why,
                                                sizeof why);
                    assert_true(rc == 0 || rc == -1);
                    if (rc != 0) {
                        assert_true(why[0] != '\0');
                        refusals++;
                    }
                    tries++;
                }
        }
    const wg_order_kind_t *flat[] = {&review_kind, &call_kind};
    for (int k = 0; k < 2; k++) {
        console_t *c = flat_form(*state, flat[k], k == 0);
        for (int i = 0; i < c->n_fields; i++)
            for (int n = 0; n < 300; n++) {
                size_t len = (size_t)(rand_r(&seed) % 650);
                for (size_t b = 0; b < len; b++)
                    text[b] = (char)(1 + rand_r(&seed) % 255);
                text[len] = '\0';
                why[0] = '\0';
                int rc = c->fields[i].parse(c, c->fields[i].arg, text, why,
                                            sizeof why);
                assert_true(rc == 0 || (rc == -1 && why[0] != '\0'));
                refusals += rc != 0;
                tries++;
            }
    }
    print_message("%d entries typed, %d refused with a reason\n", tries,
                  refusals);
    assert_true(refusals > 0 && refusals < tries);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pledge),     T(test_rotation),  T(test_response),
        T(test_intention),  T(test_command),   T(test_rationale),
        T(test_round_trip), T(test_flat_kind), T(test_talks),
        T(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
