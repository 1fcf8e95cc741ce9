/*
 * wg-director - the exercise director's (white cell's) console.
 *
 * Endpoints: a DEALER to the adjudicator's ROUTER and a SUB to its PUB
 * (client.c), with the exercise file's director seat and key on a LAN,
 * loopback without keys. Sends Join (as ROLE_DIRECTOR) and
 * DirectorCommand; receives Welcome, DirectorStatus, Error, TurnResult
 * and ExerciseEnd (docs/PROTOCOL.md, "The director"). Two faces: the
 * ncurses console (console.c), and a scripted mode (--script, script.c)
 * for tests and prepared sessions. Exit codes: 0 the director left or the
 * script ended, 1 a signal or a connection that could not be made, 2 bad
 * options or input.
 */
#include "director.h"

#include "wg/diag.h"
#include "wg/options.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: wg-director [--exercise FILE --key director.key]\n"
    "                   [--router EP] [--pub EP] [--script FILE|-]\n"
    "                   [--log-level LEVEL]\n"
    "  The director's console: the live state of every role and the\n"
    "  clock; pause, resume, extend a deadline, force a role's fallback,\n"
    "  eject and readmit a role, fire the scenario's injects or compose\n"
    "  one (docs/PLAYING.md). --script runs commands from a file instead\n"
    "  (one a line: pause, resume, extend S, force ROLE, eject ROLE,\n"
    "  readmit ROLE, inject NAME, inject SECTOR KIND [NATION [COUNT]],\n"
    "  wait turn N [PHASE], wait started, wait end, sleep MS, status).\n";

/* --script FILE (wg_option_cb): the director's own option. */
static int
take_script(int c, const char *arg, void *ctx)
{
    (void)c;
    *(const char **)ctx = arg;
    return 0;
}

static int
parse(int argc, char **argv, wg_worker_config_t *cfg, const char **script)
{
    static const struct option own[] = {
        {"script", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const wg_options_spec_t spec = {.usage = usage,
                                    .own = own,
                                    .own_short = "s:",
                                    .take = take_script,
                                    .ctx = script};
    wg_bus_options_t given;
    cfg->role = WG_WORKER_DIRECTOR;
    int rc = wg_options_parse(argc, argv, &spec, &given);
    if (rc != 0)
        return rc;
    if (wg_options_bad_port(&given) != NULL) {
        fprintf(stderr, "wg-director: not a port (1 to 65535)\n");
        return 2;
    }
    return wg_worker_take_seat(cfg, &given);
}

int
main(int argc, char **argv)
{
    wg_worker_config_t cfg;
    const char *script = NULL;
    memset(&cfg, 0, sizeof cfg);
    wg_diag_set_role("director");
    wg_diag_init_from_env();
    int rc = parse(argc, argv, &cfg, &script);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    rc =
        script != NULL ? director_script(&cfg, script) : director_console(&cfg);
    wg_keys_wipe(&cfg.keys);
    return rc;
}
