/*
 * share.c - who sees what: the predicates of wg/share.h.
 *
 * Pure functions of the policy, the viewer and the state; no allocation,
 * no I/O, any thread. The one place where a policy is defined: the
 * adjudicator's encoders ask here, and so do the tests.
 *
 *   full       everyone sees everything (the PUB carries it all).
 *   coalition  every nation's figures and every incident and pledge are
 *              public; a unit only to its own nation and the command.
 *   national   public: the sectors, and of every nation its gate, status,
 *              troops deployed and casualties. A nation sees its own units,
 *              figures and pledge, and the incidents that name it or strike
 *              a sector it holds; the command sees every nation's figures,
 *              every pledge and incident, and the units deployed under its
 *              command (not those the nations keep at home).
 */
#include "wg/share.h"

bool
wg_share_split(wg_sharing_t sharing)
{
    return sharing != WG_SHARING_FULL;
}

const char *
wg_share_name(wg_sharing_t sharing)
{
    switch (sharing) {
    case WG_SHARING_FULL:
        return "full";
    case WG_SHARING_COALITION:
        return "coalition";
    case WG_SHARING_NATIONAL:
        return "national";
    }
    return "?";
}

static bool
is_nation(const wg_share_view_t *v, size_t i)
{
    return v->viewer >= 1 && (size_t)(v->viewer - 1) == i;
}

bool
wg_share_unit(const wg_share_view_t *v, const wg_unit_t *u)
{
    if (v->sharing == WG_SHARING_FULL)
        return true;
    if (v->viewer == 0)
        return v->sharing == WG_SHARING_COALITION ||
               u->status == WG_UNIT_DEPLOYED;
    return is_nation(v, u->nation);
}

bool
wg_share_nation(const wg_share_view_t *v, size_t i)
{
    return v->sharing != WG_SHARING_NATIONAL || v->viewer == 0 ||
           is_nation(v, i);
}

bool
wg_share_pledge(const wg_share_view_t *v, size_t i)
{
    return wg_share_nation(v, i);
}

bool
wg_share_incident(const wg_share_view_t *v, const wg_state_t *st,
                  const wg_incident_t *in)
{
    if (v->sharing != WG_SHARING_NATIONAL || v->viewer == 0)
        return true;
    if (v->viewer < 1)
        return false;
    size_t n = (size_t)(v->viewer - 1);
    if (in->nation >= 0 && (size_t)in->nation == n)
        return true;
    for (uint32_t i = 0; i < st->n_units; i++) {
        const wg_unit_t *u = &st->units[i];
        if (u->nation == n && u->status == WG_UNIT_DEPLOYED &&
            u->sector == (int)in->sector)
            return true;
    }
    return false;
}
