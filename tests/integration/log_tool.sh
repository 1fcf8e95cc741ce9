#!/usr/bin/env bash
# log_tool.sh - wg-log info and dump on a synthetic log, a torn one, a
# damaged one, and files that are not logs at all.
#
# ctest sets WG_BUILD_DIR and WG_SOURCE_DIR. The log comes from the hidden
# "wg-log synth" subcommand (a testing aid), so this test needs no running
# exercise. Checks use grep only (no jq).
set -u

WG_BUILD_DIR=${WG_BUILD_DIR:?WG_BUILD_DIR not set}
LOG_TOOL="$WG_BUILD_DIR/workers/wg-log"
[ -x "$LOG_TOOL" ] || { echo "no $LOG_TOOL"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wg-log-tool.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run EXPECTED_STATUS OUTFILE CMD...: runs with a time limit, checks the
# exit status (and that it was not a signal: no crash, no hang).
run() {
    local want=$1 out=$2
    shift 2
    timeout 60 "$@" >"$out" 2>"$out.err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$* exited $got, wanted $want"
        sed 's/^/    /' "$out.err" | head -5
    fi
}

# expect FILE PATTERN: FILE has a line matching the extended regexp.
expect() {
    grep -Eq -- "$2" "$1" || fail "$1 lacks /$2/"
}

# ---- a clean synthetic log: 8 envelopes per turn, seq from 1 ----
run 0 "$tmp/synth.out" "$LOG_TOOL" synth --seed 7 "$tmp/a.wglog" 100
run 0 "$tmp/info" "$LOG_TOOL" info "$tmp/a.wglog"
expect "$tmp/info" '^format_version: +3$'
expect "$tmp/info" '^scenario_name: +synthetic$'
expect "$tmp/info" '^scenario_hash: +[0-9a-f]{64}$'
expect "$tmp/info" '^seed: +7$'
expect "$tmp/info" '^records: +100$'
expect "$tmp/info" '^first_seq: +1$'
expect "$tmp/info" '^last_seq: +100$'
expect "$tmp/info" '^turns: +13 '
expect "$tmp/info" '^turn_results: +12$'
expect "$tmp/info" '^tail: +clean$'
expect "$tmp/info" '^corrupt: +0$'

run 0 "$tmp/dump" "$LOG_TOOL" dump "$tmp/a.wglog"
[ "$(wc -l <"$tmp/dump")" -eq 100 ] || fail "dump: $(wc -l <"$tmp/dump") lines, wanted 100"
grep -Evq '^\{"offset":[0-9]+,"record":[0-9]+,.*"seq":"[0-9]+".*\}$' "$tmp/dump" &&
    fail "dump: a line without offset, record and seq"
expect "$tmp/dump" '^\{"offset":[0-9]+,"record":0,"sender_role":"ROLE_ADJUDICATOR","turn":1,"phase":"PHASE_PLEDGE","seq":"1","turn_start":\{'
expect "$tmp/dump" '"pledge":\{"nation":"FRA","troops":[0-9]+,"sectors":\["N1","N2"'
expect "$tmp/dump" '"result":\{"type":"TURN_DEPLOYMENT".*"state_digest":"[A-Za-z0-9+/]+={0,2}"'
if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c 'import json,sys
for line in open(sys.argv[1]): json.loads(line)' "$tmp/dump" ||
        fail "dump: not valid JSON lines"
fi

run 0 "$tmp/dump3" "$LOG_TOOL" dump --turn 3 "$tmp/a.wglog"
[ "$(wc -l <"$tmp/dump3")" -eq 8 ] || fail "dump --turn 3: $(wc -l <"$tmp/dump3") lines, wanted 8"
grep -vq '"turn":3,' "$tmp/dump3" && fail "dump --turn 3: a line of another turn"

# ---- torn: cut 5 bytes off the last record ----
size=$(stat -c %s "$tmp/a.wglog")
head -c $((size - 5)) "$tmp/a.wglog" >"$tmp/torn.wglog"
run 1 "$tmp/info_torn" "$LOG_TOOL" info "$tmp/torn.wglog"
expect "$tmp/info_torn" '^records: +99$'
expect "$tmp/info_torn" '^tail: +torn at offset [0-9]+ '
run 1 "$tmp/dump_torn" "$LOG_TOOL" dump "$tmp/torn.wglog"
[ "$(wc -l <"$tmp/dump_torn")" -eq 99 ] || fail "dump of a torn log: wanted 99 lines"
expect "$tmp/dump_torn.err" 'torn tail at offset'

# ---- corrupt: flip a byte inside record 40's payload ----
off=$(grep -E '"record":40,' "$tmp/dump" | sed -E 's/^\{"offset":([0-9]+),.*/\1/')
cp "$tmp/a.wglog" "$tmp/bad.wglog"
printf '\xff' | dd of="$tmp/bad.wglog" bs=1 seek=$((off + 12)) conv=notrunc 2>/dev/null
run 1 "$tmp/info_bad" "$LOG_TOOL" info "$tmp/bad.wglog"
expect "$tmp/info_bad" '^corrupt: +1 records$'
expect "$tmp/info_bad" "record #40 at offset $off\$"
expect "$tmp/info_bad" '^records: +99$'
run 1 "$tmp/dump_bad" "$LOG_TOOL" dump "$tmp/bad.wglog"
[ "$(wc -l <"$tmp/dump_bad")" -eq 40 ] || fail "dump of a corrupt log: wanted 40 lines"
expect "$tmp/dump_bad.err" "corrupt record #40 at offset $off"

# ---- not logs: no crash, no hang, exit 2 ----
: >"$tmp/empty"
head -c 65536 /dev/urandom >"$tmp/random"
printf '\x89WGL\r\n\x1a\n\x01\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00' >"$tmp/hugehdr"
printf '\x89WGL\r\n\x1a\n\x09\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' >"$tmp/version9"
for f in empty random hugehdr version9; do
    for cmd in info dump; do
        run 2 "$tmp/$cmd.$f" "$LOG_TOOL" "$cmd" "$tmp/$f"
    done
done
run 2 "$tmp/missing" "$LOG_TOOL" info "$tmp/does-not-exist"
run 2 "$tmp/dir" "$LOG_TOOL" info "$tmp"

# Random bytes after a good header: exit 0 or 1, never a signal.
head -c $((size - 3000)) "$tmp/a.wglog" >"$tmp/junk.wglog"
head -c 200000 /dev/urandom >>"$tmp/junk.wglog"
timeout 60 "$LOG_TOOL" info "$tmp/junk.wglog" >/dev/null 2>&1
st=$?
[ $st -le 1 ] || fail "info on a log with a random tail exited $st"
timeout 60 "$LOG_TOOL" dump "$tmp/junk.wglog" >/dev/null 2>&1
st=$?
[ $st -le 1 ] || fail "dump on a log with a random tail exited $st"

# ---- usage ----
run 0 "$tmp/help" "$LOG_TOOL" --help
expect "$tmp/help" 'info'
for cmd in info dump verify replay; do
    run 0 "$tmp/help.$cmd" "$LOG_TOOL" "$cmd" --help
    expect "$tmp/help.$cmd" "^Usage: wg-log $cmd"
done
run 2 "$tmp/nocmd" "$LOG_TOOL" frobnicate
run 2 "$tmp/noarg" "$LOG_TOOL" info

if [ "$failures" -ne 0 ]; then
    echo "log_tool: $failures failures"
    exit 1
fi
echo "log_tool: all checks passed"
