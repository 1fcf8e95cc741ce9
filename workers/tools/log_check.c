/*
 * log_check.c - `wg-log check`: a log's frames, hash chain and signature
 * in one pass, without re-adjudicating (docs/LOG-FORMAT.md, "The seal").
 *
 * Reads every frame (CRC), decodes every record (seq, turn, payload),
 * follows the chain (format 3: every record's full bytes; format 2: its
 * own per-turn chain) against each TurnResult's `chain`, and with a
 * signature compares every record's SHA-256 with the one signed, so the
 * first record whose bytes are not the signed ones is named. verify
 * --signature runs the same walk (wg_log_check_signature). Owns, for one
 * call, the reader and the signature; reports on stdout.
 */
#include "log_check.h"
#include "log_sign.h"
#include "log_tool.h"

#include "wg/error.h"
#include "wg/log.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_usage[] =
    "Usage: wg-log check [--signature LOG.sig --pubkey NAME.sign.pub]\n"
    "                    [--allow-unfinished] LOG\n"
    "\n"
    "Checks, in one pass and without re-adjudicating: the header (its\n"
    "scenario text against its hash), every frame's CRC, that every record\n"
    "is an Envelope with its sequence number, that nothing follows the\n"
    "ExerciseEnd, the hash chain (each TurnResult's `chain` is the link\n"
    "over the records before it), and with --signature that the log is the\n"
    "one the director signed, record by record: it names the first record\n"
    "whose bytes are not the signed ones. A format-2 log is checked by its\n"
    "own rules (its per-turn chain, a v1 signature of its last link).\n"
    "\n"
    "Exit status: 0 all good (a log without an ExerciseEnd only with\n"
    "--allow-unfinished); 1 a check failed (the first failure is named:\n"
    "record #I at offset O, its turn, seq and payload); 2 not a log, a\n"
    "signature or key that cannot be read, or bad usage.\n";

/* One pass's state. */
typedef struct {
    const wg_log_header_t *hdr;
    uint32_t version;        /* the log's format */
    const wg_log_sig_t *sig; /* NULL: none */
    wg_log_tool_decoder_t dec;
    uint64_t records, errors, turns, expect_seq;
    bool ended;
    uint8_t link[32]; /* format 3: over the records so far; 2: last turn's */
    uint8_t *turn_digests; /* format 2: this turn's chained records */
    size_t n_turn, cap_turn;
    char why[512]; /* the first failure */
} check_t;

/* "record #I at offset O (turn T, seq S, payload)" for the failure. */
static void
name_record(const check_t *c, const Wgpb__V1__Envelope *env, uint64_t off,
            char *buf, size_t n)
{
    if (env == NULL) {
        snprintf(buf, n, "record #%" PRIu64 " at offset %" PRIu64, c->records,
                 off);
        return;
    }
    const ProtobufCFieldDescriptor *fd =
        protobuf_c_message_descriptor_get_field(&wgpb__v1__envelope__descriptor,
                                                env->payload_case);
    snprintf(buf, n,
             "record #%" PRIu64 " at offset %" PRIu64 " (turn %u, seq %" PRIu64
             ", %s)",
             c->records, off, env->turn, env->seq,
             fd ? fd->name : "no payload");
}

/* The signature's view of record #c->records: false (why said) if its
 * bytes are not the signed ones. */
static bool
signed_record(check_t *c, const uint8_t digest[32], const char *name)
{
    const wg_log_sig_t *s = c->sig;
    if (s == NULL || s->version != 2)
        return true;
    if (c->records >= s->n) {
        snprintf(c->why, sizeof c->why,
                 "%s: not in the signed log, which ends after %" PRIu64
                 " records",
                 name, s->n);
        return false;
    }
    if (memcmp(s->digests + 32 * c->records, digest, 32) != 0) {
        snprintf(c->why, sizeof c->why, "%s: its bytes are not the ones signed",
                 name);
        return false;
    }
    return true;
}

/* Format 2's link at a TurnResult: over the turn's chained records and its
 * state digest. */
static void
link_v2(check_t *c, const Wgpb__V1__TurnResult *r)
{
    uint8_t buf[96];
    memcpy(buf, c->link, 32);
    crypto_hash_sha256(buf + 32, c->turn_digests, c->n_turn * 32);
    memset(buf + 64, 0, 32);
    if (r->state_digest.len == 32)
        memcpy(buf + 64, r->state_digest.data, 32);
    crypto_hash_sha256(c->link, buf, sizeof buf);
    c->n_turn = 0;
}

/* A TurnResult: its `chain` must be the link the records before it give.
 * before: format 3's link over them. */
static bool
check_result(check_t *c, const Wgpb__V1__Envelope *env,
             const uint8_t before[32], const char *name)
{
    const Wgpb__V1__TurnResult *r = env->result;
    if (++c->turns != env->turn) {
        snprintf(c->why, sizeof c->why,
                 "%s: the result of turn %u where turn %" PRIu64 "'s was due",
                 name, env->turn, c->turns);
        return false;
    }
    if (c->hdr->version < 3)
        link_v2(c, r);
    const uint8_t *want = c->hdr->version < 3 ? c->link : before;
    if (r->chain.len != 32 || memcmp(r->chain.data, want, 32) != 0) {
        snprintf(c->why, sizeof c->why,
                 "%s: hash chain breaks at turn %u: its chain is not the link "
                 "over the records before it (one of them, or this link, was "
                 "changed)",
                 name, env->turn);
        return false;
    }
    return true;
}

/* The record's place in the order: seq, nothing after the end. */
static bool
check_order(check_t *c, const Wgpb__V1__Envelope *env, const char *name)
{
    bool outside = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR ||
                   env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_REFUSALS;
    if (c->ended) {
        snprintf(c->why, sizeof c->why, "%s: after the ExerciseEnd", name);
        return false;
    }
    if (outside ? env->seq != 0 : env->seq != c->expect_seq) {
        snprintf(c->why, sizeof c->why, "%s: seq %" PRIu64 ", wanted %" PRIu64,
                 name, env->seq, outside ? 0 : c->expect_seq);
        return false;
    }
    if (outside)
        c->errors++;
    else
        c->expect_seq++;
    c->ended = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END;
    return true;
}

/* One whole record: false (c->why said) at the first check it fails. */
static bool
take(check_t *c, const uint8_t *rec, size_t len, uint64_t off)
{
    uint8_t digest[32], before[32];
    char name[160];
    crypto_hash_sha256(digest, rec, len);
    Wgpb__V1__Envelope *env = wg_log_tool_decode(&c->dec, rec, len);
    name_record(c, env, off, name, sizeof name);
    if (!signed_record(c, digest, name))
        return false;
    if (env == NULL) {
        snprintf(c->why, sizeof c->why, "%s: not an Envelope", name);
        return false;
    }
    if (!check_order(c, env, name))
        return false;
    memcpy(before, c->link, 32);
    if (c->hdr->version >= 3) {
        wg_log_chain_next_digest(c->link, digest);
    } else if (env->seq != 0 &&
               env->payload_case != WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        if (c->n_turn == c->cap_turn) {
            c->cap_turn = c->cap_turn ? 2 * c->cap_turn : 256;
            c->turn_digests = realloc(c->turn_digests, c->cap_turn * 32);
            if (c->turn_digests == NULL)
                abort(); /* out of memory in a tool */
        }
        memcpy(c->turn_digests + 32 * c->n_turn++, digest, 32);
    }
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT &&
        !check_result(c, env, before, name))
        return false;
    c->records++;
    return true;
}

/* Format 2's link 0: "wg chain v1", the scenario hash, the seed. */
static void
genesis_v2(check_t *c)
{
    uint8_t buf[11 + 32 + 8];
    memcpy(buf, "wg chain v1", 11);
    memcpy(buf + 11, c->hdr->scenario_hash, 32);
    for (int i = 0; i < 8; i++)
        buf[43 + i] = (uint8_t)(c->hdr->seed >> (8 * i));
    crypto_hash_sha256(c->link, buf, sizeof buf);
}

/* The header: its scenario text must hash to its scenario_hash, and with
 * a signature it must be the one signed (its genesis link). */
static bool
check_header(check_t *c)
{
    uint8_t h[32];
    crypto_hash_sha256(h, (const uint8_t *)c->hdr->scenario_text,
                       c->hdr->scenario_len);
    if (memcmp(h, c->hdr->scenario_hash, 32) != 0) {
        snprintf(c->why, sizeof c->why,
                 "header: the scenario text does not match its hash");
        return false;
    }
    if (c->hdr->version >= 3)
        wg_log_chain_genesis(c->hdr, c->link);
    else
        genesis_v2(c);
    const wg_log_sig_t *s = c->sig;
    if (s == NULL)
        return true;
    if ((s->version == 2) != (c->hdr->version >= 3)) {
        snprintf(c->why, sizeof c->why,
                 "BAD: a v%d signature, of a format-%d log, on a format-%u "
                 "log",
                 s->version, s->version == 2 ? 3 : 2, c->hdr->version);
        return false;
    }
    if (s->version == 2 && memcmp(s->genesis, c->link, 32) != 0) {
        snprintf(c->why, sizeof c->why,
                 "header: its scenario, seed or rules version is not the "
                 "signed log's");
        return false;
    }
    return true;
}

/* After the last record: the signature's end, and a v1 signature's link. */
static bool
check_end(check_t *c, const char *path)
{
    const wg_log_sig_t *s = c->sig;
    if (s != NULL && s->version == 2 && c->records < s->n) {
        snprintf(c->why, sizeof c->why,
                 "the log ends after %" PRIu64 " records; the signed one had "
                 "%" PRIu64,
                 c->records, s->n);
        return false;
    }
    if (s != NULL && s->version == 2 && memcmp(c->link, s->link, 32) != 0) {
        snprintf(c->why, sizeof c->why,
                 "BAD: the final link is not the "
                 "signed one");
        return false;
    }
    if (s != NULL && s->version == 1) {
        uint8_t link[32];
        unsigned turn;
        if (!wg_log_sig_final_link(path, link, &turn) ||
            memcmp(link, s->link, 32) != 0) {
            snprintf(c->why, sizeof c->why,
                     "BAD: it signs another final hash than this log's");
            return false;
        }
    }
    return true;
}

/* The pass over the log: 0 all good, EXIT_BAD (c->why says the first
 * failure), or EXIT_USAGE (not a log, said on stderr). *finished: it holds
 * the ExerciseEnd. */
static int
walk(const char *path, check_t *c, bool *finished)
{
    wg_log_reader_t *r;
    if (wg_log_tool_open(path, &r) < 0)
        return EXIT_USAGE;
    c->hdr = wg_log_reader_header(r);
    c->version = c->hdr->version;
    c->expect_seq = 1;
    wg_log_tool_decoder_init(&c->dec);
    bool ok = check_header(c);
    const uint8_t *rec;
    size_t len;
    uint64_t off = 0;
    int rc = 1;
    while (ok && (rc = wg_log_reader_next(r, &rec, &len, &off)) == 1)
        ok = take(c, rec, len, off);
    if (ok && rc < 0) {
        snprintf(c->why, sizeof c->why,
                 "record #%" PRIu64 " at offset %" PRIu64 ": %s",
                 wg_log_reader_index(r), off,
                 rc == WG_ETORN ? "a torn tail: the file ends inside it"
                                : "its frame fails its CRC or its length is "
                                  "impossible");
        ok = false;
    }
    ok = ok && check_end(c, path);
    *finished = c->ended;
    c->hdr = NULL;
    wg_log_tool_decoder_fini(&c->dec);
    free(c->turn_digests);
    wg_log_reader_destroy(&r);
    return ok ? 0 : EXIT_BAD;
}

bool
wg_log_check_signature(const char *log, const char *sig_path,
                       const char *pub_path)
{
    wg_log_sig_t s;
    check_t c;
    memset(&c, 0, sizeof c);
    if (wg_log_sig_load(sig_path, pub_path, &s, c.why, sizeof c.why) < 0) {
        printf("signature: %s\n", c.why);
        wg_log_sig_free(&s);
        return false;
    }
    c.sig = &s;
    bool finished;
    int rc = walk(log, &c, &finished);
    if (rc == 0)
        printf("signature: good, by the key in %s, over the log's final "
               "link\n",
               pub_path);
    else
        printf("signature: BAD: %s\n", c.why);
    wg_log_sig_free(&s);
    return rc == 0;
}

int
wg_log_cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"signature", required_argument, NULL, 'g'},
        {"pubkey", required_argument, NULL, 'k'},
        {"allow-unfinished", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}};
    const char *sig_path = NULL, *pub_path = NULL;
    bool allow_unfinished = false;
    int opt;
    while ((opt = wg_log_tool_opt(argc, argv, "h", longopts, check_usage)) !=
           -1) {
        if (opt == 'g')
            sig_path = optarg;
        else if (opt == 'k')
            pub_path = optarg;
        else if (opt == 'U')
            allow_unfinished = true;
    }
    if (argc - optind != 1 || (sig_path != NULL) != (pub_path != NULL)) {
        fputs(check_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    check_t c;
    wg_log_sig_t s;
    memset(&c, 0, sizeof c);
    memset(&s, 0, sizeof s);
    if (sig_path != NULL) {
        if (wg_log_sig_load(sig_path, pub_path, &s, c.why, sizeof c.why) < 0) {
            bool bad = strncmp(c.why, "BAD", 3) == 0;
            printf("%s: signature: %s\n", path, c.why);
            wg_log_sig_free(&s);
            return bad ? EXIT_BAD : EXIT_USAGE;
        }
        c.sig = &s;
    }
    bool finished = false;
    int rc = walk(path, &c, &finished);
    if (rc == EXIT_BAD)
        printf("%s: FAIL: %s\n", path, c.why);
    else if (rc == 0)
        printf("%s: format %" PRIu32 ", %" PRIu64 " records (%" PRIu64
               " error replies and refusals), %" PRIu64
               " turns: frames and chain good%s%s\n",
               path, c.version, c.records, c.errors, c.turns,
               sig_path ? ", signature good" : "",
               finished ? "" : "; no ExerciseEnd: the exercise did not finish");
    wg_log_sig_free(&s);
    if (rc == 0 && !finished && !allow_unfinished)
        rc = EXIT_BAD;
    return rc;
}
