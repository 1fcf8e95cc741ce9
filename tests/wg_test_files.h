/*
 * wg_test_files.h - temporary files for the unit tests: a directory of the
 * test's own under /tmp, and whole files written into it. Each failure is
 * a cmocka assertion. Include after wg_cmocka.h.
 */
#ifndef WG_TEST_FILES_H
#define WG_TEST_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
