/*
 * scenario_plan.c - the turn plan and the scripted events of a scenario.
 *
 * The plan is a list of turn types, with {repeat: N, turns: [...]} for the
 * exercise's rhythm, expanded here into sc->plan; the events (a gate that
 * opens, a regime change, a note) are tied to turns of that plan and sorted
 * by turn for the rules. The plan's words for turn types are the phase
 * table's names (wg/phases.h), so a new turn type needs nothing here. Called by
 * build() in scenario.c after the lists, which events refer to; no state
 * between calls. Errors as yaml_doc_int.h says: WG_ECONFIG, c->err filled.
 */
#include "scenario_int.h"
#include "wg/phases.h"

#include <stdio.h>
#include <string.h>

#define MAX_PLAN_DEPTH 8

/* The plan's words for turn types, from the phase table, NULL-ended. */
static void
turn_type_names(enum_name_t *names, size_t cap)
{
    size_t n = 0;
    const wg_turn_info_t *t;
    while (n + 1 < cap && (t = wg_turn_info_at(n)) != NULL) {
        names[n].name = t->name;
        names[n++].value = (int)t->type;
    }
    names[n].name = NULL;
}

static const enum_name_t event_names[] = {
    {"open_gate", WG_EVENT_OPEN_GATE},
    {"regime", WG_EVENT_REGIME},
    {"note", WG_EVENT_NOTE},
    {NULL, 0},
};
enum { EV_TURN, EV_KIND, EV_NATION, EV_REGIME, EV_TEXT, EV_SECTORS };
static const field_t event_fields[] = {
    [EV_TURN] = FIELD(wg_event_t, turn, F_U32, true, 1, WG_MAX_TURNS),
    [EV_KIND] = FENUM(wg_event_t, kind, true, event_names),
    [EV_NATION] = FNODE("nation", false),
    [EV_REGIME] = FNODE("regime", false),
    [EV_TEXT] = FIELD(wg_event_t, text, F_STR, false, 0, 0),
    [EV_SECTORS] = FNODE("sectors", false),
};

static int
add_turn(ctx_t *c, const yaml_node_t *n, const char *path, wg_scenario_t *sc,
         wg_turn_type_t t)
{
    if (sc->n_turns >= WG_MAX_TURNS)
        return wg__yaml_fail(c, n, path, "the plan is longer than %d turns",
                             WG_MAX_TURNS);
    sc->plan[sc->n_turns++] = t;
    return 0;
}

/* The two keys of {repeat: N, turns: [...]}, both required. */
static int
read_repeat(ctx_t *c, const yaml_node_t *item, const char *path,
            const yaml_node_t **times, const yaml_node_t **turns)
{
    static const char *const repeat_keys[] = {"repeat", "turns"};

    *times = *turns = NULL;
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start;
         p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key);
        const char *key;
        const yaml_node_t **slot;

        if (k->type != YAML_SCALAR_NODE)
            return wg__yaml_fail(c, k, path, "keys must be plain names");
        key = (const char *)k->data.scalar.value;
        if (!strcmp(key, "repeat"))
            slot = times;
        else if (!strcmp(key, "turns"))
            slot = turns;
        else
            return wg__yaml_unknown_key(c, k, path, repeat_keys, 2);
        if (*slot)
            return wg__yaml_fail(c, k, path, "duplicate key \"%s\"", key);
        *slot = node_at(c, p->value);
    }
    if (!*times || !*turns)
        return wg__yaml_fail(c, item, path, "missing required key \"%s\"",
                             *times ? "turns" : "repeat");
    return 0;
}

static int expand_plan(ctx_t *c, const yaml_node_t *list, const char *path,
                       wg_scenario_t *sc, int depth);

/*
 * Expands {repeat: N, turns: [...]} at path: the inner list is expanded
 * once and then copied, so nesting costs time linear in the plan's length,
 * whatever N says.
 */
static int
expand_repeat(ctx_t *c, const yaml_node_t *item, const char *path,
              wg_scenario_t *sc, int depth)
{
    const yaml_node_t *times, *turns;
    char rpath[PATH_MAX_LEN], tpath[PATH_MAX_LEN];
    uint64_t reps = 0;
    size_t start = sc->n_turns, len;
    int rc;

    if ((rc = read_repeat(c, item, path, &times, &turns)))
        return rc;
    child_path(rpath, path, "repeat");
    child_path(tpath, path, "turns");
    if ((rc = wg__yaml_read_u64(c, times, rpath, 1, WG_MAX_TURNS, &reps)))
        return rc;
    if ((rc = expand_plan(c, turns, tpath, sc, depth + 1)))
        return rc;
    len = sc->n_turns - start;
    if (!len)
        return wg__yaml_fail(c, turns, tpath, "repeats an empty list");
    if (len * reps > WG_MAX_TURNS - start)
        return wg__yaml_fail(
            c, item, path,
            "the plan is longer than %d turns (%zu so far, this "
            "adds %llu)",
            WG_MAX_TURNS, start, (unsigned long long)len * reps);
    for (uint64_t r = 1; r < reps; r++) {
        memcpy(&sc->plan[sc->n_turns], &sc->plan[start],
               len * sizeof sc->plan[0]);
        sc->n_turns += len;
    }
    return 0;
}

/* Expands one plan list: items are a turn type or {repeat: N, turns: [...]}. */
static int
expand_plan(ctx_t *c, const yaml_node_t *list, const char *path,
            wg_scenario_t *sc, int depth)
{
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, path, (size_t)-1, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *item = list_item(c, list, i);
        char sub[PATH_MAX_LEN];

        item_path(sub, path, i);
        if (item->type == YAML_SCALAR_NODE) {
            int t = 0;
            enum_name_t turn_names[32];
            turn_type_names(turn_names,
                            sizeof turn_names / sizeof turn_names[0]);
            if ((rc = wg__yaml_read_enum(c, item, sub, turn_names, &t)) ||
                (rc = add_turn(c, item, sub, sc, (wg_turn_type_t)t)))
                return rc;
            continue;
        }
        if (item->type != YAML_MAPPING_NODE) {
            char buf[64];
            return wg__yaml_fail(
                c, item, sub,
                "expected a turn type or {repeat: N, turns: [...]}, "
                "got %s",
                wg__yaml_describe(item, buf, sizeof buf));
        }
        if (depth >= MAX_PLAN_DEPTH)
            return wg__yaml_fail(c, item, sub, "repeats nested deeper than %d",
                                 MAX_PLAN_DEPTH);
        if ((rc = expand_repeat(c, item, sub, sc, depth)))
            return rc;
    }
    return 0;
}

int
wg__scenario_read_plan(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    int rc;

    if ((rc = expand_plan(c, list, "plan", sc, 0)))
        return rc;
    if (!sc->n_turns)
        return wg__yaml_fail(c, list, "plan", "the turn plan is empty");
    /* Nothing can rotate or meet an incident before anyone is deployed. */
    if (sc->plan[0] != WG_TURN_DEPLOYMENT)
        return wg__yaml_fail(c, list, "plan",
                             "turn 1 must be a deployment turn");
    return 0;
}

/* open_gate: the nation whose gate opens at ev->turn, once per nation. */
static int
read_gate_event(ctx_t *c, const yaml_node_t *item, const char *path,
                const yaml_node_t *const *found, wg_scenario_t *sc,
                wg_event_t *ev, const yaml_node_t **gate_seen)
{
    char sub[PATH_MAX_LEN], name[WG_NAME_MAX];
    int nat, rc;

    if (!found[EV_NATION])
        return wg__yaml_fail(c, item, path,
                             "missing required key \"nation\" (open_gate)");
    child_path(sub, path, "nation");
    if ((rc = wg__yaml_read_str(c, found[EV_NATION], sub, name, sizeof name)))
        return rc;
    if ((nat = wg_scenario_nation_index(sc, name)) < 0)
        return wg__yaml_fail(c, found[EV_NATION], sub, "unknown nation \"%s\"",
                             name);
    if (gate_seen[nat])
        return wg__yaml_fail(c, found[EV_NATION], sub,
                             "%s's gate already opens at line %u", name,
                             (unsigned)gate_seen[nat]->start_mark.line + 1);
    gate_seen[nat] = found[EV_NATION];
    ev->nation = nat;
    sc->nations[nat].gate.opens_turn = ev->turn;
    if (!ev->text[0])
        snprintf(ev->text, sizeof ev->text, "%s may deploy", name);
    return 0;
}

/* regime: the regime that starts at ev->turn. */
static int
read_regime_event(ctx_t *c, const yaml_node_t *item, const char *path,
                  const yaml_node_t *const *found, const wg_scenario_t *sc,
                  wg_event_t *ev)
{
    char sub[PATH_MAX_LEN];
    int rc;

    if (!found[EV_REGIME])
        return wg__yaml_fail(c, item, path,
                             "missing required key \"regime\" (regime)");
    child_path(sub, path, "regime");
    if ((rc = wg__scenario_regime_ref(c, found[EV_REGIME], item, sub, NULL, sc,
                                      &ev->regime)))
        return rc;
    /* The sectors it hits; left out, the whole theatre. */
    child_path(sub, path, "sectors");
    if (found[EV_SECTORS] && (rc = wg__scenario_read_sector_mask(
                                  c, found[EV_SECTORS], sub, sc, &ev->sectors)))
        return rc;
    if (!ev->text[0])
        snprintf(ev->text, sizeof ev->text, "regime: %s",
                 sc->regimes[ev->regime].name);
    return 0;
}

/* Each kind takes its own reference and no other, so a regime event with a
 * stray nation: key is a mistake, not a no-op. */
static int
check_event_refs(ctx_t *c, const char *path, const yaml_node_t *const *found,
                 const wg_event_t *ev)
{
    char sub[PATH_MAX_LEN];

    if (ev->kind != WG_EVENT_OPEN_GATE && found[EV_NATION]) {
        child_path(sub, path, "nation");
        return wg__yaml_fail(c, found[EV_NATION], sub,
                             "only an open_gate event names a nation");
    }
    if (ev->kind != WG_EVENT_REGIME && found[EV_REGIME]) {
        child_path(sub, path, "regime");
        return wg__yaml_fail(c, found[EV_REGIME], sub,
                             "only a regime event names a regime");
    }
    if (ev->kind != WG_EVENT_REGIME && found[EV_SECTORS]) {
        child_path(sub, path, "sectors");
        return wg__yaml_fail(c, found[EV_SECTORS], sub,
                             "only a regime event names sectors");
    }
    return 0;
}

/* Rules walk events in turn order; keep the file's order within a turn. */
static void
sort_events(wg_scenario_t *sc)
{
    for (size_t i = 1; i < sc->n_events; i++) {
        wg_event_t ev = sc->events[i];
        size_t j = i;
        for (; j > 0 && sc->events[j - 1].turn > ev.turn; j--)
            sc->events[j] = sc->events[j - 1];
        sc->events[j] = ev;
    }
}

int
wg__scenario_read_events(ctx_t *c, const yaml_node_t *list, wg_scenario_t *sc)
{
    const yaml_node_t *gate_seen[WG_MAX_NATIONS] = {0};
    size_t n = 0;
    int rc;

    if ((rc = wg__yaml_expect_list(c, list, "events", WG_MAX_EVENTS, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const yaml_node_t *found[NFIELDS(event_fields)] = {0};
        const yaml_node_t *item = list_item(c, list, i);
        wg_event_t *ev = &sc->events[i];
        char path[PATH_MAX_LEN], sub[PATH_MAX_LEN];

        memset(ev, 0, sizeof *ev);
        ev->nation = -1;
        item_path(path, "events", i);
        if ((rc = wg__yaml_read_table(c, item, path, event_fields,
                                      NFIELDS(event_fields), ev, found)))
            return rc;
        if (ev->turn > sc->n_turns) {
            child_path(sub, path, "turn");
            return wg__yaml_fail(c, found[EV_TURN], sub,
                                 "turn %u is past the plan's last turn (%zu)",
                                 ev->turn, sc->n_turns);
        }
        if ((rc = check_event_refs(c, path, found, ev)))
            return rc;
        switch (ev->kind) {
        case WG_EVENT_OPEN_GATE:
            rc = read_gate_event(c, item, path, found, sc, ev, gate_seen);
            break;
        case WG_EVENT_REGIME:
            rc = read_regime_event(c, item, path, found, sc, ev);
            break;
        case WG_EVENT_NOTE:
            if (!found[EV_TEXT])
                rc = wg__yaml_fail(c, item, path,
                                   "missing required key \"text\" (note)");
            break;
        }
        if (rc)
            return rc;
        sc->n_events = i + 1;
    }
    sort_events(sc);
    return 0;
}
