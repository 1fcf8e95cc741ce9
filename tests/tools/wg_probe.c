/*
 * wg-probe - a scripted contingent that sends the adjudicator what its own
 * workers never would, and checks each answer. Three modes:
 *
 *   wg-probe --router EP --pub EP [--nation NLD] [--claim FRA]
 *            [--timeout-ms 45000] [--mode bad|refusals|play] [play options]
 *
 * --mode bad (the default; tests/integration/bad_messages.sh): it joins as
 * --nation once its SUB socket has heard a broadcast (and checks a Welcome
 * comes back), and at the first phase that expects it sends, one at a
 * time, each waiting for its reply on the DEALER:
 *   (a) 16 random bytes that do not decode as an Envelope -> ERROR_MALFORMED
 *   (b) a valid Pledge for the current phase whose envelope claims
 *       --claim's nation                                 -> ERROR_UNAUTHORISED
 *   then its own (empty) order for the phase, and, once a later turn has
 *   begun,
 *   (c) a Pledge for the turn of (a) and (b), which is over -> ERROR_WRONG_TURN
 *
 * --mode refusals (tests/integration/refusals.sh): every refusal of a Join,
 * NOT_EXPECTED, over-long provenance, a corrected order and a duplicate,
 * each waiting for its reply (the table `refusals` below):
 *   in the lobby, before joining: Joins as nation XXX, as an observer, as
 *   the adjudicator and as a contingent without a nation (each
 *   ERROR_UNKNOWN_ROLE), and a Pledge (ERROR_UNAUTHORISED: not joined);
 *   then its own Join (a Welcome), then a Join as --claim from the same
 *   peer (ERROR_UNAUTHORISED);
 *   in a phase that does not expect it (one whose start it heard less than
 *   half a deadline ago, so the phase is still open): a Pledge for that
 *   phase (ERROR_NOT_EXPECTED);
 *   in a pledge phase that expects it: a RotationOrders (ERROR_NOT_EXPECTED),
 *   Pledges whose provenance has a 513-byte rationale, a 129-byte agent or a
 *   129-byte reason (ERROR_MALFORMED each), then its pledge with a rationale
 *   of exactly 512 bytes and an agent of exactly 128: 99999 troops in N, E2,
 *   S2 and R, which the adjudicator accepts as corrected (the ceiling, and
 *   E2 outside NLD's caveats) and reports (ERROR_INVALID_ORDER, whose detail
 *   it prints), and a second pledge (ERROR_DUPLICATE; the test keeps the
 *   phase open by leaving another nation out); in the next pledge phase
 *   that expects it, a pledge naming sector ZZ, which the scenario lacks
 *   (ERROR_MALFORMED: it cannot be read, so it is recorded and refused, and
 *   the phase is left to its fallback, "invalid orders").
 *   Run it with the command and one other nation absent, so that the phases
 *   it probes stay open for their deadline.
 *
 * --mode play (tests/integration/fallback_kinds.sh): plays --nation with
 * the orders given, up to and including turn --until-turn:
 *   --pledge TROOPS --sectors A,B,...   its pledge in every pledge phase
 *   --prepare N                         its rotation orders: prepare N
 *                                       (nothing relieved or recalled)
 *   and an empty Response in incident turns. After that turn it stops
 *   answering (--then silent, the default: its deadlines pass), or sends
 *   Forfeit{leaving, "disconnected"} at the first phase that expects it
 *   (--then leave) and is silent after (--until-turn 0 --then leave: it
 *   joins and leaves at once). Any Error is a failure: the orders are meant
 *   to be taken as they are.
 *
 * In every mode, every other phase that expects it gets an empty, valid
 * order (a pledge of no troops, no rotation orders, no incident answers),
 * so the exercise plays to its end. It prints what it sends and receives on
 * stdout ("probe: ok: CODE" for each refusal that came back right) and exits
 * 0 when the exercise ended and every step passed, 1 otherwise (or after
 * --timeout-ms), 2 on bad options.
 *
 * A test tool: one loop, the library's bus and codec; nothing here is used
 * by the workers.
 */
#include "wg/bus.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/wire.h"

#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    STEP_LOBBY,        /* waiting for the Welcome and a phase for us */
    STEP_MALFORMED,    /* (a) sent, waiting for its Error */
    STEP_UNAUTHORISED, /* (b) sent, waiting for its Error */
    STEP_TURN_OVER,    /* waiting for a later turn */
    STEP_WRONG_TURN,   /* (c) sent, waiting for its Error */
    STEP_DONE,         /* probes over: play on to the end */
} step_t;

typedef enum { MODE_BAD, MODE_REFUSALS, MODE_PLAY } probe_mode_t;

/* When a refusal step may be sent. */
typedef enum {
    WHEN_HEARD,        /* the SUB socket is live, before joining */
    WHEN_WELCOMED,     /* after the Welcome */
    WHEN_NOT_MINE,     /* in an open phase that does not expect us */
    WHEN_MY_PLEDGE,    /* in an open pledge phase that expects us */
    WHEN_LATER_PLEDGE, /* the same, in a later turn than the last step's */
} when_t;

typedef enum {
    SEND_JOIN_XXX,
    SEND_JOIN_OBSERVER,
    SEND_JOIN_ADJUDICATOR,
    SEND_JOIN_NO_NATION,
    SEND_PLEDGE,         /* an empty pledge for the current phase */
    SEND_JOIN_SELF,      /* our own Join: a Welcome comes back */
    SEND_JOIN_CLAIM,     /* a Join as --claim from our peer */
    SEND_ROTATION,       /* RotationOrders in the current phase */
    SEND_LONG_RATIONALE, /* provenance one byte over each limit */
    SEND_LONG_AGENT,
    SEND_LONG_REASON,
    SEND_CORRECTED,  /* the pledge the adjudicator corrects */
    SEND_UNREADABLE, /* a pledge naming a sector the scenario lacks */
} send_t;

typedef struct {
    const char *what;
    when_t when;
    send_t send;
    Wgpb__V1__ErrorCode want; /* 0: a Welcome */
} step_def_t;

static const step_def_t refusals[] = {
    {"a Join as nation XXX", WHEN_HEARD, SEND_JOIN_XXX,
     WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE},
    {"a Join as an observer", WHEN_HEARD, SEND_JOIN_OBSERVER,
     WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE},
    {"a Join as the adjudicator", WHEN_HEARD, SEND_JOIN_ADJUDICATOR,
     WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE},
    {"a Join as a contingent without a nation", WHEN_HEARD, SEND_JOIN_NO_NATION,
     WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE},
    {"a pledge before joining", WHEN_HEARD, SEND_PLEDGE,
     WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED},
    {"our Join", WHEN_HEARD, SEND_JOIN_SELF, 0},
    {"a Join as the claimed nation", WHEN_WELCOMED, SEND_JOIN_CLAIM,
     WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED},
    {"a pledge in a phase that does not expect us", WHEN_NOT_MINE, SEND_PLEDGE,
     WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED},
    {"rotation orders in the pledge phase", WHEN_MY_PLEDGE, SEND_ROTATION,
     WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED},
    {"a pledge with a 513-byte rationale", WHEN_MY_PLEDGE, SEND_LONG_RATIONALE,
     WGPB__V1__ERROR_CODE__ERROR_MALFORMED},
    {"a pledge with a 129-byte agent", WHEN_MY_PLEDGE, SEND_LONG_AGENT,
     WGPB__V1__ERROR_CODE__ERROR_MALFORMED},
    {"a pledge with a 129-byte reason", WHEN_MY_PLEDGE, SEND_LONG_REASON,
     WGPB__V1__ERROR_CODE__ERROR_MALFORMED},
    {"a pledge over the ceiling and the caveats", WHEN_MY_PLEDGE,
     SEND_CORRECTED, WGPB__V1__ERROR_CODE__ERROR_INVALID_ORDER},
    {"a second pledge in the phase", WHEN_MY_PLEDGE, SEND_PLEDGE,
     WGPB__V1__ERROR_CODE__ERROR_DUPLICATE},
    {"a pledge naming sector ZZ", WHEN_LATER_PLEDGE, SEND_UNREADABLE,
     WGPB__V1__ERROR_CODE__ERROR_MALFORMED},
};
#define N_REFUSALS (sizeof refusals / sizeof refusals[0])

typedef struct {
    uv_loop_t loop;
    wg_bus_t *bus;
    uv_timer_t join_timer, deadline_timer;
    const char *nation, *claim;
    probe_mode_t mode;
    /* --mode refusals: the step being answered, whether its message is out,
     * and the last phase start heard (turn, phase, whether it expects us,
     * when it came). */
    size_t rf;
    bool rf_sent;
    uint32_t ts_turn;
    Wgpb__V1__Phase ts_phase;
    bool ts_mine, have_ts;
    uint64_t ts_ms, ts_deadline_ms;
    uint32_t pledge_turn; /* the turn of the corrected pledge */
    /* --mode play */
    uint32_t until_turn;
    uint32_t pledge_troops, prepare;
    char *sectors[16];
    size_t n_sectors;
    bool then_leave, left;
    unsigned played;
    bool heard, welcomed, closing;
    step_t step;
    uint32_t probe_turn; /* turn and phase of (a) and (b) */
    Wgpb__V1__Phase probe_phase;
    uint32_t answered_turn; /* last phase answered, so a TurnStart seen */
    Wgpb__V1__Phase answered_phase; /* twice is answered once */
    bool got[3]; /* MALFORMED, UNAUTHORISED, WRONG_TURN came back right */
    int exit_code;
} probe_t;

static const char *
error_name(Wgpb__V1__ErrorCode code)
{
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &wgpb__v1__error_code__descriptor, code);
    return v != NULL ? v->name : "?";
}

static void
probe_close(probe_t *p, int exit_code)
{
    if (p->closing)
        return;
    p->closing = true;
    p->exit_code = exit_code;
    uv_close((uv_handle_t *)&p->join_timer, NULL);
    uv_close((uv_handle_t *)&p->deadline_timer, NULL);
    wg_bus_close(p->bus, NULL, NULL);
}

static void
send_bytes(probe_t *p, const uint8_t *buf, size_t len, const char *what)
{
    int rc = wg_bus_send(p->bus, buf, len);
    printf("probe: sent %s (%zu bytes)%s%s\n", what, len, rc < 0 ? ": " : "",
           rc < 0 ? wg_strerror(rc) : "");
    fflush(stdout);
}

static void
send_env(probe_t *p, const Wgpb__V1__Envelope *env, const char *what)
{
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(env, &buf, &len) != 0) {
        printf("probe: cannot pack %s\n", what);
        probe_close(p, 1);
        return;
    }
    send_bytes(p, buf, len, what);
    free(buf);
}

static void
envelope_for(const char *nation, uint32_t turn, Wgpb__V1__Phase phase,
             Wgpb__V1__Envelope *env)
{
    Wgpb__V1__Envelope init = WGPB__V1__ENVELOPE__INIT;
    *env = init;
    env->sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    env->sender_nation = (char *)nation;
    env->turn = turn;
    env->phase = phase;
}

static void
send_join(probe_t *p)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    envelope_for(p->nation, 0, WGPB__V1__PHASE__PHASE_LOBBY, &env);
    join.agent = "wg-probe/1";
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    send_env(p, &env, "Join");
}

static void
join_timer_cb(uv_timer_t *t)
{
    probe_t *p = t->data;
    /* In --mode refusals our Join is one step of the script: resent only
     * while that step waits for its Welcome. */
    if (p->mode == MODE_REFUSALS &&
        (p->rf >= N_REFUSALS || refusals[p->rf].send != SEND_JOIN_SELF ||
         !p->rf_sent))
        return;
    if (p->heard && !p->welcomed)
        send_join(p);
}

static void
deadline_timer_cb(uv_timer_t *t)
{
    probe_t *p = t->data;
    printf("probe: FAIL: timed out at step %d\n", (int)p->step);
    probe_close(p, 1);
}

/* A Pledge of no troops from `nation` for turn/phase. */
static void
send_pledge(probe_t *p, const char *nation, uint32_t turn,
            Wgpb__V1__Phase phase, const char *what)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Pledge pledge = WGPB__V1__PLEDGE__INIT;
    envelope_for(nation, turn, phase, &env);
    pledge.nation = (char *)nation;
    pledge.troops = 0;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
    env.pledge = &pledge;
    send_env(p, &env, what);
}

/* (a): 16 random bytes, drawn again until they do not decode. */
static void
send_malformed(probe_t *p)
{
    uint8_t junk[16];
    for (;;) {
        randombytes_buf(junk, sizeof junk);
        Wgpb__V1__Envelope *env = wg_wire_unpack(junk, sizeof junk);
        if (env == NULL)
            break;
        wg_wire_free(env);
    }
    send_bytes(p, junk, sizeof junk, "(a) 16 random bytes");
    p->step = STEP_MALFORMED;
}

/* Our incidents in a RESPOND phase start, each answered with ROE_HOLD
 * (an unanswered one is held too, but reported as corrected). Returns the
 * number of answers; `answers` and `ptrs` hold up to `max`. */
static size_t
hold_answers(const probe_t *p, const Wgpb__V1__TurnStart *ts,
             Wgpb__V1__IncidentAnswer *answers, Wgpb__V1__IncidentAnswer **ptrs,
             size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < ts->n_incidents && n < max; i++) {
        const Wgpb__V1__Incident *in = ts->incidents[i];
        if (in->nation == NULL || strcmp(in->nation, p->nation) != 0)
            continue;
        Wgpb__V1__IncidentAnswer a = WGPB__V1__INCIDENT_ANSWER__INIT;
        a.incident = in->id;
        a.action = WGPB__V1__ROE_ACTION__ROE_HOLD;
        answers[n] = a;
        ptrs[n] = &answers[n];
        n++;
    }
    return n;
}

#define MAX_ANSWERS 512

/* The empty, valid order for a phase that expects us: our incidents in
 * the phase start `ts` (if given) held. */
static void
answer_phase(probe_t *p, uint32_t turn, Wgpb__V1__Phase phase,
             const Wgpb__V1__TurnStart *ts)
{
    if (p->answered_turn == turn && p->answered_phase == phase)
        return;
    p->answered_turn = turn;
    p->answered_phase = phase;
    Wgpb__V1__Envelope env;
    envelope_for(p->nation, turn, phase, &env);
    Wgpb__V1__RotationOrders rot = WGPB__V1__ROTATION_ORDERS__INIT;
    Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
    static Wgpb__V1__IncidentAnswer answers[MAX_ANSWERS];
    static Wgpb__V1__IncidentAnswer *ptrs[MAX_ANSWERS];
    char what[64];
    snprintf(what, sizeof what, "order for turn %u %s", turn,
             wg_wire_phase_name(phase));
    switch (phase) {
    case WGPB__V1__PHASE__PHASE_PLEDGE:
        send_pledge(p, p->nation, turn, phase, what);
        return;
    case WGPB__V1__PHASE__PHASE_ROTATE:
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
        env.rotation = &rot;
        break;
    case WGPB__V1__PHASE__PHASE_RESPOND:
        if (ts != NULL)
            resp.n_answers = hold_answers(p, ts, answers, ptrs, MAX_ANSWERS);
        resp.answers = ptrs;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
        env.response = &resp;
        break;
    default:
        printf("probe: no order of mine in %s\n", wg_wire_phase_name(phase));
        return;
    }
    send_env(p, &env, what);
}

static void
answer(probe_t *p, const Wgpb__V1__Envelope *ts)
{
    answer_phase(p, ts->turn, ts->phase, ts->turn_start);
}

static bool
expects_me(const probe_t *p, const Wgpb__V1__TurnStart *ts)
{
    for (size_t i = 0; i < ts->n_expected; i++)
        if (ts->expected[i] != NULL && strcmp(ts->expected[i], p->nation) == 0)
            return true;
    return false;
}

/* Acts on a phase start even before the Welcome is in: the Welcome comes
 * on the DEALER and phase starts on the SUB, with no order between the two,
 * and our Join went out before (the adjudicator reads a peer's messages in
 * order), so an order sent now is read as from NLD. */
static void
bad_turn_start(probe_t *p, const Wgpb__V1__Envelope *env)
{
    bool mine = expects_me(p, env->turn_start);
    if (p->step == STEP_LOBBY && mine) {
        printf("probe: turn %u %s expects me: probing\n", env->turn,
               wg_wire_phase_name(env->phase));
        p->probe_turn = env->turn;
        p->probe_phase = env->phase;
        send_malformed(p);
        return; /* the phase is answered after (b) */
    }
    if (p->step == STEP_TURN_OVER && env->turn > p->probe_turn) {
        send_pledge(p, p->nation, p->probe_turn, p->probe_phase,
                    "(c) a pledge for a turn that is over");
        p->step = STEP_WRONG_TURN;
    }
    if (mine && p->step != STEP_MALFORMED && p->step != STEP_UNAUTHORISED)
        answer(p, env);
}

/* An Error on the DEALER: the reply to a probe, or a correction of one of
 * our orders (ERROR_INVALID_ORDER), which is only printed. */
static void
bad_error(probe_t *p, const Wgpb__V1__Error *err)
{
    printf("probe: received Error %s: %s\n", error_name(err->code),
           err->detail != NULL ? err->detail : "");
    if (err->code == WGPB__V1__ERROR_CODE__ERROR_INVALID_ORDER)
        return;
    Wgpb__V1__ErrorCode want;
    int idx;
    switch (p->step) {
    case STEP_MALFORMED:
        want = WGPB__V1__ERROR_CODE__ERROR_MALFORMED;
        idx = 0;
        break;
    case STEP_UNAUTHORISED:
        want = WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED;
        idx = 1;
        break;
    case STEP_WRONG_TURN:
        want = WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN;
        idx = 2;
        break;
    default:
        printf("probe: FAIL: unexpected error at step %d\n", (int)p->step);
        probe_close(p, 1);
        return;
    }
    if (err->code != want) {
        printf("probe: FAIL: wanted %s, got %s\n", error_name(want),
               error_name(err->code));
        probe_close(p, 1);
        return;
    }
    printf("probe: ok: %s\n", error_name(want));
    p->got[idx] = true;
    switch (p->step) {
    case STEP_MALFORMED: {
        char what[64];
        snprintf(what, sizeof what, "(b) a pledge claiming %s", p->claim);
        send_pledge(p, p->claim, p->probe_turn, p->probe_phase, what);
        p->step = STEP_UNAUTHORISED;
        break;
    }
    case STEP_UNAUTHORISED:
        p->step = STEP_TURN_OVER;
        answer_phase(p, p->probe_turn, p->probe_phase, NULL);
        break;
    default:
        p->step = STEP_DONE;
        break;
    }
}

/* ---- --mode refusals ----------------------------------------------------- */

static uint64_t
now_ms(probe_t *p)
{
    uv_update_time(&p->loop);
    return uv_now(&p->loop);
}

/* A Join from role/nation. */
static void
send_join_as(probe_t *p, Wgpb__V1__Role role, const char *nation,
             const char *what)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    envelope_for(nation, 0, WGPB__V1__PHASE__PHASE_LOBBY, &env);
    env.sender_role = role;
    join.agent = "wg-probe/1";
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    send_env(p, &env, what);
}

/* A string of n bytes 'x' (the buffer holds n + 1). */
static char *
filled(char *buf, size_t n)
{
    memset(buf, 'x', n);
    buf[n] = '\0';
    return buf;
}

/* A pledge for the current phase with the given provenance and content. */
static void
send_pledge_with(probe_t *p, const Wgpb__V1__Provenance *prov, uint32_t troops,
                 char **sectors, size_t n_sectors, const char *what)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Pledge pledge = WGPB__V1__PLEDGE__INIT;
    envelope_for(p->nation, p->ts_turn, p->ts_phase, &env);
    env.provenance = (Wgpb__V1__Provenance *)prov;
    pledge.nation = (char *)p->nation;
    pledge.troops = troops;
    pledge.sectors = sectors;
    pledge.n_sectors = n_sectors;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
    env.pledge = &pledge;
    send_env(p, &env, what);
}

static void
rf_send(probe_t *p, const step_def_t *d)
{
    char what[160];
    snprintf(what, sizeof what, "refusal %zu: %s", p->rf + 1, d->what);
    char rationale[514], agent[130], reason[130];
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_HUMAN;
    prov.agent = "wg-probe/1";
    p->rf_sent = true;
    switch (d->send) {
    case SEND_JOIN_XXX:
        send_join_as(p, WGPB__V1__ROLE__ROLE_CONTINGENT, "XXX", what);
        return;
    case SEND_JOIN_OBSERVER:
        send_join_as(p, WGPB__V1__ROLE__ROLE_OBSERVER, "", what);
        return;
    case SEND_JOIN_ADJUDICATOR:
        send_join_as(p, WGPB__V1__ROLE__ROLE_ADJUDICATOR, "", what);
        return;
    case SEND_JOIN_NO_NATION:
        send_join_as(p, WGPB__V1__ROLE__ROLE_CONTINGENT, "", what);
        return;
    case SEND_JOIN_SELF:
        send_join(p);
        return;
    case SEND_JOIN_CLAIM:
        send_join_as(p, WGPB__V1__ROLE__ROLE_CONTINGENT, p->claim, what);
        return;
    case SEND_PLEDGE:
        send_pledge(p, p->nation, p->ts_turn, p->ts_phase, what);
        return;
    case SEND_ROTATION: {
        Wgpb__V1__Envelope env;
        Wgpb__V1__RotationOrders rot = WGPB__V1__ROTATION_ORDERS__INIT;
        envelope_for(p->nation, p->ts_turn, p->ts_phase, &env);
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
        env.rotation = &rot;
        send_env(p, &env, what);
        return;
    }
    case SEND_LONG_RATIONALE:
        prov.rationale = filled(rationale, 513);
        send_pledge_with(p, &prov, 0, NULL, 0, what);
        return;
    case SEND_LONG_AGENT:
        prov.agent = filled(agent, 129);
        send_pledge_with(p, &prov, 0, NULL, 0, what);
        return;
    case SEND_LONG_REASON:
        prov.reason = filled(reason, 129);
        send_pledge_with(p, &prov, 0, NULL, 0, what);
        return;
    case SEND_CORRECTED: {
        /* Provenance at its limits exactly: accepted, and recorded whole. */
        static char *sectors[] = {"N", "E2", "S2", "R"};
        prov.rationale = filled(rationale, 512);
        prov.agent = filled(agent, 128);
        send_pledge_with(p, &prov, 99999, sectors, 4, what);
        return;
    }
    case SEND_UNREADABLE: {
        /* Refused, yet recorded: the fallback that plays at the deadline
         * says "invalid orders". */
        static char *sectors[] = {"ZZ"};
        send_pledge_with(p, &prov, 500, sectors, 1, what);
        return;
    }
    }
}

/* The last phase start heard is still open for sure: it came less than
 * half a deadline ago. */
static bool
rf_phase_fresh(probe_t *p)
{
    return p->have_ts && now_ms(p) - p->ts_ms < p->ts_deadline_ms / 2;
}

/* Sends the current step if what it waits for is there. */
static void
rf_advance(probe_t *p)
{
    if (p->closing || p->rf >= N_REFUSALS || p->rf_sent)
        return;
    const step_def_t *d = &refusals[p->rf];
    bool ready = false;
    switch (d->when) {
    case WHEN_HEARD:
        ready = p->heard;
        break;
    case WHEN_WELCOMED:
        ready = p->welcomed;
        break;
    case WHEN_NOT_MINE:
        ready = p->welcomed && rf_phase_fresh(p) && !p->ts_mine &&
                p->ts_phase != WGPB__V1__PHASE__PHASE_LOBBY;
        break;
    case WHEN_MY_PLEDGE:
        ready = p->welcomed && rf_phase_fresh(p) && p->ts_mine &&
                p->ts_phase == WGPB__V1__PHASE__PHASE_PLEDGE;
        break;
    case WHEN_LATER_PLEDGE:
        ready = p->welcomed && rf_phase_fresh(p) && p->ts_mine &&
                p->ts_phase == WGPB__V1__PHASE__PHASE_PLEDGE &&
                p->ts_turn > p->pledge_turn;
        break;
    }
    if (ready)
        rf_send(p, d);
}

/* The step being answered is done: on to the next. */
static void
rf_next(probe_t *p)
{
    p->rf++;
    p->rf_sent = false;
    if (p->rf == N_REFUSALS)
        printf("probe: every refusal came back right\n");
    rf_advance(p);
}

static void
rf_turn_start(probe_t *p, const Wgpb__V1__Envelope *env)
{
    p->ts_turn = env->turn;
    p->ts_phase = env->phase;
    p->ts_mine = expects_me(p, env->turn_start);
    p->ts_ms = now_ms(p);
    p->ts_deadline_ms = env->turn_start->deadline_ms;
    p->have_ts = true;
    rf_advance(p);
    /* A phase that expects us and that no step is about is answered; the
     * pledge phase of the steps is answered by the corrected pledge, and
     * the one of the unreadable pledge not at all. */
    bool stepping = p->rf < N_REFUSALS && p->rf_sent;
    bool pledge_steps = p->rf < N_REFUSALS &&
                        p->ts_phase == WGPB__V1__PHASE__PHASE_PLEDGE &&
                        (refusals[p->rf].when == WHEN_MY_PLEDGE ||
                         refusals[p->rf].when == WHEN_LATER_PLEDGE);
    if (p->ts_mine && p->welcomed && !stepping && !pledge_steps)
        answer(p, env);
}

static void
rf_welcome(probe_t *p)
{
    if (p->rf < N_REFUSALS && refusals[p->rf].send == SEND_JOIN_SELF &&
        p->rf_sent) {
        printf("probe: ok: Welcome\n");
        rf_next(p);
    }
}

static void
rf_error(probe_t *p, const Wgpb__V1__Error *err)
{
    printf("probe: received Error %s: %s\n", error_name(err->code),
           err->detail != NULL ? err->detail : "");
    if (p->rf >= N_REFUSALS || !p->rf_sent || refusals[p->rf].want == 0) {
        printf("probe: FAIL: an Error no step asked for\n");
        probe_close(p, 1);
        return;
    }
    const step_def_t *d = &refusals[p->rf];
    if (err->code != d->want) {
        printf("probe: FAIL: %s: wanted %s, got %s\n", d->what,
               error_name(d->want), error_name(err->code));
        probe_close(p, 1);
        return;
    }
    printf("probe: ok: %s for %s\n", error_name(d->want), d->what);
    /* The corrected pledge was taken: the phase is answered; after the
     * unreadable one, it is left to the fallback. */
    if (d->send == SEND_CORRECTED || d->send == SEND_UNREADABLE) {
        p->answered_turn = p->ts_turn;
        p->answered_phase = p->ts_phase;
    }
    if (d->send == SEND_CORRECTED)
        p->pledge_turn = p->ts_turn;
    rf_next(p);
}

/* ---- --mode play --------------------------------------------------------- */

static void
play_turn_start(probe_t *p, const Wgpb__V1__Envelope *env)
{
    if (!expects_me(p, env->turn_start))
        return;
    if (p->answered_turn == env->turn && p->answered_phase == env->phase)
        return;
    if (env->turn > p->until_turn) {
        if (p->then_leave && !p->left) {
            Wgpb__V1__Envelope out;
            Wgpb__V1__Forfeit f = WGPB__V1__FORFEIT__INIT;
            envelope_for(p->nation, env->turn, env->phase, &out);
            f.reason = "disconnected";
            f.leaving = true;
            out.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
            out.forfeit = &f;
            send_env(p, &out, "Forfeit (leaving, disconnected)");
            p->left = true;
        }
        return;
    }
    p->answered_turn = env->turn;
    p->answered_phase = env->phase;
    Wgpb__V1__Envelope out;
    Wgpb__V1__Pledge pledge = WGPB__V1__PLEDGE__INIT;
    Wgpb__V1__RotationOrders rot = WGPB__V1__ROTATION_ORDERS__INIT;
    Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    envelope_for(p->nation, env->turn, env->phase, &out);
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_HUMAN;
    prov.agent = "wg-probe/1";
    prov.rationale = "scripted";
    out.provenance = &prov;
    char what[96];
    switch (env->phase) {
    case WGPB__V1__PHASE__PHASE_PLEDGE:
        pledge.nation = (char *)p->nation;
        pledge.troops = p->pledge_troops;
        pledge.sectors = p->sectors;
        pledge.n_sectors = p->n_sectors;
        out.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
        out.pledge = &pledge;
        snprintf(what, sizeof what, "turn %u pledge of %u troops", env->turn,
                 p->pledge_troops);
        break;
    case WGPB__V1__PHASE__PHASE_ROTATE:
        rot.prepare = p->prepare;
        out.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ROTATION;
        out.rotation = &rot;
        snprintf(what, sizeof what, "turn %u rotation orders: prepare %u",
                 env->turn, p->prepare);
        break;
    case WGPB__V1__PHASE__PHASE_RESPOND:
        out.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
        out.response = &resp;
        snprintf(what, sizeof what, "turn %u empty response", env->turn);
        break;
    default:
        return;
    }
    send_env(p, &out, what);
    p->played++;
}

static void
play_error(probe_t *p, const Wgpb__V1__Error *err)
{
    printf("probe: FAIL: received Error %s: %s\n", error_name(err->code),
           err->detail != NULL ? err->detail : "");
    probe_close(p, 1);
}

/* ---- the loop ------------------------------------------------------------ */

static void
handle_turn_start(probe_t *p, const Wgpb__V1__Envelope *env)
{
    switch (p->mode) {
    case MODE_BAD:
        bad_turn_start(p, env);
        break;
    case MODE_REFUSALS:
        rf_turn_start(p, env);
        break;
    case MODE_PLAY:
        play_turn_start(p, env);
        break;
    }
}

static void
handle_error(probe_t *p, const Wgpb__V1__Error *err)
{
    switch (p->mode) {
    case MODE_BAD:
        bad_error(p, err);
        break;
    case MODE_REFUSALS:
        rf_error(p, err);
        break;
    case MODE_PLAY:
        play_error(p, err);
        break;
    }
}

/* Whether every step of the mode passed, at the end of the exercise. */
static bool
all_passed(const probe_t *p)
{
    switch (p->mode) {
    case MODE_BAD:
        return p->welcomed && p->got[0] && p->got[1] && p->got[2];
    case MODE_REFUSALS:
        return p->welcomed && p->rf == N_REFUSALS;
    case MODE_PLAY:
        return p->welcomed && (p->played > 0 || p->left);
    }
    return false;
}

static void
recv_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, int broadcast,
        const uint8_t *data, size_t len, void *arg)
{
    (void)bus;
    (void)peer;
    (void)peer_len;
    probe_t *p = arg;
    if (p->closing)
        return;
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL) {
        printf("probe: FAIL: %zu bytes from the adjudicator that do not "
               "decode\n",
               len);
        probe_close(p, 1);
        return;
    }
    if (broadcast && !p->heard) {
        p->heard = true;
        if (p->mode == MODE_REFUSALS)
            rf_advance(p);
        else
            send_join(p);
    }
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        if (!p->welcomed)
            printf("probe: received Welcome (%s, %u turns)\n",
                   env->welcome->scenario_name, env->welcome->total_turns);
        p->welcomed = true;
        if (p->mode == MODE_REFUSALS)
            rf_welcome(p);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START:
        handle_turn_start(p, env);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
        printf("probe: received TurnResult for turn %u\n", env->turn);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
        handle_error(p, env->error);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_END: {
        printf("probe: received ExerciseEnd after %u turns, %llu rejected\n",
               env->end->turns, (unsigned long long)env->end->rejected);
        bool all = all_passed(p);
        if (!p->welcomed)
            printf("probe: FAIL: no Welcome\n");
        else if (!all)
            printf("probe: FAIL: the exercise ended before every probe was "
                   "answered (step %d, refusal step %zu)\n",
                   (int)p->step, p->rf + 1);
        probe_close(p, all ? 0 : 1);
        break;
    }
    default:
        break;
    }
    fflush(stdout);
    wg_wire_free(env);
}

static const char usage[] =
    "usage: wg-probe --router EP --pub EP [--nation NLD] [--claim FRA]\n"
    "                [--timeout-ms 45000] [--mode bad|refusals|play]\n"
    "       play: --until-turn T [--pledge TROOPS] [--sectors A,B,...]\n"
    "             [--prepare N] [--then silent|leave]\n";

/* --sectors A,B,...: into p->sectors (pointing into arg, which is cut). */
static int
parse_sectors(probe_t *p, char *arg)
{
    p->n_sectors = 0;
    for (char *save = NULL, *tok = strtok_r(arg, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        if (p->n_sectors == sizeof p->sectors / sizeof p->sectors[0])
            return -1;
        p->sectors[p->n_sectors++] = tok;
    }
    return 0;
}

/* A whole decimal number in [0, max], or -1. */
static long
number(const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > max)
        return -1;
    return v;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"router", required_argument, NULL, 'r'},
        {"pub", required_argument, NULL, 'p'},
        {"nation", required_argument, NULL, 'n'},
        {"claim", required_argument, NULL, 'c'},
        {"timeout-ms", required_argument, NULL, 't'},
        {"mode", required_argument, NULL, 'm'},
        {"until-turn", required_argument, NULL, 'u'},
        {"pledge", required_argument, NULL, 'P'},
        {"sectors", required_argument, NULL, 's'},
        {"prepare", required_argument, NULL, 'R'},
        {"then", required_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    probe_t p;
    memset(&p, 0, sizeof p);
    p.nation = "NLD";
    p.claim = "FRA";
    p.exit_code = 1;
    const char *router = NULL, *pub = NULL;
    unsigned long timeout_ms = 45000;
    long v;
    bool bad = false, have_until = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            router = optarg;
            break;
        case 'p':
            pub = optarg;
            break;
        case 'n':
            p.nation = optarg;
            break;
        case 'c':
            p.claim = optarg;
            break;
        case 't':
            timeout_ms = strtoul(optarg, NULL, 10);
            break;
        case 'm':
            if (strcmp(optarg, "bad") == 0)
                p.mode = MODE_BAD;
            else if (strcmp(optarg, "refusals") == 0)
                p.mode = MODE_REFUSALS;
            else if (strcmp(optarg, "play") == 0)
                p.mode = MODE_PLAY;
            else
                bad = true;
            break;
        case 'u':
            v = number(optarg, 100000);
            bad = bad || v < 0;
            p.until_turn = (uint32_t)v;
            have_until = true;
            break;
        case 'P':
            v = number(optarg, 10000000);
            bad = bad || v < 0;
            p.pledge_troops = (uint32_t)v;
            break;
        case 's':
            bad = bad || parse_sectors(&p, optarg) != 0;
            break;
        case 'R':
            v = number(optarg, 1000);
            bad = bad || v < 0;
            p.prepare = (uint32_t)v;
            break;
        case 'T':
            if (strcmp(optarg, "leave") == 0)
                p.then_leave = true;
            else if (strcmp(optarg, "silent") != 0)
                bad = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (router == NULL || pub == NULL || optind != argc || bad ||
        strcmp(p.nation, p.claim) == 0 || (p.mode == MODE_PLAY) != have_until) {
        fputs(usage, stderr);
        return 2;
    }
    wg_diag_set_role("probe");
    wg_diag_init_from_env();
    if (sodium_init() < 0)
        return 1;
    if (uv_loop_init(&p.loop) < 0)
        return 1;
    wg_bus_config_t bc = {.router_endpoint = router, .pub_endpoint = pub};
    int err;
    p.bus = wg_bus_new_client(&p.loop, &bc, recv_cb, &p, &err);
    if (p.bus == NULL) {
        fprintf(stderr, "wg-probe: cannot connect %s / %s: %s\n", router, pub,
                wg_strerror(err));
        uv_loop_close(&p.loop);
        return 1;
    }
    uv_timer_init(&p.loop, &p.join_timer);
    uv_timer_init(&p.loop, &p.deadline_timer);
    p.join_timer.data = p.deadline_timer.data = &p;
    uv_timer_start(&p.join_timer, join_timer_cb, 1000, 1000);
    uv_timer_start(&p.deadline_timer, deadline_timer_cb, timeout_ms, 0);

    uv_run(&p.loop, UV_RUN_DEFAULT);
    wg_bus_destroy(&p.bus);
    if (uv_loop_close(&p.loop) != 0) {
        fprintf(stderr, "wg-probe: loop closed with handles still open\n");
        return 1;
    }
    fflush(stdout);
    return p.exit_code;
}
