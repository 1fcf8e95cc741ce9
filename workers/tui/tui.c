/*
 * tui.c - the seat consoles' terminal UI on ncurses (tui.h).
 *
 * Owns the ncurses screen (one per process: ncurses has one), a uv_poll_t
 * on stdin and a uv_signal_t for SIGWINCH, embedded in the wg_tui_t and
 * freed in their close callbacks. Loop thread only. Keys are read with
 * wgetch in no-delay mode until it has none, so one wake-up takes a burst
 * (a paste, an escape sequence). Errors: wg_tui_new() returns them; after
 * that nothing fails but ncurses drawing, which is not checked (a write to
 * a terminal that went away shows up as a hang-up on stdin).
 *
 * The screen is redrawn whole (erase, then everything) and ncurses sends
 * only what changed. idlok(FALSE) keeps it from scrolling regions of the
 * terminal, so a test's small VT100 model (tests/tools/vt_screen.py) reads
 * the same screen a team sees.
 */
#include "tui.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define FIELD_MAX 512
#define STATUS_MAX 512
#define TEXT_MAX 1024

struct wg_tui {
    uv_loop_t *loop;
    uv_poll_t input;
    uv_signal_t winch;
    int open_handles;
    bool closing;
    wg_tui_draw_cb draw;
    wg_tui_key_cb key;
    void *arg;
    bool colour;
    char status[STATUS_MAX];
    int status_attr;
    /* The open field. */
    bool field_open;
    char label[128];
    char help[TEXT_MAX];
    char text[FIELD_MAX];
    size_t len, cursor;
    wg_tui_field_cb field_cb;
    void *field_arg;
    /* The open dialog. */
    bool dialog_open;
    char question[TEXT_MAX];
    wg_tui_confirm_cb confirm_cb;
    void *confirm_arg;
};

/* The one screen: for the atexit handler, and to refuse a second one. */
static wg_tui_t *the_tui;
static bool curses_on;

static void
give_terminal_back(void)
{
    if (curses_on) {
        endwin();
        curses_on = false;
    }
}

static int
curses_attr(const wg_tui_t *self, int attr)
{
    int a = A_NORMAL;
    if (attr & WG_TUI_BOLD)
        a |= A_BOLD;
    if (attr & WG_TUI_REVERSE)
        a |= A_REVERSE;
    if (attr & WG_TUI_DIM)
        a |= A_DIM;
    if (attr & WG_TUI_ALERT)
        a |= A_BOLD | (self->colour ? COLOR_PAIR(1) : 0);
    return a;
}

/* Writes s at (row, col) cut at the screen's right edge. */
static void
put_text(const wg_tui_t *self, int row, int col, int attr, const char *s)
{
    int cols = COLS;
    if (row < 0 || row >= LINES || col < 0 || col >= cols)
        return;
    attrset(curses_attr(self, attr));
    mvaddnstr(row, col, s, cols - col);
    attrset(A_NORMAL);
}

void
wg_tui_body_size(const wg_tui_t *self, int *rows, int *cols)
{
    (void)self;
    *rows = LINES - 3 > 1 ? LINES - 3 : 1;
    *cols = COLS > 1 ? COLS : 1;
}

void
wg_tui_print(wg_tui_t *self, int row, int col, int attr, const char *fmt, ...)
{
    int rows, cols;
    wg_tui_body_size(self, &rows, &cols);
    if (row < 0 || row >= rows)
        return;
    char buf[TEXT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put_text(self, row, col, attr, buf);
}

/* The dialog: a box in the middle of the body, one row per line of the
 * question, and the keys it takes. */
static void
draw_dialog(wg_tui_t *self)
{
    char lines[8][TEXT_MAX];
    int n = 0, width = 14; /* "[y] yes  [n] no" */
    const char *p = self->question;
    while (n < 8 && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        if (l >= TEXT_MAX)
            l = TEXT_MAX - 1;
        memcpy(lines[n], p, l);
        lines[n][l] = '\0';
        if ((int)l > width)
            width = (int)l;
        n++;
        p += nl ? l + 1 : l;
    }
    int rows, cols;
    wg_tui_body_size(self, &rows, &cols);
    width = width + 4 < cols ? width + 4 : cols;
    int height = n + 4;
    int top = rows > height ? (rows - height) / 2 : 0;
    int left = (cols - width) / 2;
    char blank[TEXT_MAX];
    memset(blank, ' ', (size_t)width);
    blank[width] = '\0';
    for (int r = 0; r < height; r++)
        put_text(self, top + r, left, WG_TUI_REVERSE, blank);
    for (int i = 0; i < n; i++)
        put_text(self, top + 1 + i, left + 2, WG_TUI_REVERSE | WG_TUI_BOLD,
                 lines[i]);
    put_text(self, top + n + 2, left + 2, WG_TUI_REVERSE, "[y] yes  [n] no");
}

static void
draw_bottom(wg_tui_t *self)
{
    int help_row = LINES - 3, field_row = LINES - 2, status_row = LINES - 1;
    if (self->field_open) {
        put_text(self, help_row, 0, WG_TUI_DIM, self->help);
        char line[FIELD_MAX + 160];
        snprintf(line, sizeof line, "%s: %s", self->label, self->text);
        put_text(self, field_row, 0, WG_TUI_BOLD, line);
    }
    put_text(self, status_row, 0, self->status_attr, self->status);
}

void
wg_tui_redraw(wg_tui_t *self)
{
    if (self == NULL || self->closing)
        return;
    erase();
    int rows, cols;
    wg_tui_body_size(self, &rows, &cols);
    if (self->draw != NULL)
        self->draw(self, rows, cols, self->arg);
    draw_bottom(self);
    if (self->dialog_open)
        draw_dialog(self);
    if (self->field_open && !self->dialog_open) {
        int x = (int)(strlen(self->label) + 2 + self->cursor);
        move(LINES - 2, x < COLS ? x : COLS - 1);
        curs_set(1);
    } else {
        curs_set(0);
    }
    refresh();
}

void
wg_tui_status(wg_tui_t *self, int attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(self->status, sizeof self->status, fmt, ap);
    va_end(ap);
    self->status_attr = attr;
    wg_tui_redraw(self);
}

int
wg_tui_field(wg_tui_t *self, const char *label, const char *help,
             const char *initial, wg_tui_field_cb cb, void *arg)
{
    if (self->field_open)
        return -EBUSY;
    self->field_open = true;
    snprintf(self->label, sizeof self->label, "%s", label);
    snprintf(self->help, sizeof self->help, "%s", help ? help : "");
    snprintf(self->text, sizeof self->text, "%s", initial ? initial : "");
    self->len = self->cursor = strlen(self->text);
    self->field_cb = cb;
    self->field_arg = arg;
    wg_tui_redraw(self);
    return 0;
}

int
wg_tui_confirm(wg_tui_t *self, const char *question, wg_tui_confirm_cb cb,
               void *arg)
{
    if (self->dialog_open)
        return -EBUSY;
    self->dialog_open = true;
    snprintf(self->question, sizeof self->question, "%s", question);
    self->confirm_cb = cb;
    self->confirm_arg = arg;
    wg_tui_redraw(self);
    return 0;
}

void
wg_tui_cancel(wg_tui_t *self)
{
    self->field_open = false;
    self->dialog_open = false;
    wg_tui_redraw(self);
}

bool
wg_tui_field_open(const wg_tui_t *self)
{
    return self->field_open;
}

bool
wg_tui_dialog_open(const wg_tui_t *self)
{
    return self->dialog_open;
}

/* ---- keys ----------------------------------------------------------------
 */

static void
dialog_key(wg_tui_t *self, int ch)
{
    bool yes;
    if (ch == 'y' || ch == 'Y')
        yes = true;
    else if (ch == 'n' || ch == 'N' || ch == 27)
        yes = false;
    else
        return; /* only an answer closes it */
    self->dialog_open = false;
    wg_tui_confirm_cb cb = self->confirm_cb;
    wg_tui_redraw(self);
    if (cb != NULL)
        cb(self, yes, self->confirm_arg);
}

static void
field_done(wg_tui_t *self, bool entered)
{
    char text[FIELD_MAX];
    memcpy(text, self->text, sizeof text);
    self->field_open = false;
    wg_tui_field_cb cb = self->field_cb;
    wg_tui_redraw(self);
    if (cb != NULL)
        cb(self, entered ? text : NULL, self->field_arg);
}

static void
field_insert(wg_tui_t *self, int ch)
{
    if (self->len + 1 >= sizeof self->text)
        return;
    memmove(self->text + self->cursor + 1, self->text + self->cursor,
            self->len - self->cursor + 1);
    self->text[self->cursor++] = (char)ch;
    self->len++;
}

static void
field_key(wg_tui_t *self, int ch)
{
    switch (ch) {
    case '\n':
    case '\r':
    case KEY_ENTER:
        field_done(self, true);
        return;
    case 27: /* Esc */
        field_done(self, false);
        return;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (self->cursor > 0) {
            memmove(self->text + self->cursor - 1, self->text + self->cursor,
                    self->len - self->cursor + 1);
            self->cursor--;
            self->len--;
        }
        break;
    case KEY_LEFT:
        if (self->cursor > 0)
            self->cursor--;
        break;
    case KEY_RIGHT:
        if (self->cursor < self->len)
            self->cursor++;
        break;
    case KEY_HOME:
    case 1: /* Ctrl-A */
        self->cursor = 0;
        break;
    case KEY_END:
    case 5: /* Ctrl-E */
        self->cursor = self->len;
        break;
    case 21: /* Ctrl-U */
        self->text[0] = '\0';
        self->len = self->cursor = 0;
        break;
    default:
        if (ch >= 32 && ch < 127)
            field_insert(self, ch);
        break; /* anything else is no text */
    }
    wg_tui_redraw(self);
}

/* SIGWINCH: the terminal's new size to ncurses (which then also queues a
 * KEY_RESIZE, taken below as a plain redraw), and a full repaint. */
static void
resize(wg_tui_t *self)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
        ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS)) {
        resizeterm(ws.ws_row, ws.ws_col);
        clearok(curscr, TRUE);
    }
    wg_tui_redraw(self);
}

static void
take_key(wg_tui_t *self, int ch)
{
    if (ch == KEY_RESIZE)
        wg_tui_redraw(self);
    else if (self->dialog_open)
        dialog_key(self, ch);
    else if (self->field_open)
        field_key(self, ch);
    else if (self->key != NULL)
        self->key(self, ch, self->arg);
}

static void
stop_input(wg_tui_t *self)
{
    uv_poll_stop(&self->input);
    if (self->key != NULL)
        self->key(self, WG_TUI_KEY_HANGUP, self->arg);
}

static bool
hung_up(void)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void
input_cb(uv_poll_t *h, int status, int events)
{
    wg_tui_t *self = h->data;
    if (status < 0 || (events & UV_DISCONNECT)) {
        stop_input(self);
        return;
    }
    /* Bounded: a paste of more than this waits for the next wake-up,
     * which comes at once (stdin is still readable). */
    int got = 0;
    for (int i = 0; i < 256 && !self->closing; i++) {
        int ch = getch();
        if (ch == ERR)
            break;
        got++;
        take_key(self, ch);
    }
    /* Readable yet nothing to read: has the terminal hung up? */
    if (got == 0 && !self->closing && hung_up())
        stop_input(self);
}

static void
winch_cb(uv_signal_t *s, int signum)
{
    (void)signum;
    resize(s->data);
}

/* ---- lifetime ------------------------------------------------------------
 */

static void
start_curses(wg_tui_t *self)
{
    setlocale(LC_ALL, "");
    initscr();
    curses_on = true;
    cbreak(); /* keys at once; Ctrl-C still a signal */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    idlok(stdscr, FALSE);
    scrollok(stdscr, FALSE);
    set_escdelay(50);
    curs_set(0);
    if (has_colors() && start_color() == OK) {
        use_default_colors();
        init_pair(1, COLOR_RED, -1);
        self->colour = true;
    }
}

wg_tui_t *
wg_tui_new(uv_loop_t *loop, wg_tui_draw_cb draw, wg_tui_key_cb key, void *arg,
           int *err)
{
    static bool registered;
    if (the_tui != NULL) {
        *err = -EBUSY;
        return NULL;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        *err = -ENOTTY;
        return NULL;
    }
    wg_tui_t *self = calloc(1, sizeof *self);
    if (self == NULL) {
        *err = -ENOMEM;
        return NULL;
    }
    self->loop = loop;
    self->draw = draw;
    self->key = key;
    self->arg = arg;
    int rc = uv_poll_init(loop, &self->input, STDIN_FILENO);
    if (rc < 0) {
        free(self);
        *err = rc;
        return NULL;
    }
    self->input.data = self;
    uv_signal_init(loop, &self->winch);
    self->winch.data = self;
    self->open_handles = 2;
    if (!registered) {
        atexit(give_terminal_back);
        registered = true;
    }
    start_curses(self);
    the_tui = self;
    uv_poll_start(&self->input, UV_READABLE | UV_DISCONNECT, input_cb);
    uv_signal_start(&self->winch, winch_cb, SIGWINCH);
    wg_tui_redraw(self);
    return self;
}

static void
handle_closed_cb(uv_handle_t *h)
{
    wg_tui_t *self = h->data;
    if (--self->open_handles == 0)
        free(self);
}

void
wg_tui_close(wg_tui_t *self)
{
    if (self == NULL || self->closing)
        return;
    self->closing = true;
    give_terminal_back();
    the_tui = NULL;
    uv_close((uv_handle_t *)&self->input, handle_closed_cb);
    uv_close((uv_handle_t *)&self->winch, handle_closed_cb);
}
