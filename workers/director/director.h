/*
 * director.h - what wg-director's parts share: the commands the director
 * types (one grammar for the console's command line and the scripted
 * mode), and the two faces, each of which runs the loop to the end.
 *
 *   pause | resume | extend SECONDS | force ROLE | eject ROLE |
 *   readmit ROLE | inject NAME | inject SECTOR KIND [NATION [COUNT]]
 *
 * ROLE is "command" or a nation code; NAME a scenario inject; KIND an
 * incident type of the scenario.
 */
#ifndef WG_DIRECTOR_DIRECTOR_H
#define WG_DIRECTOR_DIRECTOR_H

#include "client.h"

#include <stddef.h>

/* A parsed command; strings point into a copy the struct holds. */
typedef struct {
    Wgpb__V1__DirectorCommand cmd;
    Wgpb__V1__InjectOrder inject;
    char buf[256];
} director_cmd_t;

/* Parses one command line into out. Returns 0, or -1 with why (a
 * sentence) in err. */
int director_parse(const char *line, director_cmd_t *out, char *err, size_t n);

/* One line of the status for a log or a screen's header. */
void director_status_line(const Wgpb__V1__DirectorStatus *s, char *out,
                          size_t n);

/* The faces: each runs its own loop to the end and returns the exit code
 * (0: the director left or the script ended; 1: a signal; 2: bad input). */
int director_script(const wg_worker_config_t *cfg, const char *path);
int director_console(const wg_worker_config_t *cfg);

#endif
