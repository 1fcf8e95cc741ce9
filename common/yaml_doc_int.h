/*
 * yaml_doc_int.h - the YAML machinery behind the scenario loader: one
 * document with marks, tables read against field lists, typed scalars, and
 * errors that name file, line, column and the node's path.
 *
 * common/yaml_doc.c implements it; the scenario_*.c files use it. Nothing
 * here keeps state between calls: a ctx_t lives for one load, on the stack
 * of the thread that loads. Every reader returns 0, or WG_ECONFIG after
 * filling c->err with the first problem found (-ENOMEM where libyaml runs
 * out of memory); nothing is logged.
 */
#ifndef WG_YAML_DOC_INT_H
#define WG_YAML_DOC_INT_H

#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>

#define MAX_FIELDS 32
#define PATH_MAX_LEN 160

/* One load: the document being walked and where its first error goes. */
typedef struct {
    yaml_document_t *doc;
    wg_config_error_t *err;
} ctx_t;

typedef enum {
    F_U32,
    F_U64,
    F_F64,
    F_BOOL,
    F_STR,
    F_ENUM,
    F_SUB,  /* a nested mapping with its own field list */
    F_NODE, /* kept as a node for the caller (lists, references) */
} ftype_t;

typedef struct {
    const char *name;
    int value;
} enum_name_t;

typedef struct field {
    const char *key;
    size_t off;
    size_t size; /* F_STR: buffer size */
    double min, max;
    const enum_name_t *names; /* F_ENUM, NULL-terminated */
    const struct field *sub;  /* F_SUB */
    size_t n_sub;
    ftype_t type;
    bool required;
} field_t;

/* clang-format off */
#define FIELD(T, m, ty, req, lo, hi)                                           \
    {.key = #m, .type = (ty), .off = offsetof(T, m),                           \
     .size = sizeof(((T *)0)->m), .required = (req), .min = (lo), .max = (hi)}
#define FENUM(T, m, req, list)                                                 \
    {.key = #m, .type = F_ENUM, .off = offsetof(T, m),                         \
     .size = sizeof(((T *)0)->m), .required = (req), .names = (list)}
#define FSUB(T, m, table)                                                      \
    {.key = #m, .type = F_SUB, .off = offsetof(T, m),                          \
     .size = sizeof(((T *)0)->m), .sub = (table),                              \
     .n_sub = sizeof(table) / sizeof((table)[0])}
#define FNODE(name, req) {.key = (name), .type = F_NODE, .required = (req)}
/* clang-format on */
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ---- */

/* Fills c->err at node (line 1, column 1 when NULL), the message prefixed
 * with path when there is one; returns WG_ECONFIG. */
__attribute__((format(printf, 4, 5))) int wg__yaml_fail(ctx_t *c,
                                                        const yaml_node_t *node,
                                                        const char *path,
                                                        const char *fmt, ...);
/* What a node is, for "got ..." in messages; may return buf. */
const char *wg__yaml_describe(const yaml_node_t *n, char *buf, size_t size);
/* Edit distance, for "did you mean"; (size_t)-1 for overlong names. */
size_t wg__yaml_distance(const char *a, const char *b);
/* "unknown key", with the nearest of known when one is close. */
int wg__yaml_unknown_key(ctx_t *c, const yaml_node_t *key, const char *path,
                         const char *const *known, size_t n_known);

/* ---- paths: out holds PATH_MAX_LEN ---- */

/* Paths are made for every value read, and printed only on an error:
 * copies, not snprintf, which was a tenth of a load; inline here, since a
 * call per value was measurable too. */
static inline size_t
put_prefix(char *out, const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    memcpy(out, s, n);
    return n;
}

static inline void
child_path(char *out, const char *path, const char *key)
{
    size_t n = 0;
    if (path[0]) {
        n = put_prefix(out, path, 80);
        out[n++] = '.';
    }
    n += put_prefix(out + n, key, 60);
    out[n] = '\0';
}

static inline void
item_path(char *out, const char *path, size_t i)
{
    char digits[24];
    size_t d = 0;
    do
        digits[d++] = (char)('0' + i % 10);
    while ((i /= 10) != 0);
    size_t n = put_prefix(out, path, 120);
    out[n++] = '[';
    while (d > 0)
        out[n++] = digits[--d];
    out[n++] = ']';
    out[n] = '\0';
}

/* ---- the document ---- */

/* Reads a whole file (to EOF: the path may be a pipe) into a new
 * NUL-terminated *text of *len bytes; a file of max bytes or more is not
 * `what` (the error says so). err names the file on any failure. */
int wg__yaml_read_file(const char *path, size_t max, const char *what,
                       char **text, size_t *len, wg_config_error_t *err);

/* Deepest nesting of lists and mappings a file may have: a scenario needs
 * five levels; libyaml takes time quadratic in the depth to load a
 * document (a list 100,000 deep took 37 s), so deeper input is refused
 * before it is loaded. */
#define WG_YAML_MAX_DEPTH 64

/* Most values (scalars, aliases, lists and mappings) a file may hold: a
 * scenario has about 700 and 512 written orders about 5,000, while libyaml
 * takes 2 s and 350 MB to load the 2 million of a 4 MB flow list, so more
 * are refused before it loads them. */
#define WG_YAML_MAX_NODES 65536

/* Reads text's parser events, in time linear in what it reads, and stops
 * at the first collection nested deeper than WG_YAML_MAX_DEPTH, the value
 * past WG_YAML_MAX_NODES or the first syntax error: WG_ECONFIG with err's
 * line, column and message (its file is left as it is), or -ENOMEM. 0
 * when every document is shallow and small enough. */
int wg__yaml_check_depth(const char *text, size_t len, wg_config_error_t *err);

/* Parses text as exactly one YAML document into c->doc and sets *root
 * (wg__yaml_check_depth first). On an error c->doc is left empty: the
 * caller deletes it only after a 0. */
int wg__yaml_load_document(ctx_t *c, const char *text, size_t len,
                           yaml_node_t **root);

static inline yaml_node_t *
node_at(ctx_t *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static inline yaml_node_t *
list_item(ctx_t *c, const yaml_node_t *n, size_t i)
{
    return node_at(c, n->data.sequence.items.start[i]);
}

/* ---- values ---- */

int wg__yaml_expect_type(ctx_t *c, const yaml_node_t *n, const char *path,
                         yaml_node_type_t type, const char *what);
/* An integer in min..max (max <= 0: no upper bound). */
int wg__yaml_read_u64(ctx_t *c, const yaml_node_t *n, const char *path,
                      double min, double max, uint64_t *out);
int wg__yaml_read_str(ctx_t *c, const yaml_node_t *n, const char *path,
                      char *out, size_t size);
int wg__yaml_read_enum(ctx_t *c, const yaml_node_t *n, const char *path,
                       const enum_name_t *names, int *out);
/* A list of at most max items; the (max+1)th item is the error. */
int wg__yaml_expect_list(ctx_t *c, const yaml_node_t *n, const char *path,
                         size_t max, size_t *count);
/*
 * Reads a mapping against a field list into the struct at base. Keys that
 * are absent keep the value already there (the default). found[i] gets the
 * value node of fields[i], or NULL; F_NODE fields are left for the caller.
 */
int wg__yaml_read_table(ctx_t *c, const yaml_node_t *map, const char *path,
                        const field_t *fields, size_t n_fields, void *base,
                        const yaml_node_t **found);

#endif
