/*
 * keys.c - CurveZMQ key pairs and their certificate files (see wg/keys.h).
 *
 * Owns nothing past a call: a file is read whole into a buffer that is
 * wiped and freed before returning, and parsed line by line in place. The
 * reader understands the part of ZPL (ZeroMQ RFC 4) that certificates use:
 * sections, `name = value` properties, comments, 4-space indentation. It
 * checks the whole file rather than picking out two lines (as pyzmq does),
 * so a typo cannot silently leave a seat without its key.
 *
 * Thread: any; every function is reentrant. Errors: 0 or a negative code
 * with *err (if not NULL) naming file, line, column and what is wrong;
 * nothing is logged here, the caller reports.
 */
#include "wg/keys.h"
#include "wg/error.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

enum {
    FILE_MAX = 64 * 1024, /* a certificate is a few hundred bytes */
    LINE_MAX_CHARS = 1024,
    INDENT = 4,
    PATH_CAP = 1024,
    TEXT_CAP = 1024, /* a whole certificate as we write it */
};

static const char z85_chars[] =
    "0123456789abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/* ---- errors ------------------------------------------------------------- */

__attribute__((format(printf, 5, 6))) static int
set_err(wg_config_error_t *err, const char *file, unsigned line,
        unsigned column, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return WG_ECONFIG;
    snprintf(err->file, sizeof err->file, "%s", file);
    err->line = line;
    err->column = column;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return WG_ECONFIG;
}

/* A system error: sets *err and returns rc (a -errno). */
static int
sys_err(wg_config_error_t *err, const char *file, int rc, const char *what)
{
    set_err(err, file, 0, 0, "%s: %s", what, strerror(-rc));
    return rc;
}

static int
exists_err(wg_config_error_t *err, const char *path)
{
    set_err(err, path, 0, 0, "exists; not replaced");
    return -EEXIST;
}

/* ---- Z85 ---------------------------------------------------------------- */

void
wg_keys_to_z85(const uint8_t key[WG_KEY_LEN], char out[WG_KEY_Z85_LEN + 1])
{
    char *ok = zmq_z85_encode(out, key, WG_KEY_LEN);
    (void)ok; /* 32 is a multiple of 4: cannot fail */
}

/* Index of the first character of text[0..len) outside Z85, or len. */
static size_t
z85_bad_char(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\0' || strchr(z85_chars, text[i]) == NULL)
            return i;
    return len;
}

static bool
z85_decode(const char *text, size_t len, uint8_t key[WG_KEY_LEN])
{
    char buf[WG_KEY_Z85_LEN + 1];

    if (len != WG_KEY_Z85_LEN || z85_bad_char(text, len) != len)
        return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    bool ok = zmq_z85_decode(key, buf) != NULL;
    sodium_memzero(buf, sizeof buf);
    return ok;
}

int
wg_keys_from_z85(const char *text, uint8_t key[WG_KEY_LEN])
{
    return text != NULL && z85_decode(text, strlen(text), key) ? 0 : WG_ECONFIG;
}

void
wg_keys_wipe(wg_keypair_t *kp)
{
    sodium_memzero(kp, sizeof *kp);
}

int
wg_keys_generate(wg_keypair_t *out)
{
    char pub[WG_KEY_Z85_LEN + 1], sec[WG_KEY_Z85_LEN + 1];
    int rc = 0;

    if (zmq_curve_keypair(pub, sec) == -1)
        rc = -zmq_errno();
    else if (!z85_decode(pub, WG_KEY_Z85_LEN, out->public_key) ||
             !z85_decode(sec, WG_KEY_Z85_LEN, out->secret_key))
        rc = WG_EMALFORMED; /* libzmq gave text that is not Z85 */
    sodium_memzero(sec, sizeof sec);
    if (rc < 0)
        wg_keys_wipe(out);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

/* What a certificate holds, and where it said so. */
typedef struct {
    const char *path;
    wg_config_error_t *err;
    char section[LINE_MAX_CHARS + 1];
    bool in_section, in_curve, seen_curve;
    unsigned curve_line, pub_line, sec_line;
    int prev_depth;
    bool has_pub, has_sec;
    wg_keypair_t kp;
} cert_t;

/* One parsed line: `name`, or `name = value`, at an indentation depth.
 * Pointers are into the line; col_* are 1-based columns. */
typedef struct {
    unsigned depth;
    const char *name;
    size_t name_len;
    bool has_value;
    const char *value;
    size_t value_len;
    unsigned col_name, col_value;
} zpl_line_t;

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || strchr("$-_@.&+/", c) != NULL;
}

static size_t
skip_blanks(const char *s, size_t i, size_t len)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

/* The value after '=' at s[i]: quoted ("..." or '...', then only blanks or a
 * comment) or bare (to the end of the line, trailing blanks trimmed, as
 * pyzmq reads it: Z85 itself contains '#'). */
static int
parse_value(cert_t *c, unsigned lineno, const char *s, size_t i, size_t len,
            zpl_line_t *out)
{
    out->col_value = (unsigned)i + 1;
    if (i < len && (s[i] == '"' || s[i] == '\'')) {
        const char *end = memchr(s + i + 1, s[i], len - i - 1);
        if (end == NULL)
            return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                           "unterminated quoted value");
        out->value = s + i + 1;
        out->value_len = (size_t)(end - out->value);
        out->col_value = (unsigned)i + 2;
        i = skip_blanks(s, (size_t)(end - s) + 1, len);
        if (i < len && s[i] != '#')
            return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                           "unexpected text after the quoted value");
        return 0;
    }
    out->value = s + i;
    while (len > i && s[len - 1] == ' ')
        len--;
    out->value_len = len - i;
    return 0;
}

/* Splits a line that is neither blank nor a comment. */
static int
parse_line(cert_t *c, unsigned lineno, const char *s, size_t len,
           zpl_line_t *out)
{
    size_t i = skip_blanks(s, 0, len);

    if (i % INDENT != 0)
        return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                       "indentation must be a multiple of %d spaces", INDENT);
    out->depth = (unsigned)(i / INDENT);
    out->name = s + i;
    out->col_name = (unsigned)i + 1;
    while (i < len && is_name_char(s[i]))
        i++;
    out->name_len = (size_t)(s + i - out->name);
    if (out->name_len == 0)
        return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                       "expected a name, found '%c'", s[i]);
    i = skip_blanks(s, i, len);
    out->has_value = i < len && s[i] == '=';
    if (out->has_value)
        return parse_value(c, lineno, s, skip_blanks(s, i + 1, len), len, out);
    if (i < len && s[i] != '#')
        return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                       "unexpected '%c' after '%.*s'", s[i], (int)out->name_len,
                       out->name);
    return 0;
}

static bool
name_is(const zpl_line_t *l, const char *name)
{
    return l->name_len == strlen(name) &&
           memcmp(l->name, name, l->name_len) == 0;
}

/* A property of the curve section: public-key or secret-key. */
static int
curve_property(cert_t *c, unsigned lineno, const zpl_line_t *l)
{
    bool pub = name_is(l, "public-key");
    unsigned *seen_line = pub ? &c->pub_line : &c->sec_line;

    if (!pub && !name_is(l, "secret-key"))
        return set_err(c->err, c->path, lineno, l->col_name,
                       "unknown property '%.*s' in the curve section "
                       "(public-key or secret-key)",
                       (int)l->name_len, l->name);
    if (!l->has_value)
        return set_err(c->err, c->path, lineno, l->col_name,
                       "expected '=' after '%.*s'", (int)l->name_len, l->name);
    if (*seen_line != 0)
        return set_err(c->err, c->path, lineno, l->col_name,
                       "second %.*s (the first is on line %u)",
                       (int)l->name_len, l->name, *seen_line);
    if (l->value_len != WG_KEY_Z85_LEN)
        return set_err(c->err, c->path, lineno, l->col_value,
                       "%.*s must be %d Z85 characters, found %zu",
                       (int)l->name_len, l->name, WG_KEY_Z85_LEN, l->value_len);
    size_t bad = z85_bad_char(l->value, l->value_len);
    if (bad < l->value_len ||
        !z85_decode(l->value, l->value_len,
                    pub ? c->kp.public_key : c->kp.secret_key))
        return set_err(c->err, c->path, lineno, l->col_value + (unsigned)bad,
                       "%.*s: '%c' is not a Z85 character", (int)l->name_len,
                       l->name, bad < l->value_len ? l->value[bad] : '?');
    *seen_line = lineno;
    if (pub)
        c->has_pub = true;
    else
        c->has_sec = true;
    return 0;
}

/* Gives one parsed line its meaning. */
static int
cert_line(cert_t *c, unsigned lineno, const zpl_line_t *l)
{
    if ((int)l->depth > c->prev_depth + 1)
        return set_err(c->err, c->path, lineno, l->col_name,
                       "indented more than one level (%d spaces) below the "
                       "line above",
                       INDENT);
    c->prev_depth = (int)l->depth;
    if (l->depth == 0) {
        if (l->has_value) /* a property at the root: not ours, ignored */
            return 0;
        c->in_section = true;
        c->in_curve = name_is(l, "curve");
        if (c->in_curve && c->seen_curve)
            return set_err(c->err, c->path, lineno, l->col_name,
                           "second curve section (the first is on line %u)",
                           c->curve_line);
        if (c->in_curve) {
            c->seen_curve = true;
            c->curve_line = lineno;
        }
        return 0;
    }
    if (!c->in_section)
        return set_err(c->err, c->path, lineno, l->col_name,
                       "indented line before any section");
    if (!c->in_curve) /* metadata, or a section of someone else's */
        return 0;
    if (l->depth > 1)
        return set_err(c->err, c->path, lineno, l->col_name,
                       "the curve section has no subsections");
    return curve_property(c, lineno, l);
}

/* Parses the whole text; then checks that the parts fit together. */
static int
cert_parse(cert_t *c, char *text, size_t len)
{
    unsigned lineno = 0;
    size_t pos = 0;
    int rc;

    while (pos < len) {
        char *s = text + pos;
        char *nl = memchr(s, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        lineno++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        char *nul = memchr(s, '\0', n);
        if (nul != NULL)
            return set_err(c->err, c->path, lineno, (unsigned)(nul - s) + 1,
                           "NUL byte: not a text file");
        if (n > LINE_MAX_CHARS)
            return set_err(c->err, c->path, lineno, LINE_MAX_CHARS + 1,
                           "line longer than %d characters", LINE_MAX_CHARS);
        size_t i = skip_blanks(s, 0, n);
        if (i < n && s[i] == '\t')
            return set_err(c->err, c->path, lineno, (unsigned)i + 1,
                           "tab in the indentation (ZPL indents with %d "
                           "spaces)",
                           INDENT);
        if (i == n || s[i] == '#')
            continue;
        zpl_line_t l = {0};
        if ((rc = parse_line(c, lineno, s, n, &l)) < 0 ||
            (rc = cert_line(c, lineno, &l)) < 0)
            return rc;
    }
    if (!c->seen_curve)
        return set_err(c->err, c->path, 0, 0,
                       "no curve section: not a ZeroMQ certificate");
    if (!c->has_pub)
        return set_err(c->err, c->path, c->curve_line, 1,
                       "the curve section has no public-key");
    if (c->has_sec) {
        char sec[WG_KEY_Z85_LEN + 1], pub[WG_KEY_Z85_LEN + 1];
        uint8_t derived[WG_KEY_LEN];
        wg_keys_to_z85(c->kp.secret_key, sec);
        bool ok = zmq_curve_public(pub, sec) == 0 &&
                  z85_decode(pub, WG_KEY_Z85_LEN, derived) &&
                  memcmp(derived, c->kp.public_key, WG_KEY_LEN) == 0;
        sodium_memzero(sec, sizeof sec);
        if (!ok)
            return set_err(c->err, c->path, c->sec_line, 5,
                           "secret-key does not belong to the public-key on "
                           "line %u",
                           c->pub_line);
    }
    return 0;
}

/* Reads a regular file of at most FILE_MAX bytes into *text (malloc'd,
 * NUL-terminated); *mode is its permission bits. */
static int
read_file(const char *path, char **text, size_t *len, mode_t *mode,
          wg_config_error_t *err)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0)
        return sys_err(err, path, -errno, "cannot open");
    if (fstat(fd, &st) < 0) {
        rc = sys_err(err, path, -errno, "cannot stat");
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = set_err(err, path, 0, 0, "not a regular file");
        goto out;
    }
    if ((buf = malloc(FILE_MAX + 1)) == NULL) {
        rc = sys_err(err, path, -ENOMEM, "cannot read");
        goto out;
    }
    /* Read to FILE_MAX + 1 bytes: the size may change under us. */
    while (n <= FILE_MAX) {
        ssize_t got = read(fd, buf + n, FILE_MAX + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = sys_err(err, path, -errno, "cannot read");
            goto out;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > FILE_MAX) {
        rc = set_err(err, path, 0, 0, "larger than %d KiB: not a certificate",
                     FILE_MAX / 1024);
        goto out;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    *mode = st.st_mode & 07777;
    buf = NULL;
out:
    if (buf != NULL) {
        sodium_memzero(buf, n);
        free(buf);
    }
    close(fd);
    return rc;
}

/* Loads and checks a certificate; *c says what it holds. */
static int
cert_load(const char *path, cert_t *c, wg_config_error_t *err)
{
    char *text = NULL;
    size_t len = 0;
    mode_t mode = 0;
    int rc;

    memset(c, 0, sizeof *c);
    c->path = path;
    c->err = err;
    if ((rc = read_file(path, &text, &len, &mode, err)) < 0)
        return rc;
    rc = cert_parse(c, text, len);
    sodium_memzero(text, len);
    free(text);
    if (rc == 0 && c->has_sec && (mode & 077) != 0)
        rc = set_err(err, path, 0, 0,
                     "holds a secret key but has mode %04o (group or others "
                     "may use it); run: chmod 600 %s",
                     (unsigned)mode, path);
    if (rc < 0)
        wg_keys_wipe(&c->kp);
    return rc;
}

int
wg_keys_load_secret(const char *path, wg_keypair_t *out, wg_config_error_t *err)
{
    cert_t c;
    int rc;

    if ((rc = cert_load(path, &c, err)) < 0)
        return rc;
    if (!c.has_sec)
        return set_err(err, path, 0, 0,
                       "no secret-key: this is a public certificate (wg "
                       "names the secret one NAME.key, pyzmq and CZMQ "
                       "NAME.key_secret)");
    *out = c.kp;
    wg_keys_wipe(&c.kp);
    return 0;
}

int
wg_keys_load_public(const char *path, uint8_t public_key[WG_KEY_LEN],
                    wg_config_error_t *err)
{
    cert_t c;
    int rc;

    if ((rc = cert_load(path, &c, err)) < 0)
        return rc;
    memcpy(public_key, c.kp.public_key, WG_KEY_LEN);
    wg_keys_wipe(&c.kp);
    return 0;
}

/* ---- writing ------------------------------------------------------------ */

static bool
valid_name(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > WG_KEY_NAME_MAX || name[0] == '.' || name[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_name_char(name[i]) || strchr("$@&+/", name[i]) != NULL)
            return false;
    return true;
}

/* The text of a certificate; secret NULL for the public one. */
static int
cert_text(char *buf, size_t cap, const char *name, const char *pub,
          const char *secret)
{
    char when[64] = "?";
    struct tm tm;
    time_t now = time(NULL);
    int n;

    if (gmtime_r(&now, &tm) != NULL)
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    if (secret != NULL)
        n = snprintf(buf, cap,
                     "#   ****  Generated on %s by wg  ****\n"
                     "#   ZeroMQ CURVE **Secret** Certificate\n"
                     "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change "
                     "its permissions.\n\n"
                     "metadata\n    name = \"%s\"\n"
                     "curve\n    public-key = \"%s\"\n"
                     "    secret-key = \"%s\"\n",
                     when, name, pub, secret);
    else
        n = snprintf(buf, cap,
                     "#   ****  Generated on %s by wg  ****\n"
                     "#   ZeroMQ CURVE Public Certificate\n"
                     "#   Exchange securely, or use a secure mechanism to "
                     "verify the contents\n"
                     "#   of this file after exchange.\n\n"
                     "metadata\n    name = \"%s\"\n"
                     "curve\n    public-key = \"%s\"\n",
                     when, name, pub);
    return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : n;
}

/* Creates path exclusively with the given mode (exactly that mode if
 * exact, else less the umask) and writes text to it; removes it again if
 * anything fails after the creation. */
static int
write_new(const char *path, const char *text, size_t len, mode_t mode,
          bool exact, wg_config_error_t *err)
{
    int rc = 0;
    size_t done = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

    if (fd < 0 && errno == EEXIST)
        return exists_err(err, path);
    if (fd < 0)
        return sys_err(err, path, -errno, "cannot create");
    /* The umask may have taken the owner's bits away. */
    if (exact && fchmod(fd, mode) < 0)
        rc = -errno;
    while (rc == 0 && done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno != EINTR)
            rc = -errno;
        else if (n > 0)
            done += (size_t)n;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc < 0) {
        unlink(path);
        return sys_err(err, path, rc, "cannot write");
    }
    return 0;
}

/* Joins dir/name+ext; a missing directory is reported by name. */
static int
key_path(char *buf, size_t cap, const char *dir, const char *name,
         const char *ext, wg_config_error_t *err)
{
    int n = dir != NULL ? snprintf(buf, cap, "%s/%s%s", dir, name, ext)
                        : snprintf(buf, cap, "%s%s", name, ext);

    if (n < 0 || (size_t)n >= cap)
        return sys_err(err, dir != NULL ? dir : name, -ENAMETOOLONG,
                       "path too long");
    return 0;
}

static int
check_dir(const char *dir, wg_config_error_t *err)
{
    struct stat st;

    if (dir == NULL)
        return 0;
    if (stat(dir, &st) < 0) {
        if (errno != ENOENT)
            return sys_err(err, dir, -errno, "cannot use the directory");
        set_err(err, dir, 0, 0, "no such directory (create it first)");
        return -ENOENT;
    }
    if (!S_ISDIR(st.st_mode))
        return sys_err(err, dir, -ENOTDIR, "cannot write keys there");
    return 0;
}

int
wg_keys_write(const char *dir, const char *name, const wg_keypair_t *kp,
              wg_config_error_t *err)
{
    char key_file[PATH_CAP], pub_file[PATH_CAP], text[TEXT_CAP];
    char pub[WG_KEY_Z85_LEN + 1], sec[WG_KEY_Z85_LEN + 1];
    int rc, n;

    if (!valid_name(name))
        return set_err(err, name, 0, 0,
                       "invalid certificate name: 1 to %d of A-Z a-z 0-9 . _ "
                       "-, not starting with . or -",
                       WG_KEY_NAME_MAX);
    if ((rc = check_dir(dir, err)) < 0 ||
        (rc = key_path(key_file, PATH_CAP, dir, name, ".key", err)) < 0 ||
        (rc = key_path(pub_file, PATH_CAP, dir, name, ".pub", err)) < 0)
        return rc;
    wg_keys_to_z85(kp->public_key, pub);
    wg_keys_to_z85(kp->secret_key, sec);
    n = cert_text(text, sizeof text, name, pub, sec);
    sodium_memzero(sec, sizeof sec);
    if (n < 0)
        return sys_err(err, key_file, n, "cannot write");
    /* Neither file may exist, or the pair would not match: check both
     * before creating anything (the exclusive creation still decides). */
    if (access(key_file, F_OK) == 0 || access(pub_file, F_OK) == 0) {
        sodium_memzero(text, sizeof text);
        return exists_err(err,
                          access(key_file, F_OK) == 0 ? key_file : pub_file);
    }
    rc = write_new(key_file, text, (size_t)n, 0600, true, err);
    sodium_memzero(text, sizeof text);
    if (rc < 0)
        return rc;
    if ((n = cert_text(text, sizeof text, name, pub, NULL)) < 0)
        rc = sys_err(err, pub_file, n, "cannot write");
    else
        rc = write_new(pub_file, text, (size_t)n, 0644, false, err);
    if (rc < 0)
        unlink(key_file); /* no half pair */
    return rc;
}
