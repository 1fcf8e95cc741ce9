/*
 * test_guard.c - unit tests of the per-peer guard (wg/guard.h): the token
 * bucket runs dry and refills with time and at phase starts, one peer's
 * flood never empties another's bucket, a peer's first refusals are in
 * full and the rest are counted for one summary per flush, a bound peer's
 * Joins are bounded per phase, the peers past
 * the table share one entry, and every refusal is in the totals.
 */
#include "wg_cmocka.h"

#include "wg/guard.h"

#include <stdio.h>
#include <string.h>

static const wg_guard_config_t cfg = {
    .rate = 10, .burst = 5, .per_phase = 2, .in_full = 3};

static void
test_bucket(void **state)
{
    (void)state;
    wg_guard_t *g = wg_guard_new(&cfg);
    const uint8_t a[] = "A", b[] = "B";
    for (int i = 0; i < 5; i++)
        assert_true(wg_guard_admit(g, a, 1, 1000));
    assert_false(wg_guard_admit(g, a, 1, 1000)); /* dry */
    assert_true(wg_guard_admit(g, b, 1, 1000));  /* B has its own */
    assert_true(wg_guard_admit(g, a, 1, 1100));  /* 100 ms: one token */
    assert_false(wg_guard_admit(g, a, 1, 1100));
    wg_guard_phase(g); /* two more */
    assert_true(wg_guard_admit(g, a, 1, 1100));
    assert_true(wg_guard_admit(g, a, 1, 1100));
    assert_false(wg_guard_admit(g, a, 1, 1100));
    uint64_t t[WG_GUARD_N_CAUSES];
    wg_guard_totals(g, t);
    assert_int_equal(t[WG_CAUSE_RATE], 3);
    wg_guard_destroy(&g);
    assert_null(g);
}

typedef struct {
    int calls;
    char name[WG_GUARD_NAME_MAX];
    uint64_t counts[WG_GUARD_N_CAUSES];
} seen_t;

static void
summary_cb(const char *name, const uint64_t *counts, void *arg)
{
    seen_t *s = arg;
    s->calls++;
    snprintf(s->name, sizeof s->name, "%s", name);
    memcpy(s->counts, counts, sizeof s->counts);
}

static void
test_in_full_then_counted(void **state)
{
    (void)state;
    wg_guard_t *g = wg_guard_new(&cfg);
    const uint8_t a[] = "A";
    for (int i = 0; i < 3; i++)
        assert_true(wg_guard_refused(g, a, 1, 1)); /* ERROR_MALFORMED */
    assert_false(wg_guard_refused(g, a, 1, 1));
    assert_false(wg_guard_refused(g, a, 1, WG_CAUSE_FRAMES));
    assert_true(wg_guard_refused(g, NULL, 0, 1)); /* no peer: in full */
    wg_guard_name(g, a, 1, "FRA");
    seen_t s = {0};
    wg_guard_flush(g, summary_cb, &s);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.name, "FRA");
    assert_int_equal(s.counts[1], 1);
    assert_int_equal(s.counts[WG_CAUSE_FRAMES], 1);
    memset(&s, 0, sizeof s);
    wg_guard_flush(g, summary_cb, &s); /* nothing new */
    assert_int_equal(s.calls, 0);
    uint64_t t[WG_GUARD_N_CAUSES];
    wg_guard_totals(g, t);
    assert_int_equal(t[1], 5);
    assert_string_equal(wg_guard_cause_name(1), "ERROR_MALFORMED");
    assert_string_equal(wg_guard_cause_name(WG_CAUSE_OVERSIZE), "oversize");
    wg_guard_destroy(&g);
}

/* A bound peer's Joins: WG_GUARD_JOINS between two phase starts. */
static void
test_joins(void **state)
{
    (void)state;
    wg_guard_t *g = wg_guard_new(&cfg);
    const uint8_t a[] = "A";
    for (int i = 0; i < WG_GUARD_JOINS; i++)
        assert_true(wg_guard_join(g, a, 1));
    assert_false(wg_guard_join(g, a, 1));
    wg_guard_phase(g);
    assert_true(wg_guard_join(g, a, 1));
    uint64_t t[WG_GUARD_N_CAUSES];
    wg_guard_totals(g, t);
    assert_int_equal(t[WG_CAUSE_RATE], 1);
    wg_guard_destroy(&g);
}

/* More peers than the table holds: the rest share "other peers". */
static void
test_other_peers(void **state)
{
    (void)state;
    wg_guard_t *g = wg_guard_new(&cfg);
    uint8_t id[4];
    for (unsigned i = 0; i < WG_GUARD_MAX_PEERS + 10; i++) {
        memcpy(id, &i, sizeof id);
        wg_guard_refused(g, id, sizeof id, WG_CAUSE_RATE);
    }
    unsigned last = WG_GUARD_MAX_PEERS + 5;
    memcpy(id, &last, sizeof id);
    assert_string_equal(wg_guard_peer_name(g, id, sizeof id), "other peers");
    unsigned first = 0;
    memcpy(id, &first, sizeof id);
    assert_string_equal(wg_guard_peer_name(g, id, sizeof id), "peer 1");
    wg_guard_destroy(&g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_in_full_then_counted),
        cmocka_unit_test(test_joins),
        cmocka_unit_test(test_other_peers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
