/*
 * json.c - protobuf-c messages as canonical JSON, by walking descriptors.
 *
 * Owns nothing but the caller's wg_json_buf_t; no global state, so any
 * thread may use its own buffer. Works for any message type protoc-c
 * generated, proto2 or proto3. Errors: an allocation failure sets buf->err
 * and further output is dropped; a message nested deeper than MAX_DEPTH
 * (impossible with our schema) is cut short with a null.
 */
#include "wg/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

void
wg_json_buf_reset(wg_json_buf_t *buf)
{
    buf->len = 0;
    buf->err = 0;
    if (buf->data != NULL)
        buf->data[0] = '\0';
}

void
wg_json_buf_free(wg_json_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->err = 0;
}

static bool
reserve(wg_json_buf_t *buf, size_t n)
{
    if (buf->err != 0)
        return false;
    if (buf->cap - buf->len > n)
        return true;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap - buf->len <= n) {
        if (cap > SIZE_MAX / 2) {
            buf->err = -ENOMEM;
            return false;
        }
        cap *= 2;
    }
    char *d = realloc(buf->data, cap);
    if (d == NULL) {
        buf->err = -ENOMEM;
        return false;
    }
    buf->data = d;
    buf->cap = cap;
    return true;
}

void
wg_json_append(wg_json_buf_t *buf, const char *s, size_t n)
{
    if (!reserve(buf, n))
        return;
    memcpy(buf->data + buf->len, s, n);
    buf->len += n;
    buf->data[buf->len] = '\0';
}

static void
append_c(wg_json_buf_t *buf, char c)
{
    wg_json_append(buf, &c, 1);
}

static void
append_lit(wg_json_buf_t *buf, const char *s)
{
    wg_json_append(buf, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void
wg_json_append_str(wg_json_buf_t *buf, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    append_c(buf, '"');
    size_t run = 0; /* bytes copied as they are, written in one go */
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            run++;
            i++;
            continue;
        }
        size_t k = c >= 0x80 ? utf8_seq(p + i, n - i) : 0;
        if (k > 0) {
            run += k;
            i += k;
            continue;
        }
        wg_json_append(buf, (const char *)p + i - run, run);
        run = 0;
        char esc[8];
        switch (c) {
        case '"':
            append_lit(buf, "\\\"");
            break;
        case '\\':
            append_lit(buf, "\\\\");
            break;
        case '\n':
            append_lit(buf, "\\n");
            break;
        case '\r':
            append_lit(buf, "\\r");
            break;
        case '\t':
            append_lit(buf, "\\t");
            break;
        case '\b':
            append_lit(buf, "\\b");
            break;
        case '\f':
            append_lit(buf, "\\f");
            break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                append_lit(buf, esc);
            } else {
                append_lit(buf, "\\ufffd"); /* a byte of bad UTF-8 */
            }
        }
        i++;
    }
    wg_json_append(buf, (const char *)p + n - run, run);
    append_c(buf, '"');
}

void
wg_json_append_base64(wg_json_buf_t *buf, const void *data, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    if (!reserve(buf, (n + 2) / 3 * 4 + 2))
        return;
    char *o = buf->data + buf->len;
    *o++ = '"';
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = tab[(v >> 6) & 63];
        *o++ = tab[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        *o++ = tab[v >> 18];
        *o++ = tab[(v >> 12) & 63];
        *o++ = tab[(v >> 6) & 63];
        *o++ = '=';
    }
    *o++ = '"';
    buf->len = (size_t)(o - buf->data);
    buf->data[buf->len] = '\0';
}

/* The shortest decimal that reads back as the same value. */
static void
append_double(wg_json_buf_t *buf, double v, bool is_float)
{
    char s[40];
    if (isnan(v)) {
        append_lit(buf, "\"NaN\"");
        return;
    }
    if (isinf(v)) {
        append_lit(buf, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        return;
    }
    int lo = is_float ? 6 : 15, hi = is_float ? 9 : 17;
    for (int prec = lo; prec <= hi; prec++) {
        snprintf(s, sizeof s, "%.*g", prec, v);
        if (is_float ? strtof(s, NULL) == (float)v : strtod(s, NULL) == v)
            break;
    }
    append_lit(buf, s);
}

static void append_object(wg_json_buf_t *buf, const ProtobufCMessage *msg,
                          int depth);

/* One value of field f stored at p (an element, for repeated fields). */
static void
append_value(wg_json_buf_t *buf, const ProtobufCFieldDescriptor *f,
             const void *p, int depth)
{
    char s[32];
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
        snprintf(s, sizeof s, "%" PRId32, *(const int32_t *)p);
        append_lit(buf, s);
        break;
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
        snprintf(s, sizeof s, "%" PRIu32, *(const uint32_t *)p);
        append_lit(buf, s);
        break;
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
        snprintf(s, sizeof s, "\"%" PRId64 "\"", *(const int64_t *)p);
        append_lit(buf, s);
        break;
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        snprintf(s, sizeof s, "\"%" PRIu64 "\"", *(const uint64_t *)p);
        append_lit(buf, s);
        break;
    case PROTOBUF_C_TYPE_FLOAT:
        append_double(buf, *(const float *)p, true);
        break;
    case PROTOBUF_C_TYPE_DOUBLE:
        append_double(buf, *(const double *)p, false);
        break;
    case PROTOBUF_C_TYPE_BOOL:
        append_lit(buf, *(const protobuf_c_boolean *)p ? "true" : "false");
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        int v = *(const int *)p;
        const ProtobufCEnumValue *ev =
            f->descriptor
                ? protobuf_c_enum_descriptor_get_value(f->descriptor, v)
                : NULL;
        if (ev != NULL) {
            wg_json_append_str(buf, ev->name, strlen(ev->name));
        } else {
            snprintf(s, sizeof s, "%d", v);
            append_lit(buf, s);
        }
        break;
    }
    case PROTOBUF_C_TYPE_STRING: {
        const char *str = *(char *const *)p;
        if (str == NULL)
            str = "";
        wg_json_append_str(buf, str, strlen(str));
        break;
    }
    case PROTOBUF_C_TYPE_BYTES: {
        const ProtobufCBinaryData *b = p;
        wg_json_append_base64(buf, b->data, b->len);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
        const ProtobufCMessage *m = *(ProtobufCMessage *const *)p;
        if (m == NULL || depth >= MAX_DEPTH)
            append_lit(buf, "null");
        else
            append_object(buf, m, depth + 1);
        break;
    }
    default:
        append_lit(buf, "null");
    }
}

size_t
wg_json_value_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64:
        return 8;
    case PROTOBUF_C_TYPE_DOUBLE:
        return sizeof(double);
    case PROTOBUF_C_TYPE_FLOAT:
        return sizeof(float);
    case PROTOBUF_C_TYPE_BOOL:
        return sizeof(protobuf_c_boolean);
    case PROTOBUF_C_TYPE_ENUM:
        return sizeof(int);
    case PROTOBUF_C_TYPE_STRING:
        return sizeof(char *);
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(ProtobufCMessage *);
    default:
        return 4;
    }
}

/* Whether a singular field counts as present, the way protobuf-c's own
 * packer decides whether to write it. */
static bool
present(const ProtobufCMessage *msg, const ProtobufCFieldDescriptor *f)
{
    const char *base = (const char *)msg;
    const void *p = base + f->offset;

    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return *(const uint32_t *)(base + f->quantifier_offset) == f->id;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        return *(void *const *)p != NULL;
    switch (f->label) {
    case PROTOBUF_C_LABEL_REQUIRED:
        return true;
    case PROTOBUF_C_LABEL_OPTIONAL:
        if (f->type == PROTOBUF_C_TYPE_STRING) {
            const char *s = *(char *const *)p;
            return s != NULL && s != f->default_value;
        }
        return *(const protobuf_c_boolean *)(base + f->quantifier_offset);
    default: /* PROTOBUF_C_LABEL_NONE: proto3, present unless default */
        break;
    }
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: {
        const char *s = *(char *const *)p;
        return s != NULL && s[0] != '\0';
    }
    case PROTOBUF_C_TYPE_BYTES:
        return ((const ProtobufCBinaryData *)p)->len > 0;
    case PROTOBUF_C_TYPE_FLOAT:
        return *(const float *)p != 0.0f;
    case PROTOBUF_C_TYPE_DOUBLE:
        return *(const double *)p != 0.0;
    case PROTOBUF_C_TYPE_BOOL:
        return *(const protobuf_c_boolean *)p != 0;
    case PROTOBUF_C_TYPE_ENUM:
        return *(const int *)p != 0;
    default: {
        size_t n = wg_json_value_size(f->type);
        return n == 8 ? *(const uint64_t *)p != 0 : *(const uint32_t *)p != 0;
    }
    }
}

static size_t
append_members(wg_json_buf_t *buf, const ProtobufCMessage *msg, int depth)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    const char *base = (const char *)msg;
    size_t written = 0;

    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(base + f->quantifier_offset);
            if (n == 0)
                continue;
            const char *arr = *(char *const *)(base + f->offset);
            if (written++ > 0)
                append_c(buf, ',');
            wg_json_append_str(buf, f->name, strlen(f->name));
            append_lit(buf, ":[");
            size_t es = wg_json_value_size(f->type);
            for (size_t k = 0; k < n; k++) {
                if (k > 0)
                    append_c(buf, ',');
                append_value(buf, f, arr + k * es, depth);
            }
            append_c(buf, ']');
            continue;
        }
        if (!present(msg, f))
            continue;
        if (written++ > 0)
            append_c(buf, ',');
        wg_json_append_str(buf, f->name, strlen(f->name));
        append_c(buf, ':');
        append_value(buf, f, base + f->offset, depth);
    }
    return written;
}

static void
append_object(wg_json_buf_t *buf, const ProtobufCMessage *msg, int depth)
{
    append_c(buf, '{');
    append_members(buf, msg, depth);
    append_c(buf, '}');
}

size_t
wg_json_append_members(wg_json_buf_t *buf, const ProtobufCMessage *msg)
{
    return append_members(buf, msg, 0);
}

void
wg_json_append_message(wg_json_buf_t *buf, const ProtobufCMessage *msg)
{
    append_object(buf, msg, 0);
}
