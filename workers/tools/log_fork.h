/*
 * log_fork.h - wg-log's fork subcommand.
 */
#ifndef WG_LOG_FORK_H
#define WG_LOG_FORK_H

int wg_log_cmd_fork(int argc, char **argv);

#endif
