/*
 * wg_log.c - wg-log, the exercise log tool: the command table and main.
 *
 * One process, one thread, no event loop: each subcommand reads a log file
 * whole (wg/log.h), walks its records and exits. The subcommands live in
 * files by concern, their shared helpers in log_tool.c:
 *   log_info.c    info, dump          what a log holds
 *   log_verify.c  verify              re-adjudication (wg/replay.h)
 *   log_replay.c  replay, listen      the broadcasts published again
 *   log_study.c   view, diff          an exercise as a role saw it
 *   log_fork.c    fork                what if a role had played otherwise
 *   log_sign.c    keygen, sign        the director's signature
 *   log_check.c   check               frames, chain and signature
 *   log_aids.c    synth, bench-read   testing and benchmark aids
 * Nothing writes to a log but fork (a new one) and the hidden synth.
 *
 * Exit codes, for every subcommand: 0 all well; 1 the log was read but
 * something in it is wrong (a torn tail, a corrupt frame, a payload that is
 * not an Envelope; for verify, a divergence); 2 the file cannot be read as
 * a log at all (missing, not a log, bad header, other version) or the
 * command line is wrong. Reports go to stdout, diagnostics to stderr.
 */
#include "log_aids.h"
#include "log_check.h"
#include "log_fork.h"
#include "log_info.h"
#include "log_replay.h"
#include "log_sign.h"
#include "log_study.h"
#include "log_tool.h"
#include "log_verify.h"

#include "wg/diag.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef int (*cmd_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    cmd_fn fn;
    const char *summary;
    bool hidden; /* testing aids, left out of the usage text */
} cmd_t;

static const cmd_t commands[] = {
    {"info", wg_log_cmd_info,
     "header, records, turns, torn tail, corrupt records", false},
    {"dump", wg_log_cmd_dump, "one JSON object per record per line", false},
    {"verify", wg_log_cmd_verify, "re-adjudicate and compare every result",
     false},
    {"check", wg_log_cmd_check,
     "frames, hash chain, signature: no re-adjudication", false},
    {"replay", wg_log_cmd_replay, "publish the recorded broadcasts again",
     false},
    {"view", wg_log_cmd_view, "the exercise as one role saw it", false},
    {"diff", wg_log_cmd_diff, "two exercises side by side, turn by turn",
     false},
    {"fork", wg_log_cmd_fork, "replay to a turn, swap a bot, play on", false},
    {"keygen", wg_log_cmd_keygen, "make a director's signing key pair", false},
    {"sign", wg_log_cmd_sign, "sign the log's final hash (director)", false},
    {"listen", wg_log_cmd_listen,
     "print what a PUB endpoint sends (testing aid)", true},
    {"synth", wg_log_cmd_synth, "write a synthetic log (testing aid)", true},
    {"bench-read", wg_log_cmd_bench_read, "time reading a log (benchmark aid)",
     true},
};

static void
usage(FILE *out)
{
    fprintf(out, "Usage: wg-log COMMAND [OPTIONS] LOG\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!commands[i].hidden)
            fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'wg-log COMMAND --help' describes each one.\n"
                 "Exit status: 0 ok; 1 torn, corrupt or divergent; 2 "
                 "unreadable or bad usage.\n");
}

int
main(int argc, char **argv)
{
    wg_diag_set_role("wg-log");
    wg_diag_init_from_env();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s'\n", PROG, argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
