/*
 * wg/rng.h - the one seeded generator of an exercise.
 *
 * xoshiro256** seeded through splitmix64. Every random draw of an exercise
 * comes from the adjudicator's generator, so one seed and the same orders
 * give the same exercise. The state is plain data: copy it to fork it, and
 * it is part of the adjudicated state's digest.
 */
#ifndef WG_RNG_H
#define WG_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} wg_rng_t;

void wg_rng_seed(wg_rng_t *self, uint64_t seed);
uint64_t wg_rng_next(wg_rng_t *self);
/* Uniform in [0, 1) with 53 bits. */
double wg_rng_uniform(wg_rng_t *self);
/* Uniform integer in [0, n), unbiased; n > 0. */
uint64_t wg_rng_below(wg_rng_t *self, uint64_t n);
/* true with probability p (clamped to [0, 1]). */
int wg_rng_bernoulli(wg_rng_t *self, double p);
/* Poisson with mean lambda >= 0; exact for any lambda (PTRS above 10). */
uint32_t wg_rng_poisson(wg_rng_t *self, double lambda);

#endif
