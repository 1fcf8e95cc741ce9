/*
 * log_tool.h - what wg-log's subcommands share (log_tool.c): the exit
 * codes, option parsing with --help, opening a log with a reason a person
 * can read, a decoder that reuses its memory from record to record, and
 * the report of where a read stopped.
 */
#ifndef WG_LOG_TOOL_H
#define WG_LOG_TOOL_H

#include "wg/log.h"
#include "wg/wire.h"

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG "wg-log"
#define EXIT_BAD 1   /* read, but torn, corrupt or divergent */
#define EXIT_USAGE 2 /* unreadable, or a wrong command line */

/* getopt_long with --help on every subcommand. Returns the option, or -1
 * at the end of options; prints usage and exits on --help or an error. */
int wg_log_tool_opt(int argc, char **argv, const char *shortopts,
                    const struct option *longopts, const char *usage);

/* A decimal number; -EINVAL for anything else (a sign included). */
int wg_log_tool_u64(const char *s, uint64_t *out);

/* wg_log_reader_open, saying on stderr why a file is not a log. */
int wg_log_tool_open(const char *path, wg_log_reader_t **rd);

/* A torn tail or a corrupt record where a read stopped, on stderr. */
void wg_log_tool_report_stop(const char *path, int rc, uint64_t off,
                             uint64_t index, uint64_t size, bool have_seq,
                             uint64_t last_seq);

/* Seconds on the monotonic clock. */
double wg_log_tool_now(void);

/*
 * Decoding. protobuf-c's unpack makes one allocation per sub-message,
 * string and array; with a bump arena that is reset for each record a
 * ~90-byte Envelope decodes in about half the time it takes with malloc,
 * and that is most of what reading a log costs. A decoded Envelope lives
 * until the next wg_log_tool_decode().
 * TODO(lead): this belongs in common/wire.c, as wg_wire_unpack_in(arena).
 */
typedef struct {
    wg_arena_t *arena;
    ProtobufCAllocator pa;
} wg_log_tool_decoder_t;

void wg_log_tool_decoder_init(wg_log_tool_decoder_t *d);
void wg_log_tool_decoder_fini(wg_log_tool_decoder_t *d);
Wgpb__V1__Envelope *wg_log_tool_decode(wg_log_tool_decoder_t *d,
                                       const uint8_t *rec, size_t len);

#endif
