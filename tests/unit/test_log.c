/*
 * test_log.c - unit tests of the exercise log (wg/log.h) and CRC-32C.
 *
 * Each test works in its own temporary directory (mkdtemp) and removes it.
 * Covered: CRC-32C vectors and hardware against tables; write and read
 * back; a log cut at every byte of its last record (reader and reopen);
 * flipped bytes in a middle record; hostile files (empty, random, header
 * only, huge lengths, other versions, long header fields, random damage);
 * one writer at a time, never over an existing log; a full disk. The
 * hardware CRC and the full disk need what a machine may lack, so they run
 * as ctest entries of their own, reported as skipped where they cannot run
 * (see the end of the file).
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/error.h"
#include "wg/log.h"
#include "wg/rules.h"

#include "crc32c_int.h"
#include "log.pb-c.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PREAMBLE_LEN 20

typedef struct {
    char dir[64];
    char path[128];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    wg_test_mkdtemp(f->dir, sizeof f->dir, "log");
    snprintf(f->path, sizeof f->path, "%s/x.wglog", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    unlink(f->path);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* xorshift64*: reproducible test data. */
static uint64_t
rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

static uint8_t *
get_file(const char *path, size_t *len)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    assert_non_null(buf);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
    close(fd);
    *len = (size_t)st.st_size;
    return buf;
}

static void
fill_header(wg_log_header_t *h)
{
    static char text[] = "name: test\nseed: 7\n";
    memset(h, 0, sizeof *h);
    snprintf(h->scenario_name, sizeof h->scenario_name, "test scenario");
    snprintf(h->scenario_path, sizeof h->scenario_path, "configs/test.yaml");
    for (int i = 0; i < 32; i++)
        h->scenario_hash[i] = (uint8_t)(i * 7 + 1);
    h->scenario_text = text;
    h->scenario_len = sizeof text - 1;
    h->seed = 0xfeedface12345678ull;
    snprintf(h->started, sizeof h->started, "2025-01-02T03:04:05Z");
}

/* The test records: record i is len_of(i) bytes of a pattern. */
static size_t
len_of(unsigned i)
{
    return 1 + (i * 37u) % 200u;
}

static void
fill_rec(uint8_t *buf, unsigned i)
{
    for (size_t k = 0; k < len_of(i); k++)
        buf[k] = (uint8_t)(i * 31u + k * 7u);
}

/* Writes n pattern records; offs[i] gets frame i's offset if offs. */
static void
write_log(const char *path, unsigned n, uint64_t *offs)
{
    wg_log_header_t h;
    wg_log_writer_t *w;
    uint8_t rec[256];
    fill_header(&h);
    assert_int_equal(wg_log_writer_create(path, &h, WG_FSYNC_NEVER, &w), 0);
    size_t hdr_len;
    uint64_t off = 0;
    for (unsigned i = 0; i < n; i++) {
        fill_rec(rec, i);
        assert_int_equal(wg_log_writer_append(w, rec, len_of(i)), 0);
        if (i % 10 == 9)
            assert_int_equal(wg_log_writer_flush(w), 0);
    }
    assert_int_equal(wg_log_writer_records(w), n);
    wg_log_writer_destroy(&w);
    assert_null(w);
    if (offs != NULL) {
        free(get_file(path, &hdr_len)); /* the file exists, whole */
        wg_log_reader_t *rd;
        assert_int_equal(wg_log_reader_open(path, &rd), 0);
        off = wg_log_reader_first(rd);
        for (unsigned i = 0; i < n; i++) {
            offs[i] = off;
            off += 8 + len_of(i);
        }
        wg_log_reader_destroy(&rd);
    }
}

/* Reads path and checks it holds the pattern records 0..n-1, then ends
 * with want (0, WG_ETORN or WG_ECORRUPT) at offset want_off. */
static void
check_log(const char *path, unsigned n, int want, uint64_t want_off)
{
    wg_log_reader_t *rd;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    uint8_t expect[256];
    assert_int_equal(wg_log_reader_open(path, &rd), 0);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
        fill_rec(expect, i);
        assert_int_equal(len, len_of(i));
        assert_memory_equal(rec, expect, len);
    }
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), want);
    if (want != 0) {
        assert_int_equal(off, want_off);
        assert_int_equal(wg_log_reader_index(rd), n);
        /* Sticky: asking again gives the same answer. */
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), want);
        assert_int_equal(off, want_off);
    }
    wg_log_reader_destroy(&rd);
}

/* ---- CRC-32C ----------------------------------------------------------- */

static void
check_crc_vectors(uint32_t (*fn)(uint32_t, const void *, size_t))
{
    uint8_t buf[32];
    assert_int_equal(fn(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(fn(0, "", 0), 0);
    /* RFC 3720 (iSCSI), B.4. */
    memset(buf, 0, sizeof buf);
    assert_int_equal(fn(0, buf, 32), 0x8A9136AAu);
    memset(buf, 0xff, sizeof buf);
    assert_int_equal(fn(0, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    assert_int_equal(fn(0, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    assert_int_equal(fn(0, buf, 32), 0x113FDB5Cu);
    /* A running CRC continues across calls. */
    assert_int_equal(fn(fn(0, "1234", 4), "56789", 5), 0xE3069283u);
}

static void
test_crc_vectors(void **state)
{
    (void)state;
    check_crc_vectors(wg_crc32c);
    check_crc_vectors(wg__crc32c_sw);
}

/* Runs alone (crc_hw below): only where the CPU has SSE4.2. */
static void
test_crc_hw(void **state)
{
    (void)state;
    check_crc_vectors(wg__crc32c_hw);
    enum { MAX = 4096 + 16 };
    uint8_t *buf = malloc(MAX);
    assert_non_null(buf);
    uint64_t s = 42;
    for (size_t i = 0; i < MAX; i++)
        buf[i] = (uint8_t)rnd(&s);
    for (int t = 0; t < 2000; t++) {
        size_t start = rnd(&s) % 16; /* every alignment */
        size_t len = t < 200 ? (size_t)t : rnd(&s) % 4096;
        uint32_t seed = (uint32_t)rnd(&s);
        assert_int_equal(wg__crc32c_hw(seed, buf + start, len),
                         wg__crc32c_sw(seed, buf + start, len));
    }
    free(buf);
}

/* ---- writing and reading ----------------------------------------------- */

static void
test_round_trip(void **state)
{
    fixture_t *f = *state;
    enum { N = 1000 };
    wg_log_header_t h, *got;
    wg_log_writer_t *w;
    fill_header(&h);
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_EVERY_TURN, &w),
                     0);
    /* Records from 1 byte to WG_LOG_MAX_RECORD, some bigger than the
     * writer's buffer. */
    uint8_t *big = malloc(WG_LOG_MAX_RECORD + N);
    assert_non_null(big);
    uint64_t s = 7;
    for (size_t i = 0; i < WG_LOG_MAX_RECORD + N; i++)
        big[i] = (uint8_t)rnd(&s);
    size_t lens[N];
    for (unsigned i = 0; i < N; i++) {
        lens[i] = i == 500      ? WG_LOG_MAX_RECORD
                  : i == 501    ? 300000
                  : i % 97 == 0 ? 1 + rnd(&s) % 70000
                                : 1 + rnd(&s) % 300;
        assert_int_equal(wg_log_writer_append(w, big + i, lens[i]), 0);
        if (i % 50 == 49)
            assert_int_equal(wg_log_writer_flush(w), 0);
    }
    assert_int_equal(wg_log_writer_append(w, big, 0), -EINVAL);
    assert_int_equal(wg_log_writer_append(w, big, WG_LOG_MAX_RECORD + 1),
                     WG_ELIMIT);
    assert_int_equal(wg_log_writer_records(w), N);
    wg_log_writer_destroy(&w);

    wg_log_reader_t *rd;
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    got = (wg_log_header_t *)wg_log_reader_header(rd);
    assert_int_equal(got->version, WG_LOG_FORMAT_VERSION);
    assert_int_equal(got->rules_version, WG_RULES_VERSION); /* 0: the build's */
    assert_string_equal(got->scenario_name, h.scenario_name);
    assert_string_equal(got->scenario_path, h.scenario_path);
    assert_memory_equal(got->scenario_hash, h.scenario_hash, 32);
    assert_int_equal(got->scenario_len, h.scenario_len);
    assert_string_equal(got->scenario_text, h.scenario_text);
    assert_int_equal(got->seed, h.seed);
    assert_string_equal(got->started, h.started);

    for (int pass = 0; pass < 2; pass++) {
        const uint8_t *rec;
        size_t len;
        uint64_t off, expect_off = wg_log_reader_first(rd);
        for (unsigned i = 0; i < N; i++) {
            assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
            assert_int_equal(off, expect_off);
            assert_int_equal(len, lens[i]);
            assert_memory_equal(rec, big + i, len);
            expect_off += 8 + len;
        }
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
        assert_int_equal(off, wg_log_reader_size(rd));
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
        wg_log_reader_rewind(rd);
    }
    wg_log_reader_destroy(&rd);
    assert_null(rd);
    free(big);
}

static void
test_empty_started_is_filled(void **state)
{
    fixture_t *f = *state;
    wg_log_header_t h;
    wg_log_writer_t *w;
    fill_header(&h);
    h.started[0] = '\0';
    h.scenario_text = NULL;
    h.scenario_len = 0;
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w), 0);
    wg_log_writer_destroy(&w);
    wg_log_reader_t *rd;
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    const wg_log_header_t *got = wg_log_reader_header(rd);
    assert_int_equal(strlen(got->started), 20); /* 2025-01-02T03:04:05Z */
    assert_int_equal(got->scenario_len, 0);
    assert_string_equal(got->scenario_text, "");
    wg_log_reader_destroy(&rd);

    /* A name without its NUL is refused, not read past. */
    memset(h.scenario_name, 'x', sizeof h.scenario_name);
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w),
                     -EINVAL);
    assert_null(w);
}

/* A log many times the reader's buffer, with a header bigger than it:
 * frames straddle every refill, and errors are found far from the start. */
static void
test_large_log(void **state)
{
    fixture_t *f = *state;
    enum { N = 300 };
    wg_log_header_t h;
    wg_log_writer_t *w;
    fill_header(&h);
    h.scenario_len = 5u << 20;
    h.scenario_text = malloc(h.scenario_len + 1);
    assert_non_null(h.scenario_text);
    memset(h.scenario_text, 's', h.scenario_len);
    h.scenario_text[h.scenario_len] = '\0';
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w), 0);
    uint8_t *data = malloc(WG_LOG_MAX_RECORD + N);
    assert_non_null(data);
    uint64_t s = 3;
    for (size_t i = 0; i < WG_LOG_MAX_RECORD + N; i++)
        data[i] = (uint8_t)rnd(&s);
    size_t lens[N];
    uint64_t offs[N];
    for (unsigned i = 0; i < N; i++) {
        lens[i] = i % 50 == 7 ? WG_LOG_MAX_RECORD : 1 + rnd(&s) % 90000;
        assert_int_equal(wg_log_writer_append(w, data + i, lens[i]), 0);
    }
    wg_log_writer_destroy(&w);

    wg_log_reader_t *rd;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_int_equal(wg_log_reader_header(rd)->scenario_len, h.scenario_len);
    assert_string_equal(wg_log_reader_header(rd)->scenario_text,
                        h.scenario_text);
    for (unsigned i = 0; i < N; i++) {
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
        assert_int_equal(len, lens[i]);
        assert_memory_equal(rec, data + i, len);
        offs[i] = off;
    }
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
    wg_log_reader_destroy(&rd);

    /* Damage near the end: a payload byte of record N-20, and a cut
     * inside the last record. */
    size_t size;
    uint8_t *whole = get_file(f->path, &size);
    whole[offs[N - 20] + 8 + lens[N - 20] / 2] ^= 0x10;
    wg_test_put_bytes(f->path, whole, size - 1);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    unsigned i = 0;
    int rc;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1)
        assert_memory_equal(rec, data + i++, len);
    assert_int_equal(rc, WG_ECORRUPT);
    assert_int_equal(i, N - 20);
    assert_int_equal(off, offs[N - 20]);
    assert_int_equal(wg_log_reader_resync(rd, &off), 0);
    assert_int_equal(off, offs[N - 19]);
    i = N - 19;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1)
        assert_memory_equal(rec, data + i++, len);
    assert_int_equal(rc, WG_ETORN);
    assert_int_equal(i, N - 1);
    assert_int_equal(off, offs[N - 1]);
    /* Rewind goes back across the whole file. */
    wg_log_reader_rewind(rd);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
    assert_int_equal(off, offs[0]);
    assert_memory_equal(rec, data, len);
    wg_log_reader_destroy(&rd);

    free(whole);
    free(data);
    free(h.scenario_text);
}

/* ---- torn tails -------------------------------------------------------- */

static void
test_torn_every_offset(void **state)
{
    fixture_t *f = *state;
    enum { N = 6 };
    uint64_t offs[N];
    write_log(f->path, N, offs);
    size_t size;
    uint8_t *whole = get_file(f->path, &size);
    uint64_t last = offs[N - 1];
    assert_int_equal(size, last + 8 + len_of(N - 1));

    /* Cut exactly at the last frame: a clean log of N-1 records. */
    wg_test_put_bytes(f->path, whole, last);
    check_log(f->path, N - 1, 0, 0);

    for (size_t cut = last + 1; cut < size; cut++) {
        wg_test_put_bytes(f->path, whole, cut);
        check_log(f->path, N - 1, WG_ETORN, last);

        /* Reopen cuts the torn tail; appending goes on from there. */
        wg_log_header_t h;
        wg_log_writer_t *w;
        uint64_t cut_bytes = 99;
        assert_int_equal(
            wg_log_writer_reopen(f->path, WG_FSYNC_NEVER, &h, &cut_bytes, &w),
            0);
        assert_int_equal(cut_bytes, cut - last);
        assert_int_equal(wg_log_writer_records(w), N - 1);
        assert_string_equal(h.scenario_name, "test scenario");
        assert_int_equal(h.seed, 0xfeedface12345678ull);
        wg_log_header_clear(&h);
        assert_null(h.scenario_text);
        uint8_t rec[256];
        fill_rec(rec, N - 1);
        assert_int_equal(wg_log_writer_append(w, rec, len_of(N - 1)), 0);
        fill_rec(rec, N);
        assert_int_equal(wg_log_writer_append(w, rec, len_of(N)), 0);
        assert_int_equal(wg_log_writer_records(w), N + 1);
        wg_log_writer_destroy(&w);
        check_log(f->path, N + 1, 0, 0);
    }

    /* A clean log reopens with nothing cut. */
    wg_test_put_bytes(f->path, whole, size);
    wg_log_header_t h;
    wg_log_writer_t *w;
    uint64_t cut_bytes = 99;
    assert_int_equal(
        wg_log_writer_reopen(f->path, WG_FSYNC_EVERY_TURN, &h, &cut_bytes, &w),
        0);
    assert_int_equal(cut_bytes, 0);
    assert_int_equal(wg_log_writer_records(w), N);
    wg_log_header_clear(&h);
    wg_log_writer_destroy(&w);
    check_log(f->path, N, 0, 0);
    free(whole);
}

static void
test_zero_tail_is_torn(void **state)
{
    fixture_t *f = *state;
    enum { N = 4 };
    uint64_t offs[N];
    write_log(f->path, N, offs);
    size_t size;
    uint8_t *whole = get_file(f->path, &size);
    /* The file grew but the data never reached the disk: zeros. */
    uint8_t *grown = calloc(1, size + 4096);
    assert_non_null(grown);
    memcpy(grown, whole, size);
    wg_test_put_bytes(f->path, grown, size + 4096);
    check_log(f->path, N, WG_ETORN, size);
    /* The last frame zeroed from its start. */
    memset(grown + offs[N - 1], 0, size - offs[N - 1]);
    wg_test_put_bytes(f->path, grown, size);
    check_log(f->path, N - 1, WG_ETORN, offs[N - 1]);
    free(grown);
    free(whole);
}

/* ---- corruption -------------------------------------------------------- */

static void
test_flipped_byte_in_middle(void **state)
{
    fixture_t *f = *state;
    enum { N = 8, BAD = 3 };
    uint64_t offs[N];
    write_log(f->path, N, offs);
    size_t size;
    uint8_t *whole = get_file(f->path, &size);
    size_t frame_end = offs[BAD] + 8 + len_of(BAD);

    /* Every byte of the frame, length and CRC fields included, flipped
     * in each of its bits: always corrupt, at that frame, never torn. */
    for (size_t at = offs[BAD]; at < frame_end; at++) {
        for (int bit = 0; bit < 8; bit++) {
            whole[at] ^= (uint8_t)(1u << bit);
            wg_test_put_bytes(f->path, whole, size);
            check_log(f->path, BAD, WG_ECORRUPT, offs[BAD]);
            whole[at] ^= (uint8_t)(1u << bit);
        }
    }

    /* Resync finds the next frame, so tools can report the rest. */
    whole[offs[BAD] + 10] ^= 0x40;
    wg_test_put_bytes(f->path, whole, size);
    wg_log_reader_t *rd;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    for (unsigned i = 0; i < BAD; i++)
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), WG_ECORRUPT);
    assert_int_equal(wg_log_reader_index(rd), BAD);
    assert_int_equal(wg_log_reader_resync(rd, &off), 0);
    assert_int_equal(off, offs[BAD + 1]);
    for (unsigned i = BAD + 1; i < N; i++) {
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
        assert_int_equal(off, offs[i]);
        assert_int_equal(wg_log_reader_index(rd), i + 1);
    }
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
    wg_log_reader_destroy(&rd);

    /* A length field made huge: resync has to search for the next frame. */
    whole[offs[BAD] + 10] ^= 0x40;
    whole[offs[BAD] + 2] ^= 0x01; /* + 64 KiB, past the end of the file */
    wg_test_put_bytes(f->path, whole, size);
    check_log(f->path, BAD, WG_ECORRUPT, offs[BAD]);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    for (unsigned i = 0; i < BAD; i++)
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), WG_ECORRUPT);
    assert_int_equal(wg_log_reader_resync(rd, &off), 0);
    assert_int_equal(off, offs[BAD + 1]);
    wg_log_reader_destroy(&rd);

    /* Reopen refuses to cut anything that is not a torn tail. */
    wg_log_header_t h;
    wg_log_writer_t *w;
    uint64_t cut_bytes = 99;
    assert_int_equal(
        wg_log_writer_reopen(f->path, WG_FSYNC_NEVER, &h, &cut_bytes, &w),
        WG_ECORRUPT);
    assert_null(w);
    assert_int_equal(cut_bytes, 0);
    assert_null(h.scenario_text);
    size_t size2;
    uint8_t *after = get_file(f->path, &size2);
    assert_int_equal(size2, size);
    assert_memory_equal(after, whole, size);
    free(after);

    /* A flipped byte in the last record, which ends at the end of the
     * file, is corruption too: the file does not end inside it. */
    whole[offs[BAD] + 2] ^= 0x01;
    whole[offs[N - 1] + 9] ^= 0x01;
    wg_test_put_bytes(f->path, whole, size);
    check_log(f->path, N - 1, WG_ECORRUPT, offs[N - 1]);
    free(whole);
}

/* Random damage to a good log: the reader ends, and everything it hands
 * out is one of the records that were written, in order. */
static void
test_random_damage(void **state)
{
    fixture_t *f = *state;
    enum { N = 40 };
    uint64_t offs[N];
    write_log(f->path, N, offs);
    size_t size;
    uint8_t *whole = get_file(f->path, &size);
    uint8_t *copy = malloc(size);
    assert_non_null(copy);
    uint64_t s = 99;
    for (int t = 0; t < 300; t++) {
        memcpy(copy, whole, size);
        int flips = 1 + (int)(rnd(&s) % 4);
        for (int k = 0; k < flips; k++) {
            size_t at = PREAMBLE_LEN + rnd(&s) % (size - PREAMBLE_LEN);
            copy[at] ^= (uint8_t)(1 + rnd(&s) % 255);
        }
        size_t cut = t % 3 == 0 ? size - rnd(&s) % 200 : size;
        wg_test_put_bytes(f->path, copy, cut);
        wg_log_reader_t *rd;
        int rc = wg_log_reader_open(f->path, &rd);
        if (rc < 0)
            continue; /* the header was hit */
        const uint8_t *rec;
        size_t len;
        uint64_t off;
        uint8_t expect[256];
        unsigned i = 0;
        while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
            assert_true(i < N);
            assert_int_equal(off, offs[i]);
            fill_rec(expect, i);
            assert_int_equal(len, len_of(i));
            assert_memory_equal(rec, expect, len);
            i++;
        }
        assert_true(rc == 0 || rc == WG_ETORN || rc == WG_ECORRUPT);
        wg_log_reader_destroy(&rd);
    }
    free(copy);
    free(whole);
}

/* ---- hostile files ----------------------------------------------------- */

static int
open_rc(const char *path)
{
    wg_log_reader_t *rd = NULL;
    int rc = wg_log_reader_open(path, &rd);
    if (rc == 0)
        wg_log_reader_destroy(&rd);
    else
        assert_null(rd);
    return rc;
}

/* A preamble and header as a foreign writer might make them: of rules 1,
 * which a format-2 header does not say. */
static size_t
craft_header_rules(uint8_t *out, uint32_t version, const char *name,
                   uint32_t rules)
{
    Wgpb__V1__LogHeader lh = WGPB__V1__LOG_HEADER__INIT;
    lh.format_version = version;
    lh.scenario_name = (char *)name;
    lh.rules_version = rules;
    size_t n = wgpb__v1__log_header__pack(&lh, out + PREAMBLE_LEN);
    memcpy(out, "\x89WGL\r\n\x1a\n", 8);
    uint32_t v[3] = {version, (uint32_t)n, wg_crc32c(0, out + PREAMBLE_LEN, n)};
    for (int i = 0; i < 3; i++)
        for (int b = 0; b < 4; b++)
            out[8 + 4 * i + b] = (uint8_t)(v[i] >> (8 * b));
    return PREAMBLE_LEN + n;
}

static size_t
craft_header(uint8_t *out, uint32_t version, const char *name)
{
    return craft_header_rules(out, version, name, version < 3 ? 0 : 1);
}

static void
test_bad_headers(void **state)
{
    fixture_t *f = *state;
    uint8_t buf[4096];
    char longname[200];

    assert_int_equal(open_rc("/nonexistent/x.wglog"), -ENOENT);
    assert_int_equal(open_rc(f->dir), -EISDIR);
    wg_test_put_bytes(f->path, "", 0);
    assert_int_equal(open_rc(f->path), WG_ETORN);
    wg_test_put_bytes(f->path, "\x89WG", 3);
    assert_int_equal(open_rc(f->path), WG_ETORN);
    wg_test_put_bytes(f->path, "hello, world\n", 13);
    assert_int_equal(open_rc(f->path), WG_ECORRUPT);
    /* What a text-mode transfer does to the magic: CRLF -> LF. */
    wg_test_put_bytes(f->path,
                      "\x89WGL\n\x1a\n\x01\x00\x00\x00\x00\x00\x00\x00", 16);
    assert_int_equal(open_rc(f->path), WG_ECORRUPT);

    size_t n = craft_header(buf, WG_LOG_FORMAT_VERSION, "ok");
    wg_test_put_bytes(f->path, buf, n); /* header only: a log with no records */
    wg_log_reader_t *rd;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_string_equal(wg_log_reader_header(rd)->scenario_name, "ok");
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
    assert_int_equal(off, n);
    wg_log_reader_destroy(&rd);
    for (size_t cut = 0; cut < n; cut++) {
        wg_test_put_bytes(f->path, buf, cut);
        assert_int_equal(open_rc(f->path), WG_ETORN);
    }
    buf[n - 1] ^= 1; /* header bytes fail their CRC */
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_ECORRUPT);

    n = craft_header(buf, WG_LOG_FORMAT_VERSION + 1, "future");
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_EVERSION);
    n = craft_header(buf, WG_LOG_FORMAT_OLDEST - 1, "past");
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_EVERSION);

    /* Format 2 has no rules version: rules 1. Format 3 must say one. */
    n = craft_header(buf, 2, "two");
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_int_equal(wg_log_reader_header(rd)->version, 2);
    assert_int_equal(wg_log_reader_header(rd)->rules_version, 1);
    wg_log_reader_destroy(&rd);
    n = craft_header_rules(buf, 3, "seven", 7);
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_int_equal(wg_log_reader_header(rd)->rules_version, 7);
    wg_log_reader_destroy(&rd);
    n = craft_header_rules(buf, 3, "none", 0);
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_ECORRUPT);

    n = craft_header(buf, WG_LOG_FORMAT_VERSION, "ok");
    memset(buf + 12, 0xff, 4); /* a header length of 4 GiB */
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_ECORRUPT);

    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    n = craft_header(buf, WG_LOG_FORMAT_VERSION, longname);
    wg_test_put_bytes(f->path, buf, n);
    assert_int_equal(open_rc(f->path), WG_ELIMIT);

    /* Random bytes, with and without the magic in front. */
    uint64_t s = 5;
    for (int t = 0; t < 200; t++) {
        size_t sz = rnd(&s) % sizeof buf;
        for (size_t i = 0; i < sz; i++)
            buf[i] = (uint8_t)rnd(&s);
        if (t % 2 && sz >= 8)
            memcpy(buf, "\x89WGL\r\n\x1a\n", 8);
        wg_test_put_bytes(f->path, buf, sz);
        assert_true(open_rc(f->path) < 0);
    }
}

static void
test_bad_frames(void **state)
{
    fixture_t *f = *state;
    uint8_t buf[8192];
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    wg_log_reader_t *rd;
    size_t h = craft_header(buf, WG_LOG_FORMAT_VERSION, "frames");

    /* Length fields: 4 GiB, just over the limit, zero. */
    static const uint32_t lens[] = {0xffffffffu, WG_LOG_MAX_RECORD + 1, 0};
    for (int i = 0; i < 3; i++) {
        memset(buf + h, 0xab, 64);
        for (int b = 0; b < 4; b++)
            buf[h + b] = (uint8_t)(lens[i] >> (8 * b));
        wg_test_put_bytes(f->path, buf, h + 64);
        assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
        assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), WG_ECORRUPT);
        assert_int_equal(off, h);
        wg_log_reader_destroy(&rd);
    }
    /* A possible length reaching past the end, nothing good after it: the
     * file was cut while this frame was written. */
    uint32_t big = WG_LOG_MAX_RECORD;
    for (int b = 0; b < 4; b++)
        buf[h + b] = (uint8_t)(big >> (8 * b));
    wg_test_put_bytes(f->path, buf, h + 64);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), WG_ETORN);
    assert_int_equal(off, h);
    wg_log_reader_destroy(&rd);

    /* A good frame whose payload is not an Envelope is still a record:
     * the caller finds out when decoding it. */
    static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
    buf[h] = sizeof junk;
    buf[h + 1] = buf[h + 2] = buf[h + 3] = 0;
    memcpy(buf + h + 8, junk, sizeof junk);
    uint32_t crc = wg_crc32c(wg_crc32c(0, buf + h, 4), junk, sizeof junk);
    for (int b = 0; b < 4; b++)
        buf[h + 4 + b] = (uint8_t)(crc >> (8 * b));
    wg_test_put_bytes(f->path, buf, h + 8 + sizeof junk);
    assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 1);
    assert_int_equal(len, sizeof junk);
    assert_memory_equal(rec, junk, sizeof junk);
    assert_int_equal(wg_log_reader_next(rd, &rec, &len, &off), 0);
    wg_log_reader_destroy(&rd);

    /* Random bytes after a good header: the reader ends, whatever they
     * are, without handing out a frame that fails its CRC. */
    uint64_t s = 11;
    for (int t = 0; t < 300; t++) {
        size_t sz = rnd(&s) % (sizeof buf - h);
        for (size_t i = 0; i < sz; i++)
            buf[h + i] = (uint8_t)rnd(&s);
        if (t % 3 == 0 && sz >= 4) /* a plausible small length */
            buf[h + 1] = buf[h + 2] = buf[h + 3] = 0;
        wg_test_put_bytes(f->path, buf, h + sz);
        assert_int_equal(wg_log_reader_open(f->path, &rd), 0);
        int rc;
        while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1)
            ;
        assert_true(rc == 0 || rc == WG_ETORN || rc == WG_ECORRUPT);
        if (rc == WG_ECORRUPT) {
            uint64_t at;
            while (wg_log_reader_resync(rd, &at) == 0)
                while (wg_log_reader_next(rd, &rec, &len, &off) == 1)
                    ;
        }
        wg_log_reader_destroy(&rd);
    }
}

static void
test_reopen_errors(void **state)
{
    fixture_t *f = *state;
    wg_log_header_t h;
    wg_log_writer_t *w;
    uint64_t cut;
    assert_int_equal(wg_log_writer_reopen("/nonexistent/x.wglog",
                                          WG_FSYNC_NEVER, &h, &cut, &w),
                     -ENOENT);
    wg_test_put_bytes(f->path, "\x89WGL\r\n", 6);
    assert_int_equal(
        wg_log_writer_reopen(f->path, WG_FSYNC_NEVER, &h, &cut, &w), WG_ETORN);
    assert_null(w);
}

/* One writer per log: while a writer holds it, a second create or a reopen
 * is refused (WG_ELOCKED) and the file is left as it was; a log that holds
 * bytes is never overwritten, even with no writer (-EEXIST); once the
 * writer is gone, reopen takes the log. */
static void
test_one_writer(void **state)
{
    fixture_t *f = *state;
    wg_log_header_t h, got;
    wg_log_writer_t *w, *w2;
    uint8_t rec[256];
    uint64_t cut;
    size_t len0, len1;

    write_log(f->path, 5, NULL);
    uint8_t *before = get_file(f->path, &len0);
    fill_header(&h);
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w),
                     -EEXIST);
    assert_null(w);

    assert_int_equal(
        wg_log_writer_reopen(f->path, WG_FSYNC_NEVER, &got, &cut, &w), 0);
    wg_log_header_clear(&got);
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w2),
                     WG_ELOCKED);
    assert_null(w2);
    assert_int_equal(
        wg_log_writer_reopen(f->path, WG_FSYNC_NEVER, &got, &cut, &w2),
        WG_ELOCKED);
    assert_null(w2);
    uint8_t *during = get_file(f->path, &len1);
    assert_int_equal(len1, len0);
    assert_memory_equal(during, before, len0);
    free(during);

    fill_rec(rec, 5);
    assert_int_equal(wg_log_writer_append(w, rec, len_of(5)), 0);
    wg_log_writer_destroy(&w);
    check_log(f->path, 6, 0, 0);
    free(before);

    /* An empty file (mktemp's, say) holds no record: it is taken. */
    assert_int_equal(unlink(f->path), 0);
    wg_test_put_bytes(f->path, "", 0);
    assert_int_equal(wg_log_writer_create(f->path, &h, WG_FSYNC_NEVER, &w), 0);
    wg_log_writer_destroy(&w);
    check_log(f->path, 0, 0, 0);
}

/* Runs alone (disk_full below): only where /dev/full can be written. */
static void
test_disk_full(void **state)
{
    (void)state;
    wg_log_header_t h;
    wg_log_writer_t *w;
    fill_header(&h);
    assert_int_equal(wg_log_writer_create("/dev/full", &h, WG_FSYNC_NEVER, &w),
                     -ENOSPC);
    assert_null(w);
}

/* ---- cases that need what a machine may lack ---------------------------
 *
 * A cmocka skip() counts as a pass for ctest, so a case that cannot run
 * here would pass unseen. These cases run alone instead, one ctest entry
 * each (`test_log crc_hw` is unit.log.crc_hw, see tests/CMakeLists.txt):
 * when what they need is missing they print why and exit 77, which ctest
 * reports as skipped. WG_TEST_UNAVAILABLE=crc_hw,disk_full makes them act
 * as if it were missing, to see that.
 */

#define SKIP_EXIT 77 /* SKIP_RETURN_CODE in tests/CMakeLists.txt */

static const char *
crc_hw_missing(void)
{
    return wg__crc32c_hw_available()
               ? NULL
               : "this CPU has no SSE4.2 crc32 instruction";
}

static const char *
disk_full_missing(void)
{
    return access("/dev/full", W_OK) == 0 ? NULL
                                          : "/dev/full cannot be written here";
}

static const struct {
    const char *name;
    const char *(*missing)(void); /* why it cannot run here, or NULL */
    struct CMUnitTest test;
} alone[] = {
    {"crc_hw", crc_hw_missing, cmocka_unit_test(test_crc_hw)},
    {"disk_full", disk_full_missing, cmocka_unit_test(test_disk_full)},
};

/* Whether WG_TEST_UNAVAILABLE names the case in its comma-separated list. */
static bool
forced_unavailable(const char *name)
{
    const char *list = getenv("WG_TEST_UNAVAILABLE");
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p = end ? end + 1 : p + len;
    }
    return false;
}

static int
run_alone(const char *name)
{
    for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++) {
        if (strcmp(alone[i].name, name) != 0)
            continue;
        const char *why = forced_unavailable(name)
                              ? "WG_TEST_UNAVAILABLE names it"
                              : alone[i].missing();
        if (why != NULL) {
            printf("SKIPPED %s: %s\n", name, why);
            return SKIP_EXIT;
        }
        const struct CMUnitTest one[1] = {alone[i].test};
        return cmocka_run_group_tests(one, NULL, NULL);
    }
    fprintf(stderr, "test_log: no case named %s\n", name);
    return 2;
}

int
main(int argc, char **argv)
{
    if (argc > 1)
        return run_alone(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc_vectors),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_started_is_filled, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_large_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_every_offset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_zero_tail_is_torn, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flipped_byte_in_middle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_random_damage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_writer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
