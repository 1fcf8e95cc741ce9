/*
 * console.c - wg-director's ncurses console (the seat consoles' layer,
 * workers/tui/tui.h): the live state of every role and the clock, the
 * scenario's injects, and one key per action, each asking what it needs
 * in a field with help and, for what changes the exercise, a
 * confirmation. Ctrl-C (and q) ask before leaving; the director's leaving
 * changes nothing in the exercise. A lost link shows "reconnecting" until
 * a status comes again (client.c joins again meanwhile).
 *
 * Owns the loop, the client, the tui and two signal handles, on
 * director_console()'s stack; single thread.
 */
#include "director.h"

#include "tui.h"
#include "wg/diag.h"
#include "wg/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uv_loop_t loop;
    dclient_t *client;
    wg_tui_t *tui;
    uv_signal_t sigint, sigterm;
    bool closing, over;
    int exit_code;
    int64_t waiting;       /* our command awaiting its answer; 0: none */
    bool refused;          /* an Error came for it */
    director_cmd_t staged; /* a command waiting for its confirmation */
    char verb[16];         /* the action whose field is open */
} console_t;

static void
console_close(console_t *c, int code)
{
    if (c->closing)
        return;
    c->closing = true;
    c->exit_code = code;
    wg_tui_close(c->tui);
    uv_close((uv_handle_t *)&c->sigint, NULL);
    uv_close((uv_handle_t *)&c->sigterm, NULL);
    dclient_close(c->client);
}

/* ---- drawing ------------------------------------------------------------ */

static int
state_attr(int state)
{
    switch (state) {
    case WGPB__V1__ROLE_STATE__ROLE_STATE_THINKING:
        return WG_TUI_BOLD;
    case WGPB__V1__ROLE_STATE__ROLE_STATE_DEFAULTED:
    case WGPB__V1__ROLE_STATE__ROLE_STATE_DISCONNECTED:
    case WGPB__V1__ROLE_STATE__ROLE_STATE_EJECTED:
        return WG_TUI_ALERT;
    case WGPB__V1__ROLE_STATE__ROLE_STATE_WITHDRAWN:
    case WGPB__V1__ROLE_STATE__ROLE_STATE_NOT_JOINED:
        return WG_TUI_DIM;
    default:
        return WG_TUI_PLAIN;
    }
}

static int
draw_header(console_t *c, const Wgpb__V1__DirectorStatus *s)
{
    const wg_scenario_t *sc = dclient_scenario(c->client);
    wg_tui_print(c->tui, 0, 0, WG_TUI_REVERSE, " wg-director  %s ",
                 sc ? sc->name : "");
    if (!dclient_linked(c->client))
        wg_tui_print(c->tui, 1, 0, WG_TUI_ALERT, "reconnecting...");
    if (s == NULL) {
        wg_tui_print(c->tui, 2, 0, WG_TUI_PLAIN, "waiting for the adjudicator");
        return 3;
    }
    const char *clock = s->done      ? "OVER"
                        : s->paused  ? "PAUSED"
                        : s->started ? "running"
                                     : "lobby";
    wg_tui_print(c->tui, 2, 0, WG_TUI_BOLD, "turn %u/%u  %s  %s  %u.%u s left",
                 s->turn, s->total_turns, dclient_phase_name(s->phase), clock,
                 s->ms_left / 1000, s->ms_left % 1000 / 100);
    if (s->paused)
        wg_tui_print(c->tui, 2, 50, WG_TUI_ALERT, "PAUSED");
    return 4;
}

static int
draw_roles(console_t *c, const Wgpb__V1__DirectorStatus *s, int row, int rows)
{
    wg_tui_print(c->tui, row++, 0, WG_TUI_BOLD, "%-9s %s", "role", "state");
    for (size_t i = 0; i < s->n_roles && row < rows; i++)
        wg_tui_print(c->tui, row++, 0, state_attr(s->roles[i]->state),
                     "%-9s %s", s->roles[i]->role,
                     dclient_role_state_name(s->roles[i]->state));
    return row + 1;
}

static int
draw_injects(console_t *c, const Wgpb__V1__DirectorStatus *s, int row, int rows)
{
    if (row >= rows)
        return row;
    wg_tui_print(c->tui, row++, 0, WG_TUI_BOLD,
                 "injects (%u fired, waiting for the next incident turn)",
                 s->pending_injects);
    for (size_t i = 0; i < s->n_injects && row < rows; i++) {
        const Wgpb__V1__InjectStatus *in = s->injects[i];
        char when[16];
        if (in->turn)
            snprintf(when, sizeof when, "turn %u", in->turn);
        else
            snprintf(when, sizeof when, "manual");
        wg_tui_print(c->tui, row++, 0, in->fired ? WG_TUI_DIM : WG_TUI_PLAIN,
                     "%-20s %-8s %-6s %s", in->name, when,
                     in->fired ? "fired" : "", in->text);
    }
    return row + 1;
}

static void
draw_cb(wg_tui_t *tui, int rows, int cols, void *arg)
{
    (void)tui;
    (void)cols;
    console_t *c = arg;
    if (c->client == NULL)
        return; /* the terminal is taken before the client is made */
    const Wgpb__V1__DirectorStatus *s = dclient_status(c->client);
    int row = draw_header(c, s);
    if (s == NULL)
        return;
    row = draw_roles(c, s, row, rows);
    row = draw_injects(c, s, row, rows);
    if (row < rows && s->last[0])
        wg_tui_print(c->tui, row++, 0, WG_TUI_PLAIN, "last: %s", s->last);
    if (row < rows && dclient_result_line(c->client)[0])
        wg_tui_print(c->tui, row++, 0, WG_TUI_DIM, "%s",
                     dclient_result_line(c->client));
    if (s->unauthorised > 0 && row < rows)
        wg_tui_print(c->tui, row, 0, WG_TUI_ALERT,
                     "%llu director commands from other roles refused",
                     (unsigned long long)s->unauthorised);
}

static void
keys_line(console_t *c)
{
    wg_tui_status(c->tui, WG_TUI_PLAIN,
                  "p pause/resume  e extend  f force  j eject  r readmit  "
                  "i inject  a ad hoc  : command  q quit");
}

/* ---- commands ----------------------------------------------------------- */

static void
send_cmd(console_t *c, const director_cmd_t *d)
{
    int64_t n = dclient_send(c->client, &d->cmd);
    if (n < 0) {
        wg_tui_status(c->tui, WG_TUI_ALERT, "not sent: %s",
                      wg_strerror((int)n));
        return;
    }
    c->waiting = n;
    c->refused = false;
    wg_tui_status(c->tui, WG_TUI_PLAIN, "sent; waiting for the adjudicator");
}

static void
confirm_cb(wg_tui_t *tui, bool yes, void *arg)
{
    console_t *c = arg;
    if (yes)
        send_cmd(c, &c->staged);
    else
        wg_tui_status(tui, WG_TUI_PLAIN, "not sent");
}

/* Parses a command line; asks first for what changes the play. */
static void
take_line(console_t *c, const char *line)
{
    char why[200], q[300];
    if (director_parse(line, &c->staged, why, sizeof why) != 0) {
        wg_tui_status(c->tui, WG_TUI_ALERT, "%s", why);
        return;
    }
    switch (c->staged.cmd.action) {
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_FORCE_FALLBACK:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_EJECT:
    case WGPB__V1__DIRECTOR_ACTION__DIRECTOR_INJECT:
        snprintf(q, sizeof q, "%s\nThis is recorded and changes the exercise.",
                 line);
        wg_tui_confirm(c->tui, q, confirm_cb, c);
        break;
    default:
        send_cmd(c, &c->staged);
    }
}

static void
field_cb(wg_tui_t *tui, const char *text, void *arg)
{
    console_t *c = arg;
    char line[300];
    if (text == NULL || text[0] == '\0') {
        keys_line(c);
        return;
    }
    (void)tui;
    if (c->verb[0])
        snprintf(line, sizeof line, "%s %s", c->verb, text);
    else
        snprintf(line, sizeof line, "%s", text);
    take_line(c, line);
}

/* What each key asks, with the scenario's names in its help. */
static void
ask(console_t *c, const char *verb, const char *label, const char *initial)
{
    const wg_scenario_t *sc = dclient_scenario(c->client);
    char help[1024] = "";
    size_t at = 0;
    snprintf(c->verb, sizeof c->verb, "%s", verb);
    if (sc != NULL && strcmp(verb, "inject") == 0) {
        at += (size_t)snprintf(help, sizeof help, "scenario injects:");
        for (size_t i = 0; i < sc->n_injects && at < sizeof help; i++)
            at += (size_t)snprintf(help + at, sizeof help - at, " %s",
                                   sc->injects[i].name);
    } else if (sc != NULL && verb[0] == '\0') {
        snprintf(help, sizeof help,
                 "pause | resume | extend S | force ROLE | eject ROLE | "
                 "readmit ROLE | inject NAME | inject SECTOR KIND [NATION "
                 "[COUNT]]");
    } else if (sc != NULL && strcmp(verb, "extend") != 0) {
        at += (size_t)snprintf(help, sizeof help, "roles: command");
        for (size_t i = 0; i < sc->n_nations && at < sizeof help; i++)
            at += (size_t)snprintf(help + at, sizeof help - at, " %s",
                                   sc->nations[i].code);
    } else {
        snprintf(help, sizeof help,
                 "seconds to add to this phase's deadline "
                 "(1 to 3600)");
    }
    wg_tui_field(c->tui, label, help, initial, field_cb, c);
}

/* The ad-hoc inject: sector, kind, nation, count on one line. */
static void
ask_ad_hoc(console_t *c)
{
    const wg_scenario_t *sc = dclient_scenario(c->client);
    char help[1024];
    size_t at = (size_t)snprintf(help, sizeof help,
                                 "SECTOR KIND [NATION "
                                 "[COUNT]]; sectors:");
    for (size_t i = 0; sc != NULL && i < sc->n_sectors && at < sizeof help; i++)
        at += (size_t)snprintf(help + at, sizeof help - at, " %s",
                               sc->sectors[i].code);
    for (size_t i = 0;
         sc != NULL && i < sc->n_incident_types && at < sizeof help; i++)
        at += (size_t)snprintf(help + at, sizeof help - at, "%s%s",
                               i == 0 ? "; kinds: " : " ",
                               sc->incident_types[i].name);
    snprintf(c->verb, sizeof c->verb, "inject");
    wg_tui_field(c->tui, "ad-hoc inject", help, NULL, field_cb, c);
}

static void
leave_cb(wg_tui_t *tui, bool yes, void *arg)
{
    (void)tui;
    console_t *c = arg;
    if (yes)
        console_close(c, 0);
}

static void
ask_leave(console_t *c)
{
    if (c->over) {
        console_close(c, 0);
        return;
    }
    wg_tui_cancel(c->tui);
    wg_tui_confirm(c->tui,
                   "Leave the director's console?\nThe exercise goes on "
                   "(a pause stays until a director resumes it).",
                   leave_cb, c);
}

static void
key_cb(wg_tui_t *tui, int key, void *arg)
{
    console_t *c = arg;
    const Wgpb__V1__DirectorStatus *s = dclient_status(c->client);
    (void)tui;
    switch (key) {
    case 'p':
        take_line(c, s != NULL && s->paused ? "resume" : "pause");
        break;
    case 'e':
        ask(c, "extend", "extend the deadline by (s)", "60");
        break;
    case 'f':
        ask(c, "force", "force the fallback of", NULL);
        break;
    case 'j':
        ask(c, "eject", "eject", NULL);
        break;
    case 'r':
        ask(c, "readmit", "readmit", NULL);
        break;
    case 'i':
        ask(c, "inject", "fire the inject", NULL);
        break;
    case 'a':
        ask_ad_hoc(c);
        break;
    case ':':
        ask(c, "", "command", NULL);
        break;
    case 'q':
        ask_leave(c);
        break;
    case WG_TUI_KEY_HANGUP:
        console_close(c, 0); /* the terminal went away */
        break;
    default:
        break;
    }
}

/* ---- the client's news -------------------------------------------------- */

static void
client_cb(dclient_t *client, dclient_event_t ev, void *arg)
{
    console_t *c = arg;
    const Wgpb__V1__DirectorStatus *s = dclient_status(client);
    if (c->closing)
        return;
    if (ev == DCLIENT_REFUSED && c->waiting != 0)
        c->refused = true;
    if (ev == DCLIENT_END)
        c->over = true;
    if (c->waiting != 0 && dclient_handled(client) >= c->waiting) {
        if (c->refused)
            wg_tui_status(c->tui, WG_TUI_ALERT, "refused: %s",
                          dclient_error(client));
        else
            wg_tui_status(c->tui, WG_TUI_PLAIN, "done: %s", s->last);
        c->waiting = 0;
    }
    if (ev == DCLIENT_END)
        wg_tui_status(c->tui, WG_TUI_BOLD, "the exercise is over: q leaves");
    wg_tui_redraw(c->tui);
}

static void
signal_cb(uv_signal_t *h, int signum)
{
    console_t *c = h->data;
    if (signum == SIGTERM)
        console_close(c, 1);
    else if (!wg_tui_dialog_open(c->tui))
        ask_leave(c);
    if (!c->closing)
        wg_tui_redraw(c->tui);
}

int
director_console(const wg_worker_config_t *cfg)
{
    console_t c;
    int err;
    memset(&c, 0, sizeof c);
    if (uv_loop_init(&c.loop) < 0)
        return 1;
    c.tui = wg_tui_new(&c.loop, draw_cb, key_cb, &c, &err);
    if (c.tui == NULL) {
        fprintf(stderr,
                "wg-director: the console needs a terminal (%s); --script "
                "runs without one\n",
                wg_strerror(err));
        uv_loop_close(&c.loop);
        return 2;
    }
    /* Diagnostics would scribble over the screen: errors only. */
    if (wg_diag_level > WG_DIAG_LEVEL_ERR)
        wg_diag_level = WG_DIAG_LEVEL_ERR;
    c.client = dclient_new(&c.loop, cfg, client_cb, &c, &err);
    if (c.client == NULL) {
        wg_tui_close(c.tui);
        uv_run(&c.loop, UV_RUN_DEFAULT);
        uv_loop_close(&c.loop);
        fprintf(stderr, "wg-director: cannot connect: %s\n", wg_strerror(err));
        return 1;
    }
    uv_signal_init(&c.loop, &c.sigint);
    uv_signal_init(&c.loop, &c.sigterm);
    c.sigint.data = c.sigterm.data = &c;
    uv_signal_start(&c.sigint, signal_cb, SIGINT);
    uv_signal_start(&c.sigterm, signal_cb, SIGTERM);
    keys_line(&c);
    wg_tui_redraw(c.tui);
    uv_run(&c.loop, UV_RUN_DEFAULT);
    dclient_free(&c.client);
    if (uv_loop_close(&c.loop) != 0)
        WG_DIAG_WARN("loop closed with handles still open");
    return c.exit_code;
}
