/*
 * log_aids.c - wg-log's hidden testing and benchmark aids: `synth` (a
 * synthetic log of N envelopes, for the tests and the reader's benchmark)
 * and `bench-read` (how fast a log is read and decoded).
 *
 * synth is the only code in wg-log that writes a log; its records are
 * reproducible from the seed, and are no exercise (they verify against no
 * scenario). One thread; exit codes as in wg_log.c.
 */
#include "log_aids.h"
#include "log_tool.h"

#include "wg/error.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- synth: a synthetic log, a testing aid ------------------------------ */

static const char synth_usage[] =
    "Usage: wg-log synth [--seed S] [--fsync] OUT N\n"
    "\n"
    "Testing aid: writes a synthetic log of N envelopes to OUT (8 per turn:\n"
    "a turn start, five pledges, an assignment and a turn result, about 90\n"
    "bytes each). Not an exercise: it does not verify against any scenario.\n";

static const char *const synth_nations[] = {"FRA", "DEU", "ITA", "GBR", "POL"};
static const char *const synth_sectors[] = {"N1", "N2", "C1", "S1", "S2"};

/* One synthetic envelope and the messages it points to, alive until it is
 * packed. */
typedef struct {
    Wgpb__V1__Envelope env;
    Wgpb__V1__Provenance prov;
    Wgpb__V1__TurnStart ts;
    Wgpb__V1__Pledge pledge;
    Wgpb__V1__Assignment asg;
    Wgpb__V1__NationSectorTroops nst[3];
    Wgpb__V1__NationSectorTroops *nstp[3];
    Wgpb__V1__TurnResult res;
    Wgpb__V1__NationResult nr;
    Wgpb__V1__NationResult *nrp[1];
    uint8_t digest[16];
} synth_msg_t;

static void
synth_init(synth_msg_t *m)
{
    m->env = (Wgpb__V1__Envelope)WGPB__V1__ENVELOPE__INIT;
    m->prov = (Wgpb__V1__Provenance)WGPB__V1__PROVENANCE__INIT;
    m->ts = (Wgpb__V1__TurnStart)WGPB__V1__TURN_START__INIT;
    m->pledge = (Wgpb__V1__Pledge)WGPB__V1__PLEDGE__INIT;
    m->asg = (Wgpb__V1__Assignment)WGPB__V1__ASSIGNMENT__INIT;
    for (unsigned i = 0; i < 3; i++) {
        m->nst[i] =
            (Wgpb__V1__NationSectorTroops)WGPB__V1__NATION_SECTOR_TROOPS__INIT;
        m->nstp[i] = &m->nst[i];
    }
    m->res = (Wgpb__V1__TurnResult)WGPB__V1__TURN_RESULT__INIT;
    m->nr = (Wgpb__V1__NationResult)WGPB__V1__NATION_RESULT__INIT;
    m->nrp[0] = &m->nr;
}

/* Record 0 of a turn: the adjudicator opens the pledge phase. */
static void
synth_turn_start(synth_msg_t *m)
{
    static const char *expected[] = {"command", "FRA", "DEU",
                                     "ITA",     "GBR", "POL"};
    m->env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    m->env.phase = WGPB__V1__PHASE__PHASE_PLEDGE;
    m->env.provenance = NULL;
    m->env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_TURN_START;
    m->env.turn_start = &m->ts;
    m->ts.type = WGPB__V1__TURN_TYPE__TURN_DEPLOYMENT;
    m->ts.deadline_ms = 5000;
    m->ts.n_expected = 6;
    m->ts.expected = (char **)expected;
}

/* Records 1 to 5: nation k's pledge. */
static void
synth_pledge(synth_msg_t *m, unsigned k, uint32_t r)
{
    m->env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    m->env.sender_nation = (char *)synth_nations[k - 1];
    m->env.phase = WGPB__V1__PHASE__PHASE_PLEDGE;
    m->env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_PLEDGE;
    m->env.pledge = &m->pledge;
    m->prov.rationale =
        (char *)"pledged within national caveats, rotation plan";
    m->pledge.nation = (char *)synth_nations[k - 1];
    m->pledge.troops = 1000 + r % 9000;
    m->pledge.n_sectors = 2 + r % 3;
    m->pledge.sectors = (char **)synth_sectors;
}

/* Record 6: the command's assignment. */
static void
synth_assignment(synth_msg_t *m, uint32_t r)
{
    m->env.sender_role = WGPB__V1__ROLE__ROLE_COMMAND;
    m->env.phase = WGPB__V1__PHASE__PHASE_ASSIGN;
    m->env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ASSIGNMENT;
    m->env.assignment = &m->asg;
    m->prov.rationale = (char *)"coverage first";
    m->asg.n_assignments = 3;
    m->asg.assignments = m->nstp;
    for (unsigned i = 0; i < 3; i++) {
        m->nst[i].nation = (char *)synth_nations[(r + i) % 5];
        m->nst[i].sector = (char *)synth_sectors[i];
        m->nst[i].troops = 500 + (r >> (i * 4)) % 4000;
    }
}

/* Record 7: the turn's result. */
static void
synth_result(synth_msg_t *m, uint32_t t, uint32_t r, uint64_t rng)
{
    m->env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    m->env.phase = WGPB__V1__PHASE__PHASE_RESULT;
    m->env.provenance = NULL;
    m->env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    m->env.result = &m->res;
    m->res.type = WGPB__V1__TURN_TYPE__TURN_DEPLOYMENT;
    m->res.week = t;
    m->res.n_nations = 1;
    m->res.nations = m->nrp;
    m->nr.code = (char *)synth_nations[t % 5];
    m->nr.deployed = 8000 + r % 1000;
    m->nr.cohesion = 0.5 + (r % 500) / 1000.0;
    m->res.incidents = r % 7;
    m->res.stability = 50.0 + (r % 5000) / 100.0;
    m->res.regime = (char *)"calm";
    for (unsigned i = 0; i < sizeof m->digest; i++)
        m->digest[i] = (uint8_t)(rng >> (i % 8 * 8));
    m->res.state_digest.data = m->digest;
    m->res.state_digest.len = sizeof m->digest;
}

/* One envelope of the synthetic exercise: record k of turn t. */
static int
synth_record(uint64_t seq, uint32_t t, unsigned k, uint64_t *rng, uint8_t **buf,
             size_t *len)
{
    synth_msg_t m;
    synth_init(&m);

    /* xorshift64: varied but reproducible field values. */
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    uint32_t r = (uint32_t)*rng;

    m.env.turn = t;
    m.env.seq = seq;
    m.env.provenance = &m.prov;
    m.prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT;
    m.prov.agent = (char *)"wg-bot 0.1";
    if (k == 0)
        synth_turn_start(&m);
    else if (k <= 5)
        synth_pledge(&m, k, r);
    else if (k == 6)
        synth_assignment(&m, r);
    else
        synth_result(&m, t, r, *rng);
    return wg_wire_pack(&m.env, buf, len);
}

int
wg_log_cmd_synth(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"seed", required_argument, NULL, 's'},
        {"fsync", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    uint64_t seed = 1, n;
    wg_fsync_policy_t policy = WG_FSYNC_NEVER;
    int c;
    while ((c = wg_log_tool_opt(argc, argv, "hs:f", longopts, synth_usage)) !=
           -1) {
        if (c == 's' && wg_log_tool_u64(optarg, &seed) < 0) {
            fprintf(stderr, "%s synth: --seed wants a number\n", PROG);
            return EXIT_USAGE;
        }
        if (c == 'f')
            policy = WG_FSYNC_EVERY_TURN;
    }
    if (argc - optind != 2 || wg_log_tool_u64(argv[optind + 1], &n) < 0) {
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
        fprintf(stderr, "%s synth: %s: %s\n", PROG, out, wg_strerror(rc));
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
        fprintf(stderr, "%s synth: %s: %s\n", PROG, out, wg_strerror(rc));
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

int
wg_log_cmd_bench_read(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    while (wg_log_tool_opt(argc, argv, "h", longopts, bench_usage) != -1)
        ;
    if (argc - optind != 1) {
        fputs(bench_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    double t0 = wg_log_tool_now();
    wg_log_reader_t *rd;
    if (wg_log_tool_open(path, &rd) < 0)
        return EXIT_USAGE;
    const uint8_t *rec;
    size_t len;
    uint64_t off, n = 0, bad = 0, sum = 0;
    int rc;
    wg_log_tool_decoder_t dec;
    wg_log_tool_decoder_init(&dec);
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        Wgpb__V1__Envelope *env = wg_log_tool_decode(&dec, rec, len);
        if (env == NULL)
            bad++;
        else
            sum += env->seq;
        n++;
    }
    wg_log_tool_decoder_fini(&dec);
    double t1 = wg_log_tool_now();
    wg_log_reader_rewind(rd);
    uint64_t n2 = 0;
    while (wg_log_reader_next(rd, &rec, &len, &off) == 1)
        n2 += len;
    double t2 = wg_log_tool_now();
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
        fprintf(stderr, "%s bench-read: %" PRIu64 " malformed, end: %s\n", PROG,
                bad, rc < 0 ? wg_strerror(rc) : "clean");
    (void)sum; /* read so that the decode cannot be optimised away */
    return rc < 0 || bad > 0 ? EXIT_BAD : 0;
}
