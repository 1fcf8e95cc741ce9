#!/usr/bin/env bash
# log_refusals.sh - wg-log refuses what it cannot do right, and says why.
# On the golden log (tests/data/golden) and a torn copy of it:
#   fork --at -5 (and --at 0, --at abc) exits 2 naming the option, and
#     writes no log;
#   view --as XXX (no such nation in the log's scenario) exits 2 naming the
#     role; view --as FRA of the whole log exits 0;
#   view of the torn log exits non-zero and says where it stopped;
#   sign of the torn log exits non-zero, says the log is torn, and writes
#     no signature;
#   keygen into a directory that does not exist says that directory is
#     missing (exit 2);
#   valgrind --error-exitcode=9 --leak-check=full on verify exits 0 (no
#     leak, no thread left "possibly lost"), where valgrind exists and the
#     build is neither a sanitizer build (valgrind cannot run those) nor a
#     clang one (Debian 12's valgrind cannot read clang 14's DWARF 5).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init log_refusals
LOG_TOOL="$WG_BIN/wg-log"
golden=$(wg_golden)
[ -f "$golden" ] || wg_abort "no $golden"
cd "$WG_TMP" || wg_abort "cd failed"
size=$(stat -c %s "$golden")
head -c $((size - 5)) "$golden" >torn.wglog

# says NAME REGEX: NAME.err (wg_expect_exit's stderr) matches REGEX.
says() {
    grep -Eq -- "$2" "$1.err" ||
        fail "$1: no /$2/ in: $(head -3 "$1.err")"
}

# ---- fork --at ----
for at in -5 0 abc; do
    wg_expect_exit 2 "fork$at" "$LOG_TOOL" fork "$golden" --at "$at" \
        -o "fork$at.wglog"
    says "fork$at" "--at $at: expected a turn number"
    [ -e "fork$at.wglog" ] && fail "fork --at $at wrote a log"
done

# ---- view ----
wg_expect_exit 2 view_xxx "$LOG_TOOL" view "$golden" --as XXX
says view_xxx "no role 'XXX'"
wg_expect_exit 2 view_diff_xxx "$LOG_TOOL" view "$golden" --diff-as FRA XXX
says view_diff_xxx "no role 'XXX'"
wg_expect_exit 0 view_fra "$LOG_TOOL" view "$golden" --as FRA
wg_expect_exit 1 view_torn "$LOG_TOOL" view torn.wglog --as FRA
says view_torn "torn.wglog: stopped at offset [0-9]+: torn"
[ -s view_torn ] || fail "view of the torn log showed nothing before the tear"

# ---- sign ----
wg_expect_exit 0 keygen "$LOG_TOOL" keygen director
wg_expect_exit 1 sign_torn "$LOG_TOOL" sign torn.wglog --key director.sign.key
says sign_torn "torn.wglog: torn record .* not signing a damaged log"
[ -e torn.wglog.sig ] && fail "sign wrote a signature for the torn log"
wg_expect_exit 0 sign_whole "$LOG_TOOL" sign "$golden" --key director.sign.key \
    -o golden.sig

# ---- keygen ----
wg_expect_exit 2 keygen_nodir "$LOG_TOOL" keygen "$WG_TMP/no/such/dir/director"
says keygen_nodir "the directory $WG_TMP/no/such/dir does not exist"
wg_expect_exit 2 keygen_again "$LOG_TOOL" keygen director
says keygen_again "director.sign.key: exists"

# ---- verify under valgrind ----
if ! command -v valgrind >/dev/null; then
    echo "valgrind: not installed; the verify leak check is left out"
elif ldd "$LOG_TOOL" 2>/dev/null | grep -q 'lib[at]san'; then
    echo "valgrind: a sanitizer build; the verify leak check is left out"
elif grep -q '^CMAKE_C_COMPILER:.*clang' "$WG_BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
    # valgrind 3.19 (Debian 12) gives up on clang 14's DWARF 5.
    echo "valgrind: a clang build; the verify leak check is left out"
else
    timeout 240 valgrind --error-exitcode=9 --leak-check=full \
        "$LOG_TOOL" verify "$golden" >valgrind.out 2>valgrind.err
    rc=$?
    grep -E 'possibly lost|definitely lost|ERROR SUMMARY' valgrind.err |
        sed 's/^==[0-9]*== */valgrind: /'
    [ $rc -eq 0 ] || fail "valgrind on wg-log verify exited $rc, wanted 0"
fi

wg_done
