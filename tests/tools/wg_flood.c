/*
 * wg-flood - a peer that sends the adjudicator's ROUTER everything but
 * what the protocol asks, as fast as ZeroMQ takes it, for a while.
 *
 *   wg-flood --router EP [--seconds 5] [--peers 1]
 *
 * Each of --peers DEALER connections sends, round and round until
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

int
main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"router", required_argument, NULL, 'r'},
        {"seconds", required_argument, NULL, 's'},
        {"peers", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *router = NULL;
    double seconds = 5;
    int peers = 1, c;
    while ((c = getopt_long(argc, argv, "r:s:p:", opts, NULL)) != -1) {
        if (c == 'r')
            router = optarg;
        else if (c == 's')
            seconds = atof(optarg);
        else if (c == 'p')
            peers = atoi(optarg);
        else
            return 2;
    }
    if (router == NULL || peers < 1 || peers > MAX_PEERS) {
        fputs("usage: wg-flood --router EP [--seconds S] [--peers N]\n",
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
