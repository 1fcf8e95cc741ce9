/*
 * calibrate_play.c - one seed of a scenario played headless, and what it
 * came to.
 *
 * The adjudicator engine (wg/adjudicator.h) runs in this process with no
 * sockets, no log and no clock: every role joins, and at each phase start
 * each role that owes an order is answered by its built-in bot through
 * the bot ABI (wg_play_phase(), as a worker or the adjudicator's fallback
 * plays it), from the phase start addressed to that role. The command
 * plays through a wrapper that fixes the force-wide ROE when a policy
 * says so. The figures are read from the engine as it plays: the
 * recorded CommandDecision of each turn, the TurnResult, and the
 * adjudicated state at the end of each turn.
 *
 * Owns, for one call: the adjudicator and a collector; single-threaded.
 * Errors: a negative code when the exercise cannot be played to its end.
 */
#include "calibrate.h"

#include "wg/adjudicator.h"
#include "wg/bot.h"
#include "wg/error.h"
#include "wg/play.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The week from which the rotation is at its steady state: every first
 * tour of the scenario's nations has ended (the longest is 26 weeks). */
#define STEADY_WEEK 26
#define YEAR_WEEKS 52
#define RATIO_WEEK 20

typedef struct {
    const wg_scenario_t *sc;
    cal_seed_t *out;
    wg_turn_result_t *res;     /* the turn's result, read back */
    wg_incident_list_t *inc;   /* the incident turn's incidents */
    uint32_t draw_regime;      /* the regime they were drawn in */
    double draw_violations;    /* ceasefire violations among them */
    bool gone[WG_MAX_NATIONS]; /* leaving or withdrawn, seen */
    /* The last week each nation did not rotate (leaving, or its cohesion
     * below no_rotation_below), and how long a relief takes to arrange:
     * its preparation and the longest interval between rotation turns. */
    uint32_t unwilling_week[WG_MAX_NATIONS];
    uint32_t lead_weeks[WG_MAX_NATIONS];
} collector_t;

/*
 * A ceasefire violation in the SMM's sense (brief §5: explosions, bursts
 * and shots, projectiles): an incident type the scenario marks
 * `violation` (by default raw fire: neither jamming nor, in the shipped
 * scenarios, a drone overflight).
 */
static bool
is_violation(const wg_incident_type_t *t)
{
    return t->violation;
}

/* The incidents of an incident turn, as the command was shown them (it
 * sees every one under every sharing policy), and the regime they were
 * drawn in. */
static void
note_incidents(collector_t *c, const Wgpb__V1__Envelope *ts,
               const wg_state_t *st)
{
    char why[160];
    c->draw_regime = st->regime;
    c->draw_violations = 0;
    if (ts->turn_start == NULL ||
        wg_wire_read_incidents(c->sc, ts->turn_start->incidents,
                               ts->turn_start->n_incidents, c->inc, why,
                               sizeof why) != 0)
        return;
    for (uint32_t k = 0; k < c->inc->n; k++)
        if (is_violation(&c->sc->incident_types[c->inc->items[k].type]))
            c->draw_violations += c->inc->items[k].count;
}

static double
line_coverage(const wg_scenario_t *sc, const wg_state_t *st)
{
    double km = 0, covered = 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (sc->sectors[s].rear)
            continue;
        km += sc->sectors[s].length_km;
        covered += sc->sectors[s].length_km * st->coverage[s];
    }
    return km > 0 ? covered / km : 0;
}

/* What an incident turn adds: casualties and troop-years by regime,
 * violations, escalation, coverage and the stability bound. */
static void
take_incident_turn(collector_t *c, const wg_state_t *st, uint32_t deployed)
{
    const wg_scenario_t *sc = c->sc;
    cal_seed_t *o = c->out;
    double weeks = sc->turn_weeks > 0 ? sc->turn_weeks : 1;
    double ty = deployed * weeks / YEAR_WEEKS;
    if (c->draw_regime == sc->threat.managed_regime) {
        o->kia_managed += c->res->kia;
        o->ty_managed += ty;
        o->violations_managed += c->draw_violations;
        o->days_managed += 7 * weeks;
    } else {
        o->kia_hot += c->res->kia;
        o->ty_hot += ty;
        o->hot_weeks += (uint32_t)weeks;
    }
    o->incident_turns++;
    o->escalation_sum += st->escalation;
    if (st->escalation > o->last_escalation)
        o->escalation_steps += st->escalation - o->last_escalation;
    o->last_escalation = st->escalation;
    o->coverage_sum += line_coverage(sc, st);
    if (st->stability <= 0.0 || st->stability >= 100.0) {
        if (++o->bound_run > o->longest_bound)
            o->longest_bound = o->bound_run;
    } else {
        o->bound_run = 0;
    }
    if (st->week >= STEADY_WEEK && deployed > 0) {
        o->ratio_steady_sum += wg_state_committed(st, -1) / (double)deployed;
        o->steady_weeks++;
    }
}

/* What any turn adds: peaks, the ratio at week 20, withdrawals, the
 * troops at year end. */
static void
take_turn(collector_t *c, const wg_state_t *st, uint32_t deployed)
{
    const wg_scenario_t *sc = c->sc;
    cal_seed_t *o = c->out;
    uint32_t committed = wg_state_committed(st, -1);
    o->peak_theatre = fmax(o->peak_theatre, deployed);
    o->peak_committed = fmax(o->peak_committed, committed);
    for (size_t i = 0; i < sc->n_nations; i++) {
        o->peak_nation[i] = fmax(o->peak_nation[i], wg_state_deployed(st, i));
        const wg_nation_state_t *ns = &st->nations[i];
        if ((ns->leaving || ns->withdrawn) && !c->gone[i]) {
            c->gone[i] = true;
            o->withdrawals++;
            if (isnan(o->first_withdrawal_week))
                o->first_withdrawal_week = st->week;
        }
        o->gaps += c->res->nations[i].gaps;
        if (ns->leaving || ns->withdrawn ||
            ns->cohesion < sc->cohesion.no_rotation_below)
            c->unwilling_week[i] = st->week;
        else if (st->week >= c->unwilling_week[i] + c->lead_weeks[i])
            o->gaps_willing += c->res->nations[i].gaps;
    }
    if (isnan(o->ratio_week20) && st->week >= RATIO_WEEK && deployed > 0)
        o->ratio_week20 = committed / (double)deployed;
    if (!o->end_taken) {
        o->end_troops = deployed;
        o->end_taken = st->week >= YEAR_WEEKS;
    }
    o->weeks = st->week;
}

static void
take_result(collector_t *c, const wg_adjudicator_t *u,
            const Wgpb__V1__TurnResult *r)
{
    const wg_state_t *st = wg_adjudicator_state(u);
    memset(c->res, 0, sizeof *c->res);
    if (wg_wire_read_result(c->sc, r, c->res) != 0)
        return;
    uint32_t deployed = wg_state_deployed(st, -1);
    c->out->kia_total += c->res->kia;
    if (c->res->type == WG_TURN_INCIDENT)
        take_incident_turn(c, st, deployed);
    take_turn(c, st, deployed);
}

static void
sink_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
        const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)bytes;
    (void)len;
    collector_t *c = arg;
    /* A recommitment counts when it took (TurnResult.recommitted): since
     * rules version 2 a call may fail, and calls wait out a cooldown. */
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
        dest == WG_DEST_BROADCAST && env->result != NULL) {
        if (env->result->recommitted)
            c->out->recommits++;
        take_result(c, u, env->result);
    }
}

/* ---- the command under an ROE policy ------------------------------------ */

static int
command_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
               wg_orders_t *out, void *arg)
{
    const cal_roe_t *roe = arg;
    const wg_bot_t *b = wg_bot_builtin_command();
    int rc = b->decide(sc, v, out, b->arg);
    if (rc == 0 && v->phase == WG_PHASE_RESPOND && *roe != CAL_ROE_BOT)
        out->decision.robust_roe = *roe == CAL_ROE_ROBUST;
    return rc;
}

/* ---- the exercise ------------------------------------------------------- */

/* A phase start unpacked once per phase and viewer: under `sharing: full`
 * every role is handed the same bytes, so one unpack serves them all. */
typedef struct {
    uint64_t serial;
    const uint8_t *bytes;
    Wgpb__V1__Envelope *env;
} ts_cache_t;

static const Wgpb__V1__Envelope *
phase_start(wg_adjudicator_t *u, int k, ts_cache_t *cache)
{
    size_t len;
    const uint8_t *bytes = wg_adjudicator_phase_start(u, k, &len);
    if (bytes == NULL)
        return NULL;
    uint64_t serial = wg_adjudicator_phase_serial(u);
    if (cache->env == NULL || cache->serial != serial ||
        cache->bytes != bytes) {
        wg_wire_free(cache->env);
        cache->env = wg_wire_unpack(bytes, len);
        cache->serial = serial;
        cache->bytes = bytes;
    }
    return cache->env;
}

/* Every role that owes the phase answers with its bot; the deadline then
 * plays the fallback of any that stayed silent. */
static void
play_phase(wg_adjudicator_t *u, const wg_scenario_t *sc,
           const wg_bot_t *command, collector_t *c, ts_cache_t *cache)
{
    uint64_t serial = wg_adjudicator_phase_serial(u);
    if (wg_adjudicator_phase(u) == WGPB__V1__PHASE__PHASE_RESPOND) {
        const Wgpb__V1__Envelope *ts = phase_start(u, WG_ROLE_COMMAND, cache);
        if (ts != NULL)
            note_incidents(c, ts, wg_adjudicator_state(u));
    }
    for (int k = 0; k <= (int)sc->n_nations; k++) {
        if (!wg_adjudicator_owes(u, k))
            continue;
        const Wgpb__V1__Envelope *ts = phase_start(u, k, cache);
        const wg_bot_t *bot =
            k == WG_ROLE_COMMAND ? command : wg_bot_builtin_contingent();
        uint8_t *buf = NULL;
        size_t len = 0;
        if (ts != NULL &&
            wg_play_phase(bot, sc, ts, k,
                          WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL, &buf,
                          &len) == 0) {
            wg_adjudicator_receive(u, k, buf, len, NULL);
            free(buf);
        }
        if (wg_adjudicator_phase_serial(u) != serial)
            return;
    }
    wg_adjudicator_deadline(u);
}

/* Weeks a nation needs to have a relief ready in time: its preparation,
 * and the longest interval between two rotation turns of the plan. */
static void
lead_weeks(const wg_scenario_t *sc, uint32_t *lead)
{
    uint32_t interval = 0, w = 0;
    for (size_t t = 0; t < sc->n_turns; t++) {
        if (sc->plan[t] == WG_TURN_INCIDENT)
            w += sc->turn_weeks;
        else if (sc->plan[t] == WG_TURN_ROTATION)
            w = 0;
        if (w > interval)
            interval = w;
    }
    for (size_t i = 0; i < sc->n_nations; i++)
        lead[i] = sc->nations[i].prep_weeks + interval;
}

static void
seed_init(cal_seed_t *o, const wg_scenario_t *sc, uint64_t seed)
{
    memset(o, 0, sizeof *o);
    o->seed = seed;
    o->ratio_week20 = NAN;
    o->first_withdrawal_week = NAN;
    for (size_t s = 0; s < sc->n_sectors; s++)
        if (!sc->sectors[s].rear)
            o->line_km += sc->sectors[s].length_km;
}

int
cal_play_seed(const wg_scenario_t *sc, const char *text, size_t text_len,
              uint64_t seed, cal_roe_t roe, cal_seed_t *out)
{
    wg_scenario_t *copy = malloc(sizeof *copy);
    collector_t c = {.sc = copy, .out = out};
    c.res = malloc(sizeof *c.res);
    c.inc = malloc(sizeof *c.inc);
    if (copy == NULL || c.res == NULL || c.inc == NULL) {
        free(copy);
        free(c.res);
        free(c.inc);
        return -ENOMEM;
    }
    memcpy(copy, sc, sizeof *copy);
    copy->seed = seed;
    seed_init(out, copy, seed);
    lead_weeks(copy, c.lead_weeks);
    cal_roe_t policy = roe;
    const wg_bot_t command = {WG_BOT_ABI_VERSION, "wg-calibrate-command/1",
                              command_decide, &policy};
    ts_cache_t cache = {0};
    int rc = WG_ESTATE;
    wg_adjudicator_t *u = wg_adjudicator_new(copy, text, text_len, sink_cb, &c);
    if (u != NULL && wg_adjudicator_join_all(u, "wg-calibrate") == 0) {
        wg_adjudicator_start(u);
        /* Each pass closes a phase (its deadline plays the fallbacks of
         * the silent), so the exercise ends within this many. */
        size_t passes = 16 * (copy->n_turns + 1);
        while (!wg_adjudicator_done(u) && passes-- > 0)
            play_phase(u, copy, &command, &c, &cache);
        rc = wg_adjudicator_done(u) ? 0 : WG_ESTATE;
    }
    wg_wire_free(cache.env);
    wg_adjudicator_destroy(&u);
    free(c.res);
    free(c.inc);
    free(copy);
    return rc;
}
