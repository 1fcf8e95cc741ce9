/*
 * scenario.c - loads and validates an exercise scenario from YAML.
 *
 * The whole file is parsed into a libyaml document first (so every node has
 * its line and column), then walked once into a calloc'ed wg_scenario_t.
 * Every table is checked against a field list: unknown keys, missing
 * required keys, wrong types, out-of-range values and dangling references
 * (nation, sector, regime, incident type) all stop the load. Nothing here
 * keeps state between calls, so it is safe from any thread.
 *
 * Errors: the first problem found fills a wg_config_error_t with the file,
 * the 1-based line and column of the offending node, and a message that
 * starts with the node's path ("nations[2].tour_weeks: ..."); the functions
 * return WG_ECONFIG, or -errno when the file cannot be read. The caller
 * owns the returned scenario and frees it with free().
 *
 * Defaults for the optional tables are the brief's calibration (§8); the
 * shipped scenarios spell every value out anyway, and the YAML comments
 * there say where each number comes from.
 */
#include "wg/scenario.h"
#include "wg/error.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sha256_int.h"

/* A scenario is a few kilobytes of text; anything far larger is a mistake
 * (a log or a binary passed by accident), not a scenario. */
#define MAX_FILE_BYTES ((size_t)4 * 1024 * 1024)
#define MAX_FIELDS 32
#define MAX_PLAN_DEPTH 8
#define PATH_MAX_LEN 160
/* max_threat when a nation states no caveat: above any sensible multiplier. */
#define NO_THREAT_CAVEAT 1e9

/* Enum values are written through an int; the public enums must be ints. */
_Static_assert(sizeof(wg_mandate_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_auspices_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_fallback_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_rate_basis_t) == sizeof(int), "enum size");
_Static_assert(sizeof(wg_event_kind_t) == sizeof(int), "enum size");
_Static_assert(WG_MAX_SECTORS <= 32, "avoid_sectors is a 32-bit mask");

typedef struct {
    yaml_document_t *doc;
    wg_config_error_t *err;
} ctx_t;

typedef enum {
    F_U32,
    F_U64,
    F_F64,
    F_BOOL,
    F_STR,
    F_ENUM,
    F_SUB,  /* a nested mapping with its own field list */
    F_NODE, /* kept as a node for the caller (lists, references) */
} ftype_t;

typedef struct {
    const char *name;
    int value;
} enum_name_t;

typedef struct field {
    const char *key;
    size_t off;
    size_t size; /* F_STR: buffer size */
    double min, max;
    const enum_name_t *names; /* F_ENUM, NULL-terminated */
    const struct field *sub;  /* F_SUB */
    size_t n_sub;
    ftype_t type;
    bool required;
} field_t;

/* clang-format off */
#define FIELD(T, m, ty, req, lo, hi)                                           \
    {.key = #m, .type = (ty), .off = offsetof(T, m),                           \
     .size = sizeof(((T *)0)->m), .required = (req), .min = (lo), .max = (hi)}
#define FENUM(T, m, req, list)                                                 \
    {.key = #m, .type = F_ENUM, .off = offsetof(T, m),                         \
     .size = sizeof(((T *)0)->m), .required = (req), .names = (list)}
#define FSUB(T, m, table)                                                      \
    {.key = #m, .type = F_SUB, .off = offsetof(T, m),                          \
     .size = sizeof(((T *)0)->m), .sub = (table),                              \
     .n_sub = sizeof(table) / sizeof((table)[0])}
#define FNODE(name, req) {.key = (name), .type = F_NODE, .required = (req)}
/* clang-format on */
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* Generous upper bounds: they catch a slipped digit, not a design choice. */
#define BIG_TROOPS 1000000.0
#define BIG_WEEKS 520.0
#define BIG_RATE 1e6

static const enum_name_t mandate_names[] = {
    {"peacekeeping", WG_MANDATE_PEACEKEEPING},
    {"deterrence", WG_MANDATE_DETERRENCE},
    {NULL, 0},
};
static const enum_name_t auspices_names[] = {
    {"un", WG_AUSPICES_UN},
    {"coalition", WG_AUSPICES_COALITION},
    {NULL, 0},
};
static const enum_name_t fallback_names[] = {
    {"hold", WG_FALLBACK_HOLD},
    {"repeat", WG_FALLBACK_REPEAT},
    {"bot", WG_FALLBACK_BOT},
    {NULL, 0},
};
static const enum_name_t basis_names[] = {
    {"per_100km", WG_RATE_PER_100KM},
    {"per_sector", WG_RATE_PER_SECTOR},
    {"per_1000_troops", WG_RATE_PER_1000_TROOPS},
    {NULL, 0},
};
static const enum_name_t turn_names[] = {
    {"deployment", WG_TURN_DEPLOYMENT},
    {"rotation", WG_TURN_ROTATION},
    {"incident", WG_TURN_INCIDENT},
    {NULL, 0},
};
static const enum_name_t event_names[] = {
    {"open_gate", WG_EVENT_OPEN_GATE},
    {"regime", WG_EVENT_REGIME},
    {"note", WG_EVENT_NOTE},
    {NULL, 0},
};
static const enum_name_t roe_names[] = {
    {"hold", WG_ROE_HOLD},
    {"return_fire", WG_ROE_RETURN_FIRE},
    {"de_escalate", WG_ROE_DE_ESCALATE},
    {"withdraw", WG_ROE_WITHDRAW},
    {NULL, 0},
};

/* ---- field lists: one per table of the YAML file ---- */

static const field_t gate_fields[] = {
    FIELD(wg_gate_t, closed, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, rear_only, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, needs_un, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, needs_peacekeeping, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, needs_deterrence, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, needs_us_enablers, F_BOOL, false, 0, 0),
    FIELD(wg_gate_t, truce_turns, F_U32, false, 0, WG_MAX_TURNS),
};

enum { NAT_CODE, NAT_MAX, NAT_SURGE, NAT_UNIT, NAT_AVOID };
static const field_t nation_fields[] = {
    [NAT_CODE] = FIELD(wg_nation_t, code, F_STR, true, 0, 0),
    [NAT_MAX] = FIELD(wg_nation_t, max_troops, F_U32, true, 0, BIG_TROOPS),
    [NAT_SURGE] = FIELD(wg_nation_t, surge_troops, F_U32, false, 0, BIG_TROOPS),
    [NAT_UNIT] = FIELD(wg_nation_t, unit_size, F_U32, true, 1, BIG_TROOPS),
    [NAT_AVOID] = FNODE("avoid_sectors", false),
    FIELD(wg_nation_t, name, F_STR, true, 0, 0),
    FIELD(wg_nation_t, tour_weeks, F_U32, true, 1, BIG_WEEKS),
    FIELD(wg_nation_t, prep_weeks, F_U32, true, 1, BIG_WEEKS),
    FIELD(wg_nation_t, recovery_weeks, F_U32, true, 1, BIG_WEEKS),
    FSUB(wg_nation_t, gate, gate_fields),
    FIELD(wg_nation_t, cohesion_start, F_F64, true, 0, 100),
    FIELD(wg_nation_t, kia_weight, F_F64, true, 0, 100),
    FIELD(wg_nation_t, risk_tolerance, F_F64, false, 0, 1),
    FIELD(wg_nation_t, max_threat, F_F64, false, 0, NO_THREAT_CAVEAT),
    FENUM(wg_nation_t, fallback, false, fallback_names),
};

enum { SEC_CODE, SEC_LEN };
static const field_t sector_fields[] = {
    [SEC_CODE] = FIELD(wg_sector_t, code, F_STR, true, 0, 0),
    [SEC_LEN] = FIELD(wg_sector_t, length_km, F_U32, true, 0, 100000),
    FIELD(wg_sector_t, name, F_STR, true, 0, 0),
    FIELD(wg_sector_t, threat, F_F64, true, 0, 1000),
    FIELD(wg_sector_t, rear, F_BOOL, false, 0, 0),
};

enum { INC_NAME };
static const field_t incident_fields[] = {
    [INC_NAME] = FIELD(wg_incident_type_t, name, F_STR, true, 0, 0),
    FENUM(wg_incident_type_t, basis, true, basis_names),
    FIELD(wg_incident_type_t, rate, F_F64, true, 0, BIG_RATE),
    FIELD(wg_incident_type_t, raw, F_BOOL, false, 0, 0),
    FIELD(wg_incident_type_t, coverage_loss, F_F64, false, 0, 1),
};

/* The casualty table is keyed by incident type and fills the same struct. */
static const field_t casualty_fields[] = {
    FIELD(wg_incident_type_t, p_casualties, F_F64, false, 0, 1),
    FIELD(wg_incident_type_t, kia_mean, F_F64, false, 0, 1000),
    FIELD(wg_incident_type_t, wia_mean, F_F64, false, 0, 1000),
    FIELD(wg_incident_type_t, p_strike, F_F64, false, 0, 1),
};

enum { REG_NAME, REG_MIN, REG_MAX };
static const field_t regime_fields[] = {
    [REG_NAME] = FIELD(wg_regime_t, name, F_STR, true, 0, 0),
    [REG_MIN] = FIELD(wg_regime_t, min_turns, F_U32, false, 0, WG_MAX_TURNS),
    [REG_MAX] = FIELD(wg_regime_t, max_turns, F_U32, false, 0, WG_MAX_TURNS),
    FIELD(wg_regime_t, multiplier, F_F64, true, 0, 1000),
    FIELD(wg_regime_t, exposure_factor, F_F64, false, 0, 100),
    FIELD(wg_regime_t, direct_multiplier, F_F64, false, 0, 1000),
};

enum { THR_MANAGED, THR_HOT };
static const field_t threat_fields[] = {
    [THR_MANAGED] = FNODE("managed_regime", false),
    [THR_HOT] = FNODE("hot_regime", false),
    FIELD(wg_threat_t, exposure_line, F_F64, false, 0, 1),
    FIELD(wg_threat_t, exposure_rear, F_F64, false, 0, 1),
    FIELD(wg_threat_t, p_hot_after_recommit, F_F64, false, 0, 1),
    FIELD(wg_threat_t, p_hot_from_managed, F_F64, false, 0, 1),
};

enum { ESC_MAX };
static const field_t escalation_fields[] = {
    [ESC_MAX] = FIELD(wg_escalation_t, max_level, F_U32, false, 1, 20),
    FIELD(wg_escalation_t, p_up_restrictive, F_F64, false, 0, 1),
    FIELD(wg_escalation_t, p_up_robust, F_F64, false, 0, 1),
    FIELD(wg_escalation_t, us_enabler_factor, F_F64, false, 0, 10),
    FIELD(wg_escalation_t, reinforce_delta, F_F64, false, -1, 1),
    FIELD(wg_escalation_t, p_down_quiet, F_F64, false, 0, 1),
};

enum { COH_LEVEL, COH_NOROT, COH_TOUREND, COH_NOW };
static const field_t cohesion_fields[] = {
    [COH_LEVEL] = FIELD(wg_cohesion_t, escalation_level, F_U32, false, 0, 20),
    [COH_NOROT] = FIELD(wg_cohesion_t, no_rotation_below, F_F64, false, 0, 100),
    [COH_TOUREND] =
        FIELD(wg_cohesion_t, leave_at_tour_end_below, F_F64, false, 0, 100),
    [COH_NOW] = FIELD(wg_cohesion_t, leave_now_below, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, per_kia, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, bad_day_kia, F_U32, false, 1, BIG_TROOPS),
    FIELD(wg_cohesion_t, bad_day_penalty, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, quiet_gain, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, cap_above_start, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, escalation_penalty, F_F64, false, 0, 100),
    FIELD(wg_cohesion_t, ally_withdraw_penalty, F_F64, false, 0, 100),
};

static const field_t stability_fields[] = {
    FIELD(wg_stability_t, start, F_F64, false, 0, 100),
    FIELD(wg_stability_t, quiet_gain, F_F64, false, 0, 100),
    FIELD(wg_stability_t, per_excess, F_F64, false, 0, 100),
    FIELD(wg_stability_t, escalation_loss, F_F64, false, 0, 100),
    FIELD(wg_stability_t, recommit_gain, F_F64, false, 0, 100),
};

static const field_t roe_fields[] = {
    FIELD(wg_roe_effect_t, casualty_factor, F_F64, false, 0, 100),
    FIELD(wg_roe_effect_t, escalation_factor, F_F64, false, 0, 100),
    FIELD(wg_roe_effect_t, coverage_factor, F_F64, false, 0, 100),
};

enum { CMD_RECOMMIT };
static const field_t command_fields[] = {
    [CMD_RECOMMIT] =
        FIELD(wg_command_profile_t, recommit_escalation, F_U32, false, 0, 20),
    FIELD(wg_command_profile_t, target_troops, F_U32, false, 1, BIG_TROOPS),
    FIELD(wg_command_profile_t, reserve_share, F_F64, false, 0, 1),
    FIELD(wg_command_profile_t, robust_roe, F_BOOL, false, 0, 0),
};

enum { EV_TURN, EV_KIND, EV_NATION, EV_REGIME, EV_TEXT };
static const field_t event_fields[] = {
    [EV_TURN] = FIELD(wg_event_t, turn, F_U32, true, 1, WG_MAX_TURNS),
    [EV_KIND] = FENUM(wg_event_t, kind, true, event_names),
    [EV_NATION] = FNODE("nation", false),
    [EV_REGIME] = FNODE("regime", false),
    [EV_TEXT] = FIELD(wg_event_t, text, F_STR, false, 0, 0),
};

enum {
    TOP_NATIONS,
    TOP_SECTORS,
    TOP_INCIDENTS,
    TOP_CASUALTIES,
    TOP_REGIMES,
    TOP_THREAT,
    TOP_ESCALATION,
    TOP_COHESION,
    TOP_STABILITY,
    TOP_ROE,
    TOP_COMMAND,
    TOP_EVENTS,
    TOP_PLAN,
};
static const field_t top_fields[] = {
    [TOP_NATIONS] = FNODE("nations", true),
    [TOP_SECTORS] = FNODE("sectors", true),
    [TOP_INCIDENTS] = FNODE("incident_types", true),
    [TOP_CASUALTIES] = FNODE("casualties", false),
    [TOP_REGIMES] = FNODE("regimes", false),
    [TOP_THREAT] = FNODE("threat", false),
    [TOP_ESCALATION] = FNODE("escalation", false),
    [TOP_COHESION] = FNODE("cohesion", false),
    [TOP_STABILITY] = FNODE("stability", false),
    [TOP_ROE] = FNODE("roe", false),
    [TOP_COMMAND] = FNODE("command", false),
    [TOP_EVENTS] = FNODE("events", false),
    [TOP_PLAN] = FNODE("plan", true),
    FIELD(wg_scenario_t, name, F_STR, true, 0, 0),
    FIELD(wg_scenario_t, seed, F_U64, false, 0, 0),
    FENUM(wg_scenario_t, mandate, true, mandate_names),
    FENUM(wg_scenario_t, auspices, true, auspices_names),
    FIELD(wg_scenario_t, us_enablers, F_BOOL, false, 0, 0),
    FIELD(wg_scenario_t, turn_weeks, F_U32, false, 1, 52),
    FIELD(wg_scenario_t, deadline_ms, F_U32, false, 10, 3600000),
};

/* ---- errors ---- */

__attribute__((format(printf, 4, 0))) static int
failv(ctx_t *c, const yaml_mark_t *mark, const char *path, const char *fmt,
      va_list ap)
{
    char msg[sizeof c->err->message];

    vsnprintf(msg, sizeof msg, fmt, ap);
    c->err->line = mark ? (unsigned)mark->line + 1 : 1;
    c->err->column = mark ? (unsigned)mark->column + 1 : 1;
    if (path && path[0])
        snprintf(c->err->message, sizeof c->err->message, "%.100s: %.150s",
                 path, msg);
    else
        snprintf(c->err->message, sizeof c->err->message, "%s", msg);
    return WG_ECONFIG;
}

__attribute__((format(printf, 3, 4))) static int
fail_at(ctx_t *c, const yaml_mark_t *mark, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(c, mark, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

__attribute__((format(printf, 4, 5))) static int
fail(ctx_t *c, const yaml_node_t *node, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(c, node ? &node->start_mark : NULL, path, fmt, ap);
    va_end(ap);
    return rc;
}

static bool
is_null(const yaml_node_t *n)
{
    const char *v;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    v = (const char *)n->data.scalar.value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") ||
           !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* What a node is, for "got ..." in messages. */
static const char *
describe(const yaml_node_t *n, char *buf, size_t size)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (is_null(n))
        return "nothing";
    if (n->data.scalar.length > 40)
        snprintf(buf, size, "\"%.37s...\"", (const char *)n->data.scalar.value);
    else
        snprintf(buf, size, "\"%s\"", (const char *)n->data.scalar.value);
    return buf;
}

/* Paths are made for every value read, and printed only on an error:
 * copies, not snprintf, which was a tenth of a load. */
static size_t
put_prefix(char *out, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(out, s, n);
    return n;
}

static void
child_path(char *out, const char *path, const char *key)
{
    size_t n = 0;
    if (path[0]) {
        n = put_prefix(out, path, 80);
        out[n++] = '.';
    }
    n += put_prefix(out + n, key, 60);
    out[n] = '\0';
}

static void
item_path(char *out, const char *path, size_t i)
{
    char digits[24];
    size_t d = 0;
    do
        digits[d++] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    size_t n = put_prefix(out, path, 120);
    out[n++] = '[';
    while (d > 0)
        out[n++] = digits[--d];
    out[n++] = ']';
    out[n] = '\0';
}

/* Edit distance, for "did you mean" on unknown keys. */
static size_t
distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[WG_NAME_MAX + 1];

    if (la > WG_NAME_MAX || lb > WG_NAME_MAX)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int
unknown_key(ctx_t *c, const yaml_node_t *key, const char *path,
            const char *const *known, size_t n_known)
{
    const char *k = (const char *)key->data.scalar.value;
    const char *best = NULL;
    size_t best_d = 3;

    for (size_t i = 0; i < n_known; i++) {
        size_t d = distance(k, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    if (best)
        return fail(c, key, path,
                    "unknown key \"%.40s\" (did you mean \"%s\"?)", k, best);
    return fail(c, key, path, "unknown key \"%.40s\"", k);
}

/* ---- scalars ---- */

static yaml_node_t *
node_at(ctx_t *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static int
expect_type(ctx_t *c, const yaml_node_t *n, const char *path,
            yaml_node_type_t type, const char *what)
{
    char buf[64];

    if (n->type != type)
        return fail(c, n, path, "expected %s, got %s", what,
                    describe(n, buf, sizeof buf));
    return 0;
}

/* Copies a plain scalar without YAML's digit separators ("40_000"). */
static bool
plain_number_text(const yaml_node_t *n, char *out, size_t size)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t j = 0;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !v[0])
        return false;
    for (size_t i = 0; v[i]; i++) {
        if (v[i] == '_' && i > 0 && v[i + 1])
            continue;
        if (j + 1 >= size)
            return false;
        out[j++] = v[i];
    }
    out[j] = '\0';
    return true;
}

static int
read_u64(ctx_t *c, const yaml_node_t *n, const char *path, double min,
         double max, uint64_t *out)
{
    char text[64], buf[64], *end;
    unsigned long long v;
    bool ok = plain_number_text(n, text, sizeof text);

    for (size_t i = 0; ok && text[i]; i++)
        ok = text[i] >= '0' && text[i] <= '9';
    if (ok) {
        errno = 0;
        v = strtoull(text, &end, 10);
        ok = errno == 0 && *end == '\0';
    }
    if (!ok)
        return fail(c, n, path, "expected a %s integer, got %s",
                    min >= 1 ? "positive" : "non-negative",
                    describe(n, buf, sizeof buf));
    if (max > 0 && ((double)v < min || (double)v > max))
        return fail(c, n, path, "%llu is out of range (%.0f to %.0f)", v, min,
                    max);
    if (max <= 0 && (double)v < min)
        return fail(c, n, path, "expected a positive integer, got %llu", v);
    *out = v;
    return 0;
}

static int
read_f64(ctx_t *c, const yaml_node_t *n, const char *path, double min,
         double max, double *out)
{
    char text[64], buf[64], *end;
    double v = 0;
    bool ok = plain_number_text(n, text, sizeof text), digit = false;

    /* strtod alone would take "inf", "nan" and hex; a scenario wants none. */
    for (size_t i = 0; ok && text[i]; i++) {
        if (text[i] >= '0' && text[i] <= '9')
            digit = true;
        else if (!strchr("+-.eE", text[i]))
            ok = false;
    }
    if (ok && digit) {
        errno = 0;
        v = strtod(text, &end);
        ok = errno == 0 && *end == '\0' && isfinite(v);
    } else {
        ok = false;
    }
    if (!ok)
        return fail(c, n, path, "expected a number, got %s",
                    describe(n, buf, sizeof buf));
    if (v < min || v > max)
        return fail(c, n, path, "%g is out of range (%g to %g)", v, min, max);
    *out = v;
    return 0;
}

static int
read_bool(ctx_t *c, const yaml_node_t *n, const char *path, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    char buf[64];

    if (n->type == YAML_SCALAR_NODE &&
        n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        const char *v = (const char *)n->data.scalar.value;
        for (size_t i = 0; i < 3; i++) {
            if (!strcmp(v, yes[i])) {
                *out = true;
                return 0;
            }
            if (!strcmp(v, no[i])) {
                *out = false;
                return 0;
            }
        }
    }
    return fail(c, n, path, "expected true or false, got %s",
                describe(n, buf, sizeof buf));
}

static int
read_str(ctx_t *c, const yaml_node_t *n, const char *path, char *out,
         size_t size)
{
    char buf[64];

    if (n->type != YAML_SCALAR_NODE || is_null(n) || !n->data.scalar.length)
        return fail(c, n, path, "expected a non-empty string, got %s",
                    describe(n, buf, sizeof buf));
    if (n->data.scalar.length >= size)
        return fail(c, n, path, "longer than %zu characters", size - 1);
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
        return fail(c, n, path, "contains a NUL character");
    memcpy(out, n->data.scalar.value, n->data.scalar.length + 1);
    return 0;
}

static int
read_enum(ctx_t *c, const yaml_node_t *n, const char *path,
          const enum_name_t *names, int *out)
{
    char list[160] = "", buf[64];
    size_t used = 0;

    if (n->type == YAML_SCALAR_NODE) {
        for (const enum_name_t *e = names; e->name; e++) {
            if (!strcmp((const char *)n->data.scalar.value, e->name)) {
                *out = e->value;
                return 0;
            }
        }
    }
    for (const enum_name_t *e = names; e->name && used < sizeof list; e++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 e == names ? "" : ", ", e->name);
    return fail(c, n, path, "expected one of %s; got %s", list,
                describe(n, buf, sizeof buf));
}

/* ---- tables ---- */

/*
 * Reads a mapping against a field list into the struct at base. Keys that
 * are absent keep the value already there (the default). found[i] gets the
 * value node of fields[i], or NULL; F_NODE fields are left for the caller.
 */
static int
read_table(ctx_t *c, const yaml_node_t *map, const char *path,
           const field_t *fields, size_t n_fields, void *base,
           const yaml_node_t **found)
{
    const yaml_node_t *seen[MAX_FIELDS] = {0};
    const char *known[MAX_FIELDS] = {0};
    char sub[PATH_MAX_LEN];
    int rc;

    if ((rc = expect_type(c, map, path, YAML_MAPPING_NODE, "a mapping")))
        return rc;
    for (size_t i = 0; i < n_fields; i++)
        known[i] = fields[i].key;

    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        size_t i;

        if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, path, "keys must be plain names");
        for (i = 0; i < n_fields; i++)
            if (!strcmp((const char *)k->data.scalar.value, fields[i].key))
                break;
        if (i == n_fields)
            return unknown_key(c, k, path, known, n_fields);
        child_path(sub, path, fields[i].key);
        if (seen[i])
            return fail(c, k, sub, "duplicate key (first at line %u)",
                        (unsigned)seen[i]->start_mark.line + 1);
        seen[i] = k;
        if (found)
            found[i] = v;

        void *dst = (char *)base + fields[i].off;
        const field_t *f = &fields[i];
        uint64_t u = 0;
        double d = 0;
        int e = 0;

        switch (f->type) {
        case F_U32:
            if ((rc = read_u64(c, v, sub, f->min, f->max, &u)))
                return rc;
            *(uint32_t *)dst = (uint32_t)u;
            break;
        case F_U64:
            if ((rc = read_u64(c, v, sub, f->min, f->max, &u)))
                return rc;
            *(uint64_t *)dst = u;
            break;
        case F_F64:
            if ((rc = read_f64(c, v, sub, f->min, f->max, &d)))
                return rc;
            *(double *)dst = d;
            break;
        case F_BOOL:
            if ((rc = read_bool(c, v, sub, (bool *)dst)))
                return rc;
            break;
        case F_STR:
            if ((rc = read_str(c, v, sub, (char *)dst, f->size)))
                return rc;
            break;
        case F_ENUM:
            if ((rc = read_enum(c, v, sub, f->names, &e)))
                return rc;
            memcpy(dst, &e, sizeof e);
            break;
        case F_SUB:
            if ((rc = read_table(c, v, sub, f->sub, f->n_sub, dst, NULL)))
                return rc;
            break;
        case F_NODE:
            break;
        }
    }
    for (size_t i = 0; i < n_fields; i++)
        if (fields[i].required && !seen[i])
            return fail(c, map, path, "missing required key \"%s\"",
                        fields[i].key);
    return 0;
}

/* A list of at most max items; the (max+1)th item is the error. */
static int
expect_list(ctx_t *c, const yaml_node_t *n, const char *path, size_t max,
            size_t *count)
{
    int rc;
    size_t len;

    if ((rc = expect_type(c, n, path, YAML_SEQUENCE_NODE, "a list")))
        return rc;
    len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (len > max) {
        char sub[PATH_MAX_LEN];
        item_path(sub, path, max);
        return fail(c, node_at(c, n->data.sequence.items.start[max]), sub,
                    "too many entries (at most %zu)", max);
    }
    *count = len;
    return 0;
}

static yaml_node_t *
list_item(ctx_t *c, const yaml_node_t *n, size_t i)
{
    return node_at(c, n->data.sequence.items.start[i]);
}

static bool
valid_nation_code(const char *s)
{
    return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
           s[1] <= 'Z' && s[2] >= 'A' && s[2] <= 'Z';
}

static bool
valid_sector_code(const char *s)
{
    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (size_t i = 1; s[i]; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    return true;
}

/* Incident-type names are referenced as YAML keys; keep them identifiers. */
static bool
valid_ident(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 1; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return true;
}

static int
read_sectors(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *codes[WG_MAX_SECTORS];
    size_t n = 0, line_sectors = 0;
    int rc;

    if ((rc = expect_list(c, list, "sectors", WG_MAX_SECTORS, &n)))
        return rc;
    if (!n)
        return fail(c, list, "sectors", "at least one sector is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(sector_fields)] = {0};
        wg_sector_t *s = &sc->sectors[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        item_path(path, "sectors", i);
        if ((rc = read_table(c, list_item(c, list, i), path, sector_fields,
                             NFIELDS(sector_fields), s, found)))
            return rc;
        codes[i] = found[SEC_CODE];
        child_path(sub, path, "code");
        if (!valid_sector_code(s->code))
            return fail(c, codes[i], sub,
                        "\"%s\" is not a sector code (A-Z then A-Z or 0-9)",
                        s->code);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->sectors[j].code, s->code))
                return fail(c, codes[i], sub,
                            "duplicate sector \"%s\" (first at line %u)",
                            s->code, (unsigned)codes[j]->start_mark.line + 1);
        if (!s->rear) {
            line_sectors++;
            if (!s->length_km) {
                child_path(sub, path, "length_km");
                return fail(c, found[SEC_LEN], sub,
                            "a sector on the line needs a length above 0");
            }
        }
        sc->n_sectors = i + 1;
    }
    if (!line_sectors)
        return fail(c, list, "sectors",
                    "every sector is rear; the line needs at least one");
    return 0;
}

static int
read_regimes(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *names[WG_MAX_REGIMES];
    size_t n = 0;
    int rc;

    if ((rc = expect_list(c, list, "regimes", WG_MAX_REGIMES, &n)))
        return rc;
    if (!n)
        return fail(c, list, "regimes", "at least one regime is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(regime_fields)] = {0};
        wg_regime_t *r = &sc->regimes[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        memset(r, 0, sizeof *r);
        r->exposure_factor = 1.0;
        r->direct_multiplier = 1.0;
        item_path(path, "regimes", i);
        if ((rc = read_table(c, list_item(c, list, i), path, regime_fields,
                             NFIELDS(regime_fields), r, found)))
            return rc;
        names[i] = found[REG_NAME];
        child_path(sub, path, "name");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->regimes[j].name, r->name))
                return fail(c, names[i], sub,
                            "duplicate regime \"%s\" (first at line %u)",
                            r->name, (unsigned)names[j]->start_mark.line + 1);
        /* Both zero: the regime lasts until something changes it. */
        if (r->min_turns > r->max_turns || (r->max_turns && !r->min_turns)) {
            child_path(sub, path, found[REG_MIN] ? "min_turns" : "max_turns");
            return fail(c, found[REG_MIN] ? found[REG_MIN] : found[REG_MAX],
                        sub,
                        "needs 1 <= min_turns <= max_turns (or both 0), got "
                        "%u..%u",
                        r->min_turns, r->max_turns);
        }
    }
    sc->n_regimes = n;
    return 0;
}

static int
read_incidents(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *names[WG_MAX_INCIDENT_TYPES];
    size_t n = 0;
    int rc;

    if ((rc =
             expect_list(c, list, "incident_types", WG_MAX_INCIDENT_TYPES, &n)))
        return rc;
    if (!n)
        return fail(c, list, "incident_types",
                    "at least one incident type is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(incident_fields)] = {0};
        wg_incident_type_t *t = &sc->incident_types[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        item_path(path, "incident_types", i);
        if ((rc = read_table(c, list_item(c, list, i), path, incident_fields,
                             NFIELDS(incident_fields), t, found)))
            return rc;
        names[i] = found[INC_NAME];
        child_path(sub, path, "name");
        if (!valid_ident(t->name))
            return fail(c, names[i], sub,
                        "\"%s\" is not a name (a-z, then a-z, 0-9 or _)",
                        t->name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->incident_types[j].name, t->name))
                return fail(c, names[i], sub,
                            "duplicate incident type \"%s\" (first at line "
                            "%u)",
                            t->name, (unsigned)names[j]->start_mark.line + 1);
    }
    sc->n_incident_types = n;
    return 0;
}

/* casualties: {<incident type>: {p_casualties, kia_mean, wia_mean, p_strike}}
 * Types left out cause no casualties (jamming, for one). */
static int
read_casualties(ctx_t *c, const yaml_node_t *map, wg_scenario_t *sc)
{
    const yaml_node_t *seen[WG_MAX_INCIDENT_TYPES] = {0};
    int rc;

    if ((rc =
             expect_type(c, map, "casualties", YAML_MAPPING_NODE, "a mapping")))
        return rc;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        char path[PATH_MAX_LEN];
        size_t i;

        if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, "casualties", "keys must be incident types");
        for (i = 0; i < sc->n_incident_types; i++)
            if (!strcmp((const char *)k->data.scalar.value,
                        sc->incident_types[i].name))
                break;
        if (i == sc->n_incident_types) {
            const char *name = (const char *)k->data.scalar.value;
            const char *best = NULL;
            size_t best_d = 3;
            for (size_t j = 0; j < sc->n_incident_types; j++) {
                size_t d = distance(name, sc->incident_types[j].name);
                if (d < best_d) {
                    best_d = d;
                    best = sc->incident_types[j].name;
                }
            }
            return fail(c, k, "casualties",
                        "unknown incident type \"%.40s\"%s%s%s", name,
                        best ? " (did you mean \"" : "", best ? best : "",
                        best ? "\"?)" : "");
        }
        child_path(path, "casualties", sc->incident_types[i].name);
        if (seen[i])
            return fail(c, k, path, "duplicate key (first at line %u)",
                        (unsigned)seen[i]->start_mark.line + 1);
        seen[i] = k;
        if ((rc = read_table(c, v, path, casualty_fields,
                             NFIELDS(casualty_fields), &sc->incident_types[i],
                             NULL)))
            return rc;
    }
    return 0;
}

static int
find_sector(const wg_scenario_t *sc, const char *code)
{
    for (size_t i = 0; i < sc->n_sectors; i++)
        if (!strcmp(sc->sectors[i].code, code))
            return (int)i;
    return -1;
}

static int
read_avoid(ctx_t *c, const yaml_node_t *list, const char *path,
           const wg_scenario_t *sc, uint32_t *mask)
{
    size_t n = 0;
    int rc;

    if ((rc = expect_list(c, list, path, WG_MAX_SECTORS, &n)))
        return rc;
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(c, list, i);
        char code[WG_CODE_MAX], sub[PATH_MAX_LEN];
        int s;

        item_path(sub, path, i);
        if ((rc = read_str(c, item, sub, code, sizeof code)))
            return rc;
        if ((s = find_sector(sc, code)) < 0)
            return fail(c, item, sub, "unknown sector \"%s\"", code);
        *mask |= 1u << s;
    }
    return 0;
}

static int
read_nations(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *codes[WG_MAX_NATIONS];
    size_t n = 0;
    int rc;

    if ((rc = expect_list(c, list, "nations", WG_MAX_NATIONS, &n)))
        return rc;
    if (!n)
        return fail(c, list, "nations", "at least one nation is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(nation_fields)] = {0};
        wg_nation_t *nat = &sc->nations[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        memset(nat, 0, sizeof *nat);
        nat->risk_tolerance = 0.5;
        nat->max_threat = NO_THREAT_CAVEAT;
        nat->fallback = WG_FALLBACK_HOLD;
        item_path(path, "nations", i);
        if ((rc = read_table(c, list_item(c, list, i), path, nation_fields,
                             NFIELDS(nation_fields), nat, found)))
            return rc;
        codes[i] = found[NAT_CODE];
        child_path(sub, path, "code");
        if (!valid_nation_code(nat->code))
            return fail(c, codes[i], sub,
                        "\"%s\" is not an ISO 3166 alpha-3 code (3 "
                        "uppercase letters)",
                        nat->code);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->nations[j].code, nat->code))
                return fail(c, codes[i], sub,
                            "duplicate nation \"%s\" (first at line %u)",
                            nat->code, (unsigned)codes[j]->start_mark.line + 1);
        if (nat->surge_troops && nat->surge_troops < nat->max_troops) {
            child_path(sub, path, "surge_troops");
            return fail(c, found[NAT_SURGE], sub,
                        "%u is below max_troops (%u); use 0 for no surge",
                        nat->surge_troops, nat->max_troops);
        }
        /* A unit larger than every ceiling could never deploy. */
        uint32_t ceiling = nat->surge_troops > nat->max_troops
                               ? nat->surge_troops
                               : nat->max_troops;
        if (ceiling && nat->unit_size > ceiling) {
            child_path(sub, path, "unit_size");
            return fail(c, found[NAT_UNIT], sub,
                        "%u is larger than the nation's ceiling (%u)",
                        nat->unit_size, ceiling);
        }
        if (found[NAT_AVOID]) {
            child_path(sub, path, "avoid_sectors");
            if ((rc = read_avoid(c, found[NAT_AVOID], sub, sc,
                                 &nat->avoid_sectors)))
                return rc;
        }
        sc->n_nations = i + 1;
    }
    return 0;
}

static int
find_regime(const wg_scenario_t *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_regimes; i++)
        if (!strcmp(sc->regimes[i].name, name))
            return (int)i;
    return -1;
}

/* A regime reference by name; dflt is used when the key was left out. */
static int
regime_ref(ctx_t *c, const yaml_node_t *n, const yaml_node_t *where,
           const char *path, const char *dflt, const wg_scenario_t *sc,
           uint32_t *out)
{
    char name[WG_NAME_MAX];
    int rc, r;

    if (n) {
        if ((rc = read_str(c, n, path, name, sizeof name)))
            return rc;
    } else {
        snprintf(name, sizeof name, "%s", dflt);
    }
    if ((r = find_regime(sc, name)) < 0)
        return fail(c, n ? n : where, path, "unknown regime \"%s\"%s", name,
                    n ? "" : " (the default; name one)");
    *out = (uint32_t)r;
    return 0;
}

static int
read_threat(ctx_t *c, const yaml_node_t *map, const yaml_node_t *regimes,
            const yaml_node_t *root, wg_scenario_t *sc)
{
    const yaml_node_t *found[NFIELDS(threat_fields)] = {0};
    const yaml_node_t *where;
    int rc;

    if (map && (rc = read_table(c, map, "threat", threat_fields,
                                NFIELDS(threat_fields), &sc->threat, found)))
        return rc;
    /* Without a name in the file the default regimes are looked up; point
     * at the table that failed to define them. */
    where = map ? map : regimes ? regimes : root;
    if ((rc = regime_ref(c, found[THR_MANAGED], where, "threat.managed_regime",
                         "managed", sc, &sc->threat.managed_regime)))
        return rc;
    return regime_ref(c, found[THR_HOT], where, "threat.hot_regime", "hot", sc,
                      &sc->threat.hot_regime);
}

static int
read_roe(ctx_t *c, const yaml_node_t *map, wg_scenario_t *sc)
{
    const yaml_node_t *seen[WG_ROE_COUNT] = {0};
    const char *known[WG_ROE_COUNT - 1] = {0};
    int rc;

    if ((rc = expect_type(c, map, "roe", YAML_MAPPING_NODE, "a mapping")))
        return rc;
    for (size_t i = 0; i < WG_ROE_COUNT - 1; i++)
        known[i] = roe_names[i].name;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        char path[PATH_MAX_LEN];
        const enum_name_t *e;

        if (k->type != YAML_SCALAR_NODE)
            return fail(c, k, "roe", "keys must be plain names");
        for (e = roe_names; e->name; e++)
            if (!strcmp((const char *)k->data.scalar.value, e->name))
                break;
        if (!e->name)
            return unknown_key(c, k, "roe", known, WG_ROE_COUNT - 1);
        child_path(path, "roe", e->name);
        if (seen[e->value])
            return fail(c, k, path, "duplicate key (first at line %u)",
                        (unsigned)seen[e->value]->start_mark.line + 1);
        seen[e->value] = k;
        if ((rc = read_table(c, v, path, roe_fields, NFIELDS(roe_fields),
                             &sc->roe[e->value], NULL)))
            return rc;
    }
    return 0;
}

static int
add_turn(ctx_t *c, const yaml_node_t *n, const char *path, wg_scenario_t *sc,
         wg_turn_type_t t)
{
    if (sc->n_turns >= WG_MAX_TURNS)
        return fail(c, n, path, "the plan is longer than %d turns",
                    WG_MAX_TURNS);
    sc->plan[sc->n_turns++] = t;
    return 0;
}

/*
 * Expands one plan list: items are a turn type or {repeat: N, turns: [...]}.
 * The inner list is expanded once and then copied, so nesting costs time
 * linear in the plan's length, whatever N says.
 */
static int
expand_plan(ctx_t *c, const yaml_node_t *list, const char *path,
            wg_scenario_t *sc, int depth)
{
    static const char *const repeat_keys[] = {"repeat", "turns"};
    size_t n = 0;
    int rc;

    if ((rc = expect_list(c, list, path, (size_t)-1, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(c, list, i);
        char sub[PATH_MAX_LEN];

        item_path(sub, path, i);
        if (item->type == YAML_SCALAR_NODE) {
            int t = 0;
            if ((rc = read_enum(c, item, sub, turn_names, &t)) ||
                (rc = add_turn(c, item, sub, sc, (wg_turn_type_t)t)))
                return rc;
            continue;
        }
        if (item->type != YAML_MAPPING_NODE) {
            char buf[64];
            return fail(c, item, sub,
                        "expected a turn type or {repeat: N, turns: [...]}, "
                        "got %s",
                        describe(item, buf, sizeof buf));
        }
        if (depth >= MAX_PLAN_DEPTH)
            return fail(c, item, sub, "repeats nested deeper than %d",
                        MAX_PLAN_DEPTH);

        const yaml_node_t *times = NULL, *turns = NULL;
        for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
             p < item->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node_at(c, p->key);
            const char *key = (const char *)k->data.scalar.value;
            const yaml_node_t **slot;

            if (k->type != YAML_SCALAR_NODE)
                return fail(c, k, sub, "keys must be plain names");
            if (!strcmp(key, "repeat"))
                slot = &times;
            else if (!strcmp(key, "turns"))
                slot = &turns;
            else
                return unknown_key(c, k, sub, repeat_keys, 2);
            if (*slot)
                return fail(c, k, sub, "duplicate key \"%s\"", key);
            *slot = node_at(c, p->value);
        }
        if (!times || !turns)
            return fail(c, item, sub, "missing required key \"%s\"",
                        times ? "turns" : "repeat");

        char rpath[PATH_MAX_LEN], tpath[PATH_MAX_LEN];
        uint64_t reps = 0;
        size_t start = sc->n_turns, len;

        child_path(rpath, sub, "repeat");
        child_path(tpath, sub, "turns");
        if ((rc = read_u64(c, times, rpath, 1, WG_MAX_TURNS, &reps)))
            return rc;
        if ((rc = expand_plan(c, turns, tpath, sc, depth + 1)))
            return rc;
        len = sc->n_turns - start;
        if (!len)
            return fail(c, turns, tpath, "repeats an empty list");
        if (len * reps > WG_MAX_TURNS - start)
            return fail(c, item, sub,
                        "the plan is longer than %d turns (%zu so far, this "
                        "adds %llu)",
                        WG_MAX_TURNS, start, (unsigned long long)len * reps);
        for (uint64_t r = 1; r < reps; r++) {
            memcpy(&sc->plan[sc->n_turns], &sc->plan[start],
                   len * sizeof sc->plan[0]);
            sc->n_turns += len;
        }
    }
    return 0;
}

static int
read_plan(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    int rc;

    if ((rc = expand_plan(c, list, "plan", sc, 0)))
        return rc;
    if (!sc->n_turns)
        return fail(c, list, "plan", "the turn plan is empty");
    /* Nothing can rotate or meet an incident before anyone is deployed. */
    if (sc->plan[0] != WG_TURN_DEPLOYMENT)
        return fail(c, list, "plan", "turn 1 must be a deployment turn");
    return 0;
}

static int
read_events(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *gate_seen[WG_MAX_NATIONS] = {0};
    size_t n = 0;
    int rc;

    if ((rc = expect_list(c, list, "events", WG_MAX_EVENTS, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(event_fields)] = {0};
        const yaml_node_t *item = list_item(c, list, i);
        wg_event_t *ev = &sc->events[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN], name[WG_NAME_MAX];

        memset(ev, 0, sizeof *ev);
        ev->nation = -1;
        item_path(path, "events", i);
        if ((rc = read_table(c, item, path, event_fields, NFIELDS(event_fields),
                             ev, found)))
            return rc;
        if (ev->turn > sc->n_turns) {
            child_path(sub, path, "turn");
            return fail(c, found[EV_TURN], sub,
                        "turn %u is past the plan's last turn (%zu)", ev->turn,
                        sc->n_turns);
        }
        /* Each kind takes its own reference and no other, so a regime
         * event with a stray nation: key is a mistake, not a no-op. */
        if (ev->kind != WG_EVENT_OPEN_GATE && found[EV_NATION]) {
            child_path(sub, path, "nation");
            return fail(c, found[EV_NATION], sub,
                        "only an open_gate event names a nation");
        }
        if (ev->kind != WG_EVENT_REGIME && found[EV_REGIME]) {
            child_path(sub, path, "regime");
            return fail(c, found[EV_REGIME], sub,
                        "only a regime event names a regime");
        }
        switch (ev->kind) {
        case WG_EVENT_OPEN_GATE: {
            int nat;
            if (!found[EV_NATION])
                return fail(c, item, path,
                            "missing required key \"nation\" (open_gate)");
            child_path(sub, path, "nation");
            if ((rc = read_str(c, found[EV_NATION], sub, name, sizeof name)))
                return rc;
            if ((nat = wg_scenario_nation_index(sc, name)) < 0)
                return fail(c, found[EV_NATION], sub, "unknown nation \"%s\"",
                            name);
            if (gate_seen[nat])
                return fail(c, found[EV_NATION], sub,
                            "%s's gate already opens at line %u", name,
                            (unsigned)gate_seen[nat]->start_mark.line + 1);
            gate_seen[nat] = found[EV_NATION];
            ev->nation = nat;
            sc->nations[nat].gate.opens_turn = ev->turn;
            if (!ev->text[0])
                snprintf(ev->text, sizeof ev->text, "%s may deploy", name);
            break;
        }
        case WG_EVENT_REGIME:
            if (!found[EV_REGIME])
                return fail(c, item, path,
                            "missing required key \"regime\" (regime)");
            child_path(sub, path, "regime");
            if ((rc = regime_ref(c, found[EV_REGIME], item, sub, NULL, sc,
                                 &ev->regime)))
                return rc;
            if (!ev->text[0])
                snprintf(ev->text, sizeof ev->text, "regime: %s",
                         sc->regimes[ev->regime].name);
            break;
        case WG_EVENT_NOTE:
            if (!found[EV_TEXT])
                return fail(c, item, path,
                            "missing required key \"text\" (note)");
            break;
        }
        sc->n_events = i + 1;
    }
    /* Rules walk events in turn order; keep the file's order within a turn. */
    for (size_t i = 1; i < sc->n_events; i++) {
        wg_event_t ev = sc->events[i];
        size_t j = i;
        for (; j > 0 && sc->events[j - 1].turn > ev.turn; j--)
            sc->events[j] = sc->events[j - 1];
        sc->events[j] = ev;
    }
    return 0;
}

/* Levels that the escalation ladder can never reach are typos. */
static int
check_levels(ctx_t *c, const yaml_node_t *const *coh,
             const yaml_node_t *const *cmd, const wg_scenario_t *sc)
{
    const wg_cohesion_t *h = &sc->cohesion;
    uint32_t top = sc->escalation.max_level;

    if (h->escalation_level > top)
        return fail(c, coh[COH_LEVEL], "cohesion.escalation_level",
                    "%u is above escalation.max_level (%u)",
                    h->escalation_level, top);
    if (sc->command.recommit_escalation > top)
        return fail(c, cmd[CMD_RECOMMIT], "command.recommit_escalation",
                    "%u is above escalation.max_level (%u)",
                    sc->command.recommit_escalation, top);
    if (h->leave_at_tour_end_below > h->no_rotation_below)
        return fail(c, coh[COH_TOUREND] ? coh[COH_TOUREND] : coh[COH_NOROT],
                    "cohesion.leave_at_tour_end_below",
                    "%g is above no_rotation_below (%g)",
                    h->leave_at_tour_end_below, h->no_rotation_below);
    if (h->leave_now_below > h->leave_at_tour_end_below)
        return fail(c, coh[COH_NOW] ? coh[COH_NOW] : coh[COH_TOUREND],
                    "cohesion.leave_now_below",
                    "%g is above leave_at_tour_end_below (%g)",
                    h->leave_now_below, h->leave_at_tour_end_below);
    return 0;
}

/* The brief's calibration (§8), for every table a file may leave out. */
static void
set_defaults(wg_scenario_t *sc)
{
    sc->seed = 20241219;
    sc->turn_weeks = 1;
    sc->deadline_ms = 2000;

    sc->n_regimes = 3;
    sc->regimes[0] = (wg_regime_t){.name = "managed",
                                   .multiplier = 1.0,
                                   .exposure_factor = 1.0,
                                   .direct_multiplier = 1.0};
    sc->regimes[1] = (wg_regime_t){.name = "hot",
                                   .multiplier = 25.0,
                                   .exposure_factor = 0.5,
                                   .direct_multiplier = 2.0};
    sc->regimes[2] = (wg_regime_t){.name = "spike",
                                   .multiplier = 40.0,
                                   .exposure_factor = 0.5,
                                   .min_turns = 1,
                                   .max_turns = 3,
                                   .direct_multiplier = 3.0};

    sc->threat = (wg_threat_t){
        .exposure_line = 0.01,
        .exposure_rear = 0.0005,
        .p_hot_after_recommit = 0.3,
        .p_hot_from_managed = 0.02,
    };
    sc->escalation = (wg_escalation_t){
        .p_up_restrictive = 0.03,
        .p_up_robust = 0.10,
        .us_enabler_factor = 0.5,
        .reinforce_delta = -0.05,
        .p_down_quiet = 0.2,
        .max_level = 4,
    };
    sc->cohesion = (wg_cohesion_t){
        .per_kia = 1.5,
        .bad_day_kia = 5,
        .bad_day_penalty = 10,
        .quiet_gain = 0.25,
        .cap_above_start = 10,
        .escalation_level = 3,
        .escalation_penalty = 3,
        .ally_withdraw_penalty = 5,
        .no_rotation_below = 35,
        .leave_at_tour_end_below = 25,
        .leave_now_below = 15,
    };
    sc->stability = (wg_stability_t){
        .start = 60,
        .quiet_gain = 1,
        .per_excess = 5,
        .escalation_loss = 2,
        .recommit_gain = 10,
    };
    sc->roe[WG_ROE_HOLD] = (wg_roe_effect_t){.casualty_factor = 1.0,
                                             .escalation_factor = 1.0,
                                             .coverage_factor = 1.0};
    sc->roe[WG_ROE_RETURN_FIRE] = (wg_roe_effect_t){.casualty_factor = 0.8,
                                                    .escalation_factor = 2.0,
                                                    .coverage_factor = 1.0};
    sc->roe[WG_ROE_DE_ESCALATE] = (wg_roe_effect_t){.casualty_factor = 1.2,
                                                    .escalation_factor = 0.5,
                                                    .coverage_factor = 0.9};
    sc->roe[WG_ROE_WITHDRAW] = (wg_roe_effect_t){.casualty_factor = 0.3,
                                                 .escalation_factor = 0.3,
                                                 .coverage_factor = 0.2};
    sc->command = (wg_command_profile_t){
        .target_troops = 40000,
        .reserve_share = 0.1,
        .robust_roe = false,
        .recommit_escalation = 3,
    };
}

static int
build(ctx_t *c, const yaml_node_t *root, wg_scenario_t *sc)
{
    const yaml_node_t *top[NFIELDS(top_fields)] = {0};
    const yaml_node_t *coh[NFIELDS(cohesion_fields)] = {0};
    const yaml_node_t *cmd[NFIELDS(command_fields)] = {0};
    int rc;

    set_defaults(sc);
    if ((rc =
             read_table(c, root, "", top_fields, NFIELDS(top_fields), sc, top)))
        return rc;
    /* The robust default follows the mandate unless the file says. */
    sc->command.robust_roe = sc->mandate == WG_MANDATE_DETERRENCE;

    if ((rc = read_sectors(c, top[TOP_SECTORS], sc)) ||
        (top[TOP_REGIMES] && (rc = read_regimes(c, top[TOP_REGIMES], sc))) ||
        (rc = read_incidents(c, top[TOP_INCIDENTS], sc)) ||
        (top[TOP_CASUALTIES] &&
         (rc = read_casualties(c, top[TOP_CASUALTIES], sc))) ||
        (rc = read_nations(c, top[TOP_NATIONS], sc)) ||
        (rc = read_threat(c, top[TOP_THREAT], top[TOP_REGIMES], root, sc)))
        return rc;
    if (top[TOP_ESCALATION] &&
        (rc =
             read_table(c, top[TOP_ESCALATION], "escalation", escalation_fields,
                        NFIELDS(escalation_fields), &sc->escalation, NULL)))
        return rc;
    if (top[TOP_COHESION] &&
        (rc = read_table(c, top[TOP_COHESION], "cohesion", cohesion_fields,
                         NFIELDS(cohesion_fields), &sc->cohesion, coh)))
        return rc;
    if (top[TOP_STABILITY] &&
        (rc = read_table(c, top[TOP_STABILITY], "stability", stability_fields,
                         NFIELDS(stability_fields), &sc->stability, NULL)))
        return rc;
    if (top[TOP_ROE] && (rc = read_roe(c, top[TOP_ROE], sc)))
        return rc;
    if (top[TOP_COMMAND] &&
        (rc = read_table(c, top[TOP_COMMAND], "command", command_fields,
                         NFIELDS(command_fields), &sc->command, cmd)))
        return rc;
    /* Defaults failing a cross-check are reported at the table's node. */
    for (size_t i = 0; i < NFIELDS(cohesion_fields); i++)
        if (!coh[i])
            coh[i] = top[TOP_COHESION] ? top[TOP_COHESION] : root;
    if (!cmd[CMD_RECOMMIT])
        cmd[CMD_RECOMMIT] = top[TOP_COMMAND] ? top[TOP_COMMAND] : root;
    if ((rc = check_levels(c, coh, cmd, sc)))
        return rc;
    if ((rc = read_plan(c, top[TOP_PLAN], sc)))
        return rc;
    if (top[TOP_EVENTS] && (rc = read_events(c, top[TOP_EVENTS], sc)))
        return rc;
    return 0;
}

/* libyaml's reader errors carry a byte offset, not a mark. */
static yaml_mark_t
mark_of_offset(const char *text, size_t len, size_t offset)
{
    yaml_mark_t m = {0, 0, 0};

    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else {
            m.column++;
        }
    }
    m.index = offset;
    return m;
}

static int
syntax_error(ctx_t *c, const yaml_parser_t *p, const char *text, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    char ctx_text[96] = "";

    if (p->error == YAML_READER_ERROR)
        m = mark_of_offset(text, len, p->problem_offset);
    /* The problem mark is where libyaml gave up, often a line after the
     * real mistake; the context mark says where the construct began. */
    if (p->context && p->error != YAML_READER_ERROR)
        snprintf(ctx_text, sizeof ctx_text, " (%s at line %u, column %u)",
                 p->context, (unsigned)p->context_mark.line + 1,
                 (unsigned)p->context_mark.column + 1);
    else if (p->context)
        snprintf(ctx_text, sizeof ctx_text, " (%s)", p->context);
    return fail_at(c, &m, "YAML syntax error: %s%s",
                   p->problem ? p->problem : "unknown problem", ctx_text);
}

int
wg_scenario_parse(const char *name, const char *text, size_t len,
                  wg_scenario_t **out, wg_config_error_t *err)
{
    yaml_parser_t parser;
    yaml_document_t doc, extra;
    wg_scenario_t *sc = NULL;
    ctx_t c = {&doc, err};
    yaml_node_t *root;
    int rc;

    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", name);
    *out = NULL;
    if (sodium_init() < 0) {
        snprintf(err->message, sizeof err->message,
                 "libsodium failed to start");
        return WG_ECONFIG;
    }
    if (!(sc = calloc(1, sizeof *sc)))
        return -ENOMEM;
    if (!yaml_parser_initialize(&parser)) {
        free(sc);
        return -ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = syntax_error(&c, &parser, text, len);
        goto out_parser;
    }
    if (!(root = yaml_document_get_root_node(&doc))) {
        rc = fail(&c, NULL, "", "empty file: expected a scenario mapping");
        goto out_doc;
    }
    /* A second document would be silently ignored; say so instead. */
    if (!yaml_parser_load(&parser, &extra)) {
        rc = syntax_error(&c, &parser, text, len);
        goto out_doc;
    }
    if (yaml_document_get_root_node(&extra)) {
        yaml_node_t *r2 = yaml_document_get_root_node(&extra);
        rc = fail_at(&c, &r2->start_mark,
                     "a second YAML document; a scenario is one document");
        yaml_document_delete(&extra);
        goto out_doc;
    }
    yaml_document_delete(&extra);

    if ((rc = build(&c, root, sc)))
        goto out_doc;
    snprintf(sc->path, sizeof sc->path, "%s", name);
    wg__sha256(text, len, sc->hash); /* SHA-NI where there is one */
    *out = sc;
    sc = NULL;
out_doc:
    yaml_document_delete(&doc);
out_parser:
    yaml_parser_delete(&parser);
    free(sc);
    return rc;
}

int
wg_scenario_load(const char *path, wg_scenario_t **out, wg_config_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;
    int rc;

    *out = NULL;
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", path);
    if (!(f = fopen(path, "rb"))) {
        rc = -errno;
        snprintf(err->message, sizeof err->message, "cannot open: %s",
                 strerror(errno));
        return rc;
    }
    /* Read to EOF rather than trusting a size: the path may be a pipe. */
    for (;;) {
        size_t want = 65536, got;
        char *grown;

        if (len >= MAX_FILE_BYTES) {
            snprintf(err->message, sizeof err->message,
                     "larger than %zu bytes; not a scenario", MAX_FILE_BYTES);
            rc = WG_ECONFIG;
            goto out;
        }
        if (!(grown = realloc(text, len + want + 1))) {
            rc = -ENOMEM;
            goto out;
        }
        text = grown;
        got = fread(text + len, 1, want, f);
        len += got;
        if (got < want) {
            if (ferror(f)) {
                rc = -EIO;
                snprintf(err->message, sizeof err->message, "read error");
                goto out;
            }
            break;
        }
    }
    text[len] = '\0';
    rc = wg_scenario_parse(path, text, len, out, err);
out:
    fclose(f);
    free(text);
    return rc;
}

int
wg_scenario_nation_index(const wg_scenario_t *self, const char *code)
{
    for (size_t i = 0; i < self->n_nations; i++)
        if (!strcmp(self->nations[i].code, code))
            return (int)i;
    return -1;
}

int
wg_scenario_sector_index(const wg_scenario_t *self, const char *code)
{
    return find_sector(self, code);
}

uint32_t
wg_nation_ceiling(const wg_scenario_t *self, const wg_nation_t *n)
{
    if (self->mandate == WG_MANDATE_DETERRENCE && n->surge_troops)
        return n->surge_troops;
    return n->max_troops;
}

void
wg_config_error_print(const wg_config_error_t *err)
{
    if (err->line)
        fprintf(stderr, "%s:%u:%u: %s\n", err->file, err->line, err->column,
                err->message);
    else
        fprintf(stderr, "%s: %s\n", err->file, err->message);
}
