/*
 * fuzz_util.c - what the fuzz targets share (see fuzz.h). Owns the loaded
 * scenario and the scratch directory, both for the life of the process;
 * one thread. Failures of the harness itself (no scenario, no directory)
 * abort with a line on stderr: a fuzz run that cannot start is not a pass.
 */
#include "fuzz.h"

#include "wg/diag.h"
#include "wg/json.h"
#include "wg/play.h"
#include "wg/wire.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WG_FUZZ_SOURCE_DIR
#define WG_FUZZ_SOURCE_DIR "."
#endif

void
fz_finding(const char *fmt, ...)
{
    va_list ap;
    fputs("FINDING: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wg_diag_level = -1;
    wg_diag_init_from_env();
    fz_arena();
    fz_scenario(NULL, NULL);
    fz_dir();
    return 0;
}

wg_arena_t *
fz_arena(void)
{
    static wg_arena_t *arena;
    if (arena == NULL)
        arena = wg_arena_new();
    return arena;
}

/* ---- the scenario --------------------------------------------------------
 */

const wg_scenario_t *
fz_scenario(const char **text, size_t *len)
{
    static wg_scenario_t *sc;
    static char *buf;
    static size_t n;
    if (sc == NULL) {
        char path[1024];
        snprintf(path, sizeof path, "%s/tests/data/short.yaml",
                 WG_FUZZ_SOURCE_DIR);
        FILE *f = fopen(path, "rb");
        if (f == NULL || fseek(f, 0, SEEK_END) != 0)
            fz_finding("harness: cannot read %s", path);
        long size = ftell(f);
        rewind(f);
        buf = malloc((size_t)size + 1);
        if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size)
            fz_finding("harness: cannot read %s", path);
        fclose(f);
        n = (size_t)size;
        buf[n] = '\0';
        wg_config_error_t err;
        if (wg_scenario_parse(path, buf, n, &sc, &err) != 0)
            fz_finding("harness: %s:%u:%u: %s", err.file, err.line, err.column,
                       err.message);
    }
    if (text != NULL)
        *text = buf;
    if (len != NULL)
        *len = n;
    return sc;
}

/* ---- files ---------------------------------------------------------------
 */

static char scratch[64];

/* Removes path and, if it is a directory, what it holds. */
static void
remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
    }
    remove(path);
}

static void
remove_scratch(void)
{
    if (scratch[0])
        remove_tree(scratch);
}

const char *
fz_dir(void)
{
    if (scratch[0] == '\0') {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(scratch, sizeof scratch, "%s/wg-fuzz-XXXXXX", base);
        if (mkdtemp(scratch) == NULL)
            fz_finding("harness: cannot make %s", scratch);
        atexit(remove_scratch);
    }
    return scratch;
}

void
fz_write(const char *name, const uint8_t *data, size_t size, char path[1024])
{
    snprintf(path, 1024, "%s/%s", fz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
        fclose(f) != 0)
        fz_finding("harness: cannot write %s", path);
}

/* ---- comparing decoded messages ------------------------------------------
 */

/* One value of field f at a and b (an element of a repeated field, or the
 * field itself). */
static bool
same_value(const ProtobufCFieldDescriptor *f, const void *a, const void *b,
           const char **where)
{
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *sa = *(char *const *)a, *sb = *(char *const *)b;
        if ((sa == NULL) != (sb == NULL))
            return false;
        return sa == NULL || strcmp(sa, sb) == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *ba = a, *bb = b;
        return ba->len == bb->len &&
               (ba->len == 0 || memcmp(ba->data, bb->data, ba->len) == 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *ma = *(ProtobufCMessage *const *)a;
        const ProtobufCMessage *mb = *(ProtobufCMessage *const *)b;
        if ((ma == NULL) != (mb == NULL))
            return false;
        return ma == NULL || fz_same_message(ma, mb, where);
    }
    default:
        return memcmp(a, b, wg_json_value_size(f->type)) == 0;
    }
}

static bool
same_field(const ProtobufCFieldDescriptor *f, const uint8_t *a,
           const uint8_t *b, const char **where)
{
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
        size_t na = *(const size_t *)(a + f->quantifier_offset);
        size_t nb = *(const size_t *)(b + f->quantifier_offset);
        if (na != nb)
            return false;
        const uint8_t *va = *(uint8_t *const *)(a + f->offset);
        const uint8_t *vb = *(uint8_t *const *)(b + f->offset);
        for (size_t i = 0; i < na; i++)
            if (!same_value(f, va + i * wg_json_value_size(f->type),
                            vb + i * wg_json_value_size(f->type), where))
                return false;
        return true;
    }
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
        uint32_t ca = *(const uint32_t *)(a + f->quantifier_offset);
        uint32_t cb = *(const uint32_t *)(b + f->quantifier_offset);
        if (ca != cb)
            return false;
        if (ca != f->id)
            return true; /* another member of the oneof is set */
    } else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
               f->quantifier_offset != 0 &&
               f->type != PROTOBUF_C_TYPE_MESSAGE &&
               f->type != PROTOBUF_C_TYPE_STRING) {
        protobuf_c_boolean ha =
            *(const protobuf_c_boolean *)(a + f->quantifier_offset);
        protobuf_c_boolean hb =
            *(const protobuf_c_boolean *)(b + f->quantifier_offset);
        if (ha != hb)
            return false;
    }
    return same_value(f, a + f->offset, b + f->offset, where);
}

bool
fz_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
                const char **where)
{
    const ProtobufCMessageDescriptor *d = a->descriptor;
    if (b->descriptor != d) {
        *where = d->name;
        return false;
    }
    if (a->n_unknown_fields != b->n_unknown_fields) {
        *where = d->name; /* unknown fields */
        return false;
    }
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!same_field(f, (const uint8_t *)a, (const uint8_t *)b, where)) {
            if (*where == NULL)
                *where = f->name;
            return false;
        }
    }
    return true;
}

/* ---- an exercise in process ----------------------------------------------
 */

static void
discard_cb(wg_adjudicator_t *u, const Wgpb__V1__Envelope *env,
           const uint8_t *bytes, size_t len, int dest, void *arg)
{
    (void)u;
    (void)env;
    (void)bytes;
    (void)len;
    (void)dest;
    (void)arg;
}

void
fz_exercise_open(fz_exercise_t *x, const wg_scenario_t *sc, const char *text,
                 size_t len)
{
    x->sc = sc;
    x->u = wg_adjudicator_new(sc, text, len, discard_cb, NULL);
    if (x->u == NULL)
        fz_finding("harness: no adjudicator");
    if (wg_adjudicator_join_all(x->u, NULL) != 0)
        fz_finding("harness: the roles cannot join");
    wg_adjudicator_start(x->u);
}

void
fz_play_phase(fz_exercise_t *x, const wg_bot_t *const *bots)
{
    if (wg_adjudicator_done(x->u))
        return;
    uint64_t serial = wg_adjudicator_phase_serial(x->u);
    for (int k = 0; k <= (int)x->sc->n_nations; k++) {
        if (!wg_adjudicator_owes(x->u, k))
            continue;
        size_t n;
        const uint8_t *ps = wg_adjudicator_phase_start(x->u, k, &n);
        Wgpb__V1__Envelope *ts = ps ? wg_wire_unpack(ps, n) : NULL;
        if (ts == NULL)
            fz_finding("harness: role %d owes orders without a phase start", k);
        const wg_bot_t *bot = bots && bots[k] ? bots[k]
                              : k == 0        ? wg_bot_builtin_command()
                                              : wg_bot_builtin_contingent();
        uint8_t *buf;
        size_t len;
        int rc = wg_play_phase(bot, x->sc, ts, k,
                               WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_BOT, NULL,
                               &buf, &len);
        wg_wire_free(ts);
        if (rc == 0) {
            wg_adjudicator_receive(x->u, k, buf, len, NULL);
            free(buf);
        }
        if (wg_adjudicator_phase_serial(x->u) != serial)
            return;
    }
    wg_adjudicator_deadline(x->u);
}

void
fz_exercise_close(fz_exercise_t *x)
{
    wg_adjudicator_destroy(&x->u);
}
