/*
 * script.c - wg-director's scripted mode (--script FILE, or - for stdin):
 * the director's commands from a file, one a line, for tests and for
 * directors who prepare a session. Besides the commands of director.h:
 *
 *   wait turn N [PHASE]   until the exercise is at turn N (in PHASE, e.g.
 *                         RESPOND) or later
 *   wait started | wait end
 *   sleep MS
 *   status                prints the status line
 *   # ...                 a comment
 *
 * Each command is sent once the one before it was answered; its answer is
 * printed on stdout: "ok N: <what it did>" or "refused N: <why>". A line
 * that does not parse stops the script with exit 2 (file:line: why). The
 * script ends at its last line (exit 0), at the exercise's end while it
 * waits for it, or on SIGINT/SIGTERM (exit 1).
 *
 * Owns the loop, the client, a step timer and the signal handles, on
 * director_script()'s stack; single thread.
 */
#include "director.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 1024
#define STEP_MS 50

typedef struct {
    uv_loop_t loop;
    dclient_t *client;
    uv_timer_t step;
    uv_signal_t sigint, sigterm;
    const char *path;
    char *lines[MAX_LINES];
    size_t n_lines, next;
    int64_t waiting;      /* the command answered next; 0: none */
    bool refused;         /* an Error came for it */
    uint64_t sleep_until; /* loop time */
    bool ended, closing;
    int exit_code;
} script_t;

static void
script_close(script_t *s, int code)
{
    if (s->closing)
        return;
    s->closing = true;
    s->exit_code = code;
    uv_close((uv_handle_t *)&s->step, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    dclient_close(s->client);
}

/* Every line is read before anything connects: a line that is no command
 * is named (file:line) and the script does not start (exit 2). */
static int
check(const script_t *s)
{
    for (size_t i = 0; i < s->n_lines; i++) {
        const char *line = s->lines[i];
        director_cmd_t c;
        char why[200] = "";
        unsigned n;
        char word[32];
        while (*line == ' ' || *line == '\t')
            line++;
        if (line[0] == '\0' || line[0] == '#' ||
            strcmp(line, "wait end") == 0 ||
            strcmp(line, "wait started") == 0 ||
            sscanf(line, "wait turn %u %31s", &n, word) >= 1 ||
            sscanf(line, "sleep %u", &n) == 1)
            continue;
        if (strncmp(line, "wait", 4) == 0 || strncmp(line, "sleep", 5) == 0)
            snprintf(why, sizeof why, "not a wait or a sleep: %s", line);
        else if (director_parse(line, &c, why, sizeof why) == 0)
            continue;
        fprintf(stderr, "%s:%zu: %s\n", s->path, i + 1, why);
        return 2;
    }
    return 0;
}

static int
load(script_t *s)
{
    FILE *f = strcmp(s->path, "-") == 0 ? stdin : fopen(s->path, "r");
    char buf[512];
    if (f == NULL) {
        fprintf(stderr, "wg-director: %s: cannot read\n", s->path);
        return 2;
    }
    while (fgets(buf, sizeof buf, f) != NULL && s->n_lines < MAX_LINES) {
        buf[strcspn(buf, "\r\n")] = '\0';
        s->lines[s->n_lines] = strdup(buf);
        if (s->lines[s->n_lines] == NULL)
            break;
        s->n_lines++;
    }
    if (f != stdin)
        fclose(f);
    return check(s);
}

/* A wait: true once what it waits for holds. */
static bool
waited(script_t *s, const char *line, bool *bad)
{
    const Wgpb__V1__DirectorStatus *st = dclient_status(s->client);
    unsigned turn;
    char phase[32] = "";
    if (strcmp(line, "wait end") == 0)
        return s->ended || (st != NULL && st->done);
    if (strcmp(line, "wait started") == 0)
        return st != NULL && st->started;
    if (sscanf(line, "wait turn %u %31s", &turn, phase) < 1) {
        *bad = true;
        return false;
    }
    if (st == NULL || !st->started)
        return false;
    if (st->turn != turn)
        return st->turn > turn || st->done;
    return phase[0] == '\0' ||
           strcmp(dclient_phase_name(st->phase), phase) == 0;
}

static void
print_status(script_t *s)
{
    char line[1024];
    const Wgpb__V1__DirectorStatus *st = dclient_status(s->client);
    if (st == NULL)
        return;
    director_status_line(st, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
}

/* The answer to the command sent, once the status has counted it. */
static bool
answered(script_t *s)
{
    if (s->waiting == 0)
        return true;
    if (dclient_handled(s->client) < s->waiting)
        return false;
    const Wgpb__V1__DirectorStatus *st = dclient_status(s->client);
    if (s->refused)
        printf("refused %lld: %s\n", (long long)s->waiting,
               dclient_error(s->client));
    else
        printf("ok %lld: %s\n", (long long)s->waiting, st->last);
    fflush(stdout);
    s->waiting = 0;
    s->refused = false;
    return true;
}

static int
send_line(script_t *s, const char *line)
{
    director_cmd_t c;
    char why[200];
    if (director_parse(line, &c, why, sizeof why) != 0) {
        fprintf(stderr, "%s:%zu: %s\n", s->path, s->next + 1, why);
        return 2;
    }
    if (c.cmd.action == WGPB__V1__DIRECTOR_ACTION__DIRECTOR_STATUS) {
        print_status(s);
        return 0;
    }
    int64_t n = dclient_send(s->client, &c.cmd);
    if (n < 0) {
        fprintf(stderr, "wg-director: send: %s\n", wg_strerror((int)n));
        return 1;
    }
    s->waiting = n;
    return 0;
}

/* Runs the script as far as it can go now. */
static void
advance(script_t *s)
{
    while (!s->closing && answered(s) && uv_now(&s->loop) >= s->sleep_until) {
        if (s->next == s->n_lines) {
            script_close(s, 0);
            return;
        }
        const char *line = s->lines[s->next];
        bool bad = false;
        while (*line == ' ' || *line == '\t')
            line++;
        if (strncmp(line, "wait ", 5) == 0) {
            if (!waited(s, line, &bad) && !bad) {
                if (s->ended)
                    script_close(s, 0); /* it will never come */
                return;
            }
        } else if (strncmp(line, "sleep ", 6) == 0) {
            s->sleep_until = uv_now(&s->loop) + strtoul(line + 6, NULL, 10);
        } else if (line[0] != '\0' && line[0] != '#' &&
                   dclient_status(s->client) == NULL) {
            return; /* not welcomed yet: commands wait */
        } else if (line[0] != '\0' && line[0] != '#') {
            int rc = send_line(s, line);
            if (rc != 0) {
                script_close(s, rc);
                return;
            }
        }
        if (bad) {
            fprintf(stderr, "%s:%zu: not a wait: %s\n", s->path, s->next + 1,
                    line);
            script_close(s, 2);
            return;
        }
        s->next++;
    }
}

static void
client_cb(dclient_t *c, dclient_event_t ev, void *arg)
{
    (void)c;
    script_t *s = arg;
    if (ev == DCLIENT_REFUSED)
        s->refused = s->waiting != 0;
    else if (ev == DCLIENT_END)
        s->ended = true;
    else if (ev == DCLIENT_LINK && !dclient_linked(c))
        fprintf(stderr, "wg-director: reconnecting\n");
    advance(s);
}

static void
step_cb(uv_timer_t *t)
{
    advance(t->data);
}

static void
signal_cb(uv_signal_t *h, int signum)
{
    (void)signum;
    script_close(h->data, 1);
}

int
director_script(const wg_worker_config_t *cfg, const char *path)
{
    script_t s;
    int err;
    memset(&s, 0, sizeof s);
    s.path = path;
    int rc = load(&s);
    if (rc != 0 || uv_loop_init(&s.loop) < 0)
        goto out;
    s.client = dclient_new(&s.loop, cfg, client_cb, &s, &err);
    if (s.client == NULL) {
        fprintf(stderr, "wg-director: cannot connect: %s\n", wg_strerror(err));
        uv_loop_close(&s.loop);
        rc = 1;
        goto out;
    }
    uv_timer_init(&s.loop, &s.step);
    s.step.data = &s;
    uv_timer_start(&s.step, step_cb, STEP_MS, STEP_MS);
    uv_signal_init(&s.loop, &s.sigint);
    uv_signal_init(&s.loop, &s.sigterm);
    s.sigint.data = s.sigterm.data = &s;
    uv_signal_start(&s.sigint, signal_cb, SIGINT);
    uv_signal_start(&s.sigterm, signal_cb, SIGTERM);
    uv_run(&s.loop, UV_RUN_DEFAULT);
    dclient_free(&s.client);
    if (uv_loop_close(&s.loop) != 0)
        WG_DIAG_WARN("loop closed with handles still open");
    rc = s.exit_code;
out:
    for (size_t i = 0; i < s.n_lines; i++)
        free(s.lines[i]);
    return rc;
}
