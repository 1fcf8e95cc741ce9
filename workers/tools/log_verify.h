/*
 * log_verify.h - wg-log's verify subcommand.
 */
#ifndef WG_LOG_VERIFY_H
#define WG_LOG_VERIFY_H

int wg_log_cmd_verify(int argc, char **argv);

#endif
