/*
 * log_check.h - wg-log's check subcommand (frames, chain and signature in
 * one pass, log_check.c), and the signature check verify runs with it.
 */
#ifndef WG_LOG_CHECK_H
#define WG_LOG_CHECK_H

#include <stdbool.h>

int wg_log_cmd_check(int argc, char **argv);
/* Checks the detached signature at sig_path against the public key file
 * and, record by record, against LOG; prints "signature: good ..." or
 * "signature: BAD: ..." naming the first record whose bytes are not the
 * signed ones. true if good. */
bool wg_log_check_signature(const char *log, const char *sig_path,
                            const char *pub_path);

#endif
