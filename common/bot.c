/*
 * bot.c - the built-in bots, and loading plug-in bots.
 *
 * The built-in contingent and command bots answer a phase with the
 * decision their own table (common/bot_int.h) holds for the kind of order
 * the phase table (wg/phases.h) asks of their role in it
 * (common/bot_contingent.c, common/bot_command.c); a phase that asks their
 * role nothing leaves them silent.
 *
 * A plug-in is a shared library exporting wg_bot_entry(); it is opened once
 * and never closed, so the bot it returns lives as long as the process.
 * Errors (no such file, no entry point, another ABI version) are returned
 * with a reason; nothing here asserts on what a plug-in hands back.
 */
#include "wg/bot.h"
#include "wg/phases.h"

#include "bot_int.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef const wg_bot_t *(*entry_fn)(void);

const wg_bot_t *
wg_bot_load(const char *path, char *why, size_t why_len)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        snprintf(why, why_len, "%s", dlerror());
        return NULL;
    }
    /* dlsym returns an object pointer; POSIX guarantees it converts to a
     * function pointer, and the union says so without a cast warning. */
    union {
        void *obj;
        entry_fn fn;
    } u = {.obj = dlsym(h, "wg_bot_entry")};
    entry_fn entry = u.fn;
    if (entry == NULL) {
        snprintf(why, why_len, "%s: no wg_bot_entry symbol", path);
        dlclose(h);
        return NULL;
    }
    const wg_bot_t *bot = entry();
    if (bot == NULL || bot->abi_version != WG_BOT_ABI_VERSION ||
        bot->decide == NULL || bot->name == NULL) {
        snprintf(why, why_len,
                 "%s: wg_bot_entry() gave no bot for ABI version %d", path,
                 WG_BOT_ABI_VERSION);
        dlclose(h);
        return NULL;
    }
    return bot;
}

/* The built-in bot's decision for the kind of order the phase asks of its
 * role, from the bot's own table; none (another role's phase, or a kind the
 * bot has no decision for) leaves it silent, and the fallback plays. */
static int
builtin_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
               wg_orders_t *out, const wg__bot_decider_t *table, bool command)
{
    if ((v->nation < 0) != command)
        return 1; /* the other built-in bot's role */
    const wg_phase_info_t *p = wg_phase_info((int)v->phase);
    const wg_order_kind_t *k = p ? wg_phase_order(p, v->nation + 1) : NULL;
    if (k == NULL)
        return 1;
    for (const wg__bot_decider_t *d = table; d->kind != NULL; d++)
        if (strcmp(d->kind, k->name) == 0) {
            d->decide(sc, v, out);
            return 0;
        }
    return 1;
}

static int
contingent_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
                  wg_orders_t *out, void *arg)
{
    (void)arg;
    return builtin_decide(sc, v, out, wg__bot_contingent_deciders, false);
}

static int
command_decide(const wg_scenario_t *sc, const wg_phase_view_t *v,
               wg_orders_t *out, void *arg)
{
    (void)arg;
    return builtin_decide(sc, v, out, wg__bot_command_deciders, true);
}

const wg_bot_t *
wg_bot_builtin_contingent(void)
{
    static const wg_bot_t bot = {
        .abi_version = WG_BOT_ABI_VERSION,
        .name = "wg-contingent-bot/1",
        .decide = contingent_decide,
    };
    return &bot;
}

const wg_bot_t *
wg_bot_builtin_command(void)
{
    static const wg_bot_t bot = {
        .abi_version = WG_BOT_ABI_VERSION,
        .name = "wg-command-bot/1",
        .decide = command_decide,
    };
    return &bot;
}
