/*
 * log.c - the exercise log: writer and reader of framed records.
 *
 * docs/LOG-FORMAT.md is the contract; in short, all integers little-endian:
 *
 *   0   magic "\x89WGL\r\n\x1a\n" (8 bytes)
 *   8   u32 format version (1)
 *   12  u32 H, length of the LogHeader protobuf
 *   16  u32 CRC-32C of the H header bytes
 *   20  LogHeader (proto/log.proto), H bytes
 *   then frames: u32 length L (1..WG_LOG_MAX_RECORD), u32 CRC-32C of the
 *   four length bytes followed by the L payload bytes, L payload bytes
 *   (one wgpb.v1.Envelope).
 *
 * Writer: owned by one thread (the adjudicator's loop). Frames are built in
 * its own buffer and written with pwrite(2) at the end of the last whole
 * frame, so a failed write (ENOSPC, EIO) can be undone with ftruncate(2)
 * and retried: the file on disk only ever grows by whole frames unless the
 * process dies mid-write, which is the torn tail that reopen cuts.
 * A failed fsync is sticky: after one, the kernel may have dropped the
 * dirty pages, so a later fsync that succeeds proves nothing.
 *
 * Reader: owned by one thread. Streams the file through one reused buffer
 * (pread(2), not mmap, so a file truncated under us cannot raise SIGBUS),
 * checks each frame's length and CRC before handing its bytes out, and
 * never decodes a payload. Errors are sticky: after WG_ETORN or
 * WG_ECORRUPT, next() repeats them, unless the caller asks
 * wg_log_reader_resync() to look for the next good frame.
 *
 * Errors: 0 or a negative code (-errno, WG_ETORN, WG_ECORRUPT, WG_EVERSION,
 * WG_ELIMIT); only wg_log_writer_destroy(), which cannot return one, logs.
 */
#include "wg/log.h"

#include "wg/diag.h"
#include "wg/error.h"

#include "log.pb-c.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "\x89WGL\r\n\x1a\n"
#define MAGIC_LEN 8
#define PREAMBLE_LEN 20           /* magic, version, header length, CRC */
#define FRAME_HDR_LEN 8           /* length, CRC */
#define MAX_HEADER (64u << 20)    /* header length fields beyond are corrupt */
#define WBUF_CAP (256u << 10)     /* writer buffer; grows for a big frame */
#define RESYNC_BUDGET (64u << 20) /* bytes CRC-checked per frame search */
#define WINDOW (4u << 20)         /* reader buffer: > 2 largest frames */

#ifndef WG_VERSION
#define WG_VERSION "unknown"
#endif

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

void
wg_log_header_clear(wg_log_header_t *hdr)
{
    if (hdr == NULL)
        return;
    free(hdr->scenario_text);
    memset(hdr, 0, sizeof *hdr);
}

/* ---- header ------------------------------------------------------------ */

static bool
terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int
header_encode(const wg_log_header_t *hdr, uint8_t **out, size_t *out_len)
{
    Wgpb__V1__LogHeader lh = WGPB__V1__LOG_HEADER__INIT;
    char started[sizeof hdr->started];

    if (!terminated(hdr->scenario_name, sizeof hdr->scenario_name) ||
        !terminated(hdr->scenario_path, sizeof hdr->scenario_path) ||
        !terminated(hdr->started, sizeof hdr->started))
        return -EINVAL;
    if (hdr->scenario_len > 0 && hdr->scenario_text == NULL)
        return -EINVAL;
    if (hdr->scenario_len > MAX_HEADER / 2)
        return WG_ELIMIT;

    memcpy(started, hdr->started, sizeof started);
    if (started[0] == '\0') {
        /* Metadata only: the wall clock never feeds a decision. */
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    lh.format_version = WG_LOG_FORMAT_VERSION;
    lh.scenario_name = (char *)hdr->scenario_name;
    lh.scenario_path = (char *)hdr->scenario_path;
    lh.scenario_hash.data = (uint8_t *)hdr->scenario_hash;
    lh.scenario_hash.len = sizeof hdr->scenario_hash;
    lh.scenario_text.data = (uint8_t *)hdr->scenario_text;
    lh.scenario_text.len = hdr->scenario_len;
    lh.seed = hdr->seed;
    lh.started = started;
    lh.writer = (char *)"wg " WG_VERSION;

    size_t hlen = wgpb__v1__log_header__get_packed_size(&lh);
    uint8_t *buf = malloc(PREAMBLE_LEN + hlen);
    if (buf == NULL)
        return -ENOMEM;
    memcpy(buf, MAGIC, MAGIC_LEN);
    wr32(buf + 8, WG_LOG_FORMAT_VERSION);
    wr32(buf + 12, (uint32_t)hlen);
    wgpb__v1__log_header__pack(&lh, buf + PREAMBLE_LEN);
    wr32(buf + 16, wg_crc32c(0, buf + PREAMBLE_LEN, hlen));
    *out = buf;
    *out_len = PREAMBLE_LEN + hlen;
    return 0;
}

static int
copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        return WG_ELIMIT;
    if (n > 0)
        memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

/*
 * Checks the preamble and header at the start of a file, given the first
 * n bytes of it (all of the header if the file has it). On success fills
 * *hdr (caller clears it), *first (offset of the first frame) and writer.
 */
static int
header_parse(const uint8_t *buf, size_t n, wg_log_header_t *hdr,
             uint64_t *first, char *writer, size_t writer_cap)
{
    size_t m = n < MAGIC_LEN ? n : MAGIC_LEN;
    if (memcmp(buf, MAGIC, m) != 0)
        return WG_ECORRUPT; /* not a log, or mangled by a text transfer */
    if (n < PREAMBLE_LEN)
        return WG_ETORN;
    uint32_t version = rd32(buf + 8);
    if (version != WG_LOG_FORMAT_VERSION)
        return WG_EVERSION;
    uint32_t hlen = rd32(buf + 12);
    if (hlen > MAX_HEADER)
        return WG_ECORRUPT;
    if (n - PREAMBLE_LEN < hlen)
        return WG_ETORN;
    const uint8_t *hb = buf + PREAMBLE_LEN;
    if (wg_crc32c(0, hb, hlen) != rd32(buf + 16))
        return WG_ECORRUPT;

    Wgpb__V1__LogHeader *lh = wgpb__v1__log_header__unpack(NULL, hlen, hb);
    if (lh == NULL)
        return WG_ECORRUPT;
    int rc = WG_ECORRUPT;
    memset(hdr, 0, sizeof *hdr);
    if (lh->format_version != version)
        goto out;
    if (lh->scenario_hash.len != 0 &&
        lh->scenario_hash.len != sizeof hdr->scenario_hash)
        goto out;
    if ((rc = copy_str(hdr->scenario_name, sizeof hdr->scenario_name,
                       lh->scenario_name)) < 0 ||
        (rc = copy_str(hdr->scenario_path, sizeof hdr->scenario_path,
                       lh->scenario_path)) < 0 ||
        (rc = copy_str(hdr->started, sizeof hdr->started, lh->started)) < 0)
        goto out;
    if (writer != NULL && writer_cap > 0)
        snprintf(writer, writer_cap, "%s", lh->writer ? lh->writer : "");
    hdr->version = version;
    if (lh->scenario_hash.len > 0)
        memcpy(hdr->scenario_hash, lh->scenario_hash.data,
               sizeof hdr->scenario_hash);
    hdr->scenario_text = malloc(lh->scenario_text.len + 1);
    if (hdr->scenario_text == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    if (lh->scenario_text.len > 0)
        memcpy(hdr->scenario_text, lh->scenario_text.data,
               lh->scenario_text.len);
    hdr->scenario_text[lh->scenario_text.len] = '\0';
    hdr->scenario_len = lh->scenario_text.len;
    hdr->seed = lh->seed;
    *first = PREAMBLE_LEN + (uint64_t)hlen;
    rc = 0;
out:
    wgpb__v1__log_header__free_unpacked(lh, NULL);
    if (rc < 0)
        wg_log_header_clear(hdr);
    return rc;
}

/* ---- reader ------------------------------------------------------------ */

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

/*
 * Reads on from the file until the buffer holds n bytes from base, or the
 * file ends (it shrank under us: size then says where). A greedy read
 * takes in as much as the buffer holds, so that the next frames are there.
 */
static int
read_until(wg_log_reader_t *self, size_t n, bool greedy)
{
    while (self->have < n) {
        size_t want = greedy ? self->cap - self->have : n - self->have;
        uint64_t left = self->size - (self->base + self->have);
        if (want > left)
            want = (size_t)left;
        ssize_t r = pread(self->fd, self->buf + self->have, want,
                          (off_t)(self->base + self->have));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0) {
            self->size = self->base + self->have;
            break;
        }
        self->have += (size_t)r;
    }
    return 0;
}

/*
 * Makes file bytes [off, off + n) contiguous in the buffer; *p points at
 * them and *avail says how many there are (fewer than n only at the end of
 * the file). Moves the window forward, or back for a rewind.
 */
static int
window(wg_log_reader_t *self, uint64_t off, size_t n, const uint8_t **p,
       size_t *avail)
{
    *p = self->buf;
    *avail = 0;
    if (off > self->size)
        off = self->size;
    if (n > self->size - off)
        n = (size_t)(self->size - off);
    if (off < self->base || off + n > self->base + self->have) {
        if (n > self->cap) { /* only for a big header */
            uint8_t *nb = realloc(self->buf, n);
            if (nb == NULL)
                return -ENOMEM;
            self->buf = nb;
            self->cap = n;
        }
        if (off >= self->base && off < self->base + self->have) {
            size_t keep = (size_t)(self->base + self->have - off);
            memmove(self->buf, self->buf + (off - self->base), keep);
            self->have = keep;
        } else {
            self->have = 0;
        }
        self->base = off;
        int rc = read_until(self, n, true);
        if (rc < 0)
            return rc;
        if (self->have < n) /* it shrank under us: it ends here now */
            n = self->have;
    }
    *p = self->buf + (off - self->base);
    *avail = n;
    return 0;
}

/* Whether a whole frame that passes its CRC starts at off: 1, 0 or < 0. */
static int
frame_ok(wg_log_reader_t *self, uint64_t off)
{
    const uint8_t *p;
    size_t avail;
    int rc = window(self, off, FRAME_HDR_LEN, &p, &avail);
    if (rc < 0)
        return rc;
    if (avail < FRAME_HDR_LEN)
        return 0;
    uint32_t len = rd32(p);
    if (len == 0 || len > WG_LOG_MAX_RECORD ||
        len > self->size - off - FRAME_HDR_LEN)
        return 0;
    if ((rc = window(self, off, FRAME_HDR_LEN + len, &p, &avail)) < 0)
        return rc;
    if (avail < FRAME_HDR_LEN + len)
        return 0;
    return frame_crc(p, len) == rd32(p + 4);
}

typedef enum { SCAN_NONE, SCAN_FOUND, SCAN_GAVE_UP } scan_t;

/*
 * Looks for the first offset at or after from where a whole frame passes
 * its CRC. The work is bounded (RESYNC_BUDGET bytes of CRC) so that no
 * file, however crafted, makes a search take long; SCAN_GAVE_UP says so.
 */
static int
scan_frame(wg_log_reader_t *self, uint64_t from, uint64_t *at)
{
    uint64_t budget = RESYNC_BUDGET;
    for (uint64_t p = from;
         p < self->size && self->size - p >= FRAME_HDR_LEN + 1; p++) {
        const uint8_t *q;
        size_t avail;
        int rc = window(self, p, FRAME_HDR_LEN, &q, &avail);
        if (rc < 0)
            return rc;
        if (avail < FRAME_HDR_LEN)
            break;
        uint32_t len = rd32(q);
        if (len == 0 || len > WG_LOG_MAX_RECORD ||
            len > self->size - p - FRAME_HDR_LEN)
            continue;
        if (budget < (uint64_t)len + 4)
            return SCAN_GAVE_UP;
        budget -= (uint64_t)len + 4;
        if ((rc = frame_ok(self, p)) < 0)
            return rc;
        if (rc == 1) {
            *at = p;
            return SCAN_FOUND;
        }
    }
    return SCAN_NONE;
}

/* Whether the file holds only zero bytes from off to its end: 1, 0, < 0. */
static int
zero_to_end(wg_log_reader_t *self, uint64_t off)
{
    while (off < self->size) {
        const uint8_t *p;
        size_t avail;
        int rc = window(self, off, self->cap, &p, &avail);
        if (rc < 0)
            return rc;
        if (avail == 0)
            break;
        for (size_t i = 0; i < avail; i++)
            if (p[i] != 0)
                return 0;
        off += avail;
    }
    return 1;
}

/*
 * Judges the frame at off, which is not a good frame. It is the torn tail
 * when the file ends inside it and nothing good follows within it, or when
 * everything from it to the end is zero bytes (a crash after the file grew
 * but before its data reached the disk). Anything else is corruption: a
 * bad CRC on a whole frame, an impossible length, or a length reaching past
 * the end of a file in which good frames still follow.
 */
static int
classify_bad(wg_log_reader_t *self, uint64_t off)
{
    uint64_t rem = self->size - off;
    int rc = zero_to_end(self, off);
    if (rc != 0)
        return rc < 0 ? rc : WG_ETORN;
    if (rem < FRAME_HDR_LEN)
        return WG_ETORN;
    const uint8_t *p;
    size_t avail;
    if ((rc = window(self, off, FRAME_HDR_LEN, &p, &avail)) < 0)
        return rc;
    uint32_t len = rd32(p);
    if (len == 0 || len > WG_LOG_MAX_RECORD)
        return WG_ECORRUPT;
    if (len <= rem - FRAME_HDR_LEN)
        return WG_ECORRUPT; /* a whole frame that fails its CRC */
    uint64_t at;
    rc = scan_frame(self, off + FRAME_HDR_LEN, &at);
    if (rc < 0)
        return rc;
    return rc == SCAN_NONE ? WG_ETORN : WG_ECORRUPT;
}

/* The first n bytes of the file (fewer if it is shorter), read exactly:
 * window() would read all it can hold. */
static int
read_head(wg_log_reader_t *self, size_t n, const uint8_t **p, size_t *avail)
{
    if (n > self->size)
        n = (size_t)self->size;
    if (n > self->cap) {
        uint8_t *nb = realloc(self->buf, n);
        if (nb == NULL)
            return -ENOMEM;
        self->buf = nb;
        self->cap = n;
    }
    self->base = 0;
    int rc = read_until(self, n, false);
    if (rc < 0)
        return rc;
    *p = self->buf;
    *avail = self->have < n ? self->have : n;
    return 0;
}

static int
reader_from_fd(int fd, wg_log_reader_t **out)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (!S_ISREG(st.st_mode))
        return -EINVAL; /* a FIFO or device could block or never end */
    wg_log_reader_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return -ENOMEM;
    int rc = -ENOMEM;
    self->fd = dup(fd);
    if (self->fd < 0) {
        rc = -errno;
        goto fail_free;
    }
    self->size = (uint64_t)st.st_size;
    /* No bigger than the file: most opens are of small logs. */
    self->cap = self->size < WINDOW ? (size_t)self->size + 1 : WINDOW;
    self->buf = malloc(self->cap);
    if (self->buf == NULL)
        goto fail_fd;

    /* The preamble, then as much as its length field asks for; the
     * records are read when asked for (by a reader thread, say). */
    const uint8_t *p;
    size_t avail;
    if ((rc = read_head(self, PREAMBLE_LEN, &p, &avail)) < 0)
        goto fail_buf;
    if (avail >= PREAMBLE_LEN && memcmp(p, MAGIC, MAGIC_LEN) == 0 &&
        rd32(p + 12) <= MAX_HEADER &&
        (rc = read_head(self, PREAMBLE_LEN + rd32(p + 12), &p, &avail)) < 0)
        goto fail_buf;
    rc = header_parse(p, avail, &self->hdr, &self->first, self->writer,
                      sizeof self->writer);
    if (rc < 0)
        goto fail_buf;
    self->pos = self->first;
    *out = self;
    return 0;

fail_buf:
    free(self->buf);
fail_fd:
    close(self->fd);
fail_free:
    free(self);
    return rc;
}

int
wg_log_reader_open(const char *path, wg_log_reader_t **out)
{
    if (path == NULL || out == NULL)
        return -EINVAL;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = reader_from_fd(fd, out);
    close(fd);
    return rc;
}

const wg_log_header_t *
wg_log_reader_header(const wg_log_reader_t *self)
{
    return &self->hdr;
}

int
wg_log_reader_next(wg_log_reader_t *self, const uint8_t **rec, size_t *len,
                   uint64_t *offset)
{
    if (self->err != 0) {
        *offset = self->err_off;
        return self->err;
    }
    uint64_t off = self->pos;
    *offset = off;
    if (off == self->size)
        return 0;
    /* The hot path: the frame is in the window; one length check and one
     * CRC. */
    const uint8_t *p;
    size_t avail;
    int rc = window(self, off, FRAME_HDR_LEN, &p, &avail);
    if (rc == 0 && avail == FRAME_HDR_LEN) {
        uint32_t n = rd32(p);
        if (n != 0 && n <= WG_LOG_MAX_RECORD &&
            n <= self->size - off - FRAME_HDR_LEN &&
            (rc = window(self, off, FRAME_HDR_LEN + n, &p, &avail)) == 0 &&
            avail == FRAME_HDR_LEN + n && frame_crc(p, n) == rd32(p + 4)) {
            *rec = p + FRAME_HDR_LEN;
            *len = n;
            self->pos = off + FRAME_HDR_LEN + n;
            self->index++;
            return 1;
        }
    }
    if (rc == 0)
        rc = classify_bad(self, off);
    self->err = rc; /* an I/O error is sticky too */
    self->err_off = off;
    return rc;
}

bool
wg_log_reader_whole(const wg_log_reader_t *self)
{
    /* The first window past the header takes in the rest of the file, and
     * no later one moves it. */
    return self->cap > self->size;
}

void
wg_log_reader_rewind(wg_log_reader_t *self)
{
    self->pos = self->first;
    self->index = 0;
    self->err = 0;
    self->err_off = 0;
}

uint64_t
wg_log_reader_index(const wg_log_reader_t *self)
{
    return self->index;
}

uint64_t
wg_log_reader_size(const wg_log_reader_t *self)
{
    return self->size;
}

uint64_t
wg_log_reader_first(const wg_log_reader_t *self)
{
    return self->first;
}

const char *
wg_log_reader_writer(const wg_log_reader_t *self)
{
    return self->writer;
}

int
wg_log_reader_resync(wg_log_reader_t *self, uint64_t *offset)
{
    if (self->err != WG_ECORRUPT)
        return self->err < 0 ? self->err : -EINVAL;
    uint64_t off = self->err_off, at = 0;
    const uint8_t *p;
    size_t avail;
    int rc = window(self, off, FRAME_HDR_LEN, &p, &avail);
    if (rc < 0)
        return rc;
    /* Most often only the payload is damaged and the length is right: the
     * next frame then starts where this one says it ends. */
    uint32_t len = avail == FRAME_HDR_LEN ? rd32(p) : 0;
    if (len != 0 && len <= WG_LOG_MAX_RECORD &&
        len <= self->size - off - FRAME_HDR_LEN) {
        uint64_t next = off + FRAME_HDR_LEN + len;
        if (next == self->size || (rc = frame_ok(self, next)) == 1) {
            at = next;
            goto found;
        }
        if (rc < 0)
            return rc;
    }
    rc = scan_frame(self, off + 1, &at);
    if (rc < 0)
        return rc;
    if (rc != SCAN_FOUND)
        return WG_ECORRUPT;
found:
    self->pos = at;
    self->index++; /* the bad frame counts as one record */
    self->err = 0;
    self->err_off = 0;
    *offset = at;
    return 0;
}

void
wg_log_reader_destroy(wg_log_reader_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    wg_log_reader_t *self = *self_p;
    wg_log_header_clear(&self->hdr);
    close(self->fd);
    free(self->buf);
    free(self);
    *self_p = NULL;
}

/* ---- writer ------------------------------------------------------------ */

struct wg_log_writer {
    int fd;
    wg_fsync_policy_t policy;
    uint8_t *buf;
    size_t len, cap;
    uint64_t file_off; /* end of the last whole frame on file */
    uint64_t records;  /* in the file and the buffer */
    int sticky;        /* a failed fsync: nothing is durable any more */
};

/* Writes all of buf at off, through short writes and EINTR. */
static int
pwrite_all(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, buf, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

static int
sync_fd(int fd)
{
    while (fdatasync(fd) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

/* fsync of the directory, so that a newly created file is durable too. */
static void
sync_dir(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(copy);
}

static int
writer_new(int fd, wg_fsync_policy_t policy, uint64_t file_off,
           uint64_t records, wg_log_writer_t **out)
{
    wg_log_writer_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return -ENOMEM;
    self->buf = malloc(WBUF_CAP);
    if (self->buf == NULL) {
        free(self);
        return -ENOMEM;
    }
    self->cap = WBUF_CAP;
    self->fd = fd;
    self->policy = policy;
    self->file_off = file_off;
    self->records = records;
    *out = self;
    return 0;
}

/*
 * Writes the buffer out after the last whole frame. On failure the partial
 * write is cut off again so the file still ends on a frame boundary, and
 * the buffer is kept, so a later flush (say, once disk space is freed)
 * can retry.
 */
static int
write_out(wg_log_writer_t *self)
{
    if (self->len == 0)
        return 0;
    int rc = pwrite_all(self->fd, self->buf, self->len, self->file_off);
    if (rc < 0) {
        while (ftruncate(self->fd, (off_t)self->file_off) < 0 && errno == EINTR)
            ;
        return rc;
    }
    self->file_off += self->len;
    self->len = 0;
    return 0;
}

int
wg_log_writer_create(const char *path, const wg_log_header_t *hdr,
                     wg_fsync_policy_t policy, wg_log_writer_t **out)
{
    if (path == NULL || hdr == NULL || out == NULL)
        return -EINVAL;
    *out = NULL;
    uint8_t *head;
    size_t head_len;
    int rc = header_encode(hdr, &head, &head_len);
    if (rc < 0)
        return rc;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = -errno;
        goto fail_head;
    }
    if ((rc = pwrite_all(fd, head, head_len, 0)) < 0)
        goto fail_fd;
    if (policy == WG_FSYNC_EVERY_TURN) {
        if ((rc = sync_fd(fd)) < 0)
            goto fail_fd;
        sync_dir(path);
    }
    if ((rc = writer_new(fd, policy, head_len, 0, out)) < 0)
        goto fail_fd;
    free(head);
    return 0;

fail_fd:
    close(fd);
fail_head:
    free(head);
    return rc;
}

int
wg_log_writer_reopen(const char *path, wg_fsync_policy_t policy,
                     wg_log_header_t *hdr, uint64_t *cut_bytes,
                     wg_log_writer_t **out)
{
    if (path == NULL || hdr == NULL || out == NULL)
        return -EINVAL;
    *out = NULL;
    if (cut_bytes != NULL)
        *cut_bytes = 0;
    memset(hdr, 0, sizeof *hdr);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    wg_log_reader_t *rd = NULL;
    int rc = reader_from_fd(fd, &rd);
    if (rc < 0)
        goto fail_fd;

    uint64_t records = 0, end = rd->first, off;
    const uint8_t *rec;
    size_t len;
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        records++;
        end = off + FRAME_HDR_LEN + len;
    }
    if (rc == WG_ECORRUPT)
        goto fail_rd; /* not ours to cut: the caller must look at it */
    if (rc == WG_ETORN) {
        end = off;
        while ((rc = ftruncate(fd, (off_t)end)) < 0 && errno == EINTR)
            ;
        if (rc < 0) {
            rc = -errno;
            goto fail_rd;
        }
        if (policy == WG_FSYNC_EVERY_TURN && (rc = sync_fd(fd)) < 0)
            goto fail_rd;
        if (cut_bytes != NULL)
            *cut_bytes = rd->size - end;
    } else if (rc < 0) {
        goto fail_rd;
    }
    if ((rc = writer_new(fd, policy, end, records, out)) < 0)
        goto fail_rd;
    *hdr = rd->hdr; /* hand the header (and its scenario text) over */
    memset(&rd->hdr, 0, sizeof rd->hdr);
    wg_log_reader_destroy(&rd);
    return 0;

fail_rd:
    wg_log_reader_destroy(&rd);
fail_fd:
    close(fd);
    return rc;
}

int
wg_log_writer_append(wg_log_writer_t *self, const void *rec, size_t len)
{
    if (self->sticky < 0)
        return self->sticky;
    if (len == 0)
        return -EINVAL; /* a zero length marks a corrupt frame */
    if (len > WG_LOG_MAX_RECORD)
        return WG_ELIMIT;
    size_t need = FRAME_HDR_LEN + len;
    if (self->cap - self->len < need) {
        int rc = write_out(self);
        if (rc < 0)
            return rc;
        if (self->cap < need) {
            uint8_t *nb = realloc(self->buf, need);
            if (nb == NULL)
                return -ENOMEM;
            self->buf = nb;
            self->cap = need;
        }
    }
    uint8_t *f = self->buf + self->len;
    wr32(f, (uint32_t)len);
    memcpy(f + FRAME_HDR_LEN, rec, len);
    wr32(f + 4, frame_crc(f, len));
    self->len += need;
    self->records++;
    return 0;
}

int
wg_log_writer_flush(wg_log_writer_t *self)
{
    if (self->sticky < 0)
        return self->sticky;
    int rc = write_out(self);
    if (rc < 0)
        return rc;
    if (self->policy == WG_FSYNC_EVERY_TURN && (rc = sync_fd(self->fd)) < 0) {
        self->sticky = rc;
        return rc;
    }
    return 0;
}

uint64_t
wg_log_writer_records(const wg_log_writer_t *self)
{
    return self->records;
}

void
wg_log_writer_destroy(wg_log_writer_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    wg_log_writer_t *self = *self_p;
    int rc = wg_log_writer_flush(self);
    if (rc < 0)
        WG_LOG_ERR("exercise log: final flush failed, %zu bytes lost: %s",
                   self->len, wg_strerror(rc));
    if (close(self->fd) < 0 && rc == 0)
        WG_LOG_ERR("exercise log: close: %s", strerror(errno));
    free(self->buf);
    free(self);
    *self_p = NULL;
}
