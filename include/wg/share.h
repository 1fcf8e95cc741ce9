/*
 * wg/share.h - who sees what: the scenario's sharing policy as a filter.
 *
 * The adjudicator publishes on the PUB only what every role may know (the
 * public viewer) and sends each role, over its own connection, the picture
 * that role may see. These predicates say which parts of the state and of a
 * phase's material a viewer sees; the encoders (wg/wire.h) apply them. They
 * read only the scenario's policy and the state, never a clock: a replay
 * filters alike. docs/PROTOCOL.md ("Who sees what") says what each policy
 * shows.
 */
#ifndef WG_SHARE_H
#define WG_SHARE_H

#include <stdbool.h>
#include <stddef.h>

#include "wg/bot.h" /* wg_incident_t */
#include "wg/scenario.h"
#include "wg/state.h"

/* A viewer: the public (every subscriber of the PUB), the command (0) or
 * nation i (1 + i), the adjudicator's role keys. */
#define WG_VIEWER_PUBLIC (-1)

typedef struct {
    wg_sharing_t sharing;
    int viewer;
} wg_share_view_t;

/* Does the policy split the traffic (anything but full)? Under full the
 * PUB carries everything and no role gets a picture of its own. */
bool wg_share_split(wg_sharing_t sharing);
/* "full", "coalition" or "national". */
const char *wg_share_name(wg_sharing_t sharing);

/* Does v see unit u (its id, status, sector, troops)? */
bool wg_share_unit(const wg_share_view_t *v, const wg_unit_t *u);
/* Does v see nation i's private figures (cohesion, troops preparing and
 * recovering, its ceiling, its gaps), beyond what is public of every
 * nation (gate, withdrawn, leaving, troops deployed, casualties)? */
bool wg_share_nation(const wg_share_view_t *v, size_t i);
/* Does v see nation i's pledge (a deployment's ASSIGN phase)? */
bool wg_share_pledge(const wg_share_view_t *v, size_t i);
/* Does v see incident in (a RESPOND phase)? st tells where units are. */
bool wg_share_incident(const wg_share_view_t *v, const wg_state_t *st,
                       const wg_incident_t *in);

#endif
