/*
 * calibrate.c - wg-calibrate: plays many seeds of a scenario headless and
 * holds what they come to against the calibration bands.
 *
 *   wg-calibrate [--seeds N] [--seed-base S] [--roe POLICY[,POLICY...]]
 *                [--json] [--check KEYS|all] [--bands] SCENARIO
 *
 * Each seed is one whole exercise through the adjudicator engine and the
 * built-in bots in this process (calibrate_play.c): no sockets, no log, so
 * a hundred seeds take seconds. Seeds are S, S+1, ... (S: the scenario's
 * own seed, so the first is the exercise scripts/run-exercise plays). Each
 * ROE policy is played over the same seeds; two or more are compared.
 * The report (calibrate_figures.c) goes to stdout, one JSON object with
 * --json; timings and errors to stderr.
 *
 * Exit: 0; 1 when a figure --check names leaves its band (or an exercise
 * could not be played to its end); 2 for bad options or a bad scenario
 * (file:line:column).
 */
#include "calibrate.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const roe_names[CAL_ROE_COUNT] = {"bot", "robust",
                                                     "restrictive"};

const char *
cal_roe_name(cal_roe_t roe)
{
    return (unsigned)roe < CAL_ROE_COUNT ? roe_names[roe] : "?";
}

int
cal_roe_named(const char *name)
{
    for (int i = 0; i < CAL_ROE_COUNT; i++)
        if (strcmp(name, roe_names[i]) == 0)
            return i;
    return -1;
}

typedef struct {
    unsigned long seeds;
    bool have_base;
    unsigned long long seed_base;
    cal_roe_t roe[CAL_ROE_COUNT];
    size_t n_roe;
    bool json, bands;
    const char *check;
    const char *scenario;
} options_t;

static void
usage(FILE *f)
{
    fprintf(f, "usage: wg-calibrate [--seeds N] [--seed-base S] "
               "[--roe POLICY[,POLICY...]]\n"
               "                    [--json] [--check KEYS|all] [--bands] "
               "SCENARIO\n"
               "  POLICY: bot (the command bot's own choice), robust, "
               "restrictive\n");
}

/* Adds the policies of a comma-separated list; -1 for an unknown one. */
static int
take_roe(options_t *o, const char *list)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p != NULL;
         p = strtok_r(NULL, ",", &save)) {
        int r = cal_roe_named(p);
        if (r < 0) {
            fprintf(stderr, "wg-calibrate: --roe: no policy '%s'\n", p);
            return -1;
        }
        for (size_t i = 0; i < o->n_roe; i++)
            if (o->roe[i] == (cal_roe_t)r)
                r = -1;
        if (r >= 0 && o->n_roe < CAL_ROE_COUNT)
            o->roe[o->n_roe++] = (cal_roe_t)r;
    }
    return 0;
}

static bool
parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && *end == '\0' && *out <= max;
}

static int
parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longs[] = {
        {"seeds", required_argument, NULL, 'n'},
        {"seed-base", required_argument, NULL, 's'},
        {"roe", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},
        {"check", required_argument, NULL, 'c'},
        {"bands", no_argument, NULL, 'b'},
        {"log-level", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    unsigned long long v;
    int c;
    o->seeds = 20;
    while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (!parse_number(optarg, 100000, &v) || v == 0) {
                fprintf(stderr, "wg-calibrate: --seeds: 1..100000\n");
                return -1;
            }
            o->seeds = (unsigned long)v;
            break;
        case 's':
            if (!parse_number(optarg, UINT64_MAX, &o->seed_base)) {
                fprintf(stderr, "wg-calibrate: --seed-base: a number\n");
                return -1;
            }
            o->have_base = true;
            break;
        case 'r':
            if (take_roe(o, optarg) != 0)
                return -1;
            break;
        case 'j':
            o->json = true;
            break;
        case 'c':
            o->check = optarg;
            break;
        case 'b':
            o->bands = true;
            break;
        case 'l':
            if (wg_diag_set_level_option("wg-calibrate", optarg) != 0)
                return -1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (o->n_roe == 0)
        o->roe[o->n_roe++] = CAL_ROE_BOT;
    if (optind + 1 != argc && !o->bands) {
        usage(stderr);
        return -1;
    }
    o->scenario = optind < argc ? argv[optind] : NULL;
    return 0;
}

static char *
read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *more = realloc(buf, cap * 2);
        if (more == NULL) {
            free(buf);
            buf = NULL;
        }
        buf = more;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Plays every seed under one policy. Returns 0, or the first failure. */
static int
play_run(const options_t *o, const wg_scenario_t *sc, const char *text,
         size_t len, cal_run_t *run, cal_seed_t *seeds)
{
    uint64_t base = o->have_base ? o->seed_base : sc->seed;
    for (unsigned long i = 0; i < o->seeds; i++) {
        int rc = cal_play_seed(sc, text, len, base + i, run->roe, &seeds[i]);
        if (rc != 0) {
            fprintf(stderr, "wg-calibrate: seed %llu: %s\n",
                    (unsigned long long)(base + i), wg_strerror(rc));
            return rc;
        }
    }
    run->seeds = seeds;
    run->n = o->seeds;
    return 0;
}

/* The report of every run, their comparison, and the checks. */
static int
report(const options_t *o, const cal_run_t *runs)
{
    if (o->json) {
        printf("{\"runs\":[");
        for (size_t r = 0; r < o->n_roe; r++) {
            printf(r ? "," : "");
            cal_print_json(stdout, &runs[r]);
        }
        printf("],\"comparison\":");
        if (o->n_roe > 1)
            cal_print_comparison(stdout, runs, o->n_roe, true);
        else
            printf("null");
        printf("}\n");
    } else {
        for (size_t r = 0; r < o->n_roe; r++) {
            printf("%s%s: %s, %zu seeds from %llu, ROE %s\n", r ? "\n" : "",
                   runs[r].path, runs[r].sc->name, runs[r].n,
                   (unsigned long long)runs[r].seeds[0].seed,
                   cal_roe_name(runs[r].roe));
            cal_print_text(stdout, &runs[r]);
        }
        cal_print_comparison(stdout, runs, o->n_roe, false);
    }
    fflush(stdout);
    int failed = 0;
    for (size_t r = 0; o->check != NULL && r < o->n_roe; r++) {
        int n = cal_check(stderr, &runs[r], o->check);
        if (n < 0)
            return 2;
        failed += n;
    }
    return failed > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
    options_t o = {0};
    wg_diag_level = WG_DIAG_LEVEL_WARN;
    wg_diag_init_from_env();
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (o.bands && o.scenario == NULL) {
        cal_print_bands(stdout);
        return 0;
    }
    wg_config_error_t err;
    wg_scenario_t *sc = NULL;
    if (wg_scenario_load(o.scenario, &sc, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    size_t len = 0;
    char *text = read_text(o.scenario, &len);
    cal_seed_t *seeds = calloc(o.n_roe * o.seeds, sizeof *seeds);
    cal_run_t runs[CAL_ROE_COUNT];
    int rc = text != NULL && seeds != NULL ? 0 : 1;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t r = 0; rc == 0 && r < o.n_roe; r++) {
        runs[r] = (cal_run_t){sc, o.scenario, o.roe[r], NULL, 0};
        if (play_run(&o, sc, text, len, &runs[r], seeds + r * o.seeds) != 0)
            rc = 1;
    }
    if (rc == 0) {
        fprintf(stderr,
                "wg-calibrate: %lu seeds x %zu ROE policies in %.2f s\n",
                o.seeds, o.n_roe, seconds_since(&t0));
        if (o.bands)
            cal_print_bands(stdout);
        rc = report(&o, runs);
    } else if (text == NULL || seeds == NULL) {
        fprintf(stderr, "wg-calibrate: %s: cannot read it\n", o.scenario);
    }
    free(seeds);
    free(text);
    free(sc);
    return rc;
}
