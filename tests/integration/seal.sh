#!/usr/bin/env bash
# seal.sh - the seal over everything (docs/LOG-FORMAT.md, "The seal"): a
# format-3 log's hash chain covers every record with its full bytes, the
# director's signature covers the final link, and `wg-log check
# --signature` names the first record whose bytes are not the signed ones,
# without re-adjudicating. tests/data/short.yaml is played and signed;
# then, on copies (tests/tools/wg_tamper.c --flip: one bit of one byte of
# one record flipped, every frame's CRC good again):
#   every record, at two bytes each (one near its start, one near its
#   end): check --signature exits 1 and names that record ("record #I at
#   offset O"); check without a signature exits 1 too (the first byte of
#   each) wherever a TurnResult follows the record (its chain breaks); and
#   wg-log verify --signature
#   says the signature is BAD;
#   a flip whose every later chain link was made good again (--rechain):
#   check without a signature passes (the chain alone cannot tell), check
#   --signature names the record;
#   the untouched log: check and check --signature exit 0, and the last
#   link tests/tools/wg_chain_check.py computes is the signed one; a signature
#   with another key, a signature file whose record list was changed, and
#   a format-2 log's (v1) signature on it are refused as BAD (exit 1).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init seal
LOG_TOOL="$WG_BIN/wg-log"
TAMPER="$WG_BUILD_DIR/tests/wg-tamper"
[ -x "$TAMPER" ] || wg_abort "no $TAMPER"
PY=$(wg_python) || wg_abort "no python3"

log="$WG_TMP/ex.wglog"
wg_play run "$WG_SHORT" --log "$log" --lobby-timeout 20000
cd "$WG_TMP" || wg_abort "cd failed"
wg_expect_exit 0 keygen "$LOG_TOOL" keygen director
wg_expect_exit 0 sign "$LOG_TOOL" sign "$log" --key director.sign.key -o ex.sig
wg_expect_exit 0 check0 "$LOG_TOOL" check "$log"
wg_expect_exit 0 check1 "$LOG_TOOL" check --signature ex.sig --pubkey director.sign.pub "$log"
grep -q 'signature good' check1 || fail "check does not call the signature good: $(cat check1)"
# The independent check (written from docs/LOG-FORMAT.md) reaches the link
# the director signed.
"$PY" "$WG_SOURCE_DIR/tests/tools/wg_chain_check.py" "$log" >py 2>&1 ||
    fail "the independent chain check fails: $(cat py)"
signed=$(head -1 ex.sig | cut -d' ' -f2)
grep -q "last link $signed\$" py || fail "the independent check's last link is not the signed one ($signed): $(cat py)"

# Each record's length and whether a TurnResult follows it (by the dump).
"$LOG_TOOL" dump "$log" >dump 2>dump.err || wg_abort "dump failed"
"$PY" - dump >records <<'EOF' || wg_abort "no records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
last = max(i for i, r in enumerate(recs) if "result" in r)
for i, r in enumerate(recs):
    print(i, 1 if i < last else 0)
EOF
n=$(wc -l <records)
[ "$n" -gt 100 ] || wg_abort "only $n records"

caught=0 missed=0
while read -r i chained; do
    for b in $((i * 7 + 3)) $((1000003 - i)); do
        rm -f t.wglog
        "$TAMPER" --flip "$log" t.wglog "$i" "$b" >/dev/null 2>&1 ||
            { fail "wg-tamper --flip $i $b failed"; continue; }
        timeout 20 "$LOG_TOOL" check --signature ex.sig --pubkey director.sign.pub \
            t.wglog >out 2>&1
        st=$?
        if [ $st -eq 1 ] && grep -q "FAIL: record #$i at offset " out; then
            caught=$((caught + 1))
        else
            missed=$((missed + 1))
            [ $missed -le 5 ] && fail "record #$i byte $b: check --signature exited $st: $(cat out)"
        fi
        if [ "$chained" = 1 ] && [ "$b" -lt 1000000 ]; then
            timeout 20 "$LOG_TOOL" check t.wglog >out 2>&1
            [ $? -eq 1 ] || fail "record #$i byte $b: check without a signature passed: $(cat out)"
        fi
    done
done <records
echo "flips caught and named: $caught of $((2 * n)) ($n records)"
[ $missed -eq 0 ] || fail "$missed flips not caught and named"

# verify --signature says BAD for one of them (its re-adjudication may also
# diverge: a changed record is another exercise).
rm -f t.wglog
"$TAMPER" --flip "$log" t.wglog 50 20 >/dev/null || fail "flip 50 failed"
timeout 60 "$LOG_TOOL" verify --signature ex.sig --pubkey director.sign.pub t.wglog >v 2>&1
[ $? -eq 1 ] || fail "verify --signature of a flipped log did not exit 1"

# A flip with every later link made good again: only the signature tells.
found=
for i in $(seq 40 70); do
    rm -f r.wglog
    "$TAMPER" --flip "$log" r.wglog "$i" 1000001 --rechain >/dev/null 2>&1 || continue
    "$LOG_TOOL" check r.wglog >r0 2>&1 || continue
    found=$i
    break
done
if [ -z "$found" ]; then
    fail "no rechained flip of records 40-70 passes the chain check"
else
    echo "rechained flip of record #$found: $(cat r0)"
    wg_expect_exit 1 r1 "$LOG_TOOL" check --signature ex.sig --pubkey director.sign.pub r.wglog
    grep -q "FAIL: record #$found at offset .*not the ones signed" r1 ||
        fail "the rechained flip is not named: $(cat r1)"
fi

# Signatures that are not this log's director's.
wg_expect_exit 0 keygen2 "$LOG_TOOL" keygen intruder
wg_expect_exit 1 other_key "$LOG_TOOL" check --signature ex.sig --pubkey intruder.sign.pub "$log"
grep -q 'signature: BAD' other_key || fail "another key's check: $(cat other_key)"
sed '10s/^./f/;10s/^f\(.\)/e\1/' ex.sig >edited.sig
cmp -s ex.sig edited.sig && wg_abort "the signature list edit did not land"
wg_expect_exit 1 edited "$LOG_TOOL" check --signature edited.sig --pubkey director.sign.pub "$log"
grep -q 'signature: BAD.*record list' edited || fail "an edited record list: $(cat edited)"
wg_expect_exit 0 sign_v2 "$LOG_TOOL" sign "$WG_SOURCE_DIR/tests/data/golden/short-v2.wglog" \
    --key director.sign.key -o v1.sig
wg_expect_exit 1 v1_on_v3 "$LOG_TOOL" check --signature v1.sig --pubkey director.sign.pub "$log"
grep -q 'BAD: a v1 signature' v1_on_v3 || fail "a v1 signature on a format-3 log: $(cat v1_on_v3)"
wg_done
