/*
 * bot_gate.c - a plug-in bot for tests that plays exactly the built-in bot
 * (command or contingent, by its role) but can be held at the start of a
 * turn until the test lets it go: the exercise then waits at a point the
 * test chose, so the test can act there (cut a network link, restore it)
 * without racing the turns; or paced. Used by tests/integration/lan_netns.sh
 * and chaos.sh.
 *
 * Built as a shared module (wg-bot-gate.so) and loaded with
 * `wg-command --bot` or `wg-contingent --bot`. The environment variable
 * WG_GATE_DIR names a directory the test owns; the first time in turn T
 * that the bot is asked for orders:
 *
 *   DIR/hold-T exists and DIR/go-T does not: the bot creates DIR/at-T
 *     and waits (polling every 10 ms) until DIR/go-T exists, then plays;
 *     after WG_GATE_LIMIT_S seconds (default 120) it plays anyway and says
 *     so on stderr, so a test that dies cannot leave it waiting forever;
 *   otherwise it plays at once.
 *
 * WG_GATE_PACE_MS=N (any directory or none) makes it take N ms over
 * every decision, so that an exercise lasts long enough for a test to act
 * at many moments of it (tests/integration/chaos.sh).
 *
 * Its orders are the built-in bot's, whatever the files say, so an
 * exercise played with it is the built-in bot's exercise (only the agent
 * recorded in provenance differs). Waiting blocks the worker's loop, which
 * is harmless: the worker has nothing else to do until it answers, and
 * ZeroMQ's own I/O thread keeps its connections alive meanwhile.
 */
#include "wg/bot.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

const wg_bot_t *wg_bot_entry(void);

static int
gate_path(char *buf, size_t size, const char *dir, const char *what,
          uint32_t turn)
{
    int n = snprintf(buf, size, "%s/%s-%u", dir, what, turn);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

static void
gate_wait(uint32_t turn)
{
    static uint32_t last_turn;
    const char *dir = getenv("WG_GATE_DIR");
    char hold[512], go[512], at[512];
    if (dir == NULL || turn == last_turn)
        return;
    last_turn = turn;
    if (gate_path(hold, sizeof hold, dir, "hold", turn) < 0 ||
        gate_path(go, sizeof go, dir, "go", turn) < 0 ||
        gate_path(at, sizeof at, dir, "at", turn) < 0 ||
        access(hold, F_OK) != 0 || access(go, F_OK) == 0)
        return;
    int fd = open(at, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0)
        close(fd);
    const char *limit_s = getenv("WG_GATE_LIMIT_S");
    long ticks = (limit_s != NULL ? atol(limit_s) : 120) * 100;
    const struct timespec tick = {0, 10 * 1000 * 1000};
    while (access(go, F_OK) != 0) {
        if (ticks-- <= 0) {
            fprintf(stderr, "gate bot: no %s in time: playing turn %u\n", go,
                    turn);
            return;
        }
        nanosleep(&tick, NULL);
    }
}

/* WG_GATE_PACE_MS: a pause before every decision. */
static void
pace(void)
{
    const char *ms = getenv("WG_GATE_PACE_MS");
    long n = ms != NULL ? atol(ms) : 0;
    if (n <= 0)
        return;
    const struct timespec t = {n / 1000, (n % 1000) * 1000 * 1000};
    nanosleep(&t, NULL);
}

static int
gate_decide(const wg_scenario_t *sc, const wg_phase_view_t *v, wg_orders_t *out,
            void *arg)
{
    (void)arg;
    gate_wait(v->turn);
    pace();
    const wg_bot_t *inner =
        v->nation < 0 ? wg_bot_builtin_command() : wg_bot_builtin_contingent();
    return inner->decide(sc, v, out, inner->arg);
}

const wg_bot_t *
wg_bot_entry(void)
{
    static const wg_bot_t bot = {
        .abi_version = WG_BOT_ABI_VERSION,
        .name = "gate-test-bot/1",
        .decide = gate_decide,
    };
    return &bot;
}
