/*
 * worker_seat.c - a player worker's seat in an exercise file
 * (wg_worker_take_seat, wg/worker.h): the endpoints to connect to, the
 * adjudicator's public key, and the team's own key pair, checked against
 * the seat before anything connects, so that a wrong key is named here
 * rather than refused, silently, at the handshake.
 *
 * Runs once in main before the loop; reports on stderr and returns 2 on
 * any error (a config error: the program exits 2).
 */
#include "wg/worker.h"

#include "wg/exercise.h"

#include <stdio.h>
#include <string.h>

static int
take_endpoint(const wg_exercise_t *ex, const char *ep, bool set,
              const char **out, char *buf, size_t cap, const char *opt)
{
    if (set)
        return 0;
    if (wg_endpoint_is_wildcard(ep)) {
        fprintf(stderr,
                "%s: %s is where the adjudicator binds, not an address to "
                "connect to: give %s with the adjudicator's address (or "
                "name that address in the exercise file)\n",
                ex->path, ep, opt);
        return 2;
    }
    snprintf(buf, cap, "%s", ep);
    *out = buf;
    return 0;
}

/* Which seat the worker plays: the command's, or its nation's (from the
 * key's seat when --nation was not given). NULL after saying why not. */
static const wg_seat_t *
wanted_seat(wg_worker_config_t *cfg, const wg_exercise_t *ex,
            const wg_seat_t *mine)
{
    if (cfg->role == WG_WORKER_COMMAND)
        return wg_exercise_seat(ex, "command");
    if (cfg->role == WG_WORKER_DIRECTOR) {
        const wg_seat_t *d = wg_exercise_seat(ex, "director");
        if (d == NULL)
            fprintf(stderr, "%s: no director seat\n", ex->path);
        return d;
    }
    if (cfg->nation == NULL && mine != NULL && mine->kind == WG_SEAT_NATION) {
        snprintf(cfg->nation_buf, sizeof cfg->nation_buf, "%.7s", mine->role);
        cfg->nation = cfg->nation_buf;
    }
    if (cfg->nation == NULL) {
        fprintf(stderr,
                "%s: the key of no nation's seat in %s: give "
                "--nation\n",
                cfg->key_path, ex->path);
        return NULL;
    }
    const wg_seat_t *seat = wg_exercise_seat(ex, cfg->nation);
    if (seat == NULL || seat->kind != WG_SEAT_NATION)
        fprintf(stderr, "%s: no seat for nation %s\n", ex->path, cfg->nation);
    return seat != NULL && seat->kind == WG_SEAT_NATION ? seat : NULL;
}

static int
take_keys(wg_worker_config_t *cfg, const wg_exercise_t *ex)
{
    wg_config_error_t err;
    if (!ex->has_keys) {
        if (cfg->key_path == NULL)
            return 0;
        fprintf(stderr,
                "%s names no keys (no adjudicator_key): --key has nothing "
                "to match\n",
                ex->path);
        return 2;
    }
    if (cfg->key_path == NULL) {
        fprintf(stderr,
                "%s has keys: give --key with your seat's secret "
                "certificate (wg-keygen NAME writes NAME.key)\n",
                ex->path);
        return 2;
    }
    if (wg_keys_load_secret(cfg->key_path, &cfg->keys, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    const wg_seat_t *mine = wg_exercise_seat_by_key(ex, cfg->keys.public_key);
    const wg_seat_t *want = wanted_seat(cfg, ex, mine);
    if (want == NULL)
        return 2;
    if (mine != want) {
        char z85[WG_KEY_Z85_LEN + 1];
        wg_keys_to_z85(cfg->keys.public_key, z85);
        if (mine != NULL)
            fprintf(stderr,
                    "%s: not the key of seat %s in %s: it is the key of seat "
                    "%s (%s:%u)\n",
                    cfg->key_path, want->role, ex->path, mine->role, ex->path,
                    mine->line);
        else
            fprintf(stderr,
                    "%s: not the key of seat %s in %s (%s:%u): no seat has "
                    "its public key %s\n",
                    cfg->key_path, want->role, ex->path, ex->path, want->line,
                    z85);
        return 2;
    }
    cfg->curve = true;
    memcpy(cfg->server_key, ex->adjudicator_key, WG_KEY_LEN);
    return 0;
}

int
wg_worker_take_seat(wg_worker_config_t *cfg, const wg_bus_options_t *given)
{
    wg_exercise_t *ex = NULL;
    wg_config_error_t err;
    cfg->router_endpoint = given->router ? given->router : WG_WORKER_ROUTER;
    cfg->pub_endpoint = given->pub ? given->pub : WG_WORKER_PUB;
    cfg->exercise_path = given->exercise;
    cfg->key_path = given->key;
    if (cfg->exercise_path == NULL) {
        if (cfg->key_path == NULL)
            return 0;
        fprintf(stderr, "--key needs --exercise (the file that names the "
                        "seats and the adjudicator's key)\n");
        return 2;
    }
    if (wg_exercise_load(cfg->exercise_path, &ex, NULL, &err) != 0) {
        wg_config_error_print(&err);
        return 2;
    }
    int rc = take_endpoint(ex, ex->router, given->router != NULL,
                           &cfg->router_endpoint, cfg->router_buf,
                           sizeof cfg->router_buf, "--router");
    if (rc == 0)
        rc = take_endpoint(ex, ex->pub, given->pub != NULL, &cfg->pub_endpoint,
                           cfg->pub_buf, sizeof cfg->pub_buf, "--pub");
    if (rc == 0)
        rc = take_keys(cfg, ex);
    wg_exercise_destroy(&ex);
    return rc;
}
