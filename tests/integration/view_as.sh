#!/usr/bin/env bash
# view_as.sh - wg-log view: the exercise as one role saw it. On the log of a
# real exercise (tests/data/short.yaml):
#   for every nation N and for "command", `view --as N --json` never shows
#   a record addressed to another role ("recipient" is set on directed
#   messages such as Welcome), nor another contingent's orders, and does
#   show N's own Welcome and N's own orders ("seen":"sent");
#   --as adjudicator shows every record of the log (as many as wg-log info
#   counts); --diff-as FRA GBR runs and exits 0, and lists only records
#   one of the two saw.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init view_as
LOG_TOOL="$WG_BIN/wg-log"

log="$WG_TMP/short.wglog"
wg_play run "$WG_SHORT" --log "$log" --lobby-timeout 20000
[ -s "$log" ] || wg_abort "no log written"
nations=$("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations) ||
    wg_abort "--list-nations failed"

for role in $nations command; do
    out="$WG_TMP/view-$role"
    timeout 60 "$LOG_TOOL" view "$log" --as "$role" --json >"$out" 2>"$out.err"
    st=$?
    [ $st -eq 0 ] || { fail "view --as $role exited $st: $(head -2 "$out.err")"; continue; }
    n=$(wc -l <"$out")
    [ "$n" -gt 14 ] || fail "view --as $role shows only $n records"
    others=$(grep -o '"recipient":"[^"]*"' "$out" | grep -v "\"recipient\":\"$role\"" | sort -u)
    [ -z "$others" ] ||
        fail "view --as $role shows messages addressed to others: $(echo $others)"
    grep '"recipient":"'"$role"'"' "$out" | grep -q '"welcome":' ||
        fail "view --as $role lacks its own Welcome"
    grep -q '"seen":"sent"' "$out" || fail "view --as $role shows nothing it sent"
    # What it sent is its own; another contingent's orders go to the adjudicator
    # alone.
    if [ "$role" = command ]; then
        grep '"seen":"sent"' "$out" | grep -v '"sender_role":"ROLE_COMMAND"' | grep -q . &&
            fail "view --as command shows as sent a record the command did not send"
        grep -q '"sender_role":"ROLE_CONTINGENT"' "$out" &&
            fail "view --as command shows a contingent's record"
    else
        grep '"seen":"sent"' "$out" | grep -v "\"sender_nation\":\"$role\"" | grep -q . &&
            fail "view --as $role shows as sent a record $role did not send"
        grep '"sender_nation":"' "$out" | grep -v "\"sender_nation\":\"$role\"" | grep -q . &&
            fail "view --as $role shows another contingent's record: $(grep '"sender_nation":"' "$out" | grep -v "\"sender_nation\":\"$role\"" | head -1 | cut -c1-160)"
        grep -q '"sender_role":"ROLE_COMMAND"' "$out" &&
            fail "view --as $role shows the command's orders"
    fi
    echo "view --as $role: $n records"
done

# The adjudicator sees everything.
timeout 60 "$LOG_TOOL" view "$log" --as adjudicator --json >"$WG_TMP/view-adjudicator" 2>"$WG_TMP/view-adjudicator.err" ||
    fail "view --as adjudicator exited $?"
records=$("$LOG_TOOL" info "$log" | sed -n 's/^records: *\([0-9]*\)$/\1/p')
adjudicator=$(grep -c '^{' "$WG_TMP/view-adjudicator")
echo "view --as adjudicator: $adjudicator records, info: $records"
[ -n "$records" ] && [ "$adjudicator" -eq "$records" ] ||
    fail "view --as adjudicator shows $adjudicator records, the log holds ${records:-?}"

# Who knew what: FRA and GBR.
timeout 60 "$LOG_TOOL" view "$log" --diff-as FRA GBR >"$WG_TMP/diff-as" 2>"$WG_TMP/diff-as.err"
st=$?
[ $st -eq 0 ] || fail "view --diff-as FRA GBR exited $st: $(head -2 "$WG_TMP/diff-as.err")"
head -4 "$WG_TMP/diff-as"
grep -q 'only FRA .*welcome' "$WG_TMP/diff-as" || fail "--diff-as: FRA's Welcome is not FRA's alone"
grep -q 'only GBR .*welcome' "$WG_TMP/diff-as" || fail "--diff-as: GBR's Welcome is not GBR's alone"
grep -q 'turn_start\|result ' "$WG_TMP/diff-as" &&
    fail "--diff-as lists a broadcast both saw: $(grep -m1 'turn_start\|result ' "$WG_TMP/diff-as")"
wg_done
