/*
 * test_yaml_doc.c - unit tests of the YAML limits (common/yaml_doc.c):
 * hostile nesting is refused before libyaml loads the document, with the
 * line and column where it goes too deep, by every reader of YAML: the
 * scenario loader (files and a log header's text, so wg-log verify), the
 * exercise loader and written orders.
 *
 * A list 100,000 deep took libyaml 37 s to load; these tests assert the
 * error, not the time. Files go to a mkdtemp directory that each test
 * removes; WG_SOURCE_DIR (set by ctest) finds tests/data.
 */
#include "wg_cmocka.h"
#include "wg_test_files.h"

#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/log.h"
#include "wg/orders.h"
#include "wg/replay.h"
#include "wg/scenario.h"

#include "yaml_doc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEEP 100000

/* n opening brackets of open, a scalar, n closing ones: nested n deep. */
static char *
nested(size_t n, const char *open, const char *close, const char *prefix)
{
    size_t lo = strlen(open), lc = strlen(close), lp = strlen(prefix);
    char *s = malloc(lp + n * (lo + lc) + 2);
    assert_non_null(s);
    char *p = s;
    memcpy(p, prefix, lp);
    p += lp;
    for (size_t i = 0; i < n; i++, p += lo)
        memcpy(p, open, lo);
    *p++ = 'x';
    for (size_t i = 0; i < n; i++, p += lc)
        memcpy(p, close, lc);
    *p = '\0';
    return s;
}

static void
expect_too_deep(const wg_config_error_t *err, unsigned line, unsigned column)
{
    if (err->line != line || err->column != column ||
        strstr(err->message, "nested deeper than 64") == NULL)
        wg_config_error_print(err);
    assert_int_equal(err->line, line);
    assert_int_equal(err->column, column);
    assert_non_null(strstr(err->message, "nested deeper than 64"));
}

static void
parse_too_deep(const char *text, unsigned line, unsigned column)
{
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    assert_int_equal(
        wg_scenario_parse("deep.yaml", text, strlen(text), &sc, &err),
        WG_ECONFIG);
    assert_null(sc);
    assert_string_equal(err.file, "deep.yaml");
    expect_too_deep(&err, line, column);
}

/* 100,000 deep in flow lists, flow mappings and block lists: refused at
 * the 65th level. */
static void
test_deep_scenario(void **state)
{
    (void)state;
    char *s = nested(DEEP, "[", "]", "");
    parse_too_deep(s, 1, 65);
    free(s);
    s = nested(DEEP, "{a: ", "}", "");
    parse_too_deep(s, 1, 4 * 64 + 1);
    free(s);
    s = nested(DEEP, "- ", "", "");
    parse_too_deep(s, 1, 2 * 64 + 1);
    free(s);
    /* Deep under a key, on a later line: the mark is where it goes over. */
    s = nested(DEEP, "[", "]", "name: x\nnations: ");
    parse_too_deep(s, 2, 9 + 63 + 1);
    free(s);
}

/* 64 levels are within the limit; 65 are not. */
static void
test_depth_boundary(void **state)
{
    (void)state;
    wg_config_error_t err;
    memset(&err, 0, sizeof err);
    char *s = nested(WG_YAML_MAX_DEPTH, "[", "]", "");
    assert_int_equal(wg__yaml_check_depth(s, strlen(s), &err), 0);
    free(s);
    s = nested(WG_YAML_MAX_DEPTH + 1, "[", "]", "");
    assert_int_equal(wg__yaml_check_depth(s, strlen(s), &err), WG_ECONFIG);
    expect_too_deep(&err, 1, 65);
    free(s);
    /* Depth is counted across documents, each from the top. */
    s = nested(40, "[", "]", "");
    size_t n = strlen(s);
    char *two = malloc(2 * n + 16);
    assert_non_null(two);
    snprintf(two, 2 * n + 16, "%s\n---\n%s\n", s, s);
    assert_int_equal(wg__yaml_check_depth(two, strlen(two), &err), 0);
    free(two);
    free(s);
    /* A syntax error is reported as the loader reports it. */
    assert_int_equal(wg__yaml_check_depth("a: [1, 2", 8, &err), WG_ECONFIG);
    assert_non_null(strstr(err.message, "YAML syntax error"));
}

/* A flow list of n scalars: n + 1 values. */
static char *
flat_list(size_t n)
{
    char *s = malloc(2 * n + 2);
    assert_non_null(s);
    s[0] = '[';
    for (size_t i = 0; i < n; i++) {
        s[1 + 2 * i] = 'a';
        s[2 + 2 * i] = i + 1 < n ? ',' : ']';
    }
    s[2 * n + 1] = '\0';
    return s;
}

/* WG_YAML_MAX_NODES values are read; the one past them is refused where
 * it stands, before libyaml loads anything, in every reader. */
static void
test_too_many_values(void **state)
{
    (void)state;
    wg_config_error_t err;
    memset(&err, 0, sizeof err);
    char *s = flat_list(WG_YAML_MAX_NODES - 1);
    assert_int_equal(wg__yaml_check_depth(s, strlen(s), &err), 0);
    free(s);
    s = flat_list(WG_YAML_MAX_NODES);
    assert_int_equal(wg__yaml_check_depth(s, strlen(s), &err), WG_ECONFIG);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 2 * WG_YAML_MAX_NODES);
    assert_non_null(strstr(err.message, "more than 65536 values"));

    wg_scenario_t *sc = NULL;
    assert_int_equal(wg_scenario_parse("many.yaml", s, strlen(s), &sc, &err),
                     WG_ECONFIG);
    assert_null(sc);
    assert_non_null(strstr(err.message, "more than 65536 values"));
    free(s);
}

/* Scenario text larger than WG_SCENARIO_MAX_BYTES is refused unread,
 * from memory (a log header's) as from a file. */
static void
test_scenario_size(void **state)
{
    (void)state;
    size_t n = WG_SCENARIO_MAX_BYTES + 1;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, '#', n); /* one comment: cheap for libyaml, were it read */
    s[n] = '\0';
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    assert_int_equal(wg_scenario_parse("big.yaml", s, n, &sc, &err),
                     WG_ECONFIG);
    assert_null(sc);
    assert_string_equal(err.file, "big.yaml");
    assert_non_null(strstr(err.message, "larger than 1048576 bytes"));
    /* One byte less is read: a comment is no scenario. */
    assert_int_equal(wg_scenario_parse("big.yaml", s, n - 1, &sc, &err),
                     WG_ECONFIG);
    assert_null(strstr(err.message, "larger than"));
    free(s);
}

typedef struct {
    char dir[64];
    char path[128];
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    wg_test_mkdtemp(f->dir, sizeof f->dir, "yaml");
    snprintf(f->path, sizeof f->path, "%s/deep.yaml", f->dir);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;
    unlink(f->path);
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

static wg_scenario_t *
load_short(void)
{
    wg_scenario_t *sc = wg_test_load_scenario("tests/data/short.yaml");
    assert_non_null(sc);
    return sc;
}

/* Scenario and exercise files, and written orders, from disk. */
static void
test_deep_files(void **state)
{
    fixture_t *f = *state;
    wg_config_error_t err;
    char *s = nested(DEEP, "[", "]", "- turn: 1\n  pledge: ");
    wg_test_put_file(f->path, s);
    free(s);

    wg_scenario_t *sc = NULL;
    assert_int_equal(wg_scenario_load(f->path, &sc, &err), WG_ECONFIG);
    assert_null(sc);
    assert_string_equal(err.file, f->path);
    expect_too_deep(&err, 2, 11 + 62);

    wg_exercise_t *ex = NULL;
    assert_int_equal(wg_exercise_load(f->path, &ex, NULL, &err), WG_ECONFIG);
    assert_null(ex);
    assert_string_equal(err.file, f->path);
    expect_too_deep(&err, 2, 11 + 62);

    sc = load_short();
    assert_null(wg_orders_bot_load(f->path, sc, &err));
    assert_string_equal(err.file, f->path);
    expect_too_deep(&err, 2, 11 + 62);
    free(sc);
}

/* A log whose header carries such a scenario: the replay (wg-log verify,
 * --resume, fork) refuses it as unreadable, naming the depth. */
static void
test_deep_log_header(void **state)
{
    fixture_t *f = *state;
    wg_log_header_t hdr;
    wg_log_writer_t *w;
    char *s = nested(DEEP, "[", "]", "");
    memset(&hdr, 0, sizeof hdr);
    hdr.version = WG_LOG_FORMAT_VERSION;
    snprintf(hdr.scenario_name, sizeof hdr.scenario_name, "deep");
    snprintf(hdr.scenario_path, sizeof hdr.scenario_path, "deep.yaml");
    snprintf(hdr.started, sizeof hdr.started, "2026-01-01T00:00:00Z");
    hdr.scenario_text = s;
    hdr.scenario_len = strlen(s);
    assert_int_equal(wg_log_writer_create(f->path, &hdr, WG_FSYNC_NEVER, &w),
                     0);
    wg_log_writer_destroy(&w);
    free(s);

    wg_replay_report_t rep;
    wg_replay_options_t opt;
    memset(&opt, 0, sizeof opt);
    assert_int_equal(wg_replay_log(f->path, &opt, &rep, NULL, NULL),
                     WG_REPLAY_UNREADABLE);
    assert_string_equal(rep.field, "header.scenario_text");
    assert_non_null(strstr(rep.detail, "deep.yaml:1:65: nested deeper"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_scenario),
        cmocka_unit_test(test_depth_boundary),
        cmocka_unit_test(test_too_many_values),
        cmocka_unit_test(test_scenario_size),
        cmocka_unit_test_setup_teardown(test_deep_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_log_header, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
