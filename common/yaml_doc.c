/*
 * yaml_doc.c - the YAML machinery of the scenario loader (yaml_doc_int.h):
 * libyaml's document turned into typed values, with errors that point into
 * the file.
 *
 * Kept apart from the schema (scenario*.c) so that what a scenario holds
 * reads as field lists and checks, and how YAML is read, reported and
 * suggested ("did you mean") is written once. libyaml loads the whole file
 * as one document first, so every node keeps its line and column for the
 * message. No state outside the ctx_t of one load; safe from any thread.
 *
 * Errors: the first problem fills c->err (1-based line and column, and a
 * message that starts with the node's path: "nations[2].tour_weeks: ...")
 * and the function returns WG_ECONFIG; -ENOMEM when libyaml cannot start.
 */
#include "yaml_doc_int.h"

#include "wg/error.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

__attribute__((format(printf, 4, 0))) static int
failv(ctx_t *c, const yaml_mark_t *mark, const char *path, const char *fmt,
      va_list ap)
{
    char msg[sizeof c->err->message];

    vsnprintf(msg, sizeof msg, fmt, ap);
    c->err->line = mark ? (unsigned)mark->line + 1 : 1;
    c->err->column = mark ? (unsigned)mark->column + 1 : 1;
    if (path && path[0])
        snprintf(c->err->message, sizeof c->err->message, "%.100s: %.150s",
                 path, msg);
    else
        snprintf(c->err->message, sizeof c->err->message, "%s", msg);
    return WG_ECONFIG;
}

__attribute__((format(printf, 3, 4))) static int
fail_at(ctx_t *c, const yaml_mark_t *mark, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(c, mark, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int
wg__yaml_fail(ctx_t *c, const yaml_node_t *node, const char *path,
              const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = failv(c, node ? &node->start_mark : NULL, path, fmt, ap);
    va_end(ap);
    return rc;
}

static bool
is_null(const yaml_node_t *n)
{
    const char *v;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    v = (const char *)n->data.scalar.value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") ||
           !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* What a node is, for "got ..." in messages. */
const char *
wg__yaml_describe(const yaml_node_t *n, char *buf, size_t size)
{
    if (n->type == YAML_MAPPING_NODE)
        return "a mapping";
    if (n->type == YAML_SEQUENCE_NODE)
        return "a list";
    if (is_null(n))
        return "nothing";
    if (n->data.scalar.length > 40)
        snprintf(buf, size, "\"%.37s...\"", (const char *)n->data.scalar.value);
    else
        snprintf(buf, size, "\"%s\"", (const char *)n->data.scalar.value);
    return buf;
}

/* Edit distance, for "did you mean" on unknown keys. */
size_t
wg__yaml_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[WG_NAME_MAX + 1];

    if (la > WG_NAME_MAX || lb > WG_NAME_MAX)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

int
wg__yaml_unknown_key(ctx_t *c, const yaml_node_t *key, const char *path,
                     const char *const *known, size_t n_known)
{
    const char *k = (const char *)key->data.scalar.value;
    const char *best = NULL;
    size_t best_d = 3;

    for (size_t i = 0; i < n_known; i++) {
        size_t d = wg__yaml_distance(k, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    if (best)
        return wg__yaml_fail(c, key, path,
                             "unknown key \"%.40s\" (did you mean \"%s\"?)", k,
                             best);
    return wg__yaml_fail(c, key, path, "unknown key \"%.40s\"", k);
}

/* ---- scalars ---- */

int
wg__yaml_expect_type(ctx_t *c, const yaml_node_t *n, const char *path,
                     yaml_node_type_t type, const char *what)
{
    char buf[64];

    if (n->type != type)
        return wg__yaml_fail(c, n, path, "expected %s, got %s", what,
                             wg__yaml_describe(n, buf, sizeof buf));
    return 0;
}

/* Copies a plain scalar without YAML's digit separators ("40_000"). */
static bool
plain_number_text(const yaml_node_t *n, char *out, size_t size)
{
    const char *v = (const char *)n->data.scalar.value;
    size_t j = 0;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || !v[0])
        return false;
    for (size_t i = 0; v[i]; i++) {
        if (v[i] == '_' && i > 0 && v[i + 1])
            continue;
        if (j + 1 >= size)
            return false;
        out[j++] = v[i];
    }
    out[j] = '\0';
    return true;
}

int
wg__yaml_read_u64(ctx_t *c, const yaml_node_t *n, const char *path, double min,
                  double max, uint64_t *out)
{
    char text[64], buf[64], *end;
    unsigned long long v;
    bool ok = plain_number_text(n, text, sizeof text);

    for (size_t i = 0; ok && text[i]; i++)
        ok = text[i] >= '0' && text[i] <= '9';
    if (ok) {
        errno = 0;
        v = strtoull(text, &end, 10);
        ok = errno == 0 && *end == '\0';
    }
    if (!ok)
        return wg__yaml_fail(c, n, path, "expected a %s integer, got %s",
                             min >= 1 ? "positive" : "non-negative",
                             wg__yaml_describe(n, buf, sizeof buf));
    if (max > 0 && ((double)v < min || (double)v > max))
        return wg__yaml_fail(c, n, path, "%llu is out of range (%.0f to %.0f)",
                             v, min, max);
    if (max <= 0 && (double)v < min)
        return wg__yaml_fail(c, n, path,
                             "expected a positive integer, got %llu", v);
    *out = v;
    return 0;
}

static int
read_f64(ctx_t *c, const yaml_node_t *n, const char *path, double min,
         double max, double *out)
{
    char text[64], buf[64], *end;
    double v = 0;
    bool ok = plain_number_text(n, text, sizeof text), digit = false;

    /* strtod alone would take "inf", "nan" and hex; a scenario wants none. */
    for (size_t i = 0; ok && text[i]; i++) {
        if (text[i] >= '0' && text[i] <= '9')
            digit = true;
        else if (!strchr("+-.eE", text[i]))
            ok = false;
    }
    if (ok && digit) {
        errno = 0;
        v = strtod(text, &end);
        ok = errno == 0 && *end == '\0' && isfinite(v);
    } else {
        ok = false;
    }
    if (!ok)
        return wg__yaml_fail(c, n, path, "expected a number, got %s",
                             wg__yaml_describe(n, buf, sizeof buf));
    if (v < min || v > max)
        return wg__yaml_fail(c, n, path, "%g is out of range (%g to %g)", v,
                             min, max);
    *out = v;
    return 0;
}

static int
read_bool(ctx_t *c, const yaml_node_t *n, const char *path, bool *out)
{
    static const char *const yes[] = {"true", "True", "TRUE"};
    static const char *const no[] = {"false", "False", "FALSE"};
    char buf[64];

    if (n->type == YAML_SCALAR_NODE &&
        n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        const char *v = (const char *)n->data.scalar.value;
        for (size_t i = 0; i < 3; i++) {
            if (!strcmp(v, yes[i])) {
                *out = true;
                return 0;
            }
            if (!strcmp(v, no[i])) {
                *out = false;
                return 0;
            }
        }
    }
    return wg__yaml_fail(c, n, path, "expected true or false, got %s",
                         wg__yaml_describe(n, buf, sizeof buf));
}

int
wg__yaml_read_str(ctx_t *c, const yaml_node_t *n, const char *path, char *out,
                  size_t size)
{
    char buf[64];

    if (n->type != YAML_SCALAR_NODE || is_null(n) || !n->data.scalar.length)
        return wg__yaml_fail(c, n, path, "expected a non-empty string, got %s",
                             wg__yaml_describe(n, buf, sizeof buf));
    if (n->data.scalar.length >= size)
        return wg__yaml_fail(c, n, path, "longer than %zu characters",
                             size - 1);
    if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
        return wg__yaml_fail(c, n, path, "contains a NUL character");
    memcpy(out, n->data.scalar.value, n->data.scalar.length + 1);
    return 0;
}

int
wg__yaml_read_enum(ctx_t *c, const yaml_node_t *n, const char *path,
                   const enum_name_t *names, int *out)
{
    char list[160] = "", buf[64];
    size_t used = 0;

    if (n->type == YAML_SCALAR_NODE) {
        for (const enum_name_t *e = names; e->name; e++) {
            if (!strcmp((const char *)n->data.scalar.value, e->name)) {
                *out = e->value;
                return 0;
            }
        }
    }
    for (const enum_name_t *e = names; e->name && used < sizeof list; e++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 e == names ? "" : ", ", e->name);
    return wg__yaml_fail(c, n, path, "expected one of %s; got %s", list,
                         wg__yaml_describe(n, buf, sizeof buf));
}

/* ---- tables ---- */

/* One value of a table, at path, into its place in the struct at base. */
static int
read_field(ctx_t *c, const field_t *f, const yaml_node_t *v, const char *path,
           void *base)
{
    void *dst = (char *)base + f->off;
    uint64_t u = 0;
    double d = 0;
    int e = 0, rc;

    switch (f->type) {
    case F_U32:
        if ((rc = wg__yaml_read_u64(c, v, path, f->min, f->max, &u)))
            return rc;
        *(uint32_t *)dst = (uint32_t)u;
        break;
    case F_U64:
        if ((rc = wg__yaml_read_u64(c, v, path, f->min, f->max, &u)))
            return rc;
        *(uint64_t *)dst = u;
        break;
    case F_F64:
        if ((rc = read_f64(c, v, path, f->min, f->max, &d)))
            return rc;
        *(double *)dst = d;
        break;
    case F_BOOL:
        return read_bool(c, v, path, (bool *)dst);
    case F_STR:
        return wg__yaml_read_str(c, v, path, (char *)dst, f->size);
    case F_ENUM:
        if ((rc = wg__yaml_read_enum(c, v, path, f->names, &e)))
            return rc;
        memcpy(dst, &e, sizeof e);
        break;
    case F_SUB:
        return wg__yaml_read_table(c, v, path, f->sub, f->n_sub, dst, NULL);
    case F_NODE:
        break;
    }
    return 0;
}

/* The key names of a field list, for "did you mean" on an unknown one. */
static int
unknown_field(ctx_t *c, const yaml_node_t *key, const char *path,
              const field_t *fields, size_t n_fields)
{
    const char *known[MAX_FIELDS] = {0};

    for (size_t i = 0; i < n_fields; i++)
        known[i] = fields[i].key;
    return wg__yaml_unknown_key(c, key, path, known, n_fields);
}

int
wg__yaml_read_table(ctx_t *c, const yaml_node_t *map, const char *path,
                    const field_t *fields, size_t n_fields, void *base,
                    const yaml_node_t **found)
{
    const yaml_node_t *seen[MAX_FIELDS] = {0};
    char sub[PATH_MAX_LEN];
    int rc;

    if ((rc = wg__yaml_expect_type(c, map, path, YAML_MAPPING_NODE,
                                   "a mapping")))
        return rc;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
         p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(c, p->key), *v = node_at(c, p->value);
        const char *name;
        size_t i;

        if (k->type != YAML_SCALAR_NODE)
            return wg__yaml_fail(c, k, path, "keys must be plain names");
        /* The first byte settles most misses without a call to strcmp
         * (a key is looked up for every value of a scenario). */
        name = (const char *)k->data.scalar.value;
        for (i = 0; i < n_fields; i++)
            if (fields[i].key[0] == name[0] && !strcmp(name, fields[i].key))
                break;
        if (i == n_fields)
            return unknown_field(c, k, path, fields, n_fields);
        child_path(sub, path, fields[i].key);
        if (seen[i])
            return wg__yaml_fail(c, k, sub, "duplicate key (first at line %u)",
                                 (unsigned)seen[i]->start_mark.line + 1);
        seen[i] = k;
        if (found)
            found[i] = v;
        if ((rc = read_field(c, &fields[i], v, sub, base)))
            return rc;
    }
    for (size_t i = 0; i < n_fields; i++)
        if (fields[i].required && !seen[i])
            return wg__yaml_fail(c, map, path, "missing required key \"%s\"",
                                 fields[i].key);
    return 0;
}

/* A list of at most max items; the (max+1)th item is the error. */
int
wg__yaml_expect_list(ctx_t *c, const yaml_node_t *n, const char *path,
                     size_t max, size_t *count)
{
    int rc;
    size_t len;

    if ((rc = wg__yaml_expect_type(c, n, path, YAML_SEQUENCE_NODE, "a list")))
        return rc;
    len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (len > max) {
        char sub[PATH_MAX_LEN];
        item_path(sub, path, max);
        return wg__yaml_fail(c, node_at(c, n->data.sequence.items.start[max]),
                             sub, "too many entries (at most %zu)", max);
    }
    *count = len;
    return 0;
}

/* ---- the document ---- */

/* libyaml's reader errors carry a byte offset, not a mark. */
static yaml_mark_t
mark_of_offset(const char *text, size_t len, size_t offset)
{
    yaml_mark_t m = {0, 0, 0};

    for (size_t i = 0; i < offset && i < len; i++) {
        if (text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else {
            m.column++;
        }
    }
    m.index = offset;
    return m;
}

static int
syntax_error(ctx_t *c, const yaml_parser_t *p, const char *text, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    char ctx_text[96] = "";

    if (p->error == YAML_READER_ERROR)
        m = mark_of_offset(text, len, p->problem_offset);
    /* The problem mark is where libyaml gave up, often a line after the
     * real mistake; the context mark says where the construct began. */
    if (p->context && p->error != YAML_READER_ERROR)
        snprintf(ctx_text, sizeof ctx_text, " (%s at line %u, column %u)",
                 p->context, (unsigned)p->context_mark.line + 1,
                 (unsigned)p->context_mark.column + 1);
    else if (p->context)
        snprintf(ctx_text, sizeof ctx_text, " (%s)", p->context);
    return fail_at(c, &m, "YAML syntax error: %s%s",
                   p->problem ? p->problem : "unknown problem", ctx_text);
}

/* A second document would be silently ignored; say so instead. */
static int
no_second_document(ctx_t *c, yaml_parser_t *parser, const char *text,
                   size_t len)
{
    yaml_document_t extra;
    yaml_node_t *root;
    int rc = 0;

    if (!yaml_parser_load(parser, &extra))
        return syntax_error(c, parser, text, len);
    if ((root = yaml_document_get_root_node(&extra)))
        rc = fail_at(c, &root->start_mark,
                     "a second YAML document; a scenario is one document");
    yaml_document_delete(&extra);
    return rc;
}

static int
too_many(ctx_t *c, const yaml_event_t *ev)
{
    return fail_at(c, &ev->start_mark,
                   "more than %d values (scalars, lists and mappings)",
                   WG_YAML_MAX_NODES);
}

int
wg__yaml_check_depth(const char *text, size_t len, wg_config_error_t *err)
{
    ctx_t c = {NULL, err};
    yaml_parser_t parser;
    yaml_event_t ev;
    unsigned depth = 0;
    size_t nodes = 0;
    int rc = 0;

    if (!yaml_parser_initialize(&parser))
        return -ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (bool end = false; !end && rc == 0;) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = syntax_error(&c, &parser, text, len);
            break;
        }
        switch (ev.type) {
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
            if (++nodes > WG_YAML_MAX_NODES)
                rc = too_many(&c, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++nodes > WG_YAML_MAX_NODES)
                rc = too_many(&c, &ev);
            else if (++depth > WG_YAML_MAX_DEPTH)
                rc = fail_at(&c, &ev.start_mark,
                             "nested deeper than %d lists and mappings",
                             WG_YAML_MAX_DEPTH);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_STREAM_END_EVENT:
            end = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    return rc;
}

int
wg__yaml_load_document(ctx_t *c, const char *text, size_t len,
                       yaml_node_t **root)
{
    yaml_parser_t parser;
    int rc;

    if ((rc = wg__yaml_check_depth(text, len, c->err)))
        return rc;
    if (!yaml_parser_initialize(&parser))
        return -ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, c->doc)) {
        rc = syntax_error(c, &parser, text, len);
        goto out;
    }
    if (!(*root = yaml_document_get_root_node(c->doc)))
        rc = wg__yaml_fail(c, NULL, "",
                           "empty file: expected a scenario mapping");
    else
        rc = no_second_document(c, &parser, text, len);
    if (rc)
        yaml_document_delete(c->doc);
out:
    yaml_parser_delete(&parser);
    return rc;
}

int
wg__yaml_read_file(const char *path, size_t max, const char *what, char **text,
                   size_t *len, wg_config_error_t *err)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f;
    int rc = 0;

    *text = NULL;
    *len = 0;
    memset(err, 0, sizeof *err);
    snprintf(err->file, sizeof err->file, "%s", path);
    if (!(f = fopen(path, "rb"))) {
        rc = -errno;
        snprintf(err->message, sizeof err->message, "cannot open: %s",
                 strerror(errno));
        return rc;
    }
    for (;;) {
        size_t want = 65536, got;
        char *grown;

        if (n >= max) {
            snprintf(err->message, sizeof err->message,
                     "larger than %zu bytes; not %s", max, what);
            rc = WG_ECONFIG;
            break;
        }
        if (!(grown = realloc(buf, n + want + 1))) {
            rc = -ENOMEM;
            break;
        }
        buf = grown;
        got = fread(buf + n, 1, want, f);
        n += got;
        if (got < want) {
            if (ferror(f)) {
                rc = -EIO;
                snprintf(err->message, sizeof err->message, "read error");
            }
            break;
        }
    }
    fclose(f);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
