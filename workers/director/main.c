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
#include "wg/exercise.h"

#include <getopt.h>
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

static int
parse(int argc, char **argv, wg_worker_config_t *cfg, const char **script)
{
    static const struct option opts[] = {
        {"router", required_argument, NULL, 'r'},
        {"pub", required_argument, NULL, 'p'},
        {"exercise", required_argument, NULL, 'E'},
        {"key", required_argument, NULL, 'K'},
        {"script", required_argument, NULL, 's'},
        {"log-level", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool router_set = false, pub_set = false;
    int c;
    cfg->role = WG_WORKER_DIRECTOR;
    cfg->router_endpoint = "tcp://127.0.0.1:5555";
    cfg->pub_endpoint = "tcp://127.0.0.1:5556";
    while ((c = getopt_long(argc, argv, "r:p:s:l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            cfg->router_endpoint = optarg;
            router_set = true;
            break;
        case 'p':
            cfg->pub_endpoint = optarg;
            pub_set = true;
            break;
        case 'E':
            cfg->exercise_path = optarg;
            break;
        case 'K':
            cfg->key_path = optarg;
            break;
        case 's':
            *script = optarg;
            break;
        case 'l':
            if (wg_diag_set_level_option(argv[0], optarg) < 0)
                return 2;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    if (!wg_endpoint_port_ok(cfg->router_endpoint) ||
        !wg_endpoint_port_ok(cfg->pub_endpoint)) {
        fprintf(stderr, "wg-director: not a port (1 to 65535)\n");
        return 2;
    }
    return wg_worker_take_seat(cfg, router_set, pub_set);
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
