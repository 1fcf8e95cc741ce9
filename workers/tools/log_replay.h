/*
 * log_replay.h - wg-log's replay subcommand, and listen (a testing aid).
 */
#ifndef WG_LOG_REPLAY_H
#define WG_LOG_REPLAY_H

int wg_log_cmd_replay(int argc, char **argv);
int wg_log_cmd_listen(int argc, char **argv);

#endif
