/*
 * test_rules_talks.c - the rules of a talks turn (common/rules_talks.c) on
 * a small hand-built table.
 *
 * Three sectors: N (100 km, threat 1) and E (200 km, threat 4) on the
 * line, R a rear hub; so by length x threat E is 8/9 of the line and N
 * 1/9. Regime 0 is the managed truce, 1 the hot one. The state is set by
 * hand: talks read only stability, escalation, regime and the generator.
 * Which way a meeting goes is predicted from a copy of the generator (its
 * next uniform against wg_rules_talks_chance), so every seed checks the
 * effect of the branch it takes, and the loops check both branches came.
 */
#include "wg_cmocka.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg/rules.h"

enum { SN, SE, SR };
#define LINE_E (800.0 / 900.0)
#define LINE_N (100.0 / 900.0)

typedef struct {
    wg_scenario_t sc;
    wg_state_t st;
    wg_turn_result_t res;
    char why[256];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    wg_scenario_t *sc = &fx->sc;
    snprintf(sc->name, sizeof sc->name, "talks");
    sc->n_sectors = 3;
    sc->sectors[SN] = (wg_sector_t){"N", "north", 100, 1.0, false};
    sc->sectors[SE] = (wg_sector_t){"E", "east", 200, 4.0, false};
    sc->sectors[SR] = (wg_sector_t){"R", "rear", 0, 0.05, true};
    sc->n_regimes = 2;
    sc->threat.managed_regime = 0;
    sc->threat.hot_regime = 1;
    fx->st.stability = 65;
    fx->st.escalation = 2;
    wg_rng_seed(&fx->st.rng, 1);
    *state = fx;
    return 0;
}

static int
teardown(void **state)
{
    free(*state);
    return 0;
}

static wg_talks_t
agenda(uint8_t item, uint32_t mask, bool announce)
{
    wg_talks_t t;
    memset(&t, 0, sizeof t);
    t.item = item;
    t.sector_mask = mask;
    t.announce = announce;
    return t;
}

static void
validation(void **state)
{
    fixture_t *fx = *state;
    const wg_scenario_t *sc = &fx->sc;
    wg_talks_t t = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SE, true);
    assert_int_equal(
        wg_rules_validate_talks(sc, &fx->st, &t, fx->why, sizeof fx->why), 0);
    assert_string_equal(fx->why, "");
    assert_int_equal(t.item, WG_TALKS_HEAVY_WEAPONS);
    assert_int_equal(t.sector_mask, 1u << SE);
    assert_true(t.announce);
    /* None named: the whole line, no correction. */
    t = agenda(WG_TALKS_HEAVY_WEAPONS, 0, false);
    assert_int_equal(wg_rules_validate_talks(sc, &fx->st, &t, NULL, 0), 0);
    assert_int_equal(t.sector_mask, 0);

    uint8_t bad[] = {0, 3, 200};
    for (size_t i = 0; i < sizeof bad; i++) {
        t = agenda(bad[i], 0, true);
        assert_int_equal(
            wg_rules_validate_talks(sc, &fx->st, &t, fx->why, sizeof fx->why),
            1);
        assert_int_equal(t.item, WG_TALKS_HOTLINE);
        assert_true(t.announce);
        assert_non_null(strstr(fx->why, "the hotline"));
    }
    t = agenda(WG_TALKS_HOTLINE, 1u << SN, false);
    assert_int_equal(
        wg_rules_validate_talks(sc, &fx->st, &t, fx->why, sizeof fx->why), 1);
    assert_int_equal(t.sector_mask, 0);
    assert_non_null(strstr(fx->why, "sectors only"));
    /* A rear hub is dropped, the line sector kept. */
    t = agenda(WG_TALKS_HEAVY_WEAPONS, (1u << SN) | (1u << SR), false);
    assert_int_equal(
        wg_rules_validate_talks(sc, &fx->st, &t, fx->why, sizeof fx->why), 1);
    assert_int_equal(t.item, WG_TALKS_HEAVY_WEAPONS);
    assert_int_equal(t.sector_mask, 1u << SN);
    assert_non_null(strstr(fx->why, "rear hubs"));
    /* Only a hub, or no such sector: the small ask, not the whole line. */
    t = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SR, false);
    assert_int_equal(wg_rules_validate_talks(sc, &fx->st, &t, NULL, 0), 2);
    assert_int_equal(t.item, WG_TALKS_HOTLINE);
    assert_int_equal(t.sector_mask, 0);
    t = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << 7, false);
    assert_int_equal(
        wg_rules_validate_talks(sc, &fx->st, &t, fx->why, sizeof fx->why), 2);
    assert_int_equal(t.item, WG_TALKS_HOTLINE);
    assert_non_null(strstr(fx->why, "no such sector"));
    /* What validation leaves is valid. */
    assert_int_equal(wg_rules_validate_talks(sc, &fx->st, &t, NULL, 0), 0);
}

static void
hold_is_the_small_ask(void **state)
{
    fixture_t *fx = *state;
    wg_talks_t t = agenda(WG_TALKS_HEAVY_WEAPONS, 3, true);
    for (int r = 0; r < 2; r++) {
        fx->st.regime = (uint32_t)r;
        fx->st.stability = r ? 5 : 95;
        wg_rules_hold_talks(&fx->sc, &fx->st, &t);
        assert_int_equal(t.item, WG_TALKS_HOTLINE);
        assert_int_equal(t.sector_mask, 0);
        assert_false(t.announce);
        assert_int_equal(wg_rules_validate_talks(&fx->sc, &fx->st, &t, NULL, 0),
                         0);
    }
}

static void
share_and_chance(void **state)
{
    fixture_t *fx = *state;
    const wg_scenario_t *sc = &fx->sc;
    wg_state_t *st = &fx->st;
    wg_talks_t hot = agenda(WG_TALKS_HOTLINE, 0, false);
    wg_talks_t e = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SE, false);
    wg_talks_t n = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SN, false);
    wg_talks_t all = agenda(WG_TALKS_HEAVY_WEAPONS, 0, false);
    wg_talks_t both = agenda(WG_TALKS_HEAVY_WEAPONS, 3, false);
    assert_float_equal(wg_rules_talks_share(sc, &hot), 0.0, 1e-12);
    assert_float_equal(wg_rules_talks_share(sc, &e), LINE_E, 1e-12);
    assert_float_equal(wg_rules_talks_share(sc, &n), LINE_N, 1e-12);
    assert_float_equal(wg_rules_talks_share(sc, &all), 1.0, 1e-12);
    assert_float_equal(wg_rules_talks_share(sc, &both), 1.0, 1e-12);

    st->stability = 65;
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.76, 1e-12);
    assert_float_equal(wg_rules_talks_chance(sc, st, &all),
                       0.6 * 0.65 * 0.65 * 0.5, 1e-12);
    assert_float_equal(wg_rules_talks_chance(sc, st, &n),
                       0.6 * 0.65 * 0.65 * (1 - LINE_N / 2), 1e-12);
    /* A smaller ask takes more often; a broken truce takes a fifth. */
    assert_true(wg_rules_talks_chance(sc, st, &n) >
                wg_rules_talks_chance(sc, st, &e));
    assert_true(wg_rules_talks_chance(sc, st, &hot) >
                wg_rules_talks_chance(sc, st, &n));
    double managed = wg_rules_talks_chance(sc, st, &e);
    st->regime = 1;
    assert_float_equal(wg_rules_talks_chance(sc, st, &e), managed * 0.2, 1e-12);
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.76, 1e-12);
    st->regime = 0;
    /* Bounds: stability is read within 0..100. */
    st->stability = 0;
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.5, 1e-12);
    assert_float_equal(wg_rules_talks_chance(sc, st, &all), 0.0, 1e-12);
    st->stability = 100;
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.9, 1e-12);
    assert_float_equal(wg_rules_talks_chance(sc, st, &all), 0.3, 1e-12);
    st->stability = 250;
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.9, 1e-12);
    st->stability = -3;
    assert_float_equal(wg_rules_talks_chance(sc, st, &hot), 0.5, 1e-12);

    assert_float_equal(wg_rules_talks_gain(sc, &e, true), 15 * LINE_E, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &e, false), -3 * LINE_E, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &hot, true), 0, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &hot, false), 0, 1e-12);
    hot.announce = all.announce = true;
    assert_float_equal(wg_rules_talks_gain(sc, &hot, true), 3, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &hot, false), -5, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &all, true), 18, 1e-12);
    assert_float_equal(wg_rules_talks_gain(sc, &all, false), -8, 1e-12);
}

/* One meeting at (stability, escalation, regime) with seed: checks that it
 * drew exactly one number and did what that number says. Returns whether
 * it took. */
static bool
meet(fixture_t *fx, const wg_talks_t *t, double stab, uint32_t esc,
     uint32_t regime, uint64_t seed)
{
    wg_state_t *st = &fx->st;
    st->stability = stab;
    st->escalation = esc;
    st->regime = regime;
    wg_rng_seed(&st->rng, seed);
    memset(&fx->res, 0, sizeof fx->res);
    wg_rng_t next = st->rng;
    bool takes = wg_rng_uniform(&next) < wg_rules_talks_chance(&fx->sc, st, t);
    double want =
        fmax(0, fmin(100, stab + wg_rules_talks_gain(&fx->sc, t, takes)));

    wg_rules_talks(&fx->sc, st, t, &fx->res);
    assert_memory_equal(&st->rng, &next, sizeof next);
    assert_float_equal(st->stability, want, 1e-9);
    assert_int_equal(st->regime, regime);
    bool steps = takes && t->item == WG_TALKS_HOTLINE && esc > 0;
    assert_int_equal(st->escalation, steps ? esc - 1 : esc);
    assert_true(fx->res.n_events >= 1);
    const char *first = fx->res.events[0];
    if (!takes)
        assert_non_null(strstr(first, "refuse"));
    else if (t->item == WG_TALKS_HOTLINE)
        assert_non_null(strstr(first, "keep the hotline"));
    else
        assert_non_null(strstr(first, "agree to withdraw heavy weapons"));
    assert_int_equal(strstr(first, "in public") != NULL, !takes && t->announce);
    return takes;
}

static void
hotline_meetings(void **state)
{
    fixture_t *fx = *state;
    wg_talks_t t = agenda(WG_TALKS_HOTLINE, 0, false);
    int took = 0, n = 2000;
    for (int s = 0; s < n; s++)
        took += meet(fx, &t, 65, 2, 0, 1000 + (uint64_t)s);
    /* 0.76 at 65: within four standard deviations (0.0095). */
    assert_true(fabs((double)took / n - 0.76) < 0.04);
    /* Announced: gains when it takes, loses when refused; at the bounds
     * escalation stays at 0 and stability within 0..100. */
    t.announce = true;
    int yes = 0, no = 0;
    for (int s = 0; s < 200; s++) {
        bool k = meet(fx, &t, s % 2 ? 99 : 2, 0, 1, 5000 + (uint64_t)s);
        yes += k;
        no += !k;
    }
    assert_true(yes > 0 && no > 0);
}

static void
heavy_weapons_meetings(void **state)
{
    fixture_t *fx = *state;
    wg_talks_t t = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SE, false);
    int took = 0, n = 4000;
    for (int s = 0; s < n; s++)
        took += meet(fx, &t, 65, 1, 0, 9000 + (uint64_t)s);
    double p = 0.6 * 0.65 * 0.65 * (1 - LINE_E / 2);
    assert_true(fabs((double)took / n - p) < 4 * sqrt(p * (1 - p) / n));
    /* Broken truce: far rarer; whole line announced at the bounds. */
    took = 0;
    for (int s = 0; s < n; s++)
        took += meet(fx, &t, 65, 1, 1, 9000 + (uint64_t)s);
    assert_true(fabs((double)took / n - p * 0.2) <
                4 * sqrt(p * 0.2 * (1 - p * 0.2) / n));
    t = agenda(WG_TALKS_HEAVY_WEAPONS, 0, true);
    int yes = 0, no = 0;
    for (int s = 0; s < 400; s++) {
        bool k = meet(fx, &t, s % 2 ? 95 : 4, 3, 0, 20000 + (uint64_t)s);
        yes += k;
        no += !k;
    }
    assert_true(yes > 0 && no > 0);
    /* At stability 0 a withdrawal cannot take: still one draw (meet checks
     * it), so the stream after a meeting never depends on the chance. */
    for (uint64_t s = 0; s < 20; s++)
        assert_false(meet(fx, &t, 0, 0, 0, s));
}

/* The same state and agenda give the same state and result, byte for byte;
 * validation, hold and the chance draw nothing. */
static void
deterministic(void **state)
{
    fixture_t *fx = *state;
    wg_state_t *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    wg_turn_result_t *ra = calloc(1, sizeof *ra), *rb = calloc(1, sizeof *rb);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(ra);
    assert_non_null(rb);
    wg_talks_t t = agenda(WG_TALKS_HEAVY_WEAPONS, 1u << SN, true);
    a->stability = 70;
    a->escalation = 1;
    wg_rng_seed(&a->rng, 77);
    wg_rng_t before = a->rng;
    wg_rules_validate_talks(&fx->sc, a, &t, fx->why, sizeof fx->why);
    wg_rules_hold_talks(&fx->sc, a, &(wg_talks_t){0});
    (void)wg_rules_talks_chance(&fx->sc, a, &t);
    assert_memory_equal(&a->rng, &before, sizeof before);
    memcpy(b, a, sizeof *a);
    wg_rules_talks(&fx->sc, a, &t, ra);
    wg_rules_talks(&fx->sc, b, &t, rb);
    assert_memory_equal(a, b, sizeof *a);
    assert_memory_equal(ra, rb, sizeof *ra);
    free(a);
    free(b);
    free(ra);
    free(rb);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(validation),       T(hold_is_the_small_ask),  T(share_and_chance),
        T(hotline_meetings), T(heavy_weapons_meetings), T(deterministic),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
