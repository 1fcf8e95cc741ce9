/*
 * console.c - the team console (console.h): the seat, and the flow of a
 * phase from its start to the team's confirmed orders on the wire.
 *
 * Owns the console_t (made by wg_console_attach, freed by
 * wg_console_detach), the terminal UI and a one-second timer for the
 * countdown (opened in the worker's start hook, closed in its stop hook).
 * Everything runs on the worker's loop thread, from the runtime's hooks
 * (wg_worker_console_t) and the terminal's keys. Nothing a team types
 * reaches the wire unread: a field's parser refuses what it cannot read,
 * and the whole order is read and validated by the phase table's take
 * (the adjudicator's own reader and rules) before the confirmation; a
 * refusal is said on the status line and nothing is sent.
 *
 * A phase (step): owed -> MENU (an assistant's proposal: accept, edit,
 * own) or FORM -> CONFIRM -> SENT; or MISSED when the adjudicator moved
 * on first (its fallback played: the console joins again so the team has
 * the next phase). Errors go to the status line and to stderr.
 */
#include "console_int.h"
#include "wg/diag.h"
#include "wg/error.h"
#include "wg/play.h"
#include "wg/rules.h"
#include "wg/share.h"
#include "wg/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void open_field(console_t *c, const char *text);

static void
redraw(console_t *c)
{
    wg_tui_redraw(c->tui);
}

/* A line about what just happened, on the screen and on stderr. */
static void say(console_t *c, int attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
say(console_t *c, int attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->notice, sizeof c->notice, fmt, ap);
    va_end(ap);
    WG_DIAG_INFO("%s", c->notice);
    if (c->n_recent == CONSOLE_RECENT) {
        memmove(c->recent[0], c->recent[1],
                (CONSOLE_RECENT - 1) * sizeof c->recent[0]);
        c->n_recent--;
    }
    memcpy(c->recent[c->n_recent++], c->notice, sizeof c->notice);
    if (c->tui != NULL)
        wg_tui_status(c->tui, attr, "%s", c->notice);
}

/* ---- the picture -------------------------------------------------------- */

static void
read_nations(console_t *c, const Wgpb__V1__Situation *m)
{
    for (size_t i = 0; i < m->n_nations; i++) {
        int n = wg_scenario_nation_index(c->sc, m->nations[i]->code);
        if (n >= 0)
            c->seen[n] = (wg_nation_seen_t){
                m->nations[i]->deployed, m->nations[i]->preparing,
                m->nations[i]->recovering, m->nations[i]->max_troops};
    }
}

/* The role's picture from a Situation: under a policy that splits the
 * traffic, only from what was addressed to the role. */
static void
take_picture(console_t *c, const Wgpb__V1__Envelope *env,
             const Wgpb__V1__Situation *m)
{
    if (m == NULL || c->sc == NULL)
        return;
    if (wg_share_split(c->sc->sharing) &&
        (env->recipient == NULL || env->recipient[0] == '\0'))
        return;
    if (wg_wire_read_situation(c->sc, m, c->st) != 0)
        return;
    read_nations(c, m);
    c->have_picture = true;
}

/* ---- sending --------------------------------------------------------------
 */

static int
copy_draft_cb(const wg_scenario_t *sc, const wg_phase_view_t *v,
              wg_orders_t *out, void *arg)
{
    (void)sc;
    (void)v;
    *out = ((const console_t *)arg)->draft;
    return 0;
}

/* The draft packed as the order envelope the phase asks for, with the
 * team's provenance. Returns 0, or a negative code. */
static int
pack_draft(console_t *c, uint8_t **buf, size_t *len)
{
    Wgpb__V1__Envelope *ts = wg_wire_unpack(c->ts, c->ts_len);
    if (ts == NULL)
        return WG_EMALFORMED;
    wg_bot_t team = {.abi_version = WG_BOT_ABI_VERSION,
                     .name = c->operator_name,
                     .decide = copy_draft_cb,
                     .arg = c};
    int rc = wg_play_phase(&team, c->sc, ts, c->key,
                           WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_HUMAN, NULL,
                           buf, len);
    wg_wire_free(ts);
    if (rc != 0)
        return rc < 0 ? rc : WG_ESTATE;
    /* What the team did with the assistant's proposal goes with it. */
    Wgpb__V1__Envelope *env = wg_wire_unpack(*buf, *len);
    free(*buf);
    *buf = NULL;
    if (env == NULL || env->provenance == NULL) {
        wg_wire_free(env);
        return WG_EMALFORMED;
    }
    env->provenance->assistance = (Wgpb__V1__Assistance)c->use;
    rc = wg_wire_pack(env, buf, len);
    wg_wire_free(env);
    return rc;
}

/* Reads and validates the packed orders as the adjudicator will (the
 * table's take: the wire reader, then the rules), on a copy of the
 * phase's material. 0 when they stand as they are; else why says what
 * the adjudicator would refuse or correct. */
static int
check_orders(console_t *c, const uint8_t *buf, size_t len, char *why, size_t n)
{
    Wgpb__V1__Envelope *env = wg_wire_unpack(buf, len);
    wg_turn_orders_t *t = malloc(sizeof *t);
    int rc = WG_EMALFORMED;
    snprintf(why, n, "the orders cannot be packed");
    if (env != NULL && t != NULL) {
        *t = *c->mat;
        rc = wg_order_take(c->kind, c->sc, c->st, t, c->key, env, why, n);
    }
    free(t);
    wg_wire_free(env);
    return rc;
}

static void
send_confirmed(console_t *c)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = pack_draft(c, &buf, &len);
    if (rc == 0)
        rc = wg_worker_send(c->w, buf, len);
    free(buf);
    if (rc != 0) {
        c->step = CONSOLE_FORM;
        c->field = c->n_fields - 1;
        say(c, WG_TUI_ALERT, "Not sent: %s. Confirm again once joined (Enter).",
            rc == WG_ESTATE ? "not joined now (reconnecting)"
                            : wg_strerror(rc));
        open_field(c, NULL);
        return;
    }
    static const char *uses[] = {"", "the team's own", "proposal unchanged",
                                 "proposal edited"};
    c->step = CONSOLE_SENT;
    c->sent++;
    say(c, WG_TUI_BOLD, "Sent turn %u %s (HUMAN, %s, %s).", c->owed_turn,
        c->kind->name, c->operator_name, uses[c->use]);
}

static void
confirm_cb(wg_tui_t *tui, bool yes, void *arg)
{
    (void)tui;
    console_t *c = arg;
    if (c->step != CONSOLE_CONFIRM)
        return;
    if (yes) {
        send_confirmed(c);
        return;
    }
    c->step = CONSOLE_FORM;
    c->field = 0;
    say(c, WG_TUI_PLAIN, "Not sent: edit the orders.");
    open_field(c, NULL);
}

static bool
draft_is_proposal(const console_t *c)
{
    return memcmp((const char *)&c->draft + c->kind->bot_off,
                  (const char *)&c->proposal + c->kind->bot_off,
                  c->kind->size) == 0;
}

/* The form is filled: the rules judge the whole order, then the team
 * confirms. */
static void
finish_form(console_t *c)
{
    if (c->use != CONSOLE_OWN)
        c->use = draft_is_proposal(c) ? CONSOLE_PROPOSAL : CONSOLE_EDITED;
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[400];
    int rc = pack_draft(c, &buf, &len);
    if (rc == 0)
        rc = check_orders(c, buf, len, why, sizeof why);
    else
        snprintf(why, sizeof why, "%s", wg_strerror(rc));
    free(buf);
    if (rc != 0) {
        c->refused++;
        c->step = CONSOLE_FORM;
        c->field = 0;
        say(c, WG_TUI_ALERT, "REFUSED by the rules: %s. Nothing was sent.",
            why);
        open_field(c, NULL);
        return;
    }
    console_forms_describe(c, &c->draft, c->summary, sizeof c->summary);
    char q[CONSOLE_LINE * 2];
    snprintf(q, sizeof q,
             "Send these orders for turn %u?\n%s\nRationale: %s\nAs: HUMAN, "
             "%s%s",
             c->owed_turn, c->summary,
             c->draft.rationale[0] ? c->draft.rationale : "(none)",
             c->operator_name,
             c->use == CONSOLE_PROPOSAL ? ", the assistant's proposal"
             : c->use == CONSOLE_EDITED ? ", the assistant's proposal edited"
                                        : "");
    c->step = CONSOLE_CONFIRM;
    wg_tui_confirm(c->tui, q, confirm_cb, c);
}

/* ---- the form -------------------------------------------------------------
 */

static void
field_cb(wg_tui_t *tui, const char *text, void *arg)
{
    (void)tui;
    console_t *c = arg;
    if (c->step != CONSOLE_FORM)
        return;
    if (text == NULL) { /* Esc: back one field, or to the proposal */
        if (c->field == 0 && c->has_proposal) {
            c->step = CONSOLE_MENU;
            redraw(c);
            return;
        }
        if (c->field > 0)
            c->field--;
        open_field(c, NULL);
        return;
    }
    console_field_t *f = &c->fields[c->field];
    char why[400];
    if (f->parse(c, f->arg, text, why, sizeof why) != 0) {
        c->refused++;
        say(c, WG_TUI_ALERT, "REFUSED %s: %s. Nothing was sent.", f->label,
            why);
        open_field(c, text);
        return;
    }
    if (++c->field >= c->n_fields)
        finish_form(c);
    else
        open_field(c, NULL);
}

/* Opens the current field with text, or the draft's value. */
static void
open_field(console_t *c, const char *text)
{
    console_field_t *f = &c->fields[c->field];
    char value[CONSOLE_LINE];
    if (text == NULL) {
        f->format(c, &c->draft, f->arg, value, sizeof value);
        text = value;
    }
    wg_tui_field(c->tui, f->label, f->help, text, field_cb, c);
}

/* The form from orders `from`, at field `field`. */
static void
start_form(console_t *c, const wg_orders_t *from, console_use_t use, int field)
{
    c->draft = *from;
    c->use = use;
    c->step = CONSOLE_FORM;
    c->field = field;
    open_field(c, NULL);
}

/* ---- a phase owed ------------------------------------------------------- */

/* What the team's own orders start from: what is in force (the
 * requirement, the force's ROE), hold for every incident, stay. */
static void
own_defaults(const console_t *c, wg_orders_t *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->requirement.troops, c->st->required,
           sizeof o->requirement.troops);
    o->decision.robust_roe = c->st->robust_roe;
    for (uint32_t i = 0; i < c->mat->inc.n && i < WG_MAX_INCIDENTS; i++)
        if (c->mat->inc.items[i].nation == c->nation)
            o->response.action[i] = WG_ROE_HOLD;
    o->intent.intention = WG_INTENTION_STAY;
}

/* A "bot" that keeps the phase's view (it lives only during the call) and
 * asks the assistant for its proposal; it stays silent. */
static int
capture_cb(const wg_scenario_t *sc, const wg_phase_view_t *v, wg_orders_t *out,
           void *arg)
{
    (void)out;
    console_t *c = arg;
    wg_state_copy(c->st, v->st);
    memcpy(c->seen, v->nations, sizeof c->seen);
    c->have_picture = true;
    memset(c->mat, 0, sizeof *c->mat);
    c->mat->req = *v->req;
    memcpy(c->mat->pledges, v->pledges, sizeof c->mat->pledges);
    c->mat->inc = *v->incidents;
    c->mat->weeks_to_rotation = v->weeks_to_rotation;
    memset(&c->proposal, 0, sizeof c->proposal);
    c->has_proposal =
        c->assist != NULL &&
        c->assist->decide(sc, v, &c->proposal, c->assist->arg) == 0;
    return 1;
}

static void
open_phase(console_t *c, const Wgpb__V1__Envelope *env)
{
    bool open = c->step == CONSOLE_MENU || c->step == CONSOLE_FORM ||
                c->step == CONSOLE_CONFIRM;
    c->deadline_at = uv_now(c->loop) + env->turn_start->deadline_ms;
    if (open && c->owed_turn == env->turn && c->owed_phase == (int)env->phase)
        return; /* the same phase again (we joined again): keep the draft */
    wg_bot_t capture = {.abi_version = WG_BOT_ABI_VERSION,
                        .name = c->operator_name,
                        .decide = capture_cb,
                        .arg = c};
    uint8_t *unused = NULL;
    size_t n = 0;
    int rc = wg_play_phase(&capture, c->sc, env, c->key,
                           WGPB__V1__ORDER_SOURCE__ORDER_SOURCE_HUMAN, NULL,
                           &unused, &n);
    free(unused);
    const wg_phase_info_t *p = wg_phase_info((int)env->phase);
    c->kind = p ? wg_phase_order(p, c->key) : NULL;
    free(c->ts);
    c->ts = NULL;
    if (rc != 1 || c->kind == NULL || wg_wire_pack(env, &c->ts, &c->ts_len)) {
        say(c, WG_TUI_ALERT,
            "Turn %u: cannot read the phase start (%s): the fallback plays "
            "at the deadline.",
            env->turn, rc < 0 ? wg_strerror(rc) : "no order for this role");
        c->step = CONSOLE_IDLE;
        return;
    }
    c->owed_turn = env->turn;
    c->owed_phase = (int)env->phase;
    console_forms_build(c);
    wg_orders_t own;
    own_defaults(c, &own);
    c->draft = own;
    wg_tui_cancel(c->tui);
    if (c->has_proposal) {
        c->step = CONSOLE_MENU;
        say(c, WG_TUI_BOLD, "Turn %u %s: the assistant has a proposal.",
            env->turn, p->name);
    } else {
        say(c, WG_TUI_BOLD, "Turn %u %s: your orders are due.", env->turn,
            p->name);
        start_form(c, &own, CONSOLE_OWN, 0);
    }
}

/* The adjudicator moved past the phase the team owed before it sent
 * anything: the fallback played, and the role is absent until it joins
 * again, which it does now, for the next phase. */
static void
check_missed(console_t *c, uint32_t turn, int phase)
{
    bool open = c->step == CONSOLE_MENU || c->step == CONSOLE_FORM ||
                c->step == CONSOLE_CONFIRM;
    if (!open || (turn == c->owed_turn && phase == c->owed_phase))
        return;
    wg_tui_cancel(c->tui);
    c->step = CONSOLE_MISSED;
    c->missed++;
    const wg_phase_info_t *p = wg_phase_info(c->owed_phase);
    say(c, WG_TUI_ALERT,
        "Turn %u %s: the deadline passed and your fallback played. Joining "
        "again for the next phase.",
        c->owed_turn, p ? p->name : "?");
    wg_worker_rejoin(c->w);
}

static void
take_result(console_t *c, const Wgpb__V1__Envelope *env)
{
    if (wg_wire_read_result(c->sc, env->result, c->last) == 0)
        c->last_turn = env->turn;
    for (size_t i = 0; i < env->result->n_defaulted; i++)
        if (strcmp(env->result->defaulted[i], c->role) == 0)
            WG_DIAG_INFO("turn %u: the fallback played for %s", env->turn,
                         c->role);
}

static void
take_error(console_t *c, const Wgpb__V1__Error *e)
{
    say(c, WG_TUI_ALERT, "The adjudicator says: %s", e->detail);
    /* An order of ours that came too late: its fallback played. */
    if (c->step == CONSOLE_SENT &&
        e->code == WGPB__V1__ERROR_CODE__ERROR_WRONG_TURN) {
        c->step = CONSOLE_MISSED;
        c->missed++;
        wg_worker_rejoin(c->w);
    }
}

/* ---- the runtime's hooks --------------------------------------------------
 */

static void
message_hook(wg_worker_t *w, const Wgpb__V1__Envelope *env, bool owed,
             void *arg)
{
    console_t *c = arg;
    c->sc = wg_worker_scenario(w);
    switch (env->payload_case) {
    case WGPB__V1__ENVELOPE__PAYLOAD_WELCOME:
        c->key = wg_worker_role_key(w);
        c->nation = c->key - 1;
        c->total_turns = env->welcome->total_turns;
        take_picture(c, env, env->welcome->snapshot);
        say(c, WG_TUI_PLAIN, "Joined %s as %s.", env->welcome->scenario_name,
            c->role);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_TURN_START:
        c->turn = env->turn;
        c->phase = (int)env->phase;
        c->type = (wg_turn_type_t)env->turn_start->type;
        check_missed(c, env->turn, (int)env->phase);
        if (owed && c->step != CONSOLE_MISSED)
            open_phase(c, env);
        else
            take_picture(c, env, env->turn_start->situation);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_RESULT:
        check_missed(c, env->turn, (int)env->phase);
        take_result(c, env);
        if (c->step == CONSOLE_SENT || c->step == CONSOLE_MISSED)
            c->step = CONSOLE_IDLE;
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_ERROR:
        take_error(c, env->error);
        break;
    case WGPB__V1__ENVELOPE__PAYLOAD_END:
        say(c, WG_TUI_BOLD, "The exercise is over after %u turns.",
            env->end->turns);
        break;
    default:
        break;
    }
    redraw(c);
}

static void
link_hook(wg_worker_t *w, bool up, void *arg)
{
    console_t *c = arg;
    c->link_up = up;
    if (!up) {
        say(c, WG_TUI_ALERT,
            "Reconnecting: nothing from the adjudicator for %d s...",
            WG_WORKER_SILENT_MS / 1000);
        return;
    }
    if (c->ever_up) {
        /* The adjudicator may have closed our connection meanwhile (and
         * played our fallback): joining again takes the seat back. */
        wg_worker_rejoin(w);
        say(c, WG_TUI_BOLD, "The link is back: joined again.");
    }
    c->ever_up = true;
    redraw(c);
}

static void
leave_cb(wg_tui_t *tui, bool yes, void *arg)
{
    (void)tui;
    console_t *c = arg;
    if (yes) {
        say(c, WG_TUI_BOLD,
            "Left the exercise: the fallback plays from now on.");
        wg_worker_leave(c->w);
        return;
    }
    say(c, WG_TUI_PLAIN, "Staying in the exercise.");
    if (c->step == CONSOLE_FORM || c->step == CONSOLE_CONFIRM) {
        c->step = CONSOLE_FORM;
        open_field(c, NULL);
    }
}

static void
ask_leave(console_t *c)
{
    /* The question overtakes an open field or confirmation; a "no" goes
     * back to the field. */
    wg_tui_cancel(c->tui);
    wg_tui_confirm(c->tui,
                   "Leave the exercise?\nYour nation's fallback plays every "
                   "phase from now on (a leaving Forfeit).",
                   leave_cb, c);
}

static void
interrupt_hook(wg_worker_t *w, int signum, void *arg)
{
    console_t *c = arg;
    if (signum == SIGHUP) { /* the terminal is gone: no one to ask */
        wg_worker_leave(w);
        return;
    }
    ask_leave(c);
}

static void
key_cb(wg_tui_t *tui, int key, void *arg)
{
    (void)tui;
    console_t *c = arg;
    if (key == WG_TUI_KEY_HANGUP) {
        wg_worker_leave(c->w);
        return;
    }
    if (c->step == CONSOLE_MENU && key == 'a') {
        /* Accepting goes straight to the rationale, then the rules. */
        start_form(c, &c->proposal, CONSOLE_PROPOSAL, c->n_fields - 1);
    } else if (c->step == CONSOLE_MENU && key == 'e') {
        start_form(c, &c->proposal, CONSOLE_EDITED, 0);
    } else if (c->step == CONSOLE_MENU && key == 'n') {
        wg_orders_t own;
        own_defaults(c, &own);
        start_form(c, &own, CONSOLE_OWN, 0);
    } else if (key == 'q') {
        ask_leave(c);
    } else {
        redraw(c);
    }
}

static void
tick_cb(uv_timer_t *t)
{
    redraw(t->data);
}

static int
start_hook(wg_worker_t *w, uv_loop_t *loop, void *arg)
{
    console_t *c = arg;
    c->w = w;
    c->loop = loop;
    int err = 0;
    c->tui = wg_tui_new(loop, console_draw_cb, key_cb, c, &err);
    if (c->tui == NULL) {
        WG_DIAG_ERR("--human: cannot take the terminal: %s",
                    err == -ENOTTY ? "stdin and stdout must be a terminal"
                                   : uv_strerror(err));
        return -1;
    }
    uv_timer_init(loop, &c->tick);
    c->tick.data = c;
    c->tick_open = true;
    uv_timer_start(&c->tick, tick_cb, 1000, 1000);
    say(c, WG_TUI_PLAIN, "Joining the exercise as %s...", c->role);
    return 0;
}

static void
stop_hook(wg_worker_t *w, int exit_code, void *arg)
{
    (void)w;
    console_t *c = arg;
    if (c->tick_open)
        uv_close((uv_handle_t *)&c->tick, NULL);
    c->tick_open = false;
    wg_tui_close(c->tui);
    c->tui = NULL;
    /* The terminal is the shell's again: one line of what happened. */
    printf("%s: %s Orders sent %u, deadlines missed %u, entries refused "
           "%u.\n",
           c->role, exit_code == 0 ? c->notice : "stopped", c->sent, c->missed,
           c->refused);
    fflush(stdout);
}

static const wg_worker_console_t hooks = {
    .start = start_hook,
    .message = message_hook,
    .link = link_hook,
    .interrupt = interrupt_hook,
    .stop = stop_hook,
};

/* ---- attach and detach -----------------------------------------------------
 */

static int
take_assistant(console_t *c, const char *assist, const wg_bot_t *builtin)
{
    if (assist == NULL)
        return 0;
    if (strcmp(assist, "builtin") == 0) {
        c->assist = builtin;
        return 0;
    }
    char why[512];
    c->assist = wg_bot_load(assist, why, sizeof why);
    if (c->assist == NULL) {
        fprintf(stderr, "--assist: %s\n", why);
        return 2;
    }
    return 0;
}

/* Diagnostics written to the terminal would scroll the screen away:
 * while the console has it, a stderr that is the terminal goes to a file,
 * named now and again at the end. */
static int
move_stderr(console_t *c)
{
    if (!isatty(STDERR_FILENO))
        return 0;
    const char *dir = getenv("TMPDIR");
    snprintf(c->stderr_path, sizeof c->stderr_path, "%s/wg-console-%s-%ld.log",
             dir && dir[0] ? dir : "/tmp", c->role, (long)getpid());
    int fd =
        open(c->stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
        fprintf(stderr, "--human: cannot write %s: %s\n", c->stderr_path,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        return 2;
    }
    close(fd);
    printf("%s: diagnostics go to %s while the console has the terminal\n",
           c->role, c->stderr_path);
    return 0;
}

int
wg_console_attach(wg_worker_config_t *cfg, const wg_bot_t *builtin)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "--human: stdin and stdout must be a terminal\n");
        return 2;
    }
    console_t *c = calloc(1, sizeof *c);
    if (c == NULL)
        return 2;
    c->st = calloc(1, sizeof *c->st);
    c->last = calloc(1, sizeof *c->last);
    c->mat = calloc(1, sizeof *c->mat);
    if (c->st == NULL || c->last == NULL || c->mat == NULL ||
        take_assistant(c, cfg->assist, builtin) != 0) {
        cfg->console_arg = c;
        wg_console_detach(cfg);
        return 2;
    }
    const char *op = cfg->operator_name ? cfg->operator_name : getenv("USER");
    snprintf(c->operator_name, sizeof c->operator_name, "%s",
             op && op[0] ? op : "team");
    c->command = cfg->role == WG_WORKER_COMMAND;
    c->role = c->command ? "command" : cfg->nation;
    c->key = -1;
    c->nation = -1;
    if (move_stderr(c) != 0) {
        cfg->console_arg = c;
        wg_console_detach(cfg);
        return 2;
    }
    cfg->agent = c->operator_name;
    cfg->console = &hooks;
    cfg->console_arg = c;
    return 0;
}

void
wg_console_detach(wg_worker_config_t *cfg)
{
    console_t *c = cfg->console_arg;
    if (c == NULL)
        return;
    free(c->st);
    free(c->last);
    free(c->mat);
    free(c->ts);
    free(c);
    cfg->console = NULL;
    cfg->console_arg = NULL;
}
