/*
 * board.c - the live board's picture of an exercise (board.h): envelopes
 * in, the figures a wall screen shows out.
 *
 * Owns nothing but the board_t it is given (no allocation but protobuf-c's
 * while one envelope is read, freed before returning). Everything it reads
 * came from outside: codes and names are cut to their room and stripped of
 * control characters (a terminal must never receive an escape sequence
 * from the wire), lists are read up to the board's room, and what does not
 * decode is counted, never fatal. One thread; no clock of its own.
 */
#include "board.h"

#include "wg/phases.h"
#include "wg/share.h"
#include "wg/wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ROLE(x) WGPB__V1__ROLE__##x
#define PAYLOAD(x) WGPB__V1__ENVELOPE__PAYLOAD_##x

void
board_init(board_t *b, board_view_t view)
{
    memset(b, 0, sizeof *b);
    b->view = view;
    b->sharing = BOARD_SHARING_UNKNOWN;
}

/* Copies at most cap - 1 bytes of src, each control or non-ASCII byte
 * replaced by '?'. */
static void
copy_text(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src != NULL && src[i] != '\0' && i + 1 < cap; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[i] = '\0';
}

void
board_note(board_t *b, const char *fmt, ...)
{
    char line[BOARD_LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t slot = (b->feed_start + b->feed_len) % BOARD_FEED;
    if (b->feed_len == BOARD_FEED)
        b->feed_start = (b->feed_start + 1) % BOARD_FEED;
    else
        b->feed_len++;
    copy_text(b->feed[slot], sizeof b->feed[slot], line);
}

const char *
board_feed_line(const board_t *b, size_t i)
{
    return b->feed[(b->feed_start + i) % BOARD_FEED];
}

static board_nation_t *
nation(board_t *b, const char *code)
{
    char c[sizeof b->nations[0].code];
    copy_text(c, sizeof c, code);
    for (size_t i = 0; i < b->n_nations; i++)
        if (strcmp(b->nations[i].code, c) == 0)
            return &b->nations[i];
    if (c[0] == '\0' || b->n_nations == BOARD_NATIONS) {
        b->ignored++;
        return NULL;
    }
    board_nation_t *n = &b->nations[b->n_nations++];
    memset(n, 0, sizeof *n);
    memcpy(n->code, c, sizeof c);
    return n;
}

static board_sector_t *
sector(board_t *b, const char *code)
{
    char c[sizeof b->sectors[0].code];
    copy_text(c, sizeof c, code);
    for (size_t i = 0; i < b->n_sectors; i++)
        if (strcmp(b->sectors[i].code, c) == 0)
            return &b->sectors[i];
    if (c[0] == '\0' || b->n_sectors == BOARD_SECTORS) {
        b->ignored++;
        return NULL;
    }
    board_sector_t *s = &b->sectors[b->n_sectors++];
    memset(s, 0, sizeof *s);
    memcpy(s->code, c, sizeof c);
    return s;
}

void
board_set_scenario(board_t *b, const wg_scenario_t *sc)
{
    copy_text(b->scenario, sizeof b->scenario, sc->name);
    b->sharing = (int)sc->sharing;
    b->sharing_inferred = false;
    b->total_turns = (uint32_t)sc->n_turns;
    for (size_t i = 0; i < sc->n_nations; i++)
        nation(b, sc->nations[i].code);
    for (size_t i = 0; i < sc->n_sectors; i++) {
        board_sector_t *s = sector(b, sc->sectors[i].code);
        if (s != NULL)
            s->rear = sc->sectors[i].rear;
    }
}

/* ---- sharing ------------------------------------------------------------ */

/* Without a scenario, the policy is read from what the PUB carries: units
 * only under full (the public phase start of a split policy carries none),
 * and no nation's private figures at all under national. */
static void
infer_sharing(board_t *b, const Wgpb__V1__Situation *sit)
{
    if (b->sharing != BOARD_SHARING_UNKNOWN && !b->sharing_inferred)
        return;
    if (sit->n_units > 0) {
        b->sharing = WG_SHARING_FULL;
        b->sharing_inferred = true;
        return;
    }
    if (b->sharing == WG_SHARING_FULL || sit->n_nations == 0)
        return;
    bool any_private = false;
    for (size_t i = 0; i < sit->n_nations; i++) {
        const Wgpb__V1__NationState *n = sit->nations[i];
        any_private |= n->cohesion != 0 || n->preparing != 0 ||
                       n->recovering != 0 || n->max_troops != 0;
    }
    b->sharing = any_private ? WG_SHARING_COALITION : WG_SHARING_NATIONAL;
    b->sharing_inferred = true;
}

/* Whether the public records carry every nation's private figures. */
static bool
public_private(const board_t *b)
{
    return b->sharing != WG_SHARING_NATIONAL;
}

bool
board_nation_private_shown(const board_t *b, const board_nation_t *n)
{
    (void)b;
    return n->has_private;
}

void
board_view_label(const board_t *b, char *buf, size_t n)
{
    const char *pol = b->sharing == BOARD_SHARING_UNKNOWN
                          ? "not known yet"
                          : wg_share_name((wg_sharing_t)b->sharing);
    const char *how = b->sharing_inferred ? ", inferred from the PUB" : "";
    if (b->view == BOARD_VIEW_UMPIRE)
        snprintf(buf, n,
                 "view: ground truth from the log (sharing %s%s): the "
                 "published records, the command's picture, every order",
                 pol, how);
    else if (b->sharing == WG_SHARING_FULL)
        snprintf(buf, n,
                 "view: everything (sharing full%s): the PUB carries the "
                 "whole picture, as the umpire sees it",
                 how);
    else if (b->sharing == WG_SHARING_COALITION)
        snprintf(buf, n,
                 "view: public picture (sharing coalition%s): every figure "
                 "here is public; units go to their nation only",
                 how);
    else if (b->sharing == WG_SHARING_NATIONAL)
        snprintf(buf, n,
                 "view: public picture (sharing national%s): cohesion, "
                 "troops at home, incidents by sector hidden (-)",
                 how);
    else
        snprintf(buf, n, "view: what the PUB carries (sharing %s)", pol);
}

uint64_t
board_time_left(const board_t *b, uint64_t now_ms)
{
    if (b->paused)
        return b->clock_left_ms;
    uint64_t gone = now_ms > b->clock_at_ms ? now_ms - b->clock_at_ms : 0;
    return gone < b->clock_left_ms ? b->clock_left_ms - gone : 0;
}

/* ---- phase starts ------------------------------------------------------- */

static void
apply_situation(board_t *b, const Wgpb__V1__Situation *sit, bool priv)
{
    b->week = sit->week;
    b->escalation = sit->escalation;
    b->stability = sit->stability;
    copy_text(b->regime, sizeof b->regime, sit->regime);
    for (size_t i = 0; i < sit->n_sectors; i++) {
        const Wgpb__V1__SectorState *m = sit->sectors[i];
        board_sector_t *s = sector(b, m->code);
        if (s == NULL)
            continue;
        s->threat = m->threat;
        s->rear = m->rear;
        s->required = m->required;
        s->deployed = m->deployed;
        s->coverage = m->coverage;
    }
    for (size_t i = 0; i < sit->n_nations; i++) {
        const Wgpb__V1__NationState *m = sit->nations[i];
        board_nation_t *n = nation(b, m->code);
        if (n == NULL)
            continue;
        n->gate_open = m->gate_open;
        n->withdrawn = m->withdrawn;
        n->leaving = m->leaving;
        n->deployed = m->deployed;
        n->kia = m->kia;
        n->wia = m->wia;
        if (priv) {
            n->has_private = true;
            n->cohesion = m->cohesion;
            n->preparing = m->preparing;
            n->recovering = m->recovering;
        }
    }
}

static void
new_turn(board_t *b, uint32_t turn, int type)
{
    b->turn = turn;
    b->type = type;
    b->n_incidents = 0;
    b->sector_incidents_known = false;
    for (size_t i = 0; i < b->n_sectors; i++)
        b->sectors[i].incidents = b->sectors[i].kia = b->sectors[i].wia = 0;
    const wg_turn_info_t *t = wg_turn_info(type);
    board_note(b, "-- turn %u: %s --", turn, t != NULL ? t->name : "?");
}

static void
take_incidents(board_t *b, const Wgpb__V1__TurnStart *ts)
{
    b->n_incidents = 0;
    for (size_t i = 0; i < b->n_sectors; i++)
        b->sectors[i].incidents = 0;
    for (size_t i = 0; i < ts->n_incidents; i++) {
        const Wgpb__V1__Incident *m = ts->incidents[i];
        if (b->n_incidents == BOARD_INCIDENTS) {
            b->ignored++;
            continue;
        }
        board_incident_t *in = &b->incidents[b->n_incidents++];
        in->id = m->id;
        in->count = m->count;
        copy_text(in->sector, sizeof in->sector, m->sector);
        copy_text(in->type, sizeof in->type, m->type);
        copy_text(in->nation, sizeof in->nation, m->nation);
        board_sector_t *s = sector(b, m->sector);
        if (s != NULL)
            s->incidents += m->count;
    }
    b->sector_incidents_known = true;
}

static void
apply_turn_start(board_t *b, const Wgpb__V1__Envelope *env, bool to_command,
                 uint64_t now_ms)
{
    const Wgpb__V1__TurnStart *ts = env->turn_start;
    if (!b->seen_start || env->turn != b->turn)
        new_turn(b, env->turn, (int)ts->type);
    b->seen_start = true;
    b->type = (int)ts->type;
    if (b->phase != (int)env->phase || b->deadline_ms != ts->deadline_ms ||
        !to_command) { /* a new phase: its clock runs from its deadline */
        b->clock_at_ms = now_ms;
        b->clock_left_ms = ts->deadline_ms;
        b->paused = false;
    }
    b->phase = (int)env->phase;
    b->deadline_ms = ts->deadline_ms;
    b->n_expected = 0;
    for (size_t i = 0; i < ts->n_expected; i++) {
        if (b->n_expected == BOARD_ROLES) {
            b->ignored++;
            break;
        }
        copy_text(b->expected[b->n_expected++], sizeof b->expected[0],
                  ts->expected[i]);
    }
    if (ts->situation != NULL) {
        if (!to_command)
            infer_sharing(b, ts->situation);
        apply_situation(b, ts->situation, to_command || public_private(b));
    }
    if (env->phase == WGPB__V1__PHASE__PHASE_RESPOND &&
        (to_command || b->sharing != WG_SHARING_NATIONAL))
        take_incidents(b, ts);
}

/* ---- results ------------------------------------------------------------ */

static const char *
roe_name(int action)
{
    static const char *const names[] = {"no answer", "hold", "return fire",
                                        "de-escalate", "withdraw"};
    return action >= 0 && action < 5 ? names[action] : "?";
}

static const board_incident_t *
incident(const board_t *b, uint32_t id)
{
    for (size_t i = 0; i < b->n_incidents; i++)
        if (b->incidents[i].id == id)
            return &b->incidents[i];
    return NULL;
}

static void
note_outcomes(board_t *b, const Wgpb__V1__TurnResult *r, uint32_t turn)
{
    uint32_t actions[5] = {0};
    for (size_t i = 0; i < r->n_outcomes; i++) {
        const Wgpb__V1__IncidentOutcome *o = r->outcomes[i];
        const board_incident_t *in = incident(b, o->incident);
        board_sector_t *s = in != NULL ? sector(b, in->sector) : NULL;
        if (s != NULL) {
            s->kia += o->kia;
            s->wia += o->wia;
        }
        actions[(unsigned)o->action < 5u ? (unsigned)o->action : 0]++;
        if (o->kia == 0 && o->wia == 0 && !o->escalated)
            continue; /* the feed keeps what cost or escalated */
        if (in != NULL) {
            board_note(b,
                       "T%u #%u %s in %s (%s, %u events): %s, %u killed, "
                       "%u wounded%s",
                       turn, o->incident, in->type, in->sector,
                       in->nation[0] ? in->nation : "no one exposed", in->count,
                       roe_name((int)o->action), o->kia, o->wia,
                       o->escalated ? ", escalated" : "");
        } else {
            board_note(b, "T%u #%u: %s, %u killed, %u wounded%s", turn,
                       o->incident, roe_name((int)o->action), o->kia, o->wia,
                       o->escalated ? ", escalated" : "");
        }
    }
    if (r->n_outcomes > 0)
        board_note(b,
                   "T%u answers: %u hold, %u return fire, %u de-escalate, "
                   "%u withdraw, %u none",
                   turn, actions[1], actions[2], actions[3], actions[4],
                   actions[0]);
}

static void
apply_result_nations(board_t *b, const Wgpb__V1__TurnResult *r)
{
    for (size_t i = 0; i < r->n_nations; i++) {
        const Wgpb__V1__NationResult *m = r->nations[i];
        board_nation_t *n = nation(b, m->code);
        if (n == NULL)
            continue;
        n->deployed = m->deployed;
        n->kia += m->kia;
        n->wia += m->wia;
        if (m->withdrawn && !n->withdrawn)
            board_note(b, "T%u %s has withdrawn", b->turn, n->code);
        n->withdrawn = m->withdrawn;
        n->leaving = m->leaving;
        if (public_private(b)) {
            n->has_private = true;
            n->cohesion = m->cohesion;
            n->preparing = m->preparing;
            n->recovering = m->recovering;
        }
        if (m->gaps > 0 && public_private(b))
            board_note(b, "T%u %s: %u units left unrelieved", b->turn, n->code,
                       m->gaps);
    }
}

static void
apply_result(board_t *b, const Wgpb__V1__Envelope *env)
{
    const Wgpb__V1__TurnResult *r = env->result;
    if (!b->seen_start || env->turn != b->turn)
        new_turn(b, env->turn, (int)r->type);
    b->seen_start = true;
    b->phase = (int)env->phase;
    b->week = r->week;
    b->escalation = r->escalation;
    b->stability = r->stability;
    copy_text(b->regime, sizeof b->regime, r->regime);
    b->turn_incidents = r->incidents;
    b->turn_kia = r->kia;
    b->turn_wia = r->wia;
    for (size_t i = 0; i < r->n_sectors; i++) {
        const Wgpb__V1__SectorState *m = r->sectors[i];
        board_sector_t *s = sector(b, m->code);
        if (s == NULL)
            continue;
        s->deployed = m->deployed; /* a result carries no requirement */
        s->coverage = m->coverage;
    }
    apply_result_nations(b, r);
    board_note(b,
               "T%u result: %u incidents, %u killed, %u wounded; "
               "escalation %u, stability %.1f",
               env->turn, r->incidents, r->kia, r->wia, r->escalation,
               r->stability);
    note_outcomes(b, r, env->turn);
    if (r->incidents > 0 && r->n_outcomes == 0 && !b->sector_incidents_known)
        board_note(b,
                   "T%u where and against whom: not public under sharing "
                   "national",
                   env->turn);
    for (size_t i = 0; i < r->n_events; i++) {
        char e[BOARD_LINE - 16];
        copy_text(e, sizeof e, r->events[i]);
        board_note(b, "T%u %s", env->turn, e);
    }
    if (r->n_defaulted > 0) {
        char who[96] = "";
        for (size_t i = 0; i < r->n_defaulted && strlen(who) < 80; i++) {
            char c[16];
            copy_text(c, sizeof c, r->defaulted[i]);
            size_t off = strlen(who);
            snprintf(who + off, sizeof who - off, "%s%s", off ? " " : "", c);
        }
        board_note(b, "T%u fallback played for: %s", env->turn, who);
    }
}

static void
apply_end(board_t *b, const Wgpb__V1__ExerciseEnd *e)
{
    char gone[64] = "";
    for (size_t i = 0; i < e->n_withdrawn && strlen(gone) < 50; i++) {
        char c[8];
        copy_text(c, sizeof c, e->withdrawn[i]);
        size_t off = strlen(gone);
        snprintf(gone + off, sizeof gone - off, " %s", c);
    }
    b->ended = true;
    b->phase = WGPB__V1__PHASE__PHASE_END;
    board_note(b,
               "exercise over after %u turns: peak %u in theatre, %u "
               "committed; %u killed, %u wounded; stability %.1f%s%s",
               e->turns, e->peak_deployed, e->peak_committed, e->kia, e->wia,
               e->stability, gone[0] ? "; withdrawn:" : "", gone);
}

static void
apply_beacon(board_t *b, const Wgpb__V1__Beacon *m)
{
    if (b->beacon_instance != 0 && m->instance != b->beacon_instance)
        board_note(b, "the adjudicator restarted (a new instance)");
    b->beacon_instance = m->instance;
    b->joined = m->joined;
    b->joinable = m->expected;
    if (!b->seen_start) {
        b->turn = m->turn;
        b->phase = (int)m->phase;
    }
}

/* ---- orders (the umpire's view of a log) -------------------------------- */

static void
note_order(board_t *b, const Wgpb__V1__Envelope *env)
{
    char what[112];
    if (!wg_order_describe(env, what, sizeof what)) {
        b->ignored++;
        return;
    }
    char who[8], src[48] = "";
    copy_text(who, sizeof who,
              env->sender_role == ROLE(ROLE_COMMAND) ? "command"
                                                     : env->sender_nation);
    const Wgpb__V1__Provenance *p = env->provenance;
    if (p != NULL && p->source == WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT)
        snprintf(src, sizeof src, " (fallback: %.30s)", p->reason);
    else if (p != NULL &&
             p->source == WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_HUMAN)
        snprintf(src, sizeof src, " (team)");
    else if (p != NULL &&
             p->source == WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_ADJUDICATOR)
        snprintf(src, sizeof src, " (adjudicator)");
    board_note(b, "T%u %s: %s%s", env->turn, who, what, src);
}

/* ---- the director ------------------------------------------------------- */

#define ACTION(x) WGPB__V1__DIRECTOR_ACTION__DIRECTOR_##x
#define CLOCK_MAX_MS (24u * 3600 * 1000) /* no deadline is longer */

/* Pause, resume and extend: published, so the board's clock is the
 * adjudicator's. */
static bool
director_clock(board_t *b, const Wgpb__V1__DirectorCommand *d, uint32_t turn,
               uint64_t now_ms)
{
    uint64_t left = board_time_left(b, now_ms);
    switch (d->action) {
    case ACTION(PAUSE):
        b->paused = true;
        board_note(b, "T%u the director stopped the clock (%llu s left)", turn,
                   (unsigned long long)(left / 1000));
        break;
    case ACTION(RESUME):
        b->paused = false;
        board_note(b, "T%u the director restarted the clock", turn);
        break;
    case ACTION(EXTEND):
        left += (uint64_t)d->seconds * 1000;
        if (left > CLOCK_MAX_MS)
            left = CLOCK_MAX_MS;
        board_note(b, "T%u the director gave the phase %u s more", turn,
                   d->seconds);
        break;
    default:
        return false;
    }
    b->clock_left_ms = left;
    b->clock_at_ms = now_ms;
    return true;
}

/* The rest the log records: the umpire sees it. */
static void
director_note(board_t *b, const Wgpb__V1__DirectorCommand *d, uint32_t turn)
{
    static const char *const does[] = {
        [ACTION(FORCE_FALLBACK)] = "played the fallback of",
        [ACTION(EJECT)] = "ejected",
        [ACTION(READMIT)] = "readmitted",
    };
    char role[16], name[32], sector[8], kind[24], nation[8], text[64];
    copy_text(role, sizeof role, d->role);
    if ((unsigned)d->action < sizeof does / sizeof does[0] &&
        does[d->action] != NULL) {
        board_note(b, "T%u the director %s %s", turn, does[d->action], role);
        return;
    }
    const Wgpb__V1__InjectOrder *in = d->inject;
    if (d->action != ACTION(INJECT) || in == NULL) {
        b->ignored++;
        return;
    }
    copy_text(name, sizeof name, in->name);
    copy_text(sector, sizeof sector, in->sector);
    copy_text(kind, sizeof kind, in->kind);
    copy_text(nation, sizeof nation, in->nation);
    copy_text(text, sizeof text, in->text);
    if (name[0] != '\0')
        board_note(b, "T%u the director fired the inject %s", turn, name);
    else
        board_note(b, "T%u the director injected %s in %s against %s: %s", turn,
                   kind, sector, nation[0] ? nation : "(most exposed)", text);
}

static void
apply_director(board_t *b, const Wgpb__V1__Envelope *env, uint64_t now_ms)
{
    if (director_clock(b, env->director, env->turn, now_ms))
        return;
    if (b->view == BOARD_VIEW_UMPIRE)
        director_note(b, env->director, env->turn);
    else
        b->ignored++;
}

/* A refusal the log recorded (an Error reply): the umpire sees who was
 * refused what. */
static void
note_refusal(board_t *b, const Wgpb__V1__Envelope *env)
{
    char who[16], detail[96];
    copy_text(who, sizeof who, env->recipient);
    copy_text(detail, sizeof detail, env->error->detail);
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &wgpb__v1__error_code__descriptor, (int)env->error->code);
    board_note(b, "T%u refused (%s): %s %s", env->turn, who[0] ? who : "?",
               v != NULL ? v->name : "?", detail);
}

/* ---- dispatch ----------------------------------------------------------- */

static bool
addressed_to(const Wgpb__V1__Envelope *env, const char *role)
{
    return env->recipient != NULL && strcmp(env->recipient, role) == 0;
}

static bool
published(const Wgpb__V1__Envelope *env)
{
    return env->recipient == NULL || env->recipient[0] == '\0';
}

static void
apply(board_t *b, const Wgpb__V1__Envelope *env, uint64_t now_ms)
{
    bool umpire = b->view == BOARD_VIEW_UMPIRE;
    if (env->payload_case == PAYLOAD(DIRECTOR) && published(env)) {
        apply_director(b, env, now_ms);
        return;
    }
    if (env->sender_role != ROLE(ROLE_ADJUDICATOR)) {
        if (umpire)
            note_order(b, env);
        else
            b->ignored++;
        return;
    }
    bool pub = published(env);
    switch (env->payload_case) {
    case PAYLOAD(TURN_START):
        if (pub || (umpire && addressed_to(env, "command")))
            apply_turn_start(b, env, !pub, now_ms);
        else
            b->ignored++;
        break;
    case PAYLOAD(RESULT):
        if (pub)
            apply_result(b, env);
        break;
    case PAYLOAD(END):
        if (pub)
            apply_end(b, env->end);
        break;
    case PAYLOAD(BEACON):
        apply_beacon(b, env->beacon);
        break;
    case PAYLOAD(ERROR):
        if (umpire)
            note_refusal(b, env);
        else
            b->ignored++;
        break;
    default:
        if (!umpire)
            b->ignored++;
        break;
    }
}

int
board_feed(board_t *b, const uint8_t *data, size_t len, uint64_t now_ms)
{
    Wgpb__V1__Envelope *env = wg_wire_unpack(data, len);
    if (env == NULL) {
        if (++b->malformed <= 3)
            board_note(b,
                       "a message that is not an envelope (%zu bytes): "
                       "counted, not shown",
                       len);
        return -1;
    }
    b->received++;
    apply(b, env, now_ms);
    wg_wire_free(env);
    return 0;
}
