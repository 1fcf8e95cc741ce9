/*
 * log_study.c - `wg-log view` (an exercise as one role saw it) and
 * `wg-log diff` (two exercises side by side, turn by turn).
 *
 * Both only read logs. A record is visible to a role if the adjudicator
 * published it (no recipient) or addressed it to that role, or if the role
 * sent it itself; the adjudicator sees everything, including default orders
 * played on a role's behalf. Exit codes: 0, 1 (diff: the logs differ;
 * view: the log stops at a torn or corrupt record), 2 (unreadable file,
 * wrong command line, or a role the log's scenario does not have).
 */
#include "log_study.h"

#include "wg/error.h"
#include "wg/json.h"
#include "wg/log.h"
#include "wg/phases.h"
#include "wg/scenario.h"
#include "wg/wire.h"

#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_DIFFER 1
#define EXIT_STOPPED 1 /* read up to a torn or corrupt record */
#define EXIT_USAGE 2

/* ---- visibility --------------------------------------------------------- */

static bool
is_default(const Wgpb__V1__Envelope *env)
{
    return env->provenance != NULL &&
           env->provenance->source ==
               WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
}

static const char *
sender_name(const Wgpb__V1__Envelope *env)
{
    switch (env->sender_role) {
    case WGPB__V1__ROLE__ROLE_ADJUDICATOR:
        return "adjudicator";
    case WGPB__V1__ROLE__ROLE_COMMAND:
        return "command";
    case WGPB__V1__ROLE__ROLE_CONTINGENT:
        return env->sender_nation;
    default:
        return "?";
    }
}

/* 'r': received by the role, 's': sent by it, 0: not visible. */
static int
visibility(const Wgpb__V1__Envelope *env, const char *role)
{
    if (strcmp(role, "adjudicator") == 0)
        return env->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR ||
                       is_default(env)
                   ? 'r'
                   : 's';
    if (env->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR) {
        if (env->recipient == NULL || env->recipient[0] == '\0')
            return 'r';
        return strcmp(env->recipient, role) == 0 ? 'r' : 0;
    }
    if (!is_default(env) && strcmp(sender_name(env), role) == 0)
        return 's';
    return 0;
}

/* One human line about a record. */
static void
describe(const Wgpb__V1__Envelope *env, char *buf, size_t n)
{
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START: {
        const Wgpb__V1__TurnStart *ts = env->turn_start;
        const wg_phase_info_t *p = wg_phase_info((int)env->phase);
        size_t off = (size_t)snprintf(buf, n, "%s (%s), expects",
                                      wg_wire_phase_name(env->phase),
                                      p ? p->asks : "a phase unknown here");
        for (size_t i = 0; i < ts->n_expected && off < n; i++)
            off += (size_t)snprintf(buf + off, n - off, " %s", ts->expected[i]);
        if (ts->situation != NULL && off < n)
            off += (size_t)snprintf(buf + off, n - off, "; %zu units",
                                    ts->situation->n_units);
        if (ts->n_pledges > 0 && off < n)
            off += (size_t)snprintf(buf + off, n - off, "; %zu pledges",
                                    ts->n_pledges);
        if (ts->n_incidents > 0 && off < n)
            off += (size_t)snprintf(buf + off, n - off,
                                    "; %zu incident records", ts->n_incidents);
        /* Under a sharing policy that splits the traffic, each role gets
         * its own picture beside the public one. */
        if (env->recipient != NULL && env->recipient[0] != '\0' && off < n)
            snprintf(buf + off, n - off, " (to %s alone)", env->recipient);
        break;
    }
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT: {
        const Wgpb__V1__TurnResult *r = env->result;
        snprintf(buf, n,
                 "incidents %u, killed %u, wounded %u, stability %.1f, "
                 "escalation %u",
                 r->incidents, r->kia, r->wia, r->stability, r->escalation);
        break;
    }
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
        snprintf(buf, n, "%s", env->error->detail);
        break;
    default:
        /* An order: as the phase table describes its kind. */
        wg_order_describe(env, buf, n);
    }
    if (is_default(env)) {
        size_t off = strlen(buf);
        snprintf(buf + off, n - off, "%s(default: %s)", off ? " " : "",
                 env->provenance->reason);
    }
}

/* The picture a role had at its last phase start of the turn, and the
 * adjudicator's adjudicated result. */
static void
print_picture(const char *role, const Wgpb__V1__Situation *sit,
              const Wgpb__V1__TurnResult *truth)
{
    if (sit != NULL) {
        uint32_t troops = 0, own = 0;
        for (size_t i = 0; i < sit->n_nations; i++) {
            troops += sit->nations[i]->deployed;
            if (strcmp(sit->nations[i]->code, role) == 0)
                own = sit->nations[i]->deployed;
        }
        size_t own_units = 0;
        for (size_t i = 0; i < sit->n_units; i++)
            own_units += strcmp(sit->units[i]->nation, role) == 0;
        printf("    picture (%s, at phase start): week %u, escalation %u, "
               "stability %.1f, regime %s, theatre %u%s",
               role, sit->week, sit->escalation, sit->stability, sit->regime,
               troops, "");
        if (strlen(role) == 3)
            printf(", own troops %u", own);
        printf(", units seen %zu (own %zu)\n", sit->n_units, own_units);
    }
    if (truth != NULL) {
        uint32_t troops = 0;
        for (size_t i = 0; i < truth->n_nations; i++)
            troops += truth->nations[i]->deployed;
        printf(
            "    ground truth (adjudicator, adjudicated): week %u, escalation "
            "%u, stability %.1f, regime %s, theatre %u, killed %u\n",
            truth->week, truth->escalation, truth->stability, truth->regime,
            troops, truth->kia);
    }
}

static int
open_reader(const char *path, wg_log_reader_t **r)
{
    int rc = wg_log_reader_open(path, r);
    if (rc < 0)
        fprintf(stderr, "wg-log: %s: %s\n", path, wg_strerror(rc));
    return rc;
}

/* Walks the log; calls fn for each decodable record. Stops at a torn or
 * corrupt frame, says where and returns EXIT_STOPPED; EXIT_USAGE when the
 * file is not a log. */
typedef void (*walk_fn)(const Wgpb__V1__Envelope *env, uint64_t off, void *arg);

static int
walk(const char *path, walk_fn fn, void *arg)
{
    wg_log_reader_t *r;
    if (open_reader(path, &r) < 0)
        return EXIT_USAGE;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    int rc;
    while ((rc = wg_log_reader_next(r, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env == NULL) {
            fprintf(stderr,
                    "wg-log: %s: record at offset %llu is not an "
                    "envelope\n",
                    path, (unsigned long long)off);
            continue;
        }
        fn(env, off, arg);
        wg_wire_free(env);
    }
    if (rc < 0)
        fprintf(stderr, "wg-log: %s: stopped at offset %llu: %s\n", path,
                (unsigned long long)off, wg_strerror(rc));
    wg_log_reader_destroy(&r);
    return rc < 0 ? EXIT_STOPPED : 0;
}

/* ---- view ------------------------------------------------------------------
 */

typedef struct {
    const char *role;
    const char *other; /* --diff-as */
    bool json;
    bool have_turn;
    uint32_t turn;
    Wgpb__V1__Situation *picture; /* owned copy's envelope */
    Wgpb__V1__Envelope *picture_env;
    uint64_t shown, only_a, only_b;
    wg_json_buf_t jb;
} view_t;

static void
keep_picture(view_t *v, const Wgpb__V1__Envelope *env)
{
    /* Keep a decoded copy: the walker frees env after the callback. */
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(env, &buf, &len) != 0)
        return;
    wg_wire_free(v->picture_env);
    v->picture_env = wg_wire_unpack(buf, len);
    free(buf);
    v->picture = v->picture_env ? v->picture_env->turn_start->situation : NULL;
}

static void
view_cb(const Wgpb__V1__Envelope *env, uint64_t off, void *arg)
{
    view_t *v = arg;
    if (v->have_turn && env->turn != v->turn)
        return;
    int vis = visibility(env, v->role);
    if (v->other != NULL) {
        int vo = visibility(env, v->other);
        if ((vis == 0) == (vo == 0))
            return;
        char d[256];
        describe(env, d, sizeof d);
        printf("turn %3u seq %6llu only %-7s %-11s from %-7s %s\n", env->turn,
               (unsigned long long)env->seq, vis ? v->role : v->other,
               wg_wire_payload_name(env), sender_name(env), d);
        if (vis)
            v->only_a++;
        else
            v->only_b++;
        return;
    }
    if (vis == 0)
        return;
    v->shown++;
    if (v->json) {
        wg_json_buf_reset(&v->jb);
        char head[96];
        snprintf(head, sizeof head, "{\"offset\":%llu,\"seen\":\"%s\",",
                 (unsigned long long)off, vis == 'r' ? "received" : "sent");
        wg_json_append(&v->jb, head, strlen(head));
        wg_json_append_members(&v->jb, &env->base);
        wg_json_append(&v->jb, "}", 1);
        printf("%s\n", v->jb.data ? v->jb.data : "{}");
        return;
    }
    char d[256];
    describe(env, d, sizeof d);
    printf("turn %3u seq %6llu %-8s %-11s %s%s %s\n", env->turn,
           (unsigned long long)env->seq, vis == 'r' ? "received" : "sent",
           wg_wire_payload_name(env), vis == 'r' ? "from " : "by ",
           sender_name(env), d);
    /* The role's own picture: the adjudicator, who sees every role's
     * phase start under a sharing policy, keeps the public one. */
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START &&
        env->turn_start->situation != NULL &&
        (env->recipient == NULL || env->recipient[0] == '\0' ||
         strcmp(env->recipient, v->role) == 0))
        keep_picture(v, env);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        print_picture(v->role, v->picture, env->result);
}

static const char view_usage[] =
    "usage: wg-log view LOG --as ROLE [--turn N] [--json]\n"
    "       wg-log view LOG --diff-as A B [--turn N]\n"
    "  Shows the exercise as ROLE saw it: what it received (broadcasts and\n"
    "  messages addressed to it) and sent, and at each turn's end the\n"
    "  picture it had beside the adjudicator's adjudicated result. ROLE is a\n"
    "  nation code, 'command' or 'adjudicator' (everything, with default "
    "orders).\n"
    "  --diff-as lists the records one of A and B saw and the other did not.\n"
    "  --json prints the visible records as JSON lines instead.\n";

/* adjudicator, command, or a nation of the log's scenario (from its
 * header); says on stderr why not. */
static bool
valid_role(const char *path, const char *r)
{
    wg_log_reader_t *rd;
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    bool ok = false;

    if (strcmp(r, "adjudicator") == 0 || strcmp(r, "command") == 0)
        return true;
    if (open_reader(path, &rd) < 0)
        return false;
    const wg_log_header_t *hdr = wg_log_reader_header(rd);
    if (wg_scenario_parse(hdr->scenario_path, hdr->scenario_text,
                          hdr->scenario_len, &sc, &err) != 0) {
        fprintf(stderr, "wg-log view: the log's scenario: %s:%u:%u: %s\n",
                err.file, err.line, err.column, err.message);
        wg_log_reader_destroy(&rd);
        return false;
    }
    for (size_t i = 0; i < sc->n_nations && !ok; i++)
        ok = strcmp(sc->nations[i].code, r) == 0;
    if (!ok)
        fprintf(stderr,
                "wg-log view: %s: no role '%s' (adjudicator, command, or a "
                "nation of scenario %s)\n",
                path, r, sc->name);
    free(sc);
    wg_log_reader_destroy(&rd);
    return ok;
}

int
wg_log_cmd_view(int argc, char **argv)
{
    static const struct option opts[] = {
        {"as", required_argument, NULL, 'a'},
        {"diff-as", required_argument, NULL, 'd'},
        {"turn", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    view_t v;
    memset(&v, 0, sizeof v);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:d:t:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            v.role = optarg;
            break;
        case 'd':
            v.role = optarg;
            if (optind >= argc) {
                fputs(view_usage, stderr);
                return EXIT_USAGE;
            }
            v.other = argv[optind++];
            break;
        case 't':
            v.have_turn = true;
            v.turn = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'j':
            v.json = true;
            break;
        case 'h':
            fputs(view_usage, stdout);
            return 0;
        default:
            fputs(view_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || v.role == NULL) {
        fputs(view_usage, stderr);
        return EXIT_USAGE;
    }
    if (!valid_role(argv[optind], v.role) ||
        (v.other != NULL && !valid_role(argv[optind], v.other)))
        return EXIT_USAGE;
    int rc = walk(argv[optind], view_cb, &v);
    if (rc != EXIT_USAGE && v.other != NULL)
        printf("%llu records only %s saw, %llu only %s saw\n",
               (unsigned long long)v.only_a, v.role,
               (unsigned long long)v.only_b, v.other);
    wg_wire_free(v.picture_env);
    wg_json_buf_free(&v.jb);
    return rc;
}

/* ---- diff
 * --------------------------------------------------------------------- */

typedef struct {
    uint32_t turn;
    uint32_t theatre, committed;
    double coverage; /* mean over sectors */
    uint32_t incidents, kia, wia;
    double cohesion; /* sum over nations */
    double stability;
    uint32_t escalation;
} turn_row_t;

typedef struct {
    turn_row_t *rows;
    size_t n, cap;
} rows_t;

static void
rows_cb(const Wgpb__V1__Envelope *env, uint64_t off, void *arg)
{
    (void)off;
    rows_t *rs = arg;
    if (env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        return;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 128;
        rs->rows = realloc(rs->rows, rs->cap * sizeof *rs->rows);
        if (rs->rows == NULL)
            abort();
    }
    const Wgpb__V1__TurnResult *r = env->result;
    turn_row_t *t = &rs->rows[rs->n++];
    memset(t, 0, sizeof *t);
    t->turn = env->turn;
    for (size_t i = 0; i < r->n_nations; i++) {
        t->theatre += r->nations[i]->deployed;
        t->committed += r->nations[i]->deployed + r->nations[i]->preparing +
                        r->nations[i]->recovering;
        t->cohesion += r->nations[i]->cohesion;
    }
    for (size_t i = 0; i < r->n_sectors; i++)
        t->coverage += r->sectors[i]->coverage;
    if (r->n_sectors > 0)
        t->coverage /= (double)r->n_sectors;
    t->incidents = r->incidents;
    t->kia = r->kia;
    t->wia = r->wia;
    t->stability = r->stability;
    t->escalation = r->escalation;
}

static bool
rows_equal(const turn_row_t *a, const turn_row_t *b)
{
    return a->theatre == b->theatre && a->committed == b->committed &&
           fabs(a->coverage - b->coverage) < 1e-9 &&
           a->incidents == b->incidents && a->kia == b->kia &&
           a->wia == b->wia && fabs(a->cohesion - b->cohesion) < 1e-9 &&
           fabs(a->stability - b->stability) < 1e-9 &&
           a->escalation == b->escalation;
}

static const char diff_usage[] =
    "usage: wg-log diff A.log B.log\n"
    "  Prints, for each turn where the two exercises differ, their troops in\n"
    "  theatre, committed force, mean coverage, incidents, killed, wounded,\n"
    "  summed cohesion, stability and escalation, and the first turn where\n"
    "  they part. Exits 0 when no turn differs, 1 otherwise.\n";

int
wg_log_cmd_diff(int argc, char **argv)
{
    if (argc == 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(diff_usage, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(diff_usage, stderr);
        return EXIT_USAGE;
    }
    rows_t a = {0}, b = {0};
    /* A torn log is compared as far as it goes. */
    if (walk(argv[1], rows_cb, &a) == EXIT_USAGE ||
        walk(argv[2], rows_cb, &b) == EXIT_USAGE) {
        free(a.rows);
        free(b.rows);
        return EXIT_USAGE;
    }
    size_t n = a.n > b.n ? a.n : b.n;
    long first = -1;
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) {
        const turn_row_t *ra = i < a.n ? &a.rows[i] : NULL;
        const turn_row_t *rb = i < b.n ? &b.rows[i] : NULL;
        if (ra != NULL && rb != NULL && rows_equal(ra, rb))
            continue;
        if (differ++ == 0)
            printf("turn | side | theatre committed coverage incidents killed "
                   "wounded cohesion stability escalation\n");
        const turn_row_t *sides[2] = {ra, rb};
        for (int s = 0; s < 2; s++) {
            const turn_row_t *r = sides[s];
            if (r == NULL) {
                printf("%4zu | %s    | (no such turn)\n",
                       (ra ? ra : rb)->turn + (size_t)0, s ? "B" : "A");
                continue;
            }
            printf("%4u | %s    | %7u %9u %8.3f %9u %6u %7u %8.1f %9.1f %10u\n",
                   r->turn, s ? "B" : "A", r->theatre, r->committed,
                   r->coverage, r->incidents, r->kia, r->wia, r->cohesion,
                   r->stability, r->escalation);
        }
        if (first < 0)
            first = (long)(ra ? ra->turn : rb->turn);
    }
    if (first < 0)
        printf("no differences over %zu turns\n", n);
    else
        printf("%zu turns differ; the exercises part at turn %ld\n", differ,
               first);
    free(a.rows);
    free(b.rows);
    return first < 0 ? 0 : EXIT_DIFFER;
}
