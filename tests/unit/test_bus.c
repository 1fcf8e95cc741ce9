/*
 * test_bus.c - unit tests of the bus (common/bus.c) over real sockets.
 *
 * Each test runs one hub and up to three clients on one private uv loop,
 * over tcp://127.0.0.1:* (ephemeral ports found with wg_bus_endpoint()) or
 * ipc:// in a temporary directory. A watchdog timer fails a test that does
 * not finish in WATCHDOG_MS. Every test ends with the loop run to
 * completion, every bus destroyed and uv_loop_close() == 0.
 *
 * Test messages are small byte strings: [kind][client index][seq, 4 bytes
 * little-endian], padded to MSG_LEN.
 *
 * The CURVE tests give the hub a key pair and an auth callback that admits
 * the keys of known[] under the User-Ids of roles[] and refuses any other;
 * clients use a known key, an unknown one, the wrong server key, or no
 * CURVE at all.
 */
#include "wg_cmocka.h"

#include "wg/bus.h"
#include "wg/error.h"
#include "wg/keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

enum {
    NCLI = 3,
    MSG_LEN = 16,
    WATCHDOG_MS = 5000,
    ROUNDTRIP_N = 10000,
    ROUNDTRIP_WINDOW = 1000,
    BURST_N = 5000,
};

typedef enum { TR_TCP, TR_IPC } transport_t;

typedef struct fx fx_t;

typedef struct {
    fx_t *fx;
    int idx;
    uint32_t next_send;
    uint32_t next_expect;
    int replies;
    int bcasts;
    uint32_t next_bcast;
    bool done;
} client_t;

struct fx {
    uv_loop_t loop;
    transport_t tr;
    char dir[64];
    char router_ep[512];
    char pub_ep[512];
    wg_bus_t *hub;
    wg_bus_t *cli[NCLI];
    bool hub_closing;
    bool cli_closing[NCLI];
    client_t c[NCLI];
    int ncli;
    uv_timer_t watchdog;
    uv_timer_t tick;
    bool tick_on;
    bool finished;
    int closed; /* close callbacks seen */

    /* what the hub saw */
    int hub_count;
    int hub_seen[NCLI];
    uint32_t hub_expect[NCLI];
    bool hub_got_small;
    int clients_done;
    bool burst_sent;

    /* CURVE: the hub's keys, the admitted clients' keys, a stranger's */
    wg_keypair_t hub_kp, known[NCLI], stranger;
    int admitted[2], refused[2]; /* auth verdicts, by socket */
    int quiet_ticks;             /* ticks left once the test's goal is met */
    bool want_refusals;          /* the goal includes refusals on both */
    wg_bus_stats_t hub_st;       /* the hub's stats at the last tick */
    wg_bus_t *hub2;              /* a second CURVE hub */
    bool hub2_closing;
};

static const char *const ids[NCLI] = {"c0", "c1", "c2"};
static const char *const roles[NCLI] = {"FRA", "command", "observer:alice"};

/* ---- fixture ------------------------------------------------------------ */

static void
put_msg(uint8_t *buf, char kind, int cli, uint32_t seq)
{
    memset(buf, 0, MSG_LEN);
    buf[0] = (uint8_t)kind;
    buf[1] = (uint8_t)cli;
    buf[2] = (uint8_t)(seq & 0xff);
    buf[3] = (uint8_t)((seq >> 8) & 0xff);
    buf[4] = (uint8_t)((seq >> 16) & 0xff);
    buf[5] = (uint8_t)((seq >> 24) & 0xff);
}

static uint32_t
msg_seq(const uint8_t *buf)
{
    return (uint32_t)buf[2] | (uint32_t)buf[3] << 8 | (uint32_t)buf[4] << 16 |
           (uint32_t)buf[5] << 24;
}

static void
watchdog_cb(uv_timer_t *t)
{
    (void)t;
    fail_msg("watchdog: test did not finish in %d ms", WATCHDOG_MS);
}

static void
timer_close_cb(uv_handle_t *h)
{
    fx_t *fx = h->data;
    fx->closed++;
}

/* The close callback's arg is the slot holding the bus: destroying from
 * inside the callback is the documented way. */
static void
bus_closed_cb(wg_bus_t *bus, void *arg)
{
    wg_bus_t **slot = arg;
    assert_ptr_equal(*slot, bus);
    wg_bus_destroy(slot);
    assert_null(*slot);
}

static void
close_hub(fx_t *fx)
{
    if (fx->hub != NULL && !fx->hub_closing) {
        fx->hub_closing = true;
        wg_bus_close(fx->hub, bus_closed_cb, &fx->hub);
    }
}

static void
close_client(fx_t *fx, int i)
{
    if (fx->cli[i] != NULL && !fx->cli_closing[i]) {
        fx->cli_closing[i] = true;
        wg_bus_close(fx->cli[i], bus_closed_cb, &fx->cli[i]);
    }
}

static void
finish(fx_t *fx)
{
    if (fx->finished)
        return;
    fx->finished = true;
    for (int i = 0; i < NCLI; i++)
        close_client(fx, i);
    close_hub(fx);
    if (fx->hub2 != NULL && !fx->hub2_closing) {
        fx->hub2_closing = true;
        wg_bus_close(fx->hub2, bus_closed_cb, &fx->hub2);
    }
    uv_close((uv_handle_t *)&fx->watchdog, timer_close_cb);
    uv_close((uv_handle_t *)&fx->tick, timer_close_cb);
}

static void
fx_init(fx_t *fx, transport_t tr)
{
    memset(fx, 0, sizeof *fx);
    fx->tr = tr;
    assert_int_equal(uv_loop_init(&fx->loop), 0);
    assert_int_equal(uv_timer_init(&fx->loop, &fx->watchdog), 0);
    assert_int_equal(uv_timer_init(&fx->loop, &fx->tick), 0);
    fx->watchdog.data = fx;
    fx->tick.data = fx;
    assert_int_equal(uv_timer_start(&fx->watchdog, watchdog_cb, WATCHDOG_MS, 0),
                     0);
    for (int i = 0; i < NCLI; i++) {
        fx->c[i].fx = fx;
        fx->c[i].idx = i;
    }
    if (tr == TR_TCP) {
        snprintf(fx->router_ep, sizeof fx->router_ep, "tcp://127.0.0.1:*");
        snprintf(fx->pub_ep, sizeof fx->pub_ep, "tcp://127.0.0.1:*");
    } else {
        snprintf(fx->dir, sizeof fx->dir, "/tmp/wg-test-bus-XXXXXX");
        assert_non_null(mkdtemp(fx->dir));
        snprintf(fx->router_ep, sizeof fx->router_ep, "ipc://%s/router",
                 fx->dir);
        snprintf(fx->pub_ep, sizeof fx->pub_ep, "ipc://%s/pub", fx->dir);
    }
}

static void
fx_hub(fx_t *fx, int64_t max_message, wg_bus_recv_cb cb)
{
    wg_bus_config_t cfg = {.router_endpoint = fx->router_ep,
                           .pub_endpoint = fx->pub_ep,
                           .max_message = max_message};
    int err = -1;

    fx->hub = wg_bus_new_hub(&fx->loop, &cfg, cb, fx, &err);
    assert_non_null(fx->hub);
    assert_int_equal(err, 0);
    /* From now on the endpoints are the resolved ones. */
    snprintf(fx->router_ep, sizeof fx->router_ep, "%s",
             wg_bus_endpoint(fx->hub, 0));
    snprintf(fx->pub_ep, sizeof fx->pub_ep, "%s", wg_bus_endpoint(fx->hub, 1));
    assert_null(strchr(fx->router_ep, '*'));
    assert_null(strchr(fx->pub_ep, '*'));
    assert_string_not_equal(fx->router_ep, fx->pub_ep);
    if (fx->tr == TR_TCP) {
        assert_int_equal(strncmp(fx->router_ep, "tcp://127.0.0.1:", 16), 0);
        assert_true(atoi(fx->router_ep + 16) > 0);
    }
}

static void
fx_clients(fx_t *fx, int n, wg_bus_recv_cb cb)
{
    fx->ncli = n;
    for (int i = 0; i < n; i++) {
        wg_bus_config_t cfg = {.router_endpoint = fx->router_ep,
                               .pub_endpoint = fx->pub_ep,
                               .identity = ids[i]};
        int err = -1;
        fx->cli[i] = wg_bus_new_client(&fx->loop, &cfg, cb, &fx->c[i], &err);
        assert_non_null(fx->cli[i]);
        assert_int_equal(err, 0);
        assert_string_equal(wg_bus_endpoint(fx->cli[i], 0), fx->router_ep);
        assert_string_equal(wg_bus_endpoint(fx->cli[i], 1), fx->pub_ep);
    }
}

static void
fx_run(fx_t *fx)
{
    assert_int_equal(uv_run(&fx->loop, UV_RUN_DEFAULT), 0);
    assert_true(fx->finished);
    assert_null(fx->hub);
    assert_null(fx->hub2);
    for (int i = 0; i < NCLI; i++)
        assert_null(fx->cli[i]);
    assert_int_equal(uv_loop_close(&fx->loop), 0);
    if (fx->tr == TR_IPC) {
        /* ZeroMQ removes the ipc files when the listeners close. */
        char path[600];
        snprintf(path, sizeof path, "%s/router", fx->dir);
        (void)unlink(path);
        snprintf(path, sizeof path, "%s/pub", fx->dir);
        (void)unlink(path);
        assert_int_equal(rmdir(fx->dir), 0);
    }
}

static int
peer_index(const uint8_t *peer, size_t peer_len)
{
    for (int i = 0; i < NCLI; i++)
        if (peer_len == strlen(ids[i]) && memcmp(peer, ids[i], peer_len) == 0)
            return i;
    return -1;
}

/* ---- hub and three clients: directed both ways, then broadcast ---------- */

static void
basic_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
             const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;
    uint8_t reply[MSG_LEN];

    assert_ptr_equal(hub, fx->hub);
    assert_int_equal(broadcast, 0);
    assert_non_null(peer);
    assert_int_equal(len, MSG_LEN);
    assert_int_equal(data[0], 'H');
    /* The routing id the hub sees is the identity the client chose. */
    int who = peer_index(peer, peer_len);
    assert_int_equal(who, data[1]);
    fx->hub_seen[who]++;
    fx->hub_count++;
    put_msg(reply, 'R', who, 0);
    assert_int_equal(wg_bus_send_to(hub, peer, peer_len, reply, sizeof reply),
                     0);
}

static void
basic_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;

    assert_ptr_equal(bus, c->fx->cli[c->idx]);
    assert_null(peer);
    assert_int_equal(peer_len, 0);
    assert_int_equal(len, MSG_LEN);
    if (broadcast) {
        assert_int_equal(data[0], 'B');
        c->bcasts++;
    } else {
        assert_int_equal(data[0], 'R');
        assert_int_equal(data[1], c->idx);
        c->replies++;
    }
}

/* PUB/SUB slow joiner: a subscription takes a moment to reach the PUB, so
 * publish on a timer until every client has had one. */
static void
basic_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    uint8_t msg[MSG_LEN];
    bool all = true;

    put_msg(msg, 'B', 0, 0);
    assert_int_equal(wg_bus_publish(fx->hub, msg, sizeof msg), 0);
    for (int i = 0; i < fx->ncli; i++)
        if (fx->c[i].bcasts == 0 || fx->c[i].replies == 0)
            all = false;
    if (!all)
        return;

    wg_bus_stats_t st;
    wg_bus_stats(fx->hub, &st);
    assert_int_equal(st.received, NCLI);
    assert_true(st.sent > NCLI);
    assert_int_equal(st.send_errors, 0);
    assert_int_equal(st.dropped, 0);
    for (int i = 0; i < fx->ncli; i++) {
        assert_int_equal(fx->hub_seen[i], 1);
        assert_int_equal(fx->c[i].replies, 1);
        wg_bus_stats(fx->cli[i], &st);
        assert_int_equal(st.sent, 1);
        assert_int_equal(st.received, 1 + fx->c[i].bcasts);
    }
    finish(fx);
}

static void
run_basic(transport_t tr)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    fx_init(&fx, tr);
    fx_hub(&fx, 0, basic_hub_cb);
    fx_clients(&fx, NCLI, basic_client_cb);
    /* Sent before the loop runs: the DEALER queues until connected. */
    for (int i = 0; i < NCLI; i++) {
        put_msg(msg, 'H', i, 0);
        assert_int_equal(wg_bus_send(fx.cli[i], msg, sizeof msg), 0);
    }
    assert_int_equal(uv_timer_start(&fx.tick, basic_tick_cb, 10, 10), 0);
    fx_run(&fx);
    assert_int_equal(fx.hub_count, NCLI);
}

static void
test_basic_tcp(void **state)
{
    (void)state;
    run_basic(TR_TCP);
}

static void
test_basic_ipc(void **state)
{
    (void)state;
    run_basic(TR_IPC);
}

/* ---- 10,000 round trips per client, nothing lost, order kept ------------ */

static void
rt_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
          const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;
    uint8_t echo[MSG_LEN];

    (void)broadcast;
    assert_int_equal(len, MSG_LEN);
    int who = peer_index(peer, peer_len);
    assert_true(who >= 0);
    assert_int_equal(data[0], 'S');
    assert_int_equal(msg_seq(data), fx->hub_expect[who]);
    fx->hub_expect[who]++;
    memcpy(echo, data, MSG_LEN);
    echo[0] = 'E';
    assert_int_equal(wg_bus_send_to(hub, peer, peer_len, echo, sizeof echo), 0);
}

static void
rt_send(client_t *c)
{
    uint8_t msg[MSG_LEN];

    put_msg(msg, 'S', c->idx, c->next_send);
    assert_int_equal(wg_bus_send(c->fx->cli[c->idx], msg, sizeof msg), 0);
    c->next_send++;
}

static void
rt_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, int broadcast,
             const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;
    fx_t *fx = c->fx;

    (void)bus;
    (void)peer;
    (void)peer_len;
    assert_int_equal(broadcast, 0);
    assert_int_equal(len, MSG_LEN);
    assert_int_equal(data[0], 'E');
    assert_int_equal(data[1], c->idx);
    assert_int_equal(msg_seq(data), c->next_expect);
    c->next_expect++;
    if (c->next_send < ROUNDTRIP_N)
        rt_send(c);
    if (c->next_expect == ROUNDTRIP_N) {
        c->done = true;
        if (++fx->clients_done == fx->ncli) {
            wg_bus_stats_t st;
            wg_bus_stats(fx->hub, &st);
            assert_int_equal(st.received, (uint64_t)NCLI * ROUNDTRIP_N);
            assert_int_equal(st.sent, (uint64_t)NCLI * ROUNDTRIP_N);
            assert_int_equal(st.send_errors, 0);
            for (int i = 0; i < NCLI; i++) {
                wg_bus_stats(fx->cli[i], &st);
                assert_int_equal(st.received, ROUNDTRIP_N);
                assert_int_equal(st.sent, ROUNDTRIP_N);
            }
            finish(fx);
        }
    }
}

static void
run_roundtrip(transport_t tr)
{
    fx_t fx;

    fx_init(&fx, tr);
    fx_hub(&fx, 0, rt_hub_cb);
    fx_clients(&fx, NCLI, rt_client_cb);
    /* A window of messages in flight per client, so both sides see bursts
     * much longer than one drain batch. */
    for (int i = 0; i < NCLI; i++)
        for (int k = 0; k < ROUNDTRIP_WINDOW; k++)
            rt_send(&fx.c[i]);
    fx_run(&fx);
    for (int i = 0; i < NCLI; i++) {
        assert_int_equal(fx.hub_expect[i], ROUNDTRIP_N);
        assert_int_equal(fx.c[i].next_expect, ROUNDTRIP_N);
    }
}

static void
test_roundtrip_tcp(void **state)
{
    (void)state;
    run_roundtrip(TR_TCP);
}

static void
test_roundtrip_ipc(void **state)
{
    (void)state;
    run_roundtrip(TR_IPC);
}

/* ---- sends outside any callback of the bus ----------------------------- */

/* A send can consume the edge of ZMQ_FD that announced an echo; unless the
 * bus looks at ZMQ_EVENTS after the send, the echo waits forever. Here the
 * client sends only from a timer while echoes stream back. */
static void
timer_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;

    (void)bus;
    (void)peer;
    (void)peer_len;
    assert_int_equal(broadcast, 0);
    assert_int_equal(len, MSG_LEN);
    assert_int_equal(data[0], 'E');
    assert_int_equal(msg_seq(data), c->next_expect);
    c->next_expect++;
    if (c->next_expect == ROUNDTRIP_N)
        finish(c->fx);
}

static void
timer_send_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    client_t *c = &fx->c[0];

    for (int k = 0; k < 20 && c->next_send < ROUNDTRIP_N &&
                    c->next_send - c->next_expect < 200;
         k++)
        rt_send(c);
}

static void
test_send_from_timer(void **state)
{
    fx_t fx;

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 0, rt_hub_cb);
    fx_clients(&fx, 1, timer_client_cb);
    assert_int_equal(uv_timer_start(&fx.tick, timer_send_cb, 1, 1), 0);
    fx_run(&fx);
    assert_int_equal(fx.c[0].next_expect, ROUNDTRIP_N);
}

/* ---- a burst of broadcasts: every subscriber gets all, in order --------- */

static void
burst_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;
    fx_t *fx = c->fx;

    (void)bus;
    (void)peer;
    (void)peer_len;
    assert_int_equal(broadcast, 1);
    assert_int_equal(len, MSG_LEN);
    if (data[0] == 'P') { /* warm-up ping */
        c->bcasts++;
        return;
    }
    assert_int_equal(data[0], 'B');
    assert_int_equal(msg_seq(data), c->next_bcast);
    c->next_bcast++;
    if (c->next_bcast == BURST_N && ++fx->clients_done == fx->ncli)
        finish(fx);
}

static void
burst_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    uint8_t msg[MSG_LEN];

    for (int i = 0; i < fx->ncli; i++) {
        if (fx->c[i].bcasts == 0) {
            put_msg(msg, 'P', 0, 0);
            assert_int_equal(wg_bus_publish(fx->hub, msg, sizeof msg), 0);
            return;
        }
    }
    /* Every subscription has reached the PUB: nothing is lost from now. */
    uv_timer_stop(t);
    for (uint32_t k = 0; k < BURST_N; k++) {
        put_msg(msg, 'B', 0, k);
        assert_int_equal(wg_bus_publish(fx->hub, msg, sizeof msg), 0);
    }
}

static void
unused_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len,
              int broadcast, const uint8_t *data, size_t len, void *arg)
{
    (void)hub;
    (void)peer;
    (void)peer_len;
    (void)broadcast;
    (void)data;
    (void)len;
    (void)arg;
    fail_msg("hub received an unexpected message");
}

static void
test_broadcast_burst(void **state)
{
    fx_t fx;

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 0, unused_hub_cb);
    fx_clients(&fx, NCLI, burst_client_cb);
    assert_int_equal(uv_timer_start(&fx.tick, burst_tick_cb, 5, 5), 0);
    fx_run(&fx);
    for (int i = 0; i < NCLI; i++)
        assert_int_equal(fx.c[i].next_bcast, BURST_N);
}

/* ---- send errors -------------------------------------------------------- */

static void
test_send_errors(void **state)
{
    fx_t fx;
    uint8_t big[2048] = {0};
    wg_bus_stats_t st;

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 1024, unused_hub_cb);
    assert_int_equal(
        wg_bus_send_to(fx.hub, (const uint8_t *)"nobody", 6, "x", 1),
        -EHOSTUNREACH);
    assert_int_equal(
        wg_bus_send_to(fx.hub, (const uint8_t *)"c0", 2, big, sizeof big),
        -EMSGSIZE);
    assert_int_equal(wg_bus_publish(fx.hub, big, sizeof big), -EMSGSIZE);
    /* No subscribers: a PUB drops silently, which is a success. */
    assert_int_equal(wg_bus_publish(fx.hub, big, 1024), 0);
    wg_bus_stats(fx.hub, &st);
    assert_int_equal(st.send_errors, 3);
    assert_int_equal(st.sent, 1);
    finish(&fx);
    fx_run(&fx);
}

static void
test_bad_config(void **state)
{
    fx_t fx;
    int err = 0;
    char longid[300];

    (void)state;
    fx_init(&fx, TR_TCP);
    wg_bus_config_t cfg = {.router_endpoint = "tcp://127.0.0.1:*",
                           .pub_endpoint = "tcp://127.0.0.1:*",
                           .identity = ""};
    assert_null(wg_bus_new_client(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    memset(longid, 'a', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    cfg.identity = longid;
    err = 0;
    assert_null(wg_bus_new_client(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    cfg.identity = NULL;
    cfg.router_endpoint = "bogus://nowhere";
    err = 0;
    assert_null(wg_bus_new_hub(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_true(err < 0);

    /* A port already bound by another hub. */
    fx_hub(&fx, 0, unused_hub_cb);
    cfg.router_endpoint = fx.router_ep;
    cfg.pub_endpoint = "tcp://127.0.0.1:*";
    err = 0;
    assert_null(wg_bus_new_hub(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, -EADDRINUSE);
    finish(&fx);
    fx_run(&fx);
}

/* ---- an oversize message is dropped, the next normal one arrives -------- */

static void
oversize_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;

    (void)hub;
    (void)broadcast;
    assert_int_equal(peer_index(peer, peer_len), 0);
    assert_true(len <= 1024);
    assert_int_equal(len, MSG_LEN);
    assert_int_equal(data[0], 'S');
    fx->hub_count++;
    finish(fx);
}

/* ZeroMQ drops the connection with the oversize message and whatever was
 * in flight behind it; the DEALER reconnects, so keep sending small ones
 * until one is delivered. */
static void
oversize_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    uint8_t msg[MSG_LEN];

    put_msg(msg, 'S', 0, fx->c[0].next_send++);
    assert_int_equal(wg_bus_send(fx->cli[0], msg, sizeof msg), 0);
}

static void
test_oversize(void **state)
{
    fx_t fx;
    static uint8_t big[4096];

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 1024, oversize_hub_cb);
    fx_clients(&fx, 1, unused_hub_cb); /* the client expects nothing */
    memset(big, 'X', sizeof big);
    assert_int_equal(wg_bus_send(fx.cli[0], big, sizeof big), 0);
    assert_int_equal(uv_timer_start(&fx.tick, oversize_tick_cb, 20, 20), 0);
    fx_run(&fx);
    assert_int_equal(fx.hub_count, 1);
}

/* ---- close from inside the receive callback ----------------------------- */

static void
close_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
             const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;

    (void)peer;
    (void)peer_len;
    (void)broadcast;
    (void)data;
    (void)len;
    fx->hub_count++;
    assert_int_equal(fx->hub_count, 1); /* never called after close */
    close_hub(fx);
    /* Sending on a closing bus is refused, not a crash. */
    assert_int_equal(wg_bus_send_to(hub, peer, peer_len, "x", 1), WG_ESTATE);
    finish(fx);
}

static void
test_close_in_hub_callback(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 0, close_hub_cb);
    fx_clients(&fx, 1, unused_hub_cb);
    /* Many messages reach the hub in one drain; only the first is seen. */
    for (uint32_t k = 0; k < 50; k++) {
        put_msg(msg, 'S', 0, k);
        assert_int_equal(wg_bus_send(fx.cli[0], msg, sizeof msg), 0);
    }
    fx_run(&fx);
    assert_int_equal(fx.hub_count, 1);
}

static void
flood_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
             const uint8_t *data, size_t len, void *arg)
{
    uint8_t msg[MSG_LEN];

    (void)broadcast;
    (void)data;
    (void)len;
    (void)arg;
    for (uint32_t k = 0; k < 50; k++) {
        put_msg(msg, 'E', 0, k);
        assert_int_equal(wg_bus_send_to(hub, peer, peer_len, msg, sizeof msg),
                         0);
    }
}

static void
close_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;

    (void)peer;
    (void)peer_len;
    (void)broadcast;
    (void)data;
    (void)len;
    c->replies++;
    assert_int_equal(c->replies, 1);
    close_client(c->fx, c->idx);
    assert_int_equal(wg_bus_send(bus, "x", 1), WG_ESTATE);
    finish(c->fx);
}

static void
test_close_in_client_callback(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_IPC);
    fx_hub(&fx, 0, flood_hub_cb);
    fx_clients(&fx, 1, close_client_cb);
    put_msg(msg, 'H', 0, 0);
    assert_int_equal(wg_bus_send(fx.cli[0], msg, sizeof msg), 0);
    fx_run(&fx);
    assert_int_equal(fx.c[0].replies, 1);
}

/* ---- unexpected frames from a raw peer are dropped and counted ---------- */

static void
frames_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len,
              int broadcast, const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;
    wg_bus_stats_t st;

    (void)broadcast;
    assert_int_equal(peer_len, 3);
    assert_memory_equal(peer, "raw", 3);
    assert_int_equal(len, 2);
    assert_memory_equal(data, "ok", 2);
    fx->hub_count++;
    wg_bus_stats(hub, &st);
    assert_int_equal(st.received, 1);
    assert_int_equal(st.dropped, 2);
    finish(fx);
}

static void
test_extra_frames(void **state)
{
    fx_t fx;
    void *zctx, *raw;
    int zero = 0;

    (void)state;
    fx_init(&fx, TR_TCP);
    fx_hub(&fx, 0, frames_hub_cb);
    zctx = zmq_ctx_new();
    assert_non_null(zctx);
    raw = zmq_socket(zctx, ZMQ_DEALER);
    assert_non_null(raw);
    assert_int_equal(zmq_setsockopt(raw, ZMQ_LINGER, &zero, sizeof zero), 0);
    assert_int_equal(zmq_setsockopt(raw, ZMQ_ROUTING_ID, "raw", 3), 0);
    assert_int_equal(zmq_connect(raw, fx.router_ep), 0);
    /* Queued until connected; none of these sends can block. */
    assert_int_equal(zmq_send(raw, "a", 1, ZMQ_SNDMORE), 1);
    assert_int_equal(zmq_send(raw, "b", 1, 0), 1);
    assert_int_equal(zmq_send(raw, "", 0, ZMQ_SNDMORE), 0); /* REQ-style */
    assert_int_equal(zmq_send(raw, "b", 1, ZMQ_SNDMORE), 1);
    assert_int_equal(zmq_send(raw, "c", 1, 0), 1);
    assert_int_equal(zmq_send(raw, "ok", 2, 0), 2);
    fx_run(&fx);
    assert_int_equal(fx.hub_count, 1);
    assert_int_equal(zmq_close(raw), 0);
    assert_int_equal(zmq_ctx_term(zctx), 0);
}

/* ---- close before the loop ever ran ------------------------------------- */

static void
test_close_at_once(void **state)
{
    fx_t fx;

    (void)state;
    fx_init(&fx, TR_IPC);
    fx_hub(&fx, 0, unused_hub_cb);
    fx_clients(&fx, NCLI, unused_hub_cb);
    assert_int_equal(wg_bus_send(fx.cli[1], "hi", 2), 0);
    finish(&fx);
    fx_run(&fx);
}

/* ---- CURVE: admission by key, User-Id, refusals ------------------------- */

static void
curve_keys(fx_t *fx)
{
    assert_int_equal(wg_keys_generate(&fx->hub_kp), 0);
    assert_int_equal(wg_keys_generate(&fx->stranger), 0);
    for (int i = 0; i < NCLI; i++)
        assert_int_equal(wg_keys_generate(&fx->known[i]), 0);
}

/* Admits known[i] as roles[i]; refuses anyone else. */
static int
curve_auth_cb(wg_bus_t *hub, int which, const uint8_t *public_key,
              const char *address, char *user_id, size_t cap, void *arg)
{
    fx_t *fx = arg;

    assert_ptr_equal(hub, fx->hub);
    assert_true(which == 0 || which == 1);
    assert_int_equal(cap, WG_BUS_USER_ID_MAX + 1);
    assert_string_equal(address, "127.0.0.1");
    assert_null(wg_bus_user_id(hub));
    for (int i = 0; i < NCLI; i++) {
        if (memcmp(public_key, fx->known[i].public_key, WG_KEY_LEN) == 0) {
            snprintf(user_id, cap, "%s", roles[i]);
            fx->admitted[which]++;
            return 0;
        }
    }
    fx->refused[which]++;
    return WG_EUNAUTHORISED;
}

static void
fx_curve_hub(fx_t *fx, wg_bus_recv_cb cb)
{
    wg_bus_config_t cfg = {.router_endpoint = fx->router_ep,
                           .pub_endpoint = fx->pub_ep,
                           .curve_secret_key = fx->hub_kp.secret_key,
                           .auth = curve_auth_cb,
                           .auth_arg = fx};
    int err = -1;

    fx->hub = wg_bus_new_hub(&fx->loop, &cfg, cb, fx, &err);
    assert_non_null(fx->hub);
    assert_int_equal(err, 0);
    snprintf(fx->router_ep, sizeof fx->router_ep, "%s",
             wg_bus_endpoint(fx->hub, 0));
    snprintf(fx->pub_ep, sizeof fx->pub_ep, "%s", wg_bus_endpoint(fx->hub, 1));
}

/* Client i with key pair kp (NULL: no CURVE) trusting server_key. */
static void
fx_curve_client(fx_t *fx, int i, const wg_keypair_t *kp,
                const uint8_t *server_key, wg_bus_recv_cb cb)
{
    wg_bus_config_t cfg = {.router_endpoint = fx->router_ep,
                           .pub_endpoint = fx->pub_ep,
                           .identity = ids[i]};
    int err = -1;

    if (kp != NULL) {
        cfg.curve_public_key = kp->public_key;
        cfg.curve_secret_key = kp->secret_key;
        cfg.curve_server_key = server_key;
    }
    fx->cli[i] = wg_bus_new_client(&fx->loop, &cfg, cb, &fx->c[i], &err);
    assert_non_null(fx->cli[i]);
    assert_int_equal(err, 0);
    if (i >= fx->ncli)
        fx->ncli = i + 1;
}

/* Like basic_hub_cb, and the User-Id is the role of the sender's key. */
static void
curve_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
             const uint8_t *data, size_t len, void *arg)
{
    int who = peer_index(peer, peer_len);

    assert_true(who >= 0);
    assert_non_null(wg_bus_user_id(hub));
    assert_string_equal(wg_bus_user_id(hub), roles[who]);
    basic_hub_cb(hub, peer, peer_len, broadcast, data, len, arg);
}

/* A client hears nothing of who it is talking to: the hub is its key. */
static void
curve_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    assert_null(wg_bus_user_id(bus));
    basic_client_cb(bus, peer, peer_len, broadcast, data, len, arg);
}

static void
outsider_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len, int broadcast,
            const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;

    (void)bus;
    (void)peer;
    (void)peer_len;
    (void)data;
    (void)len;
    fail_msg("client %d, never admitted, received a %s", c->idx,
             broadcast ? "broadcast" : "reply");
}

/* basic_tick_cb, keeping the hub's last stats for after the run. */
static void
curve_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;

    wg_bus_stats(fx->hub, &fx->hub_st);
    basic_tick_cb(t);
}

static void
test_curve_admitted(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_curve_hub(&fx, curve_hub_cb);
    for (int i = 0; i < NCLI; i++)
        fx_curve_client(&fx, i, &fx.known[i], fx.hub_kp.public_key,
                        curve_client_cb);
    for (int i = 0; i < NCLI; i++) {
        put_msg(msg, 'H', i, 0);
        assert_int_equal(wg_bus_send(fx.cli[i], msg, sizeof msg), 0);
    }
    /* basic_tick_cb publishes until every client has a reply and a
     * broadcast, and checks the message counts. */
    assert_int_equal(uv_timer_start(&fx.tick, curve_tick_cb, 10, 10), 0);
    assert_null(wg_bus_user_id(fx.hub));
    fx_run(&fx);
    assert_int_equal(fx.hub_count, NCLI);
    /* Each client was admitted on both sockets, nobody refused. */
    assert_true(fx.admitted[0] >= NCLI);
    assert_true(fx.admitted[1] >= NCLI);
    assert_int_equal(fx.refused[0] + fx.refused[1], 0);
    assert_int_equal(fx.hub_st.admitted,
                     (uint64_t)(fx.admitted[0] + fx.admitted[1]));
    assert_int_equal(fx.hub_st.refused, 0);
}

/* Publishes while the test's goal is not met, then for quiet_ticks more
 * so that whatever an outsider could receive has had time to arrive. */
static void
outsider_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    uint8_t msg[MSG_LEN];
    client_t *c0 = &fx->c[0];

    put_msg(msg, 'B', 0, 0);
    assert_int_equal(wg_bus_publish(fx->hub, msg, sizeof msg), 0);
    wg_bus_stats(fx->hub, &fx->hub_st);
    if (c0->replies == 0 || c0->bcasts == 0)
        return;
    if (fx->want_refusals && (fx->refused[0] == 0 || fx->refused[1] == 0))
        return;
    if (fx->quiet_ticks-- > 0)
        return;
    for (int i = 1; i < fx->ncli; i++) {
        wg_bus_stats_t st;
        wg_bus_stats(fx->cli[i], &st);
        assert_int_equal(st.received, 0);
    }
    finish(fx);
}

/* The outsiders (clients 1 and 2) have queued their messages: c0 sends
 * one and the hub publishes until c0 has its reply and a broadcast, then a
 * while more. Only c0's message passes, and no outsider hears anything. */
static void
run_outsiders(fx_t *fx)
{
    uint8_t msg[MSG_LEN];

    put_msg(msg, 'H', 0, 0);
    assert_int_equal(wg_bus_send(fx->cli[0], msg, sizeof msg), 0);
    fx->quiet_ticks = 30;
    assert_int_equal(uv_timer_start(&fx->tick, outsider_tick_cb, 10, 10), 0);
    fx_run(fx);
    assert_int_equal(fx->hub_seen[0], 1);
    assert_int_equal(fx->hub_seen[1] + fx->hub_seen[2], 0);
    assert_int_equal(fx->hub_st.received, 1);
}

static void
test_curve_unknown_key(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_curve_hub(&fx, curve_hub_cb);
    fx_curve_client(&fx, 1, &fx.stranger, fx.hub_kp.public_key, outsider_cb);
    fx_curve_client(&fx, 0, &fx.known[0], fx.hub_kp.public_key,
                    curve_client_cb);
    for (uint32_t k = 0; k < 5; k++) {
        put_msg(msg, 'H', 1, k);
        assert_int_equal(wg_bus_send(fx.cli[1], msg, sizeof msg), 0);
    }
    fx.want_refusals = true;
    run_outsiders(&fx);
    /* Refused on the ROUTER and on the PUB; every refusal is counted. */
    assert_true(fx.refused[0] >= 1);
    assert_true(fx.refused[1] >= 1);
    assert_int_equal(fx.hub_st.refused,
                     (uint64_t)(fx.refused[0] + fx.refused[1]));
    assert_int_equal(fx.hub_st.admitted,
                     (uint64_t)(fx.admitted[0] + fx.admitted[1]));
    /* A key that ZAP refuses is no handshake failure before ZAP. */
    assert_int_equal(fx.hub_st.handshake_failed, 0);
}

/* Clients that never get as far as the auth callback: one without CURVE
 * (the mechanisms differ, the handshake fails) and one that holds a known
 * key but trusts the wrong server key (it cannot authenticate the hub). */
static void
test_curve_outsiders(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_curve_hub(&fx, curve_hub_cb);
    fx_curve_client(&fx, 1, NULL, NULL, outsider_cb);
    fx_curve_client(&fx, 2, &fx.known[2], fx.stranger.public_key, outsider_cb);
    fx_curve_client(&fx, 0, &fx.known[0], fx.hub_kp.public_key,
                    curve_client_cb);
    for (uint32_t k = 0; k < 5; k++) {
        put_msg(msg, 'H', 1, k);
        assert_int_equal(wg_bus_send(fx.cli[1], msg, sizeof msg), 0);
        put_msg(msg, 'H', 2, k);
        assert_int_equal(wg_bus_send(fx.cli[2], msg, sizeof msg), 0);
    }
    run_outsiders(&fx);
    /* c0 on two sockets; the others never reached ZAP, but the hub's
     * monitors saw their handshakes fail (each at least on the ROUTER). */
    assert_int_equal(fx.refused[0] + fx.refused[1], 0);
    assert_int_equal(fx.hub_st.refused, 0);
    assert_true(fx.hub_st.handshake_failed >= 2);
}

/* The converse: a CURVE client against a hub without CURVE. */
static void
test_curve_client_plain_hub(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_hub(&fx, 0, basic_hub_cb);
    fx_curve_client(&fx, 1, &fx.known[1], fx.hub_kp.public_key, outsider_cb);
    fx_curve_client(&fx, 0, NULL, NULL, basic_client_cb);
    put_msg(msg, 'H', 1, 0);
    assert_int_equal(wg_bus_send(fx.cli[1], msg, sizeof msg), 0);
    run_outsiders(&fx);
}

/* Without CURVE there is no User-Id. */
static void
plain_user_id_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len,
                 int broadcast, const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;

    (void)peer;
    (void)peer_len;
    (void)broadcast;
    (void)data;
    (void)len;
    assert_null(wg_bus_user_id(hub));
    fx->hub_count++;
    finish(fx);
}

static void
test_user_id_without_curve(void **state)
{
    fx_t fx;

    (void)state;
    fx_init(&fx, TR_IPC);
    fx_hub(&fx, 0, plain_user_id_cb);
    fx_clients(&fx, 1, unused_hub_cb);
    assert_int_equal(wg_bus_send(fx.cli[0], "hi", 2), 0);
    fx_run(&fx);
    assert_int_equal(fx.hub_count, 1);
}

static void
test_curve_bad_config(void **state)
{
    fx_t fx;
    int err;
    wg_bus_config_t cfg = {.router_endpoint = "tcp://127.0.0.1:*",
                           .pub_endpoint = "tcp://127.0.0.1:*"};

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    /* A hub: its secret key without an auth callback, or the reverse. */
    cfg.curve_secret_key = fx.hub_kp.secret_key;
    err = 0;
    assert_null(wg_bus_new_hub(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    cfg.curve_secret_key = NULL;
    cfg.auth = curve_auth_cb;
    err = 0;
    assert_null(wg_bus_new_hub(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    /* A client: an incomplete set of keys, or an auth callback. */
    cfg.router_endpoint = "tcp://127.0.0.1:9";
    cfg.pub_endpoint = "tcp://127.0.0.1:9";
    cfg.auth = NULL;
    cfg.curve_public_key = fx.known[0].public_key;
    cfg.curve_secret_key = fx.known[0].secret_key;
    err = 0;
    assert_null(wg_bus_new_client(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    cfg.curve_server_key = fx.hub_kp.public_key;
    cfg.auth = curve_auth_cb;
    err = 0;
    assert_null(wg_bus_new_client(&fx.loop, &cfg, unused_hub_cb, NULL, &err));
    assert_int_equal(err, WG_ECONFIG);
    finish(&fx);
    fx_run(&fx);
}

/* A second hub's admission: known[1] only, as "GBR". */
static int
hub2_auth_cb(wg_bus_t *hub, int which, const uint8_t *public_key,
             const char *address, char *user_id, size_t cap, void *arg)
{
    fx_t *fx = arg;

    (void)which;
    (void)address;
    assert_ptr_equal(hub, fx->hub2);
    if (memcmp(public_key, fx->known[1].public_key, WG_KEY_LEN) != 0)
        return WG_EUNAUTHORISED;
    snprintf(user_id, cap, "GBR");
    return 0;
}

static void
hub2_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len, int broadcast,
        const uint8_t *data, size_t len, void *arg)
{
    (void)broadcast;
    (void)arg;
    assert_int_equal(len, MSG_LEN);
    assert_string_equal(wg_bus_user_id(hub), "GBR");
    uint8_t reply[MSG_LEN];
    put_msg(reply, 'R', data[1], 0);
    assert_int_equal(wg_bus_send_to(hub, peer, peer_len, reply, sizeof reply),
                     0);
}

static void
two_hubs_client_cb(wg_bus_t *bus, const uint8_t *peer, size_t peer_len,
                   int broadcast, const uint8_t *data, size_t len, void *arg)
{
    client_t *c = arg;

    basic_client_cb(bus, peer, peer_len, broadcast, data, len, arg);
    if (c->fx->c[0].replies > 0 && c->fx->c[1].replies > 0)
        finish(c->fx);
}

/* Two CURVE hubs in one process: each has its own ZAP handler (its own
 * context), and each admits by its own rules. */
static void
test_curve_two_hubs(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];
    int err = -1;

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_curve_hub(&fx, curve_hub_cb);
    fx_curve_client(&fx, 0, &fx.known[0], fx.hub_kp.public_key,
                    two_hubs_client_cb);
    wg_bus_config_t cfg = {.router_endpoint = "tcp://127.0.0.1:*",
                           .pub_endpoint = "tcp://127.0.0.1:*",
                           .curve_secret_key = fx.stranger.secret_key,
                           .auth = hub2_auth_cb,
                           .auth_arg = &fx};
    fx.hub2 = wg_bus_new_hub(&fx.loop, &cfg, hub2_cb, &fx, &err);
    assert_non_null(fx.hub2);
    assert_int_equal(err, 0);
    snprintf(fx.router_ep, sizeof fx.router_ep, "%s",
             wg_bus_endpoint(fx.hub2, 0));
    snprintf(fx.pub_ep, sizeof fx.pub_ep, "%s", wg_bus_endpoint(fx.hub2, 1));
    fx_curve_client(&fx, 1, &fx.known[1], fx.stranger.public_key,
                    two_hubs_client_cb);
    for (int i = 0; i < 2; i++) {
        put_msg(msg, 'H', i, 0);
        assert_int_equal(wg_bus_send(fx.cli[i], msg, sizeof msg), 0);
    }
    fx_run(&fx);
    assert_int_equal(fx.hub_seen[0], 1);
}

/* An admitted key cannot take another client's routing id: the impostor
 * (observer:alice) connects as "c0" while FRA's c0 is connected, and what
 * the hub sends to "c0" keeps reaching c0 alone. */
static void
impostor_hub_cb(wg_bus_t *hub, const uint8_t *peer, size_t peer_len,
                int broadcast, const uint8_t *data, size_t len, void *arg)
{
    fx_t *fx = arg;

    (void)broadcast;
    (void)len;
    /* Whatever routing id a message comes with, the key decides. */
    if (peer_index(peer, peer_len) == 0) {
        assert_string_equal(wg_bus_user_id(hub), "FRA");
        fx->hub_seen[0]++;
    } else {
        assert_string_equal(wg_bus_user_id(hub), roles[2]);
        assert_int_equal(data[1], 2);
        fx->hub_seen[2]++;
    }
}

static void
impostor_tick_cb(uv_timer_t *t)
{
    fx_t *fx = t->data;
    uint8_t msg[MSG_LEN];

    if (fx->hub_seen[0] == 0) /* c0's connection is not up yet */
        return;
    if (fx->cli[2] == NULL) {
        wg_bus_config_t cfg = {.router_endpoint = fx->router_ep,
                               .pub_endpoint = fx->pub_ep,
                               .identity = ids[0],
                               .curve_public_key = fx->known[2].public_key,
                               .curve_secret_key = fx->known[2].secret_key,
                               .curve_server_key = fx->hub_kp.public_key};
        int err = -1;
        fx->cli[2] = wg_bus_new_client(&fx->loop, &cfg, basic_client_cb,
                                       &fx->c[2], &err);
        assert_non_null(fx->cli[2]);
        put_msg(msg, 'H', 2, 0);
        assert_int_equal(wg_bus_send(fx->cli[2], msg, sizeof msg), 0);
        return;
    }
    put_msg(msg, 'R', 0, 0);
    assert_int_equal(
        wg_bus_send_to(fx->hub, (const uint8_t *)ids[0], 2, msg, sizeof msg),
        0);
    /* Until the impostor was admitted on the ROUTER, and a while after. */
    if (fx->admitted[0] < 2 || fx->quiet_ticks-- > 0)
        return;
    assert_int_equal(fx->c[2].replies, 0);
    finish(fx);
}

static void
test_curve_no_takeover(void **state)
{
    fx_t fx;
    uint8_t msg[MSG_LEN];

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    fx_curve_hub(&fx, impostor_hub_cb);
    fx_curve_client(&fx, 0, &fx.known[0], fx.hub_kp.public_key,
                    basic_client_cb);
    fx.ncli = 3;
    put_msg(msg, 'H', 0, 0);
    assert_int_equal(wg_bus_send(fx.cli[0], msg, sizeof msg), 0);
    fx.quiet_ticks = 20;
    assert_int_equal(uv_timer_start(&fx.tick, impostor_tick_cb, 10, 10), 0);
    fx_run(&fx);
    assert_int_equal(fx.hub_seen[0], 1);
    assert_true(fx.c[0].replies >= 20);
    assert_int_equal(fx.c[2].replies, 0);
}

/* The auth callback may close the hub: no answer is sent, no callback
 * runs after, and nothing leaks. */
static int
closing_auth_cb(wg_bus_t *hub, int which, const uint8_t *public_key,
                const char *address, char *user_id, size_t cap, void *arg)
{
    fx_t *fx = arg;

    (void)hub;
    (void)which;
    (void)public_key;
    (void)address;
    (void)user_id;
    (void)cap;
    fx->admitted[0]++;
    assert_int_equal(fx->admitted[0], 1); /* never called after close */
    finish(fx);
    return 0;
}

static void
test_curve_close_in_auth(void **state)
{
    fx_t fx;

    (void)state;
    fx_init(&fx, TR_TCP);
    curve_keys(&fx);
    wg_bus_config_t cfg = {.router_endpoint = fx.router_ep,
                           .pub_endpoint = fx.pub_ep,
                           .curve_secret_key = fx.hub_kp.secret_key,
                           .auth = closing_auth_cb,
                           .auth_arg = &fx};
    int err = -1;
    fx.hub = wg_bus_new_hub(&fx.loop, &cfg, unused_hub_cb, &fx, &err);
    assert_non_null(fx.hub);
    snprintf(fx.router_ep, sizeof fx.router_ep, "%s",
             wg_bus_endpoint(fx.hub, 0));
    snprintf(fx.pub_ep, sizeof fx.pub_ep, "%s", wg_bus_endpoint(fx.hub, 1));
    /* Two clients, four handshakes asked about in the same drain. */
    for (int i = 0; i < 2; i++) {
        fx_curve_client(&fx, i, &fx.known[i], fx.hub_kp.public_key,
                        outsider_cb);
        assert_int_equal(wg_bus_send(fx.cli[i], "hi", 2), 0);
    }
    fx_run(&fx);
    assert_int_equal(fx.admitted[0], 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_tcp),
        cmocka_unit_test(test_basic_ipc),
        cmocka_unit_test(test_roundtrip_tcp),
        cmocka_unit_test(test_roundtrip_ipc),
        cmocka_unit_test(test_send_from_timer),
        cmocka_unit_test(test_broadcast_burst),
        cmocka_unit_test(test_send_errors),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_oversize),
        cmocka_unit_test(test_close_in_hub_callback),
        cmocka_unit_test(test_close_in_client_callback),
        cmocka_unit_test(test_extra_frames),
        cmocka_unit_test(test_close_at_once),
        cmocka_unit_test(test_curve_admitted),
        cmocka_unit_test(test_curve_unknown_key),
        cmocka_unit_test(test_curve_outsiders),
        cmocka_unit_test(test_curve_client_plain_hub),
        cmocka_unit_test(test_user_id_without_curve),
        cmocka_unit_test(test_curve_bad_config),
        cmocka_unit_test(test_curve_two_hubs),
        cmocka_unit_test(test_curve_no_takeover),
        cmocka_unit_test(test_curve_close_in_auth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
