#!/usr/bin/env bash
# disk_full.sh - a log that cannot be written stops the exercise loudly and
# loses nothing (issue 18, "Fail loudly, lose nothing").
#
# The test runs in a private mount namespace of its own (unshare -m: it
# re-runs itself there), with a 150 KiB tmpfs mounted on a directory of
# its temp dir, too small for tests/data/short.yaml's log (~210 KB). The
# namespace, and the mount with it, goes when the test exits.
#
#   1. short.yaml is played with --log on the tmpfs: the adjudicator exits
#      4 ("the log could not be written"), says which file and which error
#      (No space left on device), prints no summary; every worker exits 4
#      (it is told that the exercise stopped, not that it ended);
#   2. wg-log info reads the log back whole: records, tail clean (the
#      writer cut the frame it could not finish); wg-log verify exits 1 on
#      it (not finished) and 0 with --allow-unfinished;
#   3. copied to a normal directory, wg-adjudicator --resume plays it to
#      the end with new workers, exit 0, and wg-log verify passes.
# Needs root (CAP_SYS_ADMIN for unshare and mount): without it, or where
# unshare or mount fail, it prints why and exits 77 (ctest: skipped).
set -u

skip() {
    echo "SKIPPED: $*"
    exit 77
}

if [ -z "${WG_DISK_FULL_NS:-}" ]; then
    [ "$(id -u)" -eq 0 ] || skip "not root (unshare -m and mount need CAP_SYS_ADMIN)"
    command -v unshare >/dev/null || skip "no unshare command (util-linux)"
    unshare -m true 2>/dev/null || skip "unshare -m failed: no mount namespaces here"
    WG_DISK_FULL_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init disk_full
LOG_TOOL="$WG_BIN/wg-log"
EXIT_LOG=4 # wg-adjudicator's exit code: the log could not be written

disk="$WG_TMP/disk"
mkdir -p "$disk" || wg_abort "mkdir $disk"
if ! mount -t tmpfs -o size=150k tmpfs "$disk" 2>"$WG_TMP/mount.err"; then
    echo "SKIPPED: cannot mount a tmpfs: $(cat "$WG_TMP/mount.err")"
    rm -rf "$WG_TMP"
    exit 77
fi
# Unmounted before wg_cleanup removes $WG_TMP (a mount point is busy).
trap 'umount "$disk" 2>/dev/null; wg_cleanup' EXIT
log="$disk/short.wglog"

# ---- 1. played onto a full disk ----
wg_start_exercise full "$WG_SHORT" --log "$log" --lobby-timeout 20000
full_dir=$WG_RUN_DIR
wg_wait "$WG_ADJ_PID" 50
echo "wg-adjudicator exited $WG_RC"
[ "$WG_RC" -eq "$EXIT_LOG" ] ||
    fail "wg-adjudicator exited $WG_RC on a full disk, wanted $EXIT_LOG"
err="$full_dir/adjudicator.err"
grep -E "exercise log $log: (append|flush) failed: No space left on device" \
    "$err" || fail "no message naming the log and the error in adjudicator.err"
grep -q 'log append failed' "$err" && fail "the old per-record message is back"
sed -n '/^.* exercise log .* failed: /,$p' "$err" | grep 'gets default orders' &&
    fail "the adjudicator played on after the stop"
grep -q '^summary:' "$full_dir/adjudicator.out" &&
    fail "a summary was printed: the exercise was played to its end"
played=$(grep -c '^turn ' "$full_dir/adjudicator.out")
echo "turn lines before the stop: $played"
[ "$played" -lt 14 ] || fail "all 14 turns were played on a full disk"
# Told it is a stop, not the end (an ExerciseEnd with no seq): exit 4.
for i in "${!WG_WORKER_PIDS[@]}"; do
    wg_wait "${WG_WORKER_PIDS[$i]}" 10
    [ "$WG_RC" -eq 4 ] ||
        fail "${WG_WORKER_NAMES[$i]} exited $WG_RC on the stop, wanted 4"
done

# ---- 2. what reached the disk reads back whole ----
"$LOG_TOOL" info "$log" >"$WG_TMP/full.info" 2>&1
st=$?
grep -E '^(records|turn_results|tail):' "$WG_TMP/full.info"
[ $st -eq 0 ] || fail "wg-log info exited $st: $(tail -2 "$WG_TMP/full.info")"
grep -Eq '^tail: +clean$' "$WG_TMP/full.info" || fail "the log's tail is not clean"
copy="$WG_TMP/short.wglog"
cp "$log" "$copy" || wg_abort "cp $log"
umount "$disk" || fail "umount $disk"

wg_expect_exit 1 "$WG_TMP/v-unfinished" "$LOG_TOOL" verify "$copy"
grep -q '^exercise not finished' "$WG_TMP/v-unfinished" ||
    fail "verify did not say the exercise is not finished"
wg_expect_exit 0 "$WG_TMP/v-allowed" "$LOG_TOOL" verify --allow-unfinished "$copy"

# ---- 3. resumed where there is space ----
start_resumed() {
    "$WG_BIN/wg-adjudicator" --resume "$copy" --router "$WG_ROUTER" \
        --pub "$WG_PUB" --log-level info --lobby-timeout 20000 \
        >"$WG_RUN_DIR/adjudicator.out" 2>"$WG_RUN_DIR/adjudicator.err" &
    WG_ADJ_PID=$!
    WG_PIDS+=("$WG_ADJ_PID")
}
WG_RUN_DIR="$WG_TMP/resumed"
mkdir -p "$WG_RUN_DIR" || wg_abort "mkdir $WG_RUN_DIR"
WG_WORKER_PIDS=()
WG_WORKER_NAMES=()
wg_chain_add "$copy"
wg_bind start_resumed
wg_start_command
for n in $("$WG_BIN/wg-adjudicator" --scenario "$WG_SHORT" --list-nations); do
    wg_start_contingent "$n"
done
wg_wait "$WG_ADJ_PID" 50
[ "$WG_RC" -eq 0 ] || fail "wg-adjudicator --resume exited $WG_RC, wanted 0"
wg_wait_workers 10
grep -q '^summary:' "$WG_RUN_DIR/adjudicator.out" ||
    fail "the resumed exercise printed no summary"
timeout 60 "$LOG_TOOL" verify "$copy" >"$WG_TMP/v-resumed" 2>&1
st=$?
cat "$WG_TMP/v-resumed"
[ $st -eq 0 ] || fail "wg-log verify on the resumed log exited $st"
grep -q '^identical' "$WG_TMP/v-resumed" || fail "the resumed log is not identical"
wg_done
