/*
 * test_order_fields.c - unit tests of the generic flat kinds of order
 * (wg/order_fields.h) on the default scenario (WG_SOURCE_DIR locates
 * configs/): every converted kind's field map fits its message; C value ->
 * message -> bytes -> message -> C value is unchanged; the generic message
 * packs to the same bytes the hand-made encoders of wire.c gave; malformed
 * messages are refused with a reason; text for people reads and shows
 * each field type.
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/error.h"
#include "wg/order_fields.h"
#include "wg/rules.h"
#include "wg/scenario.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wg_scenario_t *sc;
static wg_arena_t *arena;

static int
setup(void **state)
{
    (void)state;
    if ((sc = wg_test_load_scenario("configs/scenarios/default.yaml")) == NULL)
        return -1;
    arena = wg_arena_new();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(sc);
    wg_arena_destroy(&arena);
    return 0;
}

/* The packed bytes of message m as hex, for a fixture. */
static void
hex_of(const ProtobufCMessage *m, char *buf, size_t n)
{
    uint8_t bytes[256];
    size_t len = protobuf_c_message_get_packed_size(m);
    assert_true(len <= sizeof bytes && 2 * len < n);
    protobuf_c_message_pack(m, bytes);
    for (size_t i = 0; i < len; i++)
        snprintf(buf + 2 * i, n - 2 * i, "%02x", bytes[i]);
    buf[2 * len] = '\0';
}

/* Every flat kind of the table (today's and any later one) has a map
 * that fits its message and a validate, and no take, put or describe of
 * its own; every other kind has all three. */
static void
test_maps_fit_messages(void **state)
{
    (void)state;
    char why[200];
    size_t flat = 0;
    const wg_order_kind_t *k;
    for (size_t i = 0; (k = wg_order_kind_at(i)) != NULL; i++) {
        assert_ptr_equal(wg_order_kind_named(k->name), k);
        if (k->fields == NULL) {
            assert_true(k->take && k->put && k->describe);
            continue;
        }
        flat++;
        if (!wg_fields_check(k, why, sizeof why))
            fail_msg("%s", why);
        assert_true(!k->take && !k->put && !k->describe && k->validate);
        assert_true(k->size <= 64); /* written orders keep a value of 64 */
    }
    assert_true(flat >= 3);
    assert_non_null(wg_order_kind_named("pledge")->fields);
    assert_non_null(wg_order_kind_named("decision")->fields);
    assert_non_null(wg_order_kind_named("intention")->fields);
    assert_null(wg_order_kind_named("nothing"));

    /* A map that does not fit is found: a field of another type, one
     * missing, one the message does not have. */
    wg_order_kind_t bad = *wg_order_kind_named("intention");
    wg_order_field_t fields[3];
    memcpy(fields, bad.fields, sizeof fields);
    bad.fields = fields;
    fields[2].type = WG_FIELD_BOOL;
    assert_false(wg_fields_check(&bad, why, sizeof why));
    assert_string_equal(why, "intention: field ceiling is not in "
                             "wgpb.v1.ForceIntention once, of its type");
    fields[2].type = WG_FIELD_UINT;
    bad.n_fields = 2;
    assert_false(wg_fields_check(&bad, why, sizeof why));
    bad.n_fields = 3;
    fields[0].name = "country";
    assert_false(wg_fields_check(&bad, why, sizeof why));
    fields[0].name = "nation";
    assert_true(wg_fields_check(&bad, why, sizeof why));

    /* A kind of one choice (besides its nation) is written as a word. */
    assert_null(wg_fields_sole_choice(&bad));
    bad.n_fields = 2;
    assert_ptr_equal(wg_fields_sole_choice(&bad), &fields[1]);
    bad.fields = fields + 1;
    assert_null(wg_fields_sole_choice(&bad)); /* a choice and a number */
    bad.n_fields = 1;
    assert_ptr_equal(wg_fields_sole_choice(&bad), &fields[1]);
    bad.fields = fields + 2;
    assert_null(wg_fields_sole_choice(&bad)); /* a number */
}

/* What the hand-made encoders of wire.c (wg_wire_pledge, wg_wire_decision,
 * wg_wire_intention) packed for these values, recorded from them (this
 * test compared the two before they were removed): the generic message
 * must keep the bytes, so the golden log and replays stay as they are. */
static const struct {
    const char *kind;
    int key;
    union {
        wg_pledge_t pledge;
        wg_decision_t decision;
        wg_intent_t intent;
    } v;
    const char *hex;
} fixtures[] = {
    {"pledge", 1, .v.pledge = {4500, 0x25},
     "0a034652411094231a014e1a0245321a025332"},
    {"pledge", 2, .v.pledge = {0, 0}, "0a03474252"},
    {"pledge", 3, .v.pledge = {1, 0x1}, "0a0344455510011a014e"},
    {"decision", 0, .v.decision = {0x6, true, true},
     "0a0245310a02453210011801"},
    {"decision", 0, .v.decision = {0, false, false}, ""},
    {"decision", 0, .v.decision = {0x1, false, true}, "0a014e1801"},
    {"intention", 2, .v.intent = {WG_INTENTION_REDUCE, 6000},
     "0a03474252100218f02e"},
    {"intention", 3, .v.intent = {WG_INTENTION_STAY, 0}, "0a034445551001"},
    {"intention", 4, .v.intent = {WG_INTENTION_LEAVE, 0}, "0a034954411003"},
};

#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static void
test_same_bytes_as_hand_made(void **state)
{
    (void)state;
    char got[600];
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const wg_order_kind_t *k = wg_order_kind_named(fixtures[i].kind);
        hex_of(wg_fields_message(k, arena, sc, fixtures[i].key, &fixtures[i].v),
               got, sizeof got);
        if (strcmp(got, fixtures[i].hex) != 0)
            fail_msg("%s %zu: %s, not %s", fixtures[i].kind, i, got,
                     fixtures[i].hex);
    }
    wg_arena_reset(arena);
}

/* Each fixture through wg_order_put, the bytes, both decoders (protobuf-c
 * and the workers' fast path) and wg_fields_read: the value comes back. */
static void
test_round_trip(void **state)
{
    (void)state;
    char why[200];
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const wg_order_kind_t *k = wg_order_kind_named(fixtures[i].kind);
        int key = fixtures[i].key;
        Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
        env.sender_role = key ? WGPB__V1__ROLE__ROLE_CONTINGENT
                              : WGPB__V1__ROLE__ROLE_COMMAND;
        env.turn = 3;
        wg_order_put(k, arena, sc, NULL, key, &fixtures[i].v, &env);
        assert_int_equal(env.payload_case, k->payload);
        uint8_t *buf;
        size_t len;
        assert_int_equal(wg_wire_pack(&env, &buf, &len), 0);
        Wgpb__V1__Envelope *slow = wg_wire_unpack(buf, len);
        Wgpb__V1__Envelope *fast = wg_wire_unpack_in(arena, buf, len);
        free(buf);
        assert_non_null(slow);
        assert_non_null(fast);
        const Wgpb__V1__Envelope *back[2] = {slow, fast};
        for (int b = 0; b < 2; b++) {
            unsigned char got[64];
            assert_true(k->size <= sizeof got);
            memset(got, 0xee, sizeof got);
            if (wg_fields_read(k, sc, key, wg_fields_payload(k, back[b]), got,
                               why, sizeof why) != 0)
                fail_msg("%s %zu: %s", k->name, i, why);
            assert_memory_equal(got, &fixtures[i].v, k->size);
        }
        wg_wire_free(slow);
    }
    wg_arena_reset(arena);
}

/* A kind for the tests: the Pledge message with a troop limit, and a
 * validate that corrects once (so take's second step shows). */
static int validated;

static int
validate_small(const wg_scenario_t *s, const wg_state_t *st,
               wg_turn_orders_t *t, int key, char *why, size_t n)
{
    (void)s;
    (void)st;
    (void)t;
    (void)key;
    validated++;
    snprintf(why, n, "troops rounded");
    return 1;
}

static const wg_order_field_t small_fields[] = {
    {"nation", WG_FIELD_NATION, 0, 0, "own nation"},
    {"troops", WG_FIELD_UINT, offsetof(wg_pledge_t, troops), 5000,
     "Troops, at most 5000."},
    {"sectors", WG_FIELD_SECTORS, offsetof(wg_pledge_t, sector_mask), 0,
     "Sectors."},
};

static const wg_order_kind_t small = {
    .name = "small",
    .payload = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE,
    .size = sizeof(wg_pledge_t),
    .turn_off = offsetof(wg_turn_orders_t, pledges),
    .per_nation = true,
    .message = &wgpb__v1__pledge__descriptor,
    .fields = small_fields,
    .n_fields = 3,
    .validate = validate_small,
};

/* Reads m as role key of kind k: the return code, the reason in why. */
static int
read_as(const wg_order_kind_t *k, int key, const ProtobufCMessage *m, char *why,
        size_t n)
{
    unsigned char v[64];
    why[0] = '\0';
    return wg_fields_read(k, sc, key, m, v, why, n);
}

static void
test_refuses_malformed(void **state)
{
    (void)state;
    char why[200];
    const wg_order_kind_t *ik = wg_order_kind_named("intention");
    const wg_order_kind_t *dk = wg_order_kind_named("decision");
    Wgpb__V1__ForceIntention in = WGPB__V1__FORCE_INTENTION__INIT;
    in.intention = WGPB__V1__INTENTION__INTENTION_STAY;
    in.nation = (char *)sc->nations[1].code;
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), 0);
    in.nation = (char *)"";
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), 0);
    in.nation = (char *)sc->nations[0].code; /* another nation's */
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), WG_EMALFORMED);
    assert_string_equal(why, "intention names FRA");
    in.nation = (char *)"XXX";
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), WG_EMALFORMED);
    in.nation = (char *)"FRA"; /* the command has no nation to name */
    assert_int_equal(read_as(ik, 0, &in.base, why, sizeof why), WG_EMALFORMED);
    in.nation = (char *)"";
    in.intention = 0;
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), WG_EMALFORMED);
    assert_string_equal(why, "no intention 0");
    in.intention = 99;
    assert_int_equal(read_as(ik, 2, &in.base, why, sizeof why), WG_EMALFORMED);
    assert_string_equal(why, "no intention 99");

    Wgpb__V1__CommandDecision d = WGPB__V1__COMMAND_DECISION__INIT;
    char *codes[WG_MAX_SECTORS + 1] = {(char *)"N", (char *)"X9"};
    d.reinforce = codes;
    d.n_reinforce = 2;
    assert_int_equal(read_as(dk, 0, &d.base, why, sizeof why), WG_EMALFORMED);
    assert_string_equal(why, "unknown sector 'X9'");
    codes[1] = (char *)"N";
    assert_int_equal(read_as(dk, 0, &d.base, why, sizeof why), WG_EMALFORMED);
    assert_string_equal(why, "reinforce: sector 'N' named twice");
    for (size_t i = 0; i <= WG_MAX_SECTORS; i++)
        codes[i] = (char *)sc->sectors[0].code;
    d.n_reinforce = WG_MAX_SECTORS + 1;
    assert_int_equal(read_as(dk, 0, &d.base, why, sizeof why), WG_EMALFORMED);
    d.n_reinforce = 1;
    assert_int_equal(read_as(dk, 0, &d.base, why, sizeof why), 0);
    /* Another kind's message is no decision. */
    assert_int_equal(read_as(dk, 0, &in.base, why, sizeof why), WG_EMALFORMED);

    Wgpb__V1__Pledge p = WGPB__V1__PLEDGE__INIT;
    p.troops = 5000;
    assert_int_equal(read_as(&small, 1, &p.base, why, sizeof why), 0);
    p.troops = 5001;
    assert_int_equal(read_as(&small, 1, &p.base, why, sizeof why),
                     WG_EMALFORMED);
    assert_string_equal(why, "troops 5001 is over 5000");
}

/* wg_order_take of a flat kind: the payload read into the role's slot,
 * then the kind's validate; another payload is malformed. */
static void
test_take(void **state)
{
    (void)state;
    char why[200];
    static wg_turn_orders_t t;
    wg_pledge_t v = {3000, 0x3};
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    wg_order_put(&small, arena, sc, &t, 2, &v, &env);
    validated = 0;
    assert_int_equal(
        wg_order_take(&small, sc, NULL, &t, 2, &env, why, sizeof why), 1);
    assert_int_equal(validated, 1);
    assert_string_equal(why, "troops rounded");
    assert_memory_equal(&t.pledges[1], &v, sizeof v);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DECISION;
    assert_int_equal(
        wg_order_take(&small, sc, NULL, &t, 2, &env, why, sizeof why),
        WG_EMALFORMED);
    assert_int_equal(validated, 1);
    wg_arena_reset(arena);
}

static void
test_describe(void **state)
{
    (void)state;
    static const char *want[N_FIXTURES] = {
        "troops 4500, sectors N E2 S2",
        "troops 0, sectors none",
        "troops 1, sectors N",
        "reinforce E1 E2, robust_roe yes, recommit yes",
        "reinforce none, robust_roe no, recommit no",
        "reinforce N, robust_roe no, recommit yes",
        "intention reduce, ceiling 6000",
        "intention stay, ceiling 0",
        "intention leave, ceiling 0",
    };
    char buf[200];
    for (size_t i = 0; i < N_FIXTURES; i++) {
        const wg_order_kind_t *k = wg_order_kind_named(fixtures[i].kind);
        Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
        wg_order_put(k, arena, sc, NULL, fixtures[i].key, &fixtures[i].v, &env);
        assert_true(wg_order_describe(&env, buf, sizeof buf));
        assert_string_equal(buf, want[i]);
    }
    wg_arena_reset(arena);
}

/* Parses text into field `name` of kind k's value v: 0 or -1, why set. */
static int
parse(const wg_order_kind_t *k, const char *name, const char *text, void *v,
      char *why, size_t n)
{
    for (size_t i = 0; i < k->n_fields; i++)
        if (strcmp(k->fields[i].name, name) == 0)
            return wg_field_parse(k, &k->fields[i], sc, text, v, why, n);
    fail_msg("no field %s", name);
    return -1;
}

static void
format(const wg_order_kind_t *k, const char *name, const void *v, char *buf,
       size_t n)
{
    for (size_t i = 0; i < k->n_fields; i++)
        if (strcmp(k->fields[i].name, name) == 0)
            wg_field_format(k, &k->fields[i], sc, v, buf, n);
}

static void
test_text(void **state)
{
    (void)state;
    char why[300], buf[200];
    const wg_order_kind_t *ik = wg_order_kind_named("intention");
    const wg_order_kind_t *dk = wg_order_kind_named("decision");
    wg_intent_t in = {0, 0};
    assert_int_equal(parse(ik, "intention", " Reduce ", &in, why, sizeof why),
                     0);
    assert_int_equal(in.intention, WG_INTENTION_REDUCE);
    format(ik, "intention", &in, buf, sizeof buf);
    assert_string_equal(buf, "reduce");
    assert_int_equal(
        parse(ik, "intention", "unspecified", &in, why, sizeof why), -1);
    assert_int_equal(parse(ik, "intention", "go", &in, why, sizeof why), -1);
    assert_string_equal(why, "intention: stay, reduce or leave, not 'go'");
    assert_int_equal(parse(ik, "ceiling", "6000", &in, why, sizeof why), 0);
    assert_int_equal(in.ceiling, 6000);
    assert_int_equal(parse(ik, "ceiling", "6k", &in, why, sizeof why), -1);
    assert_int_equal(parse(ik, "ceiling", "1 2", &in, why, sizeof why), -1);
    assert_int_equal(in.ceiling, 6000);

    wg_pledge_t p = {0, 0};
    assert_int_equal(parse(&small, "troops", "5001", &p, why, sizeof why), -1);
    assert_string_equal(why, "troops: '5001' is not a number up to 5000");
    assert_int_equal(parse(&small, "troops", "5000", &p, why, sizeof why), 0);
    assert_int_equal(p.troops, 5000);

    wg_decision_t d = {0, false, false};
    assert_int_equal(parse(dk, "reinforce", "n, e2  S2", &d, why, sizeof why),
                     0);
    assert_int_equal(d.reinforce_mask, 0x25);
    format(dk, "reinforce", &d, buf, sizeof buf);
    assert_string_equal(buf, "N E2 S2");
    assert_int_equal(parse(dk, "reinforce", buf, &d, why, sizeof why), 0);
    assert_int_equal(d.reinforce_mask, 0x25);
    assert_int_equal(parse(dk, "reinforce", "N X9", &d, why, sizeof why), -1);
    assert_non_null(strstr(why, "reinforce: no sector 'X9' (sectors: N "));
    assert_int_equal(parse(dk, "reinforce", "N n", &d, why, sizeof why), -1);
    assert_string_equal(why, "reinforce: sector 'n' named twice");
    assert_int_equal(d.reinforce_mask, 0x25);
    assert_int_equal(parse(dk, "reinforce", "none", &d, why, sizeof why), 0);
    assert_int_equal(d.reinforce_mask, 0);
    format(dk, "reinforce", &d, buf, sizeof buf);
    assert_string_equal(buf, "none");
    assert_int_equal(parse(dk, "reinforce", "all", &d, why, sizeof why), 0);
    assert_int_equal(d.reinforce_mask, (1u << sc->n_sectors) - 1);

    const char *yes[] = {"yes", "TRUE", "y"}, *no[] = {"no", "false", "N"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(parse(dk, "recommit", yes[i], &d, why, sizeof why), 0);
        assert_true(d.recommit);
        assert_int_equal(parse(dk, "recommit", no[i], &d, why, sizeof why), 0);
        assert_false(d.recommit);
    }
    assert_int_equal(parse(dk, "robust_roe", "maybe", &d, why, sizeof why), -1);
    assert_string_equal(why, "robust_roe: yes or no, not 'maybe'");
    format(dk, "recommit", &d, buf, sizeof buf);
    assert_string_equal(buf, "no");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_fit_messages),
        cmocka_unit_test(test_same_bytes_as_hand_made),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refuses_malformed),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
