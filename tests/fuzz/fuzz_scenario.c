/*
 * fuzz_scenario.c - the scenario loader (common/scenario*.c, yaml_doc.c)
 * on any bytes, as a log's header or a --scenario file would bring them.
 *
 * The input is a scenario file's text, handed over in a buffer of exactly
 * its size (no NUL after it, so a read past the end is the sanitizers').
 * A scenario that loads must then play: an adjudicator in process takes
 * it, every role joins and the first phases are played by the built-in
 * bots, since `wg-log verify` re-adjudicates whatever scenario a log's
 * header carries. A refusal must say where: a message, and a line and
 * column within the text.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* Phases played of a scenario that loads. */
#define PHASES 8

static void
check_refusal(const wg_config_error_t *err, const char *text, size_t size)
{
    if (err->message[0] == '\0')
        fz_finding("a scenario refused without a message");
    /* libyaml breaks lines at LF, CR, and NEL, LS and PS in UTF-8 (whose
     * last bytes are 0x85, 0xA8 and 0xA9): a bound on its line count. */
    unsigned lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += memchr("\n\r\x85\xa8\xa9", text[i], 5) != NULL;
    if (err->line > lines + 1)
        fz_finding("an error at line %u of a text of %u lines: %s", err->line,
                   lines, err->message);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    int rc = wg_scenario_parse("fuzz.yaml", text, size, &sc, &err);
    if (rc != 0) {
        check_refusal(&err, text, size);
    } else {
        fz_exercise_t x;
        fz_exercise_open(&x, sc, text, size);
        for (int i = 0; i < PHASES && !wg_adjudicator_done(x.u); i++)
            fz_play_phase(&x, NULL);
        fz_exercise_close(&x);
        free(sc);
    }
    free(text);
    return 0;
}
