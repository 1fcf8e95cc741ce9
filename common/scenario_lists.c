/*
 * scenario_lists.c - the named lists of a scenario: sectors, regimes,
 * incident types (with the casualty table keyed by them) and nations, and
 * the public lookups over them.
 *
 * Everything else in a scenario refers to these entries by name or code,
 * so each entry is checked here for a well-formed name, a unique one, and
 * values that fit together (a line sector needs a length, a unit must fit
 * under the nation's ceiling). Called by build() in scenario.c in the order
 * of scenario_int.h; no state between calls, safe from any thread. Errors
 * as yaml_doc_int.h says: the first one fills c->err, WG_ECONFIG.
 */
#include "scenario_int.h"

#include <stdio.h>
#include <string.h>

_Static_assert(WG_MAX_SECTORS <= 32, "avoid_sectors is a 32-bit mask");

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
    FIELD(wg_nation_t, manpower, F_U32, false, 0, BIG_TROOPS),
    FIELD(wg_nation_t, entry_prep_weeks, F_U32, false, 0, BIG_WEEKS),
    FIELD(wg_nation_t, mandate_weeks, F_U32, false, 0, BIG_WEEKS),
};

enum { SEC_CODE, SEC_LEN };
static const field_t sector_fields[] = {
    [SEC_CODE] = FIELD(wg_sector_t, code, F_STR, true, 0, 0),
    [SEC_LEN] = FIELD(wg_sector_t, length_km, F_U32, true, 0, 100000),
    FIELD(wg_sector_t, name, F_STR, true, 0, 0),
    FIELD(wg_sector_t, threat, F_F64, true, 0, 1000),
    FIELD(wg_sector_t, rear, F_BOOL, false, 0, 0),
};

enum { INC_NAME, INC_VIOLATION };
static const field_t incident_fields[] = {
    [INC_NAME] = FIELD(wg_incident_type_t, name, F_STR, true, 0, 0),
    [INC_VIOLATION] = FIELD(wg_incident_type_t, violation, F_BOOL, false, 0, 0),
    FIELD(wg_incident_type_t, armed, F_BOOL, false, 0, 0),
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
    FIELD(wg_regime_t, escalation_push, F_F64, false, 0, 1),
};

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
bool
wg__scenario_valid_ident(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 1; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return true;
}

int
wg__scenario_read_sectors(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *codes[WG_MAX_SECTORS];
    size_t n = 0, line_sectors = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "sectors", WG_MAX_SECTORS, &n)))
        return rc;
    if (!n)
        return wg__yaml_fail(c, list, "sectors",
                             "at least one sector is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(sector_fields)] = {0};
        wg_sector_t *s = &sc->sectors[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        item_path(path, "sectors", i);
        if ((rc = wg__yaml_read_table(c, list_item(c, list, i), path,
                                      sector_fields, NFIELDS(sector_fields), s,
                                      found)))
            return rc;
        codes[i] = found[SEC_CODE];
        child_path(sub, path, "code");
        if (!valid_sector_code(s->code))
            return wg__yaml_fail(
                c, codes[i], sub,
                "\"%s\" is not a sector code (A-Z then A-Z or 0-9)", s->code);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->sectors[j].code, s->code))
                return wg__yaml_fail(
                    c, codes[i], sub,
                    "duplicate sector \"%s\" (first at line %u)", s->code,
                    (unsigned)codes[j]->start_mark.line + 1);
        if (!s->rear) {
            line_sectors++;
            if (!s->length_km) {
                child_path(sub, path, "length_km");
                return wg__yaml_fail(
                    c, found[SEC_LEN], sub,
                    "a sector on the line needs a length above 0");
            }
        }
        sc->n_sectors = i + 1;
    }
    if (!line_sectors)
        return wg__yaml_fail(
            c, list, "sectors",
            "every sector is rear; the line needs at least one");
    return 0;
}

int
wg__scenario_read_regimes(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *names[WG_MAX_REGIMES];
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "regimes", WG_MAX_REGIMES, &n)))
        return rc;
    if (!n)
        return wg__yaml_fail(c, list, "regimes",
                             "at least one regime is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(regime_fields)] = {0};
        wg_regime_t *r = &sc->regimes[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        memset(r, 0, sizeof *r);
        r->exposure_factor = 1.0;
        r->direct_multiplier = 1.0;
        item_path(path, "regimes", i);
        if ((rc = wg__yaml_read_table(c, list_item(c, list, i), path,
                                      regime_fields, NFIELDS(regime_fields), r,
                                      found)))
            return rc;
        names[i] = found[REG_NAME];
        child_path(sub, path, "name");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->regimes[j].name, r->name))
                return wg__yaml_fail(
                    c, names[i], sub,
                    "duplicate regime \"%s\" (first at line %u)", r->name,
                    (unsigned)names[j]->start_mark.line + 1);
        /* Both zero: the regime lasts until something changes it. */
        if (r->min_turns > r->max_turns || (r->max_turns && !r->min_turns)) {
            child_path(sub, path, found[REG_MIN] ? "min_turns" : "max_turns");
            return wg__yaml_fail(
                c, found[REG_MIN] ? found[REG_MIN] : found[REG_MAX], sub,
                "needs 1 <= min_turns <= max_turns (or both 0), got "
                "%u..%u",
                r->min_turns, r->max_turns);
        }
    }
    sc->n_regimes = n;
    return 0;
}

int
wg__scenario_read_incidents(ctx_t *c, const yaml_node_t *list,
                            wg_scenario_t *sc)
{
    const yaml_node_t *names[WG_MAX_INCIDENT_TYPES];
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "incident_types",
                                   WG_MAX_INCIDENT_TYPES, &n)))
        return rc;
    if (!n)
        return wg__yaml_fail(c, list, "incident_types",
                             "at least one incident type is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(incident_fields)] = {0};
        wg_incident_type_t *t = &sc->incident_types[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        item_path(path, "incident_types", i);
        t->armed = true; /* fire to return, unless the file says not */
        if ((rc = wg__yaml_read_table(c, list_item(c, list, i), path,
                                      incident_fields, NFIELDS(incident_fields),
                                      t, found)))
            return rc;
        /* Left out: raw fire is a violation, jamming is not. */
        if (!found[INC_VIOLATION])
            t->violation = t->raw && t->coverage_loss <= 0.0;
        names[i] = found[INC_NAME];
        child_path(sub, path, "name");
        if (!wg__scenario_valid_ident(t->name))
            return wg__yaml_fail(
                c, names[i], sub,
                "\"%s\" is not a name (a-z, then a-z, 0-9 or _)", t->name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->incident_types[j].name, t->name))
                return wg__yaml_fail(
                    c, names[i], sub,
                    "duplicate incident type \"%s\" (first at line "
                    "%u)",
                    t->name, (unsigned)names[j]->start_mark.line + 1);
    }
    sc->n_incident_types = n;
    return 0;
}

/* casualties: {<incident type>: {p_casualties, kia_mean, wia_mean, p_strike}}
 * Types left out cause no casualties (jamming, for one). */
int
wg__scenario_read_casualties(ctx_t *c, const yaml_node_t *map,
                             wg_scenario_t *sc)
{
    const yaml_node_t *seen[WG_MAX_INCIDENT_TYPES] = {0};
    int rc;

    if ((rc = wg__yaml_expect_type(c, map, "casualties", YAML_MAPPING_NODE,
                                   "a mapping")))
        return rc;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        char path[PATH_MAX_LEN];
        size_t i;

        if (k->type != YAML_SCALAR_NODE)
            return wg__yaml_fail(c, k, "casualties",
                                 "keys must be incident types");
        for (i = 0; i < sc->n_incident_types; i++)
            if (!strcmp((const char *)k->data.scalar.value,
                        sc->incident_types[i].name))
                break;
        if (i == sc->n_incident_types) {
            const char *name = (const char *)k->data.scalar.value;
            const char *best = NULL;
            size_t best_d = 3;
            for (size_t j = 0; j < sc->n_incident_types; j++) {
                size_t d = wg__yaml_distance(name, sc->incident_types[j].name);
                if (d < best_d) {
                    best_d = d;
                    best = sc->incident_types[j].name;
                }
            }
            return wg__yaml_fail(c, k, "casualties",
                                 "unknown incident type \"%.40s\"%s%s%s", name,
                                 best ? " (did you mean \"" : "",
                                 best ? best : "", best ? "\"?)" : "");
        }
        child_path(path, "casualties", sc->incident_types[i].name);
        if (seen[i])
            return wg__yaml_fail(c, k, path, "duplicate key (first at line %u)",
                                 (unsigned)seen[i]->start_mark.line + 1);
        seen[i] = k;
        if ((rc = wg__yaml_read_table(c, v, path, casualty_fields,
                                      NFIELDS(casualty_fields),
                                      &sc->incident_types[i], NULL)))
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

int
wg__scenario_read_sector_mask(ctx_t *c, const yaml_node_t *list,
                              const char *path, const wg_scenario_t *sc,
                              uint32_t *mask)
{
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, path, WG_MAX_SECTORS, &n)))
        return rc;
    *mask = 0;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(c, list, i);
        char code[WG_CODE_MAX], sub[PATH_MAX_LEN];
        int s;

        item_path(sub, path, i);
        if ((rc = wg__yaml_read_str(c, item, sub, code, sizeof code)))
            return rc;
        if ((s = find_sector(sc, code)) < 0)
            return wg__yaml_fail(c, item, sub, "unknown sector \"%s\"", code);
        *mask |= 1u << s;
    }
    return 0;
}

int
wg__scenario_read_nations(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *codes[WG_MAX_NATIONS];
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "nations", WG_MAX_NATIONS, &n)))
        return rc;
    if (!n)
        return wg__yaml_fail(c, list, "nations",
                             "at least one nation is needed");
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(nation_fields)] = {0};
        wg_nation_t *nat = &sc->nations[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        memset(nat, 0, sizeof *nat);
        nat->risk_tolerance = 0.5;
        nat->max_threat = NO_THREAT_CAVEAT;
        nat->fallback = WG_FALLBACK_HOLD;
        item_path(path, "nations", i);
        if ((rc = wg__yaml_read_table(c, list_item(c, list, i), path,
                                      nation_fields, NFIELDS(nation_fields),
                                      nat, found)))
            return rc;
        codes[i] = found[NAT_CODE];
        child_path(sub, path, "code");
        if (!valid_nation_code(nat->code))
            return wg__yaml_fail(c, codes[i], sub,
                                 "\"%s\" is not an ISO 3166 alpha-3 code (3 "
                                 "uppercase letters)",
                                 nat->code);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(sc->nations[j].code, nat->code))
                return wg__yaml_fail(
                    c, codes[i], sub,
                    "duplicate nation \"%s\" (first at line %u)", nat->code,
                    (unsigned)codes[j]->start_mark.line + 1);
        if (nat->surge_troops && nat->surge_troops < nat->max_troops) {
            child_path(sub, path, "surge_troops");
            return wg__yaml_fail(
                c, found[NAT_SURGE], sub,
                "%u is below max_troops (%u); use 0 for no surge",
                nat->surge_troops, nat->max_troops);
        }
        /* A unit larger than every ceiling could never deploy. */
        uint32_t ceiling = nat->surge_troops > nat->max_troops
                               ? nat->surge_troops
                               : nat->max_troops;
        if (ceiling && nat->unit_size > ceiling) {
            child_path(sub, path, "unit_size");
            return wg__yaml_fail(c, found[NAT_UNIT], sub,
                                 "%u is larger than the nation's ceiling (%u)",
                                 nat->unit_size, ceiling);
        }
        if (found[NAT_AVOID]) {
            child_path(sub, path, "avoid_sectors");
            if ((rc = wg__scenario_read_sector_mask(c, found[NAT_AVOID], sub,
                                                    sc, &nat->avoid_sectors)))
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
int
wg__scenario_regime_ref(ctx_t *c, const yaml_node_t *n,
                        const yaml_node_t *where, const char *path,
                        const char *dflt, const wg_scenario_t *sc,
                        uint32_t *out)
{
    char name[WG_NAME_MAX];
    int rc, r;

    if (n) {
        if ((rc = wg__yaml_read_str(c, n, path, name, sizeof name)))
            return rc;
    } else {
        snprintf(name, sizeof name, "%s", dflt);
    }
    if ((r = find_regime(sc, name)) < 0)
        return wg__yaml_fail(c, n ? n : where, path, "unknown regime \"%s\"%s",
                             name, n ? "" : " (the default; name one)");
    *out = (uint32_t)r;
    return 0;
}

/* ---- lookups ---- */

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
