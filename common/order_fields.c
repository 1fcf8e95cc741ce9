/*
 * order_fields.c - a flat kind of order from its field map (wg/order_fields.h).
 *
 * Everything here walks a kind's field map (wg/phases.h) beside
 * protobuf-c's descriptor of the kind's message: the proto field of the
 * same name gives where the value sits in the message (offset), where a
 * list's count sits (quantifier offset) and, for a choice, the enum's
 * values. The C value sits at the map's offset in the kind's C type. The
 * payload's place in the Envelope is the oneof member whose field number
 * is the kind's payload case. Nothing here names a kind: a switch is on
 * the five field types only.
 */
#include "wg/order_fields.h"

#include "wg/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

__attribute__((format(printf, 3, 4))) static int
fail(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, n, fmt, ap);
    va_end(ap);
    return WG_EMALFORMED;
}

static const ProtobufCFieldDescriptor *
proto_field(const wg_order_kind_t *k, const wg_order_field_t *f)
{
    return protobuf_c_message_descriptor_get_field_by_name(k->message, f->name);
}

/* A list of strings in a message (T in the macros below is pasted). */
typedef char **strings_t;

/* Where f's proto field sits in message m. */
#define IN_MSG(T, m, fd) ((T *)((char *)(m) + (fd)->offset))
#define IN_MSG_CONST(T, m, fd) ((const T *)((const char *)(m) + (fd)->offset))
/* Where f's value sits in the C value v. */
#define IN_VAL(T, v, f) ((T *)((char *)(v) + (f)->off))
#define IN_VAL_CONST(T, v, f) ((const T *)((const char *)(v) + (f)->off))

/* ---- choices: proto enum values as words -------------------------------- */

/* The length of the prefix all the enum's value names share, up to and
 * with its last '_' ("INTENTION_"). */
static size_t
choice_prefix(const ProtobufCEnumDescriptor *ed)
{
    const char *first = ed->values[0].name;
    size_t len = strlen(first);
    for (unsigned i = 1; i < ed->n_values; i++) {
        size_t j = 0;
        while (j < len && ed->values[i].name[j] == first[j])
            j++;
        len = j;
    }
    while (len > 0 && first[len - 1] != '_')
        len--;
    return len;
}

/* The word of enum value v ("reduce"), or "" for no named value. */
static void
choice_word(const ProtobufCEnumDescriptor *ed, int v, char *buf, size_t n)
{
    const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(ed, v);
    size_t at = 0;
    if (n == 0)
        return;
    if (ev != NULL)
        for (const char *s = ev->name + choice_prefix(ed); *s && at + 1 < n;
             s++)
            buf[at++] = (char)tolower((unsigned char)*s);
    buf[at] = '\0';
}

/* The value named by word (any case), or 0 for none (0 is never one). */
static int
choice_value(const ProtobufCEnumDescriptor *ed, const char *word)
{
    size_t skip = choice_prefix(ed);
    for (unsigned i = 0; i < ed->n_values; i++)
        if (ed->values[i].value != 0 &&
            strcasecmp(ed->values[i].name + skip, word) == 0)
            return ed->values[i].value;
    return 0;
}

/* "stay, reduce or leave". */
static void
choice_words(const ProtobufCEnumDescriptor *ed, char *buf, size_t n)
{
    size_t at = 0, named = 0, seen = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < ed->n_values; i++)
        named += ed->values[i].value != 0;
    for (unsigned i = 0; i < ed->n_values && at < n; i++) {
        if (ed->values[i].value == 0)
            continue;
        char w[64];
        choice_word(ed, ed->values[i].value, w, sizeof w);
        seen++;
        const char *sep = seen == 1 ? "" : seen == named ? " or " : ", ";
        at += (size_t)snprintf(buf + at, n - at, "%s%s", sep, w);
    }
}

/* ---- sectors ------------------------------------------------------------- */

void
wg_sector_codes(const wg_scenario_t *sc, uint32_t mask, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t s = 0; s < sc->n_sectors && at < n; s++)
        if (mask & (1u << s))
            at += (size_t)snprintf(buf + at, n - at, "%s%s", at ? " " : "",
                                   sc->sectors[s].code);
}

/* The codes of the sectors in mask; "none" for none. */
static void
sector_words(const wg_scenario_t *sc, uint32_t mask, char *buf, size_t n)
{
    wg_sector_codes(sc, mask, buf, n);
    if (buf[0] == '\0')
        snprintf(buf, n, "none");
}

/* A list of sector codes in the message into a mask. */
static int
read_sectors(const wg_order_kind_t *k, const wg_order_field_t *f,
             const wg_scenario_t *sc, size_t count, char *const *codes,
             uint32_t *mask, char *why, size_t n)
{
    if (count > WG_MAX_SECTORS)
        return fail(why, n, "%zu sectors in a %s", count, k->name);
    for (size_t i = 0; i < count; i++) {
        int s = wg_scenario_sector_index(sc, codes[i] ? codes[i] : "");
        if (s < 0)
            return fail(why, n, "unknown sector '%s'", codes[i]);
        if (*mask & (1u << s))
            return fail(why, n, "%s: sector '%s' named twice", f->name,
                        codes[i]);
        *mask |= 1u << s;
    }
    return 0;
}

/* ---- message to C value ---------------------------------------------------
 */

static int
read_field(const wg_order_kind_t *k, const wg_order_field_t *f,
           const ProtobufCFieldDescriptor *fd, const wg_scenario_t *sc, int key,
           const ProtobufCMessage *m, void *v, char *why, size_t n)
{
    switch (f->type) {
    case WG_FIELD_UINT: {
        uint32_t x = *IN_MSG_CONST(uint32_t, m, fd);
        if (x > f->max)
            return fail(why, n, "%s %u is over %u", f->name, x, f->max);
        *IN_VAL(uint32_t, v, f) = x;
        return 0;
    }
    case WG_FIELD_BOOL:
        *IN_VAL(bool, v, f) = *IN_MSG_CONST(protobuf_c_boolean, m, fd) != 0;
        return 0;
    case WG_FIELD_CHOICE: {
        int x = *IN_MSG_CONST(int, m, fd);
        if (x == 0 ||
            protobuf_c_enum_descriptor_get_value(fd->descriptor, x) == NULL)
            return fail(why, n, "no %s %d", f->name, x);
        *IN_VAL(uint8_t, v, f) = (uint8_t)x;
        return 0;
    }
    case WG_FIELD_SECTORS: {
        size_t count =
            *(const size_t *)((const char *)m + fd->quantifier_offset);
        return read_sectors(k, f, sc, count, *IN_MSG_CONST(strings_t, m, fd),
                            IN_VAL(uint32_t, v, f), why, n);
    }
    case WG_FIELD_NATION: {
        const char *s = *IN_MSG_CONST(char *, m, fd);
        if (s != NULL && s[0] != '\0' &&
            (key < 1 || (size_t)key > sc->n_nations ||
             strcmp(s, sc->nations[key - 1].code) != 0))
            return fail(why, n, "%s names %s", k->name, s);
        return 0;
    }
    }
    return fail(why, n, "%s: a field of no known type", f->name);
}

int
wg_fields_read(const wg_order_kind_t *k, const wg_scenario_t *sc, int key,
               const ProtobufCMessage *m, void *v, char *why, size_t n)
{
    memset(v, 0, k->size);
    if (m == NULL || m->descriptor != k->message)
        return fail(why, n, "not a %s message", k->name);
    for (size_t i = 0; i < k->n_fields; i++) {
        const wg_order_field_t *f = &k->fields[i];
        const ProtobufCFieldDescriptor *fd = proto_field(k, f);
        if (fd == NULL)
            return fail(why, n, "%s has no field %s", k->message->name,
                        f->name);
        int rc = read_field(k, f, fd, sc, key, m, v, why, n);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- C value to message ---------------------------------------------------
 */

static void
put_field(const wg_order_field_t *f, const ProtobufCFieldDescriptor *fd,
          wg_arena_t *a, const wg_scenario_t *sc, int key, const void *v,
          ProtobufCMessage *m)
{
    switch (f->type) {
    case WG_FIELD_UINT:
        *IN_MSG(uint32_t, m, fd) = *IN_VAL_CONST(uint32_t, v, f);
        break;
    case WG_FIELD_BOOL:
        *IN_MSG(protobuf_c_boolean, m, fd) = *IN_VAL_CONST(bool, v, f);
        break;
    case WG_FIELD_CHOICE:
        *IN_MSG(int, m, fd) = *IN_VAL_CONST(uint8_t, v, f);
        break;
    case WG_FIELD_SECTORS: {
        uint32_t mask = *IN_VAL_CONST(uint32_t, v, f);
        char **codes = wg_arena_alloc(
            a, sizeof(char *) * (sc->n_sectors ? sc->n_sectors : 1));
        size_t count = 0;
        for (size_t s = 0; s < sc->n_sectors; s++)
            if (mask & (1u << s))
                codes[count++] = (char *)sc->sectors[s].code;
        *IN_MSG(strings_t, m, fd) = codes;
        *(size_t *)((char *)m + fd->quantifier_offset) = count;
        break;
    }
    case WG_FIELD_NATION:
        if (key >= 1 && (size_t)key <= sc->n_nations)
            *IN_MSG(char *, m, fd) = (char *)sc->nations[key - 1].code;
        break;
    }
}

ProtobufCMessage *
wg_fields_message(const wg_order_kind_t *k, wg_arena_t *a,
                  const wg_scenario_t *sc, int key, const void *v)
{
    ProtobufCMessage *m = wg_arena_alloc(a, k->message->sizeof_message);
    protobuf_c_message_init(k->message, m);
    for (size_t i = 0; i < k->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = proto_field(k, &k->fields[i]);
        if (fd != NULL)
            put_field(&k->fields[i], fd, a, sc, key, v, m);
    }
    return m;
}

/* ---- in the Envelope ------------------------------------------------------
 */

static const ProtobufCFieldDescriptor *
payload_field(const wg_order_kind_t *k)
{
    return protobuf_c_message_descriptor_get_field(
        &wgpb__v1__envelope__descriptor, (unsigned)k->payload);
}

const ProtobufCMessage *
wg_fields_payload(const wg_order_kind_t *k, const Wgpb__V1__Envelope *env)
{
    const ProtobufCFieldDescriptor *fd = payload_field(k);
    if (fd == NULL || env->payload_case != k->payload)
        return NULL;
    return *IN_MSG_CONST(ProtobufCMessage *, env, fd);
}

int
wg_fields_take(const wg_order_kind_t *k, const wg_scenario_t *sc,
               const wg_state_t *st, wg_turn_orders_t *t, int key,
               const Wgpb__V1__Envelope *env, char *why, size_t n)
{
    void *slot = wg_order_slot(k, t, key);
    int rc =
        wg_fields_read(k, sc, key, wg_fields_payload(k, env), slot, why, n);
    if (rc < 0 || k->validate == NULL)
        return rc;
    return k->validate(sc, st, t, key, why, n);
}

void
wg_fields_put(const wg_order_kind_t *k, wg_arena_t *a, const wg_scenario_t *sc,
              int key, const void *v, Wgpb__V1__Envelope *env)
{
    const ProtobufCFieldDescriptor *fd = payload_field(k);
    if (fd == NULL)
        return;
    *IN_MSG(ProtobufCMessage *, env, fd) = wg_fields_message(k, a, sc, key, v);
    *(uint32_t *)((char *)env + fd->quantifier_offset) = fd->id;
}

/* One field of message m as text, the way people write it. */
static void
describe_field(const wg_order_field_t *f, const ProtobufCFieldDescriptor *fd,
               const ProtobufCMessage *m, char *buf, size_t n)
{
    switch (f->type) {
    case WG_FIELD_UINT:
        snprintf(buf, n, "%u", *IN_MSG_CONST(uint32_t, m, fd));
        return;
    case WG_FIELD_BOOL:
        snprintf(buf, n, "%s",
                 *IN_MSG_CONST(protobuf_c_boolean, m, fd) ? "yes" : "no");
        return;
    case WG_FIELD_CHOICE:
        choice_word(fd->descriptor, *IN_MSG_CONST(int, m, fd), buf, n);
        if (buf[0] == '\0')
            snprintf(buf, n, "%d", *IN_MSG_CONST(int, m, fd));
        return;
    case WG_FIELD_SECTORS: {
        size_t count =
            *(const size_t *)((const char *)m + fd->quantifier_offset);
        char *const *codes = *IN_MSG_CONST(strings_t, m, fd);
        size_t at = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < count && at < n; i++)
            at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " " : "",
                                   codes[i]);
        if (count == 0)
            snprintf(buf, n, "none");
        return;
    }
    case WG_FIELD_NATION:
        snprintf(buf, n, "%s", *IN_MSG_CONST(char *, m, fd));
        return;
    }
}

void
wg_fields_describe(const wg_order_kind_t *k, const Wgpb__V1__Envelope *env,
                   char *buf, size_t n)
{
    const ProtobufCMessage *m = wg_fields_payload(k, env);
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; m != NULL && i < k->n_fields && at < n; i++) {
        const wg_order_field_t *f = &k->fields[i];
        const ProtobufCFieldDescriptor *fd = proto_field(k, f);
        if (fd == NULL || f->type == WG_FIELD_NATION)
            continue;
        char v[256];
        describe_field(f, fd, m, v, sizeof v);
        at += (size_t)snprintf(buf + at, n - at, "%s%s %s", at ? ", " : "",
                               f->name, v);
    }
}

/* ---- text for people ------------------------------------------------------
 */

bool
wg_text_next_word(const char **p, char *buf, size_t n)
{
    const char *s = *p;
    while (*s == ' ' || *s == ',' || *s == '\t')
        s++;
    if (*s == '\0')
        return false;
    size_t l = 0;
    while (s[l] != '\0' && s[l] != ' ' && s[l] != ',' && s[l] != '\t')
        l++;
    snprintf(buf, n, "%.*s", (int)(l < n ? l : n - 1), s);
    *p = s + l;
    return true;
}

/* The one word of text into buf: 0, or -1 when there are none or more. */
static int
one_word(const wg_order_field_t *f, const char *text, char *buf, size_t bn,
         char *why, size_t n)
{
    char extra[64];
    const char *p = text;
    if (!wg_text_next_word(&p, buf, bn) ||
        wg_text_next_word(&p, extra, sizeof extra)) {
        snprintf(why, n, "%s: one word, not '%s'", f->name, text);
        return -1;
    }
    return 0;
}

static int
parse_uint(const wg_order_field_t *f, const char *word, uint32_t *v, char *why,
           size_t n)
{
    char *end;
    unsigned long long x = 0;
    if (isdigit((unsigned char)word[0]))
        x = strtoull(word, &end, 10);
    if (!isdigit((unsigned char)word[0]) || *end != '\0' || x > f->max) {
        snprintf(why, n, "%s: '%s' is not a number up to %u", f->name, word,
                 f->max);
        return -1;
    }
    *v = (uint32_t)x;
    return 0;
}

static int
parse_bool(const wg_order_field_t *f, const char *word, bool *v, char *why,
           size_t n)
{
    static const char *yes[] = {"yes", "y", "true"},
                      *no[] = {"no", "n", "false"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(word, yes[i]) == 0 || strcasecmp(word, no[i]) == 0) {
            *v = strcasecmp(word, yes[i]) == 0;
            return 0;
        }
    }
    snprintf(why, n, "%s: yes or no, not '%s'", f->name, word);
    return -1;
}

/* Sector codes, "all", "none" or nothing. */
static int
parse_sectors(const wg_order_field_t *f, const wg_scenario_t *sc,
              const char *text, uint32_t *mask, char *why, size_t n)
{
    char word[64];
    const char *p = text;
    uint32_t m = 0;
    while (wg_text_next_word(&p, word, sizeof word)) {
        if (strcasecmp(word, "all") == 0 || strcasecmp(word, "none") == 0) {
            m |= strcasecmp(word, "all") == 0 ? (1u << sc->n_sectors) - 1 : 0;
            continue;
        }
        int s = -1;
        for (size_t i = 0; i < sc->n_sectors && s < 0; i++)
            if (strcasecmp(word, sc->sectors[i].code) == 0)
                s = (int)i;
        if (s >= 0 && (m & (1u << s))) {
            snprintf(why, n, "%s: sector '%s' named twice", f->name, word);
            return -1;
        }
        if (s < 0) {
            char all[128];
            sector_words(sc, (1u << sc->n_sectors) - 1, all, sizeof all);
            snprintf(why, n, "%s: no sector '%s' (sectors: %s)", f->name, word,
                     all);
            return -1;
        }
        m |= 1u << s;
    }
    *mask = m;
    return 0;
}

int
wg_field_parse(const wg_order_kind_t *k, const wg_order_field_t *f,
               const wg_scenario_t *sc, const char *text, void *v, char *why,
               size_t n)
{
    char word[64];
    if (f->type == WG_FIELD_NATION)
        return 0;
    if (f->type == WG_FIELD_SECTORS)
        return parse_sectors(f, sc, text, IN_VAL(uint32_t, v, f), why, n);
    if (one_word(f, text, word, sizeof word, why, n) != 0)
        return -1;
    if (f->type == WG_FIELD_UINT)
        return parse_uint(f, word, IN_VAL(uint32_t, v, f), why, n);
    if (f->type == WG_FIELD_BOOL)
        return parse_bool(f, word, IN_VAL(bool, v, f), why, n);
    const ProtobufCFieldDescriptor *fd = proto_field(k, f);
    int x = fd ? choice_value(fd->descriptor, word) : 0;
    if (x == 0) {
        char words[256];
        wg_field_accepts(k, f, words, sizeof words);
        snprintf(why, n, "%s: %s, not '%s'", f->name, words, word);
        return -1;
    }
    *IN_VAL(uint8_t, v, f) = (uint8_t)x;
    return 0;
}

void
wg_field_format(const wg_order_kind_t *k, const wg_order_field_t *f,
                const wg_scenario_t *sc, const void *v, char *buf, size_t n)
{
    const ProtobufCFieldDescriptor *fd = proto_field(k, f);
    buf[0] = '\0';
    switch (f->type) {
    case WG_FIELD_UINT:
        snprintf(buf, n, "%u", *IN_VAL_CONST(uint32_t, v, f));
        return;
    case WG_FIELD_BOOL:
        snprintf(buf, n, "%s", *IN_VAL_CONST(bool, v, f) ? "yes" : "no");
        return;
    case WG_FIELD_CHOICE:
        if (fd != NULL)
            choice_word(fd->descriptor, *IN_VAL_CONST(uint8_t, v, f), buf, n);
        return;
    case WG_FIELD_SECTORS:
        sector_words(sc, *IN_VAL_CONST(uint32_t, v, f), buf, n);
        return;
    case WG_FIELD_NATION:
        return;
    }
}

void
wg_field_accepts(const wg_order_kind_t *k, const wg_order_field_t *f, char *buf,
                 size_t n)
{
    const ProtobufCFieldDescriptor *fd = proto_field(k, f);
    switch (f->type) {
    case WG_FIELD_UINT:
        snprintf(buf, n, "a number up to %u", f->max);
        return;
    case WG_FIELD_BOOL:
        snprintf(buf, n, "yes or no");
        return;
    case WG_FIELD_CHOICE:
        if (fd != NULL && fd->type == PROTOBUF_C_TYPE_ENUM)
            choice_words(fd->descriptor, buf, n);
        else
            snprintf(buf, n, "?");
        return;
    case WG_FIELD_SECTORS:
        snprintf(buf, n, "sector codes, 'all' or 'none'");
        return;
    case WG_FIELD_NATION:
        snprintf(buf, n, "the nation's own code");
        return;
    }
}

const wg_order_field_t *
wg_fields_sole_choice(const wg_order_kind_t *k)
{
    const wg_order_field_t *only = NULL;
    for (size_t i = 0; i < k->n_fields; i++) {
        if (k->fields[i].type == WG_FIELD_NATION)
            continue;
        if (only != NULL)
            return NULL;
        only = &k->fields[i];
    }
    return only && only->type == WG_FIELD_CHOICE ? only : NULL;
}

/* ---- the map against the message ------------------------------------------
 */

static bool
fits(const wg_order_field_t *f, const ProtobufCFieldDescriptor *fd)
{
    bool repeated = fd->label == PROTOBUF_C_LABEL_REPEATED;
    switch (f->type) {
    case WG_FIELD_UINT:
        return fd->type == PROTOBUF_C_TYPE_UINT32 && !repeated;
    case WG_FIELD_BOOL:
        return fd->type == PROTOBUF_C_TYPE_BOOL && !repeated;
    case WG_FIELD_CHOICE: {
        /* Its values fit the uint8_t of the C value. */
        const ProtobufCEnumDescriptor *ed = fd->descriptor;
        bool small = fd->type == PROTOBUF_C_TYPE_ENUM && ed->n_values > 0;
        for (unsigned i = 0; small && i < ed->n_values; i++)
            small = ed->values[i].value >= 0 && ed->values[i].value <= 255;
        return small && !repeated;
    }
    case WG_FIELD_SECTORS:
        return fd->type == PROTOBUF_C_TYPE_STRING && repeated;
    case WG_FIELD_NATION:
        return fd->type == PROTOBUF_C_TYPE_STRING && !repeated;
    }
    return false;
}

bool
wg_fields_check(const wg_order_kind_t *k, char *why, size_t n)
{
    if (k->fields == NULL || k->message == NULL) {
        snprintf(why, n, "%s: no message or field map", k->name);
        return false;
    }
    if (k->n_fields != k->message->n_fields) {
        snprintf(why, n, "%s: %zu fields mapped, %s has %u", k->name,
                 k->n_fields, k->message->name, k->message->n_fields);
        return false;
    }
    for (size_t i = 0; i < k->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = proto_field(k, &k->fields[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(k->fields[j].name, k->fields[i].name) == 0)
                fd = NULL;
        if (fd == NULL || !fits(&k->fields[i], fd)) {
            snprintf(why, n, "%s: field %s is not in %s once, of its type",
                     k->name, k->fields[i].name, k->message->name);
            return false;
        }
    }
    return true;
}
