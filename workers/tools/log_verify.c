/*
 * log_verify.c - `wg-log verify`: the exercise re-adjudicated from its log
 * and compared with it, record by record, and the director's signature
 * checked.
 *
 * The work is libwg's replay engine (wg/replay.h); this file reads the
 * command line, reports what the engine found in words a person acts on
 * (a broken or missing hash chain among them), and checks a signature
 * (log_sign.c) when asked. The hidden --repeat and --in-line are for
 * scripts/bench-verify. Exit codes as in wg_log.c.
 */
#include "log_verify.h"
#include "log_check.h"
#include "log_tool.h"

#include "wg/replay.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char verify_usage[] =
    "Usage: wg-log verify [--scenario PATH] [--seed N] [--allow-unfinished]\n"
    "                     [--signature LOG.sig --pubkey NAME.sign.pub] LOG\n"
    "\n"
    "Re-adjudicates the exercise from the scenario and seed in the log's\n"
    "header and the joins and orders it recorded, and compares every record\n"
    "the adjudicator made (phase starts, welcomes, default orders, results,\n"
    "the end) with the recorded one, byte for byte. Error replies (seq 0)\n"
    "are not compared. Where the log holds an adjudicator record that no\n"
    "input explains, the live run left the lobby or passed a deadline there,\n"
    "and the re-adjudication does the same (docs/LOG-FORMAT.md, "
    "\"Verification\n"
    "and replay\").\n"
    "\n"
    "  --scenario PATH  also check that the log was recorded with this\n"
    "                   scenario file (by its SHA-256)\n"
    "  --seed N         also check that the log was recorded with seed N\n"
    "  --allow-unfinished  accept a log without an ExerciseEnd (an exercise\n"
    "                   stopped early: a signal, a full disk) whose records\n"
    "                   all verify\n"
    "\n"
    "Prints the records read, the turns and the records compared; at the\n"
    "first divergence, \"diverged at turn T, seq S, field F: detail\".\n"
    "\n"
    "Exit status: 0 every record matches, the file ends cleanly and the\n"
    "exercise ended (with --allow-unfinished, also an exercise stopped\n"
    "early, which it says); 1 diverged, another scenario or seed, a corrupt\n"
    "record (with its offset), a torn tail (even when every whole record\n"
    "before it matches), or an exercise not finished without\n"
    "--allow-unfinished; 2 unreadable (not a log, bad header, a scenario\n"
    "that does not load) or bad usage.\n";

static void
print_verified(const char *path, const wg_replay_report_t *rep)
{
    printf("%s: %" PRIu64 " records, %u turns, %" PRIu64 " compared, %" PRIu64
           " error replies not compared\n",
           path, rep->records, rep->turns, rep->compared, rep->errors);
}

/* Does the TurnResult recorded at `offset` lack its chain link (a log
 * written without the hash chain, or with it stripped)? */
static bool
recorded_chain_missing(const char *path, uint64_t offset)
{
    wg_log_reader_t *r;
    if (wg_log_reader_open(path, &r) < 0)
        return false;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    bool missing = false;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1) {
        if (off != offset)
            continue;
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        missing = env != NULL &&
                  env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
                  env->result->chain.len == 0;
        wg_wire_free(env);
        break;
    }
    wg_log_reader_destroy(&r);
    return missing;
}

/* What the command line asks of verify. */
typedef struct {
    wg_replay_options_t opt;
    const char *sig_path, *pub_path; /* --signature, --pubkey */
    uint64_t repeat;                 /* --repeat (a benchmark aid) */
    bool allow_unfinished;           /* no ExerciseEnd is not a failure */
} verify_args_t;

/* Reads verify's options into v; the log's path, or NULL after a usage
 * error (said on stderr). */
static const char *
verify_options(int argc, char **argv, verify_args_t *v)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"scenario", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"repeat", required_argument, NULL, 'R'}, /* benchmark aids */
        {"in-line", no_argument, NULL, 'L'},
        {"signature", required_argument, NULL, 'g'},
        {"pubkey", required_argument, NULL, 'k'},
        {"allow-unfinished", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}};
    memset(v, 0, sizeof *v);
    v->repeat = 1;
    int c;
    while ((c = wg_log_tool_opt(argc, argv, "hs:S:", longopts, verify_usage)) !=
           -1) {
        if (c == 's') {
            v->opt.scenario_path = optarg;
        } else if (c == 'S') {
            if (wg_log_tool_u64(optarg, &v->opt.seed) < 0) {
                fprintf(stderr, "%s verify: --seed wants a number\n", PROG);
                return NULL;
            }
            v->opt.have_seed = true;
        } else if (c == 'g') {
            v->sig_path = optarg;
        } else if (c == 'k') {
            v->pub_path = optarg;
        } else if (c == 'U') {
            v->allow_unfinished = true;
        } else if (c == 'L') {
            v->opt.in_line = true; /* no reader thread */
        } else if (c == 'R') {
            if (wg_log_tool_u64(optarg, &v->repeat) < 0 || v->repeat == 0) {
                fprintf(stderr, "%s verify: --repeat wants a number\n", PROG);
                return NULL;
            }
        }
    }
    if (argc - optind != 1) {
        fputs(verify_usage, stderr);
        return NULL;
    }
    return argv[optind];
}

/* Verifies the log v->repeat times in this process; with --repeat N
 * (hidden) prints the pace, for scripts/bench-verify. Each pass is a whole
 * verify: open, header, scenario, re-adjudication. */
static void
verify_timed(const char *path, const verify_args_t *v, wg_replay_report_t *rep)
{
    double t0 = wg_log_tool_now();
    for (uint64_t i = 0; i < v->repeat; i++)
        wg_replay_log(path, &v->opt, rep, NULL, NULL);
    double t1 = wg_log_tool_now();
    if (v->repeat > 1)
        printf("repeat: %" PRIu64 " passes, %" PRIu64
               " records in %.3f s, %.0f records/s\n",
               v->repeat, rep->records * v->repeat, t1 - t0,
               (double)(rep->records * v->repeat) / (t1 - t0));
}

/* Every record matched: how the log ends, and the signature if asked. */
static int
report_identical(const char *path, const verify_args_t *v,
                 const wg_replay_report_t *rep)
{
    print_verified(path, rep);
    if (rep->torn) {
        printf("torn tail at offset %" PRIu64
               ": the records before it verify, the log does not end "
               "cleanly\n",
               rep->torn_offset);
        return EXIT_BAD;
    }
    if (!rep->finished)
        printf("exercise not finished: the log stops in turn %u (seq "
               "%" PRIu64 ")%s\n",
               rep->turn, rep->seq,
               v->allow_unfinished ? "" : "; --allow-unfinished accepts it");
    else
        printf("identical: the exercise re-adjudicates to the same "
               "records\n");
    if ((v->sig_path != NULL) != (v->pub_path != NULL)) {
        fprintf(stderr, "%s verify: --signature and --pubkey go together\n",
                PROG);
        return EXIT_USAGE;
    }
    if (v->sig_path != NULL &&
        !wg_log_check_signature(path, v->sig_path, v->pub_path))
        return EXIT_BAD;
    return rep->finished || v->allow_unfinished ? 0 : EXIT_BAD;
}

/* The first record that differs, and what it says of the hash chain. */
static int
report_diverged(const char *path, const wg_replay_report_t *rep)
{
    print_verified(path, rep);
    if (strcmp(rep->field, "result.chain") == 0) {
        if (recorded_chain_missing(path, rep->offset))
            printf("no hash chain: the result of turn %u carries no "
                   "chain link, so this log is not sealed and cannot "
                   "be trusted as a record\n",
                   rep->turn);
        else
            printf("hash chain breaks at turn %u: a record of this turn "
                   "is not the one the chain was made over\n",
                   rep->turn);
    }
    printf("diverged at turn %u, seq %" PRIu64 ", field %s: %s\n", rep->turn,
           rep->seq, rep->field[0] ? rep->field : "(record)", rep->detail);
    if (rep->records > 0)
        printf("  record #%" PRIu64 " at offset %" PRIu64 "\n", rep->index,
               rep->offset);
    return EXIT_BAD;
}

int
wg_log_cmd_verify(int argc, char **argv)
{
    verify_args_t v;
    const char *path = verify_options(argc, argv, &v);
    if (path == NULL)
        return EXIT_USAGE;
    wg_replay_report_t rep;
    verify_timed(path, &v, &rep);
    switch (rep.status) {
    case WG_REPLAY_OK:
        return report_identical(path, &v, &rep);
    case WG_REPLAY_DIVERGED:
        return report_diverged(path, &rep);
    case WG_REPLAY_CORRUPT:
        print_verified(path, &rep);
        printf("corrupt record #%" PRIu64 " at offset %" PRIu64
               " (where turn %u, seq %" PRIu64 " was due): %s\n",
               rep.index, rep.offset, rep.turn, rep.seq, rep.detail);
        return EXIT_BAD;
    default:
        fprintf(stderr, "%s verify: %s%s%s\n", PROG,
                rep.field[0] ? rep.field : "", rep.field[0] ? ": " : "",
                rep.detail);
        return EXIT_USAGE;
    }
}
