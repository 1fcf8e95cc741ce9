/*
 * sha256_int.h - SHA-256 for the umpire's state digests, with the x86 SHA
 * extensions where the CPU has them.
 *
 * The umpire hashes the whole Situation at the end of every turn; with
 * libsodium's portable SHA-256 that was the largest single cost of
 * re-adjudicating a log (`wg-log verify`). The result is SHA-256 either
 * way: the SHA-NI path is chosen at run time (__builtin_cpu_supports), and
 * libsodium's crypto_hash_sha256 is the fallback. Thread-safe; no errors.
 */
#ifndef WG_SHA256_INT_H
#define WG_SHA256_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void wg__sha256(const void *data, size_t len, uint8_t out[32]);
/* Two independent messages at once: the same digests as two wg__sha256
 * calls, in less time with SHA-NI (see blocks_hw2 in sha256.c). */
void wg__sha256_x2(const void *a, size_t alen, uint8_t aout[32], const void *b,
                   size_t blen, uint8_t bout[32]);
/* The two implementations, for the unit tests. */
bool wg__sha256_hw_available(void);
void wg__sha256_hw(const void *data, size_t len, uint8_t out[32]);
void wg__sha256_hw2(const void *a, size_t alen, uint8_t aout[32], const void *b,
                    size_t blen, uint8_t bout[32]);
void wg__sha256_sw(const void *data, size_t len, uint8_t out[32]);

#endif
