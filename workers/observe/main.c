/*
 * wg-observe - the live board: an exercise on a wall screen, read-only.
 *
 *   wg-observe --exercise FILE [--key KEY] [--sub ENDPOINT]
 *   wg-observe --sub ENDPOINT [--scenario PATH]
 *   wg-observe --log LOG [--umpire] [--turn N]
 *   ... [--plain | --once]
 *
 * Live, it subscribes to the adjudicator's PUB (the exercise file's, or
 * --sub's: `wg-log replay --pub` serves a recorded exercise the same way)
 * and shows what every observer may see; with a log it steps through the
 * recorded exercise turn by turn, or follows it while it is written.
 *
 * Endpoints: one SUB, connected to the PUB (CurveZMQ with an exercise's
 * keys; no DEALER: an observer gives no orders). Receives Beacon,
 * TurnStart, TurnResult, ExerciseEnd; sends nothing.
 *
 * One libuv loop: the SUB (sub.c), the screen and keyboard (the
 * consoles' terminal UI, workers/tui), SIGINT/SIGTERM, and a tick that
 * redraws the time left and follows a log. Nothing received can stop it: bytes
 * that are not an envelope are counted on screen (board.c). Exit: 0 left (after
 * the question Ctrl-C asks), or --plain/--once done; 1 a signal (SIGTERM, or
 * SIGINT without a screen); 2 a bad command line, exercise file or key.
 */
#include "board.h"
#include "board_text.h"
#include "logsrc.h"
#include "sub.h"
#include "tui.h"

#include "wg/diag.h"
#include "wg/error.h"
#include "wg/exercise.h"
#include "wg/keys.h"

#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define EXIT_LEFT 0
#define EXIT_SIGNAL 1
#define EXIT_USAGE 2
#define TICK_MS 250
#define FOLLOW_EVERY 2 /* ticks between two reads of a followed log */
#define SILENT_MS 3000 /* no message for this long: say so */
#define HEARTBEAT_MS 1000

static const char usage[] =
    "Usage: wg-observe --exercise FILE [--key KEY] [--sub ENDPOINT]\n"
    "       wg-observe --sub ENDPOINT [--scenario PATH]\n"
    "       wg-observe --log LOG [--umpire] [--turn N]\n"
    "       (each with --plain or --once for text lines instead of a "
    "screen)\n"
    "\n"
    "The live board, read-only: turn, phase and time left, sectors with\n"
    "coverage and incidents, each nation's troops in theatre, committed\n"
    "force and cohesion, escalation and stability, and a feed of events.\n"
    "\n"
    "  -e, --exercise FILE  subscribe to the PUB this exercise file names\n"
    "  -k, --key KEY        a seat's secret key (an observer's): needed when\n"
    "                       the exercise has keys\n"
    "  -s, --sub ENDPOINT   subscribe here (a loopback adjudicator, or\n"
    "                       `wg-log replay --pub`); with --exercise, instead\n"
    "                       of the file's pub\n"
    "      --scenario PATH  with --sub alone: the scenario (its name, plan\n"
    "                       and sharing policy); else inferred\n"
    "  -l, --log LOG        step through a recorded exercise (keys below), or\n"
    "                       follow one the adjudicator is writing\n"
    "  -u, --umpire         with --log: ground truth (each phase's picture\n"
    "                       the command got, and every order), not only what\n"
    "                       was published\n"
    "  -t, --turn N         with --log: start at turn N (0: the lobby)\n"
    "  -p, --plain          print the picture as text at each turn's result\n"
    "                       and exit at the exercise's end (--log: every\n"
    "                       turn)\n"
    "  -1, --once           print the picture once and exit\n"
    "      --log-level L    err, warn (default), info or debug\n"
    "\n"
    "Keys: q or Ctrl-C asks before leaving. With --log: right, n or space\n"
    "the next turn; left, p or b the previous; Home/g the first, End/G the\n"
    "last; f follows the log as it grows.\n"
    "\n"
    "Exit status: 0 left; 1 a signal; 2 bad usage, exercise file or key.\n";

typedef struct {
    const char *exercise, *key, *sub, *scenario, *log;
    bool umpire, plain, once;
    long turn; /* -1: not given */
} options_t;

typedef struct {
    options_t opt;
    uv_loop_t *loop;
    board_t board;
    wg_scenario_t *sc; /* --exercise's or --scenario's */
    sub_t *sub;
    logsrc_t *log;
    bool screen;
    wg_tui_t *tui;
    uv_signal_t sig_int, sig_term;
    uv_timer_t tick;
    unsigned ticks;
    char endpoint[256];
    char source[400];
    char status[160];
    bool alert;
    bool connected;
    uint64_t last_msg_ms;
    uint32_t pos;
    bool follow;
    uint32_t printed_turn;
    int printed_phase;
    int exit_code;
    bool leaving;
} app_t;

/* ---- options ------------------------------------------------------------ */

static int
take_option(options_t *o, int c, const char *arg)
{
    char *end;
    switch (c) {
    case 'e':
        o->exercise = arg;
        return 0;
    case 'k':
        o->key = arg;
        return 0;
    case 's':
        o->sub = arg;
        return 0;
    case 'S':
        o->scenario = arg;
        return 0;
    case 'l':
        o->log = arg;
        return 0;
    case 'u':
        o->umpire = true;
        return 0;
    case 't':
        o->turn = strtol(arg, &end, 10);
        if (*end != '\0' || o->turn < 0 || o->turn > 100000) {
            fprintf(stderr,
                    "wg-observe: --turn wants a turn number, not "
                    "'%s'\n",
                    arg);
            return -1;
        }
        return 0;
    case 'p':
        o->plain = true;
        return 0;
    case '1':
        o->once = true;
        return 0;
    case 'L':
        return wg_diag_set_level_option("wg-observe", arg) < 0 ? -1 : 0;
    case 'h':
        fputs(usage, stdout);
        exit(0);
    default:
        fputs(usage, stderr);
        return -1;
    }
}

/* Which sources may go together. */
static int
check_options(const options_t *o)
{
    const char *why = NULL;
    if (o->log != NULL && (o->exercise || o->sub || o->key || o->scenario))
        why = "--log reads a log: no --exercise, --sub, --key or --scenario";
    else if (o->log == NULL && o->exercise == NULL && o->sub == NULL)
        why = "give --exercise FILE, --sub ENDPOINT or --log LOG";
    else if (o->key != NULL && o->exercise == NULL)
        why = "--key needs --exercise (it names the adjudicator's key)";
    else if (o->scenario != NULL && o->exercise != NULL)
        why = "--scenario goes with --sub alone (the exercise names one)";
    else if ((o->umpire || o->turn >= 0) && o->log == NULL)
        why = "--umpire and --turn go with --log";
    else if (o->plain && o->once)
        why = "--plain or --once, not both";
    if (why != NULL)
        fprintf(stderr, "wg-observe: %s (--help says more)\n", why);
    return why != NULL ? -1 : 0;
}

static int
parse_options(int argc, char **argv, options_t *o)
{
    static const struct option longs[] = {
        {"exercise", required_argument, NULL, 'e'},
        {"key", required_argument, NULL, 'k'},
        {"sub", required_argument, NULL, 's'},
        {"scenario", required_argument, NULL, 'S'},
        {"log", required_argument, NULL, 'l'},
        {"umpire", no_argument, NULL, 'u'},
        {"turn", required_argument, NULL, 't'},
        {"plain", no_argument, NULL, 'p'},
        {"once", no_argument, NULL, '1'},
        {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (options_t){.turn = -1};
    int c;
    while ((c = getopt_long(argc, argv, "e:k:s:l:ut:p1h", longs, NULL)) != -1)
        if (take_option(o, c, optarg) < 0)
            return -1;
    if (optind < argc) {
        fprintf(stderr, "wg-observe: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return check_options(o);
}

/* ---- the live source's configuration ------------------------------------ */

/* The key an exercise with keys needs: a seat's. The adjudicator's own key
 * is no seat's, so its PUB would refuse it: say where ground truth is. */
static int
take_key(const options_t *o, const wg_exercise_t *ex, sub_config_t *cfg,
         char *seat, size_t n)
{
    wg_config_error_t err;
    if (o->key == NULL) {
        fprintf(stderr,
                "wg-observe: %s has keys: give --key with an "
                "observer's secret key (wg-keygen NAME; its .pub in "
                "a seat 'role: observer')\n",
                ex->path);
        return -1;
    }
    if (wg_keys_load_secret(o->key, &cfg->keys, &err) < 0) {
        wg_config_error_print(&err);
        return -1;
    }
    const wg_seat_t *s = wg_exercise_seat_by_key(ex, cfg->keys.public_key);
    if (s == NULL &&
        memcmp(cfg->keys.public_key, ex->adjudicator_key, WG_KEY_LEN) == 0) {
        fprintf(stderr,
                "wg-observe: %s is the adjudicator's own key: its PUB admits "
                "seats' keys only. Ground truth is in the adjudicator's log: "
                "wg-observe --log LOG --umpire on its machine\n",
                o->key);
        return -1;
    }
    if (s == NULL) {
        fprintf(stderr, "wg-observe: %s: no seat of %s has this key\n", o->key,
                ex->path);
        return -1;
    }
    cfg->curve = true;
    memcpy(cfg->server_key, ex->adjudicator_key, WG_KEY_LEN);
    snprintf(seat, n, " as %s", s->role);
    return 0;
}

/* Endpoint, keys and scenario of a live board. */
static int
live_config(app_t *a, sub_config_t *cfg)
{
    const options_t *o = &a->opt;
    wg_config_error_t err;
    char seat[64] = "";
    wg_exercise_t *ex = NULL;
    memset(cfg, 0, sizeof *cfg);
    cfg->heartbeat_ms = HEARTBEAT_MS;
    cfg->endpoint = o->sub;
    if (o->exercise != NULL) {
        if (wg_exercise_load(o->exercise, &ex, &a->sc, &err) < 0) {
            wg_config_error_print(&err);
            return -1;
        }
        if (ex->has_keys && take_key(o, ex, cfg, seat, sizeof seat) < 0) {
            wg_exercise_destroy(&ex);
            return -1;
        }
        if (!ex->has_keys && o->key != NULL)
            fprintf(stderr, "wg-observe: %s has no keys: --key not used\n",
                    ex->path);
        if (o->sub == NULL && wg_endpoint_is_wildcard(ex->pub)) {
            fprintf(stderr,
                    "wg-observe: %s: the adjudicator binds %s: give --sub "
                    "with its address (tcp://HOST:PORT)\n",
                    ex->path, ex->pub);
            wg_exercise_destroy(&ex);
            return -1;
        }
        snprintf(a->endpoint, sizeof a->endpoint, "%s",
                 o->sub != NULL ? o->sub : ex->pub);
        snprintf(a->source, sizeof a->source, "live %s%s", a->endpoint, seat);
        cfg->endpoint = a->endpoint;
        wg_exercise_destroy(&ex);
    } else {
        if (o->scenario != NULL &&
            wg_scenario_load(o->scenario, &a->sc, &err) < 0) {
            wg_config_error_print(&err);
            return -1;
        }
        snprintf(a->source, sizeof a->source, "live %s", o->sub);
    }
    if (a->sc != NULL)
        board_set_scenario(&a->board, a->sc);
    return 0;
}

/* ---- drawing ------------------------------------------------------------ */

static void
print_line(int row, board_line_kind_t kind, const char *text, void *arg)
{
    (void)row;
    (void)kind;
    (void)arg;
    printf("%s\n", text);
}

static void
tui_line(int row, board_line_kind_t kind, const char *text, void *arg)
{
    static const int attrs[] = {
        [BOARD_LINE_TITLE] = WG_TUI_BOLD,
        [BOARD_LINE_HEAD] = WG_TUI_BOLD,
        [BOARD_LINE_TEXT] = WG_TUI_PLAIN,
        [BOARD_LINE_ALERT] = WG_TUI_ALERT | WG_TUI_REVERSE,
    };
    wg_tui_print(arg, row, 0, attrs[kind], "%s", text);
}

static const char *
keys_line(const app_t *a)
{
    if (a->log != NULL)
        return "keys: right/n next turn | left/p previous | g first | G "
               "last | f follow | q leave";
    return "keys: q or Ctrl-C leave";
}

static void
log_status(app_t *a)
{
    const char *problem = logsrc_problem(a->log);
    snprintf(a->status, sizeof a->status, "turn %u of %u recorded%s%s%s%s",
             a->follow ? a->board.turn : a->pos, logsrc_turns(a->log),
             logsrc_finished(a->log) ? ", ended" : "",
             a->follow ? " | following" : "", problem ? " | " : "",
             problem ? problem : "");
    a->alert = problem != NULL;
}

/* The picture's frame, but for its size. status is the caller's room. */
static board_frame_t
frame(app_t *a, char *status, size_t n)
{
    if (a->log != NULL)
        log_status(a);
    uint64_t now = uv_now(a->loop);
    snprintf(status, n, "%s", a->status);
    if (a->log == NULL && a->connected && a->last_msg_ms > 0 &&
        now - a->last_msg_ms > SILENT_MS && !a->board.ended)
        snprintf(status, n, "%s, nothing heard for %llu s", a->status,
                 (unsigned long long)((now - a->last_msg_ms) / 1000));
    return (board_frame_t){
        .source = a->source,
        .status = status,
        .alert = a->alert,
        .clock = a->log == NULL,
        .now_ms = now,
        .plain_feed = 12,
    };
}

/* The screen's body (wg_tui_draw_cb). */
static void
draw_cb(wg_tui_t *tui, int rows, int cols, void *arg)
{
    char status[200];
    board_frame_t f = frame(arg, status, sizeof status);
    f.rows = rows;
    f.cols = cols;
    board_lines(&((app_t *)arg)->board, &f, tui_line, tui);
}

static void
draw(app_t *a)
{
    if (a->screen) {
        if (a->tui != NULL)
            wg_tui_redraw(a->tui);
        return;
    }
    char status[200];
    board_frame_t f = frame(a, status, sizeof status);
    f.cols = 400;
    board_lines(&a->board, &f, print_line, NULL);
    printf("\n");
    fflush(stdout);
}

/* ---- leaving ------------------------------------------------------------ */

static void
close_cb(uv_handle_t *h)
{
    (void)h;
}

static void
leave(app_t *a, int code)
{
    if (a->leaving)
        return;
    a->leaving = true;
    a->exit_code = code;
    sub_close(a->sub);
    a->sub = NULL;
    wg_tui_close(a->tui);
    a->tui = NULL;
    uv_handle_t *hs[] = {(uv_handle_t *)&a->sig_int,
                         (uv_handle_t *)&a->sig_term, (uv_handle_t *)&a->tick};
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++)
        if (uv_is_active(hs[i]) && !uv_is_closing(hs[i]))
            uv_close(hs[i], close_cb);
}

static void
confirm_cb(wg_tui_t *tui, bool yes, void *arg)
{
    (void)tui;
    if (yes)
        leave(arg, EXIT_LEFT);
}

/* Ctrl-C or q: a wall screen is not left by a stray key. */
static void
ask(app_t *a)
{
    if (a->tui != NULL && !wg_tui_dialog_open(a->tui))
        wg_tui_confirm(a->tui, "Leave the board?", confirm_cb, a);
}

/* ---- the log ------------------------------------------------------------ */

static void
show_log(app_t *a)
{
    logsrc_show(a->log, &a->board, a->pos, a->follow);
}

static void
log_key(app_t *a, int k)
{
    uint32_t last = logsrc_turns(a->log);
    bool was = a->follow;
    if (k == KEY_RIGHT || k == KEY_DOWN || k == KEY_NPAGE || k == 'n' ||
        k == ' ' || k == 'l') {
        a->follow = false;
        a->pos = was ? last : a->pos < last ? a->pos + 1 : last;
    } else if (k == KEY_LEFT || k == KEY_UP || k == KEY_PPAGE || k == 'p' ||
               k == 'b' || k == 'h') {
        a->follow = false;
        uint32_t from = was ? a->board.turn : a->pos;
        a->pos = from > 0 ? from - 1 : 0;
    } else if (k == KEY_HOME || k == 'g') {
        a->follow = false;
        a->pos = last > 0 ? 1 : 0;
    } else if (k == KEY_END || k == 'G') {
        a->follow = false;
        a->pos = last;
    } else if (k == 'f') {
        a->follow = !a->follow;
        a->pos = last;
    } else {
        return;
    }
    show_log(a);
}

static void
follow_log(app_t *a)
{
    if (logsrc_refresh(a->log) > 0 && a->follow)
        show_log(a);
}

/* --plain with a log: every turn's picture, then the end. */
static void
print_log(app_t *a)
{
    uint32_t from = a->opt.turn >= 0 ? (uint32_t)a->opt.turn : 1;
    for (a->pos = from; a->pos <= logsrc_turns(a->log); a->pos++) {
        show_log(a);
        draw(a);
    }
}

/* ---- input -------------------------------------------------------------- */

/* A key the screen did not take (wg_tui_key_cb). */
static void
key_cb(wg_tui_t *tui, int k, void *arg)
{
    (void)tui;
    app_t *a = arg;
    if (k == WG_TUI_KEY_HANGUP) { /* the terminal went away */
        leave(a, EXIT_SIGNAL);
        return;
    }
    if (k == 'q' || k == 'Q') {
        ask(a);
        return;
    }
    if (a->log != NULL)
        log_key(a, k);
    draw(a);
}

static void
signal_cb(uv_signal_t *h, int signum)
{
    app_t *a = h->data;
    if (signum == SIGINT && a->screen)
        ask(a);
    else
        leave(a, EXIT_SIGNAL);
}

static void
tick_cb(uv_timer_t *h)
{
    app_t *a = h->data;
    a->ticks++;
    if (a->log != NULL && a->ticks % FOLLOW_EVERY == 0)
        follow_log(a);
    if (a->screen)
        draw(a);
}

/* ---- the live source ---------------------------------------------------- */

/* --plain: a picture at each turn's result and at the end; --once: the
 * first picture there is. */
static void
print_live(app_t *a)
{
    const board_t *b = &a->board;
    if (a->opt.once) {
        draw(a);
        leave(a, EXIT_LEFT);
        return;
    }
    bool result =
        b->phase == WGPB__V1__PHASE__PHASE_RESULT && b->turn != a->printed_turn;
    if (result || (b->ended && a->printed_phase != b->phase)) {
        a->printed_turn = b->turn;
        a->printed_phase = b->phase;
        draw(a);
    }
    if (b->ended)
        leave(a, EXIT_LEFT);
}

static void
message_cb(const uint8_t *data, size_t len, void *arg)
{
    app_t *a = arg;
    a->last_msg_ms = uv_now(a->loop);
    if (data == NULL) {
        a->board.malformed++;
        board_note(&a->board,
                   "a message of %zu bytes that is not one frame "
                   "within 1 MiB: counted, not shown",
                   len);
    } else {
        board_feed(&a->board, data, len, uv_now(a->loop));
    }
    if (a->screen)
        draw(a);
    else
        print_live(a);
}

static void
state_cb(sub_state_t state, void *arg)
{
    app_t *a = arg;
    static const char *const says[] = {
        "connected",
        "connection lost: reconnecting",
        "no adjudicator there yet: reconnecting",
        "refused: the adjudicator did not admit this key (retrying)",
    };
    bool was = a->connected;
    a->connected = state == SUB_CONNECTED;
    a->alert = !a->connected;
    snprintf(a->status, sizeof a->status, "%s", says[state]);
    if (a->connected != was || state == SUB_REFUSED)
        board_note(&a->board, "%s", says[state]);
    if (a->connected)
        a->last_msg_ms = uv_now(a->loop);
    if (a->screen)
        draw(a);
}

/* ---- start -------------------------------------------------------------- */

static int
start_source(app_t *a)
{
    if (a->opt.log != NULL) {
        if (logsrc_open(a->opt.log, &a->log) < 0)
            return -1;
        snprintf(a->source, sizeof a->source, "log %s%s", a->opt.log,
                 a->opt.umpire ? " (umpire)" : "");
        uint32_t turns = logsrc_turns(a->log);
        a->follow = a->opt.turn < 0 && !logsrc_finished(a->log);
        a->pos = a->opt.turn >= 0 ? (uint32_t)a->opt.turn
                 : a->follow      ? turns
                 : turns > 0      ? 1
                                  : 0;
        if (a->pos > turns)
            a->pos = turns;
        show_log(a);
        return 0;
    }
    sub_config_t cfg;
    if (live_config(a, &cfg) < 0)
        return -1;
    snprintf(a->status, sizeof a->status, "connecting");
    a->alert = true;
    int rc = sub_new(a->loop, &cfg, message_cb, state_cb, a, &a->sub);
    wg_keys_wipe(&cfg.keys);
    if (rc < 0) {
        fprintf(stderr, "wg-observe: cannot subscribe to %s: %s\n",
                cfg.endpoint, wg_strerror(rc));
        return -1;
    }
    return 0;
}

static int
start_handles(app_t *a)
{
    uv_signal_t *sigs[] = {&a->sig_int, &a->sig_term};
    int nums[] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        uv_signal_init(a->loop, sigs[i]);
        sigs[i]->data = a;
        uv_signal_start(sigs[i], signal_cb, nums[i]);
    }
    uv_timer_init(a->loop, &a->tick);
    a->tick.data = a;
    uv_timer_start(&a->tick, tick_cb, TICK_MS, TICK_MS);
    if (!a->screen)
        return 0;
    int err = 0;
    a->tui = wg_tui_new(a->loop, draw_cb, key_cb, a, &err);
    if (a->tui == NULL) {
        fprintf(stderr, "wg-observe: %s\n",
                err == -ENOTTY ? "not a terminal: use --plain or --once for "
                                 "text lines"
                               : uv_strerror(err));
        return err;
    }
    wg_tui_status(a->tui, WG_TUI_DIM, "%s", keys_line(a));
    return 0;
}

static int
run(app_t *a)
{
    if (a->log != NULL && !a->screen) {
        if (a->opt.once) {
            if (a->opt.turn < 0)
                a->pos = logsrc_turns(a->log);
            show_log(a);
            draw(a);
        } else {
            print_log(a);
        }
        return EXIT_LEFT;
    }
    if (start_handles(a) < 0)
        leave(a, EXIT_USAGE);
    uv_run(a->loop, UV_RUN_DEFAULT);
    return a->exit_code;
}

int
main(int argc, char **argv)
{
    static app_t app;
    app_t *a = &app;
    wg_diag_set_role("observe");
    wg_diag_init_from_env();
    if (parse_options(argc, argv, &a->opt) < 0)
        return EXIT_USAGE;
    a->loop = uv_default_loop();
    board_init(&a->board,
               a->opt.umpire ? BOARD_VIEW_UMPIRE : BOARD_VIEW_PUBLIC);
    a->screen = !a->opt.plain && !a->opt.once;
    int code = EXIT_USAGE;
    if (start_source(a) == 0) {
        code = run(a);
    } else {
        sub_close(a->sub);
        a->sub = NULL;
        uv_run(a->loop, UV_RUN_DEFAULT);
    }
    uv_run(a->loop, UV_RUN_DEFAULT);
    logsrc_destroy(&a->log);
    free(a->sc);
    if (uv_loop_close(a->loop) != 0)
        WG_DIAG_WARN("the loop still had handles at exit");
    return code;
}
