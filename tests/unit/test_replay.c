/*
 * test_replay.c - unit tests of the replay engine (wg/replay.h) and of what
 * it leans on for speed: the direct Situation encoder (wg/wire.h) and the
 * SHA-256 of the state digests (common/sha256_int.h).
 *
 * The group setup plays the default scenario in-process, with no sockets:
 * an adjudicator whose output callback writes every envelope into a log, joins
 * for every role, one rejected order, then wg_adjudicator_deadline() at every
 * phase (so every order is the scenario's default) until the end. Each test
 * then verifies that log, or a damaged copy of it, in its own temporary
 * directory. WG_SOURCE_DIR (set by ctest) locates configs/.
 */
#include "wg_cmocka.h"

#include "wg/adjudicator.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/log.h"
#include "wg/replay.h"
#include "wg/rules.h"
#include "wg/scenario.h"
#include "wg/wire.h"

#include "sha256_int.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREAMBLE_LEN 20
#define SEED 424242

typedef struct {
    size_t off, len; /* frame offset and payload length */
    uint64_t seq;
    uint32_t turn;
    int payload;
} frame_t;

typedef struct {
    char dir[64];
    char ref[128];  /* the reference log */
    char path[128]; /* a copy a test may damage */
    wg_scenario_t *sc;
    char *text;
    size_t text_len;
    uint8_t *bytes; /* the reference log's bytes */
    size_t size;
    frame_t *frames;
    size_t n_frames;
    size_t n_errors;
    uint64_t situations_checked;
    uint64_t results_checked;
} fixture_t;

static fixture_t *fx;

/* ---- helpers --------------------------------------------------------------
 */

static char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static void
write_all(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void
wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The frames of a log image, by the layout in docs/LOG-FORMAT.md. */
static frame_t *
parse_frames(const uint8_t *b, size_t size, size_t *n_out)
{
    size_t cap = 1024, n = 0;
    frame_t *fr = malloc(cap * sizeof *fr);
    assert_non_null(fr);
    size_t off = PREAMBLE_LEN + rd32(b + 12);
    while (off + 8 <= size) {
        size_t len = rd32(b + off);
        assert_true(off + 8 + len <= size);
        Wgpb__V1__Envelope *env = wg_wire_unpack(b + off + 8, len);
        assert_non_null(env);
        if (n == cap) {
            cap *= 2;
            fr = realloc(fr, cap * sizeof *fr);
            assert_non_null(fr);
        }
        fr[n++] =
            (frame_t){off, len, env->seq, env->turn, (int)env->payload_case};
        wg_wire_free(env);
        off += 8 + len;
    }
    assert_int_equal(off, size);
    *n_out = n;
    return fr;
}

/* Rewrites a frame's CRC after its bytes changed. */
static void
fix_crc(uint8_t *b, const frame_t *f)
{
    uint32_t crc =
        wg_crc32c(wg_crc32c(0, b + f->off, 4), b + f->off + 8, f->len);
    wr32(b + f->off + 4, crc);
}

/* Replays with the reader thread, and again with the reader's work in
 * line: both walks must report the same, field for field. */
static wg_replay_status_t
replay(const char *path, const wg_replay_options_t *opt,
       wg_replay_report_t *rep)
{
    wg_replay_options_t o = {0};
    if (opt != NULL)
        o = *opt;
    o.in_line = false;
    wg_replay_status_t st = wg_replay_log(path, &o, rep, NULL, NULL);
    wg_replay_report_t again;
    o.in_line = true;
    assert_int_equal(wg_replay_log(path, &o, &again, NULL, NULL), st);
    assert_int_equal(again.records, rep->records);
    assert_int_equal(again.compared, rep->compared);
    assert_int_equal(again.errors, rep->errors);
    assert_int_equal(again.turns, rep->turns);
    assert_int_equal(again.torn, rep->torn);
    assert_int_equal(again.torn_offset, rep->torn_offset);
    assert_int_equal(again.finished, rep->finished);
    assert_int_equal(again.turn, rep->turn);
    assert_int_equal(again.seq, rep->seq);
    assert_int_equal(again.offset, rep->offset);
    assert_int_equal(again.index, rep->index);
    assert_string_equal(again.field, rep->field);
    assert_string_equal(again.detail, rep->detail);
    return st;
}

/* ---- recording an exercise in-process ------------------------------------ */

typedef struct {
    wg_log_writer_t *w;
    const wg_scenario_t *sc;
    uint64_t *situations_checked;
    uint64_t results_checked;
} recorder_t;

/* The direct encoder against protobuf-c, on the state of every phase
 * start. */
static void
check_situation(const wg_scenario_t *sc, const wg_state_t *st)
{
    wg_arena_t *a = wg_arena_new();
    Wgpb__V1__Situation *m = wg_wire_situation(a, sc, st);
    size_t n = wgpb__v1__situation__get_packed_size(m);
    uint8_t *want = malloc(n + 1);
    assert_non_null(want);
    assert_int_equal(wgpb__v1__situation__pack(m, want), n);
    wg_wire_buf_t b = {0};
    size_t at = wg_wire_put_situation(&b, 0, sc, st);
    assert_int_equal(at, 0);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.data, want, n);
    /* As a field, after something: tag, length, the same body. */
    memcpy(b.data, "xyz", 3);
    b.len = 3;
    at = wg_wire_put_situation(&b, 4, sc, st);
    assert_int_equal(b.data[3], 4 << 3 | 2);
    assert_int_equal(b.len - at, n);
    assert_memory_equal(b.data + at, want, n);
    wg_wire_buf_free(&b);
    free(want);
    wg_arena_destroy(&a);
}

static void
record_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
          const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)dest;
    recorder_t *r = arg;
    if (wg_adjudicator_out_what(u) == WG_OUT_SEND)
        return; /* recorded when its phase closes */
    const uint8_t *made = bytes;
    assert_int_equal(wg_log_writer_append_made(r->w, &made, len), 0);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_TURN_START &&
        r->situations_checked != NULL) {
        check_situation(wg_adjudicator_scenario(u), wg_adjudicator_state(u));
        (*r->situations_checked)++;
    }
    /* Whatever the adjudicator writes by hand (phase starts, welcomes, results)
     * is what protobuf-c writes for the same message. */
    Wgpb__V1__Envelope *back = wg_wire_unpack(bytes, len);
    assert_non_null(back);
    uint8_t *again;
    size_t again_len;
    assert_int_equal(wg_wire_pack(back, &again, &again_len), 0);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, bytes, len);
    free(again);
    wg_wire_free(back);
    if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT) {
        /* The direct encoder of results against protobuf-c. */
        uint8_t *want;
        size_t want_len;
        assert_int_equal(wg_wire_pack(env, &want, &want_len), 0);
        assert_int_equal(len, want_len);
        assert_memory_equal(bytes, want, len);
        free(want);
        r->results_checked++;
        assert_int_equal(wg_log_writer_flush(r->w), 0);
    }
}

static void
send_env(wg_adjudicator_t *u, int key, Wgpb__V1__Envelope *env, int want_rc)
{
    uint8_t *buf;
    size_t len;
    assert_int_equal(wg_wire_pack(env, &buf, &len), 0);
    assert_int_equal(wg_adjudicator_receive(u, key, buf, len, NULL), want_rc);
    free(buf);
}

static void
join(wg_adjudicator_t *u, int role, const char *nation)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Join j = WGPB__V1__JOIN__INIT;
    env.sender_role = (Wgpb__V1__Role)role;
    env.sender_nation = (char *)nation;
    env.phase = WGPB__V1__PHASE__PHASE_LOBBY;
    j.agent = "test_replay";
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_JOIN;
    env.join = &j;
    send_env(u, -1, &env, 0);
}

/* A state digest callback that lies at one turn: the adjudicator records it,
 * and chains on from it, as if it were the state's. */
typedef struct {
    uint32_t calls, lie_at;
} liar_t;

static void
lying_state_digest(const wg_scenario_t *sc, const wg_state_t *st,
                   uint8_t out[32], void *arg)
{
    liar_t *l = arg;
    wg_wire_buf_t b = {0};
    wg_adjudicator_state_bytes(sc, st, &b);
    wg__sha256(b.data, b.len, out);
    wg_wire_buf_free(&b);
    if (++l->calls == l->lie_at)
        out[7] ^= 0x40;
}

/* Plays the exercise to its end on defaults, recording into path (a log
 * there before goes: a writer never overwrites one); with lie_at > 0, the
 * state digest of that turn is not the state's. */
static void
record_exercise(const char *path, const wg_scenario_t *sc, const char *text,
                size_t text_len, uint64_t *checked, uint32_t lie_at)
{
    wg_log_header_t hdr;
    memset(&hdr, 0, sizeof hdr);
    hdr.version = WG_LOG_FORMAT_VERSION;
    snprintf(hdr.scenario_name, sizeof hdr.scenario_name, "%s", sc->name);
    snprintf(hdr.scenario_path, sizeof hdr.scenario_path, "default.yaml");
    memcpy(hdr.scenario_hash, sc->hash, sizeof hdr.scenario_hash);
    hdr.scenario_text = (char *)text;
    hdr.scenario_len = text_len;
    hdr.seed = sc->seed;
    snprintf(hdr.started, sizeof hdr.started, "2026-01-01T00:00:00Z");
    recorder_t r = {NULL, sc, checked, 0};
    unlink(path);
    assert_int_equal(wg_log_writer_create(path, &hdr, WG_FSYNC_NEVER, &r.w), 0);
    wg_adjudicator_t *u = wg_adjudicator_new(sc, text, text_len, record_cb, &r);
    assert_non_null(u);
    liar_t liar = {0, lie_at};
    if (lie_at > 0)
        wg_adjudicator_set_state_digest(u, lying_state_digest, &liar);
    join(u, WGPB__V1__ROLE__ROLE_COMMAND, "");
    for (size_t i = 0; i < sc->n_nations; i++)
        join(u, WGPB__V1__ROLE__ROLE_CONTINGENT, sc->nations[i].code);
    wg_adjudicator_start(u);

    /* An order for a turn that is not on: rejected, answered with an Error
     * (recorded, seq 0), the order itself not recorded. */
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__CommandDecision d = WGPB__V1__COMMAND_DECISION__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_COMMAND;
    env.turn = 99;
    env.phase = WGPB__V1__PHASE__PHASE_RESPOND;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_DECISION;
    env.decision = &d;
    send_env(u, WG_ROLE_COMMAND, &env, WG_ESTATE);

    while (!wg_adjudicator_done(u))
        wg_adjudicator_deadline(u);
    wg_adjudicator_stats_t stats;
    wg_adjudicator_stats(u, &stats);
    assert_int_equal(stats.rejected, 1);
    /* Every turn's result went through the check in record_cb. */
    assert_int_equal(r.results_checked, sc->n_turns);
    wg_adjudicator_destroy(&u);
    wg_log_writer_destroy(&r.w);
}

static int
group_setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    const char *src = getenv("WG_SOURCE_DIR");
    if (src == NULL)
        src = ".";
    char path[512];
    snprintf(path, sizeof path, "%s/configs/scenarios/default.yaml", src);
    wg_config_error_t err;
    if (wg_scenario_load(path, &fx->sc, &err) != 0) {
        fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column,
                err.message);
        return -1;
    }
    fx->sc->seed = SEED;
    fx->text = read_all(path, &fx->text_len);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/wg-test-replay-XXXXXX");
    if (mkdtemp(fx->dir) == NULL)
        return -1;
    snprintf(fx->ref, sizeof fx->ref, "%s/ref.wglog", fx->dir);
    snprintf(fx->path, sizeof fx->path, "%s/x.wglog", fx->dir);
    record_exercise(fx->ref, fx->sc, fx->text, fx->text_len,
                    &fx->situations_checked, 0);
    fx->bytes = (uint8_t *)read_all(fx->ref, &fx->size);
    fx->frames = parse_frames(fx->bytes, fx->size, &fx->n_frames);
    for (size_t i = 0; i < fx->n_frames; i++)
        fx->n_errors += fx->frames[i].seq == 0;
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    unlink(fx->ref);
    unlink(fx->path);
    rmdir(fx->dir);
    free(fx->frames);
    free(fx->bytes);
    free(fx->text);
    free(fx->sc);
    free(fx);
    return 0;
}

/* A middle record of the given payload type. */
static const frame_t *
middle(int payload)
{
    for (size_t i = fx->n_frames / 2; i < fx->n_frames; i++)
        if (fx->frames[i].payload == payload)
            return &fx->frames[i];
    fail_msg("no such record");
    return NULL;
}

/* ---- the tests ------------------------------------------------------------
 */

static void
test_recorded(void **state)
{
    (void)state;
    /* The exercise ran whole, with defaults, one error reply. */
    assert_true(fx->n_frames > 100);
    assert_int_equal(fx->n_errors, 1);
    assert_int_equal(fx->frames[fx->n_frames - 1].payload,
                     WGPB__V1__ENVELOPE__PAYLOAD_END);
    assert_true(fx->situations_checked > fx->sc->n_turns);
}

static void
test_verify_ok(void **state)
{
    (void)state;
    wg_replay_report_t rep;
    wg_adjudicator_t *u = NULL;
    wg_scenario_t *sc = NULL;
    assert_int_equal(wg_replay_log(fx->ref, NULL, &rep, &u, &sc), WG_REPLAY_OK);
    assert_int_equal(rep.status, WG_REPLAY_OK);
    assert_int_equal(rep.records, fx->n_frames);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(rep.compared, fx->n_frames - 1);
    assert_int_equal(rep.turns, fx->sc->n_turns);
    assert_true(rep.finished);
    assert_false(rep.torn);
    assert_non_null(u);
    assert_non_null(sc);
    assert_true(wg_adjudicator_done(u));
    assert_int_equal(sc->seed, SEED);
    /* The rejected order was counted from its Error reply alone. */
    wg_adjudicator_stats_t stats;
    wg_adjudicator_stats(u, &stats);
    assert_int_equal(stats.rejected, 1);
    wg_adjudicator_destroy(&u);
    free(sc);

    /* The same scenario file and seed, named: still identical. */
    char path[512];
    const char *src = getenv("WG_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/configs/scenarios/default.yaml",
             src ? src : ".");
    wg_replay_options_t opt = {
        .scenario_path = path, .have_seed = true, .seed = SEED};
    assert_int_equal(replay(fx->ref, &opt, &rep), WG_REPLAY_OK);
}

/* The same records under a header with another seed: the re-adjudication
 * parts from the record at the first record that shows the seed. */
static void
test_seed_in_header(void **state)
{
    (void)state;
    wg_log_reader_t *r;
    assert_int_equal(wg_log_reader_open(fx->ref, &r), 0);
    wg_log_header_t hdr = *wg_log_reader_header(r);
    hdr.seed = SEED + 1;
    wg_log_writer_t *w;
    unlink(fx->path); /* a writer never overwrites a log */
    assert_int_equal(wg_log_writer_create(fx->path, &hdr, WG_FSYNC_NEVER, &w),
                     0);
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    while (wg_log_reader_next(r, &rec, &len, &off) == 1)
        assert_int_equal(wg_log_writer_append(w, rec, len), 0);
    wg_log_writer_destroy(&w);
    wg_log_reader_destroy(&r);

    /* The first Welcome tells the seed: the walk stops there. */
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_DIVERGED);
    assert_int_equal(rep.turn, 0);
    assert_int_equal(rep.seq, fx->frames[1].seq);
    assert_string_equal(rep.field, "welcome.seed");
    assert_non_null(strstr(rep.detail, "re-adjudicated"));
}

static void
test_seed_option(void **state)
{
    (void)state;
    wg_replay_options_t opt = {.have_seed = true, .seed = SEED + 1};
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->ref, &opt, &rep), WG_REPLAY_DIVERGED);
    assert_string_equal(rep.field, "header.seed");
    assert_int_equal(rep.records, 0);
}

static void
test_other_scenario(void **state)
{
    (void)state;
    char path[512];
    const char *src = getenv("WG_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/configs/scenarios/un-peacekeeping.yaml",
             src ? src : ".");
    wg_replay_options_t opt = {.scenario_path = path};
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->ref, &opt, &rep), WG_REPLAY_DIVERGED);
    assert_string_equal(rep.field, "header.scenario_hash");

    opt.scenario_path = "/nonexistent/scenario.yaml";
    assert_int_equal(replay(fx->ref, &opt, &rep), WG_REPLAY_UNREADABLE);
}

/* A TurnResult, a TurnStart or an order with one byte changed and its CRC
 * made good again: a consistent frame with another content, caught at that
 * record (the reader thread's digest of it is never believed). */
static void
test_flipped_result(void **state)
{
    (void)state;
    static const int kinds[] = {WGPB__V1__ENVELOPE__PAYLOAD_RESULT,
                                WGPB__V1__ENVELOPE__PAYLOAD_TURN_START,
                                WGPB__V1__ENVELOPE__PAYLOAD_RESPONSE};
    uint8_t *b = malloc(fx->size);
    assert_non_null(b);
    for (size_t kind = 0; kind < 3; kind++)
        /* Several spots of the record's body, past its first eighth: a
         * flip there may land on the envelope's seq, and the divergence
         * is then reported at the seq it became. */
        for (size_t k = 2; k < 8; k++) {
            const frame_t *f = middle(kinds[kind]);
            memcpy(b, fx->bytes, fx->size);
            b[f->off + 8 + f->len * k / 8] ^= 0x10;
            fix_crc(b, f);
            write_all(fx->path, b, fx->size);
            wg_replay_report_t rep;
            wg_replay_status_t st = replay(fx->path, NULL, &rep);
            assert_true(st == WG_REPLAY_DIVERGED || st == WG_REPLAY_CORRUPT);
            assert_int_equal(rep.offset, f->off);
            assert_int_equal(rep.seq, f->seq);
            assert_int_equal(rep.turn, f->turn);
            assert_true(rep.field[0] != '\0');
        }
    free(b);
}

/* A log that holds together (every CRC, record and chain link agrees)
 * but whose turn-5 state digest is not the digest of turn 5's state: the
 * walk takes recorded state digests on trust while the reader thread
 * checks them, so this is the case only that check catches. */
static void
test_lying_state_digest(void **state)
{
    (void)state;
    record_exercise(fx->path, fx->sc, fx->text, fx->text_len, NULL, 5);
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_DIVERGED);
    assert_int_equal(rep.turn, 5);
    assert_string_equal(rep.field, "result.state_digest");
    assert_int_equal(rep.turns, 5);

    /* Told the truth, the same recording verifies. */
    record_exercise(fx->path, fx->sc, fx->text, fx->text_len, NULL, 0);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_OK);
}

/* The same change without fixing the CRC: a corrupt record, never decoded,
 * named by its offset and the sequence number due there. */
static void
test_flipped_crc(void **state)
{
    (void)state;
    const frame_t *f = middle(WGPB__V1__ENVELOPE__PAYLOAD_TURN_START);
    uint8_t *b = malloc(fx->size);
    assert_non_null(b);
    memcpy(b, fx->bytes, fx->size);
    b[f->off + 8 + f->len / 2] ^= 0x01;
    write_all(fx->path, b, fx->size);
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_CORRUPT);
    assert_int_equal(rep.offset, f->off);
    assert_int_equal(rep.index, (uint64_t)(f - fx->frames));
    assert_int_equal(rep.seq, f->seq);
    assert_int_equal(rep.turn, f->turn);
    assert_int_equal(rep.records, (uint64_t)(f - fx->frames));
    free(b);
}

/* Cut anywhere inside the last record: the records before it verify and
 * the tail is reported torn where the record starts. */
static void
test_torn_tail(void **state)
{
    (void)state;
    const frame_t *last = &fx->frames[fx->n_frames - 1];
    for (size_t cut = last->off + 1; cut < fx->size; cut++) {
        write_all(fx->path, fx->bytes, cut);
        wg_replay_report_t rep;
        assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_OK);
        assert_true(rep.torn);
        assert_int_equal(rep.torn_offset, last->off);
        assert_int_equal(rep.records, fx->n_frames - 1);
        assert_int_equal(rep.compared, fx->n_frames - 2);
        assert_false(rep.finished);
    }
}

typedef struct {
    wg_log_writer_t *w;
    size_t n;
    uint64_t first_seq;
} pending_t;

static void
pending_cb(const uint8_t *bytes, size_t len, void *arg)
{
    pending_t *p = arg;
    Wgpb__V1__Envelope *env = wg_wire_unpack(bytes, len);
    assert_non_null(env);
    if (p->n++ == 0)
        p->first_seq = env->seq;
    wg_wire_free(env);
    if (p->w != NULL)
        assert_int_equal(wg_log_writer_append_made(p->w, &bytes, len), 0);
}

static void
append_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
          const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)env;
    (void)dest;
    if (wg_adjudicator_out_what(u) != WG_OUT_SEND)
        assert_int_equal(wg_log_writer_append_made(arg, &bytes, len), 0);
}

/* What --resume does, in-process: the log of a dead adjudicator ends after
 * a TurnResult (it is written out at the end of each turn); the replay
 * rebuilds the adjudicator, hands over the next phase start the log lacks, and
 * the exercise plays on into the same file. With nobody to join again the
 * result is the uninterrupted log, byte for byte. */
static void
test_resume(void **state)
{
    (void)state;
    const frame_t *f = middle(WGPB__V1__ENVELOPE__PAYLOAD_RESULT);
    size_t cut = f->off + 8 + f->len;
    write_all(fx->path, fx->bytes, cut);

    wg_log_header_t hdr;
    uint64_t cut_bytes = 99;
    wg_log_writer_t *w;
    assert_int_equal(
        wg_log_writer_reopen(fx->path, WG_FSYNC_NEVER, &hdr, &cut_bytes, &w),
        0);
    assert_int_equal(cut_bytes, 0);
    wg_log_header_clear(&hdr);

    pending_t p = {w, 0, 0};
    wg_replay_options_t opt = {.pending = pending_cb, .pending_arg = &p};
    wg_replay_report_t rep;
    wg_adjudicator_t *u = NULL;
    wg_scenario_t *sc = NULL;
    assert_int_equal(wg_replay_log(fx->path, &opt, &rep, &u, &sc),
                     WG_REPLAY_OK);
    assert_false(rep.finished);
    assert_int_equal(rep.turns, f->turn);
    assert_int_equal(p.n, 1); /* the next turn's start */
    assert_int_equal(p.first_seq, f->seq + 1);
    assert_int_equal(wg_adjudicator_turn(u), f->turn + 1);

    wg_adjudicator_set_output(u, append_cb, w);
    while (!wg_adjudicator_done(u))
        wg_adjudicator_deadline(u);
    wg_adjudicator_destroy(&u);
    free(sc);
    wg_log_writer_destroy(&w);

    size_t len;
    char *got = read_all(fx->path, &len);
    assert_int_equal(len, fx->size);
    assert_memory_equal(got, fx->bytes, len);
    free(got);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_OK);
    assert_true(rep.finished);
}

/* A log that stops cleanly mid-exercise verifies (an exercise stopped by a
 * signal), not finished, and its pending records are offered. */
static void
test_unfinished(void **state)
{
    (void)state;
    const frame_t *f = middle(WGPB__V1__ENVELOPE__PAYLOAD_TURN_START);
    write_all(fx->path, fx->bytes, f->off + 8 + f->len);
    pending_t p = {NULL, 0, 0};
    wg_replay_options_t opt = {.pending = pending_cb, .pending_arg = &p};
    wg_replay_report_t rep;
    assert_int_equal(replay(fx->path, &opt, &rep), WG_REPLAY_OK);
    assert_false(rep.finished);
    assert_false(rep.torn);
    assert_int_equal(rep.seq, f->seq);
    assert_int_equal(p.n, 0); /* a phase waits for orders: nothing pending */
}

/* Files that are not logs, or logs with hostile records: reported, never a
 * crash (ASan and UBSan builds run this too). */
static void
test_hostile(void **state)
{
    (void)state;
    wg_replay_report_t rep;
    write_all(fx->path, "", 0);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_UNREADABLE);
    assert_int_equal(replay("/nonexistent.wglog", NULL, &rep),
                     WG_REPLAY_UNREADABLE);

    uint64_t s = 0x9e3779b97f4a7c15ull;
    uint8_t junk[4096];
    for (size_t i = 0; i < sizeof junk; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        junk[i] = (uint8_t)s;
    }
    write_all(fx->path, junk, sizeof junk);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_UNREADABLE);

    /* The header alone: nothing to compare, nothing wrong. */
    size_t first = fx->frames[0].off;
    write_all(fx->path, fx->bytes, first);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_OK);
    assert_int_equal(rep.records, 0);

    /* Whole frames of random bytes after the header: each passes its CRC;
     * whatever they decode to, the walk reports and stops. */
    uint8_t *b = malloc(first + 64 * 200);
    assert_non_null(b);
    for (int round = 0; round < 200; round++) {
        memcpy(b, fx->bytes, first);
        size_t off = first;
        for (int k = 0; k < 3; k++) {
            size_t len = 1 + (size_t)(junk[(round * 7 + k) % sizeof junk] % 48);
            wr32(b + off, (uint32_t)len);
            for (size_t i = 0; i < len; i++)
                b[off + 8 + i] = junk[(round * 131 + k * 17 + i) % sizeof junk];
            frame_t fr = {off, len, 0, 0, 0};
            fix_crc(b, &fr);
            off += 8 + len;
        }
        write_all(fx->path, b, off);
        wg_replay_status_t st = replay(fx->path, NULL, &rep);
        assert_true(st == WG_REPLAY_OK || st == WG_REPLAY_DIVERGED ||
                    st == WG_REPLAY_CORRUPT);
    }

    /* Valid envelopes that no adjudicator would record: a Welcome claimed
     * by a contingent, a result out of nowhere. */
    memcpy(b, fx->bytes, first);
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__TurnResult res = WGPB__V1__TURN_RESULT__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.seq = 1;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_RESULT;
    env.result = &res;
    size_t len = wgpb__v1__envelope__pack(&env, b + first + 8);
    wr32(b + first, (uint32_t)len);
    frame_t fr = {first, len, 0, 0, 0};
    fix_crc(b, &fr);
    write_all(fx->path, b, first + 8 + len);
    assert_int_equal(replay(fx->path, NULL, &rep), WG_REPLAY_DIVERGED);
    assert_int_equal(rep.seq, 1);
    free(b);
}

static void
test_envelope_diff(void **state)
{
    (void)state;
    const frame_t *a = middle(WGPB__V1__ENVELOPE__PAYLOAD_RESULT);
    const frame_t *b = a + 1;
    char field[160], detail[512];
    const uint8_t *pa = fx->bytes + a->off + 8;
    assert_true(wg_envelope_diff(pa, a->len, pa, a->len, field, sizeof field,
                                 detail, sizeof detail));
    assert_false(wg_envelope_diff(pa, a->len, fx->bytes + b->off + 8, b->len,
                                  field, sizeof field, detail, sizeof detail));
    assert_true(field[0] != '\0');

    /* One number changed deep inside: named by its path and values. */
    Wgpb__V1__Envelope *env = wg_wire_unpack(pa, a->len);
    assert_non_null(env);
    assert_true(env->result->n_nations > 2);
    env->result->nations[2]->kia += 7;
    uint8_t *buf;
    size_t len;
    assert_int_equal(wg_wire_pack(env, &buf, &len), 0);
    assert_false(wg_envelope_diff(pa, a->len, buf, len, field, sizeof field,
                                  detail, sizeof detail));
    assert_string_equal(field, "result.nations[2].kia");
    assert_non_null(strstr(detail, "re-adjudicated"));
    free(buf);
    wg_wire_free(env);

    assert_false(wg_envelope_diff(pa, a->len, (const uint8_t *)"\xff", 1, field,
                                  sizeof field, detail, sizeof detail));
    assert_string_equal(field, "(envelope)");
}

/* The encoder on states the exercise does not reach: negative weeks, units
 * at home, zero and negative zero doubles, NaN, a unit past 127 bytes. */
static void
test_situation_edges(void **state)
{
    (void)state;
    wg_state_t *st = calloc(1, sizeof *st);
    assert_non_null(st);
    wg_state_init(st, fx->sc);
    st->stability = -0.0;
    st->coverage[0] = NAN;
    st->coverage[1] = 1e-300;
    st->nations[0].cohesion = 0;
    st->regime = 9999; /* out of range: an empty name */
    uint64_t s = 12345;
    for (uint32_t i = 0; i < 300; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        wg_unit_t *u = &st->units[st->n_units++];
        u->id = (uint32_t)(s >> 3) % 100000;
        u->nation = (uint8_t)(s % fx->sc->n_nations);
        u->sector = (int8_t)((int)(s >> 8) % ((int)fx->sc->n_sectors + 1) - 1);
        u->status = (uint8_t)((s >> 16) % 5);
        u->weeks_left = (int32_t)((s >> 24) % 200) - 100;
        u->troops = (uint32_t)(s >> 40);
    }
    check_situation(fx->sc, st);
    st->n_units = 0;
    check_situation(fx->sc, st);
    free(st);
}

static void
test_sha256(void **state)
{
    (void)state;
    uint8_t buf[1100], a[32], b[32];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    for (size_t n = 0; n <= sizeof buf; n++) {
        wg__sha256(buf, n, a);
        wg__sha256_sw(buf, n, b);
        assert_memory_equal(a, b, 32);
        if (wg__sha256_hw_available()) {
            wg__sha256_hw(buf, n, a);
            assert_memory_equal(a, b, 32);
        }
    }
    /* FIPS 180-4 example: "abc". */
    static const uint8_t abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
        0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
        0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    wg__sha256("abc", 3, a);
    assert_memory_equal(a, abc, 32);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded),
        cmocka_unit_test(test_verify_ok),
        cmocka_unit_test(test_seed_in_header),
        cmocka_unit_test(test_seed_option),
        cmocka_unit_test(test_other_scenario),
        cmocka_unit_test(test_flipped_result),
        cmocka_unit_test(test_flipped_crc),
        cmocka_unit_test(test_lying_state_digest),
        cmocka_unit_test(test_torn_tail),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_unfinished),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_envelope_diff),
        cmocka_unit_test(test_situation_edges),
        cmocka_unit_test(test_sha256),
    };
    wg_diag_level =
        WG_DIAG_LEVEL_ERR; /* the defaults and the rejection say much */
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
