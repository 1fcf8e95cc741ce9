#!/usr/bin/env bash
# talks.sh - plays tests/data/talks.yaml (talks with the parties at turns 6
# and 12) with real processes on loopback tcp. The command's built-in bot
# sets the agenda at turn 6; at turn 12, in the spike, the adjudicator
# imposes the command's agenda from written orders in the generic syntax
# of a flat kind (heavy weapons back from E2 and E3, announced). Every
# other role plays its built-in bot. Checks: every process exits 0; 14
# turn lines, "talks" at turns 6 and 12; the log holds one PHASE_TALKS
# start per talks turn, addressed to the command alone, and one
# TalksAgenda from the command in each (the bot's at 6, the written one
# at 12, as written); each meeting's events say how it went, and its
# TurnResult shows what the rules say that outcome does to escalation and
# stability, from the turn before, and the week does not move; wg-log
# view describes the agenda; the log verifies. Then wg-log fork at turn 6
# with the hotline, announced, written for the command (and nothing at
# 12: its hold plays): the same checks of the fork's meetings, and the
# fork verifies.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init talks
LOG_TOOL="$WG_BIN/wg-log"
scenario="$WG_SOURCE_DIR/tests/data/talks.yaml"

orders="$WG_TMP/command.yaml"
cat >"$orders" <<'YAML'
- turn: 12
  talks: {item: heavy_weapons, sectors: [E2, E3], announce: yes}
YAML
log="$WG_TMP/talks.wglog"
wg_play talks "$scenario" --log "$log" --lobby-timeout 20000 \
    --override "command=$orders"
out="$WG_RUN_DIR/adjudicator.out"
cat "$out"

wg_check_turn_lines "$out" 14
wg_check_turn_types "$out" deployment rotation incident incident incident \
    talks deployment rotation incident incident incident talks rotation incident

"$LOG_TOOL" dump "$log" >"$WG_TMP/dump" 2>"$WG_TMP/dump.err" ||
    fail "wg-log dump failed: $(head -2 "$WG_TMP/dump.err")"
# The checks of the records, in Python: the dump is one JSON object a line.
check_talks() { # DUMP SOURCE6 SOURCE12
    python3 - "$@" <<'PY'
import json, sys
dump, want6, want12 = sys.argv[1:4]
recs = [json.loads(l) for l in open(dump)]
results = {r["turn"]: r["result"] for r in recs if "result" in r}
bad = []
# What the rules say (docs/RULES.md, "Talks"): weights length x threat.
line = {}
for r in recs:
    if "result" in r:
        for s in r["result"].get("sectors", []):
            if s.get("threat", 0) > 0 and s["code"] != "R":
                line[s["code"]] = s.get("length_km", 0) * s["threat"]
        break
for turn, source in ((6, want6), (12, want12)):
    starts = [r for r in recs if r.get("turn") == turn and "turn_start" in r]
    if not starts or any(r.get("phase") != "PHASE_TALKS" for r in starts):
        bad.append(f"turn {turn}: phase starts {[r.get('phase') for r in starts]}")
    for r in starts:
        exp = r["turn_start"].get("expected", [])
        if exp != ["command"]:
            bad.append(f"turn {turn}: expected {exp}, wanted the command")
    ags = [r for r in recs if r.get("turn") == turn and "talks" in r]
    if len(ags) != 1 or ags[0].get("sender_role") != "ROLE_COMMAND":
        bad.append(f"turn {turn}: {len(ags)} agendas, wanted one from the command")
        continue
    ag, prov = ags[0]["talks"], ags[0].get("provenance", {})
    if source != "fork" and prov.get("source") != source:
        bad.append(f"turn {turn}: agenda from {prov.get('source')}, wanted {source}")
    item = ag.get("item", "TALKS_ITEM_UNSPECIFIED")
    sectors = ag.get("sectors", [])
    announce = ag.get("announce", False)
    res, before = results[turn], results[turn - 1]
    events = res.get("events", [])
    talk = [e for e in events if e.startswith("talks: ")]
    if len(talk) != 1:
        bad.append(f"turn {turn}: talks events {talk}")
        continue
    took = "refuse" not in talk[0]
    share = 0.0
    if item == "TALKS_HEAVY_WEAPONS":
        asked = sectors or list(line)
        share = sum(line[s] for s in asked) / sum(line.values())
        gain = 15 * share if took else -3 * share
    elif item == "TALKS_HOTLINE":
        gain = 0.0
    else:
        bad.append(f"turn {turn}: item {item}")
        continue
    if announce:
        gain += 3 if took else -5
    s0, s1 = before.get("stability", 0), res.get("stability", 0)
    want = max(0.0, min(100.0, s0 + gain))
    if abs(s1 - want) > 1e-6:
        bad.append(f"turn {turn}: stability {s0} -> {s1}, wanted {want} ({talk[0]})")
    e0, e1 = before.get("escalation", 0), res.get("escalation", 0)
    step = 1 if took and item == "TALKS_HOTLINE" and e0 > 0 else 0
    if e1 != e0 - step:
        bad.append(f"turn {turn}: escalation {e0} -> {e1}, wanted {e0 - step}")
    if res.get("type") != "TURN_TALKS" or res.get("week") != before.get("week"):
        bad.append(f"turn {turn}: result type {res.get('type')}, week moved")
    print(f"turn {turn}: {item} {sectors} announce={announce}: {talk[0]}; "
          f"stability {s0:.1f} -> {s1:.1f}, escalation {e0} -> {e1}")
    written = {"ORDER_SOURCE_ADJUDICATOR": (
        "TALKS_HEAVY_WEAPONS", ["E2", "E3"], True), "fork": (
        "TALKS_HOTLINE", [], True), "ORDER_SOURCE_DEFAULT": (
        "TALKS_HOTLINE", [], False)}.get(source)
    if written and (item, sectors, announce) != written:
        bad.append(f"turn {turn}: the written agenda came as {ag}")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
}
check_talks "$WG_TMP/dump" ORDER_SOURCE_BOT ORDER_SOURCE_ADJUDICATOR ||
    fail "the talks records are not what the rules say"

"$LOG_TOOL" view "$log" --as adjudicator --turn 12 >"$WG_TMP/view" 2>&1 ||
    fail "wg-log view failed"
grep -Eq 'talks +by command .*heavy_weapons.*E2 E3' "$WG_TMP/view" ||
    fail "wg-log view does not describe the agenda: $(grep talks "$WG_TMP/view" | head -3)"
grep -q 'PHASE_TALKS (' "$WG_TMP/view" ||
    fail "wg-log view does not say what PHASE_TALKS asks"

"$LOG_TOOL" verify "$log" >"$WG_TMP/verify" 2>&1 ||
    fail "the log does not verify: $(tail -2 "$WG_TMP/verify")"
grep -q '^identical' "$WG_TMP/verify" || fail "wg-log verify does not say identical"

# What if the command had asked for the hotline, announced, at turn 6?
# wg-log fork plays its written agenda there and plays on; the file has
# nothing for turn 12, where the command's fallback, hold, plays the small
# ask (the hotline, unannounced). The fork's meetings follow the same
# rules, and it verifies.
cat >"$WG_TMP/hotline.yaml" <<'YAML'
- turn: 6
  talks: {item: hotline, announce: true}
YAML
fork="$WG_TMP/hotline.wglog"
wg_expect_exit 0 "$WG_TMP/fork6" "$LOG_TOOL" fork "$log" --at 6 \
    --orders "command=$WG_TMP/hotline.yaml" -o "$fork"
"$LOG_TOOL" dump "$fork" >"$WG_TMP/fork.dump" 2>&1 ||
    fail "wg-log dump of the fork failed"
check_talks "$WG_TMP/fork.dump" fork ORDER_SOURCE_DEFAULT ||
    fail "the fork's talks records are not what the rules say"
wg_expect_exit 0 "$WG_TMP/fork-verify" "$LOG_TOOL" verify "$fork"
grep -q '^identical' "$WG_TMP/fork-verify" ||
    fail "verify of the fork does not say identical"

wg_done
