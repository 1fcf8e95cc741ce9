/*
 * log_writer.c - appends frames to an exercise log (see log.c for the
 * layout).
 *
 * Owned by one thread (the adjudicator's loop). Frames are built in its own
 * buffer and written with pwrite(2) at the end of the last whole frame, so
 * a failed write (ENOSPC, EIO) can be undone with ftruncate(2) and retried:
 * the file on disk only ever grows by whole frames unless the process dies
 * mid-write, which is the torn tail that reopen cuts. A failed fsync is
 * sticky: after one, the kernel may have dropped the dirty pages, so a
 * later fsync that succeeds proves nothing.
 *
 * One writer per log: create and reopen take an advisory lock (flock
 * LOCK_EX | LOCK_NB) on the file, held on the writer's descriptor until
 * destroy closes it, and refuse with WG_ELOCKED while another process
 * holds it. create never overwrites a file that holds bytes.
 */
#include "log_int.h"
#include "wg/log.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- writer ------------------------------------------------------------ */

struct wg_log_writer {
    int fd;
    wg_fsync_policy_t policy;
    uint8_t *buf;
    size_t len, cap;
    uint64_t file_off; /* end of the last whole frame on file */
    uint64_t records;  /* in the file and the buffer */
    int sticky;        /* a failed fsync: nothing is durable any more */
    uint8_t link[32];  /* the hash chain over every record appended */
    bool chained;      /* format 3: results carry the link before them */
    uint8_t *made;     /* a result with its link written in */
    size_t made_cap;
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

/* The writer's lock: WG_ELOCKED while another open file holds it. */
static int
lock_fd(int fd)
{
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            return WG_ELOCKED;
        if (errno != EINTR)
            return -errno;
    }
    return 0;
}

/* Opens path to create a log: locked, and empty (a file that is not a
 * regular one, /dev/full say, is taken as it is). A log that exists is
 * left as it was: its bytes are an exercise's record. */
static int
open_new(const char *path)
{
    struct stat st;
    int rc, fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0)
        return -errno;
    if ((rc = lock_fd(fd)) < 0)
        goto fail;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto fail;
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        rc = -EEXIST;
        goto fail;
    }
    return fd;

fail:
    close(fd);
    return rc;
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
    int rc = wg__log_header_encode(hdr, &head, &head_len);
    if (rc < 0)
        return rc;
    int fd = open_new(path);
    if (fd < 0) {
        rc = fd;
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
    wg_log_chain_genesis(hdr, (*out)->link);
    (*out)->chained = hdr->version != 2; /* as wg__log_header_encode */
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
    int rc = lock_fd(fd);
    if (rc < 0 || (rc = wg__log_reader_from_fd(fd, &rd)) < 0)
        goto fail_fd;
    if (rd->hdr.version != WG_LOG_FORMAT_VERSION) {
        rc = WG_EVERSION; /* an older format is read, never continued */
        goto fail_rd;
    }

    uint64_t records = 0, end = rd->first, off;
    const uint8_t *rec;
    size_t len;
    uint8_t link[32];
    wg_log_chain_genesis(&rd->hdr, link);
    while ((rc = wg_log_reader_next(rd, &rec, &len, &off)) == 1) {
        records++;
        end = off + FRAME_HDR_LEN + len;
        wg_log_chain_next(link, rec, len);
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
    memcpy((*out)->link, link, sizeof link);
    (*out)->chained = true; /* only the current format is continued */
    *hdr = rd->hdr;         /* hand the header (and its scenario text) over */
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
    wg_log_chain_next(self->link, rec, len);
    return 0;
}

void
wg_log_writer_link(const wg_log_writer_t *self, uint8_t out[32])
{
    memcpy(out, self->link, 32);
}

int
wg_log_writer_append_made(wg_log_writer_t *self, const uint8_t **rec,
                          size_t len)
{
    if (self->chained && wg_log_chain_offset(*rec, len) >= 0) {
        if (len > self->made_cap) {
            uint8_t *nb = realloc(self->made, len);
            if (nb == NULL)
                return -ENOMEM;
            self->made = nb;
            self->made_cap = len;
        }
        memcpy(self->made, *rec, len);
        wg_log_chain_patch(self->made, len, self->link);
        *rec = self->made;
    }
    return wg_log_writer_append(self, *rec, len);
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
        WG_DIAG_ERR("exercise log: final flush failed, %zu bytes lost: %s",
                    self->len, wg_strerror(rc));
    if (close(self->fd) < 0 && rc == 0)
        WG_DIAG_ERR("exercise log: close: %s", strerror(errno));
    free(self->buf);
    free(self->made);
    free(self);
    *self_p = NULL;
}
