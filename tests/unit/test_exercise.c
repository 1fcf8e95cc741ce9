/*
 * test_exercise.c - unit tests of the exercise file (common/exercise.c).
 *
 * Each test writes an exercise file (and, where it needs them, fresh key
 * pairs through wg_keys_write) into its own temporary directory, next to a
 * scenario given by absolute path (tests/data/short.yaml: FRA GBR DEU ITA
 * POL TUR ESP NLD), and checks what loads or the exact line, column and
 * message of the error.
 */
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/keys.h"
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const nations[] = {"FRA", "GBR", "DEU", "ITA",
                                      "POL", "TUR", "ESP", "NLD"};
#define N_NATIONS (sizeof nations / sizeof nations[0])

typedef struct {
    char dir[256];
    char file[512];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    wg_test_mkdtemp(f->dir, sizeof f->dir, "exercise");
    snprintf(f->file, sizeof f->file, "%s/exercise.yaml", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void
make_key(const fixture_t *f, const char *name)
{
    wg_keypair_t kp;
    wg_config_error_t err;
    assert_int_equal(wg_keys_generate(&kp), 0);
    assert_int_equal(wg_keys_write(f->dir, name, &kp, &err), 0);
}

/* Writes the top of an exercise file, then `seats` as given. */
static void
write_exercise(const fixture_t *f, const char *top, const char *seats)
{
    FILE *fp = fopen(f->file, "w");
    assert_non_null(fp);
    fprintf(fp, "scenario: %s/tests/data/short.yaml\n%s%s",
            getenv("WG_SOURCE_DIR") ? getenv("WG_SOURCE_DIR") : ".", top,
            seats);
    fclose(fp);
}

/* The seats of every nation and the command (lines 6..), with or without
 * keys. */
static void
all_seats(char *out, size_t cap, bool keys)
{
    size_t n = (size_t)snprintf(out, cap, "seats:\n");
    for (size_t i = 0; i < N_NATIONS; i++)
        n += (size_t)snprintf(out + n, cap - n, "  - {role: %s%s%s%s}\n",
                              nations[i], keys ? ", key: " : "",
                              keys ? nations[i] : "", keys ? ".pub" : "");
    snprintf(out + n, cap - n, "  - {role: command, player: human%s}\n",
             keys ? ", key: command.pub" : "");
}

static void
load_bad(const fixture_t *f, unsigned line, unsigned column, const char *msg)
{
    wg_exercise_t *ex = (wg_exercise_t *)f; /* must come back NULL */
    wg_config_error_t err;
    int rc = wg_exercise_load(f->file, &ex, NULL, &err);
    if (rc == 0 || err.line != line || err.column != column ||
        strstr(err.message, msg) == NULL)
        wg_config_error_print(&err);
    assert_int_equal(rc, WG_ECONFIG);
    assert_null(ex);
    assert_string_equal(err.file, f->file);
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_non_null(strstr(err.message, msg));
}

static const char loopback_top[] =
    "router: tcp://127.0.0.1:5555\npub: tcp://127.0.0.1:5556\n";
static const char lan_top[] = "router: tcp://0.0.0.0:5555\n"
                              "pub: tcp://0.0.0.0:5556\n"
                              "adjudicator_key: adjudicator.pub\n"
                              "second_connection: refuse\n";

static void
test_keys_load(void **state)
{
    fixture_t *f = *state;
    char seats[2048];
    make_key(f, "adjudicator");
    make_key(f, "command");
    make_key(f, "director");
    for (size_t i = 0; i < N_NATIONS; i++)
        make_key(f, nations[i]);
    all_seats(seats, sizeof seats, true);
    strcat(seats, "  - {role: director, key: director.pub}\n");
    write_exercise(f, lan_top, seats);

    wg_exercise_t *ex = NULL;
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    int rc = wg_exercise_load(f->file, &ex, &sc, &err);
    if (rc)
        wg_config_error_print(&err);
    assert_int_equal(rc, 0);
    assert_non_null(sc);
    assert_int_equal(sc->n_nations, N_NATIONS);
    assert_true(ex->has_keys);
    assert_int_equal(ex->second_connection, WG_SECOND_REFUSE);
    assert_int_equal(ex->n_seats, N_NATIONS + 2);
    assert_string_equal(ex->router, "tcp://0.0.0.0:5555");

    const wg_seat_t *fra = wg_exercise_seat(ex, "FRA");
    assert_non_null(fra);
    assert_int_equal(fra->kind, WG_SEAT_NATION);
    assert_int_equal(fra->player, WG_PLAYER_BOT);
    assert_string_equal(fra->bot, "builtin");
    assert_int_equal(fra->line, 7);
    assert_true(wg_exercise_seat_by_key(ex, fra->public_key) == fra);

    /* The key file on disk is the one bound to FRA, and only to FRA. */
    char path[600];
    uint8_t key[WG_KEY_LEN];
    snprintf(path, sizeof path, "%s/FRA.pub", f->dir);
    assert_int_equal(wg_keys_load_public(path, key, &err), 0);
    assert_memory_equal(key, fra->public_key, WG_KEY_LEN);
    snprintf(path, sizeof path, "%s/adjudicator.pub", f->dir);
    assert_int_equal(wg_keys_load_public(path, key, &err), 0);
    assert_memory_equal(key, ex->adjudicator_key, WG_KEY_LEN);
    assert_null(wg_exercise_seat_by_key(ex, key));

    const wg_seat_t *cmd = wg_exercise_seat(ex, "command");
    assert_int_equal(cmd->player, WG_PLAYER_HUMAN);
    assert_string_equal(cmd->bot, "");
    assert_int_equal(wg_exercise_seat(ex, "director")->kind, WG_SEAT_DIRECTOR);
    assert_null(wg_exercise_seat(ex, "ZZZ"));
    wg_exercise_destroy(&ex);
    assert_null(ex);
    free(sc);
}

static void
test_loopback_without_keys(void **state)
{
    fixture_t *f = *state;
    char seats[2048];
    all_seats(seats, sizeof seats, false);
    strcat(seats, "  - {role: observer, name: press}\n"
                  "  - {role: FRA2, player: program}\n");
    /* FRA2 is not a nation: first the error, then without it. */
    write_exercise(f, loopback_top, seats);
    load_bad(f, 15, 12,
             "unknown role \"FRA2\": a nation of the scenario "
             "(FRA GBR DEU ITA POL TUR ESP NLD), command, "
             "director or observer");

    all_seats(seats, sizeof seats, false);
    strcat(seats, "  - {role: observer, name: press}\n");
    write_exercise(f, loopback_top, seats);
    wg_exercise_t *ex = NULL;
    wg_config_error_t err;
    assert_int_equal(wg_exercise_load(f->file, &ex, NULL, &err), 0);
    assert_false(ex->has_keys);
    assert_int_equal(ex->second_connection, WG_SECOND_TAKEOVER);
    assert_int_equal(ex->absent, WG_ABSENT_FALLBACK); /* the default */
    const wg_seat_t *o = wg_exercise_seat(ex, "observer:press");
    assert_non_null(o);
    assert_int_equal(o->kind, WG_SEAT_OBSERVER);
    assert_string_equal(o->name, "press");
    wg_exercise_destroy(&ex);
}

/* absent: fallback | wait (docs/PROTOCOL.md, "Absent roles"). */
static void
test_absent_key(void **state)
{
    fixture_t *f = *state;
    char seats[2048], top[256];
    wg_exercise_t *ex = NULL;
    wg_config_error_t err;
    all_seats(seats, sizeof seats, false);
    snprintf(top, sizeof top, "%sabsent: wait\n", loopback_top);
    write_exercise(f, top, seats);
    assert_int_equal(wg_exercise_load(f->file, &ex, NULL, &err), 0);
    assert_int_equal(ex->absent, WG_ABSENT_WAIT);
    wg_exercise_destroy(&ex);
    snprintf(top, sizeof top, "%sabsent: sometimes\n", loopback_top);
    write_exercise(f, top, seats);
    assert_int_not_equal(wg_exercise_load(f->file, &ex, NULL, &err), 0);
    assert_null(ex);
}

static void
test_seat_errors(void **state)
{
    fixture_t *f = *state;
    char seats[2048];

    /* A nation seated twice: the error is at the second seat's role. */
    all_seats(seats, sizeof seats, false);
    strcat(seats, "  - {role: GBR}\n");
    write_exercise(f, loopback_top, seats);
    load_bad(f, 14, 12, "a second seat for GBR");

    /* A nation left out. */
    write_exercise(f, loopback_top,
                   "seats:\n  - {role: command}\n  - {role: FRA}\n");
    load_bad(f, 5, 3, "no seat for GBR, a nation of the scenario");

    /* No command. */
    write_exercise(f, loopback_top, "seats:\n  - {role: FRA}\n");
    load_bad(f, 5, 3, "no seat for the command");

    /* Observers need a name, and only they have one. */
    all_seats(seats, sizeof seats, false);
    strcat(seats, "  - {role: observer}\n");
    write_exercise(f, loopback_top, seats);
    load_bad(f, 14, 12, "an observer needs a name");
    write_exercise(f, loopback_top, "seats:\n  - {role: FRA, name: Jean}\n");
    load_bad(f, 5, 23, "only an observer has a name");

    /* A bot for a human team; a player for the director. */
    write_exercise(f, loopback_top,
                   "seats:\n  - {role: FRA, player: human, bot: x.so}\n");
    load_bad(f, 5, 37, "bot is for player: bot only");
    write_exercise(f, loopback_top,
                   "seats:\n  - {role: director, player: human}\n");
    load_bad(f, 5, 30, "the director seat plays no orders");

    /* An unknown player and an unknown key. */
    write_exercise(f, loopback_top, "seats:\n  - {role: FRA, player: ai}\n");
    load_bad(f, 5, 25, "ai");
    write_exercise(f, loopback_top, "seats:\n  - {role: FRA, keys: x}\n");
    load_bad(f, 5, 17, "unknown key");
}

static void
test_key_errors(void **state)
{
    fixture_t *f = *state;
    char seats[2048];
    make_key(f, "adjudicator");
    make_key(f, "command");
    for (size_t i = 0; i < N_NATIONS; i++)
        make_key(f, nations[i]);

    /* No keys, and an endpoint off loopback. */
    all_seats(seats, sizeof seats, false);
    write_exercise(f,
                   "router: tcp://0.0.0.0:5555\n"
                   "pub: tcp://127.0.0.1:5556\n",
                   seats);
    load_bad(f, 2, 9, "not a loopback endpoint, and no adjudicator_key");

    /* A seat key without adjudicator_key. */
    write_exercise(f, loopback_top, "seats:\n  - {role: FRA, key: FRA.pub}\n");
    load_bad(f, 5, 22, "keys are all given or all absent");

    /* adjudicator_key given, a seat without a key. */
    write_exercise(f, lan_top, "seats:\n  - {role: FRA}\n");
    load_bad(f, 7, 5, "with adjudicator_key every seat needs one");

    /* One key for two seats. */
    all_seats(seats, sizeof seats, true);
    char *gbr = strstr(seats, "GBR.pub");
    memcpy(gbr, "FRA", 3);
    write_exercise(f, lan_top, seats);
    load_bad(f, 8, 22, "the same key as the FRA seat (line 7)");

    /* A key file that is not there, and one that is not a certificate. */
    write_exercise(f, lan_top, "seats:\n  - {role: FRA, key: nope.pub}\n");
    load_bad(f, 7, 22, "nope.pub");
    char path[600];
    snprintf(path, sizeof path, "%s/junk.pub", f->dir);
    FILE *fp = fopen(path, "w");
    fputs("curve\n    public-key = \"short\"\n", fp);
    fclose(fp);
    write_exercise(f, lan_top, "seats:\n  - {role: FRA, key: junk.pub}\n");
    load_bad(f, 7, 22, "junk.pub:2:");
}

static void
test_scenario_errors_pass_through(void **state)
{
    fixture_t *f = *state;
    FILE *fp = fopen(f->file, "w");
    fprintf(fp, "scenario: no-such.yaml\n%sseats: []\n", loopback_top);
    fclose(fp);
    wg_exercise_t *ex = NULL;
    wg_config_error_t err;
    assert_true(wg_exercise_load(f->file, &ex, NULL, &err) < 0);
    assert_null(ex);
    /* The path is resolved against the exercise file's directory. */
    char want[600];
    snprintf(want, sizeof want, "%s/no-such.yaml", f->dir);
    assert_string_equal(err.file, want);
}

static void
test_loopback_endpoints(void **state)
{
    (void)state;
    assert_true(wg_endpoint_is_loopback("tcp://127.0.0.1:5555"));
    assert_true(wg_endpoint_is_loopback("tcp://127.1.2.3:*"));
    assert_true(wg_endpoint_is_loopback("tcp://[::1]:5555"));
    assert_true(wg_endpoint_is_loopback("tcp://localhost:5555"));
    assert_true(wg_endpoint_is_loopback("ipc:///tmp/wg.sock"));
    assert_false(wg_endpoint_is_loopback("tcp://0.0.0.0:5555"));
    assert_false(wg_endpoint_is_loopback("tcp://*:5555"));
    assert_false(wg_endpoint_is_loopback("tcp://10.0.0.1:5555"));
    assert_false(wg_endpoint_is_loopback("tcp://127.0.0.1.evil.example:1"));
    assert_false(wg_endpoint_is_loopback("tcp://localhostx:1"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keys_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_without_keys, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_absent_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seat_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenario_errors_pass_through,
                                        setup, teardown),
        cmocka_unit_test(test_loopback_endpoints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
