#!/usr/bin/env bash
# log_verify.sh - wg-log verify and wg-log replay on the log of a real
# exercise (tests/data/short.yaml, every worker its own process):
#   verify exits 0 on the log as recorded; 1 with --seed or --scenario of
#   another exercise, with "diverged at turn T, seq S, field F"; 1 on a copy
#   with a flipped byte in a middle record (corrupt at its offset, or, with
#   its CRC made good, diverged at its turn and seq); 1 on a torn copy;
#   replay --speed 100 publishes the recorded broadcasts, which a subscriber
#   ("wg-log listen", a testing aid) receives in order.
# Byte surgery is done with /usr/bin/python3 (no packages needed).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init log_verify
LOG_TOOL="$WG_BIN/wg-log"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

log="$WG_TMP/short.wglog"
wg_play run "$WG_SHORT" --seed 777 --log "$log" --lobby-timeout 20000
[ -s "$log" ] || wg_abort "no log written"

expect() {
    grep -Eq -- "$2" "$1" || {
        fail "$(basename "$1") lacks /$2/"
        sed 's/^/    /' "$1" | head -5
    }
}

# ---- verify: as recorded, and against the right scenario and seed ----
wg_expect_exit 0 "$WG_TMP/v0" "$LOG_TOOL" verify "$log"
expect "$WG_TMP/v0" '^.*: [0-9]+ records, 14 turns, [0-9]+ compared'
expect "$WG_TMP/v0" '^identical'
wg_expect_exit 0 "$WG_TMP/v1" "$LOG_TOOL" verify --scenario "$WG_SHORT" --seed 777 "$log"

# ---- another seed, another scenario ----
wg_expect_exit 1 "$WG_TMP/v2" "$LOG_TOOL" verify --seed 778 "$log"
expect "$WG_TMP/v2" '^diverged at turn 0, seq 0, field header\.seed: .*777'
wg_expect_exit 1 "$WG_TMP/v3" "$LOG_TOOL" verify \
    --scenario "$WG_SOURCE_DIR/configs/scenarios/un-peacekeeping.yaml" "$log"
expect "$WG_TMP/v3" '^diverged at turn 0, seq 0, field header\.scenario_hash'

# ---- a flipped byte in a middle record ----
"$LOG_TOOL" dump "$log" >"$WG_TMP/dump" || fail "dump failed"
records=$(wc -l <"$WG_TMP/dump")
# A TurnResult past the middle: its offset, turn and seq.
pick=$(awk -v half=$((records / 2)) 'NR > half && /"result":/ { print; exit }' \
    "$WG_TMP/dump")
off=$(echo "$pick" | sed -n 's/^{"offset":\([0-9]*\),.*/\1/p')
turn=$(echo "$pick" | sed -n 's/.*"turn":\([0-9]*\),.*/\1/p')
seq=$(echo "$pick" | sed -n 's/.*"seq":"\([0-9]*\)".*/\1/p')
[ -n "$off" ] && [ -n "$turn" ] && [ -n "$seq" ] ||
    wg_abort "no TurnResult found past the middle of the log"

# flip IN OUT OFFSET FIX: flips one bit in the middle of the frame's payload;
# FIX=1 also rewrites the frame's CRC-32C (docs/LOG-FORMAT.md, "Frames").
flip() {
    "$PY" - "$@" <<'EOF'
import struct, sys
src, dst, off, fix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
d = bytearray(open(src, "rb").read())
n = struct.unpack_from("<I", d, off)[0]
d[off + 8 + n // 2] ^= 0x04
if fix:
    struct.pack_into("<I", d, off + 4,
                     crc32c(bytes(d[off + 8:off + 8 + n]), crc32c(bytes(d[off:off + 4]))))
open(dst, "wb").write(d)
EOF
}
flip "$log" "$WG_TMP/flip.wglog" "$off" 0 || fail "flip failed"
wg_expect_exit 1 "$WG_TMP/v4" "$LOG_TOOL" verify "$WG_TMP/flip.wglog"
expect "$WG_TMP/v4" "^corrupt record #[0-9]+ at offset $off \\(where turn $turn, seq $seq was due\\)"
flip "$log" "$WG_TMP/flip2.wglog" "$off" 1 || fail "flip failed"
wg_expect_exit 1 "$WG_TMP/v5" "$LOG_TOOL" verify "$WG_TMP/flip2.wglog"
expect "$WG_TMP/v5" "^diverged at turn $turn, seq $seq, field "
expect "$WG_TMP/v5" "at offset $off\$"

# ---- a torn tail: the last record cut short ----
size=$(stat -c %s "$log")
head -c $((size - 3)) "$log" >"$WG_TMP/torn.wglog"
wg_expect_exit 1 "$WG_TMP/v6" "$LOG_TOOL" verify "$WG_TMP/torn.wglog"
expect "$WG_TMP/v6" '^torn tail at offset [0-9]+'

# ---- unreadable ----
printf 'not a log' >"$WG_TMP/junk.wglog"
wg_expect_exit 2 "$WG_TMP/v7" "$LOG_TOOL" verify "$WG_TMP/junk.wglog"
wg_expect_exit 2 "$WG_TMP/v8" "$LOG_TOOL" verify "$WG_TMP/nonexistent.wglog"

# ---- --help on every subcommand ----
for sub in info dump verify replay; do
    wg_expect_exit 0 "$WG_TMP/help-$sub" "$LOG_TOOL" "$sub" --help
    expect "$WG_TMP/help-$sub" "^Usage: wg-log $sub"
done

# ---- replay to a subscriber ----
# The broadcasts in the log: TurnStart, TurnResult and ExerciseEnd from the
# adjudicator with no recipient.
grep '"sender_role":"ROLE_ADJUDICATOR"' "$WG_TMP/dump" | grep -v '"recipient"' |
    grep -E '"(turn_start|result|end)":' |
    sed -n 's/.*"turn":\([0-9]*\),.*"seq":"\([0-9]*\)".*/seq \2 turn \1/p' \
        >"$WG_TMP/want"
want_n=$(wc -l <"$WG_TMP/want")
[ "$want_n" -gt 14 ] || fail "only $want_n broadcasts in the log"
wg_pick_ports
"$LOG_TOOL" listen --timeout 20 "$WG_PUB" >"$WG_TMP/heard" 2>"$WG_TMP/listen.err" &
listener=$!
WG_PIDS+=("$listener")
t0=$(wg_ms)
wg_expect_exit 0 "$WG_TMP/replay" "$LOG_TOOL" replay "$log" --pub "$WG_PUB" --speed 100
t1=$(wg_ms)
wg_wait "$listener" 25
[ "$WG_RC" -eq 0 ] || fail "listener exited $WG_RC (timed out?)"
expect "$WG_TMP/replay.err" "^wg-log replay: $want_n broadcasts published"
sed -n 's/^\(seq [0-9]* turn [0-9]*\) .*/\1/p' "$WG_TMP/heard" >"$WG_TMP/got"
if ! cmp -s "$WG_TMP/want" "$WG_TMP/got"; then
    fail "the subscriber heard other broadcasts than the log holds"
    diff "$WG_TMP/want" "$WG_TMP/got" | head -10
fi
results=$(grep ' result$' "$WG_TMP/heard" | sed 's/.* turn \([0-9]*\) .*/\1/' | tr '\n' ' ')
[ "$results" = "$(seq 1 14 | tr '\n' ' ')" ] ||
    fail "TurnResults heard: $results, wanted turns 1 to 14 in order"
grep -q ' end$' "$WG_TMP/heard" || fail "no ExerciseEnd heard"
# 13 pauses of 10 ms between 14 turns, plus 0.3 s before and after.
echo "replay --speed 100 took $((t1 - t0)) ms"
[ $((t1 - t0)) -lt 5000 ] || fail "replay --speed 100 took $((t1 - t0)) ms"

# --step: one Enter per turn from stdin; at the end of stdin it stops.
wg_pick_ports
printf '\n\n' | timeout 20 "$LOG_TOOL" replay "$log" --pub "$WG_PUB" --step \
    >/dev/null 2>"$WG_TMP/step.err" || fail "replay --step exited $?"
expect "$WG_TMP/step.err" '^wg-log replay: turn 2 published'
grep -q 'turn 3 published' "$WG_TMP/step.err" && fail "--step went past 2 Enters"
wg_expect_exit 2 "$WG_TMP/r-bad" "$LOG_TOOL" replay "$log" --pub "$WG_PUB" --speed 0
wg_expect_exit 2 "$WG_TMP/r-bad2" "$LOG_TOOL" replay "$log"

wg_done
