/*
 * fuzz_log_reader.c - the exercise log reader (common/log_reader.c) on
 * any bytes.
 *
 * The input is a file. It is read twice: as it is, and with the CRC of the
 * header and of every frame its length fields reach recomputed, so that
 * mutations get past the checks to the header parse and the records
 * behind them. Each read opens the file, reads every record (decoding it
 * as the verifier does), resyncs past corrupt frames a bounded number of
 * times, rewinds and reads again. What is checked besides the sanitizers:
 * every record handed out is a whole frame inside the file, a rewind reads
 * the same records, errors are sticky, and an exercise writer reopening
 * the file (what --resume does) cuts a torn tail to exactly the clean
 * records a reader saw before it.
 */
#include "fuzz.h"

#include "log_int.h"
#include "wg/arena.h"
#include "wg/error.h"
#include "wg/log.h"
#include "wg/wire.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RESYNCS 8

typedef struct {
    uint64_t records;  /* handed out before the first error */
    uint64_t end;      /* offset after the last of them */
    int stop;          /* what ended that first run: 0, WG_ETORN, ... */
    uint32_t checksum; /* of the records' bytes */
} pass_t;

/* Reads on, from the frame at start, to the first error or the end. */
static void
read_run(wg_log_reader_t *r, uint64_t start, pass_t *p)
{
    memset(p, 0, sizeof *p);
    p->end = start;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    int rc;
    while ((rc = wg_log_reader_next(r, &rec, &len, &off)) == 1) {
        if (len == 0 || len > WG_LOG_MAX_RECORD ||
            off + FRAME_HDR_LEN + len > wg_log_reader_size(r) || off != p->end)
            fz_finding("a record of %zu bytes at %llu in a file of %llu", len,
                       (unsigned long long)off,
                       (unsigned long long)wg_log_reader_size(r));
        wg_wire_unpack_in(fz_arena(), rec, len);
        wg_arena_reset(fz_arena());
        p->records++;
        p->end = off + FRAME_HDR_LEN + len;
        p->checksum = wg_crc32c(p->checksum, rec, len);
    }
    p->stop = rc;
    if (rc != 0) {
        uint64_t again_off;
        if (wg_log_reader_next(r, &rec, &len, &again_off) != rc ||
            again_off != off)
            fz_finding("an error (%d) that is not sticky", rc);
    }
}

static void
read_file(const char *path, pass_t *first)
{
    wg_log_reader_t *r;
    if (wg_log_reader_open(path, &r) != 0)
        return;
    read_run(r, wg_log_reader_first(r), first);
    for (int i = 0; i < MAX_RESYNCS; i++) {
        uint64_t off;
        if (wg_log_reader_resync(r, &off) != 0)
            break;
        pass_t more;
        read_run(r, off, &more);
    }
    wg_log_reader_rewind(r);
    pass_t again;
    read_run(r, wg_log_reader_first(r), &again);
    if (again.records != first->records || again.stop != first->stop ||
        again.checksum != first->checksum)
        fz_finding("a rewind reads %llu records (%d), the first read %llu "
                   "(%d)",
                   (unsigned long long)again.records, again.stop,
                   (unsigned long long)first->records, first->stop);
    wg_log_reader_destroy(&r);
}

/* A writer reopening the file keeps exactly the clean records. */
static void
check_reopen(const char *path, const pass_t *first)
{
    wg_log_writer_t *w;
    wg_log_header_t hdr;
    uint64_t cut = 0;
    memset(&hdr, 0, sizeof hdr);
    if (wg_log_writer_reopen(path, WG_FSYNC_NEVER, &hdr, &cut, &w) != 0) {
        wg_log_header_clear(&hdr);
        return; /* corrupt, or a header it refuses: nothing written */
    }
    if (first->stop != 0 && first->stop != WG_ETORN)
        fz_finding("a writer reopens a log whose reader stops with %d",
                   first->stop);
    wg_log_writer_destroy(&w);
    wg_log_header_clear(&hdr);
    wg_log_reader_t *r;
    if (wg_log_reader_open(path, &r) != 0)
        fz_finding("a log a writer reopened does not open");
    pass_t after;
    read_run(r, wg_log_reader_first(r), &after);
    if (after.stop != 0 || after.records != first->records ||
        after.checksum != first->checksum ||
        wg_log_reader_size(r) != first->end)
        fz_finding("reopening cut %llu bytes: %llu records (%d) of %llu "
                   "bytes, before %llu records ending at %llu",
                   (unsigned long long)cut, (unsigned long long)after.records,
                   after.stop, (unsigned long long)wg_log_reader_size(r),
                   (unsigned long long)first->records,
                   (unsigned long long)first->end);
    wg_log_reader_destroy(&r);
}

/* The same bytes with the header's CRC and each frame's recomputed. */
static void
fix_crcs(uint8_t *b, size_t n)
{
    if (n < PREAMBLE_LEN || memcmp(b, MAGIC, MAGIC_LEN) != 0)
        return;
    uint32_t h = rd32(b + 12);
    if (h > n - PREAMBLE_LEN)
        return;
    wr32(b + 16, wg_crc32c(0, b + PREAMBLE_LEN, h));
    for (size_t off = PREAMBLE_LEN + h; n - off >= FRAME_HDR_LEN + 1;) {
        uint32_t len = rd32(b + off);
        if (len == 0 || len > n - off - FRAME_HDR_LEN)
            break;
        wr32(b + off + 4, frame_crc(b + off, len));
        off += FRAME_HDR_LEN + len;
    }
}

static void
one_file(const uint8_t *data, size_t size)
{
    char path[1024];
    pass_t first;
    fz_write("log", data, size, path);
    memset(&first, 0, sizeof first);
    read_file(path, &first);
    check_reopen(path, &first);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_file(data, size);
    uint8_t *fixed = malloc(size ? size : 1);
    memcpy(fixed, data, size);
    fix_crcs(fixed, size);
    if (size == 0 || memcmp(fixed, data, size) != 0)
        one_file(fixed, size);
    free(fixed);
    return 0;
}
