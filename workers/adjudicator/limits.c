/*
 * limits.c - which refusals the adjudicator records and says in full, and
 * the Refusals records that count the rest (see limits.h).
 *
 * Every line it writes to stderr is either one of a peer's first few
 * refusals or one summary per peer and turn, so stderr grows no faster
 * than the log. A log write error is said once per record, as main.c's
 * own appends do.
 */
#include "limits.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
limits_init(limits_t *self, wg_log_writer_t *log)
{
    memset(self, 0, sizeof *self);
    self->log = log;
    self->guard = wg_guard_new(NULL);
    return self->guard == NULL ? -ENOMEM : 0;
}

void
limits_fini(limits_t *self, uint32_t turn, Wgpb__V1__Phase phase, bool record)
{
    if (self->guard == NULL)
        return;
    if (!record) /* after the ExerciseEnd the log takes nothing more */
        self->log = NULL;
    limits_flush(self, turn, phase);
    limits_report(self);
    wg_guard_destroy(&self->guard);
}

bool
limits_error_in_full(limits_t *self, const uint8_t *peer, size_t len,
                     const Wgpb__V1__Envelope *env)
{
    int code = (int)env->error->code;
    if (code < 0 || code >= WG_GUARD_N_CODES)
        code = 0;
    bool full = self->input_recorded || peer == NULL ||
                wg_guard_refused(self->guard, peer, len, code);
    if (full)
        WG_DIAG_WARN("rejected (%s): %s", wg_guard_cause_name(code),
                     env->error->detail);
    return full;
}

bool
limits_error(limits_t *self, wg_adjudicator_t *u, const uint8_t *peer,
             size_t len, const Wgpb__V1__Envelope *env)
{
    bool full = limits_error_in_full(self, peer, len, env);
    if (!full)
        wg_adjudicator_refusal_unrecorded(u, (int)env->error->code);
    return full;
}

typedef struct {
    limits_t *self;
    uint32_t turn;
    Wgpb__V1__Phase phase;
} flush_t;

/* "ERROR_MALFORMED 3000, rate 12000" into buf. */
static void
describe(const uint64_t *counts, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int c = 0; c < WG_GUARD_N_CAUSES && used < n; c++)
        if (counts[c] > 0)
            used += (size_t)snprintf(buf + used, n - used, "%s%s %llu",
                                     used ? ", " : "", wg_guard_cause_name(c),
                                     (unsigned long long)counts[c]);
}

static void
summary_cb(const char *name, const uint64_t *counts, void *arg)
{
    flush_t *f = arg;
    char text[512];
    describe(counts, text, sizeof text);
    WG_DIAG_WARN("turn %u: refused from %s, beyond those said: %s", f->turn,
                 name, text);
    if (f->self->log == NULL)
        return;

    Wgpb__V1__RefusalCount rows[WG_GUARD_N_CAUSES], *rp[WG_GUARD_N_CAUSES];
    Wgpb__V1__Refusals r = WGPB__V1__REFUSALS__INIT;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    r.peer = (char *)name;
    r.counts = rp;
    for (int c = 0; c < WG_GUARD_N_CAUSES; c++) {
        if (counts[c] == 0)
            continue;
        Wgpb__V1__RefusalCount *row = &rows[r.n_counts];
        wgpb__v1__refusal_count__init(row);
        row->cause = (char *)wg_guard_cause_name(c);
        row->code = c < WG_GUARD_N_CODES ? (Wgpb__V1__ErrorCode)c : 0;
        row->count = counts[c];
        rp[r.n_counts++] = row;
    }
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.turn = f->turn;
    env.phase = f->phase;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_REFUSALS;
    env.refusals = &r;
    uint8_t *buf;
    size_t len;
    if (wg_wire_pack(&env, &buf, &len) != 0)
        return;
    int rc = wg_log_writer_append(f->self->log, buf, len);
    if (rc < 0 && f->self->log_rc == 0)
        f->self->log_rc = rc; /* said and stopped on by the caller */
    free(buf);
}

void
limits_flush(limits_t *self, uint32_t turn, Wgpb__V1__Phase phase)
{
    flush_t f = {self, turn, phase};
    wg_guard_flush(self->guard, summary_cb, &f);
}

void
limits_dropped(limits_t *self, const uint8_t *peer, size_t len,
               wg_bus_drop_t why, size_t size)
{
    int cause =
        why == WG_BUS_DROP_OVERSIZE ? WG_CAUSE_OVERSIZE : WG_CAUSE_FRAMES;
    if (wg_guard_refused(self->guard, peer, len, cause))
        WG_DIAG_WARN("refused from %s, unread: %s (%zu bytes)",
                     peer != NULL ? wg_guard_peer_name(self->guard, peer, len)
                                  : "a peer",
                     why == WG_BUS_DROP_OVERSIZE
                         ? "longer than the adjudicator reads"
                         : "not one frame",
                     size);
}

void
limits_report(const limits_t *self)
{
    uint64_t t[WG_GUARD_N_CAUSES];
    char text[512];
    wg_guard_totals(self->guard, t);
    describe(t, text, sizeof text);
    if (text[0] != '\0')
        WG_DIAG_INFO("refusals by cause: %s", text);
}
