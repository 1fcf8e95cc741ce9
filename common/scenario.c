/*
 * scenario.c - loads and validates an exercise scenario from YAML: the
 * public entry points, the top-level schema and the model's parameter
 * tables (threat, escalation, cohesion, stability, rules of engagement,
 * command), and the checks across them.
 *
 * The whole file is parsed into a libyaml document first (yaml_doc.c, so
 * every node has its line and column), then walked once by build() into a
 * calloc'ed wg_scenario_t: defaults first (scenario_defaults.c), then the
 * named lists (scenario_lists.c), these tables, and the turn plan and
 * events (scenario_plan.c). Every table is checked against a field list:
 * unknown keys, missing required keys, wrong types, out-of-range values and
 * dangling references (nation, sector, regime, incident type) all stop the
 * load. Nothing here keeps state between calls, so it is safe from any
 * thread.
 *
 * Errors: the first problem found fills a wg_config_error_t with the file,
 * the 1-based line and column of the offending node, and a message that
 * starts with the node's path ("nations[2].tour_weeks: ..."); the functions
 * return WG_ECONFIG, or -errno when the file cannot be read. The caller
 * owns the returned scenario and frees it with free().
 */
#include "wg/scenario.h"
#include "wg/error.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_int.h"
#include "sha256_int.h"

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
static const enum_name_t sharing_names[] = {
    {"full", WG_SHARING_FULL},
    {"coalition", WG_SHARING_COALITION},
    {"national", WG_SHARING_NATIONAL},
    {NULL, 0},
};
static const enum_name_t roe_names[] = {
    {"hold", WG_ROE_HOLD},
    {"return_fire", WG_ROE_RETURN_FIRE},
    {"de_escalate", WG_ROE_DE_ESCALATE},
    {"withdraw", WG_ROE_WITHDRAW},
    {NULL, 0},
};

/* ---- field lists: one per top-level table of the YAML file ---- */

enum { THR_MANAGED, THR_HOT };
static const field_t threat_fields[] = {
    [THR_MANAGED] = FNODE("managed_regime", false),
    [THR_HOT] = FNODE("hot_regime", false),
    FIELD(wg_threat_t, exposure_line, F_F64, false, 0, 1),
    FIELD(wg_threat_t, exposure_rear, F_F64, false, 0, 1),
    FIELD(wg_threat_t, p_hot_after_recommit, F_F64, false, 0, 1),
    FIELD(wg_threat_t, p_hot_from_managed, F_F64, false, 0, 1),
    FIELD(wg_threat_t, reference_density, F_F64, false, 0, BIG_TROOPS),
    FIELD(wg_threat_t, density_cap, F_F64, false, 0, 1000),
};

static const field_t deterrence_fields[] = {
    FIELD(wg_deterrence_t, probe_factor, F_F64, false, 0, 100),
    FIELD(wg_deterrence_t, held_factor_robust, F_F64, false, 0, 100),
    FIELD(wg_deterrence_t, held_factor_restrictive, F_F64, false, 0, 100),
};

enum { ESC_MAX };
static const field_t escalation_fields[] = {
    [ESC_MAX] = FIELD(wg_escalation_t, max_level, F_U32, false, 1, 20),
    FIELD(wg_escalation_t, p_up_restrictive, F_F64, false, 0, 1),
    FIELD(wg_escalation_t, p_up_robust, F_F64, false, 0, 1),
    FIELD(wg_escalation_t, us_enabler_factor, F_F64, false, 0, 10),
    FIELD(wg_escalation_t, reinforce_delta, F_F64, false, -1, 1),
    FIELD(wg_escalation_t, p_down_quiet, F_F64, false, 0, 1),
    FIELD(wg_escalation_t, reinforce_units, F_U32, false, 0, 1000),
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
    FIELD(wg_stability_t, baseline, F_F64, false, 0, 100),
    FIELD(wg_stability_t, reversion, F_F64, false, 0, 1),
    FIELD(wg_stability_t, gap_loss, F_F64, false, 0, 100),
    FIELD(wg_stability_t, p_break_at_zero, F_F64, false, 0, 1),
    FIELD(wg_stability_t, break_exponent, F_F64, false, 0, 20),
    FIELD(wg_stability_t, p_recommit, F_F64, false, 0, 1),
    FIELD(wg_stability_t, recommit_cooldown, F_U32, false, 0, WG_MAX_TURNS),
    FIELD(wg_stability_t, fragile_turns, F_U32, false, 0, WG_MAX_TURNS),
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

enum {
    TOP_NATIONS,
    TOP_SECTORS,
    TOP_INCIDENTS,
    TOP_CASUALTIES,
    TOP_REGIMES,
    TOP_THREAT,
    TOP_ESCALATION,
    TOP_DETERRENCE,
    TOP_COHESION,
    TOP_STABILITY,
    TOP_ROE,
    TOP_COMMAND,
    TOP_EVENTS,
    TOP_PLAN,
    TOP_INJECTS,
};
static const field_t top_fields[] = {
    [TOP_NATIONS] = FNODE("nations", true),
    [TOP_SECTORS] = FNODE("sectors", true),
    [TOP_INCIDENTS] = FNODE("incident_types", true),
    [TOP_CASUALTIES] = FNODE("casualties", false),
    [TOP_REGIMES] = FNODE("regimes", false),
    [TOP_THREAT] = FNODE("threat", false),
    [TOP_ESCALATION] = FNODE("escalation", false),
    [TOP_DETERRENCE] = FNODE("deterrence", false),
    [TOP_COHESION] = FNODE("cohesion", false),
    [TOP_STABILITY] = FNODE("stability", false),
    [TOP_ROE] = FNODE("roe", false),
    [TOP_COMMAND] = FNODE("command", false),
    [TOP_EVENTS] = FNODE("events", false),
    [TOP_PLAN] = FNODE("plan", true),
    [TOP_INJECTS] = FNODE("injects", false),
    FIELD(wg_scenario_t, name, F_STR, true, 0, 0),
    FIELD(wg_scenario_t, seed, F_U64, false, 0, 0),
    FENUM(wg_scenario_t, mandate, true, mandate_names),
    FENUM(wg_scenario_t, auspices, true, auspices_names),
    FIELD(wg_scenario_t, us_enablers, F_BOOL, false, 0, 0),
    FIELD(wg_scenario_t, turn_weeks, F_U32, false, 1, 52),
    FIELD(wg_scenario_t, deadline_ms, F_U32, false, 10, 3600000),
    FENUM(wg_scenario_t, sharing, false, sharing_names),
};

static int
read_threat(ctx_t *c, const yaml_node_t *map, const yaml_node_t *regimes,
            const yaml_node_t *root, wg_scenario_t *sc)
{
    const yaml_node_t *found[NFIELDS(threat_fields)] = {0};
    const yaml_node_t *where;
    int rc;

    if (map &&
        (rc = wg__yaml_read_table(c, map, "threat", threat_fields,
                                  NFIELDS(threat_fields), &sc->threat, found)))
        return rc;
    /* Without a name in the file the default regimes are looked up; point
     * at the table that failed to define them. */
    where = map ? map : regimes ? regimes : root;
    if ((rc = wg__scenario_regime_ref(c, found[THR_MANAGED], where,
                                      "threat.managed_regime", "managed", sc,
                                      &sc->threat.managed_regime)))
        return rc;
    return wg__scenario_regime_ref(c, found[THR_HOT], where,
                                   "threat.hot_regime", "hot", sc,
                                   &sc->threat.hot_regime);
}

static int
read_roe(ctx_t *c, const yaml_node_t *map, wg_scenario_t *sc)
{
    const yaml_node_t *seen[WG_ROE_COUNT] = {0};
    const char *known[WG_ROE_COUNT - 1] = {0};
    int rc;

    if ((rc = wg__yaml_expect_type(c, map, "roe", YAML_MAPPING_NODE,
                                   "a mapping")))
        return rc;
    for (size_t i = 0; i < WG_ROE_COUNT - 1; i++)
        known[i] = roe_names[i].name;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        char path[PATH_MAX_LEN];
        const enum_name_t *e;

        if (k->type != YAML_SCALAR_NODE)
            return wg__yaml_fail(c, k, "roe", "keys must be plain names");
        for (e = roe_names; e->name; e++)
            if (!strcmp((const char *)k->data.scalar.value, e->name))
                break;
        if (!e->name)
            return wg__yaml_unknown_key(c, k, "roe", known, WG_ROE_COUNT - 1);
        child_path(path, "roe", e->name);
        if (seen[e->value])
            return wg__yaml_fail(c, k, path, "duplicate key (first at line %u)",
                                 (unsigned)seen[e->value]->start_mark.line + 1);
        seen[e->value] = k;
        if ((rc = wg__yaml_read_table(c, v, path, roe_fields,
                                      NFIELDS(roe_fields), &sc->roe[e->value],
                                      NULL)))
            return rc;
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
        return wg__yaml_fail(c, coh[COH_LEVEL], "cohesion.escalation_level",
                             "%u is above escalation.max_level (%u)",
                             h->escalation_level, top);
    if (sc->command.recommit_escalation > top)
        return wg__yaml_fail(c, cmd[CMD_RECOMMIT],
                             "command.recommit_escalation",
                             "%u is above escalation.max_level (%u)",
                             sc->command.recommit_escalation, top);
    if (h->leave_at_tour_end_below > h->no_rotation_below)
        return wg__yaml_fail(
            c, coh[COH_TOUREND] ? coh[COH_TOUREND] : coh[COH_NOROT],
            "cohesion.leave_at_tour_end_below",
            "%g is above no_rotation_below (%g)", h->leave_at_tour_end_below,
            h->no_rotation_below);
    if (h->leave_now_below > h->leave_at_tour_end_below)
        return wg__yaml_fail(c, coh[COH_NOW] ? coh[COH_NOW] : coh[COH_TOUREND],
                             "cohesion.leave_now_below",
                             "%g is above leave_at_tour_end_below (%g)",
                             h->leave_now_below, h->leave_at_tour_end_below);
    return 0;
}

/* The brief's calibration (§8), for every table a file may leave out. */
static int
build(ctx_t *c, const yaml_node_t *root, wg_scenario_t *sc)
{
    const yaml_node_t *top[NFIELDS(top_fields)] = {0};
    const yaml_node_t *coh[NFIELDS(cohesion_fields)] = {0};
    const yaml_node_t *cmd[NFIELDS(command_fields)] = {0};
    int rc;

    wg__scenario_set_defaults(sc);
    if ((rc = wg__yaml_read_table(c, root, "", top_fields, NFIELDS(top_fields),
                                  sc, top)))
        return rc;
    /* The robust default follows the mandate unless the file says. */
    sc->command.robust_roe = sc->mandate == WG_MANDATE_DETERRENCE;

    if ((rc = wg__scenario_read_sectors(c, top[TOP_SECTORS], sc)) ||
        (top[TOP_REGIMES] &&
         (rc = wg__scenario_read_regimes(c, top[TOP_REGIMES], sc))) ||
        (rc = wg__scenario_read_incidents(c, top[TOP_INCIDENTS], sc)) ||
        (top[TOP_CASUALTIES] &&
         (rc = wg__scenario_read_casualties(c, top[TOP_CASUALTIES], sc))) ||
        (rc = wg__scenario_read_nations(c, top[TOP_NATIONS], sc)) ||
        (rc = read_threat(c, top[TOP_THREAT], top[TOP_REGIMES], root, sc)))
        return rc;
    if (top[TOP_ESCALATION] &&
        (rc = wg__yaml_read_table(c, top[TOP_ESCALATION], "escalation",
                                  escalation_fields, NFIELDS(escalation_fields),
                                  &sc->escalation, NULL)))
        return rc;
    if (top[TOP_DETERRENCE] &&
        (rc = wg__yaml_read_table(c, top[TOP_DETERRENCE], "deterrence",
                                  deterrence_fields, NFIELDS(deterrence_fields),
                                  &sc->deterrence, NULL)))
        return rc;
    if (top[TOP_COHESION] &&
        (rc = wg__yaml_read_table(c, top[TOP_COHESION], "cohesion",
                                  cohesion_fields, NFIELDS(cohesion_fields),
                                  &sc->cohesion, coh)))
        return rc;
    if (top[TOP_STABILITY] &&
        (rc = wg__yaml_read_table(c, top[TOP_STABILITY], "stability",
                                  stability_fields, NFIELDS(stability_fields),
                                  &sc->stability, NULL)))
        return rc;
    if (top[TOP_ROE] && (rc = read_roe(c, top[TOP_ROE], sc)))
        return rc;
    if (top[TOP_COMMAND] && (rc = wg__yaml_read_table(
                                 c, top[TOP_COMMAND], "command", command_fields,
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
    if ((rc = wg__scenario_read_plan(c, top[TOP_PLAN], sc)))
        return rc;
    if (top[TOP_EVENTS] &&
        (rc = wg__scenario_read_events(c, top[TOP_EVENTS], sc)))
        return rc;
    if (top[TOP_INJECTS] &&
        (rc = wg__scenario_read_injects(c, top[TOP_INJECTS], sc)))
        return rc;
    return 0;
}

int
wg_scenario_parse(const char *name, const char *text, size_t len,
                  wg_scenario_t **out, wg_config_error_t *err)
{
    yaml_document_t doc;
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
    if (len > WG_SCENARIO_MAX_BYTES) {
        snprintf(err->message, sizeof err->message,
                 "larger than %zu bytes; not a scenario",
                 WG_SCENARIO_MAX_BYTES);
        return WG_ECONFIG;
    }
    if (!(sc = calloc(1, sizeof *sc)))
        return -ENOMEM;
    if ((rc = wg__yaml_load_document(&c, text, len, &root))) {
        free(sc);
        return rc;
    }
    if ((rc = build(&c, root, sc)))
        goto out;
    snprintf(sc->path, sizeof sc->path, "%s", name);
    wg__sha256(text, len, sc->hash); /* SHA-NI where there is one */
    *out = sc;
    sc = NULL;
out:
    yaml_document_delete(&doc);
    free(sc);
    return rc;
}

int
wg_scenario_load(const char *path, wg_scenario_t **out, wg_config_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if ((rc = wg__yaml_read_file(path, WG_SCENARIO_MAX_BYTES, "a scenario",
                                 &text, &len, err)) < 0)
        return rc;
    rc = wg_scenario_parse(path, text, len, out, err);
    free(text);
    return rc;
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
