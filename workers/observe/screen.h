/*
 * screen.h - the board on a terminal, with ncurses.
 *
 * The only file of wg-observe that speaks to the terminal: it opens the
 * screen (raw keys, so Ctrl-C is a key the board asks about rather than a
 * signal), follows its size (the caller's SIGWINCH handler calls
 * screen_resize), draws the lines board_text.c lays out, with an attribute
 * per kind of line, and reads keys without waiting. It keeps no state of
 * the board. One thread.
 */
#ifndef WG_OBSERVE_SCREEN_H
#define WG_OBSERVE_SCREEN_H

#include "board_text.h"

/* Keys, beside printable characters. */
#define SCREEN_KEY_NONE (-1)
#define SCREEN_KEY_CTRL_C 3
#define SCREEN_KEY_LEFT 0x1001
#define SCREEN_KEY_RIGHT 0x1002
#define SCREEN_KEY_HOME 0x1003
#define SCREEN_KEY_END 0x1004

/* Takes the terminal. Returns 0, or -1 (not a terminal, or no terminfo
 * for $TERM) after saying why on stderr. */
int screen_open(void);
/* Gives the terminal back as it was. Safe to call when not open. */
void screen_close(void);
/* The terminal changed size: asks the kernel for the new one. */
void screen_resize(void);
void screen_size(int *rows, int *cols);
/* Draws a whole picture (rows and cols of f are set here). */
void screen_draw(const board_t *b, board_frame_t *f);
/* The next key typed, or SCREEN_KEY_NONE. */
int screen_key(void);

#endif
