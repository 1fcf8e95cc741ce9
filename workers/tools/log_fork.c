/*
 * log_fork.c - `wg-log fork`: what if one role had played otherwise?
 *
 * Replays a recorded exercise through a fresh adjudicator, exactly as `verify`
 * does, and writes every record the adjudicator makes to a new log. From turn N
 * on, the swapped roles are played by their new bots instead of their
 * recorded orders, at the place their recorded orders stood. While the
 * re-adjudication still matches the record, every other role keeps its
 * recorded orders; from the first record that differs, every role is played
 * in-process by its bot (the swapped ones by their new bots, the others by
 * the built-in bots), in role order, with the recorded seed. A fork that
 * changes nothing therefore writes the same records as the original.
 *
 * Owns, for one call: the reader, the writer, the adjudicator, a queue of
 * records made but not yet matched, and the last phase start broadcast.
 */
#include "log_fork.h"
#include "log_tool.h"

#include "wg/adjudicator.h"
#include "wg/bot.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/log.h"
#include "wg/orders.h"
#include "wg/play.h"
#include "wg/replay.h"
#include "wg/rules.h"
#include "wg/wire.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_KEYS (1 + WG_MAX_NATIONS)

typedef struct {
    uint8_t *bytes;
    size_t len;
} rec_t;

typedef struct {
    rec_t *v;
    size_t head, tail, cap;
} fifo_t;

typedef struct {
    wg_log_writer_t *w;
    fifo_t made;   /* records with seq != 0, to match */
    fifo_t errors; /* error replies made, to match */
    int write_rc;
} fork_t;

static void
fifo_push(fifo_t *q, const uint8_t *b, size_t n)
{
    if (q->tail == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 64;
        q->v = realloc(q->v, q->cap * sizeof *q->v);
        if (q->v == NULL)
            abort();
    }
    uint8_t *c = malloc(n ? n : 1);
    if (c == NULL)
        abort();
    memcpy(c, b, n);
    q->v[q->tail++] = (rec_t){c, n};
}

static bool
fifo_pop_equal(fifo_t *q, const uint8_t *b, size_t n, bool *empty)
{
    *empty = q->head == q->tail;
    if (*empty)
        return false;
    rec_t *r = &q->v[q->head];
    bool eq = r->len == n && memcmp(r->bytes, b, n) == 0;
    free(r->bytes);
    q->head++;
    return eq;
}

static void
fifo_clear(fifo_t *q)
{
    for (size_t i = q->head; i < q->tail; i++)
        free(q->v[i].bytes);
    free(q->v);
    memset(q, 0, sizeof *q);
}

static void
made_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
        const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)dest;
    fork_t *f = arg;
    if (wg_adjudicator_out_what(u) == WG_OUT_SEND)
        return; /* sent, not recorded (there is no one to send to) */
    int rc = wg_log_writer_append_made(f->w, &bytes, len);
    if (rc < 0)
        f->write_rc = rc;
    if (env->seq == 0)
        fifo_push(&f->errors, bytes, len);
    else
        fifo_push(&f->made, bytes, len);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        wg_log_writer_flush(f->w);
}

/* Plays key's order for the phase start ts with bot, if it gives one. */
static void
play(wg_adjudicator_t *u, const Wgpb__V1__Envelope *ts, const wg_scenario_t *sc,
     const wg_bot_t *bot, int key)
{
    uint8_t *buf;
    size_t len;
    if (wg_play_phase(bot, sc, ts, key,
                      WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL, &buf,
                      &len) == 0) {
        wg_adjudicator_receive(u, key, buf, len, NULL);
        free(buf);
    }
}

/* The phase start as role key received it (the public one, or under a
 * policy that splits the traffic its own), decoded (wg_wire_free it): a
 * bot sees what the role saw. */
static Wgpb__V1__Envelope *
last_phase_start(const wg_adjudicator_t *u, int key)
{
    size_t len;
    const uint8_t *b = wg_adjudicator_phase_start(u, key, &len);
    return b != NULL ? wg_wire_unpack(b, len) : NULL;
}

static const wg_bot_t *
bot_for(const wg_bot_t *const swaps[N_KEYS], int key)
{
    if (swaps[key] != NULL)
        return swaps[key];
    return key == 0 ? wg_bot_builtin_command() : wg_bot_builtin_contingent();
}

/* Every role played by its bot, phase after phase, to the end. */
static void
play_out(wg_adjudicator_t *u, fork_t *f, const wg_scenario_t *sc,
         const wg_bot_t *const swaps[N_KEYS])
{
    if (!wg_adjudicator_started(u))
        wg_adjudicator_start(u);
    while (!wg_adjudicator_done(u) && f->write_rc == 0) {
        uint64_t serial = wg_adjudicator_phase_serial(u);
        for (int k = 0; k <= (int)sc->n_nations; k++) {
            Wgpb__V1__Envelope *ts =
                wg_adjudicator_owes(u, k) ? last_phase_start(u, k) : NULL;
            if (ts != NULL)
                play(u, ts, sc, bot_for(swaps, k), k);
            wg_wire_free(ts);
            if (wg_adjudicator_phase_serial(u) != serial)
                break; /* the phase closed: the rest owed nothing */
        }
        if (wg_adjudicator_phase_serial(u) == serial)
            wg_adjudicator_deadline(u); /* a bot stayed silent */
    }
}

static int
role_key(const wg_scenario_t *sc, const char *name)
{
    if (strcmp(name, "command") == 0)
        return 0;
    int n = wg_scenario_nation_index(sc, name);
    return n < 0 ? -1 : n + 1;
}

static const char fork_usage[] =
    "usage: wg-log fork LOG --at N [--bot ROLE=PATH.so]... "
    "[--orders ROLE=FILE]... -o NEW.log\n"
    "  Replays LOG up to turn N, then plays ROLE (a nation code or\n"
    "  'command') with the plug-in bot PATH.so, or with the orders written\n"
    "  in FILE (YAML, see docs/LOG-FORMAT.md), instead of its recorded\n"
    "  orders, and plays on with the recorded seed: other roles keep their\n"
    "  recorded orders while the exercise is unchanged, and are played by\n"
    "  the built-in bots from the first difference. Writes NEW.log. With\n"
    "  no change the new log holds the same records as LOG.\n";

typedef struct {
    const char *in, *out;
    uint32_t at;
    const char *swap_spec[N_KEYS];
    bool swap_is_orders[N_KEYS]; /* FILE of written orders, not a plug-in */
    size_t n_swaps;
} fork_opts_t;

static int
parse(int argc, char **argv, fork_opts_t *o)
{
    static const struct option opts[] = {
        {"at", required_argument, NULL, 'a'},
        {"bot", required_argument, NULL, 'b'},
        {"orders", required_argument, NULL, 'O'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    optind = 1;
    int c;
    bool have_at = false;
    while ((c = getopt_long(argc, argv, "a:b:O:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'a': {
            uint64_t at = 0;
            /* strtoul would read "-5" as turn 4294967291. */
            if (wg_log_tool_u64(optarg, &at) < 0 || at == 0 ||
                at > UINT32_MAX) {
                fprintf(stderr,
                        "wg-log fork: --at %s: expected a turn number, 1 "
                        "or more\n",
                        optarg);
                return EXIT_USAGE;
            }
            o->at = (uint32_t)at;
            have_at = true;
            break;
        }
        case 'b':
        case 'O':
            if (o->n_swaps == N_KEYS || strchr(optarg, '=') == NULL)
                goto usage;
            o->swap_is_orders[o->n_swaps] = c == 'O';
            o->swap_spec[o->n_swaps++] = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'h':
            fputs(fork_usage, stdout);
            exit(0);
        default:
            goto usage;
        }
    }
    if (optind + 1 != argc || !have_at || o->out == NULL)
        goto usage;
    o->in = argv[optind];
    return 0;
usage:
    fputs(fork_usage, stderr);
    return EXIT_USAGE;
}

/* Loads the --bot plug-ins into swaps[role key]. */
static int
load_swaps(const fork_opts_t *o, const wg_scenario_t *sc,
           const wg_bot_t *swaps[N_KEYS], wg_bot_t *owned[N_KEYS])
{
    for (size_t i = 0; i < o->n_swaps; i++) {
        char role[16];
        const char *eq = strchr(o->swap_spec[i], '=');
        size_t n = (size_t)(eq - o->swap_spec[i]);
        snprintf(role, sizeof role, "%.*s", (int)(n < 15 ? n : 15),
                 o->swap_spec[i]);
        int k = role_key(sc, role);
        if (k < 0) {
            fprintf(stderr, "wg-log fork: no role '%s' in the scenario\n",
                    role);
            return EXIT_USAGE;
        }
        if (o->swap_is_orders[i]) {
            wg_config_error_t err;
            owned[k] = wg_orders_bot_load(eq + 1, sc, &err);
            swaps[k] = owned[k];
            if (swaps[k] == NULL) {
                fprintf(stderr, "wg-log fork: --orders %s: %s:%u:%u: %s\n",
                        role, err.file, err.line, err.column, err.message);
                return EXIT_USAGE;
            }
            continue;
        }
        char why[512];
        swaps[k] = wg_bot_load(eq + 1, why, sizeof why);
        if (swaps[k] == NULL) {
            fprintf(stderr, "wg-log fork: --bot %s: %s\n", role, why);
            return EXIT_USAGE;
        }
    }
    return 0;
}

static bool
is_input(const Wgpb__V1__Envelope *env)
{
    return env->sender_role != WGPB__V1__ROLE__ROLE_ADJUDICATOR &&
           (env->provenance == NULL ||
            env->provenance->source !=
                WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT);
}

/* Follows the record while it holds; returns the turn where the fork first
 * differs, or 0 if it never did. */
static uint32_t
follow(wg_log_reader_t *r, wg_adjudicator_t *u, fork_t *f,
       const wg_scenario_t *sc, const fork_opts_t *o,
       const wg_bot_t *const swaps[N_KEYS])
{
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1 && f->write_rc == 0) {
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env == NULL)
            return 1;
        uint32_t turn = env->turn;
        /* Refusals records are outside the total order like Errors. */
        bool error = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR ||
                     env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_REFUSALS;
        bool input = !error && is_input(env);
        int key = input ? wg_adjudicator_role_key(u, env->sender_role,
                                                  env->sender_nation)
                        : -1;
        bool join = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
        /* A fallback a phase start played for an absent role. */
        int skipped = wg_adjudicator_skipped(env->provenance)
                          ? wg_adjudicator_role_key(u, env->sender_role,
                                                    env->sender_nation)
                          : -1;
        wg_wire_free(env);
        bool empty;
        if (error) {
            /* A reply the adjudicator made again, or one to input the record
             * does not hold (a rejected message): keep it either way. */
            if (!fifo_pop_equal(&f->errors, rec, len, &empty) && empty)
                wg_log_writer_append(f->w, rec, len);
            continue;
        }
        if (input && !join && key >= 0 && swaps[key] != NULL && turn >= o->at) {
            Wgpb__V1__Envelope *ts = last_phase_start(u, key);
            if (ts != NULL)
                play(u, ts, sc, swaps[key], key);
            wg_wire_free(ts);
        } else if (input) {
            wg_adjudicator_receive(u, join ? -1 : key, rec, len, NULL);
        }
        if (f->made.head == f->made.tail)
            wg_adjudicator_move_on(u, skipped);
        if (!fifo_pop_equal(&f->made, rec, len, &empty))
            return turn ? turn : 1;
    }
    return 0;
}

/* Opens the log to fork and rebuilds its scenario from its header, which
 * must be of these rules and match its hash. 0, or EXIT_USAGE once said
 * (nothing left open). */
static int
open_source(const fork_opts_t *o, wg_log_reader_t **r, wg_scenario_t **scp)
{
    int rc = wg_log_reader_open(o->in, r);
    if (rc < 0) {
        fprintf(stderr, "wg-log fork: %s: %s\n", o->in, wg_strerror(rc));
        return EXIT_USAGE;
    }
    const wg_log_header_t *hdr = wg_log_reader_header(*r);
    if (hdr->rules_version != WG_RULES_VERSION) {
        char why[256];
        wg_replay_rules_mismatch(hdr->rules_version, why, sizeof why);
        fprintf(stderr, "wg-log fork: %s: %s\n", o->in, why);
        wg_log_reader_destroy(r);
        return EXIT_USAGE;
    }
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    if (wg_scenario_parse(hdr->scenario_path, hdr->scenario_text,
                          hdr->scenario_len, &sc, &err) != 0) {
        fprintf(stderr, "wg-log fork: the log's scenario: %s:%u:%u: %s\n",
                err.file, err.line, err.column, err.message);
        wg_log_reader_destroy(r);
        return EXIT_USAGE;
    }
    if (memcmp(sc->hash, hdr->scenario_hash, sizeof sc->hash) != 0) {
        fprintf(stderr,
                "wg-log fork: %s: the header's scenario text does not match "
                "its hash; not forking a log whose scenario was changed\n",
                o->in);
        free(sc);
        wg_log_reader_destroy(r);
        return EXIT_USAGE;
    }
    sc->seed = hdr->seed;
    *scp = sc;
    return 0;
}

/* Creates the fork's log with the source's header; never over an existing
 * file. 0, or EXIT_USAGE once said. */
static int
create_fork_log(const fork_opts_t *o, const wg_log_header_t *hdr,
                wg_log_writer_t **w)
{
    int rc = wg_log_writer_create(o->out, hdr, WG_FSYNC_NEVER, w);
    if (rc == -EEXIST) {
        fprintf(stderr,
                "wg-log fork: %s: exists; a fork never overwrites a log "
                "(remove it or name another -o)\n",
                o->out);
        return EXIT_USAGE;
    }
    if (rc < 0) {
        fprintf(stderr, "wg-log fork: %s: %s\n", o->out, wg_strerror(rc));
        return EXIT_USAGE;
    }
    return 0;
}

/* Says how the fork went: its records and the turn it parted at (0: it
 * never did). Returns the exit code. */
static int
report_fork(const fork_opts_t *o, const fork_t *f, uint32_t parted)
{
    if (f->write_rc < 0) {
        fprintf(stderr, "wg-log fork: %s: %s\n", o->out,
                wg_strerror(f->write_rc));
        return EXIT_USAGE;
    }
    printf("forked %s at turn %u into %s: %llu records; ", o->in, o->at, o->out,
           (unsigned long long)wg_log_writer_records(f->w));
    if (parted)
        printf("the exercise differs from turn %u\n", parted);
    else
        printf("the exercise is unchanged\n");
    return 0;
}

int
wg_log_cmd_fork(int argc, char **argv)
{
    fork_opts_t o;
    if (parse(argc, argv, &o) != 0)
        return EXIT_USAGE;
    wg_log_reader_t *r;
    wg_scenario_t *sc = NULL;
    int rc = open_source(&o, &r, &sc);
    if (rc != 0)
        return rc;
    const wg_log_header_t *hdr = wg_log_reader_header(r);
    const wg_bot_t *swaps[N_KEYS] = {0};
    wg_bot_t *owned[N_KEYS] = {0};
    fork_t f;
    memset(&f, 0, sizeof f);
    wg_adjudicator_t *u = NULL;
    rc = load_swaps(&o, sc, swaps, owned);
    if (rc != 0)
        goto out;
    rc = create_fork_log(&o, hdr, &f.w);
    if (rc != 0)
        goto out;
    /* The adjudicator's per-turn notes (fallbacks playing) are the fork's
     * business, not news: keep warnings and errors only. */
    if (wg_diag_level > WG_DIAG_LEVEL_WARN)
        wg_diag_level = WG_DIAG_LEVEL_WARN;
    u = wg_adjudicator_new(sc, hdr->scenario_text, hdr->scenario_len, made_cb,
                           &f);
    if (u == NULL) {
        rc = EXIT_USAGE;
        goto out;
    }
    /* Following the log: its records in its order (a format-2 log's, in
     * its own format); then live, every role played in role order. */
    wg_adjudicator_set_format(u, hdr->version);
    wg_adjudicator_set_replay(u, true);
    uint32_t parted = follow(r, u, &f, sc, &o, swaps);
    wg_adjudicator_set_replay(u, false);
    if (!wg_adjudicator_done(u))
        play_out(u, &f, sc, swaps);
    rc = report_fork(&o, &f, parted);
out:
    wg_adjudicator_destroy(&u);
    wg_log_writer_destroy(&f.w);
    fifo_clear(&f.made);
    fifo_clear(&f.errors);
    for (int k = 0; k < N_KEYS; k++)
        wg_orders_bot_free(&owned[k]);
    free(sc);
    wg_log_reader_destroy(&r);
    return rc;
}
