#!/usr/bin/env bash
# sign.sh - the director signs a log's final hash and verify checks it.
# Checks: keygen makes a key pair (secret key mode 0600); sign writes a
# detached signature; verify with the right public key exits 0 and says the
# signature is good; with another director's key, or after the log's last
# chain link changed (a re-recorded exercise with another seed), it exits 1.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
wg_init sign

LOG_TOOL="$WG_BIN/wg-log"
golden=$(wg_golden)
log="$WG_TMP/ex.wglog"
cp "$golden" "$log" || wg_abort "cp failed"
cd "$WG_TMP" || wg_abort "cd failed"

"$LOG_TOOL" keygen director >keygen.out 2>&1 || fail "keygen failed"
[ "$(stat -c %a director.sign.key)" = 600 ] || fail "the secret key is not mode 0600"
"$LOG_TOOL" keygen director >/dev/null 2>&1 &&
    fail "keygen overwrote an existing key"
"$LOG_TOOL" sign "$log" --key director.sign.key >sign.out 2>&1 ||
    fail "sign failed: $(cat sign.out)"
[ -s "$log.sig" ] || fail "no signature file"

"$LOG_TOOL" verify "$log" --signature "$log.sig" --pubkey director.sign.pub \
    >v1.out 2>&1 || fail "verify with the director's key failed: $(tail -2 v1.out)"
grep -q '^signature: good' v1.out || fail "verify does not call the signature good"

"$LOG_TOOL" keygen intruder >/dev/null 2>&1 || fail "second keygen failed"
"$LOG_TOOL" verify "$log" --signature "$log.sig" --pubkey intruder.sign.pub \
    >v2.out 2>&1 && fail "verify accepted another key's signature"
grep -q '^signature: BAD' v2.out || fail "verify does not call a foreign signature bad"

# The signature moved to another exercise (another seed: another chain).
wg_play other "$WG_SHORT" --seed 99 --log "$WG_TMP/other.wglog" \
    --lobby-timeout 20000
"$LOG_TOOL" verify "$WG_TMP/other.wglog" --signature "$log.sig" \
    --pubkey director.sign.pub >v3.out 2>&1 &&
    fail "verify accepted a signature made over another log"
grep -q '^signature: BAD' v3.out || fail "verify does not reject the moved signature"
wg_done
