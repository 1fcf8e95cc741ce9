/*
 * log_info.c - `wg-log info` (what a log holds, and whether it is whole)
 * and `wg-log dump` (every record as a line of JSON).
 *
 * Both read the log whole and decode every record with protobuf-c; neither
 * re-adjudicates anything (that is verify, log_verify.c). info reads past
 * a corrupt frame to the next good one, so that one bad frame does not
 * hide the state of the rest of the file; dump stops there. Reports go to
 * stdout, what stopped a read to stderr; exit codes as in wg_log.c.
 */
#include "log_info.h"
#include "log_tool.h"

#include "wg/error.h"
#include "wg/json.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 10 /* corrupt frames listed one by one by info */

/* ---- info --------------------------------------------------------------- */

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

/* What the readable records say. */
typedef struct {
    uint32_t *turns;
    size_t n_turns, cap_turns;
    uint64_t records, malformed, first_malformed_off, results;
    uint64_t first_seq, last_seq, out_of_order;
    bool have_seq;
    wg_log_tool_decoder_t dec;
    uint64_t by_payload[64];
    const char *payload_names[64];
} info_stats_t;

/* The frames that could not be read. */
typedef struct {
    bool torn; /* the file ends inside a frame, at torn_off */
    uint64_t torn_off;
    uint64_t corrupt; /* frames that fail their CRC, the first listed */
    uint64_t listed_off[MAX_LISTED], listed_idx[MAX_LISTED];
    bool stuck; /* no good frame after the last corrupt one */
} info_damage_t;

/* Prints the header; false if its scenario text does not hash to the
 * scenario_hash it records (the text was changed after it was written). */
static bool
print_header(const char *path, const wg_log_reader_t *rd)
{
    const wg_log_header_t *h = wg_log_reader_header(rd);
    char hash[65];
    uint8_t actual[crypto_hash_sha256_BYTES];
    hex(hash, h->scenario_hash, sizeof h->scenario_hash);
    crypto_hash_sha256(actual, (const unsigned char *)h->scenario_text,
                       h->scenario_len);
    bool hash_ok = memcmp(actual, h->scenario_hash, sizeof actual) == 0;
    printf("log:            %s\n", path);
    printf("size:           %" PRIu64 " bytes\n", wg_log_reader_size(rd));
    printf("format_version: %" PRIu32 "\n", h->version);
    printf("rules_version:  %" PRIu32 "%s\n", h->rules_version,
           h->version < 3 ? " (format 2 has none: rules 1)" : "");
    printf("writer:         %s\n", wg_log_reader_writer(rd));
    printf("scenario_name:  %s\n", h->scenario_name);
    printf("scenario_path:  %s\n", h->scenario_path);
    printf("scenario_hash:  %s%s\n", hash,
           hash_ok ? "" : " (DOES NOT MATCH the scenario text)");
    printf("scenario_size:  %zu bytes\n", h->scenario_len);
    printf("seed:           %" PRIu64 "\n", h->seed);
    printf("started:        %s\n", h->started);
    return hash_ok;
}

static int
info_take(info_stats_t *st, const uint8_t *rec, size_t len, uint64_t off)
{
    st->records++;
    Wgpb__V1__Envelope *env = wg_log_tool_decode(&st->dec, rec, len);
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

/* Reads every frame to the end of the file, past corrupt ones. Returns 0,
 * or a negative error that stopped the read (out of memory). */
static int
info_read(wg_log_reader_t *rd, info_stats_t *st, info_damage_t *dm)
{
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    for (;;) {
        int rc = wg_log_reader_next(rd, &rec, &len, &off);
        if (rc == 1) {
            if ((rc = info_take(st, rec, len, off)) < 0)
                return rc;
            continue;
        }
        if (rc == 0)
            return 0;
        if (rc == WG_ETORN) {
            dm->torn = true;
            dm->torn_off = off;
            return 0;
        }
        /* Corrupt: note it and look for the next good frame, so that one
         * bad frame does not hide the state of the rest of the file. */
        if (dm->corrupt < MAX_LISTED) {
            dm->listed_off[dm->corrupt] = off;
            dm->listed_idx[dm->corrupt] = wg_log_reader_index(rd);
        }
        dm->corrupt++;
        uint64_t at;
        if (wg_log_reader_resync(rd, &at) < 0) {
            dm->stuck = true;
            return 0;
        }
    }
}

static void
print_turns(info_stats_t *st)
{
    size_t distinct = 0;
    uint32_t tmin = 0, tmax = 0;
    if (st->n_turns > 0) {
        qsort(st->turns, st->n_turns, sizeof *st->turns, cmp_u32);
        tmin = st->turns[0];
        tmax = st->turns[st->n_turns - 1];
        for (size_t i = 0; i < st->n_turns; i++)
            if (i == 0 || st->turns[i] != st->turns[i - 1])
                distinct++;
    }
    if (distinct > 0)
        printf("turns:          %zu (turn %" PRIu32 " to %" PRIu32 ")\n",
               distinct, tmin, tmax);
    else
        printf("turns:          0\n");
}

/* What the readable records say; EXIT_BAD if some are not Envelopes. */
static int
print_records(info_stats_t *st)
{
    printf("records:        %" PRIu64 "\n", st->records);
    if (st->have_seq) {
        printf("first_seq:      %" PRIu64 "\n", st->first_seq);
        printf("last_seq:       %" PRIu64 "\n", st->last_seq);
    } else {
        printf("first_seq:      -\nlast_seq:       -\n");
    }
    if (st->out_of_order > 0)
        printf("seq_disorder:   %" PRIu64 " records not above the one "
               "before\n",
               st->out_of_order);
    print_turns(st);
    printf("turn_results:   %" PRIu64 "\n", st->results);
    printf("payloads:      ");
    bool any = false;
    for (unsigned i = 0; i < 64; i++)
        if (st->by_payload[i] > 0) {
            printf(" %s=%" PRIu64, st->payload_names[i], st->by_payload[i]);
            any = true;
        }
    printf("%s\n", any ? "" : " -");
    if (st->malformed == 0)
        return 0;
    printf("malformed:      %" PRIu64 " records pass their CRC but are "
           "not Envelopes (first at offset %" PRIu64 ")\n",
           st->malformed, st->first_malformed_off);
    return EXIT_BAD;
}

/* The tail and the corrupt frames; EXIT_BAD if there is any damage. */
static int
print_damage(const info_damage_t *dm, uint64_t size)
{
    int status = 0;
    if (dm->torn) {
        printf("tail:           torn at offset %" PRIu64 " (%" PRIu64
               " bytes after the last whole record)\n",
               dm->torn_off, size - dm->torn_off);
        status = EXIT_BAD;
    } else {
        printf("tail:           clean\n");
    }
    if (dm->corrupt == 0) {
        printf("corrupt:        0\n");
        return status;
    }
    printf("corrupt:        %" PRIu64 " records\n", dm->corrupt);
    for (uint64_t i = 0; i < dm->corrupt && i < MAX_LISTED; i++)
        printf("  record #%" PRIu64 " at offset %" PRIu64 "\n",
               dm->listed_idx[i], dm->listed_off[i]);
    if (dm->stuck)
        printf("  no good record after offset %" PRIu64 "\n",
               dm->listed_off[dm->corrupt < MAX_LISTED ? dm->corrupt - 1
                                                       : MAX_LISTED - 1]);
    return EXIT_BAD;
}

int
wg_log_cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    while (wg_log_tool_opt(argc, argv, "h", longopts, info_usage) != -1)
        ;
    if (argc - optind != 1) {
        fputs(info_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wg_log_reader_t *rd;
    if (wg_log_tool_open(path, &rd) < 0)
        return EXIT_USAGE;
    bool hash_ok = print_header(path, rd);

    info_stats_t st;
    info_damage_t dm;
    memset(&st, 0, sizeof st);
    memset(&dm, 0, sizeof dm);
    wg_log_tool_decoder_init(&st.dec);
    int status, rc = info_read(rd, &st, &dm);
    if (rc < 0) {
        fprintf(stderr, "%s: %s: %s\n", PROG, path, wg_strerror(rc));
        status = EXIT_USAGE;
    } else {
        int records = print_records(&st);
        int damage = print_damage(&dm, wg_log_reader_size(rd));
        status = records != 0 ? records : damage;
    }
    if (!hash_ok) {
        fprintf(stderr,
                "%s: %s: the header's scenario text does not match its "
                "hash: the scenario was changed after the log was written\n",
                PROG, path);
        if (status == 0)
            status = EXIT_BAD;
    }
    wg_log_tool_decoder_fini(&st.dec);
    free(st.turns);
    wg_log_reader_destroy(&rd);
    return status;
}

/* ---- dump --------------------------------------------------------------- */

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

typedef struct {
    bool by_turn; /* --turn: only records of turn */
    uint64_t turn;
    wg_json_buf_t jb; /* the line being made */
    wg_log_tool_decoder_t dec;
    uint64_t last_seq;
    bool have_seq;
    int status;
} dump_t;

/* Reads dump's options into d; the log's path, or NULL after a usage
 * error (said on stderr). */
static const char *
dump_options(int argc, char **argv, dump_t *d)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"turn", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = wg_log_tool_opt(argc, argv, "ht:", longopts, dump_usage)) !=
           -1) {
        if (c == 't') {
            if (wg_log_tool_u64(optarg, &d->turn) < 0 || d->turn > UINT32_MAX) {
                fprintf(stderr, "%s dump: --turn wants a turn number\n", PROG);
                return NULL;
            }
            d->by_turn = true;
        }
    }
    if (argc - optind != 1) {
        fputs(dump_usage, stderr);
        return NULL;
    }
    return argv[optind];
}

/* The JSON line of one record, in d->jb; false if --turn leaves it out. */
static bool
dump_line(dump_t *d, const uint8_t *rec, size_t len, uint64_t off,
          uint64_t index)
{
    char head[96];
    wg_json_buf_reset(&d->jb);
    snprintf(head, sizeof head, "{\"offset\":%" PRIu64 ",\"record\":%" PRIu64,
             off, index);
    wg_json_append(&d->jb, head, strlen(head));
    Wgpb__V1__Envelope *env = wg_log_tool_decode(&d->dec, rec, len);
    if (env == NULL) {
        wg_json_append(&d->jb, ",\"error\":\"not a valid Envelope\"", 31);
        wg_json_append(&d->jb, ",\"payload\":", 11);
        wg_json_append_base64(&d->jb, rec, len);
        d->status = EXIT_BAD;
    } else {
        d->last_seq = env->seq;
        d->have_seq = true;
        if (d->by_turn && env->turn != d->turn)
            return false;
        wg_json_append(&d->jb, ",", 1);
        size_t n = wg_json_append_members(&d->jb, &env->base);
        /* Canonical JSON leaves a zero seq out; dump always has one
         * (and a nonzero seq means n > 0, so the comma is used). */
        if (env->seq == 0) {
            if (n > 0)
                wg_json_append(&d->jb, ",", 1);
            wg_json_append(&d->jb, "\"seq\":\"0\"", 9);
        }
    }
    wg_json_append(&d->jb, "}\n", 2);
    return true;
}

int
wg_log_cmd_dump(int argc, char **argv)
{
    dump_t d;
    memset(&d, 0, sizeof d);
    const char *path = dump_options(argc, argv, &d);
    if (path == NULL)
        return EXIT_USAGE;
    wg_log_reader_t *rd;
    if (wg_log_tool_open(path, &rd) < 0)
        return EXIT_USAGE;

    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    d.jb = (wg_json_buf_t)WG_JSON_BUF_INIT;
    wg_log_tool_decoder_init(&d.dec);
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    int rc;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        if (!dump_line(&d, rec, len, off, wg_log_reader_index(rd) - 1))
            continue;
        if (d.jb.err < 0) {
            fprintf(stderr, "%s: %s\n", PROG, wg_strerror(d.jb.err));
            d.status = EXIT_USAGE;
            goto out;
        }
        fwrite(d.jb.data, 1, d.jb.len, stdout);
    }
    if (rc == WG_ETORN || rc == WG_ECORRUPT) {
        fflush(stdout);
        wg_log_tool_report_stop(path, rc, off, wg_log_reader_index(rd),
                                wg_log_reader_size(rd), d.have_seq, d.last_seq);
        d.status = EXIT_BAD;
    }
out:
    if (fflush(stdout) != 0 && d.status == 0)
        d.status = EXIT_USAGE;
    wg_json_buf_free(&d.jb);
    wg_log_tool_decoder_fini(&d.dec);
    wg_log_reader_destroy(&rd);
    return d.status;
}
