/*
 * test_share.c - unit tests of who sees what (wg/share.h): the predicates of
 * each sharing policy on a hand-made state, the scenario key, and an
 * exercise played in-process under each policy (tests/data/short.yaml with
 * `sharing:` appended; WG_SOURCE_DIR is set by ctest). Under coalition and
 * national nothing published carries a unit, nothing addressed to a nation
 * carries another nation's unit, under national another nation's private
 * figures, pledge or incidents; each role gets its own phase start at every
 * phase (as many phases as under full: the round trips are unchanged), its
 * bot plays from it, and the built-in bots end in the state a full run
 * ends in.
 */
#include "wg_cmocka.h"

#include "wg/adjudicator.h"
#include "wg/bot.h"
#include "wg/error.h"
#include "wg/play.h"
#include "wg/rules.h"
#include "wg/share.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* short.yaml, with a sharing key appended when policy is not NULL. */
static char *
scenario_text(const char *policy, size_t *len)
{
    const char *dir = getenv("WG_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/short.yaml", dir ? dir : ".");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *text = malloc(1 << 20);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 20) - 64, f);
    fclose(f);
    if (policy != NULL)
        n += (size_t)snprintf(text + n, 64, "sharing: %s\n", policy);
    *len = n;
    return text;
}

static wg_scenario_t *
load(const char *policy)
{
    size_t len;
    char *text = scenario_text(policy, &len);
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    int rc = wg_scenario_parse("short.yaml", text, len, &sc, &err);
    if (rc != 0)
        fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column,
                err.message);
    free(text);
    assert_int_equal(rc, 0);
    return sc;
}

/* ---- the scenario key -------------------------------------------------- */

static void
test_key(void **state)
{
    (void)state;
    wg_scenario_t *sc = load(NULL);
    assert_int_equal(sc->sharing, WG_SHARING_FULL); /* the default */
    free(sc);
    const char *names[] = {"full", "coalition", "national"};
    for (int i = 0; i < 3; i++) {
        sc = load(names[i]);
        assert_int_equal(sc->sharing, i);
        assert_string_equal(wg_share_name(sc->sharing), names[i]);
        assert_int_equal(wg_share_split(sc->sharing), i != 0);
        free(sc);
    }
    size_t len;
    char *text = scenario_text("secret", &len);
    wg_config_error_t err;
    sc = NULL;
    assert_int_not_equal(wg_scenario_parse("s.yaml", text, len, &sc, &err), 0);
    assert_null(sc);
    assert_true(err.line > 1); /* the line of the bad value */
    free(text);
}

/* ---- the predicates ----------------------------------------------------- */

static const wg_unit_t fra_home = {1, 0, -1, WG_UNIT_PREPARING, 4, 500, 0};
static const wg_unit_t fra_line = {2, 0, 3, WG_UNIT_DEPLOYED, 10, 500, 0};
static const wg_unit_t gbr_line = {3, 1, 2, WG_UNIT_DEPLOYED, 10, 1000, 0};
static const wg_unit_t gbr_home = {4, 1, -1, WG_UNIT_RECOVERING, 3, 1000, 0};

static void
test_units(void **state)
{
    (void)state;
    const wg_unit_t *u[4] = {&fra_home, &fra_line, &gbr_line, &gbr_home};
    /* [policy][viewer: public, command, FRA, GBR][unit] */
    static const bool want[3][4][4] = {
        {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}},
        {{0, 0, 0, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}, {0, 0, 1, 1}},
        {{0, 0, 0, 0}, {0, 1, 1, 0}, {1, 1, 0, 0}, {0, 0, 1, 1}},
    };
    for (int p = 0; p < 3; p++)
        for (int v = 0; v < 4; v++)
            for (int i = 0; i < 4; i++) {
                wg_share_view_t view = {(wg_sharing_t)p, v - 1};
                if (wg_share_unit(&view, u[i]) != want[p][v][i])
                    fail_msg("policy %d viewer %d unit %d", p, v - 1, i);
            }
}

static void
test_nations_pledges(void **state)
{
    (void)state;
    for (int p = 0; p < 3; p++)
        for (int v = -1; v <= 2; v++)
            for (size_t n = 0; n < 2; n++) {
                wg_share_view_t view = {(wg_sharing_t)p, v};
                bool want = p != WG_SHARING_NATIONAL || v == 0 ||
                            (v >= 1 && (size_t)v - 1 == n);
                assert_int_equal(wg_share_nation(&view, n), want);
                assert_int_equal(wg_share_pledge(&view, n), want);
            }
}

static void
test_incidents(void **state)
{
    (void)state;
    wg_state_t *st = calloc(1, sizeof *st);
    assert_non_null(st);
    st->units[0] = fra_line; /* FRA holds sector 3 */
    st->units[1] = gbr_home; /* GBR holds nothing */
    st->n_units = 2;
    const wg_incident_t names_gbr = {1, 5, 0, 1, 3};
    const wg_incident_t in_fra_sector = {2, 3, 0, -1, 7};
    const wg_incident_t elsewhere = {3, 6, 0, -1, 1};
    wg_share_view_t pub = {WG_SHARING_NATIONAL, WG_VIEWER_PUBLIC};
    wg_share_view_t cmd = {WG_SHARING_NATIONAL, 0};
    wg_share_view_t fra = {WG_SHARING_NATIONAL, 1};
    wg_share_view_t gbr = {WG_SHARING_NATIONAL, 2};
    wg_share_view_t coal = {WG_SHARING_COALITION, WG_VIEWER_PUBLIC};
    assert_false(wg_share_incident(&pub, st, &in_fra_sector));
    assert_true(wg_share_incident(&cmd, st, &elsewhere));
    assert_true(wg_share_incident(&fra, st, &in_fra_sector));
    assert_false(wg_share_incident(&fra, st, &names_gbr));
    assert_false(wg_share_incident(&fra, st, &elsewhere));
    assert_true(wg_share_incident(&gbr, st, &names_gbr));
    assert_false(wg_share_incident(&gbr, st, &in_fra_sector));
    assert_true(wg_share_incident(&coal, st, &elsewhere));
    free(st);
}

/* ---- the encoders ------------------------------------------------------- */

/* A NULL view gives the bytes of the encoders that take none (what
 * `sharing: full` sends, and the golden log holds). */
static void
test_encoder_full(void **state)
{
    (void)state;
    wg_scenario_t *sc = load(NULL);
    wg_state_t *st = calloc(1, sizeof *st);
    assert_non_null(st);
    wg_state_init(st, sc);
    st->units[0] = fra_home;
    st->units[1] = gbr_line;
    st->n_units = 2;
    wg_wire_buf_t a = {0}, b = {0};
    wg_wire_put_situation(&a, 4, sc, st);
    wg_wire_put_situation_as(&b, 4, sc, st, NULL);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    wg_wire_buf_free(&a);
    wg_wire_buf_free(&b);
    free(st);
    free(sc);
}

/* ---- an exercise under each policy ------------------------------------- */

typedef struct {
    const wg_scenario_t *sc;
    size_t n_roles;
    uint64_t broadcast_starts, directed_starts[1 + WG_MAX_NATIONS];
    uint64_t leaks; /* envelopes that carry what their viewer may not see */
    char why[256];
    uint8_t digest[32]; /* the last TurnResult's state digest */
    /* What FRA's bot was shown of other nations, over the exercise. */
    uint64_t other_units, other_private, other_deployed;
} watch_t;

/* FRA's bot: the built-in one, after counting what its view holds of
 * other nations (wg_phase_view_t: st and nations). */
static int
spy_decide(const wg_scenario_t *sc, const wg_phase_view_t *v, wg_orders_t *out,
           void *arg)
{
    watch_t *w = arg;
    for (uint32_t i = 0; i < v->st->n_units; i++)
        w->other_units += v->st->units[i].nation != v->nation;
    for (size_t n = 0; n < sc->n_nations; n++) {
        if ((int)n == v->nation)
            continue;
        w->other_private += v->nations[n].preparing != 0 ||
                            v->nations[n].recovering != 0 ||
                            v->nations[n].max_troops != 0;
        w->other_deployed += v->nations[n].deployed != 0;
    }
    const wg_bot_t *b = wg_bot_builtin_contingent();
    return b->decide(sc, v, out, b->arg);
}

/* Counts a leak; the first one is told: "WHAT of WHOSE went to TO". */
static void
leak(watch_t *w, const char *what, const char *whose, const char *to)
{
    if (w->leaks++ == 0)
        snprintf(w->why, sizeof w->why, "%s of %s went to %s", what, whose, to);
}

/* Checks one Situation against what viewer (a role key or public) may see. */
static void
check_situation(watch_t *w, const Wgpb__V1__Situation *sit, int viewer,
                const char *to)
{
    wg_sharing_t p = w->sc->sharing;
    for (size_t i = 0; sit != NULL && i < sit->n_units; i++) {
        const Wgpb__V1__UnitState *u = sit->units[i];
        int n = wg_scenario_nation_index(w->sc, u->nation);
        bool own = viewer >= 1 && n == viewer - 1;
        bool cmd_sees =
            viewer == 0 && (p == WG_SHARING_COALITION ||
                            u->status == WGPB__V1__UNIT_STATUS__UNIT_DEPLOYED);
        if (p != WG_SHARING_FULL && !own && !cmd_sees)
            leak(w, "a unit", u->nation, to);
    }
    for (size_t i = 0; sit != NULL && i < sit->n_nations; i++) {
        const Wgpb__V1__NationState *ns = sit->nations[i];
        int n = wg_scenario_nation_index(w->sc, ns->code);
        bool private = ns->cohesion != 0 || ns->preparing != 0 ||
                       ns->recovering != 0 || ns->max_troops != 0;
        if (p == WG_SHARING_NATIONAL && viewer != 0 && n != viewer - 1 &&
            private)
            leak(w, "the figures", ns->code, to);
    }
}

static void
check_turn_start(watch_t *w, const Wgpb__V1__TurnStart *ts, int viewer,
                 const char *to)
{
    check_situation(w, ts->situation, viewer, to);
    if (w->sc->sharing != WG_SHARING_NATIONAL || viewer == 0)
        return;
    for (size_t i = 0; i < ts->n_pledges; i++)
        if (wg_scenario_nation_index(w->sc, ts->pledges[i]->nation) !=
            viewer - 1)
            leak(w, "the pledge", ts->pledges[i]->nation, to);
    for (size_t i = 0; i < ts->n_incidents; i++)
        if (viewer < 1)
            leak(w, "an incident", ts->incidents[i]->sector, to);
}

static void
watch_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env_in,
         const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)env_in;
    watch_t *w = arg;
    Wgpb__V1__Envelope *env = wg_wire_unpack(bytes, len);
    assert_non_null(env);
    int viewer = dest >= 0 ? dest : WG_VIEWER_PUBLIC;
    if (dest == WG_DEST_SENDER)
        viewer = wg_adjudicator_role_key(u, env->recipient[0] == 'c' ? 2 : 3,
                                         env->recipient);
    const char *to = dest == WG_DEST_BROADCAST ? "the PUB" : env->recipient;
    if (dest == WG_DEST_RECORD) {
        wg_wire_free(env);
        return;
    }
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START:
        if (dest == WG_DEST_BROADCAST)
            w->broadcast_starts++;
        else if (viewer >= 0)
            w->directed_starts[viewer]++;
        check_turn_start(w, env->turn_start, viewer, to);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        check_situation(w, env->welcome->snapshot, viewer, to);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
        for (size_t i = 0; i < env->result->n_nations; i++)
            if (w->sc->sharing == WG_SHARING_NATIONAL &&
                env->result->nations[i]->cohesion != 0)
                leak(w, "the cohesion", env->result->nations[i]->code, to);
        assert_int_equal(env->result->state_digest.len, 32);
        memcpy(w->digest, env->result->state_digest.data, 32);
        break;
    default:
        break;
    }
    wg_wire_free(env);
}

/* Every role joins, and its built-in bot answers every phase start it
 * received, as a worker would; but role `silent` (-1: none), whose phases
 * then end at their deadline and its fallback (the built-in bot in
 * short.yaml) plays it. */
static void
play(const char *policy, int silent, watch_t *w)
{
    size_t len;
    char *text = scenario_text(policy, &len);
    wg_scenario_t *sc = load(policy);
    w->sc = sc;
    w->n_roles = 1 + sc->n_nations;
    wg_adjudicator_t *u = wg_adjudicator_new(sc, text, len, watch_cb, w);
    assert_non_null(u);
    assert_int_equal(wg_adjudicator_join_all(u, NULL), 0);
    wg_adjudicator_start(u);
    while (!wg_adjudicator_done(u)) {
        uint64_t serial = wg_adjudicator_phase_serial(u);
        for (int k = 0; k <= (int)sc->n_nations; k++) {
            size_t n;
            const uint8_t *b = wg_adjudicator_phase_start(u, k, &n);
            assert_non_null(b);
            Wgpb__V1__Envelope *ts = wg_wire_unpack(b, n);
            assert_non_null(ts);
            if (wg_share_split(sc->sharing))
                assert_string_equal(ts->recipient,
                                    wg_adjudicator_role_name(u, k));
            wg_bot_t spy = {WG_BOT_ABI_VERSION, "spy/1", spy_decide, w};
            const wg_bot_t *bot = k == 0   ? wg_bot_builtin_command()
                                  : k == 1 ? &spy
                                           : wg_bot_builtin_contingent();
            uint8_t *order;
            if (k != silent && wg_adjudicator_owes(u, k) &&
                wg_play_phase(bot, sc, ts, k,
                              WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL,
                              &order, &n) == 0) {
                assert_int_equal(wg_adjudicator_receive(u, k, order, n, NULL),
                                 0);
                free(order);
            }
            wg_wire_free(ts);
            if (wg_adjudicator_phase_serial(u) != serial)
                break;
        }
        /* Every bot answered: only a silent role's phase waits for its
         * deadline. */
        if (wg_adjudicator_phase_serial(u) == serial) {
            assert_true(silent >= 0 && wg_adjudicator_owes(u, silent));
            wg_adjudicator_deadline(u);
        }
    }
    wg_adjudicator_stats_t stats;
    wg_adjudicator_stats(u, &stats);
    assert_int_equal(stats.defaulted > 0, silent >= 0);
    assert_int_equal(stats.rejected, 0);
    wg_adjudicator_destroy(&u);
    free(sc);
    free(text);
}

static void
test_exercises(void **state)
{
    (void)state;
    watch_t full, coalition, national;
    memset(&full, 0, sizeof full);
    memset(&coalition, 0, sizeof coalition);
    memset(&national, 0, sizeof national);
    play("full", -1, &full);
    play("coalition", -1, &coalition);
    play("national", -1, &national);
    if (coalition.leaks || national.leaks)
        fail_msg("leaks: coalition %llu (%s), national %llu (%s)",
                 (unsigned long long)coalition.leaks, coalition.why,
                 (unsigned long long)national.leaks, national.why);
    assert_true(full.broadcast_starts >= 14); /* a phase or more a turn */
    /* Under full nobody gets a phase start of its own; under the others
     * every role gets one per phase, and there are as many phases. */
    for (size_t k = 0; k < 1 + WG_MAX_NATIONS; k++) {
        assert_int_equal(full.directed_starts[k], 0);
        bool role = k < national.n_roles;
        assert_int_equal(coalition.directed_starts[k],
                         role ? coalition.broadcast_starts : 0);
        assert_int_equal(national.directed_starts[k],
                         role ? national.broadcast_starts : 0);
    }
    assert_int_equal(coalition.broadcast_starts, full.broadcast_starts);
    assert_int_equal(national.broadcast_starts, full.broadcast_starts);
    /* FRA's bot saw other nations' units only under full, their figures
     * but under national, their troops deployed always. */
    assert_true(full.other_units > 0);
    assert_int_equal(coalition.other_units, 0);
    assert_int_equal(national.other_units, 0);
    assert_true(full.other_private > 0 && coalition.other_private > 0);
    assert_int_equal(national.other_private, 0);
    assert_true(national.other_deployed > 0);
    /* The built-in bots read only what every policy shows them: the same
     * exercise. */
    assert_memory_equal(full.digest, coalition.digest, 32);
    assert_memory_equal(full.digest, national.digest, 32);
}

/* A silent role's fallback bot decides from the phase start that role
 * was sent: under national it plays FRA as it does under full. */
static void
test_fallback_sees_its_role(void **state)
{
    (void)state;
    watch_t full, national;
    memset(&full, 0, sizeof full);
    memset(&national, 0, sizeof national);
    play("full", 1, &full);
    play("national", 1, &national);
    if (national.leaks)
        fail_msg("leaks: %llu (%s)", (unsigned long long)national.leaks,
                 national.why);
    assert_memory_equal(full.digest, national.digest, 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_nations_pledges),
        cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_encoder_full),
        cmocka_unit_test(test_exercises),
        cmocka_unit_test(test_fallback_sees_its_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
