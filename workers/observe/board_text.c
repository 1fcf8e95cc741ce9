/*
 * board_text.c - the board laid out as lines (board_text.h).
 *
 * The layout, top to bottom: the title (scenario, source, connection), the
 * turn (phase, expected roles, time left), the force's totals, the view,
 * then the nations and the sectors (side by side when the screen is wide
 * enough), then as much of the feed as fits, newest last, and the bottom
 * line. Nothing is drawn past the frame's columns; when rows are short the
 * feed goes first, then the sectors, so the turn and every nation stay in
 * sight as long as possible.
 */
#include "board_text.h"

#include "wg/phases.h"
#include "wg/wire.h"

#include <stdio.h>
#include <string.h>

#define WIDE 116 /* columns from which the two tables stand side by side */
#define TABLE 61 /* columns of the nations' table and a gap */

typedef struct {
    const board_frame_t *f;
    board_line_cb cb;
    void *arg;
    int row;
} out_t;

static void
put(out_t *o, board_line_kind_t kind, const char *text)
{
    char line[512];
    snprintf(line, sizeof line, "%s", text);
    if (o->f->cols > 0 && (size_t)o->f->cols < sizeof line)
        line[o->f->cols] = '\0';
    o->cb(o->row++, kind, line, o->arg);
}

static const char *
phase_name(int phase)
{
    const wg_phase_info_t *p = wg_phase_info(phase);
    if (p != NULL)
        return p->name;
    switch (phase) {
    case WGPB__V1__PHASE__PHASE_LOBBY:
        return "lobby";
    case WGPB__V1__PHASE__PHASE_RESULT:
        return "result";
    case WGPB__V1__PHASE__PHASE_END:
        return "end";
    default:
        return "-";
    }
}

static void
title_lines(out_t *o, const board_t *b)
{
    char l[512];
    /* What a wall screen must not hide comes first: a narrow screen cuts
     * the end of a line. */
    snprintf(l, sizeof l, "wg-observe | %s | %s | %s", o->f->status,
             o->f->source, b->scenario[0] ? b->scenario : "scenario not known");
    put(o, o->f->alert ? BOARD_LINE_ALERT : BOARD_LINE_TITLE, l);

    char turn[32], left[96] = "";
    if (b->total_turns > 0)
        snprintf(turn, sizeof turn, "turn %u of %u", b->turn, b->total_turns);
    else
        snprintf(turn, sizeof turn, "turn %u", b->turn);
    const wg_turn_info_t *t = wg_turn_info(b->type);
    bool asking = wg_phase_info(b->phase) != NULL && !b->ended;
    if (asking && o->f->clock && b->deadline_ms > 0) {
        uint64_t rest = board_time_left(b, o->f->now_ms);
        snprintf(left, sizeof left, " | %s %llu.%llu s",
                 b->paused ? "clock stopped by the director, left"
                           : "time left",
                 (unsigned long long)(rest / 1000),
                 (unsigned long long)(rest % 1000 / 100));
    } else if (asking && b->deadline_ms > 0) {
        snprintf(left, sizeof left, " | deadline %u ms", b->deadline_ms);
    }
    char exp[200] = "";
    for (size_t i = 0; asking && i < b->n_expected && strlen(exp) < 180; i++) {
        size_t off = strlen(exp);
        snprintf(exp + off, sizeof exp - off, " %s", b->expected[i]);
    }
    if (!b->seen_start && b->phase == WGPB__V1__PHASE__PHASE_LOBBY)
        snprintf(l, sizeof l, "lobby: %u of %u roles joined", b->joined,
                 b->joinable);
    else
        snprintf(l, sizeof l, "%s | week %u | %s | phase %s%s%s%s%s", turn,
                 b->week, t != NULL ? t->name : "-",
                 b->ended ? "end (exercise over)" : phase_name(b->phase), left,
                 exp[0] ? " | expected:" : "", exp, "");
    put(o, BOARD_LINE_TEXT, l);
}

static void
force_lines(out_t *o, const board_t *b)
{
    uint32_t theatre = 0, committed = 0, kia = 0, wia = 0;
    bool all_private = b->n_nations > 0;
    for (size_t i = 0; i < b->n_nations; i++) {
        const board_nation_t *n = &b->nations[i];
        theatre += n->deployed;
        committed += n->deployed + n->preparing + n->recovering;
        kia += n->kia;
        wia += n->wia;
        all_private &= board_nation_private_shown(b, n);
    }
    char com[24] = "-";
    if (all_private)
        snprintf(com, sizeof com, "%u", committed);
    static const char *const esc[] = {"calm", "tension", "clashes", "fighting",
                                      "truce collapse"};
    char l[512];
    snprintf(l, sizeof l,
             "theatre %u | committed %s | escalation %u (%s) | stability "
             "%.1f | killed %u wounded %u | regime %s",
             theatre, com, b->escalation,
             b->escalation < 5 ? esc[b->escalation] : "?", b->stability, kia,
             wia, b->regime[0] ? b->regime : "-");
    put(o, BOARD_LINE_TEXT, l);
    board_view_label(b, l, sizeof l);
    put(o, BOARD_LINE_TEXT, l);
}

/* Row i of the nations' table (-1: its heading) into buf. */
static void
nation_row(const board_t *b, int i, char *buf, size_t n)
{
    if (i < 0) {
        snprintf(buf, n, "%-6s %-9s %8s %9s %8s %6s %7s", "NATION", "STATUS",
                 "THEATRE", "COMMITTED", "COHESION", "KILLED", "WOUNDED");
        return;
    }
    const board_nation_t *x = &b->nations[i];
    const char *st = x->withdrawn   ? "withdrawn"
                     : x->leaving   ? "leaving"
                     : x->gate_open ? "in"
                                    : "gate shut";
    char com[16] = "-", coh[16] = "-";
    if (board_nation_private_shown(b, x)) {
        snprintf(com, sizeof com, "%u",
                 x->deployed + x->preparing + x->recovering);
        snprintf(coh, sizeof coh, "%.1f", x->cohesion);
    }
    snprintf(buf, n, "%-6s %-9s %8u %9s %8s %6u %7u", x->code, st, x->deployed,
             com, coh, x->kia, x->wia);
}

/* Row i of the sectors' table (-1: its heading) into buf. */
static void
sector_row(const board_t *b, int i, char *buf, size_t n)
{
    if (i < 0) {
        snprintf(buf, n, "%-6s %6s %8s %8s %5s %9s %6s", "SECTOR", "THREAT",
                 "REQUIRED", "DEPLOYED", "COVER", "INCIDENTS", "KILLED");
        return;
    }
    const board_sector_t *s = &b->sectors[i];
    char inc[16] = "-", kia[16] = "-";
    if (b->sector_incidents_known) {
        snprintf(inc, sizeof inc, "%u", s->incidents);
        snprintf(kia, sizeof kia, "%u", s->kia);
    }
    snprintf(buf, n, "%-6s %6.1f %8u %8u %4.0f%% %9s %6s", s->code, s->threat,
             s->required, s->deployed, s->coverage * 100, inc, kia);
    if (s->rear)
        snprintf(buf, n, "%-6s %6s %8u %8u %5s %9s %6s", s->code, "rear",
                 s->required, s->deployed, "-", inc, kia);
}

typedef void (*row_fn)(const board_t *b, int i, char *buf, size_t n);

/* The two tables; sectors only while room says so. Returns rows used. */
static void
table_lines(out_t *o, const board_t *b, bool sectors)
{
    char l[512], a[256], s[256];
    if (o->f->cols >= WIDE) {
        int rows =
            (int)(b->n_nations > b->n_sectors || !sectors ? b->n_nations
                                                          : b->n_sectors);
        for (int i = -1; i < rows; i++) {
            a[0] = s[0] = '\0';
            if (i < (int)b->n_nations)
                nation_row(b, i, a, sizeof a);
            if (sectors && i < (int)b->n_sectors)
                sector_row(b, i, s, sizeof s);
            snprintf(l, sizeof l, "%-*s%s", TABLE, a, s);
            put(o, i < 0 ? BOARD_LINE_HEAD : BOARD_LINE_TEXT, l);
        }
        return;
    }
    row_fn fns[2] = {nation_row, sector_row};
    size_t counts[2] = {b->n_nations, b->n_sectors};
    for (int t = 0; t < (sectors ? 2 : 1); t++)
        for (int i = -1; i < (int)counts[t]; i++) {
            fns[t](b, i, l, sizeof l);
            put(o, i < 0 ? BOARD_LINE_HEAD : BOARD_LINE_TEXT, l);
        }
}

static int
table_rows(const board_t *b, int cols, bool sectors)
{
    int n = (int)b->n_nations, s = sectors ? (int)b->n_sectors : 0;
    if (cols >= WIDE)
        return 1 + (n > s ? n : s);
    return 1 + n + (sectors ? 1 + s : 0);
}

int
board_lines(const board_t *b, const board_frame_t *f, board_line_cb cb,
            void *arg)
{
    out_t o = {f, cb, arg, 0};
    const int head = 4, bottom = f->bottom != NULL ? 1 : 0;
    bool sectors =
        f->rows <= 0 || head + table_rows(b, f->cols, true) + bottom <= f->rows;
    int feed = f->plain_feed;
    if (f->rows > 0)
        feed = f->rows - head - table_rows(b, f->cols, sectors) - bottom - 1;
    title_lines(&o, b);
    force_lines(&o, b);
    table_lines(&o, b, sectors);
    if (feed > 0) {
        char l[64];
        snprintf(l, sizeof l, "EVENTS (%zu)%s", b->feed_len,
                 b->malformed ? "" : "");
        if (b->malformed > 0)
            snprintf(l, sizeof l, "EVENTS (%zu) | malformed messages %llu",
                     b->feed_len, (unsigned long long)b->malformed);
        put(&o, b->malformed ? BOARD_LINE_ALERT : BOARD_LINE_HEAD, l);
        size_t from = b->feed_len > (size_t)feed ? b->feed_len - feed : 0;
        for (size_t i = from; i < b->feed_len; i++)
            put(&o, BOARD_LINE_TEXT, board_feed_line(b, i));
    }
    if (f->bottom != NULL) {
        if (f->rows > 0 && o.row < f->rows - 1)
            o.row = f->rows - 1;
        put(&o, f->bottom_alert ? BOARD_LINE_ALERT : BOARD_LINE_HEAD,
            f->bottom);
    }
    return o.row;
}
