/*
 * crc32c.c - CRC-32C (Castagnoli), the checksum of the exercise log frames.
 *
 * Polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value and final XOR
 * 0xFFFFFFFF, as in iSCSI, ext4 and LevelDB: wg_crc32c(0, "123456789", 9) is
 * 0xE3069283. wg_crc32c(crc, ...) continues a running CRC the way zlib's
 * crc32() does, so wg_crc32c(wg_crc32c(0, a, n), b, m) is the CRC of a || b.
 *
 * On x86-64 CPUs with SSE4.2 the crc32 instruction does the work, 8 bytes at
 * a time, three streams at once on long enough buffers; the choice is made at
 * run time (__builtin_cpu_supports), so the library itself is built without
 * -msse4.2 and still runs on older CPUs. Elsewhere slice-by-8 tables, built
 * once on first use, are used. Thread-safe; no errors.
 */
#include "wg/log.h"

#include "crc32c_int.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define WG_CRC32C_X86 1
#include <nmmintrin.h>
#endif

#define POLY 0x82F63B78u /* 0x1EDC6F41 bit-reversed */

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void
table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (POLY & (0u - (c & 1u)));
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] =
                (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

static inline uint32_t
load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint32_t
wg__crc32c_sw(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t c = ~crc;

    pthread_once(&table_once, table_init);
    while (len > 0 && ((uintptr_t)p & 7) != 0) {
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
        len--;
    }
    /* Slice-by-8: eight table look-ups per 8 bytes, independent of each
     * other, instead of a chain of eight dependent ones. */
    while (len >= 8) {
        uint32_t lo = load_le32(p) ^ c;
        uint32_t hi = load_le32(p + 4);
        c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^
            table[5][(lo >> 16) & 0xff] ^ table[4][lo >> 24] ^
            table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
            table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
        len--;
    }
    return ~c;
}

#ifdef WG_CRC32C_X86
bool
wg__crc32c_hw_available(void)
{
    return __builtin_cpu_supports("sse4.2");
}

/* The crc32 instruction has a latency of three cycles and a throughput of
 * one, so one running CRC uses a third of it. Three CRCs over three
 * adjacent SHORT-byte blocks run at once and are then joined: the CRC
 * register after A || B is the register after A pushed through |B| zero
 * bytes, xor the register of B alone (the CRC is linear). Pushing through
 * zeros is a 32x32 matrix over GF(2), applied here with four 256-entry
 * tables (Mark Adler's method, as in zlib's crc32_combine). */
#define SHORT 256 /* a power of two: zeros_op() squares its way there */

static uint32_t short_zeros[4][256];
static pthread_once_t zeros_once = PTHREAD_ONCE_INIT;

static uint32_t
gf2_times(const uint32_t *mat, uint32_t vec)
{
    uint32_t sum = 0;
    for (; vec; vec >>= 1, mat++)
        if (vec & 1)
            sum ^= *mat;
    return sum;
}

static void
gf2_square(uint32_t *square, const uint32_t *mat)
{
    for (int n = 0; n < 32; n++)
        square[n] = gf2_times(mat, mat[n]);
}

/* The operator for len zero bytes, len a power of two. */
static void
zeros_op(uint32_t even[32], size_t len)
{
    uint32_t odd[32];
    odd[0] = POLY; /* one zero bit */
    for (int n = 1; n < 32; n++)
        odd[n] = 1u << (n - 1);
    gf2_square(even, odd); /* two bits */
    gf2_square(odd, even); /* four bits */
    for (;;) {
        gf2_square(even, odd); /* 1, 4, 16... bytes */
        len >>= 1;
        if (len == 0)
            return;
        gf2_square(odd, even); /* 2, 8, 32... bytes */
        len >>= 1;
        if (len == 0)
            break;
    }
    memcpy(even, odd, sizeof odd);
}

static void
zeros_init(void)
{
    uint32_t op[32];
    zeros_op(op, SHORT);
    for (uint32_t n = 0; n < 256; n++)
        for (int t = 0; t < 4; t++)
            short_zeros[t][n] = gf2_times(op, n << (8 * t));
}

static uint32_t
shift_short(uint32_t crc)
{
    return short_zeros[0][crc & 0xff] ^ short_zeros[1][(crc >> 8) & 0xff] ^
           short_zeros[2][(crc >> 16) & 0xff] ^ short_zeros[3][crc >> 24];
}

__attribute__((target("sse4.2"))) uint32_t
wg__crc32c_hw(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t c = ~crc;

    while (len > 0 && ((uintptr_t)p & 7) != 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        len--;
    }
    if (len >= 3 * SHORT)
        pthread_once(&zeros_once, zeros_init);
    while (len >= 3 * SHORT) {
        uint64_t c1 = 0, c2 = 0;
        for (const uint8_t *end = p + SHORT; p < end; p += 8) {
            uint64_t v0, v1, v2;
            memcpy(&v0, p, 8);
            memcpy(&v1, p + SHORT, 8);
            memcpy(&v2, p + 2 * SHORT, 8);
            c = _mm_crc32_u64(c, v0);
            c1 = _mm_crc32_u64(c1, v1);
            c2 = _mm_crc32_u64(c2, v2);
        }
        c = shift_short((uint32_t)c) ^ (uint32_t)c1;
        c = shift_short((uint32_t)c) ^ (uint32_t)c2;
        p += 2 * SHORT;
        len -= 3 * SHORT;
    }
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8); /* x86 is little-endian, as the CRC wants */
        c = _mm_crc32_u64(c, v);
        p += 8;
        len -= 8;
    }
    while (len > 0) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        len--;
    }
    return ~(uint32_t)c;
}
#else
bool
wg__crc32c_hw_available(void)
{
    return false;
}

uint32_t
wg__crc32c_hw(uint32_t crc, const void *data, size_t len)
{
    return wg__crc32c_sw(crc, data, len);
}
#endif

uint32_t
wg_crc32c(uint32_t crc, const void *data, size_t len)
{
#ifdef WG_CRC32C_X86
    /* A load of a flag that libgcc fills in at start-up: cheap enough to
     * ask on every call. */
    if (__builtin_cpu_supports("sse4.2"))
        return wg__crc32c_hw(crc, data, len);
#endif
    return wg__crc32c_sw(crc, data, len);
}
