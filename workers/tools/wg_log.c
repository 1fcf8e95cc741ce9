/*
 * wg_log.c - wg-log, the exercise log tool: info, dump, verify, replay.
 *
 * One process, one thread, no event loop: each subcommand reads a log file
 * whole (wg/log.h), walks its records and exits. verify re-adjudicates
 * through libwg's replay engine (wg/replay.h). replay publishes on a plain
 * ZeroMQ PUB socket, paced with nanosleep (it is a one-socket, send-only
 * program: the bus and a libuv loop would add nothing); the hidden
 * "listen" is its tiny subscriber, for the tests. Nothing here writes to a
 * log except the hidden "synth" subcommand, a testing aid that writes a
 * synthetic log of N envelopes for the tests and the benchmark.
 *
 * Exit codes, for every subcommand: 0 all well; 1 the log was read but
 * something in it is wrong (a torn tail, a corrupt frame, a payload that is
 * not an Envelope; for verify, a divergence); 2 the file cannot be read as
 * a log at all (missing, not a log, bad header, other version) or the
 * command line is wrong. Reports go to stdout, diagnostics to stderr.
 */
#include "log_fork.h"
#include "log_sign.h"
#include "log_study.h"

#include "wg/diag.h"
#include "wg/error.h"
#include "wg/json.h"
#include "wg/log.h"
#include "wg/replay.h"
#include "wg/wire.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define EXIT_BAD 1    /* read, but torn, corrupt or divergent */
#define EXIT_USAGE 2  /* unreadable, or a wrong command line */
#define MAX_LISTED 10 /* corrupt frames listed one by one by info */

typedef int (*cmd_fn)(int argc, char **argv);

typedef struct {
    const char *name;
    cmd_fn fn;
    const char *summary;
    bool hidden; /* testing aids, left out of the usage text */
} cmd_t;

static const char *prog = "wg-log";

/* ---- shared helpers ---------------------------------------------------- */

/* getopt_long with --help on every subcommand. Returns the option, or -1
 * at the end of options; prints usage and exits on --help or an error. */
static int
next_opt(int argc, char **argv, const char *shortopts,
         const struct option *longopts, const char *usage)
{
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == 'h') {
        fputs(usage, stdout);
        exit(0);
    }
    if (c == '?') {
        fputs(usage, stderr);
        exit(EXIT_USAGE);
    }
    return c;
}

static int
parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (s == NULL || *s == '\0' || *s == '-')
        return -EINVAL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return -EINVAL;
    *out = v;
    return 0;
}

static int
open_log(const char *path, wg_log_reader_t **rd)
{
    int rc = wg_log_reader_open(path, rd);
    const char *why;
    switch (rc) {
    case 0:
        return 0;
    case WG_ETORN:
        why = "the file ends inside the log header (empty or cut short)";
        break;
    case WG_ECORRUPT:
        why = "not an exercise log, or its header is damaged";
        break;
    case WG_EVERSION:
        why = "a log format version this wg-log does not read";
        break;
    case WG_ELIMIT:
        why = "a header field is longer than wg allows";
        break;
    default:
        why = wg_strerror(rc);
    }
    fprintf(stderr, "%s: %s: %s\n", prog, path, why);
    return rc;
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/*
 * Decoding. protobuf-c's unpack makes one allocation per sub-message,
 * string and array; with a bump arena that is reset for each record a
 * ~90-byte Envelope decodes in about half the time it takes with malloc,
 * and that is most of what reading a log costs. A decoded Envelope lives
 * until the next decode().
 * TODO(lead): this belongs in common/wire.c, as wg_wire_unpack_in(arena).
 */
typedef struct {
    wg_arena_t *arena;
    ProtobufCAllocator pa;
} decoder_t;

static void *
arena_alloc_cb(void *data, size_t size)
{
    return wg_arena_alloc(data, size);
}

static void
arena_free_cb(void *data, void *p)
{
    (void)data; /* everything goes at the next reset */
    (void)p;
}

static void
decoder_init(decoder_t *d)
{
    d->arena = wg_arena_new();
    d->pa.alloc = arena_alloc_cb;
    d->pa.free = arena_free_cb;
    d->pa.allocator_data = d->arena;
}

static void
decoder_fini(decoder_t *d)
{
    wg_arena_destroy(&d->arena);
}

static Wgpb__V1__Envelope *
decode(decoder_t *d, const uint8_t *rec, size_t len)
{
    wg_arena_reset(d->arena);
    return wgpb__v1__envelope__unpack(&d->pa, len, rec);
}

static void
report_stop(const char *path, int rc, uint64_t off, uint64_t index,
            uint64_t size, bool have_seq, uint64_t last_seq)
{
    char after[64] = "";
    if (have_seq)
        snprintf(after, sizeof after, ", after seq %" PRIu64, last_seq);
    if (rc == WG_ETORN)
        fprintf(stderr,
                "%s: %s: torn tail at offset %" PRIu64 " (%" PRIu64
                " bytes%s); the %" PRIu64 " records before it are whole\n",
                prog, path, off, size - off, after, index);
    else
        fprintf(stderr,
                "%s: %s: corrupt record #%" PRIu64 " at offset %" PRIu64
                "%s; not decoded\n",
                prog, path, index, off, after);
}

/* ---- info -------------------------------------------------------------- */

static const char info_usage[] =
    "Usage: wg-log info LOG\n"
    "\n"
    "Prints the log's header (scenario, its SHA-256, seed, start time), the\n"
    "number of records, the first and last sequence numbers, the turns, the\n"
    "records per payload type, and whether the tail is torn or any record is\n"
    "corrupt (with offsets). Every frame's CRC is checked and every payload\n"
    "decoded.\n"
    "\n"
    "Exit status: 0 clean; 1 torn tail, corrupt records or payloads that are\n"
    "not Envelopes; 2 unreadable (not a log, bad header, other version).\n";

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct {
    uint32_t *turns;
    size_t n_turns, cap_turns;
    uint64_t records, malformed, first_malformed_off, results;
    uint64_t first_seq, last_seq, out_of_order;
    bool have_seq;
    decoder_t dec;
    uint64_t by_payload[64];
    const char *payload_names[64];
} info_stats_t;

static int
info_take(info_stats_t *st, const uint8_t *rec, size_t len, uint64_t off)
{
    st->records++;
    Wgpb__V1__Envelope *env = decode(&st->dec, rec, len);
    if (env == NULL) {
        if (st->malformed++ == 0)
            st->first_malformed_off = off;
        return 0;
    }
    if (st->have_seq && env->seq <= st->last_seq)
        st->out_of_order++;
    if (!st->have_seq)
        st->first_seq = env->seq;
    st->last_seq = env->seq;
    st->have_seq = true;
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        st->results++;
    unsigned pc = (unsigned)env->payload_case;
    if (pc < 64) {
        st->by_payload[pc]++;
        st->payload_names[pc] = wg_wire_payload_name(env);
    }
    if (st->n_turns == st->cap_turns) {
        size_t cap = st->cap_turns ? st->cap_turns * 2 : 1024;
        uint32_t *t = realloc(st->turns, cap * sizeof *t);
        if (t == NULL)
            return -ENOMEM;
        st->turns = t;
        st->cap_turns = cap;
    }
    st->turns[st->n_turns++] = env->turn;
    return 0;
}

static int
cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    while (next_opt(argc, argv, "h", longopts, info_usage) != -1)
        ;
    if (argc - optind != 1) {
        fputs(info_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wg_log_reader_t *rd;
    if (open_log(path, &rd) < 0)
        return EXIT_USAGE;

    const wg_log_header_t *h = wg_log_reader_header(rd);
    char hash[65];
    hex(hash, h->scenario_hash, sizeof h->scenario_hash);
    printf("log:            %s\n", path);
    printf("size:           %" PRIu64 " bytes\n", wg_log_reader_size(rd));
    printf("format_version: %" PRIu32 "\n", h->version);
    printf("writer:         %s\n", wg_log_reader_writer(rd));
    printf("scenario_name:  %s\n", h->scenario_name);
    printf("scenario_path:  %s\n", h->scenario_path);
    printf("scenario_hash:  %s\n", hash);
    printf("scenario_size:  %zu bytes\n", h->scenario_len);
    printf("seed:           %" PRIu64 "\n", h->seed);
    printf("started:        %s\n", h->started);

    info_stats_t st;
    memset(&st, 0, sizeof st);
    decoder_init(&st.dec);
    uint64_t corrupt = 0, torn_off = 0, off;
    uint64_t listed_off[MAX_LISTED], listed_idx[MAX_LISTED];
    bool torn = false, stuck = false;
    const uint8_t *rec;
    size_t len;
    int rc, status = 0;
    for (;;) {
        rc = wg_log_reader_next(rd, &rec, &len, &off);
        if (rc == 1) {
            if ((rc = info_take(&st, rec, len, off)) < 0)
                break;
            continue;
        }
        if (rc == 0)
            break;
        if (rc == WG_ETORN) {
            torn = true;
            torn_off = off;
            rc = 0;
            break;
        }
        /* Corrupt: note it and look for the next good frame, so that one
         * bad frame does not hide the state of the rest of the file. */
        if (corrupt < MAX_LISTED) {
            listed_off[corrupt] = off;
            listed_idx[corrupt] = wg_log_reader_index(rd);
        }
        corrupt++;
        uint64_t at;
        if (wg_log_reader_resync(rd, &at) < 0) {
            stuck = true;
            rc = 0;
            break;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, wg_strerror(rc));
        status = EXIT_USAGE;
        goto out;
    }

    printf("records:        %" PRIu64 "\n", st.records);
    if (st.have_seq) {
        printf("first_seq:      %" PRIu64 "\n", st.first_seq);
        printf("last_seq:       %" PRIu64 "\n", st.last_seq);
    } else {
        printf("first_seq:      -\nlast_seq:       -\n");
    }
    if (st.out_of_order > 0)
        printf("seq_disorder:   %" PRIu64 " records not above the one "
               "before\n",
               st.out_of_order);
    size_t distinct = 0;
    uint32_t tmin = 0, tmax = 0;
    if (st.n_turns > 0) {
        qsort(st.turns, st.n_turns, sizeof *st.turns, cmp_u32);
        tmin = st.turns[0];
        tmax = st.turns[st.n_turns - 1];
        for (size_t i = 0; i < st.n_turns; i++)
            if (i == 0 || st.turns[i] != st.turns[i - 1])
                distinct++;
    }
    if (distinct > 0)
        printf("turns:          %zu (turn %" PRIu32 " to %" PRIu32 ")\n",
               distinct, tmin, tmax);
    else
        printf("turns:          0\n");
    printf("turn_results:   %" PRIu64 "\n", st.results);
    printf("payloads:      ");
    bool any = false;
    for (unsigned i = 0; i < 64; i++)
        if (st.by_payload[i] > 0) {
            printf(" %s=%" PRIu64, st.payload_names[i], st.by_payload[i]);
            any = true;
        }
    printf("%s\n", any ? "" : " -");
    if (st.malformed > 0) {
        printf("malformed:      %" PRIu64 " records pass their CRC but are "
               "not Envelopes (first at offset %" PRIu64 ")\n",
               st.malformed, st.first_malformed_off);
        status = EXIT_BAD;
    }
    if (torn) {
        printf("tail:           torn at offset %" PRIu64 " (%" PRIu64
               " bytes after the last whole record)\n",
               torn_off, wg_log_reader_size(rd) - torn_off);
        status = EXIT_BAD;
    } else {
        printf("tail:           clean\n");
    }
    if (corrupt > 0) {
        printf("corrupt:        %" PRIu64 " records\n", corrupt);
        for (uint64_t i = 0; i < corrupt && i < MAX_LISTED; i++)
            printf("  record #%" PRIu64 " at offset %" PRIu64 "\n",
                   listed_idx[i], listed_off[i]);
        if (stuck)
            printf("  no good record after offset %" PRIu64 "\n",
                   listed_off[corrupt < MAX_LISTED ? corrupt - 1
                                                   : MAX_LISTED - 1]);
        status = EXIT_BAD;
    } else {
        printf("corrupt:        0\n");
    }
out:
    decoder_fini(&st.dec);
    free(st.turns);
    wg_log_reader_destroy(&rd);
    return status;
}

/* ---- dump -------------------------------------------------------------- */

static const char dump_usage[] =
    "Usage: wg-log dump [--turn N] LOG\n"
    "\n"
    "Prints one JSON object per record per line, for jq: \"offset\" (of the\n"
    "record's frame in the file), \"record\" (its index from 0), then the\n"
    "Envelope's fields named as in proto/wg.proto, in protobuf's canonical\n"
    "JSON mapping (64-bit integers as strings, bytes as base64, enums by\n"
    "name, the payload under its oneof field name); \"seq\" is always there.\n"
    "A record whose bytes are not an Envelope is printed as\n"
    "{\"offset\",\"record\",\"error\",\"payload\"} with the bytes in base64.\n"
    "Stops at a torn tail or a corrupt record and says so on stderr.\n"
    "\n"
    "  -t, --turn N   only records of turn N\n"
    "\n"
    "Exit status: 0 clean; 1 torn, corrupt or malformed records; 2 "
    "unreadable.\n";

static int
cmd_dump(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"turn", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    uint64_t turn = 0;
    bool by_turn = false;
    int c;
    while ((c = next_opt(argc, argv, "ht:", longopts, dump_usage)) != -1) {
        if (c == 't') {
            if (parse_u64(optarg, &turn) < 0 || turn > UINT32_MAX) {
                fprintf(stderr, "%s dump: --turn wants a turn number\n", prog);
                return EXIT_USAGE;
            }
            by_turn = true;
        }
    }
    if (argc - optind != 1) {
        fputs(dump_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wg_log_reader_t *rd;
    if (open_log(path, &rd) < 0)
        return EXIT_USAGE;

    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    wg_json_buf_t jb = WG_JSON_BUF_INIT;
    decoder_t dec;
    decoder_init(&dec);
    const uint8_t *rec;
    size_t len;
    uint64_t off, last_seq = 0;
    bool have_seq = false;
    int rc, status = 0;
    char head[96];
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        uint64_t index = wg_log_reader_index(rd) - 1;
        wg_json_buf_reset(&jb);
        snprintf(head, sizeof head,
                 "{\"offset\":%" PRIu64 ",\"record\":%" PRIu64, off, index);
        wg_json_append(&jb, head, strlen(head));
        Wgpb__V1__Envelope *env = decode(&dec, rec, len);
        if (env == NULL) {
            wg_json_append(&jb, ",\"error\":\"not a valid Envelope\"", 31);
            wg_json_append(&jb, ",\"payload\":", 11);
            wg_json_append_base64(&jb, rec, len);
            status = EXIT_BAD;
        } else {
            last_seq = env->seq;
            have_seq = true;
            if (by_turn && env->turn != turn)
                continue;
            wg_json_append(&jb, ",", 1);
            size_t n = wg_json_append_members(&jb, &env->base);
            /* Canonical JSON leaves a zero seq out; dump always has one
             * (and a nonzero seq means n > 0, so the comma is used). */
            if (env->seq == 0) {
                if (n > 0)
                    wg_json_append(&jb, ",", 1);
                wg_json_append(&jb, "\"seq\":\"0\"", 9);
            }
        }
        wg_json_append(&jb, "}\n", 2);
        if (jb.err < 0) {
            fprintf(stderr, "%s: %s\n", prog, wg_strerror(jb.err));
            status = EXIT_USAGE;
            goto out;
        }
        fwrite(jb.data, 1, jb.len, stdout);
    }
    if (rc == WG_ETORN || rc == WG_ECORRUPT) {
        fflush(stdout);
        report_stop(path, rc, off, wg_log_reader_index(rd),
                    wg_log_reader_size(rd), have_seq, last_seq);
        status = EXIT_BAD;
    }
out:
    if (fflush(stdout) != 0 && status == 0)
        status = EXIT_USAGE;
    wg_json_buf_free(&jb);
    decoder_fini(&dec);
    wg_log_reader_destroy(&rd);
    return status;
}

/* ---- verify ------------------------------------------------------------ */

static const char verify_usage[] =
    "Usage: wg-log verify [--scenario PATH] [--seed N]\n"
    "                     [--signature LOG.sig --pubkey NAME.pub] LOG\n"
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
    "\n"
    "Prints the records read, the turns and the records compared; at the\n"
    "first divergence, \"diverged at turn T, seq S, field F: detail\".\n"
    "\n"
    "Exit status: 0 every record matches and the file ends cleanly (an\n"
    "exercise stopped early is still 0, and says so); 1 diverged, another\n"
    "scenario or seed, a corrupt record (with its offset), or a torn tail\n"
    "(even when every whole record before it matches); 2 unreadable (not a\n"
    "log, bad header, a scenario that does not load) or bad usage.\n";

static double now_s(void);

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

static int
cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"scenario", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"repeat", required_argument, NULL, 'R'}, /* benchmark aids */
        {"in-line", no_argument, NULL, 'L'},
        {"signature", required_argument, NULL, 'g'},
        {"pubkey", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0}};
    const char *sig_path = NULL, *pub_path = NULL;
    wg_replay_options_t opt;
    memset(&opt, 0, sizeof opt);
    uint64_t repeat = 1;
    int c;
    while ((c = next_opt(argc, argv, "hs:S:", longopts, verify_usage)) != -1) {
        if (c == 's') {
            opt.scenario_path = optarg;
        } else if (c == 'S') {
            if (parse_u64(optarg, &opt.seed) < 0) {
                fprintf(stderr, "%s verify: --seed wants a number\n", prog);
                return EXIT_USAGE;
            }
            opt.have_seed = true;
        } else if (c == 'g') {
            sig_path = optarg;
        } else if (c == 'k') {
            pub_path = optarg;
        } else if (c == 'L') {
            opt.in_line = true; /* no reader thread */
        } else if (c == 'R') {
            if (parse_u64(optarg, &repeat) < 0 || repeat == 0) {
                fprintf(stderr, "%s verify: --repeat wants a number\n", prog);
                return EXIT_USAGE;
            }
        }
    }
    if (argc - optind != 1) {
        fputs(verify_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wg_replay_report_t rep;
    /* --repeat N (hidden): verify N times in this process and print the
     * pace, for scripts/bench-verify. Each pass is a whole verify: open,
     * header, scenario, re-adjudication. */
    double t0 = now_s();
    for (uint64_t i = 0; i < repeat; i++)
        wg_replay_log(path, &opt, &rep, NULL, NULL);
    double t1 = now_s();
    if (repeat > 1)
        printf("repeat: %" PRIu64 " passes, %" PRIu64
               " records in %.3f s, %.0f records/s\n",
               repeat, rep.records * repeat, t1 - t0,
               (double)(rep.records * repeat) / (t1 - t0));

    switch (rep.status) {
    case WG_REPLAY_OK:
        print_verified(path, &rep);
        if (rep.torn) {
            printf("torn tail at offset %" PRIu64
                   ": the records before it verify, the log does not end "
                   "cleanly\n",
                   rep.torn_offset);
            return EXIT_BAD;
        }
        if (!rep.finished)
            printf("exercise not finished: the log stops in turn %u (seq "
                   "%" PRIu64 ")\n",
                   rep.turn, rep.seq);
        else
            printf("identical: the exercise re-adjudicates to the same "
                   "records\n");
        if ((sig_path != NULL) != (pub_path != NULL)) {
            fprintf(stderr, "%s verify: --signature and --pubkey go together\n",
                    prog);
            return EXIT_USAGE;
        }
        if (sig_path != NULL &&
            !wg_log_check_signature(path, sig_path, pub_path))
            return EXIT_BAD;
        return 0;
    case WG_REPLAY_DIVERGED:
        print_verified(path, &rep);
        if (strcmp(rep.field, "result.chain") == 0) {
            if (recorded_chain_missing(path, rep.offset))
                printf("no hash chain: the result of turn %u carries no "
                       "chain link, so this log is not sealed and cannot "
                       "be trusted as a record\n",
                       rep.turn);
            else
                printf("hash chain breaks at turn %u: a record of this turn "
                       "is not the one the chain was made over\n",
                       rep.turn);
        }
        printf("diverged at turn %u, seq %" PRIu64 ", field %s: %s\n", rep.turn,
               rep.seq, rep.field[0] ? rep.field : "(record)", rep.detail);
        if (rep.records > 0)
            printf("  record #%" PRIu64 " at offset %" PRIu64 "\n", rep.index,
                   rep.offset);
        return EXIT_BAD;
    case WG_REPLAY_CORRUPT:
        print_verified(path, &rep);
        printf("corrupt record #%" PRIu64 " at offset %" PRIu64
               " (where turn %u, seq %" PRIu64 " was due): %s\n",
               rep.index, rep.offset, rep.turn, rep.seq, rep.detail);
        return EXIT_BAD;
    default:
        fprintf(stderr, "%s verify: %s%s%s\n", prog,
                rep.field[0] ? rep.field : "", rep.field[0] ? ": " : "",
                rep.detail);
        return EXIT_USAGE;
    }
}

/* ---- replay ------------------------------------------------------------ */

static const char replay_usage[] =
    "Usage: wg-log replay LOG --pub ENDPOINT [--speed X | --step]\n"
    "\n"
    "Publishes the recorded broadcasts again, in order, on a ZeroMQ PUB\n"
    "socket bound at ENDPOINT (tcp://127.0.0.1:5556, ipc://...), for\n"
    "observers: every record the adjudicator published to all (TurnStart,\n"
    "TurnResult, ExerciseEnd), as the recorded bytes. Welcomes, errors and\n"
    "other directed replies, and the workers' orders, were never broadcast\n"
    "and are not sent.\n"
    "\n"
    "The log keeps no wall clock per record, so the recorded pace is defined\n"
    "as one turn per second: the broadcasts of a turn go out together, then\n"
    "the replay waits 1 s / X before the next turn.\n"
    "\n"
    "  -p, --pub ENDPOINT  where to bind the PUB socket (required)\n"
    "  -s, --speed X       X times the recorded pace (default 1; 0 < X)\n"
    "  -S, --step          wait for Enter on stdin before each turn\n"
    "\n"
    "It waits 300 ms after binding before the first broadcast (subscribers\n"
    "that connect later miss what went before), and lingers up to 1 s at\n"
    "the end so the last broadcasts reach them. Prints one line per turn on\n"
    "stderr.\n"
    "\n"
    "Exit status: 0 all published; 1 the log is torn or has a corrupt\n"
    "record (what came before it was published); 2 unreadable, bad usage\n"
    "or the endpoint cannot be bound.\n";

static void
sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* True for a record the adjudicator published to every subscriber. */
static bool
is_broadcast(const Wgpb__V1__Envelope *env)
{
    if (env->sender_role != WGPB__V1__ROLE__ROLE_ADJUDICATOR ||
        (env->recipient != NULL && env->recipient[0] != '\0'))
        return false;
    return env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START ||
           env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT ||
           env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END;
}

/* Waits for a line on stdin; false at its end. */
static bool
wait_enter(uint32_t turn)
{
    fprintf(stderr, "%s replay: turn %u next: press Enter to publish it\n",
            prog, turn);
    int ch;
    while ((ch = getchar()) != EOF && ch != '\n')
        ;
    return ch != EOF;
}

static int
cmd_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"pub", required_argument, NULL, 'p'},
        {"speed", required_argument, NULL, 's'},
        {"step", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    const char *endpoint = NULL;
    double speed = 1.0;
    bool step = false, have_speed = false;
    int c;
    while ((c = next_opt(argc, argv, "hp:s:S", longopts, replay_usage)) != -1) {
        if (c == 'p') {
            endpoint = optarg;
        } else if (c == 's') {
            char *end;
            errno = 0;
            speed = strtod(optarg, &end);
            if (errno != 0 || *end != '\0' || !(speed > 0) || speed > 1e9) {
                fprintf(stderr, "%s replay: --speed wants a number above 0\n",
                        prog);
                return EXIT_USAGE;
            }
            have_speed = true;
        } else if (c == 'S') {
            step = true;
        }
    }
    if (argc - optind != 1 || endpoint == NULL || (step && have_speed)) {
        fputs(replay_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wg_log_reader_t *rd;
    if (open_log(path, &rd) < 0)
        return EXIT_USAGE;

    int status = 0;
    void *ctx = zmq_ctx_new();
    void *pub = ctx ? zmq_socket(ctx, ZMQ_PUB) : NULL;
    int linger = 1000;
    if (pub == NULL ||
        zmq_setsockopt(pub, ZMQ_LINGER, &linger, sizeof linger) == -1 ||
        zmq_bind(pub, endpoint) == -1) {
        fprintf(stderr, "%s replay: cannot bind %s: %s\n", prog, endpoint,
                zmq_strerror(zmq_errno()));
        status = EXIT_USAGE;
        goto out;
    }
    sleep_s(0.3); /* slow joiners: let subscribers connect and subscribe */

    decoder_t dec;
    decoder_init(&dec);
    const uint8_t *rec;
    size_t len;
    uint64_t off, sent = 0;
    uint32_t cur_turn = 0;
    bool any = false, stopped = false;
    int rc;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = decode(&dec, rec, len);
        if (env == NULL || !is_broadcast(env))
            continue;
        if (!any || env->turn != cur_turn) {
            /* A new turn: the pace is set between turns. */
            if (any)
                fprintf(stderr, "%s replay: turn %u published\n", prog,
                        cur_turn);
            if (step) {
                if (!wait_enter(env->turn)) {
                    stopped = true; /* stdin ended: stop here */
                    break;
                }
            } else if (any) {
                sleep_s(1.0 / speed);
            }
            cur_turn = env->turn;
            any = true;
        }
        if (zmq_send(pub, rec, len, 0) == -1) {
            fprintf(stderr, "%s replay: send: %s\n", prog,
                    zmq_strerror(zmq_errno()));
            status = EXIT_USAGE;
            break;
        }
        sent++;
    }
    if (any && status == 0 && !stopped)
        fprintf(stderr, "%s replay: turn %u published\n", prog, cur_turn);
    if (rc == WG_ETORN || rc == WG_ECORRUPT) {
        report_stop(path, rc, off, wg_log_reader_index(rd),
                    wg_log_reader_size(rd), false, 0);
        status = EXIT_BAD;
    }
    fprintf(stderr, "%s replay: %" PRIu64 " broadcasts published\n", prog,
            sent);
    decoder_fini(&dec);
    sleep_s(0.3); /* the last broadcasts: out of the queue before close */
out:
    if (pub != NULL)
        zmq_close(pub);
    if (ctx != NULL)
        zmq_ctx_term(ctx); /* waits up to the linger for the queue */
    wg_log_reader_destroy(&rd);
    return status;
}

/* ---- listen: a tiny subscriber, a testing aid --------------------------- */

static const char listen_usage[] =
    "Usage: wg-log listen [--count N] [--timeout S] ENDPOINT\n"
    "\n"
    "Testing aid: connects a SUB socket to ENDPOINT (a wg-adjudicator's or\n"
    "a wg-log replay's PUB) and prints one line per Envelope received:\n"
    "\"seq S turn T PAYLOAD\". Stops after N envelopes (--count), when an\n"
    "ExerciseEnd arrives, or after S seconds without one (--timeout, 10).\n"
    "Beacons are not printed or counted.\n"
    "\n"
    "Exit status: 0 stopped on the count or an ExerciseEnd; 1 timed out;\n"
    "2 bad usage.\n";

static int
cmd_listen(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"count", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    uint64_t count = 0, timeout = 10;
    int c;
    while ((c = next_opt(argc, argv, "hn:t:", longopts, listen_usage)) != -1) {
        if ((c == 'n' && parse_u64(optarg, &count) < 0) ||
            (c == 't' && (parse_u64(optarg, &timeout) < 0 || timeout == 0 ||
                          timeout > 3600))) {
            fputs(listen_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        fputs(listen_usage, stderr);
        return EXIT_USAGE;
    }
    void *ctx = zmq_ctx_new();
    void *sub = ctx ? zmq_socket(ctx, ZMQ_SUB) : NULL;
    int zero = 0, ms = (int)(timeout * 1000);
    if (sub == NULL || zmq_setsockopt(sub, ZMQ_LINGER, &zero, sizeof zero) ||
        zmq_setsockopt(sub, ZMQ_RCVTIMEO, &ms, sizeof ms) ||
        zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0) ||
        zmq_connect(sub, argv[optind]) == -1) {
        fprintf(stderr, "%s listen: %s: %s\n", prog, argv[optind],
                zmq_strerror(zmq_errno()));
        if (sub != NULL)
            zmq_close(sub);
        if (ctx != NULL)
            zmq_ctx_term(ctx);
        return EXIT_USAGE;
    }
    static uint8_t buf[WG_LOG_MAX_RECORD];
    decoder_t dec;
    decoder_init(&dec);
    uint64_t got = 0;
    int status = EXIT_BAD;
    for (;;) {
        int n = zmq_recv(sub, buf, sizeof buf, 0);
        if (n < 0) {
            if (zmq_errno() == EINTR)
                continue;
            fprintf(stderr, "%s listen: nothing for %" PRIu64 " s\n", prog,
                    timeout);
            break;
        }
        size_t len = (size_t)n < sizeof buf ? (size_t)n : sizeof buf;
        Wgpb__V1__Envelope *env = decode(&dec, buf, len);
        if (env == NULL) {
            printf("malformed %zu bytes\n", len);
        } else {
            if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_BEACON)
                continue;
            printf("seq %" PRIu64 " turn %u %s\n", env->seq, env->turn,
                   wg_wire_payload_name(env));
        }
        fflush(stdout);
        got++;
        if ((env != NULL &&
             env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END) ||
            (count > 0 && got >= count)) {
            status = 0;
            break;
        }
    }
    decoder_fini(&dec);
    zmq_close(sub);
    zmq_ctx_term(ctx);
    return status;
}

/* ---- synth: a synthetic log, a testing aid ----------------------------- */

static const char synth_usage[] =
    "Usage: wg-log synth [--seed S] [--fsync] OUT N\n"
    "\n"
    "Testing aid: writes a synthetic log of N envelopes to OUT (8 per turn:\n"
    "a turn start, five pledges, an assignment and a turn result, about 90\n"
    "bytes each). Not an exercise: it does not verify against any scenario.\n";

static const char *const synth_nations[] = {"FRA", "DEU", "ITA", "GBR", "POL"};
static const char *const synth_sectors[] = {"N1", "N2", "C1", "S1", "S2"};

/* One envelope of the synthetic exercise: record k of turn t. */
static int
synth_record(uint64_t seq, uint32_t t, unsigned k, uint64_t *rng, uint8_t **buf,
             size_t *len)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    Wgpb__V1__TurnStart ts = WGPB__V1__TURN_START__INIT;
    Wgpb__V1__Pledge pledge = WGPB__V1__PLEDGE__INIT;
    Wgpb__V1__Assignment asg = WGPB__V1__ASSIGNMENT__INIT;
    Wgpb__V1__NationSectorTroops nst[3] = {
        WGPB__V1__NATION_SECTOR_TROOPS__INIT,
        WGPB__V1__NATION_SECTOR_TROOPS__INIT,
        WGPB__V1__NATION_SECTOR_TROOPS__INIT};
    Wgpb__V1__NationSectorTroops *nstp[3] = {&nst[0], &nst[1], &nst[2]};
    Wgpb__V1__TurnResult res = WGPB__V1__TURN_RESULT__INIT;
    Wgpb__V1__NationResult nr = WGPB__V1__NATION_RESULT__INIT;
    Wgpb__V1__NationResult *nrp[1] = {&nr};
    static const char *expected[] = {"command", "FRA", "DEU",
                                     "ITA",     "GBR", "POL"};
    uint8_t digest[16];

    /* xorshift64: varied but reproducible field values. */
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    uint32_t r = (uint32_t)*rng;

    env.turn = t;
    env.seq = seq;
    env.provenance = &prov;
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT;
    prov.agent = (char *)"wg-bot 0.1";
    if (k == 0) {
        env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
        env.phase = WGPB__V1__PHASE__PHASE_PLEDGE;
        env.provenance = NULL;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
        env.turn_start = &ts;
        ts.type = WGPB__V1__TURN_TYPE__TURN_DEPLOYMENT;
        ts.deadline_ms = 5000;
        ts.n_expected = 6;
        ts.expected = (char **)expected;
    } else if (k <= 5) {
        env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
        env.sender_nation = (char *)synth_nations[k - 1];
        env.phase = WGPB__V1__PHASE__PHASE_PLEDGE;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
        env.pledge = &pledge;
        prov.rationale =
            (char *)"pledged within national caveats, rotation plan";
        pledge.nation = (char *)synth_nations[k - 1];
        pledge.troops = 1000 + r % 9000;
        pledge.n_sectors = 2 + r % 3;
        pledge.sectors = (char **)synth_sectors;
    } else if (k == 6) {
        env.sender_role = WGPB__V1__ROLE__ROLE_COMMAND;
        env.phase = WGPB__V1__PHASE__PHASE_ASSIGN;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT;
        env.assignment = &asg;
        prov.rationale = (char *)"coverage first";
        asg.n_assignments = 3;
        asg.assignments = nstp;
        for (unsigned i = 0; i < 3; i++) {
            nst[i].nation = (char *)synth_nations[(r + i) % 5];
            nst[i].sector = (char *)synth_sectors[i];
            nst[i].troops = 500 + (r >> (i * 4)) % 4000;
        }
    } else {
        env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
        env.phase = WGPB__V1__PHASE__PHASE_RESULT;
        env.provenance = NULL;
        env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
        env.result = &res;
        res.type = WGPB__V1__TURN_TYPE__TURN_DEPLOYMENT;
        res.week = t;
        res.n_nations = 1;
        res.nations = nrp;
        nr.code = (char *)synth_nations[t % 5];
        nr.deployed = 8000 + r % 1000;
        nr.cohesion = 0.5 + (r % 500) / 1000.0;
        res.incidents = r % 7;
        res.stability = 50.0 + (r % 5000) / 100.0;
        res.regime = (char *)"calm";
        for (unsigned i = 0; i < sizeof digest; i++)
            digest[i] = (uint8_t)(*rng >> (i % 8 * 8));
        res.state_digest.data = digest;
        res.state_digest.len = sizeof digest;
    }
    return wg_wire_pack(&env, buf, len);
}

static int
cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"seed", required_argument, NULL, 's'},
        {"fsync", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    uint64_t seed = 1, n;
    wg_fsync_policy_t policy = WG_FSYNC_NEVER;
    int c;
    while ((c = next_opt(argc, argv, "hs:f", longopts, synth_usage)) != -1) {
        if (c == 's' && parse_u64(optarg, &seed) < 0) {
            fprintf(stderr, "%s synth: --seed wants a number\n", prog);
            return EXIT_USAGE;
        }
        if (c == 'f')
            policy = WG_FSYNC_EVERY_TURN;
    }
    if (argc - optind != 2 || parse_u64(argv[optind + 1], &n) < 0) {
        fputs(synth_usage, stderr);
        return EXIT_USAGE;
    }
    const char *out = argv[optind];

    static const char text[] =
        "# synthetic scenario written by wg-log synth: a testing aid\n"
        "name: synthetic\n";
    wg_log_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    snprintf(hdr.scenario_name, sizeof hdr.scenario_name, "synthetic");
    snprintf(hdr.scenario_path, sizeof hdr.scenario_path, "(synthetic)");
    hdr.scenario_text = (char *)text;
    hdr.scenario_len = sizeof text - 1;
    hdr.seed = seed;
    crypto_hash_sha256(hdr.scenario_hash, (const unsigned char *)text,
                       hdr.scenario_len);

    wg_log_writer_t *w;
    int rc = wg_log_writer_create(out, &hdr, policy, &w);
    if (rc < 0) {
        fprintf(stderr, "%s synth: %s: %s\n", prog, out, wg_strerror(rc));
        return EXIT_USAGE;
    }
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull | 1;
    for (uint64_t i = 0; i < n && rc >= 0; i++) {
        uint8_t *buf;
        size_t len;
        unsigned k = (unsigned)(i % 8);
        if ((rc = synth_record(i + 1, (uint32_t)(i / 8 + 1), k, &rng, &buf,
                               &len)) < 0)
            break;
        rc = wg_log_writer_append(w, buf, len);
        free(buf);
        if (rc >= 0 && k == 7)
            rc = wg_log_writer_flush(w); /* end of a turn */
    }
    if (rc >= 0)
        rc = wg_log_writer_flush(w);
    wg_log_writer_destroy(&w);
    if (rc < 0) {
        fprintf(stderr, "%s synth: %s: %s\n", prog, out, wg_strerror(rc));
        return EXIT_USAGE;
    }
    return 0;
}

/* ---- bench-read: the reader's pace, a benchmark aid -------------------- */

static const char bench_usage[] =
    "Usage: wg-log bench-read LOG\n"
    "\n"
    "Benchmark aid: reads LOG (file read, header, every frame's CRC) and\n"
    "decodes every record with protobuf-c, as verify will, and prints the\n"
    "records per second of the whole; then the same for CRC alone.\n";

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmd_bench_read(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    while (next_opt(argc, argv, "h", longopts, bench_usage) != -1)
        ;
    if (argc - optind != 1) {
        fputs(bench_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    double t0 = now_s();
    wg_log_reader_t *rd;
    if (open_log(path, &rd) < 0)
        return EXIT_USAGE;
    const uint8_t *rec;
    size_t len;
    uint64_t off, n = 0, bad = 0, sum = 0;
    int rc;
    decoder_t dec;
    decoder_init(&dec);
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = decode(&dec, rec, len);
        if (env == NULL)
            bad++;
        else
            sum += env->seq;
        n++;
    }
    decoder_fini(&dec);
    double t1 = now_s();
    wg_log_reader_rewind(rd);
    uint64_t n2 = 0;
    while (wg_log_reader_next(rd, &rec, &len, &off) == 1)
        n2 += len;
    double t2 = now_s();
    uint64_t size = wg_log_reader_size(rd);
    wg_log_reader_destroy(&rd);

    printf("records:          %" PRIu64 " (payload %.1f bytes on average, "
           "%" PRIu64 " bytes in all)\n",
           n, n ? (double)n2 / (double)n : 0.0, size);
    printf("read+crc+decode:  %.3f s, %.0f records/s\n", t1 - t0,
           (double)n / (t1 - t0));
    printf("crc only:         %.3f s, %.0f records/s\n", t2 - t1,
           (double)n / (t2 - t1));
    if (bad > 0 || rc < 0)
        fprintf(stderr, "%s bench-read: %" PRIu64 " malformed, end: %s\n", prog,
                bad, rc < 0 ? wg_strerror(rc) : "clean");
    (void)sum; /* read so that the decode cannot be optimised away */
    return rc < 0 || bad > 0 ? EXIT_BAD : 0;
}

/* ---- main -------------------------------------------------------------- */

static const cmd_t commands[] = {
    {"info", cmd_info, "header, records, turns, torn tail, corrupt records",
     false},
    {"dump", cmd_dump, "one JSON object per record per line", false},
    {"verify", cmd_verify, "re-adjudicate and compare every result", false},
    {"replay", cmd_replay, "publish the recorded broadcasts again", false},
    {"view", wg_log_cmd_view, "the exercise as one role saw it", false},
    {"diff", wg_log_cmd_diff, "two exercises side by side, turn by turn",
     false},
    {"fork", wg_log_cmd_fork, "replay to a turn, swap a bot, play on", false},
    {"keygen", wg_log_cmd_keygen, "make a director's signing key pair", false},
    {"sign", wg_log_cmd_sign, "sign the log's final hash (director)", false},
    {"listen", cmd_listen, "print what a PUB endpoint sends (testing aid)",
     true},
    {"synth", cmd_synth, "write a synthetic log (testing aid)", true},
    {"bench-read", cmd_bench_read, "time reading a log (benchmark aid)", true},
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
    fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
