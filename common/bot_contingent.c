/*
 * bot_contingent.c - the built-in bot of a national contingent.
 *
 * Plays one nation from its profile in the scenario: it offers what its
 * gate and ceiling allow, only where its caveats let it serve; it keeps its
 * sectors held by preparing reliefs in time and relieving units whose tour
 * is over; and it answers fire according to its risk tolerance. No random
 * choices: the same picture always gives the same orders. Stateless between
 * phases (everything comes from the phase view). Each decision answers one kind
 * of order of the phase table (common/phases.c); the table at the end of
 * this file names them, and common/bot.c dispatches through it.
 */
#include "bot_int.h"

#include "wg/rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
round_down(uint32_t troops, uint32_t unit)
{
    return unit ? troops / unit * unit : troops;
}

/*
 * Where a nation offers its troops: every sector its caveats allow, but a
 * cautious one (risk tolerance below 0.5) weighs them against the
 * situation: once the force is struck deliberately (escalation 3 or more)
 * it offers only the sectors of at most half the threat it would accept,
 * if any are left. A deterrence mandate's bold contributors keep theirs.
 */
static uint32_t
sectors_offered(const wg_scenario_t *sc, const wg_state_t *st, size_t n)
{
    const wg_nation_t *nat = &sc->nations[n];
    uint32_t allowed = 0, safer = 0;
    double limit = nat->max_threat > 0 ? nat->max_threat / 2 : 0;
    for (size_t s = 0; s < sc->n_sectors; s++) {
        if (!wg_rules_sector_allowed(sc, n, s))
            continue;
        allowed |= 1u << s;
        if (limit > 0 && sc->sectors[s].threat <= limit)
            safer |= 1u << s;
    }
    bool wary = nat->risk_tolerance < 0.5 && st->escalation >= 3;
    return wary && safer != 0 ? safer : allowed;
}

static void
decide_pledge(const wg_scenario_t *sc, const wg_phase_view_t *v,
              wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_t *nat = &sc->nations[n];
    const wg_nation_state_t *ns = &v->st->nations[n];
    uint32_t ceiling = wg_rules_ceiling(sc, v->st, n);
    uint32_t deployed = wg_state_deployed(v->st, v->nation);
    /* An entry force on its way counts against the ceiling too, and no
     * more is offered than the nation's manpower has left (rules 2). */
    for (uint32_t i = 0; i < v->st->n_units; i++)
        if (v->st->units[i].nation == n &&
            v->st->units[i].status == WG_UNIT_ENTERING)
            deployed += v->st->units[i].troops;
    uint32_t headroom = ceiling > deployed ? ceiling - deployed : 0;
    uint32_t left = wg_rules_manpower_left(sc, v->st, n);
    if (headroom > left)
        headroom = left;

    /* A government whose public is turning offers less: below its starting
     * cohesion it offers half, and none once rotations stop. */
    if (ns->leaving || ns->cohesion < sc->cohesion.no_rotation_below)
        headroom = 0;
    else if (ns->cohesion < nat->cohesion_start - 10.0)
        headroom /= 2;
    out->pledge.troops = round_down(headroom, nat->unit_size);
    out->pledge.sector_mask = sectors_offered(sc, v->st, n);
    snprintf(out->rationale, sizeof out->rationale,
             "gate %s, ceiling %u, deployed %u, cohesion %.1f",
             ns->gate_open ? "open" : "closed", ceiling, deployed,
             ns->cohesion);
}

/* The rotation turns ahead: weeks from now to each, and from each to the
 * one after it (wg_rules_unit_due's interval there). */
#define MAX_AHEAD 64

typedef struct {
    uint32_t at[MAX_AHEAD];
    uint32_t next[MAX_AHEAD];
    size_t n;
} ahead_t;

static void
rotations_ahead(const wg_scenario_t *sc, uint32_t turn, ahead_t *a)
{
    uint32_t w = 0;
    a->n = 0;
    for (size_t t = (size_t)turn + 1; t <= sc->n_turns && a->n < MAX_AHEAD;
         t++) {
        if (sc->plan[t - 1] == WG_TURN_ROTATION) {
            a->at[a->n] = w;
            a->next[a->n] = wg_rules_weeks_to_next_rotation(sc, (uint32_t)t);
            a->n++;
        } else if (sc->plan[t - 1] == WG_TURN_INCIDENT) {
            w += sc->turn_weeks;
        }
    }
}

/* Weeks from now to the rotation turn at which a unit with weeks_left
 * of its tour now is due; -1 if the exercise ends first. */
static int32_t
due_in(const ahead_t *a, int64_t weeks_left)
{
    for (size_t j = 0; j < a->n; j++)
        if ((weeks_left - (int64_t)a->at[j]) * 2 <= (int64_t)a->next[j])
            return (int32_t)a->at[j];
    return -1;
}

static int
cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

/* Relieves due units while ready units last, oldest tours first (the
 * array is in id order, which is deployment order), within a ceiling the
 * nation lowered. Returns the ready units left. */
static uint32_t
relieve_due(const wg_scenario_t *sc, const wg_phase_view_t *v, wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_state_t *st = v->st;
    uint32_t ready = 0;
    for (uint32_t i = 0; i < st->n_units; i++)
        ready +=
            st->units[i].nation == n && st->units[i].status == WG_UNIT_READY;
    uint64_t room = wg_rules_relief_room(sc, st, n, v->weeks_to_rotation);
    for (uint32_t i = 0; i < st->n_units && out->rotation.n_relieve < ready;
         i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation != n || !wg_rules_unit_due(sc, u, v->weeks_to_rotation) ||
            out->rotation.n_relieve >= WG_MAX_ORDER_UNITS || u->troops > room)
            continue;
        out->rotation.relieve[out->rotation.n_relieve++] = u->id;
        room -= u->troops;
    }
    return ready - out->rotation.n_relieve;
}

/*
 * A relief plan, matched in time: every unit that stays in theatre (and
 * each relieving unit, on its fresh tour) is due at a rotation turn ahead;
 * every relief in the pipeline is ready by some week. Taking the units in
 * the order they fall due, each gets the earliest relief ready in time,
 * and a unit left without one gets a relief prepared now if one prepared
 * now is ready in time: one relief behind every unit, the rule of thirds
 * (the rules allow no more). A unit that not even a relief prepared now
 * could reach will leave a gap whatever is done, and is not prepared for.
 * Counting reliefs without their times (as this bot once did) left units
 * unrelieved while their reliefs were a week from ready.
 */
static uint32_t
reliefs_to_prepare(const wg_scenario_t *sc, const wg_phase_view_t *v,
                   uint32_t ready_left, uint32_t relieved)
{
    size_t n = (size_t)v->nation;
    const wg_state_t *st = v->st;
    const wg_nation_t *nat = &sc->nations[n];
    int32_t due[WG_MAX_UNITS], supply[WG_MAX_UNITS];
    size_t n_due = 0, n_supply = 0;
    ahead_t a;
    rotations_ahead(sc, v->turn, &a);
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation != n)
            continue;
        int32_t d = -1;
        if (u->status == WG_UNIT_DEPLOYED &&
            !wg_rules_unit_due(sc, u, v->weeks_to_rotation))
            d = due_in(&a, u->weeks_left);
        else if (u->status == WG_UNIT_ENTERING) /* rules version 2 */
            d = due_in(&a, u->weeks_left + (int32_t)u->first_tour);
        else if (u->status == WG_UNIT_PREPARING && n_supply < WG_MAX_UNITS)
            supply[n_supply++] = u->weeks_left > 0 ? u->weeks_left : 0;
        if (d >= 0)
            due[n_due++] = d;
    }
    for (uint32_t k = 0; k < ready_left && n_supply < WG_MAX_UNITS; k++)
        supply[n_supply++] = 0;
    int32_t fresh = due_in(&a, nat->tour_weeks);
    for (uint32_t k = 0; fresh >= 0 && k < relieved && n_due < WG_MAX_UNITS;
         k++)
        due[n_due++] = fresh; /* the relieving units' fresh tours */
    qsort(due, n_due, sizeof due[0], cmp_i32);
    qsort(supply, n_supply, sizeof supply[0], cmp_i32);
    uint32_t prepare = 0;
    size_t next = 0;
    for (size_t k = 0; k < n_due; k++) {
        if (next < n_supply && supply[next] <= due[k]) {
            next++;
            continue;
        }
        if ((int64_t)nat->prep_weeks <= due[k])
            prepare++;
    }
    return prepare;
}

static void
decide_rotation(const wg_scenario_t *sc, const wg_phase_view_t *v,
                wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_state_t *ns = &v->st->nations[n];
    if (ns->leaving || ns->withdrawn)
        return; /* a leaving nation relieves no one */
    uint32_t ready_left = relieve_due(sc, v, out);
    out->rotation.prepare =
        ns->cohesion < sc->cohesion.no_rotation_below
            ? 0 /* its public no longer sends anyone */
            : reliefs_to_prepare(sc, v, ready_left, out->rotation.n_relieve);
    snprintf(out->rationale, sizeof out->rationale,
             "relieve %u (%u ready left), prepare %u so that every unit is "
             "relieved in time",
             out->rotation.n_relieve, ready_left, out->rotation.prepare);
}

/*
 * Is there fire to return? An armed incident (the scenario's `armed`: not
 * unrest, a blockade, a mine or jamming) that is not a drone overflight,
 * which may turn into a strike but offers nothing to shoot back at.
 */
static bool
is_fire(const wg_incident_type_t *t)
{
    return t->armed && t->p_strike <= 0.0 && t->coverage_loss <= 0.0;
}

/*
 * One contingent's answer to one kind of event that reached it. The
 * force-wide ROE bounds it: under restrictive rules no one returns fire;
 * under robust ones a contingent returns fire at an attack on it (at raw
 * fire only if it is bold, risk tolerance 0.7 or more) while the ladder
 * is below a local exchange and its risk tolerance is at least 0.5. Its
 * own caveats weigh next: a cautious contingent (below 0.4) pulls back
 * from sustained raw fire (3 or more events), and one below 0.5 answers
 * an attack it does not fire at by stepping back and calling the joint
 * commission; the others hold their ground, which under rules 2 is what
 * deters (a step back thins the sector). Unrest, blockades, mines and
 * jamming are never fired at: the contingent holds.
 */
static uint8_t
answer(const wg_incident_type_t *t, const wg_incident_t *in, double risk,
       const wg_state_t *st)
{
    bool direct = !t->raw && t->basis == WG_RATE_PER_SECTOR;
    if (!is_fire(t))
        return WG_ROE_HOLD;
    if (st->robust_roe && st->escalation < 2 && risk >= 0.5 &&
        (direct || risk >= 0.7))
        return WG_ROE_RETURN_FIRE;
    if (t->raw && in->count >= 3 && risk < 0.4)
        return WG_ROE_WITHDRAW;
    return direct && risk < 0.5 ? WG_ROE_DE_ESCALATE : WG_ROE_HOLD;
}

/* Answers each incident that reached this contingent (answer()). */
static void
decide_response(const wg_scenario_t *sc, const wg_phase_view_t *v,
                wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    double risk = sc->nations[n].risk_tolerance;
    const wg_incident_list_t *inc = v->incidents;
    uint32_t answered = 0, fire = 0;
    for (uint32_t i = 0; i < inc->n; i++) {
        const wg_incident_t *in = &inc->items[i];
        if (in->nation != v->nation)
            continue;
        uint8_t act = answer(&sc->incident_types[in->type], in, risk, v->st);
        out->response.action[i] = act;
        fire += act == WG_ROE_RETURN_FIRE;
        answered++;
    }
    snprintf(out->rationale, sizeof out->rationale,
             "%u incidents answered, %u with fire, under %s ROE at risk "
             "tolerance %.2f",
             answered, fire, v->st->robust_roe ? "robust" : "restrictive",
             risk);
}

/* At a force review a government follows its public: below the cohesion
 * at which it stops preparing reliefs it leaves; well below where it
 * started it caps its contribution at what it has in theatre (or half
 * its ceiling when it has nothing there yet); otherwise it stays. */
static void
decide_intention(const wg_scenario_t *sc, const wg_phase_view_t *v,
                 wg_orders_t *out)
{
    size_t n = (size_t)v->nation;
    const wg_nation_t *nat = &sc->nations[n];
    const wg_nation_state_t *ns = &v->st->nations[n];
    uint32_t ceiling = wg_rules_ceiling(sc, v->st, n);
    uint32_t deployed = wg_state_deployed(v->st, v->nation);
    out->intent.intention = WG_INTENTION_STAY;
    if (ns->leaving || ns->cohesion < sc->cohesion.no_rotation_below) {
        out->intent.intention = WG_INTENTION_LEAVE;
    } else if (ns->cohesion < nat->cohesion_start - 10.0 && ceiling > 0) {
        uint32_t keep =
            round_down(deployed > 0 ? deployed : ceiling / 2, nat->unit_size);
        if (keep > 0 && keep < ceiling) {
            out->intent.intention = WG_INTENTION_REDUCE;
            out->intent.ceiling = keep;
        }
    }
    static const char *names[] = {"?", "stay", "reduce", "leave"};
    snprintf(out->rationale, sizeof out->rationale,
             "cohesion %.1f (started %.1f), ceiling %u, deployed %u: %s",
             ns->cohesion, nat->cohesion_start, ceiling, deployed,
             names[out->intent.intention]);
}

const wg__bot_decider_t wg__bot_contingent_deciders[] = {
    {"pledge", decide_pledge},
    {"rotation", decide_rotation},
    {"response", decide_response},
    {"intention", decide_intention},
    {NULL, NULL},
};
