/*
 * limits.c - the caps on the strings of incoming messages (see wg/limits.h).
 *
 * Owns one constant table. The check walks the decoded Envelope through
 * protobuf-c's descriptors, so a string field added to wg.proto is capped
 * the day it is added (at the codes' cap until it gets a row). No state,
 * no allocation; errors are a return code and a sentence in `why`.
 */
#include "wg/limits.h"
#include "wg/scenario.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Text fields; every other string is a code (a nation, a sector, a role
 * name). Orders name codes only, so the default is the tight one. */
static const struct {
    const char *message, *field;
    size_t cap;
} rows[] = {
    {"wgpb.v1.Join", "agent", WG_AGENT_MAX},
    {"wgpb.v1.Provenance", "agent", WG_AGENT_MAX},
    {"wgpb.v1.Provenance", "reason", WG_AGENT_MAX},
    {"wgpb.v1.Provenance", "rationale", WG_RATIONALE_MAX},
    {"wgpb.v1.Forfeit", "reason", 32},
    {"wgpb.v1.Envelope", "recipient", 32},
    {"wgpb.v1.DirectorCommand", "role", 8},
    {"wgpb.v1.InjectOrder", "name", WG_NAME_MAX - 1},
    {"wgpb.v1.InjectOrder", "kind", WG_NAME_MAX - 1},
    {"wgpb.v1.InjectOrder", "text", WG_NAME_MAX * 2 - 1},
};

#define CODE_CAP (WG_CODE_MAX - 1)
/* Deeper than any message of wg.proto nests; a peer cannot nest deeper
 * than the descriptors allow, so this only guards the walk itself. */
#define MAX_DEPTH 8

size_t
wg_limits_string_cap(const char *message, const char *field)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strcmp(rows[i].message, message) == 0 &&
            strcmp(rows[i].field, field) == 0)
            return rows[i].cap;
    return CODE_CAP;
}

void
wg_limits_rows(wg_limits_row_cb cb, void *arg)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cb(rows[i].message, rows[i].field, rows[i].cap, arg);
}

static int check_message(const ProtobufCMessage *m, int depth, char *why,
                         size_t n);

static int
too_long(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
         const char *s, char *why, size_t n)
{
    size_t cap = wg_limits_string_cap(d->name, f->name);
    size_t len = s == NULL ? 0 : strlen(s);
    if (len <= cap)
        return 0;
    snprintf(why, n, "%s.%s is %zu bytes, at most %zu allowed", d->short_name,
             f->name, len, cap);
    return -1;
}

/* One field's values: strings checked, messages walked. */
static int
check_field(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
            int depth, char *why, size_t n)
{
    const char *base = (const char *)m;
    const void *member = base + f->offset;
    size_t count = 1;
    bool repeated = f->label == PROTOBUF_C_LABEL_REPEATED;

    if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)
        return 0;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        /* Only the member the case names is set. */
        uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
        if (which != f->id)
            return 0;
    }
    if (repeated) {
        count = *(const size_t *)(base + f->quantifier_offset);
        member = *(void *const *)member;
    }
    for (size_t i = 0; i < count; i++) {
        const void *v =
            repeated ? ((void *const *)member)[i] : *(void *const *)member;
        if (f->type == PROTOBUF_C_TYPE_STRING) {
            if (too_long(m->descriptor, f, v, why, n) < 0)
                return -1;
        } else if (v != NULL && check_message(v, depth + 1, why, n) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
check_message(const ProtobufCMessage *m, int depth, char *why, size_t n)
{
    const ProtobufCMessageDescriptor *d = m->descriptor;
    if (depth > MAX_DEPTH) {
        snprintf(why, n, "messages nested deeper than %d", MAX_DEPTH);
        return -1;
    }
    for (unsigned i = 0; i < d->n_fields; i++)
        if (check_field(m, &d->fields[i], depth, why, n) < 0)
            return -1;
    return 0;
}

int
wg_limits_check(const Wgpb__V1__Envelope *env, char *why, size_t n)
{
    return check_message(&env->base, 0, why, n);
}
