/*
 * test_limits.c - unit tests of the string caps (wg/limits.h): every
 * string an incoming Envelope can carry is checked, at its cap or the
 * codes' cap, in the envelope, in its provenance, in a payload of the
 * oneof and in repeated strings of nested messages; one byte over the cap
 * is refused and named, the cap itself passes.
 */
#include "wg_cmocka.h"

#include "wg/limits.h"
#include "wg/scenario.h"

#include <string.h>

static char long_text[2048];

static const char *
text(size_t n)
{
    memset(long_text, 'x', sizeof long_text);
    long_text[n] = '\0';
    return long_text;
}

static void
test_join_agent(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    char why[160];
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    join.agent = (char *)text(WG_AGENT_MAX);
    assert_int_equal(wg_limits_check(&env, why, sizeof why), 0);
    join.agent = (char *)text(WG_AGENT_MAX + 1);
    assert_int_equal(wg_limits_check(&env, why, sizeof why), -1);
    assert_non_null(strstr(why, "Join.agent"));
}

static void
test_provenance_and_codes(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    char why[160];
    env.provenance = &prov;
    prov.rationale = (char *)text(WG_RATIONALE_MAX);
    assert_int_equal(wg_limits_check(&env, why, sizeof why), 0);
    prov.rationale = (char *)text(WG_RATIONALE_MAX + 1);
    assert_int_equal(wg_limits_check(&env, why, sizeof why), -1);
    assert_non_null(strstr(why, "rationale"));
    prov.rationale = "";
    env.sender_nation = "ABCDEFGH"; /* a code of WG_CODE_MAX bytes */
    assert_int_equal(wg_limits_check(&env, why, sizeof why), -1);
    assert_non_null(strstr(why, "sender_nation"));
}

/* A repeated string inside a repeated message inside the payload. */
static void
test_nested_repeated(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Pledge pledge = WGPB__V1__PLEDGE__INIT;
    char *sectors[3] = {"N1", "N2", "N3"};
    char why[160];
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
    env.pledge = &pledge;
    pledge.sectors = sectors;
    pledge.n_sectors = 3;
    assert_int_equal(wg_limits_check(&env, why, sizeof why), 0);
    sectors[2] = (char *)text(WG_CODE_MAX);
    assert_int_equal(wg_limits_check(&env, why, sizeof why), -1);
    assert_non_null(strstr(why, "Pledge.sectors"));

    Wgpb__V1__CommandDecision d = WGPB__V1__COMMAND_DECISION__INIT;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DECISION;
    env.decision = &d;
    /* The pledge is no longer the oneof's member: not looked at. */
    assert_int_equal(wg_limits_check(&env, why, sizeof why), 0);
}

static void
test_table(void **state)
{
    (void)state;
    assert_int_equal(wg_limits_string_cap("wgpb.v1.Join", "agent"),
                     WG_AGENT_MAX);
    assert_int_equal(wg_limits_string_cap("wgpb.v1.Pledge", "nation"),
                     WG_CODE_MAX - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_agent),
        cmocka_unit_test(test_provenance_and_codes),
        cmocka_unit_test(test_nested_repeated),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
