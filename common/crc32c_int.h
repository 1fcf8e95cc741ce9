/*
 * crc32c_int.h - the two implementations behind wg_crc32c(), exposed to
 * the unit tests and benchmarks so they can be compared with each other.
 */
#ifndef WG_CRC32C_INT_H
#define WG_CRC32C_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Portable slice-by-8 tables. */
uint32_t wg__crc32c_sw(uint32_t crc, const void *data, size_t len);
/* True when this CPU has the SSE4.2 crc32 instruction. */
bool wg__crc32c_hw_available(void);
/* The SSE4.2 version; only call it when wg__crc32c_hw_available(). */
uint32_t wg__crc32c_hw(uint32_t crc, const void *data, size_t len);

#endif
