/*
 * test_replay_scan.c - the replay's envelope scanner (common/replay_scan.c)
 * against protobuf-c: the field numbers it copies from proto/wg.proto are
 * the descriptors' (the generated code has no constant for a plain field's
 * number, so this test is what binds them), it names every payload case as
 * protobuf-c does, and it refuses what protobuf-c refuses.
 */
#include "wg_cmocka.h"

#include "replay_int.h"

#include <stdlib.h>
#include <string.h>

static bool
is_varint_type(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_BOOL:
    case PROTOBUF_C_TYPE_ENUM:
        return true;
    default:
        return false;
    }
}

static bool
is_length_delimited_type(ProtobufCType t)
{
    return t == PROTOBUF_C_TYPE_STRING || t == PROTOBUF_C_TYPE_BYTES ||
           t == PROTOBUF_C_TYPE_MESSAGE;
}

/* Every row of WG__SCANNED_FIELDS names a field of its message with that
 * number and wire type, outside any oneof. */
static void
test_copied_numbers(void **state)
{
    (void)state;
#define ROW(id, message, field, number, varint)                                \
    {&wgpb__v1__##message##__descriptor, #field, WG__##id, varint},
    static const struct {
        const ProtobufCMessageDescriptor *message;
        const char *name;
        unsigned number;
        bool varint;
    } rows[] = {WG__SCANNED_FIELDS(ROW)};
#undef ROW
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field_by_name(rows[i].message,
                                                            rows[i].name);
        if (f == NULL)
            fail_msg("%s has no field %s", rows[i].message->name, rows[i].name);
        if (f->id != rows[i].number)
            fail_msg("%s.%s is field %u in wg.proto, %u in replay_int.h",
                     rows[i].message->name, rows[i].name, f->id,
                     rows[i].number);
        assert_true(rows[i].varint ? is_varint_type(f->type)
                                   : is_length_delimited_type(f->type));
        assert_false(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF);
        assert_int_equal(f->label, PROTOBUF_C_LABEL_NONE);
    }
}

/* An envelope whose payload is an empty message of case f, packed. */
static uint8_t *
pack_with_payload(const ProtobufCFieldDescriptor *f, size_t *len)
{
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    env.sender_role = WGPB__V1__ROLE__ROLE_CONTINGENT;
    env.sender_nation = (char *)"FRA";
    env.turn = 7;
    env.seq = 4242;
    const ProtobufCMessageDescriptor *md = f->descriptor;
    ProtobufCMessage *m = calloc(1, md->sizeof_message);
    assert_non_null(m);
    protobuf_c_message_init(f->descriptor, m);
    env.payload_case = (Wgpb__V1__Envelope__PayloadCase)f->id;
    memcpy((char *)&env + f->offset, &m, sizeof m);
    *len = wgpb__v1__envelope__get_packed_size(&env);
    uint8_t *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(wgpb__v1__envelope__pack(&env, buf), *len);
    free(m);
    return buf;
}

/* The scanner names each case of the payload oneof as protobuf-c does,
 * Forfeit (23) included. */
static void
test_every_payload(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &wgpb__v1__envelope__descriptor;
    unsigned cases = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        cases++;
        size_t len;
        uint8_t *buf = pack_with_payload(f, &len);
        wg__scan_t s;
        assert_int_equal(wg__scan_envelope(buf, len, &s), 0);
        Wgpb__V1__Envelope *env = wgpb__v1__envelope__unpack(NULL, len, buf);
        assert_non_null(env);
        assert_int_equal(s.payload, env->payload_case);
        assert_int_equal(s.payload, f->id);
        assert_int_equal(s.turn, 7);
        assert_int_equal(s.seq, 4242);
        assert_string_equal(s.nation, "FRA");
        assert_int_equal(s.sender_role, WGPB__V1__ROLE__ROLE_CONTINGENT);
        wgpb__v1__envelope__free_unpacked(env, NULL);
        free(buf);
    }
    assert_true(cases >= 14);
}

/* Provenance.source and Error.code, read inside their sub-messages. */
static void
test_sub_fields(void **state)
{
    (void)state;
    Wgpb__V1__Envelope env = WGPB__V1__ENVELOPE__INIT;
    Wgpb__V1__Provenance prov = WGPB__V1__PROVENANCE__INIT;
    Wgpb__V1__Error err = WGPB__V1__ERROR__INIT;
    prov.source = WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT;
    prov.reason = (char *)"deadline missed";
    err.code = WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN;
    err.detail = (char *)"too late";
    env.sender_role = WGPB__V1__ROLE__ROLE_ADJUDICATOR;
    env.recipient = (char *)"command";
    env.provenance = &prov;
    env.payload_case = WGPB__V1__ENVELOPE__PAYLOAD_ERROR;
    env.error = &err;
    uint8_t buf[256];
    size_t len = wgpb__v1__envelope__pack(&env, buf);
    wg__scan_t s;
    assert_int_equal(wg__scan_envelope(buf, len, &s), 0);
    assert_int_equal(s.source, WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_DEFAULT);
    assert_int_equal(s.payload, WGPB__V1__ENVELOPE__PAYLOAD_ERROR);
    assert_int_equal(s.error_code, WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN);
    assert_false(wg__is_recorded_input(&s));
}

/* A payload case, Forfeit's among them, sent as a varint: protobuf-c
 * refuses the envelope, and so does the scanner (it then lets protobuf-c
 * decide, which makes it a record that is not an Envelope). */
static void
test_refuses_what_protobuf_refuses(void **state)
{
    (void)state;
    static const uint32_t nums[] = {WGPB__V1__ENVELOPE__PAYLOAD_JOIN,
                                    WGPB__V1__ENVELOPE__PAYLOAD_BEACON,
                                    WGPB__V1__ENVELOPE__PAYLOAD_FORFEIT};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        /* turn = 3, then field nums[i] with wire type 0 and value 1 */
        uint8_t buf[8] = {WG__ENVELOPE_TURN << 3, 3};
        size_t len = 2;
        uint32_t tag = nums[i] << 3;
        while (tag >= 0x80) {
            buf[len++] = (uint8_t)(tag | 0x80);
            tag >>= 7;
        }
        buf[len++] = (uint8_t)tag;
        buf[len++] = 1;
        wg__scan_t s;
        assert_int_equal(wg__scan_envelope(buf, len, &s), -1);
        assert_null(wgpb__v1__envelope__unpack(NULL, len, buf));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copied_numbers),
        cmocka_unit_test(test_every_payload),
        cmocka_unit_test(test_sub_fields),
        cmocka_unit_test(test_refuses_what_protobuf_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
