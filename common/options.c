/*
 * options.c - the command line wg's programs on the bus share
 * (wg/options.h): one getopt_long loop over the shared options and the
 * program's own, merged into one table.
 *
 * Runs once in main before the loop; reports on stderr.
 */
#include "wg/options.h"

#include "wg/diag.h"
#include "wg/exercise.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define MAX_OPTIONS 32

static const struct option shared[] = {
    {"router", required_argument, NULL, 'r'},
    {"pub", required_argument, NULL, 'p'},
    {"exercise", required_argument, NULL, 'E'},
    {"key", required_argument, NULL, 'K'},
    {"log-level", required_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},
};
#define N_SHARED (sizeof shared / sizeof shared[0])

/* The shared table, then the program's, then the {NULL} end. */
static void
merge(const wg_options_spec_t *spec, struct option *all, char *shorts,
      size_t shorts_cap)
{
    size_t n = 0;
    for (size_t i = 0; i < N_SHARED; i++)
        all[n++] = shared[i];
    for (size_t i = 0; spec->own != NULL && spec->own[i].name != NULL; i++) {
        assert(n + 1 < MAX_OPTIONS);
        all[n++] = spec->own[i];
    }
    memset(&all[n], 0, sizeof all[n]);
    snprintf(shorts, shorts_cap, "r:p:l:h%s",
             spec->own_short != NULL ? spec->own_short : "");
}

/* One option; 0, WG_OPTIONS_HELP, or 2 after saying what is wrong. */
static int
take(const wg_options_spec_t *spec, const char *prog, int c, const char *arg,
     wg_bus_options_t *given)
{
    switch (c) {
    case 'r':
        given->router = arg;
        return 0;
    case 'p':
        given->pub = arg;
        return 0;
    case 'E':
        given->exercise = arg;
        return 0;
    case 'K':
        given->key = arg;
        return 0;
    case 'l':
        return wg_diag_set_level_option(prog, arg) < 0 ? 2 : 0;
    case 'h':
        fputs(spec->usage, stdout);
        return WG_OPTIONS_HELP;
    case '?':
    case ':':
        fputs(spec->usage, stderr);
        return 2;
    default:
        return spec->take(c, arg, spec->ctx);
    }
}

int
wg_options_parse(int argc, char **argv, const wg_options_spec_t *spec,
                 wg_bus_options_t *given)
{
    struct option all[MAX_OPTIONS];
    char shorts[64];
    const char *prog = spec->prog != NULL ? spec->prog : argv[0];
    merge(spec, all, shorts, sizeof shorts);
    memset(given, 0, sizeof *given);
    int c;
    while ((c = getopt_long(argc, argv, shorts, all, NULL)) != -1) {
        int rc = take(spec, prog, c, optarg, given);
        if (rc != 0)
            return rc;
    }
    if (optind != argc) {
        fputs(spec->usage, stderr);
        return 2;
    }
    return 0;
}

const char *
wg_options_bad_port(const wg_bus_options_t *given)
{
    if (given->router != NULL && !wg_endpoint_port_ok(given->router))
        return given->router;
    if (given->pub != NULL && !wg_endpoint_port_ok(given->pub))
        return given->pub;
    return NULL;
}
