/*
 * log_aids.h - wg-log's testing and benchmark aids: synth, bench-read.
 */
#ifndef WG_LOG_AIDS_H
#define WG_LOG_AIDS_H

int wg_log_cmd_synth(int argc, char **argv);
int wg_log_cmd_bench_read(int argc, char **argv);

#endif
