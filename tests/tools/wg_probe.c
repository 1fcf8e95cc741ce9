/*
 * wg-probe - a scripted contingent that sends the adjudicator the three
 * kinds of bad message issue 2 names, and checks each is refused with the
 * right error code. Used by tests/integration/bad_messages.sh.
 *
 *   wg-probe --router EP --pub EP [--nation NLD] [--claim FRA]
 *            [--timeout-ms 45000]
 *
 * It joins as --nation once its SUB socket has heard a broadcast (and
 * checks a Welcome comes back), and at the first phase that expects it
 * sends, one at a time, each waiting for its reply on the DEALER:
 *   (a) 16 random bytes that do not decode as an Envelope -> ERROR_MALFORMED
 *   (b) a valid Pledge for the current phase whose envelope claims
 *       --claim's nation                                 -> ERROR_UNAUTHORISED
 *   then its own (empty) order for the phase, and, once a later turn has
 *   begun,
 *   (c) a Pledge for the turn of (a) and (b), which is over -> ERROR_WRONG_TURN
 * Every phase that expects it gets an empty, valid order (a pledge of no
 * troops, no rotation orders, no incident answers), so the exercise plays
 * to its end. It prints what it sends and receives on stdout and exits 0
 * when the exercise ended and all three errors came back with the right
 * codes, 1 otherwise (or after --timeout-ms), 2 on bad options.
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

typedef struct {
    uv_loop_t loop;
    wg_bus_t *bus;
    uv_timer_t join_timer, deadline_timer;
    const char *nation, *claim;
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

/* The empty, valid order for a phase that expects us. */
static void
answer(probe_t *p, uint32_t turn, Wgpb__V1__Phase phase)
{
    if (p->answered_turn == turn && p->answered_phase == phase)
        return;
    p->answered_turn = turn;
    p->answered_phase = phase;
    Wgpb__V1__Envelope env;
    envelope_for(p->nation, turn, phase, &env);
    Wgpb__V1__RotationOrders rot = WGPB__V1__ROTATION_ORDERS__INIT;
    Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
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
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
        env.response = &resp;
        break;
    default:
        printf("probe: no order of mine in %s\n", wg_wire_phase_name(phase));
        return;
    }
    send_env(p, &env, what);
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
handle_turn_start(probe_t *p, const Wgpb__V1__Envelope *env)
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
        answer(p, env->turn, env->phase);
}

/* An Error on the DEALER: the reply to a probe, or a correction of one of
 * our orders (ERROR_INVALID_ORDER), which is only printed. */
static void
handle_error(probe_t *p, const Wgpb__V1__Error *err)
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
        answer(p, p->probe_turn, p->probe_phase);
        break;
    default:
        p->step = STEP_DONE;
        break;
    }
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
        send_join(p);
    }
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        if (!p->welcomed)
            printf("probe: received Welcome (%s, %u turns)\n",
                   env->welcome->scenario_name, env->welcome->total_turns);
        p->welcomed = true;
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
        bool all = p->welcomed && p->got[0] && p->got[1] && p->got[2];
        if (!p->welcomed)
            printf("probe: FAIL: no Welcome\n");
        else if (!all)
            printf("probe: FAIL: the exercise ended before every probe was "
                   "answered (step %d)\n",
                   (int)p->step);
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
    "                [--timeout-ms 45000]\n";

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"router", required_argument, NULL, 'r'},
        {"pub", required_argument, NULL, 'p'},
        {"nation", required_argument, NULL, 'n'},
        {"claim", required_argument, NULL, 'c'},
        {"timeout-ms", required_argument, NULL, 't'},
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
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (router == NULL || pub == NULL || optind != argc ||
        strcmp(p.nation, p.claim) == 0) {
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
