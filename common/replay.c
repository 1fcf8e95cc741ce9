/*
 * replay.c - re-adjudication of a recorded exercise log.
 *
 * Owns, during one call, a log reader, a scenario, an umpire and a queue of
 * the envelopes the umpire produced but the walk has not yet matched with a
 * record. Single-threaded, no I/O but reading the log. Problems are
 * reported in the wg_replay_report_t, never asserted: a log is input.
 */
#include "wg/replay.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *bytes;
    size_t len;
} item_t;

typedef struct {
    item_t *items;
    size_t head, tail, cap;
} queue_t;

static void
queue_push(queue_t *q, const uint8_t *bytes, size_t len)
{
    if (q->tail == q->cap) {
        if (q->head > 0) {
            memmove(q->items, q->items + q->head,
                    (q->tail - q->head) * sizeof(item_t));
            q->tail -= q->head;
            q->head = 0;
        }
        if (q->tail == q->cap) {
            q->cap = q->cap ? q->cap * 2 : 64;
            q->items = realloc(q->items, q->cap * sizeof(item_t));
            if (q->items == NULL)
                abort();
        }
    }
    uint8_t *b = malloc(len ? len : 1);
    if (b == NULL)
        abort();
    memcpy(b, bytes, len);
    q->items[q->tail++] = (item_t){b, len};
}

static void
queue_clear(queue_t *q)
{
    for (size_t i = q->head; i < q->tail; i++)
        free(q->items[i].bytes);
    free(q->items);
    memset(q, 0, sizeof *q);
}

static void
produced_cb(wg_umpire_t *u, const Wgpb__V1__Envelope *env,
            const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)u;
    (void)dest;
    if (env->seq == 0)
        return; /* error replies are outside the total order */
    queue_push(arg, bytes, len);
}

/* ---- field-by-field comparison ------------------------------------------- */

static bool diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
                         char *path, size_t n, size_t off);

static size_t
field_size(const ProtobufCFieldDescriptor *f)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_ENUM:
        return 4;
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_STRING:
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    default:
        return 8;
    }
}

static bool
diff_value(const ProtobufCFieldDescriptor *f, const void *a, const void *b,
           char *path, size_t n, size_t off)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        return strcmp(sa ? sa : "", sb ? sb : "") == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *da = a, *db = b;
        return da->len == db->len &&
               (da->len == 0 || memcmp(da->data, db->data, da->len) == 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *ma = *(ProtobufCMessage *const *)a;
        const ProtobufCMessage *mb = *(ProtobufCMessage *const *)b;
        if (ma == NULL || mb == NULL)
            return ma == mb;
        return diff_message(ma, mb, path, n, off);
    }
    default:
        return memcmp(a, b, field_size(f)) == 0;
    }
}

static bool
diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b, char *path,
             size_t n, size_t off)
{
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (d != b->descriptor)
        return false;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *pa = (const char *)a + f->offset;
        const char *pb = (const char *)b + f->offset;
        size_t o2 = off + (size_t)snprintf(path + off, off < n ? n - off : 0,
                                           "%s%s", off ? "." : "", f->name);
        if (o2 >= n)
            o2 = n - 1;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t ca = *(const uint32_t *)((const char *)a + f->quantifier_offset);
            uint32_t cb = *(const uint32_t *)((const char *)b + f->quantifier_offset);
            if (ca != cb)
                return false;
            if (ca != f->id)
                continue;
            if (!diff_value(f, pa, pb, path, n, o2))
                return false;
            continue;
        }
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t na = *(const size_t *)((const char *)a + f->quantifier_offset);
            size_t nb = *(const size_t *)((const char *)b + f->quantifier_offset);
            if (na != nb)
                return false;
            const char *va = *(char *const *)pa, *vb = *(char *const *)pb;
            size_t sz = field_size(f);
            for (size_t k = 0; k < na; k++) {
                size_t o3 = o2 + (size_t)snprintf(path + o2, n - o2, "[%zu]", k);
                if (o3 >= n)
                    o3 = n - 1;
                if (!diff_value(f, va + k * sz, vb + k * sz, path, n, o3))
                    return false;
            }
            continue;
        }
        if (!diff_value(f, pa, pb, path, n, o2))
            return false;
    }
    path[off < n ? off : n - 1] = '\0';
    return true;
}

bool
wg_envelope_diff(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                 char *field, size_t n)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return true;
    Wgpb__V1__Envelope *ea = wg_wire_unpack(a, alen);
    Wgpb__V1__Envelope *eb = wg_wire_unpack(b, blen);
    bool same = false;
    snprintf(field, n, "(envelope)");
    if (ea != NULL && eb != NULL) {
        field[0] = '\0';
        same = diff_message(&ea->base, &eb->base, field, n, 0);
        if (same) /* equal values, different encodings */
            snprintf(field, n, "(encoding)");
        same = false;
    }
    wg_wire_free(ea);
    wg_wire_free(eb);
    return same;
}

/* ---- the walk -------------------------------------------------------------- */

static wg_replay_status_t
finish(wg_replay_report_t *rep, wg_replay_status_t st)
{
    rep->status = st;
    return st;
}

static bool
is_recorded_input(const Wgpb__V1__Envelope *env)
{
    if (env->sender_role == WGPB__V1__ROLE__ROLE_ADJUDICATOR)
        return false;
    return env->provenance == NULL ||
           env->provenance->source !=
               WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
}

static wg_scenario_t *
load_scenario(const wg_log_header_t *hdr, wg_replay_report_t *rep)
{
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    if (wg_scenario_parse(hdr->scenario_path[0] ? hdr->scenario_path
                                                : "(log header)",
                          hdr->scenario_text, hdr->scenario_len, &sc,
                          &err) != 0) {
        snprintf(rep->detail, sizeof rep->detail,
                 "the scenario in the header does not load: %s:%u:%u: %s",
                 err.file, err.line, err.column, err.message);
        return NULL;
    }
    if (memcmp(sc->hash, hdr->scenario_hash, sizeof sc->hash) != 0) {
        snprintf(rep->detail, sizeof rep->detail,
                 "the header's scenario text does not match its hash");
        rep->status = WG_REPLAY_DIVERGED;
        free(sc);
        return NULL;
    }
    sc->seed = hdr->seed;
    return sc;
}

wg_replay_status_t
wg_replay_log(const char *path, const wg_replay_options_t *opt,
              wg_replay_report_t *rep, wg_umpire_t **umpire_out,
              wg_scenario_t **sc_out)
{
    static const wg_replay_options_t no_opt;
    memset(rep, 0, sizeof *rep);
    if (umpire_out != NULL)
        *umpire_out = NULL;
    if (sc_out != NULL)
        *sc_out = NULL;
    if (opt == NULL)
        opt = &no_opt;

    wg_log_reader_t *r = NULL;
    int rc = wg_log_reader_open(path, &r);
    if (rc < 0) {
        snprintf(rep->detail, sizeof rep->detail, "%s: %s", path,
                 wg_strerror(rc));
        return finish(rep, WG_REPLAY_UNREADABLE);
    }
    const wg_log_header_t *hdr = wg_log_reader_header(r);
    rep->status = WG_REPLAY_UNREADABLE;
    wg_scenario_t *sc = load_scenario(hdr, rep);
    if (sc == NULL) {
        wg_log_reader_destroy(&r);
        return finish(rep, rep->status);
    }
    if (opt->scenario_path != NULL) {
        wg_scenario_t *want = NULL;
        wg_config_error_t err;
        if (wg_scenario_load(opt->scenario_path, &want, &err) != 0) {
            snprintf(rep->detail, sizeof rep->detail, "%s:%u:%u: %s", err.file,
                     err.line, err.column, err.message);
            free(sc);
            wg_log_reader_destroy(&r);
            return finish(rep, WG_REPLAY_UNREADABLE);
        }
        bool same = memcmp(want->hash, sc->hash, sizeof sc->hash) == 0;
        free(want);
        if (!same) {
            snprintf(rep->field, sizeof rep->field, "header.scenario_hash");
            snprintf(rep->detail, sizeof rep->detail,
                     "the log was recorded with another scenario than %s",
                     opt->scenario_path);
            free(sc);
            wg_log_reader_destroy(&r);
            return finish(rep, WG_REPLAY_DIVERGED);
        }
    }
    if (opt->have_seed && opt->seed != sc->seed) {
        snprintf(rep->field, sizeof rep->field, "header.seed");
        snprintf(rep->detail, sizeof rep->detail,
                 "the log was recorded with seed %llu, not %llu",
                 (unsigned long long)sc->seed, (unsigned long long)opt->seed);
        free(sc);
        wg_log_reader_destroy(&r);
        return finish(rep, WG_REPLAY_DIVERGED);
    }

    queue_t q = {0};
    wg_umpire_t *u = wg_umpire_new(sc, hdr->scenario_text, hdr->scenario_len,
                                   produced_cb, &q);
    wg_replay_status_t status = WG_REPLAY_OK;
    const uint8_t *rec;
    size_t len;
    uint64_t off;
    int saved_level = wg_diag_level;
    wg_diag_level = WG_DIAG_ERR; /* the live run already said all this */
    for (;;) {
        rc = wg_log_reader_next(r, &rec, &len, &off);
        if (rc == 0)
            break;
        if (rc == WG_ETORN) {
            rep->torn = true;
            rep->torn_offset = off;
            break;
        }
        if (rc < 0) {
            rep->offset = off;
            snprintf(rep->detail, sizeof rep->detail,
                     "record at offset %llu: %s", (unsigned long long)off,
                     wg_strerror(rc));
            status = WG_REPLAY_UNREADABLE;
            break;
        }
        rep->records++;
        Wgpb__V1__Envelope *env = wg_wire_unpack(rec, len);
        if (env == NULL) {
            rep->offset = off;
            snprintf(rep->detail, sizeof rep->detail,
                     "record at offset %llu is not an envelope",
                     (unsigned long long)off);
            status = WG_REPLAY_UNREADABLE;
            break;
        }
        rep->turn = env->turn;
        rep->seq = env->seq;
        rep->offset = off;
        bool is_error = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
        if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_RESULT)
            rep->turns++;
        if (env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_END)
            rep->finished = true;
        if (!is_error && is_recorded_input(env)) {
            int key = env->payload_case == WGPB__V1__ENVELOPE__PAYLOAD_JOIN
                          ? -1
                          : wg_umpire_role_key(u, env->sender_role,
                                               env->sender_nation);
            wg_umpire_receive(u, key, rec, len, NULL);
        }
        wg_wire_free(env);
        if (is_error)
            continue;
        if (q.head == q.tail) {
            /* The live run moved on without input here: the lobby ended or
             * a deadline passed. */
            if (!wg_umpire_started(u))
                wg_umpire_start(u);
            else
                wg_umpire_deadline(u);
        }
        if (q.head == q.tail) {
            snprintf(rep->field, sizeof rep->field, "(record)");
            snprintf(rep->detail, sizeof rep->detail,
                     "the re-adjudication produces nothing for this record");
            status = WG_REPLAY_DIVERGED;
            break;
        }
        item_t *it = &q.items[q.head];
        if (!wg_envelope_diff(it->bytes, it->len, rec, len, rep->field,
                              sizeof rep->field)) {
            snprintf(rep->detail, sizeof rep->detail,
                     "recorded record differs from the re-adjudication");
            status = WG_REPLAY_DIVERGED;
            break;
        }
        free(it->bytes);
        q.head++;
        rep->compared++;
    }
    wg_diag_level = saved_level;
    if (status == WG_REPLAY_OK && q.head != q.tail && rep->finished) {
        snprintf(rep->field, sizeof rep->field, "(end of log)");
        snprintf(rep->detail, sizeof rep->detail,
                 "the re-adjudication produces %zu records the log lacks",
                 q.tail - q.head);
        status = WG_REPLAY_DIVERGED;
    }
    queue_clear(&q);
    wg_log_reader_destroy(&r);
    if (umpire_out != NULL && status == WG_REPLAY_OK) {
        wg_umpire_set_output(u, NULL, NULL);
        *umpire_out = u;
    } else {
        wg_umpire_destroy(&u);
    }
    if (sc_out != NULL && status == WG_REPLAY_OK)
        *sc_out = sc;
    else
        free(sc);
    return finish(rep, status);
}
