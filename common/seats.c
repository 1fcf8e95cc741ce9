/*
 * seats.c - which connection holds which seat of an exercise with keys
 * (wg/seats.h): the ZAP verdict on a key, and the verdict on each message
 * before the rules engine sees it.
 *
 * Owns: per seat its role key and whether its holder is idle; a ring of the
 * last WG_SEATS_STALE_MAX routing ids that were taken over; the counts.
 * Borrows the exercise and the scenario. Runs on the adjudicator's loop
 * thread; logs its refusals boundedly (first few in full, then one line
 * per WG_SEATS_LOG_EVERY) and never fails once made.
 */
#include "wg/seats.h"
#include "wg/adjudicator.h"

#include "wg/diag.h"
#include "wg/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t id[256];
    size_t len;
} stale_t;

struct wg_seats {
    const wg_exercise_t *ex;
    const wg_scenario_t *sc;
    int key[WG_MAX_SEATS]; /* role key of each seat (-1: no player role) */
    bool idle[1 + WG_MAX_NATIONS]; /* the holder left or is absent */
    stale_t stale[WG_SEATS_STALE_MAX];
    size_t n_stale, next_stale;
    wg_seats_stats_t stats;
};

wg_seats_t *
wg_seats_new(const wg_exercise_t *ex, const wg_scenario_t *sc)
{
    wg_seats_t *self = calloc(1, sizeof *self);
    if (self == NULL)
        return NULL;
    self->ex = ex;
    self->sc = sc;
    for (size_t i = 0; i < ex->n_seats; i++) {
        const wg_seat_t *s = &ex->seats[i];
        int n = wg_scenario_nation_index(sc, s->role);
        self->key[i] = s->kind == WG_SEAT_COMMAND    ? 0
                       : s->kind == WG_SEAT_NATION   ? (n < 0 ? -1 : 1 + n)
                       : s->kind == WG_SEAT_DIRECTOR ? WG_ROLE_DIRECTOR_KEY
                                                     : -1;
    }
    return self;
}

void
wg_seats_destroy(wg_seats_t **self_p)
{
    if (*self_p == NULL)
        return;
    free(*self_p);
    *self_p = NULL;
}

/* Whether the n-th refusal of a kind is logged: the first few in full,
 * then one in WG_SEATS_LOG_EVERY. */
static bool
worth_logging(uint64_t n)
{
    return n <= WG_SEATS_LOG_FULL || n % WG_SEATS_LOG_EVERY == 0;
}

#define STR_(x) #x
#define STR(x) STR_(x)

static const char *
bounded_note(uint64_t n)
{
    if (n < WG_SEATS_LOG_FULL)
        return "";
    if (n == WG_SEATS_LOG_FULL)
        return "; from now on one line per " STR(WG_SEATS_LOG_EVERY);
    return "; one line per " STR(WG_SEATS_LOG_EVERY);
}

int
wg_seats_admit(wg_bus_t *bus, int which, const uint8_t *public_key,
               const char *address, char *user_id, size_t cap, void *arg)
{
    (void)bus;
    wg_seats_t *self = arg;
    const wg_seat_t *seat = wg_exercise_seat_by_key(self->ex, public_key);
    const char *sock = which == 0 ? "ROUTER" : "PUB";
    if (seat == NULL) {
        uint64_t n = ++self->stats.refused_keys;
        if (worth_logging(n)) {
            char z85[WG_KEY_Z85_LEN + 1];
            wg_keys_to_z85(public_key, z85);
            WG_DIAG_WARN("refused a handshake on the %s from %s: key %s is "
                         "no seat's key in %s (%llu refused so far%s)",
                         sock, address[0] ? address : "?", z85, self->ex->path,
                         (unsigned long long)n, bounded_note(n));
        }
        return WG_EUNAUTHORISED;
    }
    self->stats.admitted++;
    snprintf(user_id, cap, "%s", seat->role);
    WG_DIAG_DEBUG("admitted %s's key on the %s from %s", seat->role, sock,
                  address[0] ? address : "?");
    return 0;
}

int
wg_seats_role_key(const wg_seats_t *self, const char *user_id)
{
    if (user_id == NULL)
        return -1;
    for (size_t i = 0; i < self->ex->n_seats; i++)
        if (strcmp(self->ex->seats[i].role, user_id) == 0)
            return self->key[i];
    return -1;
}

static const char *
key_name(const wg_seats_t *self, int key)
{
    if (key == 0)
        return "command";
    if (key >= 1 && (size_t)key <= self->sc->n_nations)
        return self->sc->nations[key - 1].code;
    if (key == WG_ROLE_DIRECTOR_KEY)
        return "director";
    return "no player role";
}

static bool
is_stale(const wg_seats_t *self, const uint8_t *peer, size_t len)
{
    for (size_t i = 0; i < self->n_stale; i++)
        if (self->stale[i].len == len &&
            memcmp(self->stale[i].id, peer, len) == 0)
            return true;
    return false;
}

/* Fills a refusal, counts it under its cause and logs it boundedly. */
static void refuse(wg_seats_t *self, wg_seats_verdict_t *out,
                   wg_seats_cause_t cause, const char *user_id, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

static void
refuse(wg_seats_t *self, wg_seats_verdict_t *out, wg_seats_cause_t cause,
       const char *user_id, const char *fmt, ...)
{
    static const char *const what[] = {
        [WG_SEATS_IMPERSONATION] = "claims another seat",
        [WG_SEATS_STALE] = "stale connection",
        [WG_SEATS_HELD] = "second connection",
        [WG_SEATS_NO_ORDERS] = "no player role",
    };
    uint64_t *count[] = {
        [WG_SEATS_IMPERSONATION] = &self->stats.impersonations,
        [WG_SEATS_STALE] = &self->stats.stale,
        [WG_SEATS_HELD] = &self->stats.held,
        [WG_SEATS_NO_ORDERS] = &self->stats.no_orders,
    };
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->detail, sizeof out->detail, fmt, ap);
    va_end(ap);
    out->action = WG_SEATS_REFUSE;
    out->cause = cause;
    out->key = -1;
    uint64_t n = ++*count[cause];
    if (worth_logging(n))
        WG_DIAG_WARN("refused (%s) from %s's key: %s (%llu so far%s)",
                     what[cause], user_id, out->detail, (unsigned long long)n,
                     bounded_note(n));
}

/* A Join from a connection that does not hold the seat while another one
 * does: the exercise's second_connection says who keeps it. */
static void
judge_second(wg_seats_t *self, const wg_seats_input_t *in, int k,
             wg_seats_alive_cb alive, void *arg, wg_seats_verdict_t *out)
{
    bool idle = k >= 0 && self->idle[k]; /* the director is never idle */
    if (self->ex->second_connection == WG_SECOND_REFUSE && !idle &&
        alive(in->holder, in->holder_len, arg)) {
        refuse(self, out, WG_SEATS_HELD, in->user_id,
               "seat %s is held by another connection with its key; this "
               "exercise refuses a second one (second_connection: refuse)",
               in->user_id);
        return;
    }
    out->takes_over = true; /* takeover, or the holder is gone */
}

void
wg_seats_judge(wg_seats_t *self, const wg_seats_input_t *in,
               wg_seats_alive_cb alive, void *arg, wg_seats_verdict_t *out)
{
    int k = wg_seats_role_key(self, in->user_id);
    bool holds = in->holder_len > 0 && in->holder_len == in->peer_len &&
                 memcmp(in->holder, in->peer, in->peer_len) == 0;
    memset(out, 0, sizeof *out);
    out->action = WG_SEATS_PASS;
    out->key = holds ? k : -1;
    if (in->claimed == WG_SEATS_UNREAD)
        return; /* the adjudicator refuses it as malformed */
    if (k < 0 && k != WG_ROLE_DIRECTOR_KEY) {
        if (in->claimed >= 0 || in->claimed == WG_ROLE_DIRECTOR_KEY)
            refuse(self, out, WG_SEATS_IMPERSONATION, in->user_id,
                   "the key of seat %s cannot speak for %s", in->user_id,
                   key_name(self, in->claimed));
        else
            refuse(self, out, WG_SEATS_NO_ORDERS, in->user_id,
                   "seat %s has no player role: it listens on the PUB",
                   in->user_id);
        return;
    }
    if (in->claimed != k) {
        refuse(self, out, WG_SEATS_IMPERSONATION, in->user_id,
               "the key of seat %s cannot speak for %s", in->user_id,
               in->claimed < 0 && in->claimed != WG_ROLE_DIRECTOR_KEY
                   ? "an unknown role"
                   : key_name(self, in->claimed));
        return;
    }
    if (holds)
        return;
    if (is_stale(self, in->peer, in->peer_len)) {
        refuse(self, out, WG_SEATS_STALE, in->user_id,
               "seat %s was taken over by a newer connection with its key; "
               "this one is refused from now on",
               in->user_id);
        return;
    }
    if (in->join && in->holder_len > 0)
        judge_second(self, in, k, alive, arg, out);
    /* Otherwise: a first Join binds the seat, and anything else from a
     * connection that has not joined is the adjudicator's to refuse. */
}

void
wg_seats_took_over(wg_seats_t *self, int key, const uint8_t *old, size_t len)
{
    if (len == 0 || len > sizeof self->stale[0].id)
        return;
    self->stats.takeovers++;
    WG_DIAG_WARN("seat %s: taken over by a new connection with its key "
                 "(second_connection: %s)",
                 key_name(self, key),
                 self->ex->second_connection == WG_SECOND_REFUSE
                     ? "refuse, and the holder was gone"
                     : "takeover");
    if (is_stale(self, old, len))
        return;
    stale_t *s = &self->stale[self->next_stale];
    memcpy(s->id, old, len);
    s->len = len;
    self->next_stale = (self->next_stale + 1) % WG_SEATS_STALE_MAX;
    if (self->n_stale < WG_SEATS_STALE_MAX)
        self->n_stale++;
}

void
wg_seats_set_idle(wg_seats_t *self, int key, bool idle)
{
    if (key >= 0 && key <= (int)WG_MAX_NATIONS)
        self->idle[key] = idle;
}

void
wg_seats_stats(const wg_seats_t *self, wg_seats_stats_t *out)
{
    *out = self->stats;
}
