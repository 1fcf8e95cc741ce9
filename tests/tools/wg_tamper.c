/*
 * wg-tamper - changes bytes inside one record of an exercise log and makes
 * its frame's CRC-32C good again, as an attacker who knows the format would
 * (tests/integration/chain_tamper.sh). Only the hash chain can catch that.
 *
 *   wg-tamper IN OUT OFFSET NEEDLE REPLACEMENT
 *   wg-tamper --strip-chain IN OUT
 *   wg-tamper --header IN OUT NEEDLE REPLACEMENT
 *   wg-tamper --rules-version N IN OUT
 *   wg-tamper --flip IN OUT INDEX BYTE [--rechain]
 *
 * OFFSET is the file offset of the frame ("offset" in wg-log dump). The
 * first occurrence of NEEDLE inside the frame's payload is overwritten
 * with REPLACEMENT (same length), the frame's CRC is recomputed over the
 * length field and the payload (docs/LOG-FORMAT.md, "Frames"), and the
 * whole file is written to OUT. Exit 0 done, 1 needle not found or bad
 * frame, 2 usage or I/O error.
 *
 * --strip-chain rewrites the whole log with the chain link removed from
 * every TurnResult, re-framed with good CRCs: a log as a writer without
 * the hash chain would have made it.
 *
 * --header overwrites the first occurrence of NEEDLE in the LogHeader (say,
 * in its scenario_text) with REPLACEMENT (same length, so every protobuf
 * length stays right) and makes the header CRC-32C at offset 16 good again
 * (docs/LOG-FORMAT.md, "Preamble and header"): a header whose scenario text
 * no longer matches its scenario_hash, which only that hash can tell.
 *
 * --rules-version rewrites the log with LogHeader.rules_version N and the
 * same records: a log as a build of rules version N would have headed it
 * (tests/integration/rules_version.sh).
 *
 * --flip rewrites the log with one bit of byte BYTE (modulo the record's
 * length) of record INDEX (from 0) flipped, every frame's CRC good; with
 * --rechain every later TurnResult's chain is the link over the edited
 * log too (format 3), so only a signature can tell
 * (tests/integration/seal.sh).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wg/log.h"
#include "wg/wire.h"

static uint32_t
rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void
wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static unsigned char *
slurp(const char *path, size_t *len)
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

/* What a rewrite of a log changes. */
typedef struct {
    uint32_t rules; /* the header's rules version (0: its own) */
    bool strip;     /* every TurnResult's chain left out */
    bool flip;      /* byte flip_byte (mod its length) of record flip_index
                       flipped */
    uint64_t flip_index, flip_byte;
    bool rechain; /* every later TurnResult's chain made good again */
} rewrite_t;

/* One record, its TurnResult's chain left out: 0, or 1 if it is not an
 * Envelope, 2 if it cannot be written. */
static int
strip_record(wg_log_writer_t *w, const uint8_t *rec, size_t len)
{
    Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
    if (env == NULL)
        return 1;
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        env->result->chain.len = 0; /* not packed when empty */
    uint8_t *buf;
    size_t n;
    int rc = 2;
    if (wg_wire_pack(env, &buf, &n) == 0) {
        rc = wg_log_writer_append(w, buf, n) < 0 ? 2 : 0;
        free(buf);
    }
    wg_wire_free(env);
    return rc;
}

/* Record i of the log, as the rewrite t changes it. */
static int
copy_record(wg_log_writer_t *w, const uint8_t *rec, size_t len, uint64_t i,
            const rewrite_t *t)
{
    if (t->strip)
        return strip_record(w, rec, len);
    uint8_t *c = malloc(len);
    if (c == NULL)
        return 2;
    memcpy(c, rec, len);
    if (t->flip && i == t->flip_index)
        c[t->flip_byte % len] ^= 0x01;
    if (t->rechain && i > t->flip_index) {
        /* What an attacker who knows the format does after an edit: every
         * later link made over the edited log (format 3). */
        uint8_t link[32];
        wg_log_writer_link(w, link);
        wg_log_chain_patch(c, len, link);
    }
    int rc = wg_log_writer_append(w, c, len) < 0 ? 2 : 0;
    free(c);
    return rc;
}

/* The log again, as t changes it; 1 if it has no record t flips. */
static int
rewrite(const char *in, const char *out, const rewrite_t *t)
{
    wg_log_reader_t *r;
    wg_log_writer_t *w;
    if (wg_log_reader_open(in, &r) < 0)
        return 2;
    wg_log_header_t hdr = *wg_log_reader_header(r);
    if (t->rules != 0) { /* which only a format-3 header says */
        hdr.version = WG_LOG_FORMAT_VERSION;
        hdr.rules_version = t->rules;
    }
    if (wg_log_writer_create(out, &hdr, WG_FSYNC_NEVER, &w) < 0) {
        wg_log_reader_destroy(&r);
        return 2;
    }
    const uint8_t *rec;
    size_t len;
    uint64_t off, i = 0;
    int rc = 0;
    while (rc == 0 && wg_log_reader_next(r, &rec, &len, &off) == 1)
        rc = copy_record(w, rec, len, i++, t);
    if (rc == 0 && t->flip && t->flip_index >= i) {
        fprintf(stderr, "wg-tamper: no record #%llu\n",
                (unsigned long long)t->flip_index);
        rc = 1;
    }
    wg_log_writer_destroy(&w);
    wg_log_reader_destroy(&r);
    return rc;
}

/* --flip IN OUT INDEX BYTE [--rechain] */
static int
flip(int argc, char **argv)
{
    rewrite_t t = {.flip = true};
    char *e1, *e2;
    t.flip_index = strtoull(argv[4], &e1, 10);
    t.flip_byte = strtoull(argv[5], &e2, 10);
    if (*argv[4] == '\0' || *e1 != '\0' || *argv[5] == '\0' || *e2 != '\0' ||
        (argc == 7 && strcmp(argv[6], "--rechain") != 0)) {
        fprintf(stderr, "wg-tamper: --flip IN OUT INDEX BYTE [--rechain]\n");
        return 2;
    }
    t.rechain = argc == 7;
    return rewrite(argv[2], argv[3], &t);
}

/* The log again, its header saying rules version `arg`. */
static int
set_rules_version(const char *arg, const char *in, const char *out)
{
    char *end;
    unsigned long rules = strtoul(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || rules == 0 || rules > UINT32_MAX) {
        fprintf(stderr, "wg-tamper: bad rules version '%s'\n", arg);
        return 2;
    }
    rewrite_t t = {.rules = (uint32_t)rules};
    return rewrite(in, out, &t);
}

/* Overwrites NEEDLE in the header and recomputes the header CRC. */
static int
tamper_header(const char *in, const char *out, const char *needle,
              const char *repl)
{
    size_t nlen = strlen(needle);
    if (nlen == 0 || strlen(repl) != nlen) {
        fprintf(stderr, "wg-tamper: NEEDLE and REPLACEMENT must have the "
                        "same, non-zero length\n");
        return 2;
    }
    size_t size;
    unsigned char *d = slurp(in, &size);
    if (!d) {
        perror(in);
        return 2;
    }
    int rc = 1;
    uint32_t hlen = size >= 20 ? rd32(d + 12) : 0;
    if (size < 20 || memcmp(d, "\x89WGL\r\n\x1a\n", 8) != 0 ||
        hlen > size - 20) {
        fprintf(stderr, "wg-tamper: %s: no whole preamble and header\n", in);
        goto out;
    }
    if (wg_crc32c(0, d + 20, hlen) != rd32(d + 16)) {
        fprintf(stderr, "wg-tamper: %s: the header fails its CRC already\n",
                in);
        goto out;
    }
    unsigned char *hit = NULL;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (memcmp(d + 20 + i, needle, nlen) == 0) {
            hit = d + 20 + i;
            break;
        }
    if (!hit) {
        fprintf(stderr, "wg-tamper: '%s' not in the header\n", needle);
        goto out;
    }
    memcpy(hit, repl, nlen);
    wr32(d + 16, wg_crc32c(0, d + 20, hlen));
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(d, 1, size, f) != size || fclose(f) != 0) {
        perror(out);
        rc = 2;
        goto out;
    }
    printf("changed '%s' to '%s' at offset %llu (header), header CRC "
           "recomputed\n",
           needle, repl, (unsigned long long)(hit - d));
    rc = 0;
out:
    free(d);
    return rc;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--strip-chain") == 0)
        return rewrite(argv[2], argv[3], &(rewrite_t){.strip = true});
    if (argc == 6 && strcmp(argv[1], "--header") == 0)
        return tamper_header(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 5 && strcmp(argv[1], "--rules-version") == 0)
        return set_rules_version(argv[2], argv[3], argv[4]);
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "--flip") == 0)
        return flip(argc, argv);
    if (argc != 6) {
        fprintf(stderr, "usage: wg-tamper IN OUT OFFSET NEEDLE REPLACEMENT\n"
                        "       wg-tamper --strip-chain IN OUT\n"
                        "       wg-tamper --header IN OUT NEEDLE "
                        "REPLACEMENT\n"
                        "       wg-tamper --rules-version N IN OUT\n"
                        "       wg-tamper --flip IN OUT INDEX BYTE "
                        "[--rechain]\n");
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
        fprintf(stderr, "wg-tamper: bad frame length %u at offset %llu\n", len,
                off);
        goto out;
    }
    unsigned char *payload = d + off + 8;
    uint32_t crc = wg_crc32c(wg_crc32c(0, d + off, 4), payload, len);
    if (crc != rd32(d + off + 4)) {
        fprintf(stderr,
                "wg-tamper: the frame at offset %llu fails its "
                "CRC already\n",
                off);
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
