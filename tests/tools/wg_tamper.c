/*
 * wg-tamper - changes bytes inside one record of an exercise log and makes
 * its frame's CRC-32C good again, as an attacker who knows the format would
 * (tests/integration/chain_tamper.sh). Only the hash chain can catch that.
 *
 *   wg-tamper IN OUT OFFSET NEEDLE REPLACEMENT
 *
 * OFFSET is the file offset of the frame ("offset" in wg-log dump). The
 * first occurrence of NEEDLE inside the frame's payload is overwritten
 * with REPLACEMENT (same length), the frame's CRC is recomputed over the
 * length field and the payload (docs/LOG-FORMAT.md, "Frames"), and the
 * whole file is written to OUT. Exit 0 done, 1 needle not found or bad
 * frame, 2 usage or I/O error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg/log.h"

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr,
                "usage: wg-tamper IN OUT OFFSET NEEDLE REPLACEMENT\n");
        return 2;
    }
    const char *needle = argv[4], *repl = argv[5];
    size_t nlen = strlen(needle);
    if (nlen == 0 || strlen(repl) != nlen) {
        fprintf(stderr, "wg-tamper: NEEDLE and REPLACEMENT must have the "
                        "same, non-zero length\n");
        return 2;
    }
    char *end;
    unsigned long long off = strtoull(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0') {
        fprintf(stderr, "wg-tamper: bad offset '%s'\n", argv[3]);
        return 2;
    }
    size_t size;
    unsigned char *d = slurp(argv[1], &size);
    if (!d) {
        perror(argv[1]);
        return 2;
    }
    int rc = 1;
    if (off > size || size - off < 8) {
        fprintf(stderr, "wg-tamper: no frame at offset %llu\n", off);
        goto out;
    }
    uint32_t len = rd32(d + off);
    if (len == 0 || len > size - off - 8) {
        fprintf(stderr, "wg-tamper: bad frame length %u at offset %llu\n",
                len, off);
        goto out;
    }
    unsigned char *payload = d + off + 8;
    uint32_t crc = wg_crc32c(wg_crc32c(0, d + off, 4), payload, len);
    if (crc != rd32(d + off + 4)) {
        fprintf(stderr, "wg-tamper: the frame at offset %llu fails its "
                        "CRC already\n", off);
        goto out;
    }
    unsigned char *hit = NULL;
    for (size_t i = 0; i + nlen <= len; i++)
        if (memcmp(payload + i, needle, nlen) == 0) {
            hit = payload + i;
            break;
        }
    if (!hit) {
        fprintf(stderr, "wg-tamper: '%s' not in the frame at offset %llu\n",
                needle, off);
        goto out;
    }
    memcpy(hit, repl, nlen);
    wr32(d + off + 4, wg_crc32c(wg_crc32c(0, d + off, 4), payload, len));
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(d, 1, size, f) != size || fclose(f) != 0) {
        perror(argv[2]);
        rc = 2;
        goto out;
    }
    printf("changed '%s' to '%s' at offset %llu (frame %llu), CRC "
           "recomputed\n",
           needle, repl, (unsigned long long)(hit - d), off);
    rc = 0;
out:
    free(d);
    return rc;
}
