/*
 * log_chain.c - the hash chain of a format-3 exercise log
 * (docs/LOG-FORMAT.md, "The seal").
 *
 *   link_0 = SHA-256("wg chain v3" || scenario_hash || seed (u64 LE)
 *                    || rules_version (u32 LE))
 *   link_i = SHA-256(link_{i-1} || SHA-256(record_i))
 *
 * over every record of the log, in file order, with its full bytes: Error
 * replies and Refusals records too. A TurnResult's `chain` is the link
 * before it (over every record before it); its own bytes, that link
 * included, go into the next one. The last link, after the ExerciseEnd,
 * seals the whole log: `wg-log sign` signs it.
 *
 * No state: the caller keeps its link. Used by the writer (the link so far,
 * for the recorder to write into a TurnResult), the replay's reader and
 * `wg-log check`.
 */
#include "log_int.h"
#include "wg/log.h"

#include "wg/rules.h"
#include "wg/wire.h"

#include "sha256_int.h"

#include <string.h>

#define GENESIS_TAG "wg chain v3"

void
wg_log_chain_genesis(const wg_log_header_t *hdr, uint8_t link[32])
{
    uint8_t buf[sizeof GENESIS_TAG - 1 + 32 + 8 + 4];
    size_t n = sizeof GENESIS_TAG - 1;
    uint32_t rules =
        hdr->rules_version != 0 ? hdr->rules_version : WG_RULES_VERSION;
    memcpy(buf, GENESIS_TAG, n);
    memcpy(buf + n, hdr->scenario_hash, 32);
    n += 32;
    for (int i = 0; i < 8; i++)
        buf[n++] = (uint8_t)(hdr->seed >> (8 * i));
    for (int i = 0; i < 4; i++)
        buf[n++] = (uint8_t)(rules >> (8 * i));
    wg__sha256(buf, n, link);
}

void
wg_log_chain_next_digest(uint8_t link[32], const uint8_t digest[32])
{
    uint8_t buf[64];
    memcpy(buf, link, 32);
    memcpy(buf + 32, digest, 32);
    wg__sha256(buf, sizeof buf, link);
}

void
wg_log_chain_next(uint8_t link[32], const uint8_t *rec, size_t len)
{
    uint8_t d[32];
    wg__sha256(rec, len, d);
    wg_log_chain_next_digest(link, d);
}

long
wg_log_chain_offset(const uint8_t *rec, size_t len)
{
    enum { RESULT_CHAIN = 15 }; /* TurnResult.chain, proto/wg.proto */
    size_t rlen = 0, clen = 0;
    const uint8_t *res =
        wg_wire_last_bytes(rec, len, WGPB__V1__ENVELOPE__PAYLOAD_RESULT, &rlen);
    if (res == NULL)
        return -1;
    const uint8_t *chain = wg_wire_last_bytes(res, rlen, RESULT_CHAIN, &clen);
    if (chain == NULL || clen != 32)
        return -1;
    return (long)(chain - rec);
}

int
wg_log_chain_patch(uint8_t *rec, size_t len, const uint8_t link[32])
{
    long off = wg_log_chain_offset(rec, len);
    if (off < 0)
        return -1;
    memcpy(rec + off, link, 32);
    return 0;
}
