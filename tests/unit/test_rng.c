/*
 * test_rng.c - the exercise generator: streams, ranges, distributions.
 *
 * Statistical checks use fixed seeds and bounds of several standard errors,
 * so they are deterministic and far from flaky.
 */
#include "wg_cmocka.h"

#include <math.h>
#include <string.h>

#include "wg/rng.h"

static void
same_seed_same_stream(void **state)
{
    (void)state;
    wg_rng_t a, b;
    wg_rng_seed(&a, 20241219);
    wg_rng_seed(&b, 20241219);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(wg_rng_next(&a), wg_rng_next(&b));
    /* Copying the state forks the stream. */
    wg_rng_t c = a;
    for (int i = 0; i < 100; i++)
        assert_int_equal(wg_rng_poisson(&a, 37.5), wg_rng_poisson(&c, 37.5));
}

static void
different_seeds_differ(void **state)
{
    (void)state;
    wg_rng_t a, b, z;
    wg_rng_seed(&a, 1);
    wg_rng_seed(&b, 2);
    wg_rng_seed(&z, 0);
    int same = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = wg_rng_next(&a), y = wg_rng_next(&b);
        same += x == y;
        assert_true(wg_rng_next(&z) != 0 || i > 0); /* seed 0 is fine */
    }
    assert_int_equal(same, 0);
}

/* The first output for seed 0 pins the algorithm: splitmix64 then
 * xoshiro256**. Any change to either changes every recorded exercise. */
static void
known_answer(void **state)
{
    (void)state;
    wg_rng_t a;
    wg_rng_seed(&a, 0);
    /* splitmix64(0) outputs, the published reference values. */
    assert_int_equal(a.s[0], 0xe220a8397b1dcdafULL);
    assert_int_equal(a.s[1], 0x6e789e6aa1b965f4ULL);
    assert_int_equal(a.s[2], 0x06c45d188009454fULL);
    assert_int_equal(a.s[3], 0xf88bb8a8724c81ecULL);
}

static void
uniform_range_and_mean(void **state)
{
    (void)state;
    wg_rng_t r;
    wg_rng_seed(&r, 7);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        double u = wg_rng_uniform(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
    }
    /* sd of the mean: sqrt(1/12/n) ~ 0.00065 */
    assert_true(fabs(sum / n - 0.5) < 0.003);
}

static void
below_range(void **state)
{
    (void)state;
    wg_rng_t r;
    wg_rng_seed(&r, 11);
    int hits[7] = {0};
    for (int i = 0; i < 70000; i++) {
        uint64_t v = wg_rng_below(&r, 7);
        assert_true(v < 7);
        hits[v]++;
    }
    for (int k = 0; k < 7; k++) /* 10,000 each, sd ~ 93 */
        assert_true(hits[k] > 9500 && hits[k] < 10500);
    for (int i = 0; i < 100; i++)
        assert_int_equal(wg_rng_below(&r, 1), 0);
    uint64_t big = (1ULL << 63) + 12345;
    for (int i = 0; i < 1000; i++)
        assert_true(wg_rng_below(&r, big) < big);
}

static void
bernoulli_edges(void **state)
{
    (void)state;
    wg_rng_t r, before;
    wg_rng_seed(&r, 3);
    before = r;
    assert_int_equal(wg_rng_bernoulli(&r, 0.0), 0);
    assert_int_equal(wg_rng_bernoulli(&r, -1.0), 0);
    assert_int_equal(wg_rng_bernoulli(&r, 1.0), 1);
    assert_int_equal(wg_rng_bernoulli(&r, 2.0), 1);
    /* Certain outcomes leave the stream where it was. */
    assert_memory_equal(&r, &before, sizeof r);
    int yes = 0;
    for (int i = 0; i < 100000; i++)
        yes += wg_rng_bernoulli(&r, 0.3);
    assert_true(yes > 29400 && yes < 30600); /* sd ~ 145 */
}

/* Mean and variance of n draws within 5 standard errors. */
static void
check_poisson(double lambda, int n, uint64_t seed)
{
    wg_rng_t r;
    wg_rng_seed(&r, seed);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double k = wg_rng_poisson(&r, lambda);
        sum += k;
        sum2 += k * k;
    }
    double mean = sum / n;
    double var = (sum2 - sum * sum / n) / (n - 1);
    double se_mean = sqrt(lambda / n);
    /* Var of the sample variance of a Poisson: (lambda + 2 lambda^2)/n. */
    double se_var = sqrt((lambda + 2 * lambda * lambda) / n);
    print_message("lambda %g: mean %.4f var %.4f\n", lambda, mean, var);
    assert_true(fabs(mean - lambda) < 5 * se_mean);
    assert_true(fabs(var - lambda) < 5 * se_var);
}

static void
poisson_small(void **state)
{
    (void)state;
    check_poisson(0.5, 200000, 101);
    check_poisson(5, 200000, 102);
}

static void
poisson_large(void **state)
{
    (void)state;
    check_poisson(50, 200000, 103);
    check_poisson(5000, 100000, 104);
}

static void
poisson_edges(void **state)
{
    (void)state;
    wg_rng_t r;
    wg_rng_seed(&r, 5);
    assert_int_equal(wg_rng_poisson(&r, 0.0), 0);
    assert_int_equal(wg_rng_poisson(&r, -3.0), 0);
    assert_int_equal(wg_rng_poisson(&r, NAN), 0);
    assert_int_equal(wg_rng_poisson(&r, INFINITY), UINT32_MAX);
    /* Either side of the switch at 10 gives sensible values. */
    for (int i = 0; i < 1000; i++) {
        assert_true(wg_rng_poisson(&r, 9.999) < 60);
        assert_true(wg_rng_poisson(&r, 10.0) < 60);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_stream),
        cmocka_unit_test(different_seeds_differ),
        cmocka_unit_test(known_answer),
        cmocka_unit_test(uniform_range_and_mean),
        cmocka_unit_test(below_range),
        cmocka_unit_test(bernoulli_edges),
        cmocka_unit_test(poisson_small),
        cmocka_unit_test(poisson_large),
        cmocka_unit_test(poisson_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
