/*
 * bot.c - loading plug-in bots.
 *
 * A plug-in is a shared library exporting wg_bot_entry(); it is opened once
 * and never closed, so the bot it returns lives as long as the process.
 * Errors (no such file, no entry point, another ABI version) are returned
 * with a reason; nothing here asserts on what a plug-in hands back.
 */
#include "wg/bot.h"

#include <dlfcn.h>
#include <stdio.h>

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
