/*
 * rng.c - the exercise's one seeded generator: xoshiro256** seeded through
 * splitmix64, with the few distributions the rules need.
 *
 * The generator is plain data owned by whoever holds it (the adjudicator's
 * state); nothing here is global, so it is as thread-safe as its owner. No
 * function fails: arguments out of range are clamped (p to [0, 1], lambda
 * below 0 to 0), and misuse of the API (n == 0) is caught by assert.
 *
 * Every draw is a pure function of the state, so a seed gives the same
 * stream on every run; only libm's exp/log/lgamma enter the Poisson sampler,
 * and those are the same on every machine of one build.
 */
#include "wg/rng.h"

#include <assert.h>
#include <math.h>

static uint64_t
splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void
wg_rng_seed(wg_rng_t *self, uint64_t seed)
{
    /* splitmix64 spreads any seed, 0 included, over the 256-bit state, so
     * the state is never all zero (xoshiro's one forbidden state). */
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        self->s[i] = splitmix64(&x);
}

uint64_t
wg_rng_next(wg_rng_t *self)
{
    uint64_t *s = self->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double
wg_rng_uniform(wg_rng_t *self)
{
    /* The top 53 bits are the best ones of xoshiro256** and exactly fill a
     * double's mantissa: every value k / 2^53 is equally likely. */
    return (double)(wg_rng_next(self) >> 11) * 0x1.0p-53;
}

uint64_t
wg_rng_below(wg_rng_t *self, uint64_t n)
{
    assert(n > 0);
    /* Rejection: 2^64 mod n values at the bottom of the range would be
     * drawn once more often than the others, so they are thrown back.
     * (-n) % n is 2^64 mod n in unsigned arithmetic. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t r = wg_rng_next(self);
        if (r >= threshold)
            return r % n;
    }
}

int
wg_rng_bernoulli(wg_rng_t *self, double p)
{
    /* Certain outcomes draw nothing, so a rule whose probability is 0 or 1
     * in some scenario does not shift the rest of the stream. */
    if (!(p > 0.0))
        return 0;
    if (p >= 1.0)
        return 1;
    return wg_rng_uniform(self) < p;
}

/* Knuth's multiplication method: exact, and cheap for small means (it draws
 * about lambda + 1 uniforms). */
static uint32_t
poisson_knuth(wg_rng_t *self, double lambda)
{
    double limit = exp(-lambda);
    double prod = 1.0;
    uint32_t k = 0;
    for (;;) {
        prod *= wg_rng_uniform(self);
        if (prod <= limit)
            return k;
        k++;
    }
}

/*
 * PTRS, Hörmann (1993), "The transformed rejection method for generating
 * Poisson random variables": exact, and about 1.1 uniform pairs per draw for
 * any lambda >= 10, where Knuth's method would cost lambda draws.
 */
static uint32_t
poisson_ptrs(wg_rng_t *self, double lambda)
{
    double slam = sqrt(lambda);
    double loglam = log(lambda);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2.0);

    for (;;) {
        double u = wg_rng_uniform(self) - 0.5;
        double v = wg_rng_uniform(self);
        double us = 0.5 - fabs(u);
        double k = floor((2.0 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr)
            return k >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)k;
        if (k < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
            -lambda + k * loglam - lgamma(k + 1.0))
            return k >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)k;
    }
}

uint32_t
wg_rng_poisson(wg_rng_t *self, double lambda)
{
    if (!(lambda > 0.0))
        return 0;
    /* Beyond this no count fits the result; infinity would never end. */
    if (lambda > 4.0e9)
        return UINT32_MAX;
    if (lambda < 10.0)
        return poisson_knuth(self, lambda);
    return poisson_ptrs(self, lambda);
}
