/*
 * sha256.c - SHA-256 (FIPS 180-4), with the x86 SHA extensions when the CPU
 * has them and libsodium's implementation otherwise.
 *
 * The SHA-NI block function follows the Intel white paper "New
 * Instructions Supporting the Secure Hash Algorithm on Intel Architecture
 * Processors" (2013): two sha256rnds2 per four rounds, the message schedule
 * with sha256msg1/sha256msg2. The library is built without -msha; the
 * functions that use it carry a target attribute and run only when
 * CPUID says so (read through <cpuid.h>: clang 14's __builtin_cpu_supports
 * knows no "sha"). Thread-safe, no state, no errors.
 */
#include "sha256_int.h"

#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define WG_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

void
wg__sha256_sw(const void *data, size_t len, uint8_t out[32])
{
    crypto_hash_sha256(out, data, len);
}

#ifdef WG_SHA256_X86

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

bool
wg__sha256_hw_available(void)
{
    unsigned a, b, c, d;

    /* SSE4.1 and SSSE3 in leaf 1's ECX, the SHA extensions in leaf 7's
     * EBX; the OS needs no XSAVE support for 128-bit registers. */
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) ||
        !(c & bit_SSSE3))
        return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return (b & bit_SHA) != 0;
}

/* Four rounds on message quad w (already scheduled). */
#define ROUNDS4(w, q)                                                          \
    do {                                                                       \
        msg =                                                                  \
            _mm_add_epi32((w), _mm_loadu_si128((const __m128i *)&K[4 * (q)])); \
        s1 = _mm_sha256rnds2_epu32(s1, s0, msg);                               \
        msg = _mm_shuffle_epi32(msg, 0x0e);                                    \
        s0 = _mm_sha256rnds2_epu32(s0, s1, msg);                               \
    } while (0)

/* The next message quad t: n holds sha256msg1(quad t-4, quad t-3) (in
 * quads of four words), a and b are quads t-2 and t-1. */
#define SCHEDULE(n, a, b)                                                      \
    do {                                                                       \
        n = _mm_add_epi32(n, _mm_alignr_epi8(b, a, 4));                        \
        n = _mm_sha256msg2_epu32(n, b);                                        \
    } while (0)

/* One 64-byte block into the state (s0 = ABEF, s1 = CDGH). Inlined into
 * the one-lane and the two-lane loops below. */
__attribute__((target("sha,sse4.1,ssse3"), always_inline)) static inline void
block_hw(__m128i *s0p, __m128i *s1p, const uint8_t *p, __m128i bswap)
{
    __m128i s0 = *s0p, s1 = *s1p, abef = s0, cdgh = s1, msg;
    __m128i m0 =
        _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
    __m128i m1 =
        _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
    __m128i m2 =
        _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
    __m128i m3 =
        _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

    /* Quad q lands in m[q % 4]. After the rounds of quad q, the
     * schedule makes quad q + 1 from quad q and q - 1, and only then
     * may sha256msg1 fold quad q into quad q - 1. */
    ROUNDS4(m0, 0);
    ROUNDS4(m1, 1);
    m0 = _mm_sha256msg1_epu32(m0, m1);
    ROUNDS4(m2, 2);
    m1 = _mm_sha256msg1_epu32(m1, m2);
    ROUNDS4(m3, 3);
    SCHEDULE(m0, m2, m3);
    m2 = _mm_sha256msg1_epu32(m2, m3);
    for (int q = 4; q < 12; q += 4) {
        ROUNDS4(m0, q);
        SCHEDULE(m1, m3, m0);
        m3 = _mm_sha256msg1_epu32(m3, m0);
        ROUNDS4(m1, q + 1);
        SCHEDULE(m2, m0, m1);
        m0 = _mm_sha256msg1_epu32(m0, m1);
        ROUNDS4(m2, q + 2);
        SCHEDULE(m3, m1, m2);
        m1 = _mm_sha256msg1_epu32(m1, m2);
        ROUNDS4(m3, q + 3);
        SCHEDULE(m0, m2, m3);
        m2 = _mm_sha256msg1_epu32(m2, m3);
    }
    ROUNDS4(m0, 12);
    SCHEDULE(m1, m3, m0);
    m3 = _mm_sha256msg1_epu32(m3, m0);
    ROUNDS4(m1, 13);
    SCHEDULE(m2, m0, m1);
    ROUNDS4(m2, 14);
    SCHEDULE(m3, m1, m2);
    ROUNDS4(m3, 15);

    *s0p = _mm_add_epi32(s0, abef);
    *s1p = _mm_add_epi32(s1, cdgh);
}

/* The state words in the order sha256rnds2 wants them, and back. */
__attribute__((target("sha,sse4.1,ssse3"), always_inline)) static inline void
state_load(const uint32_t state[8], __m128i *s0, __m128i *s1)
{
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i t1 = _mm_loadu_si128((const __m128i *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xb1);   /* CDAB */
    t1 = _mm_shuffle_epi32(t1, 0x1b);     /* EFGH */
    *s0 = _mm_alignr_epi8(tmp, t1, 8);    /* ABEF */
    *s1 = _mm_blend_epi16(t1, tmp, 0xf0); /* CDGH */
}

__attribute__((target("sha,sse4.1,ssse3"), always_inline)) static inline void
state_store(uint32_t state[8], __m128i s0, __m128i s1)
{
    __m128i tmp = _mm_shuffle_epi32(s0, 0x1b); /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xb1);          /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xf0);       /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);          /* HGFE */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

__attribute__((target("sha,sse4.1,ssse3"))) static void
blocks_hw(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    const __m128i bswap =
        _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i s0, s1;
    state_load(state, &s0, &s1);
    for (; nblocks > 0; nblocks--, p += 64)
        block_hw(&s0, &s1, p, bswap);
    state_store(state, s0, s1);
}

static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* The message's whole blocks, then the padding (0x80, zeros, the length in
 * bits, big-endian), then the digest. */
static void
finish_hw(uint32_t st[8], const uint8_t *p, size_t len, uint8_t out[32])
{
    size_t full = len / 64;
    blocks_hw(st, p, full);
    uint8_t tail[128];
    size_t rest = len - full * 64;
    memcpy(tail, p + full * 64, rest);
    memset(tail + rest, 0, sizeof tail - rest);
    tail[rest] = 0x80;
    size_t tn = rest < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++)
        tail[tn - 1 - i] = (uint8_t)(bits >> (8 * i));
    blocks_hw(st, tail, tn / 64);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(st[i] >> 24);
        out[4 * i + 1] = (uint8_t)(st[i] >> 16);
        out[4 * i + 2] = (uint8_t)(st[i] >> 8);
        out[4 * i + 3] = (uint8_t)st[i];
    }
}

void
wg__sha256_hw(const void *data, size_t len, uint8_t out[32])
{
    uint32_t st[8];
    memcpy(st, H0, sizeof st);
    finish_hw(st, data, len, out);
}

#else /* no x86 SHA extensions */

bool
wg__sha256_hw_available(void)
{
    return false;
}

void
wg__sha256_hw(const void *data, size_t len, uint8_t out[32])
{
    wg__sha256_sw(data, len, out);
}

#endif

static bool
use_hw(void)
{
    /* Every thread would find the same answer; atomic, so that finding it
     * twice is no data race (a replay hashes in two threads). */
    static _Atomic int hw = -1;
    int v = atomic_load_explicit(&hw, memory_order_relaxed);
    if (v < 0) {
        v = wg__sha256_hw_available();
        atomic_store_explicit(&hw, v, memory_order_relaxed);
    }
    return v;
}

void
wg__sha256(const void *data, size_t len, uint8_t out[32])
{
    if (use_hw())
        wg__sha256_hw(data, len, out);
    else
        wg__sha256_sw(data, len, out);
}
