#!/usr/bin/env bash
# log_reader_doc.sh - docs/LOG-FORMAT.md is enough to read a log: the
# outsider's reader written from that page alone
# (tests/tools/wg_log_reader_doc.py: the standard library, and the classes
# protoc makes of proto/ to decode each record whole) reads both
# golden logs and a short exercise played now, and agrees with wg-log:
# the records, error replies and turns `wg-log check` counts, and the
# final link of the chain and every record's SHA-256 that `wg-log sign`
# writes into its signature file (format 3), as the page's own Python
# sketches do (read_log and check_chain), also of a log with Error
# replies (wg-probe's bad messages). Then it must fail where
# wg-log fails: bits flipped in 3 records of turn 3 (15 flips, every CRC
# made good) named at the same record by both (and where the record still
# decodes, the chain's break at turn 3), a frame cut short (a torn tail for
# both), a header whose scenario no longer matches its hash.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init log_reader_doc

LOG_TOOL="$WG_BIN/wg-log"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
PY=/usr/bin/python3
command -v protoc >/dev/null || wg_abort "no protoc (scripts/test installs protobuf-compiler)"
"$PY" -c 'import google.protobuf' 2>/dev/null ||
    wg_abort "no python3-protobuf for $PY (scripts/test installs it)"
# The page's decoding: classes protoc makes of proto/ (a record "not an
# Envelope" is one that does not decode whole).
protoc --python_out="$WG_TMP" -I "$WG_SOURCE_DIR/proto" "$WG_SOURCE_DIR/proto/wg.proto" \
    "$WG_SOURCE_DIR/proto/log.proto" || wg_abort "protoc failed"
READER=("$PY" "$WG_SOURCE_DIR/tests/tools/wg_log_reader_doc.py" --pb "$WG_TMP")

# agree LOG NAME: the reader and wg-log check agree on LOG's counts.
agree() {
    local log=$1 name=$2 mine check
    LINK=
    mine=$("${READER[@]}" "$log" 2>&1) || { fail "$name: the reader: $mine"; return 1; }
    echo "$name: reader: ${mine#*: }"
    check=$(timeout 60 "$LOG_TOOL" check "$log" 2>&1) ||
        { fail "$name: wg-log check: $check"; return 1; }
    echo "$name: ${check#"$WG_SOURCE_DIR/"}"
    local f r e t
    f=$(sed -n 's/^format \([0-9]*\),.*/\1/p' <<<"$mine")
    r=$(sed -n 's/.*, \([0-9]*\) records (.*/\1/p' <<<"$mine")
    e=$(sed -n 's/.* records (\([0-9]*\) error.*/\1/p' <<<"$mine")
    t=$(sed -n 's/.*), \([0-9]*\) turns,.*/\1/p' <<<"$mine")
    grep -q ": format $f, $r records ($e error replies and refusals), $t turns: frames and chain good" \
        <<<"$check" || fail "$name: the reader says format $f, $r records, $e errors, $t turns; wg-log check: $check"
    LINK=$(sed -n 's/.*final link \([0-9a-f]\{64\}\)$/\1/p' <<<"$mine")
    [ -n "$LINK" ] || fail "$name: no final link from the reader"
}

for g in "$WG_SOURCE_DIR"/tests/data/golden/short-v*.wglog; do
    agree "$g" "${g##*/}"
done

# A short exercise played now, signed by the director's key.
wg_play run "$WG_SHORT" --log "$WG_TMP/ex.wglog"
wg_chain_add "$WG_TMP/ex.wglog"
log="$WG_TMP/ex.wglog"
agree "$log" ex.wglog
"$LOG_TOOL" keygen "$WG_TMP/director" >/dev/null 2>&1 || wg_abort "wg-log keygen failed"
"$LOG_TOOL" sign "$log" --key "$WG_TMP/director.sign.key" >/dev/null 2>"$WG_TMP/sign.err" ||
    wg_abort "wg-log sign: $(cat "$WG_TMP/sign.err")"
read -r tag signed _ <"$log.sig"
[ "$tag" = wg-log-signature-v2 ] || fail "the signature file starts '$tag', wanted wg-log-signature-v2"
[ "$LINK" = "$signed" ] && echo "ex.wglog: the reader's final link is the signed one: $LINK" ||
    fail "the reader's final link $LINK, wg-log signed $signed"
"${READER[@]}" --digests "$WG_TMP/digests" "$log" >/dev/null || fail "the reader failed with --digests"
sed -n '4,$p' "$log.sig" | cmp -s - "$WG_TMP/digests" &&
    echo "ex.wglog: the reader's $(wc -l <"$WG_TMP/digests") record digests are the signed list" ||
    fail "the reader's record digests are not the signature's list"

# The page's own sketches ("A reader in Python", then The seal's
# check_chain), run as they stand: the same final link.
page="$WG_SOURCE_DIR/docs/LOG-FORMAT.md"
{
    awk '/^## A reader in Python/ { h = 1; next } h && /^```python$/ { on = 1; next }
         on && /^```$/ { exit } on && /^if __name__/ { exit } on { print }' "$page"
    awk '/^## The seal/ { h = 1; next } h && /^```python$/ { on = 1; next }
         on && /^```$/ { exit } on { print }' "$page"
    printf '%s\n' 'r = check_chain(sys.argv[1])' 'print(r.hex() if isinstance(r, bytes) else "broken at record %d" % r)'
} >"$WG_TMP/sketch.py"
grep -q '^def check_chain' "$WG_TMP/sketch.py" && grep -q '^def read_log' "$WG_TMP/sketch.py" ||
    fail "the page's read_log or check_chain sketch was not found"
out=$(cd "$WG_TMP" && "$PY" sketch.py "$log" 2>&1)
[ "$out" = "$LINK" ] && echo "ex.wglog: the page's own sketch gives the same final link" ||
    fail "the page's sketch says '$(echo "$out" | tail -1)', the reader $LINK"

# A log with Error replies in it (wg-probe as NLD: a message that does not
# decode, a claim of FRA, an order for a turn that is over): the chain
# covers them too.
probe="$WG_BUILD_DIR/tests/wg-probe"
elog="$WG_TMP/errors.wglog"
wg_start_exercise probe "$WG_SHORT" --skip NLD --lobby-timeout 20000 --log "$elog"
"$probe" --router "$WG_ROUTER" --pub "$WG_PUB" --nation NLD --claim FRA \
    --timeout-ms 45000 >"$WG_RUN_DIR/probe.out" 2>"$WG_RUN_DIR/probe.err" &
probe_pid=$!
WG_PIDS+=("$probe_pid")
wg_wait "$probe_pid" 50
[ "$WG_RC" -eq 0 ] || fail "wg-probe exited $WG_RC, wanted 0"
wg_wait "$WG_ADJ_PID" 20
[ "$WG_RC" -eq 0 ] || fail "the probe's exercise: wg-adjudicator exited $WG_RC"
wg_wait_workers 5
agree "$elog" errors.wglog
grep -q "(0 error replies" <<<"$("${READER[@]}" "$elog")" && fail "no Error reply in the probe's log"
"$LOG_TOOL" sign "$elog" --key "$WG_TMP/director.sign.key" >/dev/null 2>&1 || fail "wg-log sign of errors.wglog failed"
read -r _ signed _ <"$elog.sig"
[ "$LINK" = "$signed" ] || fail "errors.wglog: the reader's final link $LINK, wg-log signed $signed"

# Where wg-log fails, the reader fails alike: bits flipped in turn 3's
# records (every frame's CRC made good) are found by both, at the same
# record; a flip that leaves an Envelope breaks the chain at turn 3.
first3=$("$LOG_TOOL" dump "$log" | grep -n '"turn":3,' | head -1 | cut -d: -f1)
[ -n "$first3" ] || wg_abort "no record of turn 3 in the dump"
chain_breaks=0 flips=0
for idx in $((first3 - 1)) $((first3 + 1)) $((first3 + 4)); do
    for byte in 9 20 30 40 1000; do
        f="$WG_TMP/flip-$idx-$byte.wglog"
        "$TAMPER" --flip "$log" "$f" "$idx" "$byte" >/dev/null 2>&1 || wg_abort "wg-tamper --flip $idx $byte failed"
        wg_chain_skip "$f"
        out=$("${READER[@]}" "$f")
        st=$?
        chk=$("$LOG_TOOL" check "$f" 2>&1)
        cst=$?
        flips=$((flips + 1))
        [ $st -eq 1 ] && [ $cst -eq 1 ] ||
            { fail "record #$idx byte $byte: the reader exited $st, wg-log check $cst; wanted 1 and 1"; continue; }
        mine=$(grep -o 'record #[0-9]* at offset [0-9]*' <<<"$out")
        theirs=$(grep -o 'record #[0-9]* at offset [0-9]*' <<<"$chk" | head -1)
        [ -n "$mine" ] && [ "$mine" = "$theirs" ] ||
            fail "record #$idx byte $byte: the reader names '$mine' ($out), wg-log check '$theirs' ($chk)"
        if grep -q "hash chain breaks at turn 3" <<<"$out"; then
            grep -q "hash chain breaks at turn 3" <<<"$chk" || fail "record #$idx byte $byte: check: $chk"
            chain_breaks=$((chain_breaks + 1))
        fi
        rm -f "$f"
    done
done
echo "$flips flips: the reader and wg-log check name the same record; $chain_breaks break the chain at turn 3"
[ "$chain_breaks" -gt 0 ] || fail "no flip broke the chain at turn 3"

size=$(stat -c %s "$log")
head -c $((size - 5)) "$log" >"$WG_TMP/torn.wglog"
wg_chain_skip "$WG_TMP/torn.wglog"
out=$("${READER[@]}" "$WG_TMP/torn.wglog")
st=$?
echo "cut 5 bytes short: reader: $out"
[ $st -eq 1 ] && grep -q "torn tail at offset" <<<"$out" || fail "the reader does not find the torn tail (exit $st)"
grep -q "torn tail" <<<"$("$LOG_TOOL" check "$WG_TMP/torn.wglog" 2>&1)" || fail "wg-log check does not say torn tail"

"$TAMPER" --header "$log" "$WG_TMP/hdr.wglog" "turns:" "turnz:" >/dev/null 2>&1 ||
    wg_abort "wg-tamper --header failed"
wg_chain_skip "$WG_TMP/hdr.wglog"
out=$("${READER[@]}" "$WG_TMP/hdr.wglog")
st=$?
echo "scenario text edited in the header: reader: $out"
[ $st -eq 1 ] && grep -q "scenario_hash" <<<"$out" || fail "the reader takes a header whose text is not its hash (exit $st)"
"$LOG_TOOL" check "$WG_TMP/hdr.wglog" >/dev/null 2>&1 && fail "wg-log check takes a header whose text is not its hash"
wg_done
