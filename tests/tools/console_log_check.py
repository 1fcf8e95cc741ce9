"""console_log_check - what the log says of FRA's orders after a team
played it at the console (tests/integration/console.sh,
console_assist.sh).

    console_log_check.py human|assist DUMP

human: the pledge (turn 1: 4000 troops, E1 S1), the rotation (turn 2:
prepare 2) and the responses of turn 3 and of the turns the team had
back are FRA's, with source ORDER_SOURCE_HUMAN, agent "alice", the
team's rationale and assistance ASSISTANCE_OWN; turn 4's response is a
default one ("deadline missed"), then "absent" ones until FRA's Join was
taken, then the team's own to the end (turn 8);
no other FRA order is in the log (what the console refused was never
sent: one pledge, and no 99999 anywhere).

assist: turn 1's pledge is ASSISTANCE_PROPOSAL and turn 2's rotation
ASSISTANCE_EDITED (both HUMAN, alice); FRA then left: its leaving
Forfeit is recorded, and turns 3 to 8 are played by its fallback
("disconnected").
"""
import sys

import wg_dump as d

mode, path = sys.argv[1:3]
recs = d.load(path)
seat = "command" if mode == "command" else "FRA"
fra = [r for r in recs if d.role_of(r) == seat and d.kind_of(r)]
by_turn = {}
for r in fra:
    by_turn.setdefault((r.get("turn", 0), d.kind_of(r)), []).append(r)


def one(turn, kind):
    got = by_turn.get((turn, kind), [])
    if len(got) != 1:
        d.fail("turn %d: %d %s %s orders, wanted 1" % (turn, len(got), seat,
                                                         kind))
        return {}
    return got[0]


def human_order(turn, kind, rationale, assistance):
    r = one(turn, kind)
    p = r.get("provenance", {})
    want = {"source": "ORDER_SOURCE_HUMAN", "agent": "alice",
            "rationale": rationale, "assistance": assistance}
    for k, v in want.items():
        if rationale is None and k == "rationale":
            continue
        if p.get(k) != v:
            d.fail("turn %d %s: provenance %s is %r, wanted %r"
                   % (turn, kind, k, p.get(k), v))
    return r


if mode == "human":
    pl = human_order(1, "pledge", "lead nation holds E1 and S1",
                     "ASSISTANCE_OWN").get("pledge", {})
    if pl.get("troops") != 4000 or sorted(pl.get("sectors", [])) != ["E1",
                                                                     "S1"]:
        d.fail("turn 1 pledge is %r, wanted 4000 troops to E1 S1" % pl)
    rot = human_order(2, "rotation", "start preparing two units",
                      "ASSISTANCE_OWN").get("rotation", {})
    if rot.get("prepare") != 2:
        d.fail("turn 2 rotation is %r, wanted prepare 2" % rot)
    human_order(3, "response", "turn 3: answer the fire", "ASSISTANCE_OWN")
    # Turn 4 missed; then "absent" until the Join was taken; then the
    # team's own again, to the end.
    t4 = one(4, "response").get("provenance", {})
    if t4.get("source") != "ORDER_SOURCE_DEFAULT" or \
            t4.get("reason") != "deadline missed":
        d.fail("turn 4: FRA's response is %r, wanted its fallback at the "
               "deadline" % t4)
    back = None
    # A nation whose cohesion broke owes nothing more: the turns it was
    # asked are those with an order of its in the log.
    asked = [turn for turn in range(5, 9) if by_turn.get((turn, "response"))]
    for turn in asked:
        p = one(turn, "response").get("provenance", {})
        if back is None and p.get("source") == "ORDER_SOURCE_DEFAULT" and \
                p.get("reason") == "absent":
            continue
        back = back or turn
        human_order(turn, "response", "turn %d: back at the table" % turn,
                    "ASSISTANCE_OWN")
    if back is None:
        d.fail("FRA never played again after the deadline it missed")
    if len(fra) != 4 + len(asked):
        d.fail("%d FRA orders in the log, wanted %d" % (len(fra),
                                                       4 + len(asked)))
    if any("99999" in str(r.get("pledge", {})) for r in recs):
        d.fail("a pledge of 99999 reached the log")
    answers = sum(len(r.get("response", {}).get("answers", []))
                  for r in fra if d.source(r) == "ORDER_SOURCE_HUMAN")
    print("FRA: pledge, rotation, responses at turn 3 and from turn %s on "
          "HUMAN (alice) with their rationales, %d incident answers; turn 4 "
          "its fallback at the deadline, absent until turn %s" % (back,
                                                                 answers,
                                                                 back))
elif mode == "command":
    req = human_order(1, "requirement", "hold the line, weight on E2 and E3",
                      "ASSISTANCE_OWN").get("requirement", {})
    got = {x["sector"]: x.get("troops", 0) for x in req.get("sectors", [])}
    if got.get("E2") != 9000 or got.get("N") != 500 or got.get("R") != 4000:
        d.fail("turn 1 requirement is %r" % got)
    asg = human_order(1, "assignment", "FRA leads in E1",
                      "ASSISTANCE_OWN").get("assignment", {})
    if asg.get("assignments") != [{"nation": "FRA", "sector": "E1",
                                   "troops": 1000}]:
        d.fail("turn 1 assignment is %r, wanted FRA E1 1000" % asg)
    human_order(2, "rotation", "no moves yet", "ASSISTANCE_OWN")
    dec = human_order(3, "decision", "the spike: answer robustly",
                      "ASSISTANCE_OWN").get("decision", {})
    if dec.get("reinforce") != ["E2"] or not dec.get("robust_roe") or \
            dec.get("recommit"):
        d.fail("turn 3 decision is %r, wanted reinforce E2, robust ROE" % dec)
    for turn in range(4, 9):
        p = one(turn, "decision").get("provenance", {})
        if p.get("source") != "ORDER_SOURCE_DEFAULT":
            d.fail("turn %d: the command's decision is %r, wanted its "
                   "fallback" % (turn, p))
    print("command: requirement, assignment, moves and decision HUMAN "
          "(alice) with their rationales; then it left")
else:
    human_order(1, "pledge", None, "ASSISTANCE_PROPOSAL")
    human_order(2, "rotation", None, "ASSISTANCE_EDITED")
    forfeits = [r for r in recs if d.role_of(r) == "FRA" and "forfeit" in r]
    if not any(f["forfeit"].get("leaving") for f in forfeits):
        d.fail("no leaving Forfeit from FRA in the log")
    later = [r for r in fra if r.get("turn", 0) >= 3]
    if not later:
        d.fail("no FRA order after it left")
    for r in later:
        p = r.get("provenance", {})
        if p.get("source") != "ORDER_SOURCE_DEFAULT" or \
                p.get("reason") != "disconnected":
            d.fail("turn %d: FRA's response is %r, wanted its fallback "
                   "(disconnected)" % (r.get("turn", 0), p))
    others = [r for r in recs if d.kind_of(r) and d.role_of(r) != "FRA" and
              r.get("provenance", {}).get("assistance")]
    if others:
        d.fail("%d orders of other roles carry an assistance" % len(others))
    print("FRA: turn 1 the proposal unchanged, turn 2 edited; then it left "
          "and its fallback played (disconnected)")
sys.exit(1 if d.failures else 0)
