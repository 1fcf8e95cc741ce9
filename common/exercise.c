/*
 * exercise.c - the exercise file (wg/exercise.h): reads it with the
 * scenario loader's YAML machinery (yaml_doc_int.h), loads the scenario it
 * names and each seat's public certificate, and checks the seats against
 * the scenario: every nation and the command seated once, no key twice,
 * keys all given or all absent, and loopback endpoints without keys.
 *
 * Paths in the file are relative to its directory, so one folder with the
 * exercise file and a keys/ folder can be copied to every team's machine.
 */
#include "wg/exercise.h"

#include "wg/error.h"
#include "yaml_doc_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXERCISE_BYTES ((size_t)1 << 20)

/* What a seat entry is read into before it is checked. */
typedef struct {
    char role[16];
    char name[32];
    int player;
    char bot[512];
    char key[512];
} seat_entry_t;

/* What the top level is read into. */
typedef struct {
    char scenario[512];
    char router[256];
    char pub[256];
    char adjudicator_key[512];
    int second_connection;
    int absent;
} top_entry_t;

static const enum_name_t player_names[] = {
    {"bot", WG_PLAYER_BOT},
    {"program", WG_PLAYER_PROGRAM},
    {"human", WG_PLAYER_HUMAN},
    {NULL, 0},
};

static const enum_name_t second_names[] = {
    {"takeover", WG_SECOND_TAKEOVER},
    {"refuse", WG_SECOND_REFUSE},
    {NULL, 0},
};

static const enum_name_t absent_names[] = {
    {"fallback", WG_ABSENT_FALLBACK},
    {"wait", WG_ABSENT_WAIT},
    {NULL, 0},
};

enum { SEAT_ROLE, SEAT_NAME, SEAT_PLAYER, SEAT_BOT, SEAT_KEY };
static const field_t seat_fields[] = {
    [SEAT_ROLE] = FIELD(seat_entry_t, role, F_STR, true, 0, 0),
    [SEAT_NAME] = FIELD(seat_entry_t, name, F_STR, false, 0, 0),
    [SEAT_PLAYER] = FENUM(seat_entry_t, player, false, player_names),
    [SEAT_BOT] = FIELD(seat_entry_t, bot, F_STR, false, 0, 0),
    [SEAT_KEY] = FIELD(seat_entry_t, key, F_STR, false, 0, 0),
};

enum {
    TOP_SCENARIO,
    TOP_ROUTER,
    TOP_PUB,
    TOP_KEY,
    TOP_SECOND,
    TOP_SEATS,
    TOP_ABSENT
};
static const field_t top_fields[] = {
    [TOP_SCENARIO] = FIELD(top_entry_t, scenario, F_STR, true, 0, 0),
    [TOP_ROUTER] = FIELD(top_entry_t, router, F_STR, true, 0, 0),
    [TOP_PUB] = FIELD(top_entry_t, pub, F_STR, true, 0, 0),
    [TOP_KEY] = FIELD(top_entry_t, adjudicator_key, F_STR, false, 0, 0),
    [TOP_SECOND] = FENUM(top_entry_t, second_connection, false, second_names),
    [TOP_SEATS] = FNODE("seats", true),
    [TOP_ABSENT] = FENUM(top_entry_t, absent, false, absent_names),
};

/* path relative to the directory of base (unless path is absolute). */
static void
resolve(char *out, size_t cap, const char *base, const char *path)
{
    const char *slash = strrchr(base, '/');
    if (path[0] == '/' || slash == NULL)
        snprintf(out, cap, "%s", path);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - base), base, path);
}

bool
wg_endpoint_is_loopback(const char *ep)
{
    if (strncmp(ep, "ipc://", 6) == 0 || strncmp(ep, "inproc://", 9) == 0)
        return true;
    if (strncmp(ep, "tcp://", 6) != 0)
        return false;
    const char *host = ep + 6, *colon = strrchr(host, ':');
    if (colon == NULL)
        return false;
    size_t n = (size_t)(colon - host);
    if ((n == 5 && memcmp(host, "[::1]", 5) == 0) ||
        (n == 9 && memcmp(host, "localhost", 9) == 0))
        return true;
    /* 127.a.b.c: four numbers, the first 127, nothing else. */
    unsigned a, b, c, d;
    int used = 0;
    return n < 16 &&
           sscanf(host, "%u.%u.%u.%u%n", &a, &b, &c, &d, &used) == 4 &&
           (size_t)used == n && a == 127 && b < 256 && c < 256 && d < 256;
}

bool
wg_endpoint_is_wildcard(const char *ep)
{
    static const char *const any[] = {
        "tcp://0.0.0.0:", "tcp://*:", "tcp://[::]:"};
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++)
        if (strncmp(ep, any[i], strlen(any[i])) == 0)
            return true;
    return false;
}

bool
wg_endpoint_port_ok(const char *ep)
{
    if (strncmp(ep, "tcp://", 6) != 0)
        return true;
    const char *port = strrchr(ep + 6, ':');
    if (port == NULL || !port[1])
        return false;
    if (strcmp(port + 1, "*") == 0)
        return true;
    unsigned long v = 0;
    for (const char *p = port + 1; *p; p++) {
        if (*p < '0' || *p > '9' || v > 65535)
            return false;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    return v >= 1 && v <= 65535;
}

/* A key file named in the exercise, loaded; an error points at the node
 * that named it and carries the certificate's own message. */
static int
load_key(ctx_t *c, const yaml_node_t *node, const char *path, const char *file,
         const char *rel, uint8_t key[WG_KEY_LEN])
{
    char full[1024];
    wg_config_error_t kerr;

    resolve(full, sizeof full, file, rel);
    if (wg_keys_load_public(full, key, &kerr) == 0)
        return 0;
    if (kerr.line)
        return wg__yaml_fail(c, node, path, "%s:%u:%u: %s", kerr.file,
                             kerr.line, kerr.column, kerr.message);
    return wg__yaml_fail(c, node, path, "%s: %s", full, kerr.message);
}

/* The role's kind and canonical name, or an error naming what is allowed. */
static int
seat_role(ctx_t *c, const yaml_node_t *const *found, const char *path,
          const seat_entry_t *e, const wg_scenario_t *sc, wg_seat_t *seat)
{
    if (strcmp(e->role, "command") == 0) {
        seat->kind = WG_SEAT_COMMAND;
    } else if (strcmp(e->role, "director") == 0) {
        seat->kind = WG_SEAT_DIRECTOR;
    } else if (strcmp(e->role, "observer") == 0) {
        seat->kind = WG_SEAT_OBSERVER;
    } else if (wg_scenario_nation_index(sc, e->role) >= 0) {
        seat->kind = WG_SEAT_NATION;
    } else {
        char known[WG_MAX_NATIONS * 4 + 1] = "";
        for (size_t i = 0; i < sc->n_nations; i++) {
            strcat(known, sc->nations[i].code);
            if (i + 1 < sc->n_nations)
                strcat(known, " ");
        }
        return wg__yaml_fail(c, found[SEAT_ROLE], path,
                             "unknown role \"%s\": a nation of the scenario "
                             "(%s), command, director or observer",
                             e->role, known);
    }
    if (seat->kind == WG_SEAT_OBSERVER && e->name[0] == '\0')
        return wg__yaml_fail(c, found[SEAT_ROLE], path,
                             "an observer needs a name");
    if (seat->kind != WG_SEAT_OBSERVER && found[SEAT_NAME] != NULL)
        return wg__yaml_fail(c, found[SEAT_NAME], path,
                             "only an observer has a name");
    if (seat->kind == WG_SEAT_OBSERVER)
        snprintf(seat->role, sizeof seat->role, "observer:%s", e->name);
    else
        snprintf(seat->role, sizeof seat->role, "%s", e->role);
    snprintf(seat->name, sizeof seat->name, "%s", e->name);
    return 0;
}

static int
read_seat(ctx_t *c, const yaml_node_t *item, const char *path, const char *file,
          const wg_scenario_t *sc, wg_exercise_t *ex)
{
    seat_entry_t e = {.player = WG_PLAYER_BOT};
    const yaml_node_t *found[NFIELDS(seat_fields)] = {0};
    wg_seat_t *seat = &ex->seats[ex->n_seats];
    int rc;

    if ((rc = wg__yaml_read_table(c, item, path, seat_fields,
                                  NFIELDS(seat_fields), &e, found)))
        return rc;
    memset(seat, 0, sizeof *seat);
    seat->line = (unsigned)item->start_mark.line + 1;
    if ((rc = seat_role(c, found, path, &e, sc, seat)))
        return rc;
    if (wg_exercise_seat(ex, seat->role) != NULL)
        return wg__yaml_fail(c, found[SEAT_ROLE], path, "a second seat for %s",
                             seat->role);
    seat->player = (wg_player_t)e.player;
    if (seat->kind >= WG_SEAT_DIRECTOR && found[SEAT_PLAYER] != NULL)
        return wg__yaml_fail(c, found[SEAT_PLAYER], path,
                             "the %s seat plays no orders: no player",
                             seat->kind == WG_SEAT_DIRECTOR ? "director"
                                                            : "observer");
    if (found[SEAT_BOT] != NULL && seat->player != WG_PLAYER_BOT)
        return wg__yaml_fail(c, found[SEAT_BOT], path,
                             "bot is for player: bot only");
    if (seat->player == WG_PLAYER_BOT && seat->kind <= WG_SEAT_COMMAND)
        snprintf(seat->bot, sizeof seat->bot, "%s",
                 found[SEAT_BOT] ? e.bot : "builtin");
    if (found[SEAT_KEY] != NULL) {
        if (!ex->has_keys)
            return wg__yaml_fail(c, found[SEAT_KEY], path,
                                 "a seat key without adjudicator_key: keys "
                                 "are all given or all absent");
        if ((rc = load_key(c, found[SEAT_KEY], path, file, e.key,
                           seat->public_key)))
            return rc;
        const wg_seat_t *other = wg_exercise_seat_by_key(ex, seat->public_key);
        if (other != NULL)
            return wg__yaml_fail(c, found[SEAT_KEY], path,
                                 "the same key as the %s seat (line %u): one "
                                 "key, one seat",
                                 other->role, other->line);
        seat->has_key = true;
    } else if (ex->has_keys) {
        return wg__yaml_fail(c, item, path,
                             "no key: with adjudicator_key every seat needs "
                             "one");
    }
    ex->n_seats++;
    return 0;
}

/* Every nation of the scenario and the command must have a seat. */
static int
check_all_seated(ctx_t *c, const yaml_node_t *seats, const wg_scenario_t *sc,
                 const wg_exercise_t *ex)
{
    if (wg_exercise_seat(ex, "command") == NULL)
        return wg__yaml_fail(c, seats, "seats", "no seat for the command");
    for (size_t i = 0; i < sc->n_nations; i++)
        if (wg_exercise_seat(ex, sc->nations[i].code) == NULL)
            return wg__yaml_fail(c, seats, "seats",
                                 "no seat for %s, a nation of the scenario",
                                 sc->nations[i].code);
    return 0;
}

static int
read_top(ctx_t *c, const yaml_node_t *root, const char *file, wg_exercise_t *ex,
         wg_scenario_t **sc)
{
    top_entry_t t = {.second_connection = WG_SECOND_TAKEOVER};
    const yaml_node_t *found[NFIELDS(top_fields)] = {0};
    wg_config_error_t serr;
    size_t n;
    int rc;

    if ((rc = wg__yaml_read_table(c, root, "", top_fields, NFIELDS(top_fields),
                                  &t, found)))
        return rc;
    resolve(ex->scenario_path, sizeof ex->scenario_path, file, t.scenario);
    if ((rc = wg_scenario_load(ex->scenario_path, sc, &serr)) < 0) {
        *c->err = serr; /* the scenario's own file:line:column */
        return rc;
    }
    snprintf(ex->router, sizeof ex->router, "%s", t.router);
    snprintf(ex->pub, sizeof ex->pub, "%s", t.pub);
    ex->second_connection = (wg_second_connection_t)t.second_connection;
    ex->absent = (wg_absent_t)t.absent;
    if (found[TOP_KEY] != NULL) {
        if ((rc = load_key(c, found[TOP_KEY], "adjudicator_key", file,
                           t.adjudicator_key, ex->adjudicator_key)))
            return rc;
        ex->has_keys = true;
    } else {
        const yaml_node_t *ep =
            !wg_endpoint_is_loopback(t.router) ? found[TOP_ROUTER]
            : !wg_endpoint_is_loopback(t.pub)  ? found[TOP_PUB]
                                               : NULL;
        if (ep != NULL)
            return wg__yaml_fail(c, ep, "",
                                 "not a loopback endpoint, and no "
                                 "adjudicator_key: an exercise without keys "
                                 "runs on one machine only");
    }
    const yaml_node_t *seats = found[TOP_SEATS];
    if ((rc = wg__yaml_expect_list(c, seats, "seats", WG_MAX_SEATS, &n)))
        return rc;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX_LEN];
        item_path(path, "seats", i);
        if ((rc = read_seat(c, list_item(c, seats, i), path, file, *sc, ex)))
            return rc;
    }
    return check_all_seated(c, seats, *sc, ex);
}

int
wg_exercise_load(const char *path, wg_exercise_t **out, wg_scenario_t **sc_out,
                 wg_config_error_t *err)
{
    yaml_document_t doc;
    ctx_t c = {&doc, err};
    yaml_node_t *root;
    wg_exercise_t *ex = NULL;
    wg_scenario_t *sc = NULL;
    char *text = NULL;
    size_t len;
    int rc;

    *out = NULL;
    if (sc_out != NULL)
        *sc_out = NULL;
    if ((rc = wg__yaml_read_file(path, MAX_EXERCISE_BYTES, "an exercise file",
                                 &text, &len, err)) < 0)
        return rc;
    if ((rc = wg__yaml_load_document(&c, text, len, &root))) {
        free(text);
        return rc;
    }
    if (!(ex = calloc(1, sizeof *ex))) {
        rc = -ENOMEM;
        goto out;
    }
    snprintf(ex->path, sizeof ex->path, "%s", path);
    if ((rc = read_top(&c, root, path, ex, &sc)))
        goto out;
    *out = ex;
    ex = NULL;
    if (sc_out != NULL) {
        *sc_out = sc;
        sc = NULL;
    }
out:
    yaml_document_delete(&doc);
    free(text);
    free(ex);
    free(sc);
    return rc;
}

void
wg_exercise_destroy(wg_exercise_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    free(*self_p);
    *self_p = NULL;
}

const wg_seat_t *
wg_exercise_seat(const wg_exercise_t *self, const char *role)
{
    for (size_t i = 0; i < self->n_seats; i++)
        if (strcmp(self->seats[i].role, role) == 0)
            return &self->seats[i];
    return NULL;
}

const wg_seat_t *
wg_exercise_seat_by_key(const wg_exercise_t *self,
                        const uint8_t key[WG_KEY_LEN])
{
    for (size_t i = 0; i < self->n_seats; i++)
        if (self->seats[i].has_key &&
            memcmp(self->seats[i].public_key, key, WG_KEY_LEN) == 0)
            return &self->seats[i];
    return NULL;
}
