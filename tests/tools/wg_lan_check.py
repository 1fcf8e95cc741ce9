#!/usr/bin/env python3
"""wg_lan_check.py - checks the log of an exercise in which one nation's
link was cut and restored (tests/integration/lan_netns.sh) against the log
of the same exercise played with every link up, from `wg-log dump` output
(one JSON object per record).

    wg_lan_check.py CLEAN_DUMP CUT_DUMP NATION CUT_TURN BACK_BY

The nation's scenario fallback is `bot` (the built-in contingent bot, the
bot its own wg-contingent plays), so what the fallback orders is what the
nation would have ordered itself (docs/PROTOCOL.md "Deadlines and default
orders"). Expected, from the docs rather than wg's code:

- CLEAN_DUMP has no default orders at all (every role answered);
- in CUT_DUMP, every phase that expects NATION has exactly one order from
  it; in log order, they are its own (source ORDER_SOURCE_BOT) up to some turn, then
  default orders (source ORDER_SOURCE_DEFAULT, agent
  "wg-contingent-bot/1", a reason) while its link is cut, then its own
  again to the end: one run of default orders, starting no earlier than
  CUT_TURN (the turn during which the link was cut) and ending before
  BACK_BY (a turn that only started once the link was back up and its
  connections had caught up);
- each default order names a reason that says it was absent ("deadline
  missed", "disconnected", or another absence), not "not joined",
  "invalid orders" or "bot crashed";
- the TurnResult of the first default order has the event "NATION: the
  fallback plays (REASON)", that of its first own order after them
  "NATION: the team takes control back"; each TurnResult's `defaulted`
  lists NATION exactly in the turns of its default orders, and no one
  else ever;
- every order (payload and rationale) of every role is the one of the
  clean exercise for the same turn and phase, and every turn ends in the
  clean exercise's state (equal state_digest).

Prints what it found; exit 0 if everything held, 1 if not, 2 on bad usage.
"""

import json
import sys

from wg_dump import ORDER_KINDS, fail, failures, kind_of, load, role_of, results, source  # noqa: E402,F401

BOT_AGENT = "wg-contingent-bot/1"
NOT_ABSENCE = ("not joined", "invalid orders", "bot crashed")


def orders(recs):
    """Orders (not the adjudicator's own records), by (role, turn, phase)."""
    out = {}
    for r in recs:
        if kind_of(r) is None or r.get("sender_role") == "ROLE_ADJUDICATOR":
            continue
        out.setdefault((role_of(r), r.get("turn", 0), r["phase"]),
                       []).append(r)
    return out


def content(rec):
    k = kind_of(rec)
    return {k: rec[k],
            "rationale": rec.get("provenance", {}).get("rationale", "")}


def expecting(recs, nation):
    """(turn, phase) of every broadcast phase start that expects nation,
    in order."""
    out = []
    for r in recs:
        ts = r.get("turn_start")
        if ts is not None and not r.get("recipient") and \
                nation in ts.get("expected", []):
            key = (r.get("turn", 0), r["phase"])
            if key not in out:
                out.append(key)
    return out


def check(clean_path, cut_path, nation, cut_turn, back_by):
    clean, cut = load(clean_path), load(cut_path)
    co, xo = orders(clean), orders(cut)

    # The clean exercise: nobody defaulted.
    for key, rs in sorted(co.items()):
        for r in rs:
            if source(r) == "ORDER_SOURCE_DEFAULT":
                fail("clean exercise: a default order for %s turn %d %s"
                     % key)

    # The same orders, role by role, phase by phase.
    same = 0
    for key in sorted(set(co) | set(xo)):
        c, x = co.get(key, []), xo.get(key, [])
        where = "%s turn %d %s" % key
        if len(c) != 1 or len(x) != 1:
            fail("%s: %d orders in the clean exercise, %d in the cut one; "
                 "wanted 1 and 1" % (where, len(c), len(x)))
            continue
        if content(c[0]) != content(x[0]):
            fail("%s: %s with the cut, %s without"
                 % (where, json.dumps(content(x[0]))[:200],
                    json.dumps(content(c[0]))[:200]))
        else:
            same += 1
        if key[0] != nation and source(x[0]) == "ORDER_SOURCE_DEFAULT":
            fail("%s: a default order, but only %s was cut off"
                 % (where, nation))
    print("%d orders, each the clean exercise's" % same)

    # The nation's orders: its own, its fallback's while cut, its own again.
    phases = expecting(cut, nation)
    for turn, phase in phases:
        if (nation, turn, phase) not in xo:
            fail("%s turn %d %s: the phase expects it, but no order from it "
                 "is recorded" % (nation, turn, phase))
    run = []  # (turn, phase, "own" | "default", record), in log order
    for r in cut:
        key = (role_of(r), r.get("turn", 0), r.get("phase"))
        if key[0] != nation or kind_of(r) is None or \
                r.get("sender_role") == "ROLE_ADJUDICATOR" or \
                len(xo.get(key, [])) != 1:
            continue  # not its order, or reported above
        run.append((key[1], key[2], "default" if source(r) ==
                    "ORDER_SOURCE_DEFAULT" else "own", r))
    pattern = "".join("d" if w == "default" else "o" for _, _, w, _ in run)
    print("%s's %d orders, in log order: %s (o own, d default)"
          % (nation, len(run), pattern))
    first_d = pattern.find("d")
    if first_d < 0:
        fail("%s: no default orders while its link was cut" % nation)
        return
    last_d = pattern.rfind("d")
    if "o" in pattern[first_d:last_d + 1]:
        fail("%s: its own orders between default ones (%s): wanted one run"
             % (nation, pattern))
    if first_d == 0:
        fail("%s: default orders from its first phase: it never played "
             "before the cut" % nation)
    if last_d == len(pattern) - 1:
        fail("%s: default orders to the end: it never played again after "
             "its link was restored" % nation)
    d_turns = sorted({t for t, _, w, _ in run if w == "default"})
    print("%s: default orders in turns %d to %d; its own before and after"
          % (nation, d_turns[0], d_turns[-1]))
    if d_turns[0] < cut_turn:
        fail("%s: default orders from turn %d, before its link was cut "
             "(turn %d)" % (nation, d_turns[0], cut_turn))
    if d_turns[-1] >= back_by:
        fail("%s: default orders up to turn %d, though its link was back "
             "before turn %d began" % (nation, d_turns[-1], back_by))

    reasons = set()
    for t, p, w, r in run:
        if w != "default":
            if source(r) != "ORDER_SOURCE_BOT":
                fail("%s turn %d %s: source %s, wanted ORDER_SOURCE_BOT"
                     % (nation, t, p, source(r)))
            continue
        prov = r.get("provenance", {})
        reason = prov.get("reason", "")
        reasons.add(reason)
        if not reason or reason in NOT_ABSENCE:
            fail("%s turn %d %s: reason %r is not an absence"
                 % (nation, t, p, reason))
        if prov.get("agent") != BOT_AGENT:
            fail("%s turn %d %s: agent %r, wanted %r (fallback: bot)"
                 % (nation, t, p, prov.get("agent"), BOT_AGENT))
    print("%s: reasons recorded: %s" % (nation, ", ".join(sorted(reasons))))

    res, clean_res = results(cut), results(clean)
    first_reason = run[first_d][3].get("provenance", {}).get("reason", "")
    event = "%s: the fallback plays (%s)" % (nation, first_reason)
    t = run[first_d][0]
    if event not in res.get(t, {}).get("events", []):
        fail("turn %d: no event %r" % (t, event))
    t = run[last_d + 1][0] if last_d + 1 < len(run) else None
    event = "%s: the team takes control back" % nation
    if t is not None and event not in res.get(t, {}).get("events", []):
        fail("turn %d: no event %r" % (t, event))
    for turn, r in sorted(res.items()):
        want = [nation] if turn in d_turns else []
        if sorted(r.get("defaulted", [])) != want:
            fail("turn %d: defaulted %s, wanted %s"
                 % (turn, r.get("defaulted", []), want))

    if sorted(res) != sorted(clean_res):
        fail("results for turns %s, the clean exercise's for %s"
             % (sorted(res), sorted(clean_res)))
    equal = 0
    for turn in sorted(set(res) & set(clean_res)):
        if res[turn].get("state_digest") != clean_res[turn].get(
                "state_digest"):
            fail("turn %d: the state differs from the clean exercise's"
                 % turn)
        else:
            equal += 1
    print("%d of %d turns end in the clean exercise's state"
          % (equal, len(clean_res)))


def main(argv):
    if len(argv) != 6:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        cut_turn, back_by = int(argv[4]), int(argv[5])
    except ValueError:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    check(argv[1], argv[2], argv[3], cut_turn, back_by)
    if failures:
        print("%d checks failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
