/*
 * wg/diag.h - diagnostic logging to stderr.
 *
 * One line per message: "time role file: message". The macros check the
 * level before formatting anything. Wall-clock time appears only here, never
 * in a decision. Per-message lines are DEBUG only.
 */
#ifndef WG_DIAG_H
#define WG_DIAG_H

typedef enum {
    WG_DIAG_LEVEL_ERR = 0,
    WG_DIAG_LEVEL_WARN = 1,
    WG_DIAG_LEVEL_INFO = 2,
    WG_DIAG_LEVEL_DEBUG = 3,
} wg_diag_level_t;

extern int wg_diag_level;

/* Sets the role shown on each line ("adjudicator", "contingent/FRA"). */
void wg_diag_set_role(const char *role);
/* Sets the level from a --log-level option's value; -1, after saying on
 * stderr what is allowed (prog first), if it names no level. */
int wg_diag_set_level_option(const char *prog, const char *name);
/* Reads WG_LOG_LEVEL (err, warn, info, debug) if set. */
void wg_diag_init_from_env(void);
/* The level named err, warn, info or debug; -1 for any other name. */
int wg_diag_level_named(const char *name);
void wg_diag_printf(int level, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define WG_DIAG_AT(lvl, ...)                                                   \
    do {                                                                       \
        if ((lvl) <= wg_diag_level)                                            \
            wg_diag_printf((lvl), __FILE__, __VA_ARGS__);                      \
    } while (0)
#define WG_DIAG_ERR(...) WG_DIAG_AT(WG_DIAG_LEVEL_ERR, __VA_ARGS__)
#define WG_DIAG_WARN(...) WG_DIAG_AT(WG_DIAG_LEVEL_WARN, __VA_ARGS__)
#define WG_DIAG_INFO(...) WG_DIAG_AT(WG_DIAG_LEVEL_INFO, __VA_ARGS__)
#define WG_DIAG_DEBUG(...) WG_DIAG_AT(WG_DIAG_LEVEL_DEBUG, __VA_ARGS__)

#endif
