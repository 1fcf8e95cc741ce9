/*
 * log_replay.c - `wg-log replay` (the recorded broadcasts published again,
 * for observers) and the hidden `wg-log listen` (its tiny subscriber, a
 * testing aid).
 *
 * replay publishes on a plain ZeroMQ PUB socket, paced with nanosleep: it
 * is a one-socket, send-only program, and the bus and a libuv loop would
 * add nothing. It sends the recorded bytes, never re-encodes them. One
 * thread; each command owns its context and socket for the call. Exit
 * codes as in wg_log.c; progress goes to stderr, a line per turn.
 */
#include "log_replay.h"
#include "log_tool.h"

#include "wg/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zmq.h>

/* ---- replay ------------------------------------------------------------- */

static const char replay_usage[] =
    "Usage: wg-log replay LOG --pub ENDPOINT [--speed X | --step]\n"
    "\n"
    "Publishes the recorded broadcasts again, in order, on a ZeroMQ PUB\n"
    "socket bound at ENDPOINT (tcp://127.0.0.1:5556, ipc://...), for\n"
    "observers: every record the adjudicator published to all (TurnStart,\n"
    "TurnResult, ExerciseEnd), as the recorded bytes. Welcomes, errors and\n"
    "other directed replies, and the workers' orders, were never broadcast\n"
    "and are not sent.\n"
    "\n"
    "The log keeps no wall clock per record, so the recorded pace is defined\n"
    "as one turn per second: the broadcasts of a turn go out together, then\n"
    "the replay waits 1 s / X before the next turn.\n"
    "\n"
    "  -p, --pub ENDPOINT  where to bind the PUB socket (required)\n"
    "  -s, --speed X       X times the recorded pace (default 1; 0 < X)\n"
    "  -S, --step          wait for Enter on stdin before each turn\n"
    "\n"
    "It waits 300 ms after binding before the first broadcast (subscribers\n"
    "that connect later miss what went before), and lingers up to 1 s at\n"
    "the end so the last broadcasts reach them. Prints one line per turn on\n"
    "stderr.\n"
    "\n"
    "Exit status: 0 all published; 1 the log is torn or has a corrupt\n"
    "record (what came before it was published); 2 unreadable, bad usage\n"
    "or the endpoint cannot be bound.\n";

static void
sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* True for a record the adjudicator published to every subscriber. */
static bool
is_broadcast(const Wgpb__V1__Envelope *env)
{
    if (env->sender_role != WGPB__V1__ROLE__ROLE_ADJUDICATOR ||
        (env->recipient != NULL && env->recipient[0] != '\0'))
        return false;
    return env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START ||
           env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT ||
           env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END;
}

/* Waits for a line on stdin; false at its end. */
static bool
wait_enter(uint32_t turn)
{
    fprintf(stderr, "%s replay: turn %u next: press Enter to publish it\n",
            PROG, turn);
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n')
        ;
    return ch != EOF;
}

/* What the command line asks of replay. */
typedef struct {
    const char *endpoint; /* --pub */
    double speed;         /* --speed */
    bool step;            /* --step */
} replay_args_t;

/* Reads replay's options into a; the log's path, or NULL after a usage
 * error (said on stderr). */
static const char *
replay_options(int argc, char **argv, replay_args_t *a)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"pub", required_argument, NULL, 'p'},
        {"speed", required_argument, NULL, 's'},
        {"step", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    *a = (replay_args_t){NULL, 1.0, false};
    bool have_speed = false;
    int c;
    while ((c = wg_log_tool_opt(argc, argv, "hp:s:S", longopts,
                                replay_usage)) != -1) {
        if (c == 'p') {
            a->endpoint = optarg;
        } else if (c == 's') {
            char *end;
            errno = 0;
            a->speed = strtod(optarg, &end);
            if (errno != 0 || *end != '\0' || !(a->speed > 0) ||
                a->speed > 1e9) {
                fprintf(stderr, "%s replay: --speed wants a number above 0\n",
                        PROG);
                return NULL;
            }
            have_speed = true;
        } else if (c == 'S') {
            a->step = true;
        }
    }
    if (argc - optind != 1 || a->endpoint == NULL || (a->step && have_speed)) {
        fputs(replay_usage, stderr);
        return NULL;
    }
    return argv[optind];
}

/* Before the first broadcast of a turn: says the turn before it is out,
 * then waits as the pace, or the person at --step, says. false if stdin
 * ended (the replay stops there). */
static bool
pace_turn(const replay_args_t *a, bool first, uint32_t prev, uint32_t next)
{
    if (!first)
        fprintf(stderr, "%s replay: turn %u published\n", PROG, prev);
    if (a->step)
        return wait_enter(next);
    if (!first)
        sleep_s(1.0 / a->speed);
    return true;
}

/* Sends every broadcast of the log on pub, turn by turn. Returns the exit
 * status. */
static int
publish(const char *path, wg_log_reader_t *rd, void *pub,
        const replay_args_t *a)
{
    wg_log_tool_decoder_t dec;
    wg_log_tool_decoder_init(&dec);
    const uint8_t *rec;
    size_t len;
    uint64_t off, sent = 0;
    uint32_t cur_turn = 0;
    bool any = false, stopped = false;
    int rc, status = 0;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = wg_log_tool_decode(&dec, rec, len);
        if (env == NULL || !is_broadcast(env))
            continue;
        if (!any || env->turn != cur_turn) {
            /* A new turn: the pace is set between turns. */
            if (!pace_turn(a, !any, cur_turn, env->turn)) {
                stopped = true; /* stdin ended: stop here */
                break;
            }
            cur_turn = env->turn;
            any = true;
        }
        if (zmq_send(pub, rec, len, 0) == -1) {
            fprintf(stderr, "%s replay: send: %s\n", PROG,
                    zmq_strerror(zmq_errno()));
            status = EXIT_USAGE;
            break;
        }
        sent++;
    }
    if (any && status == 0 && !stopped)
        fprintf(stderr, "%s replay: turn %u published\n", PROG, cur_turn);
    if (rc == WG_ETORN || rc == WG_ECORRUPT) {
        wg_log_tool_report_stop(path, rc, off, wg_log_reader_index(rd),
                                wg_log_reader_size(rd), false, 0);
        status = EXIT_BAD;
    }
    fprintf(stderr, "%s replay: %" PRIu64 " broadcasts published\n", PROG,
            sent);
    wg_log_tool_decoder_fini(&dec);
    return status;
}

int
wg_log_cmd_replay(int argc, char **argv)
{
    replay_args_t a;
    const char *path = replay_options(argc, argv, &a);
    if (path == NULL)
        return EXIT_USAGE;
    wg_log_reader_t *rd;
    if (wg_log_tool_open(path, &rd) < 0)
        return EXIT_USAGE;

    int status;
    void *ctx = zmq_ctx_new();
    void *pub = ctx ? zmq_socket(ctx, ZMQ_PUB) : NULL;
    int linger = 1000;
    if (pub == NULL ||
        zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger) == -1 ||
        zmq_bind(pub, a.endpoint) == -1) {
        fprintf(stderr, "%s replay: cannot bind %s: %s\n", PROG, a.endpoint,
                zmq_strerror(zmq_errno()));
        status = EXIT_USAGE;
    } else {
        sleep_s(0.3); /* slow joiners: let subscribers connect and subscribe */
        status = publish(path, rd, pub, &a);
        sleep_s(0.3); /* the last broadcasts: out of the queue before close */
    }
    if (pub != NULL)
        zmq_close(pub);
    if (ctx != NULL)
        zmq_ctx_term(ctx); /* waits up to the linger for the queue */
    wg_log_reader_destroy(&rd);
    return status;
}

/* ---- listen: a tiny subscriber, a testing aid --------------------------- */

static const char listen_usage[] =
    "Usage: wg-log listen [--count N] [--timeout S] ENDPOINT\n"
    "\n"
    "Testing aid: connects a SUB socket to ENDPOINT (a wg-adjudicator's or\n"
    "a wg-log replay's PUB) and prints one line per Envelope received:\n"
    "\"seq S turn T PAYLOAD\". Stops after N envelopes (--count), when an\n"
    "ExerciseEnd arrives, or after S seconds without one (--timeout, 10).\n"
    "Beacons are not printed or counted.\n"
    "\n"
    "Exit status: 0 stopped on the count or an ExerciseEnd; 1 timed out;\n"
    "2 bad usage.\n";

/* A SUB socket connected to endpoint, every message subscribed, receives
 * timing out after timeout_ms; NULL (said on stderr) if it cannot be. */
static void *
connect_sub(void *ctx, const char *endpoint, int timeout_ms)
{
    void *sub = ctx ? zmq_socket(ctx, ZMQ_SUB) : NULL;
    int zero = 0;
    if (sub == NULL || zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero) ||
        zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms) ||
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) ||
        zmq_connect(sub, endpoint) == -1) {
        fprintf(stderr, "%s listen: %s: %s\n", PROG, endpoint,
                zmq_strerror(zmq_errno()));
        if (sub != NULL)
            zmq_close(sub);
        return NULL;
    }
    return sub;
}

/* Prints what sub receives until the count, an ExerciseEnd (0) or the
 * timeout (EXIT_BAD). */
static int
print_received(void *sub, uint64_t count, uint64_t timeout)
{
    static uint8_t buf[WG_LOG_MAX_RECORD];
    wg_log_tool_decoder_t dec;
    wg_log_tool_decoder_init(&dec);
    uint64_t got = 0;
    int status = EXIT_BAD;
    for (;;) {
        int n = zmq_recv(sub, buf, sizeof buf, 0);
        if (n < 0) {
            if (zmq_errno() == EINTR)
                continue;
            fprintf(stderr, "%s listen: nothing for %" PRIu64 " s\n", PROG,
                    timeout);
            break;
        }
        size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf;
        Wgpb__V1__Envelope *env = wg_log_tool_decode(&dec, buf, len);
        if (env == NULL) {
            printf("malformed %zu bytes\n", len);
        } else {
            if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_BEACON)
                continue;
            printf("seq %" PRIu64 " turn %u %s\n", env->seq, env->turn,
                   wg_wire_payload_name(env));
        }
        fflush(stdout);
        got++;
        if ((env != NULL &&
             env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END) ||
            (count > 0 && got >= count)) {
            status = 0;
            break;
        }
    }
    wg_log_tool_decoder_fini(&dec);
    return status;
}

int
wg_log_cmd_listen(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"count", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    uint64_t count = 0, timeout = 10;
    int c;
    while ((c = wg_log_tool_opt(argc, argv, "hn:t:", longopts, listen_usage)) !=
           -1) {
        if ((c == 'n' && wg_log_tool_u64(optarg, &count) < 0) ||
            (c == 't' && (wg_log_tool_u64(optarg, &timeout) < 0 ||
                          timeout == 0 || timeout > 3600))) {
            fputs(listen_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fputs(listen_usage, stderr);
        return EXIT_USAGE;
    }
    void *ctx = zmq_ctx_new();
    void *sub = connect_sub(ctx, argv[optind], (int)(timeout * 1000));
    int status = sub != NULL ? print_received(sub, count, timeout) : EXIT_USAGE;
    if (sub != NULL)
        zmq_close(sub);
    if (ctx != NULL)
        zmq_ctx_term(ctx);
    return status;
}
