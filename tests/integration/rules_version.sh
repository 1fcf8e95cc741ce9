#!/usr/bin/env bash
# rules_version.sh - a log recorded under another rules version than the
# build's (LogHeader.rules_version, WG_RULES_VERSION in include/wg/rules.h)
# is refused by name, never re-adjudicated under rules it was not played
# by. A copy of the golden log is given the build's rules version plus one
# (tests/tools/wg_tamper.c --rules-version: the same records, a header
# that says so). Checks:
#   wg-log info prints the copy's rules_version;
#   wg-log verify exits 2 and names both versions (the log's and the
#     build's), never "identical", never a crash;
#   wg-adjudicator --resume exits 2 with the same words and leaves the
#     file as it was;
#   wg-log fork exits 2 with the same words and writes no log;
#   a golden log of the build's own rules version still verifies
#   (integration.golden checks every golden log, whatever its version).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init rules_version
LOG_TOOL="$WG_BIN/wg-log"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
[ -x "$TAMPER" ] || wg_abort "no $TAMPER"
cd "$WG_TMP" || wg_abort "cd failed"

build=$(wg_rules_version)
[ -n "$build" ] || wg_abort "no WG_RULES_VERSION in include/wg/rules.h"
other=$((build + 1))
golden="$WG_SOURCE_DIR/tests/data/golden/short-v2.wglog"
[ -f "$golden" ] || wg_abort "no $golden"

wg_expect_exit 0 tamper "$TAMPER" --rules-version "$other" "$golden" other.wglog
[ -s other.wglog ] || wg_abort "wg-tamper wrote nothing"
wg_chain_skip other.wglog

# names_both NAME: NAME's stdout and stderr name both rules versions.
names_both() {
    grep -q "rules version $other" "$1" "$1.err" &&
        grep -q "rules version $build" "$1" "$1.err" ||
        fail "$1 does not name rules version $other and $build: $(head -3 "$1" "$1.err")"
    grep -q '^identical' "$1" && fail "$1 calls the log identical"
    grep -qi 'segmentation\|abort\|sanitizer' "$1.err" && fail "$1 crashed"
}

wg_expect_exit 0 info "$LOG_TOOL" info other.wglog
grep -Eq "^rules_version: +$other\$" info || fail "info does not print rules_version $other: $(cat info)"

wg_expect_exit 2 verify "$LOG_TOOL" verify other.wglog
names_both verify

wg_pick_ports
cp other.wglog resume.wglog
wg_chain_skip resume.wglog
wg_expect_exit 2 resume "$WG_BIN/wg-adjudicator" --resume resume.wglog \
    --router "$WG_ROUTER" --pub "$WG_PUB" --lobby-timeout 500
names_both resume
cmp -s other.wglog resume.wglog || fail "the refused --resume changed the log"

wg_expect_exit 2 fork "$LOG_TOOL" fork other.wglog --at 2 -o fork.wglog
names_both fork
[ -e fork.wglog ] && fail "the refused fork wrote a log"
wg_done
