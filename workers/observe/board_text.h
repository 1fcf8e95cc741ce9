/*
 * board_text.h - the board drawn as lines of text: one picture for the
 * terminal screen and for --plain/--once.
 *
 * board_lines() lays the board out for a size (rows, columns) and hands
 * each line to a callback with its kind, so a screen can give a kind its
 * attribute and a script gets the same words. Pure: no I/O, no clock (the
 * frame carries the caller's time).
 */
#ifndef WG_OBSERVE_BOARD_TEXT_H
#define WG_OBSERVE_BOARD_TEXT_H

#include "board.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    BOARD_LINE_TITLE = 0, /* the first line */
    BOARD_LINE_HEAD = 1,  /* a table's heading */
    BOARD_LINE_TEXT = 2,
    BOARD_LINE_ALERT = 3, /* reconnecting, a question, malformed input */
} board_line_kind_t;

typedef struct {
    const char *source; /* "live tcp://...", "replay of ex.wglog" */
    const char *status; /* "connected", "reconnecting ...", "turn 3 of 14" */
    bool alert;         /* the status is bad news */
    bool clock;         /* a live phase: show the time left */
    uint64_t now_ms;
    int rows; /* 0: no limit (the feed's last plain_feed lines) */
    int cols; /* at least 20 */
    int plain_feed;
    const char *bottom; /* the last line: keys, or a question */
    bool bottom_alert;
} board_frame_t;

typedef void (*board_line_cb)(int row, board_line_kind_t kind, const char *text,
                              void *arg);

/* Calls cb for each line of the picture, row 0 first; returns how many. */
int board_lines(const board_t *b, const board_frame_t *f, board_line_cb cb,
                void *arg);

#endif
