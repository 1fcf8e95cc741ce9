"""wg_dump.py - reading `wg-log dump` output (JSON lines) in the tests'
Python checks (wg_fallback_check.py, wg_lan_check.py): the kinds of order,
who sent a record, its provenance, the turn results, and one list of
failures that each check appends to and reports at the end."""
import json

# The Envelope payloads that are orders (docs/PROTOCOL.md, "Orders in detail").
ORDER_KINDS = ("requirement", "pledge", "assignment", "rotation", "response",
               "decision", "intention")

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def load(path):
    """The records of a dump, in log order."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def kind_of(rec):
    """The order kind a record carries, or None."""
    for k in ORDER_KINDS:
        if k in rec:
            return k
    return None


def role_of(rec):
    if rec.get("sender_role") == "ROLE_COMMAND":
        return "command"
    return rec.get("sender_nation", "")


def source(rec):
    return rec.get("provenance", {}).get("source", "")


def results(recs):
    """Each turn's TurnResult, by turn."""
    return {r.get("turn", 0): r["result"] for r in recs if "result" in r}
