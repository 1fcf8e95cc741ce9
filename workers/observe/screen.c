/*
 * screen.c - the board on a terminal (screen.h), with ncurses from Debian.
 *
 * Owns the ncurses screen between screen_open and screen_close. newterm()
 * rather than initscr(), which exits the process when $TERM is unusable.
 * libuv's SIGWINCH handler replaces ncurses' own, so the size is asked of
 * the kernel (TIOCGWINSZ) and handed to resizeterm(). One thread.
 */
#include "screen.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

static SCREEN *term;

int
screen_open(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "wg-observe: not a terminal: use --plain or --once "
                        "for text lines\n");
        return -1;
    }
    term = newterm(NULL, stdout, stdin);
    if (term == NULL) {
        const char *t = getenv("TERM");
        fprintf(stderr,
                "wg-observe: this terminal (TERM=%s) is not known to "
                "ncurses: set TERM, or use --plain\n",
                t != NULL ? t : "unset");
        return -1;
    }
    set_term(term);
    raw();
    noecho();
    nodelay(stdscr, TRUE);
    keypad(stdscr, TRUE);
    curs_set(0);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_CYAN, -1);
        init_pair(2, COLOR_YELLOW, -1);
        init_pair(3, COLOR_RED, -1);
    }
    return 0;
}

void
screen_close(void)
{
    if (term == NULL)
        return;
    endwin();
    delscreen(term);
    term = NULL;
}

void
screen_resize(void)
{
    struct winsize ws;
    if (term == NULL || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 ||
        ws.ws_row == 0 || ws.ws_col == 0)
        return;
    resizeterm(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE); /* repaint every cell: the old ones moved */
}

void
screen_size(int *rows, int *cols)
{
    *rows = LINES;
    *cols = COLS;
}

static void
draw_line(int row, board_line_kind_t kind, const char *text, void *arg)
{
    (void)arg;
    if (row >= LINES)
        return;
    attr_t a = A_NORMAL;
    short pair = 0;
    switch (kind) {
    case BOARD_LINE_TITLE:
        a = A_BOLD;
        pair = 1;
        break;
    case BOARD_LINE_HEAD:
        a = A_BOLD;
        break;
    case BOARD_LINE_ALERT:
        a = A_BOLD | A_REVERSE;
        pair = 2;
        break;
    case BOARD_LINE_TEXT:
        break;
    }
    if (pair != 0 && has_colors())
        a |= COLOR_PAIR(pair);
    attrset(a);
    mvaddnstr(row, 0, text, COLS);
    attrset(A_NORMAL);
}

void
screen_draw(const board_t *b, board_frame_t *f)
{
    f->rows = LINES;
    f->cols = COLS;
    erase();
    board_lines(b, f, draw_line, NULL);
    refresh();
}

int
screen_key(void)
{
    int c = getch();
    switch (c) {
    case ERR:
        return SCREEN_KEY_NONE;
    case KEY_LEFT:
    case KEY_UP:
    case KEY_PPAGE:
        return SCREEN_KEY_LEFT;
    case KEY_RIGHT:
    case KEY_DOWN:
    case KEY_NPAGE:
        return SCREEN_KEY_RIGHT;
    case KEY_HOME:
        return SCREEN_KEY_HOME;
    case KEY_END:
        return SCREEN_KEY_END;
    case KEY_RESIZE:
        return SCREEN_KEY_NONE;
    default:
        return c >= 0 && c < 256 ? c : SCREEN_KEY_NONE;
    }
}
