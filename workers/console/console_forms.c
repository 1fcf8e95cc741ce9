/*
 * console_forms.c - the fields a team fills for each kind of order of the
 * phase table (wg/phases.h): a label, a help line drawn from what the
 * role sees (its ceiling, its due units, the incident's sector), the
 * draft's value as text, and a parser from what the team typed into the
 * draft (wg_orders_t, as a bot fills it). A flat kind with no form here
 * gets one from its field map (build_flat: each field's name, help, and
 * wg/order_fields.h's text), so a new flat kind needs nothing here.
 *
 * A parser refuses what it cannot read (a word that is no number, a
 * sector or unit that is not there) with the reason; what it can read
 * goes into the draft, and the rules (the table's take, in console.c)
 * judge the whole order before anything is sent. Pure functions of the
 * console's picture: no I/O, loop thread only.
 */
#include "console_int.h"
#include "wg/order_fields.h"
#include "wg/rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TROOPS_MAX 10000000u

/* ---- words -----------------------------------------------------------------
 */

static int
parse_number(const char *word, uint32_t *v, char *why, size_t n)
{
    char *end;
    if (word[0] == '#')
        word++;
    if (!isdigit((unsigned char)word[0])) {
        snprintf(why, n, "'%s' is not a number", word);
        return -1;
    }
    unsigned long long x = strtoull(word, &end, 10);
    if (*end != '\0' || x > TROOPS_MAX) {
        snprintf(why, n, "'%s' is not a number up to %u", word, TROOPS_MAX);
        return -1;
    }
    *v = (uint32_t)x;
    return 0;
}

/* One number, or nothing (0). */
static int
parse_count(const char *text, uint32_t *v, char *why, size_t n)
{
    char word[64], extra[64];
    const char *p = text;
    if (!wg_text_next_word(&p, word, sizeof word)) {
        *v = 0;
        return 0;
    }
    if (wg_text_next_word(&p, extra, sizeof extra)) {
        snprintf(why, n, "one number, not '%s'", text);
        return -1;
    }
    return parse_number(word, v, why, n);
}

static int
sector_of(const console_t *c, const char *word, char *why, size_t n)
{
    for (size_t s = 0; s < c->sc->n_sectors; s++)
        if (strcasecmp(word, c->sc->sectors[s].code) == 0)
            return (int)s;
    char all[128];
    wg_sector_codes(c->sc, (1u << c->sc->n_sectors) - 1, all, sizeof all);
    snprintf(why, n, "no sector '%s' (sectors: %s)", word, all);
    return -1;
}

/* Sector codes, "all" or nothing. */
static int
parse_sectors(const console_t *c, const char *text, uint32_t *mask, char *why,
              size_t n)
{
    char word[64];
    const char *p = text;
    uint32_t m = 0;
    while (wg_text_next_word(&p, word, sizeof word)) {
        if (strcasecmp(word, "all") == 0) {
            m |= (1u << c->sc->n_sectors) - 1;
            continue;
        }
        int s = sector_of(c, word, why, n);
        if (s < 0)
            return -1;
        m |= 1u << s;
    }
    *mask = m;
    return 0;
}

static const wg_unit_t *
unit_by_id(const wg_state_t *st, uint32_t id)
{
    for (uint32_t i = 0; i < st->n_units; i++)
        if (st->units[i].id == id)
            return &st->units[i];
    return NULL;
}

static void
format_ids(const uint32_t *ids, uint32_t count, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < count && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, "%s%u", i ? " " : "", ids[i]);
}

/* Ids of the nation's own deployed units (or "due": those due now). */
static int
parse_ids(const console_t *c, const char *text, uint32_t *ids, uint32_t *count,
          char *why, size_t n)
{
    char word[64];
    const char *p = text;
    uint32_t k = 0, w = c->mat->weeks_to_rotation;
    while (wg_text_next_word(&p, word, sizeof word)) {
        if (strcasecmp(word, "due") == 0) {
            for (uint32_t i = 0; i < c->st->n_units; i++) {
                const wg_unit_t *u = &c->st->units[i];
                if ((int)u->nation == c->nation && k < WG_MAX_ORDER_UNITS &&
                    wg_rules_unit_due(c->sc, u, w))
                    ids[k++] = u->id;
            }
            continue;
        }
        uint32_t id;
        if (parse_number(word, &id, why, n) < 0)
            return -1;
        const wg_unit_t *u = unit_by_id(c->st, id);
        if (u == NULL || (int)u->nation != c->nation ||
            u->status != WG_UNIT_DEPLOYED) {
            snprintf(why, n, "unit %u is not one of your deployed units", id);
            return -1;
        }
        if (k >= WG_MAX_ORDER_UNITS) {
            snprintf(why, n, "at most %d units", WG_MAX_ORDER_UNITS);
            return -1;
        }
        ids[k++] = id;
    }
    *count = k;
    return 0;
}

static int
parse_yes(const char *text, bool *v, char *why, size_t n)
{
    char word[16];
    const char *p = text;
    if (!wg_text_next_word(&p, word, sizeof word) ||
        (strcasecmp(word, "no") != 0 && strcasecmp(word, "n") != 0 &&
         strcasecmp(word, "yes") != 0 && strcasecmp(word, "y") != 0)) {
        snprintf(why, n, "yes or no, not '%s'", text);
        return -1;
    }
    *v = tolower((unsigned char)word[0]) == 'y';
    return 0;
}

/* ---- fields ----------------------------------------------------------------
 */

static console_field_t *
add_field(console_t *c, const char *label, int arg,
          void (*format)(const console_t *, const wg_orders_t *, int, char *,
                         size_t),
          int (*parse)(console_t *, int, const char *, char *, size_t))
{
    console_field_t *f = &c->fields[c->n_fields++];
    memset(f, 0, sizeof *f);
    snprintf(f->label, sizeof f->label, "%s", label);
    f->arg = arg;
    f->format = format;
    f->parse = parse;
    return f;
}

/* Pledge. */

static void
fmt_pledge_troops(const console_t *c, const wg_orders_t *o, int arg, char *buf,
                  size_t n)
{
    (void)c;
    (void)arg;
    snprintf(buf, n, "%u", o->pledge.troops);
}

static int
parse_pledge_troops(console_t *c, int arg, const char *text, char *why,
                    size_t n)
{
    (void)arg;
    return parse_count(text, &c->draft.pledge.troops, why, n);
}

static void
fmt_pledge_sectors(const console_t *c, const wg_orders_t *o, int arg, char *buf,
                   size_t n)
{
    (void)arg;
    wg_sector_codes(c->sc, o->pledge.sector_mask, buf, n);
}

static int
parse_pledge_sectors(console_t *c, int arg, const char *text, char *why,
                     size_t n)
{
    (void)arg;
    return parse_sectors(c, text, &c->draft.pledge.sector_mask, why, n);
}

static void
build_pledge(console_t *c)
{
    const wg_nation_t *nat = &c->sc->nations[c->nation];
    uint32_t ceiling = wg_rules_ceiling(c->sc, c->st, (size_t)c->nation);
    uint32_t deployed = wg_state_deployed(c->st, c->nation);
    console_field_t *f = add_field(c, "pledge troops", 0, fmt_pledge_troops,
                                   parse_pledge_troops);
    snprintf(f->help, sizeof f->help,
             "Troops offered beyond those deployed, whole units of %u. Room "
             "now %u (ceiling %u, deployed %u). 0 offers none.",
             nat->unit_size, ceiling > deployed ? ceiling - deployed : 0,
             ceiling, deployed);
    uint32_t allowed = 0;
    for (size_t s = 0; s < c->sc->n_sectors; s++)
        if (wg_rules_sector_allowed(c->sc, (size_t)c->nation, s))
            allowed |= 1u << s;
    char list[128];
    wg_sector_codes(c->sc, allowed, list, sizeof list);
    f = add_field(c, "pledge sectors", 0, fmt_pledge_sectors,
                  parse_pledge_sectors);
    snprintf(f->help, sizeof f->help,
             "Sectors where they may serve: codes, or 'all'. Your caveats "
             "allow: %s.",
             list);
}

/* Rotation (a contingent's). */

/* The relieve (arg 0) or recall (arg 1) list of rotation orders. */
static uint32_t *
unit_list(wg_orders_t *o, int arg, uint32_t **count)
{
    *count = arg ? &o->rotation.n_recall : &o->rotation.n_relieve;
    return arg ? o->rotation.recall : o->rotation.relieve;
}

static void
fmt_units(const console_t *c, const wg_orders_t *o, int arg, char *buf,
          size_t n)
{
    (void)c;
    uint32_t *count;
    const uint32_t *ids = unit_list((wg_orders_t *)o, arg, &count);
    format_ids(ids, *count, buf, n);
}

static int
parse_units(console_t *c, int arg, const char *text, char *why, size_t n)
{
    uint32_t *count;
    uint32_t *ids = unit_list(&c->draft, arg, &count);
    return parse_ids(c, text, ids, count, why, n);
}

static void
fmt_prepare(const console_t *c, const wg_orders_t *o, int arg, char *buf,
            size_t n)
{
    (void)c;
    (void)arg;
    snprintf(buf, n, "%u", o->rotation.prepare);
}

static int
parse_prepare(console_t *c, int arg, const char *text, char *why, size_t n)
{
    (void)arg;
    return parse_count(text, &c->draft.rotation.prepare, why, n);
}

static void
build_rotation(console_t *c)
{
    uint32_t count[5] = {0}, due[WG_MAX_ORDER_UNITS] = {0}, n_due = 0;
    uint32_t w = c->mat->weeks_to_rotation;
    for (uint32_t i = 0; i < c->st->n_units; i++) {
        const wg_unit_t *u = &c->st->units[i];
        if ((int)u->nation != c->nation || u->status > 4)
            continue;
        count[u->status]++;
        if (wg_rules_unit_due(c->sc, u, w) && n_due < WG_MAX_ORDER_UNITS)
            due[n_due++] = u->id;
    }
    char ids[256];
    format_ids(due, n_due, ids, sizeof ids);
    console_field_t *f =
        add_field(c, "relieve units", 0, fmt_units, parse_units);
    snprintf(f->help, sizeof f->help,
             "Due units to relieve, each by a ready unit (ready: %u): ids, "
             "'due' for all due, empty for none. Due now: %s",
             count[WG_UNIT_READY], n_due ? ids : "none");
    f = add_field(c, "prepare units", 0, fmt_prepare, parse_prepare);
    snprintf(f->help, sizeof f->help,
             "New units to start preparing (%u weeks): a number. Preparing "
             "%u, ready %u, deployed %u.",
             c->sc->nations[c->nation].prep_weeks, count[WG_UNIT_PREPARING],
             count[WG_UNIT_READY], count[WG_UNIT_DEPLOYED]);
    f = add_field(c, "recall units", 1, fmt_units, parse_units);
    snprintf(f->help, sizeof f->help,
             "Deployed units to bring home without relief (each leaves a "
             "gap): ids, empty for none.");
}

/* Response: one field per incident that names the nation. */

const char *
console_roe_name(int action)
{
    static const char *names[WG_ROE_COUNT] = {"-", "hold", "return-fire",
                                              "de-escalate", "withdraw"};
    return action > 0 && action < WG_ROE_COUNT ? names[action] : "hold";
}

static void
fmt_answer(const console_t *c, const wg_orders_t *o, int arg, char *buf,
           size_t n)
{
    (void)c;
    snprintf(buf, n, "%s", console_roe_name(o->response.action[arg]));
}

static int
parse_answer(console_t *c, int arg, const char *text, char *why, size_t n)
{
    char word[32];
    const char *p = text;
    if (!wg_text_next_word(&p, word, sizeof word))
        word[0] = '\0';
    for (int a = WG_ROE_HOLD; a < WG_ROE_COUNT; a++) {
        const char *name = console_roe_name(a);
        if (strcasecmp(word, name) == 0 ||
            (word[0] != '\0' && word[1] == '\0' &&
             tolower((unsigned char)word[0]) == name[0])) {
            c->draft.response.action[arg] = (uint8_t)a;
            return 0;
        }
    }
    snprintf(why, n,
             "'%s' is no action: hold, return-fire, de-escalate or withdraw",
             text);
    return -1;
}

static void
build_response(console_t *c)
{
    const wg_incident_list_t *inc = &c->mat->inc;
    for (uint32_t i = 0; i < inc->n && c->n_fields < CONSOLE_MAX_FIELDS - 1;
         i++) {
        const wg_incident_t *x = &inc->items[i];
        if (x->nation != c->nation)
            continue;
        char label[64];
        snprintf(label, sizeof label, "incident %u", x->id);
        console_field_t *f =
            add_field(c, label, (int)i, fmt_answer, parse_answer);
        const wg_sector_t *s = &c->sc->sectors[x->sector];
        snprintf(f->help, sizeof f->help,
                 "%u x %s in %s (%s, threat %.0f): hold, return-fire, "
                 "de-escalate or withdraw (h r d w).",
                 x->count, c->sc->incident_types[x->type].name, s->code,
                 s->name, s->threat);
    }
}

/* Intention (force review). */

static void
fmt_intention(const console_t *c, const wg_orders_t *o, int arg, char *buf,
              size_t n)
{
    (void)c;
    (void)arg;
    const wg_intent_t *in = &o->intent;
    if (in->intention == WG_INTENTION_REDUCE)
        snprintf(buf, n, "reduce %u", in->ceiling);
    else
        snprintf(buf, n, "%s",
                 in->intention == WG_INTENTION_LEAVE ? "leave" : "stay");
}

static int
parse_intention(console_t *c, int arg, const char *text, char *why, size_t n)
{
    (void)arg;
    char word[32], num[32], extra[32];
    const char *p = text;
    wg_intent_t in = {0};
    if (!wg_text_next_word(&p, word, sizeof word))
        word[0] = '\0';
    bool has_num = wg_text_next_word(&p, num, sizeof num);
    if (strcasecmp(word, "stay") == 0 && !has_num)
        in.intention = WG_INTENTION_STAY;
    else if (strcasecmp(word, "leave") == 0 && !has_num)
        in.intention = WG_INTENTION_LEAVE;
    else if (strcasecmp(word, "reduce") == 0 && has_num &&
             !wg_text_next_word(&p, extra, sizeof extra)) {
        in.intention = WG_INTENTION_REDUCE;
        if (parse_number(num, &in.ceiling, why, n) < 0)
            return -1;
    } else {
        snprintf(why, n, "'%s': stay, leave, or reduce TROOPS", text);
        return -1;
    }
    c->draft.intent = in;
    return 0;
}

static void
build_intention(console_t *c)
{
    console_field_t *f =
        add_field(c, "intention", 0, fmt_intention, parse_intention);
    snprintf(f->help, sizeof f->help,
             "stay | leave (as your tours end, for good) | reduce TROOPS "
             "(below your ceiling now, %u; whole units of %u).",
             wg_rules_max_troops(c->sc, c->st, (size_t)c->nation),
             c->sc->nations[c->nation].unit_size);
}

/* Requirement and re-plan (the command): one field per sector. */

static void
fmt_required(const console_t *c, const wg_orders_t *o, int arg, char *buf,
             size_t n)
{
    (void)c;
    snprintf(buf, n, "%u", o->requirement.troops[arg]);
}

static int
parse_required(console_t *c, int arg, const char *text, char *why, size_t n)
{
    return parse_count(text, &c->draft.requirement.troops[arg], why, n);
}

static void
build_requirement(console_t *c)
{
    for (size_t s = 0; s < c->sc->n_sectors; s++) {
        const wg_sector_t *sec = &c->sc->sectors[s];
        char label[64];
        snprintf(label, sizeof label, "require %s", sec->code);
        console_field_t *f =
            add_field(c, label, (int)s, fmt_required, parse_required);
        snprintf(f->help, sizeof f->help,
                 "Troops required in %s (%s, %u km, threat %.0f%s): now "
                 "required %u. Target force %u.",
                 sec->code, sec->name, sec->length_km, sec->threat,
                 sec->rear ? ", rear: the reserve" : "", c->st->required[s],
                 c->sc->command.target_troops);
    }
}

/* Assignment (the command): one field per nation that pledged. */

static void
fmt_assigned(const console_t *c, const wg_orders_t *o, int arg, char *buf,
             size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < c->sc->n_sectors && at < n; s++) {
        uint32_t t = o->assignment.troops[arg][s];
        if (t > 0)
            at += (size_t)snprintf(buf + at, n - at, "%s%s=%u", at ? " " : "",
                                   c->sc->sectors[s].code, t);
    }
}

static int
parse_assigned(console_t *c, int arg, const char *text, char *why, size_t n)
{
    uint32_t row[WG_MAX_SECTORS] = {0};
    char word[64];
    const char *p = text;
    while (wg_text_next_word(&p, word, sizeof word)) {
        char *eq = strchr(word, '=');
        if (eq == NULL) {
            snprintf(why, n, "'%s': SECTOR=TROOPS", word);
            return -1;
        }
        *eq = '\0';
        int s = sector_of(c, word, why, n);
        if (s < 0 || parse_number(eq + 1, &row[s], why, n) < 0)
            return -1;
    }
    memcpy(c->draft.assignment.troops[arg], row, sizeof row);
    return 0;
}

static void
build_assignment(console_t *c)
{
    for (size_t i = 0; i < c->sc->n_nations; i++) {
        const wg_pledge_t *p = &c->mat->pledges[i];
        if (p->troops == 0)
            continue;
        char label[64], list[128];
        snprintf(label, sizeof label, "assign %s", c->sc->nations[i].code);
        wg_sector_codes(c->sc, p->sector_mask, list, sizeof list);
        console_field_t *f =
            add_field(c, label, (int)i, fmt_assigned, parse_assigned);
        snprintf(f->help, sizeof f->help,
                 "%s pledged %u troops for %s: SECTOR=TROOPS ..., whole "
                 "units of %u; empty assigns none.",
                 c->sc->nations[i].code, p->troops, list,
                 c->sc->nations[i].unit_size);
    }
}

/* Moves (the command, rotation). */

static void
fmt_moves(const console_t *c, const wg_orders_t *o, int arg, char *buf,
          size_t n)
{
    (void)arg;
    size_t at = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < o->rotation.n_moves && at < n; i++)
        at +=
            (size_t)snprintf(buf + at, n - at, "%s%u:%s", i ? " " : "",
                             o->rotation.moves[i].unit,
                             c->sc->sectors[o->rotation.moves[i].sector].code);
}

static int
parse_moves(console_t *c, int arg, const char *text, char *why, size_t n)
{
    (void)arg;
    wg_rotation_t r = {0};
    char word[64];
    const char *p = text;
    while (wg_text_next_word(&p, word, sizeof word)) {
        char *colon = strchr(word, ':');
        uint32_t id;
        if (colon == NULL) {
            snprintf(why, n, "'%s': UNIT:SECTOR", word);
            return -1;
        }
        *colon = '\0';
        if (parse_number(word, &id, why, n) < 0)
            return -1;
        int s = sector_of(c, colon + 1, why, n);
        if (s < 0)
            return -1;
        if (r.n_moves >= WG_MAX_MOVES) {
            snprintf(why, n, "at most %d moves", WG_MAX_MOVES);
            return -1;
        }
        r.moves[r.n_moves++] = (wg_move_t){id, (uint8_t)s};
    }
    c->draft.rotation = r;
    return 0;
}

static void
build_moves(console_t *c)
{
    console_field_t *f = add_field(c, "moves", 0, fmt_moves, parse_moves);
    snprintf(f->help, sizeof f->help,
             "Deployed units to move: UNIT:SECTOR ... (ids from the units "
             "list, into sectors their nation may serve in); empty for none.");
}

/* Decision (the command, incident). */

static void
fmt_reinforce(const console_t *c, const wg_orders_t *o, int arg, char *buf,
              size_t n)
{
    (void)arg;
    wg_sector_codes(c->sc, o->decision.reinforce_mask, buf, n);
}

static int
parse_reinforce(console_t *c, int arg, const char *text, char *why, size_t n)
{
    (void)arg;
    return parse_sectors(c, text, &c->draft.decision.reinforce_mask, why, n);
}

static void
fmt_flag(const console_t *c, const wg_orders_t *o, int arg, char *buf, size_t n)
{
    (void)c;
    bool v = arg ? o->decision.recommit : o->decision.robust_roe;
    snprintf(buf, n, "%s", v ? "yes" : "no");
}

static int
parse_flag(console_t *c, int arg, const char *text, char *why, size_t n)
{
    return parse_yes(
        text, arg ? &c->draft.decision.recommit : &c->draft.decision.robust_roe,
        why, n);
}

static void
build_decision(console_t *c)
{
    console_field_t *f =
        add_field(c, "reinforce", 0, fmt_reinforce, parse_reinforce);
    snprintf(f->help, sizeof f->help,
             "Sectors to reinforce with the reserve this turn: codes, empty "
             "for none. Incidents this turn: %u.",
             c->mat->inc.n);
    f = add_field(c, "robust ROE", 0, fmt_flag, parse_flag);
    snprintf(f->help, sizeof f->help,
             "Force-wide rules of engagement robust (yes) or restrictive "
             "(no); now %s.",
             c->st->robust_roe ? "robust" : "restrictive");
    f = add_field(c, "recommit", 1, fmt_flag, parse_flag);
    snprintf(f->help, sizeof f->help,
             "Call for a truce recommitment (yes/no)? Escalation now %u, "
             "stability %.1f.",
             c->st->escalation, c->st->stability);
}

/* The rationale, last in every form. */

static void
fmt_rationale(const console_t *c, const wg_orders_t *o, int arg, char *buf,
              size_t n)
{
    (void)c;
    (void)arg;
    snprintf(buf, n, "%s", o->rationale);
}

static int
parse_rationale(console_t *c, int arg, const char *text, char *why, size_t n)
{
    (void)arg;
    if (strlen(text) >= sizeof c->draft.rationale) {
        snprintf(why, n, "a rationale has at most %zu characters",
                 sizeof c->draft.rationale - 1);
        return -1;
    }
    snprintf(c->draft.rationale, sizeof c->draft.rationale, "%s", text);
    return 0;
}

/* A flat kind of order with no form of its own: one field per field of
 * its map (its nation left out), read and shown by wg/order_fields.h; arg
 * is the field's index in the map. */

static void
fmt_flat(const console_t *c, const wg_orders_t *o, int arg, char *buf, size_t n)
{
    const wg_order_kind_t *k = c->kind;
    wg_field_format(k, &k->fields[arg], c->sc, (const char *)o + k->bot_off,
                    buf, n);
}

static int
parse_flat(console_t *c, int arg, const char *text, char *why, size_t n)
{
    const wg_order_kind_t *k = c->kind;
    return wg_field_parse(k, &k->fields[arg], c->sc, text,
                          (char *)&c->draft + k->bot_off, why, n);
}

static void
build_flat(console_t *c)
{
    const wg_order_kind_t *k = c->kind;
    for (size_t i = 0; i < k->n_fields && c->n_fields < CONSOLE_MAX_FIELDS - 1;
         i++) {
        const wg_order_field_t *mf = &k->fields[i];
        if (mf->type == WG_FIELD_NATION)
            continue;
        console_field_t *f =
            add_field(c, mf->name, (int)i, fmt_flat, parse_flat);
        char accepts[128];
        wg_field_accepts(k, mf, accepts, sizeof accepts);
        if (mf->help != NULL)
            snprintf(f->help, sizeof f->help, "%s (%s)", mf->help, accepts);
        else
            snprintf(f->help, sizeof f->help, "%s", accepts);
    }
}

/* ---- forms by kind of order -------------------------------------------------
 */

static const struct {
    const char *kind; /* wg_order_kind_t.name */
    void (*build)(console_t *c);
} forms[] = {
    {"requirement", build_requirement},
    {"pledge", build_pledge},
    {"assignment", build_assignment},
    {"rotation", build_rotation},
    {"moves", build_moves},
    {"response", build_response},
    {"decision", build_decision},
    {"intention", build_intention},
    {"replan", build_requirement},
};

/* The kind's own form, or one from its field map (a flat kind). */
void
console_forms_build(console_t *c)
{
    bool built = false;
    c->n_fields = 0;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(forms[i].kind, c->kind->name) == 0) {
            forms[i].build(c);
            built = true;
        }
    if (!built && c->kind->fields != NULL)
        build_flat(c);
    console_field_t *f =
        add_field(c, "rationale", 0, fmt_rationale, parse_rationale);
    snprintf(f->help, sizeof f->help,
             "A short rationale, recorded with the orders and never "
             "interpreted (optional).");
}

void
console_forms_describe(const console_t *c, const wg_orders_t *o, char *buf,
                       size_t n)
{
    /* The order's fields as text, the way the team types them. */
    size_t at = snprintf(buf, n, "%s:", c->kind->name);
    for (int i = 0; i < c->n_fields - 1 && at < n; i++) {
        char v[256];
        c->fields[i].format(c, o, c->fields[i].arg, v, sizeof v);
        at += (size_t)snprintf(buf + at, n - at, " %s [%s]", c->fields[i].label,
                               v[0] ? v : "none");
    }
}
