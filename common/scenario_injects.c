/*
 * scenario_injects.c - the scenario's `injects:` list: the director's
 * master events list (docs/RULES.md, "Injects").
 *
 *   injects:
 *     - name: checkpoint_shooting   # what the director fires it by
 *       turn: manual                # or an incident turn of the plan
 *       sector: E2
 *       nation: FRA                 # optional: else the most exposed
 *       kind: patrol_fired_on       # an incident type
 *       count: 1                    # optional, 1 to 100
 *       text: "A French patrol is fired on at a checkpoint"
 *
 * Read after the plan, the lists and the events, since an inject names
 * sectors, nations and incident types, and one by turn must fall on an
 * incident turn (injects enter a turn's incidents, drawn at its start).
 * Reports as scenario_int.h says.
 */
#include "scenario_int.h"

#include <string.h>

#define MAX_INJECT_COUNT 100
_Static_assert(sizeof((wg_inject_t *)0)->text >= sizeof((wg_inject_t *)0)->name,
               "an inject's text defaults to its name");

enum { INJ_NAME, INJ_TURN, INJ_SECTOR, INJ_NATION, INJ_KIND, INJ_TEXT };
static const field_t inject_fields[] = {
    [INJ_NAME] = FIELD(wg_inject_t, name, F_STR, true, 0, 0),
    [INJ_TURN] = FNODE("turn", false),
    [INJ_SECTOR] = FNODE("sector", true),
    [INJ_NATION] = FNODE("nation", false),
    [INJ_KIND] = FNODE("kind", true),
    [INJ_TEXT] = FIELD(wg_inject_t, text, F_STR, false, 0, 0),
    FIELD(wg_inject_t, count, F_U32, false, 1, MAX_INJECT_COUNT),
};

int
wg_scenario_inject_index(const wg_scenario_t *self, const char *name)
{
    for (size_t i = 0; i < self->n_injects; i++)
        if (strcmp(self->injects[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* turn: "manual" (0), or an incident turn of the plan. */
static int
read_turn(ctx_t *c, const yaml_node_t *n, const char *path,
          const wg_scenario_t *sc, uint32_t *turn)
{
    uint64_t t;
    int rc;
    *turn = 0;
    if (n == NULL)
        return 0;
    if (n->type == YAML_SCALAR_NODE &&
        strcmp((const char *)n->data.scalar.value, "manual") == 0)
        return 0;
    if (n->type != YAML_SCALAR_NODE ||
        !(n->data.scalar.value[0] >= '0' && n->data.scalar.value[0] <= '9'))
        return wg__yaml_fail(c, n, path,
                             "expected \"manual\" or a turn number");
    if ((rc = wg__yaml_read_u64(c, n, path, 1, (double)sc->n_turns, &t)))
        return rc;
    if (sc->plan[t - 1] != WG_TURN_INCIDENT)
        return wg__yaml_fail(c, n, path,
                             "turn %u is not an incident turn of the plan "
                             "(an inject enters a turn's incidents)",
                             (unsigned)t);
    *turn = (uint32_t)t;
    return 0;
}

/* A code or name at n, looked up by find; -1 stays for an absent node. */
static int
read_ref(ctx_t *c, const yaml_node_t *n, const char *path, const char *what,
         const wg_scenario_t *sc,
         int (*find)(const wg_scenario_t *, const char *), int *out)
{
    char name[WG_NAME_MAX];
    int rc;
    if (n == NULL)
        return 0;
    if ((rc = wg__yaml_read_str(c, n, path, name, sizeof name)))
        return rc;
    if ((*out = find(sc, name)) < 0)
        return wg__yaml_fail(c, n, path, "unknown %s \"%s\"", what, name);
    return 0;
}

int
wg_scenario_incident_type_index(const wg_scenario_t *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_incident_types; i++)
        if (strcmp(sc->incident_types[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int
read_inject(ctx_t *c, const yaml_node_t *item, const char *path,
            wg_scenario_t *sc, size_t i, const yaml_node_t **names)
{
    const yaml_node_t *found[NFIELDS(inject_fields)] = {0};
    wg_inject_t *inj = &sc->injects[i];
    char sub[PATH_MAX_LEN];
    int sector = -1, nation = -1, kind = -1, rc;

    memset(inj, 0, sizeof *inj);
    inj->count = 1;
    if ((rc = wg__yaml_read_table(c, item, path, inject_fields,
                                  NFIELDS(inject_fields), inj, found)))
        return rc;
    names[i] = found[INJ_NAME];
    child_path(sub, path, "name");
    if (!wg__scenario_valid_ident(inj->name))
        return wg__yaml_fail(c, names[i], sub,
                             "\"%s\" is not a name (a-z, then a-z, 0-9 or _)",
                             inj->name);
    for (size_t j = 0; j < i; j++)
        if (strcmp(sc->injects[j].name, inj->name) == 0)
            return wg__yaml_fail(
                c, names[i], sub, "duplicate inject \"%s\" (first at line %u)",
                inj->name, (unsigned)names[j]->start_mark.line + 1);
    child_path(sub, path, "turn");
    if ((rc = read_turn(c, found[INJ_TURN], sub, sc, &inj->turn)))
        return rc;
    child_path(sub, path, "sector");
    if ((rc = read_ref(c, found[INJ_SECTOR], sub, "sector", sc,
                       wg_scenario_sector_index, &sector)))
        return rc;
    child_path(sub, path, "nation");
    if ((rc = read_ref(c, found[INJ_NATION], sub, "nation", sc,
                       wg_scenario_nation_index, &nation)))
        return rc;
    child_path(sub, path, "kind");
    if ((rc = read_ref(c, found[INJ_KIND], sub, "incident type", sc,
                       wg_scenario_incident_type_index, &kind)))
        return rc;
    inj->sector = (uint8_t)sector;
    inj->nation = (int8_t)nation;
    inj->type = (uint8_t)kind;
    if (!inj->text[0]) { /* the name (memcpy: both are fields of *sc) */
        size_t n = strnlen(inj->name, sizeof inj->name - 1);
        memcpy(inj->text, inj->name, n);
        inj->text[n] = '\0';
    }
    return 0;
}

int
wg__scenario_read_injects(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *names[WG_MAX_INJECTS];
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "injects", WG_MAX_INJECTS, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX_LEN];
        item_path(path, "injects", i);
        if ((rc = read_inject(c, list_item(c, list, i), path, sc, i, names)))
            return rc;
        sc->n_injects = i + 1;
    }
    return 0;
}
