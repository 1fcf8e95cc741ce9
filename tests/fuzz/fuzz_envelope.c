/*
 * fuzz_envelope.c - what the adjudicator does with the bytes of an inbound
 * envelope.
 *
 * The input is one envelope as a peer would send it. Three decoders must
 * agree on it: protobuf-c's own unpack, the fast decoder of
 * common/wire_decode.c (which may decline, never differ), and
 * wg_wire_unpack_in(), which the adjudicator and the log reader use (the
 * fast path, else protobuf-c): the same accept or reject, the same value
 * in every field. The record the adjudicator would make of it
 * (wg_wire_restamp) must decode to the same envelope with the new seq and
 * no recipient, and restamping that record must change nothing (a replay
 * makes the record again). Then an adjudicator in process, at the turn and
 * phase the envelope names (within the first turns), receives it from the
 * role it names and plays the phase to its close, so that whatever it
 * accepted goes through the rules. Any difference is a finding (abort);
 * crashes, leaks and undefined behaviour are the sanitizers'.
 */
#include "fuzz.h"

#include "wg/arena.h"
#include "wg/wire.h"
#include "wire_int.h"

#include <stdlib.h>
#include <string.h>

/* Phases played to reach the one the envelope names, at most: the turns
 * past this are left to the fallback paths of the first ones. */
#define MAX_PHASES_AHEAD 12

static void
check_same(const Wgpb__V1__Envelope *a, const Wgpb__V1__Envelope *b,
           const char *what)
{
    const char *where = NULL;
    if (!fz_same_message(&a->base, &b->base, &where))
        fz_finding("%s and protobuf-c decode differently (%s)", what,
                   where ? where : "?");
}

/* The decoders agree; returns protobuf-c's envelope (NULL: refused). */
static Wgpb__V1__Envelope *
cross_check(const uint8_t *data, size_t size)
{
    Wgpb__V1__Envelope *pb = wgpb__v1__envelope__unpack(NULL, size, data);
    Wgpb__V1__Envelope *fast = wg__wire_decode_order(fz_arena(), data, size);
    if (fast != NULL) {
        if (pb == NULL)
            fz_finding("the fast decoder accepts what protobuf-c refuses");
        check_same(fast, pb, "the fast decoder");
    }
    Wgpb__V1__Envelope *in = wg_wire_unpack_in(fz_arena(), data, size);
    if (size > 0 && (in == NULL) != (pb == NULL))
        fz_finding("wg_wire_unpack_in %s what protobuf-c %s",
                   in ? "accepts" : "refuses", pb ? "accepts" : "refuses");
    if (in != NULL)
        check_same(in, pb, "wg_wire_unpack_in");
    return pb;
}

/* The record of an accepted input: what the log keeps of it. */
static void
check_restamp(const uint8_t *data, size_t size, Wgpb__V1__Envelope *pb)
{
    const uint64_t seq = 1234567;
    wg_wire_buf_t rec = {0}, again = {0};
    if (wg_wire_restamp(data, size, seq, &rec) != 0)
        goto out; /* the adjudicator packs the decoded envelope instead */
    Wgpb__V1__Envelope *back =
        wgpb__v1__envelope__unpack(NULL, rec.len, rec.data);
    if (back == NULL)
        fz_finding("the record of an accepted input does not decode");
    uint64_t was_seq = pb->seq;
    char *was_recipient = pb->recipient;
    pb->seq = seq;
    pb->recipient = (char *)protobuf_c_empty_string;
    check_same(back, pb, "the restamped record");
    pb->seq = was_seq;
    pb->recipient = was_recipient;
    wgpb__v1__envelope__free_unpacked(back, NULL);
    if (wg_wire_restamp(rec.data, rec.len, seq, &again) != 0 ||
        again.len != rec.len || memcmp(again.data, rec.data, rec.len) != 0)
        fz_finding("restamping a record changes it");
out:
    wg_wire_buf_free(&rec);
    wg_wire_buf_free(&again);
}

/* The role key the envelope names: 0 the command, 1 + i nation i, -1
 * none (a peer that has not joined). */
static int
sender_key(const wg_scenario_t *sc, const Wgpb__V1__Envelope *env)
{
    if (env->sender_role == WGPB__V1__ROLE__ROLE_COMMAND)
        return 0;
    int i = env->sender_nation
                ? wg_scenario_nation_index(sc, env->sender_nation)
                : -1;
    return i < 0 ? -1 : 1 + i;
}

static void
adjudicate(const uint8_t *data, size_t size, const Wgpb__V1__Envelope *pb)
{
    const char *text;
    size_t len;
    const wg_scenario_t *sc = fz_scenario(&text, &len);
    fz_exercise_t x;
    fz_exercise_open(&x, sc, text, len);
    for (int i = 0; pb && i < MAX_PHASES_AHEAD && !wg_adjudicator_done(x.u);
         i++) {
        uint32_t turn = wg_adjudicator_turn(x.u);
        if (turn > pb->turn ||
            (turn == pb->turn && wg_adjudicator_phase(x.u) >= pb->phase))
            break;
        fz_play_phase(&x, NULL);
    }
    int key = pb ? sender_key(sc, pb) : -1;
    wg_adjudicator_receive(x.u, key, data, size, NULL);
    if (!wg_adjudicator_done(x.u))
        fz_play_phase(&x, NULL);
    fz_exercise_close(&x);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Wgpb__V1__Envelope *pb = cross_check(data, size);
    if (pb != NULL)
        check_restamp(data, size, pb);
    adjudicate(data, size, pb);
    if (pb != NULL)
        wgpb__v1__envelope__free_unpacked(pb, NULL);
    wg_arena_reset(fz_arena());
    return 0;
}
