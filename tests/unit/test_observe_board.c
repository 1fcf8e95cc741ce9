/*
 * test_observe_board.c - the live board's model (workers/observe/board.c):
 * what it shows of the envelopes it is fed, what it hides under a sharing
 * policy, and that nothing fed to it (random bytes, damaged envelopes,
 * hostile strings and counts, unknown enum values) can crash it.
 */
#include "wg_cmocka.h"

#include "board.h"
#include "board_text.h"

#include "wg/share.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHASE(x) WGPB__V1__PHASE__PHASE_##x

/* Packs env (the caller's stack values) into a malloc'd buffer. */
static uint8_t *
pack(Wgpb__V1__Envelope *env, size_t *len)
{
    uint8_t *buf;
    assert_int_equal(wg_wire_pack(env, &buf, len), 0);
    return buf;
}

static int
feed(board_t *b, Wgpb__V1__Envelope *env)
{
    size_t len;
    uint8_t *buf = pack(env, &len);
    int rc = board_feed(b, buf, len, 1000);
    free(buf);
    return rc;
}

/* Lays b out at a few sizes, as the screen and --plain do; every line
 * fits its columns and holds no control character. */
static void
check_line(int row, board_line_kind_t kind, const char *text, void *arg)
{
    const board_frame_t *f = arg;
    (void)kind;
    assert_true(row >= 0);
    if (f->cols > 0)
        assert_true(strlen(text) <= (size_t)f->cols);
    for (const char *p = text; *p != '\0'; p++)
        assert_true((unsigned char)*p >= 0x20);
}

static void
lay_out(const board_t *b)
{
    static const int sizes[][2] = {{0, 400}, {24, 80}, {5, 20}, {60, 200}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        board_frame_t f = {.source = "live tcp://127.0.0.1:1",
                           .status = "connected",
                           .clock = true,
                           .now_ms = 5000,
                           .rows = sizes[i][0],
                           .cols = sizes[i][1],
                           .plain_feed = 12};
        int n = board_lines(b, &f, check_line, &f);
        assert_true(n > 0);
    }
}

typedef struct {
    Wgpb__V1__Envelope env;
    Wgpb__V1__TurnStart ts;
    Wgpb__V1__Situation sit;
    Wgpb__V1__NationState nat[2], *natp[2];
    char *expected[1];
} start_t;

/* A public RESPOND phase start of turn 5 with two nations; `priv`: with
 * their private figures (cohesion, preparing), as under full. */
static void
make_start(start_t *s, bool priv)
{
    memset(s, 0, sizeof *s);
    wgpb__v1__envelope__init(&s->env);
    wgpb__v1__turn_start__init(&s->ts);
    wgpb__v1__situation__init(&s->sit);
    const char *codes[2] = {"FRA", "GBR"};
    for (int i = 0; i < 2; i++) {
        wgpb__v1__nation_state__init(&s->nat[i]);
        s->nat[i].code = (char *)codes[i];
        s->nat[i].deployed = 1000u * (unsigned)(i + 1);
        s->nat[i].gate_open = true;
        if (priv) {
            s->nat[i].cohesion = 50 + i;
            s->nat[i].preparing = 500;
        }
        s->natp[i] = &s->nat[i];
    }
    s->sit.n_nations = 2;
    s->sit.nations = s->natp;
    s->sit.week = 3;
    s->sit.stability = 61.5;
    s->expected[0] = "FRA";
    s->ts.n_expected = 1;
    s->ts.expected = s->expected;
    s->ts.deadline_ms = 30000;
    s->ts.type = WGPB__V1__TURN_TYPE__TURN_INCIDENT;
    s->ts.situation = &s->sit;
    s->env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    s->env.turn = 5;
    s->env.phase = PHASE(RESPOND);
    s->env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
    s->env.turn_start = &s->ts;
}

static void
test_turn_start_shown(void **state)
{
    (void)state;
    board_t b;
    start_t s;
    board_init(&b, BOARD_VIEW_PUBLIC);
    make_start(&s, true);
    assert_int_equal(feed(&b, &s.env), 0);
    assert_int_equal(b.turn, 5);
    assert_int_equal(b.week, 3);
    assert_int_equal(b.phase, PHASE(RESPOND));
    assert_int_equal(b.deadline_ms, 30000);
    assert_int_equal(board_time_left(&b, 1000), 30000);
    assert_int_equal(board_time_left(&b, 2500), 28500);
    assert_int_equal(board_time_left(&b, 99000), 0);
    assert_int_equal(b.n_nations, 2);
    assert_string_equal(b.nations[1].code, "GBR");
    assert_int_equal(b.nations[1].deployed, 2000);
    /* No units, but private figures: a split policy, coalition. */
    assert_int_equal(b.sharing, WG_SHARING_COALITION);
    assert_true(b.sharing_inferred);
    assert_true(board_nation_private_shown(&b, &b.nations[0]));
    assert_int_equal(b.nations[0].preparing, 500);
}

static void
test_national_hides(void **state)
{
    (void)state;
    board_t b;
    start_t s;
    board_init(&b, BOARD_VIEW_PUBLIC);
    make_start(&s, false);
    feed(&b, &s.env);
    assert_int_equal(b.sharing, WG_SHARING_NATIONAL);
    assert_false(board_nation_private_shown(&b, &b.nations[0]));
    char label[200];
    board_view_label(&b, label, sizeof label);
    assert_non_null(strstr(label, "sharing national"));
    assert_non_null(strstr(label, "hidden"));

    /* The umpire's view of a log takes the command's own picture. */
    board_init(&b, BOARD_VIEW_UMPIRE);
    make_start(&s, false);
    feed(&b, &s.env);
    make_start(&s, true);
    s.env.recipient = "command";
    feed(&b, &s.env);
    assert_true(board_nation_private_shown(&b, &b.nations[0]));
    assert_true(b.nations[1].cohesion == 51);
    /* ... and a public board ignores a start addressed to one role. */
    board_init(&b, BOARD_VIEW_PUBLIC);
    feed(&b, &s.env);
    assert_int_equal(b.n_nations, 0);
    assert_int_equal(b.ignored, 1);
}

static void
test_hostile_strings_and_counts(void **state)
{
    (void)state;
    board_t b;
    start_t s;
    board_init(&b, BOARD_VIEW_PUBLIC);
    make_start(&s, true);
    /* An escape sequence in a code must never reach the terminal. */
    s.nat[0].code = "\x1b[2J\x1b]0;x\a";
    s.sit.regime = "calm\x1b[31m";
    feed(&b, &s.env);
    for (size_t i = 0; i < b.n_nations; i++)
        assert_null(strchr(b.nations[i].code, '\x1b'));
    assert_null(strchr(b.regime, '\x1b'));
    lay_out(&b);
    /* More nations than the board has room for: kept to its room. */
    enum { MANY = 3 * BOARD_NATIONS };
    Wgpb__V1__NationState many[MANY], *manyp[MANY];
    char codes[MANY][8];
    for (int i = 0; i < MANY; i++) {
        wgpb__v1__nation_state__init(&many[i]);
        snprintf(codes[i], sizeof codes[i], "N%02d", i);
        many[i].code = codes[i];
        manyp[i] = &many[i];
    }
    s.sit.n_nations = MANY;
    s.sit.nations = manyp;
    feed(&b, &s.env);
    assert_int_equal(b.n_nations, BOARD_NATIONS);
    assert_true(b.ignored > 0);
}

static void
test_result_unknown_values(void **state)
{
    (void)state;
    board_t b;
    board_init(&b, BOARD_VIEW_PUBLIC);
    Wgpb__V1__Envelope env;
    Wgpb__V1__TurnResult r;
    Wgpb__V1__IncidentOutcome o[2], *op[2];
    wgpb__v1__envelope__init(&env);
    wgpb__v1__turn_result__init(&r);
    for (int i = 0; i < 2; i++) {
        wgpb__v1__incident_outcome__init(&o[i]);
        o[i].incident = (uint32_t)i;
        o[i].kia = 1;
        op[i] = &o[i];
    }
    o[0].action = (Wgpb__V1__RoeAction)-7; /* no such action */
    o[1].action = (Wgpb__V1__RoeAction)99;
    r.n_outcomes = 2;
    r.outcomes = op;
    r.type = (Wgpb__V1__TurnType)1234;
    r.escalation = 1000;
    r.kia = 2;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = 2;
    env.phase = PHASE(RESULT);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = &r;
    assert_int_equal(feed(&b, &env), 0);
    assert_int_equal(b.turn, 2);
    assert_int_equal(b.turn_kia, 2);
    assert_true(b.feed_len > 0);
    lay_out(&b); /* escalation 1000, a turn type no table knows */
}

/* The umpire sees the refusals a log recorded; a public board does not. */
static void
test_umpire_refusals(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env;
    Wgpb__V1__Error err;
    wgpb__v1__envelope__init(&env);
    wgpb__v1__error__init(&err);
    err.code = WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN;
    err.detail = "turn 3 is over";
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.recipient = "FRA";
    env.turn = 4;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    board_t b;
    board_init(&b, BOARD_VIEW_UMPIRE);
    feed(&b, &env);
    assert_int_equal(b.feed_len, 1);
    assert_string_equal(board_feed_line(&b, 0),
                        "T4 refused (FRA): ERROR_WRONG_TURN turn 3 is over");
    board_init(&b, BOARD_VIEW_PUBLIC);
    feed(&b, &env);
    assert_int_equal(b.feed_len, 0);
    assert_int_equal(b.ignored, 1);
}

/* The director's pause, resume and extend (published) move the board's
 * clock; its other commands (recorded) only the umpire sees. */
static void
director(board_t *b, Wgpb__V1__DirectorAction action, uint32_t seconds,
         const char *role, uint64_t now_ms)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__DirectorCommand d;
    wgpb__v1__envelope__init(&env);
    wgpb__v1__director_command__init(&d);
    d.action = action;
    d.seconds = seconds;
    d.role = (char *)role;
    env.sender_role = WGPB__V1__ROLE__ROLE_DIRECTOR;
    env.turn = 5;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR;
    env.director = &d;
    size_t len;
    uint8_t *buf = pack(&env, &len);
    assert_int_equal(board_feed(b, buf, len, now_ms), 0);
    free(buf);
}

static void
test_director_clock(void **state)
{
    (void)state;
    board_t b;
    start_t s;
    board_init(&b, BOARD_VIEW_PUBLIC);
    make_start(&s, true);
    feed(&b, &s.env); /* 30 s from 1000 */
    director(&b, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, 0, "", 11000);
    assert_true(b.paused);
    assert_int_equal(board_time_left(&b, 50000), 20000);
    director(&b, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND, 60, "", 60000);
    assert_int_equal(board_time_left(&b, 70000), 80000);
    director(&b, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME, 0, "", 70000);
    assert_false(b.paused);
    assert_int_equal(board_time_left(&b, 75000), 75000);
    size_t notes = b.feed_len;
    director(&b, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT, 0, "FRA", 76000);
    assert_int_equal(b.feed_len, notes); /* not published: not shown */
    board_init(&b, BOARD_VIEW_UMPIRE);
    director(&b, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT, 0, "FRA", 0);
    assert_string_equal(board_feed_line(&b, b.feed_len - 1),
                        "T5 the director ejected FRA");
    director(&b, (Wgpb__V1__DirectorAction)-3, 0, "FRA", 0); /* unknown */
}

/* A small seeded generator: the same bytes every run. */
static uint32_t
next_rand(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void
test_random_and_damaged_bytes(void **state)
{
    (void)state;
    board_t b;
    board_init(&b, BOARD_VIEW_PUBLIC);
    uint32_t x = 2463534242u;
    uint8_t buf[512];
    for (int i = 0; i < 20000; i++) {
        size_t len = next_rand(&x) % sizeof buf;
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)next_rand(&x);
        board_feed(&b, buf, len, (uint64_t)i);
    }
    assert_int_equal(b.received + b.malformed, 20000);
    assert_true(b.malformed > 0);
    lay_out(&b);

    /* A real phase start with bytes changed here and there. */
    start_t s;
    make_start(&s, true);
    size_t len;
    uint8_t *good = pack(&s.env, &len);
    uint64_t before = b.received + b.malformed;
    for (int i = 0; i < 20000; i++) {
        memcpy(buf, good, len);
        for (int k = 0; k < 1 + (int)(next_rand(&x) % 4); k++)
            buf[next_rand(&x) % len] = (uint8_t)next_rand(&x);
        board_feed(&b, buf, len - next_rand(&x) % 3, 0);
    }
    free(good);
    assert_int_equal(b.received + b.malformed, before + 20000);
    /* The feed stays a bounded ring. */
    assert_true(b.feed_len <= BOARD_FEED);
    lay_out(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_turn_start_shown),
        cmocka_unit_test(test_national_hides),
        cmocka_unit_test(test_hostile_strings_and_counts),
        cmocka_unit_test(test_result_unknown_values),
        cmocka_unit_test(test_umpire_refusals),
        cmocka_unit_test(test_director_clock),
        cmocka_unit_test(test_random_and_damaged_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
