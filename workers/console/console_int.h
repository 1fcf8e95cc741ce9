/*
 * console_int.h - the team console's parts (console.c: the seat and the
 * flow of a phase; console_forms.c: the fields of each kind of order;
 * console_draw.c: what the screen shows). Private to workers/console/.
 */
#ifndef WG_CONSOLE_INT_H
#define WG_CONSOLE_INT_H

#include "console.h"
#include "tui.h"
#include "wg/bot.h"
#include "wg/phases.h"
#include "wg/state.h"
#include "wg/worker.h"

#include <stdbool.h>
#include <stdint.h>

#define CONSOLE_MAX_FIELDS (WG_MAX_SECTORS + WG_MAX_NATIONS + 8)
#define CONSOLE_LINE 512
#define CONSOLE_RECENT 4

/* Where the team is with the phase it owes. */
typedef enum {
    CONSOLE_IDLE,    /* nothing owed now */
    CONSOLE_MENU,    /* owed; an assistant's proposal waits for a choice */
    CONSOLE_FORM,    /* the team fills the fields */
    CONSOLE_CONFIRM, /* the orders are valid; send them? */
    CONSOLE_SENT,    /* sent for this phase */
    CONSOLE_MISSED,  /* the deadline passed: the fallback played */
} console_step_t;

/* What the team did with the assistant's proposal (wgpb Assistance). */
typedef enum {
    CONSOLE_OWN = 1,
    CONSOLE_PROPOSAL = 2,
    CONSOLE_EDITED = 3,
} console_use_t;

typedef struct console console_t;

/* One field of a form: its label, help, the text of the draft's value,
 * and a parser of what the team typed into the draft. */
typedef struct {
    char label[64];
    char help[CONSOLE_LINE];
    /* The draft's value as text (what the field starts with). */
    void (*format)(const console_t *c, const wg_orders_t *o, int arg, char *buf,
                   size_t n);
    /* The typed text into the draft: 0, or -1 with the reason in why. */
    int (*parse)(console_t *c, int arg, const char *text, char *why, size_t n);
    int arg; /* a sector, a nation, an incident: which one */
} console_field_t;

struct console {
    wg_worker_t *w;
    uv_loop_t *loop;
    wg_tui_t *tui;
    uv_timer_t tick; /* the countdown, once a second */
    bool tick_open;
    const wg_bot_t *assist; /* the staff assistant, or NULL */
    char operator_name[128];
    bool command;
    const char *role; /* "command" or the nation's code */

    /* What the role was shown last. */
    const wg_scenario_t *sc;
    int key, nation; /* role key; nation index or -1 */
    uint32_t total_turns;
    uint32_t turn;
    int phase;
    wg_turn_type_t type;
    wg_state_t *st;
    wg_nation_seen_t seen[WG_MAX_NATIONS];
    bool have_picture;
    wg_turn_result_t *last; /* the last turn's result */
    uint32_t last_turn;     /* 0: none yet */
    bool link_up, ever_up;

    /* The phase owed now. */
    console_step_t step;
    uint8_t *ts; /* the owed TurnStart as it came */
    size_t ts_len;
    uint32_t owed_turn;
    int owed_phase;
    uint64_t deadline_at; /* uv_now() ms */
    const wg_order_kind_t *kind;
    wg_turn_orders_t *mat; /* the phase's material (incidents, ...) */
    wg_orders_t draft, proposal;
    bool has_proposal;
    console_use_t use;
    console_field_t fields[CONSOLE_MAX_FIELDS];
    int n_fields, field;
    char summary[CONSOLE_LINE]; /* of the orders being confirmed */

    char notice[CONSOLE_LINE]; /* a line about the last thing that happened */
    /* The last few of them, oldest first: what happened in a burst (a
     * deadline, the fallback, joining again) stays on the screen. */
    char recent[CONSOLE_RECENT][CONSOLE_LINE];
    int n_recent;
    char stderr_path[512]; /* where diagnostics go, if moved */
    unsigned sent, missed, refused;
};

/* console_forms.c */
/* Lays out the fields of c->kind for the phase owed (c->n_fields). */
void console_forms_build(console_t *c);
/* One line about the draft, for the confirm dialog and the screen. */
void console_forms_describe(const console_t *c, const wg_orders_t *o, char *buf,
                            size_t n);
/* The ROE action's word ("hold", ...). */
const char *console_roe_name(int action);

/* console_draw.c */
void console_draw_cb(wg_tui_t *tui, int rows, int cols, void *arg);

#endif
