/*
 * log_study.h - wg-log's subcommands for studying an exercise: view, diff.
 */
#ifndef WG_LOG_STUDY_H
#define WG_LOG_STUDY_H

int wg_log_cmd_view(int argc, char **argv);
int wg_log_cmd_diff(int argc, char **argv);

#endif
