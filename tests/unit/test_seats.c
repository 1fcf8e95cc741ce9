/*
 * test_seats.c - unit tests of the seat policy (common/seats.c): which key
 * is admitted under which User-Id, and what becomes of a message by who
 * sent it, what it claims, and the exercise's second_connection.
 *
 * The exercise is built in memory (wg_exercise_t is a plain struct) over
 * tests/data/short.yaml (FRA GBR DEU ITA POL TUR ESP NLD); keys are fresh
 * ones from wg_keys_generate; routing ids are short byte strings.
 */
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/keys.h"
#include "wg/seats.h"
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    wg_scenario_t *sc;
    wg_exercise_t ex;
    wg_keypair_t fra, command, press, stranger;
    wg_seats_t *seats;
    bool holder_alive; /* what the alive callback answers */
    int asked;         /* how often it was asked */
} fixture_t;

static void
add_seat(wg_exercise_t *ex, wg_seat_kind_t kind, const char *role,
         const wg_keypair_t *kp)
{
    wg_seat_t *s = &ex->seats[ex->n_seats++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->role, sizeof s->role, "%s", role);
    s->has_key = true;
    memcpy(s->public_key, kp->public_key, WG_KEY_LEN);
}

static int
setup_policy(void **state, wg_second_connection_t policy)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (f == NULL ||
        (f->sc = wg_test_load_scenario("tests/data/short.yaml")) == NULL)
        return -1;
    if (wg_keys_generate(&f->fra) != 0 || wg_keys_generate(&f->command) ||
        wg_keys_generate(&f->press) || wg_keys_generate(&f->stranger))
        return -1;
    snprintf(f->ex.path, sizeof f->ex.path, "test.yaml");
    f->ex.has_keys = true;
    f->ex.second_connection = policy;
    add_seat(&f->ex, WG_SEAT_NATION, "FRA", &f->fra);
    add_seat(&f->ex, WG_SEAT_COMMAND, "command", &f->command);
    add_seat(&f->ex, WG_SEAT_OBSERVER, "observer:press", &f->press);
    f->seats = wg_seats_new(&f->ex, f->sc);
    f->holder_alive = true;
    *state = f;
    return f->seats == NULL ? -1 : 0;
}

static int
setup_takeover(void **state)
{
    return setup_policy(state, WG_SECOND_TAKEOVER);
}

static int
setup_refuse(void **state)
{
    return setup_policy(state, WG_SECOND_REFUSE);
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    wg_seats_destroy(&f->seats);
    assert_null(f->seats);
    free(f->sc);
    free(f);
    return 0;
}

static bool
alive_cb(const uint8_t *peer, size_t len, void *arg)
{
    fixture_t *f = arg;
    (void)peer;
    (void)len;
    f->asked++;
    return f->holder_alive;
}

/* Judges a message from routing id `peer` with User-Id uid claiming role
 * key `claimed`, while `holder` (or nobody: NULL) holds the key's seat. */
static void
judge(fixture_t *f, const char *uid, const char *peer, int claimed, bool join,
      const char *holder, wg_seats_verdict_t *v)
{
    wg_seats_input_t in = {
        .user_id = uid,
        .peer = (const uint8_t *)peer,
        .peer_len = strlen(peer),
        .claimed = claimed,
        .join = join,
        .holder = (const uint8_t *)holder,
        .holder_len = holder ? strlen(holder) : 0,
    };
    wg_seats_judge(f->seats, &in, alive_cb, f, v);
}

static void
test_admit(void **state)
{
    fixture_t *f = *state;
    char uid[WG_BUS_USER_ID_MAX + 1];
    wg_seats_stats_t st;

    assert_int_equal(wg_seats_admit(NULL, 0, f->fra.public_key, "10.0.0.2", uid,
                                    sizeof uid, f->seats),
                     0);
    assert_string_equal(uid, "FRA");
    assert_int_equal(wg_seats_admit(NULL, 1, f->press.public_key, "", uid,
                                    sizeof uid, f->seats),
                     0);
    assert_string_equal(uid, "observer:press");
    /* A stranger retrying many times: refused every time, counted. */
    for (int i = 0; i < 250; i++)
        assert_true(wg_seats_admit(NULL, i & 1, f->stranger.public_key,
                                   "10.0.0.9", uid, sizeof uid, f->seats) < 0);
    wg_seats_stats(f->seats, &st);
    assert_int_equal(st.admitted, 2);
    assert_int_equal(st.refused_keys, 250);

    assert_int_equal(wg_seats_role_key(f->seats, "command"), 0);
    assert_int_equal(wg_seats_role_key(f->seats, "FRA"), 1);
    assert_int_equal(wg_seats_role_key(f->seats, "observer:press"), -1);
    assert_int_equal(wg_seats_role_key(f->seats, "GBR"), -1); /* no seat */
    assert_int_equal(wg_seats_role_key(f->seats, NULL), -1);
}

static void
test_claims(void **state)
{
    fixture_t *f = *state;
    wg_seats_verdict_t v;
    wg_seats_stats_t st;

    /* FRA's key joining as FRA: passes, not yet bound. */
    judge(f, "FRA", "a", 1, true, NULL, &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, -1);
    assert_false(v.takes_over);
    /* The holder's orders pass as FRA. */
    judge(f, "FRA", "a", 1, false, "a", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, 1);
    /* FRA's key claiming GBR (a Join or an order), or the command. */
    judge(f, "FRA", "a", 2, true, "a", &v);
    assert_int_equal(v.action, WG_SEATS_REFUSE);
    assert_int_equal(v.cause, WG_SEATS_IMPERSONATION);
    assert_string_equal(v.detail, "the key of seat FRA cannot speak for GBR");
    judge(f, "FRA", "a", 0, false, "a", &v);
    assert_int_equal(v.cause, WG_SEATS_IMPERSONATION);
    judge(f, "FRA", "b", -1, true, NULL, &v); /* an unknown role */
    assert_int_equal(v.cause, WG_SEATS_IMPERSONATION);
    /* The observer claiming FRA; the observer with no claim at all. */
    judge(f, "observer:press", "c", 1, true, NULL, &v);
    assert_int_equal(v.cause, WG_SEATS_IMPERSONATION);
    assert_string_equal(v.detail,
                        "the key of seat observer:press cannot speak for FRA");
    judge(f, "observer:press", "c", -1, false, NULL, &v);
    assert_int_equal(v.cause, WG_SEATS_NO_ORDERS);
    /* Bytes that did not decode: the adjudicator refuses them itself. */
    judge(f, "FRA", "a", WG_SEATS_UNREAD, false, "a", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, 1);
    wg_seats_stats(f->seats, &st);
    assert_int_equal(st.impersonations, 4);
    assert_int_equal(st.no_orders, 1);
    assert_int_equal(f->asked, 0);
}

static void
test_takeover(void **state)
{
    fixture_t *f = *state;
    wg_seats_verdict_t v;
    wg_seats_stats_t st;

    /* A second connection's Join takes the seat over, alive holder or not;
     * liveness is not even asked. */
    judge(f, "FRA", "new", 1, true, "old", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, -1);
    assert_true(v.takes_over);
    assert_int_equal(f->asked, 0);
    wg_seats_took_over(f->seats, 1, (const uint8_t *)"old", 3);
    /* From now on the old connection is refused, its Join included. */
    judge(f, "FRA", "old", 1, false, "new", &v);
    assert_int_equal(v.action, WG_SEATS_REFUSE);
    assert_int_equal(v.cause, WG_SEATS_STALE);
    judge(f, "FRA", "old", 1, true, "new", &v);
    assert_int_equal(v.cause, WG_SEATS_STALE);
    /* A connection that never joined is the adjudicator's to refuse. */
    judge(f, "FRA", "other", 1, false, "new", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, -1);
    wg_seats_stats(f->seats, &st);
    assert_int_equal(st.takeovers, 1);
    assert_int_equal(st.stale, 2);
}

static void
test_refuse(void **state)
{
    fixture_t *f = *state;
    wg_seats_verdict_t v;
    wg_seats_stats_t st;

    /* While the holder is connected, a second connection is refused. */
    judge(f, "FRA", "new", 1, true, "old", &v);
    assert_int_equal(v.action, WG_SEATS_REFUSE);
    assert_int_equal(v.cause, WG_SEATS_HELD);
    assert_non_null(strstr(v.detail, "second_connection: refuse"));
    assert_int_equal(f->asked, 1);
    /* The holder itself joining again is no second connection. */
    judge(f, "FRA", "old", 1, true, "old", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_int_equal(v.key, 1);
    /* The holder is idle (it left, or is absent): the newcomer takes
     * over, and liveness is not even asked. */
    f->asked = 0;
    wg_seats_set_idle(f->seats, 1, true);
    judge(f, "FRA", "new", 1, true, "old", &v);
    assert_true(v.takes_over);
    assert_int_equal(f->asked, 0);
    wg_seats_set_idle(f->seats, 1, false);
    /* The holder's connection is gone (a crash): a restart takes over. */
    f->holder_alive = false;
    judge(f, "FRA", "new", 1, true, "old", &v);
    assert_int_equal(v.action, WG_SEATS_PASS);
    assert_true(v.takes_over);
    wg_seats_stats(f->seats, &st);
    assert_int_equal(st.held, 1);
}

static void
test_stale_ring(void **state)
{
    fixture_t *f = *state;
    wg_seats_verdict_t v;
    char id[16];

    /* The ring keeps the last WG_SEATS_STALE_MAX connections taken over. */
    for (int i = 0; i < WG_SEATS_STALE_MAX + 1; i++) {
        snprintf(id, sizeof id, "c%d", i);
        wg_seats_took_over(f->seats, 1, (const uint8_t *)id, strlen(id));
    }
    judge(f, "FRA", "c0", 1, false, "x", &v); /* forgotten: not stale */
    assert_int_equal(v.action, WG_SEATS_PASS);
    snprintf(id, sizeof id, "c%d", WG_SEATS_STALE_MAX);
    judge(f, "FRA", id, 1, false, "x", &v);
    assert_int_equal(v.cause, WG_SEATS_STALE);
    judge(f, "FRA", "c1", 1, false, "x", &v);
    assert_int_equal(v.cause, WG_SEATS_STALE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_admit, setup_takeover, teardown),
        cmocka_unit_test_setup_teardown(test_claims, setup_takeover, teardown),
        cmocka_unit_test_setup_teardown(test_takeover, setup_takeover,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refuse, setup_refuse, teardown),
        cmocka_unit_test_setup_teardown(test_stale_ring, setup_takeover,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
