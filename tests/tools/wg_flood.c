/*
 * wg-flood - a peer that sends the adjudicator's ROUTER everything but
 * what the protocol asks, as fast as ZeroMQ takes it, for a while.
 *
 *   wg-flood --router EP [--seconds 5] [--peers 1] [--burst N]
 *
 * --burst N: the first connection starts with N messages of 64 random
 * bytes, queued at once (each costs the adjudicator a token of the peer's
 * rate bucket when it reads it, and is answered ERROR_MALFORMED if it was
 * let through), then a Pledge every 50 ms until one is answered
 * (ERROR_UNAUTHORISED): one connection keeps its order both ways, so the
 * adjudicator has read the whole burst by then, and the burst's messages
 * it did not answer were refused for their rate. It prints 'wg-flood:
 * burst of N read: A answered, R refused for rate' (stdout, flushed) and
 * floods on; exit 1 if no Pledge is answered within 60 s. However slowly
 * a loaded machine lets the adjudicator read, the burst is read at once,
 * before the roles join (tests/integration/flood.sh waits for the line):
 * more than a bucket holds.
 *
 * Then each of --peers DEALER connections sends, round and round until
 * --seconds have passed: 64 random bytes (not an Envelope), a Join whose
 * agent is 200 bytes (over its cap), a Join whose agent is 900 KB (over
 * what the adjudicator reads), a message of two frames, and a Pledge from
 * a peer that never joined. Sends that would block are skipped (the
 * socket's high-water mark), and counted. It prints one line: messages
 * sent and skipped. It never joins, so it plays no role: an exercise it
 * floods must end as a clean one does (tests/integration/flood.sh).
 *
 * A test tool on libzmq alone, not the library's bus: the bus sends one
 * frame per message, and this must send what the bus never would.
 */
#include "wg.pb-c.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define MAX_PEERS 16
#define BIG_AGENT (900 * 1024)

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A packed Envelope: a Join with an agent of n bytes, or a Pledge. */
static uint8_t *
pack(bool join, size_t n, size_t *len)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Join j = WGPB__V1__JOIN__INIT;
    Wgpb__V1__Pledge p = WGPB__V1__PLEDGE__INIT;
    char *agent = malloc(n + 1);
    if (agent == NULL)
        exit(1);
    memset(agent, 'a', n);
    agent[n] = '\0';
    env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation = "FRA";
    if (join) {
        j.agent = agent;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
        env.join = &j;
    } else {
        p.troops = 1000;
        env.turn = 1;
        env.phase = WGPB__V1__PHASE__PHASE_PLEDGE;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
        env.pledge = &p;
    }
    *len = wgpb__v1__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(*len);
    if (buf == NULL)
        exit(1);
    wgpb__v1__envelope__pack(&env, buf);
    free(agent);
    return buf;
}

/* One message of the round; true if ZeroMQ took it. */
static bool
send_one(void *s, int which, uint8_t *const bufs[3], const size_t lens[3])
{
    uint8_t junk[64];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)rand();
    junk[0] = 0xff; /* field 31, wire type 7: never an Envelope */
    switch (which) {
    case 0:
        return zmq_send(s, junk, sizeof junk, ZMQ_DONTWAIT) >= 0;
    case 1:
        return zmq_send(s, bufs[0], lens[0], ZMQ_DONTWAIT) >= 0;
    case 2:
        return zmq_send(s, bufs[1], lens[1], ZMQ_DONTWAIT) >= 0;
    case 3:
        if (zmq_send(s, junk, 8, ZMQ_DONTWAIT | ZMQ_SNDMORE) < 0)
            return false;
        return zmq_send(s, junk, 8, ZMQ_DONTWAIT) >= 0;
    default:
        return zmq_send(s, bufs[2], lens[2], ZMQ_DONTWAIT) >= 0;
    }
}

/* The ErrorCode of a reply on s, or -1 for none yet (or no Error). */
static int
reply_code(void *s)
{
    uint8_t buf[4096];
    int n = zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT);
    if (n < 0 || (size_t)n > sizeof buf)
        return -1;
    Wgpb__V1__Envelope *env = wgpb__v1__envelope__unpack(NULL, (size_t)n, buf);
    int code = -1;
    if (env != NULL && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR)
        code = (int)env->error->code;
    wgpb__v1__envelope__free_unpacked(env, NULL);
    return code;
}

/* --burst: n messages of junk, then a Pledge every 50 ms until one is
 * answered; counts the junk answered. 0, or -1 if nothing answered in
 * time. */
static int
burst(void *s, int n, const uint8_t *pledge, size_t pledge_len,
      unsigned long long *sent)
{
    int wait_ms = 10000;
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &wait_ms, sizeof wait_ms);
    uint8_t junk[64];
    for (int i = 0; i < n; i++) {
        for (size_t j = 0; j < sizeof junk; j++)
            junk[j] = (uint8_t)rand();
        junk[0] = 0xff; /* field 31, wire type 7: never an Envelope */
        if (zmq_send(s, junk, sizeof junk, 0) < 0)
            return -1;
        (*sent)++;
    }
    int answered = 0;
    const struct timespec tick = {0, 10 * 1000 * 1000};
    for (int t = 0; t < 6000; t++) {
        if (t % 5 == 0) {
            if (zmq_send(s, pledge, pledge_len, 0) < 0)
                return -1;
            (*sent)++;
        }
        int code;
        while ((code = reply_code(s)) >= 0) {
            if (code == WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED) {
                printf("wg-flood: burst of %d read: %d answered, %d refused "
                       "for rate\n",
                       n, answered, n - answered);
                fflush(stdout);
                return 0;
            }
            if (code == WGPB__V1__ERROR_CODE__ERROR_MALFORMED)
                answered++;
        }
        nanosleep(&tick, NULL);
    }
    fprintf(stderr, "wg-flood: no Pledge answered in 60 s after the burst\n");
    return -1;
}

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"router", required_argument, NULL, 'r'},
        {"seconds", required_argument, NULL, 's'},
        {"peers", required_argument, NULL, 'p'},
        {"burst", required_argument, NULL, 'b'},
        {NULL, 0, NULL, 0},
    };
    const char *router = NULL;
    double seconds = 5;
    int peers = 1, burst_n = 0, c;
    while ((c = getopt_long(argc, argv, "r:s:p:b:", opts, NULL)) != -1) {
        if (c == 'r')
            router = optarg;
        else if (c == 's')
            seconds = atof(optarg);
        else if (c == 'p')
            peers = atoi(optarg);
        else if (c == 'b')
            burst_n = atoi(optarg);
        else
            return 2;
    }
    /* A burst fits the queues between the two ends (1000 messages each
     * way), so it is queued whatever the adjudicator's pace. */
    if (router == NULL || peers < 1 || peers > MAX_PEERS || burst_n < 0 ||
        burst_n > 1000) {
        fputs("usage: wg-flood --router EP [--seconds S] [--peers N] "
              "[--burst N]\n",
              stderr);
        return 2;
    }
    void *ctx = zmq_ctx_new();
    void *s[MAX_PEERS];
    int linger = 0;
    for (int i = 0; i < peers; i++) {
        s[i] = zmq_socket(ctx, ZMQ_DEALER);
        zmq_setsockopt(s[i], ZMQ_LINGER, &linger, sizeof linger);
        if (zmq_connect(s[i], router) != 0) {
            fprintf(stderr, "wg-flood: %s: %s\n", router,
                    zmq_strerror(zmq_errno()));
            return 1;
        }
    }
    size_t lens[3];
    uint8_t *bufs[3] = {pack(true, 200, &lens[0]),
                        pack(true, BIG_AGENT, &lens[1]),
                        pack(false, 0, &lens[2])};
    unsigned long long sent = 0, skipped = 0;
    if (burst_n > 0 && burst(s[0], burst_n, bufs[2], lens[2], &sent) < 0)
        return 1;
    double end = now_s() + seconds;
    for (unsigned long n = 0; now_s() < end; n++) {
        for (int i = 0; i < peers; i++) {
            if (send_one(s[i], (int)(n % 5), bufs, lens))
                sent++;
            else
                skipped++;
        }
        if (skipped > 0 && n % 1024 == 0) {
            struct timespec ts = {0, 100000}; /* the HWM: let it drain */
            nanosleep(&ts, NULL);
        }
    }
    printf("wg-flood: %llu messages sent, %llu skipped (high-water mark)\n",
           sent, skipped);
    for (int i = 0; i < peers; i++)
        zmq_close(s[i]);
    zmq_ctx_term(ctx);
    for (int i = 0; i < 3; i++)
        free(bufs[i]);
    return 0;
}
