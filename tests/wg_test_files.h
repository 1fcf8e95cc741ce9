/*
 * wg_test_files.h - files for the unit tests: the source tree's (its path
 * from WG_SOURCE_DIR, which ctest sets, and its scenarios loaded), and
 * temporary ones (a directory of the test's own under /tmp, whole files
 * written into it). Each failure of a temporary file is a cmocka
 * assertion. Include after wg_cmocka.h.
 */
#ifndef WG_TEST_FILES_H
#define WG_TEST_FILES_H

#include "wg/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path of rel in the source tree: under WG_SOURCE_DIR, else ".". */
static inline void
wg_test_source_path(char *out, size_t cap, const char *rel)
{
    const char *src = getenv("WG_SOURCE_DIR");
    snprintf(out, cap, "%s/%s", src ? src : ".", rel);
}

/* The scenario at rel in the source tree, or NULL (the error printed). */
static inline wg_scenario_t *
wg_test_load_scenario(const char *rel)
{
    char path[1024];
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    wg_test_source_path(path, sizeof path, rel);
    if (wg_scenario_load(path, &sc, &err) != 0) {
        wg_config_error_print(&err);
        return NULL;
    }
    return sc;
}

/* A new directory /tmp/wg-test-NAME-XXXXXX in dir (cap bytes). */
static inline void
wg_test_mkdtemp(char *dir, size_t cap, const char *name)
{
    snprintf(dir, cap, "/tmp/wg-test-%s-XXXXXX", name);
    assert_non_null(mkdtemp(dir));
}

/* Writes len bytes to path, replacing what was there. */
static inline void
wg_test_put_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Writes a NUL-terminated text to path. */
static inline void
wg_test_put_file(const char *path, const char *text)
{
    wg_test_put_bytes(path, text, strlen(text));
}

#endif
