/*
 * console.h - the team console: a seat played by a team at a terminal
 * (`wg-contingent --human`, `wg-command --human`).
 *
 * The console plugs into the worker runtime (wg/worker.h,
 * wg_worker_console_t): it shows what the role was sent (the sectors, its
 * units or the nations, cohesion, the last turn's events), the decision
 * due now and the time left, and takes the team's orders field by field
 * (workers/tui), with help on each field. Before anything is sent the
 * orders are read and validated by the phase table's own reader and the
 * rules (wg/phases.h take, wg/rules.h), as the adjudicator does: what the
 * rules would correct is refused on screen with the reason and nothing is
 * sent. A confirmation sends them with provenance ORDER_SOURCE_HUMAN, the
 * operator's name as agent, the team's rationale, and whether they were
 * the staff assistant's proposal unchanged, edited, or the team's own
 * (Provenance.assistance).
 *
 * --assist builtin|PATH.so: a bot (wg/bot.h; builtin is the role's
 * built-in bot) proposes the orders of each phase; the team accepts,
 * edits or replaces them. A team that sends nothing gets its nation's
 * fallback at the deadline, as any role; the console then joins again so
 * the team plays the next phase.
 *
 * Lives in workers/console/ as a static library of its own, beside the
 * terminal UI, so that ncurses stays out of libwg (the adjudicator, the
 * log tools and bots never link it).
 */
#ifndef WG_CONSOLE_H
#define WG_CONSOLE_H

#include "wg/bot.h"
#include "wg/worker.h"

/* Sets cfg's console hooks for a team at this terminal: cfg->human is
 * set; cfg->assist names the staff assistant ("builtin": the role's
 * `builtin` bot) or is NULL; cfg->operator_name is the operator (NULL:
 * the login name). Returns 0, or 2 after saying what is wrong (no
 * terminal, an assistant that will not load). */
int wg_console_attach(wg_worker_config_t *cfg, const wg_bot_t *builtin);

/* Frees what wg_console_attach made, after wg_worker_run() returned. */
void wg_console_detach(wg_worker_config_t *cfg);

#endif
