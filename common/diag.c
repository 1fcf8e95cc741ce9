/*
 * diag.c - diagnostic lines on stderr, and the error-code names.
 *
 * Process-wide: one level and one role string, set by main before the loop
 * starts. Each line is written with one fprintf so lines of different
 * processes sharing a terminal do not interleave mid-line.
 */
#include "wg/diag.h"
#include "wg/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int wg_diag_level = WG_DIAG_LEVEL_INFO;
static char diag_role[64] = "wg";

void
wg_diag_set_role(const char *role)
{
    snprintf(diag_role, sizeof diag_role, "%s", role);
}

int
wg_diag_level_named(const char *name)
{
    static const char *names[] = {"err", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int
wg_diag_set_level_option(const char *prog, const char *name)
{
    int level = wg_diag_level_named(name);
    if (level < 0) {
        fprintf(stderr, "%s: --log-level: err, warn, info or debug, not %s\n",
                prog, name);
        return -1;
    }
    wg_diag_level = level;
    return 0;
}

void
wg_diag_init_from_env(void)
{
    const char *v = getenv("WG_LOG_LEVEL");
    int level = v != NULL ? wg_diag_level_named(v) : -1;
    if (level >= 0)
        wg_diag_level = level;
}

void
wg_diag_printf(int level, const char *file, const char *fmt, ...)
{
    static const char *tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    fprintf(stderr, "%02d:%02d:%02d.%03ld %s %s %s: %s\n", tm.tm_hour,
            tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, diag_role,
            tags[level < 0   ? 0
                 : level > 3 ? 3
                             : level],
            base, msg);
}

const char *
wg_strerror(int err)
{
    switch (err) {
#define XX(name, text)                                                         \
    case WG_E##name:                                                           \
        return text;
        WG_ERRNO_MAP(XX)
#undef XX
    default:
        break;
    }
    if (err < 0 && err > -4096)
        return strerror(-err);
    return "unknown error";
}
