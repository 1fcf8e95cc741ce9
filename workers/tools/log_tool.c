/*
 * log_tool.c - the helpers every wg-log subcommand shares (log_tool.h).
 *
 * One thread, like the whole tool. Errors are returned to the subcommand,
 * which exits with EXIT_USAGE or EXIT_BAD; what a person needs to know is
 * said on stderr here, where the reason is known.
 */
#include "log_tool.h"

#include "wg/error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
wg_log_tool_opt(int argc, char **argv, const char *shortopts,
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

int
wg_log_tool_u64(const char *s, uint64_t *out)
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

int
wg_log_tool_open(const char *path, wg_log_reader_t **rd)
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
    fprintf(stderr, "%s: %s: %s\n", PROG, path, why);
    return rc;
}

void
wg_log_tool_report_stop(const char *path, int rc, uint64_t off, uint64_t index,
                        uint64_t size, bool have_seq, uint64_t last_seq)
{
    char after[64] = "";
    if (have_seq)
        snprintf(after, sizeof after, ", after seq %" PRIu64, last_seq);
    if (rc == WG_ETORN)
        fprintf(stderr,
                "%s: %s: torn tail at offset %" PRIu64 " (%" PRIu64
                " bytes%s); the %" PRIu64 " records before it are whole\n",
                PROG, path, off, size - off, after, index);
    else
        fprintf(stderr,
                "%s: %s: corrupt record #%" PRIu64 " at offset %" PRIu64
                "%s; not decoded\n",
                PROG, path, index, off, after);
}

double
wg_log_tool_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- decoding into an arena --------------------------------------------- */

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

void
wg_log_tool_decoder_init(wg_log_tool_decoder_t *d)
{
    d->arena = wg_arena_new();
    d->pa.alloc = arena_alloc_cb;
    d->pa.free = arena_free_cb;
    d->pa.allocator_data = d->arena;
}

void
wg_log_tool_decoder_fini(wg_log_tool_decoder_t *d)
{
    wg_arena_destroy(&d->arena);
}

Wgpb__V1__Envelope *
wg_log_tool_decode(wg_log_tool_decoder_t *d, const uint8_t *rec, size_t len)
{
    wg_arena_reset(d->arena);
    return wgpb__v1__envelope__unpack(&d->pa, len, rec);
}
