/*
 * tui_probe - a program that exercises the terminal UI layer
 * (workers/tui/tui.h) for integration.tui: a body that shows the screen's
 * size and the keys it got, a field ('f'), a confirm dialog ('q': leave?),
 * and Ctrl-C through a uv_signal_t that asks before leaving. Exits 0 when
 * the leave is confirmed, 3 when the terminal hangs up.
 */
#include "tui.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    uv_loop_t loop;
    uv_signal_t sigint;
    wg_tui_t *tui;
    int keys, rows, cols, rc;
    char entered[512];
} probe_t;

static void
draw_cb(wg_tui_t *tui, int rows, int cols, void *arg)
{
    probe_t *p = arg;
    p->rows = rows;
    p->cols = cols;
    wg_tui_print(tui, 0, 0, WG_TUI_BOLD, "tui probe body %dx%d", rows, cols);
    wg_tui_print(tui, 1, 0, WG_TUI_PLAIN, "keys taken by the body: %d",
                 p->keys);
    wg_tui_print(tui, 2, 0, WG_TUI_PLAIN, "last field: [%s]", p->entered);
    wg_tui_print(tui, rows - 1, 0, WG_TUI_DIM, "bottom row of the body");
}

static void
stop(probe_t *p, int rc)
{
    p->rc = rc;
    wg_tui_close(p->tui);
    p->tui = NULL;
    uv_close((uv_handle_t *)&p->sigint, NULL);
}

static void
leave_cb(wg_tui_t *tui, bool yes, void *arg)
{
    probe_t *p = arg;
    if (yes)
        stop(p, 0);
    else
        wg_tui_status(tui, WG_TUI_PLAIN, "staying");
}

static void
field_cb(wg_tui_t *tui, const char *text, void *arg)
{
    probe_t *p = arg;
    snprintf(p->entered, sizeof p->entered, "%s", text ? text : "(cancelled)");
    wg_tui_status(tui, WG_TUI_PLAIN, "field done");
}

static void
key_cb(wg_tui_t *tui, int key, void *arg)
{
    probe_t *p = arg;
    if (key == WG_TUI_KEY_HANGUP) {
        stop(p, 3);
        return;
    }
    p->keys++;
    if (key == 'f')
        wg_tui_field(tui, "troops", "help: a number of troops, Esc cancels",
                     "12", field_cb, p);
    else if (key == 'q')
        wg_tui_confirm(tui, "Leave the probe?\nNothing is lost.", leave_cb, p);
    else
        wg_tui_redraw(tui);
}

static void
sigint_cb(uv_signal_t *s, int signum)
{
    (void)signum;
    probe_t *p = s->data;
    wg_tui_confirm(p->tui, "Ctrl-C: leave the probe?", leave_cb, p);
}

int
main(void)
{
    probe_t p;
    memset(&p, 0, sizeof p);
    uv_loop_init(&p.loop);
    /* The hang-up must be seen on stdin, not by the signal's default. */
    signal(SIGHUP, SIG_IGN);
    int err = 0;
    p.tui = wg_tui_new(&p.loop, draw_cb, key_cb, &p, &err);
    if (p.tui == NULL) {
        fprintf(stderr, "tui_probe: %s\n", uv_strerror(err));
        uv_loop_close(&p.loop);
        return 2;
    }
    uv_signal_init(&p.loop, &p.sigint);
    p.sigint.data = &p;
    uv_signal_start(&p.sigint, sigint_cb, SIGINT);
    wg_tui_status(p.tui, WG_TUI_PLAIN, "ready");
    uv_run(&p.loop, UV_RUN_DEFAULT);
    if (uv_loop_close(&p.loop) != 0) {
        fprintf(stderr, "tui_probe: handles left open\n");
        return 1;
    }
    printf("tui_probe: left with %d\n", p.rc);
    return p.rc;
}
