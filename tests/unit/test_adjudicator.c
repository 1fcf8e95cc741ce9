/*
 * test_adjudicator.c - unit tests of the adjudicator's fallbacks and their
 * reasons (wg/adjudicator.h), driven in-process with no sockets: every role
 * joins, the built-in bots answer through wg_play_phase(), and the test makes
 * one role misbehave: an order it cannot read ("invalid orders"), a bot that
 * fails
 * ("bot crashed", a Forfeit), a team that leaves ("disconnected", a leaving
 * Forfeit, then its fallback at every phase start until it joins again).
 * Every envelope goes into a log, which must then verify (wg/replay.h).
 * The scenario is tests/data/short.yaml (WG_SOURCE_DIR, set by ctest).
 * And the phase table (wg/phases.h) against the proto: every phase and
 * turn type wg.proto names is in the table, reachable from its turn
 * type's first phase, and a phase start of a number the table does not
 * know is refused, not answered.
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/adjudicator.h"
#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/log.h"
#include "wg/orders.h"
#include "wg/phases.h"
#include "wg/play.h"
#include "wg/replay.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    wg_log_writer_t *w;
    uint8_t *last_ts;
    size_t last_ts_len;
    const wg_bot_t *bot[1 + WG_MAX_NATIONS]; /* NULL: the built-in bot */
    bool skip_absent;      /* play_phase skips absent roles first */
    int sent_only;         /* envelopes sent and not recorded */
    uint64_t end_rejected; /* ExerciseEnd.rejected */
} sink_t;

static void
sink_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
        const uint8_t *bytes, size_t len, int dest, void *arg)
{
    sink_t *s = arg;
    if (wg_adjudicator_out_what(u) == WG_OUT_SEND) {
        s->sent_only++;
        return; /* recorded when the phase closes, or never (the end) */
    }
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END)
        s->end_rejected = env->end->rejected;
    assert_int_equal(wg_log_writer_append_made(s->w, &bytes, len), 0);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START &&
        dest == WG_DEST_BROADCAST) {
        free(s->last_ts);
        s->last_ts = malloc(len);
        memcpy(s->last_ts, bytes, len);
        s->last_ts_len = len;
    }
}

static void
send(wg_adjudicator_t *u, int key, Wgpb__V1__Envelope *env)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(wg_wire_pack(env, &buf, &len), 0);
    wg_adjudicator_receive(u, key, buf, len, NULL);
    free(buf);
}

static void
role_env(const wg_scenario_t *sc, int key, Wgpb__V1__Envelope *env)
{
    wgpb__v1__envelope__init(env);
    env->sender_role = key == 0 ? WGPB__V1__ROLE__ROLE_COMMAND
                                : WGPB__V1__ROLE__ROLE_CONTINGENT;
    env->sender_nation = key == 0 ? "" : (char *)sc->nations[key - 1].code;
}

/* Every role owing the current phase answers with its built-in bot, but
 * `skip`, which the test drives itself. With s->skip_absent, absent roles
 * are skipped first, as wg-adjudicator does under `absent: fallback`;
 * else they wait for the deadline, as under `absent: wait`. */
static void
play_phase(wg_adjudicator_t *u, sink_t *s, const wg_scenario_t *sc, int skip)
{
    uint64_t serial = wg_adjudicator_phase_serial(u);
    if (s->skip_absent)
        wg_adjudicator_skip_absent(u);
    if (wg_adjudicator_phase_serial(u) != serial)
        return;
    Wgpb__V1__Envelope *ts = wg_wire_unpack(s->last_ts, s->last_ts_len);
    assert_non_null(ts);
    for (int k = 0; k <= (int)sc->n_nations; k++) {
        if (k == skip || !wg_adjudicator_owes(u, k))
            continue;
        const wg_bot_t *bot = s->bot[k] ? s->bot[k]
                              : k == 0  ? wg_bot_builtin_command()
                                        : wg_bot_builtin_contingent();
        uint8_t *buf;
        size_t len;
        if (wg_play_phase(bot, sc, ts, k,
                          WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL, &buf,
                          &len) == 0) {
            wg_adjudicator_receive(u, k, buf, len, NULL);
            free(buf);
        }
        if (wg_adjudicator_phase_serial(u) != serial)
            break;
    }
    wg_wire_free(ts);
    if (wg_adjudicator_phase_serial(u) == serial)
        wg_adjudicator_deadline(u);
}

/* An exercise played in process into a log in a temporary directory. */
typedef struct {
    wg_scenario_t *sc;
    char dir[32];
    char log[64];
    sink_t s;
    wg_adjudicator_t *u;
} ex_t;

/* Loads tests/data/<name> with `extra` appended (NULL: none) and makes the
 * adjudicator and its log; every role joins but the nation coded `absent`
 * (NULL: none). */
static void
ex_open_with(ex_t *x, const char *name, const char *absent, const char *extra)
{
    static char text[1 << 16];
    char path[1024], rel[256];
    snprintf(rel, sizeof rel, "tests/data/%s", name);
    wg_test_source_path(path, sizeof path, rel);
    memset(x, 0, sizeof *x);
    wg_config_error_t err;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t text_len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    if (extra != NULL) {
        assert_true(text_len + strlen(extra) < sizeof text);
        memcpy(text + text_len, extra, strlen(extra));
        text_len += strlen(extra);
    }
    assert_int_equal(wg_scenario_parse(path, text, text_len, &x->sc, &err), 0);

    snprintf(x->dir, sizeof x->dir, "/tmp/wg-adjudicator-XXXXXX");
    assert_non_null(mkdtemp(x->dir));
    snprintf(x->log, sizeof x->log, "%s/ex.wglog", x->dir);
    wg_log_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    hdr.version = WG_LOG_FORMAT_VERSION;
    memcpy(hdr.scenario_hash, x->sc->hash, 32);
    hdr.scenario_text = text;
    hdr.scenario_len = text_len;
    hdr.seed = x->sc->seed;
    assert_int_equal(
        wg_log_writer_create(x->log, &hdr, WG_FSYNC_NEVER, &x->s.w), 0);
    x->u = wg_adjudicator_new(x->sc, text, text_len, sink_cb, &x->s);
    assert_non_null(x->u);

    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    int skip = absent ? 1 + wg_scenario_nation_index(x->sc, absent) : -1;
    for (int k = 0; k <= (int)x->sc->n_nations; k++) {
        if (k == skip)
            continue;
        role_env(x->sc, k, &env);
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
        env.join = &join;
        send(x->u, -1, &env);
    }
}

static void
ex_open(ex_t *x, const char *name, const char *absent)
{
    ex_open_with(x, name, absent, NULL);
}

/* Closes the log, which must then verify, and removes it. */
static void
ex_close(ex_t *x)
{
    wg_log_writer_destroy(&x->s.w);
    wg_adjudicator_destroy(&x->u);
    wg_replay_report_t rep;
    int level = wg_diag_level;
    wg_diag_level = WG_DIAG_LEVEL_ERR;
    assert_int_equal(wg_replay_log(x->log, NULL, &rep, NULL, NULL),
                     WG_REPLAY_OK);
    wg_diag_level = level;
    assert_true(rep.finished);
}

static void
ex_remove(ex_t *x)
{
    unlink(x->log);
    rmdir(x->dir);
    free(x->s.last_ts);
    free(x->sc);
}

/* What the log says of FRA: its default orders by reason, its Joins, and
 * the ERROR_ABSENT replies. */
typedef struct {
    int invalid, crashed, disconnected, missed, absent;
    int joins, absent_errors;
    int unreadable; /* its orders that could not be read, recorded */
} fra_counts_t;

static void
count_fra(const char *path, fra_counts_t *c)
{
    wg_log_reader_t *r;
    assert_int_equal(wg_log_reader_open(path, &r), 0);
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    memset(c, 0, sizeof *c);
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        assert_non_null(env);
        bool fra = strcmp(env->sender_nation, "FRA") == 0;
        if (fra && env->provenance &&
            env->provenance->source ==
                WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT) {
            const char *why = env->provenance->reason;
            c->invalid += strcmp(why, "invalid orders") == 0;
            c->crashed += strcmp(why, "bot crashed") == 0;
            c->disconnected += strcmp(why, "disconnected") == 0;
            c->missed += strcmp(why, "deadline missed") == 0;
            c->absent += strcmp(why, "absent") == 0;
        }
        c->joins +=
            fra && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
        c->unreadable +=
            fra && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE &&
            env->response->n_answers == 1 &&
            env->response->answers[0]->incident == 999999;
        c->absent_errors +=
            env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR &&
            env->error->code == WGPB__V1__ERROR_CODE__ERROR_ABSENT;
        wg_wire_free(env);
    }
    wg_log_reader_destroy(&r);
}

static void
test_fallback_reasons(void **state)
{
    (void)state;
    ex_t x;
    ex_open(&x, "short.yaml", NULL);
    wg_scenario_t *sc = x.sc;
    wg_adjudicator_t *u = x.u;
    sink_t *s = &x.s;
    int fra = 1 + wg_scenario_nation_index(sc, "FRA");
    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    s->skip_absent = true;
    wg_adjudicator_start(u);
    while (!wg_adjudicator_done(u)) {
        /* As wg-adjudicator does at a phase start (absent: fallback). */
        uint64_t serial = wg_adjudicator_phase_serial(u);
        wg_adjudicator_skip_absent(u);
        if (wg_adjudicator_phase_serial(u) != serial)
            continue;
        uint32_t turn = wg_adjudicator_turn(u);
        Wgpb__V1__Phase phase = wg_adjudicator_phase(u);
        int skip = -1;
        if (turn == 3 && wg_adjudicator_owes(u, fra)) {
            /* An order FRA's bot could never send: an unknown incident. */
            Wgpb__V1__IncidentAnswer a = WGPB__V1__INCIDENT_ANSWER__INIT;
            Wgpb__V1__IncidentAnswer *as[] = {&a};
            Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
            a.incident = 999999;
            a.action = WGPB__V1__ROE_ACTION__ROE_HOLD;
            resp.answers = as;
            resp.n_answers = 1;
            role_env(sc, fra, &env);
            env.turn = turn;
            env.phase = phase;
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
            env.response = &resp;
            send(u, fra, &env);
            send(u, fra, &env); /* refused again, not recorded again */
            skip = fra;
        } else if (turn == 4 && wg_adjudicator_owes(u, fra)) {
            Wgpb__V1__Forfeit ff = WGPB__V1__FORFEIT__INIT;
            ff.reason = "bot crashed";
            role_env(sc, fra, &env);
            env.turn = turn;
            env.phase = phase;
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
            env.forfeit = &ff;
            send(u, fra, &env);
            assert_false(wg_adjudicator_owes(u, fra));
        } else if (turn == 5 && wg_adjudicator_owes(u, fra)) {
            Wgpb__V1__Forfeit ff = WGPB__V1__FORFEIT__INIT;
            ff.reason = "disconnected";
            ff.leaving = true;
            role_env(sc, fra, &env);
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
            env.forfeit = &ff;
            send(u, fra, &env);
        } else if (turn == 9 && !wg_adjudicator_owes(u, fra) &&
                   wg_adjudicator_owes(u, 0)) {
            /* The team comes back. */
            role_env(sc, fra, &env);
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
            env.join = &join;
            send(u, -1, &env);
        }
        if (!wg_adjudicator_done(u))
            play_phase(u, s, sc, skip);
    }
    ex_close(&x);

    fra_counts_t c;
    count_fra(x.log, &c);
    assert_int_equal(c.invalid, 1);
    assert_int_equal(c.unreadable, 1);
    assert_int_equal(c.crashed, 1);
    assert_true(c.disconnected >= 3); /* turns 5 to 8, every phase */
    assert_int_equal(c.joins, 2);
    ex_remove(&x);
}

/* After the ExerciseEnd the log takes nothing more: an order and a Join
 * that come then are refused by a reply that is sent, neither recorded
 * nor counted, so ExerciseEnd.rejected stays the count the adjudicator
 * says at its end. */
static void
test_after_end(void **state)
{
    (void)state;
    ex_t x;
    ex_open(&x, "short.yaml", NULL);
    wg_adjudicator_start(x.u);
    while (!wg_adjudicator_done(x.u))
        play_phase(x.u, &x.s, x.sc, -1);
    uint64_t records = wg_log_writer_records(x.s.w);
    wg_adjudicator_stats_t before, after;
    wg_adjudicator_stats(x.u, &before);
    assert_int_equal(before.rejected, x.s.end_rejected);
    int sent = x.s.sent_only;

    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    Wgpb__V1__Forfeit ff = WGPB__V1__FORFEIT__INIT;
    ff.reason = "bot crashed";
    role_env(x.sc, 1, &env);
    env.turn = wg_adjudicator_turn(x.u);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT;
    env.forfeit = &ff;
    send(x.u, 1, &env);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    send(x.u, -1, &env);

    assert_int_equal(wg_log_writer_records(x.s.w), records);
    assert_int_equal(x.s.sent_only, sent + 2);
    wg_adjudicator_stats(x.u, &after);
    assert_int_equal(after.rejected, before.rejected);
    assert_int_equal(after.accepted, before.accepted);
    ex_close(&x);
    ex_remove(&x);
}

/* absent: fallback, in process. FRA is silent in turn 2 and misses its
 * deadline; from then on its fallback plays at every phase start
 * ("absent"), so no later phase waits for it; its order in turn 3 is
 * refused with ERROR_ABSENT; it joins again and plays on. The log
 * verifies (ex_close), and the replay needs no clock to tell a skipped
 * phase start from a deadline. */
static void
test_absent_role(void **state)
{
    (void)state;
    ex_t x;
    ex_open(&x, "short.yaml", NULL);
    wg_scenario_t *sc = x.sc;
    wg_adjudicator_t *u = x.u;
    int fra = 1 + wg_scenario_nation_index(sc, "FRA");
    int deadlines = 0;
    bool told = false;
    Wgpb__V1__Envelope env;
    x.s.skip_absent = true;
    wg_adjudicator_start(u);
    while (!wg_adjudicator_done(u)) {
        uint64_t serial = wg_adjudicator_phase_serial(u);
        wg_adjudicator_skip_absent(u);
        if (wg_adjudicator_phase_serial(u) != serial)
            continue;
        uint32_t turn = wg_adjudicator_turn(u);
        if (turn == 3 && !told) {
            assert_true(wg_adjudicator_absent(u, fra));
            assert_false(wg_adjudicator_owes(u, fra)); /* skipped */
            Wgpb__V1__Response resp = WGPB__V1__RESPONSE__INIT;
            role_env(sc, fra, &env);
            env.turn = turn;
            env.phase = wg_adjudicator_phase(u);
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE;
            env.response = &resp;
            send(u, fra, &env); /* ERROR_ABSENT */
            Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
            role_env(sc, fra, &env);
            env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
            env.join = &join;
            send(u, -1, &env);
            assert_false(wg_adjudicator_absent(u, fra));
            told = true;
        }
        serial = wg_adjudicator_phase_serial(u);
        play_phase(u, &x.s, sc, turn == 2 ? fra : -1);
        deadlines += turn == 2 && wg_adjudicator_phase_serial(u) != serial;
    }
    ex_close(&x);
    assert_true(told);
    assert_int_equal(deadlines, 1);
    fra_counts_t c;
    count_fra(x.log, &c);
    assert_int_equal(c.missed, 1);
    assert_true(c.absent >= 1);
    assert_int_equal(c.absent_errors, 1);
    assert_int_equal(c.joins, 2);
    ex_remove(&x);
}

/* Every Phase of wg.proto but the lobby, result and end is in the table,
 * reached from the first phase of its turn type; every TurnType is in the
 * table with a plan name; every ErrorCode has a counter. The enums that
 * mirror the proto are bound at compile time (common/phases.c); this binds
 * the table to the proto's lists, which C cannot see at compile time. */
static void
test_table_covers_proto(void **state)
{
    (void)state;
    const ProtobufCEnumDescriptor *pd = &wgpb__v1__phase__descriptor;
    for (unsigned i = 0; i < pd->n_values; i++) {
        int v = pd->values[i].value;
        const wg_phase_info_t *p = wg_phase_info(v);
        if (v == WGPB__V1__PHASE__PHASE_UNSPECIFIED ||
            v == WGPB__V1__PHASE__PHASE_LOBBY ||
            v == WGPB__V1__PHASE__PHASE_RESULT ||
            v == WGPB__V1__PHASE__PHASE_END) {
            assert_null(p);
            continue;
        }
        assert_non_null(p);
        assert_true(p->command != NULL || p->contingent != NULL);
        const wg_turn_info_t *tt = wg_turn_info((int)p->type);
        assert_non_null(tt);
        const wg_phase_info_t *q = wg_phase_info((int)tt->first);
        int steps = 0;
        while (q != NULL && q != p && steps++ < 16)
            q = wg_phase_info((int)q->next);
        assert_ptr_equal(q, p);
    }
    const ProtobufCEnumDescriptor *td = &wgpb__v1__turn_type__descriptor;
    for (unsigned i = 0; i < td->n_values; i++) {
        int v = td->values[i].value;
        if (v == WGPB__V1__TURN_TYPE__TURN_TYPE_UNSPECIFIED)
            continue;
        const wg_turn_info_t *tt = wg_turn_info(v);
        assert_non_null(tt);
        assert_ptr_equal(wg_turn_info_named(tt->name), tt);
    }
    wg_adjudicator_stats_t st;
    assert_true(wgpb__v1__error_code__descriptor.n_values <=
                sizeof st.by_code / sizeof st.by_code[0]);
}

/* A phase start this build does not know is refused, never answered and
 * never dropped in silence. */
static void
test_unknown_phase_refused(void **state)
{
    (void)state;
    wg_scenario_t *sc = wg_test_load_scenario("tests/data/short.yaml");
    assert_non_null(sc);
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__TurnStart ts = WGPB__V1__TURN_START__INIT;
    Wgpb__V1__Situation sit = WGPB__V1__SITUATION__INIT;
    char *expected[] = {"command", (char *)sc->nations[0].code};
    ts.expected = expected;
    ts.n_expected = 2;
    ts.situation = &sit;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = 1;
    env.phase = (Wgpb__V1__Phase)99;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
    env.turn_start = &ts;
    uint8_t *buf = NULL;
    size_t len = 0;
    for (int k = 0; k <= 1; k++) {
        const wg_bot_t *bot =
            k == 0 ? wg_bot_builtin_command() : wg_bot_builtin_contingent();
        assert_int_equal(wg_play_phase(bot, sc, &env, k,
                                       WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT,
                                       NULL, &buf, &len),
                         WG_EMALFORMED);
        assert_null(buf);
    }
    /* A known phase that asks nothing of a role it names is refused too:
     * the contingents owe nothing in REQUIREMENT. */
    env.phase = WGPB__V1__PHASE__PHASE_REQUIREMENT;
    assert_int_equal(wg_play_phase(wg_bot_builtin_contingent(), sc, &env, 1,
                                   WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT,
                                   NULL, &buf, &len),
                     WG_EMALFORMED);
    free(sc);
}

/* One TurnResult's events hold `text`. */
static bool
result_has(const Wgpb__V1__TurnResult *r, const char *text)
{
    for (size_t i = 0; i < r->n_events; i++)
        if (strcmp(r->events[i], text) == 0)
            return true;
    return false;
}

/* tests/data/review.yaml in process: FRA plays written orders (reduce to
 * 6,000 at the first review, leave at the second), NLD never answers (its
 * fallback holds: stay), every other role its built-in bot (POL, cohesion
 * 30, below the 35 at which rotations stop, leaves). Each review is two
 * phases, INTENT (contingents) then REPLAN (command), whose phase start
 * shows FRA's lowered ceiling; the log verifies. */
static void
test_force_review(void **state)
{
    (void)state;
    ex_t x;
    /* NLD never joins: its fallback (hold) plays every phase. */
    ex_open(&x, "review.yaml", "NLD");
    int nld = 1 + wg_scenario_nation_index(x.sc, "NLD");
    wg_scenario_t *sc = x.sc;
    wg_adjudicator_t *u = x.u;
    sink_t *s = &x.s;
    assert_int_equal(sc->plan[5], WG_TURN_FORCE_REVIEW);
    char orders[128];
    snprintf(orders, sizeof orders, "%s/fra.yaml", x.dir);
    FILE *f = fopen(orders, "w");
    assert_non_null(f);
    fputs("- turn: 6\n  intention: {reduce: 6000}\n"
          "- turn: 12\n  intention: leave\n",
          f);
    fclose(f);
    int fra = 1 + wg_scenario_nation_index(sc, "FRA");
    wg_config_error_t err;
    wg_bot_t *written = wg_orders_bot_load(orders, sc, &err);
    assert_non_null(written);
    s->bot[fra] = written;

    wg_adjudicator_start(u);
    int intents = 0, replans = 0;
    while (!wg_adjudicator_done(u)) {
        Wgpb__V1__Phase ph = wg_adjudicator_phase(u);
        intents += ph == WGPB__V1__PHASE__PHASE_INTENT;
        replans += ph == WGPB__V1__PHASE__PHASE_REPLAN;
        if (ph == WGPB__V1__PHASE__PHASE_REPLAN &&
            wg_adjudicator_turn(u) == 6) {
            /* The command's phase start shows FRA's new ceiling. */
            Wgpb__V1__Envelope *ts = wg_wire_unpack(s->last_ts, s->last_ts_len);
            assert_non_null(ts);
            const Wgpb__V1__Situation *sit = ts->turn_start->situation;
            assert_int_equal(sit->nations[fra - 1]->max_troops, 6000);
            assert_true(
                sit->nations[1 + wg_scenario_nation_index(sc, "POL") - 1]
                    ->leaving);
            assert_int_equal(ts->turn_start->n_expected, 1);
            wg_wire_free(ts);
        }
        play_phase(u, s, sc, nld);
    }
    assert_int_equal(intents, 2);
    assert_int_equal(replans, 2);
    ex_close(&x);
    wg_orders_bot_free(&written);

    /* What the log says of the reviews. */
    wg_log_reader_t *r;
    assert_int_equal(wg_log_reader_open(x.log, &r), 0);
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    int nld_stays = 0, checked = 0;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        Wgpb__V1__Envelope *e = wg_wire_unpack(rec, len);
        assert_non_null(e);
        if (e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_INTENTION &&
            strcmp(e->sender_nation, "NLD") == 0) {
            assert_non_null(e->provenance);
            assert_int_equal(e->provenance->source,
                             WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT);
            assert_int_equal(e->intention->intention,
                             WGPB__V1__INTENTION__INTENTION_STAY);
            nld_stays++;
        }
        if (e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
            e->turn == 6) {
            assert_int_equal(e->result->type,
                             WGPB__V1__TURN_TYPE__TURN_FORCE_REVIEW);
            assert_true(result_has(e->result,
                                   "FRA lowers its ceiling to 6000 (review)"));
            assert_true(result_has(e->result,
                                   "POL will leave as its tours end (review)"));
            checked++;
        }
        if (e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
            e->turn == 12) {
            assert_true(result_has(e->result,
                                   "FRA will leave as its tours end (review)"));
            checked++;
        }
        wg_wire_free(e);
    }
    wg_log_reader_destroy(&r);
    assert_int_equal(nld_stays, 2);
    assert_int_equal(checked, 2);

    unlink(orders);
    ex_remove(&x);
}

/* ---- the director ------------------------------------------------------ */

static const char director_injects[] =
    "\ninjects:\n"
    "  - {name: shooting, turn: manual, sector: E2, nation: FRA,\n"
    "     kind: patrol_fired_on, count: 3, text: \"FRA patrol fired on\"}\n"
    "  - {name: unrest_s1, turn: 5, sector: S1, kind: unrest}\n";

/* Sends a DirectorCommand as `key` (the director's, or another role's, with
 * that role's envelope); returns what the adjudicator returned. */
static int
direct(ex_t *x, int key, Wgpb__V1__DirectorAction action, const char *role,
       Wgpb__V1__InjectOrder *inject)
{
    Wgpb__V1__Envelope env;
    Wgpb__V1__DirectorCommand c = WGPB__V1__DIRECTOR_COMMAND__INIT;
    uint8_t *buf;
    size_t len;
    if (key == WG_ROLE_DIRECTOR_KEY) {
        wgpb__v1__envelope__init(&env);
        env.sender_role = WGPB__V1__ROLE__ROLE_DIRECTOR;
    } else {
        role_env(x->sc, key, &env);
    }
    c.action = action;
    c.role = (char *)(role ? role : "");
    c.seconds = 30;
    c.inject = inject;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR;
    env.director = &c;
    assert_int_equal(wg_wire_pack(&env, &buf, &len), 0);
    int rc = wg_adjudicator_receive(x->u, key, buf, len, NULL);
    free(buf);
    return rc;
}

/* What the log holds of the director's doing: its commands, the fallbacks
 * it caused, and the injected incidents of turn 3. */
typedef struct {
    int commands;
    int by_director, ejected; /* fallbacks by reason */
    int gbr_ejected_turns[16];
    bool shooting_in_turn_3;
    bool unrest_event_turn_5;
} director_counts_t;

static void
count_director(const char *path, director_counts_t *c)
{
    wg_log_reader_t *r;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    memset(c, 0, sizeof *c);
    assert_int_equal(wg_log_reader_open(path, &r), 0);
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        Wgpb__V1__Envelope *e = wg_wire_unpack(rec, len);
        assert_non_null(e);
        c->commands += e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR;
        const char *why = e->provenance ? e->provenance->reason : "";
        c->by_director += strcmp(why, "director") == 0;
        c->ejected += strcmp(why, "ejected") == 0;
        if (strcmp(why, "ejected") == 0 && e->turn < 16)
            c->gbr_ejected_turns[e->turn] +=
                strcmp(e->sender_nation, "GBR") == 0;
        if (e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START &&
            e->turn == 3)
            for (size_t i = 0; i < e->turn_start->n_incidents; i++) {
                const Wgpb__V1__Incident *in = e->turn_start->incidents[i];
                c->shooting_in_turn_3 |=
                    strcmp(in->type, "patrol_fired_on") == 0 &&
                    strcmp(in->sector, "E2") == 0 &&
                    strcmp(in->nation, "FRA") == 0 && in->count == 3;
            }
        if (e->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
            e->turn == 5)
            for (size_t i = 0; i < e->result->n_events; i++)
                c->unrest_event_turn_5 |=
                    strncmp(e->result->events[i],
                            "inject: unrest_s1 (unrest in S1", 31) == 0;
        wg_wire_free(e);
    }
    wg_log_reader_destroy(&r);
}

/* The director's commands in process: who may give them, what each is
 * refused for, and what each does; the log verifies (ex_close), so a
 * replay makes the same of the recorded commands. */
static void
test_director(void **state)
{
    (void)state;
    ex_t x;
    ex_open_with(&x, "short.yaml", NULL, director_injects);
    wg_adjudicator_t *u = x.u;
    const int D = WG_ROLE_DIRECTOR_KEY;
    int fra = 1 + wg_scenario_nation_index(x.sc, "FRA");
    int gbr = 1 + wg_scenario_nation_index(x.sc, "GBR");
    Wgpb__V1__InjectOrder named = WGPB__V1__INJECT_ORDER__INIT;
    Wgpb__V1__InjectOrder bad = WGPB__V1__INJECT_ORDER__INIT;
    Wgpb__V1__InjectOrder ad_hoc = WGPB__V1__INJECT_ORDER__INIT;
    named.name = "shooting";
    bad.sector = "X9";
    bad.kind = "unrest";
    ad_hoc.sector = "E1";
    ad_hoc.kind = "small_arms";
    ad_hoc.nation = "GBR";

    /* Only the director directs; anyone else is refused and counted. */
    assert_int_equal(
        direct(&x, fra, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, NULL, NULL),
        WG_EUNAUTHORISED);
    assert_int_equal(wg_adjudicator_director_unauthorised(u), 1);
    assert_false(wg_adjudicator_paused(u));
    /* In the lobby: pause and resume, no deadline to extend. */
    assert_int_equal(
        direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, NULL, NULL),
        0);
    assert_true(wg_adjudicator_paused(u));
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, NULL,
                       NULL) < 0);
    assert_int_equal(
        direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME, NULL, NULL),
        0);
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND, NULL,
                       NULL) < 0);
    /* Injects: a listed one once, an ad-hoc one, not a bad one. */
    assert_int_equal(
        direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT, NULL, &named),
        0);
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT, NULL,
                       &named) < 0);
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT, NULL,
                       &bad) < 0);
    assert_int_equal(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT,
                            NULL, &ad_hoc),
                     0);
    assert_int_equal(wg_adjudicator_pending_injects(u), 2);
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT, "XXX",
                       NULL) < 0);

    wg_adjudicator_start(u);
    /* Turn 1 REQUIREMENT asks the command only: FRA owes nothing to force. */
    assert_true(direct(&x, D,
                       WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK,
                       "FRA", NULL) < 0);
    assert_int_equal(
        direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND, NULL, NULL),
        0);
    uint64_t serial = wg_adjudicator_phase_serial(u);
    assert_int_equal(direct(&x, D,
                            WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK,
                            "command", NULL),
                     0);
    assert_true(wg_adjudicator_phase_serial(u) != serial); /* it closed */
    /* PLEDGE: GBR is ejected while it owes; its fallback plays. */
    assert_int_equal(wg_adjudicator_phase(u), WGPB__V1__PHASE__PHASE_PLEDGE);
    assert_int_equal(
        direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT, "GBR", NULL),
        0);
    assert_true(wg_adjudicator_ejected(u, gbr));
    assert_false(wg_adjudicator_owes(u, gbr));
    assert_int_equal(wg_adjudicator_role_state(u, gbr),
                     WGPB__V1__ROLE_STATE__ROLE_STATE_EJECTED);
    /* Its messages are refused while it is out, its Join too. */
    Wgpb__V1__Envelope env;
    Wgpb__V1__Join join = WGPB__V1__JOIN__INIT;
    role_env(x.sc, gbr, &env);
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &join;
    uint8_t *buf;
    size_t len;
    assert_int_equal(wg_wire_pack(&env, &buf, &len), 0);
    assert_int_equal(wg_adjudicator_receive(u, -1, buf, len, NULL),
                     WG_EUNAUTHORISED);
    free(buf);
    while (!wg_adjudicator_done(u)) {
        if (wg_adjudicator_turn(u) == 4 && wg_adjudicator_ejected(u, gbr))
            assert_int_equal(direct(&x, D,
                                    WGPB__V1__DIRECTOR_ACTION__DIRECTOR_READMIT,
                                    "GBR", NULL),
                             0);
        play_phase(u, &x.s, x.sc, -1);
    }
    assert_true(direct(&x, D, WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, NULL,
                       NULL) < 0); /* over */
    ex_close(&x);

    director_counts_t c;
    count_director(x.log, &c);
    /* pause, resume, two injects, extend, force, eject, readmit. */
    assert_int_equal(c.commands, 8);
    assert_int_equal(c.by_director, 1);
    assert_true(c.gbr_ejected_turns[1] >= 1); /* PLEDGE, ASSIGN owes none */
    assert_true(c.gbr_ejected_turns[2] == 1 && c.gbr_ejected_turns[3] == 1);
    /* Readmitted during turn 4's one phase: from the next phase on. */
    assert_int_equal(c.gbr_ejected_turns[4], 1);
    assert_int_equal(c.gbr_ejected_turns[5] + c.gbr_ejected_turns[6], 0);
    assert_true(c.shooting_in_turn_3);
    assert_true(c.unrest_event_turn_5);
    ex_remove(&x);
}

int
main(void)
{
    wg_diag_level = WG_DIAG_LEVEL_ERR;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fallback_reasons),
        cmocka_unit_test(test_absent_role),
        cmocka_unit_test(test_after_end),
        cmocka_unit_test(test_table_covers_proto),
        cmocka_unit_test(test_unknown_phase_refused),
        cmocka_unit_test(test_force_review),
        cmocka_unit_test(test_director),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
