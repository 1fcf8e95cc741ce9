/*
 * orders.c - a bot that plays orders written in a YAML file, for
 * `wg-log fork --orders ROLE=FILE` ("what if FRA had pledged 3,000 more at
 * turn 7 and held its fire at turn 9?") and `wg-adjudicator --override
 * ROLE=FILE` (the adjudicator imposes a role's orders)
 *
 * The file is a list of entries, each for one turn:
 *
 *   - turn: 7
 *     pledge: {troops: 3000, sectors: [E1, S2]}   # contingent, deployment
 *   - turn: 8
 *     rotation: {prepare: 2, relieve: due}         # relieve: due | none
 *   - turn: 9
 *     response: hold        # hold | return_fire | de_escalate | withdraw
 *   - turn: 9
 *     decision: {reinforce: [E2], robust_roe: false, recommit: true}  # command
 *   - turn: 14
 *     intention: {reduce: 4000}      # force review: stay | leave | {reduce: N}
 *   - turn: 16
 *     talks: {item: heavy_weapons, sectors: [E2, E3], announce: yes}  # command
 *
 * Rotation, response and intention have a syntax of their own, read by
 * hand below. Every other key is the name of a flat kind of order of the
 * phase table (wg/phases.h; pledge, decision and talks are), read from its
 * field map: `KIND: {field: value, ...}` with the field names of its
 * message and each value as wg/order_fields.h reads text (a number; yes or
 * no, true or false; a choice's word; sector codes, as a list or in one
 * string), or `KIND: word` when its one field besides its nation is a
 * choice. A new flat kind is written this way with nothing added here.
 *
 * A phase the file says nothing about gets no order from this bot (the
 * adjudicator's fallback plays it at the deadline). Errors name file, line
 * and column. The bot owns its table; it is stateless between phases.
 */
#include "wg/orders.h"

#include "wg/error.h"
#include "wg/order_fields.h"
#include "wg/phases.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include "yaml_doc_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_ENTRIES 512
#define MAX_FILE_BYTES ((size_t)1 << 20) /* 512 entries take ~40 KiB */
#define FLAT_VALUE_MAX 64                /* bytes of a flat kind's C value */

typedef struct written written_t;

typedef struct {
    uint32_t turn;
    const written_t *kind;       /* a hand-read order, or NULL */
    const wg_order_kind_t *flat; /* a flat kind's order, or NULL */
    uint32_t prepare;
    bool relieve_due;
    uint8_t action;
    wg_intent_t intent;
    /* The flat kind's C value (wg/order_fields.h). */
    _Alignas(max_align_t) unsigned char value[FLAT_VALUE_MAX];
} entry_t;

typedef struct {
    wg_bot_t bot;
    entry_t entries[MAX_ENTRIES];
    size_t n;
} orders_bot_t;

static int
fail(wg_config_error_t *err, const char *path, const yaml_node_t *node,
     const char *what)
{
    snprintf(err->file, sizeof err->file, "%s", path);
    err->line = node ? (unsigned)node->start_mark.line + 1 : 0;
    err->column = node ? (unsigned)node->start_mark.column + 1 : 0;
    snprintf(err->message, sizeof err->message, "%s", what);
    return WG_ECONFIG;
}

static const char *
scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

static bool
to_u32(const yaml_node_t *n, uint32_t *out)
{
    const char *s = scalar(n);
    if (s == NULL || *s == '\0' || *s == '-')
        return false;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Reads one mapping of `key: value` pairs; cb handles each pair. */
typedef int (*pair_cb)(yaml_document_t *d, const char *key,
                       const yaml_node_t *v, entry_t *e,
                       const wg_scenario_t *sc, const char *path,
                       wg_config_error_t *err);

static int
each_pair(yaml_document_t *d, const yaml_node_t *m, pair_cb cb, entry_t *e,
          const wg_scenario_t *sc, const char *path, wg_config_error_t *err)
{
    if (m->type != YAML_MAPPING_NODE)
        return fail(err, path, m, "expected a mapping");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
         p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        if (scalar(k) == NULL)
            return fail(err, path, k, "expected a key");
        int rc = cb(d, scalar(k), v, e, sc, path, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int
rotation_pair(yaml_document_t *d, const char *key, const yaml_node_t *v,
              entry_t *e, const wg_scenario_t *sc, const char *path,
              wg_config_error_t *err)
{
    (void)d;
    (void)sc;
    if (strcmp(key, "prepare") == 0)
        return to_u32(v, &e->prepare)
                   ? 0
                   : fail(err, path, v, "prepare: expected a number");
    if (strcmp(key, "relieve") == 0) {
        const char *s = scalar(v);
        if (s != NULL && (strcmp(s, "due") == 0 || strcmp(s, "none") == 0)) {
            e->relieve_due = strcmp(s, "due") == 0;
            return 0;
        }
        return fail(err, path, v, "relieve: expected due or none");
    }
    return fail(err, path, v, "rotation: unknown key (prepare, relieve)");
}

static const char *actions[] = {NULL, "hold", "return_fire", "de_escalate",
                                "withdraw"};

static int
response_value(yaml_document_t *d, const yaml_node_t *v, entry_t *e,
               const wg_scenario_t *sc, const char *path,
               wg_config_error_t *err)
{
    (void)d;
    (void)sc;
    for (uint8_t a = WG_ROE_HOLD; a <= WG_ROE_WITHDRAW; a++)
        if (scalar(v) && strcmp(scalar(v), actions[a]) == 0)
            e->action = a;
    return e->action ? 0
                     : fail(err, path, v,
                            "response: hold, return_fire, de_escalate or "
                            "withdraw");
}

static int
rotation_value(yaml_document_t *d, const yaml_node_t *v, entry_t *e,
               const wg_scenario_t *sc, const char *path,
               wg_config_error_t *err)
{
    return each_pair(d, v, rotation_pair, e, sc, path, err);
}

static int
reduce_pair(yaml_document_t *d, const char *key, const yaml_node_t *v,
            entry_t *e, const wg_scenario_t *sc, const char *path,
            wg_config_error_t *err)
{
    (void)d;
    (void)sc;
    if (strcmp(key, "reduce") != 0)
        return fail(err, path, v, "intention: unknown key (reduce)");
    e->intent.intention = WG_INTENTION_REDUCE;
    return to_u32(v, &e->intent.ceiling)
               ? 0
               : fail(err, path, v, "reduce: expected a number of troops");
}

/* intention: stay | leave | {reduce: TROOPS} */
static int
intention_value(yaml_document_t *d, const yaml_node_t *v, entry_t *e,
                const wg_scenario_t *sc, const char *path,
                wg_config_error_t *err)
{
    const char *s = scalar(v);
    if (v->type == YAML_MAPPING_NODE)
        return each_pair(d, v, reduce_pair, e, sc, path, err);
    if (s != NULL && strcmp(s, "stay") == 0)
        e->intent.intention = WG_INTENTION_STAY;
    else if (s != NULL && strcmp(s, "leave") == 0)
        e->intent.intention = WG_INTENTION_LEAVE;
    else
        return fail(err, path, v, "intention: stay, leave or {reduce: N}");
    return 0;
}

static void
play_intention(const wg_scenario_t *sc, const wg_phase_view_t *v,
               const entry_t *e, wg_orders_t *out)
{
    (void)sc;
    (void)v;
    out->intent = e->intent;
}

static void
play_rotation(const wg_scenario_t *sc, const wg_phase_view_t *v,
              const entry_t *e, wg_orders_t *out)
{
    out->rotation.prepare = e->prepare;
    for (uint32_t i = 0;
         e->relieve_due && v->nation >= 0 && i < v->st->n_units &&
         out->rotation.n_relieve < WG_MAX_ORDER_UNITS;
         i++) {
        const wg_unit_t *u = &v->st->units[i];
        if (u->nation == v->nation &&
            wg_rules_unit_due(sc, u, v->weeks_to_rotation))
            out->rotation.relieve[out->rotation.n_relieve++] = u->id;
    }
}

static void
play_response(const wg_scenario_t *sc, const wg_phase_view_t *v,
              const entry_t *e, wg_orders_t *out)
{
    (void)sc;
    for (uint32_t i = 0; i < v->incidents->n; i++)
        if (v->incidents->items[i].nation == v->nation)
            out->response.action[i] = e->action;
}

/* The orders a file writes in a syntax of their own, each under the name
 * of the Envelope field it travels in (so "rotation" serves a contingent's
 * rotation orders and the command's moves): how its value is read, and how
 * it fills a bot's orders for a kind of order of the phase table
 * (wg/phases.h) with that payload. */
struct written {
    const char *name;
    Wgpb__V1__Envelope__PayloadCase payload;
    int (*read)(yaml_document_t *d, const yaml_node_t *v, entry_t *e,
                const wg_scenario_t *sc, const char *path,
                wg_config_error_t *err);
    void (*play)(const wg_scenario_t *sc, const wg_phase_view_t *v,
                 const entry_t *e, wg_orders_t *out);
};

static const written_t written[] = {
    {"rotation", WGPB__V1__ENVELOPE__PAYLOAD_ROTATION, rotation_value,
     play_rotation},
    {"response", WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE, response_value,
     play_response},
    {"intention", WGPB__V1__ENVELOPE__PAYLOAD_INTENTION, intention_value,
     play_intention},
};

#define N_WRITTEN (sizeof written / sizeof written[0])

/* ---- flat kinds, from their field maps --------------------------------- */

/* Sector codes as a list, each checked where it is written. */
static int
flat_sector_list(yaml_document_t *d, const wg_order_field_t *f,
                 const yaml_node_t *v, entry_t *e, const wg_scenario_t *sc,
                 const char *path, wg_config_error_t *err)
{
    uint32_t *mask = (uint32_t *)(void *)(e->value + f->off);
    uint32_t all = 0;
    char why[256];
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top; it++) {
        yaml_node_t *c = yaml_document_get_node(d, *it);
        if (scalar(c) == NULL)
            return fail(err, path, c, "expected a sector code");
        if (wg_field_parse(e->flat, f, sc, scalar(c), e->value, why,
                           sizeof why) != 0)
            return fail(err, path, c, why);
        if (*mask & all) {
            snprintf(why, sizeof why, "%s: sector '%s' named twice", f->name,
                     scalar(c));
            return fail(err, path, c, why);
        }
        all |= *mask;
    }
    *mask = all;
    return 0;
}

static int
flat_field(yaml_document_t *d, const wg_order_field_t *f, const yaml_node_t *v,
           entry_t *e, const wg_scenario_t *sc, const char *path,
           wg_config_error_t *err)
{
    char why[256];
    if (f->type == WG_FIELD_SECTORS && v->type == YAML_SEQUENCE_NODE)
        return flat_sector_list(d, f, v, e, sc, path, err);
    if (scalar(v) == NULL) {
        char accepts[128];
        wg_field_accepts(e->flat, f, accepts, sizeof accepts);
        snprintf(why, sizeof why, "%s: expected %s", f->name, accepts);
        return fail(err, path, v, why);
    }
    if (wg_field_parse(e->flat, f, sc, scalar(v), e->value, why, sizeof why))
        return fail(err, path, v, why);
    return 0;
}

static int
flat_pair(yaml_document_t *d, const char *key, const yaml_node_t *v, entry_t *e,
          const wg_scenario_t *sc, const char *path, wg_config_error_t *err)
{
    const wg_order_kind_t *k = e->flat;
    char msg[256];
    size_t at = (size_t)snprintf(msg, sizeof msg, "%s: unknown key (", k->name);
    for (size_t i = 0; i < k->n_fields; i++) {
        const wg_order_field_t *f = &k->fields[i];
        if (f->type == WG_FIELD_NATION)
            continue;
        if (strcmp(f->name, key) == 0)
            return flat_field(d, f, v, e, sc, path, err);
        if (at < sizeof msg)
            at += (size_t)snprintf(msg + at, sizeof msg - at, "%s%s",
                                   msg[at - 1] == '(' ? "" : ", ", f->name);
    }
    if (at < sizeof msg)
        snprintf(msg + at, sizeof msg - at, ")");
    return fail(err, path, v, msg);
}

/* KIND: {field: value, ...}, or KIND: word for a kind of one choice. */
static int
flat_value(yaml_document_t *d, const yaml_node_t *v, entry_t *e,
           const wg_scenario_t *sc, const char *path, wg_config_error_t *err)
{
    const wg_order_field_t *bare = wg_fields_sole_choice(e->flat);
    char msg[256];
    if (v->type == YAML_MAPPING_NODE)
        return each_pair(d, v, flat_pair, e, sc, path, err);
    if (bare != NULL && scalar(v) != NULL)
        return flat_field(d, bare, v, e, sc, path, err);
    if (bare != NULL) {
        char accepts[128];
        wg_field_accepts(e->flat, bare, accepts, sizeof accepts);
        snprintf(msg, sizeof msg, "%s: expected %s or a mapping", e->flat->name,
                 accepts);
    } else {
        snprintf(msg, sizeof msg, "%s: expected a mapping {field: value, ...}",
                 e->flat->name);
    }
    return fail(err, path, v, msg);
}

/* The keys an entry takes, for an error: "turn, rotation, ..., pledge". */
static void
entry_keys(char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "turn");
    for (size_t i = 0; i < N_WRITTEN && at < n; i++)
        at += (size_t)snprintf(buf + at, n - at, ", %s", written[i].name);
    const wg_order_kind_t *k;
    for (size_t i = 0; (k = wg_order_kind_at(i)) != NULL && at < n; i++) {
        bool hand = false;
        for (size_t w = 0; w < N_WRITTEN; w++)
            hand = hand || strcmp(written[w].name, k->name) == 0;
        if (k->fields != NULL && !hand)
            at += (size_t)snprintf(buf + at, n - at, ", %s", k->name);
    }
}

static int
entry_pair(yaml_document_t *d, const char *key, const yaml_node_t *v,
           entry_t *e, const wg_scenario_t *sc, const char *path,
           wg_config_error_t *err)
{
    if (strcmp(key, "turn") == 0)
        return to_u32(v, &e->turn) && e->turn > 0
                   ? 0
                   : fail(err, path, v, "turn: expected a turn number");
    for (size_t i = 0; i < N_WRITTEN; i++)
        if (strcmp(key, written[i].name) == 0) {
            e->kind = &written[i];
            return written[i].read(d, v, e, sc, path, err);
        }
    const wg_order_kind_t *k = wg_order_kind_named(key);
    if (k != NULL && k->fields != NULL && k->size <= FLAT_VALUE_MAX) {
        e->flat = k;
        return flat_value(d, v, e, sc, path, err);
    }
    char keys[200], msg[256];
    entry_keys(keys, sizeof keys);
    snprintf(msg, sizeof msg, "unknown key (%s)", keys);
    return fail(err, path, v, msg);
}

/* This turn's entry for kind k: a flat entry of k, or a hand-read one
 * that travels in k's payload. */
static const entry_t *
find(const orders_bot_t *b, uint32_t turn, const wg_order_kind_t *k)
{
    for (size_t i = 0; i < b->n; i++) {
        const entry_t *e = &b->entries[i];
        if (e->turn == turn &&
            (e->flat == k ||
             (e->kind != NULL && e->kind->payload == k->payload)))
            return e;
    }
    return NULL;
}

/* The entry for this turn of the kind of order the phase asks of the
 * role (wg/phases.h); none: the bot stays silent. */
static int
orders_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
              wg_orders_t *out, void *arg)
{
    const orders_bot_t *b = arg;
    const wg_phase_info_t *p = wg_phase_info((int)v->phase);
    const wg_order_kind_t *k = p ? wg_phase_order(p, v->nation + 1) : NULL;
    const entry_t *e = k ? find(b, v->turn, k) : NULL;
    if (e == NULL)
        return 1;
    if (e->flat != NULL)
        memcpy((char *)out + k->bot_off, e->value, k->size);
    else
        e->kind->play(sc, v, e, out);
    snprintf(out->rationale, sizeof out->rationale,
             "written orders for turn %u", v->turn);
    return 0;
}

/* Reads path and parses it as one YAML document into *d: read whole, size
 * and depth checked first (wg__yaml_check_depth), so that a hostile file
 * is refused in milliseconds. 0, or WG_ECONFIG / -errno with err set. */
static int
load_document(const char *path, yaml_document_t *d, wg_config_error_t *err)
{
    yaml_parser_t p;
    char *text;
    size_t len;
    int rc = wg__yaml_read_file(path, MAX_FILE_BYTES, "an orders file", &text,
                                &len, err);
    if (rc < 0)
        return rc;
    if ((rc = wg__yaml_check_depth(text, len, err)) != 0) {
        free(text);
        return rc;
    }
    if (!yaml_parser_initialize(&p)) {
        free(text);
        return -ENOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, d)) {
        err->line = (unsigned)p.problem_mark.line + 1;
        err->column = (unsigned)p.problem_mark.column + 1;
        snprintf(err->message, sizeof err->message, "%s",
                 p.problem ? p.problem : "cannot read");
        rc = WG_ECONFIG;
    }
    yaml_parser_delete(&p);
    free(text);
    return rc;
}

wg_bot_t *
wg_orders_bot_load(const char *path, const wg_scenario_t *sc,
                   wg_config_error_t *err)
{
    yaml_document_t d;
    int rc = load_document(path, &d, err);
    if (rc != 0)
        return NULL;
    orders_bot_t *b = calloc(1, sizeof *b);
    if (b == NULL) {
        yaml_document_delete(&d);
        snprintf(err->message, sizeof err->message, "out of memory");
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&d);
    if (root == NULL || root->type != YAML_SEQUENCE_NODE) {
        rc = fail(err, path, root, "expected a list of per-turn orders");
    } else {
        for (yaml_node_item_t *it = root->data.sequence.items.start;
             rc == 0 && it < root->data.sequence.items.top; it++) {
            yaml_node_t *n = yaml_document_get_node(&d, *it);
            if (b->n == MAX_ENTRIES) {
                rc = fail(err, path, n, "too many entries");
                break;
            }
            entry_t *e = &b->entries[b->n];
            rc = each_pair(&d, n, entry_pair, e, sc, path, err);
            if (rc == 0 &&
                (e->turn == 0 || (e->kind == NULL && e->flat == NULL)))
                rc = fail(err, path, n, "an entry needs a turn and one order");
            b->n++;
        }
    }
    yaml_document_delete(&d);
    if (rc != 0) {
        free(b);
        return NULL;
    }
    b->bot.abi_version = WG_BOT_ABI_VERSION;
    b->bot.name = "written-orders/1";
    b->bot.decide = orders_decide;
    b->bot.arg = b;
    return &b->bot;
}

void
wg_orders_bot_free(wg_bot_t **bot_p)
{
    /* The bot is the first member of its orders_bot_t. */
    free(*bot_p);
    *bot_p = NULL;
}
