/*
 * adjudicator_director.c - the director's commands in the rules engine:
 * pause, resume, extend, force a fallback, eject and readmit a role, and
 * injects (docs/PROTOCOL.md, "The director"; docs/RULES.md, "Injects").
 *
 * A DirectorCommand is taken only from the director's role key
 * (WG_ROLE_DIRECTOR_KEY, which the process gives the director's seat
 * alone); from any other role it is refused as unauthorised, counted and
 * logged, and the exercise goes on. A command taken is recorded at once,
 * in the total order, before anything it causes (a forced fallback that
 * closes the phase): a replay hands the record back in and makes the same
 * decisions. What each command does to the turn happens at deterministic
 * points of the turn flow (adjudicator_turn.c calls in): a forced or
 * ejected role's fallback plays when the phase closes, with the roles'
 * orders; an inject enters the incidents of the next incident turn, right
 * after its draw. Pause, resume and extend change no outcome: the process
 * keeps the clock; here they are only checked and recorded (an audit
 * trail), and paused is kept so that a resumed run knows. Same thread and
 * lifetime as adjudicator.c.
 */
#include "adjudicator_int.h"

#include "wg/diag.h"
#include "wg/error.h"
#include "wg/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_EXTEND_S 3600
#define MAX_INJECT_COUNT 100
#define LOG_FULL 5 /* unauthorised commands said in full, then 1 in 100 */

/* ---- replies and records ------------------------------------------------ */

/* Refuses the command: the note says why, the director gets an Error. */
static int refuse(wg_adjudicator_t *self, Wgpb__V1__ErrorCode code, int rc,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
refuse(wg_adjudicator_t *self, Wgpb__V1__ErrorCode code, int rc,
       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->dir.note, sizeof self->dir.note, fmt, ap);
    va_end(ap);
    return wg__adjudicator_reject(self, WG_DEST_SENDER, code, rc, "%s",
                                  self->dir.note);
}

/* Books the command taken (adjudicator_book.c): recorded when the phase
 * closes, in the director's slot after every role's; in a replay at once.
 * Its effects are applied when it comes: none depends on where among the
 * roles' inputs of the phase it came. */
static void
record(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    wg_book_entry_t e = {.kind = WG_BOOK_DIRECTOR_CMD, .key = WG_BOOK_DIRECTOR};
    self->stats.accepted++;
    wg__book(self, &e, env, NULL);
}

void
wg__adjudicator_director_make(wg_adjudicator_t *self, Wgpb__V1__Envelope *env,
                              wg_out_what_t what)
{
    Wgpb__V1__DirectorAction a = env->director->action;
    /* Pause, resume and extend go out on the PUB at once too, so that
     * every console shows the clock as it is; the rest is recorded only. */
    bool clock = a == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE ||
                 a == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME ||
                 a == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND;
    if (what == WG_OUT_SEND && !clock)
        return;
    char *recipient = env->recipient;
    /* Stamped with the phase it was taken in (its record is made when
     * that phase closes), whatever the console thought the turn was. */
    env->recipient = "";
    env->turn = self->st->turn;
    env->phase = self->phase;
    wg__adjudicator_emit(
        self, env, what == WG_OUT_SEND ? WG_DEST_BROADCAST : WG_DEST_RECORD);
    env->recipient = recipient;
}

/* ---- roles -------------------------------------------------------------- */

/* The role key a command names: "command" or a nation code; -1. */
static int
named_role(const wg_adjudicator_t *self, const char *name)
{
    if (name == NULL)
        return -1;
    if (strcmp(name, "command") == 0)
        return WG_ROLE_COMMAND;
    int n = wg_scenario_nation_index(&self->sc, name);
    return n < 0 ? -1 : 1 + n;
}

/* The role's fallback plays for the current phase, when it closes, with
 * the reason `why` (WG__FORCED_*). */
static void
force(wg_adjudicator_t *self, int k, uint8_t why)
{
    self->dir.forced[k] = why;
    self->received[k] = true;
}

static bool
owes_now(const wg_adjudicator_t *self, int k)
{
    return self->started && !self->done && self->expected[k] &&
           !self->received[k];
}

static int
take_role(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    const Wgpb__V1__DirectorCommand *c = env->director;
    int k = named_role(self, c->role);
    const char *name = wg_adjudicator_role_name(self, k);
    if (k < 0)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_UNKNOWN_ROLE,
                      WG_EMALFORMED, "no role '%s' in this scenario",
                      c->role ? c->role : "");
    switch (c->action) {
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK:
        if (!owes_now(self, k))
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "%s owes no order now: nothing to force",
                          name);
        record(self, env);
        force(self, k, WG__FORCED_DIRECTOR);
        snprintf(self->dir.note, sizeof self->dir.note,
                 "%s's fallback plays for turn %u %s", name, self->st->turn,
                 wg_wire_phase_name(self->phase));
        break;
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT:
        if (self->dir.ejected[k])
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "%s is already ejected", name);
        record(self, env);
        self->dir.ejected[k] = true;
        if (owes_now(self, k))
            force(self, k, WG__FORCED_EJECTED);
        snprintf(self->dir.note, sizeof self->dir.note,
                 "%s ejected: its fallback plays until it is readmitted", name);
        break;
    default: /* READMIT */
        if (!self->dir.ejected[k])
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "%s is not ejected", name);
        record(self, env);
        self->dir.ejected[k] = false;
        snprintf(self->dir.note, sizeof self->dir.note,
                 "%s readmitted: it plays from the next phase", name);
        break;
    }
    if (!self->replay && self->started && !self->done &&
        wg__adjudicator_all_in(self))
        wg__adjudicator_close_phase(self);
    return 0;
}

/* ---- injects ------------------------------------------------------------ */

/* The next incident turn after the current one, or 0: an inject enters
 * a turn's incidents when they are drawn, at its start. */
static uint32_t
next_incident_turn(const wg_adjudicator_t *self)
{
    for (size_t t = self->st->turn + 1; t <= self->sc.n_turns; t++)
        if (self->sc.plan[t - 1] == WG_TURN_INCIDENT)
            return (uint32_t)t;
    return 0;
}

/* An ad-hoc inject from the wire into *out; 0, or refused. */
static int
read_ad_hoc(wg_adjudicator_t *self, const Wgpb__V1__InjectOrder *o,
            wg_inject_t *out)
{
    int sector = wg_scenario_sector_index(&self->sc, o->sector);
    int type = wg_scenario_incident_type_index(&self->sc, o->kind);
    int nation =
        o->nation[0] ? wg_scenario_nation_index(&self->sc, o->nation) : -1;
    if (sector < 0 || type < 0 || (o->nation[0] && nation < 0))
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "inject: %s '%s' is not the scenario's",
                      sector < 0 ? "sector"
                      : type < 0 ? "kind"
                                 : "nation",
                      sector < 0 ? o->sector
                      : type < 0 ? o->kind
                                 : o->nation);
    if (o->count > MAX_INJECT_COUNT)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "inject: count %u is over %d", o->count,
                      MAX_INJECT_COUNT);
    memset(out, 0, sizeof *out);
    out->sector = (uint8_t)sector;
    out->type = (uint8_t)type;
    out->nation = (int8_t)nation;
    out->count = o->count > 0 ? o->count : 1;
    if (o->text[0])
        snprintf(out->text, sizeof out->text, "%s", o->text);
    else
        snprintf(out->text, sizeof out->text, "ad hoc: %s in %s", o->kind,
                 o->sector);
    return 0;
}

/* The inject a command names, into *out; marks a listed one fired. */
static int
read_inject(wg_adjudicator_t *self, const Wgpb__V1__InjectOrder *o,
            wg_inject_t *out)
{
    if (o == NULL)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "inject: no InjectOrder");
    if (!o->name[0])
        return read_ad_hoc(self, o, out);
    int i = wg_scenario_inject_index(&self->sc, o->name);
    if (i < 0)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED,
                      "inject: no '%s' in the scenario's "
                      "injects",
                      o->name);
    if (self->dir.fired[i])
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_DUPLICATE, WG_ESTATE,
                      "inject %s was fired already", o->name);
    *out = self->sc.injects[i];
    return 0;
}

static int
take_inject(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    wg_inject_t inj;
    uint32_t turn = next_incident_turn(self);
    int rc;
    if (turn == 0)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED, WG_ESTATE,
                      "inject: no incident turn is left in the "
                      "plan");
    if (self->dir.n_pending >= WG_MAX_PENDING_INJECTS)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED, WG_ESTATE,
                      "inject: %d are waiting already", WG_MAX_PENDING_INJECTS);
    if ((rc = read_inject(self, env->director->inject, &inj)) < 0)
        return rc;
    record(self, env);
    int i = inj.name[0] ? wg_scenario_inject_index(&self->sc, inj.name) : -1;
    if (i >= 0)
        self->dir.fired[i] = true;
    self->dir.pending[self->dir.n_pending++] = inj;
    snprintf(self->dir.note, sizeof self->dir.note,
             "inject %.60s enters turn %u (incident)",
             inj.name[0] ? inj.name : inj.text, turn);
    return 0;
}

void
wg__adjudicator_director_turn_begun(wg_adjudicator_t *self)
{
    wg__director_t *d = &self->dir;
    if (self->type != WG_TURN_INCIDENT)
        return;
    /* The scenario's injects for this turn, in the list's order, then the
     * director's, in the order fired. */
    for (size_t i = 0; i < self->sc.n_injects; i++)
        if (self->sc.injects[i].turn == self->st->turn && !d->fired[i]) {
            d->fired[i] = true;
            wg_rules_add_injects(&self->sc, self->st, &self->sc.injects[i], 1,
                                 &self->t->inc, &self->res);
        }
    wg_rules_add_injects(&self->sc, self->st, d->pending, d->n_pending,
                         &self->t->inc, &self->res);
    d->n_pending = 0;
}

/* ---- the clock ---------------------------------------------------------- */

static int
take_clock(wg_adjudicator_t *self, Wgpb__V1__Envelope *env)
{
    const Wgpb__V1__DirectorCommand *c = env->director;
    switch (c->action) {
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE:
        if (self->dir.paused)
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "the exercise is paused already");
        self->dir.paused = true;
        snprintf(self->dir.note, sizeof self->dir.note, "paused");
        break;
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME:
        if (!self->dir.paused)
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "the exercise is not paused");
        self->dir.paused = false;
        snprintf(self->dir.note, sizeof self->dir.note, "resumed");
        break;
    default: /* EXTEND */
        if (c->seconds == 0 || c->seconds > MAX_EXTEND_S)
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                          WG_EMALFORMED, "extend: %u s is not 1 to %d s",
                          c->seconds, MAX_EXTEND_S);
        if (!self->started)
            return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED,
                          WG_ESTATE, "extend: no deadline runs in the lobby");
        snprintf(self->dir.note, sizeof self->dir.note,
                 "turn %u %s: deadline extended by %u s", self->st->turn,
                 wg_wire_phase_name(self->phase), c->seconds);
        break;
    }
    record(self, env);
    return 0;
}

/* ---- a command ---------------------------------------------------------- */

/* A director command from another role: refused, counted, said (the first
 * few in full, then one line in a hundred: a role cannot flood stderr). */
static int
refuse_unauthorised(wg_adjudicator_t *self, int key)
{
    uint64_t n = ++self->dir.unauthorised;
    const char *who = key < 0 ? "a peer that has not joined"
                              : wg_adjudicator_role_name(self, key);
    if (n <= LOG_FULL || n % 100 == 0)
        WG_DIAG_WARN("unauthorised: %s sent a director command; only the "
                     "director's seat may (%llu refused so far)",
                     who, (unsigned long long)n);
    return wg__adjudicator_reject(
        self, key >= 0 ? key : WG_DEST_SENDER,
        WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED, WG_EUNAUTHORISED,
        "%s may not send director commands: only the director's seat may", who);
}

int
wg__adjudicator_director(wg_adjudicator_t *self, int key,
                         Wgpb__V1__Envelope *env)
{
    if (key != WG_ROLE_DIRECTOR_KEY)
        return refuse_unauthorised(self, key);
    if (env->sender_role != WGPB__V1__ROLE__ROLE_DIRECTOR)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
                      WG_EUNAUTHORISED,
                      "the director's envelopes name ROLE_DIRECTOR as sender");
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_DIRECTOR)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_NOT_EXPECTED, WG_ESTATE,
                      "the director sends DirectorCommands only");
    if (self->done)
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN, WG_ESTATE,
                      "the exercise is over");
    switch (env->director->action) {
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND:
        return take_clock(self, env);
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_READMIT:
        return take_role(self, env);
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT:
        return take_inject(self, env);
    default: /* STATUS is the process's to answer; nothing else exists */
        return refuse(self, WGPB__V1__ERROR_CODE__ERROR_MALFORMED,
                      WG_EMALFORMED, "director action %d is not one to record",
                      (int)env->director->action);
    }
}

int
wg__adjudicator_director_refuses(wg_adjudicator_t *self, int k)
{
    if (k < 0 || (size_t)k >= n_keys(self) || !self->dir.ejected[k])
        return 0;
    return wg__adjudicator_reject(
        self, WG_DEST_SENDER, WGPB__V1__ERROR_CODE__ERROR_UNAUTHORISED,
        WG_EUNAUTHORISED,
        "%s was ejected by the director: its fallback plays until it is "
        "readmitted",
        wg_adjudicator_role_name(self, k));
}

/* ---- the turn flow ------------------------------------------------------ */

void
wg__adjudicator_director_phase_started(wg_adjudicator_t *self)
{
    memset(self->dir.forced, 0, sizeof self->dir.forced);
    for (size_t k = 0; k < n_keys(self); k++)
        if (self->dir.ejected[k] && self->expected[k])
            force(self, (int)k, WG__FORCED_EJECTED);
}

const char *
wg__adjudicator_director_reason(const wg_adjudicator_t *self, int k)
{
    if (k < 0 || (size_t)k >= n_keys(self) || !self->dir.forced[k])
        return NULL;
    return self->dir.forced[k] == WG__FORCED_EJECTED ? "ejected" : "director";
}

/* ---- accessors ---------------------------------------------------------- */

bool
wg_adjudicator_paused(const wg_adjudicator_t *self)
{
    return self->dir.paused;
}

bool
wg_adjudicator_ejected(const wg_adjudicator_t *self, int key)
{
    return key >= 0 && (size_t)key < n_keys(self) && self->dir.ejected[key];
}

/* Whether role k's fallback played this turn (the result's defaulted). */
static bool
defaulted(const wg_adjudicator_t *self, int k)
{
    const char *name = wg_adjudicator_role_name(self, k);
    for (size_t i = 0; i < self->n_defaulted; i++)
        if (strcmp(self->defaulted[i], name) == 0)
            return true;
    return false;
}

int
wg_adjudicator_role_state(const wg_adjudicator_t *self, int k)
{
    if (k < 0 || (size_t)k >= n_keys(self))
        return WGPB__V1__ROLE_STATE__ROLE_STATE_UNSPECIFIED;
    if (k > 0 && self->st->nations[k - 1].withdrawn)
        return WGPB__V1__ROLE_STATE__ROLE_STATE_WITHDRAWN;
    if (self->dir.ejected[k])
        return WGPB__V1__ROLE_STATE__ROLE_STATE_EJECTED;
    if (self->left[k] || self->absent[k])
        return WGPB__V1__ROLE_STATE__ROLE_STATE_DISCONNECTED;
    bool in_phase = self->started && !self->done && self->expected[k];
    if (in_phase && !self->received[k])
        return self->joined[k] ? WGPB__V1__ROLE_STATE__ROLE_STATE_THINKING
                               : WGPB__V1__ROLE_STATE__ROLE_STATE_NOT_JOINED;
    if (in_phase && (self->dir.forced[k] || defaulted(self, k)))
        return WGPB__V1__ROLE_STATE__ROLE_STATE_DEFAULTED;
    if (in_phase)
        return WGPB__V1__ROLE_STATE__ROLE_STATE_SENT;
    return self->joined[k] ? WGPB__V1__ROLE_STATE__ROLE_STATE_JOINED
                           : WGPB__V1__ROLE_STATE__ROLE_STATE_NOT_JOINED;
}

size_t
wg_adjudicator_pending_injects(const wg_adjudicator_t *self)
{
    return self->dir.n_pending;
}

bool
wg_adjudicator_inject_fired(const wg_adjudicator_t *self, size_t i)
{
    return i < self->sc.n_injects && self->dir.fired[i];
}

uint64_t
wg_adjudicator_director_unauthorised(const wg_adjudicator_t *self)
{
    return self->dir.unauthorised;
}

const char *
wg_adjudicator_director_note(const wg_adjudicator_t *self)
{
    return self->dir.note;
}

const char *
wg_adjudicator_scenario_text(const wg_adjudicator_t *self, size_t *len)
{
    *len = self->text_len;
    return self->scenario_text;
}
