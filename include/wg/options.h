/*
 * wg/options.h - the command line that wg's programs on the bus share
 * (wg-adjudicator, wg-command, wg-contingent, wg-director): --router EP,
 * --pub EP, --exercise FILE, --key KEY, --log-level LEVEL and --help, each
 * program's own options beside them, and one answer to --help, an unknown
 * option and an argument left over.
 *
 * What the shared options mean is the program's: a worker connects to the
 * endpoints, the adjudicator binds them; a worker's --key is its seat's,
 * the adjudicator's its own (wg/worker.h, workers/adjudicator/options.c).
 */
#ifndef WG_OPTIONS_H
#define WG_OPTIONS_H

#include <getopt.h>

/* The shared options as given (NULL: not given). */
typedef struct {
    const char *router, *pub;
    const char *exercise, *key;
} wg_bus_options_t;

/* One of a program's own options (c: its struct option's val or short
 * letter; arg: optarg, NULL for one without an argument). Returns 0, or 2
 * after saying what is wrong on stderr. */
typedef int (*wg_option_cb)(int c, const char *arg, void *ctx);

typedef struct {
    /* Printed for --help (stdout) and after a misuse (stderr). */
    const char *usage;
    /* How --log-level's complaint names the program; NULL: argv[0]. */
    const char *prog;
    /* The program's own options, ended by a {NULL} entry (NULL: none);
     * their vals are not 'r', 'p', 'E', 'K', 'l' or 'h' (the shared
     * ones'). own_short: their short letters, getopt style ("n:b:"). */
    const struct option *own;
    const char *own_short;
    wg_option_cb take;
    void *ctx;
} wg_options_spec_t;

/* --help was given: usage is on stdout, and the program exits 0. */
#define WG_OPTIONS_HELP (-1)

/* Parses argv: the shared options into *given (zeroed first), the
 * program's own through spec->take. Returns 0; WG_OPTIONS_HELP; or 2 after
 * printing usage on stderr (an unknown option, a missing argument, an
 * argument left over) or what is wrong (--log-level, an own option). */
int wg_options_parse(int argc, char **argv, const wg_options_spec_t *spec,
                     wg_bus_options_t *given);

/* The first given endpoint (--router, then --pub) whose tcp:// port is
 * not 1 to 65535 or *, or NULL: each program says it in its own words. */
const char *wg_options_bad_port(const wg_bus_options_t *given);

#endif
