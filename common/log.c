/*
 * log.c - the exercise log's file layout and its header; the reader is in
 * log_reader.c, the writer in log_writer.c.
 *
 * docs/LOG-FORMAT.md is the contract; in short, all integers little-endian:
 *
 *   0   magic "\x89WGL\r\n\x1a\n" (8 bytes)
 *   8   u32 format version (3; 2 is still read)
 *   12  u32 H, length of the LogHeader protobuf
 *   16  u32 CRC-32C of the H header bytes
 *   20  LogHeader (proto/log.proto), H bytes
 *   then frames: u32 length L (1..WG_LOG_MAX_RECORD), u32 CRC-32C of the
 *   four length bytes followed by the L payload bytes, L payload bytes
 *   (one wgpb.v1.Envelope).
 *
 * Errors: 0 or a negative code (-errno, WG_ETORN, WG_ECORRUPT, WG_EVERSION,
 * WG_ELIMIT), in all three files; only wg_log_writer_destroy(), which cannot
 * return one, logs.
 */
#include "wg/log.h"
#include "log_int.h"

#include "wg/error.h"
#include "wg/rules.h"

#include "log.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WG_VERSION
#define WG_VERSION "unknown"
#endif

void
wg_log_header_clear(wg_log_header_t *hdr)
{
    if (hdr == NULL)
        return;
    free(hdr->scenario_text);
    memset(hdr, 0, sizeof *hdr);
}

/* ---- header ------------------------------------------------------------ */

static bool
terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int
wg__log_header_encode(const wg_log_header_t *hdr, uint8_t **out,
                      size_t *out_len)
{
    Wgpb__V1__LogHeader lh = WGPB__V1__LOG_HEADER__INIT;
    char started[sizeof hdr->started];

    if (!terminated(hdr->scenario_name, sizeof hdr->scenario_name) ||
        !terminated(hdr->scenario_path, sizeof hdr->scenario_path) ||
        !terminated(hdr->started, sizeof hdr->started))
        return -EINVAL;
    if (hdr->scenario_len > 0 && hdr->scenario_text == NULL)
        return -EINVAL;
    if (hdr->scenario_len > MAX_HEADER / 2)
        return WG_ELIMIT;

    memcpy(started, hdr->started, sizeof started);
    if (started[0] == '\0') {
        /* Metadata only: the wall clock never feeds a decision. */
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    /* A format-2 header is written again only as format 2 (a fork of a
     * format-2 log is one, docs/LOG-FORMAT.md "Versioning"); anything
     * else is the current format. */
    uint32_t version = hdr->version == 2 ? 2 : WG_LOG_FORMAT_VERSION;
    lh.format_version = version;
    lh.scenario_name = (char *)hdr->scenario_name;
    lh.scenario_path = (char *)hdr->scenario_path;
    lh.scenario_hash.data = (uint8_t *)hdr->scenario_hash;
    lh.scenario_hash.len = sizeof hdr->scenario_hash;
    lh.scenario_text.data = (uint8_t *)hdr->scenario_text;
    lh.scenario_text.len = hdr->scenario_len;
    lh.seed = hdr->seed;
    lh.started = started;
    lh.writer = (char *)"wg " WG_VERSION;
    if (version >= 3) /* format 2 has none: rules 1 */
        lh.rules_version =
            hdr->rules_version != 0 ? hdr->rules_version : WG_RULES_VERSION;

    size_t hlen = wgpb__v1__log_header__get_packed_size(&lh);
    uint8_t *buf = malloc(PREAMBLE_LEN + hlen);
    if (buf == NULL)
        return -ENOMEM;
    memcpy(buf, MAGIC, MAGIC_LEN);
    wr32(buf + 8, version);
    wr32(buf + 12, (uint32_t)hlen);
    wgpb__v1__log_header__pack(&lh, buf + PREAMBLE_LEN);
    wr32(buf + 16, wg_crc32c(0, buf + PREAMBLE_LEN, hlen));
    *out = buf;
    *out_len = PREAMBLE_LEN + hlen;
    return 0;
}

static int
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        return WG_ELIMIT;
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/*
 * Checks the preamble and header at the start of a file, given the first
 * n bytes of it (all of the header if the file has it). On success fills
 * *hdr (caller clears it), *first (offset of the first frame) and writer.
 */
int
wg__log_header_parse(const uint8_t *buf, size_t n, wg_log_header_t *hdr,
                     uint64_t *first, char *writer, size_t writer_cap)
{
    size_t m = n < MAGIC_LEN ? n : MAGIC_LEN;
    if (memcmp(buf, MAGIC, m) != 0)
        return WG_ECORRUPT; /* not a log, or mangled by a text transfer */
    if (n < PREAMBLE_LEN)
        return WG_ETORN;
    uint32_t version = rd32(buf + 8);
    if (version < WG_LOG_FORMAT_OLDEST || version > WG_LOG_FORMAT_VERSION)
        return WG_EVERSION;
    uint32_t hlen = rd32(buf + 12);
    if (hlen > MAX_HEADER)
        return WG_ECORRUPT;
    if (n - PREAMBLE_LEN < hlen)
        return WG_ETORN;
    const uint8_t *hb = buf + PREAMBLE_LEN;
    if (wg_crc32c(0, hb, hlen) != rd32(buf + 16))
        return WG_ECORRUPT;

    Wgpb__V1__LogHeader *lh = wgpb__v1__log_header__unpack(NULL, hlen, hb);
    if (lh == NULL)
        return WG_ECORRUPT;
    int rc = WG_ECORRUPT;
    memset(hdr, 0, sizeof *hdr);
    if (lh->format_version != version)
        goto out;
    /* Format 2 had no rules version: its logs are of rules 1. */
    hdr->rules_version = version == 2 ? 1 : lh->rules_version;
    if (hdr->rules_version == 0)
        goto out;
    if (lh->scenario_hash.len != 0 &&
        lh->scenario_hash.len != sizeof hdr->scenario_hash)
        goto out;
    if ((rc = copy_str(hdr->scenario_name, sizeof hdr->scenario_name,
                       lh->scenario_name)) < 0 ||
        (rc = copy_str(hdr->scenario_path, sizeof hdr->scenario_path,
                       lh->scenario_path)) < 0 ||
        (rc = copy_str(hdr->started, sizeof hdr->started, lh->started)) < 0)
        goto out;
    if (writer != NULL && writer_cap > 0)
        snprintf(writer, writer_cap, "%s", lh->writer ? lh->writer : "");
    hdr->version = version;
    if (lh->scenario_hash.len > 0)
        memcpy(hdr->scenario_hash, lh->scenario_hash.data,
               sizeof hdr->scenario_hash);
    hdr->scenario_text = malloc(lh->scenario_text.len + 1);
    if (hdr->scenario_text == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    if (lh->scenario_text.len > 0)
        memcpy(hdr->scenario_text, lh->scenario_text.data,
               lh->scenario_text.len);
    hdr->scenario_text[lh->scenario_text.len] = '\0';
    hdr->scenario_len = lh->scenario_text.len;
    hdr->seed = lh->seed;
    *first = PREAMBLE_LEN + (uint64_t)hlen;
    rc = 0;
out:
    wgpb__v1__log_header__free_unpacked(lh, NULL);
    if (rc < 0)
        wg_log_header_clear(hdr);
    return rc;
}
