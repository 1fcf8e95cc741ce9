/*
 * command.c - the director's command grammar (director.h) and the status
 * line, shared by the console and the scripted mode. No state, no I/O.
 */
#include "director.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 6

static const struct {
    const char *word;
    Wgpb__V1__DirectorAction action;
    int min_args, max_args;
} verbs[] = {
    {"pause", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_PAUSE, 0, 0},
    {"resume", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_RESUME, 0, 0},
    {"extend", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND, 1, 1},
    {"force", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK, 1, 1},
    {"eject", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT, 1, 1},
    {"readmit", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_READMIT, 1, 1},
    {"inject", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT, 1, 4},
    {"status", WGPB__V1__DIRECTOR_ACTION__DIRECTOR_STATUS, 0, 0},
};

/* Splits buf in place into at most MAX_WORDS words; returns how many, or
 * -1 if there are more. */
static int
split(char *buf, char **w)
{
    int n = 0;
    for (char *tok = strtok(buf, " \t\r\n"); tok != NULL;
         tok = strtok(NULL, " \t\r\n")) {
        if (n == MAX_WORDS)
            return -1;
        w[n++] = tok;
    }
    return n;
}

static int
read_count(const char *s, uint32_t max, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || v == 0 || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* inject NAME, or inject SECTOR KIND [NATION [COUNT]]. */
static int
parse_inject(char **w, int n, director_cmd_t *out, char *err, size_t len)
{
    Wgpb__V1__InjectOrder *o = &out->inject;
    wgpb__v1__inject_order__init(o);
    out->cmd.inject = o;
    if (n == 2) {
        o->name = w[1];
        return 0;
    }
    o->sector = w[1];
    o->kind = w[2];
    if (n >= 4)
        o->nation = w[3];
    if (n == 5 && read_count(w[4], 100, &o->count) != 0) {
        snprintf(err, len, "inject: count '%s' is not 1 to 100", w[4]);
        return -1;
    }
    return 0;
}

int
director_parse(const char *line, director_cmd_t *out, char *err, size_t len)
{
    char *w[MAX_WORDS];
    memset(out, 0, sizeof *out);
    wgpb__v1__director_command__init(&out->cmd);
    snprintf(out->buf, sizeof out->buf, "%s", line);
    int n = split(out->buf, w);
    if (n <= 0) {
        snprintf(err, len, "%s", n == 0 ? "no command" : "too many words");
        return -1;
    }
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (strcmp(w[0], verbs[i].word) != 0)
            continue;
        if (n - 1 < verbs[i].min_args || n - 1 > verbs[i].max_args) {
            snprintf(err, len, "%s takes %d to %d words after it", w[0],
                     verbs[i].min_args, verbs[i].max_args);
            return -1;
        }
        out->cmd.action = verbs[i].action;
        if (out->cmd.action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND &&
            read_count(w[1], 3600, &out->cmd.seconds) != 0) {
            snprintf(err, len, "extend: '%s' is not 1 to 3600 seconds", w[1]);
            return -1;
        }
        if (out->cmd.action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT)
            return parse_inject(w, n, out, err, len);
        if (verbs[i].max_args == 1 &&
            out->cmd.action != WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EXTEND)
            out->cmd.role = w[1];
        return 0;
    }
    snprintf(err, len,
             "unknown command '%s' (pause, resume, extend, force, eject, "
             "readmit, inject)",
             w[0]);
    return -1;
}

void
director_status_line(const Wgpb__V1__DirectorStatus *s, char *out, size_t n)
{
    size_t at = 0;
    at +=
        (size_t)snprintf(out, n, "status turn %u/%u %s %s left %u roles",
                         s->turn, s->total_turns, dclient_phase_name(s->phase),
                         s->done      ? "over"
                         : s->paused  ? "paused"
                         : s->started ? "running"
                                      : "lobby",
                         s->ms_left);
    for (size_t i = 0; i < s->n_roles && at < n; i++)
        at += (size_t)snprintf(out + at, n - at, " %s=%s", s->roles[i]->role,
                               dclient_role_state_name(s->roles[i]->state));
    if (at < n)
        snprintf(out + at, n - at, " pending %u unauthorised %llu",
                 s->pending_injects, (unsigned long long)s->unauthorised);
}
