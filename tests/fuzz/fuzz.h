/*
 * fuzz.h - what the fuzz targets of tests/fuzz/ share (fuzz_util.c): the
 * scenario they play, a scratch directory for loaders that read files, an
 * in-process exercise to put an input in front of, and a field-by-field
 * comparison of two decoded protobuf-c messages.
 *
 * Each target defines LLVMFuzzerTestOneInput; LLVMFuzzerInitialize is
 * here, the same for all: it silences the library's diagnostics (they
 * would be most of a run's time and output) unless WG_LOG_LEVEL asks for
 * them, and makes what follows, so that no input pays for it. A target is
 * linked either with libFuzzer (fuzz-<target>, clang only) or with
 * replay_main.c (fuzz-replay-<target>, any compiler), which feeds it the
 * files of a corpus. A finding aborts with a line on stderr saying what.
 * Single-threaded; everything here lives until the process exits.
 */
#ifndef WG_FUZZ_H
#define WG_FUZZ_H

#include "wg.pb-c.h"
#include "wg/adjudicator.h"
#include "wg/arena.h"
#include "wg/bot.h"
#include "wg/scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding: prints what and where, then aborts (libFuzzer keeps the
 * input as a crash artifact). */
__attribute__((noreturn, format(printf, 1, 2))) void fz_finding(const char *fmt,
                                                                ...);

/* An arena for decoded messages; the target resets it after each input. */
wg_arena_t *fz_arena(void);

/* tests/data/short.yaml, loaded once (a failure to load aborts), and its
 * text. */
const wg_scenario_t *fz_scenario(const char **text, size_t *len);

/* A private directory for this process (made once, removed at exit). */
const char *fz_dir(void);
/* Writes bytes to fz_dir()/name (replacing it); the path in path. */
void fz_write(const char *name, const uint8_t *data, size_t size,
              char path[1024]);

/* Whether two messages of the same descriptor decode to the same values:
 * every field, presence, oneof case, repeated count and unknown field.
 * On a difference *where names the field. */
bool fz_same_message(const ProtobufCMessage *a, const ProtobufCMessage *b,
                     const char **where);

/* An exercise played in process: every role joined, turn 1 started. The
 * bots of roles left NULL in fz_play_phase()'s array are the built-in
 * ones. */
typedef struct {
    const wg_scenario_t *sc;
    wg_adjudicator_t *u;
} fz_exercise_t;

void fz_exercise_open(fz_exercise_t *x, const wg_scenario_t *sc,
                      const char *text, size_t len);
/* Every role the phase expects answers with its bot; the deadline closes
 * the phase if one stayed silent. */
void fz_play_phase(fz_exercise_t *x, const wg_bot_t *const *bots);
void fz_exercise_close(fz_exercise_t *x);

#endif
