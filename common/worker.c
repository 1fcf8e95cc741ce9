/*
 * worker.c - the runtime of a player worker (command or contingent).
 *
 * Owns one libuv loop (created and closed here), its link to the
 * adjudicator (the bus, the Join and the first step of each message:
 * wg_worker_link_t, worker_link.c), two signal handles and a join timer,
 * all in one struct on wg_worker_run()'s stack; memory is released only
 * after every handle reported closed. Single thread. Endpoints: DEALER to
 * the adjudicator's ROUTER, SUB to its PUB. Sends Join, Forfeit and the
 * orders the phase table (wg/phases.h) asks of its role; receives Beacon,
 * Welcome, TurnStart, TurnResult, Error and ExerciseEnd. Errors from the
 * adjudicator are logged and counted; the worker carries on.
 */
#include "wg/worker.h"
#include "wg/bus.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/options.h"
#include "wg/phases.h"
#include "wg/play.h"
#include "wg/share.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wg_worker {
    const wg_worker_config_t *cfg;
    uv_loop_t loop;
    wg_worker_link_t link;
    uv_signal_t sigint, sigterm, sighup; /* sighup: a console's only */
    uv_timer_t join_timer;
    wg_scenario_t *sc;
    int nation; /* index once the scenario is known */
    bool welcomed, closing;
    uint32_t answered_turn; /* last (turn, phase) answered */
    int answered_phase;
    /* The latest TurnStart that arrived before the Welcome, handled once
     * the Welcome is in. The Welcome comes on the DEALER and phase starts on
     * the SUB, two connections with no order between them: the role whose
     * Join starts the exercise (and any role joining in the same burst) can
     * see the first phase start before its Welcome. */
    Wgpb__V1__Envelope *early;
    int exit_code;
    uint64_t errors;
    unsigned join_refusals; /* in a row, since the last Welcome */
    /* Orders and Forfeits sent since the last Welcome, or the last
     * TurnResult that took ours (settle_orders), less the refusals taken
     * for them: each may reach an adjudicator that no longer knows this
     * peer (it restarted, or closed our connection while we were stopped)
     * and draw an ERROR_UNAUTHORISED that says nothing of our Joins. */
    unsigned orders_unsettled;
    unsigned silent_s; /* seconds without a broadcast, before the first */
    /* A console's: when a broadcast came last, whether the link is shown
     * up, whether it is joining again (wg_worker_rejoin), and the phase
     * that was current when it last joined again (gone_turn, gone_phase):
     * the phase starts up to it were its fallback's while it was away. */
    uint64_t heard_at;
    bool link_up, rejoining, early_broadcast, gone_set;
    uint32_t gone_turn;
    int gone_phase;
};
typedef struct wg_worker worker_t;

static void
worker_close(worker_t *w, int exit_code)
{
    if (w->closing)
        return;
    w->closing = true;
    w->exit_code = exit_code;
    if (w->cfg->console != NULL)
        w->cfg->console->stop(w, exit_code, w->cfg->console_arg);
    uv_close((uv_handle_t *)&w->sigint, NULL);
    uv_close((uv_handle_t *)&w->sigterm, NULL);
    uv_close((uv_handle_t *)&w->join_timer, NULL);
    if (w->cfg->console != NULL)
        uv_close((uv_handle_t *)&w->sighup, NULL);
    wg_worker_link_close(&w->link);
}

static const char *
role_name(const worker_t *w)
{
    return w->cfg->role == WGPB__V1__ROLE__ROLE_COMMAND ? "command"
                                                        : w->cfg->nation;
}

static void
envelope_init(const worker_t *w, Wgpb__V1__Envelope *env, uint32_t turn,
              Wgpb__V1__Phase phase)
{
    wgpb__v1__envelope__init(env);
    env->sender_role = (Wgpb__V1__Role)w->cfg->role;
    env->sender_nation = w->cfg->role == WGPB__V1__ROLE__ROLE_CONTINGENT
                             ? (char *)w->cfg->nation
                             : "";
    env->turn = turn;
    env->phase = phase;
}

/* Sends an order or a Forfeit (Joins: wg_worker_link_join). */
static int
send_order(worker_t *w, const uint8_t *buf, size_t len)
{
    int rc = wg_bus_send(w->link.bus, buf, len);
    if (rc < 0)
        WG_DIAG_WARN("send failed: %s", wg_strerror(rc));
    else
        w->orders_unsettled++;
    return rc;
}

static void
send_envelope(worker_t *w, const Wgpb__V1__Envelope *env)
{
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(env, &buf, &len) != 0)
        return;
    send_order(w, buf, len);
    free(buf);
}

static void
send_join(worker_t *w)
{
    int rc = wg_worker_link_join(&w->link);
    if (rc < 0)
        WG_DIAG_WARN("send failed: %s", wg_strerror(rc));
}

/* Gives up this phase's order (the bot failed) or, leaving, every order
 * until the role joins again. */
static void
send_forfeit(worker_t *w, uint32_t turn, Wgpb__V1__Phase phase, bool leaving)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__Forfeit f = WGPB__V1__FORFEIT__INIT;
    envelope_init(w, &env, turn, phase);
    f.reason = leaving ? "disconnected" : "bot crashed";
    f.leaving = leaving;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
    env.forfeit = &f;
    send_envelope(w, &env);
}

/* A console shows the link: lost after WG_WORKER_SILENT_MS without a
 * broadcast, back at the next one. */
static void
watch_link(worker_t *w, bool heard_now)
{
    const wg_worker_console_t *c = w->cfg->console;
    if (c == NULL || !w->link.heard)
        return;
    uint64_t now = uv_now(&w->loop);
    if (heard_now)
        w->heard_at = now;
    bool up = now - w->heard_at < WG_WORKER_SILENT_MS;
    if (up != w->link_up) {
        w->link_up = up;
        c->link(w, up, w->cfg->console_arg);
    }
}

static void
join_timer_cb(uv_timer_t *t)
{
    worker_t *w = t->data;
    watch_link(w, false);
    /* A Join can be lost if the adjudicator was not up yet; repeat it until
     * the Welcome arrives. */
    if (w->link.heard && !w->welcomed)
        send_join(w);
    /* Nothing heard at all: say what to check (a refused CURVE handshake
     * is silent on this side), after 5 s and then every minute. */
    if (!w->link.heard && (++w->silent_s == 5 || w->silent_s % 60 == 0))
        WG_DIAG_WARN("no broadcast from the adjudicator in %u s: is it running "
                     "at %s / %s?%s",
                     w->silent_s, w->cfg->router_endpoint, w->cfg->pub_endpoint,
                     w->cfg->curve ? " A handshake it refuses is silent here: "
                                     "check that it plays the exercise file "
                                     "that has this seat's key, with the "
                                     "adjudicator key that file names"
                                   : "");
}

static void
signal_cb(uv_signal_t *s, int signum)
{
    worker_t *w = s->data;
    /* At a console, Ctrl-C (or a closed terminal) is the team's to
     * answer: it asks before leaving. */
    if (w->cfg->console != NULL && signum != SIGTERM) {
        w->cfg->console->interrupt(w, signum, w->cfg->console_arg);
        return;
    }
    WG_DIAG_INFO("signal %d: stopping", signum);
    /* Say so, so the fallback plays at once instead of at each deadline
     * (the bus lingers long enough for this to go out). */
    if (w->welcomed)
        send_forfeit(w, 0, WGPB__V1__PHASE__PHASE_UNSPECIFIED, true);
    worker_close(w, 1);
}

static bool
expects_me(const worker_t *w, const Wgpb__V1__TurnStart *ts)
{
    for (size_t i = 0; i < ts->n_expected; i++)
        if (strcmp(ts->expected[i], role_name(w)) == 0)
            return true;
    return false;
}

static void
handle_welcome(worker_t *w, const Wgpb__V1__Welcome *m)
{
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    if (wg_scenario_parse("welcome", (const char *)m->scenario_text.data,
                          m->scenario_text.len, &sc, &err) != 0) {
        WG_DIAG_ERR("the adjudicator's scenario does not parse: %s:%u:%u: %s",
                    err.file, err.line, err.column, err.message);
        worker_close(w, 2);
        return;
    }
    sc->seed = m->seed;
    free(w->sc);
    w->sc = sc;
    w->nation = w->cfg->role == WGPB__V1__ROLE__ROLE_CONTINGENT
                    ? wg_scenario_nation_index(sc, w->cfg->nation)
                    : -1;
    w->welcomed = true;
    w->join_refusals = 0;
    w->orders_unsettled = 0;
    w->link.joins_sent = 0;
    /* A Welcome after a restart comes with the current phase again. */
    w->answered_turn = 0;
    w->answered_phase = 0;
    WG_DIAG_INFO("joined %s (%u turns)", m->scenario_name, m->total_turns);
}

/* Did this phase start before the role joined again? Phases number up
 * along a turn (wg/phases.h), so (turn, phase) orders them. The phase
 * current at the Join is the role's only in the copy the adjudicator
 * sends it on the DEALER after the Welcome, when the role still owes it. */
static bool
started_while_away(const worker_t *w, const Wgpb__V1__Envelope *env,
                   bool broadcast)
{
    if (!w->gone_set)
        return false;
    if (env->turn != w->gone_turn)
        return env->turn < w->gone_turn;
    if ((int)env->phase != w->gone_phase)
        return (int)env->phase < w->gone_phase;
    return broadcast;
}

static void
handle_turn_start(worker_t *w, const Wgpb__V1__Envelope *env, bool broadcast)
{
    const Wgpb__V1__TurnStart *ts = env->turn_start;
    if (!w->welcomed || !expects_me(w, ts))
        return;
    if (started_while_away(w, env, broadcast)) {
        WG_DIAG_DEBUG("turn %u %s started before we joined again: its "
                      "fallback played",
                      env->turn, wg_wire_phase_name(env->phase));
        return;
    }
    /* Under a policy that splits the traffic the public start is not the
     * role's picture: the one addressed to it follows on the DEALER, and
     * the bot sees exactly that (wg/share.h). */
    if (wg_share_split(w->sc->sharing) &&
        (env->recipient == NULL || env->recipient[0] == '\0'))
        return;
    if (w->answered_turn == env->turn && w->answered_phase == (int)env->phase)
        return; /* the same phase again (a late-join copy) */
    if (wg_phase_info((int)env->phase) == NULL) {
        /* Not a phase of this build's table: an adjudicator newer than
         * this worker. Said loudly; its fallback plays at the deadline. */
        WG_DIAG_ERR("turn %u: phase %d (%s) is not in this worker's phase "
                    "table: not answered",
                    env->turn, (int)env->phase, wg_wire_phase_name(env->phase));
        return;
    }

    w->answered_turn = env->turn;
    w->answered_phase = (int)env->phase;
    if (w->cfg->console != NULL) {
        w->cfg->console->message(w, env, true, w->cfg->console_arg);
        return;
    }
    wg_bot_t bot = {
        .abi_version = WG_BOT_ABI_VERSION,
        .name = w->cfg->agent,
        .decide = w->cfg->decide,
        .arg = w->cfg->arg,
    };
    uint8_t *buf;
    size_t len;
    int rc = wg_play_phase(&bot, w->sc, env, w->nation < 0 ? 0 : w->nation + 1,
                           WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL, &buf,
                           &len);
    if (rc == WG_EBOT) {
        WG_DIAG_WARN("turn %u: the bot failed: the fallback plays", env->turn);
        send_forfeit(w, env->turn, env->phase, false);
        return;
    }
    if (rc < 0)
        WG_DIAG_WARN("turn %u: cannot read the phase start: %s", env->turn,
                     wg_strerror(rc));
    if (rc != 0)
        return;
    send_order(w, buf, len);
    free(buf);
}

/* A phase start before the Welcome: keep the latest one (env is the
 * worker's from now on). */
static void
keep_early_turn_start(worker_t *w, Wgpb__V1__Envelope *env, bool broadcast)
{
    wg_wire_free(w->early);
    w->early = env;
    w->early_broadcast = broadcast;
}

static void
handle_early_turn_start(worker_t *w)
{
    Wgpb__V1__Envelope *env = w->early;
    w->early = NULL;
    WG_DIAG_DEBUG("turn %u %s started before the Welcome: answering it now",
                  env->turn, wg_wire_phase_name(env->phase));
    handle_turn_start(w, env, w->early_broadcast);
    wg_wire_free(env);
}

/* An Error from the adjudicator: logged and counted; a Join it can never
 * take stops the worker, a Join it lost (it restarted, or our role went to
 * its fallback while we were away) is sent again. */
static void
handle_error(worker_t *w, const Wgpb__V1__Error *e)
{
    w->errors++;
    WG_DIAG_WARN("adjudicator: %s", e->detail);
    if (e->code == WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE && !w->welcomed) {
        /* A nation the scenario lacks: no Join will ever be taken. */
        WG_DIAG_ERR("the adjudicator's scenario has no role %s: %s",
                    role_name(w), e->detail);
        worker_close(w, WG_WORKER_NO_ROLE);
        return;
    }
    /* Orders sent to an adjudicator that died (or that closed our
     * connection while we were stopped) wait in the socket and reach the
     * one resumed after it, which refuses them (the sender has not joined
     * it) before it answers the Join queued behind them: a refusal is
     * taken for an order while orders are unsettled, and beyond them at
     * most one for each Join. */
    bool of_an_order = e->code == WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED &&
                       w->orders_unsettled > 0;
    if (of_an_order)
        w->orders_unsettled--;
    if (e->code == WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED && !w->welcomed &&
        !of_an_order && w->join_refusals < w->link.joins_sent &&
        ++w->join_refusals >= WG_WORKER_REFUSALS) {
        /* Our Joins are refused: another connection holds the seat
         * (or took it over from us). Repeating them changes nothing. */
        WG_DIAG_ERR("the adjudicator refuses this seat: %s", e->detail);
        worker_close(w, WG_WORKER_REFUSED);
    }
    if (e->code == WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED && w->welcomed) {
        /* The adjudicator no longer knows this peer (it restarted). */
        w->welcomed = false;
        send_join(w);
    }
    if (e->code == WGPB__V1__ERROR_CODE__ERROR_ABSENT && w->welcomed) {
        /* We missed a deadline (stopped, or slow) and the fallback
         * plays for us: joining again takes the role back. */
        w->welcomed = false;
        send_join(w);
    }
}

/* A turn's result that did not play our fallback: the adjudicator took
 * our orders, so none sent before is waiting to be refused. */
static void
settle_orders(worker_t *w, const Wgpb__V1__TurnResult *r)
{
    if (!w->welcomed)
        return;
    for (size_t i = 0; i < r->n_defaulted; i++)
        if (strcmp(r->defaulted[i], role_name(w)) == 0)
            return;
    w->orders_unsettled = 0;
}

/* What a console shows besides the phases it owes (those went to it from
 * handle_turn_start). */
static void
tell_console(worker_t *w, const Wgpb__V1__Envelope *env)
{
    const wg_worker_console_t *c = w->cfg->console;
    if (c == NULL || w->sc == NULL || w->closing)
        return;
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START:
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
    case WGPB__V1__ENVELOPE__PAYLOAD_END:
        c->message(w, env, false, w->cfg->console_arg);
        break;
    default:
        break;
    }
}

/* The end, or a stop: an ExerciseEnd the log holds has a seq; the one an
 * adjudicator sends when it stops without ending (its log could not be
 * written: wg-adjudicator exits 4, and --resume carries the exercise on
 * later) has none, and the worker says so and exits WG_WORKER_STOPPED. */
static void
handle_end(worker_t *w, const Wgpb__V1__Envelope *env)
{
    if (env->seq == 0)
        WG_DIAG_ERR("the adjudicator stopped the exercise in turn %u without "
                    "ending it (its log could not be written); "
                    "wg-adjudicator --resume carries it on",
                    env->end->turns);
    else
        WG_DIAG_INFO("exercise over after %u turns", env->end->turns);
    tell_console(w, env);
    worker_close(w, env->seq == 0 ? WG_WORKER_STOPPED : 0);
}

/* What the adjudicator sends (wg_worker_link_cb). */
static void
message_cb(wg_worker_link_t *link, Wgpb__V1__Envelope *env, int broadcast,
           bool restarted, void *arg)
{
    (void)link;
    worker_t *w = arg;
    bool kept = false; /* an early phase start, for after the Welcome */
    if (restarted)
        w->welcomed = false;
    if (broadcast)
        watch_link(w, true);
    if (env->sender_role != WGPB__V1__ROLE__ROLE_ADJUDICATOR) {
        wg_wire_free(env);
        return;
    }
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        if (w->rejoining) {
            /* The Welcome says the phase current when the Join was taken. */
            w->gone_set = true;
            w->gone_turn = env->turn;
            w->gone_phase = (int)env->phase;
            w->rejoining = false;
        }
        handle_welcome(w, env->welcome);
        if (w->welcomed)
            tell_console(w, env);
        if (w->welcomed && w->early != NULL)
            handle_early_turn_start(w);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START:
        if (w->welcomed)
            handle_turn_start(w, env, broadcast);
        else
            kept = true;
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
        handle_error(w, env->error);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
        settle_orders(w, env->result);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_END:
        /* Welcomed once is enough: an adjudicator resumed after the end
         * sends the end again to workers that are joining it anew. One
         * never welcomed (it started as the exercise ended) takes the
         * end the adjudicator answers its Join with, addressed to it:
         * there is nothing left to join. A broadcast end alone it leaves,
         * as an earlier exercise's on the same endpoints may be. */
        if (w->welcomed || w->sc != NULL || !broadcast)
            handle_end(w, env);
        break;
    default:
        break;
    }
    /* The Welcome and the end were told in their cases, in order. */
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_WELCOME &&
        env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_END)
        tell_console(w, env);
    if (kept)
        keep_early_turn_start(w, env, broadcast);
    else
        wg_wire_free(env);
}

int
wg_worker_run(const wg_worker_config_t *cfg)
{
    worker_t w;
    memset(&w, 0, sizeof w);
    w.cfg = cfg;
    w.nation = -1;
    int rc = uv_loop_init(&w.loop);
    if (rc < 0)
        goto out_free;

    w.link.role = cfg->role;
    w.link.nation = cfg->role == WG_WORKER_CONTINGENT ? cfg->nation : NULL;
    w.link.agent = cfg->agent;
    rc = wg_worker_link_open(&w.link, &w.loop, cfg, message_cb, &w);
    if (rc < 0) {
        WG_DIAG_ERR("cannot connect to %s / %s: %s", cfg->router_endpoint,
                    cfg->pub_endpoint, wg_strerror(rc));
        goto out_loop;
    }
    uv_signal_init(&w.loop, &w.sigint);
    uv_signal_init(&w.loop, &w.sigterm);
    w.sigint.data = w.sigterm.data = &w;
    uv_signal_start(&w.sigint, signal_cb, SIGINT);
    uv_signal_start(&w.sigterm, signal_cb, SIGTERM);
    uv_timer_init(&w.loop, &w.join_timer);
    w.join_timer.data = &w;
    uv_timer_start(&w.join_timer, join_timer_cb, 1000, 1000);
    if (cfg->console != NULL) {
        uv_signal_init(&w.loop, &w.sighup);
        w.sighup.data = &w;
        uv_signal_start(&w.sighup, signal_cb, SIGHUP);
        if (cfg->console->start(&w, &w.loop, cfg->console_arg) < 0)
            worker_close(&w, 2);
    }

    uv_run(&w.loop, UV_RUN_DEFAULT);
    wg_bus_destroy(&w.link.bus);
    rc = w.exit_code;
    if (w.errors > 0)
        WG_DIAG_INFO("%llu error replies from the adjudicator",
                     (unsigned long long)w.errors);
out_loop:
    if (uv_loop_close(&w.loop) != 0)
        WG_DIAG_WARN("loop closed with handles still open");
out_free:
    wg_wire_free(w.early);
    free(w.sc);
    return rc;
}

const wg_scenario_t *
wg_worker_scenario(const wg_worker_t *w)
{
    return w->sc;
}

int
wg_worker_role_key(const wg_worker_t *w)
{
    if (w->sc == NULL)
        return -1;
    return w->nation < 0 ? 0 : w->nation + 1;
}

int
wg_worker_send(wg_worker_t *w, const uint8_t *buf, size_t len)
{
    if (!w->welcomed || w->closing)
        return WG_ESTATE;
    return send_order(w, buf, len);
}

void
wg_worker_rejoin(wg_worker_t *w)
{
    if (w->closing || !w->link.heard)
        return;
    w->welcomed = false;
    w->rejoining = true;
    wg_wire_free(w->early);
    w->early = NULL;
    send_join(w);
}

void
wg_worker_leave(wg_worker_t *w)
{
    if (w->closing)
        return;
    WG_DIAG_INFO("the team leaves the exercise");
    if (w->welcomed)
        send_forfeit(w, 0, WGPB__V1__PHASE__PHASE_UNSPECIFIED, true);
    worker_close(w, 0);
}

/* --human's own options only with it, and no --bot beside it. */
static int
check_human_options(const char *prog, const wg_worker_config_t *cfg)
{
    if (!cfg->human && (cfg->assist != NULL || cfg->operator_name != NULL)) {
        fprintf(stderr, "%s: --assist and --operator go with --human\n", prog);
        return 2;
    }
    if (cfg->human && cfg->bot_path != NULL) {
        fprintf(stderr,
                "%s: --human and --bot exclude each other (a team's staff "
                "assistant is --assist PATH.so)\n",
                prog);
        return 2;
    }
    return 0;
}

/* A player's own options (wg_option_cb): --nation, --bot, --human,
 * --assist, --operator. */
static int
take_player_option(int c, const char *arg, void *ctx)
{
    wg_worker_config_t *cfg = ctx;
    switch (c) {
    case 'n':
        cfg->nation = arg;
        break;
    case 'b':
        cfg->bot_path = arg;
        break;
    case 'H':
        cfg->human = true;
        break;
    case 'A':
        cfg->assist = arg;
        break;
    case 'O':
        cfg->operator_name = arg;
        break;
    }
    return 0;
}

int
wg_worker_parse_args(int argc, char **argv, wg_worker_config_t *cfg,
                     const char *usage)
{
    static const struct option own[] = {
        {"nation", required_argument, NULL, 'n'},
        {"bot", required_argument, NULL, 'b'},
        {"human", no_argument, NULL, 'H'},
        {"assist", required_argument, NULL, 'A'},
        {"operator", required_argument, NULL, 'O'},
        {NULL, 0, NULL, 0},
    };
    const wg_options_spec_t spec = {.usage = usage,
                                    .own = own,
                                    .own_short = "n:b:",
                                    .take = take_player_option,
                                    .ctx = cfg};
    wg_bus_options_t given;
    wg_diag_init_from_env();
    int rc = wg_options_parse(argc, argv, &spec, &given);
    if (rc == WG_OPTIONS_HELP)
        exit(0);
    if (rc != 0)
        return rc;
    if (check_human_options(argv[0], cfg) != 0)
        return 2;
    const char *bad = wg_options_bad_port(&given);
    if (bad != NULL) {
        fprintf(stderr, "%s: not a port (1 to 65535)\n", bad);
        return 2;
    }
    return wg_worker_take_seat(cfg, &given);
}

int
wg_worker_use_bot(wg_worker_config_t *cfg, const wg_bot_t *builtin)
{
    const wg_bot_t *bot = builtin;
    if (cfg->bot_path != NULL) {
        char why[512];
        bot = wg_bot_load(cfg->bot_path, why, sizeof why);
        if (bot == NULL) {
            fprintf(stderr, "--bot: %s\n", why);
            return 2;
        }
    }
    cfg->decide = bot->decide;
    cfg->arg = bot->arg;
    cfg->agent = bot->name;
    return 0;
}
