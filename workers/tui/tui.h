/*
 * tui.h - a small terminal UI on ncurses, driven from a libuv loop: the
 * seat consoles' common screen (team console, director's console, board).
 *
 * The screen is a body the owner draws, and three lines at the bottom the
 * layer draws: a help line (the open field's help text), the field line
 * (a prompt being edited) and the status line. A confirm dialog opens over
 * the body. Keys come from a uv_poll_t on stdin: while a dialog is open it
 * takes them, else while a field is open it takes them, else they go to
 * the owner's key callback. A terminal resize (SIGWINCH, watched by a
 * uv_signal_t, or ncurses' KEY_RESIZE) resizes and redraws.
 *
 * Ctrl-C is left to the owner's SIGINT handler (the terminal stays in
 * cbreak mode, so the line discipline still sends SIGINT): the owner asks
 * with wg_tui_confirm() before it leaves.
 *
 * One wg_tui_t per process (ncurses has one screen), on the loop's thread.
 * wg_tui_new() takes the terminal (initscr); wg_tui_close() gives it back
 * at once (endwin) and closes the handles; the object is freed in their
 * close callbacks, so it must not be used after wg_tui_close(). Callbacks
 * never run after wg_tui_close(). If the process exits without closing, an
 * atexit handler gives the terminal back.
 *
 * Drawing: wg_tui_redraw() clears the screen, calls the owner's draw
 * callback (which writes with wg_tui_print() into rows 0 .. body_rows-1),
 * then draws the bottom lines and any dialog, and refreshes. Call it after
 * anything the body shows has changed; the layer calls it after every key
 * it takes and after a resize.
 */
#ifndef WG_TUI_H
#define WG_TUI_H

#include <stdbool.h>
#include <uv.h>

typedef struct wg_tui wg_tui_t;

/* Attributes for wg_tui_print (bit flags). */
enum {
    WG_TUI_PLAIN = 0,
    WG_TUI_BOLD = 1 << 0,
    WG_TUI_REVERSE = 1 << 1,
    WG_TUI_ALERT = 1 << 2, /* bold, and red where the terminal has colour */
    WG_TUI_DIM = 1 << 3,
};

/* The key code the key callback gets when the terminal went away (stdin
 * closed or hung up): no more keys will come. */
#define WG_TUI_KEY_HANGUP (-2)

/* Draws the body: rows 0 .. rows-1 and columns 0 .. cols-1. */
typedef void (*wg_tui_draw_cb)(wg_tui_t *self, int rows, int cols, void *arg);
/* A key no open field or dialog took (ncurses key codes: KEY_UP, 'a', ...),
 * or WG_TUI_KEY_HANGUP. */
typedef void (*wg_tui_key_cb)(wg_tui_t *self, int key, void *arg);
/* A field was entered (text: what was typed, borrowed for the call) or
 * cancelled with Esc (text NULL). The field is closed before the call,
 * so the callback may open the next one. */
typedef void (*wg_tui_field_cb)(wg_tui_t *self, const char *text, void *arg);
/* A confirm dialog was answered: yes for 'y', no for 'n' or Esc. */
typedef void (*wg_tui_confirm_cb)(wg_tui_t *self, bool yes, void *arg);

/* Takes the terminal (stdin and stdout must be one) and starts watching
 * stdin and SIGWINCH on loop. Returns NULL with *err set (-ENOTTY when
 * stdin or stdout is no terminal, -EBUSY when a wg_tui_t exists, or the
 * libuv error). */
wg_tui_t *wg_tui_new(uv_loop_t *loop, wg_tui_draw_cb draw, wg_tui_key_cb key,
                     void *arg, int *err);

/* Gives the terminal back and closes the handles; frees self once they
 * report closed. NULL is a no-op. */
void wg_tui_close(wg_tui_t *self);

/* Clears and draws the whole screen (body, bottom lines, dialog). */
void wg_tui_redraw(wg_tui_t *self);

/* Rows and columns of the body (the screen less the three bottom lines;
 * at least 1 each). */
void wg_tui_body_size(const wg_tui_t *self, int *rows, int *cols);

/* Writes formatted text at (row, col) of the body with attributes attr,
 * cut at the right edge; rows outside the body are ignored. For draw
 * callbacks. */
void wg_tui_print(wg_tui_t *self, int row, int col, int attr, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

/* Sets the status line (the bottom line) and redraws; attr as above. */
void wg_tui_status(wg_tui_t *self, int attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Opens a field: a label, a help line shown above it, and an initial text
 * (NULL: empty) the user edits. Keys: printable characters, Backspace,
 * Left/Right, Home/End, Ctrl-U (clear), Enter (done: cb with the text),
 * Esc (cancel: cb with NULL). Returns 0, or -EBUSY if a field is open. */
int wg_tui_field(wg_tui_t *self, const char *label, const char *help,
                 const char *initial, wg_tui_field_cb cb, void *arg);

/* Opens a dialog over the body with a question (lines split at '\n') and
 * "[y/n]". Returns 0, or -EBUSY if a dialog is open. */
int wg_tui_confirm(wg_tui_t *self, const char *question, wg_tui_confirm_cb cb,
                   void *arg);

/* Closes the open field and dialog without calling their callbacks (for
 * an owner whose question was overtaken, e.g. a deadline passed). */
void wg_tui_cancel(wg_tui_t *self);

/* Is a field / a dialog open? */
bool wg_tui_field_open(const wg_tui_t *self);
bool wg_tui_dialog_open(const wg_tui_t *self);

#endif
