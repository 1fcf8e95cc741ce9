/*
 * options.c - wg-adjudicator's command line: the options (usage, parsing,
 * checks), then its own CURVE key and the --exercise file they name.
 */
#include "adjudicator_proc.h"

static const char usage[] =
    "usage: wg-adjudicator --scenario PATH [options]\n"
    "       wg-adjudicator --exercise FILE [--key KEY] [options]\n"
    "       wg-adjudicator --resume LOG [options]\n"
    "  --scenario PATH     scenario YAML (configs/scenarios/default.yaml)\n"
    "  --exercise FILE     exercise file: scenario, endpoints, seats, keys\n"
    "  --key KEY           the adjudicator's secret certificate (wg-keygen),\n"
    "                      for an exercise with keys: CURVE on every socket\n"
    "  --router EP         ROUTER endpoint to bind (tcp://127.0.0.1:5555;\n"
    "                      without keys, loopback only)\n"
    "  --pub EP            PUB endpoint to bind (tcp://127.0.0.1:5556)\n"
    "  --seed N            override the scenario's seed\n"
    "  --log PATH          record the exercise log to PATH\n"
    "  --fsync POLICY      every-turn (default) or never\n"
    "  --lobby-timeout MS  start without missing roles after MS (30000)\n"
    "  --absent POLICY     a role that missed a deadline: fallback (its\n"
    "                      fallback plays at once until it is back; the\n"
    "                      default) or wait (the clock stops while a role\n"
    "                      the phase waits for is disconnected)\n"
    "  --heartbeat MS      PING every connection this often; one silent\n"
    "                      for 3 intervals is closed (1000; 0: none)\n"
    "  --log-level LEVEL   err, warn, info (default), debug\n"
    "  --list-nations      print the scenario's nation codes and exit\n"
    "  --resume LOG        rebuild the state from LOG (cutting a torn tail),\n"
    "                      wait for the roles to join again, and play on,\n"
    "                      appending to LOG; if the exercise is over, tell\n"
    "                      the roles that join again (up to 3 s) and exit\n"
    "exit status: 0 the exercise ended; 1 stopped by a signal, or could\n"
    "  not start; 2 a bad option, scenario, exercise or log; 4 the log could\n"
    "  not be written (a full disk, say): the exercise stopped at once and\n"
    "  the roles were told; --resume LOG carries on once it can be written\n";

static int
parse_seed(const char *arg, options_t *o)
{
    char *end;
    errno = 0;
    o->seed = strtoull(arg, &end, 0);
    /* strtoull takes "-1" as 2^64 - 1: a seed starts with a digit. */
    if (errno != 0 || *end != '\0' || *arg < '0' || *arg > '9') {
        fprintf(stderr, "wg-adjudicator: --seed: not a number, 0 or more: %s\n",
                arg);
        return 2;
    }
    o->have_seed = true;
    return 0;
}

static int
parse_lobby(const char *arg, options_t *o)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (errno != 0 || *end != '\0' || *arg < '0' || *arg > '9' ||
        (unsigned)v != v) {
        fprintf(stderr,
                "wg-adjudicator: --lobby-timeout: not a number of "
                "milliseconds: %s\n",
                arg);
        return 2;
    }
    o->lobby_ms = (unsigned)v;
    return 0;
}

static int
parse_fsync(const char *arg, options_t *o)
{
    if (strcmp(arg, "every-turn") == 0)
        o->fsync = WG_FSYNC_EVERY_TURN;
    else if (strcmp(arg, "never") == 0)
        o->fsync = WG_FSYNC_NEVER;
    else {
        fprintf(stderr, "wg-adjudicator: --fsync: every-turn or never\n");
        return 2;
    }
    return 0;
}

/* --absent and --heartbeat; 0, or 2 after saying what is wrong. */
static int
parse_limits(int c, const char *arg, options_t *o)
{
    char *end;
    if (c == 'A') {
        o->absent = strcmp(arg, "fallback") == 0 ? WG_ABSENT_FALLBACK
                    : strcmp(arg, "wait") == 0   ? WG_ABSENT_WAIT
                                                 : -1;
        if (o->absent < 0) {
            fprintf(stderr, "wg-adjudicator: --absent: fallback or wait\n");
            return 2;
        }
        return 0;
    }
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 0 || v > 600000) {
        fprintf(stderr, "wg-adjudicator: --heartbeat: milliseconds, 0 to "
                        "600000\n");
        return 2;
    }
    o->heartbeat_ms = (int)v;
    return 0;
}

/* One of the adjudicator's own options (wg_option_cb); 0, or 2 after
 * saying what is wrong. */
static int
take_option(int c, const char *arg, void *ctx)
{
    options_t *o = ctx;
    switch (c) {
    case 's':
        o->scenario = arg;
        break;
    case 'S':
        if (parse_seed(arg, o) != 0)
            return 2;
        break;
    case 'L':
        o->log_path = arg;
        break;
    case 'f':
        if (parse_fsync(arg, o) != 0)
            return 2;
        break;
    case 'T':
        if (parse_lobby(arg, o) != 0)
            return 2;
        break;
    case 'N':
        o->list_nations = true;
        break;
    case 'R':
        o->resume = arg;
        break;
    case 'O':
        if (o->n_overrides == N_KEYS || strchr(arg, '=') == NULL) {
            fputs(usage, stderr);
            return 2;
        }
        o->override_spec[o->n_overrides++] = arg;
        break;
    case 'A':
    case 'H':
        if (parse_limits(c, arg, o) != 0)
            return 2;
        break;
    }
    return 0;
}

int
parse_options(int argc, char **argv, options_t *o)
{
    static const struct option own[] = {
        {"scenario", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"log", required_argument, NULL, 'L'},
        {"fsync", required_argument, NULL, 'f'},
        {"lobby-timeout", required_argument, NULL, 'T'},
        {"list-nations", no_argument, NULL, 'N'},
        {"resume", required_argument, NULL, 'R'},
        {"override", required_argument, NULL, 'O'},
        {"absent", required_argument, NULL, 'A'},
        {"heartbeat", required_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    const wg_options_spec_t spec = {.usage = usage,
                                    .prog = "wg-adjudicator",
                                    .own = own,
                                    .own_short = "s:S:L:f:T:",
                                    .take = take_option,
                                    .ctx = o};
    wg_bus_options_t given;
    memset(o, 0, sizeof *o);
    o->fsync = WG_FSYNC_EVERY_TURN;
    o->lobby_ms = 30000;
    o->absent = -1;
    o->heartbeat_ms = 1000;
    int rc = wg_options_parse(argc, argv, &spec, &given);
    if (rc == WG_OPTIONS_HELP)
        exit(0);
    if (rc != 0)
        return rc;
    o->router = given.router;
    o->pub = given.pub;
    o->exercise = given.exercise;
    o->key_path = given.key;
    if (o->scenario == NULL && o->resume == NULL && o->exercise == NULL) {
        fputs(usage, stderr);
        return 2;
    }
    /* A tcp:// port past 65535 would bind another port (ZeroMQ keeps its
     * low 16 bits). */
    const char *bad = wg_options_bad_port(&given);
    if (bad != NULL) {
        fprintf(stderr, "wg-adjudicator: %s: not a port (1 to 65535, or *)\n",
                bad);
        return 2;
    }
    return 0;
}

/* With keys: the adjudicator's own key pair, which must be the one the
 * exercise names. 0, or 2 after saying what is wrong. */
static int
load_own_key(adjudicator_t *a, const options_t *o)
{
    const char *ex = o->exercise;
    wg_config_error_t err;
    if (!a->ex->has_keys) {
        if (o->key_path == NULL)
            return 0;
        fprintf(stderr,
                "wg-adjudicator: %s names no keys (no adjudicator_key): "
                "--key has nothing to match\n",
                ex);
        return 2;
    }
    if (o->key_path == NULL) {
        fprintf(stderr,
                "wg-adjudicator: %s has keys: give --key with the "
                "adjudicator's secret certificate (wg-keygen writes it)\n",
                ex);
        return 2;
    }
    if (wg_keys_load_secret(o->key_path, &a->keys, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    if (memcmp(a->keys.public_key, a->ex->adjudicator_key, WG_KEY_LEN) != 0) {
        char mine[WG_KEY_Z85_LEN + 1], want[WG_KEY_Z85_LEN + 1];
        wg_keys_to_z85(a->keys.public_key, mine);
        wg_keys_to_z85(a->ex->adjudicator_key, want);
        const wg_seat_t *seat =
            wg_exercise_seat_by_key(a->ex, a->keys.public_key);
        fprintf(stderr,
                "wg-adjudicator: %s is not the adjudicator's key in %s: its "
                "public key is %s (%s%s), adjudicator_key is %s\n",
                o->key_path, ex, mine, seat ? "the key of seat " : "no seat's",
                seat ? seat->role : "", want);
        return 2;
    }
    return 0;
}

/* --exercise: the scenario, endpoints (unless given) and seats of an
 * exercise file, and with keys the adjudicator's own key. 0, or 2 after
 * saying what is wrong. */
int
load_exercise(adjudicator_t *a, options_t *o)
{
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    if (o->exercise == NULL) {
        if (o->key_path != NULL) {
            fprintf(stderr, "wg-adjudicator: --key needs --exercise (the "
                            "file that names every seat's key)\n");
            return 2;
        }
        return 0;
    }
    if (o->scenario != NULL) {
        fprintf(stderr, "wg-adjudicator: --exercise names the scenario: "
                        "give --scenario or --exercise, not both\n");
        return 2;
    }
    if (wg_exercise_load(o->exercise, &a->ex, &sc, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    memcpy(a->ex_scenario_hash, sc->hash, sizeof a->ex_scenario_hash);
    free(sc);
    if (o->resume == NULL)
        o->scenario = a->ex->scenario_path;
    if (o->router == NULL)
        o->router = a->ex->router;
    if (o->pub == NULL)
        o->pub = a->ex->pub;
    return load_own_key(a, o);
}

/* Without keys anyone who reaches the sockets can play any seat, so they
 * are bound on loopback only. 0, or 2 after saying so. */
int
check_keyless(const options_t *o)
{
    const char *ep = !wg_endpoint_is_loopback(o->router) ? o->router
                     : !wg_endpoint_is_loopback(o->pub)  ? o->pub
                                                         : NULL;
    if (ep == NULL)
        return 0;
    fprintf(stderr,
            "wg-adjudicator: %s is not a loopback endpoint: without keys "
            "the adjudicator binds loopback only, since any process that "
            "reaches it could play any seat. For a LAN, give an exercise "
            "file with keys: --exercise FILE --key adjudicator.key (see "
            "wg-keygen and docs/PROTOCOL.md, \"Seats and keys\")\n",
            ep);
    return 2;
}
