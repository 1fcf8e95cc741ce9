/*
 * calibrate_figures.c - the calibration figures, the bands they are held
 * to, and the reports.
 *
 * The band table below is the one place that says what the model should
 * come to (issue 17's acceptance, and the brief's figures where the
 * acceptance gives none); which of its bands a test asserts is the test's
 * (tests/integration/calibration.sh). A figure is held to its band by
 * its median over the seeds, or, where the acceptance counts seeds ("at
 * least 3 seeds of 4"), by the share of seeds inside. Pure functions of
 * the seeds' figures; output to a FILE.
 */
#include "calibrate.h"

#include "wg/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double (*figure_fn)(const cal_seed_t *s);

typedef struct {
    const char *key;   /* for --check and JSON */
    const char *label; /* for people */
    double lo, hi;     /* the band; both NAN: none (reported only) */
    double need;       /* 0: the median in the band; else the share inside */
    const char *source;
    figure_fn get; /* NAN when the seed cannot give it */
} figure_t;

static double
ratio(double a, double b)
{
    return b > 0 ? a / b : NAN;
}

static double
years(const cal_seed_t *s)
{
    return s->weeks / 52.0;
}

static double
f_peak_theatre(const cal_seed_t *s)
{
    return s->peak_theatre;
}

static double
f_peak_committed(const cal_seed_t *s)
{
    return s->peak_committed;
}

static double
f_ratio_week20(const cal_seed_t *s)
{
    return s->ratio_week20;
}

static double
f_ratio_steady(const cal_seed_t *s)
{
    return ratio(s->ratio_steady_sum, s->steady_weeks);
}

static double
f_kia_managed(const cal_seed_t *s)
{
    return ratio(s->kia_managed, s->ty_managed / 1000.0);
}

static double
f_kia_hot(const cal_seed_t *s)
{
    return ratio(s->kia_hot, s->ty_hot / 1000.0);
}

static double
f_violations_day(const cal_seed_t *s)
{
    return ratio(s->violations_managed, s->days_managed);
}

static double
f_violations_km_day(const cal_seed_t *s)
{
    return ratio(f_violations_day(s), s->line_km);
}

static double
f_hot_weeks(const cal_seed_t *s)
{
    return ratio(s->hot_weeks, years(s));
}

static double
f_recommits(const cal_seed_t *s)
{
    return ratio(s->recommits, years(s));
}

static double
f_withdrawals(const cal_seed_t *s)
{
    return s->withdrawals;
}

static double
f_first_withdrawal(const cal_seed_t *s)
{
    return s->first_withdrawal_week;
}

static double
f_end_troops(const cal_seed_t *s)
{
    return s->end_troops;
}

static double
f_end_share(const cal_seed_t *s)
{
    return ratio(s->end_troops, s->peak_theatre);
}

static double
f_bound_run(const cal_seed_t *s)
{
    return s->longest_bound;
}

static double
f_gaps(const cal_seed_t *s)
{
    return ratio(s->gaps, years(s));
}

static double
f_gaps_willing(const cal_seed_t *s)
{
    return ratio(s->gaps_willing, years(s));
}

/* The SMM's managed-truce band, 36-47 violations a day on a line of
 * ~470 km (brief §5, §4): 0.077-0.100 per km-day. */
#define SMM_LO (36.0 / 470.0)
#define SMM_HI (47.0 / 470.0)

static const figure_t figures[] = {
    {"peak_theatre", "peak in theatre", 36000, 44000, 0,
     "acceptance; seed ~40,000 (brief §1)", f_peak_theatre},
    {"peak_committed", "peak committed", 90000, 110000, 0,
     "acceptance; seed up to 100,000 (brief §1)", f_peak_committed},
    {"ratio_week20", "committed / deployed at week 20", 2, INFINITY, 0,
     "acceptance: >= 2 x deployed by week 20", f_ratio_week20},
    {"ratio_steady", "committed / deployed, steady (week 26 on)", 2, 3, 0,
     "Est.: 2.5 (seed) to 3 (rule of thirds), brief §3", f_ratio_steady},
    {"kia_managed", "killed per 1,000 troop-years, managed", 0.2, 1, 0,
     "acceptance; SMM 0.2, IFOR 0.5, UNIFIL 1 (brief §4)", f_kia_managed},
    {"kia_hot", "killed per 1,000 troop-years, hot", 3, INFINITY, 0,
     "acceptance; Uruzgan ~3 (brief §4)", f_kia_hot},
    {"violations_day", "violations per day, managed truce", NAN, NAN, 0,
     "reported: the band is per km (next line)", f_violations_day},
    {"violations_km_day", "violations per km-day, managed truce", SMM_LO,
     SMM_HI, 0, "acceptance; SMM 36-47/day on ~470 km (brief §5)",
     f_violations_km_day},
    {"hot_weeks", "hot weeks a year", NAN, NAN, 0, "reported: no sourced band",
     f_hot_weeks},
    {"recommits", "recommitments a year", 1, 5, 0,
     "Est.: ~3 a year, 12 in 2015-18 (brief §5)", f_recommits},
    {"withdrawals", "nations withdrawing (leaving or gone)", 1, INFINITY, 0.1,
     "acceptance: a nation withdraws in >= 1 seed in 10", f_withdrawals},
    {"first_withdrawal_week", "week of the first withdrawal", NAN, NAN, 0,
     "reported: seeds with a withdrawal", f_first_withdrawal},
    {"end_troops", "troops in theatre at week 52", NAN, NAN, 0,
     "reported (the share of the peak is held)", f_end_troops},
    {"end_share", "troops at week 52 / peak", 0.5, INFINITY, 0.75,
     "acceptance: >= half the peak in >= 3 seeds of 4", f_end_share},
    {"bound_run", "longest run at a stability bound (turns)", 0, 8, 1.0,
     "acceptance: no seed more than 8 consecutive turns", f_bound_run},
    {"gaps", "units leaving unrelieved, a year", NAN, NAN, 0,
     "reported: rotation leaks (issue 17)", f_gaps},
    {"gaps_willing", "... by a nation willing to relieve them", 0, 0, 0,
     "issue 17: no unit unrelieved while the nation is willing",
     f_gaps_willing},
};
#define N_FIGURES (sizeof figures / sizeof figures[0])

/* ---- statistics ---------------------------------------------------------- */

typedef struct {
    size_t n;      /* seeds that give the figure */
    size_t inside; /* of them, inside the band */
    double median, min, max;
    bool ok; /* the figure meets its band (true when it has none) */
} stats_t;

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static bool
has_band(const figure_t *f)
{
    return !isnan(f->lo) || !isnan(f->hi);
}

static bool
in_band(const figure_t *f, double v)
{
    return (isnan(f->lo) || v >= f->lo - 1e-9) &&
           (isnan(f->hi) || v <= f->hi + 1e-9);
}

static stats_t
stats_of(const figure_t *f, const cal_seed_t *seeds, size_t n)
{
    stats_t st = {0, 0, NAN, NAN, NAN, true};
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (v == NULL)
        return st;
    for (size_t i = 0; i < n; i++) {
        double x = f->get(&seeds[i]);
        if (isnan(x))
            continue;
        v[st.n++] = x;
        st.inside += in_band(f, x);
    }
    if (st.n > 0) {
        qsort(v, st.n, sizeof v[0], cmp_double);
        st.min = v[0];
        st.max = v[st.n - 1];
        st.median =
            st.n % 2 ? v[st.n / 2] : (v[st.n / 2 - 1] + v[st.n / 2]) / 2.0;
    }
    free(v);
    if (has_band(f))
        st.ok = f->need > 0 ? st.n > 0 && st.inside >= f->need * st.n
                            : st.n > 0 && in_band(f, st.median);
    return st;
}

/* ---- text ---------------------------------------------------------------- */

/* Figures in a width that suits them: troops whole, rates with decimals. */
static void
fmt_value(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (isinf(v))
        snprintf(buf, n, "inf");
    else if (fabs(v) >= 100 || v == floor(v))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.3g", v);
}

static void
fmt_band(char *buf, size_t n, const figure_t *f)
{
    char lo[32], hi[32];
    fmt_value(lo, sizeof lo, f->lo);
    fmt_value(hi, sizeof hi, f->hi);
    if (!has_band(f))
        snprintf(buf, n, "-");
    else if (isinf(f->hi))
        snprintf(buf, n, ">= %s", lo);
    else
        snprintf(buf, n, "%s-%s", lo, hi);
}

/* What the band is held by, and whether it is met. */
static void
fmt_verdict(char *buf, size_t n, const figure_t *f, const stats_t *st)
{
    if (!has_band(f))
        snprintf(buf, n, "reported");
    else if (f->need > 0)
        snprintf(buf, n, "%s (%.0f%% of seeds)", st->ok ? "ok" : "OUT",
                 f->need * 100);
    else
        snprintf(buf, n, "%s (median)", st->ok ? "ok" : "OUT");
}

void
cal_print_text(FILE *f, const cal_run_t *run)
{
    fprintf(f, "%-44s %-13s %9s  %-21s %-11s %s\n", "figure", "band", "median",
            "min-max", "inside", "verdict");
    for (size_t i = 0; i < N_FIGURES; i++) {
        const figure_t *fg = &figures[i];
        stats_t st = stats_of(fg, run->seeds, run->n);
        char band[80], med[24], lo[24], hi[24], mm[56], in[32], v[40];
        fmt_band(band, sizeof band, fg);
        fmt_value(med, sizeof med, st.median);
        fmt_value(lo, sizeof lo, st.min);
        fmt_value(hi, sizeof hi, st.max);
        snprintf(mm, sizeof mm, "%s-%s", lo, hi);
        if (has_band(fg) && st.n > 0)
            snprintf(in, sizeof in, "%zu/%zu %3.0f%%", st.inside, st.n,
                     100.0 * st.inside / st.n);
        else
            snprintf(in, sizeof in, "n=%zu", st.n);
        fmt_verdict(v, sizeof v, fg, &st);
        fprintf(f, "%-44s %-13s %9s  %-21s %-11s %s\n", fg->label, band, med,
                mm, in, v);
    }
    fprintf(f, "peak in theatre by nation (median, max):");
    for (size_t k = 0; k < run->sc->n_nations; k++) {
        double *v = malloc(run->n * sizeof *v);
        if (v == NULL)
            break;
        for (size_t i = 0; i < run->n; i++)
            v[i] = run->seeds[i].peak_nation[k];
        qsort(v, run->n, sizeof v[0], cmp_double);
        fprintf(f, " %s %.0f/%.0f", run->sc->nations[k].code,
                run->n ? v[run->n / 2] : 0.0, run->n ? v[run->n - 1] : 0.0);
        free(v);
    }
    fprintf(f, "\n");
}

void
cal_print_bands(FILE *f)
{
    for (size_t i = 0; i < N_FIGURES; i++) {
        char band[80];
        fmt_band(band, sizeof band, &figures[i]);
        fprintf(f, "%-22s %-13s %-8s %s: %s\n", figures[i].key, band,
                figures[i].need > 0 ? "share" : "median", figures[i].label,
                figures[i].source);
    }
}

/* ---- JSON ---------------------------------------------------------------- */

static void
json_number(FILE *f, double v)
{
    if (isnan(v))
        fprintf(f, "null");
    else if (isinf(v))
        fprintf(f, "null");
    else
        fprintf(f, "%.6g", v);
}

static void
json_string(FILE *f, const char *s)
{
    wg_json_buf_t b = WG_JSON_BUF_INIT;
    wg_json_append_str(&b, s, strlen(s));
    fprintf(f, "%s", b.err == 0 && b.data ? b.data : "\"\"");
    wg_json_buf_free(&b);
}

static void
json_figure(FILE *f, const figure_t *fg, const cal_run_t *run)
{
    stats_t st = stats_of(fg, run->seeds, run->n);
    fprintf(f, "{\"key\":");
    json_string(f, fg->key);
    fprintf(f, ",\"label\":");
    json_string(f, fg->label);
    fprintf(f, ",\"lo\":");
    json_number(f, fg->lo);
    fprintf(f, ",\"hi\":");
    json_number(f, fg->hi);
    fprintf(f, ",\"held_by\":\"%s\",\"need\":",
            !has_band(fg)  ? "none"
            : fg->need > 0 ? "share"
                           : "median");
    json_number(f, fg->need);
    fprintf(f, ",\"median\":");
    json_number(f, st.median);
    fprintf(f, ",\"min\":");
    json_number(f, st.min);
    fprintf(f, ",\"max\":");
    json_number(f, st.max);
    fprintf(f, ",\"n\":%zu,\"inside\":%zu,\"ok\":%s,\"per_seed\":[", st.n,
            st.inside, st.ok ? "true" : "false");
    for (size_t i = 0; i < run->n; i++) {
        fprintf(f, i ? "," : "");
        json_number(f, fg->get(&run->seeds[i]));
    }
    fprintf(f, "],\"source\":");
    json_string(f, fg->source);
    fprintf(f, "}");
}

void
cal_print_json(FILE *f, const cal_run_t *run)
{
    fprintf(f, "{\"scenario\":");
    json_string(f, run->path);
    fprintf(f, ",\"name\":");
    json_string(f, run->sc->name);
    fprintf(f, ",\"roe\":\"%s\",\"seeds\":[", cal_roe_name(run->roe));
    for (size_t i = 0; i < run->n; i++)
        fprintf(f, "%s%llu", i ? "," : "",
                (unsigned long long)run->seeds[i].seed);
    fprintf(f, "],\"figures\":[");
    for (size_t i = 0; i < N_FIGURES; i++) {
        fprintf(f, i ? "," : "");
        json_figure(f, &figures[i], run);
    }
    fprintf(f, "],\"peak_by_nation\":{");
    for (size_t k = 0; k < run->sc->n_nations; k++) {
        fprintf(f, "%s\"%s\":[", k ? "," : "", run->sc->nations[k].code);
        for (size_t i = 0; i < run->n; i++)
            fprintf(f, "%s%.0f", i ? "," : "", run->seeds[i].peak_nation[k]);
        fprintf(f, "]");
    }
    fprintf(f, "}}");
}

/* ---- checks -------------------------------------------------------------- */

static const figure_t *
figure_named(const char *key, size_t len)
{
    for (size_t i = 0; i < N_FIGURES; i++)
        if (strlen(figures[i].key) == len &&
            strncmp(figures[i].key, key, len) == 0)
            return &figures[i];
    return NULL;
}

static int
check_one(FILE *f, const cal_run_t *run, const figure_t *fg)
{
    stats_t st = stats_of(fg, run->seeds, run->n);
    if (!has_band(fg) || st.ok)
        return 0;
    char band[80], med[24];
    fmt_band(band, sizeof band, fg);
    fmt_value(med, sizeof med, st.median);
    if (fg->need > 0)
        fprintf(f,
                "calibration: %s (%s): %zu of %zu seeds inside %s, "
                "needs %.0f%%\n",
                fg->key, cal_roe_name(run->roe), st.inside, st.n, band,
                fg->need * 100);
    else
        fprintf(f, "calibration: %s (%s): median %s outside %s\n", fg->key,
                cal_roe_name(run->roe), med, band);
    return 1;
}

int
cal_check(FILE *f, const cal_run_t *run, const char *keys)
{
    int failed = 0;
    if (strcmp(keys, "all") == 0) {
        for (size_t i = 0; i < N_FIGURES; i++)
            failed += check_one(f, run, &figures[i]);
        return failed;
    }
    for (const char *p = keys; *p;) {
        size_t len = strcspn(p, ",");
        const figure_t *fg = figure_named(p, len);
        if (fg == NULL) {
            fprintf(f, "calibration: no figure '%.*s' (see --bands)\n",
                    (int)len, p);
            return -1;
        }
        if (!has_band(fg)) {
            fprintf(f, "calibration: figure '%s' has no band to check\n",
                    fg->key);
            return -1;
        }
        failed += check_one(f, run, fg);
        p += len + (p[len] == ',');
    }
    return failed;
}

/* ---- ROE policies compared ----------------------------------------------- */

typedef struct {
    const char *key, *label;
    bool higher_better;
    figure_fn get;
} measure_t;

static double
m_killed(const cal_seed_t *s)
{
    return s->kia_total;
}

static double
m_kia_rate(const cal_seed_t *s)
{
    return ratio(s->kia_managed + s->kia_hot,
                 (s->ty_managed + s->ty_hot) / 1000.0);
}

static double
m_escalation(const cal_seed_t *s)
{
    return ratio(s->escalation_sum, s->incident_turns);
}

static double
m_steps(const cal_seed_t *s)
{
    return s->escalation_steps;
}

static double
m_coverage(const cal_seed_t *s)
{
    return ratio(s->coverage_sum, s->incident_turns);
}

static const measure_t measures[] = {
    {"killed", "killed in the exercise", false, m_killed},
    {"kia_rate", "killed per 1,000 troop-years", false, m_kia_rate},
    {"escalation", "mean escalation level", false, m_escalation},
    {"escalation_steps", "steps up the ladder", false, m_steps},
    {"hot_weeks", "hot weeks a year", false, f_hot_weeks},
    {"coverage", "mean line coverage", true, m_coverage},
};
#define N_MEASURES (sizeof measures / sizeof measures[0])

static double
median_of(figure_fn get, const cal_run_t *run)
{
    figure_t fg = {"", "", NAN, NAN, 0, "", get};
    return stats_of(&fg, run->seeds, run->n).median;
}

/* The medians of every measure under every policy, and who is better. */
typedef struct {
    size_t n;
    double med[N_MEASURES][CAL_ROE_COUNT];
    int best[N_MEASURES]; /* strictly best policy, or -1 (a tie at the top) */
    int wins[CAL_ROE_COUNT];  /* measures it is strictly best on */
    int worse[CAL_ROE_COUNT]; /* measures another policy does better on */
} compare_t;

/* Is a better than b on measure m? */
static bool
better(const measure_t *m, double a, double b)
{
    if (isnan(a) || isnan(b))
        return false;
    return m->higher_better ? a > b + 1e-9 : a < b - 1e-9;
}

static void
compare(const cal_run_t *runs, size_t n, compare_t *c)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    for (size_t i = 0; i < N_MEASURES; i++) {
        const measure_t *m = &measures[i];
        for (size_t r = 0; r < n; r++)
            c->med[i][r] = median_of(m->get, &runs[r]);
        c->best[i] = -1;
        for (size_t r = 0; r < n; r++) {
            size_t beaten = 0, beats = 0;
            for (size_t q = 0; q < n; q++) {
                beaten += q != r && better(m, c->med[i][q], c->med[i][r]);
                beats += q != r && better(m, c->med[i][r], c->med[i][q]);
            }
            c->worse[r] += beaten > 0;
            if (beats == n - 1) {
                c->best[i] = (int)r;
                c->wins[r]++;
            }
        }
    }
}

/* A policy never worse than another and better on some measure, or -1. */
static int
dominant(const compare_t *c)
{
    for (size_t r = 0; r < c->n; r++) {
        bool ahead = false;
        for (size_t i = 0; i < N_MEASURES; i++)
            for (size_t q = 0; q < c->n; q++)
                ahead = ahead || (q != r && better(&measures[i], c->med[i][r],
                                                   c->med[i][q]));
        if (c->worse[r] == 0 && ahead)
            return (int)r;
    }
    return -1;
}

/* Seeds (the same for every run) on which two policies' outcomes differ. */
static size_t
seeds_differing(const measure_t *m, const cal_run_t *a, const cal_run_t *b)
{
    size_t d = 0;
    for (size_t i = 0; i < a->n && i < b->n; i++) {
        double x = m->get(&a->seeds[i]), y = m->get(&b->seeds[i]);
        d += !(isnan(x) && isnan(y)) && fabs(x - y) > 1e-9;
    }
    return d;
}

static void
compare_text(FILE *f, const cal_run_t *runs, const compare_t *c)
{
    size_t n = c->n;
    fprintf(f, "\nROE policies over the same %zu seeds (medians):\n",
            runs[0].n);
    fprintf(f, "%-30s", "measure");
    for (size_t r = 0; r < n; r++)
        fprintf(f, " %12s", cal_roe_name(runs[r].roe));
    fprintf(f, "  %-12s %s\n", "best", n == 2 ? "seeds differing" : "");
    for (size_t i = 0; i < N_MEASURES; i++) {
        fprintf(f, "%-30s", measures[i].label);
        for (size_t r = 0; r < n; r++)
            fprintf(f, " %12.3g", c->med[i][r]);
        fprintf(f, "  %-12s",
                c->best[i] < 0 ? "tie" : cal_roe_name(runs[c->best[i]].roe));
        if (n == 2)
            fprintf(f, " %zu/%zu",
                    seeds_differing(&measures[i], &runs[0], &runs[1]),
                    runs[0].n);
        fprintf(f, "\n");
    }
    for (size_t r = 0; r < n; r++)
        fprintf(f, "%s: best on %d of %zu measures, worse than another on %d\n",
                cal_roe_name(runs[r].roe), c->wins[r], N_MEASURES, c->worse[r]);
    int d = dominant(c);
    if (d >= 0)
        fprintf(f, "%s dominates: never worse, better on at least one\n",
                cal_roe_name(runs[d].roe));
    else
        fprintf(f, "no policy dominates: each is worse on some measure, or "
                   "they tie\n");
}

static void
compare_json(FILE *f, const cal_run_t *runs, const compare_t *c)
{
    fprintf(f, "{\"measures\":[");
    for (size_t i = 0; i < N_MEASURES; i++) {
        fprintf(f, "%s{\"measure\":\"%s\",\"higher_better\":%s,\"best\":",
                i ? "," : "", measures[i].key,
                measures[i].higher_better ? "true" : "false");
        if (c->best[i] < 0)
            fprintf(f, "null");
        else
            fprintf(f, "\"%s\"", cal_roe_name(runs[c->best[i]].roe));
        fprintf(f, ",\"medians\":{");
        for (size_t r = 0; r < c->n; r++) {
            fprintf(f, "%s\"%s\":", r ? "," : "", cal_roe_name(runs[r].roe));
            json_number(f, c->med[i][r]);
        }
        fprintf(f, "}}");
    }
    int d = dominant(c);
    fprintf(f, "],\"dominant\":");
    if (d < 0)
        fprintf(f, "null}");
    else
        fprintf(f, "\"%s\"}", cal_roe_name(runs[d].roe));
}

void
cal_print_comparison(FILE *f, const cal_run_t *runs, size_t n, bool json)
{
    if (n < 2 || n > CAL_ROE_COUNT)
        return;
    compare_t c;
    compare(runs, n, &c);
    if (json)
        compare_json(f, runs, &c);
    else
        compare_text(f, runs, &c);
}
