/*
 * fuzz_exercise.c - the exercise file loader (common/exercise.c) on any
 * bytes.
 *
 * The input is an exercise file, written to a scratch directory that also
 * holds the scenario it may name (scenario.yaml, tests/data/short.yaml)
 * and public keys (keys/adjudicator.pub, keys/k1.pub ... keys/k10.pub),
 * so that seeds reach the seats and keys. What is checked besides the
 * sanitizers: a refusal says what and where, and an exercise that loads
 * keeps what the loader promises (every nation and the command seated
 * exactly once, keys all given or all absent, no key twice, loopback
 * endpoints without keys).
 */
#include "fuzz.h"

#include "wg/exercise.h"
#include "wg/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define N_KEYS 10

/* The scenario and keys beside the input, once. */
static void
put_scenario_and_keys(void)
{
    const char *text;
    size_t len;
    fz_scenario(&text, &len);
    char path[1024], dir[1024];
    fz_write("scenario.yaml", (const uint8_t *)text, len, path);
    snprintf(dir, sizeof dir, "%s/keys", fz_dir());
    if (mkdir(dir, 0700) != 0)
        fz_finding("harness: cannot make %s", dir);
    for (int i = 0; i <= N_KEYS; i++) {
        wg_keypair_t kp;
        wg_config_error_t err;
        char name[16];
        snprintf(name, sizeof name, i ? "k%d" : "adjudicator", i);
        if (wg_keys_generate(&kp) != 0 ||
            wg_keys_write(dir, name, &kp, &err) != 0)
            fz_finding("harness: cannot write key %s", name);
        wg_keys_wipe(&kp);
    }
}

static void
check_loaded(const wg_exercise_t *ex, const wg_scenario_t *sc)
{
    if (wg_exercise_seat(ex, "command") == NULL)
        fz_finding("an exercise without a command seat loads");
    for (size_t i = 0; i < sc->n_nations; i++)
        if (wg_exercise_seat(ex, sc->nations[i].code) == NULL)
            fz_finding("an exercise without a seat for %s loads",
                       sc->nations[i].code);
    for (size_t i = 0; i < ex->n_seats; i++) {
        const wg_seat_t *s = &ex->seats[i];
        if (s->has_key != ex->has_keys)
            fz_finding("seat %s: a key %s, the exercise %s keys", s->role,
                       s->has_key ? "given" : "missing",
                       ex->has_keys ? "has" : "has no");
        for (size_t j = i + 1; j < ex->n_seats; j++) {
            if (s->has_key &&
                memcmp(s->public_key, ex->seats[j].public_key, WG_KEY_LEN) == 0)
                fz_finding("seats %s and %s share a key", s->role,
                           ex->seats[j].role);
            if (strcmp(s->role, ex->seats[j].role) == 0 &&
                strncmp(s->role, "observer", 8) != 0)
                fz_finding("two seats for %s", s->role);
        }
    }
    if (!ex->has_keys && (!wg_endpoint_is_loopback(ex->router) ||
                          !wg_endpoint_is_loopback(ex->pub)))
        fz_finding("an exercise without keys binds %s and %s", ex->router,
                   ex->pub);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        put_scenario_and_keys();
        ready = true;
    }
    char path[1024];
    fz_write("exercise.yaml", data, size, path);
    wg_exercise_t *ex = NULL;
    wg_scenario_t *sc = NULL;
    wg_config_error_t err;
    memset(&err, 0, sizeof err);
    if (wg_exercise_load(path, &ex, &sc, &err) != 0) {
        if (err.message[0] == '\0')
            fz_finding("an exercise refused without a message");
        return 0;
    }
    check_loaded(ex, sc);
    wg_exercise_destroy(&ex);
    free(sc);
    return 0;
}
