/*
 * log_reader.c - reads an exercise log's frames (see log.c for the layout).
 *
 * Owned by one thread. Streams the file through one reused buffer
 * (pread(2), not mmap, so a file truncated under us cannot raise SIGBUS),
 * checks each frame's length and CRC before handing its bytes out, and
 * never decodes a payload. Errors are sticky: after WG_ETORN or
 * WG_ECORRUPT, next() repeats them, unless the caller asks
 * wg_log_reader_resync() to look for the next good frame.
 */
#include "log_int.h"
#include "wg/log.h"

#include "wg/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- reader ------------------------------------------------------------ */

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

int
wg__log_reader_from_fd(int fd, wg_log_reader_t **out)
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
    rc = wg__log_header_parse(p, avail, &self->hdr, &self->first, self->writer,
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
    int rc = wg__log_reader_from_fd(fd, out);
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
