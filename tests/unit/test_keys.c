/*
 * test_keys.c - unit tests of the certificate files (common/keys.c).
 *
 * Every test works in its own temporary directory (removed at the end) and
 * writes files there: pairs made by wg_keys_write, certificates laid out
 * as CZMQ and pyzmq write them, and malformed ones, each checked for the
 * line, column and words of its error.
 */
#include "wg_cmocka.h"

#include "wg/error.h"
#include "wg/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[64];
    wg_keypair_t kp, other;
    char pub[WG_KEY_Z85_LEN + 1], sec[WG_KEY_Z85_LEN + 1];
    char other_sec[WG_KEY_Z85_LEN + 1];
} fx_t;

static void
fx_init(fx_t *fx)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/wg-test-keys-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    assert_int_equal(wg_keys_generate(&fx->kp), 0);
    assert_int_equal(wg_keys_generate(&fx->other), 0);
    wg_keys_to_z85(fx->kp.public_key, fx->pub);
    wg_keys_to_z85(fx->kp.secret_key, fx->sec);
    wg_keys_to_z85(fx->other.secret_key, fx->other_sec);
}

/* Removes every file of the directory, then the directory. */
static void
fx_done(fx_t *fx)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    assert_int_equal(system(cmd), 0);
}

static void
path_of(const fx_t *fx, const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", fx->dir, name);
}

static void
write_file(const fx_t *fx, const char *name, const char *text, size_t len,
           mode_t mode)
{
    char path[256];
    path_of(fx, name, path, sizeof path);
    (void)unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    assert_true(fd >= 0);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
}

static mode_t
mode_of(const fx_t *fx, const char *name)
{
    char path[256];
    struct stat st;
    path_of(fx, name, path, sizeof path);
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

static void
assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

/* ---- write, then load ---------------------------------------------------- */

static void
test_round_trip(void **state)
{
    fx_t fx;
    wg_config_error_t err;
    wg_keypair_t got;
    uint8_t pub[WG_KEY_LEN];
    char key[256], pubf[256];

    (void)state;
    fx_init(&fx);
    mode_t old = umask(022);
    assert_int_equal(wg_keys_write(fx.dir, "FRA", &fx.kp, &err), 0);
    umask(old);
    assert_int_equal(mode_of(&fx, "FRA.key"), 0600);
    assert_int_equal(mode_of(&fx, "FRA.pub"), 0644);
    path_of(&fx, "FRA.key", key, sizeof key);
    path_of(&fx, "FRA.pub", pubf, sizeof pubf);

    assert_int_equal(wg_keys_load_secret(key, &got, &err), 0);
    assert_memory_equal(got.public_key, fx.kp.public_key, WG_KEY_LEN);
    assert_memory_equal(got.secret_key, fx.kp.secret_key, WG_KEY_LEN);
    wg_keys_wipe(&got);
    for (size_t i = 0; i < sizeof got; i++)
        assert_int_equal(((const uint8_t *)&got)[i], 0);

    assert_int_equal(wg_keys_load_public(pubf, pub, &err), 0);
    assert_memory_equal(pub, fx.kp.public_key, WG_KEY_LEN);
    memset(pub, 0, sizeof pub);
    assert_int_equal(wg_keys_load_public(key, pub, &err), 0);
    assert_memory_equal(pub, fx.kp.public_key, WG_KEY_LEN);

    /* A public certificate has no secret key to give. */
    assert_int_equal(wg_keys_load_secret(pubf, &got, &err), WG_ECONFIG);
    assert_string_equal(err.file, pubf);
    assert_contains(err.message, "no secret-key");
    assert_contains(err.message, "public certificate");
    fx_done(&fx);
}

/* The files read as the header of wg/keys.h shows them. */
static void
test_layout(void **state)
{
    fx_t fx;
    wg_config_error_t err;
    char path[256], text[1024], want[128];

    (void)state;
    fx_init(&fx);
    assert_int_equal(wg_keys_write(fx.dir, "GBR", &fx.kp, &err), 0);
    path_of(&fx, "GBR.key", path, sizeof path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_contains(text, "#   ZeroMQ CURVE **Secret** Certificate\n");
    assert_contains(text, "\nmetadata\n    name = \"GBR\"\ncurve\n");
    snprintf(want, sizeof want, "\n    public-key = \"%s\"\n", fx.pub);
    assert_contains(text, want);
    snprintf(want, sizeof want, "\n    secret-key = \"%s\"\n", fx.sec);
    assert_contains(text, want);

    path_of(&fx, "GBR.pub", path, sizeof path);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_contains(text, "#   ZeroMQ CURVE Public Certificate\n");
    assert_null(strstr(text, "secret-key"));
    assert_null(strstr(text, fx.sec));
    fx_done(&fx);
}

/* The secret file is 0600 whatever the umask. */
static void
test_mode_despite_umask(void **state)
{
    fx_t fx;
    wg_config_error_t err;

    (void)state;
    fx_init(&fx);
    mode_t old = umask(0277);
    assert_int_equal(wg_keys_write(fx.dir, "DEU", &fx.kp, &err), 0);
    umask(old);
    assert_int_equal(mode_of(&fx, "DEU.key"), 0600);
    assert_int_equal(mode_of(&fx, "DEU.pub"), 0400);
    fx_done(&fx);
}

static void
read_all(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void
test_no_overwrite(void **state)
{
    fx_t fx;
    wg_config_error_t err;
    char key[256], pubf[256], before[1024], after[1024];

    (void)state;
    fx_init(&fx);
    assert_int_equal(wg_keys_write(fx.dir, "FRA", &fx.kp, &err), 0);
    path_of(&fx, "FRA.key", key, sizeof key);
    path_of(&fx, "FRA.pub", pubf, sizeof pubf);
    read_all(key, before, sizeof before);

    assert_int_equal(wg_keys_write(fx.dir, "FRA", &fx.other, &err), -EEXIST);
    assert_string_equal(err.file, key);
    assert_contains(err.message, "exists");
    read_all(key, after, sizeof after);
    assert_string_equal(before, after);

    /* Only the public file left: still refused, and no new secret file. */
    assert_int_equal(unlink(key), 0);
    assert_int_equal(wg_keys_write(fx.dir, "FRA", &fx.other, &err), -EEXIST);
    assert_string_equal(err.file, pubf);
    assert_int_equal(access(key, F_OK), -1);
    fx_done(&fx);
}

static void
test_missing_dir(void **state)
{
    fx_t fx;
    wg_config_error_t err;
    char dir[256];

    (void)state;
    fx_init(&fx);
    path_of(&fx, "nowhere", dir, sizeof dir);
    assert_int_equal(wg_keys_write(dir, "FRA", &fx.kp, &err), -ENOENT);
    assert_string_equal(err.file, dir);
    assert_contains(err.message, "no such directory");
    assert_int_equal(err.line, 0);

    /* A file where the directory should be. */
    write_file(&fx, "plain", "x", 1, 0600);
    path_of(&fx, "plain", dir, sizeof dir);
    assert_int_equal(wg_keys_write(dir, "FRA", &fx.kp, &err), -ENOTDIR);
    assert_string_equal(err.file, dir);
    fx_done(&fx);
}

static void
test_bad_names(void **state)
{
    static const char *const bad[] = {"",    ".hidden", "-x",  "a/b",
                                      "a b", "a+b",     "../x"};
    fx_t fx;
    wg_config_error_t err;
    char longname[WG_KEY_NAME_MAX + 2];

    (void)state;
    fx_init(&fx);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(wg_keys_write(fx.dir, bad[i], &fx.kp, &err),
                         WG_ECONFIG);
        assert_contains(err.message, "invalid certificate name");
    }
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(wg_keys_write(fx.dir, longname, &fx.kp, &err), WG_ECONFIG);
    longname[WG_KEY_NAME_MAX] = '\0';
    assert_int_equal(wg_keys_write(fx.dir, longname, &fx.kp, &err), 0);
    assert_int_equal(wg_keys_write(fx.dir, "observer_1.x-y", &fx.kp, &err), 0);
    fx_done(&fx);
}

/* A secret key that group or others may read is refused, as ssh does. */
static void
test_loose_mode_refused(void **state)
{
    fx_t fx;
    wg_config_error_t err;
    wg_keypair_t got;
    uint8_t pub[WG_KEY_LEN];
    char key[256], pubf[256];

    (void)state;
    fx_init(&fx);
    assert_int_equal(wg_keys_write(fx.dir, "FRA", &fx.kp, &err), 0);
    path_of(&fx, "FRA.key", key, sizeof key);
    path_of(&fx, "FRA.pub", pubf, sizeof pubf);
    static const mode_t loose[] = {0640, 0604, 0644, 0620, 0601, 0660};
    for (size_t i = 0; i < sizeof loose / sizeof loose[0]; i++) {
        assert_int_equal(chmod(key, loose[i]), 0);
        assert_int_equal(wg_keys_load_secret(key, &got, &err), WG_ECONFIG);
        assert_string_equal(err.file, key);
        assert_contains(err.message, "chmod 600");
        assert_int_equal(wg_keys_load_public(key, pub, &err), WG_ECONFIG);
    }
    assert_int_equal(chmod(key, 0400), 0);
    assert_int_equal(wg_keys_load_secret(key, &got, &err), 0);
    /* A public certificate may be read by anyone. */
    assert_int_equal(chmod(pubf, 0666), 0);
    assert_int_equal(wg_keys_load_public(pubf, pub, &err), 0);
    fx_done(&fx);
}

/* ---- files written by others -------------------------------------------- */

static void
load_text(const fx_t *fx, const char *text, int want_secret)
{
    char path[256];
    wg_config_error_t err;
    wg_keypair_t got;
    uint8_t pub[WG_KEY_LEN];

    write_file(fx, "foreign", text, strlen(text), 0600);
    path_of(fx, "foreign", path, sizeof path);
    if (want_secret) {
        int rc = wg_keys_load_secret(path, &got, &err);
        if (rc != 0)
            fail_msg("%s:%u:%u: %s\n%s", err.file, err.line, err.column,
                     err.message, text);
        assert_memory_equal(got.public_key, fx->kp.public_key, WG_KEY_LEN);
        assert_memory_equal(got.secret_key, fx->kp.secret_key, WG_KEY_LEN);
    }
    int rc = wg_keys_load_public(path, pub, &err);
    if (rc != 0)
        fail_msg("%s:%u:%u: %s\n%s", err.file, err.line, err.column,
                 err.message, text);
    assert_memory_equal(pub, fx->kp.public_key, WG_KEY_LEN);
}

static void
test_foreign_layouts(void **state)
{
    fx_t fx;
    char text[1024];

    (void)state;
    fx_init(&fx);
    /* pyzmq's zmq.auth.create_certificates: bare metadata values. */
    snprintf(text, sizeof text,
             "#   ****  Generated on 2024-05-01 12:00:00.123456 by pyzmq  "
             "****\n"
             "#   ZeroMQ CURVE **Secret** Certificate\n"
             "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its "
             "permissions.\n\n"
             "metadata\n    team = blue team\n    email = a@b.c\n"
             "curve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
             fx.pub, fx.sec);
    load_text(&fx, text, 1);
    /* pyzmq's public file: an empty metadata section. */
    snprintf(text, sizeof text,
             "#   ZeroMQ CURVE Public Certificate\n\n"
             "metadata\ncurve\n    public-key = \"%s\"\n",
             fx.pub);
    load_text(&fx, text, 0);
    /* CZMQ's zcert: quoted metadata, no final newline, CRLF line ends,
     * single quotes, comments after values, a section of someone else. */
    snprintf(text, sizeof text,
             "# CZMQ\r\nmetadata\r\n    name = \"x # y\"   # note\r\n"
             "other\r\n    deep\r\n        deeper = 1\r\n"
             "curve  # keys\r\n    public-key='%s'  # ok\r\n"
             "    secret-key = %s",
             fx.pub, fx.sec);
    load_text(&fx, text, 1);
    fx_done(&fx);
}

/* ---- malformed files ---------------------------------------------------- */

typedef struct {
    const char *text; /* @P stands for the public key, @S for a secret key */
    int other_secret; /* @S is the secret key of another pair */
    unsigned line, column;
    const char *words;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"curve\n    public-key = \"abc\"\n", 0, 2, 19,
     "public-key must be 40 Z85 characters, found 3"},
    {"curve\n    public-key = \"~@P\"\n", 0, 2, 19,
     "must be 40 Z85 characters, found 41"},
    {"curve\n    publickey = \"@P\"\n", 0, 2, 5,
     "unknown property 'publickey' in the curve section"},
    {"curve\n\tpublic-key = \"@P\"\n", 0, 2, 1, "tab in the indentation"},
    {"curve\n   public-key = \"@P\"\n", 0, 2, 4, "multiple of 4 spaces"},
    {"curve\n        public-key = \"@P\"\n", 0, 2, 9,
     "indented more than one level"},
    {"    public-key = \"@P\"\ncurve\n", 0, 1, 5,
     "indented line before any section"},
    {"curve\n    public-key = \"@P\"\n    public-key = \"@P\"\n", 0, 3, 5,
     "second public-key (the first is on line 2)"},
    {"curve\n    public-key = \"@P\n", 0, 2, 18, "unterminated quoted value"},
    {"curve\n    public-key = \"@P\" x\n", 0, 2, 61,
     "unexpected text after the quoted value"},
    {"metadata\n    name = \"x\"\n", 0, 0, 0, "no curve section"},
    {"", 0, 0, 0, "no curve section"},
    {"# only a comment\n\n", 0, 0, 0, "no curve section"},
    {"metadata\ncurve\n    secret-key = \"@S\"\n", 0, 2, 1,
     "the curve section has no public-key"},
    {"curve\n    public-key = \"@P\"\n    secret-key = \"@S\"\n", 1, 3, 5,
     "secret-key does not belong to the public-key on line 2"},
    {"curve\n    public-key = \"@P\"\ncurve\n", 0, 3, 1,
     "second curve section (the first is on line 1)"},
    {"cur~ve\n", 0, 1, 4, "unexpected '~' after 'cur'"},
    {"= x\n", 0, 1, 1, "expected a name, found '='"},
    {"curve\n    public-key\n", 0, 2, 5, "expected '=' after 'public-key'"},
    {"curve\n    public-key = \"@P\"\n        x = 1\n", 0, 3, 9,
     "the curve section has no subsections"},
};

/* Copies text to out with @P and @S replaced by pub and sec. */
static void
expand(char *out, size_t cap, const char *text, const char *pub,
       const char *sec)
{
    size_t n = 0;

    for (const char *p = text; *p != '\0'; p++) {
        const char *put = NULL;
        if (p[0] == '@' && (p[1] == 'P' || p[1] == 'S'))
            put = *++p == 'P' ? pub : sec;
        size_t len = put != NULL ? strlen(put) : 1;
        assert_true(n + len < cap);
        memcpy(out + n, put != NULL ? put : p, len);
        n += len;
    }
    out[n] = '\0';
}

static void
test_malformed(void **state)
{
    fx_t fx;
    char text[1024], path[256];
    wg_config_error_t err;
    uint8_t pub[WG_KEY_LEN];

    (void)state;
    fx_init(&fx);
    path_of(&fx, "bad.key", path, sizeof path);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case_t *bc = &bad_cases[i];
        expand(text, sizeof text, bc->text, fx.pub,
               bc->other_secret ? fx.other_sec : fx.sec);
        write_file(&fx, "bad.key", text, strlen(text), 0600);
        memset(&err, 0, sizeof err);
        int rc = wg_keys_load_public(path, pub, &err);
        if (rc != WG_ECONFIG || err.line != bc->line ||
            err.column != bc->column || strstr(err.message, bc->words) == NULL)
            fail_msg("case %zu: rc %d, %s:%u:%u: %s (wanted %u:%u: %s)", i, rc,
                     err.file, err.line, err.column, err.message, bc->line,
                     bc->column, bc->words);
        assert_string_equal(err.file, path);
    }
    fx_done(&fx);
}

/* A bad character is reported where it stands. */
static void
test_bad_z85_char(void **state)
{
    fx_t fx;
    char text[256], path[256], key[WG_KEY_Z85_LEN + 1];
    wg_config_error_t err;
    uint8_t pub[WG_KEY_LEN];

    (void)state;
    fx_init(&fx);
    memcpy(key, fx.pub, sizeof key);
    key[5] = '~';
    snprintf(text, sizeof text, "curve\n    public-key = \"%s\"\n", key);
    write_file(&fx, "bad.pub", text, strlen(text), 0644);
    path_of(&fx, "bad.pub", path, sizeof path);
    assert_int_equal(wg_keys_load_public(path, pub, &err), WG_ECONFIG);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 19 + 5);
    assert_contains(err.message, "'~' is not a Z85 character");
    fx_done(&fx);
}

static void
test_not_text(void **state)
{
    fx_t fx;
    char path[256];
    wg_config_error_t err;
    uint8_t pub[WG_KEY_LEN];
    static char big[70 * 1024];

    (void)state;
    fx_init(&fx);
    path_of(&fx, "f", path, sizeof path);

    write_file(&fx, "f", "curve\n  \0 x\n", 12, 0600);
    assert_int_equal(wg_keys_load_public(path, pub, &err), WG_ECONFIG);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_contains(err.message, "NUL byte");

    memset(big, '#', 2000);
    write_file(&fx, "f", big, 2000, 0600);
    assert_int_equal(wg_keys_load_public(path, pub, &err), WG_ECONFIG);
    assert_int_equal(err.line, 1);
    assert_contains(err.message, "line longer than");

    memset(big, '\n', sizeof big);
    write_file(&fx, "f", big, sizeof big, 0600);
    assert_int_equal(wg_keys_load_public(path, pub, &err), WG_ECONFIG);
    assert_contains(err.message, "larger than 64 KiB");

    assert_int_equal(wg_keys_load_public(fx.dir, pub, &err), WG_ECONFIG);
    assert_contains(err.message, "not a regular file");

    path_of(&fx, "missing.key", path, sizeof path);
    assert_int_equal(wg_keys_load_public(path, pub, &err), -ENOENT);
    assert_string_equal(err.file, path);
    assert_contains(err.message, "cannot open");
    fx_done(&fx);
}

/* ---- Z85 ---------------------------------------------------------------- */

static void
test_z85(void **state)
{
    fx_t fx;
    uint8_t key[WG_KEY_LEN];
    char text[WG_KEY_Z85_LEN + 2];

    (void)state;
    fx_init(&fx);
    assert_int_equal(strlen(fx.pub), WG_KEY_Z85_LEN);
    assert_int_equal(wg_keys_from_z85(fx.pub, key), 0);
    assert_memory_equal(key, fx.kp.public_key, WG_KEY_LEN);
    /* The example of ZeroMQ RFC 32: 8 bytes "HelloWorld" is too short. */
    assert_int_equal(wg_keys_from_z85("HelloWorld", key), WG_ECONFIG);
    assert_int_equal(wg_keys_from_z85(NULL, key), WG_ECONFIG);
    snprintf(text, sizeof text, "%s", fx.pub);
    text[WG_KEY_Z85_LEN - 1] = '\0';
    assert_int_equal(wg_keys_from_z85(text, key), WG_ECONFIG);
    snprintf(text, sizeof text, "%sA", fx.pub);
    assert_int_equal(wg_keys_from_z85(text, key), WG_ECONFIG);
    snprintf(text, sizeof text, "%s", fx.pub);
    text[7] = ' ';
    assert_int_equal(wg_keys_from_z85(text, key), WG_ECONFIG);
    fx_done(&fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_mode_despite_umask),
        cmocka_unit_test(test_no_overwrite),
        cmocka_unit_test(test_missing_dir),
        cmocka_unit_test(test_bad_names),
        cmocka_unit_test(test_loose_mode_refused),
        cmocka_unit_test(test_foreign_layouts),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_bad_z85_char),
        cmocka_unit_test(test_not_text),
        cmocka_unit_test(test_z85),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
