/*
 * client.h - the director's connection to the adjudicator: wg-director's
 * protocol side, under both its faces (the ncurses console, console.c,
 * and the scripted mode, script.c).
 *
 * Endpoints: a DEALER to the adjudicator's ROUTER and a SUB to its PUB
 * (wg/bus.h), CURVE clients with the director seat's key on a LAN. Sends
 * a Join as ROLE_DIRECTOR once its SUB hears a broadcast (and again while
 * no status comes: the adjudicator restarted, or the link was down), and
 * DirectorCommands; receives Welcome (the scenario), DirectorStatus,
 * Error (a command refused), and the broadcasts it shows (TurnResult,
 * ExerciseEnd, the director's own clock commands).
 *
 * One per process, on the loop's thread; dclient_close() closes the bus,
 * and the object is freed by dclient_free() once the loop has run the
 * close. Errors are return codes and lines on stderr (WG_DIAG_*).
 */
#ifndef WG_DIRECTOR_CLIENT_H
#define WG_DIRECTOR_CLIENT_H

#include "wg.pb-c.h"
#include "wg/scenario.h"
#include "wg/worker.h"

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

/* Without a status for this long the link is "reconnecting". */
#define DCLIENT_LINK_MS 2000

typedef struct dclient dclient_t;

typedef enum {
    DCLIENT_STATUS = 0, /* a new DirectorStatus */
    DCLIENT_REFUSED,    /* an Error: dclient_error() says what */
    DCLIENT_LINK,       /* the link was lost or is back: dclient_linked() */
    DCLIENT_RESULT,     /* a TurnResult: dclient_result_line() */
    DCLIENT_END,        /* the exercise is over */
} dclient_event_t;

typedef void (*dclient_cb)(dclient_t *c, dclient_event_t ev, void *arg);

/* cfg: the endpoints and keys (wg_worker_take_seat with role
 * WG_WORKER_DIRECTOR fills them). NULL on failure, *err set. */
dclient_t *dclient_new(uv_loop_t *loop, const wg_worker_config_t *cfg,
                       dclient_cb cb, void *arg, int *err);
void dclient_close(dclient_t *c);
void dclient_free(dclient_t **c);

/* Sends a command; returns its number (1, 2, ...: a status whose
 * dclient_handled() has reached it answers it), or a negative code. */
int64_t dclient_send(dclient_t *c, const Wgpb__V1__DirectorCommand *cmd);
/* Commands of this client the adjudicator has handled so far. */
int64_t dclient_handled(const dclient_t *c);

/* The last status (NULL before the first), the scenario (NULL before the
 * Welcome), the link, the last refusal and the last turn line. */
const Wgpb__V1__DirectorStatus *dclient_status(const dclient_t *c);
const wg_scenario_t *dclient_scenario(const dclient_t *c);
bool dclient_linked(const dclient_t *c);
const char *dclient_error(const dclient_t *c);
const char *dclient_result_line(const dclient_t *c);

/* Names for the console and the scripted mode. */
const char *dclient_role_state_name(int state);
const char *dclient_phase_name(int phase);

#endif
