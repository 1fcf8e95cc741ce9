/*
 * logsrc.c - an exercise log read for the board (logsrc.h).
 *
 * Owns copies of the log's records and, for each whole turn, where its
 * result ends. A refresh reopens the log and skips the records it already
 * holds (the reader checks every frame's CRC again, a few milliseconds for
 * an exercise's log), so a log being written by the adjudicator is
 * followed without a lock: the writer only appends whole frames, and a
 * frame not yet whole is a torn tail this reader stops at and retries.
 */
#include "logsrc.h"

#include "wg/error.h"
#include "wg/log.h"
#include "wg/wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *bytes;
    size_t len;
} record_t;

struct logsrc {
    char path[512];
    wg_scenario_t *sc;
    record_t *recs;
    size_t n_recs, cap_recs;
    size_t *turn_ends; /* turn_ends[t]: records up to turn t+1's result */
    uint32_t n_turns, cap_turns;
    bool finished;
    char problem[256];
};

static int
push_turn(logsrc_t *self, size_t end)
{
    if (self->n_turns == self->cap_turns) {
        uint32_t cap = self->cap_turns ? 2 * self->cap_turns : 64;
        size_t *t = realloc(self->turn_ends, cap * sizeof *t);
        if (t == NULL)
            return -ENOMEM;
        self->turn_ends = t;
        self->cap_turns = cap;
    }
    self->turn_ends[self->n_turns++] = end;
    return 0;
}

/* Keeps a copy of one record; notes where turns end. */
static int
keep(logsrc_t *self, const uint8_t *rec, size_t len)
{
    if (self->n_recs == self->cap_recs) {
        size_t cap = self->cap_recs ? 2 * self->cap_recs : 1024;
        record_t *r = realloc(self->recs, cap * sizeof *r);
        if (r == NULL)
            return -ENOMEM;
        self->recs = r;
        self->cap_recs = cap;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return -ENOMEM;
    memcpy(copy, rec, len);
    self->recs[self->n_recs++] = (record_t){copy, len};
    Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
    if (env == NULL)
        return 0;
    bool published = env->recipient == NULL || env->recipient[0] == '\0';
    int rc = 0;
    if (published && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
        rc = push_turn(self, self->n_recs);
    if (published && env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END)
        self->finished = true;
    wg_wire_free(env);
    return rc;
}

size_t
logsrc_refresh(logsrc_t *self)
{
    wg_log_reader_t *r;
    int rc = wg_log_reader_open(self->path, &r);
    if (rc < 0) {
        snprintf(self->problem, sizeof self->problem, "%.200s: %s", self->path,
                 wg_strerror(rc));
        return 0;
    }
    const uint8_t *rec;
    size_t len, seen = 0, added = 0;
    uint64_t off;
    while ((rc = wg_log_reader_next(r, &rec, &len, &off)) == 1) {
        if (seen++ < self->n_recs)
            continue;
        if (keep(self, rec, len) < 0) {
            snprintf(self->problem, sizeof self->problem, "out of memory");
            break;
        }
        added++;
    }
    /* A torn tail is the frame being written now: read it next time. */
    if (rc < 0 && rc != WG_ETORN)
        snprintf(self->problem, sizeof self->problem,
                 "%.200s: stopped at offset %llu: %s", self->path,
                 (unsigned long long)off, wg_strerror(rc));
    wg_log_reader_destroy(&r);
    return added;
}

int
logsrc_open(const char *path, logsrc_t **out)
{
    logsrc_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return -ENOMEM;
    snprintf(self->path, sizeof self->path, "%s", path);
    wg_log_reader_t *r;
    int rc = wg_log_reader_open(path, &r);
    if (rc < 0) {
        fprintf(stderr, "wg-observe: %s: %s\n", path, wg_strerror(rc));
        free(self);
        return rc;
    }
    const wg_log_header_t *h = wg_log_reader_header(r);
    wg_config_error_t err;
    rc = wg_scenario_parse(path, h->scenario_text, h->scenario_len, &self->sc,
                           &err);
    wg_log_reader_destroy(&r);
    if (rc < 0) {
        fprintf(stderr, "wg-observe: %s: the scenario in its header: ", path);
        wg_config_error_print(&err);
        free(self);
        return rc;
    }
    logsrc_refresh(self);
    *out = self;
    return 0;
}

void
logsrc_destroy(logsrc_t **self_p)
{
    logsrc_t *self = *self_p;
    if (self == NULL)
        return;
    for (size_t i = 0; i < self->n_recs; i++)
        free(self->recs[i].bytes);
    free(self->recs);
    free(self->turn_ends);
    free(self->sc);
    free(self);
    *self_p = NULL;
}

uint32_t
logsrc_turns(const logsrc_t *self)
{
    return self->n_turns;
}

bool
logsrc_finished(const logsrc_t *self)
{
    return self->finished;
}

const char *
logsrc_problem(const logsrc_t *self)
{
    return self->problem[0] ? self->problem : NULL;
}

const wg_scenario_t *
logsrc_scenario(const logsrc_t *self)
{
    return self->sc;
}

void
logsrc_show(const logsrc_t *self, board_t *b, uint32_t turn, bool all)
{
    board_init(b, b->view);
    board_set_scenario(b, self->sc);
    size_t end = all                     ? self->n_recs
                 : turn == 0             ? 0
                 : turn <= self->n_turns ? self->turn_ends[turn - 1]
                                         : self->n_recs;
    for (size_t i = 0; i < end; i++)
        board_feed(b, self->recs[i].bytes, self->recs[i].len, 0);
}
