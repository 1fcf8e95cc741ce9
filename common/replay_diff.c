/*
 * replay_diff.c - wg_envelope_diff: where two encoded envelopes differ,
 * named field by field for a divergence report.
 *
 * The walk compares bytes; only when a record and the envelope the adjudicator
 * made differ does it come here, once, to say which field and how (the
 * report of `wg-log verify`, fork and --resume). Both are decoded with
 * protobuf-c and walked through their descriptors, so a message or field
 * added to wg.proto is compared with no change here. The first difference
 * in field order is the one reported.
 *
 * Stateless; each call owns the arena it decodes into. Safe in any thread.
 */
#include "wg/replay.h"
#include "wg/wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
/* The size of one value of field f in a protobuf-c struct. */
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

/* One value, for a divergence report. */
static void
format_value(const ProtobufCFieldDescriptor *f, const void *p, char *buf,
             size_t n)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        snprintf(buf, n, "%" PRId32, *(const int32_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        snprintf(buf, n, "%" PRIu32, *(const uint32_t *)p);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        snprintf(buf, n, "%" PRId64, *(const int64_t *)p);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        snprintf(buf, n, "%" PRIu64, *(const uint64_t *)p);
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        snprintf(buf, n, "%.9g", (double)*(const float *)p);
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        snprintf(buf, n, "%.17g", *(const double *)p);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        snprintf(buf, n, "%s",
                 *(const protobuf_c_boolean *)p ? "true" : "false");
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)p;
        const ProtobufCEnumValue *ev =
            protobuf_c_enum_descriptor_get_value(f->descriptor, v);
        if (ev != NULL)
            snprintf(buf, n, "%s", ev->name);
        else
            snprintf(buf, n, "%d", v);
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        snprintf(buf, n, "\"%.80s\"%s", s ? s : "",
                 s && strlen(s) > 80 ? "..." : "");
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *d = p;
        size_t off = (size_t)snprintf(buf, n, "%zu bytes", d->len);
        for (size_t i = 0; i < d->len && i < 8 && off + 3 < n; i++)
            off += (size_t)snprintf(buf + off, n - off, "%s%02x", i ? "" : " ",
                                    d->data[i]);
        if (d->len > 8 && off + 4 < n)
            snprintf(buf + off, n - off, "...");
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
        snprintf(buf, n, "%s", *(void *const *)p ? "present" : "absent");
        break;
    default:
        snprintf(buf, n, "?");
    }
}

typedef struct {
    char *path;
    size_t n;
    char *detail;
    size_t dn;
} diff_out_t;

static bool diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
                         diff_out_t *o, size_t off);

/* a is the recorded value, b the re-adjudicated one. */
static bool
diff_value(const ProtobufCFieldDescriptor *f, const void *a, const void *b,
           diff_out_t *o, size_t off)
{
    bool same;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        same = strcmp(sa ? sa : "", sb ? sb : "") == 0;
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *da = a, *db = b;
        same = da->len == db->len &&
               (da->len == 0 || memcmp(da->data, db->data, da->len) == 0);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *ma = *(ProtobufCMessage *const *)a;
        const ProtobufCMessage *mb = *(ProtobufCMessage *const *)b;
        if (ma != NULL && mb != NULL)
            return diff_message(ma, mb, o, off);
        same = ma == mb;
        break;
    }
    default:
        same = memcmp(a, b, field_size(f)) == 0;
    }
    if (!same) {
        char va[128], vb[128];
        format_value(f, a, va, sizeof va);
        format_value(f, b, vb, sizeof vb);
        snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s", va, vb);
    }
    return same;
}

/* Appends ".name" or "[k]" to the path at off; returns the new end. */
static size_t
path_end(diff_out_t *o, size_t off, int w)
{
    size_t end = off + (w > 0 ? (size_t)w : 0);
    return end >= o->n ? o->n - 1 : end;
}

static size_t
path_name(diff_out_t *o, size_t off, const char *name)
{
    if (off >= o->n)
        return o->n - 1;
    return path_end(
        o, off,
        snprintf(o->path + off, o->n - off, "%s%s", off ? "." : "", name));
}

static size_t
path_index(diff_out_t *o, size_t off, size_t k)
{
    if (off >= o->n)
        return o->n - 1;
    return path_end(o, off, snprintf(o->path + off, o->n - off, "[%zu]", k));
}

static const char *
oneof_name(const ProtobufCMessageDescriptor *d, uint32_t id)
{
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].id == id)
            return d->fields[i].name;
    return id ? "unknown" : "none";
}

static bool
diff_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
             diff_out_t *o, size_t off)
{
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (d != b->descriptor) {
        snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s", d->name,
                 b->descriptor->name);
        return false;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        const char *pa = (const char *)a + f->offset;
        const char *pb = (const char *)b + f->offset;
        if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
            uint32_t ca =
                *(const uint32_t *)((const char *)a + f->quantifier_offset);
            uint32_t cb =
                *(const uint32_t *)((const char *)b + f->quantifier_offset);
            if (ca != cb) {
                path_name(o, off, "payload");
                snprintf(o->detail, o->dn, "recorded %s, re-adjudicated %s",
                         oneof_name(d, ca), oneof_name(d, cb));
                return false;
            }
            if (ca != f->id)
                continue;
        }
        size_t o2 = path_name(o, off, f->name);
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t na =
                *(const size_t *)((const char *)a + f->quantifier_offset);
            size_t nb =
                *(const size_t *)((const char *)b + f->quantifier_offset);
            const char *va = *(char *const *)pa, *vb = *(char *const *)pb;
            size_t sz = field_size(f);
            for (size_t k = 0; k < na && k < nb; k++) {
                size_t o3 = path_index(o, o2, k);
                if (!diff_value(f, va + k * sz, vb + k * sz, o, o3))
                    return false;
            }
            if (na != nb) {
                snprintf(o->detail, o->dn,
                         "recorded %zu items, re-adjudicated %zu", na, nb);
                return false;
            }
            continue;
        }
        if (!diff_value(f, pa, pb, o, o2))
            return false;
    }
    o->path[off < o->n ? off : o->n - 1] = '\0';
    return true;
}

bool
wg_envelope_diff(const uint8_t *recorded, size_t rlen, const uint8_t *replayed,
                 size_t plen, char *field, size_t fn, char *detail, size_t dn)
{
    if (rlen == plen && memcmp(recorded, replayed, rlen) == 0)
        return true;
    wg_arena_t *arena = wg_arena_new();
    Wgpb__V1__Envelope *ea = wg_wire_unpack_in(arena, recorded, rlen);
    Wgpb__V1__Envelope *eb = wg_wire_unpack_in(arena, replayed, plen);
    diff_out_t o = {field, fn, detail, dn};
    field[0] = '\0';
    detail[0] = '\0';
    if (ea == NULL || eb == NULL) {
        snprintf(field, fn, "(envelope)");
        snprintf(detail, dn, "the %s does not decode as a wgpb.v1.Envelope",
                 ea == NULL ? "recorded record" : "re-adjudicated record");
    } else if (diff_message(&ea->base, &eb->base, &o, 0)) {
        snprintf(field, fn, "(encoding)");
        snprintf(detail, dn,
                 "equal values, different bytes (%zu recorded, %zu "
                 "re-adjudicated): unknown fields or another encoder",
                 rlen, plen);
    }
    wg_arena_destroy(&arena);
    return false;
}
