/*
 * wg/error.h - error codes of libwg.
 *
 * Functions return 0 on success or a negative code: -errno for system
 * errors (as libuv does), or one of the project codes below, which sit far
 * below any errno value. wg_strerror() names either kind.
 */
#ifndef WG_ERROR_H
#define WG_ERROR_H

#define WG_ERRNO_MAP(XX)                                                       \
    XX(CONFIG, "invalid configuration")                                        \
    XX(MALFORMED, "malformed message")                                         \
    XX(UNAUTHORISED, "sender not authorised")                                  \
    XX(TORN, "torn record at end of log")                                      \
    XX(CORRUPT, "corrupt record")                                              \
    XX(VERSION, "unsupported format version")                                  \
    XX(LIMIT, "size limit exceeded")                                           \
    XX(STATE, "operation not valid in this state")                             \
    XX(DIVERGED, "replay diverged from the record")                            \
    XX(BOT, "the bot failed")                                                  \
    XX(LOCKED, "locked: another process is writing it")

typedef enum {
    WG__ERR_BASE = -10000,
#define XX(name, _) WG_E##name,
    WG_ERRNO_MAP(XX)
#undef XX
} wg_errno_t;

const char *wg_strerror(int err);

#endif
