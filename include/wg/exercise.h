/*
 * wg/exercise.h - the exercise file: who sits at which seat of one exercise.
 *
 * A scenario says what the world is; an exercise file says who plays it on
 * which machines: the scenario, the adjudicator's endpoints and public key,
 * and every seat (each nation's contingent, the command, the director and
 * any observers) with who fills it and the public key it must connect
 * with. The adjudicator admits only those keys and takes a message's role
 * from the key alone. configs/exercises/ holds examples; docs/PROTOCOL.md
 * ("Seats and keys") is the prose version.
 *
 *   scenario: ../scenarios/default.yaml   # relative to this file
 *   router: tcp://0.0.0.0:5555            # the adjudicator binds these
 *   pub: tcp://0.0.0.0:5556
 *   adjudicator_key: keys/adjudicator.pub # the server's public certificate
 *   second_connection: takeover           # takeover | refuse
 *   absent: fallback                      # fallback | wait
 *   seats:
 *     - role: FRA                          # a nation of the scenario
 *       player: bot                        # bot | program | human
 *       bot: builtin                       # or PATH.so (player: bot only)
 *       key: keys/FRA.pub
 *     - role: command
 *       player: human
 *       key: keys/command.pub
 *     - role: director
 *       key: keys/director.pub
 *     - role: observer
 *       name: press
 *       key: keys/press.pub
 *
 * Every nation of the scenario and the command have exactly one seat; the
 * director at most one; observers any number up to WG_MAX_OBSERVERS. Keys
 * are all given or all absent: without adjudicator_key no seat has a key,
 * and the endpoints must be loopback (an exercise without keys is for one
 * machine). No two seats share a key. Key and scenario paths are relative
 * to the exercise file's directory. Errors name file:line:column.
 *
 * Thread: any; the loaded exercise is immutable.
 */
#ifndef WG_EXERCISE_H
#define WG_EXERCISE_H

#include "wg/keys.h"
#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WG_MAX_OBSERVERS 16
#define WG_MAX_SEATS (WG_MAX_NATIONS + 2 + WG_MAX_OBSERVERS)

typedef enum {
    WG_SEAT_NATION = 0,
    WG_SEAT_COMMAND = 1,
    WG_SEAT_DIRECTOR = 2,
    WG_SEAT_OBSERVER = 3,
} wg_seat_kind_t;

typedef enum {
    WG_PLAYER_BOT = 0,     /* a built-in or plug-in bot in wg-contingent */
    WG_PLAYER_PROGRAM = 1, /* an outside program speaking the protocol */
    WG_PLAYER_HUMAN = 2,   /* a team at a console */
} wg_player_t;

/* What the adjudicator does when a second connection presents a key whose
 * seat is already connected. */
typedef enum {
    WG_SECOND_TAKEOVER = 0, /* the newcomer takes the seat (a restart) */
    WG_SECOND_REFUSE = 1,   /* the newcomer is refused while the seat is
                               held */
} wg_second_connection_t;

typedef struct {
    wg_seat_kind_t kind;
    /* "FRA", "command", "director", or "observer:NAME": the ZAP User-Id
     * and the role's name in logs and messages. */
    char role[48];
    char name[32]; /* observers: their name; others: empty */
    wg_player_t player;
    char bot[512]; /* player bot: "builtin" or a plug-in's path */
    bool has_key;
    uint8_t public_key[WG_KEY_LEN];
    unsigned line; /* where the seat is in the file, for messages */
} wg_seat_t;

/* What the adjudicator does for a role that is away (docs/PROTOCOL.md,
 * "Absent roles"): its fallback plays at once at every phase start until
 * it is back, or the clock stops while a role the phase waits for is
 * disconnected. */
typedef enum {
    WG_ABSENT_FALLBACK = 0,
    WG_ABSENT_WAIT = 1,
} wg_absent_t;

typedef struct {
    char path[512];          /* the exercise file as given */
    char scenario_path[512]; /* resolved against the file's directory */
    char router[256];
    char pub[256];
    bool has_keys; /* adjudicator_key given: every seat has a key */
    uint8_t adjudicator_key[WG_KEY_LEN];
    wg_second_connection_t second_connection;
    wg_absent_t absent; /* absent: fallback (default) | wait */
    wg_seat_t seats[WG_MAX_SEATS];
    size_t n_seats;
} wg_exercise_t;

/*
 * Loads an exercise file and checks it against its scenario, which it
 * loads too: on success *out is the exercise and, if sc_out is not NULL,
 * *sc_out the scenario (the caller frees both). Errors: WG_ECONFIG with
 * file:line:column in *err (the scenario's own errors name the scenario),
 * or -errno.
 */
int wg_exercise_load(const char *path, wg_exercise_t **out,
                     wg_scenario_t **sc_out, wg_config_error_t *err);
void wg_exercise_destroy(wg_exercise_t **self_p);

/* The seat with this role ("FRA", "command", "director", "observer:NAME"),
 * or NULL. */
const wg_seat_t *wg_exercise_seat(const wg_exercise_t *self, const char *role);
/* The seat whose public key this is, or NULL. */
const wg_seat_t *wg_exercise_seat_by_key(const wg_exercise_t *self,
                                         const uint8_t key[WG_KEY_LEN]);
/* Whether an endpoint is a loopback address (tcp://127.x.y.z:..,
 * tcp://[::1]:.., tcp://localhost:.., ipc://, inproc://). */
bool wg_endpoint_is_loopback(const char *endpoint);
/* Whether an endpoint binds every interface (tcp://0.0.0.0:P, a star for
 * the host, tcp://[::]:P): where the adjudicator binds, not an address to
 * connect to. */
bool wg_endpoint_is_wildcard(const char *endpoint);
/* Whether a tcp:// endpoint's port is 1 to 65535, or * (ZeroMQ takes
 * port 99999 as 99999 mod 65536); endpoints of other transports pass. */
bool wg_endpoint_port_ok(const char *endpoint);

#endif
