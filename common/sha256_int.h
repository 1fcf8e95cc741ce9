/*
 * sha256_int.h - SHA-256 for the adjudicator's state digests, with the x86 SHA
 * extensions where the CPU has them.
 *
 * The adjudicator hashes the whole Situation at the end of every turn and every
 * record for the hash chain; with libsodium's portable SHA-256 that was
 * the largest single cost of re-adjudicating a log (`wg-log verify`). The
 * result is SHA-256 either way: the SHA-NI path is chosen at run time
 * (CPUID), and libsodium's crypto_hash_sha256 is the fallback.
 * Thread-safe; no errors.
 */
#ifndef WG_SHA256_INT_H
#define WG_SHA256_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void wg__sha256(const void *data, size_t len, uint8_t out[32]);
/* The two implementations, for the unit tests. */
bool wg__sha256_hw_available(void);
void wg__sha256_hw(const void *data, size_t len, uint8_t out[32]);
void wg__sha256_sw(const void *data, size_t len, uint8_t out[32]);

#endif
