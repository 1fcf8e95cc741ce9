/*
 * log_info.h - wg-log's info and dump subcommands.
 */
#ifndef WG_LOG_INFO_H
#define WG_LOG_INFO_H

int wg_log_cmd_info(int argc, char **argv);
int wg_log_cmd_dump(int argc, char **argv);

#endif
