/*
 * wg/json.h - any protobuf-c message as JSON, for tools and exports.
 *
 * A generic walker over protobuf-c descriptors: it needs no code per
 * message type. The output follows protobuf's canonical JSON mapping with
 * the field names as written in proto/ (the "preserving proto field names"
 * option): fields at their default value are left out (proto3), 64-bit
 * integers are strings, bytes are base64 (RFC 4648, padded), enums are
 * their value names (a number when the value is unknown), a oneof appears
 * as the one field that is set, float NaN and infinities are the strings
 * "NaN", "Infinity" and "-Infinity". Maps, which protobuf-c sees as
 * repeated entry messages, come out as arrays of {"key", "value"} objects.
 * Strings that are not valid UTF-8 get U+FFFD for each bad byte.
 *
 * Output goes to a growing buffer owned by the caller; an allocation
 * failure is sticky in buf->err (-ENOMEM) and the text is then incomplete.
 */
#ifndef WG_JSON_H
#define WG_JSON_H

#include <stddef.h>

#include <protobuf-c/protobuf-c.h>

typedef struct {
    char *data; /* NUL-terminated */
    size_t len;
    size_t cap;
    int err; /* 0 or -ENOMEM */
} wg_json_buf_t;

#define WG_JSON_BUF_INIT                                                       \
    {                                                                          \
        NULL, 0, 0, 0                                                          \
    }

void wg_json_buf_reset(wg_json_buf_t *buf); /* empties, keeps memory */
void wg_json_buf_free(wg_json_buf_t *buf);

/* Raw text, a quoted and escaped string, and base64 in quotes. */
void wg_json_append(wg_json_buf_t *buf, const char *s, size_t n);
void wg_json_append_str(wg_json_buf_t *buf, const char *s, size_t n);
void wg_json_append_base64(wg_json_buf_t *buf, const void *data, size_t n);

/* The fields of msg as "name":value members, separated by commas, without
 * the braces, so a caller can put members of its own around them. Returns
 * the number of members written. */
size_t wg_json_append_members(wg_json_buf_t *buf, const ProtobufCMessage *msg);
/* msg as one JSON object. */
void wg_json_append_message(wg_json_buf_t *buf, const ProtobufCMessage *msg);

/* Bytes one value of type t takes in a protobuf-c message struct (the
 * stride of a repeated field's array); for walkers over descriptors. */
size_t wg_json_value_size(ProtobufCType t);

#endif
