#!/usr/bin/env bash
# refusals.sh - every refusal path of the adjudicator over the real bus:
# each refused message is answered with its Error code, counted, logged on
# stderr and recorded in the exercise log (seq 0), and the exercise goes
# on. tests/data/short.yaml plays without the command and ITA (so that the
# phases probed stay open for their deadline) and with NLD played by
# wg-probe --mode refusals (tests/tools/wg_probe.c), which sends:
#   in the lobby: Joins as nation XXX, as an observer, as the adjudicator
#   and as a contingent without a nation (ERROR_UNKNOWN_ROLE each), a
#   pledge before joining (ERROR_UNAUTHORISED), its own Join (Welcome), a
#   Join as FRA from the same peer (ERROR_UNAUTHORISED);
#   in a phase that does not expect NLD (turn 1's requirement): a pledge
#   (ERROR_NOT_EXPECTED);
#   in a pledge phase that expects NLD: rotation orders (ERROR_NOT_EXPECTED),
#   pledges whose provenance is one byte over a limit: rationale 513, agent
#   129, reason 129 (ERROR_MALFORMED each); its pledge, with a rationale of
#   exactly 512 bytes and an agent of exactly 128, of 99999 troops in N, E2,
#   S2 and R, which is accepted as corrected (ceiling 1500; E2 is outside
#   NLD's caveats) and reported (ERROR_INVALID_ORDER); a second pledge
#   (ERROR_DUPLICATE);
#   in the next pledge phase (turn 7): a pledge naming sector ZZ, which the
#   scenario lacks (ERROR_MALFORMED), and nothing after it in that phase.
# Checks: wg-probe got every reply right; the adjudicator logged each
# refusal on stderr, counts 14 rejected (the correction included) in its
# summary, its stats line and ExerciseEnd.rejected; the log holds the 14
# Error replies with seq 0, the refused messages not at all but for the
# unreadable pledge (an order that cannot be read is recorded, then
# refused), and NLD's corrected pledge as sent (512-byte rationale,
# 128-byte agent, 99999 troops) while the assignment phase shows it
# corrected (1500 troops, no E2); NLD answered every other phase itself,
# and at turn 7 its fallback played at the deadline with reason "invalid
# orders" (and it took control back at turn 8); wg-log verify exits 0.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init refusals
probe="$WG_BUILD_DIR/tests/wg-probe"
[ -x "$probe" ] || wg_abort "no $probe"
PY=$(wg_python) || wg_abort "no python3"

log="$WG_TMP/refusals.wglog"
wg_start_exercise run "$WG_SHORT" --skip command --skip ITA --skip NLD \
    --lobby-timeout 3000 --log "$log"
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --mode refusals --nation NLD \
    --claim FRA --timeout-ms 60000 >"$WG_RUN_DIR/probe.out" \
    2>"$WG_RUN_DIR/probe.err" &
probe_pid=$!
WG_PIDS+=("$probe_pid")

wg_wait "$probe_pid" 70
probe_rc=$WG_RC
grep -v -e '^probe: received TurnResult' -e '^probe: sent order for' \
    "$WG_RUN_DIR/probe.out"
[ "$probe_rc" -eq 0 ] || fail "wg-probe exited $probe_rc, wanted 0"
wg_wait "$WG_ADJ_PID" 30
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator exited $WG_RC, wanted 0"
wg_wait_workers 5

out="$WG_RUN_DIR/adjudicator.out" err="$WG_RUN_DIR/adjudicator.err"
wg_check_turn_lines "$out" 14

# Each refusal came back to the probe with its code, in order.
want_ok="ERROR_UNKNOWN_ROLE for a Join as nation XXX
ERROR_UNKNOWN_ROLE for a Join as an observer
ERROR_UNKNOWN_ROLE for a Join as the adjudicator
ERROR_UNKNOWN_ROLE for a Join as a contingent without a nation
ERROR_UNAUTHORISED for a pledge before joining
Welcome
ERROR_UNAUTHORISED for a Join as the claimed nation
ERROR_NOT_EXPECTED for a pledge in a phase that does not expect us
ERROR_NOT_EXPECTED for rotation orders in the pledge phase
ERROR_MALFORMED for a pledge with a 513-byte rationale
ERROR_MALFORMED for a pledge with a 129-byte agent
ERROR_MALFORMED for a pledge with a 129-byte reason
ERROR_INVALID_ORDER for a pledge over the ceiling and the caveats
ERROR_DUPLICATE for a second pledge in the phase
ERROR_MALFORMED for a pledge naming sector ZZ"
got_ok=$(sed -n 's/^probe: ok: //p' "$WG_RUN_DIR/probe.out")
[ "$got_ok" = "$want_ok" ] || fail "wg-probe's replies: $(echo "$got_ok" | tr '\n' '|')"
grep -q '^probe: received Error ERROR_INVALID_ORDER: NLD: order corrected: .*pledge 99999 over room 1500.*outside caveats' \
    "$WG_RUN_DIR/probe.out" || fail "the correction report does not say what changed"
grep -q '^probe: received Error ERROR_NOT_EXPECTED: NLD owes no such order in PHASE_REQUIREMENT' \
    "$WG_RUN_DIR/probe.out" || fail "NOT_EXPECTED in the requirement phase does not say why"

# Counted: 14 (the corrected order is counted as well), everywhere.
rejected=$(wg_summary "$out" "rejected messages")
[ "$rejected" = 14 ] || fail "summary: rejected messages ${rejected:-none}, wanted 14"
grep -Eq 'accepted [0-9]+, rejected 14, defaulted [0-9]+$' "$err" ||
    fail "stats line: $(grep 'accepted ' "$err" | tail -1)"
# Logged on stderr, each with its code.
for want in ERROR_UNKNOWN_ROLE=4 ERROR_UNAUTHORISED=2 ERROR_NOT_EXPECTED=2 \
    ERROR_MALFORMED=4 ERROR_INVALID_ORDER=1 ERROR_DUPLICATE=1; do
    code=${want%=*} n=${want#*=}
    got=$(grep -c "rejected ($code)" "$err")
    [ "$got" -eq "$n" ] || fail "stderr: $got 'rejected ($code)' lines, wanted $n"
done
grep -q "rejected (ERROR_MALFORMED): NLD: too long: Provenance.rationale" "$err" ||
    fail "stderr does not say the provenance was too long"
grep -q "rejected (ERROR_MALFORMED): NLD: .*ZZ" "$err" ||
    fail "stderr does not name the sector that does not exist"

# Recorded, and the rest of the log.
dump="$WG_TMP/dump"
"$WG_BIN/wg-log" dump "$log" >"$dump" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump exited $?"
"$PY" - "$dump" <<'EOF' || fail "the log's records of the refusals (above)"
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
bad = []
def check(cond, msg):
    if not cond:
        bad.append(msg)
        print("FAIL: " + msg)
errors = [r for r in recs if "error" in r]
codes = collections.Counter(r["error"]["code"] for r in errors)
want = {"ERROR_UNKNOWN_ROLE": 4, "ERROR_UNAUTHORISED": 2,
        "ERROR_NOT_EXPECTED": 2, "ERROR_MALFORMED": 4,
        "ERROR_INVALID_ORDER": 1, "ERROR_DUPLICATE": 1}
check(dict(codes) == want, "error replies in the log: %s" % dict(codes))
check(all(r["seq"] == "0" for r in errors), "an error reply with a seq")
check(all(r.get("sender_role") == "ROLE_ADJUDICATOR" for r in errors),
      "an error reply not from the adjudicator")
# Replies to the joined peer in the exercise are addressed to NLD.
for r in errors:
    if r.get("turn", 0) >= 1:
        check(r.get("recipient") == "NLD", "error at turn %s to %r" %
              (r.get("turn"), r.get("recipient")))
# The refused messages are not recorded: one join per role that joined
# (no XXX, no observer, no adjudicator, no second NLD join) ...
joins = collections.Counter((r.get("sender_role"), r.get("sender_nation", ""))
                            for r in recs if "join" in r)
check(all(n == 1 for n in joins.values()), "joins: %s" % dict(joins))
check(("ROLE_CONTINGENT", "NLD") in joins, "NLD's join is not recorded")
check(set(n for _, n in joins) <= {"FRA", "GBR", "DEU", "POL", "TUR", "ESP",
                                    "NLD"}, "a join of another role: %s"
      % dict(joins))
# ... and one order from NLD per phase that expected it (the corrected
# pledge, as sent), but at turn 7: the unreadable pledge, recorded, then
# its fallback's.
nld = [r for r in recs if r.get("sender_nation") == "NLD" and "join" not in r]
per_phase = collections.Counter((r.get("turn"), r["phase"]) for r in nld)
check(all(n == 1 for k, n in per_phase.items() if k != (7, "PHASE_PLEDGE")),
      "NLD phases with more than one record: %s" %
      [k for k, n in per_phase.items() if n != 1])
t7 = [r for r in nld if r.get("turn") == 7 and r["phase"] == "PHASE_PLEDGE"]
check(len(t7) == 2 and t7[0].get("pledge", {}).get("sectors") == ["ZZ"] and
      t7[0]["seq"] != "0" and
      t7[1].get("provenance", {}).get("source") == "ORDER_SOURCE_DEFAULT" and
      t7[1]["provenance"].get("reason") == "invalid orders",
      "turn 7: NLD's records are not the unreadable pledge and then its "
      "fallback's, \"invalid orders\": %s" % [json.dumps(r)[:160] for r in t7])
if t7:
    after = [r for r in recs if r["offset"] > t7[0]["offset"] and "error" in r]
    check(after and after[0]["error"]["code"] == "ERROR_MALFORMED",
          "the unreadable pledge's refusal does not follow it")
pledge = [r for r in nld if r.get("turn") == 1 and "pledge" in r]
check(len(pledge) == 1, "%d NLD pledges in turn 1" % len(pledge))
if pledge:
    p = pledge[0]
    prov = p.get("provenance", {})
    check(len(prov.get("rationale", "")) == 512, "rationale of %d bytes" %
          len(prov.get("rationale", "")))
    check(len(prov.get("agent", "")) == 128, "agent of %d bytes" %
          len(prov.get("agent", "")))
    check(p["pledge"].get("troops") == 99999 and
          p["pledge"].get("sectors") == ["N", "E2", "S2", "R"],
          "the pledge is not recorded as sent: %s" % p["pledge"])
    # Its correction report follows it.
    after = [r for r in recs if r["offset"] > p["offset"] and "error" in r]
    check(after and after[0]["error"]["code"] == "ERROR_INVALID_ORDER",
          "the correction report does not follow the pledge")
# The assignment phase shows the pledge corrected.
assign = [r for r in recs if "turn_start" in r and r.get("turn") == 1 and
          r["phase"] == "PHASE_ASSIGN" and not r.get("recipient")]
check(len(assign) == 1, "no turn-1 assignment phase start")
if assign:
    ps = {p["nation"]: p for p in assign[0]["turn_start"].get("pledges", [])}
    got = ps.get("NLD", {})
    check(got.get("troops") == 1500 and "E2" not in got.get("sectors", []) and
          set(got.get("sectors", [])) == {"N", "S2", "R"},
          "NLD's corrected pledge: %s" % got)
# NLD answered every other phase itself: defaulted in turn 7 only, and
# in control again at turn 8.
res = {r["turn"]: r["result"] for r in recs if "result" in r}
check(len(res) == 14, "%d turn results" % len(res))
got = [t for t, r in sorted(res.items()) if "NLD" in r.get("defaulted", [])]
check(got == [7], "NLD got default orders in turns %s, wanted [7]" % got)
check("NLD: the fallback plays (invalid orders)" in
      res.get(7, {}).get("events", []), "no 'fallback plays' event at turn 7")
check("NLD: the team takes control back" in res.get(8, {}).get("events", []),
      "no 'takes control back' event at turn 8")
end = [r["end"] for r in recs if "end" in r]
check(len(end) == 1 and end[0].get("rejected") == "14",
      "ExerciseEnd.rejected: %s" % (end[0].get("rejected") if end else None))
print("log: %d error replies %s, refused messages not recorded (but the "
      "unreadable pledge), NLD's pledge "
      "recorded as sent and taken corrected" % (len(errors), dict(codes)))
sys.exit(1 if bad else 0)
EOF

timeout 60 "$WG_BIN/wg-log" verify "$log" >"$WG_TMP/verify" 2>"$WG_TMP/verify.err"
st=$?
cat "$WG_TMP/verify"
[ $st -eq 0 ] || fail "wg-log verify exited $st: $(tail -2 "$WG_TMP/verify.err")"
grep -q '^identical' "$WG_TMP/verify" || fail "verify does not say identical"
wg_done
