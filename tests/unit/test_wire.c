/*
 * test_wire.c - unit tests of the codec (wg/wire.h): every hand-made
 * order (the flat ones: test_order_fields.c) and the turn result survive
 * C value -> protobuf -> bytes -> protobuf -> C value unchanged; the readers
 * refuse unknown codes and counts over the limits; and bytes that are not an
 * Envelope never decode. The scenario is the default one (WG_SOURCE_DIR, set by
 * ctest, locates configs/).
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/error.h"
#include "wg/scenario.h"
#include "wg/wire.h"

#include "wire_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wg_scenario_t *sc;
static wg_arena_t *arena;

static int
setup(void **state)
{
    (void)state;
    if ((sc = wg_test_load_scenario("configs/scenarios/default.yaml")) == NULL)
        return -1;
    arena = wg_arena_new();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    free(sc);
    wg_arena_destroy(&arena);
    return 0;
}

/* Packs env and unpacks it again; the caller frees the result. */
static Wgpb__V1__Envelope *
round_trip(Wgpb__V1__Envelope *env)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(wg_wire_pack(env, &buf, &len), 0);
    Wgpb__V1__Envelope *back = wg_wire_unpack(buf, len);
    free(buf);
    assert_non_null(back);
    return back;
}

static void
test_requirement(void **state)
{
    (void)state;
    char why[128];
    wg_requirement_t req = {{0}};
    for (size_t s = 0; s < sc->n_sectors; s++)
        req.troops[s] = 1000 * (uint32_t)(s + 1);
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT;
    env.requirement = wg_wire_requirement(arena, sc, &req);
    Wgpb__V1__Envelope *back = round_trip(&env);
    wg_requirement_t got;
    assert_int_equal(
        wg_wire_read_requirement(sc, back->requirement, &got, why, sizeof why),
        0);
    assert_memory_equal(&got, &req, sizeof req);
    wg_wire_free(back);
    wg_arena_reset(arena);
}

static void
test_assignment_rotation(void **state)
{
    (void)state;
    char why[128];
    wg_assignment_t asg;
    memset(&asg, 0, sizeof asg);
    asg.troops[0][2] = 5000;
    asg.troops[5][1] = 1500;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT;
    env.assignment = wg_wire_assignment(arena, sc, &asg);
    Wgpb__V1__Envelope *back = round_trip(&env);
    wg_assignment_t ga;
    assert_int_equal(
        wg_wire_read_assignment(sc, back->assignment, &ga, why, sizeof why), 0);
    assert_memory_equal(&ga, &asg, sizeof asg);
    wg_wire_free(back);

    wg_rotation_t rot;
    memset(&rot, 0, sizeof rot);
    rot.relieve[rot.n_relieve++] = 7;
    rot.relieve[rot.n_relieve++] = 9;
    rot.prepare = 3;
    rot.recall[rot.n_recall++] = 11;
    rot.moves[rot.n_moves++] = (wg_move_t){.unit = 12, .sector = 4};
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
    env.rotation = wg_wire_rotation(arena, sc, &rot);
    back = round_trip(&env);
    wg_rotation_t gr;
    assert_int_equal(
        wg_wire_read_rotation(sc, back->rotation, &gr, why, sizeof why), 0);
    assert_memory_equal(&gr, &rot, sizeof rot);
    wg_wire_free(back);
    wg_arena_reset(arena);
}

static void
test_incidents_and_response(void **state)
{
    (void)state;
    char why[128];
    static wg_incident_list_t inc, gi;
    memset(&inc, 0, sizeof inc);
    inc.items[inc.n++] = (wg_incident_t){1, 2, 0, 0, 3};
    inc.items[inc.n++] = (wg_incident_t){2, 3, 4, -1, 1};
    inc.items[inc.n++] = (wg_incident_t){3, 3, 1, 1, 2};
    size_t n;
    Wgpb__V1__Incident **items = wg_wire_incidents(arena, sc, &inc, &n);
    assert_int_equal(n, 3);
    assert_string_equal(items[1]->nation, "");
    assert_int_equal(wg_wire_read_incidents(sc, items, n, &gi, why, sizeof why),
                     0);
    assert_memory_equal(&gi.items[0], &inc.items[0], 3 * sizeof inc.items[0]);

    /* A nation answers only its own incidents. */
    static wg_response_t r, gr;
    memset(&r, 0, sizeof r);
    r.action[0] = WG_ROE_RETURN_FIRE; /* FRA's */
    r.action[2] = WG_ROE_HOLD;        /* GBR's: not FRA's to answer */
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
    env.response = wg_wire_response(arena, &inc, 0, &r);
    Wgpb__V1__Envelope *back = round_trip(&env);
    assert_int_equal(back->response->n_answers, 1);
    assert_int_equal(
        wg_wire_read_response(&inc, back->response, &gr, why, sizeof why), 0);
    assert_int_equal(gr.action[0], WG_ROE_RETURN_FIRE);
    assert_int_equal(gr.action[2], 0);
    wg_wire_free(back);
    wg_arena_reset(arena);
}

static void
test_readers_refuse(void **state)
{
    (void)state;
    char why[128] = "";
    Wgpb__V1__SectorTroops st = WGPB__V1__SECTOR_TROOPS__INIT;
    Wgpb__V1__SectorTroops *sts[] = {&st};
    st.sector = "ZZ";
    st.troops = 100;
    Wgpb__V1__ForceRequirement fr = WGPB__V1__FORCE_REQUIREMENT__INIT;
    fr.sectors = sts;
    fr.n_sectors = 1;
    wg_requirement_t req;
    assert_int_equal(wg_wire_read_requirement(sc, &fr, &req, why, sizeof why),
                     WG_EMALFORMED);
    assert_non_null(strstr(why, "ZZ"));

    Wgpb__V1__NationSectorTroops t = WGPB__V1__NATION_SECTOR_TROOPS__INIT;
    Wgpb__V1__NationSectorTroops *ts[] = {&t};
    t.nation = "USA";
    t.sector = "E1";
    Wgpb__V1__Assignment a = WGPB__V1__ASSIGNMENT__INIT;
    a.assignments = ts;
    a.n_assignments = 1;
    wg_assignment_t asg;
    assert_int_equal(wg_wire_read_assignment(sc, &a, &asg, why, sizeof why),
                     WG_EMALFORMED);

    /* More units than an order may name. */
    static uint32_t many[WG_MAX_ORDER_UNITS + 1];
    Wgpb__V1__RotationOrders ro = WGPB__V1__ROTATION_ORDERS__INIT;
    ro.relieve = many;
    ro.n_relieve = WG_MAX_ORDER_UNITS + 1;
    wg_rotation_t rot;
    assert_int_equal(wg_wire_read_rotation(sc, &ro, &rot, why, sizeof why),
                     WG_EMALFORMED);

    /* An answer to an incident that does not exist, or with no action. */
    static wg_incident_list_t inc;
    inc.n = 1;
    Wgpb__V1__IncidentAnswer ans = WGPB__V1__INCIDENT_ANSWER__INIT;
    Wgpb__V1__IncidentAnswer *answers[] = {&ans};
    Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
    resp.answers = answers;
    resp.n_answers = 1;
    ans.incident = 2;
    ans.action = WGPB__V1__ROE_ACTION__ROE_HOLD;
    static wg_response_t r;
    assert_int_equal(wg_wire_read_response(&inc, &resp, &r, why, sizeof why),
                     WG_EMALFORMED);
    ans.incident = 1;
    ans.action = 9;
    assert_int_equal(wg_wire_read_response(&inc, &resp, &r, why, sizeof why),
                     WG_EMALFORMED);
}

static void
test_unpack_garbage(void **state)
{
    (void)state;
    assert_null(wg_wire_unpack(NULL, 0));
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x12};
    assert_null(wg_wire_unpack(junk, sizeof junk));
    /* A length-delimited field that runs past the end. */
    static const uint8_t cut[] = {0x12, 0x20, 'F', 'R', 'A'};
    assert_null(wg_wire_unpack(cut, sizeof cut));
    /* Random bytes never crash the decoder. */
    uint8_t buf[64];
    uint32_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        size_t n = 1 + (x % sizeof buf);
        for (size_t k = 0; k < n; k++) {
            x = x * 1103515245u + 12345u;
            buf[k] = (uint8_t)(x >> 16);
        }
        wg_wire_free(wg_wire_unpack(buf, n));
    }
}

/* An input's record from its bytes: what packing the decoded envelope with
 * the seq gives, for protobuf-c's bytes; a fixed point on its own output
 * for other orders of fields; refusal of bytes that are not fields. */
static void
test_restamp(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__RotationOrders r = WGPB__V1__ROTATION_ORDERS__INIT;
    Wgpb__V1__Provenance pv = WGPB__V1__PROVENANCE__INIT;
    uint32_t relieve[3] = {4, 300, 12};
    env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation = "FRA";
    env.turn = 7;
    env.phase = WGPB__V1__PHASE__PHASE_ROTATE;
    env.recipient = "command"; /* dropped from the record */
    pv.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT;
    pv.agent = "test/1";
    env.provenance = &pv;
    r.n_relieve = 3;
    r.relieve = relieve;
    r.prepare = 2;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
    env.rotation = &r;

    wg_wire_buf_t out = {0}, again = {0};
    for (uint64_t in_seq = 0; in_seq < 2; in_seq++) {
        env.seq = in_seq * 99; /* what a peer claims is ignored */
        env.recipient = "command";
        uint8_t *in;
        size_t in_len;
        assert_int_equal(wg_wire_pack(&env, &in, &in_len), 0);
        uint64_t seqs[] = {0, 1, 127, 128, 1u << 20, UINT64_MAX};
        for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
            env.seq = seqs[i];
            env.recipient = "";
            uint8_t *want;
            size_t want_len;
            assert_int_equal(wg_wire_pack(&env, &want, &want_len), 0);
            assert_int_equal(wg_wire_restamp(in, in_len, seqs[i], &out), 0);
            assert_int_equal(out.len, want_len);
            assert_memory_equal(out.data, want, want_len);
            assert_int_equal(
                wg_wire_restamp(out.data, out.len, seqs[i], &again), 0);
            assert_int_equal(again.len, out.len);
            assert_memory_equal(again.data, out.data, out.len);
            free(want);
        }
        free(in);
    }

    /* Fields out of order (another encoder): seq goes before the first
     * field numbered 5 or more, and a second pass changes nothing. */
    static const uint8_t odd[] = {0x18, 0x07,             /* turn 7 */
                                  0x3a, 0x02, 0x08, 0x01, /* provenance */
                                  0x08, 0x02,             /* sender_role */
                                  0x28, 0x05,             /* seq 5 */
                                  0x32, 0x01, 'x'};       /* recipient */
    assert_int_equal(wg_wire_restamp(odd, sizeof odd, 9, &out), 0);
    static const uint8_t want_odd[] = {0x18, 0x07, 0x28, 0x09, 0x3a,
                                       0x02, 0x08, 0x01, 0x08, 0x02};
    assert_int_equal(out.len, sizeof want_odd);
    assert_memory_equal(out.data, want_odd, sizeof want_odd);
    assert_int_equal(wg_wire_restamp(out.data, out.len, 9, &again), 0);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.data, out.data, out.len);

    /* Not fields: a truncated varint, a length past the end, a group. */
    static const uint8_t bad1[] = {0x18, 0x80};
    static const uint8_t bad2[] = {0x3a, 0x05, 0x01};
    static const uint8_t bad3[] = {0x0b, 0x0c};
    assert_int_equal(wg_wire_restamp(bad1, sizeof bad1, 1, &out),
                     WG_EMALFORMED);
    assert_int_equal(wg_wire_restamp(bad2, sizeof bad2, 1, &out),
                     WG_EMALFORMED);
    assert_int_equal(wg_wire_restamp(bad3, sizeof bad3, 1, &out),
                     WG_EMALFORMED);
    wg_wire_buf_free(&out);
    wg_wire_buf_free(&again);
}

/* ---- the fast decoder of what workers send ------------------------------ */

static uint8_t *
pack_env(const Wgpb__V1__Envelope *env, size_t *len)
{
    uint8_t *buf;
    assert_int_equal(wg_wire_pack(env, &buf, len), 0);
    return buf;
}

/* Whatever the fast decoder accepts, protobuf-c accepts too and decodes to
 * the same message (the same bytes when packed again). Returns whether the
 * fast decoder took it. */
static bool
fast_agrees(const uint8_t *bytes, size_t len)
{
    wg_arena_t *a = wg_arena_new();
    Wgpb__V1__Envelope *fast = wg__wire_decode_order(a, bytes, len);
    Wgpb__V1__Envelope *slow = wgpb__v1__envelope__unpack(NULL, len, bytes);
    if (fast != NULL) {
        assert_non_null(slow);
        size_t fl, sl;
        uint8_t *fb = pack_env(fast, &fl), *sb = pack_env(slow, &sl);
        assert_int_equal(fl, sl);
        assert_memory_equal(fb, sb, fl);
        free(fb);
        free(sb);
    }
    if (slow != NULL)
        wgpb__v1__envelope__free_unpacked(slow, NULL);
    wg_arena_destroy(&a);
    return fast != NULL;
}

static void
test_fast_decoder(void **state)
{
    (void)state;
    Wgpb__V1__Provenance pv = WGPB__V1__PROVENANCE__INIT;
    pv.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT;
    pv.agent = "wg-contingent-bot/1";
    pv.rationale = "hold the line";
    pv.assistance = WGPB__V1__ASSISTANCE__ASSISTANCE_EDITED;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    join.agent = "team-red";
    Wgpb__V1__Forfeit ff = WGPB__V1__FORFEIT__INIT;
    ff.reason = "disconnected";
    ff.leaving = 1;
    Wgpb__V1__SectorTroops st[2] = {WGPB__V1__SECTOR_TROOPS__INIT,
                                    WGPB__V1__SECTOR_TROOPS__INIT};
    st[0].sector = "E1";
    st[0].troops = 4300;
    st[1].sector = "R";
    Wgpb__V1__SectorTroops *stp[2] = {&st[0], &st[1]};
    Wgpb__V1__ForceRequirement req = WGPB__V1__FORCE_REQUIREMENT__INIT;
    req.n_sectors = 2;
    req.sectors = stp;
    char *secs[3] = {"E1", "E2", "S1"};
    Wgpb__V1__Pledge pl = WGPB__V1__PLEDGE__INIT;
    pl.nation = "FRA";
    pl.troops = 4500;
    pl.n_sectors = 3;
    pl.sectors = secs;
    Wgpb__V1__NationSectorTroops nst = WGPB__V1__NATION_SECTOR_TROOPS__INIT;
    nst.nation = "GBR";
    nst.sector = "E3";
    nst.troops = 1000;
    Wgpb__V1__NationSectorTroops *nstp[1] = {&nst};
    Wgpb__V1__Assignment asg = WGPB__V1__ASSIGNMENT__INIT;
    asg.n_assignments = 1;
    asg.assignments = nstp;
    uint32_t relieve[4] = {1, 127, 128, 4000000000u}, recall[1] = {9};
    Wgpb__V1__UnitMove mv = WGPB__V1__UNIT_MOVE__INIT;
    mv.unit = 12;
    mv.sector = "S2";
    Wgpb__V1__UnitMove *mvp[1] = {&mv};
    Wgpb__V1__RotationOrders rot = WGPB__V1__ROTATION_ORDERS__INIT;
    rot.n_relieve = 4;
    rot.relieve = relieve;
    rot.prepare = 3;
    rot.n_recall = 1;
    rot.recall = recall;
    rot.n_moves = 1;
    rot.moves = mvp;
    Wgpb__V1__IncidentAnswer ans[3] = {WGPB__V1__INCIDENT_ANSWER__INIT,
                                       WGPB__V1__INCIDENT_ANSWER__INIT,
                                       WGPB__V1__INCIDENT_ANSWER__INIT};
    ans[0].incident = 1;
    ans[0].action = WGPB__V1__ROE_ACTION__ROE_HOLD;
    ans[1].incident = 300;
    ans[1].action = WGPB__V1__ROE_ACTION__ROE_WITHDRAW;
    Wgpb__V1__IncidentAnswer *ansp[3] = {&ans[0], &ans[1], &ans[2]};
    Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
    resp.n_answers = 3;
    resp.answers = ansp;
    char *reinf[2] = {"E2", "E3"};
    Wgpb__V1__CommandDecision dec = WGPB__V1__COMMAND_DECISION__INIT;
    dec.n_reinforce = 2;
    dec.reinforce = reinf;
    dec.robust_roe = 1;

    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation = "FRA";
    env.turn = 17;
    env.phase = WGPB__V1__PHASE__PHASE_RESPOND;
    env.seq = 1234567;
    env.provenance = &pv;
    struct {
        int pc;
        void *m;
    } payloads[] = {
        {WGPB__V1__ENVELOPE__PAYLOAD_JOIN, &join},
        {WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT, &ff},
        {WGPB__V1__ENVELOPE__PAYLOAD_REQUIREMENT, &req},
        {WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE, &pl},
        {WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT, &asg},
        {WGPB__V1__ENVELOPE__PAYLOAD_ROTATION, &rot},
        {WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE, &resp},
        {WGPB__V1__ENVELOPE__PAYLOAD_DECISION, &dec},
    };
    uint64_t s = 0x243f6a8885a308d3ull;
    size_t taken = 0, declined = 0;
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        env.payload_case = (Wgpb__V1__Envelope__PayloadCase)payloads[i].pc;
        env.join = payloads[i].m; /* the oneof's members share storage */
        for (int variant = 0; variant < 2; variant++) {
            /* With and without the optional parts. */
            env.provenance = variant ? NULL : &pv;
            env.recipient = variant ? "command" : "";
            size_t len;
            uint8_t *b = pack_env(&env, &len);
            assert_true(fast_agrees(b, len)); /* canonical: taken */
            /* Mutations: every byte changed, cuts, a field repeated. */
            uint8_t *m = malloc(len * 2 + 16);
            assert_non_null(m);
            for (size_t k = 0; k < len; k++) {
                for (int rep = 0; rep < 4; rep++) {
                    s ^= s << 13;
                    s ^= s >> 7;
                    s ^= s << 17;
                    memcpy(m, b, len);
                    m[k] =
                        rep == 0 ? (uint8_t)(m[k] ^ 0x80) : (uint8_t)(s >> 24);
                    if (fast_agrees(m, len))
                        taken++;
                    else
                        declined++;
                }
                if (fast_agrees(b, k))
                    taken++;
                else
                    declined++;
                memcpy(m, b, len);
                memcpy(m + len, b, k); /* the first fields again */
                if (fast_agrees(m, len + k))
                    taken++;
                else
                    declined++;
            }
            free(m);
            free(b);
        }
    }
    /* The adjudicator's own envelopes are protobuf-c's to decode. */
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    err.detail = "x";
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    size_t len;
    uint8_t *b = pack_env(&env, &len);
    assert_false(fast_agrees(b, len));
    free(b);
    /* Both outcomes were seen often. */
    print_message("fast decoder: %zu mutations taken, %zu declined\n", taken,
                  declined);
    assert_true(taken > 100);
    assert_true(declined > 100);
}

/* The direct TurnResult encoder against protobuf-c, on the corners: empty
 * and missing strings, the largest numbers, negative enums, -0.0, many
 * outcomes, no digests. */
static void
test_result_encoder(void **state)
{
    (void)state;
    Wgpb__V1__NationResult nat[2] = {WGPB__V1__NATION_RESULT__INIT,
                                     WGPB__V1__NATION_RESULT__INIT};
    nat[0].code = "FRA";
    nat[0].deployed = UINT32_MAX;
    nat[0].cohesion = -0.0;
    nat[0].leaving = 1;
    nat[1].code = NULL;
    nat[1].cohesion = 55.25;
    nat[1].gaps = 128;
    Wgpb__V1__NationResult *natp[2] = {&nat[0], &nat[1]};
    Wgpb__V1__SectorState sec = WGPB__V1__SECTOR_STATE__INIT;
    sec.code = "E1";
    sec.threat = 3;
    sec.rear = 1;
    sec.coverage = 0.25;
    Wgpb__V1__SectorState *secp[1] = {&sec};
    Wgpb__V1__IncidentOutcome out[300];
    Wgpb__V1__IncidentOutcome *outp[300];
    for (int i = 0; i < 300; i++) {
        wgpb__v1__incident_outcome__init(&out[i]);
        out[i].incident = (uint32_t)i + 1;
        out[i].kia = (uint32_t)(i % 3);
        out[i].escalated = i % 7 == 0;
        out[i].action = (Wgpb__V1__RoeAction)(i % 5 == 4 ? -1 : i % 5);
        outp[i] = &out[i];
    }
    char *events[3] = {"FRA leaves", "", "a note"};
    char *defaulted[1] = {"GBR"};
    uint8_t digest[32];
    memset(digest, 0xab, sizeof digest);
    Wgpb__V1__TurnResult r = WGPB__V1__TURN_RESULT__INIT;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = 9;
    env.phase = WGPB__V1__PHASE__PHASE_RESULT;
    env.seq = 300;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = &r;
    wg_wire_buf_t out_buf = {0};
    for (int variant = 0; variant < 3; variant++) {
        if (variant == 1) {
            r.type = WGPB__V1__TURN_TYPE__TURN_INCIDENT;
            r.week = 12;
            r.n_nations = 2;
            r.nations = natp;
            r.n_sectors = 1;
            r.sectors = secp;
            r.incidents = 31;
            r.stability = -0.0;
            r.regime = "";
            r.n_outcomes = 300;
            r.outcomes = outp;
            r.n_events = 3;
            r.events = events;
            r.n_defaulted = 1;
            r.defaulted = defaulted;
        }
        if (variant == 2) {
            r.stability = 42.5;
            r.regime = "hot";
            r.escalation = 3;
            r.state_digest = (ProtobufCBinaryData){32, digest};
            r.chain = (ProtobufCBinaryData){32, digest};
        }
        uint8_t *want;
        size_t want_len;
        assert_int_equal(wg_wire_pack(&env, &want, &want_len), 0);
        assert_int_equal(wg_wire_pack_result(&env, &out_buf), 0);
        assert_int_equal(out_buf.len, want_len);
        assert_memory_equal(out_buf.data, want, want_len);
        free(want);
    }
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_END;
    assert_int_equal(wg_wire_pack_result(&env, &out_buf), WG_EMALFORMED);
    wg_wire_buf_free(&out_buf);
}

/* ---- a TurnResult with every field set ----------------------------------
 *
 * The corners above leave many fields at zero, and proto3 leaves a zero
 * field out, so an encoder that forgot one of them would still match.
 * Here every field of the result and of each of its elements is non-zero
 * and different from its neighbours (a field written under another's
 * number shows too), and protobuf-c is the oracle twice over: its pack of
 * the same message gives the same bytes, and its unpack of our bytes gives
 * back every field.
 */

static void
assert_double_same(double a, double b)
{
    /* Bit for bit: -0.0 and 0.0 are different bytes on the wire. */
    assert_memory_equal(&a, &b, sizeof a);
}

static void
assert_bytes_field_equal(ProtobufCBinaryData a, ProtobufCBinaryData b)
{
    assert_int_equal(a.len, b.len);
    if (a.len > 0)
        assert_memory_equal(a.data, b.data, a.len);
}

/* Every field of two TurnResult messages, element by element. */
static void
assert_result_msg_equal(const Wgpb__V1__TurnResult *a,
                        const Wgpb__V1__TurnResult *b)
{
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->week, b->week);
    assert_int_equal(a->n_nations, b->n_nations);
    for (size_t i = 0; i < a->n_nations; i++) {
        const Wgpb__V1__NationResult *x = a->nations[i], *y = b->nations[i];
        assert_string_equal(x->code, y->code);
        assert_int_equal(x->deployed, y->deployed);
        assert_int_equal(x->preparing, y->preparing);
        assert_int_equal(x->recovering, y->recovering);
        assert_int_equal(x->kia, y->kia);
        assert_int_equal(x->wia, y->wia);
        assert_double_same(x->cohesion, y->cohesion);
        assert_int_equal(x->withdrawn, y->withdrawn);
        assert_int_equal(x->leaving, y->leaving);
        assert_int_equal(x->gaps, y->gaps);
    }
    assert_int_equal(a->n_sectors, b->n_sectors);
    for (size_t i = 0; i < a->n_sectors; i++) {
        const Wgpb__V1__SectorState *x = a->sectors[i], *y = b->sectors[i];
        assert_string_equal(x->code, y->code);
        assert_int_equal(x->length_km, y->length_km);
        assert_double_same(x->threat, y->threat);
        assert_int_equal(x->rear, y->rear);
        assert_int_equal(x->required, y->required);
        assert_int_equal(x->deployed, y->deployed);
        assert_double_same(x->coverage, y->coverage);
    }
    assert_int_equal(a->incidents, b->incidents);
    assert_int_equal(a->kia, b->kia);
    assert_int_equal(a->wia, b->wia);
    assert_int_equal(a->escalation, b->escalation);
    assert_double_same(a->stability, b->stability);
    assert_string_equal(a->regime, b->regime);
    assert_int_equal(a->n_outcomes, b->n_outcomes);
    for (size_t i = 0; i < a->n_outcomes; i++) {
        const Wgpb__V1__IncidentOutcome *x = a->outcomes[i],
                                        *y = b->outcomes[i];
        assert_int_equal(x->incident, y->incident);
        assert_int_equal(x->kia, y->kia);
        assert_int_equal(x->wia, y->wia);
        assert_int_equal(x->escalated, y->escalated);
        assert_int_equal(x->action, y->action);
    }
    assert_int_equal(a->n_events, b->n_events);
    for (size_t i = 0; i < a->n_events; i++)
        assert_string_equal(a->events[i], b->events[i]);
    assert_int_equal(a->n_defaulted, b->n_defaulted);
    for (size_t i = 0; i < a->n_defaulted; i++)
        assert_string_equal(a->defaulted[i], b->defaulted[i]);
    assert_bytes_field_equal(a->state_digest, b->state_digest);
    assert_bytes_field_equal(a->chain, b->chain);
}

/* Our encoding of env (a TurnResult envelope) is protobuf-c's, and
 * protobuf-c decodes it to every field of env's result. The bare message
 * (field 0) is checked too. */
static void
check_result_encoding(const Wgpb__V1__Envelope *env)
{
    uint8_t *want;
    size_t want_len;
    assert_int_equal(wg_wire_pack(env, &want, &want_len), 0);
    wg_wire_buf_t ours = {0};
    assert_int_equal(wg_wire_pack_result(env, &ours), 0);
    assert_int_equal(ours.len, want_len);
    assert_memory_equal(ours.data, want, want_len);
    free(want);

    Wgpb__V1__Envelope *back = wg_wire_unpack(ours.data, ours.len);
    assert_non_null(back);
    assert_int_equal(back->payload_case, WGPB__V1__ENVELOPE__PAYLOAD_RESULT);
    assert_int_equal(back->turn, env->turn);
    assert_int_equal(back->seq, env->seq);
    assert_result_msg_equal(back->result, env->result);
    wg_wire_free(back);

    /* The bare message, after bytes already in the buffer. */
    static const uint8_t before[3] = {1, 2, 3};
    ours.len = 0;
    memcpy(ours.data, before, sizeof before);
    ours.len = sizeof before;
    size_t at = wg_wire_put_result(&ours, 0, env->result);
    assert_int_equal(at, sizeof before);
    assert_memory_equal(ours.data, before, sizeof before);
    size_t bare_len = wgpb__v1__turn_result__get_packed_size(env->result);
    assert_int_equal(ours.len - at, bare_len);
    uint8_t *bare = malloc(bare_len);
    assert_non_null(bare);
    wgpb__v1__turn_result__pack(env->result, bare);
    assert_memory_equal(ours.data + at, bare, bare_len);
    free(bare);
    Wgpb__V1__TurnResult *m =
        wgpb__v1__turn_result__unpack(NULL, ours.len - at, ours.data + at);
    assert_non_null(m);
    assert_result_msg_equal(m, env->result);
    wgpb__v1__turn_result__free_unpacked(m, NULL);
    wg_wire_buf_free(&ours);
}

/* The message built by hand: every field of every element set, varints of
 * one and several bytes, every element of the repeated fields non-empty. */
static void
test_result_every_field(void **state)
{
    (void)state;
    enum { NN = 3, NS = 2, NO = 3 };
    static const char *codes[NN] = {"FRA", "GBR", "DEU"};
    static const char *sectors[NS] = {"E1", "R"};
    Wgpb__V1__NationResult nat[NN], *natp[NN];
    for (uint32_t i = 0; i < NN; i++) {
        wgpb__v1__nation_result__init(&nat[i]);
        nat[i].code = (char *)codes[i];
        nat[i].deployed = 12000 + i;
        nat[i].preparing = 3000 + i;
        nat[i].recovering = 200 + i;
        nat[i].kia = 7 + i;
        nat[i].wia = 130 + i;
        nat[i].cohesion = 61.5 + i;
        nat[i].withdrawn = 1;
        nat[i].leaving = 1;
        nat[i].gaps = 2 + i;
        natp[i] = &nat[i];
    }
    Wgpb__V1__SectorState sec[NS], *secp[NS];
    for (uint32_t i = 0; i < NS; i++) {
        wgpb__v1__sector_state__init(&sec[i]);
        sec[i].code = (char *)sectors[i];
        sec[i].length_km = 150 + i;
        sec[i].threat = 3.25 + i;
        sec[i].rear = 1;
        sec[i].required = 9000 + i;
        sec[i].deployed = 8000 + i;
        sec[i].coverage = 0.875 - 0.25 * i;
        secp[i] = &sec[i];
    }
    Wgpb__V1__IncidentOutcome out[NO], *outp[NO];
    for (uint32_t i = 0; i < NO; i++) {
        wgpb__v1__incident_outcome__init(&out[i]);
        out[i].incident = 1 + 2 * i;
        out[i].kia = 1 + i;
        out[i].wia = 150 + i;
        out[i].escalated = 1;
        out[i].action =
            (Wgpb__V1__RoeAction)(WGPB__V1__ROE_ACTION__ROE_HOLD + (int)i);
        outp[i] = &out[i];
    }
    char *events[2] = {"GBR leaves when its tours end", "ceasefire talks"};
    char *defaulted[2] = {"command", "TUR"};
    uint8_t digest[32], chain[32];
    for (int i = 0; i < 32; i++) {
        digest[i] = (uint8_t)(0x80 + i);
        chain[i] = (uint8_t)(0x41 + i);
    }
    Wgpb__V1__TurnResult r = WGPB__V1__TURN_RESULT__INIT;
    r.type = WGPB__V1__TURN_TYPE__TURN_INCIDENT;
    r.week = 130;
    r.n_nations = NN;
    r.nations = natp;
    r.n_sectors = NS;
    r.sectors = secp;
    r.incidents = 4321;
    r.kia = 24;
    r.wia = 451;
    r.escalation = 2;
    r.stability = 58.25;
    r.regime = "spike";
    r.n_outcomes = NO;
    r.outcomes = outp;
    r.n_events = 2;
    r.events = events;
    r.n_defaulted = 2;
    r.defaulted = defaulted;
    r.state_digest = (ProtobufCBinaryData){sizeof digest, digest};
    r.chain = (ProtobufCBinaryData){sizeof chain, chain};

    Wgpb__V1__Provenance pv = WGPB__V1__PROVENANCE__INIT;
    pv.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_ADJUDICATOR;
    pv.agent = "wg-adjudicator";
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = 14;
    env.phase = WGPB__V1__PHASE__PHASE_RESULT;
    env.seq = 70000;
    env.recipient = "FRA";
    env.provenance = &pv;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = &r;
    check_result_encoding(&env);
}

/* A result of the default scenario with every field non-zero, as the
 * rules would fill it in. */
static void
fill_turn_result(wg_turn_result_t *r)
{
    memset(r, 0, sizeof *r);
    r->type = WG_TURN_INCIDENT;
    r->week = 17;
    for (uint32_t i = 0; i < sc->n_nations; i++) {
        wg_nation_result_t *n = &r->nations[i];
        n->deployed = 5000 + 10 * i;
        n->preparing = 2000 + 10 * i;
        n->recovering = 700 + 10 * i;
        n->kia = 3 + i;
        n->wia = 40 + i;
        n->gaps = 1 + i;
        n->cohesion = 80.5 - i;
        n->withdrawn = true;
        n->leaving = true;
    }
    for (uint32_t s = 0; s < sc->n_sectors; s++) {
        r->sector_deployed[s] = 3000 + 100 * s;
        r->coverage[s] = 0.5 + 0.0625 * s;
    }
    r->incidents = 987;
    r->kia = 11;
    r->wia = 222;
    r->escalation = 3;
    r->stability = 41.75;
    r->regime = (uint32_t)sc->n_regimes - 1; /* not the default 0 */
    r->n_outcomes = 5;
    for (uint32_t i = 0; i < r->n_outcomes; i++)
        r->outcomes[i] = (wg_outcome_t){.kia = 1 + i,
                                        .wia = 20 + i,
                                        .escalated = true,
                                        .action = (uint8_t)(1 + i % 4)};
    r->n_events = 2;
    snprintf(r->events[0], sizeof r->events[0], "POL withdraws");
    snprintf(r->events[1], sizeof r->events[1], "truce recommitment");
}

/* C value -> wg_wire_result -> our encoder -> protobuf-c's decoder ->
 * wg_wire_read_result gives the C value back. */
static void
test_result_round_trip(void **state)
{
    (void)state;
    assert_true(sc->n_regimes > 1);
    static wg_turn_result_t r, got;
    fill_turn_result(&r);
    Wgpb__V1__TurnResult *m = wg_wire_result(arena, sc, &r);
    /* The adjudicator adds these to what wg_wire_result() builds. */
    char *defaulted[1] = {"ITA"};
    uint8_t digest[32], chain[32];
    memset(digest, 0x5a, sizeof digest);
    memset(chain, 0xc3, sizeof chain);
    m->n_defaulted = 1;
    m->defaulted = defaulted;
    m->state_digest = (ProtobufCBinaryData){sizeof digest, digest};
    m->chain = (ProtobufCBinaryData){sizeof chain, chain};

    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = 30;
    env.phase = WGPB__V1__PHASE__PHASE_RESULT;
    env.seq = 1234;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = m;
    check_result_encoding(&env);

    wg_wire_buf_t buf = {0};
    assert_int_equal(wg_wire_pack_result(&env, &buf), 0);
    Wgpb__V1__Envelope *back = wg_wire_unpack(buf.data, buf.len);
    wg_wire_buf_free(&buf);
    assert_non_null(back);
    const Wgpb__V1__TurnResult *bm = back->result;
    assert_int_equal(wg_wire_read_result(sc, bm, &got), 0);

    assert_int_equal(got.type, r.type);
    assert_int_equal(got.week, r.week);
    for (uint32_t i = 0; i < sc->n_nations; i++) {
        const wg_nation_result_t *x = &got.nations[i], *y = &r.nations[i];
        assert_int_equal(x->deployed, y->deployed);
        assert_int_equal(x->preparing, y->preparing);
        assert_int_equal(x->recovering, y->recovering);
        assert_int_equal(x->kia, y->kia);
        assert_int_equal(x->wia, y->wia);
        assert_int_equal(x->gaps, y->gaps);
        assert_double_same(x->cohesion, y->cohesion);
        assert_int_equal(x->withdrawn, y->withdrawn);
        assert_int_equal(x->leaving, y->leaving);
    }
    for (uint32_t s = 0; s < sc->n_sectors; s++) {
        assert_int_equal(got.sector_deployed[s], r.sector_deployed[s]);
        assert_double_same(got.coverage[s], r.coverage[s]);
    }
    assert_int_equal(got.incidents, r.incidents);
    assert_int_equal(got.kia, r.kia);
    assert_int_equal(got.wia, r.wia);
    assert_int_equal(got.escalation, r.escalation);
    assert_double_same(got.stability, r.stability);
    assert_int_equal(got.regime, r.regime);
    assert_int_equal(got.n_events, r.n_events);
    for (uint32_t i = 0; i < r.n_events; i++)
        assert_string_equal(got.events[i], r.events[i]);

    /* The outcomes come back by incident, on the C value and on the
     * decoded message: one per incident, numbered from 1. */
    assert_int_equal(got.n_outcomes, r.n_outcomes);
    for (uint32_t i = 0; i < r.n_outcomes; i++) {
        assert_int_equal(got.outcomes[i].kia, r.outcomes[i].kia);
        assert_int_equal(got.outcomes[i].wia, r.outcomes[i].wia);
        assert_int_equal(got.outcomes[i].escalated, r.outcomes[i].escalated);
        assert_int_equal(got.outcomes[i].action, r.outcomes[i].action);
    }
    assert_int_equal(bm->n_outcomes, r.n_outcomes);
    for (uint32_t i = 0; i < r.n_outcomes; i++) {
        assert_int_equal(bm->outcomes[i]->incident, i + 1);
        assert_int_equal(bm->outcomes[i]->kia, r.outcomes[i].kia);
        assert_int_equal(bm->outcomes[i]->wia, r.outcomes[i].wia);
        assert_int_equal(bm->outcomes[i]->escalated, r.outcomes[i].escalated);
        assert_int_equal(bm->outcomes[i]->action, r.outcomes[i].action);
    }
    /* And the sectors carry the scenario's own figures. */
    for (uint32_t s = 0; s < sc->n_sectors; s++) {
        assert_string_equal(bm->sectors[s]->code, sc->sectors[s].code);
        assert_int_equal(bm->sectors[s]->length_km, sc->sectors[s].length_km);
        assert_double_same(bm->sectors[s]->threat, sc->sectors[s].threat);
        assert_int_equal(bm->sectors[s]->rear, sc->sectors[s].rear);
    }
    wg_wire_free(back);
    wg_arena_reset(arena);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requirement),
        cmocka_unit_test(test_assignment_rotation),
        cmocka_unit_test(test_incidents_and_response),
        cmocka_unit_test(test_readers_refuse),
        cmocka_unit_test(test_unpack_garbage),
        cmocka_unit_test(test_restamp),
        cmocka_unit_test(test_fast_decoder),
        cmocka_unit_test(test_result_encoder),
        cmocka_unit_test(test_result_every_field),
        cmocka_unit_test(test_result_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
