/*
 * log_int.h - what the exercise log's header, reader and writer share:
 * the file's constants, little-endian helpers, the frame CRC, and the
 * three calls that cross between log.c, log_reader.c and log_writer.c.
 * The layout itself is in log.c's head comment and docs/LOG-FORMAT.md.
 */
#ifndef WG_LOG_INT_H
#define WG_LOG_INT_H
#include "wg/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAGIC "\x89WGL\r\n\x1a\n"
#define MAGIC_LEN 8
#define PREAMBLE_LEN 20           /* magic, version, header length, CRC */
#define FRAME_HDR_LEN 8           /* length, CRC */
#define MAX_HEADER (64u << 20)    /* header length fields beyond are corrupt */
#define WBUF_CAP (256u << 10)     /* writer buffer; grows for a big frame */
#define RESYNC_BUDGET (64u << 20) /* bytes CRC-checked per frame search */
#define WINDOW (4u << 20)         /* reader buffer: > 2 largest frames */

static inline uint32_t
rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The CRC of a frame: its four length bytes, then its payload. Covering
 * the length means a frame checks itself whole. */
static inline uint32_t
frame_crc(const uint8_t *frame, size_t len)
{
    return wg_crc32c(wg_crc32c(0, frame, 4), frame + FRAME_HDR_LEN, len);
}

/*
 * The reader streams the file through one buffer that it reuses (WINDOW
 * bytes, enough for two of the largest frames), refilled with pread(2).
 * Reading a whole log into fresh memory costs more in page faults than
 * checking its CRCs, and mmap(2) would turn a file truncated under us into
 * SIGBUS. The reader's view of the file is its size when opened.
 */
struct wg_log_reader {
    int fd;
    uint64_t size; /* file size when opened (less if it shrank since) */
    uint8_t *buf;
    size_t cap;
    uint64_t base;  /* file offset of buf[0] */
    size_t have;    /* bytes of the file in buf */
    uint64_t first; /* offset of the first frame */
    uint64_t pos;   /* offset of the next frame */
    uint64_t index; /* frames handed out or skipped so far */
    int err;        /* sticky error of next(), else 0 */
    uint64_t err_off;
    wg_log_header_t hdr;
    char writer[64];
};

/* Encodes hdr (the preamble and the LogHeader) into a new buffer *out. */
int wg__log_header_encode(const wg_log_header_t *hdr, uint8_t **out,
                          size_t *out_len);
/* Parses a file's first n bytes: see log.c. */
int wg__log_header_parse(const uint8_t *buf, size_t n, wg_log_header_t *hdr,
                         uint64_t *first, char *writer, size_t writer_cap);
/* A reader on an open fd (taken over even on failure); see log_reader.c. */
int wg__log_reader_from_fd(int fd, wg_log_reader_t **out);

#endif
