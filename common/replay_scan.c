/*
 * replay_scan.c - a log record read and its Envelope's top-level fields
 * scanned, without decoding it: the reader's work, record by record.
 *
 * The walk needs of most records only who sent them, their turn, seq and
 * payload type, and the bytes to compare; decoding every record with
 * protobuf-c cost most of a verify. So the scanner reads those fields
 * straight from the bytes, and leaves to protobuf-c only what it refuses
 * and the recorded inputs the adjudicator takes. wg__scan_record is the whole
 * of the work on one record; replay_thread.c runs it ahead of the walk in
 * its reader thread, or the walk runs it in line.
 *
 * The field numbers the scanner reads are tied to proto/wg.proto: the
 * payload oneof's are read from protobuf-c's descriptor, never copied (a
 * case added to wg.proto is scanned with no change here); the cases it
 * singles out are protobuf-c's constants (WGPB__V1__ENVELOPE__PAYLOAD_*);
 * the plain fields' numbers, for which the generated code has no constant,
 * are checked against the descriptors by unit.replay_scan (see
 * WG__SCANNED_FIELDS in replay_int.h).
 *
 * Pure functions of the bytes, safe in any thread; what does not read is
 * reported in the slot (rc, envelope), never asserted: a log is input.
 */
#include "log_int.h"
#include "replay_int.h"

#include "sha256_int.h"
#include "wg/adjudicator.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* The scanner's switch takes the plain fields' numbers before it looks
 * for a payload: none may be one of the payload's cases, which wg.proto
 * numbers from Join (10). */
#define FIRST_PAYLOAD ((int)WGPB__V1__ENVELOPE__PAYLOAD_JOIN)
_Static_assert(WG__ENVELOPE_SENDER_ROLE < FIRST_PAYLOAD &&
                   WG__ENVELOPE_SENDER_NATION < FIRST_PAYLOAD &&
                   WG__ENVELOPE_TURN < FIRST_PAYLOAD &&
                   WG__ENVELOPE_PHASE < FIRST_PAYLOAD &&
                   WG__ENVELOPE_SEQ < FIRST_PAYLOAD &&
                   WG__ENVELOPE_RECIPIENT < FIRST_PAYLOAD &&
                   WG__ENVELOPE_PROVENANCE < FIRST_PAYLOAD,
               "an Envelope field the scanner reads is numbered among the "
               "payload's cases");

/* Bit n set: field n of an Envelope is a case of its payload oneof, as
 * protobuf-c's descriptor says. Every case wg.proto has is in, Forfeit
 * (23) included, and any case added later, with no change here. (A copied
 * range that ended at Beacon (22) left Forfeit out: the scanner said "no
 * payload" where protobuf-c says Forfeit, and took a Forfeit that was not
 * length-delimited for an unknown field where protobuf-c refuses the
 * envelope.) Bit 0 (no field is numbered 0) says some case is numbered 64
 * or more, beyond the mask: the scanner then leaves any envelope with such
 * a field to protobuf-c. Computed on first use; threads that race compute
 * the same value. */
#define BEYOND_MASK UINT64_C(1)

static uint64_t
payload_fields(void)
{
    static _Atomic uint64_t fields; /* 0 until computed */
    uint64_t m = atomic_load_explicit(&fields, memory_order_relaxed);
    if (m != 0)
        return m;
    const ProtobufCMessageDescriptor *d = &wgpb__v1__envelope__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
            f->quantifier_offset != offsetof(Wgpb__V1__Envelope, payload_case))
            continue;
        m |= f->id < 64 ? UINT64_C(1) << f->id : BEYOND_MASK;
    }
    atomic_store_explicit(&fields, m, memory_order_relaxed);
    return m;
}

static inline bool
is_payload(uint64_t payloads, uint32_t num)
{
    return num < 64 && (payloads >> num & 1) != 0;
}

/* Whether the sub-message's last length-delimited field `want` is a reason
 * a fallback played at a phase start gives. */
static bool
sub_skipped(const uint8_t *p, size_t n, uint32_t want)
{
    size_t len = 0;
    const uint8_t *found = wg_wire_last_bytes(p, n, want, &len);
    char reason[32];
    if (found == NULL || len >= sizeof reason)
        return false;
    memcpy(reason, found, len);
    reason[len] = '\0';
    return wg_adjudicator_skip_reason(reason);
}

int
wg__scan_envelope(const uint8_t *p, size_t n, wg__scan_t *s)
{
    const uint8_t *end = p + n;
    uint64_t payloads = payload_fields();
    memset(s, 0, sizeof *s);
    while (p < end) {
        uint32_t num;
        int wt;
        uint64_t v = 0;
        const uint8_t *d = NULL;
        size_t l = 0;
        if (wg_wire_next_field(&p, end, &num, &wt, &v, &d, &l) < 0 ||
            (num >= 64 && (payloads & BEYOND_MASK)))
            return -1;
        bool varint = num == WG__ENVELOPE_SENDER_ROLE ||
                      num == WG__ENVELOPE_TURN || num == WG__ENVELOPE_PHASE ||
                      num == WG__ENVELOPE_SEQ;
        bool known = varint || num == WG__ENVELOPE_SENDER_NATION ||
                     num == WG__ENVELOPE_RECIPIENT ||
                     num == WG__ENVELOPE_PROVENANCE ||
                     is_payload(payloads, num);
        if (known && wt != (varint ? 0 : 2))
            return -1;
        switch (num) {
        case WG__ENVELOPE_SENDER_ROLE:
            s->sender_role = (int)(int32_t)v;
            break;
        case WG__ENVELOPE_SENDER_NATION:
            if (l < sizeof s->nation) {
                memcpy(s->nation, d, l);
                s->nation[l] = '\0';
            } else {
                s->nation[0] = '\0';
            }
            break;
        case WG__ENVELOPE_TURN:
            s->turn = (uint32_t)v;
            break;
        case WG__ENVELOPE_SEQ:
            s->seq = v;
            break;
        case WG__ENVELOPE_PROVENANCE: {
            s->source = (int)wg_wire_last_varint(d, l, WG__PROVENANCE_SOURCE);
            /* Format 3 says why a fallback played; format 2 only in the
             * reason's words. */
            uint64_t why = wg_wire_last_varint(d, l, WG__PROVENANCE_FALLBACK);
            s->skipped =
                why != 0 ? why == WGPB__V1__FALLBACK_KIND__FALLBACK_KIND_SKIP
                         : sub_skipped(d, l, WG__PROVENANCE_REASON);
            break;
        }
        default:
            if (is_payload(payloads, num)) {
                s->payload = (int)num;
                s->error_code =
                    num == WGPB__V1__ENVELOPE__PAYLOAD_ERROR
                        ? (int)wg_wire_last_varint(d, l, WG__ERROR_CODE)
                        : 0;
            }
        }
    }
    return 0;
}

/* The same fields of an Envelope protobuf-c decoded. */
static void
scan_decoded(const Wgpb__V1__Envelope *env, wg__scan_t *s)
{
    memset(s, 0, sizeof *s);
    s->sender_role = (int)env->sender_role;
    snprintf(s->nation, sizeof s->nation, "%s",
             env->sender_nation ? env->sender_nation : "");
    s->turn = env->turn;
    s->seq = env->seq;
    s->source = env->provenance ? (int)env->provenance->source : 0;
    s->skipped = wg_adjudicator_skipped(env->provenance);
    s->payload = (int)env->payload_case;
    if (s->payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR)
        s->error_code = (int)env->error->code;
}

/* The state_digest a TurnResult record holds. */
static bool
recorded_state_digest(const uint8_t *p, size_t n, uint8_t out[32])
{
    const uint8_t *res, *d = NULL;
    size_t res_len = 0, l = 0;
    res =
        wg_wire_last_bytes(p, n, WGPB__V1__ENVELOPE__PAYLOAD_RESULT, &res_len);
    if (res != NULL)
        d = wg_wire_last_bytes(res, res_len, WG__RESULT_STATE_DIGEST, &l);
    if (d == NULL || l != 32)
        return false;
    memcpy(out, d, 32);
    return true;
}

void
wg__scan_record(wg_log_reader_t *r, wg_arena_t *arena, uint64_t *ord,
                uint8_t *link, bool ahead, wg__slot_t *s)
{
    s->rc = wg_log_reader_next(r, &s->rec, &s->len, &s->off);
    s->index = wg_log_reader_index(r);
    s->envelope = false;
    s->hashed = false;
    s->env = NULL;
    s->has_state_digest = false;
    s->ord = UINT64_MAX;
    if (s->rc != 1)
        return;
    if (link != NULL) { /* format 3: every record's bytes into the chain */
        memcpy(s->link, link, 32);
        wg__sha256(s->rec, s->len, s->digest);
        s->hashed = true;
        wg_log_chain_next_digest(link, s->digest);
    }
    if (!ahead)
        wg_arena_reset(arena);
    if (wg__scan_envelope(s->rec, s->len, &s->s) < 0) {
        /* Let protobuf-c decide: the scanner is strict. */
        const Wgpb__V1__Envelope *env =
            wg_wire_unpack_in(arena, s->rec, s->len);
        if (env == NULL)
            return;
        scan_decoded(env, &s->s);
    }
    s->envelope = true;
    /* Error replies and Refusals are outside the total order. */
    if (s->s.payload == WGPB__V1__ENVELOPE__PAYLOAD_ERROR ||
        s->s.payload == WGPB__V1__ENVELOPE__PAYLOAD_REFUSALS)
        return;
    s->ord = (*ord)++;
    if (!ahead)
        return;
    if (wg__is_recorded_input(&s->s))
        s->env = wg_wire_unpack_in(arena, s->rec, s->len);
    if (s->s.payload == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        s->has_state_digest =
            recorded_state_digest(s->rec, s->len, s->state_digest);
    /* What the adjudicator hashes for the chain: records of the total order
     * but the results (see take_record in adjudicator.c). */
    if (!s->hashed && s->s.seq != 0 &&
        s->s.payload != WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        wg__sha256(s->rec, s->len, s->digest);
        s->hashed = true;
    }
}
