/*
 * log_sign.h - wg-log's keygen and sign subcommands, and the signature
 * check verify runs.
 */
#ifndef WG_LOG_SIGN_H
#define WG_LOG_SIGN_H

#include <stdbool.h>

int wg_log_cmd_keygen(int argc, char **argv);
int wg_log_cmd_sign(int argc, char **argv);
/* Checks the detached signature at sig_path over LOG's final chain link
 * against the public key file; prints what it found. true if good. */
bool wg_log_check_signature(const char *log, const char *sig_path,
                            const char *pub_path);

#endif
