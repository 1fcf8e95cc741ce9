/*
 * calibrate.h - what the files of wg-calibrate share: the figures one seed
 * gives, the bands they are held to, and the ROE policies compared.
 *
 *   calibrate.c          options, the seed loop, output and the exit code;
 *   calibrate_play.c     one seed played headless: the adjudicator engine
 *                        (wg/adjudicator.h) and the built-in bots through
 *                        the bot ABI (wg/play.h), no sockets, no log;
 *   calibrate_figures.c  the band table, medians and shares, the text and
 *                        JSON reports, the comparison of ROE policies.
 */
#ifndef WG_CALIBRATE_H
#define WG_CALIBRATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wg/scenario.h"

/* The force-wide rules of engagement the command plays under. */
typedef enum {
    CAL_ROE_BOT = 0,         /* whatever the built-in command bot decides */
    CAL_ROE_ROBUST = 1,      /* robust throughout */
    CAL_ROE_RESTRICTIVE = 2, /* restrictive throughout */
} cal_roe_t;

#define CAL_ROE_COUNT 3

const char *cal_roe_name(cal_roe_t roe);
/* The policy named, or -1. */
int cal_roe_named(const char *name);

/*
 * What one seed's exercise came to. Sums are kept raw (killed and
 * troop-years, violations and days) so that a rate is one division;
 * a figure a seed cannot give (no hot week, no withdrawal) is NAN.
 */
typedef struct {
    uint64_t seed;
    uint32_t weeks; /* weeks played */
    double peak_theatre, peak_committed;
    double peak_nation[WG_MAX_NATIONS];
    double ratio_week20;            /* committed / deployed at week 20 */
    double ratio_steady_sum;        /* ... summed over steady weeks */
    uint32_t steady_weeks;          /* incident turns from week 26 */
    double kia_managed, ty_managed; /* killed, troop-years, managed */
    double kia_hot, ty_hot;         /* the same in other regimes */
    double violations_managed;      /* ceasefire violations, managed */
    double days_managed;            /* days of managed incident turns */
    double line_km;                 /* length of the line's sectors */
    uint32_t hot_weeks;             /* weeks of incident turns not managed */
    uint32_t recommits;             /* recommitments the command called */
    uint32_t withdrawals;           /* nations leaving or withdrawn */
    double first_withdrawal_week;   /* NAN if none */
    double end_troops;              /* deployed at week 52 (or the end) */
    bool end_taken;
    uint32_t bound_run, longest_bound; /* turns at stability 0 or 100 */
    /* For the comparison of ROE policies. */
    double kia_total;
    double escalation_sum;     /* summed over incident turns */
    uint32_t escalation_steps; /* steps up the ladder */
    double coverage_sum;       /* line coverage, by km, per turn */
    uint32_t incident_turns;
    uint32_t last_escalation;
    uint32_t gaps;         /* units that left unrelieved */
    uint32_t gaps_willing; /* ... by a nation rotating for long enough */
} cal_seed_t;

/* Plays one seed of sc (its seed replaced by `seed`) under `roe`, the
 * scenario file's text given as the Welcome carries it. Returns 0, or a
 * negative code if the exercise could not be played to its end. */
int cal_play_seed(const wg_scenario_t *sc, const char *text, size_t text_len,
                  uint64_t seed, cal_roe_t roe, cal_seed_t *out);

/* The figures of the band table, over the seeds of one policy. */
typedef struct {
    const wg_scenario_t *sc;
    const char *path;
    cal_roe_t roe;
    const cal_seed_t *seeds;
    size_t n;
} cal_run_t;

/* Prints the report of one run (text, or one JSON object). */
void cal_print_text(FILE *f, const cal_run_t *run);
void cal_print_json(FILE *f, const cal_run_t *run);
/* Prints how the policies of runs[0..n) compare on casualties,
 * escalation and coverage, and whether one is best on every measure. */
void cal_print_comparison(FILE *f, const cal_run_t *runs, size_t n, bool json);

/* Checks the figures named in `keys` (comma-separated, or "all") of a run:
 * prints each that leaves its band to f and returns how many did; -1 (and
 * a line on f) for a name the table does not have. */
int cal_check(FILE *f, const cal_run_t *run, const char *keys);
/* Lists the figures' keys, bands and sources. */
void cal_print_bands(FILE *f);

#endif
