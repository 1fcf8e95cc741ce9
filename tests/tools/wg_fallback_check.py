#!/usr/bin/env python3
"""wg_fallback_check.py - checks what the default orders in an exercise log
say, per fallback kind, from `wg-log dump` output (one JSON object per
record). Used by tests/integration/fallback_kinds.sh and fallback_bot.sh.

    wg_fallback_check.py kinds DUMP --expect NATION=KIND:FROM:REASON...
    wg_fallback_check.py bot CONTROL_DUMP DUMP --expect NATION=REASON...

The expectations come from the docs (docs/PROTOCOL.md "Deadlines and
default orders", docs/RULES.md, docs/LOG-FORMAT.md "Provenance"), not from
wg's code:

kinds: NATION gets its fallback's orders in every phase that expects it
from turn FROM on, each recorded as from NATION with provenance source
ORDER_SOURCE_DEFAULT and reason REASON ("A/B": the first A, the others B,
for a nation that is absent after the deadline it missed), and answers
itself before FROM.
KIND says what those orders must hold:
  hold    agent "scenario default"; a pledge of nothing that names NATION;
          rotation orders that relieve only NATION's own due units, as many
          as it has ready units for, and recall nothing; a Response that
          answers exactly the phase's incidents naming NATION, each ROE_HOLD;
  repeat  agent "scenario fallback: repeat"; NATION's own last pledge again
          (troops and sectors), rotation orders that prepare as many units
          as its own last rotation orders did and relieve and recall none;
          in incident turns hold (still agent "scenario fallback: repeat":
          the repeat fallback plays, and has nothing to repeat there); a
          nation with no orders of its own to repeat gets hold, agent
          "scenario default";
  bot     agent "wg-contingent-bot/1" (what the bot says is checked by
          `bot`, against an exercise in which the nation played itself).
Every nation not named gets no default orders at all. Each TurnResult's
`defaulted` lists exactly the roles with default orders in that turn, and
the turn of a nation's first default order has the event "NATION: the
fallback plays (REASON)". None of NATION's own orders may have been
corrected (an ERROR_INVALID_ORDER to it): what is repeated is then what it
sent.

bot: DUMP is an exercise of the same scenario and seed as CONTROL_DUMP in
which the nations named were absent (a bot fallback plays for them) while
every one of them played itself in CONTROL_DUMP (with the built-in bot of
wg-contingent). Each of the nation's orders in CONTROL_DUMP has exactly
one counterpart in DUMP, for the same turn and phase, with the same payload
and rationale, source ORDER_SOURCE_DEFAULT, agent "wg-contingent-bot/1" and
reason REASON; DUMP has no other order from it; every other role's orders
are the same in both; and every turn ends in the same state (equal
state_digest).

Prints what it checked; exit 0 if everything held, 1 if not, 2 on bad
usage.
"""

import json
import sys

from wg_dump import ORDER_KINDS, fail, failures, load, role_of, results, source  # noqa: E402

HOLD_AGENT = "scenario default"
REPEAT_AGENT = "scenario fallback: repeat"
BOT_AGENT = "wg-contingent-bot/1"


def payload_kind(rec):
    for k in ORDER_KINDS + ("join", "welcome", "turn_start", "result",
                            "error", "end", "forfeit"):
        if k in rec:
            return k
    return None


def orders(recs):
    """Order records (not the adjudicator's), in log order."""
    return [r for r in recs if payload_kind(r) in ORDER_KINDS and
            r.get("sender_role") != "ROLE_ADJUDICATOR"]


def phase_starts(recs):
    """The broadcast phase starts, by (turn, phase)."""
    out = {}
    for r in recs:
        if "turn_start" in r and not r.get("recipient"):
            out[(r.get("turn", 0), r["phase"])] = r["turn_start"]
    return out


def check_defaulted(recs):
    """Each TurnResult's defaulted list is the set of roles with default
    orders in that turn."""
    by_turn = {}
    for r in orders(recs):
        if source(r) == "ORDER_SOURCE_DEFAULT":
            by_turn.setdefault(r.get("turn", 0), set()).add(role_of(r))
    for turn, res in sorted(results(recs).items()):
        listed = res.get("defaulted", [])
        if len(listed) != len(set(listed)):
            fail("turn %d: defaulted lists a role twice: %s" % (turn, listed))
        if set(listed) != by_turn.get(turn, set()):
            fail("turn %d: defaulted %s, but default orders in the log for %s"
                 % (turn, sorted(set(listed)),
                    sorted(by_turn.get(turn, set()))))


def hold_answers(ts, nation):
    return sorted((i["id"], "ROE_HOLD") for i in ts.get("incidents", [])
                  if i.get("nation") == nation)


def answers_of(rec):
    return sorted((a.get("incident", 0), a.get("action", "")) for a in
                  rec["response"].get("answers", []))


def check_hold_rotation(where, rot, ts, nation):
    """Relieves only its own due units, as many as it has ready units for
    (docs/RULES.md "Rotation"); recalls and moves nothing."""
    sit = ts.get("situation", {})
    w = ts.get("rotation_due_within", 0)
    mine = [u for u in sit.get("units", []) if u.get("nation") == nation]
    due = {u["id"] for u in mine if u.get("status") == "UNIT_DEPLOYED" and
           2 * u.get("weeks_left", 0) <= w}
    ready = sum(1 for u in mine if u.get("status") == "UNIT_READY")
    relieve = rot.get("relieve", [])
    if not set(relieve) <= due or len(relieve) != len(set(relieve)):
        fail("%s: relieves %s, not only its own due units %s"
             % (where, relieve, sorted(due)))
    if len(relieve) != min(len(due), ready):
        fail("%s: relieves %d units, wanted %d (%d due, %d ready)"
             % (where, len(relieve), min(len(due), ready), len(due), ready))
    if rot.get("recall") or rot.get("moves"):
        fail("%s: hold recalls or moves units: %s" % (where, rot))
    if not mine and rot.get("prepare", 0) != 0:
        fail("%s: prepares %d units for a nation with none"
             % (where, rot.get("prepare", 0)))


def cmd_kinds(dump, expects):
    recs = load(dump)
    starts = phase_starts(recs)
    res = results(recs)
    all_orders = orders(recs)
    corrected = [r for r in recs if "error" in r and
                 r["error"].get("code") == "ERROR_INVALID_ORDER"]
    named = set(expects)
    # Nobody else gets default orders.
    for r in all_orders:
        if source(r) == "ORDER_SOURCE_DEFAULT" and role_of(r) not in named:
            fail("turn %d %s: a default order for %s, which answered itself"
                 % (r.get("turn", 0), r["phase"], role_of(r)))
    for nation, (kind, first, reason) in sorted(expects.items()):
        for e in corrected:
            if e.get("recipient") == nation:
                fail("%s: its own order was corrected: %s"
                     % (nation, e["error"].get("detail")))
        mine = {}
        for r in all_orders:
            if role_of(r) == nation:
                mine.setdefault((r.get("turn", 0), r["phase"]), []).append(r)
        last_pledge = last_rotation = None
        counts = {}
        held = 0
        first_default = None
        for (turn, phase), ts in sorted(starts.items()):
            if nation not in ts.get("expected", []):
                continue
            where = "%s turn %d %s" % (nation, turn, phase)
            got = mine.get((turn, phase), [])
            if len(got) != 1:
                fail("%s: %d orders in the log, wanted 1" % (where, len(got)))
                continue
            r = got[0]
            prov = r.get("provenance", {})
            pk = payload_kind(r)
            if turn < first:
                if prov.get("source") == "ORDER_SOURCE_DEFAULT":
                    fail("%s: a default order before turn %d" % (where, first))
                if pk == "pledge":
                    last_pledge = r["pledge"]
                elif pk == "rotation":
                    last_rotation = r["rotation"]
                continue
            if prov.get("source") != "ORDER_SOURCE_DEFAULT":
                fail("%s: source %s, wanted ORDER_SOURCE_DEFAULT"
                     % (where, prov.get("source")))
                continue
            # REASON "A/B": the first default order says A, the later ones
            # B (a nation absent since the deadline it missed: "absent").
            want_reason = reason.split("/")[0]
            if first_default is not None:
                want_reason = reason.split("/")[-1]
            if first_default is None:
                first_default = turn
            if prov.get("reason") != want_reason:
                fail("%s: reason %r, wanted %r" % (where, prov.get("reason"),
                                                   want_reason))
            counts[pk] = counts.get(pk, 0) + 1
            history = last_pledge is not None or last_rotation is not None
            if kind == "bot":
                if prov.get("agent") != BOT_AGENT:
                    fail("%s: agent %r, wanted %r" % (where, prov.get("agent"),
                                                      BOT_AGENT))
                continue
            repeating = kind == "repeat" and history
            agents = {REPEAT_AGENT} if repeating else {HOLD_AGENT}
            if prov.get("agent") not in agents:
                fail("%s: agent %r, wanted %s" % (where, prov.get("agent"),
                                                  " or ".join(sorted(agents))))
            if pk == "pledge":
                p = r["pledge"]
                if p.get("nation", "") not in ("", nation):
                    fail("%s: the pledge names %s" % (where, p.get("nation")))
                want = (last_pledge or {}) if repeating else {}
                if (p.get("troops", 0) != want.get("troops", 0) or
                        sorted(p.get("sectors", [])) !=
                        sorted(want.get("sectors", []))):
                    fail("%s: pledge %s troops in %s, wanted %s in %s (%s)"
                         % (where, p.get("troops", 0), p.get("sectors", []),
                            want.get("troops", 0), want.get("sectors", []),
                            "its own last pledge" if repeating
                            else "hold: nothing"))
            elif pk == "rotation":
                rot = r["rotation"]
                if repeating:
                    want = (last_rotation or {}).get("prepare", 0)
                    if rot.get("prepare", 0) != want:
                        fail("%s: prepares %d, its own last rotation orders "
                             "prepared %d" % (where, rot.get("prepare", 0),
                                              want))
                    if rot.get("relieve") or rot.get("recall") or \
                            rot.get("moves"):
                        fail("%s: repeat relieves, recalls or moves: %s"
                             % (where, rot))
                else:
                    check_hold_rotation(where, rot, ts, nation)
            elif pk == "response":
                want = hold_answers(ts, nation)
                got_a = answers_of(r)
                held += len(want)
                if got_a != want:
                    fail("%s: answers %s, wanted ROE_HOLD for its own "
                         "incidents %s" % (where, got_a[:8],
                                           [i for i, _ in want][:8]))
            else:
                fail("%s: a %s, not a contingent's order" % (where, pk))
        if first_default is None:
            fail("%s: no default orders from turn %d on" % (nation, first))
        else:
            event = "%s: the fallback plays (%s)" % (nation,
                                                    reason.split("/")[0])
            if event not in res.get(first_default, {}).get("events", []):
                fail("turn %d: no event %r" % (first_default, event))
        what = ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items()))
        if kind != "bot":
            what += "; %d own incidents held" % held
        if kind == "repeat" and (last_pledge or last_rotation):
            what += "; repeats pledge %s and prepare %s" % (
                last_pledge, (last_rotation or {}).get("prepare"))
        print("%s (%s from turn %d, %s): default orders %s"
              % (nation, kind, first, reason, what or "none"))
    check_defaulted(recs)


def strip(rec):
    """An order's content: its payload and rationale."""
    k = payload_kind(rec)
    return {k: rec[k], "rationale":
            rec.get("provenance", {}).get("rationale", "")}


def cmd_bot(control_dump, dump, expects):
    ctl, run = load(control_dump), load(dump)
    ctl_orders = {}
    run_orders = {}
    for r in orders(ctl):
        ctl_orders.setdefault((role_of(r), r.get("turn", 0), r["phase"]),
                              []).append(r)
    for r in orders(run):
        run_orders.setdefault((role_of(r), r.get("turn", 0), r["phase"]),
                              []).append(r)
    for key in sorted(set(ctl_orders) | set(run_orders)):
        role, turn, phase = key
        where = "%s turn %d %s" % key
        c, r = ctl_orders.get(key, []), run_orders.get(key, [])
        if len(c) != 1 or len(r) != 1:
            fail("%s: %d orders in the control, %d here; wanted 1 and 1"
                 % (where, len(c), len(r)))
            continue
        c, r = c[0], r[0]
        if strip(c) != strip(r):
            fail("%s: %s here, the control's is %s"
                 % (where, json.dumps(strip(r))[:200],
                    json.dumps(strip(c))[:200]))
        cp, rp = c.get("provenance", {}), r.get("provenance", {})
        if role in expects:
            if cp.get("source") != "ORDER_SOURCE_BOT":
                fail("%s: the control's order has source %s"
                     % (where, cp.get("source")))
            want = ("ORDER_SOURCE_DEFAULT", cp.get("agent"), expects[role])
            got = (rp.get("source"), rp.get("agent"), rp.get("reason"))
            if got != want or rp.get("agent") != BOT_AGENT:
                fail("%s: provenance %s, wanted %s (agent %s)"
                     % (where, got, want, BOT_AGENT))
        elif cp != rp:
            fail("%s: provenance %s, the control's %s" % (where, rp, cp))
    for nation in expects:
        n = sum(1 for k in run_orders if k[0] == nation)
        joins = [r for r in run if "join" in r and role_of(r) == nation]
        if joins:
            fail("%s joined, but was meant to be absent" % nation)
        print("%s: %d orders by the bot fallback, each the one it gave "
              "itself in the control exercise" % (nation, n))
    cr, rr = results(ctl), results(run)
    if sorted(cr) != sorted(rr):
        fail("turn results for turns %s here, %s in the control"
             % (sorted(rr), sorted(cr)))
    same = 0
    for turn in sorted(set(cr) & set(rr)):
        if cr[turn].get("state_digest") != rr[turn].get("state_digest"):
            fail("turn %d: the state differs from the control's" % turn)
        else:
            same += 1
    print("%d of %d turns end in the control's state" % (same, len(cr)))
    check_defaulted(run)


def parse_expects(args, with_kind):
    expects = {}
    for a in args:
        nation, _, spec = a.partition("=")
        if with_kind:
            parts = spec.split(":", 2)
            if len(parts) != 3 or parts[0] not in ("hold", "repeat", "bot"):
                raise ValueError(a)
            expects[nation] = (parts[0], int(parts[1]), parts[2])
        else:
            expects[nation] = spec
    return expects


def main(argv):
    try:
        i = argv.index("--expect")
        head, specs = argv[1:i], argv[i + 1:]
        if head and head[0] == "kinds" and len(head) == 2:
            cmd_kinds(head[1], parse_expects(specs, True))
        elif head and head[0] == "bot" and len(head) == 3:
            cmd_bot(head[1], head[2], parse_expects(specs, False))
        else:
            raise ValueError("usage")
    except ValueError:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    if failures:
        print("%d checks failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
