/*
 * test_proto_enums.c - wg/proto_enums.h, the C names of wg.proto's enums
 * that proto/gen_enums.cmake generates at build time.
 *
 * The build already proves each constant against protoc-c's
 * (_Static_assert in proto_enums_check.c); here every exported enum is
 * compared value by value with protoc-c's descriptor (a value the parse
 * missed), and the generator is run on small .proto files of its own: what
 * it names, what it leaves out, and that a line it cannot read is an error.
 */
#include "wg_cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wg/proto_enums.h"

/* In libwgproto, from the generated proto_enums_check.c. */
int wg_proto_enums_check(char *why, size_t n);
unsigned wg_proto_enums_count(void);

static void
generated_enums_match_protoc_c(void **state)
{
    (void)state;
    char why[256];
    int rc = wg_proto_enums_check(why, sizeof why);
    if (rc != 0)
        fail_msg("%s", why);
    /* TurnType, Phase, UnitStatus, RoeAction, ErrorCode, Intention,
     * Assistance, OrderSource, FallbackKind, DirectorAction, RoleState:
     * wg.proto's top-level enums but Role. */
    assert_true(wg_proto_enums_count() >= 11);
    assert_int_equal(WG_PHASE_REPLAN, 10);
    assert_int_equal(WG_TURN_FORCE_REVIEW, 4);
    assert_int_equal(WG_ROE_ACTION__MAX, WG_ROE_WITHDRAW);
    assert_int_equal(WG_INTENTION_LEAVE, 3);
}

/* Runs the generator on `proto` (text); returns its exit status and leaves
 * the header's text in hdr (empty when none was written). */
static int
generate(const char *proto, char *hdr, size_t n)
{
    char dir[] = "/tmp/wg-gen-enums-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512], out[512], chk[512], cmd[2048];
    snprintf(path, sizeof path, "%s/t.proto", dir);
    snprintf(out, sizeof out, "%s/proto_enums.h", dir);
    snprintf(chk, sizeof chk, "%s/check.c", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(proto, f);
    fclose(f);
    const char *src = getenv("WG_SOURCE_DIR");
    assert_non_null(src);
    snprintf(cmd, sizeof cmd,
             "'%s' -DPROTO='%s' -DHEADER='%s' -DCHECK='%s' "
             "-P '%s/proto/gen_enums.cmake' >'%s/out' 2>&1",
             WG_CMAKE_COMMAND, path, out, chk, src, dir);
    int rc = system(cmd);
    hdr[0] = '\0';
    f = fopen(out, "r");
    if (f) {
        size_t got = fread(hdr, 1, n - 1, f);
        hdr[got] = '\0';
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return rc;
}

static void
every_top_level_enum_is_named_from_the_proto(void **state)
{
    (void)state;
    static char hdr[16384];
    int rc = generate("syntax = \"proto3\";\n"
                      "package wgpb.v1;\n"
                      "enum Role {\n  ROLE_UNSPECIFIED = 0;\n  ROLE_X = 1;\n}\n"
                      "// The choices of a new order.\n"
                      "enum TalksChoice {\n"
                      "  TALKS_CHOICE_UNSPECIFIED = 0;\n"
                      "  TALKS_RECOMMIT = 2;  // a note; with a semicolon\n"
                      "  // a line of its own\n"
                      "  TALKS_WALK_OUT = 7 [deprecated = true];\n"
                      "}\n"
                      "message M {\n"
                      "  enum Inner { INNER_UNSPECIFIED = 0; }\n"
                      "  Inner inner = 1;\n"
                      "}\n",
                      hdr, sizeof hdr);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(hdr, "    WG_TALKS_CHOICE_UNSPECIFIED = 0,\n"));
    assert_non_null(strstr(
        hdr, "    WG_TALKS_RECOMMIT = 2, /* a note; with a semicolon */\n"));
    assert_non_null(strstr(hdr, "    WG_TALKS_WALK_OUT = 7,\n"));
    assert_non_null(strstr(hdr, "} wg_talks_choice_t;\n"));
    assert_non_null(strstr(hdr, "#define WG_TALKS_CHOICE__MAX 7\n"));
    assert_non_null(strstr(hdr, " * The choices of a new order. */\n"));
    /* Role is on the generator's exclusion list; a nested enum is no
     * top-level enum. */
    assert_null(strstr(hdr, "WG_ROLE_X"));
    assert_null(strstr(hdr, "INNER"));
}

static void
a_line_it_cannot_read_is_an_error(void **state)
{
    (void)state;
    static char hdr[16384];
    /* Two values on one line, a hex value, an enum never closed, no
     * package, an enum on one line. */
    const char *bad[] = {
        "package p;\nenum E {\n  E_A = 0; E_B = 1;\n}\n",
        "package p;\nenum E {\n  E_A = 0x1;\n}\n",
        "package p;\nenum E {\n  E_A = 0;\n",
        "enum E {\n  E_A = 0;\n}\n",
        "package p;\nenum E { E_A = 0; }\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = generate(bad[i], hdr, sizeof hdr);
        if (rc == 0)
            fail_msg("generated from bad proto %zu:\n%s", i, bad[i]);
        assert_string_equal(hdr, "");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generated_enums_match_protoc_c),
        cmocka_unit_test(every_top_level_enum_is_named_from_the_proto),
        cmocka_unit_test(a_line_it_cannot_read_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
